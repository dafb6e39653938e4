package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/i18n"
)

// GET /{path...}
// Everything public that is not under a fixed prefix: the home page and its pages, post
// permalinks in the site's structure, date archives and static pages. The permalink
// structure is a setting, so it cannot be a fixed ServeMux pattern.
func (s *Server) handlePublic(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	if page, f, ok := splitFeed(r.URL.Path); ok && page != "/" {
		if served, err := s.postCommentsFeed(w, r, st, page, f); served {
			return err // POST-URL/feed/: the post's comment feed (feed_build.go)
		}
	}
	if n, ok := sitemapPostsPageOf(r.URL.Path); ok {
		return s.sitemapPosts(w, r, n) // /sitemap-posts-N.xml (sitemap_routes.go)
	}
	path, page, ok := splitPaged(r.URL.Path, "/page/")
	if !ok {
		return errNotFound
	}
	if path == "/" {
		if h := s.queryHandler(r); h != nil && r.URL.Path == "/" {
			h(w, r)
			return nil
		}
		return s.listPosts(w, r, st, listSpec{page: page, base: "/"})
	}
	path, cpage, ok := splitPaged(path, "/comment-page-")
	if !ok {
		return errNotFound
	}
	if m, ok := st.perm.Match(path); ok && page == 1 {
		p, err := s.postFromMatch(ctx, m)
		if err == nil {
			return s.servePost(w, r, st, p, cpage)
		}
		if broadside.ErrorCode(err) != broadside.ENOTFOUND {
			return err
		}
	}
	if spec, ok := dateArchive(path, st); ok && cpage == 0 {
		spec.page = page
		return s.listPosts(w, r, st, spec)
	}
	if page == 1 {
		segs := strings.Split(strings.Trim(path, "/"), "/")
		p, err := s.Posts.BySlug(ctx, broadside.TypePage, segs[len(segs)-1])
		if err == nil {
			return s.servePost(w, r, st, p, cpage)
		}
		// A link in an older permalink structure (or a bare slug) still finds its post, as
		// WordPress's redirect_guess_404_permalink does: the last segment is the slug.
		if len(segs) <= 6 {
			if p, err := s.Posts.BySlug(ctx, broadside.TypePost, segs[len(segs)-1]); err == nil && p.IsPublic(s.Now()) {
				http.Redirect(w, r, st.PostPath(p), http.StatusMovedPermanently)
				return nil
			}
		}
	}
	return errNotFound
}

// splitPaged removes a trailing "/page/N/" (or "/comment-page-N/") from path. The page is 1
// (or 0 for comment pages) when absent; ok is false for a malformed number.
func splitPaged(path, marker string) (string, int, bool) {
	def := 1
	if marker != "/page/" {
		def = 0
	}
	i := strings.LastIndex(path, marker)
	if i < 0 {
		return path, def, true
	}
	num := strings.TrimSuffix(path[i+len(marker):], "/")
	if num == "" || strings.Contains(num, "/") {
		return path, def, true
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 1_000_000 {
		return path, def, false
	}
	return path[:i+1], n, true
}

func (s *Server) postFromMatch(ctx context.Context, m broadside.PermalinkMatch) (*broadside.Post, error) {
	var p *broadside.Post
	var err error
	switch {
	case m.HasSlug:
		p, err = s.Posts.BySlug(ctx, broadside.TypePost, m.Slug)
	case m.HasID:
		p, err = s.Posts.Get(ctx, m.ID)
	default:
		return nil, broadside.Errorf(broadside.ENOTFOUND, "Not found.")
	}
	if err != nil {
		return nil, err
	}
	if p.Type != broadside.TypePost {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "Not found.")
	}
	return p, nil
}

