package broadside

import "time"

// CommentSubscription is an address that asked to hear about new comments on a post (CommentID
// 0) or replies to one comment.
type CommentSubscription struct {
	ID          int64
	PostID      int64
	CommentID   int64
	Email       string
	Confirmed   bool
	CreatedAt   time.Time
	ConfirmedAt time.Time
	PostTitle   string // filled by CommentSubscriptionsByEmail
}

// SuspensionGroup is how many subscribers one newsletter's failures suspended.
type SuspensionGroup struct {
	PostID    int64
	PostTitle string // empty when the post is gone
	Count     int
	First     time.Time
}
