package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Storage keeps the bytes of uploaded files under keys such as "2026/12/photo-3f9a1c.jpg".
// It is small on purpose so an S3-compatible implementation can follow the directory one:
// a key is an object name, Put is one upload, Open a (ranged) download.
type Storage interface {
	// Put stores everything r yields under key, or nothing: when r fails (the upload broke
	// off, a check refused the file) or the storage does, no object is left under key. An
	// existing key is never overwritten (fs.ErrExist).
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the object for reading and seeking (ranged requests); fs.ErrNotExist
	// when there is none.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes the object; a missing one is not an error.
	Delete(ctx context.Context, key string) error
}

// Object is a stored file being read.
type Object interface {
	io.ReadSeekCloser
	Size() int64
	ModTime() time.Time
}

// Dir is the local-directory Storage (the data directory's uploads/). It also holds the files
// an import copied there, which Open serves like the rest.
type Dir struct{ Root string }

// validKey accepts relative slash-separated paths with no "..", empty or dot-leading element.
func validKey(key string) bool {
	if !fs.ValidPath(key) || key == "." || strings.Contains(key, `\`) {
		return false
	}
	for _, el := range strings.Split(key, "/") {
		if strings.HasPrefix(el, ".") {
			return false
		}
	}
	return true
}

// Put writes to a temporary file in the key's directory, syncs it, and links it into place,
// so a reader or a crash never sees half a file and an existing file is never replaced.
func (d Dir) Put(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	if !validKey(key) {
		return 0, fmt.Errorf("media: invalid storage key %q", key)
	}
	final := filepath.Join(d.Root, filepath.FromSlash(key))
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
		}
		os.Remove(tmp.Name())
	}()
	n, err = io.Copy(tmp, ctxReader{ctx, r})
	if err != nil {
		return n, err
	}
	if err := tmp.Sync(); err != nil {
		return n, err
	}
	if err := tmp.Close(); err != nil {
		return n, err
	}
	// A hard link fails when the name exists, which rename would silently replace.
	if err := os.Link(tmp.Name(), final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return n, err
		}
		// Some file systems (network shares, FUSE) have no hard links: check, then rename.
		// Keys carry a random suffix, so the race this leaves is theoretical.
		if _, serr := os.Lstat(final); serr == nil {
			return n, fs.ErrExist
		}
		if err := os.Rename(tmp.Name(), final); err != nil {
			return n, err
		}
	}
	if df, err := os.Open(dir); err == nil {
		_ = df.Sync() // the new name survives a crash
		df.Close()
	}
	return n, nil
}

// Open opens the file below Root; os.Root keeps links and ".." from leaving it.
func (d Dir) Open(ctx context.Context, key string) (Object, error) {
	if !validKey(key) {
		return nil, fs.ErrNotExist
	}
	root, err := os.OpenRoot(d.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(key)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return dirObject{f, fi}, nil
}

// Delete removes the file.
func (d Dir) Delete(ctx context.Context, key string) error {
	if !validKey(key) {
		return fmt.Errorf("media: invalid storage key %q", key)
	}
	err := os.Remove(filepath.Join(d.Root, filepath.FromSlash(path.Clean(key))))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

type dirObject struct {
	*os.File
	fi fs.FileInfo
}

func (o dirObject) Size() int64        { return o.fi.Size() }
func (o dirObject) ModTime() time.Time { return o.fi.ModTime() }

// ctxReader stops a copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// SweepTemp removes the temporary files of uploads that never finished (the process was
// killed mid-copy) and were last written before cutoff, and returns how many it removed.
func (d Dir) SweepTemp(ctx context.Context, cutoff time.Time) (int, error) {
	n := 0
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // no uploads yet, or a directory removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), ".upload-") {
			return nil
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(cutoff) {
			return nil
		}
		if err := os.Remove(p); err == nil {
			n++
		}
		return nil
	})
	return n, err
}
