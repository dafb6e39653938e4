package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/feeds"
	"github.com/broadside/broadside/internal/i18n"
)

// repliesPage is how many ids a page of a replies collection holds.
const repliesPage = 20

// federationLevel is how much of p the federation channel may show (the one access rule,
// for the anonymous reader, as a federated copy is readable by anyone on the remote
// server): Teaser or Full; ENOTFOUND when none of it; errGone (naming link, its id) for a
// published post now in the trash. It reads no body, so every object and collection that
// hangs off a post asks it rather than building the post's object.
func (s *Server) federationLevel(ctx context.Context, p *broadside.Post, link string) (broadside.Level, error) {
	if p.Status == broadside.StatusTrash {
		if t, err := s.Posts.Trashed(ctx, p.ID); err == nil && t.PreviousStatus == broadside.StatusPublished {
			return broadside.LevelHidden, &errGone{id: link}
		}
		return broadside.LevelHidden, errNotFound
	}
	l := broadside.Access(p, broadside.Reader{}, s.Now())
	if l != broadside.LevelTeaser && l != broadside.LevelFull {
		return l, errNotFound
	}
	return l, nil
}

// commentObject is our comment c as a Note, as the federation channel may show it: the
// approved comment of a post whose discussion federates (broadside.CommentFederates), else
// ENOTFOUND, or errGone when its post was published and is now in the trash.
//
// Its id is its CommentID, which a server can fetch; its url is its place in the thread
// (permalink, comment page, #comment-ID), which a fragment makes unfetchable. Web
// commenters have no actors, so the site actor is its author, and the content names the
// commenter in its first line: Mastodon shows a Note's content and ignores its name, so
// that is where its readers see who wrote it. A reply to a fediverse comment mentions that
// comment's author (tag and cc), so their server shows it to them and threads it.
func (s *Server) commentObject(ctx context.Context, st *site, c *broadside.Comment) (*activitypub.Object, error) {
	if c.Remote() {
		return nil, errNotFound // not ours to serve: its origin is (handleCommentObject)
	}
	p, err := s.Posts.Get(ctx, c.PostID)
	if err != nil {
		return nil, err
	}
	st.categories(ctx, s)
	postPath := st.PostPath(p)
	if _, err := s.federationLevel(ctx, p, activitypub.CommentID(st.Base, c.ID)); err != nil {
		return nil, err
	}
	if !broadside.CommentFederates(p, c, s.Now()) {
		return nil, errNotFound
	}
	page, err := s.Comments.PageOf(ctx, p, c.ID, st.Discussion, nil)
	if err != nil {
		page = 1
	}
	site := activitypub.ActorID(st.Base, activitypub.SiteActor)
	id := activitypub.CommentID(st.Base, c.ID)
	o := &activitypub.Object{Context: activitypub.Context, ID: id, Type: "Note", MediaType: "text/html",
		URL: activitypub.ID(st.Abs(st.CommentPath(postPath, page, 0, c.ID))), AttributedTo: activitypub.ID(site),
		InReplyTo: activitypub.ID(st.Abs(postPath)), To: activitypub.Strings{activitypub.Public}, Cc: activitypub.Strings{site + "/followers"},
		Published: activitypub.At(c.CreatedAt), Replies: activitypub.ID(id + "/replies")}
	name := "<strong>" + html.EscapeString(displayNameIn(st.Language, c)) + "</strong>"
	head := i18n.T(st.Language, "%s commented:", name)
	if c.ParentID != 0 {
		head = i18n.T(st.Language, "%s replied:", name)
		parent, err := s.Comments.Get(ctx, c.ParentID)
		if err != nil {
			return nil, err
		}
		o.InReplyTo = activitypub.ID(activitypub.CommentID(st.Base, parent.ID))
		if parent.Remote() {
			o.InReplyTo = activitypub.ID(parent.RemoteID)
			if parent.RemoteActor != "" {
				handle := parent.RemoteHandle
				if handle == "" {
					handle = parent.RemoteActor
				}
				o.Cc = append(o.Cc, parent.RemoteActor)
				o.Tag = append(o.Tag, activitypub.Tag{Type: "Mention", Href: parent.RemoteActor, Name: handle})
				head = `<span class="h-card"><a href="` + html.EscapeString(parent.RemoteActor) + `" class="u-url mention">` +
					html.EscapeString(handle) + `</a></span> ` + head
			}
		}
	}
	o.Content = feeds.AbsoluteURLs("<p>"+head+"</p>"+string(s.Render.Comment(c.RawBody)), st.Base)
	return o, nil
}

// FederationComment is c as the federation sends it (the federation service's
// CommentObject): the object its CommentID answers with.
func (s *Server) FederationComment(ctx context.Context, c *broadside.Comment) (*activitypub.Object, error) {
	st, err := s.site(ctx)
	if err != nil {
		return nil, err
	}
	return s.commentObject(ctx, st, c)
}

// fedSiteID is the head of the handlers of /activitypub/…/{id}: the site, federation on,
// and the id in the path.
func (s *Server) fedSiteID(r *http.Request) (*site, int64, error) {
	st, _, err := s.fedSite(r.Context())
	if err != nil {
		return nil, 0, err
	}
	id, err := pathID(r)
	return st, id, err
}

