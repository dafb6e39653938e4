package broadside

import (
	"slices"
	"testing"
)

func TestNormalizeBlockDomain(t *testing.T) {
	for in, want := range map[string]string{
		"spam.example": "spam.example", " Spam.Example. ": "spam.example", "*.spam.example": "spam.example",
		".spam.example": "spam.example", "https://Spam.Example:8443/@bob": "spam.example", "xn--bcher-kva.example": "xn--bcher-kva.example",
		"203.0.113.7": "203.0.113.7", "[2001:db8::1]": "2001:db8::1", "localhost": "localhost",
	} {
		if got, err := NormalizeBlockDomain(in); err != nil || got != want {
			t.Errorf("NormalizeBlockDomain(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "com", "not a domain", "spam..example", "-spam.example", "spam_x.example", "bücher.example",
		"<b>x</b>.example", "https://", "spam.example/path"} {
		if got, err := NormalizeBlockDomain(in); err == nil || ErrorFields(err)["value"] == "" {
			t.Errorf("NormalizeBlockDomain(%q) = %q, %v; want a field error on value", in, got, err)
		}
	}
}

func TestBlockHosts(t *testing.T) {
	for in, want := range map[string][]string{
		"a.b.example":        {"a.b.example", "b.example", "example"},
		"A.B.Example:8080":   {"a.b.example", "b.example", "example"},
		"127.0.0.1:3000":     {"127.0.0.1"},
		"[2001:db8::1]:443":  {"2001:db8::1"},
		"example":            {"example"},
		"":                   nil,
		"evil.example.":      {"evil.example", "example"},
		"notspam-example.co": {"notspam-example.co", "co"},
	} {
		if got := BlockHosts(in); !slices.Equal(got, want) {
			t.Errorf("BlockHosts(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFederationValidate(t *testing.T) {
	for name, ok := range map[string]bool{"": true, "blog": true, "the.news_1": true, "a": true, "Blog": false, "a b": false,
		".blog": false, "blog-": false, "31-chars-is-one-too-many-for-it": false, "<x>": false} {
		if got := len(Federation{Username: name}.Validate()) == 0; got != ok {
			t.Errorf("username %q valid: %v, want %v", name, got, ok)
		}
	}
}
