package wpapi

import (
	"html"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// GET /wp/v2/search
// Searches published posts and pages (type=post, the default) or categories and tags
// (type=term). Results are WordPress's search-result shape: id, title, url, type, subtype,
// with a self link that embeds the full object.
func (q *req) search() (*result, error) {
	var c checker
	c.enum(&q.p, "context", "view", "view", "embed")
	pg := c.paging(&q.p, 100)
	typ := c.enum(&q.p, "type", "post", "post", "term", "post-format")
	subtypes := []string{"any"}
	if q.p.has("subtype") {
		subtypes = q.p.list("subtype")
	}
	allowed := map[string][]string{"post": {"post", "page", "any"}, "term": {"category", "post_tag", "any"}, "post-format": {"any"}}[typ]
	for _, s := range subtypes {
		if !containsStr(allowed, s) {
			c.bad("subtype", "rest_not_in_enum", "subtype[0] is not one of "+listWords(allowed)+".")
		}
	}
	include, exclude := c.ids(&q.p, "include"), c.ids(&q.p, "exclude")
	if err := c.err(); err != nil {
		return nil, err
	}
	anySub := containsStr(subtypes, "any")
	text := strings.TrimSpace(q.p.str("search"))
	var items []any
	var total int
	switch typ {
	case "post":
		f := broadside.PostFilter{Search: text, IDs: include, ExcludeIDs: exclude}
		switch {
		case anySub || len(subtypes) == 2:
		case subtypes[0] == "post":
			f.Type = broadside.TypePost
		default:
			f.Type = broadside.TypePage
		}
		list, n, err := q.queryPosts(q.a.Posts.Public(f), pg, "relevance")
		if err != nil {
			return nil, err
		}
		total = n
		for i := range list {
			q.rememberPost(&list[i])
			items = append(items, q.postResult(&list[i]))
		}
	case "term":
		var all []term
		for _, tax := range []string{"category", "post_tag"} {
			if !anySub && !containsStr(subtypes, tax) {
				continue
			}
			ts, err := q.terms(tax)
			if err != nil {
				return nil, err
			}
			all = append(all, ts...)
		}
		lower := strings.ToLower(text)
		var hits []term
		for _, t := range all {
			if (include == nil || containsID(include, t.ID)) && !containsID(exclude, t.ID) &&
				strings.Contains(strings.ToLower(t.Name), lower) {
				hits = append(hits, t)
			}
		}
		total = len(hits)
		for _, t := range window(hits, pg.start(), pg.per) {
			items = append(items, q.termResult(t))
		}
	}
	pages := (total + pg.per - 1) / pg.per
	if pg.page > pages && total > 0 {
		return nil, newErr(http.StatusBadRequest, "rest_search_invalid_page_number", "The page number requested is larger than the number of pages available.")
	}
	if items == nil {
		items = []any{}
	}
	q.paginate(total, pg.page, pg.per)
	return ok(q.embedAll(items))
}

func (q *req) postResult(p *broadside.Post) obj {
	id := strconv.FormatInt(p.ID, 10)
	return obj{
		{"id", p.ID},
		{"title", html.EscapeString(p.Title)},
		{"url", q.site.PostURL(p)},
		{"type", "post"},
		{"subtype", string(p.Type)},
		{"_links", obj{
			{"self", []obj{link(q.rest(Namespace+"/"+restBase(p.Type)+"/"+id), kv{"embeddable", true})}},
			{"about", []obj{link(q.rest(Namespace + "/types/" + string(p.Type)))}},
			{"collection", []obj{link(q.rest(Namespace + "/search"))}},
		}},
	}
}

func (q *req) termResult(t term) obj {
	o := q.termObject(t, "embed")
	u, _ := o.get("link")
	return obj{
		{"id", t.ID},
		{"title", html.EscapeString(t.Name)},
		{"url", u},
		{"type", "term"},
		{"subtype", t.tax},
		{"_links", obj{
			{"self", []obj{link(q.rest(Namespace+"/"+taxBase(t.tax)+"/"+strconv.FormatInt(t.ID, 10)), kv{"embeddable", true})}},
			{"about", []obj{link(q.rest(Namespace + "/taxonomies/" + t.tax))}},
			{"collection", []obj{link(q.rest(Namespace + "/search"))}},
		}},
	}
}
