package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

const appPasswordCols = "id, uuid, user_id, name, secret_hash, created_at, last_used_at, last_ip"

func scanAppPassword(r rowScanner, p *broadside.AppPassword) error {
	return r.Scan(&p.ID, &p.UUID, &p.UserID, &p.Name, &p.SecretHash, scanTime(&p.CreatedAt), scanTime(&p.LastUsedAt), &p.LastIP)
}

// CreateAppPassword stores p and sets p.ID.
func (s *Store) CreateAppPassword(ctx context.Context, p *broadside.AppPassword) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	p.CreatedAt = p.CreatedAt.UTC().Truncate(time.Microsecond)
	err := s.wr().QueryRowContext(ctx, `INSERT INTO app_passwords (uuid, user_id, name, secret_hash, created_at, last_used_at, last_ip)
VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		p.UUID, p.UserID, p.Name, p.SecretHash, s.ts(p.CreatedAt), s.ts(p.LastUsedAt), p.LastIP).Scan(&p.ID)
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("This application password already exists.")
		}
		if foreignKeyViolation(err) {
			return notFound("User not found.")
		}
		return fmt.Errorf("store: create application password for user %d: %w", p.UserID, err)
	}
	return nil
}

// ListAppPasswords returns the application passwords of a user, oldest first.
func (s *Store) ListAppPasswords(ctx context.Context, userID int64) ([]broadside.AppPassword, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT "+appPasswordCols+" FROM app_passwords WHERE user_id = $1 ORDER BY created_at, id", userID)
	if err != nil {
		return nil, fmt.Errorf("store: list application passwords of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []broadside.AppPassword
	for rows.Next() {
		var p broadside.AppPassword
		if err := scanAppPassword(rows, &p); err != nil {
			return nil, fmt.Errorf("store: list application passwords of user %d: %w", userID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list application passwords of user %d: %w", userID, err)
	}
	return out, nil
}

// AppPasswordByHash returns the application password whose secret hashes to hash.
func (s *Store) AppPasswordByHash(ctx context.Context, hash string) (*broadside.AppPassword, error) {
	var p broadside.AppPassword
	err := scanAppPassword(s.rd().QueryRowContext(ctx, "SELECT "+appPasswordCols+" FROM app_passwords WHERE secret_hash = $1", hash), &p)
	if isNoRows(err) {
		return nil, notFound("Application password not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load application password: %w", err)
	}
	return &p, nil
}

// TouchAppPassword records that the application password with id was used at now from ip.
func (s *Store) TouchAppPassword(ctx context.Context, id int64, now time.Time, ip string) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "UPDATE app_passwords SET last_used_at = $1, last_ip = $2 WHERE id = $3",
		s.ts(now), ip, id))
	if err != nil {
		return fmt.Errorf("store: touch application password %d: %w", id, err)
	}
	if n == 0 {
		return notFound("Application password not found.")
	}
	return nil
}

// DeleteAppPassword revokes the application password uuid of the user userID; another
// user's password is not found.
func (s *Store) DeleteAppPassword(ctx context.Context, userID int64, uuid string) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM app_passwords WHERE user_id = $1 AND uuid = $2", userID, uuid))
	if err != nil {
		return fmt.Errorf("store: delete application password of user %d: %w", userID, err)
	}
	if n == 0 {
		return notFound("Application password not found.")
	}
	return nil
}
