//go:build unix

package testdb

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/broadside/broadside/internal/store"
)

// cachedTemplate names the migrated template database inside a data directory that
// templateCache made.
const cachedTemplate = "broadside_template"

// tplCachePrefix names the template caches, one per PostgreSQL build and set of migrations.
const tplCachePrefix = "broadside-pgtpl-"

// templateCache returns a data directory, made once per machine, server binary and set of
// PostgreSQL migrations, holding a stopped cluster in which cachedTemplate is migrated. Each
// test binary starts its throwaway cluster from a copy of it instead of migrating a
// template of its own: every package that touches PostgreSQL paid that (about a third of a
// CPU second of server and store time a binary on this machine). As initCache, it is made in
// a private directory and renamed into place, so concurrent binaries never see half of one.
func templateCache(bin string, cred *syscall.Credential) (string, error) {
	init, err := initCache(bin, cred)
	if err != nil {
		return "", err
	}
	key, err := migrationsKey(store.DialectPostgres)
	if err != nil {
		return "", err
	}
	initKey := strings.TrimPrefix(filepath.Base(filepath.Dir(init)), "broadside-pginit-")
	final := filepath.Join(tempRoot(), tplCachePrefix+initKey+"-"+key)
	return sharedCluster(final, "broadside-pgtpl-work-", cred, func(work string) error {
		sweepTemplateCaches(initKey, final)
		data := filepath.Join(work, "data")
		if err := copyTree(init, data, cred); err != nil {
			return err
		}
		c, err := startPostgres(bin, work, data, cred)
		if err != nil {
			return err
		}
		err = migrateTemplate(c.url, cachedTemplate)
		closeAdminPool(c.url)
		c.stopProcess() // a fast shutdown checkpoints: the copy starts clean
		return err
	})
}

// sweepTemplateCaches removes the template caches of the same server binary made for other
// migrations more than an hour ago (kept that long for the other checkouts a developer may be
// testing at once); a binary copying one as it goes falls back to migrating its own.
func sweepTemplateCaches(initKey, keep string) {
	dirs, _ := filepath.Glob(filepath.Join(tempRoot(), tplCachePrefix+initKey+"-*"))
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && d != keep && time.Since(fi.ModTime()) > time.Hour {
			os.RemoveAll(d)
		}
	}
}
