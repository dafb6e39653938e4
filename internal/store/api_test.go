package store_test

// Tests of the store methods and filters the REST API added: application passwords, tag
// writes, and the extra PostFilter / CommentFilter fields, on both dialects.

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

func TestAppPasswords(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob := mkUser(t, s, "ann"), mkUser(t, s, "bob")
		p := &broadside.AppPassword{UUID: "u-1", UserID: ann.ID, Name: "Phone", SecretHash: "h1", CreatedAt: t0}
		must(t, s.CreateAppPassword(ctx, p))
		must(t, s.CreateAppPassword(ctx, &broadside.AppPassword{UUID: "u-2", UserID: ann.ID, Name: "Laptop", SecretHash: "h2", CreatedAt: t0.Add(time.Second)}))
		wantCode(t, s.CreateAppPassword(ctx, &broadside.AppPassword{UUID: "u-3", UserID: bob.ID, Name: "x", SecretHash: "h1", CreatedAt: t0}), broadside.ECONFLICT)
		wantCode(t, s.CreateAppPassword(ctx, &broadside.AppPassword{UUID: "u-4", UserID: 9999, Name: "x", SecretHash: "h4", CreatedAt: t0}), broadside.ENOTFOUND)

		got, err := s.AppPasswordByHash(ctx, "h1")
		must(t, err)
		if got.ID != p.ID || got.UserID != ann.ID || got.Name != "Phone" || !got.CreatedAt.Equal(t0) || !got.LastUsedAt.IsZero() {
			t.Fatalf("by hash: %+v", got)
		}
		_, err = s.AppPasswordByHash(ctx, "nope")
		wantCode(t, err, broadside.ENOTFOUND)
		must(t, s.TouchAppPassword(ctx, p.ID, t0.Add(time.Hour), "192.0.2.7"))
		got, _ = s.AppPasswordByHash(ctx, "h1")
		if !got.LastUsedAt.Equal(t0.Add(time.Hour)) || got.LastIP != "192.0.2.7" {
			t.Fatalf("after touch: %+v", got)
		}
		list, err := s.ListAppPasswords(ctx, ann.ID)
		must(t, err)
		if len(list) != 2 || list[0].Name != "Phone" || list[1].Name != "Laptop" {
			t.Fatalf("list: %+v", list)
		}
		// Only the owner revokes.
		wantCode(t, s.DeleteAppPassword(ctx, bob.ID, "u-1"), broadside.ENOTFOUND)
		must(t, s.DeleteAppPassword(ctx, ann.ID, "u-1"))
		_, err = s.AppPasswordByHash(ctx, "h1")
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.TouchAppPassword(ctx, p.ID, t0, ""), broadside.ENOTFOUND)
	})
}

func TestTagWrites(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		tg := &broadside.Tag{Name: "Go", Slug: "go"}
		must(t, s.CreateTag(ctx, tg))
		wantCode(t, s.CreateTag(ctx, &broadside.Tag{Name: "Golang", Slug: "go"}), broadside.ECONFLICT)
		tg.Name, tg.Slug = "Golang", "golang"
		must(t, s.UpdateTag(ctx, tg))
		got, err := s.TagByID(ctx, tg.ID)
		must(t, err)
		if got.Name != "Golang" || got.Slug != "golang" {
			t.Fatalf("after update: %+v", got)
		}
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Tags = []broadside.Tag{*tg} })
		must(t, s.DeleteTag(ctx, tg.ID))
		wantCode(t, s.DeleteTag(ctx, tg.ID), broadside.ENOTFOUND)
		_, err = s.TagByID(ctx, tg.ID)
		wantCode(t, err, broadside.ENOTFOUND)
		after, _ := s.PostByID(ctx, p.ID)
		if len(after.Tags) != 0 {
			t.Fatalf("the post keeps the deleted tag: %+v", after.Tags)
		}
		wantCode(t, s.UpdateTag(ctx, &broadside.Tag{ID: 9999, Name: "x", Slug: "x"}), broadside.ENOTFOUND)
	})
}

