package broadside

import "time"

// Reaction kinds: a fediverse Like, and a boost (an Announce of the post).
const (
	ReactionLike     = "like"
	ReactionAnnounce = "announce"
)

// Reaction is a remote actor's like or boost of one of the site's posts, received over
// ActivityPub. An actor counts once per kind and post.
type Reaction struct {
	ID     int64
	PostID int64
	Kind   string // ReactionLike or ReactionAnnounce
	// ActorID is the remote actor (a URL), proven by the request's signature.
	ActorID string
	// ActivityID is the Like or Announce's id, which an Undo names.
	ActivityID string
	// ActorName, ActorHandle (@user@host) and ActorIcon are what the activity said of its
	// actor; empty when it named only the id. Untrusted text: escaped on render.
	ActorName, ActorHandle, ActorIcon string
	CreatedAt                         time.Time
}

// ReactionCounts are a post's likes and boosts.
type ReactionCounts struct {
	Likes, Boosts int
}

// Zero reports whether there is nothing to show.
func (c ReactionCounts) Zero() bool { return c.Likes == 0 && c.Boosts == 0 }
