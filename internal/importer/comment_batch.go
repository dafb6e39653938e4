package importer

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// newComments gathers the comments of an import into a site without comments, to write
// them many to a statement (store.ImportNewComments). Such a site holds no comment, and
// ReserveIDs keeps ids up to the file's largest for the import, so a comment's WordPress id
// is free unless an earlier comment of this file took it: used remembers which did, one
// bit per id. A comment whose id is taken, or that has none, goes the row-by-row way, which
// finds it a new id.
type newComments struct {
	used    idSet
	pending []*broadside.Comment
	first   wxr.Pos // where the first pending comment is in the file, for errors
}

// pendingComments is how many comments wait before they are written.
const pendingComments = 256

// setupNewComments turns batching on when the site has no comments yet (empty, as
// store.DeferIndexes found the table) and nothing is looked up (a source imported before
// finds its comments row by row).
func (r *run) setupNewComments(empty bool) {
	if r.known || !empty {
		return
	}
	if used := newIDSet(r.plan.maxComment); used != nil {
		r.batch = &newComments{used: used}
	}
}

// take reports whether the comment with WordPress id wpID keeps it and is written later,
// and if so marks the id used.
func (b *newComments) take(wpID int64) bool {
	return b != nil && b.used.take(wpID)
}

// queue keeps cm (its id set) to be written with the next flush.
func (r *run) queue(ctx context.Context, cm *broadside.Comment, pos wxr.Pos) error {
	if len(r.batch.pending) == 0 {
		r.batch.first = pos
	}
	r.batch.pending = append(r.batch.pending, cm)
	if len(r.batch.pending) >= pendingComments {
		return r.flushComments(ctx)
	}
	return nil
}

// flushComments writes the comments that wait. Everything that reads or changes comments,
// or inserts one row by row, calls it first.
func (r *run) flushComments(ctx context.Context) error {
	if err := r.flushPosts(ctx); err != nil { // the comments' posts first
		return err
	}
	b := r.batch
	if b == nil || len(b.pending) == 0 {
		return nil
	}
	err := r.tx.ImportNewComments(ctx, b.pending)
	if err != nil {
		err = itemError(b.first, "comment", b.pending[0].ID, err)
	}
	clear(b.pending)
	b.pending = b.pending[:0]
	return err
}
