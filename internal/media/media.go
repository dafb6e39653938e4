// Package media is the media library: uploading files (the type decided from their bytes),
// listing, describing and deleting them, and finding them again to serve. Who may do what is
// decided here, for every channel (the admin today, the REST API next).
package media

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"strings"
	"syscall"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// DefaultMaxSize is the upload limit when none is configured.
const DefaultMaxSize = 64 << 20

// DefaultMaxPixels guards against decompression bombs: a small file declaring a huge image
// is refused from its header, before anything would ever decode it.
const DefaultMaxPixels = 100_000_000

// Store is what the service needs from the database.
type Store interface {
	CreateMedia(ctx context.Context, m *broadside.Media) error
	MediaByID(ctx context.Context, id int64) (*broadside.Media, error)
	MediaByKey(ctx context.Context, key string) (*broadside.Media, error)
	ListMedia(ctx context.Context, f broadside.MediaFilter) ([]broadside.Media, int, error)
	MediaMonths(ctx context.Context, authorID int64) ([]broadside.YearMonth, error)
	UpdateMedia(ctx context.Context, m *broadside.Media) error
	DeleteMedia(ctx context.Context, id int64) error
	PostsUsingPath(ctx context.Context, path string, limit int) ([]broadside.Post, int, error)
	InTxAnnounced(ctx context.Context, fn func(tx *store.Store) error) error
	MediaByKeys(ctx context.Context, keys []string) (map[string]*broadside.Media, error)
	SetMediaProcessed(ctx context.Context, id int64, width, height int, size int64, sizes []broadside.MediaSize) error
	SetMediaProcessing(ctx context.Context, id int64, state, reason string) error
	// InTx runs fn in one transaction: a new file's row and its processing job are written
	// together.
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	PostByID(ctx context.Context, id int64) (*broadside.Post, error)
	PostsFeaturingMedia(ctx context.Context, id int64, limit int) ([]broadside.Post, error)
}

// Service is the media library.
type Service struct {
	Store   Store
	Storage Storage
	Now     func() time.Time
	Log     *slog.Logger
	// MaxSize caps one upload in bytes; 0 means DefaultMaxSize.
	MaxSize int64
	// MaxPixels caps an image's width×height; 0 means DefaultMaxPixels.
	MaxPixels int
	// Settings returns the site's settings (KeepImageMetadata); nil means the defaults.
	Settings func(ctx context.Context) (broadside.Settings, error)
	// Sizes are the sizes processing makes of images; nil means DefaultSizes.
	Sizes []SizeSpec
	// Wake tells this node's worker a job was queued; optional.
	Wake func()
	// Changed purges this node's cached pages after a file's details change, it is deleted
	// or its sizes are ready; other nodes hear of it from the announcement inside the
	// writing transaction.
	Changed func()
}

// announced runs write in a transaction that also tells every node that public pages may
// have changed (a file's alt text and caption are shown with it; a deleted file must not
// stay linked from cached pages), then purges this node.
func (s *Service) announced(ctx context.Context, write func(tx *store.Store) error) error {
	if err := s.Store.InTxAnnounced(ctx, write); err != nil {
		return err
	}
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}

func (s *Service) sizes() []SizeSpec {
	if s.Sizes != nil {
		return s.Sizes
	}
	return DefaultSizes
}

// keepMetadata reports whether the site keeps images' metadata. When the settings cannot be
// read it strips: losing a camera model is harmless, publishing a location is not.
func (s *Service) keepMetadata(ctx context.Context) bool {
	if s.Settings == nil {
		return false
	}
	set, err := s.Settings(ctx)
	if err != nil {
		s.Log.Error("media: loading settings", "err", err)
		return false
	}
	return set.KeepImageMetadata
}

func (s *Service) maxSize() int64 {
	if s.MaxSize > 0 {
		return s.MaxSize
	}
	return DefaultMaxSize
}

func (s *Service) maxPixels() int {
	if s.MaxPixels > 0 {
		return s.MaxPixels
	}
	return DefaultMaxPixels
}

// MaxUploadSize is the configured limit of one file, for forms to announce.
func (s *Service) MaxUploadSize() int64 { return s.maxSize() }

