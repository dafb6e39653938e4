package auth_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// A password change that fails part-way changes nothing: the new password must never be in
// force while the sessions and known browsers of the old one live on (a reset after a
// break-in would leave the intruder signed in), and an emailed link is not used up by a
// change that did not happen. The failure is the database's own: a trigger refuses to
// delete the user's sessions.
func TestSetPasswordIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	path := testdb.SQLiteMigrated(t)
	svc, _ := newService(t, path)
	u := &broadside.User{Email: "ann@example.com", Role: broadside.RoleAdmin, DisplayName: "Ann"}
	if err := svc.CreateUser(ctx, u, "first password, long enough"); err != nil {
		t.Fatal(err)
	}
	session, _, err := svc.Login(ctx, "ann@example.com", "first password, long enough", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TRIGGER keep_sessions BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'sessions are kept'); END`); err != nil {
		t.Fatal(err)
	}

	if err := svc.SetPassword(ctx, u, "second password, long enough"); err == nil {
		t.Fatal("SetPassword succeeded although its sessions could not be ended")
	}
	if _, _, err := svc.Login(ctx, "ann@example.com", "second password, long enough", "192.0.2.1"); err == nil {
		t.Error("the new password is in force although the change failed")
	}
	if _, _, err := svc.Login(ctx, "ann@example.com", "first password, long enough", "192.0.2.1"); err != nil {
		t.Errorf("the old password no longer works after a failed change: %v", err)
	}
	if _, err := svc.Authenticate(ctx, session); err != nil {
		t.Errorf("the session ended although the change failed: %v", err)
	}

	// The same through a profile change and an emailed link: neither half-happens.
	if _, err := svc.UpdateProfile(ctx, u, "Ann", "first password, long enough", "third password, long enough"); err == nil {
		t.Error("UpdateProfile succeeded although its sessions could not be ended")
	}
	if _, _, err := svc.Login(ctx, "ann@example.com", "third password, long enough", "192.0.2.1"); err == nil {
		t.Error("the profile's new password is in force although the change failed")
	}
	st := svc.Store.(*store.Store)
	link, hash := auth.NewToken()
	now := svc.Now()
	if err := st.CreateToken(ctx, &store.Token{Hash: hash, Purpose: auth.PurposeSetPassword, UserID: u.ID, Email: u.Email,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompletePasswordLink(ctx, link, "fourth password, long enough"); err == nil {
		t.Error("CompletePasswordLink succeeded although its sessions could not be ended")
	}
	if err := svc.CheckPasswordLink(ctx, link); err != nil {
		t.Errorf("a failed change used up the emailed link: %v", err)
	}

	// Once the database lets it, the change happens whole: the link works once, the old
	// session ends.
	if _, err := db.ExecContext(ctx, "DROP TRIGGER keep_sessions"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompletePasswordLink(ctx, link, "fourth password, long enough"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompletePasswordLink(ctx, link, "fifth password, long enough"); broadside.ErrorCode(err) != broadside.ENOTFOUND {
		t.Errorf("the link worked twice: %v", err)
	}
	if _, err := svc.Authenticate(ctx, session); broadside.ErrorCode(err) != broadside.EUNAUTHORIZED {
		t.Errorf("the old session survives a password change: %v", err)
	}
	if _, _, err := svc.Login(ctx, "ann@example.com", "fourth password, long enough", "192.0.2.1"); err != nil {
		t.Errorf("the link's password does not work: %v", err)
	}
}

// The first administrator and the setup link's use are one change: a failure creating the
// account leaves the link usable, instead of a site with no administrator and no link.
func TestSetupLinkSurvivesAFailedSetup(t *testing.T) {
	ctx := context.Background()
	path := testdb.SQLiteMigrated(t)
	svc, _ := newService(t, path)
	tok, err := svc.NewSetupToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TRIGGER no_users BEFORE INSERT ON users
BEGIN SELECT RAISE(ABORT, 'no users today'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CompleteSetup(ctx, tok, &broadside.User{Email: "admin@example.org"}, "a long enough password"); err == nil {
		t.Fatal("setup succeeded although the user could not be stored")
	}
	if _, err := db.ExecContext(ctx, "DROP TRIGGER no_users"); err != nil {
		t.Fatal(err)
	}
	if sess, err := svc.CompleteSetup(ctx, tok, &broadside.User{Email: "admin@example.org"}, "a long enough password"); err != nil || sess == "" {
		t.Fatalf("setup with the same link after the failure: %v", err)
	}
}
