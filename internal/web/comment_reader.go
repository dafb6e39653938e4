package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

// What a reader can do to a comment besides replying: report it (anyone, no account), and
// correct their own within the edit window. Both are rendered by the "comment-reader"
// template part (_comment_reader.html).
//
// Caching: the Report form is the same for every reader (it carries the page's shared form
// stamp), so it lives in the cached page and the kept discussion (post_discussion.go). The
// edit link belongs to one reader: it is rendered only when the request carries the
// commenter cookie whose key wrote the comment, into a discussion rendered for that request
// alone. Commenting within the edit window sets cookieEditing, which keeps that browser off
// the shared page cache and kept discussions until the window closes.

// ownComment is the edit affordance shown to a comment's proven author.
type ownComment struct {
	EditURL string
	Left    string // "9:12"
}

// reportForm is the Report button under an approved comment.
type reportForm struct {
	Action, Stamp string
}

// decorateComments adds the Report button and, for the author, the edit link, to views.
// own says the rendering is this reader's alone (never kept for others): only then are
// their edit links added.
func (s *Server) decorateComments(r *http.Request, views []*commentView, thread *broadside.Thread, d broadside.Discussion, stamp string, own bool) {
	key := ""
	if _, err := r.Cookie(cookieCommenter); err == nil && own {
		key = s.readCommenter(r).Key
	}
	now := s.Now()
	var walk func([]*commentView)
	walk = func(vs []*commentView) {
		for _, v := range vs {
			if n := thread.Find(v.ID); n != nil {
				c := n.Comment
				id := strconv.FormatInt(c.ID, 10)
				if key != "" {
					if left, ok := comments.EditTimeLeft(c, key, d, now); ok {
						v.Own = &ownComment{EditURL: "/comments/edit/" + id, Left: minSec(left)}
					}
				}
				if comments.Reportable(c, d) && v.Own == nil {
					v.Report = &reportForm{Action: "/comments/report/" + id, Stamp: stamp}
				}
			}
			walk(v.Children)
		}
	}
	walk(views)
}

// minSec formats a time left as m:ss.
func minSec(d time.Duration) string {
	sec := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// commentPathFor returns the public address of comment c on its post's right comment page.
func (s *Server) commentPathFor(r *http.Request, c *broadside.Comment) (string, error) {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return "", err
	}
	st.categories(ctx, s)
	post, err := s.Posts.Get(ctx, c.PostID)
	if err != nil {
		return "", err
	}
	page, err := s.Comments.PageOf(ctx, post, c.ID, st.Discussion, append(s.pendingIDs(r), c.ID))
	if err != nil {
		page = 1
	}
	return st.CommentPath(st.PostPath(post), page, 0, c.ID), nil
}

// POST /comments/report/{id}
func (s *Server) handleCommentReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	c, err := s.Comments.Get(r.Context(), id)
	if err != nil {
		return err
	}
	back, perr := s.commentPathFor(r, c)
	if perr != nil {
		return perr
	}
	res, err := s.Comments.Report(r.Context(), id, ClientIP(r), r.PostForm.Get("ts"))
	if err != nil {
		if statusOf(err) >= 500 {
			return err
		}
		s.flash(w, r, broadside.ErrorMessage(err))
		redirect(w, r, back)
		return nil
	}
	if res.Held {
		back, _, _ = strings.Cut(back, "#")
		back += "#comments"
	}
	s.flash(w, r, comments.ReportedMessage())
	redirect(w, r, back)
	return nil
}

// commentEditData is the author's edit form.
type commentEditForm struct {
	ID      int64
	Body    string
	Left    string
	Back    string
	Message string
	Errors  map[string]string
}

// GET /comments/edit/{id}
func (s *Server) handleAuthorEditForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, left, err := s.Comments.EditableComment(r.Context(), id, s.readCommenter(r).Key)
	if err != nil {
		return err
	}
	back, err := s.commentPathFor(r, c)
	if err != nil {
		return err
	}
	return s.renderAuthorEdit(w, r, http.StatusOK, &commentEditForm{ID: id, Body: c.RawBody, Left: minSec(left), Back: back})
}

func (s *Server) renderAuthorEdit(w http.ResponseWriter, r *http.Request, status int, f *commentEditForm) error {
	v := s.baseView(r, nil)
	v.Title = "Edit your comment"
	v.Robots = "noindex, nofollow"
	v.Data = f
	w.Header().Set("Cache-Control", "private, no-store")
	s.page(w, r, status, "public/comment_edit", v)
	return nil
}

// POST /comments/edit/{id}
func (s *Server) handleAuthorEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	key := s.readCommenter(r).Key
	c, err := s.Comments.AuthorEdit(r.Context(), id, key, r.PostForm.Get("comment"))
	if err != nil {
		if statusOf(err) >= 500 || broadside.ErrorCode(err) != broadside.EINVALID {
			return err
		}
		f := &commentEditForm{ID: id, Body: r.PostForm.Get("comment"), Message: fmt.Sprintf("Your change was not saved. %s", broadside.ErrorMessage(err)),
			Errors: broadside.ErrorFields(err)}
		if old, left, lerr := s.Comments.EditableComment(r.Context(), id, key); lerr == nil {
			f.Left = minSec(left)
			f.Back, _ = s.commentPathFor(r, old)
		}
		return s.renderAuthorEdit(w, r, statusOf(err), f)
	}
	back, err := s.commentPathFor(r, c)
	if err != nil {
		return err
	}
	if c.Status == broadside.CommentPending {
		s.addPending(w, r, c.ID) // the author keeps seeing it while a moderator looks
	}
	redirect(w, r, back)
	return nil
}
