package wpapi

import (
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
)

// Contexts a field appears in, as in WordPress's schemas.
const (
	cView  = 1 << iota // context=view, the default
	cEdit              // context=edit, for those who may edit the object
	cEmbed             // context=embed, objects embedded in another response
	cVE    = cView | cEdit
	cAll   = cView | cEdit | cEmbed
)

func contextMask(name string) int {
	switch name {
	case "edit":
		return cEdit
	case "embed":
		return cEmbed
	}
	return cView
}

// builder builds an object holding only the fields of one context.
type builder struct {
	ctx int
	o   obj
}

func (b *builder) put(mask int, k string, v any) {
	if b.ctx&mask != 0 {
		b.o = append(b.o, kv{k, v})
	}
}

// wpDate formats a time as WordPress does in the API: ISO 8601 without a zone, in loc.
func wpDate(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return t.In(loc).Format("2006-01-02T15:04:05")
}

// wpStatus is the WordPress name of a post status.
func wpStatus(s broadside.PostStatus) string {
	switch s {
	case broadside.StatusPublished:
		return "publish"
	case broadside.StatusScheduled:
		return "future"
	}
	return string(s) // draft, pending, private
}

// The post's own support appeal and reuse notice travel as registered post meta, the way a
// WordPress plugin exposes its fields (register_post_meta with show_in_rest): "" means the
// site's default. docs/wordpress-api.md lists them.
const (
	metaAppeal = "broadside_appeal"
	metaNotice = "broadside_notice"
	// Read-only: the post's likes and boosts from the fediverse (issue 14); ignored on write.
	metaLikes  = "broadside_likes"
	metaBoosts = "broadside_boosts"
)

// postStatuses maps WordPress's status names to Broadside's.
var postStatuses = map[string]broadside.PostStatus{
	"publish": broadside.StatusPublished, "future": broadside.StatusScheduled, "draft": broadside.StatusDraft,
	"pending": broadside.StatusPending, "private": broadside.StatusPrivate,
}

func restBase(t broadside.PostType) string {
	if t == broadside.TypePage {
		return "pages"
	}
	return "posts"
}

// postObject is a post or page in WordPress's shape for the given context.
func (q *req) postObject(p *broadside.Post, context string) obj {
	loc := q.loc()
	b := &builder{ctx: contextMask(context)}
	edit := b.ctx == cEdit
	isPost := p.Type == broadside.TypePost
	guid := q.site.Base() + "/?p=" + strconv.FormatInt(p.ID, 10)
	if !isPost {
		guid = q.site.Base() + "/?page_id=" + strconv.FormatInt(p.ID, 10)
	}
	b.put(cAll, "id", p.ID)
	b.put(cAll, "date", wpDate(p.PublishedAt, loc))
	b.put(cVE, "date_gmt", wpDate(p.PublishedAt, time.UTC))
	g := obj{{"rendered", html.EscapeString(guid)}}
	if edit {
		g = append(g, kv{"raw", guid})
	}
	b.put(cVE, "guid", g)
	b.put(cVE, "modified", wpDate(p.UpdatedAt, loc))
	b.put(cVE, "modified_gmt", wpDate(p.UpdatedAt, time.UTC))
	b.put(cAll, "slug", p.Slug)
	b.put(cVE, "status", wpStatus(p.Status))
	b.put(cAll, "type", string(p.Type))
	b.put(cAll, "link", q.site.PostURL(p))
	title := obj{}
	if edit {
		title = append(title, kv{"raw", p.TitleSource()})
	}
	b.put(cAll, "title", append(title, kv{"rendered", string(q.a.Render.Title(p.Title, p.RawTitleMarkup))}))

	protected := p.Protected()
	body, rawExcerpt, shown := q.visibleText(p)
	content := obj{}
	if edit {
		content = append(content, kv{"raw", p.RawBody})
	}
	rendered := ""
	if shown && b.ctx&cVE != 0 { // the embed context has no content: do not render it
		rendered = string(q.a.Render.Post(p.BodyFormat, body))
	}
	content = append(content, kv{"rendered", rendered}, kv{"protected", protected})
	if edit {
		content = append(content, kv{"block_version", 0})
	}
	b.put(cVE, "content", content)
	excerpt := obj{}
	if edit {
		excerpt = append(excerpt, kv{"raw", p.RawExcerpt})
	}
	ex := ""
	if shown {
		ex = q.excerptHTML(p.BodyFormat, body, rawExcerpt, rendered)
	}
	b.put(cAll, "excerpt", append(excerpt, kv{"rendered", ex}, kv{"protected", protected}))
	b.put(cAll, "author", p.AuthorID)
	b.put(cAll, "featured_media", p.FeaturedMediaID)
	if !isPost {
		b.put(cVE, "parent", p.ParentID)
		b.put(cVE, "menu_order", p.MenuOrder)
	}
	b.put(cVE, "comment_status", openClosed(p.CommentsOpen))
	b.put(cVE, "ping_status", openClosed(p.PingsOpen))
	if isPost {
		b.put(cVE, "sticky", p.Sticky)
	}
	b.put(cVE, "template", "")
	if isPost {
		b.put(cVE, "format", "standard")
	}
	meta := obj{{metaAppeal, p.Appeal}, {metaNotice, p.Notice}}
	if isPost {
		c := q.reactionCounts(p.ID)
		meta = append(meta, kv{metaLikes, c.Likes}, kv{metaBoosts, c.Boosts})
	}
	b.put(cVE, "meta", meta)
	if isPost {
		b.put(cVE, "categories", termIDs(p.Categories, func(c broadside.Category) int64 { return c.ID }))
		b.put(cVE, "tags", termIDs(p.Tags, func(t broadside.Tag) int64 { return t.ID }))
	}
	if edit {
		b.put(cEdit, "password", p.Password)
		b.put(cEdit, "permalink_template", q.site.PostURL(p))
		b.put(cEdit, "generated_slug", broadside.Slugify(p.Title))
	}
	return append(b.o, kv{"_links", q.postLinks(p)})
}

