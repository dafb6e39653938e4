package feeds

import (
	"encoding/xml"
	"io"
	"time"
)

// ContentTypeXML is the content type of sitemaps.
const ContentTypeXML = "application/xml; charset=UTF-8"

// SitemapURL is one <url> of a sitemap, or one <sitemap> of a sitemap index.
type SitemapURL struct {
	Loc     string
	LastMod time.Time // zero: no lastmod
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapEntry `xml:"url"`
}

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

func sitemapEntries(urls []SitemapURL) []sitemapEntry {
	out := make([]sitemapEntry, len(urls))
	for i, u := range urls {
		out[i].Loc = clean(u.Loc)
		if !u.LastMod.IsZero() {
			out[i].LastMod = u.LastMod.UTC().Format(time.RFC3339)
		}
	}
	return out
}

// Sitemap writes a sitemap (https://www.sitemaps.org/protocol.html) of at most 50,000 URLs.
func Sitemap(w io.Writer, urls []SitemapURL) error {
	return encodeXML(w, urlset{URLs: sitemapEntries(urls)})
}

// SitemapIndex writes a sitemap index listing sitemaps.
func SitemapIndex(w io.Writer, sitemaps []SitemapURL) error {
	return encodeXML(w, sitemapIndex{Sitemaps: sitemapEntries(sitemaps)})
}
