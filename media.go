package broadside

import (
	"net/url"
	"path"
	"strings"
	"time"
)

// Attachment is a media file a post refers to, brought in from WordPress (where attachments
// are posts of type "attachment"). An attachment is a reference to the file at URL, which is
// either the original address on the old site or, when the file was copied into the data
// directory, a path on this site under UploadsPath. Files uploaded here are Media, not this.
type Attachment struct {
	ID       int64
	ParentID int64 // the post it was uploaded to, 0 for none
	URL      string
	// File is the path below the uploads directory when the file was copied ("2019/04/a.jpg"),
	// "" when only the original URL is known.
	File      string
	Title     string
	Slug      string
	Alt       string
	Caption   string
	MimeType  string
	CreatedAt time.Time
}

// UploadsPath is where uploaded files and copied WordPress uploads are served, so that old image links such
// as https://example.com/wp-content/uploads/2019/04/a.jpg keep working on the same domain.
const UploadsPath = "/wp-content/uploads/"

// IsImage reports whether the attachment is an image (by MIME type, or by extension when the
// type is unknown).
func (a *Attachment) IsImage() bool {
	if a.MimeType != "" {
		return strings.HasPrefix(a.MimeType, "image/")
	}
	switch strings.ToLower(path.Ext(a.URL)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg":
		return true
	}
	return false
}

// RedirectTarget returns where an old link to the attachment (its WordPress attachment
// page, /?attachment_id=ID) may send a reader: a path on this site or an absolute http(s)
// URL with a host and no user name, nothing else. The URL comes from an imported file, so
// javascript:, data:, protocol-relative (//host, /\host) and malformed addresses are
// refused here, once, for every channel that redirects.
//
// Decision: the host is not restricted. WordPress sites serve their uploads from CDNs and
// offload buckets (i0.wp.com, SITE.files.wordpress.com, an S3 host) that no list from the
// import would know, and the address was put there by the administrator's own import, the
// same trust as the post links they published; what no one may do is turn the site into a
// launcher of scripts, data documents or other protocols.
func (a *Attachment) RedirectTarget() (string, bool) {
	s := a.URL
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return "", false
		}
	}
	if IsSitePath(s) {
		return s, true
	}
	if !IsHTTPURL(s) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	if h := u.Hostname(); h == "" || strings.ContainsAny(h, "/@") {
		return "", false
	}
	return s, true
}

// AltText returns the text to describe the attachment: its alt text, else its title.
func (a *Attachment) AltText() string {
	if a.Alt != "" {
		return a.Alt
	}
	return a.Title
}
