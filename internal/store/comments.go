package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// commentOrder maps CommentFilter.OrderBy to SQL; user input never reaches the query text.
var commentOrder = map[string]string{"": "c.created_at", "id": "c.id", "post": "c.post_id", "parent": "COALESCE(c.parent_id, 0)"}

// apiCommentWhere adds the conditions of the REST API's filters.
func (s *Store) apiCommentWhere(f broadside.CommentFilter, a *args, c []string) []string {
	list := func(col string, ids []int64) {
		if ids == nil {
			return
		}
		if len(ids) == 0 {
			c = append(c, "1 = 0")
			return
		}
		c = append(c, col+" IN "+in(a, ids))
	}
	list("c.post_id", f.PostIDs)
	list("COALESCE(c.parent_id, 0)", f.ParentIDs)
	list("c.id", f.IDs)
	list("COALESCE(c.user_id, 0)", f.UserIDs)
	if len(f.ExcludeIDs) > 0 {
		c = append(c, "c.id NOT IN "+in(a, f.ExcludeIDs))
	}
	if !f.After.IsZero() {
		c = append(c, "c.created_at > "+a.add(s.ts(f.After)))
	}
	if !f.Before.IsZero() {
		c = append(c, "c.created_at < "+a.add(s.ts(f.Before)))
	}
	if f.Kind != "" {
		c = append(c, "c.kind = "+a.add(f.Kind))
	}
	if !f.PostPublishedBefore.IsZero() {
		c = append(c, "c.post_id IN (SELECT pp.id FROM posts pp WHERE pp.status = 'published' AND pp.published_at <= "+
			a.add(s.ts(f.PostPublishedBefore))+" AND pp.password = '' AND pp.subscribers_only = "+a.add(false)+")")
	}
	return c
}

const commentCols = `c.id, c.post_id, COALESCE(c.parent_id, 0), COALESCE(c.user_id, 0), c.kind, c.author_name,
	c.author_email, c.author_url, c.author_ip, c.user_agent, c.raw_body, c.status, c.created_at, c.commenter_key,
	c.moderation_reason, c.moderation_codes, c.avatar_url, c.remote_id, c.remote_actor, c.remote_handle`

func scanComment(r rowScanner, c *broadside.Comment, extra ...any) error {
	var status, codes string
	dest := append([]any{&c.ID, &c.PostID, &c.ParentID, &c.UserID, &c.Kind, &c.AuthorName,
		&c.AuthorEmail, &c.AuthorURL, &c.AuthorIP, &c.UserAgent, &c.RawBody, &status, scanTime(&c.CreatedAt),
		&c.CommenterKeyHash, &c.ModerationReason, &codes, &c.AvatarURL,
		&c.RemoteID, &c.RemoteActor, &c.RemoteHandle}, extra...)
	if err := r.Scan(dest...); err != nil {
		return err
	}
	c.Status = broadside.CommentStatus(status)
	c.ModerationCodes = nil
	if codes != "" {
		c.ModerationCodes = strings.Fields(codes)
	}
	return nil
}

// recountSQL recomputes comment_count (approved comments) of the posts matched by its WHERE.
const recountSQL = `UPDATE posts SET comment_count =
	(SELECT count(*) FROM comments c WHERE c.post_id = posts.id AND c.status = 'approved')`

// CreateComment inserts c and sets c.ID, and c.CreatedAt when zero; a non-zero c.ID is kept
// (imports). An approved comment raises its post's comment count in the same transaction.
func (s *Store) CreateComment(ctx context.Context, c *broadside.Comment) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now()
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	if c.Kind == "" {
		c.Kind = broadside.KindComment
	}
	if c.Status == "" {
		c.Status = broadside.CommentPending
	}
	if !broadside.ValidCommentStatus(c.Status) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Unknown comment status."}
	}
	return s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		cols, vals := "", ""
		if c.ID != 0 {
			cols, vals = "id, ", a.add(c.ID)+", "
		}
		q := `INSERT INTO comments (` + cols + `post_id, parent_id, user_id, kind, author_name, author_email,
	author_url, author_ip, user_agent, raw_body, status, created_at, commenter_key, moderation_reason, moderation_codes, avatar_url,
	remote_id, remote_actor, remote_handle)
VALUES (` + vals + strings.Join([]string{a.add(c.PostID), a.add(nullID(c.ParentID)), a.add(nullID(c.UserID)),
			a.add(c.Kind), a.add(c.AuthorName), a.add(c.AuthorEmail), a.add(c.AuthorURL), a.add(c.AuthorIP),
			a.add(c.UserAgent), a.add(c.RawBody), a.add(string(c.Status)), a.add(tx.ts(c.CreatedAt)),
			a.add(c.CommenterKeyHash), a.add(c.ModerationReason), a.add(strings.Join(c.ModerationCodes, " ")), a.add(c.AvatarURL),
			a.add(c.RemoteID), a.add(c.RemoteActor), a.add(c.RemoteHandle)}, ", ") + `)`
		if err := tx.insertReturningID(ctx, q, a.v, &c.ID); err != nil {
			if _, ok := uniqueViolation(err); ok {
				if c.RemoteID != "" {
					return conflict("This fediverse reply is already a comment.")
				}
				return conflict("A comment with this ID already exists.")
			}
			if foreignKeyViolation(err) {
				return notFound("Post not found.")
			}
			return fmt.Errorf("store: create comment on post %d: %w", c.PostID, err)
		}
		if cols != "" {
			if err := tx.bumpSequence(ctx, "comments"); err != nil {
				return err
			}
		}
		if c.Status == broadside.CommentApproved {
			if _, err := tx.wr().ExecContext(ctx, "UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1", c.PostID); err != nil {
				return fmt.Errorf("store: create comment on post %d: count: %w", c.PostID, err)
			}
		}
		return nil
	})
}

