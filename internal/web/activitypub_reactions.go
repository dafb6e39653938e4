package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// reactionCounts are post p's likes and boosts from the fediverse; none when federation is
// not wired (a failure to count is logged, not a failed page).
func (s *Server) reactionCounts(ctx context.Context, p *broadside.Post) broadside.ReactionCounts {
	if s.Federation == nil || p.Type != broadside.TypePost {
		return broadside.ReactionCounts{}
	}
	c, err := s.Federation.Reactions(ctx, p.ID)
	if err != nil {
		s.Log.Warn("activitypub: reaction counts", "post", p.ID, "err", err)
	}
	return c
}

// reactionCollections are the likes and shares collections of p's object: their counts,
// as Mastodon gives them (who liked is shown to the publisher, not listed to the world).
func (s *Server) reactionCollections(ctx context.Context, st *site, p *broadside.Post, o *activitypub.Object) {
	c := s.reactionCounts(ctx, p)
	base := st.Base + activitypub.Prefix + "posts/" + itoa64(p.ID)
	o.Likes = &activitypub.Collection{ID: base + "/likes", Type: "Collection", TotalItems: activitypub.Count(c.Likes)}
	o.Shares = &activitypub.Collection{ID: base + "/shares", Type: "Collection", TotalItems: activitypub.Count(c.Boosts)}
}

// answerReactions is a post's likes or shares collection (posts/ID/likes, posts/ID/shares):
// its count, for a post the federation may show.
func (s *Server) answerReactions(w http.ResponseWriter, ctx context.Context, st *site, rest string) error {
	idText, which, _ := strings.Cut(rest, "/")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return errNotFound
	}
	p, err := s.Posts.Get(ctx, id)
	if err != nil {
		return err
	}
	o, err := s.postObject(ctx, st, p)
	if err != nil {
		return errNotFound
	}
	c := o.Likes
	if which == "shares" {
		c = o.Shares
	}
	c.Context = activitypub.ContextAS
	writeAS(w, http.StatusOK, c)
	return nil
}
