package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

const postsPerAdminPage = 20

// notTrashed is every status but the trash: the posts list's "All".
var notTrashed = append([]broadside.PostStatus(nil), broadside.PostStatuses...)

// postRow is one post in the admin lists.
type postRow struct {
	ID                int64
	Title, Type       string
	Status            broadside.PostStatus
	StatusLabel, When string
	Author            string
	Categories        string
	Comments          int
	CanEdit           bool
	EditURL, ViewURL  string
	DeleteURL         string
	CommentsURL       string
}

// postTab is one status filter of the posts list.
type postTab struct {
	Label, URL string
	Count      int
	Current    bool
}

// postsData is the posts (or pages) list.
type postsData struct {
	adminPage
	Type          broadside.PostType
	Noun, Nouns   string
	Status, Query string
	Tabs          []postTab
	Rows          []postRow
	Total         int
	Pager         pager
	NewURL        string
	Categories    []option // the bulk action "Set category"
}

func postType(s string) broadside.PostType {
	if s == string(broadside.TypePage) {
		return broadside.TypePage
	}
	return broadside.TypePost
}

func nouns(t broadside.PostType) (string, string) {
	if t == broadside.TypePage {
		return "page", "pages"
	}
	return "post", "posts"
}

func statusLabel(st broadside.PostStatus) string {
	switch st {
	case broadside.StatusPublished:
		return "Published"
	case broadside.StatusScheduled:
		return "Scheduled"
	case broadside.StatusPending:
		return "Pending review"
	case broadside.StatusPrivate:
		return "Private"
	case broadside.StatusTrash:
		return "In the trash"
	default:
		return "Draft"
	}
}

// postRows prepares list rows; the site's categories must be loaded for permalinks.
func (s *Server) postRows(st *site, u *broadside.User, ps []broadside.Post) []postRow {
	out := make([]postRow, 0, len(ps))
	for i := range ps {
		p := &ps[i]
		id := strconv.FormatInt(p.ID, 10)
		row := postRow{ID: p.ID, Title: p.Title, Type: string(p.Type), Status: p.Status, StatusLabel: statusLabel(p.Status),
			Comments: p.CommentCount, CanEdit: u.CanEditPost(p), EditURL: "/admin/posts/" + id,
			ViewURL: st.PostPath(p), DeleteURL: "/admin/posts/" + id + "/delete",
			CommentsURL: "/admin/comments?status=approved&post=" + id}
		if row.Title == "" {
			row.Title = "(no title)"
		}
		if p.Author != nil {
			row.Author = p.Author.Name()
		}
		names := make([]string, 0, len(p.Categories))
		for _, c := range p.Categories {
			names = append(names, c.Name)
		}
		row.Categories = strings.Join(names, ", ")
		switch p.Status {
		case broadside.StatusPublished:
			row.When = "Published " + formatDateTime(st.Local(p.PublishedAt))
		case broadside.StatusScheduled:
			row.When = "Scheduled for " + formatDateTime(st.Local(p.PublishedAt))
		default:
			row.When = "Last modified " + formatDateTime(st.Local(p.UpdatedAt))
		}
		out = append(out, row)
	}
	return out
}

// GET /admin/posts?type=post|page&status=&q=&page=
func (s *Server) handlePostList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &postsData{Type: postType(q.Get("type")), Status: q.Get("status"), Query: strings.TrimSpace(q.Get("q"))}
	d.Noun, d.Nouns = nouns(d.Type)
	base := broadside.PostFilter{Type: d.Type, Search: d.Query}
	if !u.CanModerate() {
		base.AuthorID = u.ID // authors work on their own posts only
	}
	f := base
	switch broadside.PostStatus(d.Status) {
	case broadside.StatusPublished, broadside.StatusDraft, broadside.StatusScheduled, broadside.StatusTrash:
		f.Statuses = []broadside.PostStatus{broadside.PostStatus(d.Status)}
		if d.Status != string(broadside.StatusPublished) {
			f.OrderBy = "updated_at"
		}
	default:
		d.Status = ""
		f.Statuses = notTrashed // "All" is everything but the trash, as in WordPress
	}
	page := pageParam(r)
	f.Limit, f.Offset = postsPerAdminPage, (page-1)*postsPerAdminPage
	ps, total, err := s.Posts.List(ctx, f)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, string(d.Type)+"s", strings.ToUpper(d.Nouns[:1])+d.Nouns[1:])
	d.adminPage = ap
	v.Site.categories(ctx, s)
	d.Rows = s.postRows(v.Site, u, ps)
	d.Total = total
	d.Pager = adminPager(r, page, total, postsPerAdminPage)
	d.NewURL = "/admin/posts/new?type=" + string(d.Type)
	if d.Type == broadside.TypePost {
		d.Categories = s.categoryOptions(ctx, nil, 0)
	}
	for _, t := range []struct{ status, label string }{{"", "All"}, {"published", "Published"}, {"draft", "Drafts"}, {"scheduled", "Scheduled"}, {"trash", "Trash"}} {
		tf := base
		tf.Statuses = notTrashed
		if t.status != "" {
			tf.Statuses = []broadside.PostStatus{broadside.PostStatus(t.status)}
		}
		tq := url.Values{"type": {string(d.Type)}}
		if t.status != "" {
			tq.Set("status", t.status)
		}
		if d.Query != "" {
			tq.Set("q", d.Query)
		}
		d.Tabs = append(d.Tabs, postTab{Label: t.label, URL: "/admin/posts?" + tq.Encode(), Count: s.countPosts(r, tf),
			Current: t.status == d.Status})
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/posts", v)
	return nil
}

