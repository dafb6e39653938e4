package app

import (
	"context"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/store"
)

// siteLanguage is the site's language setting as search reads it (issue 13): the one place
// that knows which field holds it.
func siteLanguage(set broadside.Settings) string {
	return set.Language
}

// wireSearch gives search the site language, read from the database rather than the settings
// cache (the reindex job must see the value whose change queued it), runs its reindex job,
// and queues a reindex when the index and the setting disagree at startup (a site whose
// language was set by an import or by another tool).
func (a *App) wireSearch(ctx context.Context, st *store.Store) error {
	a.Search.Language = func(ctx context.Context) (string, error) {
		set, err := st.LoadSettings(ctx)
		return siteLanguage(set), err
	}
	a.Worker.Handle(search.JobReindex, a.Search.ReindexHandler())
	lang, err := a.Search.Language(ctx)
	if err != nil {
		return err
	}
	_, err = search.EnqueueReindex(ctx, st, lang, a.Now())
	return err
}