// servePost shows a post or page, redirecting to its canonical URL when the request used
// another form of it (wrong date, missing slash, old slug structure).
func (s *Server) servePost(w http.ResponseWriter, r *http.Request, st *site, p *broadside.Post, cpage int) error {
	if broadside.Access(p, readerOf(r), s.Now()) == broadside.LevelHidden {
		return errNotFound
	}
	st.categories(r.Context(), s)
	canonical := st.PostPath(p)
	if cpage == 0 {
		if to, given, err := cpageQuery(r, canonical); err != nil {
			return err
		} else if given {
			permanent(w, r, to, "cpage")
			return nil
		}
	}
	reqPath := r.URL.Path
	if cpage > 0 {
		reqPath = strings.TrimSuffix(reqPath, "comment-page-"+strconv.Itoa(cpage)+"/")
	}
	// The canonical path is escaped (a Greek or Japanese slug), the request's is decoded.
	if decoded, err := url.PathUnescape(canonical); err == nil && reqPath != decoded && p.IsPublic(s.Now()) {
		to := canonical
		if cpage > 0 {
			to += "comment-page-" + strconv.Itoa(cpage) + "/"
		}
		if r.URL.RawQuery != "" {
			to += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, to, http.StatusMovedPermanently)
		return nil
	}
	tagPage(r, broadside.CacheTagPost(p.ID))
	s.renderPost(w, r, st, p, cpage, nil, http.StatusOK)
	return nil
}

// cpageQuery reads WordPress's comment page in query form (?cpage=N: its plain links; its
// redirect_canonical sends it to /comment-page-N/ too) and returns the address it leads to
// from the post at canonical, so each page, and each page out of range, has one answer. A
// value that is no page number is dropped, as WordPress's absint does.
func cpageQuery(r *http.Request, canonical string) (to string, given bool, err error) {
	if r.URL.RawQuery == "" {
		return "", false, nil // every post render asks; most have no query to parse
	}
	v, ok := r.URL.Query()["cpage"]
	if !ok {
		return "", false, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v[0]))
	switch {
	case err == nil && n > 1_000_000:
		return "", true, errNotFound
	case err == nil && n > 0:
		return commentPageURL(canonical, n), true, nil
	}
	return canonical, true, nil
}

type listSpec struct {
	heading, description string
	base                 string // path of page 1, ending in '/'
	page                 int
	filter               broadside.PostFilter
	canonicalTitle       string
	feed                 string // title of the archive's feed ("News Category Feed"); "" for none
}

func (s *Server) listPosts(w http.ResponseWriter, r *http.Request, st *site, spec listSpec) error {
	ctx := r.Context()
	st.categories(ctx, s)
	per := st.PostsPerPage
	f := spec.filter
	f.Type = broadside.TypePost
	f.StickyFirst = spec.base == "/" // sticky posts lead the home page, as in WordPress
	f.Limit, f.Offset = per, (spec.page-1)*per
	posts, total, err := s.Posts.List(ctx, s.Posts.Public(f))
	if err != nil {
		return err
	}
	pages := max(1, (total+per-1)/per)
	if spec.page > pages {
		return errNotFound
	}
	if tags := archiveTags(f); tags != nil {
		for _, p := range posts {
			tags = append(tags, broadside.CacheTagPost(p.ID))
		}
		tagPage(r, tags...)
	}
	v := s.baseView(r, st)
	v.Title = spec.canonicalTitle
	if spec.page > 1 {
		if v.Title != "" {
			v.Title += " – "
		}
		v.Title += i18n.T(st.Language, "Page %d", spec.page)
	}
	v.Canonical = st.Abs(pagePath(spec.base, spec.page))
	if spec.base == "/" && spec.page == 1 {
		v.Description = st.Tagline
	} else {
		v.Description = spec.description
	}
	pg := pager{Page: spec.page, Pages: pages}
	if spec.page > 1 {
		pg.Prev = pagePath(spec.base, spec.page-1)
	}
	if spec.page < pages {
		pg.Next = pagePath(spec.base, spec.page+1)
	}
	v.Feeds = append(v.Feeds, archiveFeedLinks(st, spec)...)
	if s.Federation != nil && !st.Federation.Off {
		// The followable actor of this listing (activitypub_actors.go).
		if spec.base == "/" {
			v.Feeds = append(v.Feeds, feedLink{mimeActivity, st.Title, activitypub.ActorID(st.Base, activitypub.SiteActor)})
		} else if spec.filter.AuthorID != 0 && st.Federation.AuthorActors && strings.HasPrefix(spec.base, "/author/") {
			v.Feeds = append(v.Feeds, feedLink{mimeActivity, spec.canonicalTitle, activitypub.ActorID(st.Base, activitypub.AuthorActor(spec.filter.AuthorID))})
		}
	}
	v.Data = map[string]any{"Heading": spec.heading, "Description": spec.description,
		"Posts": s.summaries(r.Context(), st, posts), "Pager": pg}
	s.page(w, r, http.StatusOK, "public/list", v)
	return nil
}

