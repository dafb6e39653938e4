package importer

import (
	"io"
	"time"

	"github.com/broadside/broadside/internal/wxr"
)

// prefetch decodes the file in its own goroutine while the import writes what came
// before: decoding the XML and writing the rows each took about half of an import's CPU, so
// on two cores they overlap instead of taking turns (docs/benchmarks.md, goal 6). The same
// goroutine runs prepare on each record, the work that needs no database (converting a
// post's body, making a comment's row), so that it too overlaps the writes (issue 11
// sessions 7 and 8). Records travel in small batches, at most aheadBatches + 1 ahead of the
// writer, so memory stays bounded whatever the file's size.
type prefetch struct {
	ch      chan *recBatch
	done    chan struct{}
	prepare func(wxr.Record) *converted
	comment func(*wxr.Comment) *commentRow
	cur     *recBatch
	i       int
	// waited is how long both sides waited for each other (timeline.go logs it): two clock
	// readings a batch, too few to be worth switching off.
	waited waits
}

type recBatch struct {
	recs   []prepared
	offset int64 // bytes of the file read when the batch was cut, for progress
	err    error // the reader's error (io.EOF at the end) after recs
	// decoderWait is how long the decoding goroutine had waited for room in the channel
	// before this batch: the writer learns it without sharing a variable.
	decoderWait time.Duration
}

// prepared is a record and what prepare (or, for a comment, comment) made of it.
type prepared struct {
	rec  wxr.Record
	conv *converted
	row  *commentRow
}

// A batch is cut at this many records or bytes of text, whichever comes first.
// aheadBatches is how many decoded batches may wait for the writer: with one, the writer
// waited for the decoder a sixth to a fifth of its time on a busy machine, whenever the
// decoder's thread was slow to be scheduled again after a wait, or hit a run of long bodies; eight (at most about 2 MiB
// of text) let the decoder keep that far ahead (docs/benchmarks.md, issue 11 session 9).
const (
	batchRecords = 128
	batchBytes   = 256 << 10
	aheadBatches = 8
)

// newPrefetch starts decoding rd. prepare and comment, when not nil, must be safe to run
// beside the writer: they may read what the writer does not change, never write.
func newPrefetch(rd *wxr.Reader, prepare func(wxr.Record) *converted, comment func(*wxr.Comment) *commentRow) *prefetch {
	p := &prefetch{ch: make(chan *recBatch, aheadBatches), done: make(chan struct{}), prepare: prepare, comment: comment}
	go p.run(rd)
	return p
}

func (p *prefetch) run(rd *wxr.Reader) {
	defer close(p.ch)
	var waited time.Duration
	for {
		b := &recBatch{decoderWait: waited}
		size := 0
		for len(b.recs) < batchRecords && size < batchBytes {
			rec, err := rd.Next()
			if err != nil {
				b.err = err
				break
			}
			pr := prepared{rec: rec}
			if c, ok := rec.(*wxr.Comment); ok && p.comment != nil {
				pr.row = p.comment(c)
			} else if p.prepare != nil {
				pr.conv = p.prepare(rec)
			}
			b.recs = append(b.recs, pr)
			size += recordSize(rec)
		}
		b.offset = rd.Offset()
		t0 := time.Now()
		select {
		case p.ch <- b:
		case <-p.done:
			return
		}
		waited += time.Since(t0)
		if b.err != nil {
			return
		}
	}
}

// next returns the next record as wxr.Reader.Next would, with what was made of it, and the
// file offset reached.
func (p *prefetch) next() (prepared, int64, error) {
	for p.cur == nil || p.i == len(p.cur.recs) {
		if p.cur != nil && p.cur.err != nil {
			return prepared{}, p.cur.offset, p.cur.err
		}
		t0 := time.Now()
		b, ok := <-p.ch
		if !ok {
			return prepared{}, 0, io.ErrUnexpectedEOF // not reached: the last batch carries an error
		}
		p.waited.writer += time.Since(t0)
		p.waited.decoder = b.decoderWait
		p.waited.batches++
		p.cur, p.i = b, 0
	}
	pr := p.cur.recs[p.i]
	p.cur.recs[p.i] = prepared{}
	p.i++
	return pr, p.cur.offset, nil
}

// stop ends the decoding goroutine when the import returns early.
func (p *prefetch) stop() { close(p.done) }

func recordSize(rec wxr.Record) int {
	switch x := rec.(type) {
	case *wxr.Item:
		return len(x.Content) + len(x.Excerpt) + 256
	case *wxr.Comment:
		return len(x.Content) + 128
	}
	return 64
}
