package posts

import (
	"context"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// JobPurgeTrash deletes posts and pages trashed more than broadside.TrashDays ago. The app's
// housekeeping enqueues it once a day under a key naming the day, so one node runs it.
const JobPurgeTrash = "purge_trash"

// EnqueuePurge enqueues today's purge of the trash (idempotent: one job per day).
func (s *Service) EnqueuePurge(ctx context.Context) error {
	now := s.Now().UTC()
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		return jobs.Enqueue(ctx, tx, JobPurgeTrash, "purge_trash:"+now.Format("2006-01-02"), now, struct{}{})
	})
	if err == nil && s.Wake != nil {
		s.Wake()
	}
	return err
}

// Trash moves post id to the trash: it disappears from every public channel with its
// discussion, and can be restored for broadside.TrashDays.
func (s *Service) Trash(ctx context.Context, id int64, user *broadside.User) (*broadside.Post, error) {
	p, err := s.editable(ctx, id, user)
	if err != nil {
		return nil, err
	}
	wasPublic := broadside.Federates(p, s.Now())
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		old, err := stored(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.TrashPost(ctx, id, s.Now()); err != nil {
			return err
		}
		if s.Federate != nil {
			trashed := *p
			trashed.Status = broadside.StatusTrash
			if err := s.Federate(ctx, tx, &trashed, wasPublic); err != nil {
				return err
			}
		}
		return announce(ctx, tx, old, id)
	}); err != nil {
		return nil, err
	}
	s.Log.Info("post trashed", "post_id", id, "user_id", user.ID)
	s.changed()
	return s.Store.PostByID(ctx, id)
}

// Restore takes post id out of the trash with the status it had. A scheduled post whose
// time passed while it was in the trash goes live through the publishing job, as it would
// have.
func (s *Service) Restore(ctx context.Context, id int64, user *broadside.User) (*broadside.Post, error) {
	if _, err := s.editable(ctx, id, user); err != nil {
		return nil, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		old, err := stored(ctx, tx, id)
		if err != nil {
			return err
		}
		st, err := tx.RestorePost(ctx, id)
		if err != nil {
			return err
		}
		if s.Federate != nil && st == broadside.StatusPublished {
			p, err := tx.PostByID(ctx, id)
			if err != nil {
				return err
			}
			if err := s.Federate(ctx, tx, p, false); err != nil {
				return err
			}
		}
		if st == broadside.StatusScheduled {
			p, err := tx.PostByID(ctx, id)
			if err != nil {
				return err
			}
			key := "publish:" + strconv.FormatInt(p.ID, 10) + ":" + strconv.FormatInt(p.PublishedAt.Unix(), 10) + ":restored"
			if err := jobs.Enqueue(ctx, tx, JobPublishDue, key, p.PublishedAt, map[string]int64{"post_id": p.ID}); err != nil {
				return err
			}
		}
		return announce(ctx, tx, old, id)
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("post restored from the trash", "post_id", id, "user_id", user.ID)
	s.changed()
	return s.Store.PostByID(ctx, id)
}

// Trashed returns what the trash remembers of post id.
func (s *Service) Trashed(ctx context.Context, id int64) (*broadside.Trashed, error) {
	return s.Store.TrashedPost(ctx, id)
}

// DeleteForever deletes post id, which must be in the trash, with its comments.
func (s *Service) DeleteForever(ctx context.Context, id int64, user *broadside.User) error {
	p, err := s.editable(ctx, id, user)
	if err != nil {
		return err
	}
	if p.Status != broadside.StatusTrash {
		return broadside.Errorf(broadside.EINVALID, "Only %ss in the trash can be deleted permanently. Move it to the trash first.", p.Type)
	}
	return s.Delete(ctx, id, user)
}

// EmptyTrash permanently deletes every trashed post of typ that user may delete and returns
// how many were deleted.
func (s *Service) EmptyTrash(ctx context.Context, typ broadside.PostType, user *broadside.User) (int, error) {
	ids, err := s.Store.TrashedBefore(ctx, typ, time.Time{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		err := s.Delete(ctx, id, user)
		switch broadside.ErrorCode(err) {
		case "":
			n++
		case broadside.EFORBIDDEN, broadside.ENOTFOUND: // someone else's post, or already gone
		default:
			return n, err
		}
	}
	return n, nil
}

// PurgeTrash deletes the posts trashed more than broadside.TrashDays ago. It is the handler
// of JobPurgeTrash.
func (s *Service) PurgeTrash(ctx context.Context) (int, error) {
	ids, err := s.Store.TrashedBefore(ctx, "", s.Now().Add(-broadside.TrashDays*24*time.Hour))
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeletePost(ctx, id) }); err != nil &&
			broadside.ErrorCode(err) != broadside.ENOTFOUND {
			return 0, err
		}
	}
	if len(ids) > 0 {
		s.Log.Info("trash purged", "post_ids", ids)
		s.changed()
	}
	return len(ids), nil
}
