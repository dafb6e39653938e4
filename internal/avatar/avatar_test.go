package avatar_test

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/avatar"
)

var m = &avatar.Maker{Secret: []byte("site secret")}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestDefaultLeaksNothing: without the Gravatar setting an avatar is a path on this site that
// holds neither the address, nor its MD5, nor any other unkeyed hash of it; the same address
// always gets the same avatar, another address (or the same one under another site's secret)
// another.
func TestDefaultLeaksNothing(t *testing.T) {
	c := &broadside.Comment{AuthorName: "Ann Lee", AuthorEmail: " Ann@Example.org "}
	u := m.URL(c, broadside.Discussion{}, 48)
	if !strings.HasPrefix(u, avatar.Prefix) || !strings.HasSuffix(u, "-AL.svg") {
		t.Fatalf("URL = %q, want a generated avatar with initials AL", u)
	}
	for _, leak := range []string{"gravatar", "ann", "example", md5hex("ann@example.org")[:8]} {
		if strings.Contains(strings.ToLower(u), leak) {
			t.Errorf("URL %q contains %q", u, leak)
		}
	}
	if again := m.URL(&broadside.Comment{AuthorName: "Ann Lee", AuthorEmail: "ann@example.org"}, broadside.Discussion{}, 96); again != u {
		t.Errorf("same address, other avatar: %q and %q", u, again)
	}
	if other := m.URL(&broadside.Comment{AuthorName: "Ann Lee", AuthorEmail: "bob@example.org"}, broadside.Discussion{}, 48); other == u {
		t.Error("two addresses share an avatar")
	}
	if other := (&avatar.Maker{Secret: []byte("another site")}).URL(c, broadside.Discussion{}, 48); other == u {
		t.Error("two sites give an address the same avatar: the key is not keyed")
	}
	key, initials, ok := avatar.Parse(strings.TrimPrefix(u, avatar.Prefix))
	if !ok || initials != "AL" || len(key) != 16 {
		t.Fatalf("Parse(%q) = %q %q %v", u, key, initials, ok)
	}
}

func TestGravatarOptIn(t *testing.T) {
	c := &broadside.Comment{AuthorName: "Ann", AuthorEmail: " Ann@Example.org "}
	u := m.URL(c, broadside.Discussion{Gravatar: true}, 96)
	want := "https://secure.gravatar.com/avatar/" + md5hex("ann@example.org") + "?s=96&d=identicon&r=g"
	if u != want {
		t.Fatalf("URL = %q, want %q", u, want)
	}
	// Without an address there is nothing to ask Gravatar: a generated avatar.
	if u := m.URL(&broadside.Comment{AuthorName: "Ann"}, broadside.Discussion{Gravatar: true}, 96); !strings.HasPrefix(u, avatar.Prefix) {
		t.Fatalf("no address: %q", u)
	}
}

func TestRemoteAvatar(t *testing.T) {
	c := &broadside.Comment{AuthorName: "Ann", AuthorEmail: "ann@example.org", AvatarURL: "https://social.example/ann.png"}
	for _, d := range []broadside.Discussion{{}, {Gravatar: true}} {
		if u := m.URL(c, d, 48); u != c.AvatarURL {
			t.Errorf("remote avatar: %q", u)
		}
	}
	c.AvatarURL = "javascript:alert(1)"
	if u := m.URL(c, broadside.Discussion{}, 48); !strings.HasPrefix(u, avatar.Prefix) {
		t.Errorf("a javascript: avatar was used: %q", u)
	}
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"Ann Lee": "AL", "ann": "A", "Jean-Luc Picard": "JP", "张伟": "张", "王 小明": "王",
		"علی رضایی": "عر", "": "", "!!!": "", `"><script>alert(1)</script>`: "SS", "élodie durand": "ÉD",
	} {
		if got := avatar.Initials(in); got != want {
			t.Errorf("Initials(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSVGCannotCarryMarkup: whatever a commenter calls themselves or whatever a visitor puts
// in the address, the drawing holds at most two escaped letters: Parse refuses anything
// else, and SVG escapes even what Parse would refuse.
func TestSVGCannotCarryMarkup(t *testing.T) {
	for _, name := range []string{`"><script>alert(1)</script>`, `<svg onload=alert(1)>`, "&amp; ]]> <!--", "A\x00B"} {
		u := m.URL(&broadside.Comment{AuthorName: name, AuthorEmail: `x"@example.org<script>`}, broadside.Discussion{}, 48)
		file, err := url.PathUnescape(strings.TrimPrefix(u, avatar.Prefix))
		if err != nil {
			t.Fatal(err)
		}
		key, initials, ok := avatar.Parse(file)
		if !ok {
			t.Fatalf("Parse refused its own URL %q", u)
		}
		checkSVG(t, avatar.SVG(key, initials))
	}
	for _, file := range []string{"0123456789abcdef-<s.svg", "0123456789abcdef-ABC.svg", "0123456789abcdef-A\".svg",
		"0123456789ABCDEF-A.svg", "0123456789abcdeg-A.svg", "0123-A.svg", "0123456789abcdef-A.png",
		"../0123456789abcdef-A.svg", "0123456789abcdef-%3C.svg"} {
		if _, _, ok := avatar.Parse(file); ok {
			t.Errorf("Parse(%q) accepted", file)
		}
	}
	checkSVG(t, avatar.SVG("0123456789abcdef", `<&"`))
}

// checkSVG parses svg as XML: one svg element holding a rect and at most a text, nothing else.
func checkSVG(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	var names []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			names = append(names, se.Name.Local)
			for _, a := range se.Attr {
				if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
					t.Errorf("event attribute in %s", svg)
				}
			}
		}
	}
	if got := strings.Join(names, " "); got != "svg rect text" && got != "svg rect" {
		t.Errorf("elements %q in %s", got, svg)
	}
}

// TestKeyIsTheKeyedHash pins a generated avatar's key to its definition (the first 16 hex
// digits of HMAC-SHA256 under the site's secret of "avatar\x00email:<address>" or
// "avatar\x00name:<name>"): avatars already on pages and in caches keep their URLs, and the
// reused hashes never carry one commenter's state into the next one's key.
func TestKeyIsTheKeyedHash(t *testing.T) {
	want := func(who string) string {
		h := hmac.New(sha256.New, []byte("site secret"))
		h.Write([]byte("avatar\x00" + who))
		return avatar.Prefix + hex.EncodeToString(h.Sum(nil))[:16]
	}
	for i := 0; i < 3; i++ {
		for _, c := range []struct {
			cm  *broadside.Comment
			who string
		}{
			{&broadside.Comment{AuthorName: "Ann Lee", AuthorEmail: "Ann@Example.org"}, "email:ann@example.org"},
			{&broadside.Comment{AuthorName: "Bob"}, "name:Bob"},
		} {
			if u := m.URL(c.cm, broadside.Discussion{}, 24); !strings.HasPrefix(u, want(c.who)+"-") {
				t.Fatalf("round %d: URL = %q, want the key of %q (%s)", i, u, c.who, want(c.who))
			}
		}
	}
}
