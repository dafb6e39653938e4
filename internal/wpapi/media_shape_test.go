package wpapi

import (
	"encoding/json"
	"testing"

	"github.com/broadside/broadside"
)

type shapeSite struct{}

func (shapeSite) Base() string                          { return "https://example.org" }
func (shapeSite) Settings() broadside.Settings          { return broadside.Settings{} }
func (shapeSite) PostURL(*broadside.Post) string        { return "" }
func (shapeSite) CategoryURL(broadside.Category) string { return "" }
func (shapeSite) TagURL(broadside.Tag) string           { return "" }
func (shapeSite) AuthorURL(*broadside.User) string      { return "" }

// TestMediaDetailsSizes: media_details.sizes as WordPress lists them, from broadside.Media.Sizes
// (which the processing job fills): each size name once, in the original's type, with its
// WebP twin under "sources", and "full" last.
func TestMediaDetailsSizes(t *testing.T) {
	q := &req{site: shapeSite{}}
	m := &broadside.Media{ID: 7, Key: "2026/12/willsman-ab12.jpg", MimeType: "image/jpeg", Size: 90000, Width: 2000, Height: 1500,
		Sizes: []broadside.MediaSize{
			{Name: "thumbnail", Key: "2026/12/willsman-ab12-150x150.webp", MimeType: "image/webp", Width: 150, Height: 150, Size: 900},
			{Name: "thumbnail", Key: "2026/12/willsman-ab12-150x150.jpg", MimeType: "image/jpeg", Width: 150, Height: 150, Size: 1200},
			{Name: "medium", Key: "2026/12/willsman-ab12-300x225.jpg", MimeType: "image/jpeg", Width: 300, Height: 225, Size: 5000},
		}}
	b, err := json.Marshal(q.mediaDetailsObject(m))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"width":2000,"height":1500,"file":"2026/12/willsman-ab12.jpg","filesize":90000,"sizes":{` +
		`"thumbnail":{"file":"willsman-ab12-150x150.jpg","width":150,"height":150,"filesize":1200,"mime_type":"image/jpeg",` +
		`"source_url":"https://example.org/wp-content/uploads/2026/12/willsman-ab12-150x150.jpg",` +
		`"sources":{"image/webp":{"file":"willsman-ab12-150x150.webp","filesize":900,"source_url":"https://example.org/wp-content/uploads/2026/12/willsman-ab12-150x150.webp"}}},` +
		`"medium":{"file":"willsman-ab12-300x225.jpg","width":300,"height":225,"filesize":5000,"mime_type":"image/jpeg",` +
		`"source_url":"https://example.org/wp-content/uploads/2026/12/willsman-ab12-300x225.jpg"},` +
		`"full":{"file":"willsman-ab12.jpg","width":2000,"height":1500,"mime_type":"image/jpeg","source_url":"https://example.org/wp-content/uploads/2026/12/willsman-ab12.jpg"}},` +
		`"image_meta":{}}`
	if string(b) != want {
		t.Fatalf("media_details:\n got %s\nwant %s", b, want)
	}
	// Other files: their size, and no sizes.
	b, _ = json.Marshal(q.mediaDetailsObject(&broadside.Media{Key: "2026/12/a-1.pdf", MimeType: "application/pdf", Size: 12}))
	if string(b) != `{"filesize":12,"sizes":{}}` {
		t.Fatalf("a PDF's media_details: %s", b)
	}
}
