package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

func TestAppPasswordFormat(t *testing.T) {
	if got := auth.FormatAppPassword("abcdefghijklmnopqrstuvwx"); got != "abcd efgh ijkl mnop qrst uvwx" {
		t.Errorf("format = %q", got)
	}
	if got := auth.NormalizeAppPassword(" abcd-efgh ijkl\tmnop qrst uvwx "); got != "abcdefghijklmnopqrstuvwx" {
		t.Errorf("normalize = %q", got)
	}
}

func TestAppPasswordService(t *testing.T) {
	ctx := context.Background()
	dsn := testdb.SQLite(t)
	s, clk := newService(t, dsn)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ap := &auth.AppPasswords{Store: st, Now: clk.Now, Log: s.Log}
	u := &broadside.User{Email: "ann@example.org", Role: broadside.RoleAuthor}
	if err := s.CreateUser(ctx, u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		secret, p, err := ap.Create(ctx, u, "client "+string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		plain := auth.NormalizeAppPassword(secret)
		if len(plain) != 24 || seen[plain] || strings.Trim(plain, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Fatalf("secret %q: wrong length, alphabet or repeated", secret)
		}
		seen[plain] = true
		if p.UUID == "" || p.SecretHash == plain || len(p.SecretHash) != 64 {
			t.Fatalf("stored %+v", p)
		}
	}
	if _, _, err := ap.Create(ctx, u, "client a"); broadside.ErrorCode(err) != broadside.EINVALID {
		t.Errorf("duplicate name: %v", err)
	}
	secret, p, _ := ap.Create(ctx, u, "phone")
	got, err := ap.Authenticate(ctx, "ann", secret, "192.0.2.1")
	if err != nil || got.ID != u.ID {
		t.Fatalf("authenticate: %v", err)
	}
	// Last use is written at most once a minute from the same address.
	lastUsed := func() time.Time {
		list, _ := ap.List(ctx, u)
		for _, x := range list {
			if x.UUID == p.UUID {
				return x.LastUsedAt
			}
		}
		return time.Time{}
	}
	first := lastUsed()
	clk.t = clk.t.Add(30 * time.Second)
	ap.Authenticate(ctx, "ann", secret, "192.0.2.1")
	if !lastUsed().Equal(first) {
		t.Error("last use rewritten within a minute")
	}
	ap.Authenticate(ctx, "ann", secret, "192.0.2.2")
	if lastUsed().Equal(first) {
		t.Error("a new address was not recorded")
	}
	if _, err := ap.Authenticate(ctx, "ann", strings.ToUpper(secret), ""); err != auth.ErrBadAppPassword {
		t.Errorf("case-changed secret: %v", err)
	}
}
