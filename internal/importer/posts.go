package importer

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/wpcontent"
	"github.com/broadside/broadside/internal/wxr"
)

// Post meta our own exports carry, so that an export imported back into Broadside comes
// back exactly (WordPress ignores them).
const (
	metaFormat   = "_broadside_format"   // "html": the content is final HTML, not raw WordPress text
	metaMarkdown = "_broadside_markdown" // the Markdown source of a post written in Broadside
	metaAppeal   = "_broadside_appeal"   // the post's own support appeal (Markdown)
	metaNotice   = "_broadside_notice"   // the post's own reuse notice (Markdown)
)

// statusOf maps a WordPress post status to ours.
func statusOf(st string) (broadside.PostStatus, bool) {
	switch st {
	case "publish":
		return broadside.StatusPublished, true
	case "future":
		return broadside.StatusScheduled, true
	case "draft":
		return broadside.StatusDraft, true
	case "pending":
		return broadside.StatusPending, true
	case "private":
		return broadside.StatusPrivate, true
	}
	return broadside.StatusDraft, false
}

// itemWPID is the WordPress id of a post or page, made up from its fields when the file has
// none.
func itemWPID(it *wxr.Item) int64 {
	if it.ID > 0 {
		return it.ID
	}
	return syntheticID("post", it.Title, it.PostDate, it.GUID, it.Link)
}

