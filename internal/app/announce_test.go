package app_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/aptest"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestPublicWritesAnnounce: every kind of write that changes what readers see tells the other
// nodes, from inside its transaction. A second store on the same PostgreSQL listens like
// another node would; each write must be heard, however it was made (service hooks removed,
// as if the writer died right after its commit).
func TestPublicWritesAnnounce(t *testing.T) {
	t.Parallel()
	dsn := testdb.Postgres(t)
	cfg := config.Defaults()
	cfg.DB = dsn
	cfg.DataDir = t.TempDir()
	_, postID := prepare(t, cfg)
	ctx := context.Background()
	a, err := openApp(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.Posts.Changed, a.Settings.Changed, a.Auth.Changed, a.Media.Changed = nil, nil, nil, nil

	other, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	heard := make(chan string, 100)
	connected := make(chan struct{}, 1)
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = other.Listen(lctx, store.ChangedChannel, func(p string) { heard <- p }, nil, func(ok bool, _ error) {
			if ok {
				select {
				case connected <- struct{}{}:
				default:
				}
			}
		})
	}()
	defer func() { stop(); <-done }()
	select {
	case <-connected:
	case <-time.After(30 * time.Second):
		t.Fatal("the second node never started listening")
	}

	admin, err := a.Store.UserByEmail(ctx, "ed@example.org")
	if err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 4, 3))); err != nil {
		t.Fatal(err)
	}
	c := &broadside.Comment{PostID: postID, AuthorName: "Reader", AuthorEmail: "r@example.org", RawBody: "Hello.",
		Status: broadside.CommentApproved, CreatedAt: time.Now()}
	if err := a.Store.CreateComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	m, err := a.Media.Upload(ctx, admin, "photo.png", &img)
	if err != nil {
		t.Fatal(err)
	}

	writes := []struct {
		kind  string
		write func() error
	}{
		{"display name", func() error {
			_, err := a.Auth.UpdateProfile(ctx, admin, "Edwina Renamed", "", "")
			return err
		}},
		{"password reset", func() error { return a.Auth.SetPassword(ctx, admin, "another long enough password") }},
		{"media alt text and caption", func() error {
			_, err := a.Media.Update(ctx, admin, m.ID, media.Details{Title: "Photo", Alt: "A grey square", Caption: "Grey."})
			return err
		}},
		{"media delete", func() error { return a.Media.Delete(ctx, admin, m.ID) }},
		{"settings", func() error {
			set, err := a.Settings.Load(ctx)
			if err != nil {
				return err
			}
			set.Title = "Announced Gazette"
			return a.Settings.Save(ctx, set, admin)
		}},
		{"category", func() error {
			return a.Posts.SaveCategory(ctx, &broadside.Category{Name: "Announced", Slug: "announced"}, admin)
		}},
		{"tag", func() error { return a.Posts.SaveTag(ctx, &broadside.Tag{Name: "Heard", Slug: "heard"}, admin) }},
		{"comment moderation", func() error {
			_, err := a.Comments.SetStatus(ctx, []int64{c.ID}, broadside.CommentSpam, admin)
			return err
		}},
		{"post edit", func() error {
			p, err := a.Posts.Get(ctx, postID)
			if err != nil {
				return err
			}
			_, err = a.Posts.Save(ctx, postID, posts.Input{Type: broadside.TypePost, Title: p.Title, Slug: p.Slug,
				Body: "Edited.", Status: broadside.StatusPublished, CommentsOpen: true}, admin)
			return err
		}},
	}
	for _, w := range writes {
		for len(heard) > 0 {
			<-heard
		}
		if err := w.write(); err != nil {
			t.Fatalf("%s: %v", w.kind, err)
		}
		select {
		case p := <-heard:
			if strings.TrimSpace(p) == "" {
				t.Errorf("%s: announced without naming the node", w.kind)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s: no other node heard of it", w.kind)
		}
	}
}

// openApp opens a node on cfg without serving it; it is closed when the test ends.
func openApp(t *testing.T, cfg config.Config) (*app.App, error) {
	t.Helper()
	a, err := app.Open(context.Background(), cfg, quietLog(), app.Options{NoCache: true, GenerateKey: aptest.NewKeyPEM})
	if err == nil {
		t.Cleanup(func() { a.Close() })
	}
	return a, err
}
