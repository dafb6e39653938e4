// Package importer brings a WordPress site into Broadside from its WXR export, and writes
// Broadside's content back out as WXR.
//
// An import reads the file twice. The first pass (scan) reads it to the end without
// writing, so a malformed or foreign file fails before anything changes, and keeps only
// small maps of ids, terms and attachments. The second pass streams the file again and
// writes as it reads, in one transaction: a failure at any point leaves the database
// exactly as it was. WordPress ids are kept where they are free, and everything imported is
// remembered in wp_imports, so running the same import again adds only what is new.
package importer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/broadside/broadside"
	mediasvc "github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/wxr"
)

// Service imports and exports WordPress content.
type Service struct {
	Store *store.Store
	Now   func() time.Time
	Log   *slog.Logger
	// Changed is called after an import commits (page caches listen); Wake nudges the job
	// worker, which publishes imported scheduled posts on time.
	Changed func()
	Wake    func()
	// Media is the media library: files from Options.MediaDir become its files, checked and
	// stored through its storage (directory or S3) like uploads.
	Media *mediasvc.Service
	// ProcessMedia, when set, is called for each image an import added to the library, inside
	// the import's transaction (it enqueues the resize job).
	ProcessMedia func(ctx context.Context, tx *store.Store, m *broadside.Media) error
	// BaseURL is the site's configured public URL; the Base URL setting overrides it.
	// Exports make links absolute with it.
	BaseURL string
	// RenderMarkdown turns a Markdown body into HTML for exports (WordPress shows HTML).
	RenderMarkdown func(markdown string) string
}

// Options adjust one import.
type Options struct {
	// DryRun runs the whole import in a transaction that is rolled back: the summary says
	// exactly what an import would do, and nothing is written (no files copied either).
	DryRun bool
	// MediaDir is a local copy of the old site's wp-content/uploads. The attachments' files
	// in it become files of the media library (under their WordPress paths), and attachments,
	// featured images and content (resized copies included) point at them.
	MediaDir string
	// Progress, when set, is called now and then with how far the import has got.
	Progress func(Progress)
	// Alone says that nothing else in this process uses the database while the import runs
	// (the command line): the import may then lock the SQLite file for itself, when no other
	// process has it open, and write each page once (store.InExclusiveTx). A server, whose
	// readers must carry on, leaves it false.
	Alone bool
}

// Progress is how far an import has got: Pass 1 checks the file, PassMedia stores the
// media files (bytes of them), pass 2 imports the file.
type Progress struct {
	Pass        int
	Done, Total int64 // bytes of the file
}

// PassMedia is the Progress pass that stores media files.
const PassMedia = 3

// errDryRun rolls a dry run back.
var errDryRun = errors.New("importer: dry run")

// ImportFile imports the WXR file at path. A file that cannot be read as a WordPress export
// returns an error carrying a *wxr.Error (line, column, what to do; see wxr.AsError), and
// nothing is written. The summary is returned with the error when it was far enough along
// to say something.
func (s *Service) ImportFile(ctx context.Context, path string, opt Options) (*Summary, error) {
	start := time.Now()
	sum := newSummary(filepath.Base(path), opt.DryRun)
	if opt.MediaDir != "" {
		if err := checkDir(opt.MediaDir); err != nil {
			return sum, err
		}
		if s.Media == nil {
			return sum, errors.New("importer: --media-dir needs the media library, which is not configured")
		}
	}
	prog := func(pass int) func(done, total int64) {
		if opt.Progress == nil {
			return nil
		}
		return func(done, total int64) { opt.Progress(Progress{Pass: pass, Done: done, Total: total}) }
	}
	tl := newTimeline(ctx, s.Log)
	p, err := scan(ctx, path, opt, prog(1))
	if err != nil {
		return sum, err
	}
	tl.phase("first pass")
	sum.Source, sum.Version = p.source, p.site.Version
	var stored map[int64]*storedFile
	undo := func() {}
	if opt.MediaDir != "" {
		if stored, undo, err = s.storeMedia(ctx, p, opt, sum); err != nil {
			return sum, fmt.Errorf("storing the media files: %w", err)
		}
		tl.phase("media files")
	}
	err = s.inTx(ctx, opt.Alone, func(tx *store.Store) error {
		tx, release := tx.CachingStatements() // the same few statements, a row at a time
		defer release()
		if err := tx.LockImports(ctx); err != nil {
			return err
		}
		tl.phase("begin")
		im := &run{svc: s, tx: tx, plan: p, opt: opt, sum: sum, now: s.Now(), path: path, progress: prog(2), stored: stored, tl: tl}
		if err := im.do(ctx); err != nil {
			return err
		}
		if opt.DryRun {
			return errDryRun
		}
		return tx.NotifyChanged(ctx)
	})
	sum.Duration = time.Since(start)
	if err == nil {
		tl.phase("commit")
	} else {
		tl.phase("rollback", "err", err)
	}
	if errors.Is(err, errDryRun) {
		return sum, nil
	}
	if err != nil {
		// The database is as it was; so is the storage.
		undo()
		return sum, err
	}
	s.Log.Info("WordPress import done", "file", path, "source", sum.Source, "posts", sum.Posts.New, "pages", sum.Pages.New,
		"comments", sum.Comments.New, "warnings", sum.WarningsTotal, "duration", sum.Duration)
	if s.Changed != nil {
		s.Changed()
	}
	if s.Wake != nil {
		s.Wake()
	}
	return sum, nil
}

// itemError explains a failure to store one object, at its place in the file; an error
// placed already (a batch of comments, at its first) is returned as it is.
func itemError(pos wxr.Pos, kind string, wpID int64, err error) error {
	if _, ok := wxr.AsError(err); ok {
		return err
	}
	return &wxr.Error{Pos: pos, Msg: fmt.Sprintf("could not import WordPress %s %d: %v", kind, wpID, err),
		Hint: "Nothing was imported. Fix the problem named here and run the import again.", Err: err}
}

// inTx runs fn as the import's one transaction: with the SQLite file to itself when the
// import is alone (Options.Alone, store.InExclusiveTx), else as any other transaction.
func (s *Service) inTx(ctx context.Context, alone bool, fn func(*store.Store) error) error {
	if !alone {
		return s.Store.InTx(ctx, fn)
	}
	excl, err := s.Store.InExclusiveTx(ctx, fn)
	s.Log.Debug("import transaction", "exclusive", excl)
	return err
}
