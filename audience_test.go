package broadside

import "testing"

func TestIsBotLetsBrowsersThrough(t *testing.T) {
	for _, ua := range []string{
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
	} {
		if IsBot(ua) {
			t.Errorf("IsBot(%q) = true for a browser", ua)
		}
	}
	for _, ua := range []string{"", "curl/8.11.1", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; GPTBot/1.2)", "facebookexternalhit/1.1"} {
		if !IsBot(ua) {
			t.Errorf("IsBot(%q) = false", ua)
		}
	}
}

func TestReferrerKey(t *testing.T) {
	for _, c := range []struct{ ref, want string }{
		{"", ""},
		{"not a url", ""},
		{"https://www.Example.ORG/path?q=secret#frag", "example.org"},
		{"http://news.ycombinator.com", "news.ycombinator.com"},
		{"https://user:pw@evil.example:443/x", "evil.example"},
		{"https://blog.test/2026/01/02/post/?utm_source=x", "/2026/01/02/post/"},
		{"https://blog.test?x=1", "/"},
		{"android-app://com.google.android.gm/", "com.google.android.gm"},
	} {
		if got := ReferrerKey(c.ref, "blog.test"); got != c.want {
			t.Errorf("ReferrerKey(%q) = %q, want %q", c.ref, got, c.want)
		}
	}
}

func TestBanMatches(t *testing.T) {
	for _, c := range []struct {
		kind            BanKind
		value           string
		email, name, ip string
		want            bool
	}{
		{BanEmail, "Spam@Example.com", "spam@example.COM", "", "", true},
		{BanEmail, "spam@example.com", "other@example.com", "", "", false},
		{BanName, "Viagra Seller", "", "viagra seller ", "", true},
		{BanIP, "203.0.113.7", "", "", "203.0.113.7", true},
		{BanIP, "203.0.113.7", "", "", "203.0.113.70", false},
		{BanIP, "203.0.113.9/24", "", "", "203.0.113.200", true},
		{BanIP, "203.0.113.0/24", "", "", "::ffff:203.0.113.5", true},
		{BanIP, "2001:db8:1:2::/64", "", "", "2001:db8:1:2:aaaa::1", true},
		{BanIP, "2001:db8:1:2::/64", "", "", "2001:db8:1:3::1", false},
	} {
		v, err := NormalizeBan(c.kind, c.value)
		if err != nil {
			t.Fatalf("NormalizeBan(%s, %q): %v", c.kind, c.value, err)
		}
		if got := (Ban{Kind: c.kind, Value: v}).Matches(c.email, c.name, c.ip); got != c.want {
			t.Errorf("ban %s %q on (%q,%q,%q) = %v, want %v", c.kind, v, c.email, c.name, c.ip, got, c.want)
		}
	}
	for _, bad := range []struct {
		kind  BanKind
		value string
	}{{BanIP, "0.0.0.0/0"}, {BanIP, "::/0"}, {BanIP, "not an ip"}, {BanEmail, "nope"}, {"phone", "x"}, {BanName, " "}} {
		if _, err := NormalizeBan(bad.kind, bad.value); err == nil {
			t.Errorf("NormalizeBan(%s, %q) accepted", bad.kind, bad.value)
		}
	}
}
