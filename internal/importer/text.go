package importer

import (
	"hash/fnv"
	"mime"
	"net/url"
	"path"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// plainText turns a WordPress title or excerpt, which WordPress treats as HTML, into the
// plain text Broadside stores there: tags dropped, entities decoded, whitespace runs
// collapsed. "Markup: Title <em>With</em> Markup" reads "Markup: Title With Markup".
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			b.Write(z.Text())
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			// A tag between words stands for a space only where the words were apart.
		}
	}
}

// wpTime parses a WordPress "2006-01-02 15:04:05" time in loc. WordPress writes
// "0000-00-00 00:00:00" for "not set" (drafts' GMT dates); that and garbage are zero.
func wpTime(s string, loc *time.Location) time.Time {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02 15:04", s, loc); err != nil {
			return time.Time{}
		}
	}
	return t
}

// pickTime returns the GMT time when set, else the local time in the site's zone, else the
// RSS date, else zero.
func pickTime(gmt, local, rss string, loc *time.Location) time.Time {
	if t := wpTime(gmt, time.UTC); !t.IsZero() {
		return t
	}
	if t := wpTime(local, loc); !t.IsZero() {
		return t.UTC()
	}
	if t, err := time.Parse(time.RFC1123Z, strings.TrimSpace(rss)); err == nil {
		return t.UTC()
	}
	return time.Time{}
}

// slugFrom turns a WordPress slug (percent-encoded when it is not ASCII) into a Broadside
// slug, falling back to the title's.
func slugFrom(wpSlug, title string) string {
	if u, err := url.PathUnescape(wpSlug); err == nil {
		wpSlug = u
	}
	if s := broadside.Slugify(wpSlug); s != "" {
		return s
	}
	return broadside.Slugify(title)
}

// normalizeSource is the key an export's site is remembered by: host and path of its base
// URL, lowercased, without the scheme, a leading "www." or a trailing slash, so that a site
// that moved from http to https (or dropped "www.") is still the same source.
func normalizeSource(u string) string {
	u = strings.TrimSpace(u)
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return strings.ToLower(strings.TrimRight(u, "/"))
	}
	host := strings.TrimPrefix(strings.ToLower(p.Host), "www.")
	return host + strings.TrimRight(p.Path, "/")
}

// syntheticID stands in for a missing WordPress id (a hand-made or damaged item) so that a
// re-run still recognises the object: a negative number derived from its content.
func syntheticID(parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return -int64(h.Sum64() >> 2)
}

// extraTypes fills the gaps of Go's small built-in MIME table for media WordPress sites hold.
var extraTypes = map[string]string{
	".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".ogg": "audio/ogg", ".oga": "audio/ogg", ".wav": "audio/wav",
	".flac": "audio/flac", ".wma": "audio/x-ms-wma", ".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime",
	".webm": "video/webm", ".ogv": "video/ogg", ".wmv": "video/x-ms-wmv", ".avi": "video/x-msvideo",
	".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
	".avif": "image/avif", ".svg": "image/svg+xml", ".bmp": "image/bmp", ".ico": "image/x-icon", ".tif": "image/tiff",
	".tiff": "image/tiff", ".heic": "image/heic", ".pdf": "application/pdf", ".zip": "application/zip",
	".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

// MimeType guesses a file's MIME type from its name or URL (WXR carries none; the web
// layer serves copied uploads with it).
func MimeType(u string) string { return mimeFor(u) }

// mimeFor guesses a file's MIME type from its URL.
func mimeFor(u string) string {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.Path
	}
	ext := strings.ToLower(path.Ext(p))
	if t, ok := extraTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return ""
}

// uploadsRel returns the path below wp-content/uploads/ of a WordPress upload URL
// ("2019/04/a.jpg"), or "" when the URL is not under an uploads directory.
func uploadsRel(u string) string {
	p := u
	if pu, err := url.Parse(u); err == nil {
		p = pu.Path
	}
	const marker = "/wp-content/uploads/"
	var rest string
	if i := strings.Index(p, marker); i >= 0 {
		rest = p[i+len(marker):]
	} else if pu, err := url.Parse(u); err == nil && strings.HasSuffix(strings.ToLower(pu.Host), ".files.wordpress.com") {
		// WordPress.com serves uploads from SITE.files.wordpress.com/YYYY/MM/name; its
		// export's uploads folder has the same layout.
		rest = strings.TrimPrefix(pu.Path, "/")
	} else {
		return ""
	}
	rel, err := url.PathUnescape(rest)
	if err != nil {
		return ""
	}
	if !safeRel(rel) {
		return "" // "..", empty segments: nothing a real upload has
	}
	return rel
}

// oldPath returns the path of a WordPress link when it belongs to the old site (base is its
// URL, "" to accept any host), for the redirects table; "" for links with a query string
// (/?p=1 is answered by the query routes) or to other sites.
func oldPath(link, base string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.RawQuery != "" || u.Path == "" || u.Path == "/" {
		return ""
	}
	if b, err := url.Parse(base); err == nil && b.Host != "" && u.Host != "" && !strings.EqualFold(b.Host, u.Host) {
		return ""
	}
	// Decoded, as the web layer compares it with the request's URL.Path. The whole path
	// is kept even for a blog in a subdirectory: that is what old links ask for.
	p := u.Path
	if len(p) > 2000 {
		return ""
	}
	return p
}
