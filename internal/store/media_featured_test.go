package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestMediaParentsAndFeatured: a file's parent post, the list's mime_type and parent filters,
// the posts featuring a file, and what deleting the file or the post does to them.
func TestMediaParentsAndFeatured(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		a := mkMedia(t, s, u.ID, "2024/03/a-1.jpg", "a.jpg", "image/jpeg", 0)
		b := mkMedia(t, s, u.ID, "2024/03/b-1.pdf", "b.pdf", "application/pdf", 0)
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.FeaturedMediaID, p.FeaturedImageURL, p.FeaturedImageAlt = a.ID, a.URL(), "alt"
		})
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if got.FeaturedMediaID != a.ID {
			t.Fatalf("featured_media = %d, want %d", got.FeaturedMediaID, a.ID)
		}
		got.FeaturedMediaID = b.ID
		must(t, s.UpdatePost(ctx, got))
		if again, _ := s.PostByID(ctx, p.ID); again.FeaturedMediaID != b.ID {
			t.Fatalf("after update featured_media = %d", again.FeaturedMediaID)
		}
		got.FeaturedMediaID = a.ID
		must(t, s.UpdatePost(ctx, got))

		a.PostID = p.ID
		must(t, s.UpdateMedia(ctx, a))
		wantCode(t, s.UpdateMedia(ctx, &broadside.Media{ID: b.ID, PostID: 999999}), broadside.ENOTFOUND)
		ids := func(f broadside.MediaFilter) []int64 {
			t.Helper()
			ms, _, err := s.ListMedia(ctx, f)
			must(t, err)
			var out []int64
			for _, m := range ms {
				out = append(out, m.ID)
			}
			return out
		}
		if got := ids(broadside.MediaFilter{PostIDs: []int64{p.ID}}); len(got) != 1 || got[0] != a.ID {
			t.Errorf("parent filter: %v", got)
		}
		if got := ids(broadside.MediaFilter{PostIDs: []int64{0}}); len(got) != 1 || got[0] != b.ID {
			t.Errorf("unattached filter: %v", got)
		}
		if got := ids(broadside.MediaFilter{MimeType: "application/pdf"}); len(got) != 1 || got[0] != b.ID {
			t.Errorf("mime filter: %v", got)
		}

		// Where a file is used: the featured image or the body, counted past the limit.
		mkPost(t, s, u, "q", broadside.StatusDraft, t0, func(q *broadside.Post) { q.RawBody = "![x](" + a.URL() + ")" })
		used, n, err := s.PostsUsingPath(ctx, a.URL(), 1)
		must(t, err)
		if n != 2 || len(used) != 1 {
			t.Fatalf("PostsUsingPath: %d posts of %d", len(used), n)
		}
		if _, n, _ := s.PostsUsingPath(ctx, "/wp-content/uploads/2024/03/none.jpg", 1); n != 0 {
			t.Fatalf("unused path used %d times", n)
		}

		posts, err := s.PostsFeaturingMedia(ctx, a.ID, 5)
		must(t, err)
		if len(posts) != 1 || posts[0].ID != p.ID || posts[0].Status != broadside.StatusPublished {
			t.Fatalf("PostsFeaturingMedia = %+v", posts)
		}
		// Deleting the file makes the post forget its id; deleting the post detaches files.
		must(t, s.DeleteMedia(ctx, a.ID))
		if again, _ := s.PostByID(ctx, p.ID); again.FeaturedMediaID != 0 {
			t.Fatalf("featured_media of a deleted file: %d", again.FeaturedMediaID)
		}
		c := mkMedia(t, s, u.ID, "2024/03/c-1.jpg", "c.jpg", "image/jpeg", 0)
		c.PostID = p.ID
		must(t, s.UpdateMedia(ctx, c))
		must(t, s.DeletePost(ctx, p.ID))
		if m, _ := s.MediaByID(ctx, c.ID); m.PostID != 0 {
			t.Fatalf("file still attached to a deleted post: %d", m.PostID)
		}
	})
}
