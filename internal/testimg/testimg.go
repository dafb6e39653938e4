// Package testimg makes photo-like JPEG files for tests and benchmarks: one picture maker, so
// every test that needs "a real image" gets the same kind of file (smooth gradients with some
// texture, 4:2:0 as cameras write it, so it compresses like a photo and not like a flat colour).
package testimg

import (
	"bufio"
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Encode writes a w×h photo-like JPEG to out. It builds the YCbCr planes directly, so even a
// 40-megapixel picture costs only its own planes in memory.
func Encode(out io.Writer, w, h int) error {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		row := img.Y[y*img.YStride:]
		for x := 0; x < w; x++ {
			row[x] = byte((x*255)/w ^ (y & 0x1f))
		}
	}
	for i := range img.Cb {
		img.Cb[i] = byte(i / 97)
		img.Cr[i] = byte(255 - i/89)
	}
	bw := bufio.NewWriter(out)
	if err := jpeg.Encode(bw, img, &jpeg.Options{Quality: 85}); err != nil {
		return err
	}
	return bw.Flush()
}

// JPEG is a complete w×h JPEG's bytes.
func JPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := Encode(&b, w, h); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// File writes a w×h JPEG named name into a fresh temporary directory and returns its path.
func File(tb testing.TB, name string, w, h int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, JPEG(tb, w, h), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}
