package web

import (
	"net/http"

	"github.com/broadside/broadside"
)

// dashboardData is the admin's front page.
type dashboardData struct {
	adminPage
	Published, Drafts, Scheduled int
	Held, Approved, Spam         int
	CanModerate                  bool
	PendingRows                  []commentRow
	Recent                       []postRow
	Return                       string
	// Audience is the last 30 days of page views (editors and administrators); Subscribers
	// the confirmed sign-ups per week (administrators: subscriber data is personal).
	Audience    *audienceData
	Subscribers *subscriberGrowth
}

// GET /admin/
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	ctx := r.Context()
	v, ap := s.adminView(w, r, "dashboard", "Dashboard")
	d := &dashboardData{adminPage: ap, CanModerate: u.CanModerate(), Return: "/admin/"}
	base := broadside.PostFilter{Type: broadside.TypePost}
	if !u.CanModerate() {
		base.AuthorID = u.ID
	}
	for _, c := range []struct {
		st  broadside.PostStatus
		dst *int
	}{{broadside.StatusPublished, &d.Published}, {broadside.StatusDraft, &d.Drafts}, {broadside.StatusScheduled, &d.Scheduled}} {
		f := base
		f.Statuses = []broadside.PostStatus{c.st}
		*c.dst = s.countPosts(r, f)
	}
	v.Site.categories(ctx, s)
	if d.CanModerate {
		counts, err := s.Comments.Counts(ctx)
		if err != nil {
			return err
		}
		d.Held, d.Approved, d.Spam = counts[broadside.CommentPending], counts[broadside.CommentApproved], counts[broadside.CommentSpam]
		rows, _, err := s.Comments.Queue(ctx, broadside.CommentFilter{Status: broadside.CommentPending, Limit: 5})
		if err != nil {
			return err
		}
		d.PendingRows = s.commentRows(ctx, v.Site, rows, d.Return)
	}
	recent := base
	recent.OrderBy, recent.Limit = "updated_at", 8
	recent.Statuses = notTrashed // the trash is not recent work
	ps, _, err := s.Posts.List(ctx, recent)
	if err != nil {
		return err
	}
	d.Recent = s.postRows(v.Site, u, ps)
	if d.CanModerate {
		if d.Audience, err = s.audienceSummary(r, v.Site); err != nil {
			return err
		}
	}
	if u.CanManageSite() && s.Subscriptions != nil {
		if d.Subscribers, err = s.subscriberGrowth(r, v.Site); err != nil {
			return err
		}
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/dashboard", v)
	return nil
}
