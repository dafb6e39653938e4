package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/render"
)

// commentView is one comment ready for the template: every string computed, the body
// sanitized once.
type commentView struct {
	ID                    int64
	Depth                 int
	Author, AuthorURL     string
	Handle                string // a fediverse author's @user@host
	Avatar                string // comments.Service.Avatar, at avatarSize
	Date, ISO, Permalink  string
	Body                  template.HTML
	Pending, ByPostAuthor bool
	CanReply              bool
	ReplyURL, InReplyTo   string
	Children              []*commentView
	// Own and Report are what this reader may do besides replying (comment_reader.go).
	Own    *ownComment
	Report *reportForm
}

// commentForm is the state of the reply form: empty, prefilled from the commenter cookie,
// replying to a comment, or re-shown with the errors of a failed submission.
type commentForm struct {
	PostID           int64
	ParentID         int64
	ReplyToName      string
	CancelURL        string
	Author, Email    string
	URL, Body        string
	Remember         bool
	Errors           map[string]string
	Message          string
	Stamp            string
	User             *broadside.User
	RequireNameEmail bool
	MaxLength        int
	Notify           notifyView // the comment-notification boxes (subscribe_reader.go)
}

type supportView struct {
	Paragraphs         []string
	LinkURL, LinkLabel string
	HTML               template.HTML // the post's own appeal, rendered; replaces the rest
}

type commentPager struct {
	Page, Pages      int
	PrevURL, NextURL string
}

