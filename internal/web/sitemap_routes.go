package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/feeds"
)

// sitemapPageSize is how many posts one posts sitemap lists; more go to sitemap-posts-2.xml
// and on (the protocol allows 50,000; smaller files are cheaper to build and to fetch).
const sitemapPageSize = 2000

// GET /sitemap-posts.xml
// The first posts sitemap; the others (/sitemap-posts-2.xml, …) cannot be a ServeMux pattern,
// so handlePublic hands them to sitemapPosts.
func (s *Server) handleSitemapPostsFirst(w http.ResponseWriter, r *http.Request) error {
	return s.sitemapPosts(w, r, 1)
}

// GET /robots.txt
// Everything may be crawled but the admin; the sitemap index is announced.
func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) error {
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	body := "User-agent: *\nDisallow: /admin/\nAllow: /\n\nSitemap: " + st.Abs("/sitemap.xml") + "\n"
	s.serveDocument(w, r, "text/plain; charset=utf-8", []byte(body), time.Time{})
	return nil
}

// GET /sitemap.xml
// The sitemap index: the posts sitemaps, pages (with the home page), categories and tags
// that have something public, each with the date of its newest change.
func (s *Server) handleSitemapIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	sums, err := s.Posts.SitemapSummaries(ctx)
	if err != nil {
		return err
	}
	cats, tags, err := s.Posts.TermsModified(ctx)
	if err != nil {
		return err
	}
	posts, pages := sums[broadside.TypePost], sums[broadside.TypePage]
	var maps []feeds.SitemapURL
	for n := 1; (n-1)*sitemapPageSize < posts.Count; n++ {
		maps = append(maps, feeds.SitemapURL{Loc: st.Abs(sitemapPostsPath(n)), LastMod: posts.Modified})
	}
	maps = append(maps, feeds.SitemapURL{Loc: st.Abs("/sitemap-pages.xml"), LastMod: latest(posts.Modified, pages.Modified)})
	if len(cats) > 0 {
		maps = append(maps, feeds.SitemapURL{Loc: st.Abs("/sitemap-categories.xml"), LastMod: newest(cats)})
	}
	if len(tags) > 0 {
		maps = append(maps, feeds.SitemapURL{Loc: st.Abs("/sitemap-tags.xml"), LastMod: newest(tags)})
	}
	return s.writeSitemap(w, r, maps, true)
}

// sitemapPostsPath is the path of page n of the posts sitemap.
func sitemapPostsPath(n int) string {
	if n <= 1 {
		return "/sitemap-posts.xml"
	}
	return "/sitemap-posts-" + strconv.Itoa(n) + ".xml"
}

// sitemapPostsPageOf recognises /sitemap-posts-N.xml (N >= 2) for handlePublic.
func sitemapPostsPageOf(path string) (int, bool) {
	num, ok := strings.CutPrefix(path, "/sitemap-posts-")
	if !ok {
		return 0, false
	}
	num, ok = strings.CutSuffix(num, ".xml")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 2 || strconv.Itoa(n) != num {
		return 0, false
	}
	return n, true
}

// GET /sitemap-posts.xml, /sitemap-posts-N.xml
func (s *Server) sitemapPosts(w http.ResponseWriter, r *http.Request, n int) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	posts, _, err := s.Posts.Sitemap(ctx, broadside.TypePost, sitemapPageSize, (n-1)*sitemapPageSize)
	if err != nil {
		return err
	}
	if len(posts) == 0 {
		return errNotFound
	}
	st.categories(ctx, s)
	urls := make([]feeds.SitemapURL, len(posts))
	for i := range posts {
		urls[i] = feeds.SitemapURL{Loc: st.Abs(st.PostPath(&posts[i])), LastMod: posts[i].UpdatedAt}
	}
	return s.writeSitemap(w, r, urls, false)
}

// GET /sitemap-pages.xml
// The home page, then every public page.
func (s *Server) handleSitemapPages(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	sums, err := s.Posts.SitemapSummaries(ctx)
	if err != nil {
		return err
	}
	pages, _, err := s.Posts.Sitemap(ctx, broadside.TypePage, 50000, 0)
	if err != nil {
		return err
	}
	urls := []feeds.SitemapURL{{Loc: st.Abs("/"), LastMod: sums[broadside.TypePost].Modified}}
	for i := range pages {
		urls = append(urls, feeds.SitemapURL{Loc: st.Abs(st.PostPath(&pages[i])), LastMod: pages[i].UpdatedAt})
	}
	return s.writeSitemap(w, r, urls, false)
}

// GET /sitemap-categories.xml
func (s *Server) handleSitemapCategories(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	mods, _, err := s.Posts.TermsModified(ctx)
	if err != nil {
		return err
	}
	var urls []feeds.SitemapURL
	for _, c := range st.categories(ctx, s) {
		if t, ok := mods[c.ID]; ok {
			urls = append(urls, feeds.SitemapURL{Loc: st.Abs(st.CategoryPath(c)), LastMod: t})
		}
	}
	return s.writeSitemap(w, r, urls, false)
}

// GET /sitemap-tags.xml
func (s *Server) handleSitemapTags(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	_, mods, err := s.Posts.TermsModified(ctx)
	if err != nil {
		return err
	}
	tags, err := s.Posts.Tags(ctx)
	if err != nil {
		return err
	}
	var urls []feeds.SitemapURL
	for _, t := range tags {
		if m, ok := mods[t.ID]; ok {
			urls = append(urls, feeds.SitemapURL{Loc: st.Abs(st.TagPath(t)), LastMod: m})
		}
	}
	return s.writeSitemap(w, r, urls, false)
}

// writeSitemap answers with a sitemap (or index); an empty sitemap is a 404, since the
// protocol wants at least one URL.
func (s *Server) writeSitemap(w http.ResponseWriter, r *http.Request, urls []feeds.SitemapURL, index bool) error {
	if len(urls) == 0 {
		return errNotFound
	}
	var buf bytes.Buffer
	var err error
	if index {
		err = feeds.SitemapIndex(&buf, urls)
	} else {
		err = feeds.Sitemap(&buf, urls)
	}
	if err != nil {
		return err
	}
	var mod time.Time
	for _, u := range urls {
		mod = latest(mod, u.LastMod)
	}
	s.serveDocument(w, r, feeds.ContentTypeXML, buf.Bytes(), mod)
	return nil
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func newest(m map[int64]time.Time) time.Time {
	var t time.Time
	for _, x := range m {
		t = latest(t, x)
	}
	return t
}
