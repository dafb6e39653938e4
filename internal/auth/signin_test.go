package auth_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/mail/mailtest"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

const adminPassword = "the administrator's password"

func newAdmin(t *testing.T, s *auth.Service) *broadside.User {
	t.Helper()
	u := &broadside.User{Email: "admin@example.org", Role: broadside.RoleAdmin}
	if err := s.CreateUser(context.Background(), u, adminPassword); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSignInCannotBeLockedOut: fifty wrong passwords for the administrator from one address
// used to refuse the correct password everywhere for 15 minutes. Now they refuse only the
// attacker's address; a known device gets in with the password, and a new browser is sent to
// the emailed link instead of being refused.
func TestSignInCannotBeLockedOut(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		admin := newAdmin(t, s)
		other := &broadside.User{Email: "editor@example.org", Role: broadside.RoleEditor}
		if err := s.CreateUser(ctx, other, "the editor's own password"); err != nil {
			t.Fatal(err)
		}
		laptop, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: adminPassword, IP: "198.51.100.2"})
		if err != nil || laptop.Device == "" {
			t.Fatalf("first sign-in: %v (device %q)", err, laptop.Device)
		}
		editorsBrowser, err := s.SignIn(ctx, auth.Credentials{Email: other.Email, Password: "the editor's own password", IP: "198.51.100.3"})
		if err != nil {
			t.Fatal(err)
		}
		clk.t = clk.t.Add(time.Hour)

		const attacker = "203.0.113.66"
		wrong, throttled := 0, 0
		for i := 0; i < 50; i++ {
			_, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: "guess guess guess", IP: attacker})
			switch broadside.ErrorCode(err) {
			case broadside.EUNAUTHORIZED:
				wrong++
			case broadside.ETOOMANYREQUEST:
				throttled++
				if broadside.RetryAfter(err) <= 0 || broadside.RetryAfter(err) > 16*time.Minute {
					t.Fatalf("retry after %v", broadside.RetryAfter(err))
				}
			default:
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if wrong > 10 {
			t.Fatalf("%d passwords checked for one address in 15 minutes, want at most 10", wrong)
		}
		if _, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: adminPassword, IP: attacker}); broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
			t.Fatalf("attacker's address with the right password: %v", err)
		}
		in, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: adminPassword, IP: "198.51.100.2", Device: laptop.Device})
		if err != nil || in.User.ID != admin.ID || in.Device != "" {
			t.Fatalf("administrator on a known device: %v", err)
		}
		// Another user's device, or none, proves nothing about this account.
		for _, dev := range []string{"", editorsBrowser.Device, laptop.Device + "x"} {
			if _, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: adminPassword, IP: "192.0.2.7", Device: dev}); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
				t.Fatalf("new browser (device %q) during the attack: %v", dev, err)
			}
		}
		// A known device has its own budget for typos.
		for i := 0; i < 10; i++ {
			s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: "typo typo typo", IP: "198.51.100.2", Device: laptop.Device})
		}
		if _, err := s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: adminPassword, IP: "198.51.100.2", Device: laptop.Device}); broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
			t.Fatalf("eleventh attempt from one device: %v", err)
		}
		// A password change forgets every device.
		clk.t = clk.t.Add(time.Hour)
		if err := s.SetPassword(ctx, admin, "another long password"); err != nil {
			t.Fatal(err)
		}
		in, err = s.SignIn(ctx, auth.Credentials{Email: admin.Email, Password: "another long password", IP: "198.51.100.2", Device: laptop.Device})
		if err != nil || in.Device == "" {
			t.Fatalf("after a password change the old device is not known: %v, device %q", err, in.Device)
		}
	})
}

// TestLoginWindowSlides: with fixed windows, ten guesses just before a window's end and ten
// just after were all checked. The window now slides with the clock.
func TestLoginWindowSlides(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		admin := newAdmin(t, s)
		clk.t = time.Date(2026, 1, 1, 0, 14, 55, 0, time.UTC) // five seconds before a 15-minute boundary
		checked := 0
		for i := 0; i < 20; i++ {
			_, _, err := s.Login(ctx, admin.Email, "guess guess guess", "203.0.113.66")
			if broadside.ErrorCode(err) == broadside.EUNAUTHORIZED {
				checked++
			}
			clk.t = clk.t.Add(500 * time.Millisecond)
		}
		if checked != 10 {
			t.Fatalf("%d guesses checked in 10 s across a window boundary, want 10", checked)
		}
	})
}

