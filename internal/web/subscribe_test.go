package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
)

// withMail points the app at an in-process SMTP server (mailtest) and returns it.
func withMail(t *testing.T, srv **mailtest.Server) appOption {
	s := mailtest.Start(t)
	*srv = s
	snd, err := mail.NewSMTP(mail.SMTPConfig{Host: s.Host, Port: s.Port, TLS: mail.TLSNone, From: "news@example.org", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snd.Close() })
	return func(o *app.Options, c *config.Config) {
		o.Mailer = snd
		c.SMTP.From = "The Test Site <news@example.org>"
		c.SMTP.Rate = 1000
	}
}

// lastMail returns the last message sent to addr, parsed.
func lastMail(t testing.TB, srv *mailtest.Server, addr string) *mailtest.Parsed {
	t.Helper()
	ms := srv.To(addr)
	if len(ms) == 0 {
		t.Fatalf("no mail to %s", addr)
	}
	return mailtest.Parse(t, ms[len(ms)-1].Data)
}

// pathOf strips the test server's origin from a link in an email.
func (ta *testApp) pathOf(link string) string {
	ta.t.Helper()
	u, err := url.Parse(link)
	if err != nil || "http://"+u.Host != ta.Srv.URL {
		ta.t.Fatalf("link %q does not point at the site %s", link, ta.Srv.URL)
	}
	return u.RequestURI()
}

// clickEmailLink opens an emailed link (a page with a button) and presses the button, the
// way a reader does.
func (b *browser) clickEmailLink(path string) *response {
	b.t.Helper()
	r := b.get(path)
	if r.StatusCode != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", path, r.StatusCode, r.Body)
	}
	doc := parseHTML(b.t, r.Body)
	forms := find(doc, func(n *html.Node) bool { return n.Data == "form" && hasClass(n, "subscribe-confirm-form") })
	if len(forms) != 1 {
		b.t.Fatalf("no confirmation button on %s", path)
	}
	v := url.Values{}
	for _, in := range find(forms[0], func(n *html.Node) bool { return n.Data == "input" }) {
		v.Set(attr(in, "name"), attr(in, "value"))
	}
	return b.post(attr(forms[0], "action"), v)
}

