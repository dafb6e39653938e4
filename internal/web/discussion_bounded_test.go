package web_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// withDataDir keeps the app's data (its SQLite file) in dir.
func withDataDir(dir string) appOption {
	return func(_ *app.Options, c *config.Config) { c.DataDir = dir }
}

// bulkDiscussion adds n approved comments to p in one SQLite statement, which takes seconds
// where n comments through the store take minutes: threads of four (a top-level comment, two
// replies to it, a reply to the second), ids and times rising.
func bulkDiscussion(t testing.TB, ta *testApp, dbPath string, p *broadside.Post, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var first int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM comments").Scan(&first); err != nil {
		t.Fatal(err)
	}
	_, err = tx.ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
INSERT INTO comments (id, post_id, parent_id, kind, author_name, author_email, author_ip, raw_body, status, created_at)
SELECT ? + i - 1, ?, CASE WHEN i = 1 OR i % 4 = 0 THEN NULL WHEN i % 4 = 3 THEN ? + i - 2 ELSE ? + MAX(1, i - i % 4) - 1 END,
	'comment', 'Reader ' || (i % 2000), 'reader' || (i % 2000) || '@example.org', '10.1.0.1',
	'Comment ' || i || ': the council vote on the new housing plan was closer than anyone expected.', 'approved',
	strftime('%Y-%m-%dT%H:%M:%S', '2026-02-01 00:00:00', '+' || i || ' seconds') || '.000000Z'
FROM n`, n, first, p.ID, first, first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE posts SET comment_count = comment_count + ? WHERE id = ?", n, p.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	ta.App.Changed()
}

// TestHugeDiscussionReadsOnlyItsPage: on a post with 100,000 comments, a page of the
// discussion reads the comment rows it shows (its top-level threads' ids, then those threads)
// and never the discussion, for every kind of reader that shares it: anonymous (page cache),
// a returning commenter, a signed-in editor, and a later page. The test counts the comment
// rows the store's discussion reads return (store.ObserveCommentReads); no timing is asserted
// (docs/benchmarks.md has the figures).
func TestHugeDiscussionReadsOnlyItsPage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ta := newTestApp(t, withCache(), withDataDir(dir))
	p := ta.publish(ta.user("author@example.org", broadside.RoleAuthor), "A post that went viral", "Its body.")
	path := ta.postPath(p)
	editor := ta.signIn(ta.user("ed3@example.org", broadside.RoleEditor))
	// Comments published at once and no edit window: the commenter keeps only the cookie
	// with their details (a held comment or an edit link would make the page theirs alone).
	ta.settings(func(s *broadside.Settings) {
		publishImmediately(s)
		s.Discussion.EditMinutes = 0
	})
	commenter := ta.browser()
	f := commenter.formFor(path)
	f.Set("wp-comment-cookies-consent", "yes")
	if r := commenter.post("/comments", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.StatusCode)
	}
	// The discussion arrives after the comment: a POST on a long discussion reads its shape
	// once per change (comments.PageOf), which is the comment path's cost, not the page's.
	start := time.Now()
	bulkDiscussion(t, ta, filepath.Join(dir, "broadside.db"), p, 100_000)
	t.Logf("100,000 comments written in %v", time.Since(start))
	ta.App.Changed() // start from nothing kept
	var rows atomic.Int64
	ta.App.Store.ObserveCommentReads(func(n int) { rows.Add(int64(n)) })
	defer ta.App.Store.ObserveCommentReads(nil)

	for _, c := range []struct {
		name string
		b    *browser
		path string
	}{
		{"anonymous, page 1", ta.browser(), path},
		{"returning commenter, page 1", commenter, path},
		{"signed-in editor, page 1", editor, path},
		{"signed-in editor, page 7", editor, path + "comment-page-7/"},
	} {
		ta.App.Changed() // every request below renders its page afresh
		before := rows.Load()
		r := c.b.get(c.path)
		read := rows.Load() - before
		shown := strings.Count(r.Body, `<li id="comment-`)
		if r.StatusCode != http.StatusOK || shown == 0 {
			t.Fatalf("%s: %d, %d comments shown", c.name, r.StatusCode, shown)
		}
		// The page's top-level ids (at most one page of them) and the comments shown.
		if perPage := 50; read > int64(shown+perPage) {
			t.Errorf("%s: read %d comment rows to show %d (of 100,000)", c.name, read, shown)
		}
		t.Logf("%s: %d comment rows read, %d shown", c.name, read, shown)
	}
}

// BenchmarkPostPage100kComments: page 1 of a 100,000-comment discussion for a signed-in
// editor, the page's discussion rendered again on every request (as after every change),
// next to BenchmarkPostPageSeedEditor's 31 comments. docs/benchmarks.md.
func BenchmarkPostPage100kCommentsEditor(b *testing.B) {
	dir := b.TempDir()
	ta := newTestApp(b, withCache(), withDataDir(dir))
	p := ta.publish(ta.user("author@example.org", broadside.RoleAuthor), "A post that went viral", "Its body.")
	bulkDiscussion(b, ta, filepath.Join(dir, "broadside.db"), p, 100_000)
	cookie := benchCookies(ta, ta.signIn(ta.user("ed2@example.org", broadside.RoleEditor)))
	path := ta.postPath(p)
	b.ReportAllocs()
	for b.Loop() {
		ta.App.Changed()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Cookie", cookie)
		if rec := benchServe(ta, req); rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
}
