package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/broadside/broadside"
)

// TestModeratorCommentStatusInOneWrite: a moderator's comment created with a status is
// stored with it (the comments service takes it with the comment): it is never approved
// for a moment first, so nothing announces it as published.
func TestModeratorCommentStatusInOneWrite(t *testing.T) {
	s := newSite(t)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	for _, st := range []string{"hold", "spam"} {
		r := s.as(editor)(http.MethodPost, "/wp-json/wp/v2/comments", map[string]any{"post": s.Seed.ID, "content": "Kept back: " + st, "status": st})
		wantStatus(t, r, http.StatusCreated)
		if got := r.obj()["status"]; got != st {
			t.Errorf("status %s: answered %v", st, got)
		}
		id := num(r.obj()["id"])
		c, err := s.App.Store.CommentByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]broadside.CommentStatus{"hold": broadside.CommentPending, "spam": broadside.CommentSpam}[st]; c.Status != want {
			t.Errorf("status %s: stored %s", st, c.Status)
		}
		jobs, err := s.App.Store.ListJobs(context.Background(), "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.UniqueKey == fmt.Sprintf("approved:%d", id) {
				t.Errorf("status %s: the comment was announced as approved (%s job)", st, j.Kind)
			}
		}
	}
}

// TestModeratorSetsStatusOfCommentInAnotherName: a moderator who posts a comment under
// someone else's name (author_name, author_email) still sets its status, as WordPress allows;
// without it the rules would hold a comment with no form stamp.
func TestModeratorSetsStatusOfCommentInAnotherName(t *testing.T) {
	s := newSite(t)
	editor := s.user("editor@example.org", broadside.RoleEditor)
	for st, want := range map[string]broadside.CommentStatus{"approved": broadside.CommentApproved, "spam": broadside.CommentSpam} {
		r := s.as(editor)(http.MethodPost, "/wp-json/wp/v2/comments", map[string]any{"post": s.Seed.ID,
			"content": "Posted for a reader: " + st, "status": st, "author_name": "A Reader", "author_email": "reader@example.org"})
		wantStatus(t, r, http.StatusCreated)
		c, err := s.App.Store.CommentByID(context.Background(), num(r.obj()["id"]))
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != want || c.AuthorName != "A Reader" {
			t.Errorf("status %s: stored %s by %q, want %s by A Reader", st, c.Status, c.AuthorName, want)
		}
	}
}