// archiveTags names the cache tags of the archive listing f: any post entering or leaving
// it (or changing on its page) purges it. The home page lists everything and names none.
func archiveTags(f broadside.PostFilter) []string {
	var tags []string
	for _, id := range f.CategoryIDs {
		tags = append(tags, broadside.CacheTagCategory(id))
	}
	if f.TagID != 0 {
		tags = append(tags, broadside.CacheTagTag(f.TagID))
	}
	if f.AuthorID != 0 {
		tags = append(tags, broadside.CacheTagAuthor(f.AuthorID))
	}
	if !f.From.IsZero() && !f.To.IsZero() {
		for y := f.From.Year(); y <= f.To.Add(-time.Nanosecond).Year(); y++ {
			tags = append(tags, broadside.CacheTagYear(y))
		}
	}
	return tags
}

type pager struct {
	Page, Pages int
	Prev, Next  string
}

func pagePath(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}

// dateArchive recognises /YYYY/, /YYYY/MM/ and /YYYY/MM/DD/ in the site's time zone.
func dateArchive(path string, st *site) (listSpec, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if len(segs) > 3 || !strings.HasSuffix(path, "/") {
		return listSpec{}, false
	}
	nums := make([]int, len(segs))
	for i, sg := range segs {
		n, err := strconv.Atoi(sg)
		want := 2
		if i == 0 {
			want = 4
		}
		if err != nil || len(sg) != want {
			return listSpec{}, false
		}
		nums[i] = n
	}
	y, m, d := nums[0], 1, 1
	if len(nums) > 1 {
		m = nums[1]
	}
	if len(nums) > 2 {
		d = nums[2]
	}
	if y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return listSpec{}, false
	}
	from := time.Date(y, time.Month(m), d, 0, 0, 0, 0, st.loc)
	if from.Day() != d {
		return listSpec{}, false
	}
	var to time.Time
	var heading, title string
	switch len(nums) {
	case 1:
		title = i18n.Year(st.Language, from)
		to, heading = from.AddDate(1, 0, 0), i18n.T(st.Language, "Year: %s", title)
	case 2:
		title = i18n.Month(st.Language, from)
		to, heading = from.AddDate(0, 1, 0), i18n.T(st.Language, "Month: %s", title)
	default:
		title = i18n.Date(st.Language, from)
		to, heading = from.AddDate(0, 0, 1), i18n.T(st.Language, "Day: %s", title)
	}
	return listSpec{heading: heading, canonicalTitle: title, base: path,
		filter: broadside.PostFilter{From: from, To: to}}, true
}

// archiveResolver finds the archive named by the path segments after its prefix and returns
// its listing with base (the canonical path of page 1) set; ENOTFOUND answers 404.
type archiveResolver func(ctx context.Context, st *site, segs []string) (listSpec, error)

// serveArchive is the one body of the category, tag and author archives: their pages, their
// feeds (ARCHIVE-URL/feed/, feed_routes.go) and the redirect of any other spelling of the
// address to the canonical one. nested allows several segments (child categories).
func (s *Server) serveArchive(prefix string, nested bool, resolve archiveResolver) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		st, err := s.site(ctx)
		if err != nil {
			return err
		}
		reqPath, feed, isFeed := splitFeed(r.URL.Path)
		path, page, ok := splitPaged(reqPath, "/page/")
		segs := strings.Split(strings.Trim(strings.TrimPrefix(path, prefix), "/"), "/")
		if !ok || segs[0] == "" || (!nested && len(segs) > 1) || (isFeed && page > 1) {
			return errNotFound
		}
		spec, err := resolve(ctx, st, segs)
		if err != nil {
			return err
		}
		if path != spec.base {
			http.Redirect(w, r, archivePath(spec.base, page, feed, isFeed), http.StatusMovedPermanently)
			return nil
		}
		spec.page = page
		if isFeed {
			return s.archiveFeed(w, r, st, feed, spec)
		}
		return s.listPosts(w, r, st, spec)
	}
}

