package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/broadside/broadside"
)

// siteSettingsKey is the settings row holding broadside.Settings as one JSON document.
const siteSettingsKey = "site"

// LoadSettings returns the site settings: the stored document decoded over
// broadside.DefaultSettings(), so settings added in later versions get their defaults.
func (s *Store) LoadSettings(ctx context.Context) (broadside.Settings, error) {
	set := broadside.DefaultSettings()
	var doc string
	err := s.rd().QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", siteSettingsKey).Scan(&doc)
	if isNoRows(err) {
		return set, nil
	}
	if err != nil {
		return set, fmt.Errorf("store: load settings: %w", err)
	}
	if err := json.Unmarshal([]byte(doc), &set); err != nil {
		return broadside.DefaultSettings(), fmt.Errorf("store: decode settings: %w", err)
	}
	return set, nil
}

// SaveSettings stores set, replacing what was there.
func (s *Store) SaveSettings(ctx context.Context, set broadside.Settings) error {
	doc, err := json.Marshal(set)
	if err != nil {
		return fmt.Errorf("store: encode settings: %w", err)
	}
	_, err = s.wr().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, siteSettingsKey, string(doc))
	if err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	return nil
}
