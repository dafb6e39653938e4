package newsletter_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

const lockedBody = "The free part everyone sees.\n\n<!--more-->\n\nThe part for subscribers: **the scoop**."

// TestPublishSendsOnceToConfirmedSubscribers publishes a subscriber-only post with "send by
// email": every confirmed subscriber gets one message with the full text, both parts, the
// appeal and working unsubscribe links; pending and unsubscribed addresses get nothing; saving
// the post again sends nothing more.
func TestPublishSendsOnceToConfirmedSubscribers(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		confirmed := e.subscribers("sub", 3, broadside.SubscriberConfirmed)
		e.subscribers("pending", 2, broadside.SubscriberPending)
		e.subscribers("left", 1, broadside.SubscriberUnsubscribed)
		// Posts published without the box ticked, or before any of this, send nothing.
		e.publish("Quiet post", "Nothing to mail.", broadside.StatusPublished, e.clk.Now().Add(-time.Minute), false)
		p := e.publish("The scoop", lockedBody, broadside.StatusPublished, e.clk.Now().Add(-time.Minute), true,
			func(in *posts.Input) { in.SubscribersOnly = yes() })
		e.drain()

		got := e.received()
		if len(got) != 3 {
			t.Fatalf("recipients %v, want the 3 confirmed subscribers", got)
		}
		for _, s := range confirmed {
			if got[s.Email] != 1 {
				t.Fatalf("%s received %d copies", s.Email, got[s.Email])
			}
		}
		pr := e.progress(p.ID)
		if pr.Sent != 3 || pr.Total() != 3 {
			t.Fatalf("progress %+v", pr)
		}
		n, _ := e.st.NewsletterByPost(ctx, p.ID)
		if n.Status != broadside.NewsletterSent || n.Recipients != 3 {
			t.Fatalf("newsletter %+v", n)
		}

		m := mailtest.Parse(t, e.smtp.To(confirmed[1].Email)[0].Data)
		h := m.Header
		if m.Subject() != "The scoop" {
			t.Errorf("subject %q", m.Subject())
		}
		if want := "<newsletter." + itoa(p.ID) + "." + itoa(confirmed[1].ID) + "@example.org>"; h.Get("Message-Id") != want {
			t.Errorf("Message-ID %q, want %q", h.Get("Message-Id"), want)
		}
		if h.Get("Precedence") != "bulk" || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(h.Get("List-Id"), "news.example.org") {
			t.Errorf("list headers: %v", h)
		}
		lu := h.Get("List-Unsubscribe")
		parts := regexp.MustCompile(`<([^>]+)>`).FindAllStringSubmatch(lu, -1)
		if len(parts) != 2 || !strings.HasPrefix(parts[0][1], "mailto:news@example.org?subject=") || !strings.HasPrefix(parts[1][1], "https://news.example.org/subscribe/unsubscribe?t=") {
			t.Fatalf("List-Unsubscribe %q", lu)
		}
		if _, err := h.Date(); err != nil {
			t.Errorf("Date: %v", err)
		}
		for _, part := range []string{m.Text, m.HTML} {
			for _, want := range []string{"The free part everyone sees.", "the scoop", "generosity", confirmed[1].Email} {
				if !strings.Contains(part, want) {
					t.Errorf("a part lacks %q:\n%s", want, part)
				}
			}
		}
		postURL := "https://news.example.org/2026/03/02/the-scoop/"
		for _, want := range []string{postURL, postURL + "#comments", "https://ko-fi.com/example", "https://news.example.org/subscribe/profile", parts[1][1]} {
			found := false
			for _, l := range m.Links {
				found = found || l == want
			}
			if !found {
				t.Errorf("no link %s in %q", want, m.Links)
			}
		}
		if !strings.Contains(m.Text, "Unsubscribe: "+parts[1][1]) {
			t.Errorf("the text part lacks the unsubscribe link:\n%s", m.Text)
		}

		// The link's token unsubscribes (the web layer serves it; here the service).
		u, _ := url.Parse(parts[1][1])
		sub, err := e.subs.Unsubscribe(ctx, u.Query().Get("t"))
		must(t, err)
		if sub.ID != confirmed[1].ID {
			t.Fatalf("unsubscribed %d, want %d", sub.ID, confirmed[1].ID)
		}
		if s, _ := e.st.SubscriberByID(ctx, sub.ID); s.Status != broadside.SubscriberUnsubscribed {
			t.Fatalf("status after unsubscribing: %s", s.Status)
		}

		// Saving the published post again does not send it again.
		_, err = e.posts.Save(ctx, p.ID, posts.Input{Type: broadside.TypePost, Title: "The scoop (updated)", Body: lockedBody,
			Status: broadside.StatusPublished, PublishedAt: p.PublishedAt, SendNewsletter: yes()}, e.author)
		must(t, err)
		e.drain()
		if n := len(e.smtp.Messages()); n != 3 {
			t.Fatalf("%d messages after saving again, want 3", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestScheduledPostSendsWhenItGoesLive: nothing goes out while the post is scheduled; the
// scheduled job publishes it and the newsletter follows.
func TestScheduledPostSendsWhenItGoesLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t))
	e.subscribers("sub", 2, broadside.SubscriberConfirmed)
	p := e.publish("Tomorrow", "Soon.", broadside.StatusPublished, e.clk.Now().Add(24*time.Hour), true)
	if p.Status != broadside.StatusScheduled {
		t.Fatalf("status %s", p.Status)
	}
	e.drain()
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages before the post went live", n)
	}
	e.clk.Advance(25 * time.Hour)
	e.drain()
	if got := e.received(); len(got) != 2 {
		t.Fatalf("after going live: %v", got)
	}
	// The startup sweep (PublishDue without a job) sends nothing twice.
	must(t, e.posts.PublishDue(context.Background()))
	e.drain()
	if n := len(e.smtp.Messages()); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
}

