package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// userCols are the columns scanUser reads, from the users table alone.
var userCols = userColsOf("")

// userColsOf is the columns scanUser reads, each taken from table alias t ("u." or "" for none).
func userColsOf(t string) string {
	return t + "id, " + t + "email, " + t + "login, " + t + "display_name, " + t + "role, " + t + "password_hash, " +
		t + "created_at, " + t + "deactivated_at, CASE WHEN " + t + "totp_secret <> '' THEN 1 ELSE 0 END"
}

type rowScanner interface{ Scan(dest ...any) error }

// scanUser scans userCols into u, then any more columns the query selects after them.
func scanUser(r rowScanner, u *broadside.User, more ...any) error {
	var role string
	var twoFactor int
	if err := r.Scan(append([]any{&u.ID, &u.Email, &u.Login, &u.DisplayName, &role, &u.PasswordHash, scanTime(&u.CreatedAt),
		scanTime(&u.DeactivatedAt), &twoFactor}, more...)...); err != nil {
		return err
	}
	u.Role = broadside.Role(role)
	u.TwoFactor = twoFactor == 1
	return nil
}

// userConflict turns a unique violation on users into a message naming the field.
func userConflict(err error) error {
	if what, ok := uniqueViolation(err); ok {
		if strings.Contains(what, "login") {
			return conflict("A user with this login already exists.")
		}
		return conflict("A user with this email already exists.")
	}
	return nil
}

// CreateUser inserts u (its email lowercased) and sets u.ID, and u.CreatedAt if zero.
// A non-zero u.ID is kept (imports).
func (s *Store) CreateUser(ctx context.Context, u *broadside.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now()
	}
	u.CreatedAt = u.CreatedAt.UTC().Truncate(time.Microsecond)
	return s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		cols, vals := "", ""
		if u.ID != 0 {
			cols, vals = "id, ", a.add(u.ID)+", "
		}
		q := "INSERT INTO users (" + cols + "email, login, display_name, role, password_hash, created_at) VALUES (" + vals +
			a.add(u.Email) + ", " + a.add(u.Login) + ", " + a.add(u.DisplayName) + ", " + a.add(string(u.Role)) + ", " +
			a.add(u.PasswordHash) + ", " + a.add(tx.ts(u.CreatedAt)) + ") RETURNING id"
		if err := tx.wr().QueryRowContext(ctx, q, a.v...).Scan(&u.ID); err != nil {
			if cerr := userConflict(err); cerr != nil {
				return cerr
			}
			return fmt.Errorf("store: create user %q: %w", u.Login, err)
		}
		if cols != "" {
			return tx.bumpSequence(ctx, "users")
		}
		return nil
	})
}

// userWhere's where is one of three fixed texts, so its statements are kept prepared: UserByID
// runs on every REST request signed with an application password (a browser session's user
// comes with its session, SessionUser).
func (s *Store) userWhere(ctx context.Context, where string, arg any) (*broadside.User, error) {
	var u broadside.User
	err := scanUser(s.kept().QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE "+where, arg), &u)
	if isNoRows(err) {
		return nil, notFound("User not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load user: %w", err)
	}
	return &u, nil
}

// UserByID returns the user with id.
func (s *Store) UserByID(ctx context.Context, id int64) (*broadside.User, error) {
	return s.userWhere(ctx, "id = $1", id)
}

// UserByEmail returns the user with email, compared case-insensitively.
func (s *Store) UserByEmail(ctx context.Context, email string) (*broadside.User, error) {
	return s.userWhere(ctx, "email = $1", strings.ToLower(strings.TrimSpace(email)))
}

// UserByLogin returns the user with login.
func (s *Store) UserByLogin(ctx context.Context, login string) (*broadside.User, error) {
	return s.userWhere(ctx, "login = $1", login)
}

// UpdateUser saves u's email (lowercased), login, display name, role and password hash.
func (s *Store) UpdateUser(ctx context.Context, u *broadside.User) error {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	n, err := rowsAffected(s.wr().ExecContext(ctx,
		"UPDATE users SET email = $1, login = $2, display_name = $3, role = $4, password_hash = $5 WHERE id = $6",
		u.Email, u.Login, u.DisplayName, string(u.Role), u.PasswordHash, u.ID))
	if err != nil {
		if cerr := userConflict(err); cerr != nil {
			return cerr
		}
		return fmt.Errorf("store: update user %d: %w", u.ID, err)
	}
	if n == 0 {
		return notFound("User not found.")
	}
	return nil
}

// ListUsers returns every user in id order.
func (s *Store) ListUsers(ctx context.Context) ([]broadside.User, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []broadside.User
	for rows.Next() {
		var u broadside.User
		if err := scanUser(rows, &u); err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// CountUsers returns how many users exist (0 on a fresh site: time to run setup).
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}
