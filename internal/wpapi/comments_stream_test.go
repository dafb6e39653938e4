package wpapi_test

import (
	"fmt"
	"testing"

	"github.com/broadside/broadside"
)

// TestCommentListStreamedAsBuilt: a plain comment list is encoded comment by comment as its
// objects are built; the answer must be byte for byte the one built as a whole (which
// _fields naming every field still takes), in both contexts, and stay so when pooled answer
// buffers are reused by requests in between.
func TestCommentListStreamedAsBuilt(t *testing.T) {
	s := newSite(t)
	editor := s.as(s.user("editor@example.org", broadside.RoleEditor))
	base := fmt.Sprintf("/wp-json/wp/v2/comments?post=%d&per_page=100", s.Seed.ID)
	view := "id,post,parent,author,author_name,author_url,date,date_gmt,content,link,status,type,author_avatar_urls,meta,_links"
	edit := "id,post,parent,author,author_name,author_email,author_url,author_ip,author_user_agent,date,date_gmt," +
		"content,link,status,type,author_avatar_urls,meta,broadside_moderation,broadside_remote,_links"
	for _, c := range []struct {
		name   string
		get    func(string) *reply
		query  string
		fields string
	}{
		{"view", s.get, "", view},
		{"edit", func(p string) *reply { return editor("GET", p, nil) }, "&context=edit", edit},
		{"page 2", s.get, "&per_page=7&page=2", view},
	} {
		streamed := c.get(base + c.query)
		s.get("/wp-json/wp/v2/posts") // another answer through the pooled buffers
		built := c.get(base + c.query + "&_fields=" + c.fields)
		again := c.get(base + c.query)
		if streamed.Status != 200 || len(streamed.list()) == 0 {
			t.Fatalf("%s: %d %.300s", c.name, streamed.Status, streamed.Raw)
		}
		if streamed.Raw != built.Raw {
			t.Errorf("%s: streamed answer differs from the built one\nstreamed %.400s\nbuilt    %.400s", c.name, streamed.Raw, built.Raw)
		}
		if again.Raw != streamed.Raw {
			t.Errorf("%s: the same request answered differently the second time", c.name)
		}
		for _, h := range []string{"X-WP-Total", "X-WP-TotalPages", "Content-Length"} {
			if streamed.Header.Get(h) != built.Header.Get(h) {
				t.Errorf("%s: %s = %q, built answer's %q", c.name, h, streamed.Header.Get(h), built.Header.Get(h))
			}
		}
	}
}
