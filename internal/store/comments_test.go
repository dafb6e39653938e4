package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCommentRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		c := &broadside.Comment{PostID: p.ID, UserID: u.ID, Kind: broadside.KindPingback, AuthorName: "Ann",
			AuthorEmail: "Ann@Example.com", AuthorURL: "https://ann.example", AuthorIP: "2001:db8::1",
			UserAgent: "UA/1", RawBody: "<b>raw</b> & stored as typed", Status: broadside.CommentApproved, CreatedAt: t0}
		must(t, s.CreateComment(ctx, c))
		got, err := s.CommentByID(ctx, c.ID)
		must(t, err)
		if d := cmp.Diff(c, got); d != "" {
			t.Fatalf("round trip (-want +got):\n%s", d)
		}
		// Defaults: kind comment, status pending, created now.
		d := &broadside.Comment{PostID: p.ID, AuthorName: "Dee", RawBody: "hi"}
		must(t, s.CreateComment(ctx, d))
		got, err = s.CommentByID(ctx, d.ID)
		must(t, err)
		if got.Kind != broadside.KindComment || got.Status != broadside.CommentPending || got.CreatedAt.IsZero() || got.UserID != 0 || got.ParentID != 0 {
			t.Fatalf("defaults: %+v", got)
		}

		got.AuthorName, got.RawBody, got.ParentID, got.Status = "Dee Dee", "edited", c.ID, broadside.CommentApproved
		must(t, s.UpdateComment(ctx, got))
		again, err := s.CommentByID(ctx, d.ID)
		must(t, err)
		if again.AuthorName != "Dee Dee" || again.RawBody != "edited" || again.ParentID != c.ID || again.Status != broadside.CommentApproved {
			t.Fatalf("after update: %+v", again)
		}

		_, err = s.CommentByID(ctx, 424242)
		wantCode(t, err, broadside.ENOTFOUND)
		wantCode(t, s.UpdateComment(ctx, &broadside.Comment{ID: 424242, Status: broadside.CommentApproved}), broadside.ENOTFOUND)
		wantCode(t, s.DeleteComment(ctx, 424242), broadside.ENOTFOUND)
		wantCode(t, s.CreateComment(ctx, &broadside.Comment{PostID: 424242, RawBody: "x"}), broadside.ENOTFOUND)
		wantCode(t, s.CreateComment(ctx, &broadside.Comment{PostID: p.ID, RawBody: "x", Status: "bogus"}), broadside.EINVALID)
		wantCode(t, s.CreateComment(ctx, &broadside.Comment{ID: c.ID, PostID: p.ID, RawBody: "x"}), broadside.ECONFLICT)
		_, err = s.SetCommentStatus(ctx, []int64{c.ID}, "bogus")
		wantCode(t, err, broadside.EINVALID)
	})
}

// TestCommentCountFollowsModeration walks comments through every transition and checks the
// post's comment_count (approved only) after each.
func TestCommentCountFollowsModeration(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		other := mkPost(t, s, u, "other", broadside.StatusPublished, t0)
		a := mkComment(t, s, p.ID, "a", broadside.CommentApproved, t0)
		b := mkComment(t, s, p.ID, "b", broadside.CommentPending, t0)
		o := mkComment(t, s, other.ID, "o", broadside.CommentPending, t0)
		steps := []struct {
			name            string
			do              func() error
			want, wantOther int
		}{
			{"created", func() error { return nil }, 1, 0},
			{"approve pending across posts", func() error {
				n, err := s.SetCommentStatus(ctx, []int64{b.ID, o.ID, 999999}, broadside.CommentApproved)
				if err == nil && n != 2 {
					err = fmt.Errorf("changed %d, want 2", n)
				}
				return err
			}, 2, 1},
			{"approve again changes nothing", func() error {
				_, err := s.SetCommentStatus(ctx, []int64{a.ID}, broadside.CommentApproved)
				return err
			}, 2, 1},
			{"spam", func() error { _, err := s.SetCommentStatus(ctx, []int64{a.ID}, broadside.CommentSpam); return err }, 1, 1},
			{"trash", func() error { _, err := s.SetCommentStatus(ctx, []int64{b.ID}, broadside.CommentTrash); return err }, 0, 1},
			{"restore via update", func() error {
				c, err := s.CommentByID(ctx, b.ID)
				if err != nil {
					return err
				}
				c.Status = broadside.CommentApproved
				return s.UpdateComment(ctx, c)
			}, 1, 1},
			{"delete approved", func() error { return s.DeleteComment(ctx, b.ID) }, 0, 1},
			{"delete spam", func() error { return s.DeleteComment(ctx, a.ID) }, 0, 1},
			{"new approved", func() error { mkComment(t, s, p.ID, "c", broadside.CommentApproved, t0); return nil }, 1, 1},
			{"empty id list", func() error { _, err := s.SetCommentStatus(ctx, nil, broadside.CommentSpam); return err }, 1, 1},
			{"recount is stable", func() error { return s.RecountComments(ctx, p.ID) }, 1, 1},
		}
		for _, st := range steps {
			must(t, st.do())
			if got, gotOther := commentCount(t, s, p.ID), commentCount(t, s, other.ID); got != st.want || gotOther != st.wantOther {
				t.Fatalf("after %s: counts %d/%d, want %d/%d", st.name, got, gotOther, st.want, st.wantOther)
			}
		}
	})
}

