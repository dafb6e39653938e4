package web_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// TestSiteLanguageSetting: Settings → General offers the shipped languages; choosing Persian
// makes every public page say lang="fa" dir="rtl", Chinese lang="zh-CN" dir="ltr", and a code
// that is not shipped is refused with a message naming the field, leaving the settings as
// they were.
func TestSiteLanguageSetting(t *testing.T) {
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	b := ta.signIn(admin)
	p := ta.publish(admin, "Hello", "Body.")
	r := b.get("/admin/settings")
	wantStatus(t, r, http.StatusOK)
	for _, name := range []string{"English", "Français", "Deutsch", "Español", "فارسی", "简体中文"} {
		if !strings.Contains(r.Body, ">"+name+"</option>") {
			t.Errorf("language menu lacks %s", name)
		}
	}
	f := formValues(t, r.Body, "/admin/settings")
	if got, ok := f["language"]; !ok || got[0] != "" {
		t.Fatalf("language of a fresh site = %q (sent %v), want unset", got, ok)
	}
	htmlAttrs := func(path string) (lang, dir string) {
		t.Helper()
		res := ta.browser().get(path)
		wantStatus(t, res, http.StatusOK)
		doc := parseHTML(t, res.Body)
		n := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "html" })[0]
		return attr(n, "lang"), attr(n, "dir")
	}
	if l, d := htmlAttrs("/"); l != "en" || d != "ltr" {
		t.Errorf("unset: lang=%q dir=%q", l, d)
	}
	for _, c := range []struct{ code, dir string }{{"fa", "rtl"}, {"zh-CN", "ltr"}, {"fr", "ltr"}} {
		f.Set("language", c.code)
		wantRedirect(t, b.post("/admin/settings", f), "/admin/settings")
		for _, path := range []string{"/", ta.postPath(p), "/no-such-page/"} {
			res := ta.browser().get(path)
			doc := parseHTML(t, res.Body)
			n := find(doc, func(n *html.Node) bool { return n.Type == html.ElementNode && n.Data == "html" })[0]
			if attr(n, "lang") != c.code || attr(n, "dir") != c.dir {
				t.Errorf("%s %s: lang=%q dir=%q", c.code, path, attr(n, "lang"), attr(n, "dir"))
			}
		}
	}
	before, _ := ta.App.Settings.Load(context.Background())
	f.Set("language", "tlh")
	r = b.post("/admin/settings", f)
	wantStatus(t, r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "Choose one of the site languages offered.") {
		t.Errorf("no field message for an unknown language")
	}
	if after, _ := ta.App.Settings.Load(context.Background()); after.Language != before.Language {
		t.Errorf("a refused form changed the language to %q", after.Language)
	}
}

// TestPublicCSSIsLogical: the public stylesheets name no physical side (margin-left,
// padding-right, left: …, text-align: left), so a right-to-left site mirrors with them:
// a Persian thread indents from the right, a blockquote's rule is on its right.
func TestPublicCSSIsLogical(t *testing.T) {
	physical := regexp.MustCompile(`(?i)(?:^|[\s;{])((?:margin|padding|border)-(?:left|right)|left|right|float|text-align|clear)\s*:\s*([^;}]*)`)
	for _, name := range []string{"static/style.css", "static/subscribe.css"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range physical.FindAllStringSubmatch(string(b), -1) {
			prop, val := strings.ToLower(m[1]), strings.ToLower(m[2])
			switch prop {
			case "float", "text-align", "clear":
				if !strings.Contains(val, "left") && !strings.Contains(val, "right") {
					continue
				}
			case "left", "right":
				if strings.TrimSpace(val) == "0" { // a full-width bar, the same both ways
					continue
				}
			}
			t.Errorf("%s: %s: %s is a physical side; use the logical property (inline-start/end)", name, prop, val)
		}
	}
}
