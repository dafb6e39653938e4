package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/testdb"
)

// TestSiteOnPostgres serves the seed discussion from PostgreSQL (--db postgres://…) and
// takes a reply through the form, so the whole site, not only the store, is checked on both
// databases.
func TestSiteOnPostgres(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t, withDSN(testdb.Postgres(t)))
	ta.settings(publishImmediately)
	d, p, stored := ta.loadSeed()
	path := ta.postPath(p)
	b := ta.browser()
	page := b.get(path)
	if page.StatusCode != 200 || !strings.Contains(page.Body, strconv.Itoa(len(d.Comments))+" comments") {
		t.Fatalf("seed page on PostgreSQL: %d", page.StatusCode)
	}
	f := b.formFor(path)
	f.Set("comment_parent", strconv.FormatInt(stored[1].ID, 10))
	f.Set("comment", "Replying on PostgreSQL.")
	r := b.post("/comments", f)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("comment on PostgreSQL: %d\n%s", r.StatusCode, r.Body)
	}
	after := b.follow(r)
	if !strings.Contains(after.Body, strconv.Itoa(len(d.Comments)+1)+" comments") || !strings.Contains(after.Body, "Replying on PostgreSQL.") {
		t.Fatal("reply not shown or not counted")
	}
}
