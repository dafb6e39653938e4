package feeds

import (
	"encoding/xml"
	"io"
	"strconv"
)

// Atom (RFC 4287) with thread counts (RFC 4685), as WordPress's feed-atom.php writes it.
type atomFeed struct {
	XMLName   xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Thr       string     `xml:"xmlns:thr,attr,omitempty"`
	Lang      string     `xml:"xml:lang,attr,omitempty"`
	Title     atomText   `xml:"title"`
	Subtitle  *atomText  `xml:"subtitle"`
	Updated   string     `xml:"updated"`
	Links     []atomLink `xml:"link"`
	ID        string     `xml:"id"`
	Generator *atomGen   `xml:"generator"`
	// Author is only needed when there are no entries: every entry has its own, and
	// RFC 4287 (4.1.1) wants an author on the feed or on every entry.
	Author  *atomPerson `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel   string `xml:"rel,attr"`
	Type  string `xml:"type,attr,omitempty"`
	Href  string `xml:"href,attr"`
	Count string `xml:"thr:count,attr,omitempty"`
	// Length is an enclosure's size in bytes (RFC 4287 4.2.7.6).
	Length string `xml:"length,attr,omitempty"`
}

type atomGen struct {
	URI  string `xml:"uri,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	Author     atomPerson     `xml:"author"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    *atomText      `xml:"content"`
	Total      string         `xml:"thr:total,omitempty"`
}

// Atom writes f as an Atom feed. Titles and summaries are text constructs; content is
// type="html" (escaped markup).
func Atom(w io.Writer, f *Feed) error {
	doc := atomFeed{Lang: clean(f.Language), Title: atomText{"text", clean(f.Title)}, Updated: rfc3339(f.Updated),
		ID: clean(f.SelfURL)}
	if f.Description != "" {
		doc.Subtitle = &atomText{"text", clean(f.Description)}
	}
	doc.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: clean(f.Link)},
		{Rel: "self", Type: "application/atom+xml", Href: f.selfLink()}}
	if f.Generator != "" {
		doc.Generator = &atomGen{URI: clean(f.GeneratorURI), Text: clean(f.Generator)}
	}
	if len(f.Items) == 0 {
		doc.Author = &atomPerson{Name: clean(f.Title)}
	}
	for i := range f.Items {
		it := &f.Items[i]
		name := clean(it.Author)
		if name == "" {
			name = "Anonymous"
		}
		e := atomEntry{Author: atomPerson{Name: name, URI: clean(it.AuthorURL)}, Title: atomText{"text", clean(it.Title)},
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: clean(it.Link)}},
			ID:    clean(it.ID), Updated: rfc3339(it.Updated), Published: rfc3339(it.Published),
			Summary: atomText{"text", clean(it.Summary)}}
		for _, c := range it.Categories {
			e.Categories = append(e.Categories, atomCategory{Term: clean(c)})
		}
		if it.ContentHTML != "" {
			e.Content = &atomText{"html", clean(it.ContentHTML)}
		}
		if it.Image != "" && it.ImageType != "" && it.ImageLength > 0 {
			e.Links = append(e.Links, atomLink{Rel: "enclosure", Type: clean(it.ImageType), Href: clean(it.Image),
				Length: strconv.FormatInt(it.ImageLength, 10)})
		}
		if d := it.Discussion; d != nil {
			n := itoa(d.Approved)
			doc.Thr = "http://purl.org/syndication/thread/1.0"
			e.Links = append(e.Links, atomLink{Rel: "replies", Type: "text/html", Href: clean(d.Link), Count: n},
				atomLink{Rel: "replies", Type: "application/atom+xml", Href: clean(d.Atom), Count: n})
			e.Total = n
		}
		doc.Entries = append(doc.Entries, e)
	}
	return encodeXML(w, doc)
}
