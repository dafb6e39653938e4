package feeds

import (
	"encoding/json"
	"io"
)

// JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/).
type jsonFeed struct {
	Version     string     `json:"version"`
	Title       string     `json:"title"`
	HomePageURL string     `json:"home_page_url,omitempty"`
	FeedURL     string     `json:"feed_url,omitempty"`
	Description string     `json:"description,omitempty"`
	Language    string     `json:"language,omitempty"`
	Items       []jsonItem `json:"items"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url,omitempty"`
	Title         string       `json:"title,omitempty"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published,omitempty"`
	DateModified  string       `json:"date_modified,omitempty"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
}

type jsonAuthor struct {
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

// JSON writes f as JSON Feed 1.1. An item without content carries its summary as
// content_text, since every item needs one of content_html and content_text.
func JSON(w io.Writer, f *Feed) error {
	doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: clean(f.Title), HomePageURL: clean(f.Link),
		FeedURL: clean(f.SelfURL), Description: clean(f.Description), Language: clean(f.Language),
		Items: make([]jsonItem, 0, len(f.Items))}
	for i := range f.Items {
		it := &f.Items[i]
		ji := jsonItem{ID: clean(it.ID), URL: clean(it.Link), Title: clean(it.Title), ContentHTML: clean(it.ContentHTML),
			Summary: clean(it.Summary), Image: clean(it.Image), DatePublished: rfc3339(it.Published),
			DateModified: rfc3339(it.Updated)}
		for _, c := range it.Categories {
			ji.Tags = append(ji.Tags, clean(c))
		}
		if ji.ContentHTML == "" {
			ji.ContentText, ji.Summary = ji.Summary, ""
		}
		if it.Author != "" {
			ji.Authors = []jsonAuthor{{Name: clean(it.Author), URL: clean(it.AuthorURL)}}
		}
		doc.Items = append(doc.Items, ji)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "\t")
	// Readable markup in content_html; the document is served as application/feed+json with
	// nosniff, so no browser renders it as HTML.
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}
