package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestRecordWPImports: many rows in a few statements end as one RecordWPImport after
// another would leave them: a key given twice keeps its last values, a key already in the
// map is updated, also when a statement wrote rows before meeting it (SQLite's OR FAIL path
// keeps those and goes on with the upsert), and more rows than one statement holds all arrive.
func TestRecordWPImports(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		// Key 100 is met by the second statement of 64 rows, after it wrote 35.
		must(t, s.RecordWPImport(ctx, store.WPImport{Source: "http://a", Kind: broadside.WPComment, WPID: 100, LocalID: 5}, t0))
		var rows []store.WPImport
		for i := int64(1); i <= 300; i++ {
			rows = append(rows, store.WPImport{Source: "http://a", Kind: broadside.WPComment, WPID: i, LocalID: 1000 + i, GUID: fmt.Sprint("g", i)})
		}
		rows = append(rows, store.WPImport{Source: "http://a", Kind: broadside.WPComment, WPID: 7, LocalID: 7777},
			store.WPImport{Source: "http://b", Kind: broadside.WPComment, WPID: 7, LocalID: 8888})
		must(t, s.InTx(ctx, func(tx *store.Store) error { return tx.RecordWPImports(ctx, rows, t0) }))
		for _, c := range []struct {
			source string
			wpID   int64
			want   int64
		}{{"http://a", 1, 1001}, {"http://a", 7, 7777}, {"http://a", 64, 1064}, {"http://a", 65, 1065}, {"http://a", 99, 1099},
			{"http://a", 100, 1100}, {"http://a", 101, 1101}, {"http://a", 300, 1300}, {"http://b", 7, 8888}} {
			if id, ok, err := s.LookupWPImport(ctx, c.source, broadside.WPComment, c.wpID); err != nil || !ok || id != c.want {
				t.Errorf("lookup %s %d = %d %v %v, want %d", c.source, c.wpID, id, ok, err, c.want)
			}
		}
		if _, ok, _ := s.LookupWPImport(ctx, "http://a", broadside.WPComment, 301); ok {
			t.Error("a row nobody gave")
		}
	})
}

// TestDeferCommentIndexes: into an empty comments table the secondary indexes are dropped
// and rebuilt from their own statements (the schema ends as it began, the unique index is
// never dropped); a rolled-back transaction brings them back; a table with rows keeps them.
func TestDeferCommentIndexes(t *testing.T) {
	testDeferIndexes(t, "comments", 9, func(t *testing.T, s *store.Store) func(tx *store.Store, i int) {
		p := mkPost(t, s, mkUser(t, s, "ann"), "post", broadside.StatusPublished, t0)
		return func(tx *store.Store, i int) {
			must(t, tx.ImportComment(context.Background(), benchComment(p.ID, i, broadside.CommentApproved)))
		}
	})
}

