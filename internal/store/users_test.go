package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/google/go-cmp/cmp"
)

func TestUsers(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("CountUsers = %d, %v", n, err)
		}
		u := &broadside.User{Email: " Ann@Example.COM", Login: "ann", DisplayName: "Ann", Role: broadside.RoleAdmin,
			PasswordHash: "$argon2id$v=19$...", CreatedAt: t0}
		must(t, s.CreateUser(ctx, u))
		if u.Email != "ann@example.com" {
			t.Fatalf("email not normalised: %q", u.Email)
		}
		for _, lookup := range []func() (*broadside.User, error){
			func() (*broadside.User, error) { return s.UserByID(ctx, u.ID) },
			func() (*broadside.User, error) { return s.UserByEmail(ctx, "ANN@example.com") },
			func() (*broadside.User, error) { return s.UserByLogin(ctx, "ann") },
		} {
			got, err := lookup()
			must(t, err)
			if d := cmp.Diff(u, got); d != "" {
				t.Fatalf("lookup (-want +got):\n%s", d)
			}
		}
		for _, lookup := range []func() (*broadside.User, error){
			func() (*broadside.User, error) { return s.UserByID(ctx, 999) },
			func() (*broadside.User, error) { return s.UserByEmail(ctx, "nobody@example.com") },
			func() (*broadside.User, error) { return s.UserByLogin(ctx, "nobody") },
		} {
			_, err := lookup()
			wantCode(t, err, broadside.ENOTFOUND)
		}

		dupEmail := &broadside.User{Email: "ANN@example.com", Login: "ann2", Role: broadside.RoleAuthor, CreatedAt: t0}
		err := s.CreateUser(ctx, dupEmail)
		wantCode(t, err, broadside.ECONFLICT)
		if broadside.ErrorMessage(err) != "A user with this email already exists." {
			t.Fatalf("message = %q", broadside.ErrorMessage(err))
		}
		err = s.CreateUser(ctx, &broadside.User{Email: "other@example.com", Login: "ann", Role: broadside.RoleAuthor, CreatedAt: t0})
		wantCode(t, err, broadside.ECONFLICT)
		if broadside.ErrorMessage(err) != "A user with this login already exists." {
			t.Fatalf("message = %q", broadside.ErrorMessage(err))
		}

		bob := mkUser(t, s, "bob")
		u.DisplayName, u.Role, u.PasswordHash, u.Email = "Ann B.", broadside.RoleEditor, "new-hash", "Ann.B@example.com"
		must(t, s.UpdateUser(ctx, u))
		got, err := s.UserByEmail(ctx, "ann.b@example.com")
		must(t, err)
		if got.DisplayName != "Ann B." || got.Role != broadside.RoleEditor || got.PasswordHash != "new-hash" {
			t.Fatalf("after update: %+v", got)
		}
		bob.Email = "ann.b@EXAMPLE.com"
		wantCode(t, s.UpdateUser(ctx, bob), broadside.ECONFLICT)
		wantCode(t, s.UpdateUser(ctx, &broadside.User{ID: 999, Email: "x@example.com", Login: "x"}), broadside.ENOTFOUND)

		list, err := s.ListUsers(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Login != "ann" || list[1].Login != "bob" {
			t.Fatalf("ListUsers = %+v", list)
		}
		if n, _ := s.CountUsers(ctx); n != 2 {
			t.Fatalf("CountUsers = %d", n)
		}
	})
}