func TestPostFilterAPIFields(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		ann, bob := mkUser(t, s, "ann"), mkUser(t, s, "bob")
		cat := &broadside.Category{Name: "News", Slug: "news"}
		must(t, s.CreateCategory(ctx, cat))
		tags, err := s.EnsureTags(ctx, []string{"a", "b"})
		must(t, err)
		p1 := mkPost(t, s, ann, "one", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Tags = tags[:1]; p.Categories = []broadside.Category{*cat} })
		p2 := mkPost(t, s, bob, "two", broadside.StatusPublished, t0.Add(time.Hour), func(p *broadside.Post) { p.Tags = tags[1:] })
		page := mkPost(t, s, ann, "page", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Type = broadside.TypePage })
		child := mkPost(t, s, ann, "child", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Type = broadside.TypePage; p.ParentID = page.ID })
		list := func(f broadside.PostFilter) string {
			ps, total, err := s.ListPosts(ctx, f)
			must(t, err)
			return fmt.Sprint(postIDs(ps), total)
		}
		post := broadside.TypePost
		for name, tc := range map[string]struct {
			f    broadside.PostFilter
			want []int64
		}{
			"ids":          {broadside.PostFilter{Type: post, IDs: []int64{p1.ID}}, []int64{p1.ID}},
			"empty ids":    {broadside.PostFilter{Type: post, IDs: []int64{}}, nil},
			"exclude":      {broadside.PostFilter{Type: post, ExcludeIDs: []int64{p1.ID}}, []int64{p2.ID}},
			"slugs":        {broadside.PostFilter{Type: post, Slugs: []string{"one", "two"}}, []int64{p2.ID, p1.ID}},
			"authors":      {broadside.PostFilter{Type: post, AuthorIDs: []int64{bob.ID}}, []int64{p2.ID}},
			"not authors":  {broadside.PostFilter{Type: post, ExcludeAuthorIDs: []int64{bob.ID}}, []int64{p1.ID}},
			"tags (any)":   {broadside.PostFilter{Type: post, TagIDs: []int64{tags[0].ID, tags[1].ID}}, []int64{p2.ID, p1.ID}},
			"not tags":     {broadside.PostFilter{Type: post, ExcludeTagIDs: []int64{tags[0].ID}}, []int64{p2.ID}},
			"not category": {broadside.PostFilter{Type: post, ExcludeCategoryIDs: []int64{cat.ID}}, []int64{p2.ID}},
			"top pages":    {broadside.PostFilter{Type: broadside.TypePage, ParentIDs: []int64{0}}, []int64{page.ID}},
			"children":     {broadside.PostFilter{Type: broadside.TypePage, ParentIDs: []int64{page.ID}}, []int64{child.ID}},
			"by id":        {broadside.PostFilter{Type: post, OrderBy: "id", Asc: true}, []int64{p1.ID, p2.ID}},
			"by slug":      {broadside.PostFilter{Type: post, OrderBy: "slug"}, []int64{p2.ID, p1.ID}},
			"by author":    {broadside.PostFilter{Type: post, OrderBy: "author", Asc: true}, []int64{p1.ID, p2.ID}},
			"by parent":    {broadside.PostFilter{Type: broadside.TypePage, OrderBy: "parent"}, []int64{child.ID, page.ID}},
		} {
			want := fmt.Sprint(tc.want, len(tc.want))
			if tc.want == nil {
				want = "[] 0"
			}
			if got := list(tc.f); got != want {
				t.Errorf("%s: %s, want %s", name, got, want)
			}
		}
	})
}

func TestCommentFilterAPIFields(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		pub := mkPost(t, s, u, "pub", broadside.StatusPublished, t0)
		draft := mkPost(t, s, u, "draft", broadside.StatusDraft, t0)
		c1 := mkComment(t, s, pub.ID, "one", broadside.CommentApproved, t0)
		c2 := mkComment(t, s, pub.ID, "two", broadside.CommentApproved, t0.Add(time.Minute), func(c *broadside.Comment) { c.ParentID = c1.ID; c.UserID = u.ID })
		c3 := mkComment(t, s, draft.ID, "three", broadside.CommentApproved, t0.Add(2*time.Minute))
		ping := mkComment(t, s, pub.ID, "ping", broadside.CommentApproved, t0.Add(3*time.Minute), func(c *broadside.Comment) { c.Kind = broadside.KindPingback })
		list := func(f broadside.CommentFilter) string {
			f.Status = broadside.CommentApproved
			rows, total, err := s.ListComments(ctx, f)
			must(t, err)
			var got []int64
			for _, r := range rows {
				got = append(got, r.ID)
			}
			return fmt.Sprint(got, total)
		}
		for name, tc := range map[string]struct {
			f    broadside.CommentFilter
			want string
		}{
			"posts":          {broadside.CommentFilter{PostIDs: []int64{draft.ID}}, fmt.Sprint([]int64{c3.ID}, 1)},
			"top level":      {broadside.CommentFilter{ParentIDs: []int64{0}, Kind: broadside.KindComment}, fmt.Sprint([]int64{c3.ID, c1.ID}, 2)},
			"replies":        {broadside.CommentFilter{ParentIDs: []int64{c1.ID}}, fmt.Sprint([]int64{c2.ID}, 1)},
			"ids asc":        {broadside.CommentFilter{IDs: []int64{c1.ID, c2.ID}, Asc: true}, fmt.Sprint([]int64{c1.ID, c2.ID}, 2)},
			"exclude":        {broadside.CommentFilter{ExcludeIDs: []int64{c1.ID, c2.ID}, Kind: broadside.KindComment}, fmt.Sprint([]int64{c3.ID}, 1)},
			"users":          {broadside.CommentFilter{UserIDs: []int64{u.ID}}, fmt.Sprint([]int64{c2.ID}, 1)},
			"after, before":  {broadside.CommentFilter{After: t0, Before: t0.Add(2 * time.Minute)}, fmt.Sprint([]int64{c2.ID}, 1)},
			"kind":           {broadside.CommentFilter{Kind: broadside.KindPingback}, fmt.Sprint([]int64{ping.ID}, 1)},
			"public posts":   {broadside.CommentFilter{PostPublishedBefore: t0.Add(time.Hour), Kind: broadside.KindComment}, fmt.Sprint([]int64{c2.ID, c1.ID}, 2)},
			"by parent":      {broadside.CommentFilter{OrderBy: "parent", PostIDs: []int64{pub.ID}, Kind: broadside.KindComment}, fmt.Sprint([]int64{c2.ID, c1.ID}, 2)},
			"public search":  {broadside.CommentFilter{Search: "example.org", PublicSearch: true}, fmt.Sprint([]int64(nil), 0)},
			"private search": {broadside.CommentFilter{Search: "one@example.org"}, fmt.Sprint([]int64{c1.ID}, 1)},
		} {
			if got := list(tc.f); got != tc.want {
				t.Errorf("%s: %s, want %s", name, got, tc.want)
			}
		}
		_, _, err := s.ListComments(ctx, broadside.CommentFilter{OrderBy: "nonsense"})
		wantCode(t, err, broadside.EINVALID)
	})
}
