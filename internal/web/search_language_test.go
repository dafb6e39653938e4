package web_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testdb"
)

// TestSearchAnyScriptHTTP: the search page finds Chinese posts by two-character words (with
// the characters marked in the snippet), Persian ones whichever letters the reader's keyboard
// types, and French plurals by their singular, on SQLite and PostgreSQL; query syntax of
// either database typed into the box is only ever words.
func TestSearchAnyScriptHTTP(t *testing.T) {
	t.Parallel()
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ta := newTestApp(t, withDSN(dsn))
		ed := ta.user("ed@example.org", broadside.RoleEditor)
		at := func(in *posts.Input) { in.PublishedAt = ta.Clock.Now().Add(-time.Hour) }
		ta.publish(ed, "新闻", "今天的选举结果已经公布，市民们非常关心。", at)
		ta.publish(ed, "انتخابات", "ما می\u200cخواهیم در کشور ایران یک آینده روشن بسازیم.", at)
		ta.publish(ed, "Résultats", "L'élection municipale a eu lieu dimanche.", at)
		ta.publish(ed, "Brouillon", "选举 ایران élection", func(in *posts.Input) { in.Status = broadside.StatusDraft })
		b := ta.browser()
		for q, want := range map[string]string{
			"选举": "新闻", "结果": "新闻", "ايران كشور": "انتخابات", "élections": "Résultats",
		} {
			r := b.get("/?s=" + url.QueryEscape(q))
			wantStatus(t, r, 200)
			if got := resultTitles(t, r.Body); strings.Join(got, "|") != want {
				t.Errorf("search %q: %q, want %q", q, got, want)
			}
		}
		if r := b.get("/?s=" + url.QueryEscape("选举")); !strings.Contains(r.Body, "<mark>选</mark><mark>举</mark>") {
			t.Errorf("Chinese match not marked:\n%s", r.Body)
		}
		for _, q := range []string{`"`, `*`, `-`, `NEAR(`, `选举" OR "x`, `title:选举`, `{title body}:x`, `选举*`, `-选举`,
			`'; DROP TABLE posts; --`, `<script>alert(1)</script>`, `élection AND NOT`} {
			r := b.get("/?s=" + url.QueryEscape(q))
			wantStatus(t, r, 200)
			if strings.Contains(r.Body, "Brouillon") || strings.Contains(r.Body, "<script>alert(1)") {
				t.Errorf("search %q leaked a draft or markup", q)
			}
		}
	})
}
