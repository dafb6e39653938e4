package wpapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// Categories and tags share WordPress's term shape; a tag is a term without a parent. Both
// lists are small and read in one query each, so they are filtered and sorted in memory.

// term is a category or a tag, seen through one shape.
type term struct {
	ID, Parent  int64
	Name, Slug  string
	Description string
	Count       int
	tax         string // "category" or "post_tag"
}

func fromCategory(c broadside.Category) term {
	return term{ID: c.ID, Parent: c.ParentID, Name: c.Name, Slug: c.Slug, Description: c.Description, Count: c.PostCount, tax: "category"}
}

func fromTag(t broadside.Tag) term {
	return term{ID: t.ID, Name: t.Name, Slug: t.Slug, Count: t.PostCount, tax: "post_tag"}
}

func taxBase(tax string) string {
	if tax == "category" {
		return "categories"
	}
	return "tags"
}

func errInvalidTerm() *apiError {
	return newErr(http.StatusNotFound, "rest_term_invalid", "Term does not exist.")
}

// termObject is a term in WordPress's shape for the given context.
func (q *req) termObject(t term, context string) obj {
	b := &builder{ctx: contextMask(context)}
	b.put(cAll, "id", t.ID)
	b.put(cVE, "count", t.Count)
	b.put(cVE, "description", t.Description)
	var permalink string
	if t.tax == "category" {
		permalink = q.site.CategoryURL(broadside.Category{ID: t.ID, ParentID: t.Parent, Name: t.Name, Slug: t.Slug})
	} else {
		permalink = q.site.TagURL(broadside.Tag{ID: t.ID, Name: t.Name, Slug: t.Slug})
	}
	b.put(cAll, "link", permalink)
	b.put(cAll, "name", t.Name)
	b.put(cAll, "slug", t.Slug)
	b.put(cAll, "taxonomy", t.tax)
	if t.tax == "category" {
		b.put(cVE, "parent", t.Parent)
	}
	b.put(cVE, "meta", []any{})
	base := Namespace + "/" + taxBase(t.tax)
	id := strconv.FormatInt(t.ID, 10)
	links := obj{
		{"self", []obj{link(q.rest(base + "/" + id))}},
		{"collection", []obj{link(q.rest(base))}},
		{"about", []obj{link(q.rest(Namespace + "/taxonomies/" + t.tax))}},
	}
	if t.Parent != 0 {
		links = append(links, kv{"up", []obj{link(q.rest(base+"/"+strconv.FormatInt(t.Parent, 10)), kv{"embeddable", true})}})
	}
	links = append(links,
		kv{"wp:post_type", []obj{link(q.rest(Namespace + "/posts?" + taxBase(t.tax) + "=" + id))}},
		kv{"curies", []obj{{{"name", "wp"}, {"href", "https://api.w.org/{rel}"}, {"templated", true}}}})
	return append(b.o, kv{"_links", links})
}

// terms returns every term of tax, through the request's cache.
func (q *req) terms(tax string) ([]term, error) {
	var out []term
	if tax == "category" {
		if !q.st.catsOK {
			cats, err := q.a.Posts.Categories(q.ctx)
			if err != nil {
				return nil, err
			}
			q.st.cats, q.st.catsOK = cats, true
		}
		for _, c := range q.st.cats {
			out = append(out, fromCategory(c))
		}
		return out, nil
	}
	if !q.st.tagsOK {
		tags, err := q.a.Posts.Tags(q.ctx)
		if err != nil {
			return nil, err
		}
		q.st.tags, q.st.tagsOK = tags, true
	}
	for _, t := range q.st.tags {
		out = append(out, fromTag(t))
	}
	return out, nil
}

func (q *req) findTerm(tax string, id int64) (term, error) {
	all, err := q.terms(tax)
	if err != nil {
		return term{}, err
	}
	for _, t := range all {
		if t.ID == id {
			return t, nil
		}
	}
	return term{}, errInvalidTerm()
}

