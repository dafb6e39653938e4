package broadside

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do. The names follow WordPress so imported sites keep their meaning.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleEditor Role = "editor"
	RoleAuthor Role = "author"
)

// Roles lists the roles in decreasing power.
var Roles = []Role{RoleAdmin, RoleEditor, RoleAuthor}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// User is someone who signs in to the admin.
type User struct {
	ID          int64
	Email       string
	Login       string // short name used in author archive URLs
	DisplayName string
	Role        Role
	// PasswordHash is an encoded argon2id hash; empty for users who have not set a password
	// (for example authors brought in by an import).
	PasswordHash string
	CreatedAt    time.Time
	// DeactivatedAt is when an administrator deactivated the account (zero: active). A
	// deactivated user cannot sign in by any channel; their posts stay.
	DeactivatedAt time.Time
	// TwoFactor reports whether the user signs in with a TOTP code after the password. The
	// key itself never leaves the auth service.
	TwoFactor bool
}

// Active reports whether the user may sign in.
func (u *User) Active() bool { return u != nil && u.DeactivatedAt.IsZero() }

// CanModerate reports whether the user may moderate comments and edit other people's posts.
func (u *User) CanModerate() bool { return u != nil && (u.Role == RoleAdmin || u.Role == RoleEditor) }

// CanManageSite reports whether the user may change site settings and users.
func (u *User) CanManageSite() bool { return u != nil && u.Role == RoleAdmin }

// Capabilities follow WordPress's role model, here and nowhere else; the posts service
// enforces them for every channel (the admin, the REST API), and the read rule (Access)
// uses CanEditPost for what is not public:
//
//   - authors create, publish, edit and delete their own posts, may make them sticky or
//     private, and may not touch pages or other people's posts (WordPress's Author lacks
//     edit_pages and edit_others_posts);
//   - editors and administrators do all of that for every post and page, and assign posts
//     to other authors.
//
// Broadside has no Contributor, so whoever may write a type may also publish it.

// CanCreate reports whether the user may create (and publish) posts of type t.
func (u *User) CanCreate(t PostType) bool {
	if u == nil {
		return false
	}
	if t == TypePage {
		return u.CanModerate()
	}
	return ValidRole(u.Role)
}

// CanEditPost reports whether the user may edit, publish, unpublish or delete p, and read
// it before it is public.
func (u *User) CanEditPost(p *Post) bool {
	if u == nil || p == nil {
		return false
	}
	return u.CanModerate() || (u.CanCreate(p.Type) && p.AuthorID == u.ID)
}

// CanAssignAuthor reports whether the user may give a post to another author.
func (u *User) CanAssignAuthor() bool { return u.CanModerate() }

// Name is what readers see as the author.
func (u *User) Name() string {
	if u == nil {
		return ""
	}
	if u.DisplayName != "" {
		return u.DisplayName
	}
	return u.Login
}

// Validate checks the user's fields (not the password, which is checked before hashing).
func (u *User) Validate() error {
	fe := FieldErrors{}
	if !ValidEmail(u.Email) {
		fe.Add("email", "Enter a valid email address, like name@example.com.")
	}
	if u.Login == "" || Slugify(u.Login) != u.Login {
		fe.Add("login", "The login may contain only lowercase letters, digits and hyphens.")
	}
	if utf8.RuneCountInString(u.DisplayName) > 200 {
		fe.Add("display_name", "The display name is too long (200 characters at most).")
	}
	if !ValidRole(u.Role) {
		fe.Add("role", "Role must be admin, editor or author.")
	}
	return fe.Err()
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// ValidatePassword checks a new password.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return &Error{Code: EINVALID, Message: "The password is too short.",
			Fields: map[string]string{"password": "Use at least 10 characters."}}
	}
	if len(pw) > 1024 {
		return &Error{Code: EINVALID, Message: "The password is too long.",
			Fields: map[string]string{"password": "Use at most 1024 bytes."}}
	}
	return nil
}

// ValidEmail reports whether s is a plain email address (no display name, no angle brackets).
func ValidEmail(s string) bool {
	if s == "" || len(s) > 254 || strings.ContainsAny(s, " <>\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// IsHTTPURL reports whether s is an absolute http or https URL with a host.
func IsHTTPURL(s string) bool {
	l := strings.ToLower(s)
	if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
		return false
	}
	rest := s[strings.Index(s, "//")+2:]
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	return host != "" && !strings.ContainsAny(s, " \t\r\n<>\"")
}

// IsSitePath reports whether s is an absolute path on this site, such as
// /wp-content/uploads/2019/04/photo.jpg: it starts with one slash (not "//", which would name
// another host) and has no whitespace, backslash, quotes or angle brackets.
func IsSitePath(s string) bool {
	return len(s) > 1 && s[0] == '/' && s[1] != '/' && !strings.ContainsAny(s, " \t\r\n<>\"'\\")
}
