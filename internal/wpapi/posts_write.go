package wpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// Writing posts and pages. WordPress clients send WordPress's post_content, so content given
// through the API is stored as sent with the "wordpress" body format: content.raw answers
// what the client sent and content.rendered (and the page) what WordPress would show, with
// wpautop's paragraphs, sanitized like every body. A post written in Markdown in the admin
// keeps its Markdown until a client replaces its content.

// POST /wp/v2/posts and POST /wp/v2/pages
func (q *req) createPost(typ broadside.PostType) (*result, error) {
	if q.p.has("id") {
		return nil, newErr(http.StatusBadRequest, "rest_post_exists", "Cannot create existing post.")
	}
	if !q.canCreate(typ) {
		return nil, newErr(q.authCode(), "rest_cannot_create", "Sorry, you are not allowed to create posts as this user.")
	}
	in, err := q.postInput(typ, nil)
	if err != nil {
		return nil, err
	}
	p, err := q.a.Posts.Save(q.ctx, 0, in, q.user)
	if err != nil {
		return nil, q.postSaveErr(err)
	}
	q.rememberPost(p)
	q.header().Set("Location", q.rest(Namespace+"/"+restBase(typ)+"/"+strconv.FormatInt(p.ID, 10)))
	return &result{status: http.StatusCreated, body: q.postObject(p, "edit")}, nil
}

