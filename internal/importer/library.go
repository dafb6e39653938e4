package importer

import (
	"context"
	"errors"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/broadside/broadside"
)

// storedFile is an attachment's file that the media phase put into the media storage.
type storedFile struct {
	f       *broadside.Media // MimeType, Size, Width, Height, Key
	existed bool             // an earlier run stored it: never delete it on failure
}

// storeMedia is the media phase of an import, between the check of the file and its
// transaction: every attachment whose file is in --media-dir is checked like an upload (type
// from the bytes, SVG and HTML refused) and stored through the configured storage (directory
// or S3) under WordPress's own path, so /wp-content/uploads/YYYY/MM/name keeps working. It
// runs outside the transaction so the database is not locked while gigabytes are copied;
// the returned undo removes what it wrote when the import then fails. A refused file is a
// warning and its attachment keeps the original URL; a storage failure fails the import.
func (s *Service) storeMedia(ctx context.Context, p *plan, opt Options, sum *Summary) (map[int64]*storedFile, func(), error) {
	stored := map[int64]*storedFile{}
	var written []string
	undo := func() {
		for _, k := range written {
			if err := s.Media.Storage.Delete(context.WithoutCancel(ctx), k); err != nil {
				s.Log.Error("import: removing a stored file of a failed import", "key", k, "err", err)
			}
		}
	}
	root, err := os.OpenRoot(opt.MediaDir)
	if err != nil {
		return nil, undo, err
	}
	defer root.Close()
	var total, done int64
	for _, id := range p.attOrder {
		if a := p.attachments[id]; a.Local {
			if fi, err := root.Stat(a.Rel); err == nil {
				total += fi.Size()
			}
		}
	}
	progress := func() {
		if opt.Progress != nil {
			opt.Progress(Progress{Pass: PassMedia, Done: done, Total: total})
		}
	}
	progress()
	for _, id := range p.attOrder {
		a := p.attachments[id]
		if !a.Local {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, undo, err
		}
		sf, err := s.storeOne(ctx, root, a, opt.DryRun)
		if sf != nil {
			done += sf.f.Size
			progress()
		}
		var be *broadside.Error
		switch {
		case err == nil:
			stored[id] = sf
			if !sf.existed && !opt.DryRun {
				written = append(written, sf.f.Key)
				sum.MediaCopied++
			}
		case errors.As(err, &be) && (be.Code == broadside.EINVALID || be.Code == broadside.ECONFLICT):
			a.Local, a.Refused = false, true
			sum.MediaRefused++
			sum.warn(a.Pos, "attachment", id, "its file %s was not imported: %s The original URL is kept.", a.Rel, broadside.ErrorMessage(err))
		default:
			undo()
			return nil, func() {}, err
		}
	}
	done = total
	progress()
	return stored, undo, nil
}

