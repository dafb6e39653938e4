package wpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/avatar"
)

func errInvalidCommentID() *apiError {
	return newErr(http.StatusNotFound, "rest_comment_invalid_id", "Invalid comment ID.")
}

// wpCommentStatus is WordPress's name of a comment status in responses.
func wpCommentStatus(s broadside.CommentStatus) string {
	switch s {
	case broadside.CommentApproved:
		return "approved"
	case broadside.CommentPending:
		return "hold"
	}
	return string(s) // spam, trash
}

// commentStatuses maps the status names WordPress accepts (in queries and updates).
var commentStatuses = map[string]broadside.CommentStatus{
	"approve": broadside.CommentApproved, "approved": broadside.CommentApproved, "1": broadside.CommentApproved,
	"hold": broadside.CommentPending, "unapproved": broadside.CommentPending, "0": broadside.CommentPending,
	"spam": broadside.CommentSpam, "trash": broadside.CommentTrash,
}

// commentObject is a comment in WordPress's shape for the given context.
func (q *req) commentObject(c *broadside.Comment, p *broadside.Post, context string) obj {
	loc := q.loc()
	// Sized for every field and _links, so the object is allocated once, not regrown.
	b := &builder{ctx: contextMask(context), o: make(obj, 0, 20)}
	b.put(cAll, "id", c.ID)
	b.put(cVE, "post", c.PostID)
	b.put(cAll, "parent", c.ParentID)
	b.put(cAll, "author", c.UserID)
	b.put(cAll, "author_name", c.AuthorName)
	b.put(cEdit, "author_email", c.AuthorEmail)
	b.put(cAll, "author_url", c.AuthorURL)
	b.put(cEdit, "author_ip", c.AuthorIP)
	b.put(cEdit, "author_user_agent", c.UserAgent)
	b.put(cAll, "date", wpDate(c.CreatedAt, loc))
	b.put(cVE, "date_gmt", wpDate(c.CreatedAt, time.UTC))
	content := obj{{"rendered", string(q.a.Render.Comment(c.RawBody))}}
	if b.ctx == cEdit {
		content = append(content, kv{"raw", c.RawBody})
	}
	b.put(cAll, "content", content)
	b.put(cAll, "link", q.commentLink(c, p))
	b.put(cVE, "status", wpCommentStatus(c.Status))
	b.put(cAll, "type", c.Kind)
	b.put(cAll, "author_avatar_urls", q.commentAvatars(c))
	b.put(cVE, "meta", []any{})
	// Why the comment was held or marked spam, for those who moderate (the edit context is
	// theirs): the same text and codes the admin's queue shows, as a registered field would
	// add them (register_rest_field).
	codes := c.ModerationCodes
	if codes == nil {
		codes = []string{}
	}
	b.put(cEdit, "broadside_moderation", obj{{"reason", c.ModerationReason}, {"codes", codes}})
	// Where a fediverse reply came from (its Note, its author's actor and @user@host), so a
	// moderator's client can tell it from a comment written on the site; null for those.
	var remote any
	if c.Remote() {
		remote = obj{{"note", c.RemoteID}, {"actor", c.RemoteActor}, {"handle", c.RemoteHandle}}
	}
	b.put(cEdit, "broadside_remote", remote)
	id := strconv.FormatInt(c.ID, 10)
	links := append(make(obj, 0, 6),
		kv{"self", []obj{link(q.rest(Namespace + "/comments/" + id))}},
		kv{"collection", []obj{link(q.rest(Namespace + "/comments"))}})
	if c.UserID != 0 {
		links = append(links, kv{"author", []obj{link(q.rest(Namespace+"/users/"+strconv.FormatInt(c.UserID, 10)), kv{"embeddable", true})}})
	}
	if p != nil {
		links = append(links, kv{"up", []obj{link(q.rest(Namespace+"/"+restBase(p.Type)+"/"+strconv.FormatInt(p.ID, 10)),
			kv{"embeddable", true}, kv{"post_type", string(p.Type)})}})
	}
	if c.ParentID != 0 {
		links = append(links, kv{"in-reply-to", []obj{link(q.rest(Namespace+"/comments/"+strconv.FormatInt(c.ParentID, 10)), kv{"embeddable", true})}})
	}
	if q.hasReplies(c.ID) {
		links = append(links, kv{"children", []obj{link(q.rest(Namespace+"/comments?parent="+id), kv{"embeddable", true})}})
	}
	return append(b.o, kv{"_links", links})
}

