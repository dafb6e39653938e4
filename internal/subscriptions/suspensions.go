package subscriptions

import (
	"context"
	"time"

	"github.com/broadside/broadside"
)

// LiftInput chooses the suspended (bounced) subscribers whose suspension is lifted: those a
// newsletter suspended, those suspended since a time, the ones ticked in a list, or All.
// Criteria combine with AND.
type LiftInput struct {
	PostID int64
	Since  time.Time
	IDs    []int64
	All    bool
}

// maxLiftIDs bounds a list of ticked subscribers (one admin page holds far fewer).
const maxLiftIDs = 1000

func (in LiftInput) filter() (broadside.SuspensionFilter, error) {
	if !in.All && in.PostID == 0 && in.Since.IsZero() && len(in.IDs) == 0 {
		return broadside.SuspensionFilter{}, broadside.Errorf(broadside.EINVALID,
			"Choose whose suspension to lift: the subscribers of one newsletter, those suspended since a date, or the ones you ticked.")
	}
	if len(in.IDs) > maxLiftIDs {
		return broadside.SuspensionFilter{}, broadside.Errorf(broadside.EINVALID, "Tick at most %d subscribers at once.", maxLiftIDs)
	}
	return broadside.SuspensionFilter{PostID: in.PostID, Since: in.Since, IDs: in.IDs}, nil
}

// SuspensionGroups lists the suspended addresses by the newsletter that suspended them.
func (s *Service) SuspensionGroups(ctx context.Context, u *broadside.User) ([]broadside.SuspensionGroup, error) {
	if err := mustManage(u); err != nil {
		return nil, err
	}
	return s.Store.SuspensionsByNewsletter(ctx)
}

// CountSuspended says how many subscribers LiftSuspensions(in) would restore, for the
// confirmation the admin sees first.
func (s *Service) CountSuspended(ctx context.Context, u *broadside.User, in LiftInput) (int, error) {
	if err := mustManage(u); err != nil {
		return 0, err
	}
	f, err := in.filter()
	if err != nil {
		return 0, err
	}
	return s.Store.CountSuspended(ctx, f)
}

// LiftSuspensions confirms the chosen suspended subscribers again, with their bounce counts
// cleared (after a mail server refused the site rather than their addresses, for example),
// and returns how many there were.
func (s *Service) LiftSuspensions(ctx context.Context, u *broadside.User, in LiftInput) (int64, error) {
	if err := mustManage(u); err != nil {
		return 0, err
	}
	f, err := in.filter()
	if err != nil {
		return 0, err
	}
	n, err := s.Store.LiftSuspensions(ctx, f, s.Now())
	if err == nil && n > 0 {
		s.Log.Info("bounce suspensions lifted", "subscribers", n, "user_id", u.ID, "post_id", in.PostID, "since", in.Since, "ticked", len(in.IDs))
	}
	return n, err
}

// Suspended lists up to limit suspended subscribers (most recent first) and how many there
// are in all.
func (s *Service) Suspended(ctx context.Context, u *broadside.User, limit int) ([]broadside.Subscriber, int, error) {
	return s.List(ctx, u, broadside.SubscriberFilter{Status: broadside.SubscriberBounced, Limit: limit})
}