func TestThreadComments(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		other := mkPost(t, s, u, "other", broadside.StatusPublished, t0)
		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		// Created out of time order; same-time comments order by id.
		c3 := mkComment(t, s, p.ID, "c3", broadside.CommentApproved, at(3))
		c1 := mkComment(t, s, p.ID, "c1", broadside.CommentApproved, at(1))
		c1b := mkComment(t, s, p.ID, "c1b", broadside.CommentApproved, at(1), func(c *broadside.Comment) { c.ParentID = c1.ID })
		held := mkComment(t, s, p.ID, "held", broadside.CommentPending, at(2))
		spam := mkComment(t, s, p.ID, "spam", broadside.CommentSpam, at(4))
		otherHeld := mkComment(t, s, other.ID, "elsewhere", broadside.CommentPending, at(0))

		for _, tc := range []struct {
			name     string
			statuses []broadside.CommentStatus
			also     []int64
			want     []int64
		}{
			{"approved by default", nil, nil, []int64{c1.ID, c1b.ID, c3.ID}},
			{"own held comment", nil, []int64{held.ID}, []int64{c1.ID, c1b.ID, held.ID, c3.ID}},
			{"also ids of another post stay out", nil, []int64{otherHeld.ID}, []int64{c1.ID, c1b.ID, c3.ID}},
			{"several statuses", []broadside.CommentStatus{"approved", "spam"}, nil, []int64{c1.ID, c1b.ID, c3.ID, spam.ID}},
			{"pending only", []broadside.CommentStatus{"pending"}, nil, []int64{held.ID}},
		} {
			got, err := s.ThreadComments(ctx, p.ID, tc.statuses, tc.also)
			must(t, err)
			if d := cmp.Diff(tc.want, commentIDs(got)); d != "" {
				t.Errorf("%s (-want +got):\n%s", tc.name, d)
			}
		}
		got, _ := s.ThreadComments(ctx, p.ID, nil, nil)
		if got[1].ParentID != c1.ID || got[1].AuthorName != "c1b" {
			t.Fatalf("reply row: %+v", got[1])
		}
		empty, err := s.ThreadComments(ctx, 424242, nil, nil)
		if err != nil || len(empty) != 0 {
			t.Fatalf("thread of a missing post = %v, %v", empty, err)
		}
	})
}

func TestDeleteCommentReparentsReplies(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		root := mkComment(t, s, p.ID, "root", broadside.CommentApproved, t0)
		mid := mkComment(t, s, p.ID, "mid", broadside.CommentApproved, t0, func(c *broadside.Comment) { c.ParentID = root.ID })
		leaf := mkComment(t, s, p.ID, "leaf", broadside.CommentApproved, t0, func(c *broadside.Comment) { c.ParentID = mid.ID })
		must(t, s.DeleteComment(ctx, mid.ID))
		got, err := s.CommentByID(ctx, leaf.ID)
		must(t, err)
		if got.ParentID != root.ID {
			t.Fatalf("leaf parent = %d, want %d", got.ParentID, root.ID)
		}
		must(t, s.DeleteComment(ctx, root.ID))
		got, _ = s.CommentByID(ctx, leaf.ID)
		if got.ParentID != 0 {
			t.Fatalf("leaf parent = %d, want top level", got.ParentID)
		}
		if n := commentCount(t, s, p.ID); n != 1 {
			t.Fatalf("count = %d, want 1", n)
		}
		// Deleting the post deletes its comments.
		must(t, s.DeletePost(ctx, p.ID))
		_, err = s.CommentByID(ctx, leaf.ID)
		wantCode(t, err, broadside.ENOTFOUND)
	})
}