// CommentByID returns the comment with id.
func (s *Store) CommentByID(ctx context.Context, id int64) (*broadside.Comment, error) {
	var c broadside.Comment
	err := scanComment(s.rd().QueryRowContext(ctx, "SELECT "+commentCols+" FROM comments c WHERE c.id = $1", id), &c)
	if isNoRows(err) {
		return nil, notFound("Comment not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load comment %d: %w", id, err)
	}
	return &c, nil
}

// CommentByRemoteID returns the comment that came from the fediverse Note with id remoteID.
func (s *Store) CommentByRemoteID(ctx context.Context, remoteID string) (*broadside.Comment, error) {
	if remoteID == "" {
		return nil, notFound("Comment not found.")
	}
	var c broadside.Comment
	err := scanComment(s.rd().QueryRowContext(ctx, "SELECT "+commentCols+" FROM comments c WHERE c.remote_id = $1", remoteID), &c)
	if isNoRows(err) {
		return nil, notFound("Comment not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load comment from %q: %w", remoteID, err)
	}
	return &c, nil
}

// UpdateComment saves c's author fields, body, status and parent, and recounts its post.
func (s *Store) UpdateComment(ctx context.Context, c *broadside.Comment) error {
	if !broadside.ValidCommentStatus(c.Status) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Unknown comment status."}
	}
	return s.InTx(ctx, func(tx *Store) error {
		var postID int64
		err := tx.wr().QueryRowContext(ctx, `UPDATE comments SET parent_id = $1, author_name = $2, author_email = $3,
	author_url = $4, author_ip = $5, user_agent = $6, raw_body = $7, status = $8
WHERE id = $9 RETURNING post_id`,
			nullID(c.ParentID), c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.UserAgent, c.RawBody,
			string(c.Status), c.ID).Scan(&postID)
		if isNoRows(err) {
			return notFound("Comment not found.")
		}
		if err != nil {
			return fmt.Errorf("store: update comment %d: %w", c.ID, err)
		}
		c.PostID = postID
		return tx.RecountComments(ctx, postID)
	})
}

// SetCommentStatus moves the comments with ids to status st, recounts their posts in the
// same transaction, and returns how many comments exist among ids.
func (s *Store) SetCommentStatus(ctx context.Context, ids []int64, st broadside.CommentStatus) (int, error) {
	if !broadside.ValidCommentStatus(st) {
		return 0, &broadside.Error{Code: broadside.EINVALID, Message: "Unknown comment status."}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	var n int64
	err := s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		stp := a.add(string(st))
		var err error
		n, err = rowsAffected(tx.wr().ExecContext(ctx, "UPDATE comments SET status = "+stp+" WHERE id IN "+in(a, ids), a.v...))
		if err != nil {
			return fmt.Errorf("store: set status of %d comments: %w", len(ids), err)
		}
		a = &args{}
		if _, err := tx.wr().ExecContext(ctx, recountSQL+" WHERE id IN (SELECT post_id FROM comments WHERE id IN "+in(a, ids)+")", a.v...); err != nil {
			return fmt.Errorf("store: set status of %d comments: recount: %w", len(ids), err)
		}
		return nil
	})
	return int(n), err
}