// GET /wp/v2/categories and GET /wp/v2/tags
func (q *req) listTerms(tax string) (*result, error) {
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	order := c.enum(&q.p, "order", "asc", "asc", "desc")
	orderby := c.enum(&q.p, "orderby", "name", "id", "include", "name", "slug", "include_slugs", "term_group", "description", "count")
	include, exclude := c.ids(&q.p, "include"), c.ids(&q.p, "exclude")
	hideEmpty := c.boolean(&q.p, "hide_empty", false)
	postID := int64(c.integer(&q.p, "post", 0, 0, 0))
	var parent int64 = -1
	if tax == "category" && q.p.has("parent") {
		parent = int64(c.integer(&q.p, "parent", 0, 0, 0))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if context == "edit" && !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit terms in this taxonomy.")
	}
	all, err := q.terms(tax)
	if err != nil {
		return nil, err
	}
	var onPost map[int64]bool
	if postID > 0 {
		p, err := q.loadPost("", postID)
		if err != nil {
			return nil, err
		}
		if !q.canRead(p) {
			return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to view terms for this post.")
		}
		onPost = map[int64]bool{}
		for _, x := range p.Categories {
			if tax == "category" {
				onPost[x.ID] = true
			}
		}
		for _, x := range p.Tags {
			if tax == "post_tag" {
				onPost[x.ID] = true
			}
		}
	}
	search := strings.ToLower(q.p.str("search"))
	slugs := q.p.list("slug")
	var list []term
	for _, t := range all {
		switch {
		case include != nil && !containsID(include, t.ID), containsID(exclude, t.ID),
			hideEmpty && t.Count == 0, parent >= 0 && t.Parent != parent,
			onPost != nil && !onPost[t.ID], q.p.has("slug") && !containsStr(slugs, t.Slug),
			search != "" && !strings.Contains(strings.ToLower(t.Name+" "+t.Slug), search):
			continue
		}
		list = append(list, t)
	}
	sortTerms(list, orderby, include, slugs, order == "desc")
	items := []any{}
	for _, t := range window(list, pg.start(), pg.per) {
		items = append(items, q.termObject(t, context))
	}
	q.paginate(len(list), pg.page, pg.per)
	return ok(q.embedAll(items))
}

func sortTerms(list []term, orderby string, include []int64, slugs []string, desc bool) {
	pos := func(t term) int {
		for i, id := range include {
			if id == t.ID {
				return i
			}
		}
		for i, s := range slugs {
			if s == t.Slug {
				return i
			}
		}
		return len(include) + len(slugs)
	}
	less := func(a, b term) bool {
		switch orderby {
		case "id", "term_group":
			return a.ID < b.ID
		case "slug":
			return a.Slug < b.Slug
		case "description":
			return a.Description < b.Description
		case "count":
			return a.Count < b.Count
		case "include", "include_slugs":
			return pos(a) < pos(b)
		}
		return strings.ToLower(a.Name) < strings.ToLower(b.Name)
	}
	sort.SliceStable(list, func(i, j int) bool {
		if desc {
			return less(list[j], list[i])
		}
		return less(list[i], list[j])
	})
}

// GET /wp/v2/categories/{id} and GET /wp/v2/tags/{id}
func (q *req) getTerm(tax string) (*result, error) {
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	if context == "edit" && !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit this term.")
	}
	t, err := q.findTerm(tax, q.id())
	if err != nil {
		return nil, err
	}
	return ok(q.embedOne(q.termObject(t, context)))
}