func TestListCommentsAndCounts(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		page := mkPost(t, s, u, "about", broadside.StatusPublished, t0, func(p *broadside.Post) { p.Type = broadside.TypePage; p.Title = "About" })
		at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
		c1 := mkComment(t, s, p.ID, "alice", broadside.CommentPending, at(1))
		c2 := mkComment(t, s, p.ID, "bob", broadside.CommentApproved, at(2), func(c *broadside.Comment) { c.AuthorIP = "198.51.100.7" })
		c3 := mkComment(t, s, page.ID, "carol", broadside.CommentPending, at(3), func(c *broadside.Comment) { c.RawBody = "Buy CHEAP 50% off_now" })
		c4 := mkComment(t, s, p.ID, "dave", broadside.CommentSpam, at(4))
		mkComment(t, s, p.ID, "erin", broadside.CommentTrash, at(5))

		for _, tc := range []struct {
			name  string
			f     broadside.CommentFilter
			want  []int64
			total int
		}{
			{"all means pending and approved", broadside.CommentFilter{}, []int64{c3.ID, c2.ID, c1.ID}, 3},
			{"pending", broadside.CommentFilter{Status: broadside.CommentPending}, []int64{c3.ID, c1.ID}, 2},
			{"spam", broadside.CommentFilter{Status: broadside.CommentSpam}, []int64{c4.ID}, 1},
			{"post", broadside.CommentFilter{PostID: page.ID}, []int64{c3.ID}, 1},
			{"page 1", broadside.CommentFilter{Limit: 2}, []int64{c3.ID, c2.ID}, 3},
			{"page 2", broadside.CommentFilter{Limit: 2, Offset: 2}, []int64{c1.ID}, 3},
			{"search name", broadside.CommentFilter{Search: "ALI"}, []int64{c1.ID}, 1},
			{"search email", broadside.CommentFilter{Search: "bob@example"}, []int64{c2.ID}, 1},
			{"search ip", broadside.CommentFilter{Search: "198.51.100"}, []int64{c2.ID}, 1},
			{"search body", broadside.CommentFilter{Search: "cheap 50%"}, []int64{c3.ID}, 1},
			{"search wildcard is literal", broadside.CommentFilter{Search: "c_eap"}, nil, 0},
		} {
			got, total, err := s.ListComments(ctx, tc.f)
			must(t, err)
			gotIDs := ids(got, func(r broadside.CommentRow) int64 { return r.ID })
			if d := cmp.Diff(tc.want, gotIDs, cmpopts.EquateEmpty()); d != "" || total != tc.total {
				t.Errorf("%s (-want +got):\n%s\ntotal %d, want %d", tc.name, d, total, tc.total)
			}
		}
		rows, _, err := s.ListComments(ctx, broadside.CommentFilter{PostID: page.ID})
		must(t, err)
		if r := rows[0]; r.PostTitle != "About" || r.PostSlug != "about" || r.PostType != broadside.TypePage || r.AuthorName != "carol" {
			t.Fatalf("row: %+v", r)
		}

		counts, err := s.CommentCounts(ctx)
		must(t, err)
		want := map[broadside.CommentStatus]int{"pending": 2, "approved": 1, "spam": 1, "trash": 1}
		if d := cmp.Diff(want, counts); d != "" {
			t.Fatalf("CommentCounts (-want +got):\n%s", d)
		}
	})
}