func (s *Service) storeOne(ctx context.Context, root *os.Root, a *attInfo, dry bool) (*storedFile, error) {
	f, err := root.Open(a.Rel) // os.Root: no link leads out of --media-dir
	if err != nil {
		return nil, broadside.Errorf(broadside.EINVALID, "it cannot be read (%v).", errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, broadside.Errorf(broadside.EINVALID, "it is not a regular file.")
	}
	name := path.Base(a.Rel)
	if dry {
		m, err := s.Media.CheckFile(ctx, name, f)
		if err != nil {
			return nil, err
		}
		m.Key = a.Rel
		return &storedFile{f: m}, nil
	}
	m, existed, err := s.Media.PutImported(ctx, a.Rel, name, f)
	if err != nil {
		return nil, err
	}
	return &storedFile{f: m, existed: existed}, nil
}

// importMedia writes the library row of an attachment whose file was stored, keeping the
// WordPress id where it is free, its title, alt text, caption and upload date. A second run
// finds the row by its key and leaves it.
func (r *run) importMedia(ctx context.Context, a *attInfo, sf *storedFile) error {
	if old, err := r.tx.MediaByKey(ctx, sf.f.Key); err == nil {
		r.mediaLocal[a.ID] = old.ID
		return nil
	} else if broadside.ErrorCode(err) != broadside.ENOTFOUND {
		return err
	}
	author, err := r.authorFor(ctx, a.Creator)
	if err != nil {
		return err
	}
	m := &broadside.Media{ID: a.ID, AuthorID: author, FileName: broadside.TruncateRunes(path.Base(sf.f.Key), 255), Key: sf.f.Key,
		MimeType: sf.f.MimeType, Size: sf.f.Size, Width: sf.f.Width, Height: sf.f.Height,
		Title: broadside.TruncateRunes(a.Title, 500), Alt: broadside.TruncateRunes(a.Alt, 1000), Caption: broadside.TruncateRunes(a.Caption, 5000),
		CreatedAt: pickTime(a.DateGMT, a.Date, "", r.loc)}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = r.now
	}
	if m.Title == "" {
		m.Title = broadside.TruncateRunes(strings.TrimSuffix(m.FileName, path.Ext(m.FileName)), 500)
	}
	if m.IsImage() && r.svc.ProcessMedia != nil {
		m.Processing = broadside.MediaPending // Admin → Media says its sizes are being made
	}
	if err := m.Validate(); err != nil {
		return itemError(a.Pos, "attachment", a.ID, err)
	}
	if err := r.tx.ImportMedia(ctx, m); err != nil {
		return itemError(a.Pos, "attachment", a.ID, err)
	}
	r.mediaLocal[a.ID] = m.ID
	r.sum.MediaRows++
	return r.enqueueMediaProcessing(ctx, m)
}

// enqueueMediaProcessing is the one place an imported file is handed to processing (the
// resize job that makes WordPress's sizes and WebP twins), inside the import's transaction
// so a rolled-back import enqueues nothing. Service.ProcessMedia is wired by the app.
func (r *run) enqueueMediaProcessing(ctx context.Context, m *broadside.Media) error {
	if r.svc.ProcessMedia == nil || !m.IsImage() {
		return nil
	}
	return r.svc.ProcessMedia(ctx, r.tx, m)
}

// wpSizeSuffix is what WordPress appends to an upload's name for its resized and edited
// copies: photo-300x200.jpg, photo-scaled.jpg, photo-rotated.jpg, photo-e1601234567890.jpg.
var wpSizeSuffix = regexp.MustCompile(`-(?:\d{1,5}x\d{1,5}|scaled|rotated|e\d{10,13})$`)

// originalOf reduces a WordPress upload path to the name of its original: without the
// size and edit suffixes, lower-case extension.
func originalOf(rel string) string {
	dir, base := path.Split(rel)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 0; i < 4; i++ {
		s := wpSizeSuffix.ReplaceAllString(stem, "")
		if s == stem || s == "" {
			break
		}
		stem = s
	}
	return dir + stem + strings.ToLower(ext)
}

// libraryIndex maps the upload paths that may appear in content to the stored originals:
// each key itself, and its WordPress original name (so a reference to photo-300x200.jpg
// finds photo.jpg, or photo-scaled.jpg when that is what WordPress kept as the file).
type libraryIndex struct{ exact, orig map[string]string }

func newLibraryIndex(p *plan, stored map[int64]*storedFile) *libraryIndex {
	ix := &libraryIndex{exact: map[string]string{}, orig: map[string]string{}}
	for _, id := range p.attOrder {
		sf := stored[id]
		if sf == nil || !p.attachments[id].Local {
			continue
		}
		ix.exact[sf.f.Key] = sf.f.Key
		if o := originalOf(sf.f.Key); ix.orig[o] == "" {
			ix.orig[o] = sf.f.Key
		}
	}
	return ix
}

// find returns the stored key a content reference to rel should point at.
func (ix *libraryIndex) find(rel string) (string, bool) {
	if k, ok := ix.exact[rel]; ok {
		return k, true
	}
	k, ok := ix.orig[originalOf(rel)]
	return k, ok
}
