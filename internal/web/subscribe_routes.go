package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/subscriptions"
)

// subscribePage is the data of public/subscribe.html: a form, a link's button, or a message.
type subscribePage struct {
	Mode       string // "form", "signin", "button" or "message"
	Heading    string
	Paragraphs []string
	Error      string
	Errors     map[string]string
	Email      string
	Return     string
	Action     string
	Button     string
	Token      string
	Links      []link
}

func (s *Server) subscribePage(w http.ResponseWriter, r *http.Request, status int, pg *subscribePage) {
	v := s.baseView(r, nil)
	v.Title, v.Robots, v.Data = pg.Heading, "noindex", pg
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, status, "public/subscribe", v)
}

// lang is the site language for a page built before the site's settings are at hand.
func (s *Server) lang(r *http.Request) string {
	st, err := s.site(r.Context())
	if err != nil {
		return ""
	}
	return st.Language
}

func (s *Server) subscriptionsOff(w http.ResponseWriter, r *http.Request) bool {
	if s.Subscriptions.Enabled() {
		return false
	}
	s.subscribePage(w, r, http.StatusNotFound, &subscribePage{Mode: "message", Heading: "Subscriptions are not available",
		Paragraphs: []string{"This site does not send email yet, so it cannot take subscriptions."}, Links: []link{{"Go to the home page", "/"}}})
	return true
}

// linkError shows why an emailed link did not work, with the way to a new one.
func (s *Server) linkError(w http.ResponseWriter, r *http.Request, err error) {
	if !subscriptions.IsBadLink(err) {
		s.fail(w, r, err)
		return
	}
	s.subscribePage(w, r, http.StatusGone, &subscribePage{Mode: "message", Heading: "This link does not work",
		Error: broadside.ErrorMessage(err),
		Links: []link{{"Subscribe", "/subscribe/"}, {"Sign in with a new link", "/subscribe/signin"}}})
}

// GET /subscribe/
func (s *Server) handleSubscribeForm(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	st, _ := s.site(r.Context())
	lang := s.lang(r)
	name := i18n.T(lang, "this site")
	if st != nil {
		name = st.Title
	}
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "form", Heading: i18n.T(lang, "Subscribe to %s", name),
		Paragraphs: []string{"Get new posts by email and read everything on the site, including posts for subscribers. It costs nothing, and every email has a link to leave with one click.",
			"We will send you a link to confirm your address; nothing else arrives until you click it."},
		Action: "/subscribe", Button: "Subscribe", Return: localPath(r.URL.Query().Get("return"))})
	return nil
}

// POST /subscribe
func (s *Server) handleSubscribe(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read.")
		return nil
	}
	f := r.PostForm
	ret := localPath(f.Get("return"))
	err := s.Subscriptions.Subscribe(r.Context(), subscriptions.Request{Email: f.Get("email"), IP: ClientIP(r), Return: ret, Honeypot: f.Get("website_hp")})
	if err != nil {
		pg := &subscribePage{Mode: "form", Heading: "Subscribe", Action: "/subscribe", Button: "Subscribe", Email: f.Get("email"), Return: ret,
			Error: broadside.ErrorMessage(err), Errors: broadside.ErrorFields(err)}
		s.subscribePage(w, r, statusOf(err), pg)
		return nil
	}
	redirect(w, r, "/subscribe/sent")
	return nil
}

// GET /subscribe/sent
// The same answer for every address: whether it was new, waiting, subscribed or gone is
// told only to its inbox.
func (s *Server) handleSubscribeSent(w http.ResponseWriter, r *http.Request) error {
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "message", Heading: "Check your inbox",
		Paragraphs: []string{"We have sent you an email. Click the link in it to confirm your subscription; the link works for 48 hours.",
			"If nothing arrives within a few minutes, look in your spam folder, or try again."},
		Links: []link{{"Back to the home page", "/"}}})
	return nil
}

// linkPage serves the GET side of an emailed link: a page whose button POSTs the token. An
// intact link shows the button; a forged or damaged one says so.
func (s *Server) linkPage(kind, heading, button, action string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		tok := r.URL.Query().Get("t")
		if s.Subscriptions == nil || !s.Subscriptions.CheckLink(kind, tok) {
			s.linkError(w, r, subscriptions.ErrBadLink)
			return nil
		}
		s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "button", Heading: heading, Action: action, Button: button, Token: tok})
		return nil
	}
}

// POST /subscribe/confirm
func (s *Server) handleConfirm(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	_, session, ret, err := s.Subscriptions.Confirm(r.Context(), r.FormValue("t"), ClientIP(r))
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	s.setCookie(w, r, cookieReader, session, subscriptions.SessionTTL)
	s.flash(w, r, "Thank you: you are subscribed. You can now read everything on the site.")
	if ret == "" {
		ret = "/subscribe/profile"
	}
	redirect(w, r, ret)
	return nil
}

// GET /subscribe/signin
func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	pg := &subscribePage{Mode: "signin", Heading: "Sign in", Action: "/subscribe/signin", Button: "Email me a sign-in link",
		Return:     localPath(r.URL.Query().Get("return")),
		Paragraphs: []string{"Subscribers sign in with a link sent by email: no password to remember. Enter the address you subscribed with."}}
	if r.URL.Query().Has("sent") {
		pg = &subscribePage{Mode: "message", Heading: "Check your inbox",
			Paragraphs: []string{"If that address is subscribed, a sign-in link is on its way. It works once, for 30 minutes.",
				"Not subscribed yet? You will receive a link to confirm a subscription instead."}}
	}
	s.subscribePage(w, r, http.StatusOK, pg)
	return nil
}

