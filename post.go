package broadside

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PostType separates blog posts from static pages; both share one table and one editor.
type PostType string

const (
	TypePost PostType = "post"
	TypePage PostType = "page"
	// TypeAttachment is the page of an imported attachment that belongs to no post but
	// carries comments (WordPress shows them on the attachment's own page). Only the
	// importer makes one; it holds the attachment's discussion, is reached from the
	// attachment's old addresses, and is never listed (no archive, feed, sitemap or search).
	TypeAttachment PostType = "attachment"
)

// AttachmentPageSlug is the slug of the page holding the comments of the attachment with id.
func AttachmentPageSlug(attachmentID int64) string {
	return "attachment-" + strconv.FormatInt(attachmentID, 10)
}

// PostStatus is the publishing state of a post.
type PostStatus string

const (
	StatusDraft     PostStatus = "draft"
	StatusPublished PostStatus = "published"
	// StatusScheduled posts become published at PublishedAt by a persisted job, without a
	// request having to arrive.
	StatusScheduled PostStatus = "scheduled"
	// StatusPending posts await an editor's review (WordPress's "Pending Review"); readers
	// never see them.
	StatusPending PostStatus = "pending"
	// StatusPrivate posts are published for the site's editors and administrators (and the
	// post's own author) only, as in WordPress.
	StatusPrivate PostStatus = "private"
)

// PostStatuses lists every status in the order the editor offers them.
var PostStatuses = []PostStatus{StatusDraft, StatusPending, StatusScheduled, StatusPublished, StatusPrivate}

