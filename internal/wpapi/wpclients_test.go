package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// go-wordpress sends "content":{} and "title":{} (objects without raw) on every update, and
// WordPress leaves those fields alone; so does null.
func TestAPIUpdateWithEmptyObjectsKeepsFields(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	p := s.publish(s.Admin, "Kept title", "<p>Kept body.</p>")
	for _, body := range []string{
		`{"content":{},"title":{},"excerpt":{}}`,
		`{"content":null,"title":null,"excerpt":null}`,
		`{"content":{"rendered":"<p>ignored</p>"},"title":{"rendered":"ignored"}}`,
	} {
		r := s.do(call{method: http.MethodPost, path: fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), body: body,
			user: s.Admin.Login, pass: s.appPassword(s.Admin), header: map[string]string{"Content-Type": "application/json"}})
		wantStatus(t, r, http.StatusOK)
		got, err := s.App.Posts.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Title != "Kept title" || got.RawBody != "<p>Kept body.</p>" {
			t.Fatalf("%s: title %q, body %q", body, got.Title, got.RawBody)
		}
	}
	// A comment's content the same way.
	c := &broadside.Comment{PostID: p.ID, AuthorName: "Al", RawBody: "Kept comment.", Status: broadside.CommentApproved}
	if err := s.App.Store.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	r := api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/comments/%d", c.ID), map[string]any{"content": map[string]any{}})
	wantStatus(t, r, http.StatusOK)
	if got, _ := s.App.Comments.Get(ctx, c.ID); got == nil || got.RawBody != "Kept comment." {
		t.Fatalf("comment after {} update: %+v", got)
	}
}

// Go's zero time, "0001-01-01T00:00:00", is what go-wordpress sends for a date it was not
// given. It is not silently replaced with now: the request is refused naming the field, and
// the post is unchanged.
func TestAPIZeroDateRefused(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	p := s.publish(s.Admin, "Dated", "<p>x</p>")
	for _, body := range []string{
		`{"title":"x","date":"0001-01-01T00:00:00"}`,
		`{"title":"x","date_gmt":"0001-01-01T00:00:00"}`,
		`{"title":"x","date":"0001-01-01T00:00:00Z"}`,
		`{"title":"x","date":"0999-12-31T23:59:59"}`,
	} {
		param := "date"
		if strings.Contains(body, "date_gmt") {
			param = "date_gmt"
		}
		for _, path := range []string{"/wp-json/wp/v2/posts", fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID)} {
			r := s.do(call{method: http.MethodPost, path: path, body: body, user: s.Admin.Login, pass: s.appPassword(s.Admin),
				header: map[string]string{"Content-Type": "application/json"}})
			data := wantError(t, r, http.StatusBadRequest, "rest_invalid_param")
			if params, _ := data["params"].(map[string]any); params[param] == nil {
				t.Errorf("%s %s: params %v lack %s", path, body, data["params"], param)
			}
		}
	}
	got, _ := s.App.Posts.Get(ctx, p.ID)
	if got.Title != "Dated" || !got.PublishedAt.Equal(p.PublishedAt) {
		t.Fatalf("refused update changed the post: %+v", got)
	}
}