// POST /wp/v2/categories, POST /wp/v2/tags, and POST|PUT|PATCH …/{id}
func (q *req) saveTerm(tax string, create bool) (*result, error) {
	var old term
	if !create {
		var err error
		if old, err = q.findTerm(tax, q.id()); err != nil {
			return nil, err
		}
		if !q.user.CanModerate() {
			return nil, newErr(q.authCode(), "rest_cannot_update", "Sorry, you are not allowed to edit this term.")
		}
	} else if !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_cannot_create", "Sorry, you are not allowed to create terms in this taxonomy.")
	}
	var c checker
	name, hasName := q.p.text("name")
	if create && (!hasName || strings.TrimSpace(name) == "") {
		return nil, &apiError{Code: "rest_missing_callback_param", Message: "Missing parameter(s): name",
			Status: http.StatusBadRequest, Missing: []string{"name"}}
	}
	t := old
	t.tax = tax
	if hasName {
		t.Name = name
	}
	if q.p.has("slug") {
		t.Slug = q.p.str("slug")
	}
	if v, has := q.p.text("description"); has {
		t.Description = v
	}
	if tax == "category" && q.p.has("parent") {
		t.Parent = int64(c.integer(&q.p, "parent", 0, 0, 0))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if tax == "category" && t.Parent != 0 {
		if _, err := q.findTerm(tax, t.Parent); err != nil {
			return nil, newErr(http.StatusBadRequest, "rest_term_invalid", "Parent term does not exist.")
		}
	}
	if hasName {
		all, err := q.terms(tax)
		if err != nil {
			return nil, err
		}
		for _, o := range all {
			if o.ID != t.ID && o.Parent == t.Parent && strings.EqualFold(strings.TrimSpace(o.Name), strings.TrimSpace(t.Name)) {
				return nil, &apiError{Code: "term_exists", Message: "A term with the name provided already exists in this taxonomy.",
					Status: http.StatusBadRequest, Extra: map[string]any{"term_id": o.ID}}
			}
		}
	}
	var err error
	if tax == "category" {
		cat := &broadside.Category{ID: t.ID, ParentID: t.Parent, Name: t.Name, Slug: t.Slug, Description: t.Description}
		if !q.p.has("slug") && !create {
			cat.Slug = old.Slug
		}
		if err = q.a.Posts.SaveCategory(q.ctx, cat, q.user); err == nil {
			t = fromCategory(*cat)
		}
	} else {
		tg := &broadside.Tag{ID: t.ID, Name: t.Name, Slug: t.Slug}
		if err = q.a.Posts.SaveTag(q.ctx, tg, q.user); err == nil {
			t.ID, t.Slug, t.Name = tg.ID, tg.Slug, tg.Name
		}
	}
	if err != nil {
		if broadside.ErrorFields(err)["slug"] != "" {
			return nil, &apiError{Code: "duplicate_term_slug", Message: broadside.ErrorFields(err)["slug"], Status: http.StatusBadRequest}
		}
		return nil, q.domainErr(err, "rest_term_invalid", "Term does not exist.")
	}
	q.st.catsOK, q.st.tagsOK = false, false
	if fresh, ferr := q.findTerm(tax, t.ID); ferr == nil {
		t = fresh
	}
	res := &result{status: http.StatusOK, body: q.termObject(t, "edit")}
	if create {
		res.status = http.StatusCreated
		q.header().Set("Location", q.rest(Namespace+"/"+taxBase(tax)+"/"+strconv.FormatInt(t.ID, 10)))
	}
	return res, nil
}

// DELETE /wp/v2/categories/{id} and DELETE /wp/v2/tags/{id}
func (q *req) deleteTerm(tax string) (*result, error) {
	t, err := q.findTerm(tax, q.id())
	if err != nil {
		return nil, err
	}
	if !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_cannot_delete", "Sorry, you are not allowed to delete this term.")
	}
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if !force {
		return nil, newErr(statusNoTrash, "rest_trash_not_supported", "Terms do not support trashing. Set 'force=true' to delete.")
	}
	previous := q.termObject(t, "edit")
	if tax == "category" {
		err = q.a.Posts.DeleteCategory(q.ctx, t.ID, q.user)
	} else {
		err = q.a.Posts.DeleteTag(q.ctx, t.ID, q.user)
	}
	if broadside.ErrorCode(err) == broadside.EINVALID {
		return nil, newErr(http.StatusForbidden, "rest_cannot_delete", "Sorry, you are not allowed to delete this term.")
	}
	if err != nil {
		return nil, q.domainErr(err, "rest_term_invalid", "Term does not exist.")
	}
	return ok(obj{{"deleted", true}, {"previous", previous}})
}

// statusNoTrash is what WordPress answers (501) when a DELETE without force=true targets a
// type that has no trash: posts here, and terms everywhere.
const statusNoTrash = 501
