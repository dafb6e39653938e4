package web

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// Moderation at scale, the moderator's side: reports and ban buttons on queue rows, bans
// listed and lifted, undo after a bulk action, and emptying the spam and the trash.

// undoLifetime is how long the Undo button of a bulk action works.
const undoLifetime = 10 * time.Minute

// banAction is one "Ban …" button of a queue row.
type banAction struct {
	Kind, Bits, Label string
}

// decorateRows adds the reader reports and the ban buttons to queue rows.
func (s *Server) decorateRows(ctx context.Context, rows []commentRow, src []broadside.CommentRow) {
	ids := make([]int64, len(src))
	for i := range src {
		ids[i] = src[i].ID
	}
	reports, err := s.Comments.Reports(ctx, ids)
	if err != nil {
		s.Log.Warn("reports unavailable", "err", err)
	}
	st, _ := s.site(ctx)
	for i := range rows {
		c := &src[i].Comment
		rows[i].Reports = len(reports[c.ID])
		for _, t := range reports[c.ID] {
			if st != nil {
				t = st.Local(t)
			}
			rows[i].ReportTimes = append(rows[i].ReportTimes, formatDateTime(t))
		}
		rows[i].Codes = c.ModerationCodes
		if c.UserID != 0 {
			continue // a signed-in user is managed in Users, not banned from a comment
		}
		if c.AuthorEmail != "" {
			rows[i].Bans = append(rows[i].Bans, banAction{"email", "", "Ban e-mail"})
		}
		if strings.TrimSpace(c.AuthorName) != "" {
			rows[i].Bans = append(rows[i].Bans, banAction{"name", "", "Ban name"})
		}
		if a, err := netip.ParseAddr(c.AuthorIP); err == nil {
			rows[i].Bans = append(rows[i].Bans, banAction{"ip", "", "Ban IP"})
			if a.Unmap().Is4() {
				rows[i].Bans = append(rows[i].Bans, banAction{"ip", "24", "Ban IP range /24"})
			} else {
				rows[i].Bans = append(rows[i].Bans, banAction{"ip", "64", "Ban IP range /64"})
			}
		}
	}
}

// POST /admin/comments/{id}/ban
func (s *Server) handleCommentBan(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	back := safeReturn(r.PostForm.Get("return"), "/admin/comments")
	b, err := s.Comments.BanFromComment(r.Context(), id, broadside.BanKind(r.PostForm.Get("kind")), r.PostForm.Get("bits"), u)
	if err != nil {
		if statusOf(err) >= 500 || statusOf(err) == http.StatusForbidden {
			return err
		}
		s.flash(w, r, broadside.ErrorMessage(err))
		redirect(w, r, back)
		return nil
	}
	s.flashLink(w, r, "Banned "+b.Value+": their next comments go to spam.", "See all bans", "/admin/comments/bans")
	redirect(w, r, back)
	return nil
}

// bansData is the bans screen.
type bansData struct {
	adminPage
	Bans        []banRow
	Kind, Value string
	Note        string
}

type banRow struct {
	ID                int64
	Kind, Value, Note string
	Date              string
}

// GET /admin/comments/bans
func (s *Server) handleBanList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderBans(w, r, u, http.StatusOK, &bansData{Kind: "email"})
}

func (s *Server) renderBans(w http.ResponseWriter, r *http.Request, u *broadside.User, status int, d *bansData) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	bans, err := s.Comments.Bans(r.Context(), u)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "comments", "Banned commenters")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for _, b := range bans {
		d.Bans = append(d.Bans, banRow{ID: b.ID, Kind: string(b.Kind), Value: b.Value, Note: b.Note, Date: formatDateTime(v.Site.Local(b.CreatedAt))})
	}
	v.Data = d
	s.page(w, r, status, "admin/bans", v)
	return nil
}

// POST /admin/comments/bans
func (s *Server) handleBanCreate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	d := &bansData{Kind: r.PostForm.Get("kind"), Value: r.PostForm.Get("value"), Note: r.PostForm.Get("note")}
	b, err := s.Comments.Ban(r.Context(), broadside.BanKind(d.Kind), d.Value, d.Note, u)
	if err != nil {
		if statusOf(err) >= 500 || statusOf(err) == http.StatusForbidden {
			return err
		}
		d.formErr(err)
		return s.renderBans(w, r, u, statusOf(err), d)
	}
	s.flash(w, r, "Banned "+b.Value+".")
	redirect(w, r, "/admin/comments/bans")
	return nil
}

// POST /admin/comments/bans/{id}/delete
func (s *Server) handleBanDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Comments.Unban(r.Context(), id, u); err != nil {
		return err
	}
	s.flash(w, r, "Ban lifted.")
	redirect(w, r, "/admin/comments/bans")
	return nil
}

