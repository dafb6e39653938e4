package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestPasswordAndStickyRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "locked", broadside.StatusPublished, t0, func(p *broadside.Post) {
			p.Password, p.Sticky = "enter", true
		})
		got, err := s.PostByID(ctx, p.ID)
		must(t, err)
		if got.Password != "enter" || !got.Sticky {
			t.Fatalf("password/sticky = %q/%v", got.Password, got.Sticky)
		}
		got.Password, got.Sticky, got.Status = "", false, broadside.StatusPrivate
		must(t, s.UpdatePost(ctx, got))
		got, err = s.PostByID(ctx, p.ID)
		must(t, err)
		if got.Password != "" || got.Sticky || got.Status != broadside.StatusPrivate {
			t.Fatalf("after update: %q/%v/%s", got.Password, got.Sticky, got.Status)
		}
	})
}

func TestStickyFirst(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		old := mkPost(t, s, u, "old", broadside.StatusPublished, t0.AddDate(0, 0, -9), func(p *broadside.Post) { p.Sticky = true })
		newer := mkPost(t, s, u, "newer", broadside.StatusPublished, t0)
		ps, _, err := s.ListPosts(ctx, broadside.PostFilter{Type: broadside.TypePost})
		must(t, err)
		if ps[0].ID != newer.ID {
			t.Fatalf("without StickyFirst the newest comes first: %v", postIDs(ps))
		}
		ps, _, err = s.ListPosts(ctx, broadside.PostFilter{Type: broadside.TypePost, StickyFirst: true})
		must(t, err)
		if ps[0].ID != old.ID || ps[1].ID != newer.ID {
			t.Fatalf("StickyFirst order = %v, want [%d %d]", postIDs(ps), old.ID, newer.ID)
		}
	})
}

// TestImportKeepsFreeIDs: an import keeps WordPress ids where nothing has them, takes a new
// id otherwise, and ids allocated after ReserveIDs never collide with the reserved range.
func TestImportKeepsFreeIDs(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		existing := mkPost(t, s, u, "existing", broadside.StatusPublished, t0)
		err := s.InTx(ctx, func(tx *store.Store) error {
			must(t, tx.ReserveIDs(ctx, "posts", 500))
			must(t, tx.ReserveIDs(ctx, "comments", 900))
			p := &broadside.Post{ID: 42, Type: broadside.TypePost, AuthorID: u.ID, Slug: "kept", BodyFormat: "html",
				Status: broadside.StatusPublished, PublishedAt: t0, CreatedAt: t0, UpdatedAt: t0}
			must(t, tx.ImportPost(ctx, p))
			if p.ID != 42 {
				t.Errorf("free id 42 not kept: got %d", p.ID)
			}
			q := &broadside.Post{ID: existing.ID, Type: broadside.TypePost, AuthorID: u.ID, Slug: "moved", BodyFormat: "html",
				Status: broadside.StatusDraft, CreatedAt: t0, UpdatedAt: t0}
			must(t, tx.ImportPost(ctx, q))
			if q.ID <= 500 {
				t.Errorf("taken id got %d, want one above the reserved 500", q.ID)
			}
			c := &broadside.Comment{ID: 7, PostID: 42, Status: broadside.CommentApproved, RawBody: "hi", CreatedAt: t0}
			must(t, tx.ImportComment(ctx, c))
			d := &broadside.Comment{ID: 7, PostID: 42, ParentID: 7, Status: broadside.CommentApproved, RawBody: "again", CreatedAt: t0}
			must(t, tx.ImportComment(ctx, d))
			if c.ID != 7 || d.ID <= 900 {
				t.Errorf("comment ids = %d, %d", c.ID, d.ID)
			}
			// Through prepared statements (the many comments of a large import) it does the
			// same, and the id it hands back is the row's: on SQLite it comes from the result.
			w, release := tx.CachingStatements()
			defer release()
			e := &broadside.Comment{ID: 8, PostID: 42, Status: broadside.CommentApproved, RawBody: "free", CreatedAt: t0}
			must(t, w.ImportComment(ctx, e))
			f := &broadside.Comment{ID: 7, PostID: 42, ParentID: 8, Status: broadside.CommentApproved, RawBody: "taken", CreatedAt: t0}
			must(t, w.ImportComment(ctx, f))
			if e.ID != 8 || f.ID <= d.ID {
				t.Errorf("writer's comment ids = %d, %d (want 8 and one above %d)", e.ID, f.ID, d.ID)
			}
			for id, body := range map[int64]string{e.ID: "free", f.ID: "taken", 7: "hi"} {
				got, err := tx.CommentByID(ctx, id)
				must(t, err)
				if got.RawBody != body {
					t.Errorf("comment %d is %q, want %q", id, got.RawBody, body)
				}
			}
			must(t, tx.RecountAllComments(ctx))
			return nil
		})
		must(t, err)
		// Ordinary creation afterwards continues above everything.
		p := mkPost(t, s, u, "after", broadside.StatusPublished, t0)
		if p.ID <= 501 {
			t.Errorf("post created after the import got id %d", p.ID)
		}
		if n := commentCount(t, s, 42); n != 4 {
			t.Errorf("comment count after recount = %d, want 4", n)
		}
	})
}

