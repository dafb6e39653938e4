package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/broadside/broadside/internal/store"
)

const backupSynopsis = "broadside backup --out FILE [--data DIR | --db postgres://…]"

// runBackup is `broadside backup --out FILE`: a consistent copy of a live site's database.
// SQLite is copied online (store.BackupSQLite: the site keeps serving and writing);
// PostgreSQL is dumped with pg_dump when it is on PATH, or the command to run is printed.
// It never overwrites FILE. Restoring is documented in docs/deploy.md.
func runBackup(ctx context.Context, c *cmdContext, args []string) error {
	var out string
	cfg, _, err := parse(c, "backup", backupSynopsis, args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the backup file to write (required; never overwritten)")
	})
	if err != nil {
		return err
	}
	if out == "" {
		fmt.Fprintln(c.stderr, "broadside backup: --out FILE is required\nusage: "+backupSynopsis)
		return errUsage
	}
	if _, err := os.Lstat(out); err == nil {
		return fmt.Errorf("backup: %s already exists; choose another name (a backup never overwrites a file)", out)
	}
	if cfg.IsPostgres() {
		return backupPostgres(ctx, c, cfg.DB, out)
	}
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(c.stderr, "Backing up %s to %s (the site may keep running)…\n", cfg.DSN(), out)
	start := time.Now()
	sum, err := st.BackupSQLite(ctx, out)
	if errors.Is(err, store.ErrBackupExists) {
		return fmt.Errorf("backup: %s already exists; choose another name (a backup never overwrites a file)", out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Backed up %s to %s: %.1f MiB in %s — %d posts and pages, %d comments, %d users, %d subscribers.\n",
		cfg.DSN(), out, float64(sum.Bytes)/(1<<20), time.Since(start).Round(time.Millisecond), sum.Posts, sum.Comments, sum.Users, sum.Subscribers)
	fmt.Fprintf(c.stdout, "Uploaded media are not in this file: copy %s too (or use your object storage's versioning).\n",
		filepath.Join(cfg.DataDir, "uploads"))
	fmt.Fprintln(c.stdout, "To restore: stop broadside, put this file in place of broadside.db (remove broadside.db-wal and broadside.db-shm), start it.")
	return nil
}

// backupPostgres runs pg_dump (custom format, restorable with pg_restore) with the password
// in the environment rather than on the command line, where other users could read it.
func backupPostgres(ctx context.Context, c *cmdContext, dsn, out string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("backup: --db is not a URL: %w", err)
	}
	pass, _ := u.User.Password()
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	pgDump, err := exec.LookPath("pg_dump")
	if err != nil {
		fmt.Fprintf(c.stderr, `pg_dump is not on PATH (Debian: apt-get install postgresql-client, the same major version as the server or newer).
Back up a PostgreSQL site with:

  PGPASSWORD=… pg_dump --format=custom --no-owner --file=%s '%s'

pg_dump reads one consistent snapshot, so the nodes may keep running. Restore into an empty database with:

  pg_restore --no-owner --dbname='postgres://…/newdb' %s
`, out, u.String(), out)
		return errReported
	}
	cmd := exec.CommandContext(ctx, pgDump, "--format=custom", "--no-owner", "--file="+out, "--dbname="+u.String())
	cmd.Env = os.Environ()
	if pass != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+pass)
	}
	cmd.Stdout, cmd.Stderr = c.stderr, c.stderr
	fmt.Fprintf(c.stderr, "Running pg_dump for %s…\n", u.Redacted())
	start := time.Now()
	if err := cmd.Run(); err != nil {
		_ = os.Remove(out) // a partial dump must not pass for a backup
		return fmt.Errorf("backup: pg_dump failed: %w", err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(c.stdout, "Backed up %s to %s with pg_dump: %.1f MiB in %s. Restore with pg_restore --no-owner --dbname=URL %s.\n",
		u.Redacted(), out, float64(fi.Size())/(1<<20), time.Since(start).Round(time.Millisecond), out)
	return nil
}
