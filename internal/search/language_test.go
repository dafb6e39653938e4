package search_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestReindexFollowsSiteLanguage: changing the site language queues one durable reindex job
// (in the caller's transaction); the job, run by the real worker, rebuilds the index in the
// language the site has when it runs, after which French stemming answers on PostgreSQL and
// nothing more is queued. Chinese results are highlighted character by character.
func TestReindexFollowsSiteLanguage(t *testing.T) {
	testdb.ForEachDialect(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := testdb.Open(t, dsn)
		u := &broadside.User{Email: "a@example.org", Login: "ann", Role: broadside.RoleAuthor, CreatedAt: now}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		for slug, body := range map[string]string{"fr": "Les élections municipales ont eu lieu.", "zh": "今天的选举结果已经公布。"} {
			p := &broadside.Post{Type: broadside.TypePost, AuthorID: u.ID, Title: slug, Slug: slug, RawBody: body,
				BodyFormat: broadside.FormatMarkdown, Status: broadside.StatusPublished, PublishedAt: now.Add(-time.Hour),
				CreatedAt: now, UpdatedAt: now}
			if err := st.CreatePost(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		site := "en"
		s := &search.Service{Store: st, Render: render.New(), Now: func() time.Time { return now },
			Language: func(context.Context) (string, error) { return site, nil }}

		if queued, err := search.EnqueueReindex(ctx, st, "", now); err != nil || queued {
			t.Fatalf("English site, English index: queued %v (%v)", queued, err)
		}
		site = "fr"
		err := st.InTx(ctx, func(tx *store.Store) error {
			queued, err := search.EnqueueReindex(ctx, tx, site, now)
			if err == nil && !queued {
				t.Error("nothing queued for a new language")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if queued, _ := search.EnqueueReindex(ctx, st, site, now); !queued { // same job: a no-op
			t.Error("EnqueueReindex reported nothing queued while the index is still English")
		}
		if q, _ := st.ListJobs(ctx, store.JobQueued, 10); len(q) != 1 || q[0].Kind != search.JobReindex {
			t.Fatalf("queued jobs = %+v, want one %s", q, search.JobReindex)
		}

		w := jobs.NewWorker(st, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
		w.Handle(search.JobReindex, s.ReindexHandler())
		if ran, err := w.RunOne(ctx); err != nil || !ran {
			t.Fatalf("RunOne: ran %v, %v", ran, err)
		}
		if lang, err := st.SearchLanguage(ctx); err != nil || lang != "fr" {
			t.Fatalf("index language after the job: %q (%v)", lang, err)
		}
		if queued, err := search.EnqueueReindex(ctx, st, "fr-FR", now); err != nil || queued {
			t.Fatalf("after the reindex: queued %v (%v)", queued, err)
		}

		res, err := s.Search(ctx, search.Query{Text: "élection municipale"})
		if err != nil || len(res.Hits) != 1 || res.Hits[0].Post.Slug != "fr" {
			t.Fatalf("élection municipale: %+v, %v", res.Hits, err)
		}
		res, err = s.Search(ctx, search.Query{Text: "选举"})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("选举: %+v, %v", res.Hits, err)
		}
		if got := string(res.Hits[0].Snippet); got != "今天的<mark>选</mark><mark>举</mark>结果已经公布。" {
			t.Errorf("snippet = %s", got)
		}
	})
}
