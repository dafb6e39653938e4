package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/broadside/broadside"
)

// Metadata stripping. Photos carry EXIF (camera serial numbers, the time, GPS position), XMP
// and IPTC (names, places) and comments; a political blogger publishing a source's photo must
// not publish where it was taken. The original is kept byte for byte in its pixels: metadata
// segments are dropped from the stream without re-encoding, so nothing is lost but what
// identifies. What a browser needs to show the picture stays: JPEG's JFIF (APP0), ICC colour
// profile (APP2 "ICC_PROFILE") and Adobe colour transform (APP14), and the EXIF orientation,
// rewritten as a minimal EXIF block holding only that tag (dropping it would show a portrait
// photo on its side).

// stripMetadata copies src to dst without metadata, for the types that carry it (JPEG, PNG, GIF);
// other types are copied as they are.
func stripMetadata(dst io.Writer, src io.Reader, mime string) error {
	switch mime {
	case "image/jpeg":
		return stripJPEG(dst, src)
	case "image/png":
		return stripPNG(dst, src)
	case "image/gif":
		return stripGIF(dst, src)
	}
	_, err := io.Copy(dst, src)
	return err
}

// strippingReader returns a reader of src (an upload named name) without metadata, and a stop
// function to call once the reader is no longer read (it ends the copying goroutine). An error
// of src (the checker's refusal, a broken upload) comes through as it is; a structure the
// stripper cannot follow refuses the file.
func strippingReader(src io.Reader, mime, name string) (io.Reader, func()) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		er := &errReader{r: src}
		err := stripMetadata(pw, er, mime)
		if err != nil && er.err == nil || (er.err == io.EOF && err != nil) {
			err = broadside.Errorf(broadside.EINVALID, "%s starts like a %s image but its structure is damaged or cut short; it was not saved.",
				broadside.MediaFileLabel(name), strings.ToUpper(strings.TrimPrefix(mime, "image/")))
		} else if er.err != nil && er.err != io.EOF {
			err = er.err
		}
		pw.CloseWithError(err)
	}()
	return pr, func() {
		pr.CloseWithError(errors.New("media: stripping stopped"))
		<-done
	}
}

// errReader remembers the error its reader returned.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil {
		e.err = err
	}
	return n, err
}

var errNotJPEG = errors.New("media: not a JPEG stream")