func TestSessions(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob := mkUser(t, s, "ann"), mkUser(t, s, "bob")
		mk := func(hash string, u *broadside.User, ttl time.Duration) {
			must(t, s.CreateSession(ctx, &store.Session{TokenHash: hash, UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(ttl)}))
		}
		mk("a1", ann, time.Hour)
		mk("a2", ann, time.Hour)
		mk("b1", bob, time.Minute)
		wantCode(t, s.CreateSession(ctx, &store.Session{TokenHash: "a1", UserID: ann.ID, CreatedAt: t0, ExpiresAt: t0}), broadside.ECONFLICT)

		// SessionUser, the one session lookup the server makes: the session's user and when
		// it was last seen, in one read, until the session expires.
		u, seen, err := s.SessionUser(ctx, "a1", t0)
		must(t, err)
		wantUser, err := s.UserByID(ctx, ann.ID)
		must(t, err)
		if d := cmp.Diff(wantUser, u); d != "" || !seen.Equal(t0) {
			t.Fatalf("SessionUser seen %v (-want +got):\n%s", seen, d)
		}
		// live: session hash signs user in at now; it returns when the session was last seen.
		live := func(hash string, user *broadside.User, now time.Time) time.Time {
			t.Helper()
			u, seen, err := s.SessionUser(ctx, hash, now)
			if err != nil || u.ID != user.ID {
				t.Fatalf("session %s at %v: %+v, %v; want %s signed in", hash, now, u, err, user.Login)
			}
			return seen
		}
		gone := func(hash string, now time.Time) {
			t.Helper()
			_, _, err := s.SessionUser(ctx, hash, now)
			wantCode(t, err, broadside.ENOTFOUND)
		}
		live("a1", ann, t0.Add(time.Hour-time.Second))
		gone("a1", t0.Add(time.Hour)) // expiry is exclusive
		live("b1", bob, t0.Add(time.Minute-time.Second))
		gone("b1", t0.Add(time.Minute))
		gone("zz", t0)

		must(t, s.TouchSession(ctx, "b1", t0.Add(30*time.Second), t0.Add(2*time.Hour)))
		if seen := live("b1", bob, t0.Add(2*time.Hour-time.Second)); !seen.Equal(t0.Add(30 * time.Second)) {
			t.Fatalf("after touch, last seen %v", seen)
		}
		gone("b1", t0.Add(2*time.Hour))
		wantCode(t, s.TouchSession(ctx, "zz", t0, t0), broadside.ENOTFOUND)

		n, err := s.DeleteExpiredSessions(ctx, t0.Add(90*time.Minute))
		must(t, err)
		if n != 2 {
			t.Fatalf("DeleteExpiredSessions = %d, want 2", n)
		}
		live("b1", bob, t0) // b1 survives
		mk("a3", ann, time.Hour)
		must(t, s.DeleteUserSessions(ctx, ann.ID))
		gone("a3", t0)
		must(t, s.DeleteSession(ctx, "b1"))
		must(t, s.DeleteSession(ctx, "b1"))
		gone("b1", t0)
		wantCode(t, s.CreateSession(ctx, &store.Session{TokenHash: "x", UserID: 999, CreatedAt: t0, ExpiresAt: t0}), broadside.ENOTFOUND)
	})
}

func TestTokens(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		must(t, s.CreateToken(ctx, &store.Token{Hash: "reset", Purpose: "password_reset", UserID: u.ID, Email: u.Email,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		must(t, s.CreateToken(ctx, &store.Token{Hash: "sub", Purpose: "subscribe", Email: "reader@example.org",
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}))
		must(t, s.CreateToken(ctx, &store.Token{Hash: "old", Purpose: "subscribe", CreatedAt: t0, ExpiresAt: t0}))
		wantCode(t, s.CreateToken(ctx, &store.Token{Hash: "sub", Purpose: "x", CreatedAt: t0, ExpiresAt: t0}), broadside.ECONFLICT)

		_, err := s.ConsumeToken(ctx, "reset", "subscribe", t0) // wrong purpose
		wantCode(t, err, broadside.ENOTFOUND)
		_, err = s.ConsumeToken(ctx, "old", "subscribe", t0) // expired
		wantCode(t, err, broadside.ENOTFOUND)
		_, err = s.ConsumeToken(ctx, "missing", "subscribe", t0)
		wantCode(t, err, broadside.ENOTFOUND)

		got, err := s.ConsumeToken(ctx, "reset", "password_reset", t0.Add(time.Minute))
		must(t, err)
		want := &store.Token{Hash: "reset", Purpose: "password_reset", UserID: u.ID, Email: u.Email,
			CreatedAt: t0, ExpiresAt: t0.Add(time.Hour), UsedAt: t0.Add(time.Minute)}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("ConsumeToken (-want +got):\n%s", d)
		}
		_, err = s.ConsumeToken(ctx, "reset", "password_reset", t0.Add(time.Minute))
		wantCode(t, err, broadside.ENOTFOUND)

		// Several concurrent consumers: exactly one wins.
		const n = 8
		var wg sync.WaitGroup
		results := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok, err := s.ConsumeToken(ctx, "sub", "subscribe", t0)
				if err == nil && (tok.Email != "reader@example.org" || tok.UserID != 0) {
					t.Errorf("consumed token = %+v", tok)
				}
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		wins := 0
		for err := range results {
			switch broadside.ErrorCode(err) {
			case "":
				wins++
			case broadside.ENOTFOUND:
			default:
				t.Errorf("ConsumeToken: %v", err)
			}
		}
		if wins != 1 {
			t.Fatalf("%d concurrent consumers won, want exactly 1", wins)
		}
	})
}

func TestSettings(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		got, err := s.LoadSettings(ctx)
		must(t, err)
		if d := cmp.Diff(broadside.DefaultSettings(), got); d != "" {
			t.Fatalf("fresh settings (-want +got):\n%s", d)
		}
		set := broadside.DefaultSettings()
		set.Title, set.Discussion.MaxDepth, set.Support.Enabled = "My Site", 3, false
		must(t, s.SaveSettings(ctx, set))
		set.Tagline = "Second save"
		must(t, s.SaveSettings(ctx, set))
		got, err = s.LoadSettings(ctx)
		must(t, err)
		if d := cmp.Diff(set, got); d != "" {
			t.Fatalf("saved settings (-want +got):\n%s", d)
		}
	})
}