// DeleteComment deletes the comment with id for good. Its replies move up to its parent.
func (s *Store) DeleteComment(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		var postID, parentID int64
		err := tx.wr().QueryRowContext(ctx, "SELECT post_id, COALESCE(parent_id, 0) FROM comments WHERE id = $1", id).Scan(&postID, &parentID)
		if isNoRows(err) {
			return notFound("Comment not found.")
		}
		if err != nil {
			return fmt.Errorf("store: delete comment %d: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "UPDATE comments SET parent_id = $1 WHERE parent_id = $2", nullID(parentID), id); err != nil {
			return fmt.Errorf("store: delete comment %d: re-parent replies: %w", id, err)
		}
		if _, err := tx.wr().ExecContext(ctx, "DELETE FROM comments WHERE id = $1", id); err != nil {
			return fmt.Errorf("store: delete comment %d: %w", id, err)
		}
		return tx.RecountComments(ctx, postID)
	})
}

// RecountComments recomputes the approved-comment count of the post with postID.
func (s *Store) RecountComments(ctx context.Context, postID int64) error {
	if _, err := s.wr().ExecContext(ctx, recountSQL+" WHERE id = $1", postID); err != nil {
		return fmt.Errorf("store: recount comments of post %d: %w", postID, err)
	}
	return nil
}

// ThreadComments returns the flat rows of a post's discussion in one query, oldest first:
// the comments whose status is in statuses (approved only when statuses is empty), plus
// those whose id is in alsoIDs whatever their status (a held comment shown to its author).
func (s *Store) ThreadComments(ctx context.Context, postID int64, statuses []broadside.CommentStatus, alsoIDs []int64) ([]broadside.Comment, error) {
	if len(statuses) == 0 {
		statuses = []broadside.CommentStatus{broadside.CommentApproved}
	}
	a := &args{}
	cond := "c.status IN " + in(a, strs(statuses))
	if len(alsoIDs) > 0 {
		cond = "(" + cond + " OR c.id IN " + in(a, alsoIDs) + ")"
	}
	q := "SELECT " + commentCols + " FROM comments c WHERE c.post_id = " + a.add(postID) + " AND " + cond +
		" ORDER BY c.created_at, c.id"
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: thread of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []broadside.Comment
	for rows.Next() {
		var c broadside.Comment
		if err := scanComment(rows, &c); err != nil {
			return nil, fmt.Errorf("store: thread of post %d: %w", postID, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: thread of post %d: %w", postID, err)
	}
	s.countCommentRows(len(out))
	return out, nil
}

// ThreadShape returns what ThreadComments(postID, approved, alsoIDs) returns, without the
// text: id, parent, status and time of each comment, oldest first. Finding the page a comment
// is shown on needs the thread's shape only, and on a post with thousands of comments reading
// the bodies would cost most of a comment POST. comments_thread (post_id, status, created_at,
// id, parent_id) covers the query, in its order when only approved comments are asked for.
func (s *Store) ThreadShape(ctx context.Context, postID int64, alsoIDs []int64) ([]broadside.Comment, error) {
	q, a := threadShapeSQL(postID, alsoIDs)
	return s.shapes(ctx, postID, q, a.v)
}

func threadShapeSQL(postID int64, alsoIDs []int64) (string, *args) {
	a := &args{}
	cond := "status = 'approved'"
	if len(alsoIDs) > 0 {
		cond = "(" + cond + " OR id IN " + in(a, alsoIDs) + ")"
	}
	return "SELECT id, COALESCE(parent_id, 0), status, created_at FROM comments WHERE post_id = " + a.add(postID) +
		" AND " + cond + " ORDER BY created_at, id", a
}

// CommentShapes returns the shape (id, parent, status, time) of the comments of the post
// with postID whose id is in ids, oldest first: a reader's own held comments, read by key
// next to a kept thread shape instead of reading the thread again.
func (s *Store) CommentShapes(ctx context.Context, postID int64, ids []int64) ([]broadside.Comment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	a := &args{}
	// By key: "+post_id" keeps SQLite from walking the post's index instead (EXPLAIN QUERY
	// PLAN: SEARCH USING INTEGER PRIMARY KEY); PostgreSQL reads a unary plus the same way.
	q := "SELECT id, COALESCE(parent_id, 0), status, created_at FROM comments WHERE id IN " + in(a, ids) +
		" AND +post_id = " + a.add(postID) + " ORDER BY created_at, id"
	return s.shapes(ctx, postID, q, a.v)
}

func (s *Store) shapes(ctx context.Context, postID int64, q string, a []any) ([]broadside.Comment, error) {
	rows, err := s.rd().QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("store: thread shape of post %d: %w", postID, err)
	}
	defer rows.Close()
	var out []broadside.Comment
	for rows.Next() {
		c := broadside.Comment{PostID: postID}
		var st string
		if err := rows.Scan(&c.ID, &c.ParentID, &st, scanTime(&c.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: thread shape of post %d: %w", postID, err)
		}
		c.Status = broadside.CommentStatus(st)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: thread shape of post %d: %w", postID, err)
	}
	s.countCommentRows(len(out))
	return out, nil
}

// ListComments returns one page of the moderation queue, newest first, and the total count.
func (s *Store) ListComments(ctx context.Context, f broadside.CommentFilter) ([]broadside.CommentRow, int, error) {
	a := &args{}
	var c []string
	if f.Status != "" {
		c = append(c, "c.status = "+a.add(string(f.Status)))
	} else {
		c = append(c, "c.status IN ('pending', 'approved')")
	}
	if f.PostID != 0 {
		c = append(c, "c.post_id = "+a.add(f.PostID))
	}
	c = append(c, notOnTrashedPost)
	if f.Search != "" && f.PublicSearch {
		p := a.add(likePattern(f.Search))
		c = append(c, "(lower(c.author_name) LIKE "+p+" ESCAPE '\\' OR lower(c.raw_body) LIKE "+p+" ESCAPE '\\')")
	} else if f.Search != "" {
		p := a.add(likePattern(f.Search))
		c = append(c, "(lower(c.author_name) LIKE "+p+" ESCAPE '\\' OR lower(c.author_email) LIKE "+p+" ESCAPE '\\'"+
			" OR lower(c.author_ip) LIKE "+p+" ESCAPE '\\' OR lower(c.raw_body) LIKE "+p+" ESCAPE '\\')")
	}
	c = s.apiCommentWhere(f, a, c)
	col, ok := commentOrder[f.OrderBy]
	if !ok {
		return nil, 0, &broadside.Error{Code: broadside.EINVALID, Message: "Unknown sort order."}
	}
	dir := " DESC"
	if f.Asc {
		dir = " ASC"
	}
	where := " WHERE " + strings.Join(c, " AND ")
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM comments c"+where, a.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count comments: %w", err)
	}
	q := "SELECT " + commentCols + ", p.title, p.slug, p.type FROM comments c JOIN posts p ON p.id = c.post_id" +
		where + " ORDER BY " + col + dir + ", c.id" + dir
	if f.Limit > 0 {
		q += " LIMIT " + a.add(f.Limit)
	} else if f.Offset > 0 {
		q += " LIMIT " + s.noLimit()
	}
	if f.Offset > 0 {
		q += " OFFSET " + a.add(f.Offset)
	}
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list comments: %w", err)
	}
	defer rows.Close()
	var out []broadside.CommentRow
	for rows.Next() {
		var r broadside.CommentRow
		var typ string
		if err := scanComment(rows, &r.Comment, &r.PostTitle, &r.PostSlug, &typ); err != nil {
			return nil, 0, fmt.Errorf("store: list comments: %w", err)
		}
		r.PostType = broadside.PostType(typ)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("store: list comments: %w", err)
	}
	return out, total, nil
}