// noteReplies finds, in one query, which of the comments ids have replies the requester may
// see: approved ones, or for moderators also those held (WordPress counts both in its
// children link; readers are not told that held replies exist). A list calls it for its
// whole page before building the objects; hasReplies asks for a single comment otherwise.
func (q *req) noteReplies(ids []int64) {
	if q.st.replied == nil {
		q.st.replied = map[int64]bool{}
	}
	var todo []int64
	for _, id := range ids {
		if _, known := q.st.replied[id]; !known {
			todo = append(todo, id)
			q.st.replied[id] = false
		}
	}
	if len(todo) == 0 {
		return
	}
	statuses := []broadside.CommentStatus{broadside.CommentApproved}
	if q.user.CanModerate() {
		statuses = append(statuses, broadside.CommentPending)
	}
	replied, err := q.a.Comments.Replied(q.ctx, todo, statuses...)
	if err != nil {
		return // no children link rather than a failed answer
	}
	for id := range replied {
		q.st.replied[id] = true
	}
}

func (q *req) hasReplies(id int64) bool {
	if _, known := q.st.replied[id]; !known {
		q.noteReplies([]int64{id})
	}
	return q.st.replied[id]
}

// commentAvatars are the comment's avatar at WordPress's three sizes, chosen by the comments
// service as every page shows it; a generated avatar's path is made absolute here.
// A discussion's regulars write many of its comments: their avatars are chosen once per
// request (each costs a keyed hash per size).
func (q *req) commentAvatars(c *broadside.Comment) obj {
	who := avatarWho{c.AvatarURL, c.AuthorEmail, c.AuthorName}
	urls, known := q.st.avatars[who]
	if !known {
		d := q.site.Settings().Discussion
		urls = make([]string, len(avatar.Sizes))
		for i, size := range avatar.Sizes {
			u := q.a.Comments.Avatar(c, d, size)
			if strings.HasPrefix(u, "/") {
				u = q.site.Base() + u
			}
			urls[i] = u
		}
		if q.st.avatars == nil {
			q.st.avatars = map[avatarWho][]string{}
		}
		q.st.avatars[who] = urls
	}
	out := make(obj, len(avatar.Sizes))
	for i := range avatar.Sizes {
		out[i] = kv{sizeNames[i], urls[i]}
	}
	return out
}

// avatarWho is what the comments service chooses a comment's avatar from.
type avatarWho struct{ url, email, name string }

// sizeNames are avatar.Sizes as the keys of author_avatar_urls.
var sizeNames = func() []string {
	n := make([]string, len(avatar.Sizes))
	for i, s := range avatar.Sizes {
		n[i] = strconv.Itoa(s)
	}
	return n
}()

// commentLink is the comment's permalink on its post's page: #comment-ID, on the right page
// of the discussion when it is split into pages.
func (q *req) commentLink(c *broadside.Comment, p *broadside.Post) string {
	if p == nil {
		return q.site.Base() + "/#comment-" + strconv.FormatInt(c.ID, 10)
	}
	u := q.site.PostURL(p)
	d := q.site.Settings().Discussion
	if d.PerPage > 0 && p.CommentCount > d.PerPage && c.Status == broadside.CommentApproved {
		if page := q.commentPage(p, c.ID, d); page > 1 {
			u += "comment-page-" + strconv.Itoa(page) + "/"
		}
	}
	return u + "#comment-" + strconv.FormatInt(c.ID, 10)
}

// commentPage finds the page of the discussion that shows comment id (the thread of a post
// is built once per request).
func (q *req) commentPage(p *broadside.Post, id int64, d broadside.Discussion) int {
	if q.st.threads == nil {
		q.st.threads = map[int64]*broadside.Thread{}
	}
	t := q.st.threads[p.ID]
	if t == nil {
		var err error
		if t, err = q.a.Comments.Thread(q.ctx, p, nil, d); err != nil {
			return 1
		}
		q.st.threads[p.ID] = t
	}
	return t.PageOf(id, d.PerPage)
}

