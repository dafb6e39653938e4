package store

import "context"

// HeldSearchTerms counts the posts whose links are being written (posts_fts_hold), which
// is none once a write is done, for TestImportNewPosts.
func (s *Store) HeldSearchTerms() (n int) {
	if err := s.rd().QueryRowContext(context.Background(), "SELECT count(*) FROM posts_fts_hold").Scan(&n); err != nil {
		return -1
	}
	return n
}
