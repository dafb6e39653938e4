package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

const commentsPerAdminPage = 20

// commentRow is one comment in the moderation queue, every string ready for the template.
type commentRow struct {
	ID                      int64
	Author, Email, URL, IP  string
	Avatar                  string // comments.Service.Avatar, as the discussion shows it
	Date                    string
	Status                  broadside.CommentStatus
	Kind                    string
	Reason                  string // why a held or spam comment was not published
	Body                    template.HTML
	PostID                  int64
	PostTitle, PostURL      string
	CommentURL              string
	InReplyTo, InReplyToURL string
	Actions                 []rowAction
	CanReply                bool
	EditURL, ReplyURL       string
	// Return is where the row's action forms come back to; Bulk shows the row's checkbox.
	Return string
	Bulk   bool
	// Reports is how many readers reported the comment; Bans are its "Ban …" buttons
	// (admin_moderation.go).
	Reports     int
	ReportTimes []string // when each reader reported it, oldest first
	Bans        []banAction
	Codes       []string // the moderation reason's machine codes
	// Remote is the fediverse author's @user@host (their actor id when no handle is known)
	// for a comment that arrived over ActivityPub; "" for comments written here.
	Remote string
}

// rowAction is one of the small POST buttons of a queue row.
type rowAction struct{ Action, Label string }

// Moderation actions: the bulk select and the row buttons share these names.
var commentActions = map[string]broadside.CommentStatus{
	"approve":   broadside.CommentApproved,
	"unapprove": broadside.CommentPending,
	"spam":      broadside.CommentSpam,
	"trash":     broadside.CommentTrash,
	"restore":   broadside.CommentPending, // out of spam or trash, back to the queue
}

var actionDone = map[string]string{
	"approve": "approved", "unapprove": "moved back to pending", "spam": "marked as spam",
	"trash": "moved to the trash", "restore": "restored to pending", "delete": "deleted permanently",
}

// actionsFor lists the row actions WordPress offers for a comment in status st.
func actionsFor(st broadside.CommentStatus) []rowAction {
	switch st {
	case broadside.CommentPending:
		return []rowAction{{"approve", "Approve"}, {"spam", "Spam"}, {"trash", "Trash"}}
	case broadside.CommentApproved:
		return []rowAction{{"unapprove", "Unapprove"}, {"spam", "Spam"}, {"trash", "Trash"}}
	case broadside.CommentSpam:
		return []rowAction{{"restore", "Not spam"}, {"delete", "Delete permanently"}}
	default:
		return []rowAction{{"restore", "Restore"}, {"delete", "Delete permanently"}}
	}
}

// commentRows prepares queue rows, loading each post and replied-to comment once.
func (s *Server) commentRows(ctx context.Context, st *site, rows []broadside.CommentRow, ret string) []commentRow {
	st.categories(ctx, s)
	postURL := map[int64]string{}
	parents := map[int64]*broadside.Comment{}
	out := make([]commentRow, 0, len(rows))
	for _, c := range rows {
		id := strconv.FormatInt(c.ID, 10)
		cr := commentRow{ID: c.ID, Author: displayName(&c.Comment), Email: c.AuthorEmail, IP: c.AuthorIP,
			Avatar: s.Comments.Avatar(&c.Comment, st.Discussion, avatarSize),
			Date:   formatDateTime(st.Local(c.CreatedAt)), Status: c.Status, Kind: c.Kind, Body: s.Render.Comment(c.RawBody),
			Reason: c.ModerationReason,
			PostID: c.PostID, PostTitle: c.PostTitle, Actions: actionsFor(c.Status),
			CanReply: c.Status == broadside.CommentPending || c.Status == broadside.CommentApproved, Return: ret,
			EditURL:  "/admin/comments/" + id + "?return=" + url.QueryEscape(ret),
			ReplyURL: "/admin/comments/" + id + "/reply?return=" + url.QueryEscape(ret)}
		if broadside.IsHTTPURL(c.AuthorURL) {
			cr.URL = c.AuthorURL
		}
		if c.Remote() {
			cr.Remote = cmp.Or(c.RemoteHandle, c.RemoteActor)
		}
		if cr.PostTitle == "" {
			cr.PostTitle = "(no title)"
		}
		pu, ok := postURL[c.PostID]
		if !ok {
			if p, err := s.Posts.Get(ctx, c.PostID); err == nil {
				pu = st.PostPath(p)
			}
			postURL[c.PostID] = pu
		}
		cr.PostURL = pu
		if pu != "" {
			cr.CommentURL = pu + "#comment-" + id
		}
		if c.ParentID != 0 {
			par, ok := parents[c.ParentID]
			if !ok {
				par, _ = s.Comments.Get(ctx, c.ParentID)
				parents[c.ParentID] = par
			}
			if par != nil {
				cr.InReplyTo = displayName(par)
				if pu != "" {
					cr.InReplyToURL = pu + "#comment-" + strconv.FormatInt(par.ID, 10)
				}
			}
		}
		out = append(out, cr)
	}
	s.decorateRows(ctx, out, rows)
	return out
}

