// Package sitemail sends the site's own emails: it knows the site's name, address and
// settings and turns them into branded mail.Content, builds links to posts the way the public
// site does, and decides which failures are worth retrying. The subscription, newsletter and
// comment-notice code all send through one Mailer.
package sitemail

import (
	"context"
	"fmt"
	"log/slog"
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/render"
)

// Mailer sends site email.
type Mailer struct {
	Sender     mail.Sender
	Settings   func(ctx context.Context) (broadside.Settings, error)
	Categories func(ctx context.Context) ([]broadside.Category, error)
	// BaseURL is the configured public URL, no trailing slash; the site setting wins.
	BaseURL string
	// From is the configured sender ("Name <address>"). Without a name, the site's title is
	// shown as the sender's name.
	From   string
	Render *render.Renderer
	Log    *slog.Logger
}

// Site is what an email needs to know about the site.
type Site struct {
	broadside.Settings
	Name string
	URL  string // base URL, no trailing slash
	From string // the From header
	loc  *time.Location
	perm *broadside.Permalinks
	cats []broadside.Category
}

// Site loads the current settings.
func (m *Mailer) Site(ctx context.Context) (*Site, error) {
	set, err := m.Settings(ctx)
	if err != nil {
		return nil, err
	}
	base := set.PublicURL(m.BaseURL)
	perm, err := broadside.NewPermalinks(set.PermalinkStructure)
	if err != nil {
		perm, _ = broadside.NewPermalinks(broadside.DefaultPermalinkStructure)
	}
	s := &Site{Settings: set, Name: set.Title, URL: base, loc: set.Location(), perm: perm, From: m.From}
	if a, err := netmail.ParseAddress(m.From); err == nil && a.Name == "" {
		s.From = (&netmail.Address{Name: set.Title, Address: a.Address}).String()
	}
	if m.Categories != nil && strings.Contains(set.PermalinkStructure, "%category%") {
		s.cats, _ = m.Categories(ctx)
	}
	return s, nil
}

// Abs returns the absolute URL of a site path.
func (s *Site) Abs(path string) string { return s.URL + path }

// PostURL returns the absolute URL of a post, as the public site builds it.
func (s *Site) PostURL(p *broadside.Post) string {
	if p.Type == broadside.TypePage {
		return s.Abs("/" + url.PathEscape(p.Slug) + "/")
	}
	f := broadside.PermalinkFields{ID: p.ID, Slug: url.PathEscape(p.Slug), Published: p.PublishedAt.In(s.loc)}
	if p.Author != nil {
		f.AuthorLogin = p.Author.Login
	}
	if len(p.Categories) > 0 {
		if len(s.cats) > 0 {
			f.CategoryPath = strings.Join(broadside.CategoryPath(s.cats, p.Categories[0].ID), "/")
		} else {
			f.CategoryPath = p.Categories[0].Slug
		}
	}
	return s.Abs(s.perm.Build(f))
}

// Date formats t in the site's zone and language, as the public site does.
func (s *Site) Date(t time.Time) string { return i18n.Date(s.Language, t.In(s.loc)) }

// T translates an email's message into the site language (internal/i18n).
func (s *Site) T(key string, args ...any) string { return i18n.T(s.Language, key, args...) }

// Support returns the reader-support appeal for an email, nil when it is off or the reader
// marked themselves a supporter.
func (s *Site) Support(supporter bool) *mail.Support {
	a := s.Settings.Support
	if !a.Enabled || strings.TrimSpace(a.Text) == "" || supporter {
		return nil
	}
	label := i18n.Message(s.Language, a.LinkLabel) // the default label is the catalog's
	if label == "" {
		label = s.T("Support us")
	}
	var paras []string
	for _, p := range strings.Split(strings.ReplaceAll(a.Text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return &mail.Support{Paragraphs: paras, Label: label, URL: a.LinkURL}
}

// Content starts an email with the site's branding.
func (s *Site) Content(subject string) *mail.Content {
	return &mail.Content{Subject: subject, SiteName: s.Name, SiteURL: s.URL + "/", Lang: i18n.Code(s.Language), Dir: i18n.Dir(i18n.Code(s.Language))}
}

// Send renders c for to and sends it from the site.
func (m *Mailer) Send(ctx context.Context, s *Site, to string, c *mail.Content, extra func(*mail.Message)) error {
	msg, err := mail.Compose(to, c)
	if err != nil {
		return err
	}
	msg.From = s.From
	if extra != nil {
		extra(msg)
	}
	_, err = m.Sender.Send(ctx, msg)
	return err
}

// Settle turns a delivery error into what a job handler returns: nil for permanent failures
// (logged; retrying cannot help) and the error for temporary ones (the job retries).
func (m *Mailer) Settle(err error, what string, attrs ...any) error {
	if err == nil {
		return nil
	}
	if mail.IsPermanent(err) {
		m.Log.Warn(what+": the mail server refused it for good", append(attrs, "err", err)...)
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// HeldComment tells a post's author that a comment awaits moderation (comments.Notifier).
func (m *Mailer) HeldComment(ctx context.Context, p *broadside.Post, c *broadside.Comment) error {
	if p.Author == nil || p.Author.Email == "" {
		return nil
	}
	s, err := m.Site(ctx)
	if err != nil {
		return err
	}
	title := p.Title
	if title == "" {
		title = s.T("(no title)")
	}
	body := mail.TextFromHTML(string(m.Render.Comment(c.RawBody)))
	ct := s.Content(s.T("[%s] Please moderate: \"%s\"", s.Name, title))
	ct.Heading = s.T("A comment is waiting for your approval")
	ct.Preheader = s.T("%s on \"%s\"", s.displayName(c), title)
	ct.Paragraphs = []string{
		s.T("A new comment on the post \"%s\" is waiting for your approval.", title),
		s.T("Author: %s (email: %s, IP address: %s)", s.displayName(c), s.orNone(c.AuthorEmail), s.orNone(c.AuthorIP)),
	}
	if c.AuthorURL != "" {
		ct.Paragraphs = append(ct.Paragraphs, s.T("Website: %s", c.AuthorURL))
	}
	ct.Paragraphs = append(ct.Paragraphs, s.T("Comment:"))
	ct.Paragraphs = append(ct.Paragraphs, strings.Split(body, "\n\n")...)
	ct.Button = &mail.Link{Label: s.T("Moderate comments"), URL: s.Abs("/admin/comments?status=pending")}
	ct.PostLink = &mail.Link{Label: s.T("View the post"), URL: s.PostURL(p)}
	ct.Footer = []string{s.T("You are receiving this because you wrote this post on %s.", s.Name)}
	err = m.Send(ctx, s, p.Author.Email, ct, nil)
	return m.Settle(err, "held comment notice", "post_id", p.ID, "comment_id", c.ID)
}

func (s *Site) displayName(c *broadside.Comment) string {
	if n := strings.TrimSpace(c.AuthorName); n != "" {
		return n
	}
	return s.T("Anonymous")
}

func (s *Site) orNone(v string) string {
	if v == "" {
		return s.T("none")
	}
	return v
}