// Upload stores the file name with the bytes of r for u: the type is sniffed from the first
// bytes, an image's header is checked while it streams to the storage (never all in memory),
// and the row is written last. Whatever is refused or fails leaves neither row nor file.
func (s *Service) Upload(ctx context.Context, u *broadside.User, name string, r io.Reader) (*broadside.Media, error) {
	if u == nil {
		return nil, broadside.Errorf(broadside.EUNAUTHORIZED, "Sign in to upload files.")
	}
	if !u.CanUploadMedia() {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "Your role cannot upload files.")
	}
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	now := s.Now().UTC()
	f, err := s.putChecked(ctx, name, r, func(mime string) string { return broadside.MediaKey(name, mime, randomSuffix(), now) })
	if errors.Is(err, fs.ErrExist) {
		// Keys carry 32 random bits; a clash is as good as impossible, but never an overwrite.
		return nil, broadside.Errorf(broadside.EINTERNAL, "The file storage could not save %s; nothing was saved. Please try again.", broadside.MediaFileLabel(name))
	}
	if err != nil {
		return nil, err
	}
	key, size := f.Key, f.Size
	m := &broadside.Media{AuthorID: u.ID, FileName: name, Key: key, MimeType: f.MimeType, Size: size,
		Title: strings.TrimSuffix(name, path.Ext(name)), CreatedAt: now, Width: f.Width, Height: f.Height}
	m.Title = broadside.TruncateRunes(m.Title, 200)
	if m.IsImage() {
		m.Processing = broadside.MediaPending
	}
	err = m.Validate()
	if err == nil {
		err = s.Store.InTx(ctx, func(tx *store.Store) error {
			if err := tx.CreateMedia(ctx, m); err != nil {
				return err
			}
			if m.IsImage() {
				return EnqueueProcess(ctx, tx, m.ID, now)
			}
			return nil
		})
	}
	if err != nil {
		// The file without its row would be an orphan no one can see or delete.
		if derr := s.Storage.Delete(context.WithoutCancel(ctx), key); derr != nil {
			s.Log.Error("media: removing the file of a failed upload", "key", key, "err", derr)
		}
		return nil, err
	}
	if m.IsImage() && s.Wake != nil {
		s.Wake()
	}
	return m, nil
}

// putChecked sniffs the type of r's bytes, checks them as they stream to the storage under
// the key keyFor gives for that type, and returns what it found (MimeType, Key, Size, Width,
// Height). The upload form and the WordPress import both go through it: one check.
func (s *Service) putChecked(ctx context.Context, name string, r io.Reader, keyFor func(mime string) string) (*broadside.Media, error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, broadside.Errorf(broadside.EINVALID, "%s could not be read: the upload broke off.", broadside.MediaFileLabel(name))
	}
	head = head[:n]
	mime, err := broadside.SniffMedia(name, head)
	if err != nil {
		return nil, err
	}
	key := keyFor(mime)
	c := newChecker(name, mime, io.MultiReader(bytes.NewReader(head), r), s.maxSize(), s.maxPixels())
	var body io.Reader = c
	stop := func() {}
	if !s.keepMetadata(ctx) && (mime == "image/jpeg" || mime == "image/png" || mime == "image/gif") {
		// Stripped on the way in, so no copy with a GPS position is ever stored or served.
		body, stop = strippingReader(c, mime, name)
	}
	size, err := s.Storage.Put(ctx, key, body)
	if errors.Is(err, fs.ErrExist) {
		// The key is taken (an import run before): the verdict on these bytes still counts,
		// and their size is what would have been stored, to compare with what is there.
		n, derr := io.Copy(io.Discard, body)
		stop()
		c.close()
		if derr != nil {
			return nil, derr
		}
		f := c.found(key)
		f.Size = n
		return f, fs.ErrExist
	}
	stop()
	c.close()
	if err != nil {
		var be *broadside.Error
		switch {
		case errors.As(err, &be):
			return nil, err
		case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
			s.Log.Error("media: disk full", "key", key, "err", err)
			return nil, broadside.Errorf(broadside.EINTERNAL, "The server's disk is full, so %s was not saved. Tell the site's administrator.", broadside.MediaFileLabel(name))
		case errors.Is(err, context.Canceled), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, broadside.Errorf(broadside.EINVALID, "The upload of %s broke off; nothing was saved.", broadside.MediaFileLabel(name))
		case errors.Is(err, ErrUnavailable):
			s.Log.Error("media: storage unreachable", "key", key, "err", err)
			return nil, broadside.Errorf(broadside.EUNAVAILABLE, "The file storage cannot be reached right now, so %s was not saved (nothing was). Try again in a few minutes; if it keeps failing, tell the site's administrator to check the S3 storage server.", broadside.MediaFileLabel(name))
		}
		s.Log.Error("media: storing failed", "key", key, "err", err)
		return nil, broadside.Errorf(broadside.EINTERNAL, "The file storage could not save %s; nothing was saved. Please try again.", broadside.MediaFileLabel(name))
	}
	f := c.found(key)
	f.Size = size
	return f, nil
}

