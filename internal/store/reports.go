package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// AddCommentReport records that the reader identified by reporter (a keyed hash, never an
// address) reported the comment, and returns how many distinct readers have reported it.
// added is false when this reader had reported it already.
func (s *Store) AddCommentReport(ctx context.Context, commentID int64, reporter string, now time.Time) (n int, added bool, err error) {
	res, err := rowsAffected(s.wr().ExecContext(ctx, `INSERT INTO comment_reports (comment_id, reporter, created_at)
VALUES ($1, $2, $3) ON CONFLICT (comment_id, reporter) DO NOTHING`, commentID, reporter, s.ts(now)))
	if foreignKeyViolation(err) {
		return 0, false, notFound("Comment not found.")
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: report comment %d: %w", commentID, err)
	}
	n, err = s.CommentReportCount(ctx, commentID)
	return n, res == 1, err
}

// CommentReportCount returns how many readers reported the comment.
func (s *Store) CommentReportCount(ctx context.Context, commentID int64) (int, error) {
	var n int
	if err := s.wr().QueryRowContext(ctx, "SELECT count(*) FROM comment_reports WHERE comment_id = $1", commentID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count reports of comment %d: %w", commentID, err)
	}
	return n, nil
}

// CommentReportCounts returns the number of reports of each of ids that has any.
func (s *Store) CommentReportCounts(ctx context.Context, ids []int64) (map[int64]int, error) {
	out := map[int64]int{}
	if len(ids) == 0 {
		return out, nil
	}
	a := &args{}
	rows, err := s.rd().QueryContext(ctx, "SELECT comment_id, count(*) FROM comment_reports WHERE comment_id IN "+in(a, ids)+" GROUP BY comment_id", a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: count reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("store: count reports: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}

// ClearCommentReports forgets the reports of a comment (a moderator approved it again: the
// readers' count starts over).
func (s *Store) ClearCommentReports(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	a := &args{}
	if _, err := s.wr().ExecContext(ctx, "DELETE FROM comment_reports WHERE comment_id IN "+in(a, ids), a.v...); err != nil {
		return fmt.Errorf("store: clear reports: %w", err)
	}
	return nil
}

// SetCommentModeration moves one comment to status st with reason and codes as its moderation
// reason (a report or an author's edit sent it back to the queue), and recounts its post.
func (s *Store) SetCommentModeration(ctx context.Context, id int64, st broadside.CommentStatus, reason string, codes []string) error {
	return s.InTx(ctx, func(tx *Store) error {
		var postID int64
		err := tx.wr().QueryRowContext(ctx, "UPDATE comments SET status = $1, moderation_reason = $2, moderation_codes = $3 WHERE id = $4 RETURNING post_id",
			string(st), reason, strings.Join(codes, " "), id).Scan(&postID)
		if isNoRows(err) {
			return notFound("Comment not found.")
		}
		if err != nil {
			return fmt.Errorf("store: hold comment %d: %w", id, err)
		}
		return tx.RecountComments(ctx, postID)
	})
}

// CommentReportTimes returns when each of ids was reported, oldest first (those never
// reported are absent): the moderation queue lists the reports on the comment.
func (s *Store) CommentReportTimes(ctx context.Context, ids []int64) (map[int64][]time.Time, error) {
	out := map[int64][]time.Time{}
	if len(ids) == 0 {
		return out, nil
	}
	a := &args{}
	rows, err := s.rd().QueryContext(ctx, "SELECT comment_id, created_at FROM comment_reports WHERE comment_id IN "+in(a, ids)+" ORDER BY created_at", a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t time.Time
		if err := rows.Scan(&id, scanTime(&t)); err != nil {
			return nil, fmt.Errorf("store: list reports: %w", err)
		}
		out[id] = append(out[id], t)
	}
	return out, rows.Err()
}
