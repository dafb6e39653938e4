package broadside

// Kinds of wp_imports rows and redirects.
const (
	WPPost       = "post" // posts and pages
	WPAttachment = "attachment"
	WPComment    = "comment"
	WPCategory   = "category"
	WPTag        = "tag"
	WPAuthor     = "author"
	// WPHome is the directory an imported site lived in (/blog/ for http://example.org/blog):
	// every old address below it lives at the same place below / now.
	WPHome = "home"
)

// Redirect is an old address and what lives there now.
type Redirect struct {
	Path     string
	Kind     string
	TargetID int64
}