// stripJPEG copies the marker segments before the image data, leaving out metadata, then the
// entropy-coded data and everything after it unchanged.
func stripJPEG(dst io.Writer, src io.Reader) error {
	r := bufio.NewReaderSize(src, 64<<10)
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil {
		return err
	}
	if soi != [2]byte{0xFF, 0xD8} {
		return errNotJPEG
	}
	if _, err := dst.Write(soi[:]); err != nil {
		return err
	}
	for {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		if b != 0xFF {
			return fmt.Errorf("media: JPEG marker expected, found %#x", b)
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF { // fill bytes
			m, err = r.ReadByte()
		}
		if err != nil {
			return err
		}
		if m == 0xD9 { // end of image before any scan
			if _, err := dst.Write([]byte{0xFF, m}); err != nil {
				return err
			}
			_, err := io.Copy(dst, r)
			return err
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD8) { // stand-alone markers
			if _, err := dst.Write([]byte{0xFF, m}); err != nil {
				return err
			}
			continue
		}
		var lb [2]byte
		if _, err := io.ReadFull(r, lb[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(lb[:]))
		if n < 2 {
			return errors.New("media: JPEG segment length below 2")
		}
		if m == 0xDA { // start of scan: the rest is data
			if _, err := dst.Write([]byte{0xFF, m, lb[0], lb[1]}); err != nil {
				return err
			}
			_, err := io.Copy(dst, r)
			return err
		}
		body := make([]byte, n-2)
		if _, err := io.ReadFull(r, body); err != nil {
			return err
		}
		switch {
		case m == 0xE1 && bytes.HasPrefix(body, []byte("Exif\x00\x00")):
			if o := exifOrientation(body[6:]); o > 1 {
				if _, err := dst.Write(orientationSegment(o)); err != nil {
					return err
				}
			}
			continue
		case m == 0xE2 && bytes.HasPrefix(body, []byte("ICC_PROFILE\x00")), m == 0xE0, m == 0xEE:
		case m >= 0xE0 && m <= 0xEF, m == 0xFE: // other APPn (XMP, IPTC, MPF, maker notes) and comments
			continue
		}
		if _, err := dst.Write([]byte{0xFF, m, lb[0], lb[1]}); err != nil {
			return err
		}
		if _, err := dst.Write(body); err != nil {
			return err
		}
	}
}

// pngDropped are the ancillary PNG chunks that carry metadata: EXIF, text (author, comments,
// software, often a location), XMP (in iTXt), and the modification time.
var pngDropped = map[string]bool{"eXIf": true, "tEXt": true, "iTXt": true, "zTXt": true, "tIME": true}

// stripPNG copies a PNG's chunks except the metadata ones.
func stripPNG(dst io.Writer, src io.Reader) error {
	r := bufio.NewReaderSize(src, 64<<10)
	var sig [8]byte
	if _, err := io.ReadFull(r, sig[:]); err != nil {
		return err
	}
	if string(sig[:]) != "\x89PNG\r\n\x1a\n" {
		return errors.New("media: not a PNG stream")
	}
	if _, err := dst.Write(sig[:]); err != nil {
		return err
	}
	for {
		var h [8]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return err
		}
		n := int64(binary.BigEndian.Uint32(h[:4]))
		if n > 1<<31-1 {
			return errors.New("media: PNG chunk too long")
		}
		typ := string(h[4:8])
		if pngDropped[typ] {
			if _, err := io.CopyN(io.Discard, r, n+4); err != nil {
				return err
			}
			continue
		}
		if _, err := dst.Write(h[:]); err != nil {
			return err
		}
		if _, err := io.CopyN(dst, r, n+4); err != nil {
			return err
		}
		if typ == "IEND" {
			_, err := io.Copy(io.Discard, r) // the checker refused anything after IEND already
			return err
		}
	}
}

// orientationSegment is a JPEG APP1 segment whose EXIF holds only the orientation tag.
func orientationSegment(o int) []byte {
	tiff := []byte{
		'M', 'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, IFD0 at offset 8
		0, 1, // one entry
		0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, byte(o), 0, 0, // Orientation, SHORT, count 1, value
		0, 0, 0, 0, // no next IFD
	}
	body := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(body)+2))
	return append(seg, body...)
}

// stripWebP copies a WebP file without its EXIF and XMP chunks, clearing their flags in the
// VP8X header and shrinking the RIFF size to match. The RIFF size comes first, so the chunks
// are listed (by seeking) before anything is written.
func stripWebP(dst io.Writer, src io.ReadSeeker) error {
	var h [12]byte
	if _, err := io.ReadFull(src, h[:]); err != nil {
		return err
	}
	if string(h[:4]) != "RIFF" || string(h[8:12]) != "WEBP" {
		return errors.New("media: not a WebP file")
	}
	riff := int64(binary.LittleEndian.Uint32(h[4:8]))
	type chunk struct {
		fourcc string
		off    int64 // of the chunk header
		total  int64 // header + padded payload
	}
	var chunks []chunk
	var dropped int64
	for off := int64(12); off < 8+riff; {
		var ch [8]byte
		if _, err := src.Seek(off, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.ReadFull(src, ch[:]); err != nil {
			return err
		}
		size := int64(binary.LittleEndian.Uint32(ch[4:8]))
		c := chunk{string(ch[:4]), off, 8 + size + size&1}
		if c.fourcc == "EXIF" || c.fourcc == "XMP " {
			dropped += c.total
		}
		chunks = append(chunks, c)
		off += c.total
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if dropped == 0 {
		_, err := io.Copy(dst, src)
		return err
	}
	binary.LittleEndian.PutUint32(h[4:8], uint32(riff-dropped))
	if _, err := dst.Write(h[:]); err != nil {
		return err
	}
	for _, c := range chunks {
		if c.fourcc == "EXIF" || c.fourcc == "XMP " {
			continue
		}
		if _, err := src.Seek(c.off, io.SeekStart); err != nil {
			return err
		}
		if c.total > 1<<16 { // image data: copied as it is
			if _, err := io.CopyN(dst, src, c.total); err != nil {
				return err
			}
			continue
		}
		body := make([]byte, c.total)
		if _, err := io.ReadFull(src, body); err != nil {
			return err
		}
		if c.fourcc == "VP8X" && len(body) > 8 {
			body[8] &^= 0x08 | 0x04 // the EXIF and XMP flags
		}
		if _, err := dst.Write(body); err != nil {
			return err
		}
	}
	return nil
}