func TestCommentChecks(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		p2 := mkPost(t, s, u, "post2", broadside.StatusPublished, t0)
		empty, _ := s.CommentCounts(ctx)
		if len(empty) != 4 || empty[broadside.CommentPending] != 0 {
			t.Fatalf("CommentCounts on empty = %v", empty)
		}
		mkComment(t, s, p.ID, "Known", broadside.CommentApproved, t0.Add(-time.Hour), func(c *broadside.Comment) { c.AuthorEmail = "Known@Example.org" })
		mkComment(t, s, p.ID, "Held", broadside.CommentPending, t0, func(c *broadside.Comment) { c.AuthorIP = "203.0.113.9" })
		mkComment(t, s, p.ID, "Binned", broadside.CommentTrash, t0, func(c *broadside.Comment) { c.RawBody = "binned body" })
		mkComment(t, s, p.ID, "Replier", broadside.CommentSpam, t0, func(c *broadside.Comment) { c.ParentID = 1; c.RawBody = "reply body" })

		for _, tc := range []struct {
			email, name string
			want        bool
		}{
			{"known@example.org", "Known", true},
			{"KNOWN@example.org ", "Known", true},
			{"known@example.org", "Impostor", false},
			{"other@example.org", "Known", false},
			{"held@example.org", "Held", false},
			{"", "Known", false},
		} {
			got, err := s.HasApprovedComment(ctx, tc.email, tc.name)
			must(t, err)
			if got != tc.want {
				t.Errorf("HasApprovedComment(%q, %q) = %v, want %v", tc.email, tc.name, got, tc.want)
			}
		}

		for _, tc := range []struct {
			name          string
			post          int64
			author, email string
			body          string
			parent        int64
			want          bool
		}{
			{"same author and body", p.ID, "Held", "held@example.org", "Hello from Held", 0, true},
			{"same email, other name", p.ID, "Someone", "HELD@example.org", "Hello from Held", 0, true},
			{"same name, no email", p.ID, "Held", "", "Hello from Held", 0, true},
			{"other author", p.ID, "Someone", "someone@example.org", "Hello from Held", 0, false},
			{"other body", p.ID, "Held", "held@example.org", "Hello again", 0, false},
			{"other post", p2.ID, "Held", "held@example.org", "Hello from Held", 0, false},
			{"other parent", p.ID, "Held", "held@example.org", "Hello from Held", 7, false},
			{"trash does not count", p.ID, "Binned", "binned@example.org", "binned body", 0, false},
			{"spam counts, same parent", p.ID, "Replier", "replier@example.org", "reply body", 1, true},
			// By address alone, in each status (the probe names the statuses it counts).
			{"approved, same email, other name", p.ID, "Someone", "known@example.org", "Hello from Known", 0, true},
			{"spam, same email, other name", p.ID, "Someone", "Replier@example.org", "reply body", 1, true},
			{"trash, same email, other name", p.ID, "Someone", "Binned@example.org", "binned body", 0, false},
		} {
			got, err := s.DuplicateComment(ctx, tc.post, tc.author, tc.email, tc.body, tc.parent)
			must(t, err)
			if got != tc.want {
				t.Errorf("DuplicateComment %s = %v, want %v", tc.name, got, tc.want)
			}
		}
	})
}