// notOnTrashedPost keeps the comments of trashed posts out of the queue and its counts, as
// WordPress does (it gives them the status "post-trashed"): they come back with their post.
const notOnTrashedPost = "c.post_id NOT IN (SELECT tp.id FROM posts tp WHERE tp.status = 'trash')"

// CommentCounts returns how many comments have each status (every status is present), not
// counting those of trashed posts.
func (s *Store) CommentCounts(ctx context.Context) (map[broadside.CommentStatus]int, error) {
	return s.commentCounts(ctx, "SELECT c.status, count(*) FROM comments c WHERE "+notOnTrashedPost+" GROUP BY c.status")
}

// PostCommentCounts returns how many comments of one post have each status (every status is
// present): deleting the post deletes all of them, whatever their state.
func (s *Store) PostCommentCounts(ctx context.Context, postID int64) (map[broadside.CommentStatus]int, error) {
	return s.commentCounts(ctx, "SELECT status, count(*) FROM comments WHERE post_id = $1 GROUP BY status", postID)
}

func (s *Store) commentCounts(ctx context.Context, q string, args ...any) (map[broadside.CommentStatus]int, error) {
	rows, err := s.rd().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: count comments by status: %w", err)
	}
	defer rows.Close()
	out := make(map[broadside.CommentStatus]int, len(broadside.CommentStatuses))
	for _, st := range broadside.CommentStatuses {
		out[st] = 0
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count comments by status: %w", err)
		}
		out[broadside.CommentStatus(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: count comments by status: %w", err)
	}
	return out, nil
}

