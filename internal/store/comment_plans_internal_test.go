package store

import (
	"context"
	"strings"
	"testing"
)

// queryPlan returns SQLite's EXPLAIN QUERY PLAN of q, its steps joined by "; ".
func queryPlan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}

// TestCommentIndexPlans: the comment queries that an index of migration 0041 serves search
// it, read no other table row than they did, and sort nothing. The partial indexes serve a
// query only when its WHERE implies theirs (CommenterKeyApproved's said commenter_key = $1
// only, and used comments_author_email); the duplicate check's probe by address seeks
// (address, status, post) in the index it shares with HasApprovedComment; ThreadShape, covered by comments_post_roots with a
// temporary B-tree for its order, reads comments_thread in order.
func TestCommentIndexPlans(t *testing.T) {
	s := migratedSQLite(t)
	shape, shapeArgs := threadShapeSQL(1, nil)
	shapeAlso, shapeAlsoArgs := threadShapeSQL(1, []int64{2, 3})
	dup, dupArgs := duplicateSQL(1, "n", "e@x", "b", 0)
	roots := "SELECT c.id FROM comments c WHERE c.post_id = $1 AND c.status = 'approved' AND " + rootCond +
		" ORDER BY c.created_at, c.id LIMIT 10"
	for _, c := range []struct {
		name, q string
		args    []any
		want    string // a step of the plan
		temp    bool   // whether it may sort with a temporary B-tree
	}{
		{"CommenterKeyApproved", commenterKeySQL, []any{"k", "e"}, "SEARCH comments USING INDEX comments_commenter_key (commenter_key=? AND status=?)", false},
		{"UserHasApprovedComment", userApprovedSQL, []any{1}, "SEARCH comments USING COVERING INDEX comments_user_status (user_id=? AND status=?)", false},
		// What the users foreign key's ON DELETE SET NULL runs for a deleted user.
		{"user deleted", "UPDATE comments SET user_id = NULL WHERE user_id = $1", []any{1}, "SEARCH comments USING COVERING INDEX comments_user_status (user_id=?)", false},
		{"DuplicateComment by name", dup, dupArgs.v, "SEARCH comments USING INDEX comments_post_author_name (post_id=? AND author_name=?)", false},
		{"DuplicateComment by address", dup, dupArgs.v, "SEARCH comments USING INDEX comments_author_email (<expr>=? AND status=? AND post_id=?)", false},
		{"HasApprovedComment", hasApprovedSQL, []any{"e@x", "n"}, "SEARCH comments USING INDEX comments_author_email (<expr>=? AND status=?)", false},
		{"ThreadShape", shape, shapeArgs.v, "SEARCH comments USING COVERING INDEX comments_thread (post_id=? AND status=?)", false},
		{"ThreadShape with held", shapeAlso, shapeAlsoArgs.v, "SEARCH comments USING COVERING INDEX comments_thread (post_id=?)", true},
		{"DiscussionRoots", roots, []any{1}, "SEARCH c USING COVERING INDEX comments_thread (post_id=? AND status=?)", false},
		{"recount", recountSQL + " WHERE id = $1", []any{1}, "SEARCH c USING COVERING INDEX comments_thread (post_id=? AND status=?)", false},
	} {
		p := queryPlan(t, s, c.q, c.args...)
		if !strings.Contains(p, c.want) || (!c.temp && strings.Contains(p, "TEMP B-TREE")) {
			t.Errorf("%s: plan %q, want %q and no temporary B-tree unless allowed (%v)", c.name, p, c.want, c.temp)
		}
	}
}

// TestWPImportPlans: since migration 0042 wp_imports is one B-tree keyed (kind, wp_id,
// source), which a lookup by the whole key and an old link's lookup by kind and id search.
func TestWPImportPlans(t *testing.T) {
	ctx := context.Background()
	s := migratedSQLite(t)
	for _, c := range []struct {
		name, q string
		args    []any
		want    string
	}{
		{"LookupWPImport", lookupWPImportSQL, []any{"s", "comment", 1}, "SEARCH wp_imports USING PRIMARY KEY (kind=? AND wp_id=? AND source=?)"},
		{"ResolveWPID", resolveWPIDSQL, []any{"post", 1}, "SEARCH wp_imports USING PRIMARY KEY (kind=? AND wp_id=?)"},
	} {
		if p := queryPlan(t, s, c.q, c.args...); !strings.Contains(p, c.want) {
			t.Errorf("%s: plan %q, want %q", c.name, p, c.want)
		}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'wp_imports' AND sql IS NOT NULL").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d indexes on wp_imports (%v), want none beside its key", n, err)
	}
}