// testDeferIndexes checks store.DeferIndexes on table, which has at least minIndexes
// non-unique indexes; setup returns what inserts the table's i-th row.
func testDeferIndexes(t *testing.T, table string, minIndexes int, setup func(*testing.T, *store.Store) func(tx *store.Store, i int)) {
	ctx := context.Background()
	dsn := testdb.SQLite(t)
	s := openStore(t, dsn)
	db, err := sql.Open("sqlite", dsn)
	must(t, err)
	defer db.Close()
	schema := func() string {
		rows, err := db.Query("SELECT name || ': ' || sql FROM sqlite_master WHERE tbl_name = $1 AND sql IS NOT NULL ORDER BY name", table)
		must(t, err)
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var line string
			must(t, rows.Scan(&line))
			b.WriteString(line + "\n")
		}
		return b.String()
	}
	before := schema()
	if strings.Count(before, "CREATE INDEX") < minIndexes || table == "comments" && !strings.Contains(before, "CREATE UNIQUE INDEX") {
		t.Fatalf("the %s table's indexes changed; the test expects them:\n%s", table, before)
	}
	insert := setup(t, s)
	count := func(tx *store.Store) int {
		n, err := tx.CountIndexes(table)
		must(t, err)
		return n
	}
	deferIndexes := func(tx *store.Store, wantEmpty bool) func(context.Context) error {
		rebuild, empty, err := tx.DeferIndexes(ctx, table)
		must(t, err)
		if empty != wantEmpty {
			t.Errorf("empty = %v, want %v", empty, wantEmpty)
		}
		return rebuild
	}

	boom := errors.New("boom")
	err = s.InTx(ctx, func(tx *store.Store) error {
		all := count(tx)
		deferIndexes(tx, true)
		if left := count(tx); left >= all || left == 0 {
			t.Errorf("%d of %d indexes left while deferred; want only the automatic, unique and partial ones", left, all)
		}
		left, err := tx.Indexes(table)
		must(t, err)
		for name, def := range left {
			if def != "" && !strings.HasPrefix(def, "CREATE UNIQUE") && !strings.Contains(def, " WHERE ") {
				t.Errorf("index %s is left while deferred: %s", name, def)
			}
		}
		// The partial indexes stay: imported rows seldom match them, and building one
		// reads the whole table.
		for _, line := range strings.Split(before, "\n") {
			if name, def, _ := strings.Cut(line, ": "); strings.Contains(def, " WHERE ") && left[name] != def {
				t.Errorf("partial index %s was dropped", name)
			}
		}
		insert(tx, 1)
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got := schema(); got != before {
		t.Fatalf("after a rollback the schema is\n%s\nwant\n%s", got, before)
	}

	must(t, s.InTx(ctx, func(tx *store.Store) error {
		rebuild := deferIndexes(tx, true)
		for i := range 50 {
			insert(tx, i+1)
		}
		return rebuild(ctx)
	}))
	if got := schema(); got != before {
		t.Fatalf("after the rebuild the schema is\n%s\nwant\n%s", got, before)
	}
	var ok string
	must(t, db.QueryRow("PRAGMA integrity_check").Scan(&ok))
	if ok != "ok" {
		t.Fatalf("integrity_check: %s", ok)
	}

	// The table has rows now: nothing is dropped.
	must(t, s.InTx(ctx, func(tx *store.Store) error {
		all := count(tx)
		rebuild := deferIndexes(tx, false)
		if n := count(tx); n != all {
			t.Errorf("%d of %d indexes left on a table with rows", n, all)
		}
		return rebuild(ctx)
	}))
	if _, _, err := s.DeferIndexes(ctx, "posts; DROP TABLE posts"); err == nil {
		t.Error("DeferIndexes took a table it does not know")
	}
}

// TestImportNewComments: comments with free ids written many to a statement keep their ids
// and every field, as ImportComment would store them, across more rows than one statement
// holds, replies included, whichever of the seldom set columns (parent, user, kind, user
// agent) a statement's rows set; a taken id fails instead of moving the comment; a bad
// status is refused before anything is written.
func TestImportNewComments(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		var cs []*broadside.Comment
		for i := 1; i <= 200; i++ {
			c := benchComment(p.ID, i, broadside.CommentApproved)
			c.ID = int64(1000 + i)
			switch {
			case i <= 64: // a statement of ordinary comments
			case i%7 == 0 && i <= 128:
				c.ParentID, c.UserID, c.AuthorURL, c.Status = int64(1000+i-1), u.ID, "https://example.org/r", broadside.CommentPending
			case i == 150:
				c.Kind, c.UserAgent = broadside.KindPingback, "WordPress/6.4; https://other.example"
			case i == 190:
				c.UserAgent = "Mozilla/5.0"
			}
			if i == 3 || i == 160 {
				c.Kind = ""
			}
			cs = append(cs, c)
		}
		must(t, s.InTx(ctx, func(tx *store.Store) error { return tx.ImportNewComments(ctx, cs) }))
		for _, want := range cs {
			got, err := s.CommentByID(ctx, want.ID)
			must(t, err)
			if got.PostID != want.PostID || got.ParentID != want.ParentID || got.UserID != want.UserID || got.Kind != want.Kind ||
				got.AuthorName != want.AuthorName || got.AuthorEmail != want.AuthorEmail || got.AuthorURL != want.AuthorURL ||
				got.AuthorIP != want.AuthorIP || got.UserAgent != want.UserAgent || got.RawBody != want.RawBody ||
				got.Status != want.Status || !got.CreatedAt.Equal(want.CreatedAt) {
				t.Errorf("comment %d stored as %+v, want %+v", want.ID, got, want)
			}
		}
		taken := benchComment(p.ID, 1, broadside.CommentApproved)
		taken.ID = 1001
		if err := s.InTx(ctx, func(tx *store.Store) error { return tx.ImportNewComments(ctx, []*broadside.Comment{taken}) }); err == nil {
			t.Error("a taken id was accepted")
		}
		bad := benchComment(p.ID, 2, "published")
		bad.ID = 5000
		wantCode(t, s.InTx(ctx, func(tx *store.Store) error { return tx.ImportNewComments(ctx, []*broadside.Comment{bad}) }), broadside.EINVALID)
		if _, err := s.CommentByID(ctx, 5000); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Errorf("a refused comment was stored: %v", err)
		}
	})
}
