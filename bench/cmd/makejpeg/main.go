// Command makejpeg writes a photo-like JPEG of the given size, for bench/run.sh's served-file
// target (a typical "large" image size is 1024×768, some 100-200 KB).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/broadside/broadside/internal/testimg"
)

func main() {
	w := flag.Int("w", 1024, "width in pixels")
	h := flag.Int("h", 768, "height in pixels")
	out := flag.String("o", "photo.jpg", "output file")
	flag.Parse()
	f, err := os.Create(*out)
	if err == nil {
		err = testimg.Encode(f, *w, *h)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "makejpeg:", err)
		os.Exit(1)
	}
}
