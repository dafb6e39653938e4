package broadside

import "time"

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
