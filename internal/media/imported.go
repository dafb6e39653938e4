package media

import (
	"context"
	"errors"
	"io"
	"io/fs"

	"github.com/broadside/broadside"
)

// PutImported stores a file an import brought in (a WordPress upload) under key, the path
// WordPress gave it, so that its old address keeps working. The bytes pass the same checks as
// an upload (type from the bytes, SVG and HTML refused, size and pixel limits, truncation);
// the caller writes the library row, and deletes the key again when that fails. existed
// reports that key already held these bytes (an earlier run of the same import): nothing was
// written, and the caller must not delete it. f carries MimeType, Size, Width and Height.
func (s *Service) PutImported(ctx context.Context, key, name string, r io.Reader) (f *broadside.Media, existed bool, err error) {
	if !broadside.ValidImportedMediaKey(key) {
		return nil, false, broadside.Errorf(broadside.EINVALID, "%s has a path that cannot be a storage key.", broadside.MediaFileLabel(name))
	}
	f, err = s.putChecked(ctx, name, r, func(string) string { return key })
	if !errors.Is(err, fs.ErrExist) {
		return f, false, err
	}
	obj, oerr := s.Storage.Open(ctx, key)
	if oerr != nil {
		return nil, false, oerr
	}
	size := obj.Size()
	obj.Close()
	if size != f.Size {
		return nil, false, broadside.Errorf(broadside.ECONFLICT, "another file is already stored at %s; %s was not imported.", key, broadside.MediaFileLabel(name))
	}
	return f, true, nil
}

// CheckFile runs the checks of an upload over r without storing anything (an import's dry
// run), and returns what it found.
func (s *Service) CheckFile(ctx context.Context, name string, r io.Reader) (*broadside.Media, error) {
	dry := *s
	dry.Storage = discard{}
	return dry.putChecked(ctx, name, r, func(string) string { return "dry-run" })
}

// discard is a Storage that keeps nothing.
type discard struct{}

func (discard) Put(ctx context.Context, _ string, r io.Reader) (int64, error) {
	return io.Copy(io.Discard, ctxReader{ctx, r})
}
func (discard) Open(context.Context, string) (Object, error) { return nil, fs.ErrNotExist }
func (discard) Delete(context.Context, string) error         { return nil }
