package media

import (
	"image"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// Scaling with bounded memory. x/image/draw's kernels (CatmullRom) scale in two passes through
// a float64 buffer of dstWidth×srcHeight×32 bytes: from a 50-megapixel photo to 2048 pixels
// that alone is 380 MB. So a large reduction is first done by an integer box filter (area
// averaging, which is what a good downscaler converges to and needs only the output and one
// row), leaving a factor below 2 for the kernel; and the kernel's buffer is kept small by
// using CatmullRom only for outputs up to kernelMaxPixels, approximate bilinear (no buffer,
// fine for factors below 2) above that.
const kernelMaxPixels = 600_000

// resample returns the part r of src scaled to w×h.
func resample(src image.Image, r image.Rectangle, w, h int) *image.RGBA {
	if k := min(r.Dx()/w, r.Dy()/h); k >= 2 {
		src = boxShrink(src, r, k)
		r = src.Bounds()
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if r.Dx() == w && r.Dy() == h {
		draw.Draw(dst, dst.Rect, src, r.Min, draw.Src)
		return dst
	}
	if w*h <= kernelMaxPixels {
		xdraw.CatmullRom.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	} else {
		xdraw.ApproxBiLinear.Scale(dst, dst.Rect, src, r, xdraw.Src, nil)
	}
	return dst
}

// boxShrink averages each k×k block of the part r of src into one pixel, reading src one row
// at a time (converted through a one-row RGBA buffer, which image/draw does fast for the
// decoders' types), so memory is the output plus a row. Edge pixels that do not fill a block
// are left out: at most k-1 of thousands.
func boxShrink(src image.Image, r image.Rectangle, k int) *image.RGBA {
	ow, oh := r.Dx()/k, r.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, ow, oh))
	row := image.NewRGBA(image.Rect(0, 0, ow*k, 1))
	acc := make([]uint32, ow*4)
	div := uint32(k * k)
	for oy := 0; oy < oh; oy++ {
		clear(acc)
		for dy := 0; dy < k; dy++ {
			sy := r.Min.Y + oy*k + dy
			draw.Draw(row, row.Rect, src, image.Pt(r.Min.X, sy), draw.Src)
			p := row.Pix
			for ox := 0; ox < ow; ox++ {
				a := acc[ox*4 : ox*4+4 : ox*4+4]
				for i := ox * k * 4; i < (ox+1)*k*4; i += 4 {
					a[0] += uint32(p[i])
					a[1] += uint32(p[i+1])
					a[2] += uint32(p[i+2])
					a[3] += uint32(p[i+3])
				}
			}
		}
		out := dst.Pix[oy*dst.Stride : oy*dst.Stride+ow*4]
		for i, v := range acc {
			out[i] = uint8((v + div/2) / div)
		}
	}
	return dst
}
