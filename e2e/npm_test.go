package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// npmProject copies the files of the npm project in e2e/<name> (package.json, its
// package-lock.json and its scripts) into a temporary directory, so the source tree stays
// clean, and gives it the project's node_modules, installed with `npm ci` from the lock file.
//
// The installed node_modules is kept in the user's cache directory under the hash of
// package.json and package-lock.json, and linked in: installing e2e/fedify (Node 22 itself,
// Fedify and activitypub-testing: 450 MB in 348 packages) cost 33 CPU seconds and minutes of
// a busy machine on every run, for files that change only when the lock file does. A changed
// lock file is a new key, so it is installed afresh; an install is complete before it is
// renamed into place, so parallel runs (several checkouts) never see half of one.
func npmProject(t *testing.T, name string, files ...string) string {
	t.Helper()
	_, npm := nodeTools(t)
	src := filepath.Join(".", name)
	dir := t.TempDir()
	key := sha256.New()
	for _, f := range append([]string{"package.json", "package-lock.json"}, files...) {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "package.json" || f == "package-lock.json" {
			fmt.Fprintf(key, "%s %d\n", f, len(b))
			key.Write(b)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		// No cache directory (no HOME): install in the test's own directory.
		t.Logf("no user cache directory (%v): npm ci in the test's directory", err)
		npmCI(t, npm, name, dir)
		return dir
	}
	installed := filepath.Join(cache, "broadside-e2e", "npm", name+"-"+hex.EncodeToString(key.Sum(nil))[:16])
	if _, err := os.Stat(filepath.Join(installed, "node_modules")); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(installed), 0o755); err != nil {
			t.Fatal(err)
		}
		tmp, err := os.MkdirTemp(filepath.Dir(installed), name+".installing-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(tmp) // left only when the rename below did not take it
		for _, f := range []string{"package.json", "package-lock.json"} {
			b, err := os.ReadFile(filepath.Join(src, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		npmCI(t, npm, name, tmp)
		// Another run may have put the same install in place meanwhile; either is complete.
		if err := os.Rename(tmp, installed); err != nil {
			if _, serr := os.Stat(filepath.Join(installed, "node_modules")); serr != nil {
				t.Fatalf("keep the npm install of e2e/%s: %v", name, err)
			}
		}
	} else if err != nil {
		t.Fatal(err)
	} else {
		t.Logf("e2e/%s's node_modules from %s (installed by npm ci from the same package-lock.json)", name, installed)
	}
	if err := os.Symlink(filepath.Join(installed, "node_modules"), filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	os.Chtimes(installed, now, now) // in use: pruneNPM keeps it
	pruneNPM(filepath.Dir(installed), name, installed, now)
	return dir
}

// pruneNPM removes the kept installs of the project that no run has used for a week (each is
// hundreds of MB, and every change of a lock file leaves the previous one behind). Another
// checkout may still use an older lock file, hence the week rather than "not ours".
func pruneNPM(parent, name, keep string, now time.Time) {
	old, _ := filepath.Glob(filepath.Join(parent, name+"-*"))
	for _, p := range old {
		if info, err := os.Stat(p); err == nil && p != keep && info.IsDir() && now.Sub(info.ModTime()) > 7*24*time.Hour {
			os.RemoveAll(p)
		}
	}
}

// npmCI installs the project in dir from its lock file, or skips (fails under CI) when the
// registry cannot be reached.
func npmCI(t *testing.T, npm, name, dir string) {
	t.Helper()
	// Its own generous limit: one shared 90 s limit failed the node-wpapi run when a busy
	// machine spent it on npm ci.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir = dir
	install.Env = childEnv()
	if out, err := install.CombinedOutput(); err != nil {
		unavailable(t, fmt.Sprintf("npm ci in e2e/%s failed (is the npm registry reachable?): %v\n%s", name, err, out))
	}
}
