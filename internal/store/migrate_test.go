package store_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for rawDB
)

// TestConcurrentMigrate starts several "nodes" on one empty database at once.
func TestConcurrentMigrate(t *testing.T) {
	testdb.ForEachDialectEmpty(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		const nodes = 4
		stores := make([]*store.Store, nodes)
		for i := range stores {
			s, err := store.Open(ctx, dsn)
			must(t, err)
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		var wg sync.WaitGroup
		errs := make(chan error, nodes)
		for _, s := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.Migrate(ctx)
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		cats, err := stores[0].ListCategories(ctx)
		must(t, err)
		if len(cats) != 1 {
			t.Fatalf("%d categories after concurrent migrations, want 1", len(cats))
		}
		migs, _ := store.Migrations(stores[0].Dialect())
		db := rawDB(t, dsn)
		var n int
		must(t, db.QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n))
		if n != len(migs) {
			t.Fatalf("schema_migrations has %d rows, want %d", n, len(migs))
		}
	})
}

// TestSettingsMergeOverDefaults: a document saved by an older version (fewer fields) loads
// with today's defaults for the missing ones.
func TestSettingsMergeOverDefaults(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		_, err := rawDB(t, dsn).Exec("INSERT INTO settings (key, value) VALUES ('site', $1)",
			`{"Title":"Old site","Discussion":{"MaxDepth":2}}`)
		must(t, err)
		got, err := s.LoadSettings(ctx)
		must(t, err)
		want := broadside.DefaultSettings()
		if got.Title != "Old site" || got.Discussion.MaxDepth != 2 || got.PostsPerPage != want.PostsPerPage ||
			got.Discussion.ModerationMode != want.Discussion.ModerationMode || got.Tagline != want.Tagline {
			t.Fatalf("merged settings = %+v", got)
		}
	})
}

// rawDB opens the database behind dsn directly, for checks the store has no method for.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSavedAppealSurvivesNewDefaults: the appeal and reuse notice default to empty now, but a
// site that saved its settings under an older version (with the old default text or its
// own) keeps exactly what it saved; only sites that never saved settings lose the default.
func TestSavedAppealSurvivesNewDefaults(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s := openStore(t, dsn)
		fresh, err := s.LoadSettings(ctx)
		must(t, err)
		if fresh.Support.Text != "" || fresh.License.Text != "" {
			t.Fatalf("a fresh site has an appeal %q or notice %q", fresh.Support.Text, fresh.License.Text)
		}
		old := `{"Title":"Old site","Support":{"Enabled":true,"Text":"This site is provided free of charge but depends on the generosity of its readers. If you can afford to, please consider a one-off or monthly donation.","LinkURL":"https://ko-fi.com/old","LinkLabel":"Support this site"},` +
			`"License":{"Enabled":true,"Text":"If you wish to reblog this post for non-commercial use, you are welcome to do so.","LinkURL":"","LinkText":""}}`
		_, err = rawDB(t, dsn).Exec("INSERT INTO settings (key, value) VALUES ('site', $1)", old)
		must(t, err)
		got, err := s.LoadSettings(ctx)
		must(t, err)
		if !got.Support.Enabled || !strings.Contains(got.Support.Text, "monthly donation") || got.Support.LinkURL != "https://ko-fi.com/old" ||
			!got.License.Enabled || !strings.Contains(got.License.Text, "reblog this post") {
			t.Fatalf("saved appeal/notice lost: %+v %+v", got.Support, got.License)
		}
	})
}
