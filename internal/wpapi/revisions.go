package wpapi

import (
	"html"
	"net/http"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// Revisions and autosaves of posts and pages, as WordPress's revisions and autosaves
// controllers serve them: only to those who may edit the parent post.

const parentGroup = `(?P<parent>[\d]+)`

// revisionRoutes adds /posts/{parent}/revisions[/{id}] and /autosaves[/{id}] (and pages').
func revisionRoutes(add func(string, map[string]handler, map[string][]string), typ broadside.PostType) {
	base := "/" + Namespace + "/" + restBase(typ) + "/" + parentGroup
	add(base+"/revisions", map[string]handler{
		http.MethodGet: func(q *req) (*result, error) { return q.listRevisions(typ, broadside.RevisionSaved) },
	}, map[string][]string{http.MethodGet: {"parent", "context", "page", "per_page", "offset", "order", "orderby"}})
	add(base+"/revisions/"+idGroup, map[string]handler{
		http.MethodGet:    func(q *req) (*result, error) { return q.getRevision(typ, broadside.RevisionSaved) },
		http.MethodDelete: func(q *req) (*result, error) { return q.deleteRevision(typ) },
	}, map[string][]string{http.MethodGet: {"parent", "id", "context"}, http.MethodDelete: {"parent", "id", "force"}})
	add(base+"/autosaves", map[string]handler{
		http.MethodGet:  func(q *req) (*result, error) { return q.listRevisions(typ, broadside.RevisionAutosave) },
		http.MethodPost: func(q *req) (*result, error) { return q.createAutosave(typ) },
	}, map[string][]string{http.MethodGet: {"parent", "context"}, http.MethodPost: {"parent", "title", "content", "excerpt"}})
	add(base+"/autosaves/"+idGroup, map[string]handler{
		http.MethodGet: func(q *req) (*result, error) { return q.getRevision(typ, broadside.RevisionAutosave) },
	}, map[string][]string{http.MethodGet: {"parent", "id", "context"}})
}

// revisionParent loads the parent post and checks the user may edit it.
func (q *req) revisionParent(typ broadside.PostType) (*broadside.Post, error) {
	id, _ := strconv.ParseInt(q.vars["parent"], 10, 64)
	p, err := q.loadPost(typ, id)
	if err != nil {
		return nil, newErr(http.StatusNotFound, "rest_post_invalid_parent", "Invalid post parent ID.")
	}
	if !q.canEdit(p) {
		return nil, newErr(q.authCode(), "rest_cannot_read", "Sorry, you are not allowed to view revisions of this post.")
	}
	return p, nil
}

// GET /wp/v2/posts/{parent}/revisions (and …/autosaves, and pages')
func (q *req) listRevisions(typ broadside.PostType, kind string) (*result, error) {
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	order := c.enum(&q.p, "order", "desc", "asc", "desc")
	c.enum(&q.p, "orderby", "date", "date", "id", "include", "relevance", "slug", "include_slugs", "title")
	if err := c.err(); err != nil {
		return nil, err
	}
	p, err := q.revisionParent(typ)
	if err != nil {
		return nil, err
	}
	var revs []broadside.Revision
	if kind == broadside.RevisionAutosave {
		revs, err = q.a.Posts.Autosaves(q.ctx, p.ID, q.user)
	} else {
		revs, err = q.a.Posts.Revisions(q.ctx, p.ID, q.user)
	}
	if err != nil {
		return nil, q.domainErr(err, "rest_post_invalid_parent", "Invalid post parent ID.")
	}
	if order == "asc" {
		for i, j := 0, len(revs)-1; i < j; i, j = i+1, j-1 {
			revs[i], revs[j] = revs[j], revs[i]
		}
	}
	items := []any{}
	if kind == broadside.RevisionAutosave {
		for i := range revs {
			items = append(items, q.revisionObject(p, &revs[i], context))
		}
		return ok(items)
	}
	total := len(revs)
	start := pg.offset
	if !q.p.has("offset") {
		start = (pg.page - 1) * pg.per
	}
	if total > 0 && start >= total {
		return nil, newErr(http.StatusBadRequest, "rest_revision_invalid_page_number", "The page number requested is larger than the number of pages available.")
	}
	for i := start; i < total && i < start+pg.per; i++ {
		items = append(items, q.revisionObject(p, &revs[i], context))
	}
	q.paginate(total, pg.page, pg.per)
	return ok(items)
}

// revisionOf loads revision {id} of kind of the parent post.
func (q *req) revisionOf(p *broadside.Post, kind string) (*broadside.Revision, error) {
	v, err := q.a.Posts.Revision(q.ctx, p.ID, q.id(), q.user)
	if err != nil || v.Kind != kind {
		return nil, newErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid revision ID.")
	}
	return v, nil
}

// GET /wp/v2/posts/{parent}/revisions/{id} (and …/autosaves/{id})
func (q *req) getRevision(typ broadside.PostType, kind string) (*result, error) {
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	p, err := q.revisionParent(typ)
	if err != nil {
		return nil, err
	}
	v, err := q.revisionOf(p, kind)
	if err != nil {
		return nil, err
	}
	return ok(q.revisionObject(p, v, context))
}

// DELETE /wp/v2/posts/{parent}/revisions/{id}?force=true
// Revisions have no trash: as in WordPress, only force=true deletes.
func (q *req) deleteRevision(typ broadside.PostType) (*result, error) {
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	p, err := q.revisionParent(typ)
	if err != nil {
		return nil, err
	}
	v, err := q.revisionOf(p, broadside.RevisionSaved)
	if err != nil {
		return nil, err
	}
	if !force {
		return nil, newErr(statusNoTrash, "rest_trash_not_supported", "Revisions do not support trashing. Set 'force' to true to delete.")
	}
	previous := q.revisionObject(p, v, "edit")
	if err := q.a.Posts.DeleteRevision(q.ctx, p.ID, v.ID, q.user); err != nil {
		return nil, q.domainErr(err, "rest_post_invalid_id", "Invalid revision ID.")
	}
	return ok(obj{{"deleted", true}, {"previous", previous}})
}

// POST /wp/v2/posts/{parent}/autosaves
// As in WordPress: the author's own draft is updated in place and answered as the post;
// otherwise the edits become the user's autosave, leaving the live post alone.
func (q *req) createAutosave(typ broadside.PostType) (*result, error) {
	p, err := q.revisionParent(typ)
	if err != nil {
		return nil, err
	}
	in := posts.AutosaveInput{Title: p.TitleSource(), Body: p.RawBody, Excerpt: p.RawExcerpt}
	if v, given := q.p.text("title"); given {
		in.Title = v
	}
	if v, given := q.p.text("content"); given {
		in.Body = v
	}
	if v, given := q.p.text("excerpt"); given {
		in.Excerpt = v
	}
	v, np, err := q.a.Posts.Autosave(q.ctx, p.ID, in, q.user)
	if err != nil {
		return nil, q.postSaveErr(err)
	}
	if v.ID == 0 { // the draft itself was saved
		q.rememberPost(np)
		return ok(q.postObject(np, "edit"))
	}
	return ok(q.revisionObject(np, v, "edit"))
}

// revisionObject is a revision (or autosave) in WordPress's shape.
func (q *req) revisionObject(p *broadside.Post, v *broadside.Revision, context string) obj {
	loc := q.loc()
	edit := context == "edit"
	base := Namespace + "/" + restBase(p.Type) + "/" + strconv.FormatInt(p.ID, 10)
	slug := strconv.FormatInt(p.ID, 10) + "-revision-v1"
	sub := "/revisions/"
	if v.Kind == broadside.RevisionAutosave {
		slug, sub = strconv.FormatInt(p.ID, 10)+"-autosave-v1", "/autosaves/"
	}
	guid := q.site.Base() + "/?p=" + strconv.FormatInt(v.ID, 10)
	text := func(raw, rendered string) obj {
		o := obj{}
		if edit {
			o = append(o, kv{"raw", raw})
		}
		return append(o, kv{"rendered", rendered})
	}
	o := obj{{"author", v.AuthorID}}
	if context != "embed" {
		o = append(o, kv{"date", wpDate(v.CreatedAt, loc)})
	}
	o = append(o, kv{"date_gmt", wpDate(v.CreatedAt, time.UTC)})
	if context != "embed" {
		o = append(o, kv{"guid", text(guid, html.EscapeString(guid))})
	}
	o = append(o, kv{"id", v.ID})
	if context != "embed" {
		o = append(o, kv{"modified", wpDate(v.CreatedAt, loc)}, kv{"modified_gmt", wpDate(v.CreatedAt, time.UTC)})
	}
	o = append(o, kv{"parent", p.ID}, kv{"slug", slug}, kv{"title", text(v.TitleSource(), string(q.a.Render.Title(v.Title, v.TitleMarkup)))})
	if context != "embed" {
		o = append(o, kv{"content", text(v.RawBody, string(q.a.Render.Post(v.BodyFormat, v.RawBody)))})
	}
	o = append(o, kv{"excerpt", text(v.RawExcerpt, q.excerptHTML(v.BodyFormat, v.RawBody, v.RawExcerpt, ""))})
	if v.Kind == broadside.RevisionAutosave && edit {
		o = append(o, kv{"preview_link", q.site.PostURL(p)})
	}
	return append(o, kv{"_links", obj{{"parent", []obj{link(q.rest(base))}},
		{"self", []obj{link(q.rest(base + sub + strconv.FormatInt(v.ID, 10)))}}}})
}

// revisionLinks are the version-history and predecessor-version links WordPress gives every
// post and page it serves, whoever asks (class-wp-rest-posts-controller's prepare_links);
// following them needs the right to edit the post.
func (q *req) revisionLinks(p *broadside.Post) obj {
	n, newest, err := q.a.Posts.RevisionCount(q.ctx, p.ID)
	if err != nil {
		return nil
	}
	base := Namespace + "/" + restBase(p.Type) + "/" + strconv.FormatInt(p.ID, 10) + "/revisions"
	out := obj{{"version-history", []obj{link(q.rest(base), kv{"count", n})}}}
	if n > 0 {
		out = append(out, kv{"predecessor-version", []obj{link(q.rest(base+"/"+strconv.FormatInt(newest, 10)), kv{"id", newest})}})
	}
	return out
}
