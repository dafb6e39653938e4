package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/broadside/broadside"
)

// checker is the upload stream on its way to the storage. It counts the bytes and fails past
// the size limit, keeps the last bytes (a JPEG or PNG cut short has no end marker), and hands
// a copy of an image's bytes to image.DecodeConfig as they pass, so the header is checked
// without a second read and without decoding a pixel. A refused file makes Read fail, which
// makes Storage.Put keep nothing.
type checker struct {
	name, mime string
	src        io.Reader
	max, n     int64
	maxPixels  int
	tail       []byte

	pw   *io.PipeWriter
	done chan header
	hdr  *header
	err  error // sticky refusal

	// end finds a JPEG's end marker; once it passed (ended), what follows is read and counted
	// against the limit but not kept.
	end   *jpegEnd
	ended bool
}

// header is what DecodeConfig found.
type header struct {
	w, h int
	err  error
}

const tailLen = 32

func newChecker(name, mime string, src io.Reader, max int64, maxPixels int) *checker {
	c := &checker{name: name, mime: mime, src: src, max: max, maxPixels: maxPixels}
	if mime == "image/jpeg" {
		c.end = &jpegEnd{}
	}
	if broadside.MediaKind(mime) == broadside.MediaImage {
		pr, pw := io.Pipe()
		c.pw, c.done = pw, make(chan header, 1)
		go func() {
			w, h, err := decodeConfig(mime, pr)
			// Drain the rest so the writer side never blocks.
			_, _ = io.Copy(io.Discard, pr)
			c.done <- header{w, h, err}
		}()
	}
	return c
}

func (c *checker) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.ended {
		return 0, c.discardRest()
	}
	n, err := c.src.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.n > c.max {
			c.err = c.tooLarge()
			return 0, c.err
		}
		if c.end != nil && !c.end.lost {
			if k := c.end.feed(p[:n]); k >= 0 {
				n, c.ended = k, true
			}
		}
		if c.pw != nil {
			if _, werr := c.pw.Write(p[:n]); werr != nil {
				c.pw = nil // the decoder stopped reading early: it has its answer
			}
		}
		c.tail = append(c.tail, p[:n]...)
		if len(c.tail) > tailLen {
			c.tail = append(c.tail[:0], c.tail[len(c.tail)-tailLen:]...)
		}
		if c.hdr == nil && c.done != nil {
			select {
			case h := <-c.done:
				c.hdr = &h
			default:
			}
		}
		if c.hdr != nil && c.hdr.err != nil {
			// Refuse as soon as the header is known bad instead of storing the rest.
			c.err = c.verdict()
			return 0, c.err
		}
	}
	if errors.Is(err, io.EOF) {
		if v := c.finish(); v != nil {
			c.err = v
			return n, v
		}
	}
	return n, err
}

// found is what the check learnt about the file stored under key.
func (c *checker) found(key string) *broadside.Media {
	f := &broadside.Media{FileName: c.name, Key: key, MimeType: c.mime, Size: c.n}
	if c.hdr != nil && c.hdr.err == nil {
		f.Width, f.Height = c.hdr.w, c.hdr.h
	}
	return f
}

func (c *checker) tooLarge() error {
	return broadside.Errorf(broadside.EINVALID, "%s is larger than the limit of %s.", broadside.MediaFileLabel(c.name), broadside.FormatSize(c.max))
}

// discardRest reads what follows a JPEG's end (a phone's trailer or video, or appended HTML),
// still within the size limit, and ends the stream with the verdict on the image.
func (c *checker) discardRest() error {
	k, err := io.CopyN(io.Discard, c.src, c.max-c.n+1)
	c.n += k
	switch {
	case c.n > c.max:
		c.err = c.tooLarge()
	case err != nil && !errors.Is(err, io.EOF):
		c.err = err
	default:
		c.err = c.finish()
		if c.err == nil {
			c.err = io.EOF
		}
	}
	return c.err
}

