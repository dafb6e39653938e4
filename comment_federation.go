package broadside

import "time"

// CommentFederates reports whether comment c of post p may leave the site as ActivityPub at
// now (its object fetched at its id, listed in a replies collection, delivered to a remote
// author it answers): an approved comment of a post whose discussion the anonymous reader
// may see, which is Access at Full — the federation channel's reader is anyone on any
// server. A subscriber-only post federates its teaser but not its discussion (as the
// comment feeds), a password-protected, private, unpublished or trashed post federates
// neither.
func CommentFederates(p *Post, c *Comment, now time.Time) bool {
	return c != nil && p != nil && c.PostID == p.ID && c.Status == CommentApproved && DiscussionFederates(p, now)
}

// DiscussionFederates reports whether p's approved comments may leave the site as
// ActivityPub at now (CommentFederates without a comment).
func DiscussionFederates(p *Post, now time.Time) bool {
	return Access(p, Reader{}, now) == LevelFull
}
