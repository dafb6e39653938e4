package store

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// This file holds what the WordPress import and export need beyond the ordinary methods:
// inserts that keep WordPress ids where they are free, the wp_imports map that makes a
// re-run idempotent, attachments, and the redirects of old addresses.

// idTables are the tables whose ids an import may set explicitly.
var idTables = map[string]bool{"posts": true, "comments": true, "attachments": true, "categories": true,
	"tags": true, "users": true, "media": true}

// ReserveIDs moves table's id counter to at least upTo, so that ids allocated from now on
// (by this import or by anyone else writing meanwhile) never collide with WordPress ids up
// to upTo that the import will insert explicitly. On PostgreSQL the sequence change is not
// transactional: a rolled-back import leaves a gap in the ids, which is harmless.
func (s *Store) ReserveIDs(ctx context.Context, table string, upTo int64) error {
	if !idTables[table] {
		return fmt.Errorf("store: reserve ids: unknown table %q", table)
	}
	var err error
	if s.isPG() {
		_, err = s.wr().ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), GREATEST(
	(SELECT COALESCE(max(id), 0) FROM `+table+`), CAST($1 AS BIGINT),
	COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence('`+table+`', 'id') AS regclass)), 0), 1))`, upTo)
	} else {
		// AUTOINCREMENT hands out max(rowid, sqlite_sequence.seq) + 1.
		if _, err = s.wr().ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, $1) WHERE name = $2`, upTo, table); err == nil {
			_, err = s.wr().ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq)
SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = $1)`, table, upTo)
		}
	}
	if err != nil {
		return fmt.Errorf("store: reserve %s ids up to %d: %w", table, upTo, err)
	}
	return nil
}

// insertKeepingID inserts a row twice if needed: first with the wanted id (skipped when it
// is 0) and ON CONFLICT (id) DO NOTHING, then, when that id is taken, without it. cols and
// vals are the other columns and their placeholders built on a; the id placeholder is
// appended last. It returns the id the row got (see insertReturningID).
func (s *Store) insertKeepingID(ctx context.Context, table, cols string, a *args, vals string, want int64) (int64, error) {
	if want > 0 {
		res, err := s.wr().ExecContext(ctx, "INSERT INTO "+table+" ("+cols+", id) VALUES ("+vals+", "+a.add(want)+") ON CONFLICT (id) DO NOTHING", a.v...)
		if err != nil {
			return 0, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return want, err
		}
		a.v = a.v[:len(a.v)-1]
	}
	var id int64
	err := s.insertReturningID(ctx, "INSERT INTO "+table+" ("+cols+") VALUES ("+vals+")", a.v, &id)
	return id, err
}

// ImportPost inserts p with its category and tag links, keeping p.ID when no post has it
// and allocating a new id otherwise; p.ID is set to the id the post got. Unlike CreatePost
// it does not validate (WordPress allows what the editor does not, such as a published post
// without a title) and does not touch the id sequence (see ReserveIDs).
func (s *Store) ImportPost(ctx context.Context, p *broadside.Post) error {
	return s.ImportPostWithSearch(ctx, ImportedPost{Post: p})
}

// ImportPostWithSearch is ImportPost with the post's search text computed ahead
// (ImportedPost.SearchBody).
func (s *Store) ImportPostWithSearch(ctx context.Context, ip ImportedPost) error {
	p := ip.Post
	return s.InTx(ctx, func(tx *Store) error {
		a := &args{}
		vals := tx.importPostValues(p, ip.SearchBody, a)
		id, err := tx.insertKeepingID(ctx, "posts", importPostCols, a, vals, p.ID)
		if err != nil {
			return postWriteErr("import post", p, err)
		}
		p.ID = id
		return tx.writePostLinks(ctx, p, false)
	})
}

// SetPostParent sets the parent of the post with id (imports fix forward references last).
func (s *Store) SetPostParent(ctx context.Context, id, parentID int64) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE posts SET parent_id = $1 WHERE id = $2", nullID(parentID), id); err != nil {
		return fmt.Errorf("store: set parent of post %d: %w", id, err)
	}
	return nil
}

// ImportComment inserts c keeping c.ID when free (see ImportPost) and sets c.ID. It does not
// update the post's comment count: call RecountAllComments when the import is done.
func (s *Store) ImportComment(ctx context.Context, c *broadside.Comment) error {
	if err := checkImportComment(c); err != nil {
		return err
	}
	a := &args{}
	s.addImportComment(c, allCommentCols, a)
	id, err := s.insertKeepingID(ctx, "comments", importCommentCols[allCommentCols], a, a.placeholders(0, len(a.v)), c.ID)
	if err != nil {
		if foreignKeyViolation(err) {
			return notFound("Post not found.")
		}
		return fmt.Errorf("store: import comment %d on post %d: %w", c.ID, c.PostID, err)
	}
	c.ID = id
	return nil
}

// checkImportComment checks c as ImportComment and ImportNewComments do, and settles what
// they write of it (its time in UTC to the microsecond, an empty kind as a comment).
func checkImportComment(c *broadside.Comment) error {
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	if c.Kind == "" {
		c.Kind = broadside.KindComment
	}
	if !broadside.ValidCommentStatus(c.Status) {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Unknown comment status."}
	}
	return nil
}

// ImportNewComments inserts comments whose ids are set and known to be free, up to
// commentBatch to a statement: an import into a site without comments knows its WordPress
// ids are (ReserveIDs keeps everyone else below them), and one statement per comment was a
// fifth of its CPU (docs/benchmarks.md, issue 11 session 7). A taken id fails the statement
// rather than moving the comment: the caller promised it was free. Post counts are not
// updated, as with ImportComment.
func (s *Store) ImportNewComments(ctx context.Context, cs []*broadside.Comment) error {
	for _, c := range cs {
		if c.ID <= 0 {
			return fmt.Errorf("store: import comment on post %d: no id", c.PostID)
		}
		if err := checkImportComment(c); err != nil {
			return err
		}
	}
	for len(cs) > 0 {
		rows := cs[:min(len(cs), commentBatch)]
		cs = cs[len(rows):]
		cols := importCommentColsOf(rows)
		_, _, err := s.insertValues(ctx, "INSERT INTO comments ("+importCommentCols[cols]+", id) VALUES ", "", len(rows), cols.width()+1, commentBatch,
			func(i int, a *args) {
				s.addImportComment(rows[i], cols, a)
				a.v = append(a.v, rows[i].ID)
			})
		switch {
		case err == nil:
			continue
		case foreignKeyViolation(err):
			return notFound("Post not found.")
		}
		return fmt.Errorf("store: import %d comments (ids %d to %d): %w", len(rows), rows[0].ID, rows[len(rows)-1].ID, err)
	}
	return nil
}

// commentColumns says which of the columns an import seldom sets a statement of comments
// writes; the others keep their DEFAULT, which is what a comment that does not set them
// would write (NULL, the kind 'comment', an empty user agent). A WordPress export has no
// user agents, most commenters no account and most comments no parent, and every value
// bound costs the writer (database/sql's checks, the driver's copy of a text into C memory
// and back): a statement of ImportNewComments binds only what one of its rows needs
// (docs/benchmarks.md, issue 11 session 10). ImportComment writes them all.
type commentColumns uint8

const (
	withParent commentColumns = 1 << iota
	withUser
	withKind
	withUserAgent
	allCommentCols = withParent | withUser | withKind | withUserAgent
)

// importCommentCols are the columns ImportComment and ImportNewComments write, by which of
// the seldom set ones they include; the id is not among them.
var importCommentCols = func() (lists [allCommentCols + 1]string) {
	for cols := range allCommentCols + 1 {
		list := "post_id, author_name, author_email, author_url, author_ip, raw_body, status, created_at"
		for _, c := range []struct {
			with commentColumns
			name string
		}{{withParent, "parent_id"}, {withUser, "user_id"}, {withKind, "kind"}, {withUserAgent, "user_agent"}} {
			if cols&c.with != 0 {
				list += ", " + c.name
			}
		}
		lists[cols] = list
	}
	return lists
}()

// importCommentColsOf returns the columns that write everything cs set.
func importCommentColsOf(cs []*broadside.Comment) (cols commentColumns) {
	for _, c := range cs {
		if c.ParentID != 0 {
			cols |= withParent
		}
		if c.UserID != 0 {
			cols |= withUser
		}
		if c.Kind != broadside.KindComment {
			cols |= withKind
		}
		if c.UserAgent != "" {
			cols |= withUserAgent
		}
	}
	return cols
}

// width is how many values a comment has in cols.
func (cols commentColumns) width() int {
	return columns(importCommentCols[0]) + bits.OnesCount8(uint8(cols))
}

// addImportComment adds the values of c (checked by checkImportComment) for cols to a, in
// the order of importCommentCols[cols].
func (s *Store) addImportComment(c *broadside.Comment, cols commentColumns, a *args) {
	a.v = append(a.v, c.PostID, c.AuthorName, c.AuthorEmail, c.AuthorURL, c.AuthorIP, c.RawBody, string(c.Status), s.ts(c.CreatedAt))
	if cols&withParent != 0 {
		a.v = append(a.v, nullID(c.ParentID))
	}
	if cols&withUser != 0 {
		a.v = append(a.v, nullID(c.UserID))
	}
	if cols&withKind != 0 {
		a.v = append(a.v, c.Kind)
	}
	if cols&withUserAgent != 0 {
		a.v = append(a.v, c.UserAgent)
	}
}

// commentBatch rows (up to 13 values each) stay far below both databases' limits on a
// statement's parameters.
const commentBatch = 64

// SetCommentAttachment records that the comment with id was written on the attachment
// with attachmentID (WordPress keeps comments on attachment pages); exports write it there.
func (s *Store) SetCommentAttachment(ctx context.Context, id, attachmentID int64) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE comments SET attachment_id = $1 WHERE id = $2", nullID(attachmentID), id); err != nil {
		return fmt.Errorf("store: set attachment of comment %d: %w", id, err)
	}
	return nil
}

// CommentAttachments returns, for the comments of the post with postID that were written on
// one of its attachments, the attachment's id by comment id.
func (s *Store) CommentAttachments(ctx context.Context, postID int64) (map[int64]int64, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT id, attachment_id FROM comments WHERE post_id = $1 AND attachment_id IS NOT NULL", postID)
	if err != nil {
		return nil, fmt.Errorf("store: attachment comments of post %d: %w", postID, err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, att int64
		if err := rows.Scan(&id, &att); err != nil {
			return nil, fmt.Errorf("store: attachment comments of post %d: %w", postID, err)
		}
		out[id] = att
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: attachment comments of post %d: %w", postID, err)
	}
	return out, nil
}

// SetCommentParent sets the parent of the comment with id.
func (s *Store) SetCommentParent(ctx context.Context, id, parentID int64) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE comments SET parent_id = $1 WHERE id = $2", nullID(parentID), id); err != nil {
		return fmt.Errorf("store: set parent of comment %d: %w", id, err)
	}
	return nil
}

// RecountAllComments recomputes the approved-comment count of every post.
func (s *Store) RecountAllComments(ctx context.Context) error {
	if _, err := s.wr().ExecContext(ctx, recountSQL); err != nil {
		return fmt.Errorf("store: recount comments: %w", err)
	}
	return nil
}

const attachmentCols = "id, COALESCE(parent_id, 0), url, file, title, slug, alt, caption, mime_type, created_at"

func scanAttachment(r rowScanner, m *broadside.Attachment) error {
	return r.Scan(&m.ID, &m.ParentID, &m.URL, &m.File, &m.Title, &m.Slug, &m.Alt, &m.Caption, &m.MimeType, scanTime(&m.CreatedAt))
}

// ImportAttachment inserts m keeping m.ID when free and sets m.ID.
func (s *Store) ImportAttachment(ctx context.Context, m *broadside.Attachment) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	a := &args{}
	vals := strings.Join([]string{a.add(nullID(m.ParentID)), a.add(m.URL), a.add(m.File), a.add(m.Title), a.add(m.Slug),
		a.add(m.Alt), a.add(m.Caption), a.add(m.MimeType), a.add(s.ts(m.CreatedAt))}, ", ")
	id, err := s.insertKeepingID(ctx, "attachments", "parent_id, url, file, title, slug, alt, caption, mime_type, created_at", a, vals, m.ID)
	if err != nil {
		return fmt.Errorf("store: import attachment %d: %w", m.ID, err)
	}
	m.ID = id
	return nil
}

// ImportMedia inserts a library file brought in by an import, keeping m.ID (the WordPress
// attachment id) when free, and sets m.ID.
func (s *Store) ImportMedia(ctx context.Context, m *broadside.Media) error {
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Microsecond)
	a := &args{}
	vals := strings.Join([]string{a.add(m.AuthorID), a.add(m.FileName), a.add(m.Key), a.add(m.MimeType), a.add(m.Size),
		a.add(m.Width), a.add(m.Height), a.add(m.Title), a.add(m.Alt), a.add(m.Caption), a.add(s.ts(m.CreatedAt)),
		a.add(m.Processing)}, ", ")
	id, err := s.insertKeepingID(ctx, "media", "author_id, file_name, storage_key, mime_type, size, width, height, title, alt, caption, created_at, process_state",
		a, vals, m.ID)
	if err != nil {
		if _, ok := uniqueViolation(err); ok {
			return conflict("A file is already stored under " + m.Key + ".")
		}
		return fmt.Errorf("store: import media %d: %w", m.ID, err)
	}
	m.ID = id
	return nil
}

// ExportMedia returns up to limit library files with ids above afterID, in id order (for
// exports, page by page).
func (s *Store) ExportMedia(ctx context.Context, afterID int64, limit int) ([]broadside.Media, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT "+mediaCols+" FROM media WHERE id > $1 ORDER BY id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: export media: %w", err)
	}
	defer rows.Close()
	var out []broadside.Media
	for rows.Next() {
		var m broadside.Media
		if err := scanMedia(rows, &m); err != nil {
			return nil, fmt.Errorf("store: export media: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export media: %w", err)
	}
	return out, nil
}

// UpdateAttachment saves m's fields.
func (s *Store) UpdateAttachment(ctx context.Context, m *broadside.Attachment) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE attachments SET parent_id = $1, url = $2, file = $3, title = $4,
	slug = $5, alt = $6, caption = $7, mime_type = $8 WHERE id = $9`,
		nullID(m.ParentID), m.URL, m.File, m.Title, m.Slug, m.Alt, m.Caption, m.MimeType, m.ID))
	if err != nil {
		return fmt.Errorf("store: update attachment %d: %w", m.ID, err)
	}
	if n == 0 {
		return notFound("Attachment not found.")
	}
	return nil
}

