package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestPageViewsAddUp: two nodes flushing counts for the same day, path and referrer add up
// (the upsert increments), on both databases, and the totals are summed per path and
// referrer from a day on.
func TestPageViewsAddUp(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		must(t, s.AddPageViews(ctx, []broadside.PageViewCount{{Day: "2026-03-01", Path: "/a/", Referrer: "x.example", Views: 2},
			{Day: "2026-03-01", Path: "/b/", Views: 1}}))
		must(t, s.AddPageViews(ctx, []broadside.PageViewCount{{Day: "2026-03-01", Path: "/a/", Referrer: "x.example", Views: 3},
			{Day: "2026-02-01", Path: "/a/", Referrer: "old.example", Views: 100}}))
		pages, err := s.PageViewTotals(ctx, "2026-02-15", false, 10)
		must(t, err)
		if len(pages) != 2 || pages[0].Path != "/a/" || pages[0].Views != 5 || pages[1].Views != 1 {
			t.Errorf("pages = %+v", pages)
		}
		refs, err := s.PageViewTotals(ctx, "2026-02-15", true, 10)
		must(t, err)
		if len(refs) != 1 || refs[0].Referrer != "x.example" || refs[0].Views != 5 {
			t.Errorf("referrers = %+v", refs)
		}
		days, err := s.PageViewDays(ctx, "2026-01-01")
		must(t, err)
		if len(days) != 2 || days[1].Views != 6 {
			t.Errorf("days = %+v", days)
		}
		must(t, s.PurgePageViews(ctx, "2026-02-15"))
		all, err := s.AllPageViews(ctx)
		must(t, err)
		if len(all) != 2 {
			t.Errorf("after the purge: %+v", all)
		}
	})
}

// TestBansAndReports: bans are unique per kind and value and can be lifted; a reader's
// second report of a comment is not counted; reports go with their comment.
func TestBansAndReports(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "mod")
		b := &broadside.Ban{Kind: broadside.BanIP, Value: "203.0.113.0/24", CreatedBy: u.ID, CreatedAt: t0}
		must(t, s.CreateBan(ctx, b))
		wantCode(t, s.CreateBan(ctx, &broadside.Ban{Kind: broadside.BanIP, Value: "203.0.113.0/24", CreatedAt: t0}), broadside.ECONFLICT)
		bans, err := s.Bans(ctx)
		must(t, err)
		if len(bans) != 1 || bans[0].Value != "203.0.113.0/24" || bans[0].CreatedBy != u.ID || bans[0].CreatedAt.IsZero() {
			t.Errorf("bans = %+v", bans)
		}
		must(t, s.DeleteBan(ctx, b.ID))
		wantCode(t, s.DeleteBan(ctx, b.ID), broadside.ENOTFOUND)

		p := mkPost(t, s, u, "reported", broadside.StatusPublished, t0)
		c := mkComment(t, s, p.ID, "Troll", broadside.CommentApproved, t0)
		n, added, err := s.AddCommentReport(ctx, c.ID, "reader-1", t0)
		must(t, err)
		if n != 1 || !added {
			t.Errorf("first report: %d %v", n, added)
		}
		n, added, err = s.AddCommentReport(ctx, c.ID, "reader-1", t0)
		must(t, err)
		if n != 1 || added {
			t.Errorf("the same reader again: %d %v", n, added)
		}
		_, _, err = s.AddCommentReport(ctx, c.ID, "reader-2", t0)
		must(t, err)
		counts, err := s.CommentReportCounts(ctx, []int64{c.ID, c.ID + 1000})
		must(t, err)
		if counts[c.ID] != 2 || len(counts) != 1 {
			t.Errorf("counts = %v", counts)
		}
		times, err := s.CommentReportTimes(ctx, []int64{c.ID})
		must(t, err)
		if len(times[c.ID]) != 2 || !times[c.ID][0].Equal(t0.Truncate(time.Microsecond)) {
			t.Errorf("report times = %v", times)
		}
		must(t, s.SetCommentModeration(ctx, c.ID, broadside.CommentPending, "reported by 2 readers", []string{broadside.ReasonReported}))
		got, err := s.CommentByID(ctx, c.ID)
		must(t, err)
		if got.Status != broadside.CommentPending || got.ModerationReason != "reported by 2 readers" || len(got.ModerationCodes) != 1 || got.ModerationCodes[0] != broadside.ReasonReported {
			t.Errorf("held comment: %s %q", got.Status, got.ModerationReason)
		}
		must(t, s.DeleteComment(ctx, c.ID))
		if n, err := s.CommentReportCount(ctx, c.ID); err != nil || n != 0 {
			t.Errorf("reports outlive their comment: %d %v", n, err)
		}
	})
}
