package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/media"
)

// testStorage is the contract every Storage keeps, run against the directory and against a
// real S3-compatible server (s3_test.go): all of a file or nothing, never a replaced file,
// seekable reads for ranged requests, idempotent deletes, no key that leaves the store.
func testStorage(t *testing.T, st media.Storage) {
	ctx := context.Background()
	n, err := st.Put(ctx, "2026/12/a-1.jpg", strings.NewReader("hello"))
	if err != nil || n != 5 {
		t.Fatalf("Put = %d, %v", n, err)
	}
	if _, err := st.Put(ctx, "2026/12/a-1.jpg", strings.NewReader("other")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite: %v", err)
	}
	if got := read(t, st, "2026/12/a-1.jpg"); got != "hello" {
		t.Fatalf("after a refused overwrite the file holds %q", got)
	}
	obj, err := st.Open(ctx, "2026/12/a-1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size() != 5 || obj.ModTime().IsZero() {
		t.Fatalf("size %d, mod time %v", obj.Size(), obj.ModTime())
	}
	// Seeking is what Range requests (audio and video) are made of.
	seekRead := func(off int64, whence int, n int) string {
		t.Helper()
		if _, err := obj.Seek(off, whence); err != nil {
			t.Fatalf("Seek(%d, %d): %v", off, whence, err)
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(obj, b); err != nil {
			t.Fatalf("read after Seek(%d, %d): %v", off, whence, err)
		}
		return string(b)
	}
	if got := seekRead(1, io.SeekStart, 3); got != "ell" {
		t.Errorf("Seek(1) read %q", got)
	}
	if got := seekRead(-2, io.SeekEnd, 2); got != "lo" {
		t.Errorf("Seek(-2, end) read %q", got)
	}
	if end, err := obj.Seek(0, io.SeekEnd); err != nil || end != 5 {
		t.Errorf("Seek(0, end) = %d, %v", end, err)
	}
	obj.Close()

	// A reader that fails halfway leaves nothing, and its error is the one returned.
	broken := io.MultiReader(strings.NewReader("half"), errReader{})
	if _, err := st.Put(ctx, "2026/12/b-1.jpg", broken); !errors.Is(err, errReset) {
		t.Fatalf("a broken stream: %v", err)
	}
	if _, err := st.Open(ctx, "2026/12/b-1.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a broken stream left something: %v", err)
	}
	// So does one that fails after more than one S3 part (a multipart upload to abort).
	big := bytes.Repeat([]byte("0123456789abcdef"), 18<<20/16)
	if _, err := st.Put(ctx, "2026/12/c-1.mp4", io.MultiReader(bytes.NewReader(big), errReader{})); !errors.Is(err, errReset) {
		t.Fatalf("a broken large stream: %v", err)
	}
	if _, err := st.Open(ctx, "2026/12/c-1.mp4"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a broken large stream left something: %v", err)
	}
	// A whole large file reads back, seekable in its later parts.
	if n, err := st.Put(ctx, "2026/12/d-1.mp4", bytes.NewReader(big)); err != nil || n != int64(len(big)) {
		t.Fatalf("large Put = %d, %v", n, err)
	}
	obj, err = st.Open(ctx, "2026/12/d-1.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if obj.Size() != int64(len(big)) {
		t.Errorf("large size %d", obj.Size())
	}
	if got := seekRead(17<<20+3, io.SeekStart, 8); got != string(big[17<<20+3:17<<20+11]) {
		t.Errorf("large seek read %q", got)
	}
	obj.Close()
	if err := st.Delete(ctx, "2026/12/d-1.mp4"); err != nil {
		t.Fatal(err)
	}

	// A cancelled request stores nothing.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.Put(cctx, "2026/12/e-1.jpg", strings.NewReader("x")); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
	if _, err := st.Open(ctx, "2026/12/e-1.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a cancelled Put left something: %v", err)
	}

	for _, k := range []string{"../outside.txt", "/etc/passwd", "2026/12/.hidden", "2026/12/", ""} {
		if o, err := st.Open(ctx, k); err == nil {
			o.Close()
			t.Errorf("Open(%q) succeeded", k)
		}
	}
	for _, k := range []string{"../x.jpg", "/tmp/x.jpg", "a/../../x.jpg", ".x", "a\\b.jpg"} {
		if _, err := st.Put(ctx, k, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) succeeded", k)
		}
	}
	if err := st.Delete(ctx, "2026/12/a-1.jpg"); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "2026/12/a-1.jpg"); err != nil {
		t.Fatalf("deleting a missing file: %v", err)
	}
	if _, err := st.Open(ctx, "2026/12/a-1.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open after Delete: %v", err)
	}
}

func read(t *testing.T, st media.Storage, key string) string {
	t.Helper()
	obj, err := st.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The directory storage keeps the contract, leaves no temporary file, and never leaves its
// root through a link.
func TestDirStorage(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d := media.Dir{Root: root}
	testStorage(t, d)

	entries, _ := os.ReadDir(filepath.Join(root, "2026", "12"))
	if len(entries) != 0 {
		t.Fatalf("the directory still holds %v", entries)
	}
	outside := filepath.Join(filepath.Dir(root), "outside.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	os.Symlink(outside, filepath.Join(root, "2026", "12", "link.jpg"))
	if o, err := d.Open(ctx, "2026/12/link.jpg"); err == nil {
		o.Close()
		t.Error("Open followed a link out of the root")
	}
	if o, err := d.Open(ctx, "2026/12"); err == nil {
		o.Close()
		t.Error("Open opened a directory")
	}
}

var errReset = errors.New("connection reset")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errReset }

// Housekeeping removes the temporary files of uploads a crash abandoned, and nothing else.
func TestDirSweepTemp(t *testing.T) {
	root := t.TempDir()
	d := media.Dir{Root: root}
	dir := filepath.Join(root, "2026", "12")
	os.MkdirAll(dir, 0o755)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	files := map[string]time.Time{".upload-old": now.Add(-7 * time.Hour), ".upload-new": now.Add(-time.Minute),
		"photo-1.jpg": now.Add(-100 * time.Hour), ".copy-old": now.Add(-100 * time.Hour)}
	for name, mt := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o644)
		os.Chtimes(p, mt, mt)
	}
	n, err := d.SweepTemp(context.Background(), now.Add(-6*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("SweepTemp = %d, %v", n, err)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := errors.Is(err, fs.ErrNotExist); gone != (name == ".upload-old") {
			t.Errorf("%s: gone=%v", name, gone)
		}
	}
	if n, err := (media.Dir{Root: filepath.Join(root, "missing")}).SweepTemp(context.Background(), now); err != nil || n != 0 {
		t.Errorf("a missing root: %d, %v", n, err)
	}
}