// GET /activitypub/comments/{id}: our comment as a Note. A comment that came from the
// fediverse is not ours to serve: its origin server is its authority, and serving it under
// our id from the site actor would put the remote author's words in our mouth, so the
// asker is sent to the original (a redirect to its own id), and finds there what its author
// still lets it see.
func (s *Server) handleCommentObject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, id, err := s.fedSiteID(r)
	if err != nil {
		return err
	}
	c, err := s.Comments.Get(ctx, id)
	if err != nil {
		return err
	}
	if c.Remote() {
		p, err := s.Posts.Get(ctx, c.PostID)
		if err != nil {
			return err
		}
		if u, perr := url.Parse(c.RemoteID); perr == nil && (u.Scheme == "https" || u.Scheme == "http") && broadside.CommentFederates(p, c, s.Now()) {
			http.Redirect(w, r, c.RemoteID, http.StatusFound)
			return nil
		}
		return errNotFound
	}
	o, err := s.commentObject(ctx, st, c)
	if g, ok := err.(*errGone); ok {
		writeAS(w, http.StatusGone, activitypub.Object{Context: activitypub.Context, ID: g.id, Type: "Tombstone", FormerType: "Note"})
		return nil
	}
	if err != nil {
		return err
	}
	writeAS(w, http.StatusOK, o)
	return nil
}

// GET /activitypub/posts/{id}/replies: a post's replies collection, the ids of its
// approved top-level comments, oldest first (servers load a thread's missing replies this
// way). A post whose object shows its teaser only keeps its discussion on the site, as the
// comment feeds do: its collection is empty.
func (s *Server) handlePostReplies(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, id, err := s.fedSiteID(r)
	if err != nil {
		return err
	}
	p, err := s.Posts.Get(ctx, id)
	if err != nil {
		return err
	}
	// The post's object is the one whose replies these are: what it may show decides, and
	// a gone post has no collection.
	if _, err := s.federationLevel(ctx, p, ""); err != nil {
		return errNotFound
	}
	return s.answerReplies(w, r, st, st.Base+activitypub.Prefix+"posts/"+strconv.FormatInt(id, 10)+"/replies",
		p, 0, broadside.DiscussionFederates(p, s.Now()))
}

// GET /activitypub/comments/{id}/replies: a comment's replies collection, the ids of its
// approved direct replies, under the same rule as the comment itself.
func (s *Server) handleCommentReplies(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, id, err := s.fedSiteID(r)
	if err != nil {
		return err
	}
	c, err := s.Comments.Get(ctx, id)
	if err != nil {
		return err
	}
	p, err := s.Posts.Get(ctx, c.PostID)
	if err != nil {
		return err
	}
	if !broadside.CommentFederates(p, c, s.Now()) {
		return errNotFound
	}
	return s.answerReplies(w, r, st, activitypub.CommentID(st.Base, id)+"/replies", p, id, true)
}

// answerReplies writes collection id of the approved comments of p whose parent is
// parentID (0: top level): without ?page= the collection (its count and first page), with
// ?page=N that page of ids — ours as their CommentID, those that came from the fediverse
// as their own ids. listed false answers an empty collection.
func (s *Server) answerReplies(w http.ResponseWriter, r *http.Request, st *site, id string, p *broadside.Post, parentID int64, listed bool) error {
	ctx := r.Context()
	f := broadside.CommentFilter{Status: broadside.CommentApproved, PostID: p.ID, ParentIDs: []int64{parentID},
		Kind: broadside.KindComment, Asc: true, Limit: 1}
	pageText := r.URL.Query().Get("page")
	page, perr := strconv.Atoi(pageText)
	if pageText == "" {
		total := 0
		if listed {
			var err error
			if _, total, err = s.Comments.Queue(ctx, f); err != nil {
				return err
			}
		}
		c := activitypub.Collection{Context: activitypub.ContextAS, ID: id, Type: "OrderedCollection", TotalItems: activitypub.Count(total)}
		if total > 0 {
			c.First = id + "?page=1"
		}
		writeAS(w, http.StatusOK, c)
		return nil
	}
	if perr != nil || page < 1 || page > 10000 {
		return errNotFound
	}
	items, total := []any{}, 0
	if listed {
		f.Limit, f.Offset = repliesPage, (page-1)*repliesPage
		rows, n, err := s.Comments.Queue(ctx, f)
		if err != nil {
			return err
		}
		total = n
		for _, row := range rows {
			if row.Remote() {
				items = append(items, row.RemoteID)
			} else {
				items = append(items, activitypub.CommentID(st.Base, row.ID))
			}
		}
	}
	c := activitypub.Collection{Context: activitypub.ContextAS, ID: id + "?page=" + strconv.Itoa(page), Type: "OrderedCollectionPage",
		PartOf: id, OrderedItems: items}
	if page*repliesPage < total {
		c.Next = id + "?page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		c.Prev = id + "?page=" + strconv.Itoa(page-1)
	}
	writeAS(w, http.StatusOK, c)
	return nil
}
