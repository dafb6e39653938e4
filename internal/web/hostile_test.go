package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// Real attack strings, as seen in the wild and in XSS cheat sheets.
var attacks = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)>`,
	`<a href="javascript:alert(1)">click</a>`,
	`<a href="JaVaScRiPt:alert(1)">click</a>`,
	`<a href="java&#x09;script:alert(1)">tab</a>`,
	`<a href="&#106;avascript:alert(1)">entity</a>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<object data="evil.swf"></object><embed src="evil.swf">`,
	`<style>@import "https://evil.example/x.css";</style>`,
	`<div style="background:url(javascript:alert(1))">styled</div>`,
	`<math><mi xlink:href="javascript:alert(1)">m</mi></math>`,
	`<form action="javascript:alert(1)"><input type=submit></form>`,
	`"><script>alert(document.cookie)</script>`,
	`<<script>script>alert(1)<</script>/script>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>`,
	`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
	`<base href="//evil.example/">`,
	`<details open ontoggle=alert(1)>`,
	`<b onmouseover=alert(1)>bold</b>`,
	`<img src="x`,
	`<a href="http://ok.example" onclick="alert(1)">ok</a>`,
	`</textarea><script>alert(1)</script>`,
	`</li></ol><script>alert(1)</script>`,
}

// TestHostileCommentsRenderInert posts each attack as a comment body and as a name, then
// checks the whole post page: no script but our own, no event handlers, no dangerous URLs,
// no foreign embeds, and the thread structure intact.
func TestHostileCommentsRenderInert(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) {
		s.Discussion.ModerationMode = broadside.ModeratePublish
		s.Discussion.MaxLinks = -1
		s.Discussion.RateLimitPerMinute = 1000
	})
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Target", "Body.")
	path := ta.postPath(p)
	b := ta.browser()
	for i, a := range attacks {
		f := b.formFor(path)
		f.Set("comment", "Attack "+strconv.Itoa(i)+": "+a+"\n\nafter")
		f.Set("author", a)
		f.Set("email", "x"+strconv.Itoa(i)+"@example.org")
		if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("attack %d not accepted: %d %.300s", i, r.StatusCode, r.Body)
		}
	}
	// Hostile websites are refused at the form rather than stored.
	f := b.formFor(path)
	f.Set("url", "javascript:alert(1)")
	if r := b.post("/comments", f); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("javascript: website accepted: %d", r.StatusCode)
	}
	ta.settings(func(s *broadside.Settings) { s.Discussion.PerPage = 0 })
	page := b.get(path)
	checkInert(t, page.Body)

	doc := parseHTML(t, page.Body)
	lis := find(doc, func(n *html.Node) bool { return n.Data == "li" && hasClass(n, "comment") })
	if len(lis) != len(attacks) {
		t.Fatalf("%d comments rendered, want %d: hostile markup broke the thread", len(lis), len(attacks))
	}
	for _, li := range lis {
		if commentDepth(li) != 1 {
			t.Fatal("hostile markup changed the nesting of the thread")
		}
		if !strings.Contains(textOf(li), "after") {
			t.Fatal("text after the attack was swallowed")
		}
	}
	// Names are shown as text, exactly as typed.
	if !strings.Contains(textOf(doc), `<script>alert(1)</script>`) {
		t.Error("an attack typed as a name should be displayed as text")
	}
	// The form after a rejected submission echoes hostile input safely too.
	f = b.formFor(path)
	f.Set("email", "bad")
	f.Set("comment", `</textarea><script>alert("echo")</script>`)
	r := b.post("/comments", f)
	checkInert(t, r.Body)
}

var dangerousElements = map[string]bool{"iframe": true, "object": true, "embed": true, "style": true,
	"base": true, "svg": true, "math": true, "applet": true, "frame": true}

func checkInert(t *testing.T, page string) {
	t.Helper()
	doc := parseHTML(t, page)
	forms := 0
	for _, n := range find(doc, func(*html.Node) bool { return true }) {
		switch {
		case n.Data == "script" && attr(n, "type") == "application/ld+json":
			// Structured data is not executed; it must stay one JSON document.
			if n.FirstChild == nil || !json.Valid([]byte(n.FirstChild.Data)) {
				t.Errorf("JSON-LD is not valid JSON: %s", render(n))
			}
		case n.Data == "script":
			if attr(n, "src") == "" || !strings.HasPrefix(attr(n, "src"), "/static/") || n.FirstChild != nil {
				t.Errorf("foreign script element: %s", render(n))
			}
		case dangerousElements[n.Data]:
			t.Errorf("dangerous element <%s> rendered", n.Data)
		case n.Data == "meta" && attr(n, "http-equiv") != "":
			t.Errorf("meta http-equiv rendered")
		case n.Data == "li" && hasClass(n, "comment"):
			forms += len(find(n, func(f *html.Node) bool { return f.Data == "form" || f.Data == "input" || f.Data == "button" }))
			// The site's own Report button (comment_reader.go) is not injected.
			for _, f := range find(n, func(f *html.Node) bool {
				return f.Data == "form" && hasClass(f, "comment-report") && strings.HasPrefix(attr(f, "action"), "/comments/report/")
			}) {
				forms -= 1 + len(find(f, func(c *html.Node) bool { return c != f && (c.Data == "input" || c.Data == "button") }))
			}
		}
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if strings.HasPrefix(k, "on") {
				t.Errorf("event handler %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if k == "style" {
				t.Errorf("style attribute on <%s>", n.Data)
			}
			if k == "href" || k == "src" || k == "action" || k == "xlink:href" || k == "formaction" {
				if !safeURL(a.Val) {
					t.Errorf("unsafe %s=%q on <%s>", a.Key, a.Val, n.Data)
				}
			}
		}
	}
	if forms > 0 {
		t.Errorf("%d form controls inside comments: a comment injected them", forms)
	}
}

func safeURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToLower(html.UnescapeString(v)))
	if i := strings.IndexAny(v, ":/?#"); i >= 0 && v[i] == ':' {
		u, err := url.Parse(v)
		return err == nil && (u.Scheme == "http" || u.Scheme == "https" || u.Scheme == "mailto")
	}
	return true
}

func render(n *html.Node) string {
	var b strings.Builder
	_ = html.Render(&b, n)
	return b.String()
}
