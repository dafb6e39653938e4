package subscriptions_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/testdb"
)

const mailchimpCSV = "\ufeff\"Email Address\",\"First Name\",\"Last Name\",MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LEID\n" +
	"ann@example.net,Ann,Smith,2,\"2021-04-01 10:00:00\",,\"2021-04-01 10:05:00\",,1\n" +
	"bob@example.net,Bob,,2,\"2022-01-10 08:00:00\",,,,2\n"

const substackCSV = "email,active_subscription,expiry,plan,email_disabled,created_at\n" +
	"free@example.net,false,,other,false,2023-02-01T10:00:00.000Z\n" +
	"paid@example.net,true,2025-01-01,yearly,false,2023-03-01T10:00:00.000Z\n" +
	"off@example.net,false,,other,true,2023-04-01T10:00:00.000Z\n"

const jetpackCSV = "email_address,date_subscribed\n" +
	"wp1@example.net,2019-05-06 07:08:09\n" +
	"wp2@example.net,2020-01-02 03:04:05\n"

func TestDetectImport(t *testing.T) {
	cases := []struct {
		data, format              string
		email, date, status, name int
	}{
		{mailchimpCSV, "Mailchimp", 0, 6, 6, 1},
		{substackCSV, "Substack", 0, 5, 4, -1},
		{jetpackCSV, "WordPress.com / Jetpack", 0, 1, -1, -1},
		{"name;mail;when\nX;x@example.net;2020-01-01\n", "CSV", 1, -1, -1, 0},
		{"who,address\nX,x@example.net\n", "CSV", 1, -1, -1, -1},
	}
	for _, c := range cases {
		p, err := subscriptions.DetectImport([]byte(c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		if p.Format != c.format || p.Email != c.email || p.Date != c.date || p.Status != c.status || p.Name != c.name {
			t.Errorf("%s: got format %q email %d date %d status %d name %d", c.format, p.Format, p.Email, p.Date, p.Status, p.Name)
		}
	}
	if _, err := subscriptions.DetectImport([]byte("a,\"b\n")); err != nil {
		t.Logf("unterminated quote is tolerated or reported: %v", err)
	}
	if _, err := subscriptions.DetectImport([]byte{0xff, 0xfe, 'a'}); broadside.ErrorCode(err) != broadside.EINVALID {
		t.Fatalf("binary file: %v", err)
	}
}

// TestImport: confirmed only when the file says so; existing addresses untouched; one
// transaction; bad rows reported by line.
func TestImport(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		ctx := context.Background()
		must(t, e.st.CreateSubscriber(ctx, &broadside.Subscriber{Email: "bob@example.net", Status: broadside.SubscriberUnsubscribed}))
		imp := func(data string, skip bool) *subscriptions.ImportResult {
			t.Helper()
			p, err := subscriptions.DetectImport([]byte(data))
			must(t, err)
			r, err := e.svc.Import(ctx, e.admin, []byte(data), subscriptions.ImportOptions{Columns: p.Columns, SkipInvalid: skip})
			must(t, err)
			return r
		}
		r := imp(mailchimpCSV, false)
		if r.Added != 1 || r.Confirmed != 1 || r.Existing != 1 || !r.Written {
			t.Fatalf("mailchimp: %+v", r)
		}
		ann, _ := e.st.SubscriberByEmail(ctx, "ann@example.net")
		if ann.Status != broadside.SubscriberConfirmed || ann.Name != "Ann Smith" || !ann.CreatedAt.Equal(time.Date(2021, 4, 1, 10, 5, 0, 0, time.UTC)) || ann.Source != broadside.SourceImport {
			t.Fatalf("ann: %+v", ann)
		}
		if bob, _ := e.st.SubscriberByEmail(ctx, "bob@example.net"); bob.Status != broadside.SubscriberUnsubscribed {
			t.Fatalf("an old export re-subscribed bob: %+v", bob)
		}
		r = imp(substackCSV, false)
		if r.Added != 3 || r.Confirmed != 2 || r.Unsubscribed != 1 {
			t.Fatalf("substack: %+v", r)
		}
		r = imp(jetpackCSV, false)
		if r.Added != 2 || r.Pending != 2 {
			t.Fatalf("jetpack (no status column: pending): %+v", r)
		}

		bad := "email,status\nok1@example.net,subscribed\nnot-an-email,subscribed\nok2@example.net,subscribed\nok1@example.net,subscribed\n,\nx@y,subscribed\n"
		r = imp(bad, false)
		if r.Written || r.Added != 0 || len(r.Errors) != 2 || r.Errors[0].Line != 3 || r.Errors[1].Line != 7 || !strings.Contains(r.Errors[0].Message, "not-an-email") {
			t.Fatalf("bad rows: %+v", r)
		}
		if _, err := e.st.SubscriberByEmail(ctx, "ok1@example.net"); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatal("a failed import wrote rows")
		}
		r = imp(bad, true)
		if !r.Written || r.Added != 2 || r.Duplicates != 1 || len(r.Errors) != 2 {
			t.Fatalf("skip invalid: %+v", r)
		}
		// Nothing was mailed by importing.
		e.drain()
		if n := len(e.smtp.Messages()); n != 0 {
			t.Fatalf("import sent %d messages", n)
		}
		_, err := e.svc.Import(ctx, &broadside.User{ID: 9, Role: broadside.RoleEditor}, []byte(jetpackCSV), subscriptions.ImportOptions{})
		wantCode(t, err, broadside.EFORBIDDEN)
	})
}

