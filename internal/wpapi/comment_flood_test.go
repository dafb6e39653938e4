package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// A comment refused for coming too fast says when the next one will be taken: the wait the
// comments service's sliding window computed, as every other throttled answer of the API
// does, not a fixed minute.
func TestCommentFloodRetryAfterIsTheWindowsWait(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	post := s.publish(s.Admin, "Open", "x")
	set, _ := s.App.Settings.Load(ctx)
	set.Discussion.RateLimitPerMinute = 2
	if err := s.App.Settings.Save(ctx, set, s.Admin); err != nil {
		t.Fatal(err)
	}
	comment := func(n int) *reply {
		return s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/comments", header: map[string]string{},
			body: map[string]any{"post": post.ID, "author_name": "Ann", "author_email": "ann@example.net", "content": fmt.Sprintf("Comment %d", n)}})
	}
	wantStatus(t, comment(1), http.StatusCreated)
	wantStatus(t, comment(2), http.StatusCreated)
	s.Clock.Advance(40 * time.Second)
	last := comment(3)
	wantError(t, last, http.StatusBadRequest, "comment_flood")
	if ra, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || ra <= 0 || ra > 30 {
		t.Errorf("Retry-After %q 40 s into a one-minute window, want the remaining seconds", last.Header.Get("Retry-After"))
	}
}
