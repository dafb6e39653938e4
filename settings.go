package broadside

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Moderation modes, WordPress's three discussion choices.
const (
	ModerateHoldAll         = "hold_all"          // "Comment must be manually approved"
	ModerateHoldUnlessPrior = "hold_unless_prior" // "Comment author must have a previously approved comment"
	ModeratePublish         = "publish"           // publish at once (still subject to links/keys)
)

// Discussion holds the comment rules of a site. Defaults follow WordPress.
type Discussion struct {
	CommentsEnabled  bool   // default for new posts: comments open
	ModerationMode   string // one of the Moderate* constants
	MaxLinks         int    // hold a comment with more links than this; -1 disables the check
	ModerationKeys   string // newline-separated words; a match holds the comment
	DisallowedKeys   string // newline-separated words; a match marks the comment spam
	CloseAfterDays   int    // 0: never close comments on old posts
	MaxDepth         int    // deepest reply level offered (1 disables threading)
	PerPage          int    // top-level threads per comment page; 0 shows all
	NewestFirst      bool   // order of top-level threads
	RequireNameEmail bool
	MaxLength        int // runes
	MinSubmitSeconds int // a form submitted faster than this after the page loaded is a bot
	// RateLimitPerMinute caps comment submissions per IP per minute.
	RateLimitPerMinute int
	NotifyAuthor       bool // mail the post author about held comments (needs mail set up)
	// ReportThreshold is how many readers' reports send an approved comment back to the
	// moderation queue; 0 turns reader reports off.
	ReportThreshold int
	// EditMinutes is how long a commenter may correct their own comment (proven by the
	// commenter key in their cookie, no account needed); 0 turns editing off.
	EditMinutes int
	// Gravatar shows commenters' Gravatar images (WordPress's "Show Avatars" with Gravatar):
	// pages then carry the MD5 of each commenter's e-mail address, and every reader's browser
	// asks gravatar.com for it. Off by default: Broadside draws avatars itself (internal/avatar).
	Gravatar bool
}

// SupportAppeal is the reader-support box shown under posts.
type SupportAppeal struct {
	Enabled   bool
	Text      string // plain text; rendered escaped, paragraphs split on blank lines
	LinkURL   string
	LinkLabel string
}

// Notice is a short plain-text notice with an optional link, such as a reuse/licence notice.
type Notice struct {
	Enabled  bool
	Text     string
	LinkURL  string
	LinkText string
}

// Settings is everything a publisher configures about their site in the admin.
type Settings struct {
	Title    string
	Tagline  string
	BaseURL  string // empty: use the configured/listening address
	Timezone string // IANA name
	// Language is what readers and subscribers read the site in (WordPress's WPLANG): a
	// shipped code from internal/i18n ("fr", "zh-CN"); empty is English, the way an unset
	// WPLANG is, so that an import may adopt the old site's language.
	Language           string
	PermalinkStructure string // WordPress tags: %year% %monthnum% %day% %postname% %post_id% %category% %author%
	PostsPerPage       int
	// FeedItems is how many items each feed lists (WordPress's "Syndication feeds show the
	// most recent"); FeedFullText puts each post's full text in feeds, not only a summary.
	FeedItems    int
	FeedFullText bool
	// KeepImageMetadata keeps EXIF, XMP, IPTC and text metadata (camera, time, GPS position)
	// in uploaded images and their sizes. Off by default: a photo's location is a real harm
	// to a source.
	KeepImageMetadata bool
	Support           SupportAppeal
	License           Notice
	Discussion        Discussion
	// RequireTwoFactorAdmins sends administrators without two-factor sign-in to set it up
	// before they can use the admin.
	RequireTwoFactorAdmins bool
	// Identity is the site's logo, icon and navigation menu (identity.go).
	Identity Identity
	// Federation is the site's ActivityPub presence (federation.go).
	Federation Federation `json:",omitzero"`
}

// SiteLanguages are the codes (BCP 47) of the languages Broadside ships, English first: the
// values Settings.Language may take besides "" (English). internal/i18n holds their names,
// writing direction and message catalogs, and its tests require one for each.
var SiteLanguages = []string{"en", "fr", "de", "es", "fa", "zh-CN"}

// DefaultPermalinkStructure is WordPress's "day and name".
const DefaultPermalinkStructure = "/%year%/%monthnum%/%day%/%postname%/"

// DefaultSettings returns the settings of a fresh site.
func DefaultSettings() Settings {
	return Settings{
		Title:              "My Broadside Site",
		Tagline:            "Independent publishing",
		Timezone:           "UTC",
		PermalinkStructure: DefaultPermalinkStructure,
		PostsPerPage:       10,
		FeedItems:          10,
		FeedFullText:       true,
		// No appeal and no reuse notice until the publisher writes one: a fresh site must not
		// ask readers for money nobody set up to receive. Enabled stays on so that typing the
		// text is enough. Sites that saved their settings keep what they saved (LoadSettings
		// decodes the stored document over these defaults).
		Support: SupportAppeal{Enabled: true, LinkLabel: "Support this site"},
		License: Notice{Enabled: true},
		Discussion: Discussion{
			CommentsEnabled:    true,
			ModerationMode:     ModerateHoldUnlessPrior,
			MaxLinks:           2,
			MaxDepth:           5,
			PerPage:            50,
			RequireNameEmail:   true,
			MaxLength:          DefaultMaxCommentLen,
			MinSubmitSeconds:   3,
			RateLimitPerMinute: 5,
			NotifyAuthor:       true,
			ReportThreshold:    3,
			EditMinutes:        10,
		},
	}
}