func TestExportDeleteAndGrowth(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t))
	ctx := context.Background()
	sub, err := e.svc.Add(ctx, e.admin, subscriptions.AddInput{Email: "=cmd@example.net", Name: "@SUM(A1)"}, "192.0.2.1")
	must(t, err)
	_, err = e.svc.Add(ctx, e.admin, subscriptions.AddInput{Email: "pend@example.net", Confirm: true}, "192.0.2.1")
	must(t, err)
	_, err = e.svc.Add(ctx, e.admin, subscriptions.AddInput{Email: "PEND@example.net"}, "192.0.2.1")
	wantCode(t, err, broadside.EINVALID)
	e.drain()
	if n := len(e.mails("pend@example.net")); n != 1 {
		t.Fatalf("confirmation for an address added by hand: %d", n)
	}

	var buf bytes.Buffer
	must(t, e.svc.ExportCSV(ctx, e.admin, &buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	must(t, err)
	if len(rows) != 3 || rows[0][0] != "email" || rows[1][0] != "'=cmd@example.net" || rows[1][1] != "'@SUM(A1)" || rows[1][2] != "confirmed" {
		t.Fatalf("export: %q", rows)
	}
	// The export reads back with the importer.
	p, err := subscriptions.DetectImport(buf.Bytes())
	if err == nil && p.Format != "Broadside" {
		t.Errorf("own export detected as %q", p.Format)
	}

	must(t, e.st.CreateReaderSession(ctx, "h", sub.ID, e.clk.Now(), e.clk.Now().Add(time.Hour)))
	x, err := e.svc.ExportOne(ctx, e.admin, sub.ID)
	must(t, err)
	b, _ := json.Marshal(x)
	if !strings.Contains(string(b), `"email":"=cmd@example.net"`) || !strings.Contains(string(b), `"consent_ip":"192.0.2.1"`) {
		t.Fatalf("export one: %s", b)
	}
	must(t, e.svc.Delete(ctx, e.admin, sub.ID))
	if _, err := e.st.SubscriberByID(ctx, sub.ID); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Fatal("not deleted")
	}

	// Growth: confirmed subscribers per week, this week last.
	for i, weeksAgo := range []int{0, 0, 1, 11, 12} {
		s := &broadside.Subscriber{Email: "g" + string(rune('a'+i)) + "@example.net", Status: broadside.SubscriberConfirmed,
			CreatedAt: e.clk.Now().AddDate(0, 0, -7*weeksAgo), ConfirmedAt: e.clk.Now()}
		must(t, e.st.CreateSubscriber(ctx, s))
	}
	weeks, err := e.svc.Growth(ctx, 12, time.UTC)
	must(t, err)
	if len(weeks) != 12 || weeks[11].New != 2 || weeks[10].New != 1 || weeks[0].New != 1 || weeks[11].Start.Weekday() != time.Monday {
		t.Fatalf("growth: %+v", weeks)
	}
	counts, _ := e.svc.Counts(ctx)
	if counts[broadside.SubscriberConfirmed] != 5 || counts[broadside.SubscriberPending] != 1 {
		t.Fatalf("counts %v", counts)
	}
	_ = broadside.SubscriberFilter{}
}
