package importer

import (
	"testing"

	"github.com/broadside/broadside/internal/wxr"
)

func TestStructureOf(t *testing.T) {
	cats := map[string]bool{"news": true, "local": true}
	isCat := func(s string) bool { return cats[s] }
	item := func(link string) *wxr.Item {
		return &wxr.Item{Link: link, ID: 123, Name: "hello-world", PostDate: "2018-09-05 10:00:00", Creator: "Ann_Lee"}
	}
	cases := map[string]string{
		"https://example.com/2018/09/05/hello-world/":           "/%year%/%monthnum%/%day%/%postname%/",
		"https://example.com/2018/09/hello-world/":              "/%year%/%monthnum%/%postname%/",
		"https://example.com/archives/123":                      "/archives/%post_id%",
		"https://example.com/hello-world/":                      "/%postname%/",
		"https://example.com/news/local/hello-world/":           "/%category%/%postname%/",
		"https://example.com/ann_lee/hello-world/":              "/%author%/%postname%/",
		"https://example.com/blog/2018/hello-world.html":        "/blog/%year%/%postname%.html",
		"https://example.com/index.php/2018/09/05/hello-world/": "/index.php/%year%/%monthnum%/%day%/%postname%/",
		// A link kept from before the post was renamed and redated still shows the structure.
		"https://example.com/2017/01/02/old-name/": "/%year%/%monthnum%/%day%/%postname%/",
		"https://example.com/?p=123":               "",
		"https://example.com/":                     "",
	}
	for link, want := range cases {
		if got := structureOf(item(link), "/", isCat); got != want {
			t.Errorf("%s -> %q, want %q", link, got, want)
		}
	}
}

func TestInferredStructureNeedsAMajority(t *testing.T) {
	p := &plan{votes: map[string]int{"/%postname%/": 8, "/%year%/%postname%/": 1}, voters: 10}
	if got := p.inferredStructure(); got != "/%postname%/" {
		t.Errorf("8 of 10 = %q", got)
	}
	p.votes["/%postname%/"] = 7
	if got := p.inferredStructure(); got != "" {
		t.Errorf("7 of 10 = %q, want none", got)
	}
}

func TestTimezone(t *testing.T) {
	cases := []struct {
		offsets map[int]int
		zone    string
		note    bool
	}{
		{map[int]int{}, "", false},
		{map[int]int{0: 5}, "UTC", false},
		{map[int]int{120: 5}, "Etc/GMT-2", false},
		{map[int]int{-300: 5}, "Etc/GMT+5", false},
		{map[int]int{330: 5}, "", true},        // India: no fixed-offset zone name
		{map[int]int{60: 3, 120: 4}, "", true}, // daylight saving time
	}
	for _, c := range cases {
		zone, note := (&plan{offsets: c.offsets}).timezone()
		if zone != c.zone || (note != "") != c.note {
			t.Errorf("%v -> %q, %q", c.offsets, zone, note)
		}
	}
}

func TestHelpers(t *testing.T) {
	if got := plainText("Markup: Title <em>With</em> <b>Markup</b> &amp; more&hellip;"); got != "Markup: Title With Markup & more…" {
		t.Errorf("plainText = %q", got)
	}
	if got := wpNicename("John.Doe Smith_x"); got != "john-doe-smith_x" {
		t.Errorf("nicename = %q", got)
	}
	for u, want := range map[string]string{
		"https://example.com/wp-content/uploads/2019/04/a%20b.jpg": "2019/04/a b.jpg",
		"https://site.files.wordpress.com/2008/06/canola2.jpg":     "2008/06/canola2.jpg",
		"https://example.com/wp-content/uploads/../../etc/passwd":  "",
		"https://cdn.example/a.jpg":                                "",
	} {
		if got := uploadsRel(u); got != want {
			t.Errorf("uploadsRel(%s) = %q, want %q", u, got, want)
		}
	}
	for link, want := range map[string]string{
		"https://example.com/2018/09/05/héllo/":      "/2018/09/05/héllo/",
		"https://example.com/2018/09/05/h%C3%A9llo/": "/2018/09/05/héllo/",
		"https://example.com/?p=5":                   "",
		"https://other.example/2018/09/05/hello/":    "",
		"/relative/path/":                            "/relative/path/",
	} {
		if got := oldPath(link, "https://example.com"); got != want {
			t.Errorf("oldPath(%s) = %q, want %q", link, got, want)
		}
	}
	if normalizeSource("https://WWW.Example.com/blog/") != normalizeSource("http://example.com/blog") {
		t.Error("a site that moved to https or dropped www. is not the same source")
	}
	if !safeRel("2019/04/a.jpg") || safeRel("../a") || safeRel("/etc/passwd") || safeRel("a//b") {
		t.Error("safeRel")
	}
}