// undoToken signs a bulk change so that its Undo button can revert it: the new status, the
// earlier status of each comment, and when the offer ends.
func (s *Server) undoToken(to broadside.CommentStatus, prev map[int64]broadside.CommentStatus) string {
	if len(prev) == 0 {
		return ""
	}
	parts := make([]string, 0, len(prev))
	for id, st := range prev {
		parts = append(parts, strconv.FormatInt(id, 10)+":"+string(st))
	}
	return s.sign("undo", strconv.FormatInt(s.Now().Add(undoLifetime).Unix(), 10)+"|"+string(to)+"|"+strings.Join(parts, ","))
}

// readUndo checks an undo token: signed here and not expired.
func (s *Server) readUndo(token string) (broadside.CommentStatus, map[int64]broadside.CommentStatus, bool) {
	v, ok := s.verify("undo", token)
	if !ok {
		return "", nil, false
	}
	f := strings.SplitN(v, "|", 3)
	if len(f) != 3 {
		return "", nil, false
	}
	exp, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || s.Now().Unix() > exp {
		return "", nil, false
	}
	prev := map[int64]broadside.CommentStatus{}
	for _, p := range strings.Split(f[2], ",") {
		id, st, _ := strings.Cut(p, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if err == nil {
			prev[n] = broadside.CommentStatus(st)
		}
	}
	return broadside.CommentStatus(f[1]), prev, true
}

// cookieUndo carries the undo token of a bulk action to the queue page it redirects to, once,
// like the flash: the token never appears in an address (history, Referer).
const cookieUndo = "bs_undo"

// offerUndo keeps the token of the bulk action just done for the next queue page.
func (s *Server) offerUndo(w http.ResponseWriter, r *http.Request, token string) {
	if token != "" {
		s.setCookie(w, r, cookieUndo, base64.RawURLEncoding.EncodeToString([]byte(token)), undoLifetime)
	}
}

// takeUndo returns the undo token offered to this page, if still valid, and forgets it.
func (s *Server) takeUndo(w http.ResponseWriter, r *http.Request) string {
	ck, err := r.Cookie(cookieUndo)
	if err != nil {
		return ""
	}
	s.setCookie(w, r, cookieUndo, "", -1)
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil {
		return ""
	}
	if _, _, ok := s.readUndo(string(b)); !ok {
		return ""
	}
	return string(b)
}

// POST /admin/comments/undo
func (s *Server) handleCommentUndo(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	back := safeReturn(r.PostForm.Get("return"), "/admin/comments")
	to, prev, ok := s.readUndo(r.PostForm.Get("undo"))
	if !ok {
		s.flash(w, r, "That action can no longer be undone.")
		redirect(w, r, back)
		return nil
	}
	n, err := s.Comments.Revert(r.Context(), prev, to, u)
	if err != nil {
		return err
	}
	s.flash(w, r, "Undone: "+plural(n, "comment", "comments")+" restored to where "+pluralWord(n, "it was", "they were")+".")
	redirect(w, r, back)
	return nil
}

// emptyData is the confirmation of "Empty spam" / "Empty trash".
type emptyData struct {
	adminPage
	Status broadside.CommentStatus
	Label  string
	Count  int
}

func emptyStatus(v string) (broadside.CommentStatus, bool) {
	st := broadside.CommentStatus(v)
	return st, st == broadside.CommentSpam || st == broadside.CommentTrash
}

// GET /admin/comments/empty?status=spam|trash
func (s *Server) handleCommentEmptyConfirm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanModerate() {
		return errForbidden(msgNeedModerate)
	}
	st, ok := emptyStatus(r.URL.Query().Get("status"))
	if !ok {
		return broadside.Errorf(broadside.ENOTFOUND, "Only the spam and the trash can be emptied.")
	}
	counts, err := s.Comments.Counts(r.Context())
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "comments", "Empty "+strings.ToLower(statusLabels[st]))
	v.Data = &emptyData{adminPage: ap, Status: st, Label: strings.ToLower(statusLabels[st]), Count: counts[st]}
	s.page(w, r, http.StatusOK, "admin/comments_empty", v)
	return nil
}

// POST /admin/comments/empty
func (s *Server) handleCommentEmpty(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	st, ok := emptyStatus(r.PostForm.Get("status"))
	if !ok {
		return broadside.Errorf(broadside.EINVALID, "Only the spam and the trash can be emptied.")
	}
	n, err := s.Comments.Empty(r.Context(), st, u)
	if err != nil {
		return err
	}
	s.flash(w, r, plural(n, "comment", "comments")+" deleted permanently.")
	redirect(w, r, "/admin/comments?status="+string(st))
	return nil
}