// PublicURL is the site's address readers use, without a trailing slash: the address saved
// in Settings when there is one, else configured (from --base-url or the listen address).
func (s *Settings) PublicURL(configured string) string {
	if base := strings.TrimRight(strings.TrimSpace(s.BaseURL), "/"); base != "" {
		return base
	}
	return strings.TrimRight(configured, "/")
}

// Location returns the site's time zone, UTC when the name is unknown.
func (s *Settings) Location() *time.Location {
	if loc, err := time.LoadLocation(s.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Validate checks the settings and returns per-field messages keyed by form field name.
func (s *Settings) Validate() error {
	fe := FieldErrors{}
	if strings.TrimSpace(s.Title) == "" {
		fe.Add("title", "The site needs a title.")
	} else if utf8.RuneCountInString(s.Title) > 200 {
		fe.Add("title", "The title is too long (200 characters at most).")
	}
	if utf8.RuneCountInString(s.Tagline) > 500 {
		fe.Add("tagline", "The tagline is too long (500 characters at most).")
	}
	if s.BaseURL != "" && !IsHTTPURL(s.BaseURL) {
		fe.Add("base_url", "The base URL must be an http:// or https:// address, like https://example.com.")
	}
	if _, err := time.LoadLocation(s.Timezone); err != nil || s.Timezone == "" {
		fe.Add("timezone", "Unknown time zone; use an IANA name such as Europe/London.")
	}
	if s.Language != "" && !slices.Contains(SiteLanguages, s.Language) {
		fe.Add("language", "Choose one of the site languages offered.")
	}
	if err := ValidatePermalinkStructure(s.PermalinkStructure); err != nil {
		fe.Add("permalink_structure", ErrorMessage(err))
	}
	if s.PostsPerPage < 1 || s.PostsPerPage > 100 {
		fe.Add("posts_per_page", "Posts per page must be between 1 and 100.")
	}
	if s.FeedItems < 1 || s.FeedItems > 100 {
		fe.Add("feed_items", "Feed items must be between 1 and 100.")
	}
	if s.Support.LinkURL != "" && !IsHTTPURL(s.Support.LinkURL) {
		fe.Add("support_link_url", "The support link must be an http:// or https:// address.")
	}
	if utf8.RuneCountInString(s.Support.Text) > 2000 {
		fe.Add("support_text", "The appeal is too long (2000 characters at most).")
	}
	if s.License.LinkURL != "" && !IsHTTPURL(s.License.LinkURL) {
		fe.Add("license_link_url", "The notice link must be an http:// or https:// address.")
	}
	d := s.Discussion
	switch d.ModerationMode {
	case ModerateHoldAll, ModerateHoldUnlessPrior, ModeratePublish:
	default:
		fe.Add("moderation_mode", "Choose how new comments are moderated.")
	}
	if d.MaxLinks < -1 || d.MaxLinks > 100 {
		fe.Add("max_links", "Links before holding must be between 0 and 100 (or -1 to disable).")
	}
	if d.CloseAfterDays < 0 || d.CloseAfterDays > 36500 {
		fe.Add("close_after_days", "Days before closing must be 0 (never) or a positive number of days.")
	}
	if d.MaxDepth < 1 || d.MaxDepth > 10 {
		fe.Add("max_depth", "Thread depth must be between 1 and 10.")
	}
	if d.PerPage < 0 || d.PerPage > 1000 {
		fe.Add("comments_per_page", "Comments per page must be between 0 (all) and 1000.")
	}
	if d.MaxLength < 1 || d.MaxLength > MaxCommentLen {
		fe.Add("max_length", "Maximum comment length must be between 1 and 65525 characters.")
	}
	if d.MinSubmitSeconds < 0 || d.MinSubmitSeconds > 600 {
		fe.Add("min_submit_seconds", "Minimum seconds before submit must be between 0 and 600.")
	}
	if d.RateLimitPerMinute < 1 || d.RateLimitPerMinute > 1000 {
		fe.Add("rate_limit_per_minute", "Comments per IP per minute must be between 1 and 1000.")
	}
	if err := ValidateMenu(s.Identity.Menu); err != nil {
		for k, v := range ErrorFields(err) {
			fe.Add(k, v)
		}
	}
	if d.ReportThreshold < 0 || d.ReportThreshold > 1000 {
		fe.Add("report_threshold", "Reports before a comment is held must be between 0 (off) and 1000.")
	}
	if d.EditMinutes < 0 || d.EditMinutes > 1440 {
		fe.Add("edit_minutes", "The edit window must be between 0 (off) and 1440 minutes.")
	}
	for k, v := range s.Federation.Validate() {
		fe.Add(k, v)
	}
	return fe.Err()
}

// Words splits a newline-separated word list into trimmed, non-empty entries.
func Words(list string) []string {
	var out []string
	for _, l := range strings.Split(list, "\n") {
		if w := strings.TrimSpace(l); w != "" {
			out = append(out, w)
		}
	}
	return out
}
