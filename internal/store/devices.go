package store

import (
	"context"
	"fmt"
	"time"
)

// Device is a browser a user signed in from (the "known device" cookie), stored by the hash
// of the cookie's token. It lets that user's correct password in while their account is
// under a guessing attack from elsewhere.
type Device struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateDevice stores d.
func (s *Store) CreateDevice(ctx context.Context, d *Device) error {
	_, err := s.wr().ExecContext(ctx, `INSERT INTO known_devices (token_hash, user_id, created_at, expires_at)
VALUES ($1, $2, $3, $4)`, d.TokenHash, d.UserID, s.ts(d.CreatedAt), s.ts(d.ExpiresAt))
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("This device is already known.")
		}
		if foreignKeyViolation(err) {
			return notFound("User not found.")
		}
		return fmt.Errorf("store: create device of user %d: %w", d.UserID, err)
	}
	return nil
}

// DeviceByHash returns the device with hash unless it has expired at now.
func (s *Store) DeviceByHash(ctx context.Context, hash string, now time.Time) (*Device, error) {
	var d Device
	err := s.rd().QueryRowContext(ctx, `SELECT token_hash, user_id, created_at, expires_at
FROM known_devices WHERE token_hash = $1 AND expires_at > $2`, hash, s.ts(now)).
		Scan(&d.TokenHash, &d.UserID, scanTime(&d.CreatedAt), scanTime(&d.ExpiresAt))
	if isNoRows(err) {
		return nil, notFound("Device not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load device: %w", err)
	}
	return &d, nil
}

// DeleteDevice forgets one device; a missing one is not an error.
func (s *Store) DeleteDevice(ctx context.Context, hash string) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM known_devices WHERE token_hash = $1", hash); err != nil {
		return fmt.Errorf("store: delete device: %w", err)
	}
	return nil
}

// DeleteUserDevices forgets every device of a user (their password changed).
func (s *Store) DeleteUserDevices(ctx context.Context, userID int64) error {
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM known_devices WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("store: delete devices of user %d: %w", userID, err)
	}
	return nil
}
