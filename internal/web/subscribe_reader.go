package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/broadside/broadside"
)

// cookieReader holds a subscriber's session token (the database keeps its hash). It is a
// separate cookie and table from the admin's session: a reader is not a user of the admin, and
// no reader cookie can ever grant anything there. Pages for a signed-in reader are personal,
// so the cookie keeps them out of the shared page cache (cache.go).
const cookieReader = "bs_reader"

type ctxReaderKey struct{}

// withReader resolves the reader cookie, if any, once per request (middleware.go).
func (s *Server) withReader(r *http.Request) *http.Request {
	if s.Subscriptions == nil {
		return r
	}
	ck, err := r.Cookie(cookieReader)
	if err != nil || ck.Value == "" {
		return r
	}
	sub, err := s.Subscriptions.Reader(r.Context(), ck.Value)
	if err != nil {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), ctxReaderKey{}, sub))
}

// currentReader returns the signed-in, confirmed subscriber or nil.
func currentReader(r *http.Request) *broadside.Subscriber {
	sub, _ := r.Context().Value(ctxReaderKey{}).(*broadside.Subscriber)
	return sub
}

// readerOf is who is reading, for broadside.Access (readerFor adds a post's unlock cookie).
func readerOf(r *http.Request) broadside.Reader {
	if rd, ok := r.Context().Value(previewReaderKey{}).(broadside.Reader); ok {
		return rd // a verified shared preview link (preview.go)
	}
	return broadside.Reader{Subscriber: currentReader(r), User: currentUser(r)}
}

// subscribeView is what every public page knows about subscriptions.
type subscribeView struct {
	Enabled bool                  // the site takes subscriptions (mail is configured)
	Reader  *broadside.Subscriber // the signed-in subscriber, or nil
	Return  string                // this page, to come back to after confirming
}

// subForm is one subscribe form on a page (field ids must be unique per page).
type subForm struct{ ID, Return string }

// Form returns the data of a subscribe form with the given field id.
func (v subscribeView) Form(id string) subForm { return subForm{ID: id, Return: v.Return} }

func (s *Server) subscribeView(r *http.Request) subscribeView {
	return subscribeView{Enabled: s.Subscriptions.Enabled(), Reader: currentReader(r), Return: localPath(r.URL.Path)}
}

// postAccess is what the post page shows under the access rule.
type postAccess struct {
	Full   bool   // the reader may see the whole post
	Locked bool   // a subscriber-only post shown as its teaser
	Body   string // the part of the body to render
	// Supporter readers do not see the support appeal.
	Supporter bool
}

// postAccessFor applies broadside.Access to the reader of r: a visitor gets the teaser of a
// subscriber-only post and never the rest (it is not rendered at all). passLocked is true for
// a password-protected post this reader has not unlocked (LevelLocked: nothing of it shown).
func (s *Server) postAccessFor(r *http.Request, p *broadside.Post) (a postAccess, passLocked bool) {
	rd, now := s.readerFor(r, p), s.Now() // readerFor checks the unlock cookie: once per page
	if broadside.Access(p, rd, now) == broadside.LevelLocked {
		return postAccess{Locked: true}, true
	}
	body, full := broadside.VisibleBody(p, rd, now)
	a = postAccess{Full: full, Locked: !full, Body: body}
	if sub := currentReader(r); sub != nil {
		a.Supporter = sub.Supporter
	}
	return a, false
}

// notifyView is the state of the comment form's notification boxes.
type notifyView struct {
	Enabled      bool
	All, Replies bool
}

// readerProfile is public/reader.html.
type readerProfile struct {
	Reader   *broadside.Subscriber
	Since    string
	Comments []readerCommentSub
}

type readerCommentSub struct {
	PostID      int64
	Title, Path string
	Kind        string
	Confirmed   bool
}

// GET /subscribe/profile
func (s *Server) handleReaderProfile(w http.ResponseWriter, r *http.Request) error {
	sub := currentReader(r)
	if sub == nil {
		redirect(w, r, "/subscribe/signin?return=/subscribe/profile")
		return nil
	}
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	st.categories(ctx, s)
	cs, err := s.Subscriptions.CommentSubscriptions(ctx, sub.Email)
	if err != nil {
		return err
	}
	d := &readerProfile{Reader: sub, Since: st.date(sub.ConfirmedAt)}
	seen := map[int64]int{}
	for _, c := range cs {
		kind := "all new comments"
		if c.CommentID != 0 {
			kind = "replies to your comment"
		}
		if i, ok := seen[c.PostID]; ok {
			d.Comments[i].Kind = "all new comments and replies to you"
			continue
		}
		rc := readerCommentSub{PostID: c.PostID, Title: c.PostTitle, Kind: kind, Confirmed: c.Confirmed}
		if p, err := s.Posts.Get(ctx, c.PostID); err == nil && p.IsPublic(s.Now()) {
			rc.Path = st.PostPath(p)
		}
		seen[c.PostID] = len(d.Comments)
		d.Comments = append(d.Comments, rc)
	}
	v := s.baseView(r, st)
	v.Title, v.Robots, v.Data = "Your subscription", "noindex", d
	v.Flash = s.takeFlash(w, r)
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, http.StatusOK, "public/reader", v)
	return nil
}

// requireReader answers for a reader-only POST without a signed-in reader.
func (s *Server) requireReader(w http.ResponseWriter, r *http.Request) *broadside.Subscriber {
	sub := currentReader(r)
	if sub == nil {
		s.renderError(w, r, http.StatusUnauthorized, "Your sign-in has expired. Sign in again from the subscription page.")
	}
	return sub
}

// POST /subscribe/profile
func (s *Server) handleReaderProfileSave(w http.ResponseWriter, r *http.Request) error {
	sub := s.requireReader(w, r)
	if sub == nil {
		return nil
	}
	if err := s.Subscriptions.SetSupporter(r.Context(), sub, r.FormValue("supporter") != ""); err != nil {
		return err
	}
	if sub.Supporter {
		s.flash(w, r, "Thank you for your support. The appeal will not be shown to you again.")
	} else {
		s.flash(w, r, "Saved.")
	}
	redirect(w, r, "/subscribe/profile")
	return nil
}

// POST /subscribe/profile/comments
func (s *Server) handleReaderStopComments(w http.ResponseWriter, r *http.Request) error {
	sub := s.requireReader(w, r)
	if sub == nil {
		return nil
	}
	postID, err := strconv.ParseInt(r.FormValue("post"), 10, 64)
	if err != nil || postID <= 0 {
		s.renderError(w, r, http.StatusBadRequest, "Choose a discussion to stop following.")
		return nil
	}
	if _, err := s.Subscriptions.StopCommentNoticesFor(r.Context(), postID, sub.Email); err != nil {
		return err
	}
	s.flash(w, r, "You will not receive emails about that discussion any more.")
	redirect(w, r, "/subscribe/profile")
	return nil
}

// POST /subscribe/profile/unsubscribe
func (s *Server) handleReaderUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	sub := s.requireReader(w, r)
	if sub == nil {
		return nil
	}
	if err := s.Subscriptions.UnsubscribeSelf(r.Context(), sub); err != nil {
		return err
	}
	s.setCookie(w, r, cookieReader, "", -1)
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "message", Heading: "You are unsubscribed",
		Paragraphs: []string{fmt.Sprintf("%s will not receive any more newsletters, and this browser is signed out.", sub.Email)},
		Links:      []link{{"Subscribe again", "/subscribe/"}, {"Go to the home page", "/"}}})
	return nil
}
