package web

import (
	"context"
	"strconv"

	"github.com/broadside/broadside"
)

// editorEmail is the editor's "Subscribers" box: the subscriber-only switch, "send by email",
// and what became of the newsletter.
type editorEmail struct {
	SubscribersOnly bool
	Send            bool
	// MailOff: the site cannot send mail, so the box explains instead of offering to send.
	MailOff bool
	// Sent is set once the post went out by email (or is going): the box links to the
	// progress page instead, since a post is sent once.
	Sent      bool
	Paused    bool // the newsletter paused itself: the mail server refuses to send it
	ReportURL string
	NoMore    bool // subscriber-only without <!--more-->: visitors see no text at all
	// Protected: the post has a password, so it is not mailed (newsletter.mailable).
	Protected  bool
	Subscribed int // confirmed subscribers now
}

func (s *Server) fillEditorEmail(ctx context.Context, d *editorData, p *broadside.Post) {
	e := &d.Email
	e.MailOff = !s.Newsletter.Enabled()
	if p != nil && s.Newsletter != nil {
		if rep, err := s.Newsletter.Report(ctx, &broadside.User{Role: broadside.RoleAdmin}, p); err == nil {
			e.Sent, e.Paused = true, rep.Newsletter.Paused()
			e.ReportURL = "/admin/newsletters/" + strconv.FormatInt(p.ID, 10)
		}
	}
	e.Protected = d.Password != ""
	if e.SubscribersOnly && broadside.MoreIndex(d.Body) < 0 {
		e.NoMore = true
	}
	if s.Subscriptions.Enabled() {
		if counts, err := s.Subscriptions.Counts(ctx); err == nil {
			e.Subscribed = counts[broadside.SubscriberConfirmed]
		}
	}
}
