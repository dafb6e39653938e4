package web

import (
	"context"
	"html/template"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
)

// Images of the library on public pages: a featured image or an <img> in a body whose address
// is an uploaded file's (/wp-content/uploads/KEY, relative or absolute on this site) is shown
// with its sizes (srcset, WebP) and dimensions. One query resolves every address of a page.

// pageImages maps the addresses of library images to their files.
type pageImages struct {
	st    *site
	files map[string]*broadside.Media
}

// libraryImages resolves urls to library files in one query. A failure is logged and the
// images are shown as plain <img> tags: a page never fails for want of a srcset.
func (s *Server) libraryImages(ctx context.Context, st *site, urls []string) pageImages {
	pi := pageImages{st: st}
	if s.Media == nil {
		return pi
	}
	var keys []string
	for _, u := range urls {
		if k, ok := broadside.UploadKey(u, st.Base); ok {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return pi
	}
	files, err := s.Media.ByKeys(ctx, keys)
	if err != nil {
		s.Log.Error("loading library images", "err", err)
		return pi
	}
	pi.files = files
	return pi
}

// file returns the library image at url, nil when url is not one.
func (pi pageImages) file(url string) *broadside.Media {
	if pi.files == nil {
		return nil
	}
	k, ok := broadside.UploadKey(url, pi.st.Base)
	if !ok {
		return nil
	}
	if m := pi.files[k]; m != nil && m.IsImage() {
		return m
	}
	return nil
}

// body gives the library images of a rendered body their full markup.
func (pi pageImages) body(h template.HTML) template.HTML {
	return render.RewriteImages(h, pi.file)
}

// bodySources lists the image addresses of rendered bodies.
func bodySources(hs ...template.HTML) []string {
	var out []string
	for _, h := range hs {
		out = append(out, render.ImageSources(h)...)
	}
	return out
}

// ogImage is the large size of m (WordPress's "large", else the original) as an absolute
// URL with its dimensions, for OpenGraph and Twitter cards.
func ogImage(st *site, m *broadside.Media) (url string, w, h int) {
	if v := m.SizeNamed("large", ""); v != nil {
		return st.Abs(broadside.UploadsPath + v.Key), v.Width, v.Height
	}
	return st.Abs(m.URL()), m.Width, m.Height
}

// featuredForFeed is the large size of m (else the original) for a feed item: absolute URL,
// MIME type and length in bytes.
func featuredForFeed(st *site, m *broadside.Media) (url, mime string, length int64) {
	if v := m.SizeNamed("large", ""); v != nil {
		return st.Abs(broadside.UploadsPath + v.Key), v.MimeType, v.Size
	}
	return st.Abs(m.URL()), m.MimeType, m.Size
}