// importPost imports the item as a post or page. conv is its body converted ahead
// (prepare), or nil.
func (r *run) importPost(ctx context.Context, it *wxr.Item, conv *converted) error {
	typ := broadside.TypePost
	kind := "post"
	if it.Type == "page" {
		typ, kind = broadside.TypePage, "page"
	}
	if it.Type == "" {
		r.sum.warn(it.Pos, "post", it.ID, "the item has no <wp:post_type> WordPress could read; imported as a post")
	}
	wpID := itemWPID(it)
	if it.ID <= 0 {
		r.sum.warn(it.Pos, kind, 0, "the item %q has no <wp:post_id> WordPress could read; it gets a new id", plainText(it.Title))
	}
	cur := &curItem{pos: it.Pos, wpID: wpID, comments: map[int64]int64{}}
	r.cur = cur
	if local, ok, err := r.lookup(ctx, broadside.WPPost, wpID); err != nil {
		return err
	} else if ok {
		if _, err := r.tx.PostByID(ctx, local); err == nil {
			cur.localID = local
			r.postLocal[wpID] = local
			if typ == broadside.TypePage {
				r.sum.Pages.Existing++
			} else {
				r.sum.Posts.Existing++
			}
			return nil
		}
	}

	status, known := statusOf(it.Status)
	if !known {
		r.sum.warn(it.Pos, kind, wpID, "unknown status %q; imported as a draft", it.Status)
	}
	published := pickTime(it.PostDateGMT, it.PostDate, it.PubDate, r.loc)
	if published.IsZero() {
		published = r.now
	}
	modified := pickTime(it.PostModifiedGMT, it.PostModified, "", r.loc)
	if modified.IsZero() {
		modified = published
	}
	authorID, err := r.authorFor(ctx, it.Creator)
	if err != nil {
		return err
	}
	title, titleMarkup := render.SplitTitle(it.Title)
	if titleMarkup == "" {
		title = plainText(it.Title) // WordPress titles are HTML: entities decoded, other tags dropped
	}
	if utf8.RuneCountInString(title) > broadside.MaxTitleLen || len(titleMarkup) > 4*broadside.MaxTitleLen {
		title, titleMarkup = broadside.TruncateRunes(title, broadside.MaxTitleLen), ""
		r.sum.warn(it.Pos, kind, wpID, "the title was longer than %d characters and was cut", broadside.MaxTitleLen)
	}
	if conv == nil {
		conv = r.convert(it, wpID)
	}
	body, format := r.content(it, conv, wpID, kind)
	if len(body) > broadside.MaxBodyLen {
		r.sum.warn(it.Pos, kind, wpID, "the body is larger than the editor's 1 MiB limit: it was imported whole, but shorten it before editing it here")
	}
	excerpt := plainText(it.Excerpt)
	if utf8.RuneCountInString(excerpt) > broadside.MaxExcerpt {
		excerpt = broadside.TruncateRunes(excerpt, broadside.MaxExcerpt)
		r.sum.warn(it.Pos, kind, wpID, "the excerpt was longer than %d characters and was cut", broadside.MaxExcerpt)
	}
	password := it.Password
	if utf8.RuneCountInString(password) > broadside.MaxPasswordLen || strings.ContainsAny(password, "\r\n") {
		password = broadside.TruncateRunes(strings.Join(strings.Fields(password), " "), broadside.MaxPasswordLen)
	}
	p := &broadside.Post{Type: typ, AuthorID: authorID, Title: title, RawTitleMarkup: titleMarkup, RawBody: body, BodyFormat: format,
		RawExcerpt: excerpt, Status: status, PublishedAt: published, CreatedAt: published, UpdatedAt: modified,
		CommentsOpen: it.CommentStatus == "open" || it.CommentStatus == "" && r.settings.Discussion.CommentsEnabled,
		PingsOpen:    it.PingStatus == "open", Password: password, Sticky: it.Sticky && typ == broadside.TypePost,
		MenuOrder: it.MenuOrder, GUID: it.GUID, GUIDIsPermaLink: it.GUIDIsPermaLink}
	if p.Sticky && p.Password != "" {
		// WordPress refuses this pair in its editor, but old databases hold it: the password
		// is what protects the post, so it stays, and the post is no longer sticky.
		p.Sticky = false
		r.sum.warn(it.Pos, kind, wpID, "was sticky and password protected; it keeps its password and is no longer sticky")
	}
	p.Appeal = r.appealMeta(it, metaAppeal, kind, wpID)
	p.Notice = r.appealMeta(it, metaNotice, kind, wpID)
	if len(p.GUID) > 2000 {
		p.GUID, p.GUIDIsPermaLink = "", false // not an id any feed reader kept
	}
	if it.ID > 0 {
		p.ID = it.ID
	}
	if err := r.setSlug(ctx, p, it, kind, wpID); err != nil {
		return err
	}
	if err := r.setTerms(ctx, p, it); err != nil {
		return err
	}
	r.setFeatured(p, it, kind, wpID)
	if it.Parent > 0 && typ == broadside.TypePage {
		if parent, ok := r.postLocal[it.Parent]; ok {
			p.ParentID = parent
		} else {
			// The parent comes later in the file (or not at all): linked in finish.
			r.parentFixes = append(r.parentFixes, parentFix{pos: it.Pos, wpID: wpID, wpParent: it.Parent})
		}
	}
	if err := r.writePost(ctx, p, conv.search, it.Pos); err != nil {
		return err
	}
	if n := len(r.parentFixes); n > 0 && r.parentFixes[n-1].wpID == wpID && r.parentFixes[n-1].local == 0 {
		r.parentFixes[n-1].local = p.ID
	}
	if it.ID > 0 && p.ID != it.ID {
		r.sum.IDsChanged++
		r.sum.warn(it.Pos, kind, it.ID, "id %d is taken here, so it is %d now; its old links redirect", it.ID, p.ID)
	}
	cur.localID, cur.skip = p.ID, false
	r.postLocal[wpID] = p.ID
	if err := r.remember(ctx, broadside.WPPost, wpID, p.ID, it.GUID); err != nil {
		return err
	}
	if err := r.redirect(ctx, it.Link, broadside.WPPost, p.ID); err != nil {
		return err
	}
	if status == broadside.StatusScheduled {
		key := "publish:" + strconv.FormatInt(p.ID, 10) + ":" + strconv.FormatInt(p.PublishedAt.Unix(), 10)
		if err := jobs.Enqueue(ctx, r.tx, posts.JobPublishDue, key, p.PublishedAt, map[string]int64{"post_id": p.ID}); err != nil {
			return err
		}
	}
	if typ == broadside.TypePage {
		r.sum.Pages.New++
	} else {
		r.sum.Posts.New++
	}
	r.sum.Statuses[string(status)]++
	return nil
}

// setSlug gives the post its WordPress slug, made unique among ours when it is taken.
func (r *run) setSlug(ctx context.Context, p *broadside.Post, it *wxr.Item, kind string, wpID int64) error {
	base := slugFrom(it.Name, p.Title)
	if base == "" {
		base = "untitled"
	}
	slug, err := broadside.UniqueSlug(base, func(c string) (bool, error) { return r.slugTaken(ctx, p.Type, c) })
	if err != nil {
		return err
	}
	if slug != base && it.Name != "" {
		r.sum.warn(it.Pos, kind, wpID, "the slug %q is taken here, so it is %q; its old address redirects", base, slug)
	}
	p.Slug = slug
	return nil
}

