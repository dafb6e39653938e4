package media

import (
	"fmt"
	"image"
	"path"
	"strings"
)

// SizeSpec is one size processing makes of every image large enough for it, as WordPress's
// add_image_size: a box of Width×Height (0 for no limit in that direction) the image is
// fitted into, or, with Crop, filled and cut to exactly.
type SizeSpec struct {
	Name          string
	Width, Height int
	Crop          bool
}

// DefaultSizes are WordPress's sizes, so themes, the REST API's media_details.sizes and
// imported size-suffixed URLs (photo-300x200.jpg) find what they expect.
var DefaultSizes = []SizeSpec{
	{Name: "thumbnail", Width: 150, Height: 150, Crop: true},
	{Name: "medium", Width: 300, Height: 300},
	{Name: "medium_large", Width: 768},
	{Name: "large", Width: 1024, Height: 1024},
	{Name: "1536x1536", Width: 1536, Height: 1536},
	{Name: "2048x2048", Width: 2048, Height: 2048},
}

// plannedSize is one variant to make: its output size and the part of the (upright) original
// it shows.
type plannedSize struct {
	spec SizeSpec
	w, h int
	crop image.Rectangle // in the original's upright pixel coordinates
}

// planSizes works out which sizes an upright ow×oh image gets, as WordPress's
// image_resize_dimensions does: never larger than the original (no upscaling), a size that
// would come out as big as the original is skipped, and two sizes with the same result are
// made once (the first name wins).
func planSizes(specs []SizeSpec, ow, oh int) []plannedSize {
	var out []plannedSize
	seen := map[[2]int]bool{}
	for _, s := range specs {
		if s.Width <= 0 && s.Height <= 0 {
			continue
		}
		var p plannedSize
		p.spec = s
		full := image.Rect(0, 0, ow, oh)
		if s.Crop && s.Width > 0 && s.Height > 0 {
			w, h := min(s.Width, ow), min(s.Height, oh)
			// The largest part of the original with the box's aspect, centred.
			cw, ch := ow, ow*h/w
			if ch > oh {
				cw, ch = oh*w/h, oh
			}
			x, y := (ow-cw)/2, (oh-ch)/2
			p.w, p.h, p.crop = w, h, image.Rect(x, y, x+cw, y+ch)
		} else {
			scale := 1.0
			if s.Width > 0 && ow > s.Width {
				scale = float64(s.Width) / float64(ow)
			}
			if s.Height > 0 && oh > s.Height {
				scale = min(scale, float64(s.Height)/float64(oh))
			}
			p.w, p.h = max(1, int(float64(ow)*scale+0.5)), max(1, int(float64(oh)*scale+0.5))
			if s.Width > 0 && p.w > s.Width {
				p.w = s.Width
			}
			if s.Height > 0 && p.h > s.Height {
				p.h = s.Height
			}
			p.crop = full
		}
		if p.w >= ow && p.h >= oh {
			continue // as large as the original: the original serves
		}
		k := [2]int{p.w, p.h}
		if seen[k] && p.crop == full {
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	return out
}

// variantKey names a variant next to its original as WordPress does:
// 2026/12/photo-3f9a1c.jpg → 2026/12/photo-3f9a1c-300x200.jpg (ext ".webp" for the twin).
func variantKey(original string, w, h int, ext string) string {
	base := strings.TrimSuffix(original, path.Ext(original))
	return fmt.Sprintf("%s-%dx%d%s", base, w, h, ext)
}