func termIDs[T any](ts []T, id func(T) int64) []int64 {
	out := make([]int64, 0, len(ts))
	for _, t := range ts {
		out = append(out, id(t))
	}
	return out
}

func openClosed(open bool) string {
	if open {
		return "open"
	}
	return "closed"
}

// visibleText is what of p's body and excerpt this request may see, as broadside.Access
// decides for its reader: everything for those who may edit the post, nothing of a
// password-protected post unless this request gave its password (?password=), the teaser of
// a subscriber-only post unless a user of the site is signed in. shown is false when the
// body is withheld.
func (q *req) visibleText(p *broadside.Post) (body, excerpt string, shown bool) {
	r := q.reader(p)
	if l := broadside.Access(p, r, q.a.now()); l == broadside.LevelLocked || l == broadside.LevelHidden {
		return "", "", false
	}
	body, _ = broadside.VisibleBody(p, r, q.a.now())
	return body, p.RawExcerpt, true
}

// reader is who asks, for broadside.Access: the signed-in user (the API knows no
// subscribers), with p unlocked when this request gave its password and unlock checked it.
func (q *req) reader(p *broadside.Post) broadside.Reader {
	r := broadside.Reader{User: q.user}
	if q.st.unlocked[p.ID] {
		r = r.WithPassword(p, q.p.str("password"))
	}
	return r
}

// excerptHTML is the excerpt as WordPress renders it: the hand-written excerpt or the first
// 55 words of the (visible) body, as an escaped paragraph. rendered, when not empty, is the
// body already rendered, which saves rendering it again when the body has no more marker.
func (q *req) excerptHTML(format, body, excerpt, rendered string) string {
	text := excerpt
	switch {
	case text != "":
	case rendered != "" && broadside.MoreIndex(body) < 0:
		text = firstWords(render.PlainText(rendered), excerptWords)
	default:
		text = q.a.Render.Excerpt(format, body, excerptWords)
	}
	if text == "" {
		return ""
	}
	return "<p>" + html.EscapeString(text) + "</p>\n"
}

// excerptWords is the length of an automatic excerpt, WordPress's excerpt_length.
const excerptWords = 55

// firstWords cuts text to n words as render.Excerpt does ("…" when words were cut).
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	words = words[:n]
	last := strings.TrimRight(words[n-1], ",;:–—-")
	if last == "" && n > 1 {
		words = words[:n-1]
	} else {
		words[n-1] = last
	}
	return strings.Join(words, " ") + "…"
}

// link is one entry of _links.
func link(href string, extra ...kv) obj {
	return append(obj{{"href", href}}, extra...)
}

func (q *req) postLinks(p *broadside.Post) obj {
	base := Namespace + "/" + restBase(p.Type)
	id := strconv.FormatInt(p.ID, 10)
	links := obj{
		{"self", []obj{link(q.rest(base + "/" + id))}},
		{"collection", []obj{link(q.rest(base))}},
		{"about", []obj{link(q.rest(Namespace + "/types/" + string(p.Type)))}},
		{"author", []obj{link(q.rest(Namespace+"/users/"+strconv.FormatInt(p.AuthorID, 10)), kv{"embeddable", true})}},
		{"replies", []obj{link(q.rest(Namespace+"/comments?post="+id), kv{"embeddable", true})}},
	}
	if p.Type == broadside.TypePage && p.ParentID != 0 {
		links = append(links, kv{"up", []obj{link(q.rest(base+"/"+strconv.FormatInt(p.ParentID, 10)), kv{"embeddable", true})}})
	}
	if p.FeaturedMediaID != 0 {
		links = append(links, kv{"wp:featuredmedia", []obj{link(q.rest(mediaRoute+"/"+strconv.FormatInt(p.FeaturedMediaID, 10)), kv{"embeddable", true})}})
	}
	if p.Type == broadside.TypePost {
		links = append(links, kv{"wp:term", []obj{
			link(q.rest(Namespace+"/categories?post="+id), kv{"taxonomy", "category"}, kv{"embeddable", true}),
			link(q.rest(Namespace+"/tags?post="+id), kv{"taxonomy", "post_tag"}, kv{"embeddable", true}),
		}})
	}
	links = append(links, q.revisionLinks(p)...)
	return append(links, kv{"curies", []obj{{{"name", "wp"}, {"href", "https://api.w.org/{rel}"}, {"templated", true}}}})
}

// countReactions counts the likes and boosts of the posts of a listing's page in one query,
// for postObject.
func (q *req) countReactions(list []broadside.Post) {
	if q.a.Reactions == nil || len(list) == 0 {
		return
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	m, err := q.a.Reactions(q.ctx, ids)
	if err != nil {
		q.a.Log.Warn("wpapi: reaction counts", "err", err) // the counts are not worth a failed listing
		return
	}
	if q.st.reactions == nil {
		q.st.reactions = map[int64]broadside.ReactionCounts{}
	}
	for _, id := range ids {
		q.st.reactions[id] = m[id]
	}
}

// reactionCounts are post id's likes and boosts: counted with its listing, or now.
func (q *req) reactionCounts(id int64) broadside.ReactionCounts {
	if c, ok := q.st.reactions[id]; ok {
		return c
	}
	if q.a.Reactions == nil {
		return broadside.ReactionCounts{}
	}
	m, err := q.a.Reactions(q.ctx, []int64{id})
	if err != nil {
		q.a.Log.Warn("wpapi: reaction counts", "post", id, "err", err)
	}
	return m[id]
}
