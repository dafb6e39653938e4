package newsletter

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Report is a newsletter's progress for the admin.
type Report struct {
	Newsletter *broadside.Newsletter
	Progress   broadside.NewsletterProgress
	Failed     []broadside.Delivery // the most recent permanent failures
	Retrying   []broadside.Delivery // deliveries waiting for a retry after a temporary failure
}

// Report returns the progress of a post's newsletter; ENOTFOUND when it was not sent by
// email. Anyone who may edit the post may see it (addresses are shown to administrators
// only).
func (s *Service) Report(ctx context.Context, u *broadside.User, p *broadside.Post) (*Report, error) {
	if !u.CanEditPost(p) {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "You can only see the newsletters of your own posts.")
	}
	n, err := s.Store.NewsletterByPost(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	r := &Report{Newsletter: n}
	if r.Progress, err = s.Store.NewsletterProgress(ctx, p.ID); err != nil {
		return nil, err
	}
	if u.CanManageSite() {
		if r.Failed, err = s.Store.ListDeliveries(ctx, p.ID, broadside.DeliveryFailed, 50); err != nil {
			return nil, err
		}
		all, err := s.Store.ListDeliveries(ctx, p.ID, broadside.DeliveryPending, 50)
		if err != nil {
			return nil, err
		}
		for _, d := range all {
			if d.Attempts > 0 || d.LastError != "" {
				r.Retrying = append(r.Retrying, d)
			}
		}
	}
	return r, nil
}

// Recent lists the latest newsletters with their progress.
func (s *Service) Recent(ctx context.Context, limit int) ([]broadside.Newsletter, []broadside.NewsletterProgress, error) {
	ns, err := s.Store.ListNewsletters(ctx, limit)
	if err != nil {
		return nil, nil, err
	}
	ps := make([]broadside.NewsletterProgress, len(ns))
	for i, n := range ns {
		if ps[i], err = s.Store.NewsletterProgress(ctx, n.PostID); err != nil {
			return nil, nil, err
		}
	}
	return ns, ps, nil
}

// Resume restarts a newsletter that paused itself, where it stopped: deliveries already sent
// are not sent again, and every pending one goes out. Only someone who manages the site (and
// so its mail settings) may resume it.
func (s *Service) Resume(ctx context.Context, u *broadside.User, postID int64) error {
	if !u.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only an administrator can resume a newsletter.")
	}
	if !s.Enabled() {
		return broadside.Errorf(broadside.EINVALID, "Mail is not configured, so the newsletter cannot be sent.")
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		ok, err := tx.ResumeNewsletter(ctx, postID, s.Now())
		if err != nil {
			return err
		}
		if !ok {
			return broadside.Errorf(broadside.ECONFLICT, "This newsletter is not paused.")
		}
		return s.enqueueSend(ctx, tx, postID)
	})
	if err == nil {
		s.Log.Info("newsletter resumed by the publisher", "post_id", postID, "user_id", u.ID)
	}
	return err
}
