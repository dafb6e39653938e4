package broadside

import "strings"

// Reader is who is looking at a post: a signed-in subscriber, a signed-in user of the admin,
// both or neither (an anonymous visitor, a feed reader, a search engine).
type Reader struct {
	// Subscriber is the subscriber signed in with a magic link, or nil.
	Subscriber *Subscriber
	// User is the signed-in admin user, or nil.
	User *User
}

// CanReadFull is the one access rule for subscriber-only posts: it reports whether r may see
// the whole of p. Every channel asks it, directly or through PublicBody (which is this rule
// for the anonymous reader):
//
//   - the post page shows the full body when it is true, otherwise the teaser and a subscribe
//     box (the rest is not in the HTML at all), and the discussion only to full readers;
//   - listings, excerpts, the meta description, OpenGraph and JSON-LD, feeds, search results
//     and the REST API never know the reader, so they use PublicBody: the teaser;
//   - the newsletter goes to confirmed subscribers, for whom this is true: the full text.
//
// Ordinary posts are readable by everyone. A subscriber-only post is readable in full by a
// confirmed subscriber and by anyone who works on the site (a signed-in user); pending,
// unsubscribed and bounced addresses are visitors.
func CanReadFull(p *Post, r Reader) bool {
	if !p.SubscribersOnly {
		return true
	}
	return r.Subscriber.Receives() || r.User != nil
}

// Teaser returns the part of p's body before the more marker (<!--more--> or WordPress's
// <!--more Read on-->) and whether there was one. A subscriber-only post without a marker
// has no teaser: visitors see its title, excerpt and the subscribe box only.
func Teaser(p *Post) (teaser string, more bool) {
	i := MoreIndex(p.RawBody)
	if i < 0 {
		return "", false
	}
	return p.RawBody[:i], true
}

// VisibleBody returns the part of p's body r may see on the post page and whether it is the
// whole body.
func VisibleBody(p *Post, r Reader) (body string, full bool) {
	if CanReadFull(p, r) {
		return p.RawBody, true
	}
	t, _ := Teaser(p)
	return t, false
}

// MoreIndex finds "<!--more-->" or "<!--more text-->" in body and returns its offset, or -1.
func MoreIndex(body string) int {
	off := 0
	for {
		i := strings.Index(body[off:], "<!--more")
		if i < 0 {
			return -1
		}
		i += off
		rest := body[i+len("<!--more"):]
		if strings.HasPrefix(rest, "-->") || (rest != "" && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n') && strings.Contains(rest, "-->")) {
			return i
		}
		off = i + len("<!--more")
	}
}
