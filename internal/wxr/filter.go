package wxr

import (
	"bufio"
	"errors"
	"io"
)

// filterReader prepares the input for encoding/xml:
//   - a UTF-8 byte order mark is dropped;
//   - a UTF-16 file is refused with an explanation (WordPress never writes one, and the XML
//     decoder cannot read one);
//   - C0 control characters that XML forbids (everything below 0x20 but tab, LF and CR) are
//     replaced by spaces, one byte for one so line and column numbers stay true. Exports of
//     sites whose authors pasted from word processors carry them (form feeds, vertical tabs,
//     backspaces); libxml rejects the whole file for one of them, which loses everything to
//     save nothing. The Reader reports how many it replaced.
//   - no single XML token may take more than limit bytes: encoding/xml gathers a whole text
//     run, CDATA section, comment or tag in memory before handing it over, so a check on
//     the finished token (or element) comes after the memory is spent. The Reader sets mark
//     before each token; once the decoder has asked for more than limit bytes past it, Read
//     fails with errTokenTooLarge and nothing more is read.
type filterReader struct {
	r        *bufio.Reader
	started  bool
	replaced int
	err      *Error

	total int64 // bytes handed to the decoder
	mark  int64 // total when the current token began
	limit int64 // bytes one token may span past mark (0: no limit)
}

// errTokenTooLarge is what Read returns once a token outgrows the limit; the Reader turns
// it into an *Error naming the element.
var errTokenTooLarge = errors.New("wxr: token too large")

// tokenSlack is how far the decoder may read ahead of the token it is on (encoding/xml wraps
// a reader without ReadByte in a 4 KiB bufio.Reader), plus room for CDATA markup.
const tokenSlack = 64 << 10

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
		case len(head) >= 2 && (head[0] == 0xFE && head[1] == 0xFF || head[0] == 0xFF && head[1] == 0xFE):
			f.err = &Error{Pos: Pos{1, 1}, Msg: "the file is UTF-16 encoded, and WordPress exports are UTF-8",
				Hint: "Convert it to UTF-8 (for example: iconv -f UTF-16 -t UTF-8 old.xml > new.xml) or export again."}
			return 0, io.EOF
		}
	}
	if f.limit > 0 {
		room := f.mark + f.limit - f.total
		if room <= 0 {
			return 0, errTokenTooLarge
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := f.r.Read(p)
	f.total += int64(n)
	for i, c := range p[:n] {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			p[i] = ' '
			f.replaced++
		}
	}
	return n, err
}