// SetAttachmentParent sets the post an attachment belongs to.
func (s *Store) SetAttachmentParent(ctx context.Context, id, parentID int64) error {
	if _, err := s.wr().ExecContext(ctx, "UPDATE attachments SET parent_id = $1 WHERE id = $2", nullID(parentID), id); err != nil {
		return fmt.Errorf("store: set parent of attachment %d: %w", id, err)
	}
	return nil
}

// AttachmentByID returns the attachment with id.
func (s *Store) AttachmentByID(ctx context.Context, id int64) (*broadside.Attachment, error) {
	var m broadside.Attachment
	err := scanAttachment(s.rd().QueryRowContext(ctx, "SELECT "+attachmentCols+" FROM attachments WHERE id = $1", id), &m)
	if isNoRows(err) {
		return nil, notFound("Attachment not found.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: load attachment %d: %w", id, err)
	}
	return &m, nil
}

// ListAttachments returns up to limit attachments with ids above afterID, in id order (for
// exports, page by page).
func (s *Store) ListAttachments(ctx context.Context, afterID int64, limit int) ([]broadside.Attachment, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT "+attachmentCols+" FROM attachments WHERE id > $1 ORDER BY id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list attachments: %w", err)
	}
	defer rows.Close()
	var out []broadside.Attachment
	for rows.Next() {
		var m broadside.Attachment
		if err := scanAttachment(rows, &m); err != nil {
			return nil, fmt.Errorf("store: list attachments: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list attachments: %w", err)
	}
	return out, nil
}

