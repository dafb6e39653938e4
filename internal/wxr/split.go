package wxr

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
)

// A pass that only checks a large export and gathers ids (the importer's first pass) can
// read its two halves at once, one on each core. The second Reader starts at an <item> in
// the middle of the file assuming the state the first will be in when it gets there (inside
// <rss> and <channel>, between records, the namespaces of the file's head in force); the
// first stops there and Join says whether it got there in exactly that state. If it did, the
// second Reader's records are the document's from that point on, the same as the first
// would have read; if not (the <item> was inside a CDATA section, say), or the second Reader
// failed, the caller lets the first read on alone, so every error is the one a single reader
// reports, with its position.

// ErrSplit is what Next returns, with no record, when the Reader reached its Split.
var ErrSplit = errors.New("wxr: reached the split point")

// Split is where a second Reader takes over reading the document.
type Split struct {
	first     *Reader
	src       io.ReaderAt
	size      int64 // of src
	file      int64 // the split's offset in src
	at        int64 // the same, in the reader's offsets (after a byte order mark)
	lineStart int64 // in the reader's offsets: where the split's line starts

	elems  []elem
	names  []byte
	ns     map[string]string
	saved  []nsSave
	second *Reader
}

// splitWindow is how much of the middle of the file Split looks at for an <item> starting
// a line.
const splitWindow = 1 << 20

var itemTag = []byte("<item>")

// SplitAt asks r to prepare a Split of src (the file r reads from its start, size bytes
// long) at the first <item> that starts a line at or after offset from (the middle of the
// file, say) and within a MiB of it. r prepares it between two records of the channel once
// it has read an item (the channel's head, its authors and terms, are behind it then), and
// from then on stops there: Next returns ErrSplit. Split returns it once it is prepared.
func (r *Reader) SplitAt(src io.ReaderAt, from, size int64) {
	r.splitSrc, r.splitFrom, r.splitSize = src, from, size
}

// Split returns the Split that SplitAt asked for, or nil while it is not prepared (or when
// none could be: the input converted from another charset, or no <item> starting a line
// ahead of r in the middle of the file).
func (r *Reader) Split() *Split { return r.split }

// prepareSplit is called after each step while SplitAt's request is open.
func (r *Reader) prepareSplit() {
	s := r.s
	if r.err != nil || r.st != stChannel || !r.sawItem || r.item != nil || s.pendingEnd {
		return
	}
	src, from, size := r.splitSrc, r.splitFrom, r.splitSize
	r.splitSrc = nil // one try
	if s.src != io.Reader(r.filter) || r.filter.err != nil || !r.hasVersion || !r.siteOut {
		return
	}
	win := make([]byte, min(splitWindow, max(size-from, 0)))
	n, err := src.ReadAt(win, from)
	if err != nil && err != io.EOF {
		return
	}
	win = win[:n]
	for i := 0; ; {
		j := bytes.Index(win[i:], itemTag)
		if j < 0 {
			return
		}
		j += i
		// Only white space between the line's start and the tag: the column is known.
		k := j
		for k > 0 && (win[k-1] == ' ' || win[k-1] == '\t') {
			k--
		}
		if k > 0 && win[k-1] == '\n' {
			bom := int64(r.filter.bom)
			at := from + int64(j) - bom
			if at <= s.offset() {
				return
			}
			r.split = &Split{first: r, src: src, size: size, file: from + int64(j), at: at,
				lineStart: from + int64(k) - bom, elems: slices.Clone(s.elems), names: bytes.Clone(s.names),
				ns: maps.Clone(s.ns), saved: slices.Clone(s.saved)}
			r.stopAt = at
			return
		}
		i = j + 1
	}
}

// Reader returns the second Reader: it reads src from the split point on, as r would have
// read it from there, with lines counted from the split's line as line 1 (add Join's
// lineDelta once it agrees). Its warnings count only what it read itself.
func (sp *Split) Reader() *Reader {
	if sp.second != nil {
		return sp.second
	}
	r := sp.first
	f := &filterReader{r: bufio.NewReaderSize(io.NewSectionReader(sp.src, sp.file, sp.size-sp.file), 64<<10), started: true}
	s := newScanner(f, r.s.limit, r.s.charset)
	s.base, s.lineStart = sp.at, sp.lineStart
	s.elems, s.names, s.ns, s.saved = slices.Clone(sp.elems), bytes.Clone(sp.names), maps.Clone(sp.ns), slices.Clone(sp.saved)
	sp.second = &Reader{s: s, filter: f, st: stChannel, next: Pos{1, int(sp.at-sp.lineStart) + 1},
		site: r.site, siteOut: true, hasVersion: true, sawChannel: true, maxText: r.maxText,
		SkipBodies: r.SkipBodies, OnlyCommentIDs: r.OnlyCommentIDs}
	return sp.second
}

// Join is called when the first Reader's Next returned ErrSplit, once the second Reader is
// done (whether it reached io.EOF or not). It reports whether the first stopped exactly at
// the split point in the state the second assumed (and the second read the input
// unconverted): then the second Reader's records complete the document, their lines
// lineDelta too low. Either way the first Reader no longer stops: if the caller cannot use
// the second's records, it reads on alone from where it stopped.
func (sp *Split) Join() (lineDelta int, ok bool) {
	r := sp.first
	r.stopAt = 0
	s := r.s
	ok = s.offset() == sp.at && s.lineStart == sp.lineStart && !s.pendingEnd && s.src == io.Reader(r.filter) &&
		r.err == nil && len(r.queue) == 0 && r.st == stChannel && r.item == nil && r.hasVersion && r.siteOut &&
		slices.Equal(s.elems, sp.elems) && bytes.Equal(s.names, sp.names) && maps.Equal(s.ns, sp.ns) &&
		slices.Equal(s.saved, sp.saved) && sp.second != nil && sp.second.s.src == io.Reader(sp.second.filter)
	if !ok {
		return 0, false
	}
	return s.line - 1, true
}
