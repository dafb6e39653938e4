package media_test

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/media"
)

// The directory storage keeps all of a file or nothing, never replaces a file, and never
// leaves its root.
func TestDirStorage(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	d := media.Dir{Root: root}
	n, err := d.Put(ctx, "2026/12/a-1.jpg", strings.NewReader("hello"))
	if err != nil || n != 5 {
		t.Fatalf("Put = %d, %v", n, err)
	}
	if _, err := d.Put(ctx, "2026/12/a-1.jpg", strings.NewReader("other")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("overwrite: %v", err)
	}
	obj, err := d.Open(ctx, "2026/12/a-1.jpg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(obj)
	obj.Close()
	if string(b) != "hello" || obj.Size() != 5 || obj.ModTime().IsZero() {
		t.Fatalf("read %q size %d", b, obj.Size())
	}

	// A reader that fails halfway leaves nothing, not even its temporary file.
	broken := io.MultiReader(strings.NewReader("half"), errReader{})
	if _, err := d.Put(ctx, "2026/12/b-1.jpg", broken); err == nil {
		t.Fatal("a broken stream was stored")
	}
	entries, _ := os.ReadDir(filepath.Join(root, "2026", "12"))
	if len(entries) != 1 {
		t.Fatalf("directory holds %v", entries)
	}

	outside := filepath.Join(filepath.Dir(root), "outside.txt")
	os.WriteFile(outside, []byte("secret"), 0o644)
	os.Symlink(outside, filepath.Join(root, "2026", "12", "link.jpg"))
	for _, k := range []string{"../outside.txt", "2026/12/link.jpg", "/etc/passwd", "2026/12/.hidden", "2026/12", ""} {
		if o, err := d.Open(ctx, k); err == nil {
			o.Close()
			t.Errorf("Open(%q) succeeded", k)
		}
	}
	for _, k := range []string{"../x.jpg", "/tmp/x.jpg", "a/../../x.jpg", ".x"} {
		if _, err := d.Put(ctx, k, strings.NewReader("x")); err == nil {
			t.Errorf("Put(%q) succeeded", k)
		}
	}
	if err := d.Delete(ctx, "2026/12/a-1.jpg"); err != nil {
		t.Fatal(err)
	}
	if err := d.Delete(ctx, "2026/12/a-1.jpg"); err != nil {
		t.Fatalf("deleting a missing file: %v", err)
	}
	if _, err := d.Open(ctx, "2026/12/a-1.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Open after Delete: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }
