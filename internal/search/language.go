package search

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// JobReindex rebuilds the search index in the site's language (broadside.SearchLanguage):
// PostgreSQL stems each language with its own text-search configuration, so the index built
// for English cannot answer a French search. It is enqueued in the transaction that changes
// the language, and at startup when the index and the setting disagree (an import that
// adopted its export's language, a database restored from elsewhere).
const JobReindex = "search.reindex"

// LanguageStore is what EnqueueReindex needs: the index's language and the job queue, from
// the transaction changing the setting.
type LanguageStore interface {
	jobs.Store
	SearchLanguage(ctx context.Context) (string, error)
}

// EnqueueReindex queues JobReindex when the index is not in siteLanguage's search language,
// and reports whether it did. One job per target language: a language changed twice while a
// job runs gets a second job, and each job indexes in the language the site has when it runs.
func EnqueueReindex(ctx context.Context, st LanguageStore, siteLanguage string, now time.Time) (bool, error) {
	want := broadside.SearchLanguage(siteLanguage)
	have, err := st.SearchLanguage(ctx)
	if err != nil {
		return false, err
	}
	if have == want {
		return false, nil
	}
	if err := jobs.Enqueue(ctx, st, JobReindex, JobReindex+":"+want, now, reindexPayload{Language: want}); err != nil {
		return false, fmt.Errorf("search: queue reindex in %q: %w", want, err)
	}
	return true, nil
}

// reindexPayload names the language the job was queued for, for people reading the queue;
// the job indexes in the site's language when it runs.
type reindexPayload struct {
	Language string `json:"language"`
}

// Reindex rebuilds the index in the site's current language (Service.Language) and returns
// how many posts it indexed.
func (s *Service) Reindex(ctx context.Context) (int, error) {
	site, err := s.Language(ctx)
	if err != nil {
		return 0, err
	}
	lang := broadside.SearchLanguage(site)
	return s.Store.ReindexSearch(ctx, lang, broadside.TextSearchConfig(lang))
}

// ReindexHandler runs JobReindex.
func (s *Service) ReindexHandler() jobs.Handler {
	return func(ctx context.Context, _ []byte) error {
		_, err := s.Reindex(ctx)
		return err
	}
}

var _ LanguageStore = (*store.Store)(nil)
