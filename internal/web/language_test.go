package web_test

import (
	"context"
	"net/http"
	"os"
	"regexp"
	"strconv"
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
	t.Parallel()
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
	t.Parallel()
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

// setLanguage saves the site language directly.
func (ta *testApp) setLanguage(admin *broadside.User, code string) {
	ta.t.Helper()
	ctx := context.Background()
	set, err := ta.App.Settings.Load(ctx)
	if err != nil {
		ta.t.Fatal(err)
	}
	set.Language = code
	if err := ta.App.Settings.Save(ctx, set, admin); err != nil {
		ta.t.Fatal(err)
	}
}

// TestPostPageInLanguage: the post page a reader sees in French, Persian and Chinese — the
// comment count with the language's plural, the dates in its format, the comment form and the
// "Leave a Reply to NAME" / "Cancel reply" of a reply link — comes from the catalog, and the
// page says no English sentence of the form.
func TestPostPageInLanguage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Bonjour", "Texte.")
	ann := ta.seedComment(p, "Ann", "Premier.", broadside.CommentApproved)
	ta.seedComment(p, "Bob", "Second.", broadside.CommentApproved)
	if err := ta.App.Store.RecountAllComments(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"2 commentaires", "1er mars 2026", "Laisser un commentaire", "Répondre à Ann", "Annuler la réponse",
			"Votre adresse e-mail ne sera pas publiée.", "1er mars 2026 à 12:00", ">Répondre<", "Commentaire"}},
		{"fa", []string{"۲ دیدگاه", "۱ مارس ۲۰۲۶", "دیدگاهتان را بنویسید", "پاسخ دادن به Ann", "لغو پاسخ", "فرستادن دیدگاه"}},
		{"zh-CN", []string{"2 条评论", "2026年3月1日", "发表回复", "回复给 Ann", "取消回复", "发表评论"}},
	} {
		ta.setLanguage(admin, c.lang)
		r := ta.browser().get(ta.postPath(p))
		wantStatus(t, r, http.StatusOK)
		reply := ta.browser().get(ta.postPath(p) + "?replytocom=" + strconv.FormatInt(ann.ID, 10))
		wantStatus(t, reply, http.StatusOK)
		body := r.Body + reply.Body
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the post page lacks %q", c.lang, w)
			}
		}
		if feed := ta.browser().get("/feed/"); !strings.Contains(feed.Body, "<language>"+c.lang+"</language>") {
			t.Errorf("%s: the feed does not name the site language", c.lang)
		}
		for _, english := range []string{"Leave a Reply", "Cancel reply", "Post Comment", "comments</a>", "March 1, 2026", "Your email address"} {
			if strings.Contains(body, english) {
				t.Errorf("%s: the post page still says %q", c.lang, english)
			}
		}
	}
}

// TestCommentErrorWithNumbersInLanguage: the comment form's length error carries numbers; a
// French reader still reads it in French, with French number grouping.
func TestCommentErrorWithNumbersInLanguage(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Bonjour", "Texte.")
	ta.setLanguage(admin, "fr")
	b := ta.browser()
	f := b.formFor(ta.postPath(p))
	f.Set("comment", strings.Repeat("a", broadside.DefaultMaxCommentLen+1))
	r := b.post("/comments", f)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	text := html.UnescapeString(r.Body)
	if want := "Votre commentaire est trop long : 10\u00a0001 caractères, la limite est de 10\u00a0000."; !strings.Contains(text, want) {
		t.Errorf("the French form does not say %q", want)
	}
	if strings.Contains(text, "Your comment is too long") {
		t.Error("the French form shows the English length error")
	}
}
