package broadside

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// Media is a file uploaded to this site (Admin → Media): an image, a document, a sound or a
// video, stored under Key ("2026/12/photo-3f9a1c.jpg") in the media storage and served at
// UploadsPath+Key. Its type was decided from its bytes (SniffMedia), never from its name.
type Media struct {
	ID       int64
	AuthorID int64
	// FileName is the name the file had on the uploader's computer, shown in the library and
	// searched; it never becomes a path.
	FileName string
	Key      string
	MimeType string
	Size     int64
	// Width and Height are the pixel size of an image, 0 for other files.
	Width, Height int
	Title         string
	Alt           string
	Caption       string
	CreatedAt     time.Time
	// PostID is the post or page the file is attached to (WordPress's post_parent), 0 for none.
	PostID int64
	// Sizes are the resized copies of an image that processing made (WordPress's thumbnail,
	// medium, large, … and a WebP of each), smallest first; empty for other files and until
	// the processing job has run. Renderers build srcset from them; the REST API lists them as
	// media_details.sizes.
	Sizes []MediaSize
	// Processing is where the image's processing job stands: "" for files that need none,
	// else MediaPending, MediaProcessed or MediaFailed; ProcessError says why it failed, in
	// words for the library.
	Processing   string
	ProcessError string
}

// The states of Media.Processing.
const (
	MediaPending   = "pending"
	MediaProcessed = "done"
	MediaFailed    = "failed"
)

// SizeNamed returns the variant called name in type mime, or with mime "" the main one (in
// the original's type; Sizes lists it before its WebP twin); nil when processing made none.
func (m *Media) SizeNamed(name, mime string) *MediaSize {
	for i := range m.Sizes {
		s := &m.Sizes[i]
		if s.Name == name && (mime == "" || s.MimeType == mime) {
			return s
		}
	}
	return nil
}

// MediaSize is one stored variant of an image: Name is WordPress's size name ("thumbnail",
// "medium", "medium_large", "large", "1536x1536", "2048x2048"), Key where its bytes live in the
// media storage (served at UploadsPath+Key), MimeType "image/jpeg", "image/png", "image/gif" or
// "image/webp" (each size has a WebP twin with the same Name).
type MediaSize struct {
	Name          string
	Key           string
	MimeType      string
	Width, Height int
	Size          int64
}

// Limits of the text fields a person types.
const (
	maxMediaTitle   = 500
	maxMediaAlt     = 1000
	maxMediaCaption = 5000
	maxMediaName    = 255
)

// Validate checks the fields; errors are keyed by the admin form's input names.
func (m *Media) Validate() error {
	fe := FieldErrors{}
	if m.AuthorID <= 0 {
		fe.Add("author", "A file needs an author.")
	}
	if m.FileName == "" || utf8.RuneCountInString(m.FileName) > maxMediaName || !utf8.ValidString(m.FileName) {
		fe.Add("file", fmt.Sprintf("The file name must be 1 to %d characters.", maxMediaName))
	}
	if !ValidMediaKey(m.Key) && !ValidImportedMediaKey(m.Key) {
		fe.Add("file", "The file's storage key is not valid.")
	}
	if MediaKind(m.MimeType) == "" {
		fe.Add("file", fmt.Sprintf("The file type %q is not accepted.", m.MimeType))
	}
	if m.Size <= 0 {
		fe.Add("file", "The file is empty.")
	}
	checkLen := func(field, label, v string, max int) {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > max {
			fe.Add(field, fmt.Sprintf("The %s must be at most %d characters.", label, max))
		}
	}
	checkLen("title", "title", m.Title, maxMediaTitle)
	checkLen("alt", "alt text", m.Alt, maxMediaAlt)
	checkLen("caption", "caption", m.Caption, maxMediaCaption)
	return fe.Err()
}

// URL is the file's path on this site.
func (m *Media) URL() string { return UploadsPath + (&url.URL{Path: m.Key}).EscapedPath() }

// IsImage reports whether the file is an image (and has Width and Height).
func (m *Media) IsImage() bool { return MediaKind(m.MimeType) == MediaImage }

// Kind is the file's family: MediaImage, MediaAudio, MediaVideo or MediaDocument.
func (m *Media) Kind() string { return MediaKind(m.MimeType) }

// The families of accepted files, also the type filter of the library.
const (
	MediaImage    = "image"
	MediaAudio    = "audio"
	MediaVideo    = "video"
	MediaDocument = "document"
)

// MediaKinds lists the families in the order the library offers them.
var MediaKinds = []string{MediaImage, MediaAudio, MediaVideo, MediaDocument}