// ExportPosts returns up to limit posts and pages of every status with ids above afterID, in
// id order, with their categories, tags and authors.
func (s *Store) ExportPosts(ctx context.Context, afterID int64, limit int) ([]broadside.Post, error) {
	rows, err := s.rd().QueryContext(ctx, postSelect+" WHERE p.id > $1 ORDER BY p.id LIMIT $2", afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: export posts: %w", err)
	}
	defer rows.Close()
	var posts []broadside.Post
	for rows.Next() {
		var p broadside.Post
		if err := scanPost(rows, &p); err != nil {
			return nil, fmt.Errorf("store: export posts: %w", err)
		}
		posts = append(posts, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: export posts: %w", err)
	}
	rows.Close()
	if err := s.loadPostTerms(ctx, posts); err != nil {
		return nil, err
	}
	return posts, nil
}

// MaxIDs returns the largest id of each table ReserveIDs knows (0 for an empty table).
func (s *Store) MaxIDs(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for t := range idTables {
		var n int64
		if err := s.rd().QueryRowContext(ctx, "SELECT COALESCE(max(id), 0) FROM "+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: max id of %s: %w", t, err)
		}
		out[t] = n
	}
	return out, nil
}

// WPImport is one row of the map of imported WordPress objects.
type WPImport struct {
	Source  string
	Kind    string
	WPID    int64
	LocalID int64
	GUID    string
}

// The readers of wp_imports, which is one B-tree keyed (kind, wp_id, source) since migration
// 0042: a lookup by the whole key (LookupWPImport, the upserts) or by an old link's kind
// and id (ResolveWPID) searches it, and nothing reads the rows by local id. HasWPImports
// scans it until a row of its source, once per import: on SQLite in key order, so all of
// it only when a site is imported into one that imported only from others; on PostgreSQL
// in the order rows were written, so also when re-importing a source imported after
// another (measured: 14 ms past 200,000 rows of the other source). Either way about a
// hundredth of a second per 200,000 rows, against an index on source that would cost every
// import's rows a second B-tree.
const (
	lookupWPImportSQL = "SELECT local_id FROM wp_imports WHERE source = $1 AND kind = $2 AND wp_id = $3"
	hasWPImportsSQL   = "SELECT count(*) FROM (SELECT 1 FROM wp_imports WHERE source = $1 LIMIT 1) x"
	resolveWPIDSQL    = "SELECT local_id FROM wp_imports WHERE kind = $1 AND wp_id = $2 ORDER BY imported_at DESC, local_id LIMIT 1"
)

// LookupWPImport returns the local id of the object of kind with wpID imported from source.
func (s *Store) LookupWPImport(ctx context.Context, source, kind string, wpID int64) (int64, bool, error) {
	var id int64
	err := s.rd().QueryRowContext(ctx, lookupWPImportSQL, source, kind, wpID).Scan(&id)
	if isNoRows(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: look up imported %s %d: %w", kind, wpID, err)
	}
	return id, true, nil
}

// HasWPImports reports whether anything was ever imported from source (a first import of
// a site can skip looking each object up).
func (s *Store) HasWPImports(ctx context.Context, source string) (bool, error) {
	var n int
	err := s.rd().QueryRowContext(ctx, hasWPImportsSQL, source).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: look up imports from %s: %w", source, err)
	}
	return n > 0, nil
}

