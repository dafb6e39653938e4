package importer

import (
	"context"
	"errors"
	"io"
	"maps"
	"sync/atomic"

	"github.com/broadside/broadside/internal/wxr"
)

// The first pass runs before anything else and nothing overlaps it, so a large file's two
// halves are read at once, one on each core (wxr.Split): the second half's records go into
// a plan of their own, joined to the first's when the first reader arrives at the split in
// the state the second assumed. Joining gives the plan one reader would have built (file
// order is kept where it matters: first-seen lists, last-wins maps). Whenever anything is in
// doubt — the split point fell inside a CDATA section, the second half holds an author or a
// term, the categories changed after the second half started, it failed — the first reader
// reads on alone, so an error is the one a single reader gives, with its position.

// errNotSplit is the second half's planner refusing a record only the channel's head should
// hold.
var errNotSplit = errors.New("importer: record of the channel's head after the split")

// splitMin is the smallest file read in two halves: below it, the second goroutine and plan
// are not worth their cost.
const splitMin = 8 << 20

// splitFile asks r to split src; tests replace it to split smaller files.
var splitFile = func(r *wxr.Reader, src io.ReaderAt, size int64) {
	if size >= splitMin {
		r.SplitAt(src, size/2, size)
	}
}

// halvesJoined is called when the two halves' plans were joined; tests replace it to learn
// that the split was used.
var halvesJoined = func() {}

// half is what the second half's reader made.
type half struct {
	pl  *planner
	err error
}

// read reads every record of r into the plan, the second half of a large file in its own
// goroutine.
func (pl *planner) read(ctx context.Context, r *wxr.Reader, src io.ReaderAt, progress func(int64, int64)) error {
	splitFile(r, src, pl.p.size)
	var (
		sp     *wxr.Split
		second chan half     // the second half's result, while it is being read
		stop   chan struct{} // closed to make the second reader give up
		done   atomic.Int64  // bytes the second reader has read
		catsAt int           // categories known when the second half started
	)
	// start reads the second half in its own goroutine.
	start := func() {
		sp, catsAt = r.Split(), len(pl.p.catSlugs)
		second, stop = make(chan half, 1), make(chan struct{})
		pb := pl.secondHalf()
		go func(rd *wxr.Reader, second chan half, stop chan struct{}) {
			second <- half{pl: pb, err: pb.readSecond(rd, stop, &done)}
		}(sp.Reader(), second, stop)
	}
	defer func() { // an error or the end before the split: the second half is not needed
		if second != nil {
			close(stop)
			<-second
		}
	}()
	for n := 0; ; n++ {
		if n%512 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if progress != nil {
				progress(r.Offset()+done.Load(), pl.p.size)
			}
		}
		rec, err := r.Next()
		switch {
		case err == wxr.ErrSplit:
			if stop == nil { // the split came up before a record did
				start()
			}
			var h half
			select {
			case h = <-second:
			case <-ctx.Done(): // the deferred close of stop ends the second half
				return ctx.Err()
			}
			second = nil
			delta, ok := sp.Join()
			sp = nil
			if h.err == nil && ok && len(pl.p.catSlugs) == catsAt {
				pl.endItem()
				pl.join(h.pl, delta)
				halvesJoined()
				return nil
			}
			done.Store(0)
			continue // read on alone
		case err == io.EOF:
			pl.endItem()
			return nil
		case err != nil:
			return err
		}
		if err := pl.add(rec); err != nil {
			return err
		}
		if stop == nil && r.Split() != nil {
			start()
		}
	}
}

// secondHalf is a planner for the records after the split, knowing what the first half's
// head told (the site's home directory and the categories, which an item's link is
// compared with).
func (pl *planner) secondHalf() *planner {
	pb := newPlanner(pl.p.size, pl.opt)
	pb.second = true
	pb.p.home = pl.p.home
	pb.p.catSlugs = maps.Clone(pl.p.catSlugs)
	return pb
}

// readSecond reads the second half to its end, or until stop is closed.
func (pl *planner) readSecond(r *wxr.Reader, stop chan struct{}, done *atomic.Int64) error {
	start := r.Offset()
	for n := 0; ; n++ {
		if n%512 == 0 {
			select {
			case <-stop:
				return errNotSplit
			default:
			}
			done.Store(r.Offset() - start)
		}
		rec, err := r.Next()
		if err == io.EOF {
			pl.endItem()
			return nil
		}
		if err != nil {
			return err
		}
		if err := pl.add(rec); err != nil {
			return err
		}
	}
}

// join adds the plan of the second half (lines lineDelta too low) to pl's, as if one reader
// had read on.
func (pl *planner) join(pb *planner, lineDelta int) {
	p, q := pl.p, pb.p
	for _, c := range q.creators {
		p.addCreator(c, pl.creators)
	}
	for _, id := range q.attOrder {
		if _, dup := p.attachments[id]; !dup {
			p.attOrder = append(p.attOrder, id)
		}
	}
	for id, a := range q.attachments {
		a.Pos.Line += lineDelta
		p.attachments[id] = a
	}
	for parent, ids := range q.byParent {
		p.byParent[parent] = append(p.byParent[parent], ids...)
	}
	maps.Copy(p.postTypes, q.postTypes)
	maps.Copy(p.orphans, q.orphans)
	for k, n := range q.votes {
		p.votes[k] += n
	}
	for k, n := range q.offsets {
		p.offsets[k] += n
	}
	p.voters += q.voters
	p.maxPost, p.maxComment, p.maxAttachment = max(p.maxPost, q.maxPost), max(p.maxComment, q.maxComment), max(p.maxAttachment, q.maxAttachment)
}
