package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestRevisionsAndAutosaves: revisions are kept newest first with their author; an author
// has one autosave per post, replaced in place; a removed post takes its revisions with it.
func TestRevisionsAndAutosaves(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "rev")
		v := mkUser(t, s, "vera")
		p := mkPost(t, s, u, "revised", broadside.StatusDraft, t0)
		for i, title := range []string{"First", "Second", "Third"} {
			r := &broadside.Revision{PostID: p.ID, AuthorID: u.ID, Title: title, RawBody: "<p>body " + title + "</p>",
				RawExcerpt: "ex", BodyFormat: broadside.FormatHTML, CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
			must(t, s.AddRevision(ctx, r))
		}
		revs, err := s.Revisions(ctx, p.ID, broadside.RevisionSaved)
		must(t, err)
		if len(revs) != 3 || revs[0].Title != "Third" || revs[2].Title != "First" {
			t.Fatalf("revisions = %+v", revs)
		}
		if n, newest, err := s.RevisionCount(ctx, p.ID, broadside.RevisionSaved); err != nil || n != 3 || newest != revs[0].ID {
			t.Fatalf("RevisionCount = %d, %d, %v; want 3, %d", n, newest, err, revs[0].ID)
		}
		if n, newest, err := s.RevisionCount(ctx, p.ID, broadside.RevisionAutosave); err != nil || n != 0 || newest != 0 {
			t.Fatalf("RevisionCount of autosaves = %d, %d, %v", n, newest, err)
		}
		if revs[0].Author == nil || revs[0].Author.Login != "rev" || revs[0].BodyFormat != broadside.FormatHTML || !revs[0].CreatedAt.Equal(t0.Add(2*time.Minute)) {
			t.Fatalf("newest revision = %+v", revs[0])
		}
		a := &broadside.Revision{PostID: p.ID, AuthorID: v.ID, Title: "Auto 1", BodyFormat: broadside.FormatMarkdown, CreatedAt: t0}
		must(t, s.SaveAutosave(ctx, a))
		first := a.ID
		a2 := &broadside.Revision{PostID: p.ID, AuthorID: v.ID, Title: "Auto 2", BodyFormat: broadside.FormatMarkdown, CreatedAt: t0.Add(time.Hour)}
		must(t, s.SaveAutosave(ctx, a2))
		if a2.ID != first {
			t.Fatalf("the second autosave made a new row %d (first %d)", a2.ID, first)
		}
		autos, err := s.Revisions(ctx, p.ID, broadside.RevisionAutosave)
		must(t, err)
		if len(autos) != 1 || autos[0].Title != "Auto 2" || autos[0].AuthorID != v.ID {
			t.Fatalf("autosaves = %+v", autos)
		}
		got, err := s.RevisionByID(ctx, revs[1].ID)
		must(t, err)
		if got.Title != "Second" || got.PostID != p.ID {
			t.Fatalf("RevisionByID = %+v", got)
		}
		must(t, s.DeleteRevision(ctx, revs[1].ID))
		_, err = s.RevisionByID(ctx, revs[1].ID)
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.DeleteRevision(ctx, revs[1].ID), broadside.ENOTFOUND)
		must(t, s.DeleteAutosave(ctx, p.ID, v.ID))
		if autos, _ := s.Revisions(ctx, p.ID, broadside.RevisionAutosave); len(autos) != 0 {
			t.Fatalf("autosave not deleted: %+v", autos)
		}
		wantCode(t, s.AddRevision(ctx, &broadside.Revision{PostID: 999999, AuthorID: u.ID, CreatedAt: t0}), broadside.ENOTFOUND)
		must(t, s.DeletePost(ctx, p.ID))
		if revs, _ := s.Revisions(ctx, p.ID, broadside.RevisionSaved); len(revs) != 0 {
			t.Fatalf("revisions outlived their post: %+v", revs)
		}
	})
}

// TestTrashAndRestore: trashing remembers the status and time, hides the post from public
// listings, ends its preview link; restoring brings the status back; TrashedBefore finds
// what the purge may delete.
func TestTrashAndRestore(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "tra")
		pub := mkPost(t, s, u, "live", broadside.StatusPublished, t0)
		old := mkPost(t, s, u, "old", broadside.StatusDraft, t0)
		must(t, s.SetPreviewLink(ctx, &broadside.PreviewLink{PostID: old.ID, Nonce: "n1", ExpiresAt: t0.Add(time.Hour), CreatedBy: u.ID}))
		l, err := s.PreviewLink(ctx, old.ID)
		must(t, err)
		if l.Nonce != "n1" || !l.ExpiresAt.Equal(t0.Add(time.Hour).Truncate(time.Second)) || l.CreatedBy != u.ID {
			t.Fatalf("preview link = %+v", l)
		}
		must(t, s.TrashPost(ctx, old.ID, t0.Add(-40*24*time.Hour)))
		must(t, s.TrashPost(ctx, pub.ID, t0))
		must(t, s.TrashPost(ctx, pub.ID, t0.Add(time.Hour))) // again: nothing changes
		_, err = s.PreviewLink(ctx, old.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		tr, err := s.TrashedPost(ctx, pub.ID)
		must(t, err)
		if tr.PreviousStatus != broadside.StatusPublished || !tr.TrashedAt.Equal(t0.Truncate(time.Microsecond)) {
			t.Fatalf("trashed = %+v", tr)
		}
		listed, _, err := s.ListPosts(ctx, broadside.PostFilter{Statuses: []broadside.PostStatus{broadside.StatusPublished}})
		must(t, err)
		if len(listed) != 0 {
			t.Fatalf("a trashed post is still listed as published: %+v", listed)
		}
		ids, err := s.TrashedBefore(ctx, "", t0.Add(-30*24*time.Hour))
		must(t, err)
		if len(ids) != 1 || ids[0] != old.ID {
			t.Fatalf("trashed before the cutoff = %v, want [%d]", ids, old.ID)
		}
		if all, _ := s.TrashedBefore(ctx, broadside.TypePost, time.Time{}); len(all) != 2 {
			t.Fatalf("all trash = %v", all)
		}
		st, err := s.RestorePost(ctx, pub.ID)
		must(t, err)
		if st != broadside.StatusPublished {
			t.Fatalf("restored status = %s", st)
		}
		got, err := s.PostByID(ctx, pub.ID)
		must(t, err)
		if got.Status != broadside.StatusPublished {
			t.Fatalf("restored post has status %s", got.Status)
		}
		_, err = s.RestorePost(ctx, pub.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.TrashPost(ctx, 999999, t0), broadside.ENOTFOUND)
		must(t, s.DeletePreviewLink(ctx, old.ID))
	})
}