// renderPost renders the post page. form is nil for a plain GET; a failed comment
// submission passes the form back with its values and errors.
func (s *Server) renderPost(w http.ResponseWriter, r *http.Request, st *site, p *broadside.Post, cpage int, form *commentForm, status int) {
	d := st.Discussion
	postPath := st.PostPath(p)
	if form == nil {
		form = &commentForm{}
		if c := s.readCommenter(r); c.Name != "" || c.Email != "" {
			form.Author, form.Email, form.URL, form.Remember = c.Name, c.Email, c.URL, true
		}
	}
	closed, closedWhy := broadside.CommentsClosed(p, d, s.Now())
	disc, err := s.postDiscussion(r, st, p, cpage, form, closed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cpage = disc.page
	if disc.replyTo != nil {
		form.ReplyToName = displayNameIn(st.Language, disc.replyTo.Comment)
	}
	form.PostID = p.ID
	form.CancelURL = postPath + "#respond"
	if cpage > 1 {
		form.CancelURL = postPath + "comment-page-" + strconv.Itoa(cpage) + "/#respond"
	}
	form.Stamp = s.Comments.Stamp(p.ID, s.Cache != nil && cacheable(r)) // shared when the page cache keeps this page
	form.User = currentUser(r)
	form.RequireNameEmail = d.RequireNameEmail
	form.MaxLength = d.MaxLength
	form.Notify.Enabled = s.Subscriptions.Enabled()

	pageURL := func(n int) string { return commentPageURL(postPath, n) }
	cp := commentPager{Page: cpage, Pages: disc.pages}
	if cpage > 1 {
		cp.PrevURL = pageURL(cpage-1) + "#comments"
	}
	if cpage < disc.pages {
		cp.NextURL = pageURL(cpage+1) + "#comments"
	}

	// The access rule: a visitor to a subscriber-only post gets its teaser, and the rest is
	// not rendered at all; its discussion is for those who can read it.
	access, locked := s.postAccessFor(r, p) // locked: a password-protected post (password.go)
	body := access.Body
	teaser, more := broadside.SplitMore(body)
	data := map[string]any{
		"Post": p, "ISO": p.PublishedAt.UTC().Format(time.RFC3339), "Date": st.date(p.PublishedAt),
		"Comments": disc.html, "FirstNumber": disc.first, "Pager": cp, "Form": form,
		"ShowComments": (p.Type == broadside.TypePost || p.CommentCount > 0 || p.CommentsOpen) && access.Full,
		"HasMore":      more,
		"TitleHTML":    s.Render.Title(p.Title, p.RawTitleMarkup), // the heading keeps the title's inline markup
		"Access":       access,
		"Reactions":    s.reactionCounts(r.Context(), p), // fediverse likes and boosts (activitypub_reactions.go)
	}
	if locked {
		data["PasswordForm"] = passwordForm{PostID: p.ID, Wrong: r.URL.Query().Get("postpass") == "wrong"}
	} else if p.Protected() {
		w.Header().Set("Cache-Control", "private, no-store") // unlocked for this reader only
	}
	if closed {
		data["Closed"] = i18n.Message(st.Language, closedWhy)
		if p.CommentsOpen && d.CloseAfterDays > 0 { // closed by age: the reason counts days
			data["Closed"] = i18n.T(st.Language, "Comments are closed on posts older than %d days.", d.CloseAfterDays)
		}
	}
	var teaserHTML, restHTML template.HTML
	if more {
		teaserHTML = s.renderPostText(p.BodyFormat, teaser)
		restHTML = s.renderPostText(p.BodyFormat, body[len(teaser)+len(broadside.MoreMarker):])
	} else {
		teaserHTML = s.renderPostText(p.BodyFormat, body)
	}
	// Library images, the featured one and those in the body, with their sizes (images.go).
	imgs := s.libraryImages(r.Context(), st, append(bodySources(teaserHTML, restHTML), p.FeaturedImageURL))
	data["Teaser"], data["Rest"] = imgs.body(teaserHTML), imgs.body(restHTML)
	featured := imgs.file(p.FeaturedImageURL)
	if featured != nil {
		data["Featured"] = render.Image(featured, render.ImageOptions{Alt: p.FeaturedImageAlt, MaxWidth: 1024, Eager: true})
	}
	if p.Author != nil {
		data["AuthorName"], data["AuthorPath"] = p.Author.Name(), st.AuthorPath(p.Author)
	}
	var cats, tags []catLink
	for _, c := range p.Categories {
		cats = append(cats, catLink{Name: c.Name, Path: st.CategoryPath(c)})
	}
	for _, t := range p.Tags {
		tags = append(tags, catLink{Name: t.Name, Path: st.TagPath(t)})
	}
	data["Categories"], data["Tags"] = cats, tags
	// A post's own appeal and notice replace the site's; each is shown only when written.
	switch {
	case p.Type != broadside.TypePost || access.Supporter:
	case strings.TrimSpace(p.Appeal) != "":
		data["Support"] = supportView{HTML: s.renderPostText(broadside.FormatMarkdown, p.Appeal)}
	case st.Support.Enabled && strings.TrimSpace(st.Support.Text) != "":
		label := st.Support.LinkLabel
		if label == "" {
			label = "Support us"
		}
		data["Support"] = supportView{Paragraphs: paragraphs(st.Support.Text), LinkURL: st.Support.LinkURL, LinkLabel: label}
	}
	switch {
	case p.Type != broadside.TypePost:
	case strings.TrimSpace(p.Notice) != "":
		data["NoticeHTML"] = s.renderPostText(broadside.FormatMarkdown, p.Notice)
	case st.License.Enabled && strings.TrimSpace(st.License.Text) != "":
		data["License"] = st.License
	}

	v := s.baseView(r, st)
	v.Title = p.Title
	v.Canonical = st.Abs(pageURL(cpage))
	v.OGType = "article"
	v.Description = s.renderExcerpt(p.BodyFormat, broadside.PublicBody(p).Body, 30) // never more than the public part
	// The hand-written excerpt, unless the post is password protected (PublicBody hides it).
	if e := broadside.PublicBody(p).Excerpt; e != "" {
		v.Description = e
	}
	if featured != nil {
		v.OGImage, v.OGImageWidth, v.OGImageHeight = ogImage(st, featured)
		v.OGImageAlt = p.FeaturedImageAlt
	} else if p.FeaturedImageURL != "" {
		v.OGImage, v.OGImageAlt = p.FeaturedImageURL, p.FeaturedImageAlt
	}
	if p.Type == broadside.TypePost {
		v.Meta = append(v.Meta, metaTag{"article:published_time", p.PublishedAt.UTC().Format(time.RFC3339)},
			metaTag{"article:modified_time", p.UpdatedAt.UTC().Format(time.RFC3339)})
		for _, c := range p.Categories {
			v.Meta = append(v.Meta, metaTag{"article:section", c.Name})
		}
		for _, t := range p.Tags {
			v.Meta = append(v.Meta, metaTag{"article:tag", t.Name})
		}
	}
	s.postDiscovery(v, st, p) // comment feed link, Twitter card image, JSON-LD (meta.go)
	if r.URL.Query().Has("replytocom") || !p.IsPublic(s.Now()) {
		v.Robots = "noindex, follow" // reply links would otherwise be indexed as copies of the post
	}
	if isPreview(r) {
		v.Robots = "noindex, nofollow"
		v.Flash = "Preview: this is how the " + string(p.Type) + " will look. It is not published by viewing it."
	} else if p.Status == broadside.StatusPrivate {
		v.Flash = "Private: only editors, administrators and its author can see this " + string(p.Type) + "."
	} else if !p.IsPublic(s.Now()) {
		v.Flash = "Preview: this " + string(p.Type) + " is not published, so only its editors can see it."
	} else if f := s.takeFlash(w, r); f != "" {
		v.Flash = strings.SplitN(f, flashSep, 2)[0] // "You are subscribed", on the post the reader came from
	}
	v.Data = data
	s.page(w, r, status, "public/post", v)
}

func displayName(c *broadside.Comment) string { return displayNameIn(i18n.Default, c) }

// displayNameIn is the commenter's name as readers of a site in lang see it.
func displayNameIn(lang string, c *broadside.Comment) string {
	if n := strings.TrimSpace(c.AuthorName); n != "" {
		return n
	}
	return i18n.T(lang, "Anonymous")
}

// avatarSize is the size of avatars in the discussion, in CSS pixels (WordPress's default).
const avatarSize = 32

func (s *Server) commentTree(n *broadside.ThreadNode, p *broadside.Post, pagePath string, closed bool, st *site) *commentView {
	c := n.Comment
	cv := &commentView{
		ID: c.ID, Depth: n.Depth, Author: displayNameIn(st.Language, c), Handle: c.RemoteHandle, Avatar: s.Comments.Avatar(c, st.Discussion, avatarSize),
		Date: st.dateTime(c.CreatedAt), ISO: c.CreatedAt.UTC().Format(time.RFC3339),
		Permalink:    pagePath + "#comment-" + strconv.FormatInt(c.ID, 10),
		Body:         s.Render.Comment(c.RawBody),
		Pending:      c.Status == broadside.CommentPending,
		ByPostAuthor: c.UserID != 0 && c.UserID == p.AuthorID,
		CanReply:     n.CanReply && !closed && c.Status == broadside.CommentApproved,
	}
	if broadside.IsHTTPURL(c.AuthorURL) {
		cv.AuthorURL = c.AuthorURL
	}
	if cv.CanReply {
		cv.ReplyURL = pagePath + "?replytocom=" + strconv.FormatInt(c.ID, 10) + "#respond"
	}
	if n.Flattened && n.Parent != nil {
		cv.InReplyTo = displayNameIn(st.Language, n.Parent.Comment)
	}
	for _, ch := range n.Children {
		cv.Children = append(cv.Children, s.commentTree(ch, p, pagePath, closed, st))
	}
	return cv
}

// POST /comments
// POST /wp-comments-post.php (the address WordPress themes and old cached pages post to)
func (s *Server) handleCommentPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "The comment form could not be read; it may be too large. Go back and try a shorter comment.")
		return nil
	}
	f := r.PostForm
	postID, err := strconv.ParseInt(f.Get("comment_post_ID"), 10, 64)
	if err != nil || postID <= 0 {
		s.renderError(w, r, http.StatusBadRequest, "The comment form is missing the post it belongs to. Go back to the post and try again.")
		return nil
	}
	parentID, err := strconv.ParseInt(strings.TrimSpace(f.Get("comment_parent")), 10, 64)
	if f.Get("comment_parent") == "" {
		parentID, err = 0, nil
	}
	form := &commentForm{PostID: postID, ParentID: parentID, Author: f.Get("author"), Email: f.Get("email"), URL: f.Get("url"),
		Body: f.Get("comment"), Remember: f.Get("wp-comment-cookies-consent") == "yes", Stamp: f.Get("ts"),
		Notify: notifyView{All: f.Get("notify_comments") != "", Replies: f.Get("notify_replies") != ""}}
	st, serr := s.site(ctx)
	if serr != nil {
		return s.commentNotStored(w, r, form, serr)
	}
	// Without its body: a stored comment's answer is a redirect, and the page shown again
	// (showAgain) reads the whole post.
	post, perr := s.Posts.Head(ctx, postID)
	if perr != nil && broadside.ErrorCode(perr) != broadside.ENOTFOUND {
		// Not knowing whether the post exists is not knowing it does not.
		return s.commentNotStored(w, r, form, perr)
	}
	if perr != nil || !post.IsPublic(s.Now()) {
		s.renderError(w, r, http.StatusNotFound, "The post you are commenting on does not exist.")
		return nil
	}
	// The category tree is read for a page shown again (below), and for the redirect only
	// when the permalink has the category in it: a stored comment's POST needs nothing else.
	if strings.Contains(st.perm.Structure(), broadside.TagCategory) {
		st.categories(ctx, s)
	}
	// showAgain shows the post page with the form as the reader sent it and a message.
	showAgain := func(status int) error {
		st.categories(ctx, s)
		full, err := s.Posts.Get(ctx, postID)
		if err != nil {
			return s.commentNotStored(w, r, form, err)
		}
		s.renderPost(w, r, st, full, 0, form, status)
		return nil
	}
	if err != nil || parentID < 0 {
		form.ParentID = 0
		form.Errors = map[string]string{"comment_parent": "The comment you are replying to does not exist."}
		form.Message = i18n.T(st.Language, "Your comment was not posted: the comment you are replying to does not exist.")
		return showAgain(http.StatusUnprocessableEntity)
	}
	user := currentUser(r)
	remembered := s.readCommenter(r)
	sub := submission(r, postID, parentID, form, user, remembered.Key)
	sub.Post = post
	// What the reader offers as access; the comments service checks it (broadside.CanComment).
	sub.Subscriber, sub.PostPassProof = currentReader(r), postPassProof(r, post)
	res, err := s.Comments.Submit(ctx, sub)
	if broadside.ErrorCode(err) == broadside.EUNAVAILABLE {
		// The post page around the form needs the database too.
		return s.commentNotStored(w, r, form, err)
	}
	if err != nil {
		if statusOf(err) >= 500 {
			s.Log.Error("comment failed", "request_id", requestID(r), "err", err)
		}
		if !broadside.CanReadFull(post, s.readerFor(r, post), s.Now()) {
			// The page would show neither the form nor its message to this reader.
			s.renderError(w, r, statusOf(err), broadside.ErrorMessage(err))
			return nil
		}
		form.Errors = broadside.ErrorFields(err)
		form.Message = i18n.T(st.Language, "Your comment was not posted. %s", i18n.Message(st.Language, broadside.ErrorMessage(err)))
		if _, bad := form.Errors["comment_parent"]; bad {
			form.ParentID = 0
		}
		return showAgain(statusOf(err))
	}
	if user == nil {
		ck := commenter{Key: remembered.Key}
		if res.NewCommenterKey != "" {
			ck.Key = res.NewCommenterKey // this browser's first comment
		}
		if form.Remember {
			ck.Name, ck.Email, ck.URL = form.Author, form.Email, form.URL
		}
		if ck != remembered {
			s.writeCommenter(w, r, &ck)
		}
		if mins := st.Discussion.EditMinutes; mins > 0 && res.Comment.Status == broadside.CommentApproved {
			s.setCookie(w, r, cookieEditing, "1", time.Duration(mins)*time.Minute)
		}
	}
	c := res.Comment
	switch c.Status {
	case broadside.CommentPending:
		s.addPending(w, r, c.ID)
	case broadside.CommentSpam:
		// Bots are not told; the page they land on simply does not show the comment.
		redirect(w, r, st.PostPath(post)+"#comments")
		return nil
	}
	page, err := s.Comments.PageOf(ctx, post, c.ID, st.Discussion, append(s.pendingIDs(r), c.ID))
	if err != nil {
		s.Log.Warn("comment page lookup failed; linking to page 1", "request_id", requestID(r), "err", err)
	}
	redirect(w, r, st.CommentPath(st.PostPath(post), page, 0, c.ID))
	return nil
}

