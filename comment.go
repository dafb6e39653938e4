package broadside

import (
	"strings"
	"time"
	"unicode/utf8"
)

// CommentStatus is a comment's moderation state.
type CommentStatus string

const (
	CommentPending  CommentStatus = "pending"
	CommentApproved CommentStatus = "approved"
	CommentSpam     CommentStatus = "spam"
	CommentTrash    CommentStatus = "trash"
)

// CommentStatuses lists every status in the order the moderation queue shows them.
var CommentStatuses = []CommentStatus{CommentPending, CommentApproved, CommentSpam, CommentTrash}

// ValidCommentStatus reports whether s is a known status.
func ValidCommentStatus(s CommentStatus) bool {
	for _, x := range CommentStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Comment kinds: ordinary comments, and pingbacks/trackbacks kept as their own type (imports).
const (
	KindComment   = "comment"
	KindPingback  = "pingback"
	KindTrackback = "trackback"
)

// Limits on comment fields.
const (
	DefaultMaxCommentLen = 10000 // runes; a setting can lower or raise it up to MaxCommentLen
	MaxCommentLen        = 65525 // WordPress's column limit
	MaxCommentNameLen    = 245
	MaxCommentEmailLen   = 100
	MaxCommentURLLen     = 200
)

// Comment is one comment in a post's discussion. Reader-supplied fields are stored exactly as
// typed; the Raw prefix on the body marks that it must go through render before display.
type Comment struct {
	ID       int64
	PostID   int64
	ParentID int64 // 0 for a top-level comment
	UserID   int64 // the signed-in user who wrote it, 0 for a visitor
	Kind     string

	AuthorName  string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	UserAgent   string
	RawBody     string
	// AvatarURL is a remote commenter's own picture (their fediverse account's icon), set
	// by federation; empty for everyone else, whose avatar is generated (internal/avatar).
	AvatarURL string
	// RemoteID is the id of the fediverse Note this comment came from (ActivityPub), so an
	// Update or Delete of it finds the comment and a repeated Create is not a second one;
	// RemoteActor is its author's actor id and RemoteHandle their @user@host. All empty for
	// comments written on this site.
	RemoteID     string
	RemoteActor  string
	RemoteHandle string

	Status    CommentStatus
	CreatedAt time.Time

	// CommenterKeyHash is the hex SHA-256 of the secret in the commenter's cookie when they
	// wrote it ("" when they had none): approving the comment approves that key for
	// AuthorEmail. Never shown to anyone.
	CommenterKeyHash string
	// ModerationReason says why the comment was held or marked spam, for moderators.
	ModerationReason string
	// ModerationCodes are the same reasons as machine codes (broadside.Reason*).
	ModerationCodes []string
}

// Remote reports whether the comment arrived over federation.
func (c *Comment) Remote() bool { return c.RemoteID != "" }

// Validate checks the fields a commenter typed. requireNameEmail follows the discussion
// setting; signed-in users have their name and email filled in before this is called.
func (c *Comment) Validate(requireNameEmail bool, maxLen int) error {
	if maxLen <= 0 || maxLen > MaxCommentLen {
		maxLen = MaxCommentLen
	}
	fe := FieldErrors{}
	body := strings.TrimSpace(c.RawBody)
	if body == "" {
		fe.Add("comment", "Please type your comment.")
	} else if n := utf8.RuneCountInString(c.RawBody); n > maxLen {
		fe.Add("comment", "Your comment is too long: "+itoa(n)+" characters, the limit is "+itoa(maxLen)+".")
	}
	if !utf8.ValidString(c.RawBody) || !utf8.ValidString(c.AuthorName) {
		fe.Add("comment", "Your comment contains invalid characters.")
	}
	name := strings.TrimSpace(c.AuthorName)
	if requireNameEmail && name == "" {
		fe.Add("author", "Please enter your name.")
	} else if utf8.RuneCountInString(c.AuthorName) > MaxCommentNameLen {
		fe.Add("author", "Your name is too long (245 characters at most).")
	} else if strings.ContainsAny(c.AuthorName, "\r\n") {
		fe.Add("author", "Your name must be on one line.")
	}
	email := strings.TrimSpace(c.AuthorEmail)
	switch {
	case requireNameEmail && email == "":
		fe.Add("email", "Please enter your email address (it will not be published).")
	case email != "" && (len(email) > MaxCommentEmailLen || !ValidEmail(email)):
		fe.Add("email", "Please enter a valid email address, like name@example.com.")
	}
	if c.AuthorURL != "" {
		if len(c.AuthorURL) > MaxCommentURLLen {
			fe.Add("url", "The website address is too long (200 characters at most).")
		} else if !IsHTTPURL(c.AuthorURL) {
			fe.Add("url", "The website must be an http:// or https:// address.")
		}
	}
	if c.ParentID < 0 {
		fe.Add("comment_parent", "The comment you are replying to does not exist.")
	}
	return fe.Err()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
