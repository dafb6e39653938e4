// Command makejpeg writes a photo-like JPEG of the given size, for bench/run.sh's served-file
// target (a typical "large" image size is 1024×768, some 100-200 KB).
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
)

func main() {
	w := flag.Int("w", 1024, "width in pixels")
	h := flag.Int("h", 768, "height in pixels")
	out := flag.String("o", "photo.jpg", "output file")
	flag.Parse()
	img := image.NewRGBA(image.Rect(0, 0, *w, *h))
	for y := range *h {
		for x := range *w {
			// Gradients and a little texture, so the file is as large as a photo's.
			img.Set(x, y, color.RGBA{uint8(x * 255 / *w), uint8(y * 255 / *h), uint8((x*y + x ^ y) % 256), 255})
		}
	}
	f, err := os.Create(*out)
	if err == nil {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 85})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "makejpeg:", err)
		os.Exit(1)
	}
}
