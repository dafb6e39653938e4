package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// writingView is what the editor shows of a post's history and safety nets: its autosave
// waiting to be restored, its revisions, its shared preview link and the trash
// (templates/admin/_writing.html).
type writingView struct {
	ID             int64
	Noun           string
	AutosaveURL    string // where editor.js posts autosaves
	Autosave       *revisionRow
	AutosaveLoaded bool // the autosave's text is in the fields now (not saved yet)
	Revisions      int
	RevisionsURL   string
	TrashURL       string
	Trashed        bool
	RestoreURL     string
	Previewable    bool
	ShareURL       string // POST: share (anew)
	RevokeURL      string
	PreviewLink    string // the live shared link, if any
	PreviewExpires string
	// Fediverse likes and boosts, and the page listing who (admin_reactions.go).
	Reactions    broadside.ReactionCounts
	ReactionsURL string
	DeliveryURL  string // the post's fediverse delivery status, for administrators
}

// revisionRow is one revision in the admin.
type revisionRow struct {
	ID         int64
	Author     string
	When       string
	Title      string
	RestoreURL string
	Current    bool
}

// fillWriting adds the writing tools to the editor of the stored post p.
func (s *Server) fillWriting(r *http.Request, d *editorData, p *broadside.Post, u *broadside.User) {
	if p == nil {
		d.Writing = &writingView{Noun: d.Noun, AutosaveURL: "/admin/posts/new/autosave?type=" + string(d.Type)}
		return
	}
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return
	}
	base := "/admin/posts/" + strconv.FormatInt(p.ID, 10)
	wv := &writingView{ID: p.ID, Noun: d.Noun, AutosaveURL: base + "/autosave", RevisionsURL: base + "/revisions",
		TrashURL: base + "/trash", RestoreURL: base + "/restore", Trashed: p.Status == broadside.StatusTrash,
		Previewable: p.Previewable(), ShareURL: base + "/preview-link", RevokeURL: base + "/preview-link/revoke"}
	if revs, err := s.Posts.Revisions(ctx, p.ID, u); err == nil {
		wv.Revisions = len(revs)
	}
	if a, err := s.Posts.PendingAutosave(ctx, p, u); err == nil && a != nil {
		wv.Autosave = &revisionRow{ID: a.ID, When: formatDateTime(st.Local(a.CreatedAt)), Title: a.Title}
	}
	if l, err := s.Posts.PreviewLink(ctx, p.ID); err == nil && wv.Previewable && s.Now().Before(l.ExpiresAt) {
		wv.PreviewLink = st.Abs(s.previewPath(l))
		wv.PreviewExpires = formatDateTime(st.Local(l.ExpiresAt)) + " (" + st.Timezone + ")"
	}
	if s.Federation != nil && p.Type == broadside.TypePost {
		wv.Reactions, wv.ReactionsURL = s.reactionCounts(ctx, p), base+"/reactions"
	}
	if s.Federation != nil && p.Type == broadside.TypePost && u.CanManageSite() && !st.Settings.Federation.Off {
		wv.DeliveryURL = base + "/delivery"
	}
	d.Writing = wv
}

