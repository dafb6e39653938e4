package comments

import (
	"strings"
	"testing"
	"time"
)

func TestCheckStamp(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }, Secret: []byte("sixteen byte key!")}
	good := s.Stamp(7)
	other := &Service{Now: s.Now, Secret: []byte("another site's key")}
	parts := strings.Split(good, ".")
	for _, tc := range []struct {
		name, stamp string
		post        int64
		at          time.Time
		why         string
	}{
		{"valid", good, 7, now.Add(time.Minute), ""},
		{"valid until the end of its lifetime", good, 7, now.Add(StampLifetime), ""},
		{"expired", good, 7, now.Add(StampLifetime + time.Second), "form stamp expired"},
		{"another post's form", good, 8, now, "another post"},
		{"from the future", s.Stamp(7), 7, now.Add(-2 * time.Hour), "from the future"},
		{"signed by another site", other.Stamp(7), 7, now, "invalid"},
		{"time changed", strings.Join([]string{parts[0], "1", parts[2], parts[3]}, "."), 7, now, "invalid"},
		{"nonce changed", strings.Join([]string{parts[0], parts[1], "AAAA", parts[3]}, "."), 7, now, "invalid"},
		{"missing", "", 7, now, "no form stamp"},
		{"garbage", "1000000000.AAAA", 7, now, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, why := s.checkStamp(tc.post, tc.stamp, tc.at)
			if tc.why == "" && (why != "" || st.nonceHash == "") || tc.why != "" && !strings.Contains(why, tc.why) {
				t.Fatalf("checkStamp = %+v, %q; want %q", st, why, tc.why)
			}
		})
	}
	if _, why := (&Service{Now: s.Now}).checkStamp(7, (&Service{Now: s.Now}).Stamp(7), now); why == "" {
		t.Fatal("a service without a secret accepted a stamp")
	}
	if a, b := s.Stamp(7), s.Stamp(7); a == b {
		t.Fatal("two forms got the same stamp")
	}
}