// mediaTypes are the accepted MIME types, their family and the extension their key gets.
var mediaTypes = map[string]struct{ kind, ext string }{
	"image/jpeg":      {MediaImage, ".jpg"},
	"image/png":       {MediaImage, ".png"},
	"image/gif":       {MediaImage, ".gif"},
	"image/webp":      {MediaImage, ".webp"},
	"application/pdf": {MediaDocument, ".pdf"},
	"audio/mpeg":      {MediaAudio, ".mp3"},
	"audio/mp4":       {MediaAudio, ".m4a"},
	"audio/ogg":       {MediaAudio, ".ogg"},
	"video/mp4":       {MediaVideo, ".mp4"},
	"video/webm":      {MediaVideo, ".webm"},
}

// MediaKind returns the family of an accepted MIME type, "" for any other.
func MediaKind(mime string) string { return mediaTypes[mime].kind }

// MediaKindTypes returns the MIME types of a family, for the library's type filter.
func MediaKindTypes(kind string) []string {
	var out []string
	for t, v := range mediaTypes {
		if v.kind == kind {
			out = append(out, t)
		}
	}
	return out
}

// MediaFilter selects files for the library.
type MediaFilter struct {
	// Query matches the title or the original file name, case-insensitively.
	Query string
	// Kind is one of MediaKinds, "" for all.
	Kind string
	// Year and Month (1-12) select the files uploaded that month (UTC); 0 for all.
	Year, Month int
	// AuthorID, when set, keeps only that user's files.
	AuthorID int64
	// MimeType, when set, keeps only files of that exact type (the REST API's mime_type).
	MimeType string
	// PostIDs, when not empty, keeps only files attached to one of these posts; 0 in the list
	// stands for files attached to none (the REST API's parent).
	PostIDs       []int64
	Limit, Offset int
}

// SniffMedia decides the type of a file from its first bytes (at least the first 512 when
// the file is that long), and refuses what Broadside does not host with a message naming
// the file. The name is only for the message: a file called photo.jpg whose bytes are HTML
// is HTML.
//
// SVG is refused, not sanitized: an SVG is an XML document that may carry scripts, event
// handlers, external references and foreign HTML, and a sanitizer that is safe against all
// of that (and against every browser's parser quirks) is a large attack surface to own.
// Publishers can export a PNG or WebP instead.
func SniffMedia(name string, head []byte) (string, error) {
	b := head
	switch {
	case len(b) == 0:
		return "", Errorf(EINVALID, "%s is empty.", quoteName(name))
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "image/gif", nil
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp", nil
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(b, []byte("ID3")):
		return "audio/mpeg", nil
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		// A UTF-16 byte-order mark: text, and FF FE would otherwise pass for an MPEG frame.
		return "", Errorf(EINVALID, "%s is a UTF-16 text document, not an image or media file; it is not accepted.", quoteName(name))
	case len(b) >= 3 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x18 != 0x08 && b[1]&0x06 != 0 &&
		b[2]&0xF0 != 0xF0 && b[2]&0x0C != 0x0C:
		// An MPEG audio frame header: sync bits, then a version, layer, bitrate index and
		// sample rate none of which is the reserved value.
		return "audio/mpeg", nil
	case bytes.HasPrefix(b, []byte("OggS")):
		return "audio/ogg", nil
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "M4A ", "M4B ":
			return "audio/mp4", nil
		case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash", "MSNV", "M4V ":
			return "video/mp4", nil
		}
		return "", Errorf(EINVALID, "%s is an ISO media file of brand %q, which is not accepted (MP4 video and M4A audio are).",
			quoteName(name), strings.TrimSpace(string(b[8:12])))
	case bytes.HasPrefix(b, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		if bytes.Contains(b[:min(len(b), 64)], []byte("webm")) {
			return "video/webm", nil
		}
		return "", Errorf(EINVALID, "%s is a Matroska file; only its WebM form is accepted.", quoteName(name))
	}
	if looksLike(b, "<svg") {
		return "", Errorf(EINVALID, "%s is an SVG image. SVG files can carry scripts, so they are not accepted; upload a PNG or WebP instead.", quoteName(name))
	}
	if looksLike(b, "<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<?xml", "<") {
		return "", Errorf(EINVALID, "%s is an HTML or XML document, not an image or media file; it is not accepted.", quoteName(name))
	}
	return "", Errorf(EINVALID, "%s is not a file type this site accepts (JPEG, PNG, GIF, WebP, PDF, MP3, M4A, OGG, MP4, WebM).", quoteName(name))
}

// looksLike reports whether b, past a byte-order mark and white space, starts with one of
// the markup prefixes (case-insensitively), or holds an <svg element in its first bytes.
func looksLike(b []byte, prefixes ...string) bool {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	b = bytes.TrimLeft(b, " \t\r\n\f")
	low := bytes.ToLower(b[:min(len(b), 512)])
	for _, p := range prefixes {
		if bytes.HasPrefix(low, []byte(p)) || (p == "<svg" && bytes.Contains(low, []byte(p))) {
			return true
		}
	}
	return false
}

