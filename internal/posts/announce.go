package posts

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// stored returns post id as tx holds it, or nil when there is none (id 0: a new post).
func stored(ctx context.Context, tx *store.Store, id int64) (*broadside.Post, error) {
	if id == 0 {
		return nil, nil
	}
	p, err := tx.PostByID(ctx, id)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

// announce tells every node, inside tx, which cached pages the change of post id from old
// (as stored before the write; nil if it did not exist) to what tx holds now may change:
// both states count, since a post leaving a category or a year changes that archive too.
func announce(ctx context.Context, tx *store.Store, old *broadside.Post, id int64) error {
	now, err := stored(ctx, tx, id)
	if err != nil {
		return err
	}
	return tx.NotifyChanged(ctx, broadside.CacheTags(old, now)...)
}
