package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/testdb"
	"github.com/broadside/broadside/internal/testimg"
)

// failingNewWebP is the directory storage refusing to store the WebP of the new 200-pixel
// size: a re-run of processing that breaks off after the other sizes were made again.
type failingNewWebP struct{ media.Dir }

func (f failingNewWebP) Put(ctx context.Context, key string, r io.Reader) (int64, error) {
	if strings.Contains(key, "-200x") && strings.HasSuffix(key, ".webp") {
		return 0, errors.New("storage refused the write")
	}
	return f.Dir.Put(ctx, key, r)
}

// TestFailedRerunKeepsListedSizes: when processing a file again (the sizes changed) fails
// partway, every size the file's row still lists is still there to serve (a srcset never
// points at a missing file).
func TestFailedRerunKeepsListedSizes(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "photo.jpg", bytes.NewReader(testimg.JPEG(t, 800, 600)))
	if err != nil {
		t.Fatal(err)
	}
	process(t, f.st, f.svc)
	m, _ = f.st.MediaByID(ctx, m.ID)
	if len(m.Sizes) == 0 {
		t.Fatal("no sizes after the first run")
	}
	// The publisher adds a size; making it fails.
	broken := *f.svc
	broken.Storage = failingNewWebP{media.Dir{Root: f.dir}}
	broken.Sizes = append(append([]media.SizeSpec{}, media.DefaultSizes...), media.SizeSpec{Name: "small", Width: 200})
	if err := broken.Process(ctx, m.ID); err == nil {
		t.Fatal("the re-run with a failing storage succeeded")
	}
	m, _ = f.st.MediaByID(ctx, m.ID)
	for _, v := range m.Sizes {
		obj, _, err := f.svc.Open(ctx, v.Key)
		if err != nil {
			t.Errorf("size %s (%s) is listed but gone: %v", v.Name, v.Key, err)
			continue
		}
		obj.Close()
	}
}

// unreadable is a storage whose reads fail: the original cannot be fetched to process it.
type unreadable struct{ media.Dir }

func (unreadable) Open(context.Context, string) (media.Object, error) {
	return nil, errors.New("storage unreachable")
}

// TestProcessingGivesUpVisibly: when the storage keeps failing through every retry, the file
// ends marked failed with the reason, not "being made" for ever.
func TestProcessingGivesUpVisibly(t *testing.T) {
	f := setup(t, testdb.SQLite(t))
	ctx := context.Background()
	m, err := f.svc.Upload(ctx, f.author, "photo.jpg", bytes.NewReader(testimg.JPEG(t, 400, 300)))
	if err != nil {
		t.Fatal(err)
	}
	broken := *f.svc
	broken.Storage = unreadable{media.Dir{Root: f.dir}}
	now := time.Now()
	w := jobs.NewWorker(f.st, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
	w.Handle(media.JobProcess, broken.ProcessHandler(), jobs.InLane(media.Lane))
	for range 30 { // 10 attempts, each after its backoff
		if _, err := w.RunOne(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
	}
	m, _ = f.st.MediaByID(ctx, m.ID)
	if m.Processing != broadside.MediaFailed || !strings.Contains(m.ProcessError, "storage unreachable") {
		t.Fatalf("after every retry failed: %q %q", m.Processing, m.ProcessError)
	}
}