// HasApprovedComment reports whether someone with this email (any case) and exactly this name
// has an approved comment. It is WordPress's test for "previously approved" commenters, and
// it proves nothing: anyone can type a name and an address. Broadside uses it only to tell
// moderators that a held comment claims an approved commenter's identity; approval rides on
// CommenterKeyApproved and UserHasApprovedComment (commenter_proof.go).
func (s *Store) HasApprovedComment(ctx context.Context, email, name string) (bool, error) {
	if strings.TrimSpace(email) == "" {
		return false, nil
	}
	var n int
	err := s.kept().QueryRowContext(ctx, hasApprovedSQL, strings.ToLower(strings.TrimSpace(email)), name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up approved comments: %w", err)
	}
	return n > 0, nil
}

// hasApprovedSQL is HasApprovedComment's query.
const hasApprovedSQL = `SELECT count(*) FROM (SELECT 1 FROM comments
WHERE lower(author_email) = $1 AND status = 'approved' AND author_name = $2 LIMIT 1) x`

// DuplicateComment reports whether the same author (same email, or same name) already left
// this body on this post under this parent, in any status but trash (WordPress's check).
// Only inside a write transaction that first called LockPostComments is the answer still true
// when the comment is inserted.
func (s *Store) DuplicateComment(ctx context.Context, postID int64, authorName, authorEmail, body string, parentID int64) (bool, error) {
	q, a := duplicateSQL(postID, authorName, authorEmail, body, parentID)
	var n int
	if err := s.rd().QueryRowContext(ctx, q, a.v...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: check duplicate comment on post %d: %w", postID, err)
	}
	return n > 0, nil
}

// duplicateSQL is DuplicateComment's query: two EXISTS probes instead of one OR, each
// searching an index to the post and author, so that the check costs the same on a post with
// ten comments and on one with ten thousand. The address's index is comments_author_email
// (lower(author_email), status, post_id) since migration 0041, which also serves
// HasApprovedComment: the probe names the statuses other than trash (from
// broadside.CommentStatuses, so a new status counts) so that it seeks each (address,
// status, post) in it.
func duplicateSQL(postID int64, authorName, authorEmail, body string, parentID int64) (string, *args) {
	a := &args{}
	same := " AND COALESCE(parent_id, 0) = " + a.add(parentID) + " AND raw_body = " + a.add(body)
	post := a.add(postID)
	q := "SELECT CASE WHEN EXISTS (SELECT 1 FROM comments WHERE post_id = " + post + " AND author_name = " + a.add(authorName) + same +
		" AND status <> 'trash')"
	if e := strings.ToLower(strings.TrimSpace(authorEmail)); e != "" {
		q += " OR EXISTS (SELECT 1 FROM comments WHERE post_id = " + post + " AND lower(author_email) = " + a.add(e) + same +
			" AND status IN " + in(a, notTrash) + ")"
	}
	return q + " THEN 1 ELSE 0 END", a
}

// notTrash are the statuses a duplicate may have.
var notTrash = func() (out []broadside.CommentStatus) {
	for _, st := range broadside.CommentStatuses {
		if st != broadside.CommentTrash {
			out = append(out, st)
		}
	}
	return out
}()

// RepliedComments says which of ids have at least one reply whose status is one of statuses,
// in one query that reads only parent ids (the REST API's children links).
func (s *Store) RepliedComments(ctx context.Context, ids []int64, statuses ...broadside.CommentStatus) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 || len(statuses) == 0 {
		return out, nil
	}
	q, a := s.repliedSQL(ids, statuses)
	rows, err := s.rd().QueryContext(ctx, q, a.v...)
	if err != nil {
		return nil, fmt.Errorf("store: replied comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: replied comments: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

// repliedSQL is RepliedComments' query, kept on the parent_id index: on the status index
// SQLite read every approved comment of the site, with a temporary B-tree for the DISTINCT,
// for each page the REST API lists (on a site with one 10,000-comment discussion, 7 ms of CPU
// and a page cache's worth of SQLite memory per reader connection for a list of 31 comments).
func (s *Store) repliedSQL(ids []int64, statuses []broadside.CommentStatus) (string, *args) {
	a := &args{}
	sts := make([]string, len(statuses))
	for i, st := range statuses {
		sts[i] = a.add(string(st))
	}
	return "SELECT DISTINCT parent_id FROM comments WHERE parent_id IN " + in(a, ids) + " AND " + s.notIndexed() + "status IN (" +
		strings.Join(sts, ", ") + ")", a
}
