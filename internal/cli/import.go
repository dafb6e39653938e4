package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/wxr"
)

const (
	importSynopsis = "broadside import wordpress FILE.xml [--dry-run] [--media-dir DIR] [--data DIR | --db postgres://…]"
	exportSynopsis = "broadside export wordpress [--output FILE] [--data DIR | --db postgres://…]"
)

// runImport is "broadside import wordpress FILE.xml". It is safe while the site is serving:
// the import is one write transaction (SQLite waits its turn; readers carry on), and the
// site's caches are told when it commits. When no server has the SQLite file open, the
// import takes the file for itself until it ends (Options.Alone: each page written once),
// so a server started meanwhile waits for it and gives up after its busy timeout.
func runImport(ctx context.Context, c *cmdContext, args []string) error {
	if len(args) == 0 || args[0] != "wordpress" {
		fmt.Fprintf(c.stderr, "usage: %s\n(WordPress is the only source so far.)\n", importSynopsis)
		return errUsage
	}
	var dry bool
	var media string
	cfg, rest, err := parse(c, "import wordpress", importSynopsis, interspersed(args[1:], "media-dir"), false, func(fs *flag.FlagSet) {
		fs.BoolVar(&dry, "dry-run", false, "check the file and report what would be imported, without writing anything")
		fs.StringVar(&media, "media-dir", "", "a local copy of the old site's wp-content/uploads: the attachments' files become media library files (in DATA/uploads or the --media-s3 bucket), served at their old /wp-content/uploads/ paths")
	})
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fmt.Fprintf(c.stderr, "broadside import wordpress: give one export file (WordPress makes it under Tools › Export)\nusage: %s\n", importSynopsis)
		return errUsage
	}
	file := rest[0]
	if _, err := os.Stat(file); err != nil {
		return fmt.Errorf("%w (give the path of the .xml file WordPress's Tools › Export made)", err)
	}
	if dry && cfg.DB == "" {
		if _, err := os.Stat(cfg.DataDir); errors.Is(err, fs.ErrNotExist) {
			// A dry run writes nothing, not even a new site: it checks the file against an
			// empty site in a temporary directory.
			tmp, err := os.MkdirTemp("", "broadside-dry-run-*")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			fmt.Fprintf(c.stderr, "There is no site in %s yet: checking against an empty one (nothing is created).\n", cfg.DataDir)
			cfg.DataDir = tmp
		}
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	opt := importer.Options{DryRun: dry, MediaDir: media, Alone: true}
	bar := newProgressBar(c.stderr)
	if bar != nil {
		opt.Progress = bar.update
	}
	sum, err := a.WordPress.ImportFile(ctx, file, opt)
	bar.clear()
	if we, ok := wxr.AsError(err); ok {
		fmt.Fprintf(c.stderr, "%s:%d:%d: %s\n", file, we.Pos.Line, we.Pos.Col, we.Msg)
		if we.Hint != "" {
			fmt.Fprintf(c.stderr, "  %s\n", we.Hint)
		}
		fmt.Fprintln(c.stderr, "Nothing was imported.")
		return errReported
	}
	if err != nil {
		return fmt.Errorf("%w (nothing was imported)", err)
	}
	sum.File = file
	sum.Write(c.stdout)
	if !dry && sum.MediaRows > 0 {
		return makeImageSizes(ctx, c, a, sum.MediaRows)
	}
	return nil
}

// makeImageSizes makes the sizes of the images an import brought into the library now, with
// progress, rather than leaving the whole backlog to the server's first minutes. What an
// interruption leaves stays queued: the server finishes it.
func makeImageSizes(ctx context.Context, c *cmdContext, a *app.App, files int) error {
	bar := newProgressBar(c.stderr)
	n, err := a.MakeImageSizes(ctx, func(n int) {
		if bar != nil {
			fmt.Fprintf(bar.w, "\rImage sizes %d of at most %d files ", n, files)
		}
	})
	bar.clear()
	fmt.Fprintf(c.stdout, "  image sizes and WebP copies made for %d files\n", n)
	if err != nil {
		fmt.Fprintf(c.stderr, "Making image sizes stopped: %v\nThe rest are queued; `broadside serve` makes them in the background.\n", err)
		return errReported
	}
	return nil
}

// runExport is "broadside export wordpress": WXR 1.2 to standard output or --output.
func runExport(ctx context.Context, c *cmdContext, args []string) error {
	if len(args) == 0 || args[0] != "wordpress" {
		fmt.Fprintf(c.stderr, "usage: %s\n(WordPress's format, WXR, is the only one so far.)\n", exportSynopsis)
		return errUsage
	}
	var output string
	cfg, rest, err := parse(c, "export wordpress", exportSynopsis, interspersed(args[1:], "output"), false, func(fs *flag.FlagSet) {
		fs.StringVar(&output, "output", "", "write to FILE instead of standard output")
	})
	if err != nil {
		return err
	}
	if len(rest) != 0 {
		fmt.Fprintf(c.stderr, "usage: %s\n", exportSynopsis)
		return errUsage
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if output == "" {
		return a.WordPress.Export(ctx, c.stdout)
	}
	// Written beside the target and renamed into place: an interrupted export never leaves
	// a truncated file under the name asked for.
	f, err := os.CreateTemp(filepath.Dir(output), ".export-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := a.WordPress.Export(ctx, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), output); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "Wrote %s.\n", output)
	return nil
}

// interspersed moves flags after the positional arguments to the front, so that both
// "import wordpress --dry-run site.xml" and "import wordpress site.xml --dry-run" work (the
// flag package stops at the first argument that is not a flag). valueFlags names this
// command's flags that take a value, besides the site flags.
func interspersed(args []string, valueFlags ...string) []string {
	takesValue := map[string]bool{"data": true, "db": true, "base-url": true, "log-level": true, "log-format": true,
		"media-s3-endpoint": true, "media-s3-bucket": true, "media-s3-region": true, "media-s3-prefix": true,
		"media-s3-access-key-file": true, "media-s3-secret-key-file": true}
	for _, f := range valueFlags {
		takesValue[f] = true
	}
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(append(flags, "--"), pos...)
}

// progressBar draws one line on a terminal's standard error; nil elsewhere (logs and pipes
// get only the summary).
type progressBar struct {
	w    io.Writer
	last time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: w}
}

func (p *progressBar) update(pr importer.Progress) {
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond && pr.Done < pr.Total {
		return
	}
	p.last = now
	label := "Checking"
	switch pr.Pass {
	case 2:
		label = "Importing"
	case importer.PassMedia:
		label = "Media"
	}
	const width = 30
	n, pct := 0, 0
	if pr.Total > 0 {
		n = int(pr.Done * width / pr.Total)
		pct = int(pr.Done * 100 / pr.Total)
	}
	n = min(max(n, 0), width)
	fmt.Fprintf(p.w, "\r%-9s [%s%s] %3d%%  %s / %s ", label, strings.Repeat("=", n), strings.Repeat(" ", width-n),
		pct, broadside.FormatSize(pr.Done), broadside.FormatSize(pr.Total))
}

// clear erases the bar's line before the summary or an error is printed.
func (p *progressBar) clear() {
	if p != nil {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
