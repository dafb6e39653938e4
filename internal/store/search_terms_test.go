package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestSearchTermsTriggers: the SQLite triggers that keep the search index's terms column in
// step with a post's categories and tags (on the post's insert and update, a link's insert
// and delete, a category's or tag's rename) compute it with the expression
// releaseSearchTerms runs (postTermsSQLite), each with its own post id in place of $1, so a
// change to one cannot leave the other behind. The SQL is read as the migrated database
// holds it.
func TestSearchTermsTriggers(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testdb.SQLiteMigrated(t))
	want := map[string]string{ // trigger: the post id it indexes
		"posts_fts_insert": "new.id", "posts_fts_update": "new.id",
		"post_categories_fts_insert": "new.post_id", "post_categories_fts_delete": "old.post_id",
		"post_tags_fts_insert": "new.post_id", "post_tags_fts_delete": "old.post_id",
		"categories_fts_rename": "posts_fts.rowid", "tags_fts_rename": "posts_fts.rowid",
	}
	rows, err := s.Reader().QueryContext(ctx, `SELECT name, sql FROM sqlite_master
WHERE type = 'trigger' AND (sql LIKE '%post_categories%' OR sql LIKE '%post_tags%')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			t.Fatal(err)
		}
		got[name] = sql
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	oneSpace := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for name, id := range want {
		sql, ok := got[name]
		if !ok {
			t.Errorf("trigger %s is missing", name)
			continue
		}
		if expr := oneSpace(strings.ReplaceAll(store.PostTermsSQLite, "$1", id)); !strings.Contains(oneSpace(sql), expr) {
			t.Errorf("trigger %s does not compute the terms as postTermsSQLite does for post %s:\n%s\nwant it to contain:\n%s", name, id, sql, expr)
		}
	}
	for name, sql := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("trigger %s reads the post links too: if it writes the terms, list it here\n%s", name, sql)
		}
	}
}
