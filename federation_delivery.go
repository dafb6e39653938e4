package broadside

import "time"

// States of one ActivityPub delivery (an activity to one inbox).
const (
	FederatedWaiting   = "waiting"   // not tried yet, or held back by a limit
	FederatedDelivered = "delivered" // the inbox accepted it
	FederatedFailing   = "failing"   // a temporary failure; tried again at NextAt
	FederatedFailed    = "failed"    // refused for good, inbox gone, or its host dead
)

// DeliveryHost sums up the deliveries of one post's activities to one remote host.
type DeliveryHost struct {
	Host                                string
	Waiting, Delivered, Failing, Failed int
	Attempts                            int       // the most tries any of them took
	LastError                           string    // one of their last errors
	NextAt                              time.Time // the earliest next try of a failing one
	DeadAt                              time.Time // when the host was declared dead; zero while it is not
}

// Total is the number of deliveries to the host.
func (h DeliveryHost) Total() int { return h.Waiting + h.Delivered + h.Failing + h.Failed }

// DeliveryHostLimit bounds the hosts one post's delivery status lists (those with failures
// first); the totals count them all.
const DeliveryHostLimit = 500

// PostDelivery is a post's delivery to the fediverse: totals per state and per host.
type PostDelivery struct {
	Waiting, Delivered, Failing, Failed int
	Hosts                               []DeliveryHost // at most DeliveryHostLimit
	AllHosts                            int
}