// TestQueueHidesCommentsOfTrashedPosts: as in WordPress, the comments of a trashed post
// leave the moderation queue and its counts (every status), and come back with the post.
func TestQueueHidesCommentsOfTrashedPosts(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		keep := mkPost(t, s, u, "keep", broadside.StatusPublished, t0)
		gone := mkPost(t, s, u, "gone", broadside.StatusPublished, t0)
		mk := func(p *broadside.Post, st broadside.CommentStatus) *broadside.Comment {
			c := &broadside.Comment{PostID: p.ID, AuthorName: "x", RawBody: string(st), Status: st, CreatedAt: t0}
			must(t, s.CreateComment(ctx, c))
			return c
		}
		mk(keep, broadside.CommentPending)
		for _, st := range broadside.CommentStatuses {
			mk(gone, st)
		}
		must(t, s.TrashPost(ctx, gone.ID, t0))
		for _, st := range []broadside.CommentStatus{"", broadside.CommentPending, broadside.CommentSpam, broadside.CommentTrash, broadside.CommentApproved} {
			rows, total, err := s.ListComments(ctx, broadside.CommentFilter{Status: st})
			must(t, err)
			for _, r := range rows {
				if r.PostID == gone.ID {
					t.Errorf("status %q lists comment %d of the trashed post", st, r.ID)
				}
			}
			if total != len(rows) {
				t.Errorf("status %q: total %d for %d rows", st, total, len(rows))
			}
		}
		rows, _, err := s.ListComments(ctx, broadside.CommentFilter{PostIDs: []int64{gone.ID}})
		must(t, err)
		if len(rows) != 0 {
			t.Errorf("filtering by the trashed post lists %d comments", len(rows))
		}
		counts, err := s.CommentCounts(ctx)
		must(t, err)
		want := map[broadside.CommentStatus]int{"pending": 1, "approved": 0, "spam": 0, "trash": 0}
		if d := cmp.Diff(want, counts); d != "" {
			t.Errorf("CommentCounts with a trashed post (-want +got):\n%s", d)
		}
		// The delete confirmation still counts everything the post would take with it.
		all, err := s.PostCommentCounts(ctx, gone.ID)
		must(t, err)
		if all[broadside.CommentSpam] != 1 || all[broadside.CommentPending] != 1 {
			t.Errorf("PostCommentCounts of the trashed post = %v", all)
		}
		_, err = s.RestorePost(ctx, gone.ID)
		must(t, err)
		counts, err = s.CommentCounts(ctx)
		must(t, err)
		if counts[broadside.CommentPending] != 2 || counts[broadside.CommentSpam] != 1 {
			t.Errorf("CommentCounts after restoring = %v", counts)
		}
	})
}

func TestRemoteCommentFoundByItsNote(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		c := &broadside.Comment{PostID: p.ID, AuthorName: "Zoë", AuthorURL: "https://social.example/@zoe",
			RawBody: "<p>from afar</p>", CreatedAt: t0, RemoteID: "https://social.example/notes/1",
			RemoteActor: "https://social.example/users/zoe", RemoteHandle: "@zoe@social.example"}
		must(t, s.CreateComment(ctx, c))
		got, err := s.CommentByRemoteID(ctx, c.RemoteID)
		must(t, err)
		if d := cmp.Diff(c, got); d != "" || !got.Remote() {
			t.Fatalf("by remote id (-want +got):\n%s", d)
		}
		// The same Note delivered twice is one comment.
		dup := *c
		dup.ID = 0
		if err := s.CreateComment(ctx, &dup); broadside.ErrorCode(err) != broadside.ECONFLICT {
			t.Fatalf("second comment from one Note: %v", err)
		}
		// Local comments have no remote id and are never found by the empty one.
		must(t, s.CreateComment(ctx, &broadside.Comment{PostID: p.ID, AuthorName: "Bo", RawBody: "here"}))
		must(t, s.CreateComment(ctx, &broadside.Comment{PostID: p.ID, AuthorName: "Cy", RawBody: "here too"}))
		if _, err := s.CommentByRemoteID(ctx, ""); broadside.ErrorCode(err) != broadside.ENOTFOUND {
			t.Fatalf("empty remote id: %v", err)
		}
	})
}

// TestRemoteActorApproved: a fediverse account proves an earlier approved comment by its
// actor id alone (no e-mail); pending comments and other actors prove nothing.
func TestRemoteActorApproved(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "post", broadside.StatusPublished, t0)
		const zoe = "https://social.example/users/zoe"
		c := &broadside.Comment{PostID: p.ID, AuthorName: "Zoë", RawBody: "hi", CreatedAt: t0, Status: broadside.CommentPending,
			RemoteID: "https://social.example/notes/9", RemoteActor: zoe}
		must(t, s.CreateComment(ctx, c))
		for _, actor := range []string{zoe, "", "https://social.example/users/bo"} {
			if ok, err := s.RemoteActorApproved(ctx, actor); err != nil || ok {
				t.Fatalf("before approval, %q: %v %v", actor, ok, err)
			}
		}
		_, err := s.SetCommentStatus(ctx, []int64{c.ID}, broadside.CommentApproved)
		must(t, err)
		if ok, err := s.RemoteActorApproved(ctx, zoe); err != nil || !ok {
			t.Fatalf("after approval: %v %v", ok, err)
		}
		if ok, _ := s.RemoteActorApproved(ctx, "https://social.example/users/bo"); ok {
			t.Fatal("another actor counts as approved")
		}
	})
}
