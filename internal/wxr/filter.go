package wxr

import (
	"bufio"
	"encoding/binary"
	"io"
)

// filterReader prepares the input for the scanner:
//   - a UTF-8 byte order mark is dropped;
//   - a UTF-16 file is refused with an explanation (WordPress never writes one);
//   - C0 control characters that XML forbids (everything below 0x20 but tab, LF and CR) are
//     replaced by spaces, one byte for one so line and column numbers stay true. Exports of
//     sites whose authors pasted from word processors carry them (form feeds, vertical tabs,
//     backspaces); libxml rejects the whole file for one of them, which loses everything to
//     save nothing. The Reader reports how many it replaced.
type filterReader struct {
	r        *bufio.Reader
	started  bool
	bom      int // bytes of a byte order mark dropped: the file's offsets are the scanner's plus these
	replaced int
	err      *Error
}

func newFilterReader(r io.Reader) *filterReader {
	return &filterReader{r: bufio.NewReaderSize(r, 64<<10)}
}

func (f *filterReader) Read(p []byte) (int, error) {
	if !f.started {
		f.started = true
		head, _ := f.r.Peek(3)
		switch {
		case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
			_, _ = f.r.Discard(3)
			f.bom = 3
		case len(head) >= 2 && (head[0] == 0xFE && head[1] == 0xFF || head[0] == 0xFF && head[1] == 0xFE):
			f.err = &Error{Pos: Pos{1, 1}, Msg: "the file is UTF-16 encoded, and WordPress exports are UTF-8",
				Hint: "Convert it to UTF-8 (for example: iconv -f UTF-16 -t UTF-8 old.xml > new.xml) or export again."}
			return 0, io.EOF
		}
	}
	n, err := f.r.Read(p)
	b := p[:n]
	for len(b) >= 8 {
		// Eight bytes at a time: the expression is non-zero when one of them is below 0x20.
		if w := binary.LittleEndian.Uint64(b); (w-0x2020202020202020)&^w&0x8080808080808080 != 0 {
			f.replace(b[:8])
		}
		b = b[8:]
	}
	f.replace(b)
	return n, err
}

func (f *filterReader) replace(b []byte) {
	for i, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			b[i] = ' '
			f.replaced++
		}
	}
}
