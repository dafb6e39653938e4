package media_test

import (
	"bytes"
	"context"
	"strings"
	"syscall"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/testdb"
)

// A full disk is a clear error and leaves nothing behind. The full disk is real: a 64 KiB
// tmpfs, which needs the privilege to mount (the test skips without it).
func TestUploadDiskFull(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=64k"); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, 0) })
	f := setup(t, testdb.SQLite(t))
	f.svc.Storage = media.Dir{Root: dir}
	body := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 256<<10)...)
	_, err := f.svc.Upload(context.Background(), f.author, "report.pdf", bytes.NewReader(body))
	if broadside.ErrorCode(err) != broadside.EINTERNAL || !strings.Contains(broadside.ErrorMessage(err), "disk is full") ||
		!strings.Contains(broadside.ErrorMessage(err), `"report.pdf"`) {
		t.Fatalf("err = %v", err)
	}
	if left := files(t, dir); len(left) != 0 {
		t.Fatalf("files left behind: %v", left)
	}
	if _, n, _ := f.st.ListMedia(context.Background(), broadside.MediaFilter{}); n != 0 {
		t.Fatalf("%d rows", n)
	}
}
