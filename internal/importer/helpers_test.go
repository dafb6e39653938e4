package importer_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for raw counts
)

func TestMain(m *testing.M) { testdb.Main(m) }

// now is the tests' fixed clock: after every date in the fixtures but the theme test data's
// scheduled post (2030).
var now = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "wxr", name) }

type env struct {
	t       testing.TB
	dsn     string
	ctx     context.Context
	st      *store.Store
	svc     *importer.Service
	uploads string // the media library's directory storage
	changed int
}

func newEnv(t testing.TB, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	st := testdb.Open(t, dsn)
	e := &env{t: t, ctx: ctx, st: st, dsn: dsn}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.uploads = filepath.Join(t.TempDir(), "uploads")
	e.svc = &importer.Service{Store: st, Now: func() time.Time { return now },
		Log: log, Changed: func() { e.changed++ },
		Media: &media.Service{Store: st, Storage: media.Dir{Root: e.uploads}, Now: func() time.Time { return now }, Log: log}}
	return e
}

// each runs fn on a fresh SQLite and a fresh PostgreSQL database.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) { fn(t, newEnv(t, dsn)) })
}

func (e *env) importFile(name string, opt importer.Options) *importer.Summary {
	e.t.Helper()
	sum, err := e.svc.ImportFile(e.ctx, fixture(name), opt)
	if err != nil {
		e.t.Fatalf("import %s: %v", name, err)
	}
	return sum
}

// importText writes an export given as text to a file called name and imports it.
func (e *env) importText(name, text string, opt importer.Options) (*importer.Summary, error) {
	e.t.Helper()
	path := filepath.Join(e.t.TempDir(), name)
	must(e.t, os.WriteFile(path, []byte(text), 0o644))
	return e.svc.ImportFile(e.ctx, path, opt)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// all returns every post and page, any status, in id order.
func (e *env) all() []broadside.Post {
	e.t.Helper()
	ps, err := e.st.ExportPosts(e.ctx, -1<<62, 1<<20)
	must(e.t, err)
	return ps
}

func (e *env) postByTitle(title string) *broadside.Post {
	e.t.Helper()
	for _, p := range e.all() {
		if p.Title == title {
			return &p
		}
	}
	e.t.Fatalf("no post titled %q", title)
	return nil
}

func (e *env) comments(postID int64) []broadside.Comment {
	e.t.Helper()
	cs, err := e.st.ThreadComments(e.ctx, postID, broadside.CommentStatuses, nil)
	must(e.t, err)
	return cs
}

// snapshot describes everything an import may touch, to prove a failed one touched nothing.
func (e *env) snapshot() string {
	e.t.Helper()
	var b strings.Builder
	for _, table := range []string{"users", "posts", "comments", "categories", "tags", "post_categories", "post_tags",
		"attachments", "wp_imports", "redirects", "jobs", "settings"} {
		fmt.Fprintf(&b, "%s=%d\n", table, e.count(table))
	}
	ids, err := e.st.MaxIDs(e.ctx)
	must(e.t, err)
	keys := make([]string, 0, len(ids))
	for k := range ids {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "max(%s.id)=%d\n", k, ids[k])
	}
	set, err := e.st.LoadSettings(e.ctx)
	must(e.t, err)
	fmt.Fprintf(&b, "settings=%+v\n", set)
	return b.String()
}

func (e *env) rawCount(table string) int {
	e.t.Helper()
	driver := "sqlite"
	if strings.HasPrefix(e.dsn, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, e.dsn)
	must(e.t, err)
	defer db.Close()
	var n int
	must(e.t, db.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
	return n
}

// count returns the rows of table, read through an export-style query on the store.
func (e *env) count(table string) int {
	e.t.Helper()
	switch table {
	case "users":
		us, err := e.st.ListUsers(e.ctx)
		must(e.t, err)
		return len(us)
	case "posts":
		n, err := e.st.CountPosts(e.ctx)
		must(e.t, err)
		return n
	case "comments":
		c, err := e.st.CommentCounts(e.ctx)
		must(e.t, err)
		n := 0
		for _, v := range c {
			n += v
		}
		return n
	case "categories":
		cs, err := e.st.ListCategories(e.ctx)
		must(e.t, err)
		return len(cs)
	case "tags":
		ts, err := e.st.ListTags(e.ctx)
		must(e.t, err)
		return len(ts)
	case "attachments":
		as, err := e.st.ListAttachments(e.ctx, -1<<62, 1<<20)
		must(e.t, err)
		return len(as)
	}
	return e.rawCount(table)
}
