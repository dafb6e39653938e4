package render_test

import (
	"html/template"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
)

func processed() *broadside.Media {
	return &broadside.Media{ID: 1, Key: "2026/12/photo-3f9a1c.jpg", MimeType: "image/jpeg", Width: 1200, Height: 800,
		Sizes: []broadside.MediaSize{
			{Name: "thumbnail", Key: "2026/12/photo-3f9a1c-150x150.jpg", MimeType: "image/jpeg", Width: 150, Height: 150},
			{Name: "thumbnail", Key: "2026/12/photo-3f9a1c-150x150.webp", MimeType: "image/webp", Width: 150, Height: 150},
			{Name: "medium", Key: "2026/12/photo-3f9a1c-300x200.jpg", MimeType: "image/jpeg", Width: 300, Height: 200},
			{Name: "medium", Key: "2026/12/photo-3f9a1c-300x200.webp", MimeType: "image/webp", Width: 300, Height: 200},
			{Name: "large", Key: "2026/12/photo-3f9a1c-1024x683.jpg", MimeType: "image/jpeg", Width: 1024, Height: 683},
			{Name: "large", Key: "2026/12/photo-3f9a1c-1024x683.webp", MimeType: "image/webp", Width: 1024, Height: 683},
		}}
}

func TestImageMarkup(t *testing.T) {
	got := string(render.Image(processed(), render.ImageOptions{Alt: `a "quoted" <alt>`, MaxWidth: 300}))
	want := `<picture><source type="image/webp" srcset="/wp-content/uploads/2026/12/photo-3f9a1c-300x200.webp 300w, ` +
		`/wp-content/uploads/2026/12/photo-3f9a1c-1024x683.webp 1024w" sizes="(max-width: 300px) 100vw, 300px">` +
		`<img src="/wp-content/uploads/2026/12/photo-3f9a1c-300x200.jpg" srcset="/wp-content/uploads/2026/12/photo-3f9a1c-300x200.jpg 300w, ` +
		`/wp-content/uploads/2026/12/photo-3f9a1c-1024x683.jpg 1024w, /wp-content/uploads/2026/12/photo-3f9a1c.jpg 1200w" ` +
		`sizes="(max-width: 300px) 100vw, 300px" width="300" height="200" alt="a &#34;quoted&#34; &lt;alt&gt;" loading="lazy" decoding="async"></picture>`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	eager := string(render.Image(processed(), render.ImageOptions{MaxWidth: 1024, Eager: true}))
	if !strings.Contains(eager, `width="1024" height="683"`) || !strings.Contains(eager, `fetchpriority="high"`) || strings.Contains(eager, "loading=") {
		t.Fatalf("eager: %s", eager)
	}
	pending := &broadside.Media{Key: "2026/12/a-1.png", MimeType: "image/png", Width: 10, Height: 20}
	if got := string(render.Image(pending, render.ImageOptions{Alt: "x"})); got != `<img src="/wp-content/uploads/2026/12/a-1.png" width="10" height="20" alt="x" loading="lazy" decoding="async">` {
		t.Fatalf("pending: %s", got)
	}
}

func TestRewriteImages(t *testing.T) {
	m := processed()
	lookup := func(src string) *broadside.Media {
		if src == "/wp-content/uploads/2026/12/photo-3f9a1c.jpg" {
			return m
		}
		return nil
	}
	in := template.HTML(`<p>a &amp; b<img src="/wp-content/uploads/2026/12/photo-3f9a1c.jpg" alt="lib" class="x"></p>` +
		`<p><img src="https://other.example/b.png" alt="ext"/></p>` +
		`<picture><img src="/wp-content/uploads/2026/12/photo-3f9a1c.jpg" alt="own"></picture>`)
	got := string(render.RewriteImages(in, lookup))
	for _, want := range []string{
		`<p>a &amp; b<picture><source type="image/webp"`,
		`alt="lib" class="x" loading="lazy" decoding="async"></picture></p>`,
		`<img src="https://other.example/b.png" alt="ext" loading="lazy"/>`,
		`<picture><img src="/wp-content/uploads/2026/12/photo-3f9a1c.jpg" alt="own"></picture>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if s := render.ImageSources(in); len(s) != 3 || s[1] != "https://other.example/b.png" {
		t.Errorf("sources = %v", s)
	}
}
