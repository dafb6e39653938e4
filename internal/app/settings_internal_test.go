package app

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// A Load that read the settings before a purge must not cache what it read. The interleaving
// is forced: another node saves new settings and this node's listener purges exactly between
// the read and the caching; the next Load must see the new title, not the stale one for
// settingsTTL.
func TestSettingsLoadDoesNotRecacheAcrossPurge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, testdb.SQLite(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := &SettingsService{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	old, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.forget()
	s.readHook = func() {
		s.readHook = nil
		set := old
		set.Title = "Saved elsewhere"
		if err := st.SaveSettings(ctx, set); err != nil {
			t.Error(err)
		}
		s.forget() // the notification from the other node arrives
	}
	if got, _ := s.Load(ctx); got.Title != old.Title {
		t.Fatalf("the racing Load read %q; the interleaving did not happen as planned", got.Title)
	}
	got, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Saved elsewhere" {
		t.Fatalf("after the purge Load returned %q: a read begun before the purge was cached", got.Title)
	}
}
