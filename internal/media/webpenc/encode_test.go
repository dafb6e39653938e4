package webpenc_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"testing"

	"golang.org/x/image/webp"

	"github.com/broadside/broadside/internal/media/webpenc"
)

// What libwebp writes decodes (with the pure-Go decoder) to the same size, for an opaque
// image and for one with transparency.
func TestEncodeRoundTrip(t *testing.T) {
	opaque := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range opaque.Pix {
		opaque.Pix[i] = byte(i)
		if i%4 == 3 {
			opaque.Pix[i] = 255
		}
	}
	clear := image.NewNRGBA(image.Rect(0, 0, 31, 17))
	clear.SetNRGBA(3, 3, color.NRGBA{255, 0, 0, 128})
	for _, img := range []image.Image{opaque, clear} {
		var b bytes.Buffer
		if err := webpenc.Encode(context.Background(), &b, img, 80); err != nil {
			t.Fatal(err)
		}
		cfg, err := webp.DecodeConfig(bytes.NewReader(b.Bytes()))
		if err != nil || cfg.Width != img.Bounds().Dx() || cfg.Height != img.Bounds().Dy() {
			t.Fatalf("decoded %+v, %v; want %v", cfg, err, img.Bounds())
		}
	}
}
