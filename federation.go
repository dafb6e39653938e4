package broadside

import (
	"strings"
	"time"
)

// Follower is a remote ActivityPub actor following one of the site's actors.
type Follower struct {
	ID int64
	// Actor is the name of our actor being followed ("site" or an author's login).
	Actor string
	// FollowerID is the remote actor's id (a URL).
	FollowerID string
	// Inbox and SharedInbox are where activities for the follower go; SharedInbox is "" when
	// the remote server has none. Deliveries go to the shared inbox, once per server.
	Inbox, SharedInbox string
	// FollowID is the id of the Follow activity, echoed in our Accept.
	FollowID string
	// Status is FollowAccepted, or FollowPending while the publisher holds follows for approval.
	Status    string
	CreatedAt time.Time
	// Name, Acct (the @user@host handle) and URL (profile page) are how the follower's actor
	// presented itself when it followed: remote text, escaped wherever it is shown.
	Name, Acct, URL string
}

// Follow statuses.
const (
	FollowAccepted = "accepted"
	FollowPending  = "pending"
)

// DeliveryInbox is the inbox a delivery to f goes to: its server's shared inbox when there
// is one, so one request serves every follower on that server.
func (f *Follower) DeliveryInbox() string {
	if f.SharedInbox != "" {
		return f.SharedInbox
	}
	return f.Inbox
}

// Federation is how the site takes part in the fediverse (ActivityPub). The zero value is
// federation on, the site actor only, follows accepted at once, posts sent as Articles.
type Federation struct {
	// Off turns federation off: no discovery, actors or inbox; nothing is delivered.
	Off bool `json:",omitempty"`
	// Username is the site actor's name in acct:NAME@host; "" uses SiteUsername's default.
	Username string `json:",omitempty"`
	// AuthorActors gives each author who has published an actor of their own, followable as
	// acct:LOGIN@host.
	AuthorActors bool `json:",omitempty"`
	// ApproveFollows holds new follows until the publisher approves them.
	ApproveFollows bool `json:",omitempty"`
	// Notes sends posts as Notes instead of Articles, for servers that show an Article as a
	// bare link.
	Notes bool `json:",omitempty"`
}

// SiteUsername is the site actor's username: the configured one, else the first label of
// host ("blog" for blog.example.com), as WordPress's ActivityPub plugin names the blog actor
// after the site.
func (f Federation) SiteUsername(host string) string {
	if f.Username != "" {
		return f.Username
	}
	if i := strings.IndexAny(host, ".:"); i > 0 {
		host = host[:i]
	}
	if host == "" {
		return "site"
	}
	return strings.ToLower(host)
}

// Federates reports whether p may leave the site as ActivityPub at now: a blog post the
// anonymous reader may see at least the teaser of (the one access rule: password-protected,
// private, unpublished and trashed posts never federate; subscriber-only posts federate
// their teaser).
func Federates(p *Post, now time.Time) bool {
	if p == nil || p.Type != TypePost {
		return false
	}
	l := Access(p, Reader{}, now)
	return l == LevelTeaser || l == LevelFull
}

// PostActor names the ActivityPub actor p is attributed to: its author's when author actors
// are on, else the site's ("site"; see internal/activitypub for the names).
func PostActor(f Federation, p *Post) string {
	if f.AuthorActors && p.AuthorID != 0 {
		return AuthorActorName(p.AuthorID)
	}
	return SiteActorName
}

// SiteActorName is the name of the site's own ActivityPub actor.
const SiteActorName = "site"

// AuthorActorName is the name of the ActivityPub actor of user id (by id, so a changed
// login keeps its followers).
func AuthorActorName(id int64) string { return "users/" + itoa(int(id)) }
