package importer

import (
	"context"
	"hash/maphash"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/wxr"
)

// newPosts gathers the posts and pages of an import into a site without posts, to write
// them many to a statement (store.ImportNewPosts), as newComments does for comments: such
// a site holds no post, and ReserveIDs keeps ids up to the file's largest for the import,
// so an item's WordPress id is free unless an earlier item of this file took it. An item
// whose id is taken, or that has none, goes the row-by-row way, which finds it a new id.
//
// slugs makes the slug check free as well: it holds a hash of the type and slug of every
// post and page the run wrote or queued, which in a site that had no posts are all there
// are, so a slug whose hash is not there is not taken; one whose hash is there is looked
// up in the database (after the queue is written), as before.
type newPosts struct {
	used    idSet
	pending []store.ImportedPost
	size    int     // bytes of text pending
	first   wxr.Pos // where the first pending post is in the file, for errors
	seed    maphash.Seed
	slugs   map[uint64]struct{}
}

// Posts wait until this many are pending or their text reaches pendingPostBytes (bodies
// can be large; memory stays bounded whatever the file).
const (
	pendingPosts     = 64
	pendingPostBytes = 256 << 10
)

// setupNewPosts turns batching on when the site has no posts (r.fresh) and nothing is
// looked up (a source imported before finds its posts row by row).
func (r *run) setupNewPosts() {
	if !r.fresh || r.known {
		return
	}
	if used := newIDSet(r.plan.maxPost); used != nil {
		r.posts = &newPosts{used: used, seed: maphash.MakeSeed(), slugs: map[uint64]struct{}{}}
	}
}

// take reports whether the post with WordPress id wpID keeps it and is written later, and
// if so marks the id used.
func (b *newPosts) take(wpID int64) bool {
	return b != nil && b.used.take(wpID)
}

func (b *newPosts) slugKey(typ broadside.PostType, slug string) uint64 {
	var h maphash.Hash
	h.SetSeed(b.seed)
	h.WriteString(string(typ))
	h.WriteByte(0)
	h.WriteString(slug)
	return h.Sum64()
}

// slugTaken reports whether a post of type typ already has slug.
func (r *run) slugTaken(ctx context.Context, typ broadside.PostType, slug string) (bool, error) {
	if b := r.posts; b != nil {
		if _, maybe := b.slugs[b.slugKey(typ, slug)]; !maybe {
			return false, nil
		}
		if err := r.flushPosts(ctx); err != nil {
			return false, err
		}
	}
	return r.tx.SlugTaken(ctx, string(typ), slug, 0)
}

// writePost writes p: queued when its id is its own and free, row by row otherwise.
// search is its body's search text computed ahead, or "".
func (r *run) writePost(ctx context.Context, p *broadside.Post, search string, pos wxr.Pos) error {
	b := r.posts
	if b != nil {
		b.slugs[b.slugKey(p.Type, p.Slug)] = struct{}{}
	}
	if !b.take(p.ID) {
		if err := r.flushPosts(ctx); err != nil { // an id only a queued post may hold
			return err
		}
		return r.tx.ImportPostWithSearch(ctx, store.ImportedPost{Post: p, SearchBody: search})
	}
	if len(b.pending) == 0 {
		b.first = pos
	}
	b.pending = append(b.pending, store.ImportedPost{Post: p, SearchBody: search})
	b.size += len(p.RawBody) + len(search)
	if len(b.pending) >= pendingPosts || b.size >= pendingPostBytes {
		return r.flushPosts(ctx)
	}
	return nil
}

// flushPosts writes the posts that wait. Everything that reads posts or writes what refers
// to one (comments first: flushComments calls it) calls it first.
func (r *run) flushPosts(ctx context.Context) error {
	b := r.posts
	if b == nil || len(b.pending) == 0 {
		return nil
	}
	err := r.tx.ImportNewPosts(ctx, b.pending)
	if err != nil {
		err = itemError(b.first, "post", b.pending[0].Post.ID, err)
	}
	clear(b.pending)
	b.pending, b.size = b.pending[:0], 0
	return err
}