// GET /wp/v2/comments
func (q *req) listComments() (*result, error) {
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	order := c.enum(&q.p, "order", "desc", "asc", "desc")
	orderby := c.enum(&q.p, "orderby", "date_gmt", "date", "date_gmt", "id", "include", "post", "parent", "type")
	loc := q.loc()
	f := broadside.CommentFilter{Search: q.p.str("search"), Asc: order == "asc", Kind: broadside.KindComment,
		After: c.date(&q.p, "after", loc), Before: c.date(&q.p, "before", loc),
		PostIDs: c.ids(&q.p, "post"), ParentIDs: c.ids(&q.p, "parent"), IDs: c.ids(&q.p, "include"),
		ExcludeIDs: c.ids(&q.p, "exclude"), UserIDs: c.ids(&q.p, "author")}
	switch orderby {
	case "id", "post", "parent":
		f.OrderBy = orderby
	}
	status := q.p.str("status")
	if status == "" {
		status = "approve"
	}
	typ := q.p.str("type")
	if typ == "" {
		typ = broadside.KindComment
	}
	f.Kind = typ
	if err := c.err(); err != nil {
		return nil, err
	}
	mod := q.user.CanModerate()
	if context == "edit" && !mod {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit comments.")
	}
	if !mod {
		// WordPress's protected query parameters: reading held comments, other types or
		// filtering by commenter needs moderation rights.
		var forbidden []string
		for _, prm := range []string{"author", "author_exclude", "author_email", "type", "status"} {
			if !q.p.has(prm) || prm == "status" && status == "approve" || prm == "type" && typ == broadside.KindComment {
				continue
			}
			forbidden = append(forbidden, prm)
		}
		if forbidden != nil {
			return nil, newErr(q.authCode(), "rest_forbidden_param", "Query parameter not permitted: "+listWords(forbidden))
		}
		f.PublicSearch = true
		if f.PostIDs == nil {
			// Site-wide: only discussions anyone may see. Named posts are checked one by
			// one below (a right ?password= opens a protected one).
			f.PostPublishedBefore = q.a.now()
		}
	}
	switch status {
	case "all", "any":
		f.Status = ""
	default:
		st, known := commentStatuses[status]
		if !known {
			return ok(q.emptyPage(pg))
		}
		f.Status = st
	}
	if typ == "all" || typ == "any" {
		f.Kind = ""
	}
	for _, id := range f.PostIDs {
		p, err := q.loadPost("", id)
		if err != nil {
			if ae, isAPI := err.(*apiError); isAPI && ae.Code == "rest_post_invalid_id" {
				continue // WordPress answers an empty list for a post that does not exist
			}
			return nil, err
		}
		if err := q.discussionErr(p); err != nil {
			return nil, err
		}
	}
	byInclude := orderby == "include" && f.IDs != nil
	if !byInclude {
		f.Limit, f.Offset = pg.per, pg.start()
	}
	rows, total, err := q.a.Comments.Queue(q.ctx, f)
	if err != nil {
		return nil, err
	}
	if byInclude {
		pos := map[int64]int{}
		for i, id := range f.IDs {
			pos[id] = i
		}
		sortStable(rows, func(a, b broadside.CommentRow) bool { return pos[a.ID] < pos[b.ID] })
		rows = window(rows, pg.start(), pg.per)
	}
	ids := make([]int64, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	q.noteReplies(ids)
	object := func(i int) obj {
		cm := &rows[i].Comment
		p, err := q.loadPost("", cm.PostID)
		if err != nil {
			p = nil
		}
		return q.commentObject(cm, p, context)
	}
	q.paginate(total, pg.page, pg.per)
	if !q.embedded && !q.wantsEmbed() && !q.p.has("_fields") {
		// Nothing will look into the objects again: each is encoded as soon as it is
		// built, so a request holds its answer once, as JSON, rather than as a tree of
		// every comment's fields and then the JSON too (many clients at once each held both).
		return encodedList(len(rows), object)
	}
	items := make([]any, 0, len(rows))
	for i := range rows {
		items = append(items, object(i))
	}
	return ok(q.embedAll(items))
}

func (q *req) emptyPage(pg paging) []any {
	q.paginate(0, pg.page, pg.per)
	return []any{}
}

// GET /wp/v2/comments/{id}
func (q *req) getComment() (*result, error) {
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	cm, p, err := q.loadComment()
	if err != nil {
		return nil, err
	}
	if context == "edit" && !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit comments.")
	}
	if cm.Status != broadside.CommentApproved && !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_cannot_read", "Sorry, you are not allowed to read this comment.")
	}
	if err := q.discussionErr(p); err != nil {
		return nil, err
	}
	return ok(q.embedOne(q.commentObject(cm, p, context)))
}

// loadComment loads the comment {id} and its post.
func (q *req) loadComment() (*broadside.Comment, *broadside.Post, error) {
	if q.id() <= 0 {
		return nil, nil, errInvalidCommentID()
	}
	cm, err := q.a.Comments.Get(q.ctx, q.id())
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, nil, errInvalidCommentID()
	} else if err != nil {
		return nil, nil, err
	}
	p, err := q.loadPost("", cm.PostID)
	if err != nil {
		return nil, nil, err
	}
	return cm, p, nil
}

// discussionErr refuses p's discussion to those who may not see it, as the post page does:
// posts they may not read; password-protected posts unless ?password= is right (WordPress's
// rule); subscriber-only posts to visitors (their page shows the discussion to full readers
// only). Those who may edit the post see everything.
func (q *req) discussionErr(p *broadside.Post) error {
	refused := newErr(q.authCode(), "rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment.")
	if !q.canRead(p) {
		return refused
	}
	if err := q.unlock(p); err != nil {
		return err
	}
	if !broadside.CanReadFull(p, q.reader(p), q.a.now()) {
		return refused
	}
	return nil
}
