package auth_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestPasswordHash(t *testing.T) {
	h, err := auth.ProductionHash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=7168,t=5,p=1$") {
		t.Fatalf("not an argon2id PHC string with OWASP's parameters: %s", h)
	}
	// Test binaries hash cheaply (see auth.params); what they write is still argon2id.
	if cheap, err := auth.HashPassword("x"); err != nil || !strings.HasPrefix(cheap, "$argon2id$v=19$") {
		t.Fatalf("HashPassword in a test binary: %q, %v", cheap, err)
	}
	h2, _ := auth.ProductionHash("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false} {
		ok, err := auth.CheckPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=1,t=1,p=1$!!$!!", "$bcrypt$x$y$z$w"} {
		if _, err := auth.CheckPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newService(t *testing.T, dsn string) (*auth.Service, *clock) {
	t.Helper()
	st := testdb.Open(t, dsn)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	return &auth.Service{Store: st, Now: c.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}, c
}

func TestLoginSessionsAndThrottle(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		u := &broadside.User{Email: "Ann@Example.org", Role: broadside.RoleAdmin}
		if err := s.CreateUser(ctx, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		if u.Email != "ann@example.org" || u.Login != "ann" {
			t.Fatalf("email/login not normalised: %q %q", u.Email, u.Login)
		}
		if err := s.CreateUser(ctx, &broadside.User{Email: "b@example.org", Role: broadside.RoleAdmin}, "short"); broadside.ErrorFields(err)["password"] == "" {
			t.Fatalf("short password accepted: %v", err)
		}

		tok, got, err := s.Login(ctx, "ANN@example.org ", "a long enough password", "192.0.2.1")
		if err != nil || got.ID != u.ID || tok == "" {
			t.Fatalf("login: %v", err)
		}
		if who, err := s.Authenticate(ctx, tok); err != nil || who.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if _, err := s.Authenticate(ctx, tok+"x"); broadside.ErrorCode(err) != broadside.EUNAUTHORIZED {
			t.Fatalf("forged token: %v", err)
		}
		// Sessions expire after 30 days without use.
		clk.t = clk.t.Add(31 * 24 * time.Hour)
		if _, err := s.Authenticate(ctx, tok); broadside.ErrorCode(err) != broadside.EUNAUTHORIZED {
			t.Fatalf("expired session accepted: %v", err)
		}
		// Unknown users and wrong passwords get the same message.
		_, _, e1 := s.Login(ctx, "nobody@example.org", "whatever password", "192.0.2.1")
		_, _, e2 := s.Login(ctx, "ann@example.org", "wrong password!!", "192.0.2.1")
		if broadside.ErrorMessage(e1) != broadside.ErrorMessage(e2) || broadside.ErrorCode(e1) != broadside.EUNAUTHORIZED {
			t.Fatalf("login errors reveal which accounts exist: %v / %v", e1, e2)
		}
		// Ten failures on one account from anywhere raise the bar for browsers it does not
		// know: the correct password from a new address is refused (403, not 429) with a way in.
		for i := 0; i < 9; i++ { // with the wrong password above: 10 failures
			s.Login(ctx, "ann@example.org", "wrong password!!", "198.51.100.9")
		}
		if _, _, err := s.Login(ctx, "ann@example.org", "a long enough password", "203.0.113.5"); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
			t.Fatalf("new browser while the account is under attack: %v", err)
		}
		clk.t = clk.t.Add(16 * time.Minute)
		if _, _, err := s.Login(ctx, "ann@example.org", "a long enough password", "203.0.113.5"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// Logout ends the session.
		tok, _, _ = s.Login(ctx, "ann@example.org", "a long enough password", "203.0.113.5")
		if err := s.Logout(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok); err == nil {
			t.Fatal("session survived logout")
		}
	})
}

func TestSetupTokenIsSingleUse(t *testing.T) {
	ctx := context.Background()
	s, _ := newService(t, testdb.SQLite(t))
	tok, err := s.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := &broadside.User{Email: "not an email"}
	if _, err := s.CompleteSetup(ctx, tok, bad, "a long enough password"); broadside.ErrorFields(err)["email"] == "" {
		t.Fatalf("invalid email accepted: %v", err)
	}
	// The typo did not burn the link.
	sess, err := s.CompleteSetup(ctx, tok, &broadside.User{Email: "admin@example.org"}, "a long enough password")
	if err != nil || sess == "" {
		t.Fatalf("setup: %v", err)
	}
	if _, err := s.CompleteSetup(ctx, tok, &broadside.User{Email: "second@example.org"}, "a long enough password"); broadside.ErrorCode(err) != broadside.EFORBIDDEN {
		t.Fatalf("second setup: %v", err)
	}
}