// GET /admin/posts/{id}/revisions?from=&to=
// The post's revisions, newest first, and a comparison of two of them (by default the
// newest and the one before it).
func (s *Server) handleRevisions(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	ctx := r.Context()
	revs, err := s.Posts.Revisions(ctx, p.ID, u)
	if err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	v, ap := s.adminView(w, r, string(p.Type)+"s", "Revisions of the "+noun)
	st := v.Site
	base := "/admin/posts/" + strconv.FormatInt(p.ID, 10)
	d := &revisionsData{adminPage: ap, Noun: noun, Title: p.Title, EditURL: base, URL: base + "/revisions"}
	if d.Title == "" {
		d.Title = "(no title)"
	}
	byID := map[int64]*broadside.Revision{}
	for i := range revs {
		rv := &revs[i]
		byID[rv.ID] = rv
		row := revisionRow{ID: rv.ID, When: formatDateTime(st.Local(rv.CreatedAt)), Title: rv.Title,
			RestoreURL: base + "/revisions/" + strconv.FormatInt(rv.ID, 10) + "/restore", Current: i == 0 && rv.SameContent(p)}
		row.Author = "(removed user)"
		if rv.Author != nil {
			row.Author = rv.Author.Name()
		}
		d.Rows = append(d.Rows, row)
	}
	q := r.URL.Query()
	from, _ := strconv.ParseInt(q.Get("from"), 10, 64)
	to, _ := strconv.ParseInt(q.Get("to"), 10, 64)
	if to == 0 && len(revs) > 0 {
		to = revs[0].ID
	}
	if from == 0 && len(revs) > 1 {
		from = revs[1].ID
	}
	a, b := byID[from], byID[to]
	if (q.Has("from") && a == nil) || (q.Has("to") && b == nil) {
		return broadside.Errorf(broadside.ENOTFOUND, "That revision does not belong to this %s.", noun)
	}
	if b != nil {
		d.From, d.To = from, to
		if a == nil {
			a = &broadside.Revision{}
		}
		d.Compare = []compareField{
			{Label: "Title", Lines: broadside.DiffText(a.TitleSource(), b.TitleSource())},
			{Label: "Body", Lines: broadside.DiffText(a.RawBody, b.RawBody)},
			{Label: "Excerpt", Lines: broadside.DiffText(a.RawExcerpt, b.RawExcerpt)},
		}
	}
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/revisions", v)
	return nil
}

// revisionsData is templates/admin/revisions.html.
type revisionsData struct {
	adminPage
	Noun, Title  string
	EditURL, URL string
	Rows         []revisionRow
	From, To     int64
	Compare      []compareField
}

type compareField struct {
	Label string
	Lines []broadside.DiffLine
}

// POST /admin/posts/{id}/revisions/{rid}/restore
func (s *Server) handleRevisionRestore(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rid, err := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	if err != nil {
		return errNotFound
	}
	p, err := s.Posts.RestoreRevision(r.Context(), id, rid, u)
	if err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	s.flash(w, r, "Revision restored: it is the "+noun+"’s current version now (a new revision keeps what it replaced).")
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(id, 10))
	return nil
}

// autosaveReply is what editor.js reads back from an autosave.
type autosaveReply struct {
	OK      bool   `json:"ok"`
	ID      int64  `json:"id"`
	EditURL string `json:"edit_url,omitempty"`
	SavedAt string `json:"saved_at,omitempty"`
	Kind    string `json:"kind,omitempty"` // "draft": the draft itself; "autosave": kept apart
	Error   string `json:"error,omitempty"`
}

// POST /admin/posts/{id}/autosave
// POST /admin/posts/new/autosave?type=post|page
// Called by editor.js (same-origin fetch, so the cross-origin check guards it like every
// form). A new post becomes a draft on its first autosave, as in WordPress.
func (s *Server) handleAutosave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read; it may be too large.")
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := posts.AutosaveInput{Title: f.Get("title"), Body: f.Get("body"), Excerpt: f.Get("excerpt")}
	var rep autosaveReply
	if r.PathValue("id") == "" {
		typ := postType(r.URL.Query().Get("type"))
		p, err := s.Posts.Save(ctx, 0, posts.Input{Type: typ, Title: in.Title, Body: in.Body, Excerpt: in.Excerpt,
			Status: broadside.StatusDraft, CommentsOpen: f.Get("comments_open") != ""}, u)
		if err != nil {
			return s.autosaveErr(w, err)
		}
		rep = autosaveReply{OK: true, ID: p.ID, Kind: "draft", EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10),
			SavedAt: formatDateTime(st.Local(p.UpdatedAt))}
	} else {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		v, p, err := s.Posts.Autosave(ctx, id, in, u)
		if err != nil {
			return s.autosaveErr(w, err)
		}
		rep = autosaveReply{OK: true, ID: p.ID, Kind: "autosave", SavedAt: formatDateTime(st.Local(v.CreatedAt))}
		if v.ID == 0 {
			rep.Kind = "draft"
		}
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) autosaveErr(w http.ResponseWriter, err error) error {
	code := statusOf(err)
	if code >= 500 {
		return err
	}
	writeJSON(w, code, autosaveReply{Error: broadside.ErrorMessage(err)})
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// POST /admin/posts/{id}/trash
func (s *Server) handlePostTrash(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Posts.Trash(r.Context(), id, u)
	if err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	s.flashLink(w, r, strings.ToUpper(noun[:1])+noun[1:]+" “"+titleOr(p)+"” moved to the trash. It can be restored for "+
		strconv.Itoa(broadside.TrashDays)+" days.", "Open the trash", "/admin/posts?type="+string(p.Type)+"&status=trash")
	redirect(w, r, "/admin/posts?type="+string(p.Type))
	return nil
}

// POST /admin/posts/{id}/restore
func (s *Server) handlePostRestore(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.Posts.Restore(r.Context(), id, u)
	if err != nil {
		return err
	}
	noun, _ := nouns(p.Type)
	s.flash(w, r, strings.ToUpper(noun[:1])+noun[1:]+" “"+titleOr(p)+"” restored from the trash ("+strings.ToLower(statusLabel(p.Status))+").")
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10))
	return nil
}