// TestSignInLink: the emailed link signs a new browser in, once, and makes it known; asking
// for one answers the same whether or not the address has an account.
func TestSignInLink(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		admin := newAdmin(t, s)
		if err := s.RequestSignInLink(ctx, admin.Email, "192.0.2.7"); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
			t.Fatalf("link without a mail server: %v", err)
		}
		srv := mailtest.Start(t)
		snd, err := mail.NewSMTP(mail.SMTPConfig{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone, From: "site@example.org", Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { snd.Close() })
		s.Mail = &sitemail.Mailer{Sender: snd, BaseURL: "https://news.example.org", From: "site@example.org",
			Settings: func(context.Context) (broadside.Settings, error) { return broadside.DefaultSettings(), nil },
			Log:      slog.New(slog.NewTextHandler(io.Discard, nil))}
		st := s.Store.(*store.Store)

		if err := s.RequestSignInLink(ctx, "not an address", "192.0.2.7"); broadside.ErrorFields(err)["link_email"] == "" {
			t.Fatalf("malformed address: %v", err)
		}
		imported := &broadside.User{Email: "imported@example.org", Role: broadside.RoleAuthor}
		if err := s.CreateUser(ctx, imported, ""); err != nil {
			t.Fatal(err)
		}
		for _, addr := range []string{"nobody@example.org", imported.Email, "ADMIN@example.org "} {
			if err := s.RequestSignInLink(ctx, addr, "192.0.2.7"); err != nil {
				t.Fatalf("request for %s: %v", addr, err)
			}
		}
		job, err := st.ClaimJob(ctx, []string{auth.JobSignInLink}, "test", clk.t, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SignInLinkHandler()(ctx, job.Payload); err != nil {
			t.Fatal(err)
		}
		if _, err := st.ClaimJob(ctx, []string{auth.JobSignInLink}, "test", clk.t, time.Minute); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("a job for an address without an account (or without a password): %v", err)
		}
		ms := srv.To(admin.Email)
		if len(ms) != 1 {
			t.Fatalf("%d emails to the administrator", len(ms))
		}
		link, err := url.Parse(mailtest.Parse(t, ms[0].Data).Link(t, "/admin/login/link?t="))
		if err != nil {
			t.Fatal(err)
		}
		tok := link.Query().Get("t")
		clk.t = clk.t.Add(10 * time.Minute)
		in, err := s.CompleteSignInLink(ctx, tok)
		if err != nil || in.User.ID != admin.ID || in.Session == "" || in.Device == "" {
			t.Fatalf("sign in with the link: %v", err)
		}
		if _, err := s.CompleteSignInLink(ctx, tok); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("second use: %v", err)
		}
		if who, err := s.Authenticate(ctx, in.Session); err != nil || who.ID != admin.ID {
			t.Fatalf("session from the link: %v", err)
		}
		// Asking too often from one address is refused, with when to retry.
		var last error
		for i := 0; i < 12; i++ {
			last = s.RequestSignInLink(ctx, "someone@example.org", "198.51.100.77")
		}
		if broadside.ErrorCode(last) != broadside.ETOOMANYREQUEST || broadside.RetryAfter(last) <= 0 {
			t.Fatalf("link flood from one address: %v", last)
		}
	})
}

// TestThrottleSharedByNodes: limits hold for the whole site, not per node: guesses counted on
// one node are refused on another sharing the database.
func TestThrottleSharedByNodes(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		one, clk := newService(t, dsn)
		two, _ := newService(t, dsn)
		two.Now = clk.Now
		admin := newAdmin(t, one)
		for i := 0; i < 10; i++ {
			if _, _, err := one.Login(ctx, admin.Email, "guess guess guess", "203.0.113.66"); broadside.ErrorCode(err) != broadside.EUNAUTHORIZED {
				t.Fatalf("guess %d on node one: %v", i+1, err)
			}
		}
		if _, _, err := two.Login(ctx, admin.Email, "guess guess guess", "203.0.113.66"); broadside.ErrorCode(err) != broadside.ETOOMANYREQUEST {
			t.Fatalf("eleventh guess on node two: %v", err)
		}
	})
}
