package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// PostAt returns the post or page that ref, one of the site's addresses, names (the
// federation service's PostAt, for the inReplyTo of a fediverse reply): its permalink (as
// content negotiation answers it), the ?p=ID or ?page_id=ID shortlink, or a page's path.
// Whether a remote reader may comment on it is not decided here: the comments service asks
// the access rule.
func (s *Server) PostAt(ctx context.Context, ref string) (*broadside.Post, error) {
	st, err := s.site(ctx)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(ref)
	base, berr := url.Parse(st.Base)
	if err != nil || berr != nil || !strings.EqualFold(u.Host, base.Host) {
		return nil, errNotFound
	}
	path := strings.TrimPrefix(u.Path, strings.TrimSuffix(base.Path, "/"))
	if path == "" {
		path = "/"
	}
	q := u.Query()
	for _, param := range []string{"p", "page_id"} {
		if v := q.Get(param); v != "" && path == "/" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return nil, errNotFound
			}
			return s.Posts.Get(ctx, s.resolve(ctx, broadside.WPPost, id))
		}
	}
	if m, ok := st.perm.Match(path); ok {
		if p, err := s.postFromMatch(ctx, m); err == nil {
			return p, nil
		}
	}
	st.categories(ctx, s)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, typ := range []broadside.PostType{broadside.TypePage, broadside.TypePost} {
		if p, err := s.Posts.BySlug(ctx, typ, segs[len(segs)-1]); err == nil && strings.TrimSuffix(st.PostPath(p), "/") == strings.TrimSuffix(path, "/") {
			return p, nil
		}
	}
	return nil, errNotFound
}
