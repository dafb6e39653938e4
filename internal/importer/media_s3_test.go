package importer_test

import (
	"context"
	"errors"
	"io/fs"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/media/s3test"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/testdb"
)

// TestMediaDirOnS3: with the library on S3, --media-dir stores the attachments' files in the
// bucket under their WordPress paths, and a failed import removes what it stored.
func TestMediaDirOnS3(t *testing.T) {
	s3, err := media.NewS3(s3test.Start(t))
	must(t, err)
	path, dir := mediaSite(t)

	failed := newEnv(t, testdb.SQLite(t))
	failed.svc.Media.Storage = s3
	failed.svc.ProcessMedia = func(context.Context, *store.Store, *broadside.Media) error { return errors.New("queue broken") }
	if _, err := failed.svc.ImportFile(failed.ctx, path, importer.Options{MediaDir: dir}); err == nil {
		t.Fatal("the import succeeded")
	}
	for _, k := range []string{"2019/04/a.jpg", "2019/04/Big_Photo-scaled.jpg"} {
		if _, err := s3.Open(context.Background(), k); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s after a failed import: %v", k, err)
		}
	}

	e := newEnv(t, testdb.SQLite(t))
	e.svc.Media.Storage = s3
	sum, err := e.svc.ImportFile(e.ctx, path, importer.Options{MediaDir: dir})
	must(t, err)
	if sum.MediaCopied != 2 || sum.MediaRows != 2 || sum.MediaRefused != 1 {
		t.Fatalf("stored %d, rows %d, refused %d", sum.MediaCopied, sum.MediaRows, sum.MediaRefused)
	}
	obj, m, err := e.svc.Media.Open(e.ctx, "2019/04/a.jpg")
	must(t, err)
	obj.Close()
	if m == nil || m.ID != 7 || obj.Size() != m.Size {
		t.Errorf("served row %+v, size %d", m, obj.Size())
	}
	if _, err := s3.Open(e.ctx, "2019/04/evil.jpg"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused file is in the bucket: %v", err)
	}
}
