package config_test

import (
	"strings"
	"testing"
)

// TestFederationAllowPrivateParsed: the flag is a yes/no like --media-s3-insecure; a value that
// is neither is refused with the flag named instead of quietly meaning false.
func TestFederationAllowPrivateParsed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want bool
	}{
		{nil, nil, false},
		{[]string{"--federation-allow-private"}, nil, true},
		{[]string{"--federation-allow-private=false"}, nil, false},
		{nil, map[string]string{"BROADSIDE_FEDERATION_ALLOW_PRIVATE": "yes"}, true},
		{nil, map[string]string{"BROADSIDE_FEDERATION_ALLOW_PRIVATE": "TRUE"}, true},
	} {
		c, err := parse(t, tc.args, tc.env)
		if err != nil || c.FederationAllowPrivate != tc.want {
			t.Errorf("%v %v: %v %v, want %v", tc.args, tc.env, c.FederationAllowPrivate, err, tc.want)
		}
	}
	for _, v := range []string{"maybe", "on-ish"} {
		_, err := parse(t, []string{"--federation-allow-private=" + v}, nil)
		if err == nil || !strings.Contains(err.Error(), "--federation-allow-private") {
			t.Errorf("%q: error %v should name --federation-allow-private", v, err)
		}
	}
}
