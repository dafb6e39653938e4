package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
)

// TestPostDeleteCountsEveryComment: the confirmation names every comment the delete removes,
// by state, not only the approved ones the post's comment count holds ("13 comments" when
// 11 pending and 2 spam went as well).
func TestPostDeleteCountsEveryComment(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ctx := context.Background()
	admin := ta.user("a@example.org", broadside.RoleAdmin)
	p := ta.publish(admin, "Busy", "x")
	other := ta.publish(admin, "Other", "y")
	add := func(postID int64, st broadside.CommentStatus, n int) {
		for i := 0; i < n; i++ {
			c := &broadside.Comment{PostID: postID, AuthorName: "Reader", AuthorEmail: "r@example.net",
				RawBody: fmt.Sprintf("%s comment %d", st, i), Status: st, CreatedAt: time.Now().Add(-time.Hour)}
			if err := ta.App.Store.CreateComment(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(p.ID, broadside.CommentApproved, 13)
	add(p.ID, broadside.CommentPending, 11)
	add(p.ID, broadside.CommentSpam, 2)
	add(p.ID, broadside.CommentTrash, 1)
	add(other.ID, broadside.CommentPending, 5) // another post's comments are not counted

	b := ta.signIn(admin)
	r := b.get(fmt.Sprintf("/admin/posts/%d/delete", p.ID))
	wantStatus(t, r, http.StatusOK)
	if !strings.Contains(r.Body, "together with all its 27 comments") {
		t.Fatalf("the total is not every comment of the post:\n%s", r.Body)
	}
	got := strings.Join(strings.Fields(textOf(byID(parseHTML(t, r.Body), "delete-counts"))), " ")
	if got != "13 approved 11 pending 2 spam 1 trash" {
		t.Fatalf("counts by state: %q", got)
	}

	// A post with no comments says nothing about comments.
	empty := ta.publish(admin, "Quiet", "z")
	r = b.get(fmt.Sprintf("/admin/posts/%d/delete", empty.ID))
	if !strings.Contains(r.Body, "will be deleted for good. This") || byID(parseHTML(t, r.Body), "delete-counts") != nil {
		t.Fatalf("a post without comments:\n%s", r.Body)
	}
}
