package media

// jpegEnd follows a JPEG's marker structure as its bytes stream past, to find where the image
// ends (its EOI marker). Phones append data after it (Google's motion photos carry a video,
// Samsung a trailer) and an attacker may append HTML: Broadside keeps the image and cuts the
// rest, so the stored file is only the picture. Segment lengths are followed rather than
// searched, so an EOI inside an EXIF thumbnail or a comment is never mistaken for the end.
type jpegEnd struct {
	state  int
	marker byte
	length int // bytes of the segment's length field read so far, then its value
	skip   int // segment bytes still to skip
	lost   bool
}

const (
	jSOI1      = iota // expecting the 0xFF of the start-of-image marker
	jSOI2             // expecting its 0xD8
	jMarker           // expecting 0xFF before a marker
	jCode             // read 0xFF, expecting the marker code
	jLen1             // expecting the length's high byte
	jLen2             // expecting the length's low byte
	jSkip             // inside a segment's payload
	jEntropy          // in entropy-coded data after SOS
	jEntropyFF        // read 0xFF inside entropy-coded data
)

// feed reads the next bytes of the file and returns the length of b up to and including the
// EOI marker, or -1 when the image has not ended in b. After the structure turns out not to be
// a JPEG's, it stops looking (lost) and the caller's end-marker check decides.
func (j *jpegEnd) feed(b []byte) int {
	for i := 0; i < len(b) && !j.lost; i++ {
		c := b[i]
		switch j.state {
		case jSOI1, jSOI2:
			if want := [2]byte{0xFF, 0xD8}[j.state-jSOI1]; c != want {
				j.lost = true
			} else {
				j.state++
			}
		case jMarker:
			if c != 0xFF {
				j.lost = true
			} else {
				j.state = jCode
			}
		case jCode:
			if end := j.code(c); end {
				return i + 1
			}
		case jLen1:
			j.length, j.state = int(c)<<8, jLen2
		case jLen2:
			j.length |= int(c)
			if j.length < 2 {
				j.lost = true
				break
			}
			j.skip = j.length - 2
			j.afterSegment()
		case jSkip:
			n := min(j.skip, len(b)-i)
			j.skip -= n
			i += n - 1
			if j.skip == 0 {
				j.afterSegment()
			}
		case jEntropy:
			if c == 0xFF {
				j.state = jEntropyFF
			}
		case jEntropyFF:
			switch {
			case c == 0x00 || (c >= 0xD0 && c <= 0xD7):
				j.state = jEntropy // stuffed byte or restart marker: still image data
			case c == 0xFF:
				// fill byte
			default:
				if end := j.code(c); end {
					return i + 1
				}
			}
		}
	}
	return -1
}

// code handles a marker code; it reports whether it was EOI.
func (j *jpegEnd) code(c byte) bool {
	switch {
	case c == 0xFF:
		// fill byte before a marker
	case c == 0xD9:
		return true
	case c == 0xD8 || c == 0x01 || (c >= 0xD0 && c <= 0xD7):
		j.state = jMarker // markers without a length
	default:
		j.marker, j.state = c, jLen1
	}
	return false
}

// afterSegment moves past a segment: its payload, then entropy-coded data after SOS.
func (j *jpegEnd) afterSegment() {
	switch {
	case j.skip > 0:
		j.state = jSkip
	case j.marker == 0xDA:
		j.state = jEntropy
	default:
		j.state = jMarker
	}
}