// ResolveWPID returns the local id of the object of kind that had wpID on the WordPress
// site, for old links such as /?p=ID: the most recent import of that id, or ENOTFOUND.
// Of imports at the same time (a fixed clock), the object made first, with the lowest id:
// the key no longer keeps the rows in the order they were written, which decided before.
func (s *Store) ResolveWPID(ctx context.Context, kind string, wpID int64) (int64, error) {
	var id int64
	err := s.rd().QueryRowContext(ctx, resolveWPIDSQL, kind, wpID).Scan(&id)
	if isNoRows(err) {
		return 0, notFound("Nothing was imported with this WordPress id.")
	}
	if err != nil {
		return 0, fmt.Errorf("store: resolve WordPress %s %d: %w", kind, wpID, err)
	}
	return id, nil
}

// RecordWPImport remembers that the object of kind with wpID from source is localID.
func (s *Store) RecordWPImport(ctx context.Context, m WPImport, at time.Time) error {
	_, err := s.wr().ExecContext(ctx, `INSERT INTO wp_imports (source, kind, wp_id, local_id, guid, imported_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (kind, wp_id, source) DO UPDATE SET local_id = excluded.local_id, guid = excluded.guid, imported_at = excluded.imported_at`,
		m.Source, m.Kind, m.WPID, m.LocalID, m.GUID, s.ts(at))
	if err != nil {
		return fmt.Errorf("store: record imported %s %d: %w", m.Kind, m.WPID, err)
	}
	return nil
}

