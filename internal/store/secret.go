package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// Secret returns the site-wide secret called name, creating it on first use. It lives in
// the database so every node of a multi-node site signs and verifies with the same key.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	key := "secret:" + name
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("store: generate secret: %w", err)
	}
	// Insert-if-absent then read back: two nodes starting together agree on one value.
	if _, err := s.wr().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`,
		key, hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("store: create secret %s: %w", name, err)
	}
	var v string
	if err := s.wr().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
		return nil, fmt.Errorf("store: read secret %s: %w", name, err)
	}
	out, err := hex.DecodeString(v)
	if err != nil || len(out) < 16 {
		return nil, fmt.Errorf("store: secret %s is corrupt", name)
	}
	return out, nil
}
