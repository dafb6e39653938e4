// Package feeds writes RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1 documents as pure
// functions of a Feed: no I/O besides the writer, no knowledge of the store or HTTP. The RSS is
// shaped like WordPress's (content:encoded, dc:creator, wfw:commentRss, slash:comments, a
// guid of the form BASE/?p=ID), so readers that switched from WordPress see the same items.
//
// Everything is encoded with encoding/xml and encoding/json; strings are first stripped of
// what XML cannot carry (control characters, invalid UTF-8), so any title or comment author's
// name yields a well-formed document.
package feeds

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Kind tells posts feeds from comment feeds, whose RSS carries fewer elements (as WordPress's).
type Kind int

const (
	Posts Kind = iota
	Comments
)

// Content types of the three formats.
const (
	ContentTypeRSS  = "application/rss+xml; charset=UTF-8"
	ContentTypeAtom = "application/atom+xml; charset=UTF-8"
	ContentTypeJSON = "application/feed+json; charset=UTF-8"
)

// Feed is one feed, whatever its format.
type Feed struct {
	Kind        Kind
	Title       string
	Description string
	// Link is the page the feed follows (the home page, an archive, a post); SelfURL is this
	// document's canonical URL, which also identifies it (Atom id, JSON Feed feed_url).
	// RequestURL, when set, is the address this copy was asked for (/feed/rss2/, /?feed=rss2):
	// RSS and Atom name it as their rel="self" link, as WordPress does. All absolute.
	Link, SelfURL, RequestURL string
	// Language is a BCP 47 tag such as "en".
	Language string
	// Updated is when the newest item changed; the zero time for an empty feed.
	Updated time.Time
	// Generator names the software; GeneratorURI is its home page.
	Generator, GeneratorURI string
	Items                   []Item
}

// Item is one post or comment.
type Item struct {
	// ID is the item's permanent identifier: WordPress's guid, BASE/?p=ID for a post and
	// BASE/?p=ID#comment-CID for a comment (kept when the permalink changes).
	ID string
	// IDIsPermaLink is RSS's isPermaLink for ID: true only for an imported post whose old
	// feed said so.
	IDIsPermaLink bool
	Title         string
	Link          string // absolute permalink
	Author        string
	AuthorURL     string
	Published     time.Time
	Updated       time.Time
	// Categories are the names of the post's categories and tags.
	Categories []string
	// Summary is plain text; ContentHTML is sanitized HTML with absolute URLs, "" when the
	// item carries only its summary (the feed setting, or what the post may expose).
	Summary     string
	ContentHTML string
	// Image is the absolute URL of the featured image, if any. ImageType and ImageLength
	// (its MIME type and bytes) are set when the image is a file of this site's library; the
	// RSS and Atom feeds then carry it as an enclosure, which needs both.
	Image       string
	ImageType   string
	ImageLength int64
	// Discussion is the post's comments; nil for comment items.
	Discussion *Discussion
}

// Discussion links an item to its comments.
type Discussion struct {
	Link     string // the post's #comments anchor
	RSS      string // the post's comment feed
	Atom     string
	Approved int
}

// clean makes s safe to carry in XML 1.0: invalid UTF-8 and the characters XML forbids
// (control characters other than tab, newline and carriage return, surrogates, U+FFFE/U+FFFF)
// are dropped.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

// selfLink is the URL an RSS or Atom document names as rel="self".
func (f *Feed) selfLink() string {
	if f.RequestURL != "" {
		return clean(f.RequestURL)
	}
	return clean(f.SelfURL)
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// AbsoluteURLs rewrites root-relative href and src attributes ("/wp-content/…") in an HTML
// fragment to absolute URLs on base, since feed readers show content away from the site.
func AbsoluteURLs(fragment, base string) string {
	if !strings.Contains(fragment, `="/`) {
		return fragment
	}
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	b.Grow(len(fragment) + 64)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken, html.SelfClosingTagToken:
			raw := string(z.Raw())
			tok := z.Token()
			changed := false
			for i, a := range tok.Attr {
				if (a.Key == "href" || a.Key == "src") && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//") {
					tok.Attr[i].Val = base + a.Val
					changed = true
				}
				if a.Key == "srcset" {
					if v := absoluteSrcset(a.Val, base); v != a.Val {
						tok.Attr[i].Val, changed = v, true
					}
				}
			}
			if changed {
				b.WriteString(tok.String())
			} else {
				b.WriteString(raw)
			}
		default:
			b.Write(z.Raw())
		}
	}
}

// absoluteSrcset makes the site paths among a srcset's candidates ("URL [descriptor]", comma
// separated) absolute.
func absoluteSrcset(v, base string) string {
	cands := strings.Split(v, ",")
	for i, c := range cands {
		c = strings.TrimSpace(c)
		if strings.HasPrefix(c, "/") && !strings.HasPrefix(c, "//") {
			c = base + c
		}
		cands[i] = c
	}
	return strings.Join(cands, ", ")
}

// rfc1123z formats t as RSS wants it, in UTC as WordPress does.
func rfc1123z(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// rfc3339 formats t for Atom and JSON Feed, in UTC; the zero time (an empty feed) becomes the
// Unix epoch, since Atom requires a date.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format(time.RFC3339)
}

func itoa(n int) string { return strconv.Itoa(n) }