// RecordWPImports is RecordWPImport for many rows in one statement per wpImportBatch
// rows: an import remembers every comment, and one statement per row cost about a tenth
// of its CPU (docs/benchmarks.md, issue 11 session 6). A key given twice keeps its first
// row's place and its last row's values, as one RecordWPImport after another would
// (PostgreSQL refuses one upsert that meets a key twice).
func (s *Store) RecordWPImports(ctx context.Context, rows []WPImport, at time.Time) error {
	type key struct {
		source, kind string
		wpID         int64
	}
	rows = lastOfEach(rows, func(m WPImport) key { return key{m.Source, m.Kind, m.WPID} })
	ts := s.ts(at)
	row := func(i int, a *args) string {
		m := rows[i]
		return "(" + a.add(m.Source) + ", " + a.add(m.Kind) + ", " + a.add(m.WPID) + ", " + a.add(m.LocalID) + ", " + a.add(m.GUID) + ", " + a.add(ts) + ")"
	}
	const cols = "INSERT INTO wp_imports (source, kind, wp_id, local_id, guid, imported_at) VALUES "
	if !s.isPG() {
		// On SQLite, OR FAIL first: a statement that may meet a conflict (an upsert, or a
		// plain insert that would undo its earlier rows) keeps a statement journal, which
		// spills to a temporary file and cost an import about a fifth of its writes
		// (docs/benchmarks.md, issue 11 session 9). OR FAIL keeps the rows written before a
		// conflict, and a key met again (in a file that repeats an id, or a re-import) sends
		// the rest of the rows, from the failed statement's first, through the upsert, which
		// writes the same values over those kept: the end is the upsert's.
		from, to, err := s.insertRows(ctx, "INSERT OR FAIL"+strings.TrimPrefix(cols, "INSERT"), "", len(rows), 6, wpImportBatch, row)
		if err == nil {
			return nil
		}
		if _, dup := uniqueViolation(err); !dup {
			return fmt.Errorf("store: record %d imported objects: %w", to-from, err)
		}
		rows = rows[from:]
	}
	from, to, err := s.insertRows(ctx, cols,
		" ON CONFLICT (kind, wp_id, source) DO UPDATE SET local_id = excluded.local_id, guid = excluded.guid, imported_at = excluded.imported_at",
		len(rows), 6, wpImportBatch, row)
	if err != nil {
		return fmt.Errorf("store: record %d imported objects: %w", to-from, err)
	}
	return nil
}