// quoteName is a file name fit for an error message: without a path, cut to a readable length.
func quoteName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "the file"
		return name
	}
	return fmt.Sprintf("%q", Ellipsize(name, 80))
}

// MediaFileLabel names a file in messages the way SniffMedia does.
func MediaFileLabel(name string) string { return quoteName(name) }

// MediaKey builds the storage key of a new file: YYYY/MM/ of the upload time, a slug of the
// original name (ASCII letters, digits and dashes only, so no name can become a path), a
// suffix that makes it unique, and the extension of its detected type.
func MediaKey(name, mime, suffix string, t time.Time) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	for _, r := range Slugify(base) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		}
	}
	slug := strings.Trim(b.String(), "-")
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	if slug == "" {
		slug = "file"
	}
	t = t.UTC()
	return fmt.Sprintf("%04d/%02d/%s-%s%s", t.Year(), int(t.Month()), slug, suffix, mediaTypes[mime].ext)
}

// ValidMediaKey reports whether key has the shape MediaKey gives: nothing else is ever
// written to the media storage.
func ValidMediaKey(key string) bool {
	parts := strings.Split(key, "/")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(key) > 200 {
		return false
	}
	for _, c := range parts[0] + parts[1] {
		if c < '0' || c > '9' {
			return false
		}
	}
	name := parts[2]
	ext := path.Ext(name)
	if name == "" || name[0] == '-' || ext == "" || len(name) == len(ext) {
		return false
	}
	for _, c := range name {
		if !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.') {
			return false
		}
	}
	return strings.Count(name, ".") == 1
}

// IsMediaVariantKey reports whether key names a resized copy or WebP twin of a library file
// ("2026/12/photo-3f9a1c-300x200.jpg", "2026/12/photo-3f9a1c.webp"): a key of the library's
// own shape (ValidMediaKey) with a -WxH suffix or the .webp extension. Like the originals,
// they are written once under a new key and never change, so they may be cached for good.
func IsMediaVariantKey(key string) bool {
	if !ValidMediaKey(key) {
		return false
	}
	ext := path.Ext(key)
	if ext == ".webp" {
		return true
	}
	stem := strings.TrimSuffix(path.Base(key), ext)
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return false
	}
	w, h, ok := strings.Cut(stem[i+1:], "x")
	return ok && digits(w) && digits(h)
}

func digits(s string) bool {
	if s == "" || len(s) > 5 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ValidImportedMediaKey reports whether key can hold a file a WordPress import brought in:
// the path WordPress gave it below wp-content/uploads ("2019/04/IMG_1234.JPG"), kept so the old
// addresses keep working. It is a relative path of at most 255 bytes whose elements are not
// empty and do not start with a dot, without control characters, white space, backslashes,
// quotes, angle brackets or URL delimiters.
func ValidImportedMediaKey(key string) bool {
	if key == "" || len(key) > 255 || !utf8.ValidString(key) || strings.HasPrefix(key, "/") {
		return false
	}
	for _, el := range strings.Split(key, "/") {
		if el == "" || el[0] == '.' {
			return false
		}
	}
	for _, c := range key {
		if c < 0x21 || c == 0x7f || strings.ContainsRune(`\"'<>?#%`, c) || c == 0x85 || c == 0xa0 || c == 0x2028 || c == 0x2029 {
			return false
		}
	}
	return path.Ext(key) != ""
}

// CanUploadMedia reports whether the user may upload files (every role of the admin;
// readers have no account and never may).
func (u *User) CanUploadMedia() bool { return u != nil && ValidRole(u.Role) }

// CanEditMedia reports whether the user may change or delete m: editors and administrators
// every file, authors their own.
func (u *User) CanEditMedia(m *Media) bool {
	if u == nil || m == nil {
		return false
	}
	return u.CanModerate() || (u.CanUploadMedia() && m.AuthorID == u.ID)
}

// FormatSize writes a file size for people: "64 MiB", "1.5 MiB", "390 KiB", "12 bytes".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<30)), ".0") + " GiB"
	case n >= 1<<20:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MiB"
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// UploadKey returns the storage key a URL of an uploaded file names: a path under UploadsPath
// ("/wp-content/uploads/2026/12/photo-3f9a1c.jpg", with a query or fragment ignored), or an
// absolute http(s) URL of the site at base with such a path. ok is false for anything else,
// so an image on another host is never taken for a library file.
func UploadKey(raw, base string) (key string, ok bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.User != nil || u.Opaque != "" {
		return "", false
	}
	if u.Scheme != "" || u.Host != "" {
		b, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || b.Host == "" || !strings.EqualFold(u.Host, b.Host) {
			return "", false
		}
	}
	p, found := strings.CutPrefix(u.Path, UploadsPath)
	if !found || !ValidMediaKey(p) {
		return "", false
	}
	return p, true
}
