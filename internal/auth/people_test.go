package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/testdb"
)

func mkUser(t *testing.T, s *auth.Service, email string, role broadside.Role) *broadside.User {
	t.Helper()
	u := &broadside.User{Email: email, Role: role}
	if err := s.CreateUser(context.Background(), u, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if broadside.ErrorCode(err) != code {
		t.Fatalf("error = %v (%s), want %s", err, broadside.ErrorCode(err), code)
	}
}

// TestPeopleRules: only administrators manage users; the last administrator cannot be
// demoted, deactivated or deleted; changing one's own email needs the password;
// deactivation stops sign-in and ends sessions.
func TestPeopleRules(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, _ := newService(t, dsn)
		ann := mkUser(t, s, "ann@example.org", broadside.RoleAdmin)
		bob := mkUser(t, s, "bob@example.org", broadside.RoleAuthor)
		editor := broadside.RoleEditor
		admin := broadside.RoleAdmin

		_, err := s.UpdateUser(ctx, bob, ann.ID, auth.UserEdit{Role: &editor})
		wantCode(t, err, broadside.EFORBIDDEN)
		_, err = s.UpdateUser(ctx, ann, ann.ID, auth.UserEdit{Role: &editor})
		wantCode(t, err, broadside.EFORBIDDEN)
		wantCode(t, s.SetActive(ctx, ann, ann.ID, false), broadside.EFORBIDDEN)

		name, mail := "Bob B.", "bob.b@example.org"
		got, err := s.UpdateUser(ctx, ann, bob.ID, auth.UserEdit{DisplayName: &name, Email: &mail, Role: &admin})
		if err != nil || got.Role != admin || got.Email != mail || got.DisplayName != name {
			t.Fatalf("admin edits bob: %+v, %v", got, err)
		}
		// Now two admins: ann may be demoted by bob.
		if _, err := s.UpdateUser(ctx, got, ann.ID, auth.UserEdit{Role: &editor}); err != nil {
			t.Fatal(err)
		}
		// And bob is the last one.
		_, err = s.UpdateUser(ctx, got, bob.ID, auth.UserEdit{Role: &editor})
		wantCode(t, err, broadside.EFORBIDDEN)

		// Own email needs the current password.
		newMail := "bob@new.example.org"
		_, err = s.UpdateUser(ctx, got, bob.ID, auth.UserEdit{Email: &newMail})
		if broadside.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("own email changed without password: %v", err)
		}
		_, err = s.UpdateUser(ctx, got, bob.ID, auth.UserEdit{Email: &newMail, CurrentPassword: "wrong password!"})
		if broadside.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("own email changed with a wrong password: %v", err)
		}
		if got, err = s.UpdateUser(ctx, got, bob.ID, auth.UserEdit{Email: &newMail, CurrentPassword: "a long enough password"}); err != nil {
			t.Fatal(err)
		}

		// One's own password changes only in the profile, with the current one.
		_, err = s.UpdateUser(ctx, got, bob.ID, auth.UserEdit{Password: "a new long password"})
		wantCode(t, err, broadside.EFORBIDDEN)

		// Deactivating ann (an editor now) ends her session and stops her signing in.
		tok, _, err := s.Login(ctx, "ann@example.org", "a long enough password", "192.0.2.9")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetActive(ctx, got, ann.ID, false); err != nil {
			t.Fatal(err)
		}
		_, err = s.Authenticate(ctx, tok)
		wantCode(t, err, broadside.EUNAUTHORIZED)
		_, _, err = s.Login(ctx, "ann@example.org", "a long enough password", "192.0.2.9")
		wantCode(t, err, broadside.EUNAUTHORIZED)
		if err := s.SetActive(ctx, got, ann.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "ann@example.org", "a long enough password", "192.0.2.9"); err != nil {
			t.Fatalf("reactivated user cannot sign in: %v", err)
		}

		// Delete needs an heir and refuses self-deletion.
		wantCode(t, s.DeleteUser(ctx, got, ann.ID, 0), broadside.EINVALID)
		wantCode(t, s.DeleteUser(ctx, got, bob.ID, ann.ID), broadside.EFORBIDDEN)
		if err := s.DeleteUser(ctx, got, ann.ID, bob.ID); err != nil {
			t.Fatal(err)
		}
		_, err = s.Store.UserByID(ctx, ann.ID)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

// TestTOTP enrols with real codes computed from the secret on a fixed clock: a wrong code is
// refused, a used code cannot be replayed in its window, recovery codes work once, and a
// password sign-in stays pending until the code.
func TestTOTP(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, clk := newService(t, dsn)
		ann := mkUser(t, s, "ann@example.org", broadside.RoleAdmin)
		e, err := s.BeginTOTP(ctx, ann, "Test Site")
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Secret) < 16 || e.QRCode[:22] != "data:image/png;base64," {
			t.Fatalf("enrolment: %+v", e.URL)
		}
		code := func() string {
			c, err := totp.GenerateCode(e.Secret, clk.t)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		bad := "000000"
		if code() == bad {
			bad = "111111"
		}
		_, err = s.ConfirmTOTP(ctx, ann, bad)
		wantCode(t, err, broadside.EINVALID)
		rec, err := s.ConfirmTOTP(ctx, ann, code())
		if err != nil || len(rec) != 10 || !ann.TwoFactor {
			t.Fatalf("confirm: %v %v", rec, err)
		}

		in, err := s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.1"})
		if err != nil || in.Session != "" || in.Pending == "" {
			t.Fatalf("password sign-in did not wait for the code: %+v, %v", in, err)
		}
		// The code used to confirm was accepted in this step already: no replay.
		_, err = s.CompleteTwoFactor(ctx, in.Pending, code(), "", "192.0.2.1")
		wantCode(t, err, broadside.EINVALID)
		clk.t = clk.t.Add(30 * time.Second)
		done, err := s.CompleteTwoFactor(ctx, in.Pending, code(), "", "192.0.2.1")
		if err != nil || done.Session == "" {
			t.Fatalf("code refused: %v", err)
		}
		if _, err := s.Authenticate(ctx, done.Session); err != nil {
			t.Fatal(err)
		}
		// The pending sign-in is used up.
		_, err = s.CompleteTwoFactor(ctx, in.Pending, code(), "", "192.0.2.1")
		wantCode(t, err, broadside.EUNAUTHORIZED)

		// A recovery code works once.
		in, _ = s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.1"})
		if _, err := s.CompleteTwoFactor(ctx, in.Pending, rec[0], "", "192.0.2.1"); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		in, _ = s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.1"})
		_, err = s.CompleteTwoFactor(ctx, in.Pending, rec[0], "", "192.0.2.1")
		wantCode(t, err, broadside.EINVALID)
		if n, _ := s.RecoveryCodesLeft(ctx, ann); n != 9 {
			t.Fatalf("codes left = %d", n)
		}

		// Disabling needs the password or a code.
		wantCode(t, s.DisableTOTP(ctx, ann, "wrong password!", ""), broadside.EINVALID)
		if err := s.DisableTOTP(ctx, ann, "a long enough password", ""); err != nil {
			t.Fatal(err)
		}
		in, err = s.SignIn(ctx, auth.Credentials{Email: "ann@example.org", Password: "a long enough password", IP: "192.0.2.1"})
		if err != nil || in.Session == "" {
			t.Fatalf("after disabling: %+v, %v", in, err)
		}
	})
}
