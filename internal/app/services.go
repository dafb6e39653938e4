package app

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/store"
)

// SettingsService keeps the site settings, with a short in-memory copy because every page
// needs them. Saves on this node take effect at once; other nodes see them within
// settingsTTL.
type SettingsService struct {
	Store   *store.Store
	Log     *slog.Logger
	Changed func()
	Now     func() time.Time

	mu     sync.Mutex
	cached *broadside.Settings
	at     time.Time
	// gen counts purges. A Load that read the database before a purge must not cache what it
	// read: it may be the value the purge was about (another node saved new settings between
	// our read and our store), and caching it would serve the old settings for settingsTTL.
	gen uint64
	// readHook, when set (tests), runs between reading the database and caching the result,
	// so a test can purge at exactly that moment.
	readHook func()
}

const settingsTTL = 5 * time.Second

// Load returns the current settings.
func (s *SettingsService) Load(ctx context.Context) (broadside.Settings, error) {
	return s.LoadIn(ctx, nil)
}

// LoadIn is Load for a caller inside the transaction tx (a hook of a save): a read the
// cached copy cannot answer goes through tx, never the pool. On PostgreSQL the pool's
// connections may all be held by transactions waiting for such a read (pool_max_conns, or
// as many saves at once); on SQLite the reader pool would not see tx's own changes.
// What tx reads is not cached: it may include its own uncommitted changes. A nil tx is Load.
func (s *SettingsService) LoadIn(ctx context.Context, tx *store.Store) (broadside.Settings, error) {
	s.mu.Lock()
	if s.cached != nil && time.Since(s.at) < settingsTTL {
		set := *s.cached
		s.mu.Unlock()
		return set, nil
	}
	gen := s.gen
	s.mu.Unlock()
	if tx != nil {
		return tx.LoadSettings(ctx)
	}
	set, err := s.Store.LoadSettings(ctx)
	if err != nil {
		return set, err
	}
	if s.readHook != nil {
		s.readHook()
	}
	s.mu.Lock()
	if s.gen == gen {
		s.cached, s.at = &set, time.Now()
	}
	s.mu.Unlock()
	return set, nil
}

func (s *SettingsService) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *SettingsService) forget() {
	s.mu.Lock()
	s.cached = nil
	s.gen++
	s.mu.Unlock()
}

// Save validates and stores settings.
func (s *SettingsService) Save(ctx context.Context, set broadside.Settings, u *broadside.User) error {
	if !u.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only administrators can change site settings.")
	}
	set.BaseURL = strings.TrimRight(strings.TrimSpace(set.BaseURL), "/")
	if err := set.Validate(); err != nil {
		return err
	}
	err := s.Store.InTxAnnounced(ctx, func(tx *store.Store) error {
		if err := tx.SaveSettings(ctx, set); err != nil {
			return err
		}
		// A new language needs the search index rebuilt with its stemming, durably.
		_, err := search.EnqueueReindex(ctx, tx, siteLanguage(set), s.now())
		return err
	})
	if err != nil {
		return err
	}
	s.Log.Info("settings saved", "user_id", u.ID)
	if s.Changed != nil {
		s.Changed()
	}
	return nil
}

// UserService reads users for the web layer.
type UserService struct{ Store *store.Store }

// List returns every user.
func (u *UserService) List(ctx context.Context) ([]broadside.User, error) {
	return u.Store.ListUsers(ctx)
}

// ByID returns one user.
func (u *UserService) ByID(ctx context.Context, id int64) (*broadside.User, error) {
	return u.Store.UserByID(ctx, id)
}

// PostCounts returns how many posts and pages each user wrote.
func (u *UserService) PostCounts(ctx context.Context) (map[int64]int, error) {
	return u.Store.UserPostCounts(ctx)
}

// ByLogin returns one user by login.
func (u *UserService) ByLogin(ctx context.Context, login string) (*broadside.User, error) {
	return u.Store.UserByLogin(ctx, login)
}

// redactDSN hides the password in a database URL for messages and logs.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
