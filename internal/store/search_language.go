package store

import (
	"context"
	"fmt"
)

// SearchLanguage returns the language the search index was built in (posts_fts_language,
// migration 0027): "en" until a reindex for another language has committed.
func (s *Store) SearchLanguage(ctx context.Context) (string, error) {
	var lang string
	if err := s.rd().QueryRowContext(ctx, "SELECT language FROM posts_fts_language WHERE id = 1").Scan(&lang); err != nil {
		return "", fmt.Errorf("store: read search language: %w", err)
	}
	return lang, nil
}

// ReindexSearch records lang and its PostgreSQL text-search configuration as the index's
// language and rebuilds the index in the same transaction, so searches see either the old
// index with the old stemming or the new one with the new, never a mix. It returns how many
// posts were indexed.
func (s *Store) ReindexSearch(ctx context.Context, lang, config string) (int, error) {
	var n int
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.wr().ExecContext(ctx, "UPDATE posts_fts_language SET language = $1, config = $2 WHERE id = 1", lang, config); err != nil {
			return fmt.Errorf("store: set search language %q: %w", lang, err)
		}
		var err error
		n, err = tx.RebuildSearchIndex(ctx)
		return err
	})
	return n, err
}