func TestWPImportsAndRedirects(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		if _, ok, err := s.LookupWPImport(ctx, "http://a", broadside.WPPost, 5); err != nil || ok {
			t.Fatalf("lookup on empty map = %v, %v", ok, err)
		}
		must(t, s.RecordWPImport(ctx, store.WPImport{Source: "http://a", Kind: broadside.WPPost, WPID: 5, LocalID: 50, GUID: "g5"}, t0))
		must(t, s.RecordWPImport(ctx, store.WPImport{Source: "http://a", Kind: broadside.WPPost, WPID: 5, LocalID: 51, GUID: "g5"}, t0))
		must(t, s.RecordWPImport(ctx, store.WPImport{Source: "http://b", Kind: broadside.WPComment, WPID: 5, LocalID: 9}, t0))
		if id, ok, err := s.LookupWPImport(ctx, "http://a", broadside.WPPost, 5); err != nil || !ok || id != 51 {
			t.Fatalf("lookup = %d %v %v", id, ok, err)
		}
		if ok, err := s.HasWPImports(ctx, "http://a"); err != nil || !ok {
			t.Fatalf("HasWPImports = %v %v", ok, err)
		}
		if ok, _ := s.HasWPImports(ctx, "http://c"); ok {
			t.Fatal("HasWPImports of a source never imported")
		}
		if id, err := s.ResolveWPID(ctx, broadside.WPComment, 5); err != nil || id != 9 {
			t.Fatalf("resolve = %d %v", id, err)
		}
		_, err := s.ResolveWPID(ctx, broadside.WPCategory, 5)
		wantCode(t, err, broadside.ENOTFOUND)

		must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/archives/5", Kind: broadside.WPPost, TargetID: 51}, t0))
		must(t, s.SetRedirect(ctx, broadside.Redirect{Path: "/archives/5", Kind: broadside.WPPost, TargetID: 52}, t0))
		r, err := s.RedirectByPath(ctx, "/archives/5")
		must(t, err)
		if r.TargetID != 52 || r.Kind != broadside.WPPost {
			t.Fatalf("redirect = %+v", r)
		}
		_, err = s.RedirectByPath(ctx, "/nope/")
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

func TestAttachments(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.ReserveIDs(ctx, "attachments", 1000))
		m := &broadside.Attachment{ID: 758, ParentID: 555, URL: "https://example.com/wp-content/uploads/a.jpg",
			Title: "A", Alt: "An a", MimeType: "image/jpeg", CreatedAt: t0}
		must(t, s.ImportAttachment(ctx, m))
		dup := &broadside.Attachment{ID: 758, URL: "https://example.com/b.jpg", CreatedAt: t0}
		must(t, s.ImportAttachment(ctx, dup))
		if m.ID != 758 || dup.ID <= 1000 {
			t.Fatalf("ids = %d, %d", m.ID, dup.ID)
		}
		got, err := s.AttachmentByID(ctx, 758)
		must(t, err)
		if got.Alt != "An a" || got.ParentID != 555 || !got.CreatedAt.Equal(t0.Truncate(1000)) {
			t.Fatalf("attachment = %+v", got)
		}
		got.File = "a.jpg"
		must(t, s.UpdateAttachment(ctx, got))
		all, err := s.ListAttachments(ctx, 0, 10)
		must(t, err)
		if len(all) != 2 || all[0].File != "a.jpg" || all[1].ID != dup.ID {
			t.Fatalf("list = %+v", all)
		}
		_, err = s.AttachmentByID(ctx, 1)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}