// loadEditable returns the post of the {id} path value if u may edit it.
func (s *Server) loadEditable(r *http.Request, u *broadside.User) (*broadside.Post, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	p, err := s.Posts.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !u.CanEditPost(p) {
		return nil, errForbidden("You can only edit your own posts.")
	}
	return p, nil
}

// deleteData is the delete confirmation page.
type deleteData struct {
	adminPage
	ID          int64
	Title, Noun string
	Comments    int          // every comment the delete removes, whatever its state
	ByState     []stateCount // the non-zero states, in the queue's order
	EditURL     string
}

// stateCount is how many comments are in one moderation state.
type stateCount struct {
	Label string
	N     int
}

// GET /admin/posts/{id}/delete
func (s *Server) handlePostDeleteConfirm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	v, ap := s.adminView(w, r, string(p.Type)+"s", "Delete "+noun)
	title := p.Title
	if title == "" {
		title = "(no title)"
	}
	d := &deleteData{adminPage: ap, ID: p.ID, Title: title, Noun: noun,
		EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10)}
	// p.CommentCount counts approved comments only; the delete removes held, spam and
	// trashed ones as well, so the confirmation counts them all.
	counts, err := s.Comments.PostCounts(r.Context(), p.ID)
	if err != nil {
		return err
	}
	for _, st := range []broadside.CommentStatus{broadside.CommentApproved, broadside.CommentPending, broadside.CommentSpam, broadside.CommentTrash} {
		if n := counts[st]; n > 0 {
			d.Comments += n
			d.ByState = append(d.ByState, stateCount{Label: strings.ToLower(statusLabels[st]), N: n})
		}
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/delete", v)
	return nil
}

// POST /admin/posts/{id}/delete
func (s *Server) handlePostDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	if err := s.Posts.Delete(r.Context(), p.ID, u); err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	title := p.Title
	if title == "" {
		title = "(no title)"
	}
	s.flash(w, r, strings.ToUpper(noun[:1])+noun[1:]+" “"+title+"” deleted.")
	redirect(w, r, "/admin/posts?type="+string(p.Type))
	return nil
}

// treeOrder orders items depth first under their parents (keeping the given order among
// siblings) and returns each position's item index and depth. Items whose parent is missing,
// or that sit on a parent cycle, are treated as top-level so nothing is lost or loops.
func treeOrder(n int, id, parent func(i int) int64) (order, depth []int) {
	index := make(map[int64]int, n)
	for i := 0; i < n; i++ {
		index[id(i)] = i
	}
	kids := make(map[int64][]int, n)
	var roots []int
	for i := 0; i < n; i++ {
		if _, ok := index[parent(i)]; ok && parent(i) != id(i) {
			kids[parent(i)] = append(kids[parent(i)], i)
		} else {
			roots = append(roots, i)
		}
	}
	seen := make([]bool, n)
	var walk func(i, d int)
	walk = func(i, d int) {
		if seen[i] {
			return
		}
		seen[i] = true
		order, depth = append(order, i), append(depth, d)
		for _, k := range kids[id(i)] {
			walk(k, d+1)
		}
	}
	for _, i := range roots {
		walk(i, 0)
	}
	for i := 0; i < n; i++ { // members of a parent cycle are reachable from no root
		walk(i, 0)
	}
	return order, depth
}