// randomSuffix makes keys unique without a database round trip: 32 random bits.
func randomSuffix() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// List returns the files f selects that u may see (authors see their own), and the total.
func (s *Service) List(ctx context.Context, u *broadside.User, f broadside.MediaFilter) ([]broadside.Media, int, error) {
	if err := mayUse(u); err != nil {
		// Readers and strangers may list the files attached to posts they can read, as
		// WordPress lists a post's attachments to anyone who can read it (a client's gallery:
		// wp/v2/media?parent=ID); never the library as a whole, which holds the files of
		// drafts and of posts they may not see.
		ok, perr := s.canReadAll(ctx, u, f.PostIDs)
		if perr != nil || !ok {
			return nil, 0, cmp.Or(perr, err)
		}
	} else if !u.CanModerate() {
		if f.AuthorID != 0 && f.AuthorID != u.ID {
			return nil, 0, nil // another author's files, which this user does not see
		}
		f.AuthorID = u.ID
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	return s.Store.ListMedia(ctx, f)
}

// canReadAll reports whether ids names posts, all of which u can read.
func (s *Service) canReadAll(ctx context.Context, u *broadside.User, ids []int64) (bool, error) {
	if len(ids) == 0 {
		return false, nil
	}
	now := s.Now()
	for _, id := range ids {
		if id == 0 {
			return false, nil // files attached to nothing
		}
		p, err := s.Store.PostByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return false, nil
		} else if err != nil {
			return false, err
		}
		if !p.CanRead(u, now) {
			return false, nil
		}
	}
	return true, nil
}

// Months lists the months with files u may see, for the library's filter.
func (s *Service) Months(ctx context.Context, u *broadside.User) ([]broadside.YearMonth, error) {
	if err := mayUse(u); err != nil {
		return nil, err
	}
	var author int64
	if !u.CanModerate() {
		author = u.ID
	}
	return s.Store.MediaMonths(ctx, author)
}

// Get returns the file with id if u may manage it; another author's file is not found.
func (s *Service) Get(ctx context.Context, u *broadside.User, id int64) (*broadside.Media, error) {
	if err := mayUse(u); err != nil {
		return nil, err
	}
	m, err := s.Store.MediaByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanEditMedia(m) {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "You can only manage your own files.")
	}
	return m, nil
}

// View returns the file with id for u (nil: an anonymous reader) to look at, not to manage:
// a file u may manage, or the featured image of a post u may read (that post's page shows
// its URL already, and clients embed its details). Any other file is refused as Get refuses.
func (s *Service) View(ctx context.Context, u *broadside.User, id int64) (*broadside.Media, error) {
	if mayUse(u) == nil {
		m, err := s.Get(ctx, u, id)
		if err == nil || broadside.ErrorCode(err) != broadside.EFORBIDDEN {
			return m, err
		}
	}
	m, err := s.Store.MediaByID(ctx, id)
	if err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND && u == nil {
			// Strangers learn nothing about which ids exist.
			return nil, mayUse(u)
		}
		return nil, err
	}
	posts, err := s.Store.PostsFeaturingMedia(ctx, id, 20)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	for i := range posts {
		if posts[i].CanRead(u, now) {
			return m, nil
		}
	}
	if err := mayUse(u); err != nil {
		return nil, err
	}
	return nil, broadside.Errorf(broadside.EFORBIDDEN, "You can only manage your own files.")
}

// Details is what a person may change about a file. PostID, when not nil, attaches the file
// to that post or page (0 detaches it), as WordPress's post_parent; nil keeps it.
type Details struct {
	Title, Alt, Caption string
	PostID              *int64
}