// POST /subscribe/signin
func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	ret := localPath(r.FormValue("return"))
	err := s.Subscriptions.RequestSignIn(r.Context(), subscriptions.Request{Email: r.FormValue("email"), IP: ClientIP(r), Return: ret, Honeypot: r.FormValue("website_hp")})
	if err != nil {
		s.subscribePage(w, r, statusOf(err), &subscribePage{Mode: "signin", Heading: "Sign in", Action: "/subscribe/signin", Button: "Email me a sign-in link",
			Email: r.FormValue("email"), Return: ret, Error: broadside.ErrorMessage(err), Errors: broadside.ErrorFields(err)})
		return nil
	}
	redirect(w, r, "/subscribe/signin?sent=1")
	return nil
}

// POST /subscribe/signin/confirm
func (s *Server) handleSignInConfirm(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	_, session, ret, err := s.Subscriptions.CompleteSignIn(r.Context(), r.FormValue("t"))
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	s.setCookie(w, r, cookieReader, session, subscriptions.SessionTTL)
	s.flash(w, r, "You are signed in.")
	if ret == "" {
		ret = "/"
	}
	redirect(w, r, ret)
	return nil
}

// POST /subscribe/signout
func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) error {
	if ck, err := r.Cookie(cookieReader); err == nil && s.Subscriptions != nil {
		if err := s.Subscriptions.SignOut(r.Context(), ck.Value); err != nil {
			s.Log.Error("reader sign-out failed", "request_id", requestID(r), "err", err)
		}
	}
	s.setCookie(w, r, cookieReader, "", -1)
	redirect(w, r, "/")
	return nil
}

// GET /subscribe/unsubscribe?t=…
func (s *Server) handleUnsubscribeForm(w http.ResponseWriter, r *http.Request) error {
	if s.Subscriptions == nil {
		return errNotFound
	}
	tok := r.URL.Query().Get("t")
	sub, err := s.Subscriptions.UnsubscribeTarget(r.Context(), tok)
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	if sub.Status == broadside.SubscriberUnsubscribed {
		s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "message", Heading: "You are unsubscribed",
			Paragraphs: []string{i18n.T(s.lang(r), "%s does not receive anything from this site.", sub.Email)}, Links: []link{{"Subscribe again", "/subscribe/"}}})
		return nil
	}
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "button", Heading: "Unsubscribe",
		Paragraphs: []string{i18n.T(s.lang(r), "Stop sending newsletters to %s?", sub.Email)}, Action: "/subscribe/unsubscribe", Button: "Unsubscribe", Token: tok})
	return nil
}

// POST /subscribe/unsubscribe
// The button on the page above, and the one-click unsubscribe of RFC 8058: mailbox providers
// POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL (its token in the query).
// The token authenticates the request, so it needs no same-origin check (middleware.go).
func (s *Server) handleUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if s.Subscriptions == nil {
		return errNotFound
	}
	oneClick := r.FormValue("List-Unsubscribe") == "One-Click"
	sub, err := s.Subscriptions.Unsubscribe(r.Context(), r.FormValue("t"))
	if oneClick {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err != nil {
			http.Error(w, broadside.ErrorMessage(err), statusOf(err))
			return nil
		}
		_, _ = w.Write([]byte("Unsubscribed.\n"))
		return nil
	}
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	if r2 := currentReader(r); r2 != nil && r2.ID == sub.ID {
		s.setCookie(w, r, cookieReader, "", -1)
	}
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "message", Heading: "You are unsubscribed",
		Paragraphs: []string{i18n.T(s.lang(r), "%s will not receive any more newsletters. We are sorry to see you go.", sub.Email)},
		Links:      []link{{"Subscribe again", "/subscribe/"}, {"Go to the home page", "/"}}})
	return nil
}

// POST /subscribe/comments/confirm
func (s *Server) handleCommentsConfirm(w http.ResponseWriter, r *http.Request) error {
	if s.subscriptionsOff(w, r) {
		return nil
	}
	p, err := s.Subscriptions.ConfirmComments(r.Context(), r.FormValue("t"))
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	st.categories(r.Context(), s)
	s.flash(w, r, "Done: you will be told by email about new comments here.")
	redirect(w, r, st.PostPath(p)+"#comments")
	return nil
}

// POST /subscribe/comments/stop
// The token authenticates it; mail clients' one-click POST lands here too.
func (s *Server) handleCommentsStop(w http.ResponseWriter, r *http.Request) error {
	if s.Subscriptions == nil {
		return errNotFound
	}
	p, err := s.Subscriptions.StopCommentNotices(r.Context(), r.FormValue("t"))
	if r.FormValue("List-Unsubscribe") == "One-Click" {
		if err != nil {
			http.Error(w, broadside.ErrorMessage(err), statusOf(err))
			return nil
		}
		_, _ = w.Write([]byte("Unsubscribed.\n"))
		return nil
	}
	if err != nil {
		s.linkError(w, r, err)
		return nil
	}
	lang := s.lang(r)
	title := p.Title
	if title == "" {
		title = i18n.T(lang, "this post")
	}
	s.subscribePage(w, r, http.StatusOK, &subscribePage{Mode: "message", Heading: "Notifications stopped",
		Paragraphs: []string{i18n.T(lang, "You will not receive any more emails about comments on “%s”.", title)}, Links: []link{{"Go to the home page", "/"}}})
	return nil
}

// localPath keeps a return path only when it is a path on this site (and not the admin).
func localPath(p string) string {
	if p == "" || len(p) > 1000 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t ") ||
		strings.HasPrefix(p, "/admin") {
		return ""
	}
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return p
}
