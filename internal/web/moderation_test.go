package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// TestModerationRules submits one comment per case through the HTTP form and checks the
// status it was stored with.
func TestModerationRules(t *testing.T) {
	t.Parallel()
	publish := func(s *broadside.Settings) { s.Discussion.ModerationMode = broadside.ModeratePublish }
	cases := []struct {
		name     string
		settings func(*broadside.Settings)
		form     func(url.Values)
		noWait   bool
		want     broadside.CommentStatus
	}{
		{name: "publish immediately", settings: publish, want: broadside.CommentApproved},
		{name: "hold every comment", settings: func(s *broadside.Settings) { s.Discussion.ModerationMode = broadside.ModerateHoldAll }, want: broadside.CommentPending},
		{name: "first comment held unless previously approved", want: broadside.CommentPending},
		{name: "two links allowed", settings: publish, form: func(v url.Values) {
			v.Set("comment", "See http://a.example and <a href=\"https://b.example\">b</a>")
		}, want: broadside.CommentApproved},
		{name: "three links held", settings: publish, form: func(v url.Values) {
			v.Set("comment", "http://a.example http://b.example https://c.example")
		}, want: broadside.CommentPending},
		{name: "moderation word in body", settings: modWords("casino"), form: body("Best CASINO bonus"), want: broadside.CommentPending},
		{name: "moderation word in name", settings: modWords("casino"), form: field("author", "Casino King"), want: broadside.CommentPending},
		{name: "moderation word in email", settings: modWords("casino"), form: field("email", "win@casino.example"), want: broadside.CommentPending},
		{name: "moderation word in website", settings: modWords("casino"), form: field("url", "https://casino.example/"), want: broadside.CommentPending},
		{name: "moderation IP", settings: modWords("127.0.0.1"), want: broadside.CommentPending},
		{name: "disallowed word in body is spam", settings: disallowed("viagra"), form: body("cheap ViAgRa here"), want: broadside.CommentSpam},
		{name: "disallowed word in email is spam", settings: disallowed("spammer.example"), form: field("email", "bot@spammer.example"), want: broadside.CommentSpam},
		{name: "disallowed IP is spam", settings: disallowed("127.0.0.0/8"), want: broadside.CommentSpam},
		{name: "honeypot filled is spam", settings: publish, form: field("website_hp", "http://bot.example"), want: broadside.CommentSpam},
		{name: "submitted too fast is spam", settings: publish, noWait: true, want: broadside.CommentSpam},
		{name: "missing form stamp is held", settings: publish, form: func(v url.Values) { v.Del("ts") }, want: broadside.CommentPending},
		{name: "forged form stamp is held", settings: publish, form: field("ts", "1000000000.AAAA"), want: broadside.CommentPending},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestApp(t)
			if tc.settings != nil {
				ta.settings(tc.settings)
			}
			p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Moderated", "Body.")
			b := ta.browser()
			var f url.Values
			if tc.noWait {
				f = formNoWait(b, ta.postPath(p))
			} else {
				f = b.formFor(ta.postPath(p))
			}
			if tc.form != nil {
				tc.form(f)
			}
			r := b.post("/comments", f)
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("status %d\n%s", r.StatusCode, r.Body)
			}
			cs := ta.comments(p.ID)
			if len(cs) != 1 {
				t.Fatalf("want 1 stored comment, got %d", len(cs))
			}
			if cs[0].Status != tc.want {
				t.Fatalf("status %s, want %s", cs[0].Status, tc.want)
			}
			page := b.follow(r).Body
			visible := strings.Contains(page, `id="comment-`)
			if tc.want == broadside.CommentSpam && visible {
				t.Fatal("spam shown on the page")
			}
			if tc.want != broadside.CommentSpam && !visible {
				t.Fatal("comment not shown to its author")
			}
		})
	}
}

func modWords(w string) func(*broadside.Settings) {
	return func(s *broadside.Settings) {
		s.Discussion.ModerationMode = broadside.ModeratePublish
		s.Discussion.ModerationKeys = "foo\n" + w + "\n"
	}
}

func disallowed(w string) func(*broadside.Settings) {
	return func(s *broadside.Settings) {
		s.Discussion.ModerationMode = broadside.ModeratePublish
		s.Discussion.DisallowedKeys = w
	}
}

func body(s string) func(url.Values) { return field("comment", s) }

func field(k, v string) func(url.Values) { return func(f url.Values) { f.Set(k, v) } }

func formNoWait(b *browser, path string) url.Values {
	v := b.formFor(path)
	b.ta.Clock.Advance(-29 * time.Second) // formFor waited 30s; undo most of it
	return v
}

func TestRateLimitAndDuplicates(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.settings(func(s *broadside.Settings) {
		s.Discussion.ModerationMode = broadside.ModeratePublish
		s.Discussion.RateLimitPerMinute = 3 // the duplicate attempt counts too
	})
	p := ta.publish(ta.user("e@example.org", broadside.RoleEditor), "Busy", "Body.")
	path := ta.postPath(p)
	b := ta.browser()

	f := b.formFor(path)
	f.Set("comment", "First")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first: %d", r.StatusCode)
	}
	// The same words again are a duplicate, refused with WordPress's message.
	r := b.post("/comments", f)
	if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "Duplicate comment detected") {
		t.Fatalf("duplicate: %d", r.StatusCode)
	}
	f.Set("comment", "Second")
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second: %d", r.StatusCode)
	}
	f.Set("comment", "Third, too soon")
	r = b.post("/comments", f)
	if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.Body, "too quickly") {
		t.Fatalf("third: %d", r.StatusCode)
	}
	if n := len(ta.comments(p.ID)); n != 2 {
		t.Fatalf("%d comments stored, want 2", n)
	}
	// Once the site-wide sliding window (a minute, counted in 4 s buckets) has passed the
	// earlier comments, the reader may comment again.
	ta.Clock.Advance(time.Minute + 4*time.Second)
	if r := b.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("after waiting: %d", r.StatusCode)
	}
}
