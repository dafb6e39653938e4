package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/google/go-cmp/cmp"
)

func TestOpenPingDialect(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		s := openStore(t, dsn)
		must(t, s.Ping(context.Background()))
		want := store.DialectSQLite
		if strings.HasPrefix(dsn, "postgres") {
			want = store.DialectPostgres
		}
		if s.Dialect() != want {
			t.Fatalf("Dialect() = %q, want %q", s.Dialect(), want)
		}
	})
}

func TestOpenCreatesParentDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "site.db")
	s := openStore(t, path)
	if n, err := s.CountUsers(context.Background()); err != nil || n != 0 {
		t.Fatalf("CountUsers = %d, %v", n, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.Migrate(ctx))
		must(t, s.Migrate(ctx))
		cats, err := s.ListCategories(ctx)
		must(t, err)
		if len(cats) != 1 || cats[0].Slug != broadside.DefaultCategorySlug || cats[0].Name != "Uncategorized" {
			t.Fatalf("categories after migrating three times = %+v", cats)
		}
	})
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := store.Migrations(store.DialectSQLite)
	must(t, err)
	pg, err := store.Migrations(store.DialectPostgres)
	must(t, err)
	names := func(ms []store.Migration) (out []string) {
		for _, m := range ms {
			out = append(out, fmt.Sprintf("%04d_%s", m.Version, m.Name))
		}
		return out
	}
	if d := cmp.Diff(names(lite), names(pg)); d != "" {
		t.Fatalf("migration files differ between dialects (-sqlite +postgres):\n%s", d)
	}
}

// TestSchemaParity checks that both dialects end with the same tables, columns and nullability.
// The search index (posts_fts and, on SQLite, FTS5's shadow tables posts_fts_*) differs by
// design: an FTS5 virtual table there, a table of tsvectors here (migrations 0003_search).
func TestSchemaParity(t *testing.T) {
	liteDSN, pgDSN := testdb.SQLite(t), testdb.Postgres(t)
	openStore(t, liteDSN)
	openStore(t, pgDSN)

	lite := rawDB(t, liteDSN)
	// An INTEGER PRIMARY KEY is the rowid and cannot be NULL, though table_info says notnull=0.
	liteCols := columns(t, lite, `SELECT m.name, p.name, CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END
FROM sqlite_master m JOIN pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'posts_fts%'`)

	pg := rawDB(t, pgDSN)
	pgCols := columns(t, pg, `SELECT table_name, column_name, is_nullable FROM information_schema.columns
WHERE table_schema = 'public' AND table_name NOT LIKE 'posts_fts%'`)

	if len(liteCols) < 40 {
		t.Fatalf("suspiciously few columns: %v", liteCols)
	}
	if d := cmp.Diff(liteCols, pgCols); d != "" {
		t.Fatalf("schemas differ (-sqlite +postgres):\n%s", d)
	}
}

func columns(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, col, nullable string
		must(t, rows.Scan(&table, &col, &nullable))
		out = append(out, table+"."+col+" nullable="+nullable)
	}
	must(t, rows.Err())
	sort.Strings(out)
	return out
}

func TestInTx(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		boom := errors.New("boom")
		err := s.InTx(ctx, func(tx *store.Store) error {
			u := mkUser(t, tx, "ghost")
			// Reads inside the transaction see its writes.
			if _, err := tx.UserByID(ctx, u.ID); err != nil {
				t.Errorf("read inside tx: %v", err)
			}
			// Nested InTx reuses the transaction.
			if err := tx.InTx(ctx, func(tx2 *store.Store) error {
				return tx2.SaveSettings(ctx, broadside.Settings{Title: "Ghost"})
			}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("a failed InTx left %d users", n)
		}
		set, err := s.LoadSettings(ctx)
		must(t, err)
		if set.Title != broadside.DefaultSettings().Title {
			t.Fatalf("a failed InTx left settings %q", set.Title)
		}

		// A panic rolls back too, and the store stays usable.
		func() {
			defer func() { _ = recover() }()
			_ = s.InTx(ctx, func(tx *store.Store) error {
				mkUser(t, tx, "panicky")
				panic("oops")
			})
		}()
		if n, _ := s.CountUsers(ctx); n != 0 {
			t.Fatalf("a panicking InTx left %d users", n)
		}

		must(t, s.InTx(ctx, func(tx *store.Store) error {
			mkUser(t, tx, "kept")
			return nil
		}))
		if _, err := s.UserByLogin(ctx, "kept"); err != nil {
			t.Fatalf("committed user: %v", err)
		}
	})
}

// TestDurabilityAcrossReopen writes through one Store, closes it and reads through another.
func TestDurabilityAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := testdb.SQLite(t)
	s, err := store.Open(ctx, path)
	must(t, err)
	must(t, s.Migrate(ctx))
	u := mkUser(t, s, "writer")
	p := mkPost(t, s, u, "durable", broadside.StatusPublished, t0)
	for i := 0; i < 25; i++ {
		mkComment(t, s, p.ID, fmt.Sprintf("c%d", i), broadside.CommentApproved, t0.Add(time.Duration(i)*time.Second))
	}
	must(t, s.Close())

	s2, err := store.Open(ctx, path)
	must(t, err)
	defer s2.Close()
	must(t, s2.Migrate(ctx))
	cs, err := s2.ThreadComments(ctx, p.ID, nil, nil)
	must(t, err)
	if len(cs) != 25 || commentCount(t, s2, p.ID) != 25 {
		t.Fatalf("after reopen: %d comments, count %d; want 25", len(cs), commentCount(t, s2, p.ID))
	}
}

func TestTimesRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "clock")
		local := time.FixedZone("X", 5*3600+1800)
		at := time.Date(2023, 12, 31, 23, 59, 59, 999999999, local)
		p := mkPost(t, s, u, "clock", broadside.StatusPublished, at)
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		want := at.UTC().Truncate(time.Microsecond)
		if !got.PublishedAt.Equal(want) || got.PublishedAt.Location() != time.UTC {
			t.Fatalf("PublishedAt = %v, want %v in UTC", got.PublishedAt, want)
		}
		if !got.CreatedAt.Equal(t0) || !got.Author.CreatedAt.Equal(t0) {
			t.Fatalf("CreatedAt = %v / author %v, want %v", got.CreatedAt, got.Author.CreatedAt, t0)
		}
	})
}
