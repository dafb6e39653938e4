package activitypub

import "testing"

// TestHostIsCaseless: host names are case-insensitive, so per-host limits and the dedup of
// inboxes by host must not split one server in two by how a URL spells it.
func TestHostIsCaseless(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://Social.Example.COM/users/bob": "social.example.com",
		"https://social.example.com/inbox":     "social.example.com",
		"HTTPS://SOCIAL.example.com:8443/x":    "social.example.com:8443",
		"::not a url":                          "",
	} {
		if got := Host(in); got != want {
			t.Errorf("Host(%q) = %q, want %q", in, got, want)
		}
	}
	if !sameHost("https://Social.Example.com/users/bob", "https://social.example.com/inbox") {
		t.Error("sameHost split one host by case")
	}
}