// commentTab is one status tab of the queue.
type commentTab struct {
	Status     broadside.CommentStatus
	Label, URL string
	Count      int
	Current    bool
}

// commentsData is the moderation queue.
type commentsData struct {
	adminPage
	Status      broadside.CommentStatus
	Tabs        []commentTab
	Rows        []commentRow
	Query       string
	PostID      int64
	PostTitle   string
	Total       int
	Pager       pager
	Return      string
	BulkActions []rowAction
	// Undo is the token of the bulk action just done, for its Undo button; CanEmpty offers
	// "Empty spam" / "Empty trash".
	Undo     string
	CanEmpty bool
}

var statusLabels = map[broadside.CommentStatus]string{
	broadside.CommentPending: "Pending", broadside.CommentApproved: "Approved",
	broadside.CommentSpam: "Spam", broadside.CommentTrash: "Trash",
}

// GET /admin/comments?status=pending|approved|spam|trash&q=&post=&page=
func (s *Server) handleCommentList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	ctx := r.Context()
	q := r.URL.Query()
	d := &commentsData{Status: broadside.CommentStatus(q.Get("status")), Query: strings.TrimSpace(q.Get("q"))}
	if !broadside.ValidCommentStatus(d.Status) {
		d.Status = broadside.CommentPending
	}
	d.PostID, _ = strconv.ParseInt(q.Get("post"), 10, 64)
	page := pageParam(r)
	rows, total, err := s.Comments.Queue(ctx, broadside.CommentFilter{Status: d.Status, PostID: d.PostID, Search: d.Query,
		Limit: commentsPerAdminPage, Offset: (page - 1) * commentsPerAdminPage})
	if err != nil {
		return err
	}
	counts, err := s.Comments.Counts(ctx)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "comments", "Comments")
	d.adminPage = ap
	d.Return = r.URL.RequestURI()
	d.Undo = s.takeUndo(w, r)
	_, d.CanEmpty = emptyStatus(string(d.Status))
	d.Total = total
	d.Pager = adminPager(r, page, total, commentsPerAdminPage)
	for _, st := range broadside.CommentStatuses {
		tq := url.Values{"status": {string(st)}}
		if d.Query != "" {
			tq.Set("q", d.Query)
		}
		if d.PostID != 0 {
			tq.Set("post", strconv.FormatInt(d.PostID, 10))
		}
		d.Tabs = append(d.Tabs, commentTab{Status: st, Label: statusLabels[st], URL: "/admin/comments?" + tq.Encode(),
			Count: counts[st], Current: st == d.Status})
	}
	if d.PostID != 0 {
		if p, err := s.Posts.Get(ctx, d.PostID); err == nil {
			d.PostTitle = p.Title
		}
	}
	d.Rows = s.commentRows(ctx, v.Site, rows, d.Return)
	for i := range d.Rows {
		d.Rows[i].Bulk = true
	}
	d.BulkActions = actionsFor(d.Status)
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/comments", v)
	return nil
}

// formIDs reads the ids of a bulk form, accepting ids and PHP-style ids[].
func formIDs(f url.Values) []int64 {
	var ids []int64
	for _, k := range []string{"ids", "ids[]"} {
		for _, v := range f[k] {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n > 0 {
				ids = append(ids, n)
			}
		}
	}
	return ids
}

// POST /admin/comments/bulk
// The row buttons post here too, with a single id.
func (s *Server) handleCommentBulk(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	ctx := r.Context()
	back := safeReturn(r.PostForm.Get("return"), "/admin/comments")
	ids := formIDs(r.PostForm)
	action := r.PostForm.Get("action")
	if len(ids) == 0 {
		s.flash(w, r, "Select at least one comment.")
		redirect(w, r, back)
		return nil
	}
	var n int
	var err error
	if action == "delete" {
		for _, id := range ids {
			if err = s.Comments.Delete(ctx, id, u); err != nil {
				break
			}
			n++
		}
	} else if st, ok := commentActions[action]; ok {
		var prev map[int64]broadside.CommentStatus
		n, prev, err = s.Comments.SetStatusUndoable(ctx, ids, st, u)
		if err == nil {
			s.offerUndo(w, r, s.undoToken(st, prev))
		}
	} else {
		s.flash(w, r, "Choose an action to apply.")
		redirect(w, r, back)
		return nil
	}
	if err != nil && statusOf(err) >= 500 {
		return err
	}
	msg := plural(n, "comment", "comments") + " " + actionDone[action] + "."
	if err != nil {
		msg += " " + broadside.ErrorMessage(err)
	}
	s.flash(w, r, msg)
	redirect(w, r, back)
	return nil
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// commentEditData is the comment edit form and the reply form.
type commentEditData struct {
	adminPage
	ID                       int64
	Author, Email, URL, Body string
	Status                   broadside.CommentStatus
	Statuses                 []commentTab
	Return                   string
	Row                      commentRow
}

func (s *Server) loadComment(r *http.Request, u *broadside.User) (*broadside.Comment, error) {
	return loadForModerator(r, u, s.Comments.Get)
}

// GET /admin/comments/{id}
func (s *Server) handleCommentEdit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadComment(r, u)
	if err != nil {
		return err
	}
	d := &commentEditData{ID: c.ID, Author: c.AuthorName, Email: c.AuthorEmail, URL: c.AuthorURL, Body: c.RawBody,
		Status: c.Status, Return: safeReturn(r.URL.Query().Get("return"), "/admin/comments?status="+string(c.Status))}
	s.renderCommentForm(w, r, c, "comment", http.StatusOK, d)
	return nil
}

