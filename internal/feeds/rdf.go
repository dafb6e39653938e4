package feeds

import (
	"encoding/xml"
	"io"
	"time"
)

// RSS 1.0 (RDF), as WordPress's feed-rdf.php writes it for /feed/rdf/: a channel that lists
// its items in an rdf:Seq, then the items themselves beside the channel, with Dublin Core
// dates, creators and subjects. Prefixed names are written literally, as in rss.go.
type rdfDoc struct {
	XMLName xml.Name   `xml:"rdf:RDF"`
	NS      string     `xml:"xmlns,attr"`
	RDF     string     `xml:"xmlns:rdf,attr"`
	DC      string     `xml:"xmlns:dc,attr"`
	Sy      string     `xml:"xmlns:sy,attr"`
	Admin   string     `xml:"xmlns:admin,attr"`
	Content string     `xml:"xmlns:content,attr"`
	Channel rdfChannel `xml:"channel"`
	Items   []rdfItem  `xml:"item"`
}

type rdfChannel struct {
	About           string   `xml:"rdf:about,attr"`
	Title           string   `xml:"title"`
	Link            string   `xml:"link"`
	Description     string   `xml:"description"`
	Date            string   `xml:"dc:date"`
	UpdatePeriod    string   `xml:"sy:updatePeriod"`
	UpdateFrequency int      `xml:"sy:updateFrequency"`
	UpdateBase      string   `xml:"sy:updateBase"`
	Items           rdfItems `xml:"items"`
}

type rdfItems struct {
	Seq []rdfLi `xml:"rdf:Seq>rdf:li"`
}

type rdfLi struct {
	Resource string `xml:"rdf:resource,attr"`
}

type rdfItem struct {
	About       string  `xml:"rdf:about,attr"`
	Title       string  `xml:"title"`
	Link        string  `xml:"link"`
	Date        string  `xml:"dc:date"`
	Creator     cdata   `xml:"dc:creator"`
	Subjects    []cdata `xml:"dc:subject"`
	Description cdata   `xml:"description"`
	Content     *cdata  `xml:"content:encoded"`
}

// ContentTypeRDF is WordPress's feed_content_type('rdf').
const ContentTypeRDF = "application/rdf+xml; charset=UTF-8"

// RDF writes f as RSS 1.0. The channel's rdf:about is the page the feed follows, each item's
// its permalink (RSS 1.0 identifies resources by URI, and WordPress uses these).
func RDF(w io.Writer, f *Feed) error {
	doc := rdfDoc{NS: "http://purl.org/rss/1.0/", RDF: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
		DC: "http://purl.org/dc/elements/1.1/", Sy: "http://purl.org/rss/1.0/modules/syndication/",
		Admin: "http://webns.net/mvcb/", Content: "http://purl.org/rss/1.0/modules/content/"}
	ch := &doc.Channel
	ch.About, ch.Title, ch.Link, ch.Description = clean(f.Link), clean(f.Title), clean(f.Link), clean(f.Description)
	ch.Date = w3cdtf(f.Updated)
	ch.UpdatePeriod, ch.UpdateFrequency, ch.UpdateBase = "hourly", 1, "2000-01-01T12:00+00:00"
	for i := range f.Items {
		it := &f.Items[i]
		link := clean(it.Link)
		ch.Items.Seq = append(ch.Items.Seq, rdfLi{Resource: link})
		ri := rdfItem{About: link, Title: clean(it.Title), Link: link, Date: w3cdtf(it.Published),
			Creator: cdata{clean(it.Author)}, Description: cdata{descriptionHTML(it.Summary)}}
		for _, c := range it.Categories {
			ri.Subjects = append(ri.Subjects, cdata{clean(c)})
		}
		if it.ContentHTML != "" {
			ri.Content = &cdata{clean(it.ContentHTML)}
		}
		doc.Items = append(doc.Items, ri)
	}
	return encodeXML(w, doc)
}

// w3cdtf formats t as Dublin Core dates are written (W3C-DTF, in UTC as WordPress does); the
// zero time (an empty feed) becomes the Unix epoch.
func w3cdtf(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
