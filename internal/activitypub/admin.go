package activitypub

import (
	"context"
	"net/url"
	"strings"
	"unicode"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// ListFollowers lists the followers of every one of our actors that q selects, newest
// first, with how many it selects in all.
func (s *Service) ListFollowers(ctx context.Context, q broadside.FollowerQuery) ([]*broadside.Follower, int, error) {
	return s.Store.SearchFollowers(ctx, q)
}

// Reject ends the follow of our actor name by followerID — a held follow request turned
// down, or a follower removed — and sends Reject(Follow) to the follower's inbox, a
// delivery job enqueued in the same transaction as the removal.
//
// Removing a follower sends the Reject too, not nothing: Mastodon (and GoToSocial, Misskey)
// take a Reject of an accepted Follow as "you no longer follow", so the remote account
// stops showing as a follower there and its server stops expecting our posts; removed
// silently, it would still believe it follows, and a later re-follow from it would look
// like a duplicate. This is what Mastodon's own "remove follower" sends.
func (s *Service) Reject(ctx context.Context, name, followerID string) error {
	return s.answerFollow(ctx, name, followerID,
		func(tx *store.Store) error {
			_, err := tx.RemoveFollower(ctx, name, followerID)
			return err
		},
		func(tx *store.Store, st Site, f *broadside.Follower, follow []byte) error {
			return s.enqueueAnswer(ctx, tx, st, f, follow, "Reject", "\x00"+s.Now().String())
		})
}

// presentation is how a remote actor shows in the admin's follower list: its display
// name, @user@host handle and profile page, bounded and stripped of control characters
// (the text is still remote: templates escape it).
func presentation(a *Actor) (name, handle, page string) {
	clean := func(v string, n int) string {
		v = strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return -1
			}
			return r
		}, strings.TrimSpace(v))
		return broadside.TruncateRunes(v, n)
	}
	name = clean(a.Name, 200)
	if u, err := url.Parse(a.ID); err == nil && a.PreferredUsername != "" {
		handle = "@" + clean(strings.ReplaceAll(a.PreferredUsername, " ", ""), 100) + "@" + u.Host
	}
	if a.URL != nil && broadside.IsHTTPURL(a.URL.ID) && len(a.URL.ID) <= 2000 {
		page = a.URL.ID
	}
	return name, handle, page
}
