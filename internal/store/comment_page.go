package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// One page of a post's discussion as every reader without a held comment sees it, read by
// SQL alone: the page's top-level threads, then their replies. On a post with 100,000
// comments this reads the page's rows, where building the whole thread read them all (issue
// 11). It agrees with broadside.BuildThread over the approved comments as long as no parent
// cycle exists (DiscussionHasBackEdges says when one might): a top-level thread is an
// approved comment without a parent, or whose parent is not an approved comment of the post
// (shown as an orphan).

// rootCond is the condition on c (an approved comment of the post) for being a top-level
// thread.
const rootCond = `(COALESCE(c.parent_id, 0) = 0 OR c.parent_id = c.id OR NOT EXISTS (SELECT 1 FROM comments p
	WHERE p.id = c.parent_id AND p.post_id = c.post_id AND p.status = 'approved'))`

// DiscussionHasBackEdges reports whether an approved comment of the post replies to one
// with the same or a later id: only then can its thread have a parent cycle, which the SQL
// page does not reproduce. The partial index comments_back_edges (migration 0035) holds
// only such rows.
func (s *Store) DiscussionHasBackEdges(ctx context.Context, postID int64) (bool, error) {
	var n int
	err := s.rd().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM comments
		WHERE post_id = $1 AND parent_id >= id AND status = 'approved' LIMIT 1) x`, postID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: back edges of post %d: %w", postID, err)
	}
	return n > 0, nil
}

// DiscussionRootCount returns how many top-level threads the post's shared discussion has.
func (s *Store) DiscussionRootCount(ctx context.Context, postID int64) (int, error) {
	var n int
	err := s.rd().QueryRowContext(ctx, `SELECT COUNT(*) FROM comments c WHERE c.post_id = $1 AND c.status = 'approved' AND `+
		rootCond, postID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: top-level threads of post %d: %w", postID, err)
	}
	return n, nil
}

// DiscussionRoots returns the ids of the post's top-level threads offset to offset+limit in
// display order (oldest first, or newest first).
func (s *Store) DiscussionRoots(ctx context.Context, postID int64, newestFirst bool, offset, limit int) ([]int64, error) {
	dir := ""
	if newestFirst {
		dir = " DESC"
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT c.id FROM comments c WHERE c.post_id = $1 AND c.status = 'approved' AND `+
		rootCond+` ORDER BY c.created_at`+dir+`, c.id`+dir+` LIMIT $2 OFFSET $3`, postID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("store: top-level threads of post %d: %w", postID, err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: top-level threads of post %d: %w", postID, err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: top-level threads of post %d: %w", postID, err)
	}
	s.countCommentRows(len(ids))
	return ids, nil
}

// DiscussionThreads returns the comments roots and their approved replies, at any depth,
// oldest first, with every column ThreadComments reads.
func (s *Store) DiscussionThreads(ctx context.Context, postID int64, roots []int64) ([]broadside.Comment, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	a := &args{}
	post := a.add(postID)
	// The unary pluses keep SQLite on the primary key for the roots and the final rows, and
	// on the parent_id index for the replies: with the statistics PRAGMA optimize gathers it
	// otherwise walked the post's (post_id, status) index entries, every one of them, at
	// each step (2.7 s for a page of a 100,000-comment post).
	byKey := s.notIndexed() // PostgreSQL plans these by key anyway
	q := `WITH RECURSIVE t(id) AS (SELECT id FROM comments WHERE id IN ` + in(a, roots) + ` AND ` + byKey + `status = 'approved'
	UNION SELECT c.id FROM comments c JOIN t ON c.parent_id = t.id WHERE +c.post_id = ` + post + ` AND ` + byKey + `c.status = 'approved')
SELECT ` + commentCols + ` FROM comments c WHERE c.id IN (SELECT id FROM t) AND +c.post_id = ` + post + ` ORDER BY c.created_at, c.id`
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: threads of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []broadside.Comment
	for rows.Next() {
		var c broadside.Comment
		if err := scanComment(rows, &c); err != nil {
			return nil, fmt.Errorf("store: threads of post %d: %w", postID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: threads of post %d: %w", postID, err)
	}
	s.countCommentRows(len(out))
	return out, nil
}

// ObserveCommentReads has fn hear how many comment rows each discussion read (ThreadComments,
// ThreadShape, DiscussionRoots, DiscussionThreads) returns, until it is called with nil: what a
// test counts to show that a page reads its own threads and not the discussion. Unset, it costs
// a read nothing but one load.
func (s *Store) ObserveCommentReads(fn func(rows int)) {
	if fn == nil {
		s.commentReads.Store(nil)
		return
	}
	s.commentReads.Store(&fn)
}

func (s *Store) countCommentRows(n int) {
	if s.commentReads == nil {
		return
	}
	if fn := s.commentReads.Load(); fn != nil {
		(*fn)(n)
	}
}