// POST|PUT|PATCH /wp/v2/posts/{id} and …/pages/{id}
// Fields not sent keep their values.
func (q *req) updatePost(typ broadside.PostType) (*result, error) {
	old, err := q.loadPost(typ, q.id())
	if err != nil {
		return nil, err
	}
	if !q.canEdit(old) {
		return nil, newErr(q.authCode(), "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
	}
	in, err := q.postInput(typ, old)
	if err != nil {
		return nil, err
	}
	p, err := q.a.Posts.Save(q.ctx, old.ID, in, q.user)
	if err != nil {
		return nil, q.postSaveErr(err)
	}
	q.rememberPost(p)
	return ok(q.postObject(p, "edit"))
}

// DELETE /wp/v2/posts/{id} and …/pages/{id}
// As in WordPress: without force the post moves to the trash and is answered with status
// "trash" (a second such DELETE is 410 rest_already_trashed); force=true deletes it for good,
// answering {"deleted": true, "previous": …}.
func (q *req) deletePost(typ broadside.PostType) (*result, error) {
	p, err := q.loadPost(typ, q.id())
	if err != nil {
		return nil, err
	}
	if !q.canEdit(p) {
		return nil, newErr(q.authCode(), "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
	}
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if !force {
		if p.Status == broadside.StatusTrash {
			return nil, newErr(http.StatusGone, "rest_already_trashed", "The post has already been deleted.")
		}
		tp, err := q.a.Posts.Trash(q.ctx, p.ID, q.user)
		if err != nil {
			return nil, q.domainErr(err, "rest_post_invalid_id", "Invalid post ID.")
		}
		q.rememberPost(tp)
		return ok(q.postObject(tp, "edit"))
	}
	previous := q.postObject(p, "edit")
	if err := q.a.Posts.Delete(q.ctx, p.ID, q.user); err != nil {
		return nil, q.domainErr(err, "rest_post_invalid_id", "Invalid post ID.")
	}
	return ok(obj{{"deleted", true}, {"previous", previous}})
}

func (q *req) postSaveErr(err error) error {
	if broadside.ErrorFields(err)["featured_media"] != "" {
		return newErr(http.StatusBadRequest, "rest_invalid_featured_media", "Invalid featured media ID.")
	}
	if broadside.ErrorFields(err)["parent"] != "" { // the posts service's check (a loop, not a page)
		return newErr(http.StatusBadRequest, "rest_post_invalid_parent", "Invalid post parent ID.")
	}
	if broadside.ErrorCode(err) == broadside.EFORBIDDEN {
		return newErr(q.authCode(), "rest_cannot_edit_others", broadside.ErrorMessage(err))
	}
	return q.domainErr(err, "rest_post_invalid_id", "Invalid post ID.")
}

// postInput builds the service's input from the request, starting from old (nil for a new
// post) so that fields the client did not send are kept.
func (q *req) postInput(typ broadside.PostType, old *broadside.Post) (posts.Input, error) {
	set := q.site.Settings()
	in := posts.Input{Type: typ, BodyFormat: broadside.FormatWordPress, Status: broadside.StatusDraft,
		CommentsOpen: typ == broadside.TypePost && set.Discussion.CommentsEnabled}
	if old != nil {
		in = posts.Input{Type: typ, Title: old.TitleSource(), Slug: old.Slug, Body: old.RawBody, BodyFormat: old.BodyFormat,
			Excerpt: old.RawExcerpt, Status: old.Status, PublishedAt: old.PublishedAt, FeaturedImageURL: old.FeaturedImageURL,
			FeaturedImageAlt: old.FeaturedImageAlt, FeaturedMediaID: old.FeaturedMediaID, CommentsOpen: old.CommentsOpen, ParentID: old.ParentID}
		for _, c := range old.Categories {
			in.CategoryIDs = append(in.CategoryIDs, c.ID)
		}
		for _, t := range old.Tags {
			in.Tags = append(in.Tags, t.Name)
		}
	}
	var c checker
	if v, given := q.p.text("title"); given {
		in.Title = v
	}
	if v, given := q.p.text("content"); given {
		in.Body, in.BodyFormat = v, broadside.FormatWordPress
	}
	if v, given := q.p.text("excerpt"); given {
		in.Excerpt = v
	}
	if q.p.has("status") {
		name := q.p.str("status")
		st, known := postStatuses[name]
		if !known {
			c.bad("status", "rest_not_in_enum", "status is not one of publish, future, draft, pending, and private.")
		}
		was := broadside.PostStatus("")
		if old != nil {
			was = old.Status
			if was == broadside.StatusTrash { // restoring: a published post keeps its date
				if tr, err := q.a.Posts.Trashed(q.ctx, old.ID); err == nil {
					was = tr.PreviousStatus
				}
			}
		}
		if old != nil && st == broadside.StatusPublished && was != broadside.StatusPublished &&
			was != broadside.StatusScheduled && !q.p.has("date") && !q.p.has("date_gmt") {
			in.PublishedAt = time.Time{} // publishing a draft: now, not when the draft was started
		}
		in.Status = st
	}
	loc := set.Location()
	if q.p.has("date_gmt") {
		in.PublishedAt = c.storedDate(&q.p, "date_gmt", time.UTC)
	} else if q.p.has("date") {
		in.PublishedAt = c.storedDate(&q.p, "date", loc)
	}
	if q.p.has("comment_status") {
		in.CommentsOpen = c.enum(&q.p, "comment_status", "open", "open", "closed") == "open"
	}
	if q.p.has("ping_status") { // kept and answered as WordPress does; Broadside takes no pings
		open := c.enum(&q.p, "ping_status", "closed", "open", "closed") == "open"
		in.PingsOpen = &open
	}
	if typ == broadside.TypePost && q.p.has("format") {
		c.enum(&q.p, "format", "standard", "standard")
	}
	// password and sticky as WordPress takes them: absent keeps the stored value, "" removes
	// the password (the posts service refuses a post both sticky and password protected).
	if q.p.has("password") {
		pw := q.p.str("password")
		in.Password = &pw
	}
	if typ == broadside.TypePage && q.p.has("menu_order") {
		n := c.integer(&q.p, "menu_order", 0, -1<<31, 1<<31-1)
		in.MenuOrder = &n
	}
	if typ == broadside.TypePost && q.p.has("sticky") {
		st := c.boolean(&q.p, "sticky", false)
		in.Sticky = &st
	}
	if q.p.has("meta") {
		q.postMeta(&c, &in)
	}
	if q.p.has("featured_media") {
		// A new id takes the file's URL and alt text (the posts service's setFeatured). 0
		// removes a library file but leaves a featured image given only by URL (imported
		// posts), since editors send featured_media 0 with every save.
		if id := int64(c.integer(&q.p, "featured_media", 0, 0, 0)); id != in.FeaturedMediaID {
			in.FeaturedMediaID, in.FeaturedImageURL, in.FeaturedImageAlt = id, "", ""
		}
	}
	if q.p.has("author") {
		in.AuthorID = int64(c.integer(&q.p, "author", 0, 1, 0))
	}
	if typ == broadside.TypePost {
		if q.p.has("categories") {
			in.CategoryIDs = c.ids(&q.p, "categories")
		}
		if q.p.has("tags") {
			names, err := q.tagNames(&c, c.ids(&q.p, "tags"))
			if err != nil {
				return in, err
			}
			in.Tags = names
		}
	} else if q.p.has("parent") {
		in.ParentID = int64(c.integer(&q.p, "parent", 0, 0, 0))
	}
	if err := c.err(); err != nil {
		return in, err
	}
	if in.AuthorID != 0 {
		if _, err := q.loadUser(in.AuthorID); err != nil {
			return in, newErr(http.StatusBadRequest, "rest_invalid_author", "Invalid author ID.")
		}
	}
	if in.ParentID != 0 && typ == broadside.TypePage { // one the user may see; the service checks the rest
		if _, err := q.loadPost(broadside.TypePage, in.ParentID); err != nil {
			return in, newErr(http.StatusBadRequest, "rest_post_invalid_parent", "Invalid post parent ID.")
		}
	}
	if q.p.has("slug") {
		slug, err := q.uniqueSlug(typ, q.p.str("slug"), old)
		if err != nil {
			return in, err
		}
		in.Slug = slug
	}
	return in, nil
}

// uniqueSlug makes a requested slug unique as WordPress's wp_unique_post_slug does
// ("hello" taken becomes "hello-2") instead of refusing it.
func (q *req) uniqueSlug(typ broadside.PostType, want string, old *broadside.Post) (string, error) {
	base := broadside.Slugify(want)
	if base == "" {
		return want, nil // the service explains what is wrong with it
	}
	return broadside.UniqueSlug(base, func(cand string) (bool, error) {
		p, err := q.a.Posts.BySlug(q.ctx, typ, cand)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return old == nil || p.ID != old.ID, nil
	})
}

// tagNames turns tag ids into the names the posts service takes.
func (q *req) tagNames(c *checker, ids []int64) ([]string, error) {
	all, err := q.terms("post_tag")
	if err != nil {
		return nil, err
	}
	byID := map[int64]string{}
	for _, t := range all {
		byID[t.ID] = t.Name
	}
	var names []string
	for i, id := range ids {
		n, known := byID[id]
		if !known {
			c.bad("tags", "rest_invalid_term_id", "tags["+strconv.Itoa(i)+"] is not a valid tag ID.")
			continue
		}
		names = append(names, n)
	}
	return names, nil
}

// postMeta applies the meta object as WordPress's REST meta fields do: registered keys are
// set (a string; null or "" goes back to the site's default), other keys are ignored.
func (q *req) postMeta(c *checker, in *posts.Input) {
	v, _ := q.p.lookup("meta")
	m, isObj := v.(map[string]any)
	if !isObj {
		if l, isList := v.([]any); isList && len(l) == 0 {
			return // PHP's empty array: what WordPress itself sends for "no meta"
		}
		c.bad("meta", "rest_invalid_type", "meta is not of type object.")
		return
	}
	for key, dst := range map[string]**string{metaAppeal: &in.Appeal, metaNotice: &in.Notice} {
		raw, given := m[key]
		if !given {
			continue
		}
		var text string
		switch x := raw.(type) {
		case nil:
		case string:
			text = x
		default:
			c.bad("meta", "rest_invalid_type", "meta."+key+" is not of type string.")
			continue
		}
		*dst = &text
	}
}
