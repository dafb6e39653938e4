package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestNotifyChangedIsTransactional: an announcement queued in a transaction reaches the
// other node when the transaction commits, with nothing else sent by the writer afterwards
// (it may crash right after its commit), and a rolled-back transaction announces nothing.
func TestNotifyChangedIsTransactional(t *testing.T) {
	dsn := testdb.Postgres(t)
	writer, other := openStore(t, dsn), openStore(t, dsn)
	writer.AnnounceAs("writer")
	ctx, cancel := context.WithCancel(context.Background())
	heard := make(chan string, 16)
	listening := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = other.Listen(ctx, store.ChangedChannel, func(p string) { heard <- p }, nil, func(ok bool, _ error) {
			if ok {
				listening <- struct{}{}
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-listening:
	case <-time.After(30 * time.Second):
		t.Fatal("listener never connected")
	}
	next := func() string {
		t.Helper()
		select {
		case p := <-heard:
			return p
		case <-time.After(30 * time.Second):
			t.Fatal("no announcement within 30 s")
			return ""
		}
	}

	u := &broadside.User{Email: "rolled@example.com", Login: "rolled", Role: broadside.RoleAuthor, CreatedAt: t0}
	boom := errors.New("boom")
	err := writer.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.NotifyChanged(ctx); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v, want the callback's error", err)
	}
	// A later committed announcement with another payload marks the end: PostgreSQL delivers
	// notifications in commit order, so anything the rollback had sent would come first.
	other2 := openStore(t, dsn)
	other2.AnnounceAs("marker")
	must(t, other2.InTx(ctx, func(tx *store.Store) error { return tx.NotifyChanged(ctx) }))
	if p := next(); p != "marker" {
		t.Fatalf("heard %q before the marker: a rolled-back transaction announced its change", p)
	}

	must(t, writer.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateUser(ctx, &broadside.User{Email: "kept@example.com", Login: "kept", Role: broadside.RoleAuthor, CreatedAt: t0}); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}))
	// The writer does nothing more; the commit alone carried the announcement.
	if p := next(); p != "writer" {
		t.Fatalf("heard %q, want the writer's announcement", p)
	}
}

// TestNotifyChangedSQLite: one node, nobody to tell; the write still commits.
func TestNotifyChangedSQLite(t *testing.T) {
	s := openStore(t, t.TempDir()+"/b.db")
	s.AnnounceAs("only")
	ctx := context.Background()
	must(t, s.InTx(ctx, func(tx *store.Store) error { return tx.NotifyChanged(ctx) }))
}

// TestNotifyChangedTags: what a transaction announces reaches this node (OnChanged) once,
// after the commit, with the cache tags of all its announcements (none: everything), and
// nothing of a rolled-back one; other nodes read the same tags from the payload.
func TestNotifyChangedTags(t *testing.T) {
	s := openStore(t, t.TempDir()+"/b.db")
	s.AnnounceAs("here")
	var heard [][]string
	s.OnChanged(func(tags []string) { heard = append(heard, tags) })
	ctx := context.Background()
	must(t, s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.NotifyChanged(ctx, "post:1", "cat:2"); err != nil {
			return err
		}
		if len(heard) != 0 {
			t.Fatal("heard before the commit")
		}
		return tx.NotifyChanged(ctx, "post:2", "cat:2")
	}))
	if len(heard) != 1 || strings.Join(heard[0], " ") != "post:1 cat:2 post:2" {
		t.Fatalf("heard %q, want one change with post:1 cat:2 post:2", heard)
	}
	_ = s.InTx(ctx, func(tx *store.Store) error {
		_ = tx.NotifyChanged(ctx, "post:3")
		return errors.New("rolled back")
	})
	must(t, s.InTx(ctx, func(tx *store.Store) error {
		if err := tx.NotifyChanged(ctx, "post:4"); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}))
	if len(heard) != 2 || heard[1] != nil {
		t.Fatalf("heard %q, want a second change to everything and nothing of the rollback", heard)
	}
	for payload, want := range map[string]string{"n1": "n1 []", "n1\npost:1 year:2026": "n1 [post:1 year:2026]", "n1\n": "n1 []"} {
		node, tags := store.ParseChange(payload)
		if got := node + " " + fmt.Sprint(tags); got != want {
			t.Errorf("ParseChange(%q) = %s, want %s", payload, got, want)
		}
	}
}
