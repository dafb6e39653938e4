package comments

import (
	"strings"
	"testing"
	"time"
)

func TestCheckStamp(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }, Secret: []byte("sixteen byte key!")}
	good := s.Stamp(7, false)
	other := &Service{Now: s.Now, Secret: []byte("another site's key")}
	parts := strings.Split(good, ".")
	edit := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, ".")
	}
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
		{"from the future", good, 7, now.Add(-2 * time.Hour), "from the future"},
		{"signed by another site", other.Stamp(7, false), 7, now, "invalid"},
		{"time changed", edit(1, "1"), 7, now, "invalid"},
		{"nonce changed", edit(2, "AAAA"), 7, now, "invalid"},
		{"scope widened", edit(3, scopeShared), 7, now, "invalid"},
		{"missing", "", 7, now, "no form stamp"},
		{"garbage", "1000000000.AAAA", 7, now, "invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, why := s.checkStamp(tc.post, tc.stamp, "192.0.2.1", tc.at)
			if tc.why == "" && (why != "" || st.nonceHash == "") || tc.why != "" && !strings.Contains(why, tc.why) {
				t.Fatalf("checkStamp = %+v, %q; want %q", st, why, tc.why)
			}
		})
	}
	bare := &Service{Now: s.Now}
	if _, why := bare.checkStamp(7, bare.Stamp(7, false), "192.0.2.1", now); why == "" {
		t.Fatal("a service without a secret accepted a stamp")
	}
	if a, b := s.Stamp(7, false), s.Stamp(7, false); a == b {
		t.Fatal("two forms got the same stamp")
	}

	// A reader's own stamp is one use wherever it comes from; a stamp in a cached page is one
	// use per client network (an IPv6 /64).
	use := func(stamp, ip string) string {
		st, why := s.checkStamp(7, stamp, ip, now)
		if why != "" {
			t.Fatalf("%s from %s: %s", stamp, ip, why)
		}
		return st.nonceHash
	}
	if use(good, "192.0.2.1") != use(good, "198.51.100.7") {
		t.Fatal("a one-reader stamp is a different use from another address")
	}
	shared := s.Stamp(7, true)
	if use(shared, "192.0.2.1") == use(shared, "198.51.100.7") {
		t.Fatal("readers of a cached page on different networks share one use")
	}
	if use(shared, "2001:db8:1:2::5") != use(shared, "2001:db8:1:2:aaaa::9") || use(shared, "2001:db8:1:2::5") == use(shared, "2001:db8:1:3::5") {
		t.Fatal("a shared stamp's use must be per IPv6 /64")
	}
	if use(shared, "::ffff:192.0.2.1") != use(shared, "192.0.2.1") {
		t.Fatal("an IPv4-mapped address is the IPv4 address")
	}
}
