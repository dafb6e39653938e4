package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestPostAuthors: the users who wrote a post matching the filter, in one answer: a draft
// or a post dated later makes no public author, and the filter's authors narrow it.
func TestPostAuthors(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob, cy := mkUser(t, s, "ann"), mkUser(t, s, "bob"), mkUser(t, s, "cy")
		mkPost(t, s, ann, "anns-post", broadside.StatusPublished, t0)
		mkPost(t, s, ann, "anns-second", broadside.StatusPublished, t0)
		mkPost(t, s, bob, "bobs-draft", broadside.StatusDraft, t0)
		mkPost(t, s, cy, "cys-later", broadside.StatusPublished, t0.Add(time.Hour))
		public := broadside.PostFilter{Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0}
		got, err := s.PostAuthors(ctx, public)
		must(t, err)
		if len(got) != 1 || !got[ann.ID] {
			t.Fatalf("public authors = %v, want only ann (%d)", got, ann.ID)
		}
		public.AuthorIDs = []int64{bob.ID, cy.ID}
		if got, err := s.PostAuthors(ctx, public); err != nil || len(got) != 0 {
			t.Fatalf("public authors among bob and cy = %v, %v; want none", got, err)
		}
		all, err := s.PostAuthors(ctx, broadside.PostFilter{})
		must(t, err)
		if len(all) != 3 {
			t.Fatalf("authors of any post = %v, want all three", all)
		}
	})
}
