package web

import (
	"context"
	"html"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/feeds"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/render"
)

// feedGenerator names Broadside in feeds.
const (
	feedGenerator    = "Broadside"
	feedGeneratorURI = "https://github.com/broadside/broadside"
)

// feedURL returns the absolute URL of the feed of the page at path in format f.
func feedURL(st *site, path string, f feedFormat) string {
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return st.Abs(path + f.suffix())
}

// postsFeed builds the feed of the posts listed at spec.base: the newest Settings.FeedItems
// posts readers may see, each as broadside.PublicBody allows.
func (s *Server) postsFeed(ctx context.Context, st *site, spec listSpec, f feedFormat) (*feeds.Feed, error) {
	filter := spec.filter
	filter.Type = broadside.TypePost
	posts, _, err := s.Posts.List(ctx, s.feedFilter(filter, st))
	if err != nil {
		return nil, err
	}
	st.categories(ctx, s)
	title := st.Title
	if spec.canonicalTitle != "" {
		title += " » " + spec.canonicalTitle
	}
	fd := &feeds.Feed{Kind: feeds.Posts, Title: title, Description: st.Tagline, Link: st.Abs(spec.base),
		SelfURL: feedURL(st, spec.base, f), Language: st.Lang(), Generator: feedGenerator, GeneratorURI: feedGeneratorURI}
	items := make([]feeds.Item, len(posts))
	var urls []string
	for i := range posts {
		items[i] = s.postItem(st, &posts[i])
		urls = append(urls, posts[i].FeaturedImageURL)
		urls = append(urls, render.ImageSources(template.HTML(items[i].ContentHTML))...)
	}
	imgs := s.libraryImages(ctx, st, urls)
	for i := range posts {
		it := items[i]
		if it.ContentHTML != "" {
			// Library images in the content get their sizes, as on the page, with every
			// address absolute for feed readers.
			it.ContentHTML = feeds.AbsoluteURLs(string(imgs.body(template.HTML(it.ContentHTML))), st.Base)
		}
		if m := imgs.file(posts[i].FeaturedImageURL); m != nil {
			// A library image goes out in its large size, with the type and length an RSS
			// enclosure needs.
			it.Image, it.ImageType, it.ImageLength = featuredForFeed(st, m)
		}
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	return fd, nil
}

// postItem is a post as a feed item: its summary always, its content when the site shows
// full text in feeds, both limited to what broadside.PublicBody lets the post expose.
func (s *Server) postItem(st *site, p *broadside.Post) feeds.Item {
	path := st.PostPath(p)
	link := st.Abs(path)
	it := feeds.Item{ID: st.Abs("/?p=" + strconv.FormatInt(p.ID, 10)), Title: p.Title, Link: link,
		Published: p.PublishedAt, Updated: p.UpdatedAt, Image: absoluteURL(st, p.FeaturedImageURL),
		Discussion: &feeds.Discussion{Link: link + "#comments", RSS: feedURL(st, path, formatRSS),
			Atom: feedURL(st, path, formatAtom), Approved: p.CommentCount}}
	if p.GUID != "" {
		// An imported post keeps the id its old feed gave it, so readers that followed that
		// feed do not show it again as new.
		it.ID, it.IDIsPermaLink = p.GUID, p.GUIDIsPermaLink
	}
	if p.Author != nil {
		it.Author, it.AuthorURL = p.Author.Name(), st.Abs(st.AuthorPath(p.Author))
	}
	for _, c := range p.Categories {
		it.Categories = append(it.Categories, c.Name)
	}
	for _, t := range p.Tags {
		it.Categories = append(it.Categories, t.Name)
	}
	e := broadside.PublicBody(p)
	it.Summary = strings.Join(strings.Fields(e.Excerpt), " ")
	if it.Summary == "" && e.Body != "" {
		teaser := e.Body
		if i := broadside.MoreIndex(teaser); i >= 0 {
			teaser = teaser[:i]
		}
		it.Summary = firstWords(s.Render.Text(p.BodyFormat, teaser), 55) // WordPress's 55-word excerpt
	}
	if it.Summary == "" {
		it.Summary = e.Withheld
	}
	if st.FeedFullText && e.Body != "" {
		content := string(s.Render.Post(p.BodyFormat, e.Body))
		if !e.Full {
			content += `<p class="more-link"><a href="` + html.EscapeString(link) + `#more">Continue reading “` +
				html.EscapeString(p.Title) + `” on the site</a></p>`
		}
		it.ContentHTML = feeds.AbsoluteURLs(content, st.Base)
	}
	return it
}

// absoluteURL makes a site path ("/wp-content/…") absolute; other URLs pass unchanged.
func absoluteURL(st *site, u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return st.Abs(u)
	}
	return u
}