func (s *Server) renderCommentForm(w http.ResponseWriter, r *http.Request, c *broadside.Comment, tmpl string, status int, d *commentEditData) {
	ctx := r.Context()
	title := "Edit comment"
	if tmpl == "reply" {
		title = "Reply to comment"
	}
	v, ap := s.adminView(w, r, "comments", title)
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for _, st := range broadside.CommentStatuses {
		d.Statuses = append(d.Statuses, commentTab{Status: st, Label: statusLabels[st], Current: st == d.Status})
	}
	row := broadside.CommentRow{Comment: *c}
	if p, err := s.Posts.Get(ctx, c.PostID); err == nil {
		row.PostTitle = p.Title
	}
	if rows := s.commentRows(ctx, v.Site, []broadside.CommentRow{row}, d.Return); len(rows) == 1 {
		d.Row = rows[0]
	}
	v.Data = d
	s.page(w, r, status, "admin/"+tmpl, v)
}

// bodyErrors shows the comment validator's "comment" message on the form's body field.
func bodyErrors(err error) error {
	fields := broadside.ErrorFields(err)
	if m, ok := fields["comment"]; ok {
		nf := map[string]string{"body": m}
		for k, v := range fields {
			if k != "comment" {
				nf[k] = v
			}
		}
		return &broadside.Error{Code: broadside.ErrorCode(err), Message: broadside.ErrorMessage(err), Fields: nf}
	}
	return err
}

// POST /admin/comments/{id}
func (s *Server) handleCommentUpdate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadComment(r, u)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	d := &commentEditData{ID: c.ID, Author: f.Get("author"), Email: f.Get("email"), URL: f.Get("url"), Body: f.Get("body"),
		Status: broadside.CommentStatus(f.Get("status")), Return: safeReturn(f.Get("return"), "/admin/comments")}
	_, err = s.Comments.Update(r.Context(), c.ID, commentsEdit(d), u)
	if err != nil {
		if statusOf(err) >= 500 || statusOf(err) == http.StatusNotFound {
			return err
		}
		d.formErr(bodyErrors(err))
		s.renderCommentForm(w, r, c, "comment", statusOf(err), d)
		return nil
	}
	s.flash(w, r, "Comment updated.")
	redirect(w, r, d.Return)
	return nil
}

func commentsEdit(d *commentEditData) comments.Edit {
	return comments.Edit{Author: d.Author, Email: d.Email, URL: d.URL, Body: d.Body, Status: d.Status}
}

// GET /admin/comments/{id}/reply
func (s *Server) handleCommentReplyForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadComment(r, u)
	if err != nil {
		return err
	}
	d := &commentEditData{ID: c.ID, Status: c.Status,
		Return: safeReturn(r.URL.Query().Get("return"), "/admin/comments?status="+string(c.Status))}
	s.renderCommentForm(w, r, c, "reply", http.StatusOK, d)
	return nil
}

// POST /admin/comments/{id}/reply
func (s *Server) handleCommentReply(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadComment(r, u)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	d := &commentEditData{ID: c.ID, Status: c.Status, Body: r.PostForm.Get("body"),
		Return: safeReturn(r.PostForm.Get("return"), "/admin/comments")}
	reply, err := s.Comments.Reply(r.Context(), c.ID, d.Body, u, ClientIP(r))
	if err != nil {
		if statusOf(err) >= 500 || statusOf(err) == http.StatusNotFound {
			return err
		}
		d.formErr(bodyErrors(err))
		s.renderCommentForm(w, r, c, "reply", statusOf(err), d)
		return nil
	}
	msg := "Reply published."
	if c.Status != broadside.CommentApproved {
		msg = "Reply published, and the comment it answers was approved."
	}
	st, err := s.site(r.Context())
	if err == nil {
		st.categories(r.Context(), s)
		if p, err := s.Posts.Get(r.Context(), reply.PostID); err == nil {
			s.flashLink(w, r, msg, "View reply", st.PostPath(p)+"#comment-"+strconv.FormatInt(reply.ID, 10))
			redirect(w, r, d.Return)
			return nil
		}
	}
	s.flash(w, r, msg)
	redirect(w, r, d.Return)
	return nil
}

// POST /admin/comments/{id}/delete
func (s *Server) handleCommentDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	c, err := s.loadComment(r, u)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	back := safeReturn(r.PostForm.Get("return"), "/admin/comments?status="+string(c.Status))
	if err := s.Comments.Delete(r.Context(), c.ID, u); err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		s.flash(w, r, broadside.ErrorMessage(err))
		redirect(w, r, back)
		return nil
	}
	s.flash(w, r, "Comment deleted permanently.")
	redirect(w, r, back)
	return nil
}
