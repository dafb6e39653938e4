package broadside

import (
	"path"
	"strings"
	"time"
)

// Attachment is a media file a post refers to, brought in from WordPress (where attachments
// are posts of type "attachment"). Broadside does not host uploads itself: an attachment is
// a reference to the file at URL, which is either the original address on the old site or,
// when the file was copied into the data directory, a path on this site under UploadsPath.
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

// UploadsPath is where copied WordPress uploads are served, so that old image links such
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

// AltText returns the text to describe the attachment: its alt text, else its title.
func (a *Attachment) AltText() string {
	if a.Alt != "" {
		return a.Alt
	}
	return a.Title
}