// ValidPostStatus reports whether s is a known status.
func ValidPostStatus(s PostStatus) bool {
	for _, x := range PostStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Body formats. Posts written in Broadside are Markdown; imported posts arrive as HTML.
// FormatWordPress is text as WordPress clients write it through the REST API (WordPress's
// post_content): stored as sent and shown as WordPress shows it, blank lines becoming
// paragraphs and single newlines line breaks (wpautop), core shortcodes expanded.
const (
	FormatMarkdown  = "markdown"
	FormatHTML      = "html"
	FormatWordPress = "wordpress"
)

// MoreMarker splits a post body into the teaser shown on listings and the rest.
const MoreMarker = "<!--more-->"

// Limits on post fields, checked by Validate.
const (
	MaxTitleLen = 500
	MaxSlugLen  = 200
	MaxBodyLen  = 1 << 20 // 1 MiB of source text
	MaxExcerpt  = 5000
	// MaxPasswordLen is WordPress's post_password column width.
	MaxPasswordLen = 255
	// MaxAppealLen bounds a post's own support appeal and reuse notice (runes each).
	MaxAppealLen = 2000
)

// Post is a blog post or a static page.
type Post struct {
	ID       int64
	Type     PostType
	AuthorID int64
	ParentID int64 // pages only: the parent page, 0 for none

	Title string
	Slug  string
	// RawBody is the source as the author wrote it (Markdown or imported HTML). It is never
	// rendered directly: render.Post turns it into sanitized HTML.
	RawBody    string
	BodyFormat string
	// RawExcerpt is the hand-written excerpt, if any.
	RawExcerpt string

	Status      PostStatus
	PublishedAt time.Time // the publish date; for scheduled posts, when they go live
	CreatedAt   time.Time
	UpdatedAt   time.Time

	FeaturedImageURL string
	FeaturedImageAlt string
	// FeaturedMediaID is the media library file shown as the featured image (WordPress's
	// featured_media), 0 for none or for an image given only by URL. When set, the posts
	// service keeps FeaturedImageURL (what the renderer uses) in step with it.
	FeaturedMediaID int64

	CommentsOpen bool
	// PingsOpen is WordPress's ping_status ("open"): kept as imported or set by a client and
	// exported, though Broadside itself takes no pingbacks or trackbacks.
	PingsOpen bool
	// Password, when set, protects the body (and the discussion) from readers who have not
	// typed it, like WordPress's password-protected posts. It is a shared secret chosen by
	// the author, not an account password, so it is stored as written (exports keep it).
	Password string
	// Sticky posts are listed first on the home page.
	Sticky bool
	// RawTitleMarkup is the title as written when it has markup (WordPress allows inline
	// tags such as <em> in titles), "" when it is plain text. Title is always its text
	// form, which is what page titles, feeds, emails and slugs use; headings render this
	// through the sanitizer. Never write it out unsanitized.
	RawTitleMarkup string
	// MenuOrder orders pages among their siblings in page lists and menus, lowest first
	// (WordPress's menu_order).
	MenuOrder int
	// GUID is the feed id an imported post had on its old site, kept so feed readers do not
	// show it again as new; "" for posts written here (their id is BASE/?p=ID).
	// GUIDIsPermaLink is the old feed's isPermaLink for it.
	GUID            string
	GUIDIsPermaLink bool
	// SubscribersOnly posts show visitors only the part before <!--more--> and a subscribe
	// box; confirmed subscribers read all of it (see CanReadFull in access.go).
	SubscribersOnly bool
	// SendNewsletter mails the post to confirmed subscribers when it is first published.
	SendNewsletter bool
	// Appeal and Notice are this post's own support appeal and reuse notice (Markdown with
	// links, rendered sanitized), shown instead of the site-wide ones; empty uses the site's.
	Appeal string
	Notice string
	// CommentCount counts approved comments only; the store keeps it in step with moderation.
	CommentCount int

	Categories []Category
	Tags       []Tag
	Author     *User // loaded by the store when listing; nil otherwise
}

// IsPublic reports whether readers may see the post at time now.
func (p *Post) IsPublic(now time.Time) bool {
	return p.Status == StatusPublished && !p.PublishedAt.After(now)
}

// Protected reports whether the post needs a password before readers see its body.
func (p *Post) Protected() bool { return p.Password != "" }

// CanRead reports whether u (nil for an anonymous reader) may see that the post exists at
// time now (Access is not LevelHidden): everyone for public posts, and otherwise only those
// who may edit it. A password or subscriber-only switch may still hide its body.
func (p *Post) CanRead(u *User, now time.Time) bool {
	return Access(p, Reader{User: u}, now) != LevelHidden
}

// TitleSource is the title as its author wrote it: its markup when it has some, else its
// text. Editors, exports and the REST API's title.raw show this.
func (p *Post) TitleSource() string {
	if p.RawTitleMarkup != "" {
		return p.RawTitleMarkup
	}
	return p.Title
}

// SplitMore returns the part of the body before <!--more--> and whether the marker was present.
func SplitMore(body string) (teaser string, more bool) {
	i := strings.Index(body, MoreMarker)
	if i < 0 {
		return body, false
	}
	return body[:i], true
}

// Validate checks the post's fields and returns per-field messages.
func (p *Post) Validate() error {
	fe := FieldErrors{}
	if p.Type != TypePost && p.Type != TypePage {
		fe.Add("type", "Type must be post or page.")
	}
	title := strings.TrimSpace(p.Title)
	if title == "" && p.Status != StatusDraft {
		fe.Add("title", "A title is required before publishing.")
	}
	if utf8.RuneCountInString(p.Title) > MaxTitleLen {
		fe.Add("title", "The title is too long (500 characters at most).")
	}
	if p.Slug == "" {
		fe.Add("slug", "A slug is required.")
	} else if len(p.Slug) > MaxSlugLen {
		fe.Add("slug", "The slug is too long (200 characters at most).")
	} else if Slugify(p.Slug) != p.Slug {
		fe.Add("slug", "The slug may contain only lowercase letters, digits and hyphens.")
	}
	if len(p.RawBody) > MaxBodyLen {
		fe.Add("body", "The body is too long (1 MiB at most).")
	}
	if p.BodyFormat != FormatMarkdown && p.BodyFormat != FormatHTML && p.BodyFormat != FormatWordPress {
		fe.Add("body_format", "Body format must be markdown, html or wordpress.")
	}
	if utf8.RuneCountInString(p.RawExcerpt) > MaxExcerpt {
		fe.Add("excerpt", "The excerpt is too long (5000 characters at most).")
	}
	switch p.Status {
	case StatusDraft, StatusPublished, StatusPending, StatusPrivate:
	case StatusScheduled:
		if p.PublishedAt.IsZero() {
			fe.Add("published_at", "A scheduled post needs a publish date.")
		}
	default:
		fe.Add("status", "Status must be draft, pending, scheduled, published or private.")
	}
	if utf8.RuneCountInString(p.Appeal) > MaxAppealLen {
		fe.Add("appeal", "The appeal is too long (2000 characters at most).")
	}
	if utf8.RuneCountInString(p.Notice) > MaxAppealLen {
		fe.Add("notice", "The reuse notice is too long (2000 characters at most).")
	}
	if utf8.RuneCountInString(p.Password) > MaxPasswordLen {
		fe.Add("password", "The password is too long (255 characters at most).")
	} else if strings.ContainsAny(p.Password, "\r\n") {
		fe.Add("password", "The password must be on one line.")
	}
	if p.Sticky && p.Password != "" {
		// WordPress's rule: a sticky post is shown whole on the home page, which a password
		// exists to prevent. Every channel (editor, REST API, import) meets it here.
		fe.Add("sticky", "A post can not be sticky and have a password.")
	}
	if p.FeaturedImageURL != "" && !IsHTTPURL(p.FeaturedImageURL) && !IsSitePath(p.FeaturedImageURL) {
		fe.Add("featured_image_url", "The featured image must be an http(s) URL or a path on this site such as /wp-content/uploads/photo.jpg.")
	}
	if p.FeaturedImageURL != "" && strings.TrimSpace(p.FeaturedImageAlt) == "" {
		fe.Add("featured_image_alt", "Describe the featured image for readers who cannot see it.")
	}
	return fe.Err()
}
