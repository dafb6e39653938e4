package broadside

// Kinds of wp_imports rows and redirects.
const (
	WPPost       = "post" // posts and pages
	WPAttachment = "attachment"
	WPComment    = "comment"
	WPCategory   = "category"
	WPTag        = "tag"
	WPAuthor     = "author"
)

// Redirect is an old address and what lives there now.
type Redirect struct {
	Path     string
	Kind     string
	TargetID int64
}
