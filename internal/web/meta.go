package web

import (
	"time"

	"github.com/broadside/broadside"
)

// feedLink is a feed auto-discovery link in the page head.
type feedLink struct{ Type, Title, Href string }

const (
	mimeRSS  = "application/rss+xml"
	mimeAtom = "application/atom+xml"
	mimeJSON = "application/feed+json"
	// mimeActivity links a page to its ActivityStreams form (ActivityPub).
	mimeActivity = "application/activity+json"
)

// siteFeedLinks are on every page, as WordPress's feed_links: the posts feed in each format
// and the comments feed.
func siteFeedLinks(st *site) []feedLink {
	return []feedLink{
		{mimeRSS, st.Title + " » Feed", st.Abs("/feed/")},
		{mimeAtom, st.Title + " » Atom Feed", st.Abs("/feed/atom/")},
		{mimeJSON, st.Title + " » JSON Feed", st.Abs("/feed/json/")},
		{mimeRSS, st.Title + " » Comments Feed", st.Abs("/comments/feed/")},
	}
}

// archiveFeedLinks is the feed of a category, tag or author archive, as feed_links_extra.
func archiveFeedLinks(st *site, spec listSpec) []feedLink {
	if spec.feed == "" {
		return nil
	}
	return []feedLink{{mimeRSS, st.Title + " » " + spec.feed, feedURL(st, spec.base, formatRSS)}}
}

// archivePath is where a non-canonical archive URL redirects: the canonical archive page, or
// its feed.
func archivePath(base string, page int, f feedFormat, isFeed bool) string {
	if isFeed {
		return base + f.suffix()
	}
	return pagePath(base, page)
}

// postDiscovery completes the head of a post page: the post's comment feed when its
// discussion is public, an absolute card image, and JSON-LD for articles.
func (s *Server) postDiscovery(v *view, st *site, p *broadside.Post) {
	e := broadside.PublicBody(p)
	path := st.PostPath(p)
	if e.Full && (p.CommentsOpen || p.CommentCount > 0) {
		v.Feeds = append(v.Feeds, feedLink{mimeRSS, st.Title + " » " + p.Title + " Comments Feed", feedURL(st, path, formatRSS)})
	}
	v.OGImage = absoluteURL(st, v.OGImage)
	if s.Federation != nil && !st.Federation.Off {
		if l := broadside.Access(p, broadside.Reader{}, s.Now()); l == broadside.LevelTeaser || l == broadside.LevelFull {
			v.Feeds = append(v.Feeds, feedLink{mimeActivity, p.Title, st.Abs(path)})
		}
	}
	if p.Type == broadside.TypePost && p.IsPublic(s.Now()) {
		v.JSONLD = articleLD(st, p, st.Abs(path), v.Description, v.OGImage, !p.SubscribersOnly)
	}
}

// JSON-LD for a post: schema.org's Article with what search engines use for article results.
// html/template writes it inside <script type="application/ld+json"> as JSON with <, > and &
// escaped, so a title cannot end the script element. It is data, not script, so the site's
// Content-Security-Policy (script-src 'self') does not apply to it.
type ldArticle struct {
	Context          string   `json:"@context"`
	Type             string   `json:"@type"`
	Headline         string   `json:"headline"`
	Description      string   `json:"description,omitempty"`
	URL              string   `json:"url"`
	MainEntityOfPage ldThing  `json:"mainEntityOfPage"`
	DatePublished    string   `json:"datePublished"`
	DateModified     string   `json:"dateModified"`
	Author           *ldThing `json:"author,omitempty"`
	Publisher        ldThing  `json:"publisher"`
	Image            []string `json:"image,omitempty"`
	ArticleSection   []string `json:"articleSection,omitempty"`
	Keywords         []string `json:"keywords,omitempty"`
	Free             *bool    `json:"isAccessibleForFree,omitempty"`
}

type ldThing struct {
	Type string `json:"@type"`
	ID   string `json:"@id,omitempty"`
	Name string `json:"name,omitempty"`
	URL  string `json:"url,omitempty"`
}

func articleLD(st *site, p *broadside.Post, canonical, description, image string, free bool) *ldArticle {
	ld := &ldArticle{Context: "https://schema.org", Type: "Article", Headline: broadside.Ellipsize(p.Title, 110),
		Description: description, URL: canonical, MainEntityOfPage: ldThing{Type: "WebPage", ID: canonical},
		DatePublished: p.PublishedAt.UTC().Format(time.RFC3339), DateModified: p.UpdatedAt.UTC().Format(time.RFC3339),
		Publisher: ldThing{Type: "Organization", Name: st.Title, URL: st.Abs("/")}}
	if p.Author != nil {
		ld.Author = &ldThing{Type: "Person", Name: p.Author.Name(), URL: st.Abs(st.AuthorPath(p.Author))}
	}
	if image != "" {
		ld.Image = []string{image}
	}
	for _, c := range p.Categories {
		ld.ArticleSection = append(ld.ArticleSection, c.Name)
	}
	for _, t := range p.Tags {
		ld.Keywords = append(ld.Keywords, t.Name)
	}
	if !free {
		ld.Free = &free // subscriber-only: Google's marker for paywalled content
	}
	return ld
}