// TestSupportersDoNotSeeTheAppeal: the appeal is in every newsletter except those to
// subscribers who marked themselves supporters.
func TestSupportersDoNotSeeTheAppeal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testdb.SQLite(t))
	subs := e.subscribers("sub", 2, broadside.SubscriberConfirmed)
	subs[0].Supporter = true
	must(t, e.st.UpdateSubscriber(context.Background(), subs[0]))
	e.publish("Hello", "Body.", broadside.StatusPublished, e.clk.Now(), true)
	e.drain()
	sup := mailtest.Parse(t, e.smtp.To(subs[0].Email)[0].Data)
	other := mailtest.Parse(t, e.smtp.To(subs[1].Email)[0].Data)
	if strings.Contains(sup.HTML+sup.Text, "generosity") || strings.Contains(strings.Join(sup.Links, " "), "ko-fi") {
		t.Error("a supporter was shown the appeal")
	}
	if !strings.Contains(other.HTML, "generosity") || !strings.Contains(other.Text, "Support this site: https://ko-fi.com/example") {
		t.Error("a reader who is not a supporter lacks the appeal")
	}

	// A post's own appeal replaces the site's, links and all; supporters see none.
	own := e.publish("Own appeal", "Body.", broadside.StatusPublished, e.clk.Now(), true, func(in *posts.Input) {
		a := "This post needs you: please [click here](https://www.paypal.com/donate/?hosted_button_id=X)."
		in.Appeal = &a
	})
	e.drain()
	sup = mailtest.Parse(t, e.smtp.To(subs[0].Email)[1].Data)
	other = mailtest.Parse(t, e.smtp.To(subs[1].Email)[1].Data)
	if !strings.Contains(other.Subject(), own.Title) || strings.Contains(other.HTML, "generosity") || strings.Contains(other.Text, "ko-fi") {
		t.Errorf("the post's appeal does not replace the site's: %s\n%s", other.Subject(), other.Text)
	}
	if !strings.Contains(other.Text, "This post needs you: please click here") ||
		!strings.Contains(strings.Join(other.Links, " "), "https://www.paypal.com/donate/?hosted_button_id=X") {
		t.Errorf("the post's appeal is missing or lost its link:\n%s\n%v", other.Text, other.Links)
	}
	if strings.Contains(sup.HTML+sup.Text, "This post needs you") {
		t.Error("a supporter was shown the post's appeal")
	}
}
