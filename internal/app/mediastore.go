package app

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/media"
)

// openMediaStorage is where the media library keeps its bytes: the data directory's uploads/
// by default, the S3-compatible bucket when one is configured (several nodes share it). A
// bucket that cannot be used stops the start with what to fix, rather than failing every
// upload later.
func openMediaStorage(ctx context.Context, cfg config.Config) (media.Storage, error) {
	if !cfg.MediaS3.Enabled() {
		return media.Dir{Root: filepath.Join(cfg.DataDir, "uploads")}, nil
	}
	m := cfg.MediaS3
	s3, err := media.NewS3(media.S3Config{Endpoint: m.Endpoint, Bucket: m.Bucket, Region: m.Region, Prefix: m.Prefix,
		Insecure: m.Insecure, AccessKey: m.AccessKey.Reveal(), SecretKey: m.SecretKey.Reveal()})
	if err != nil {
		return nil, err
	}
	if err := s3.Check(ctx); err != nil {
		return nil, fmt.Errorf("media storage: %w", err)
	}
	return s3, nil
}

// tempSweepAge is how old an upload's temporary file must be before housekeeping removes it:
// a crash or a kill mid-upload leaves one behind, and no upload takes hours.
const tempSweepAge = 6 * time.Hour

// sweepMediaTemp removes abandoned temporary upload files from the uploads directory.
func (a *App) sweepMediaTemp(ctx context.Context, now time.Time) {
	d, ok := a.Media.Storage.(media.Dir)
	if !ok {
		return // S3 never shows a half-written object
	}
	n, err := d.SweepTemp(ctx, now.Add(-tempSweepAge))
	if err != nil && ctx.Err() == nil {
		a.Log.Warn("sweeping abandoned upload files failed", "err", err)
	}
	if n > 0 {
		a.Log.Info("removed abandoned upload files", "count", n)
	}
}

// MakeImageSizes runs the site's waiting image processing (the media.process jobs an upload or
// an import queued) in the foreground, calling done after each file, until none is due; a
// running server would do the same in the background. It returns how many files it took.
// Nothing else queued (newsletters, mail) is touched: that stays for the server.
func (a *App) MakeImageSizes(ctx context.Context, done func(n int)) (int, error) {
	n := 0
	for {
		ran, err := a.Worker.RunOneIn(ctx, media.Lane)
		if err != nil || !ran {
			return n, err
		}
		n++
		if done != nil {
			done(n)
		}
	}
}
