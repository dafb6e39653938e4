package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/broadside/broadside"
)

// The discussion under a post is the same for every reader who has no held comment of their
// own (those see it with their comments added) and did not follow a reply link: signed-in
// subscribers and editors, returning commenters, anonymous readers. So a page of it is
// rendered once and kept until a change on any node purges its post (Purge); only what
// belongs to the reader is rendered around it per request. On a 10,000-comment post this
// spares every such request loading and building the whole thread.

// discussion is one page of a post's discussion, ready for the post template.
type discussion struct {
	html    template.HTML // the <li> items of the page ("commentlist")
	pages   int           // number of comment pages
	page    int
	first   int // the number of the page's first top-level comment
	replyTo *broadside.ThreadNode
}

// fragment is a stored discussion page.
type fragment struct {
	d       discussion
	gen     uint64
	tags    []string // its post's cache tag
	bytes   int
	expires time.Time // the Report forms' stamp lasts 4 hours; a kept page far less
}

// fragmentTTL bounds how long a discussion page is kept even when nothing changes.
const fragmentTTL = time.Hour

// maxFragments bounds the stored discussion pages; past it they are all dropped.
const maxFragments = 2000

// fragment returns the stored discussion page under key if it is current.
func (c *PageCache) fragment(key string) *discussion {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if f := c.fragments[key]; f != nil && f.gen == c.gen && c.Now().Before(f.expires) {
		d := f.d
		return &d
	}
	return nil
}

// putFragment stores a discussion page showing tags, rendered from data read after version
// gen, seq (version).
func (c *PageCache) putFragment(key string, gen, seq uint64, tags []string, d discussion) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.purgedSince(gen, seq, tags) {
		return // something it shows changed while it rendered
	}
	if c.fragments == nil || len(c.fragments) >= maxFragments || c.fragBytes > c.MaxBytes/4 {
		c.fragments, c.fragBytes = map[string]*fragment{}, 0
	}
	d.replyTo = nil
	c.fragments[key] = &fragment{d: d, gen: gen, tags: tags, bytes: len(d.html), expires: c.Now().Add(fragmentTTL)}
	c.fragBytes += len(d.html)
}

// postDiscussion returns page cpage (0: the default page) of p's discussion as r's reader
// sees it, and the comment replied to when r came through a reply link (?replytocom) or a
// failed reply (form.ParentID). ENOTFOUND when the page does not exist.
func (s *Server) postDiscussion(r *http.Request, st *site, p *broadside.Post, cpage int, form *commentForm, closed bool) (*discussion, error) {
	ctx := r.Context()
	pending := s.pendingIDs(r)
	_, noEditCookie := r.Cookie(cookieEditing)
	shared := s.Cache != nil && len(pending) == 0 && form.ParentID == 0 && !r.URL.Query().Has("replytocom") && noEditCookie != nil
	key := strconv.FormatInt(p.ID, 10) + "/" + strconv.Itoa(max(cpage, 1)) + "/" + strconv.FormatBool(closed) + "/" + st.PostPath(p) + "/" + st.Language
	if shared {
		if d := s.Cache.fragment(key); d != nil {
			return d, nil
		}
	}
	var gen, seq uint64
	if shared {
		gen, seq = s.Cache.version() // read before the thread: a change after it makes this render stale
	}
	d, err := s.renderDiscussion(ctx, r, st, p, cpage, form, closed, pending, !shared)
	if err != nil {
		return nil, err
	}
	if shared && d.replyTo == nil {
		s.Cache.putFragment(key, gen, seq, []string{broadside.CacheTagPost(p.ID)}, *d)
	}
	return d, nil
}

