package wpapi

import (
	"crypto/subtle"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/broadside/broadside"
)

// postOrderBy maps WordPress's orderby values to the store's.
var postOrderBy = map[string]string{
	"date": "published_at", "modified": "updated_at", "id": "id", "title": "title", "slug": "slug",
	"author": "author", "parent": "parent", "relevance": "published_at", "include": "", "include_slugs": "",
	"menu_order": "menu_order",
}

func errInvalidPostID() *apiError {
	return newErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid post ID.")
}

// GET /wp/v2/posts and GET /wp/v2/pages
func (q *req) listPosts(typ broadside.PostType) (*result, error) {
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	orderbys := []string{"author", "date", "id", "include", "modified", "parent", "relevance", "slug", "include_slugs", "title"}
	if typ == broadside.TypePage {
		orderbys = append(orderbys, "menu_order")
	}
	order := c.enum(&q.p, "order", "desc", "asc", "desc")
	orderby := c.enum(&q.p, "orderby", "date", orderbys...)
	loc := q.loc()
	f := broadside.PostFilter{Type: typ, Search: q.p.str("search"), Asc: order == "asc", OrderBy: postOrderBy[orderby]}
	if after := c.date(&q.p, "after", loc); !after.IsZero() {
		f.From = after.Add(time.Microsecond) // WordPress's "after" is exclusive
	}
	f.To = c.date(&q.p, "before", loc)
	f.AuthorIDs = c.ids(&q.p, "author")
	f.ExcludeAuthorIDs = c.ids(&q.p, "author_exclude")
	f.IDs = c.ids(&q.p, "include")
	f.ExcludeIDs = c.ids(&q.p, "exclude")
	if q.p.has("slug") {
		f.Slugs = q.p.list("slug")
	}
	if typ == broadside.TypePost {
		if cats := c.ids(&q.p, "categories"); len(cats) > 0 {
			f.CategoryIDs = cats
		}
		f.ExcludeCategoryIDs = c.ids(&q.p, "categories_exclude")
		if tags := c.ids(&q.p, "tags"); len(tags) > 0 {
			f.TagIDs = tags
		}
		f.ExcludeTagIDs = c.ids(&q.p, "tags_exclude")
		if q.p.has("sticky") {
			sticky := c.boolean(&q.p, "sticky", false)
			f.Sticky = &sticky
		}
	} else {
		f.ParentIDs = c.ids(&q.p, "parent")
	}
	if orderby == "relevance" && f.Search == "" {
		c.bad("orderby", "rest_no_search_term_defined", "You need to define a search term to order by relevance.")
	}
	if orderby == "include" && f.IDs == nil {
		c.bad("orderby", "rest_orderby_include_missing_include", "You need to define an include parameter to order by include.")
	}
	if orderby == "include_slugs" && f.Slugs == nil {
		c.bad("orderby", "rest_orderby_include_missing_slugs", "You need to define a slug parameter to order by include_slugs.")
	}
	q.postStatuses(&c, &f)
	if err := c.err(); err != nil {
		return nil, err
	}
	if context == "edit" && !q.canCreate(typ) {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit posts in this post type.")
	}

	list, total, err := q.queryPosts(f, pg, orderby)
	if err != nil {
		return nil, err
	}
	pages := (total + pg.per - 1) / pg.per
	if pg.page > pages && total > 0 {
		return nil, newErr(http.StatusBadRequest, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
	}
	items := make([]any, 0, len(list))
	q.countReactions(list)
	for i := range list {
		p := &list[i]
		q.rememberPost(p)
		if context == "edit" && !q.canEdit(p) {
			continue // WordPress leaves out what the user may not edit
		}
		items = append(items, q.postObject(p, context))
	}
	q.paginate(total, pg.page, pg.per)
	return ok(q.embedAll(items))
}

// postStatuses applies the status parameter: published posts for everyone; other statuses
// only for signed-in users who may write posts, and authors see only their own.
func (q *req) postStatuses(c *checker, f *broadside.PostFilter) {
	names := q.p.list("status")
	if len(names) == 0 {
		names = []string{"publish"} // absent or empty: WordPress's default
	}
	public := true
	var sts []broadside.PostStatus
	for _, n := range names {
		if n == "any" {
			sts = append(sts[:0:0], broadside.StatusDraft, broadside.StatusPending, broadside.StatusScheduled,
				broadside.StatusPublished, broadside.StatusPrivate)
			public = false
			break
		}
		st, known := postStatuses[n]
		if !known && n != "trash" && n != "auto-draft" && n != "inherit" {
			c.bad("status", "rest_not_in_enum", "status is not one of publish, future, draft, pending, private, trash, auto-draft, inherit, request-pending, request-confirmed, request-failed, request-completed, and any.")
			return
		}
		if st != broadside.StatusPublished {
			public = false
		}
		if known {
			sts = append(sts, st)
		} else {
			sts = append(sts, broadside.PostStatus(n)) // statuses we never store: no match
		}
	}
	if public {
		f.Statuses = sts
		f.PublishedBefore = q.a.now()
		return
	}
	if !q.canCreate(f.Type) {
		c.bad("status", "rest_forbidden_status", "Status is forbidden.")
		c.details["status"]["data"] = map[string]any{"status": q.authCode()}
		return
	}
	f.Statuses = sts
	if !q.user.CanModerate() {
		// Authors may read only their own unpublished posts.
		if f.AuthorIDs == nil {
			f.AuthorIDs = []int64{q.user.ID}
		} else {
			f.AuthorIDs = intersect(f.AuthorIDs, []int64{q.user.ID})
		}
	}
}

// queryPosts runs a posts query. A search over public posts goes to the search service
// when there is one (ranked like WordPress's relevance order, and blind to the hidden parts of
// password-protected and subscriber-only posts): alone it is one ranked page; combined with
// other filters its first maxSearchHits matches become an include list for the store.
func (q *req) queryPosts(f broadside.PostFilter, pg paging, orderby string) ([]broadside.Post, int, error) {
	public := len(f.Statuses) == 1 && f.Statuses[0] == broadside.StatusPublished
	relevance := !q.p.has("orderby") || orderby == "relevance"
	if f.Search != "" && public && q.a.Search != nil {
		if relevance && pg.offset == 0 && onlySearch(f) {
			return q.a.Search.SearchPosts(q.ctx, SearchQuery{Text: f.Search, Type: f.Type, Page: pg.page, PerPage: pg.per})
		}
		ids, err := q.searchIDs(f.Search, f.Type)
		if err != nil {
			return nil, 0, err
		}
		if f.IDs != nil {
			ids = intersect(ids, f.IDs)
		}
		f.IDs, f.Search = ids, ""
		if relevance {
			orderby = "include"
		}
	}
	if orderby == "include" || orderby == "include_slugs" {
		// The order is a position in a list, which bounds the matches: fetch them all and
		// cut the page here.
		list, total, err := q.a.Posts.List(q.ctx, f)
		if err != nil {
			return nil, 0, err
		}
		q.sortByPosition(list, f, orderby == "include")
		return window(list, pg.start(), pg.per), total, nil
	}
	f.Limit, f.Offset = pg.per, pg.start()
	return q.a.Posts.List(q.ctx, f)
}

// maxSearchHits bounds the matches of a search combined with other filters.
const maxSearchHits = 1000

// searchIDs returns the ids of the best maxSearchHits public matches of text, best first.
func (q *req) searchIDs(text string, typ broadside.PostType) ([]int64, error) {
	ids := []int64{}
	for page := 1; len(ids) < maxSearchHits; page++ {
		list, total, err := q.a.Search.SearchPosts(q.ctx, SearchQuery{Text: text, Type: typ, Page: page, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for i := range list {
			ids = append(ids, list[i].ID)
		}
		if len(list) == 0 || len(ids) >= total {
			break
		}
	}
	return ids, nil
}

func intersect(a, b []int64) []int64 {
	out := []int64{}
	for _, x := range a {
		if containsID(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// onlySearch reports whether f filters by nothing but the search text (and type and status).
func onlySearch(f broadside.PostFilter) bool {
	return f.From.IsZero() && f.To.IsZero() && f.AuthorIDs == nil && f.ExcludeAuthorIDs == nil && f.IDs == nil &&
		f.ExcludeIDs == nil && f.Slugs == nil && f.CategoryIDs == nil && f.ExcludeCategoryIDs == nil &&
		f.TagIDs == nil && f.ExcludeTagIDs == nil && f.ParentIDs == nil && f.Sticky == nil
}

func (q *req) sortByPosition(list []broadside.Post, f broadside.PostFilter, byID bool) {
	pos := map[string]int{}
	if byID {
		for i, id := range f.IDs {
			pos[strconv.FormatInt(id, 10)] = i
		}
	} else {
		for i, s := range f.Slugs {
			pos[s] = i
		}
	}
	key := func(p *broadside.Post) string {
		if byID {
			return strconv.FormatInt(p.ID, 10)
		}
		return p.Slug
	}
	sort.SliceStable(list, func(i, j int) bool { return pos[key(&list[i])] < pos[key(&list[j])] })
}

func window[T any](xs []T, start, n int) []T {
	if start >= len(xs) {
		return nil
	}
	return xs[start:min(start+n, len(xs))]
}

// GET /wp/v2/posts/{id} and GET /wp/v2/pages/{id}
func (q *req) getPost(typ broadside.PostType) (*result, error) {
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	p, err := q.loadPost(typ, q.id())
	if err != nil {
		return nil, err
	}
	// A trashed post is hidden from every reader (broadside.Access); those who may edit it
	// still reach it with context=edit, to restore or delete it, as WordPress's admin does.
	inTrash := p.Status == broadside.StatusTrash && context == "edit" && q.canEdit(p)
	if !q.canRead(p) && !inTrash {
		return nil, newErr(q.authCode(), "rest_forbidden", "Sorry, you are not allowed to do that.")
	}
	if context == "edit" && !q.canEdit(p) {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit this post.")
	}
	if err := q.unlock(p); err != nil {
		return nil, err
	}
	return ok(q.embedOne(q.postObject(p, context)))
}

// loadPost returns the post id of type typ (through the request's cache), or
// rest_post_invalid_id.
func (q *req) loadPost(typ broadside.PostType, id int64) (*broadside.Post, error) {
	if id <= 0 {
		return nil, errInvalidPostID()
	}
	p := q.st.posts[id]
	if p == nil {
		var err error
		p, err = q.a.Posts.Get(q.ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil, errInvalidPostID()
		} else if err != nil {
			return nil, err
		}
		q.rememberPost(p)
	}
	if typ != "" && p.Type != typ {
		return nil, errInvalidPostID()
	}
	return p, nil
}

func (q *req) rememberPost(p *broadside.Post) {
	if q.st.posts == nil {
		q.st.posts = map[int64]*broadside.Post{}
	}
	q.st.posts[p.ID] = p
	if p.Author != nil {
		q.rememberUser(p.Author)
	}
}

// unlock checks ?password= for a password-protected post (WordPress reads it on a single
// post only): guesses are throttled like the post page's form, sharing its budget, and the
// right password shows the post's body in this answer.
func (q *req) unlock(p *broadside.Post) error {
	if !p.Protected() || !q.p.has("password") || q.canEdit(p) {
		return nil
	}
	if q.a.PostPasswordGuess != nil {
		if err := q.a.PostPasswordGuess(q.ctx, q.ip(), p.ID); err != nil {
			if broadside.ErrorCode(err) == broadside.ETOOMANYREQUEST {
				q.retryAfter(err)
				return newErr(http.StatusTooManyRequests, "rest_post_password_throttled", broadside.ErrorMessage(err))
			}
			return err
		}
	}
	if subtle.ConstantTimeCompare([]byte(q.p.str("password")), []byte(p.Password)) != 1 {
		return newErr(http.StatusForbidden, "rest_post_incorrect_password", "Incorrect post password.")
	}
	if q.st.unlocked == nil {
		q.st.unlocked = map[int64]bool{}
	}
	q.st.unlocked[p.ID] = true
	return nil
}
