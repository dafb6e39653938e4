package comments

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	broadside "github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// TestLongUserAgentCutByCharacters: a reader's User-Agent is stored cut to 255, and a cut in
// the middle of a character made invalid UTF-8, which PostgreSQL refuses, losing the comment.
func TestLongUserAgentCutByCharacters(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		nodes, st := twoNodes(t, dsn, clock)
		setDiscussion(t, st, func(d *broadside.Discussion) {
			d.ModerationMode = broadside.ModeratePublish
			d.MinSubmitSeconds = 0
		})
		p := seedPost(t, st, now.Add(-time.Hour))
		ua := strings.Repeat("é", 300) // 600 bytes: byte 255 falls inside an é
		c, err := nodes[0].Submit(ctx, Submission{PostID: p.ID, Author: "Pat", Email: "pat@example.net",
			Body: "A comment from a long browser name", IP: "192.0.2.1", UserAgent: ua, Via: ViaForm,
			Stamp: nodes[0].Stamp(p.ID, false)})
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		got, err := st.CommentByID(ctx, c.Comment.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.ValidString(got.UserAgent) || got.UserAgent != strings.Repeat("é", 255) {
			t.Errorf("user agent stored as %q (%d bytes), want the first 255 characters", got.UserAgent, len(got.UserAgent))
		}
	})
}
