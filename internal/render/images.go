package render

import (
	"bytes"
	"html"
	"html/template"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"

	"github.com/broadside/broadside"
)

// ImageOptions say how one image is shown.
type ImageOptions struct {
	Alt   string
	Class string
	Title string
	// MaxWidth picks the src among the image's sizes: the widest not wider than MaxWidth (0:
	// the original). Listings ask for a small size, a post's featured image for "large".
	MaxWidth int
	// Sizes is the sizes attribute; "" means WordPress's "(max-width: Wpx) 100vw, Wpx" for the
	// width W of the chosen src.
	Sizes string
	// Eager is for the image at the top of a page (a post's featured image): fetched at once
	// with high priority instead of lazily.
	Eager bool
}

// Image writes the markup of a library image: an <img> with width, height, srcset and sizes,
// inside a <picture> whose <source type="image/webp"> offers the WebP twins. An image with
// no sizes yet (processing pending or failed) gets a plain <img> with its dimensions. Every
// value is escaped; the keys come from the library, never from a reader.
func Image(m *broadside.Media, o ImageOptions) template.HTML {
	src, w, h := m.URL(), m.Width, m.Height
	if o.MaxWidth > 0 {
		for _, v := range m.Sizes {
			if v.MimeType == m.MimeType && v.Width <= o.MaxWidth && v.Width > 0 && sameRatio(v.Width, v.Height, m.Width, m.Height) &&
				(src == m.URL() || v.Width > w) {
				src, w, h = broadside.UploadsPath+v.Key, v.Width, v.Height
			}
		}
	}
	mainSet, webpSet := srcsets(m)
	sizes := o.Sizes
	if sizes == "" && w > 0 {
		sizes = "(max-width: " + strconv.Itoa(w) + "px) 100vw, " + strconv.Itoa(w) + "px"
	}
	var b strings.Builder
	picture := webpSet != "" && m.MimeType != "image/webp"
	if picture {
		b.WriteString(`<picture><source type="image/webp" srcset="`)
		b.WriteString(html.EscapeString(webpSet))
		b.WriteString(`" sizes="`)
		b.WriteString(html.EscapeString(sizes))
		b.WriteString(`">`)
	}
	b.WriteString(`<img src="`)
	b.WriteString(html.EscapeString(src))
	b.WriteString(`"`)
	if mainSet != "" {
		b.WriteString(` srcset="` + html.EscapeString(mainSet) + `" sizes="` + html.EscapeString(sizes) + `"`)
	}
	if w > 0 && h > 0 {
		b.WriteString(` width="` + strconv.Itoa(w) + `" height="` + strconv.Itoa(h) + `"`)
	}
	b.WriteString(` alt="` + html.EscapeString(o.Alt) + `"`)
	if o.Title != "" {
		b.WriteString(` title="` + html.EscapeString(o.Title) + `"`)
	}
	if o.Class != "" {
		b.WriteString(` class="` + html.EscapeString(o.Class) + `"`)
	}
	if o.Eager {
		b.WriteString(` fetchpriority="high" decoding="async">`)
	} else {
		b.WriteString(` loading="lazy" decoding="async">`)
	}
	if picture {
		b.WriteString(`</picture>`)
	}
	return template.HTML(b.String())
}

// srcsets lists the sizes with the original's proportions (a cropped thumbnail would be
// stretched) as "URL Ww" candidates: the original's type with the original itself, and the
// WebP twins.
func srcsets(m *broadside.Media) (main, webp string) {
	var ms, ws []string
	for _, v := range m.Sizes {
		if !sameRatio(v.Width, v.Height, m.Width, m.Height) {
			continue
		}
		c := broadside.UploadsPath + v.Key + " " + strconv.Itoa(v.Width) + "w"
		switch v.MimeType {
		case "image/webp":
			ws = append(ws, c)
		case m.MimeType:
			ms = append(ms, c)
		}
	}
	if len(ms) == 0 && len(ws) == 0 {
		return "", ""
	}
	orig := m.URL() + " " + strconv.Itoa(m.Width) + "w"
	if m.MimeType == "image/webp" {
		ws = append(ws, orig)
		return strings.Join(ws, ", "), ""
	}
	ms = append(ms, orig)
	return strings.Join(ms, ", "), strings.Join(ws, ", ")
}

// sameRatio is WordPress's wp_image_matches_ratio: proportions equal within a pixel of
// rounding.
func sameRatio(w1, h1, w2, h2 int) bool {
	if w1 <= 0 || h1 <= 0 || w2 <= 0 || h2 <= 0 {
		return false
	}
	if w1 > w2 {
		w1, h1, w2, h2 = w2, h2, w1, h1
	}
	c := float64(w1) / float64(w2) * float64(h2)
	return c-float64(h1) < 1 && float64(h1)-c < 1.0001
}

// ImageSources lists the src of every <img> in a rendered body, for resolving them to library
// files in one query before RewriteImages.
func ImageSources(body template.HTML) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(string(body)))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return out
		}
		if tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken {
			if name, has := z.TagName(); string(name) == "img" && has {
				if src := imgAttrs(z)["src"]; src != "" {
					out = append(out, src)
				}
			}
		}
	}
}

// RewriteImages gives every <img> of a rendered (already sanitized) body whose src is a
// library image (lookup returns it, nil otherwise) the markup Image writes, keeping its alt,
// title and class; other images get loading="lazy". Everything else is copied byte for byte.
// Images already inside a <picture> are left as they are.
func RewriteImages(body template.HTML, lookup func(src string) *broadside.Media) template.HTML {
	if !strings.Contains(string(body), "<img") {
		return body
	}
	var b bytes.Buffer
	z := xhtml.NewTokenizer(strings.NewReader(string(body)))
	inPicture := 0
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return template.HTML(b.String())
		}
		raw := z.Raw()
		name, hasAttr := z.TagName()
		switch {
		case string(name) == "picture" && tt == xhtml.StartTagToken:
			inPicture++
		case string(name) == "picture" && tt == xhtml.EndTagToken && inPicture > 0:
			inPicture--
		case string(name) == "img" && (tt == xhtml.StartTagToken || tt == xhtml.SelfClosingTagToken) && hasAttr && inPicture == 0:
			raw = append([]byte(nil), raw...) // imgAttrs advances the tokenizer's attribute cursor only
			a := imgAttrs(z)
			if m := lookup(a["src"]); m != nil && m.IsImage() {
				b.WriteString(string(Image(m, ImageOptions{Alt: a["alt"], Title: a["title"], Class: a["class"], MaxWidth: 1024})))
				continue
			}
			if _, ok := a["loading"]; !ok {
				b.Write(lazy(raw))
				continue
			}
		}
		b.Write(raw)
	}
}

// lazy adds loading="lazy" to a raw <img …> or <img …/> tag.
func lazy(raw []byte) []byte {
	end := len(raw) - 1
	if end > 0 && raw[end-1] == '/' {
		end--
	}
	out := append([]byte(nil), raw[:end]...)
	out = bytes.TrimRight(out, " ")
	out = append(out, ` loading="lazy"`...)
	return append(out, raw[end:]...)
}

func imgAttrs(z *xhtml.Tokenizer) map[string]string {
	a := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		a[string(k)] = string(v)
		if !more {
			return a
		}
	}
}