// subscribe runs the whole double opt-in for addr from the page at from, returning the
// browser (now signed in as the reader).
func (ta *testApp) subscribe(srv *mailtest.Server, addr, from string) *browser {
	ta.t.Helper()
	b := ta.browser()
	r := b.post("/subscribe", url.Values{"email": {addr}, "return": {from}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/subscribe/sent" {
		ta.t.Fatalf("subscribe: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	ta.drainJobs()
	m := lastMail(ta.t, srv, addr)
	r = b.clickEmailLink(ta.pathOf(m.Link(ta.t, "/subscribe/confirm?t=")))
	if r.StatusCode != http.StatusSeeOther {
		ta.t.Fatalf("confirm: %d\n%s", r.StatusCode, r.Body)
	}
	if from != "" && r.Header.Get("Location") != from {
		ta.t.Fatalf("confirming led to %q, want back to %q", r.Header.Get("Location"), from)
	}
	return b
}

func TestSubscribeConfirmUnsubscribeOverHTTP(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	b := ta.browser()
	page := b.get("/subscribe/")
	if page.StatusCode != http.StatusOK || !strings.Contains(page.Body, `action="/subscribe"`) {
		t.Fatalf("GET /subscribe/: %d", page.StatusCode)
	}
	if !strings.Contains(b.get("/").Body, `id="footer-email"`) {
		t.Error("no subscribe form in the footer")
	}
	// Cross-site form posts are refused (the CSRF middleware covers the subscribe form).
	r := b.postWith("/subscribe", url.Values{"email": {"x@example.net"}}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if r.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site subscribe: %d", r.StatusCode)
	}
	// A bad address is shown back with its error.
	r = b.post("/subscribe", url.Values{"email": {"nope"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, `aria-invalid="true"`) {
		t.Fatalf("bad address: %d", r.StatusCode)
	}

	reader := ta.subscribe(srv, "reader@example.net", "")
	if len(srv.To("reader@example.net")) != 1 {
		t.Fatal("more than the confirmation before confirming")
	}
	prof := reader.follow(&response{Response: &http.Response{Header: http.Header{"Location": {"/subscribe/profile"}}}})
	if prof.StatusCode != http.StatusOK || !strings.Contains(prof.Body, "reader@example.net") || !strings.Contains(prof.Body, "Thank you: you are subscribed") {
		t.Fatalf("profile: %d\n%s", prof.StatusCode, prof.Body)
	}
	ta.drainJobs()
	welcome := lastMail(t, srv, "reader@example.net")
	if welcome.Subject() != "Welcome to My Broadside Site" || welcome.Header.Get("From") != `"The Test Site" <news@example.org>` {
		t.Fatalf("welcome subject %q", welcome.Subject())
	}

	// The one-click POST of RFC 8058, as a mailbox provider's server makes it: no browser
	// headers, the token in the List-Unsubscribe URL.
	var oneClick string
	for _, u := range strings.Split(welcome.Header.Get("List-Unsubscribe"), ",") {
		u = strings.Trim(strings.TrimSpace(u), "<>")
		if strings.HasPrefix(u, "http") {
			oneClick = u
		}
	}
	req, _ := http.NewRequest(http.MethodPost, oneClick, strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d", res.StatusCode)
	}
	sub, _ := ta.App.Store.SubscriberByEmail(context.Background(), "reader@example.net")
	if sub.Status != broadside.SubscriberUnsubscribed {
		t.Fatalf("after one-click: %s", sub.Status)
	}
	// The reader's session ended with the subscription.
	if r := reader.get("/subscribe/profile"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile after unsubscribing: %d", r.StatusCode)
	}
	// The unsubscribe page for a link already used says so; a forged link is refused.
	if r := b.get(ta.pathOf(oneClick)); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "You are unsubscribed") {
		t.Fatalf("unsubscribe page again: %d", r.StatusCode)
	}
	if r := b.get("/subscribe/unsubscribe?t=forged.token"); r.StatusCode != http.StatusGone {
		t.Fatalf("forged link: %d", r.StatusCode)
	}
	if r := b.get("/subscribe/confirm?t=forged.token"); r.StatusCode != http.StatusGone {
		t.Fatalf("forged confirm link: %d", r.StatusCode)
	}
}

// TestSubscribeAnswersAlike: the response does not depend on the address's state.
func TestSubscribeAnswersAlike(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ctx := context.Background()
	if err := ta.App.Store.CreateSubscriber(ctx, &broadside.Subscriber{Email: "known@example.net", Status: broadside.SubscriberConfirmed, ConfirmedAt: ta.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	var answers []string
	for _, addr := range []string{"known@example.net", "unknown@example.net"} {
		for _, path := range []string{"/subscribe", "/subscribe/signin"} {
			r := ta.browser().post(path, url.Values{"email": {addr}})
			answers = append(answers, r.Status+" "+r.Header.Get("Location")+" "+r.Body)
		}
	}
	if answers[0] != answers[2] || answers[1] != answers[3] {
		t.Fatalf("answers differ by address:\n%q", answers)
	}
	for i := 0; i < 12; i++ {
		ta.browser().post("/subscribe", url.Values{"email": {"flood" + string(rune('a'+i)) + "@example.net"}})
	}
	if r := ta.browser().post("/subscribe", url.Values{"email": {"one-more@example.net"}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("flood from one IP: %d", r.StatusCode)
	}
}

// TestMagicLinkOverHTTP: sign in on another device with an emailed, single-use link.
func TestMagicLinkOverHTTP(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.subscribe(srv, "reader@example.net", "")
	other := ta.browser()
	r := other.post("/subscribe/signin", url.Values{"email": {"reader@example.net"}, "return": {"/2026/"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in request: %d", r.StatusCode)
	}
	ta.drainJobs()
	m := lastMail(t, srv, "reader@example.net")
	link := ta.pathOf(m.Link(t, "/subscribe/signin/confirm?t="))
	r = other.clickEmailLink(link)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/2026/" {
		t.Fatalf("sign in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if p := other.get("/subscribe/profile"); p.StatusCode != http.StatusOK {
		t.Fatalf("signed in: %d", p.StatusCode)
	}
	if r := ta.browser().clickEmailLink(link); r.StatusCode != http.StatusGone {
		t.Fatalf("second use: %d", r.StatusCode)
	}
	other.post("/subscribe/signout", nil)
	if p := other.get("/subscribe/profile"); p.StatusCode != http.StatusSeeOther {
		t.Fatalf("after sign out: %d", p.StatusCode)
	}
}

// TestReaderProfileSupporter: a supporter stops seeing the appeal under posts.
func TestReaderProfileSupporter(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.settings(func(s *broadside.Settings) { s.Support.Text = "Please support us." }) // a fresh site has none
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Appeal", "Body.")
	own := ta.publish(ta.user("ed2@example.org", broadside.RoleEditor), "Own appeal", "Body.", func(in *posts.Input) {
		a := "This post's [appeal](https://example.org/give)."
		in.Appeal = &a
	})
	reader := ta.subscribe(srv, "reader@example.net", ta.postPath(p))
	if !strings.Contains(reader.get(ta.postPath(p)).Body, `class="support-appeal"`) {
		t.Fatal("no appeal before ticking supporter")
	}
	if !strings.Contains(reader.get(ta.postPath(own)).Body, `https://example.org/give`) {
		t.Fatal("no post's own appeal before ticking supporter")
	}
	if r := reader.post("/subscribe/profile", url.Values{"supporter": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save profile: %d", r.StatusCode)
	}
	body := reader.get(ta.postPath(p)).Body
	if strings.Contains(body, `class="support-appeal"`) {
		t.Fatal("a supporter still sees the appeal")
	}
	if strings.Contains(reader.get(ta.postPath(own)).Body, `class="support-appeal"`) {
		t.Fatal("a supporter still sees a post's own appeal")
	}
	if strings.Contains(body, "Discover more from") {
		t.Fatal("a subscriber is asked to subscribe")
	}
	if !strings.Contains(ta.browser().get(ta.postPath(p)).Body, `class="support-appeal"`) {
		t.Fatal("visitors lost the appeal")
	}
}

// TestCommentNotificationsOverHTTP: the boxes under the comment form lead to a confirmation
// email; once confirmed, the next comment is announced.
func TestCommentNotificationsOverHTTP(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ta.settings(func(s *broadside.Settings) { s.Discussion.ModerationMode = broadside.ModeratePublish })
	p := ta.publish(ta.user("ed@example.org", broadside.RoleEditor), "Talk", "Body.")
	b := ta.browser()
	f := b.formFor(ta.postPath(p))
	doc := parseHTML(t, b.get(ta.postPath(p)).Body)
	if byID(doc, "notify-comments") == nil || byID(doc, "notify-replies") == nil {
		t.Fatal("no notification boxes on the comment form")
	}
	f.Set("notify_comments", "1")
	f.Set("notify_replies", "1")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.StatusCode)
	}
	ta.drainJobs()
	m := lastMail(t, srv, "pat@example.org")
	if !strings.HasPrefix(m.Subject(), "Confirm comment notifications") {
		t.Fatalf("subject %q", m.Subject())
	}
	r := b.clickEmailLink(ta.pathOf(m.Link(t, "/subscribe/comments/confirm?t=")))
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), ta.postPath(p)) {
		t.Fatalf("confirm: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	other := ta.browser()
	g := other.formFor(ta.postPath(p))
	g.Set("author", "Quinn")
	g.Set("email", "quinn@example.org")
	g.Set("comment", "A second voice.")
	other.post("/comments", g)
	ta.drainJobs()
	n := lastMail(t, srv, "pat@example.org")
	if !strings.Contains(n.Subject(), `New comment on "Talk"`) || !strings.Contains(n.Text, "A second voice.") {
		t.Fatalf("notice %q\n%s", n.Subject(), n.Text)
	}
}

// TestHeldCommentMailsTheAuthor: with mail configured, the held-comment notice is an email
// to the post's author with a link to the moderation queue.
func TestHeldCommentMailsTheAuthor(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Watched", "Body.")
	b := ta.browser()
	b.post("/comments", b.formFor(ta.postPath(p)))
	ta.Clock.Advance(2 * time.Minute) // held notices are grouped per minute
	ta.drainJobs()
	m := lastMail(t, srv, "ed@example.org")
	if m.Subject() != `[My Broadside Site] Please moderate: "Watched"` || !strings.Contains(m.Text, "A considered comment.") ||
		!strings.Contains(m.Text, "pat@example.org") {
		t.Fatalf("notice %q\n%s", m.Subject(), m.Text)
	}
	if l := m.Link(t, "/admin/comments"); !strings.HasSuffix(l, "/admin/comments?status=pending") {
		t.Fatalf("moderation link %q", l)
	}
}