// commentsFeed serves the newest approved comments of post, or of the whole site when post is
// nil, in WordPress's shape: "Comments on: TITLE" with items "By: NAME" for a post, and
// "Comments for SITE" with items "Comment on TITLE by NAME" for the site.
func (s *Server) commentsFeed(w http.ResponseWriter, r *http.Request, st *site, f feedFormat, post *broadside.Post) error {
	ctx := r.Context()
	var postID int64
	fd := &feeds.Feed{Kind: feeds.Comments, Title: i18n.T(st.Language, "Comments for %s", st.Title), Description: st.Tagline,
		Link: st.Abs("/"), SelfURL: feedURL(st, "/comments/", f), Language: st.Lang(),
		Generator: feedGenerator, GeneratorURI: feedGeneratorURI}
	st.categories(ctx, s)
	if post != nil {
		postID = post.ID
		fd.Title, fd.Link, fd.SelfURL = i18n.T(st.Language, "Comments on: %s", post.Title), st.Abs(st.PostPath(post)), feedURL(st, st.PostPath(post), f)
	}
	limit := st.FeedItems
	if limit < 1 {
		limit = 10
	}
	cs, err := s.Comments.Recent(ctx, postID, limit)
	if err != nil {
		return err
	}
	posts := map[int64]*broadside.Post{}
	if post != nil {
		posts[post.ID] = post
	}
	threads := map[int64]*broadside.Thread{}
	for i := range cs {
		c := &cs[i]
		p := posts[c.PostID]
		if p == nil {
			if p, err = s.Posts.Get(ctx, c.PostID); err != nil {
				return err
			}
			posts[p.ID] = p
		}
		name := displayNameIn(st.Language, c)
		it := feeds.Item{ID: st.Abs("/?p=" + strconv.FormatInt(p.ID, 10) + "#comment-" + strconv.FormatInt(c.ID, 10)),
			Title: i18n.T(st.Language, "By: %s", name), Author: name, Published: c.CreatedAt, Updated: c.CreatedAt,
			Link: st.Abs(st.CommentPath(st.PostPath(p), s.commentPage(ctx, st, p, c.ID, threads), 0, c.ID))}
		if post == nil {
			it.Title = i18n.T(st.Language, "Comment on %s by %s", p.Title, name)
		}
		if broadside.IsHTTPURL(c.AuthorURL) {
			it.AuthorURL = c.AuthorURL
		}
		body := string(s.Render.Comment(c.RawBody))
		it.Summary = firstWords(render.PlainText(body), 55)
		it.ContentHTML = feeds.AbsoluteURLs(body, st.Base)
		if it.Updated.After(fd.Updated) {
			fd.Updated = it.Updated
		}
		fd.Items = append(fd.Items, it)
	}
	return s.writeFeed(w, r, st, fd, f)
}

// commentPage returns the page of post p's discussion that shows comment id.
func (s *Server) commentPage(ctx context.Context, st *site, p *broadside.Post, id int64, threads map[int64]*broadside.Thread) int {
	per := st.Discussion.PerPage
	if per <= 0 || p.CommentCount <= per {
		return 1 // fewer approved comments than top-level threads per page: one page
	}
	th := threads[p.ID]
	if th == nil {
		var err error
		if th, err = s.Comments.Thread(ctx, p, nil, st.Discussion); err != nil {
			return 1
		}
		threads[p.ID] = th
	}
	return max(1, th.PageOf(id, per))
}

// postCommentsFeed serves POST-URL/feed/ (and feed/atom/, feed/json/): the comment feed of the
// public post or page at path. It reports false when nothing public lives at path, and the
// error of a feed it could not build.
func (s *Server) postCommentsFeed(w http.ResponseWriter, r *http.Request, st *site, path string, f feedFormat) (bool, error) {
	ctx := r.Context()
	var p *broadside.Post
	for _, cand := range []string{path, strings.TrimSuffix(path, "/")} {
		if m, ok := st.perm.Match(cand); ok {
			if found, err := s.postFromMatch(ctx, m); err == nil {
				p = found
				break
			}
		}
	}
	if p == nil {
		// A page, or a post under an older permalink structure (redirected below).
		segs := strings.Split(strings.Trim(path, "/"), "/")
		for _, typ := range []broadside.PostType{broadside.TypePage, broadside.TypePost} {
			if found, err := s.Posts.BySlug(ctx, typ, segs[len(segs)-1]); err == nil {
				p = found
				break
			}
		}
	}
	if p == nil || !p.IsPublic(s.Now()) {
		return false, nil
	}
	st.categories(ctx, s)
	if canonical := feedURL(st, st.PostPath(p), f); feedURL(st, path, f) != canonical {
		http.Redirect(w, r, canonical, http.StatusMovedPermanently)
		return true, nil
	}
	return true, s.commentsFeed(w, r, st, f, p)
}

// firstWords returns the first n words of text, with "…" when it was cut.
func firstWords(text string, n int) string {
	w := strings.Fields(text)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.Join(w[:n], " ") + "…"
}