func titleOr(p *broadside.Post) string {
	if p.Title == "" {
		return "(no title)"
	}
	return p.Title
}

// POST /admin/posts/bulk
// The posts list's bulk actions; each post goes through the posts service, which checks the
// user's capabilities post by post.
func (s *Server) handlePostBulk(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read; it may be too large.")
	}
	f := r.PostForm
	typ := postType(f.Get("type"))
	back := url.Values{"type": {string(typ)}}
	if st := f.Get("status"); st != "" {
		back.Set("status", st)
	}
	var ids []int64
	for _, v := range f["ids"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	cat, _ := strconv.ParseInt(f.Get("category"), 10, 64)
	res, err := s.Posts.Bulk(r.Context(), f.Get("bulk_action"), ids, cat, u)
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		msg := broadside.ErrorMessage(err)
		for _, m := range broadside.ErrorFields(err) { // which field is wrong, in words
			msg = m
		}
		s.flash(w, r, msg)
		redirect(w, r, "/admin/posts?"+back.Encode())
		return nil
	}
	_, pl := nouns(typ)
	msg := strconv.Itoa(res.Done) + " " + pl + " updated."
	if res.Done == 1 {
		noun, _ := nouns(typ)
		msg = "1 " + noun + " updated."
	}
	if len(res.Skipped) > 0 {
		msg += " Skipped " + strings.Join(res.Skipped, "; ")
	}
	s.flash(w, r, msg)
	redirect(w, r, "/admin/posts?"+back.Encode())
	return nil
}

// POST /admin/posts/empty-trash
func (s *Server) handleEmptyTrash(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	typ := postType(r.PostForm.Get("type"))
	n, err := s.Posts.EmptyTrash(r.Context(), typ, u)
	if err != nil {
		return err
	}
	noun, pl := nouns(typ)
	if n == 1 {
		pl = noun
	}
	s.flash(w, r, "Trash emptied: "+strconv.Itoa(n)+" "+pl+" deleted permanently.")
	redirect(w, r, "/admin/posts?type="+string(typ)+"&status=trash")
	return nil
}

// loadAutosave puts u's pending autosave of p into the editor's fields (GET
// /admin/posts/{id}?autosave=1): restoring it is then an ordinary save, so a published post
// changes only when its editor presses Update, as in WordPress.
func (s *Server) loadAutosave(r *http.Request, d *editorData, p *broadside.Post, u *broadside.User) {
	a, err := s.Posts.PendingAutosave(r.Context(), p, u)
	if err != nil || a == nil {
		return
	}
	d.Title, d.Body, d.Excerpt = a.TitleSource(), a.RawBody, a.RawExcerpt
	d.Writing = &writingView{AutosaveLoaded: true}
}
