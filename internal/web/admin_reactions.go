package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/broadside/broadside"
)

// reactionsShown bounds the admin list of who liked or boosted a post.
const reactionsShown = 500

// reactionsData is templates/admin/reactions.html.
type reactionsData struct {
	adminPage
	Title, EditURL, PublicURL string
	Counts                    broadside.ReactionCounts
	Rows                      []reactionRow
	More                      bool
}

// reactionRow is one like or boost: who, linking to their profile (the actor's id, a URL
// their server serves as a page to browsers).
type reactionRow struct {
	Kind, Name, Acct, ProfileURL, Icon, When string
}

// GET /admin/posts/{id}/reactions
// Who liked and boosted the post on the fediverse, newest first: for its editors.
func (s *Server) handleReactions(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	if p.Type != broadside.TypePost {
		return errNotFound
	}
	ctx := r.Context()
	list, err := s.Federation.ReactionList(ctx, p.ID, reactionsShown+1)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "posts", "Likes and boosts")
	st := v.Site
	st.categories(ctx, s)
	d := &reactionsData{adminPage: ap, Title: p.Title, EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10),
		PublicURL: st.PostPath(p), Counts: s.reactionCounts(ctx, p), More: len(list) > reactionsShown}
	if d.Title == "" {
		d.Title = "(no title)"
	}
	for i, rc := range list {
		if i == reactionsShown {
			break
		}
		row := reactionRow{Kind: "Like", Name: rc.ActorName, Acct: rc.ActorHandle, Icon: rc.ActorIcon,
			When: formatDateTime(st.Local(rc.CreatedAt))}
		if rc.Kind == broadside.ReactionAnnounce {
			row.Kind = "Boost"
		}
		if pu, err := url.Parse(rc.ActorID); err == nil && (pu.Scheme == "https" || pu.Scheme == "http") {
			row.ProfileURL = pu.String() // only web links: an actor id is whatever a server sent
		}
		if row.Acct == "" {
			row.Acct = rc.ActorID
		}
		d.Rows = append(d.Rows, row)
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/reactions", v)
	return nil
}