// Update saves the title, alt text and caption of the file with id.
func (s *Service) Update(ctx context.Context, u *broadside.User, id int64, d Details) (*broadside.Media, error) {
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	m.Title, m.Alt, m.Caption = strings.TrimSpace(d.Title), strings.TrimSpace(d.Alt), strings.TrimSpace(d.Caption)
	if d.PostID != nil {
		if *d.PostID < 0 {
			return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"post": "The post must be a post or page id, or 0 for none."}}
		}
		if *d.PostID != 0 && *d.PostID != m.PostID {
			// Attaching a file to a post changes what the post's editors see, so it takes the
			// right to edit that post (as in WordPress).
			p, err := s.Store.PostByID(ctx, *d.PostID)
			if broadside.ErrorCode(err) == broadside.ENOTFOUND {
				return nil, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
					Fields: map[string]string{"post": "There is no post or page with this id."}}
			}
			if err != nil {
				return nil, err
			}
			if !u.CanEditPost(p) {
				return nil, broadside.Errorf(broadside.EFORBIDDEN, "You can only attach files to posts you may edit.")
			}
		}
		m.PostID = *d.PostID
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := s.announced(ctx, func(tx *store.Store) error { return tx.UpdateMedia(ctx, m) }); err != nil {
		return nil, err
	}
	return m, nil
}

// Usage returns up to limit posts and pages that show m (as featured image or in their
// body), and how many there are, so deleting it can warn first. m is a file Get returned;
// the caller already holds it, so it is not read again, but u's right to it is checked.
func (s *Service) Usage(ctx context.Context, u *broadside.User, m *broadside.Media, limit int) ([]broadside.Post, int, error) {
	if err := mayUse(u); err != nil {
		return nil, 0, err
	}
	if !u.CanEditMedia(m) {
		return nil, 0, broadside.Errorf(broadside.EFORBIDDEN, "You can only manage your own files.")
	}
	return s.Store.PostsUsingPath(ctx, m.URL(), limit)
}

// Delete removes the file with id: the row first (its sizes' rows go with it), so no page
// lists a file that is gone, then the bytes of the original and of every variant (a failure
// there leaves an unlisted file, which is logged).
func (s *Service) Delete(ctx context.Context, u *broadside.User, id int64) error {
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.announced(ctx, func(tx *store.Store) error { return tx.DeleteMedia(ctx, m.ID) }); err != nil {
		return err
	}
	if err := s.Storage.Delete(context.WithoutCancel(ctx), m.Key); err != nil {
		s.Log.Error("media: removing a deleted file's bytes", "key", m.Key, "err", err)
	}
	s.deleteKeys(ctx, m.Sizes)
	return nil
}

// ByKeys finds the library files stored under keys (an original's key or a variant's), for
// pages and feeds to show them with their sizes. Files are public once uploaded (they are
// served to anyone at their address), so no user is asked for.
func (s *Service) ByKeys(ctx context.Context, keys []string) (map[string]*broadside.Media, error) {
	return s.Store.MediaByKeys(ctx, keys)
}

// Open finds a file to serve by its path below the uploads address. m is its library row,
// nil for a file an import copied (which has none); fs.ErrNotExist when there is no file.
func (s *Service) Open(ctx context.Context, key string) (obj Object, m *broadside.Media, err error) {
	if broadside.ValidMediaKey(key) || broadside.ValidImportedMediaKey(key) {
		m, err = s.Store.MediaByKey(ctx, key)
		if err != nil && broadside.ErrorCode(err) != broadside.ENOTFOUND {
			return nil, nil, err
		}
	}
	obj, err = s.Storage.Open(ctx, key)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid) {
			return nil, nil, fs.ErrNotExist
		}
		if errors.Is(err, ErrUnavailable) {
			s.Log.Error("media: storage unreachable", "key", key, "err", err)
			return nil, nil, broadside.Errorf(broadside.EUNAVAILABLE, "The file storage cannot be reached right now; try again in a few minutes.")
		}
		return nil, nil, err
	}
	return obj, m, nil
}

func mayUse(u *broadside.User) error {
	if u == nil {
		return broadside.Errorf(broadside.EUNAUTHORIZED, "Sign in to manage files.")
	}
	if !u.CanUploadMedia() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Your role cannot manage files.")
	}
	return nil
}
