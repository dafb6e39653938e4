package store

import (
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestRepliedCommentsByParent: SQLite answers RepliedComments from the parent_id index. On
// the status index (the old query, without statistics) it read every approved comment of
// the site, with a temporary B-tree, for each page of the REST API's comment list.
func TestRepliedCommentsByParent(t *testing.T) {
	s := migratedSQLite(t)
	ids := make([]int64, 100)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for _, statuses := range [][]broadside.CommentStatus{
		{broadside.CommentApproved},
		{broadside.CommentApproved, broadside.CommentPending},
	} {
		q, a := s.repliedSQL(ids, statuses)
		p := queryPlan(t, s, q, a.v...)
		if !strings.Contains(p, "USING INDEX comments_parent") || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%v: plan %q, want a search of comments_parent and no temporary B-tree", statuses, p)
		}
	}
}
