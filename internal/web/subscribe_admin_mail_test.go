package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/posts"
)

func (ta *testApp) confirmedSubscribers(prefix string, n int) []*broadside.Subscriber {
	ta.t.Helper()
	var out []*broadside.Subscriber
	for i := 0; i < n; i++ {
		s := &broadside.Subscriber{Email: fmt.Sprintf("%s%d@example.net", prefix, i), Status: broadside.SubscriberConfirmed,
			Source: broadside.SourceForm, CreatedAt: ta.Clock.Now(), ConfirmedAt: ta.Clock.Now(), UpdatedAt: ta.Clock.Now()}
		if err := ta.App.Store.CreateSubscriber(context.Background(), s); err != nil {
			ta.t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestPausedNewsletterTellsThePublisher: a server that refuses the sender pauses the
// newsletter; its page says so with the server's answer and what to do, and Resume sends it
// to everyone once the server is fixed.
func TestPausedNewsletterTellsThePublisher(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)
	subs := ta.confirmedSubscribers("reader", 3)
	srv.Inject(mailtest.AtMail, mailtest.Fault{Code: 554, Message: "5.7.1 sender not allowed for this account"})
	yes := true
	p := ta.publish(admin, "Refused", "Body.", func(in *posts.Input) { in.SendNewsletter = &yes })
	ta.drainJobs()
	page := "/admin/newsletters/" + strconv.FormatInt(p.ID, 10)
	r := ab.get(page)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("report: %d", r.StatusCode)
	}
	for _, want := range []string{`id="newsletter-status">paused<`, `id="newsletter-paused"`, "sender not allowed for this account",
		"broadside mail test", `action="` + page + `/resume"`} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("the paused newsletter's page lacks %q:\n%s", want, r.Body)
		}
	}
	if list := ab.get("/admin/subscribers"); !strings.Contains(list.Body, "paused: the mail server refuses it") {
		t.Fatal("the subscriber page does not show the paused newsletter")
	}
	if ed := ab.get("/admin/posts/" + strconv.FormatInt(p.ID, 10)); !strings.Contains(ed.Body, "See why and resume") {
		t.Fatal("the post's editor does not say its newsletter is paused")
	}
	editor := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	if r := editor.post(page+"/resume", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an editor resumed the newsletter: %d", r.StatusCode)
	}

	srv.ClearFaults()
	if r := ab.post(page+"/resume", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("resume: %d\n%s", r.StatusCode, r.Body)
	}
	ta.drainJobs()
	for _, s := range subs {
		if n := len(srv.To(s.Email)); n != 1 {
			t.Fatalf("%s received %d copies", s.Email, n)
		}
	}
	if r := ab.get(page); !strings.Contains(r.Body, `id="newsletter-status">sent<`) || strings.Contains(r.Body, `id="newsletter-paused"`) {
		t.Fatalf("after resuming:\n%s", r.Body)
	}
}

// TestBulkLiftSuspensions: the admin sees the suspensions grouped by the newsletter that
// caused them, is asked to confirm with the count, and lifts them in one go.
func TestBulkLiftSuspensions(t *testing.T) {
	t.Parallel()
	var srv *mailtest.Server
	ta := newTestApp(t, withMail(t, &srv))
	admin := ta.user("admin@example.org", broadside.RoleAdmin)
	ab := ta.signIn(admin)
	ctx := context.Background()
	p := ta.publish(admin, "The bad day", "Body.")
	victims := ta.confirmedSubscribers("victim", 3)
	real := ta.confirmedSubscribers("gone", 1)[0]
	for _, s := range victims {
		for i := 0; i < broadside.MaxBounces; i++ {
			_, err := ta.App.Store.RecordBounce(ctx, s.ID, p.ID, "550 sender refused", broadside.MaxBounces, ta.Clock.Now())
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := 0; i < broadside.MaxBounces; i++ {
		if _, err := ta.App.Store.RecordBounce(ctx, real.ID, 0, "550 5.1.1 no such user", broadside.MaxBounces, ta.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if r := ab.get("/admin/subscribers"); !strings.Contains(r.Body, `href="/admin/subscribers/suspended"`) {
		t.Fatal("the subscriber page does not lead to the suspended addresses")
	}
	r := ab.get("/admin/subscribers/suspended")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "The bad day") || !strings.Contains(r.Body, real.Email) {
		t.Fatalf("suspended page: %d\n%s", r.StatusCode, r.Body)
	}
	editor := ta.signIn(ta.user("ed@example.org", broadside.RoleEditor))
	if r := editor.post("/admin/subscribers/suspended/lift", url.Values{"all": {"1"}, "confirm": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an editor lifted suspensions: %d", r.StatusCode)
	}
	if r := ab.post("/admin/subscribers/suspended/lift", url.Values{"since": {"yesterday"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "2026-03-01") {
		t.Fatalf("a bad date: %d", r.StatusCode)
	}

	// Step one: the count, and nothing changed yet.
	r = ab.post("/admin/subscribers/suspended/lift", url.Values{"post": {strconv.FormatInt(p.ID, 10)}})
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Lift the suspension of 3 subscribers?") {
		t.Fatalf("confirmation: %d\n%s", r.StatusCode, r.Body)
	}
	if s, _ := ta.App.Store.SubscriberByID(ctx, victims[0].ID); s.Status != broadside.SubscriberBounced {
		t.Fatal("lifted before the admin confirmed")
	}
	// Step two: confirmed.
	f := formValues(t, r.Body, "/admin/subscribers/suspended/lift")
	if f.Get("confirm") != "1" || f.Get("post") != strconv.FormatInt(p.ID, 10) {
		t.Fatalf("confirmation form: %v", f)
	}
	r = ab.post("/admin/subscribers/suspended/lift", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("lift: %d\n%s", r.StatusCode, r.Body)
	}
	if r := ab.get("/admin/subscribers/suspended"); !strings.Contains(r.Body, "3 subscribers will receive newsletters again.") {
		t.Fatalf("no flash:\n%s", r.Body)
	}
	for _, v := range victims {
		if s, _ := ta.App.Store.SubscriberByID(ctx, v.ID); s.Status != broadside.SubscriberConfirmed || s.Bounces != 0 {
			t.Fatalf("after lifting: %+v", s)
		}
	}
	if s, _ := ta.App.Store.SubscriberByID(ctx, real.ID); s.Status != broadside.SubscriberBounced {
		t.Fatal("an address suspended for its own failures was lifted with the others")
	}
}