// own says the page is this reader's alone, so it may carry their own comments' edit links.
func (s *Server) renderDiscussion(ctx context.Context, r *http.Request, st *site, p *broadside.Post, cpage int, form *commentForm, closed bool, pending []int64, own bool) (*discussion, error) {
	d := st.Discussion
	if !own && p.CommentCount > d.PerPage {
		// A page shared by every reader of a long discussion: read only its own threads.
		dp, ok, err := s.Comments.SharedPage(ctx, p, max(cpage, 1), d)
		if err != nil {
			return nil, err
		}
		if ok {
			if dp.Thread == nil {
				return nil, broadside.Errorf(broadside.ENOTFOUND, "no comment page %d", cpage)
			}
			out := &discussion{pages: dp.Pages, page: max(cpage, 1), first: dp.First}
			return s.renderCommentList(r, st, p, out, dp.Thread, dp.Thread.Page(1, 0), closed, own)
		}
	}
	thread, err := s.Comments.Thread(ctx, p, pending, d)
	if err != nil {
		return nil, err
	}
	per := d.PerPage
	out := &discussion{pages: thread.Pages(per)}
	if id, err := strconv.ParseInt(r.URL.Query().Get("replytocom"), 10, 64); err == nil && form.ParentID == 0 {
		if n := thread.Find(id); n != nil && n.CanReply && n.Comment.Status == broadside.CommentApproved {
			out.replyTo = n
			form.ParentID = id
		}
	} else if form.ParentID != 0 {
		out.replyTo = thread.Find(form.ParentID)
	}
	if cpage == 0 {
		cpage = 1
		if out.replyTo != nil {
			cpage = thread.PageOf(out.replyTo.Comment.ID, per)
		}
	}
	if cpage > out.pages {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "no comment page %d", cpage)
	}
	out.page = cpage
	nodes := thread.Page(cpage, per)
	out.first = 1
	if len(nodes) > 0 {
		out.first = nodes[0].Number
	}
	return s.renderCommentList(r, st, p, out, thread, nodes, closed, own)
}

// renderCommentList renders nodes, top-level threads of thread, into out.html.
func (s *Server) renderCommentList(r *http.Request, st *site, p *broadside.Post, out *discussion, thread *broadside.Thread, nodes []*broadside.ThreadNode, closed, own bool) (*discussion, error) {
	pagePath := commentPageURL(st.PostPath(p), out.page)
	views := make([]*commentView, 0, len(nodes))
	for _, n := range nodes {
		views = append(views, s.commentTree(n, p, pagePath, closed, st))
	}
	// Report forms carry a shared stamp: a report checks it but does not use it up, and the
	// page may be kept for every reader.
	s.decorateComments(r, views, thread, st.Discussion, s.Comments.Stamp(p.ID, true), own)
	buf, err := s.tmpl.executePart("public/post", st.Language, "commentlist", views)
	if err != nil {
		return nil, err
	}
	out.html = template.HTML(buf.String()) // the "comment" template's own escaped output
	return out, nil
}

// commentPageURL is the path of comment page n of the post at postPath.
func commentPageURL(postPath string, n int) string {
	if n == 1 {
		return postPath
	}
	return postPath + "comment-page-" + strconv.Itoa(n) + "/"
}

// The post's own Markdown (body, teaser, excerpt for the description) was rendered on every
// request that missed the page cache, about 40% of a signed-in reader's post page. Its
// rendering depends only on the text, so it is kept by text, dropped with the version.

// renderKey names a kept rendering: what (post body, excerpt), format and text.
type renderKey struct {
	what, format, text string
	words              int
}

// maxRendered bounds the kept renderings; past it they are all dropped.
const maxRendered = 500

// keptRender returns build()'s result for k, from the kept renderings when they are current.
func (s *Server) keptRender(k renderKey, build func() string) string {
	c := s.Cache
	if c == nil {
		return build()
	}
	c.mu.RLock()
	v, ok := c.rendered[k]
	gen, at := c.gen, c.renderedGen
	c.mu.RUnlock()
	if ok && at == gen {
		return v
	}
	v = build()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if c.rendered == nil || c.renderedGen != gen || len(c.rendered) >= maxRendered {
			c.rendered, c.renderedGen = map[renderKey]string{}, gen
		}
		c.rendered[k] = v
	}
	return v
}

// renderPostText is s.Render.Post, kept.
func (s *Server) renderPostText(format, text string) template.HTML {
	return template.HTML(s.keptRender(renderKey{what: "post", format: format, text: text}, func() string {
		return string(s.Render.Post(format, text))
	}))
}

// renderExcerpt is s.Render.Excerpt, kept.
func (s *Server) renderExcerpt(format, text string, words int) string {
	return s.keptRender(renderKey{what: "excerpt", format: format, text: text, words: words}, func() string {
		return s.Render.Excerpt(format, text, words)
	})
}