// lastOfEach returns rows with each key once, where it first came, with the values it
// last had: what one upsert after another leaves, for a statement that upserts them all.
func lastOfEach[T any, K comparable](rows []T, key func(T) K) []T {
	seen := make(map[K]int, len(rows))
	uniq := make([]T, 0, len(rows))
	for _, r := range rows {
		k := key(r)
		if i, dup := seen[k]; dup {
			uniq[i] = r
			continue
		}
		seen[k] = len(uniq)
		uniq = append(uniq, r)
	}
	return uniq
}

// wpImportBatch rows (6 values each) stay far below both databases' limits on a
// statement's parameters.
const wpImportBatch = 64

// SetRedirects is SetRedirect for many paths, redirectBatch to a statement; a path given
// twice ends as one SetRedirect after another would leave it.
func (s *Store) SetRedirects(ctx context.Context, rs []broadside.Redirect, at time.Time) error {
	rs = lastOfEach(rs, func(r broadside.Redirect) string { return r.Path })
	ts := s.ts(at)
	from, to, err := s.insertRows(ctx, "INSERT INTO redirects (path, kind, target_id, created_at) VALUES ",
		" ON CONFLICT (path) DO UPDATE SET kind = excluded.kind, target_id = excluded.target_id", len(rs), 4, redirectBatch,
		func(i int, a *args) string {
			r := rs[i]
			return "(" + a.add(r.Path) + ", " + a.add(r.Kind) + ", " + a.add(r.TargetID) + ", " + a.add(ts) + ")"
		})
	if err != nil {
		more := ""
		if n := to - from - 1; n > 0 {
			more = fmt.Sprintf(" and %d more", n)
		}
		return fmt.Errorf("store: record redirect of %s%s: %w", rs[from].Path, more, err)
	}
	return nil
}

// redirectBatch rows (4 values each), as wpImportBatch.
const redirectBatch = 64

// SetRedirect records that path now belongs to the object of kind with id.
func (s *Store) SetRedirect(ctx context.Context, r broadside.Redirect, at time.Time) error {
	return s.SetRedirects(ctx, []broadside.Redirect{r}, at)
}

// RedirectByPath returns the redirect of path, or ENOTFOUND.
func (s *Store) RedirectByPath(ctx context.Context, path string) (*broadside.Redirect, error) {
	r := broadside.Redirect{Path: path}
	err := s.rd().QueryRowContext(ctx, "SELECT kind, target_id FROM redirects WHERE path = $1", path).Scan(&r.Kind, &r.TargetID)
	if isNoRows(err) {
		return nil, notFound("No redirect.")
	}
	if err != nil {
		return nil, fmt.Errorf("store: look up redirect of %s: %w", path, err)
	}
	return &r, nil
}

// CountPosts returns how many posts and pages exist, whatever their status.
func (s *Store) CountPosts(ctx context.Context) (int, error) {
	var n int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM posts").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count posts: %w", err)
	}
	return n, nil
}

// LockImports serialises imports across the nodes of a PostgreSQL site for the rest of the
// transaction (SQLite's single writer already does). Call it inside InTx.
func (s *Store) LockImports(ctx context.Context) error {
	if !s.isPG() || s.tx == nil {
		return nil
	}
	if _, err := s.wr().ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(importLockKey)); err != nil {
		return fmt.Errorf("store: wait for other imports: %w", err)
	}
	return nil
}

const importLockKey = 7_263_120_455_003
