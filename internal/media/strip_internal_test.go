package media

import (
	"bytes"
	"testing"
)

func seg(marker byte, body string) []byte {
	return append([]byte{0xFF, marker, byte((len(body) + 2) >> 8), byte(len(body) + 2)}, body...)
}

// The stripper keeps what a browser needs to show the picture (JFIF, ICC profile, Adobe
// colour transform, frame and tables, the scan byte for byte) and drops the rest.
func TestStripJPEGSegments(t *testing.T) {
	var in bytes.Buffer
	in.Write([]byte{0xFF, 0xD8})
	in.Write(seg(0xE0, "JFIF\x00keep-jfif"))
	in.Write(seg(0xE1, "http://ns.adobe.com/xap/1.0/\x00drop-xmp"))
	in.Write(seg(0xE2, "ICC_PROFILE\x00keep-icc"))
	in.Write(seg(0xE2, "MPF\x00drop-mpf"))
	in.Write(seg(0xED, "Photoshop 3.0\x00drop-iptc"))
	in.Write(seg(0xEE, "Adobe keep-adobe"))
	in.Write(seg(0xFE, "drop-comment"))
	in.Write(seg(0xDB, "keep-dqt"))
	scan := append(seg(0xDA, "keep-sos"), []byte("\x12\x34\xFF\x00\xFF\xE1drop?no:scan-data-is-kept\xFF\xD9")...)
	in.Write(scan)
	var out bytes.Buffer
	if err := stripJPEG(&out, bytes.NewReader(in.Bytes())); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"keep-jfif", "keep-icc", "keep-adobe", "keep-dqt", "keep-sos", "scan-data-is-kept"} {
		if !bytes.Contains(out.Bytes(), []byte(k)) {
			t.Errorf("%s dropped", k)
		}
	}
	for _, d := range []string{"drop-xmp", "drop-mpf", "drop-iptc", "drop-comment"} {
		if bytes.Contains(out.Bytes(), []byte(d)) {
			t.Errorf("%s kept", d)
		}
	}
	if !bytes.HasSuffix(out.Bytes(), scan) {
		t.Error("scan not copied byte for byte")
	}
	// An image that ends before any scan is copied to its end.
	out.Reset()
	short := append(append([]byte{0xFF, 0xD8}, seg(0xFE, "c")...), 0xFF, 0xD9)
	if err := stripJPEG(&out, bytes.NewReader(short)); err != nil || !bytes.Equal(out.Bytes(), []byte{0xFF, 0xD8, 0xFF, 0xD9}) {
		t.Fatalf("short: %x, %v", out.Bytes(), err)
	}
	// Orientation survives as a minimal EXIF block.
	if o := exifOrientation(orientationSegment(6)[10:]); o != 6 {
		t.Fatalf("orientation round trip = %d", o)
	}
}
