package web

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
)

// audienceDays is the span of the dashboard's audience panel.
const audienceDays = 30

// audienceData is the dashboard's audience panel.
type audienceData struct {
	Days      int
	Total     int64
	Max       int64
	PerDay    []viewRow
	Pages     []viewRow
	Referrers []viewRow
}

// viewRow is one line of the audience panel: a day, a page or a referrer and its views.
type viewRow struct {
	Label, URL string
	Views      int64
}

// audienceSummary loads the last 30 days of page views, naming the pages that are posts.
func (s *Server) audienceSummary(r *http.Request, st *site) (*audienceData, error) {
	if s.Audience == nil {
		return nil, nil
	}
	ctx := r.Context()
	sum, err := s.Audience.Summarize(ctx, audienceDays, 20)
	if err != nil {
		return nil, err
	}
	d := &audienceData{Days: sum.Days, Total: sum.Total, Max: 1}
	for _, c := range sum.PerDay {
		d.PerDay = append(d.PerDay, viewRow{Label: c.Day, Views: c.Views})
		d.Max = max(d.Max, c.Views)
	}
	paths := make([]string, len(sum.Pages))
	for i, c := range sum.Pages {
		paths[i] = c.Path
	}
	titles := s.pageTitles(r, st, paths)
	for _, c := range sum.Pages {
		d.Pages = append(d.Pages, viewRow{Label: titles[c.Path], URL: c.Path, Views: c.Views})
	}
	for _, c := range sum.Referrers {
		row := viewRow{Label: c.Referrer, Views: c.Views}
		if strings.HasPrefix(c.Referrer, "/") {
			row.Label, row.URL = "this site: "+c.Referrer, c.Referrer
		}
		d.Referrers = append(d.Referrers, row)
	}
	return d, nil
}

// pageTitles names counted paths: the title of the post or page each is the address of, else
// the path itself (the home page, archives). One query per post type, not one per path.
func (s *Server) pageTitles(r *http.Request, st *site, paths []string) map[string]string {
	out := make(map[string]string, len(paths))
	var slugs []string
	for _, path := range paths {
		out[path] = path
		if path == "/" {
			out[path] = "Home page"
			continue
		}
		parts := strings.Split(strings.Trim(path, "/"), "/")
		slugs = append(slugs, parts[len(parts)-1])
	}
	if len(slugs) == 0 {
		return out
	}
	for _, typ := range []broadside.PostType{broadside.TypePost, broadside.TypePage} {
		ps, _, err := s.Posts.List(r.Context(), broadside.PostFilter{Type: typ, Slugs: slugs})
		if err != nil {
			continue // the paths stay as their own names
		}
		for i := range ps {
			if path := st.PostPath(&ps[i]); out[path] == path {
				out[path] = orUntitled(ps[i].Title)
			}
		}
	}
	return out
}

// subscriberGrowth is the dashboard's subscriber panel.
type subscriberGrowth struct {
	Confirmed, New int
	Weeks          []growthRow
	Max            int
}

// subscriberGrowth loads the confirmed subscribers and the sign-ups of the last five weeks.
func (s *Server) subscriberGrowth(r *http.Request, st *site) (*subscriberGrowth, error) {
	ctx := r.Context()
	counts, err := s.Subscriptions.Counts(ctx)
	if err != nil {
		return nil, err
	}
	weeks, err := s.Subscriptions.Growth(ctx, 5, st.loc)
	if err != nil {
		return nil, err
	}
	g := &subscriberGrowth{Confirmed: counts[broadside.SubscriberConfirmed], Max: 1}
	for _, wk := range weeks {
		g.Weeks = append(g.Weeks, growthRow{Label: wk.Start.Format("Jan 2"), New: wk.New})
		g.New += wk.New
		g.Max = max(g.Max, wk.New)
	}
	return g, nil
}