// commentNotStored answers a comment the database could not take (an outage, err is
// EUNAVAILABLE; anything else goes to the error adapter): 503 with Retry-After, and the form
// re-shown with everything the reader typed, so sending it again is one click and nothing
// they wrote is lost.
func (s *Server) commentNotStored(w http.ResponseWriter, r *http.Request, form *commentForm, err error) error {
	if broadside.ErrorCode(err) != broadside.EUNAVAILABLE {
		return err
	}
	s.Log.Error("comment not stored: database unavailable", "request_id", requestID(r), "post_id", form.PostID, "err", err)
	form.User = currentUser(r)
	form.Message = fmt.Sprintf("Your comment was not posted. %s", broadside.ErrorMessage(err))
	form.CancelURL = ""
	// The limit is checked again when the comment is sent; the form must not cut it short.
	form.MaxLength = max(form.MaxLength, len(form.Body), broadside.DefaultSettings().Discussion.MaxLength)
	v := s.baseView(r, nil)
	v.Title = "Your comment was not posted"
	v.Data = map[string]any{"Status": http.StatusServiceUnavailable, "Message": broadside.ErrorMessage(err),
		"RequestID": requestID(r), "Form": form}
	buf, terr := s.tmpl.execute("public/error", v)
	if terr != nil {
		return terr
	}
	setRetryAfter(w, err)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(buf.Bytes())
	return nil
}
