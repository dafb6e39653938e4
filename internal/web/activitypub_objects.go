package web

import (
	"context"
	"html"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/feeds"
)

// errGone answers a post that was published and is now in the trash: a Tombstone with
// 410, so remote servers delete their copy.
type errGone struct{ id string }

func (e *errGone) Error() string { return "gone: " + e.id }

// postObject is p as an ActivityStreams Article (or Note, by the site's choice), as the
// federation channel may show it: it asks the one access rule, as an anonymous reader,
// because a federated copy is readable by anyone on the remote server. A post readers may
// not see, or that is password protected, does not exist here (ENOTFOUND); a
// subscriber-only post shows its teaser and a link; a published post now in the trash is
// gone (errGone).
func (s *Server) postObject(ctx context.Context, st *site, p *broadside.Post) (*activitypub.Object, error) {
	link := st.Abs(st.PostPath(p))
	if _, err := s.federationLevel(ctx, p, link); err != nil {
		return nil, err
	}
	e := broadside.PublicBody(p)
	content := ""
	if e.Body != "" {
		content = string(s.Render.Post(p.BodyFormat, e.Body))
	}
	if !e.Full {
		content += `<p><a href="` + html.EscapeString(link) + `">Continue reading “` + html.EscapeString(p.Title) + `” on the site</a></p>`
	}
	content = feeds.AbsoluteURLs(content, st.Base)
	summary := ""
	if e.Excerpt != "" {
		summary = s.Render.Text(p.BodyFormat, e.Excerpt)
	}
	actor := activitypub.ActorID(st.Base, broadside.PostActor(st.Federation, p))
	o := &activitypub.Object{Context: activitypub.Context, ID: link, Type: activitypub.PostKind(st.Federation), Name: p.Title, Content: content,
		Summary: summary, MediaType: "text/html", URL: activitypub.ID(link), AttributedTo: activitypub.ID(actor),
		To: activitypub.Strings{activitypub.Public}, Cc: activitypub.Strings{actor + "/followers"},
		Published: activitypub.At(p.PublishedAt), Replies: activitypub.ID(st.Base + activitypub.Prefix + "posts/" + itoa64(p.ID) + "/replies")}
	s.reactionCollections(ctx, st, p, o)
	if p.UpdatedAt.After(p.PublishedAt) {
		o.Updated = activitypub.At(p.UpdatedAt)
	}
	for _, t := range p.Tags {
		o.Tag = append(o.Tag, activitypub.Tag{Type: "Hashtag", Href: st.Abs(st.TagPath(t)), Name: "#" + strings.ReplaceAll(t.Name, " ", "")})
	}
	if img := absoluteURL(st, p.FeaturedImageURL); img != "" {
		o.Attachment = []activitypub.Image{{Type: "Image", MediaType: mime.TypeByExtension(path.Ext(img)), URL: img, Name: p.FeaturedImageAlt}}
		o.Image = &o.Attachment[0]
	}
	if st.Federation.Notes {
		// Mastodon shows a Note's summary as a content warning, and a Note has no title: the
		// title leads the text and the excerpt stays out.
		o.Name, o.Summary = "", ""
		o.Content = `<p><strong>` + html.EscapeString(p.Title) + `</strong></p>` + o.Content
	}
	return o, nil
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// answerObject writes a post object, or the Tombstone of a trashed post.
func (s *Server) answerObject(w http.ResponseWriter, ctx context.Context, st *site, p *broadside.Post) error {
	o, err := s.postObject(ctx, st, p)
	if g, ok := err.(*errGone); ok {
		writeAS(w, http.StatusGone, activitypub.Object{Context: activitypub.Context, ID: g.id, Type: "Tombstone", FormerType: string(activitypub.PostKind(st.Federation))})
		return nil
	}
	if err != nil {
		return err
	}
	writeAS(w, http.StatusOK, o)
	return nil
}

// Permalink is p's permalink, its ActivityStreams id (the federation service's PostURL),
// under settings set and the category tree cats. It reads nothing: the federation asks it
// inside the transaction that changed p, and gives it what it read there.
func (s *Server) Permalink(set broadside.Settings, cats []broadside.Category, p *broadside.Post) string {
	st := s.siteOf(set)
	st.cats, st.catOK = cats, true
	return st.Abs(st.PostPath(p))
}

// FederationObject is p as the federation sends it (the federation service's PostObject):
// the object its permalink answers with.
func (s *Server) FederationObject(ctx context.Context, p *broadside.Post) (*activitypub.Object, error) {
	st, err := s.site(ctx)
	if err != nil {
		return nil, err
	}
	st.categories(ctx, s)
	return s.postObject(ctx, st, p)
}