// finish waits for the header check at the end of the stream and returns the verdict.
func (c *checker) finish() error {
	if c.pw != nil {
		c.pw.Close()
		c.pw = nil
	}
	if c.done != nil && c.hdr == nil {
		h := <-c.done
		c.hdr = &h
	}
	return c.verdict()
}

// close ends the header check when the stream stopped before its end (the storage failed,
// the client went away), so its goroutine ends.
func (c *checker) close() {
	if c.pw != nil {
		c.pw.CloseWithError(errors.New("upload stopped"))
		c.pw = nil
	}
	if c.done != nil && c.hdr == nil {
		h := <-c.done
		c.hdr = &h
	}
}

func (c *checker) verdict() error {
	label := broadside.MediaFileLabel(c.name)
	if c.hdr != nil {
		if c.hdr.err != nil {
			return broadside.Errorf(broadside.EINVALID, "%s starts like a %s image but its header is damaged or cut short; it was not saved.", label, c.mime)
		}
		if c.hdr.w <= 0 || c.hdr.h <= 0 {
			return broadside.Errorf(broadside.EINVALID, "%s has no pixels; it was not saved.", label)
		}
		if int64(c.hdr.w)*int64(c.hdr.h) > int64(c.maxPixels) {
			return broadside.Errorf(broadside.EINVALID, "%s is %d×%d pixels, more than the limit of %d megapixels.",
				label, c.hdr.w, c.hdr.h, c.maxPixels/1_000_000)
		}
	}
	t := bytes.TrimRight(c.tail, "\x00")
	switch c.mime {
	case "image/jpeg":
		if !bytes.HasSuffix(t, []byte{0xFF, 0xD9}) {
			return broadside.Errorf(broadside.EINVALID, "%s is a JPEG that is cut short (it does not end with the JPEG end marker); it was not saved.", label)
		}
	case "image/png":
		if !bytes.HasSuffix(c.tail, []byte("IEND\xaeB`\x82")) {
			return broadside.Errorf(broadside.EINVALID, "%s is a PNG that is cut short or has something appended (it does not end with its IEND chunk); it was not saved.", label)
		}
	}
	return nil
}

// decodeConfig reads an image's size from its header, for the types Broadside accepts.
func decodeConfig(mime string, r io.Reader) (int, int, error) {
	var cfg image.Config
	var err error
	switch mime {
	case "image/jpeg":
		cfg, err = jpeg.DecodeConfig(r)
	case "image/png":
		cfg, err = png.DecodeConfig(r)
	case "image/gif":
		cfg, err = gif.DecodeConfig(r)
	case "image/webp":
		return webpSize(r)
	default:
		return 0, 0, fmt.Errorf("no decoder for %s", mime)
	}
	return cfg.Width, cfg.Height, err
}

// webpSize reads the canvas size of a WebP file (lossy VP8, lossless VP8L or extended VP8X),
// as golang.org/x/image/webp's DecodeConfig does; the standard library has no WebP decoder
// and a header is not worth a dependency.
func webpSize(r io.Reader) (int, int, error) {
	var b [30]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return 0, 0, err
	}
	if string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, errors.New("webp: not a RIFF WEBP file")
	}
	switch string(b[12:16]) {
	case "VP8 ":
		// Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height.
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, errors.New("webp: bad VP8 start code")
		}
		return int(binary.LittleEndian.Uint16(b[26:28]) & 0x3fff), int(binary.LittleEndian.Uint16(b[28:30]) & 0x3fff), nil
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, errors.New("webp: bad VP8L signature")
		}
		v := binary.LittleEndian.Uint32(b[21:25])
		return int(v&0x3fff) + 1, int((v>>14)&0x3fff) + 1, nil
	case "VP8X":
		w := int(b[24]) | int(b[25])<<8 | int(b[26])<<16
		h := int(b[27]) | int(b[28])<<8 | int(b[29])<<16
		return w + 1, h + 1, nil
	}
	return 0, 0, errors.New("webp: unknown chunk")
}