// GET /category/{path...}
// A child category is addressed by its whole path, /category/news/local/; its posts include
// those of its descendants.
func (s *Server) categoryArchive(ctx context.Context, st *site, segs []string) (listSpec, error) {
	cats := st.categories(ctx, s)
	if st.catErr != nil {
		return listSpec{}, st.catErr
	}
	for i := range cats {
		if c := cats[i]; c.Slug == segs[len(segs)-1] {
			return listSpec{heading: i18n.T(st.Language, "Category: %s", c.Name), canonicalTitle: c.Name, description: c.Description,
				base: st.CategoryPath(c), filter: broadside.PostFilter{CategoryIDs: descendants(cats, c.ID)},
				feed: i18n.T(st.Language, "%s Category Feed", c.Name)}, nil
		}
	}
	return listSpec{}, broadside.Errorf(broadside.ENOTFOUND, "No such category.")
}

func descendants(all []broadside.Category, root int64) []int64 {
	children := map[int64][]int64{}
	for _, c := range all {
		children[c.ParentID] = append(children[c.ParentID], c.ID)
	}
	out := []int64{root}
	seen := map[int64]bool{root: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// GET /tag/{path...}
func (s *Server) tagArchive(ctx context.Context, st *site, segs []string) (listSpec, error) {
	t, err := s.Posts.TagBySlug(ctx, segs[0])
	if err != nil {
		return listSpec{}, err
	}
	return listSpec{heading: i18n.T(st.Language, "Tag: %s", t.Name), canonicalTitle: t.Name, base: st.TagPath(*t),
		filter: broadside.PostFilter{TagID: t.ID}, feed: i18n.T(st.Language, "%s Tag Feed", t.Name)}, nil
}

// GET /author/{path...}
func (s *Server) authorArchive(ctx context.Context, st *site, segs []string) (listSpec, error) {
	u, err := s.Users.ByLogin(ctx, segs[0])
	if err != nil {
		return listSpec{}, err
	}
	return listSpec{heading: i18n.T(st.Language, "Author: %s", u.Name()), canonicalTitle: u.Name(), base: st.AuthorPath(u),
		filter: broadside.PostFilter{AuthorID: u.ID}, feed: i18n.T(st.Language, "Posts by %s Feed", u.Name())}, nil
}

// notFound is the helpful 404: recent posts and categories to go on with.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		for _, h := range s.fallbacks {
			if h(w, r) {
				return // an old address that lives elsewhere now (see fallbackTable)
			}
		}
	}
	ctx := r.Context()
	st, err := s.site(ctx)
	if err != nil {
		s.renderError(w, r, http.StatusNotFound, "The page you asked for does not exist.")
		return
	}
	st.categories(ctx, s)
	v := s.baseView(r, st)
	v.Title = i18n.T(st.Language, "Page not found")
	v.Robots = "noindex"
	data := map[string]any{"Status": http.StatusNotFound, "Message": i18n.T(st.Language, "Sorry, nothing lives at %s. It may have moved, or the link may be mistyped.", r.URL.RequestURI())}
	if posts, _, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: broadside.TypePost, Limit: 5})); err == nil {
		var recent []link
		for i := range posts {
			recent = append(recent, link{Title: posts[i].Title, Path: st.PostPath(&posts[i])})
		}
		data["Recent"] = recent
	}
	var cl []catLink
	for _, c := range st.cats {
		if c.PostCount > 0 {
			cl = append(cl, catLink{Name: c.Name, Path: st.CategoryPath(c)})
		}
	}
	data["Categories"] = cl
	v.Data = data
	s.page(w, r, http.StatusNotFound, "public/error", v)
}
