package feeds

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// RSS 2.0 with the modules WordPress's feed-rss2.php and feed-rss2-comments.php use. Prefixed
// names are written literally ("dc:creator"), with the xmlns declarations on <rss>.
type rss struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Wfw     string     `xml:"xmlns:wfw,attr,omitempty"`
	DC      string     `xml:"xmlns:dc,attr"`
	Atom    string     `xml:"xmlns:atom,attr"`
	Sy      string     `xml:"xmlns:sy,attr"`
	Slash   string     `xml:"xmlns:slash,attr,omitempty"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title           string    `xml:"title"`
	Self            rssSelf   `xml:"atom:link"`
	Link            string    `xml:"link"`
	Description     string    `xml:"description"`
	LastBuildDate   string    `xml:"lastBuildDate,omitempty"`
	Language        string    `xml:"language,omitempty"`
	UpdatePeriod    string    `xml:"sy:updatePeriod"`
	UpdateFrequency int       `xml:"sy:updateFrequency"`
	Generator       string    `xml:"generator,omitempty"`
	Items           []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string        `xml:"title"`
	Link        string        `xml:"link"`
	Comments    string        `xml:"comments,omitempty"`
	Creator     cdata         `xml:"dc:creator"`
	PubDate     string        `xml:"pubDate"`
	Categories  []cdata       `xml:"category"`
	GUID        rssGUID       `xml:"guid"`
	Description cdata         `xml:"description"`
	Content     *cdata        `xml:"content:encoded"`
	Enclosure   *rssEnclosure `xml:"enclosure"`
	CommentRSS  string        `xml:"wfw:commentRss,omitempty"`
	Slash       *int          `xml:"slash:comments"`
}

// rssEnclosure is the featured image: RSS 2.0 requires url, length and type.
type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// cdata is text written as a CDATA section, as WordPress writes names, excerpts and content
// (encoding/xml splits a "]]>" inside it correctly).
type cdata struct {
	Text string `xml:",cdata"`
}

// RSS writes f as RSS 2.0.
func RSS(w io.Writer, f *Feed) error {
	doc := rss{Version: "2.0", Content: "http://purl.org/rss/1.0/modules/content/",
		DC: "http://purl.org/dc/elements/1.1/", Atom: "http://www.w3.org/2005/Atom",
		Sy: "http://purl.org/rss/1.0/modules/syndication/"}
	if f.Kind == Posts {
		doc.Wfw, doc.Slash = "http://wellformedweb.org/CommentAPI/", "http://purl.org/rss/1.0/modules/slash/"
	}
	ch := &doc.Channel
	ch.Title, ch.Link, ch.Description = clean(f.Title), clean(f.Link), clean(f.Description)
	ch.Self = rssSelf{Href: f.selfLink(), Rel: "self", Type: "application/rss+xml"}
	if !f.Updated.IsZero() {
		ch.LastBuildDate = rfc1123z(f.Updated)
	}
	ch.Language = clean(f.Language)
	ch.UpdatePeriod, ch.UpdateFrequency = "hourly", 1
	ch.Generator = clean(f.GeneratorURI)
	ch.Items = make([]rssItem, len(f.Items))
	for i := range f.Items {
		it := &f.Items[i]
		ri := rssItem{Title: clean(it.Title), Link: clean(it.Link), Creator: cdata{clean(it.Author)},
			PubDate: rfc1123z(it.Published), GUID: rssGUID{IsPermaLink: strconv.FormatBool(it.IDIsPermaLink), Value: clean(it.ID)},
			Description: cdata{descriptionHTML(it.Summary)}}
		for _, c := range it.Categories {
			ri.Categories = append(ri.Categories, cdata{clean(c)})
		}
		if it.ContentHTML != "" {
			ri.Content = &cdata{clean(it.ContentHTML)}
		}
		if it.Image != "" && it.ImageType != "" && it.ImageLength > 0 {
			ri.Enclosure = &rssEnclosure{URL: clean(it.Image), Length: it.ImageLength, Type: clean(it.ImageType)}
		}
		if d := it.Discussion; d != nil && f.Kind == Posts {
			n := d.Approved
			ri.Comments, ri.CommentRSS, ri.Slash = clean(d.Link), clean(d.RSS), &n
		}
		ch.Items[i] = ri
	}
	return encodeXML(w, doc)
}

// descriptionHTML turns a plain-text summary into the HTML an RSS <description> carries:
// readers treat it as markup, so "<", ">" and "&" stay encoded inside the CDATA section, as
// WordPress's the_excerpt_rss and comment_text_rss leave them. Quotes need no escaping in text.
func descriptionHTML(summary string) string { return textEscaper.Replace(clean(summary)) }

var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func encodeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "\t")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
