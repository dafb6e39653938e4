package newsletter

import (
	"context"
	"fmt"
	"html"
	htmltemplate "html/template"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/subscriptions"
)

// Placeholders stand for the per-recipient parts while a newsletter is rendered once; each
// message is the rendering with them replaced (100,000 template runs would cost more than
// the sending).
const (
	phUnsubscribe = "https://unsubscribe.placeholder.invalid/"
	phEmail       = "recipient@placeholder.invalid"
)

// prepared is a newsletter rendered for its recipients: with and without the support
// appeal (hidden for supporters).
type prepared struct {
	site    *sitemail.Site
	subs    *subscriptions.Service
	subject string
	domain  string
	postID  int64
	layout  [2]*mail.Layout // [0] with the appeal, [1] without
}

// recipient is who a newsletter is for under the access rule: a confirmed subscriber.
var recipient = broadside.Reader{Subscriber: &broadside.Subscriber{Status: broadside.SubscriberConfirmed}}

// mailable reports whether p may go out by email at now: only when a confirmed subscriber
// may read all of it (broadside.Access). So subscriber-only posts are mailed whole, and
// password-protected posts are not mailed at all: their author chose who may read them, and
// an email to every subscriber announcing a post they cannot open is not what a publisher of
// a restricted post expects (WordPress.com's subscriptions skip them too). Posts no longer
// published are not mailed either.
func mailable(p *broadside.Post, now time.Time) bool {
	return broadside.CanReadFull(p, recipient, now)
}

// prepare renders the post as an email, with what a confirmed subscriber may read of it
// (all of it for every post mailable lets through).
func (s *Service) prepare(ctx context.Context, p *broadside.Post) (*prepared, error) {
	site, err := s.Mail.Site(ctx)
	if err != nil {
		return nil, err
	}
	body, _ := broadside.VisibleBody(p, recipient, s.Now())
	bodyHTML := string(s.Mail.Render.Post(p.BodyFormat, body))
	if p.FeaturedImageURL != "" {
		bodyHTML = fmt.Sprintf(`<p><img src="%s" alt="%s"></p>`, html.EscapeString(p.FeaturedImageURL), html.EscapeString(p.FeaturedImageAlt)) + bodyHTML
	}
	bodyHTML = absolutize(bodyHTML, site.URL)
	postURL := site.PostURL(p)
	title := p.Title
	if strings.TrimSpace(title) == "" {
		title = site.T("(no title)")
	}
	out := &prepared{site: site, subs: s.Subs, subject: title, domain: mail.Domain(site.From), postID: p.ID}
	// The two versions differ only in the appeal: the body's text and preheader are made once.
	bodyText, preheader := mail.TextFromHTML(bodyHTML), p.RawExcerpt
	if preheader == "" {
		preheader = s.Mail.Render.Excerpt(p.BodyFormat, body, 30)
	}
	for i, supporter := range []bool{false, true} {
		c := site.Content(title)
		c.Heading, c.HeadingURL = title, postURL
		c.Byline = site.Date(p.PublishedAt)
		if p.Author != nil && p.Author.Name() != "" {
			c.Byline = site.T("By %s", p.Author.Name()) + " · " + c.Byline
		}
		c.Preheader = preheader
		c.ReadOnline = &mail.Link{Label: site.T("Read on the web"), URL: postURL}
		c.BodyHTML, c.BodyText = htmltemplate.HTML(bodyHTML), bodyText
		if p.CommentsOpen {
			c.PostLink = &mail.Link{Label: site.T("Join the discussion"), URL: postURL + "#comments"}
		} else {
			c.PostLink = &mail.Link{Label: site.T("Read on the web"), URL: postURL}
		}
		c.Support = site.Support(supporter)
		if strings.TrimSpace(p.Appeal) != "" && !supporter { // the post's own appeal, as on its page
			h := absolutize(string(s.Mail.Render.Post(broadside.FormatMarkdown, p.Appeal)), site.URL)
			c.Support = &mail.Support{HTML: htmltemplate.HTML(h), Text: mail.TextFromHTML(h)}
		}
		c.Footer = []string{site.T("You are receiving this because you subscribed to %s as %s.", site.Name, phEmail)}
		c.Manage = &mail.Link{Label: site.T("Manage your subscription"), URL: site.Abs("/subscribe/profile")}
		c.Unsubscribe = &mail.Link{Label: site.T("Unsubscribe"), URL: phUnsubscribe}
		h, t, err := mail.Render(c)
		if err != nil {
			return nil, err
		}
		out.layout[i] = &mail.Layout{HTML: h, Text: t, Placeholders: []string{phUnsubscribe, phEmail}}
	}
	return out, nil
}

// message builds the email to one subscriber.
func (pr *prepared) message(sub *broadside.Subscriber) *mail.Message {
	v := 0
	if sub.Supporter {
		v = 1
	}
	unsub := pr.subs.UnsubscribeURL(pr.site, sub.ID)
	fill := []string{unsub, sub.Email}
	fillHTML := []string{html.EscapeString(unsub), html.EscapeString(sub.Email)}
	m := &mail.Message{
		From: pr.site.From, To: sub.Email, Subject: pr.subject,
		// The bodies are the layout's with the recipient's values: the SMTP sender writes
		// them from the layout encoded once.
		Layout: pr.layout[v], Fill: fill, FillHTML: fillHTML,
		// One id per newsletter and recipient: a copy re-sent after a crash carries the same
		// id, and mailbox providers drop the duplicate.
		MessageID: "newsletter." + strconv.FormatInt(pr.postID, 10) + "." + strconv.FormatInt(sub.ID, 10) + "@" + pr.domain,
		Bulk:      true,
	}
	subscriptions.ListHeaders(m, pr.site, unsub, "unsubscribe "+strconv.FormatInt(sub.ID, 10))
	return m
}

// absolutize turns site-relative links and images (/wp-content/…) into absolute URLs: a
// mail client has no site to resolve them against.
func absolutize(h, base string) string {
	for _, attr := range []string{`src="/`, `href="/`} {
		var b strings.Builder
		rest := h
		for {
			i := strings.Index(rest, attr)
			if i < 0 {
				b.WriteString(rest)
				break
			}
			j := i + len(attr)
			b.WriteString(rest[:j-1])
			if j < len(rest) && rest[j] == '/' { // protocol-relative //host/…
				b.WriteString("https:/")
			} else {
				b.WriteString(base + "/")
			}
			rest = rest[j:]
		}
		h = b.String()
	}
	return h
}