// setTerms links the post to its categories (the default one when it has none, as in
// WordPress) and tags. Pages have neither here.
func (r *run) setTerms(ctx context.Context, p *broadside.Post, it *wxr.Item) error {
	if p.Type != broadside.TypePost {
		return nil
	}
	for _, t := range it.Terms {
		switch t.Domain {
		case wxr.TaxCategory:
			id, err := r.categoryID(ctx, it.Pos, t)
			if err != nil {
				return err
			}
			p.Categories = append(p.Categories, broadside.Category{ID: id})
		case wxr.TaxTag:
			id, err := r.tagID(ctx, it.Pos, 0, t.Slug, t.Name)
			if err != nil {
				return err
			}
			if id != 0 {
				p.Tags = append(p.Tags, broadside.Tag{ID: id})
			}
		case "post_format":
			r.noteOnce("tax:post_format", it.Pos, "post", it.ID, "post formats (%s and others) are not kept: Broadside shows every post the same way", t.Name)
		default:
			r.noteOnce("tax:"+t.Domain, it.Pos, "post", it.ID, "terms of the taxonomy %q are not kept (Broadside has categories and tags only)", t.Domain)
		}
	}
	if len(p.Categories) == 0 {
		p.Categories = []broadside.Category{{ID: r.defaultCat}}
	}
	return nil
}

// setFeatured turns _thumbnail_id into the attachment's URL and alt text.
func (r *run) setFeatured(p *broadside.Post, it *wxr.Item, kind string, wpID int64) {
	v, ok := it.MetaValue("_thumbnail_id")
	if !ok || strings.TrimSpace(v) == "" {
		return
	}
	id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || id <= 0 {
		return
	}
	a := r.plan.attachments[id]
	if a == nil {
		r.sum.warn(it.Pos, kind, wpID, "its featured image, attachment %d, is not in the export", id)
		return
	}
	u := a.finalURL()
	if !broadside.IsHTTPURL(u) && !broadside.IsSitePath(u) {
		r.sum.warn(it.Pos, kind, wpID, "its featured image has an address that is not a web URL: %q", u)
		return
	}
	p.FeaturedImageURL = u
	p.FeaturedImageAlt = firstNonEmpty(a.Alt, a.Title, p.Title)
}

// converted is an item's body as it will be stored, with what converting it found to report
// and its search text (store.SearchBody).
type converted struct {
	body, format   string
	search         string
	unknown, notes []string
}

// convert returns the body to store: WordPress text converted the way WordPress displays
// it, or the HTML or Markdown of our own export as it was, with its search text. It writes
// nothing, so prepare runs it beside the writer.
func (r *run) convert(it *wxr.Item, wpID int64) *converted {
	var c *converted
	if md, ok := it.MetaValue(metaMarkdown); ok {
		c = &converted{body: md, format: broadside.FormatMarkdown}
	} else if f, ok := it.MetaValue(metaFormat); ok && f == broadside.FormatHTML {
		c = &converted{body: it.Content, format: broadside.FormatHTML}
	} else {
		body := it.Content
		if r.mediaRE != nil {
			body = r.rewriteMedia(body)
		}
		res := wpcontent.Convert(body, wpcontent.Context{PostID: wpID, Media: r.mediaByID, Attached: r.mediaOf})
		c = &converted{body: res.HTML, format: broadside.FormatHTML, unknown: res.Unknown, notes: res.Notes}
	}
	c.search = store.SearchBody(c.body, c.format)
	return c
}

// content reports what converting the body found and returns the body and its format.
func (r *run) content(it *wxr.Item, conv *converted, wpID int64, kind string) (string, string) {
	for _, tag := range conv.unknown {
		r.sum.warn(it.Pos, kind, wpID, "unknown shortcode [%s] kept as text", tag)
	}
	for _, n := range conv.notes {
		r.sum.warn(it.Pos, kind, wpID, "%s", n)
	}
	return conv.body, conv.format
}

func (r *run) mediaByID(id int64) (wpcontent.Media, bool) {
	a := r.plan.attachments[id]
	if a == nil {
		return wpcontent.Media{}, false
	}
	return media(a), true
}

func (r *run) mediaOf(postID int64) []wpcontent.Media {
	var out []wpcontent.Media
	for _, id := range r.plan.byParent[postID] {
		out = append(out, media(r.plan.attachments[id]))
	}
	return out
}

func media(a *attInfo) wpcontent.Media {
	return wpcontent.Media{ID: a.ID, URL: a.finalURL(), Alt: a.Alt, Title: a.Title, Caption: a.Caption, MimeType: a.Mime, MenuOrder: a.MenuOrder}
}

// appealMeta reads the post's own appeal or notice from our export, cut to the length the
// editor allows (a hand-edited file may carry more).
func (r *run) appealMeta(it *wxr.Item, key, kind string, wpID int64) string {
	v, _ := it.MetaValue(key)
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	if utf8.RuneCountInString(v) > broadside.MaxAppealLen {
		r.sum.warn(it.Pos, kind, wpID, "its %s is longer than %d characters and was cut", strings.TrimPrefix(key, "_broadside_"), broadside.MaxAppealLen)
		v = broadside.TruncateRunes(v, broadside.MaxAppealLen)
	}
	return v
}
