package media

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"image"
	"image/draw"
	"io"
)

// EXIF orientation is one tag in the first IFD of a TIFF structure; reading it takes a few
// dozen lines, less than a dependency on a general EXIF library would cost in review.

// exifOrientation returns the Orientation tag (1-8) of an EXIF TIFF block, 1 when it has none
// or the block is malformed.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int64(bo.Uint32(tiff[4:8]))
	if off < 8 || off+2 > int64(len(tiff)) {
		return 1
	}
	n := int64(bo.Uint16(tiff[off:]))
	for i := int64(0); i < n; i++ {
		e := off + 2 + i*12
		if e+12 > int64(len(tiff)) {
			return 1
		}
		if bo.Uint16(tiff[e:]) == 0x0112 && bo.Uint16(tiff[e+2:]) == 3 {
			if v := int(bo.Uint16(tiff[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// jpegInfo is what processing needs from a JPEG's header segments.
type jpegInfo struct {
	orientation int
	progressive bool
}

// readJPEGInfo scans a JPEG's segments up to the image data for the EXIF orientation and the
// frame type, without decoding.
func readJPEGInfo(src io.Reader) jpegInfo {
	info := jpegInfo{orientation: 1}
	r := bufio.NewReader(src)
	var soi [2]byte
	if _, err := io.ReadFull(r, soi[:]); err != nil || soi != [2]byte{0xFF, 0xD8} {
		return info
	}
	for {
		b, err := r.ReadByte()
		if err != nil || b != 0xFF {
			return info
		}
		m, err := r.ReadByte()
		for err == nil && m == 0xFF {
			m, err = r.ReadByte()
		}
		if err != nil || m == 0xDA || m == 0xD9 {
			return info
		}
		if m == 0x01 || (m >= 0xD0 && m <= 0xD8) {
			continue
		}
		var lb [2]byte
		if _, err := io.ReadFull(r, lb[:]); err != nil {
			return info
		}
		n := int(binary.BigEndian.Uint16(lb[:])) - 2
		if n < 0 {
			return info
		}
		switch {
		case m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE:
			info.progressive = true
		case m == 0xE1:
			body := make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				return info
			}
			if bytes.HasPrefix(body, []byte("Exif\x00\x00")) {
				info.orientation = exifOrientation(body[6:])
			}
			continue
		}
		if _, err := r.Discard(n); err != nil {
			return info
		}
	}
}

// orient turns img the way EXIF orientation o says the camera held it, so the result shows
// upright without the tag (which the variants do not carry).
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := toRGBA(img)
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+w*4]
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 2:
				dx, dy = w-1-x, y
			case 3:
				dx, dy = w-1-x, h-1-y
			case 4:
				dx, dy = x, h-1-y
			case 5:
				dx, dy = y, x
			case 6:
				dx, dy = h-1-y, x
			case 7:
				dx, dy = h-1-y, w-1-x
			case 8:
				dx, dy = y, w-1-x
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:dy*dst.Stride+dx*4+4], row[x*4:x*4+4])
		}
	}
	return dst
}

// toRGBA returns img as an *image.RGBA at origin 0,0, converting when it is not one.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst
}
