package app

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// SettingsService keeps the site settings, with a short in-memory copy because every page
// needs them. Saves on this node take effect at once; other nodes see them within
// settingsTTL.
type SettingsService struct {
	Store   *store.Store
	Log     *slog.Logger
	Changed func()

	mu     sync.Mutex
	cached *broadside.Settings
	at     time.Time
}

const settingsTTL = 5 * time.Second

// Load returns the current settings.
func (s *SettingsService) Load(ctx context.Context) (broadside.Settings, error) {
	s.mu.Lock()
	if s.cached != nil && time.Since(s.at) < settingsTTL {
		set := *s.cached
		s.mu.Unlock()
		return set, nil
	}
	s.mu.Unlock()
	set, err := s.Store.LoadSettings(ctx)
	if err != nil {
		return set, err
	}
	s.mu.Lock()
	s.cached, s.at = &set, time.Now()
	s.mu.Unlock()
	return set, nil
}

func (s *SettingsService) forget() {
	s.mu.Lock()
	s.cached = nil
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
	if err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SaveSettings(ctx, set); err != nil {
			return err
		}
		return tx.NotifyChanged(ctx)
	}); err != nil {
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
