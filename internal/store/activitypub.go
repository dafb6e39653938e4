package store

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// ActorKey returns the PEM key pair of our ActivityPub actor, creating it with generate on
// first use. Insert-if-absent then read back, so nodes creating the key at once agree on
// one pair (the loser's freshly generated pair is discarded, never used to sign).
func (s *Store) ActorKey(ctx context.Context, actor string, now time.Time, generate func() (pub, priv string, err error)) (pub, priv string, err error) {
	const q = `SELECT public_pem, private_pem FROM ap_keys WHERE actor = $1`
	err = s.wr().QueryRowContext(ctx, q, actor).Scan(&pub, &priv)
	if err == nil {
		return pub, priv, nil
	}
	if !isNoRows(err) {
		return "", "", fmt.Errorf("store: actor key %q: %w", actor, err)
	}
	gp, gk, err := generate()
	if err != nil {
		return "", "", fmt.Errorf("store: generate actor key %q: %w", actor, err)
	}
	if _, err := s.wr().ExecContext(ctx, `INSERT INTO ap_keys (actor, public_pem, private_pem, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (actor) DO NOTHING`, actor, gp, gk, s.ts(now)); err != nil {
		return "", "", fmt.Errorf("store: create actor key %q: %w", actor, err)
	}
	if err := s.wr().QueryRowContext(ctx, q, actor).Scan(&pub, &priv); err != nil {
		return "", "", fmt.Errorf("store: read actor key %q: %w", actor, err)
	}
	return pub, priv, nil
}

// RemoteKey is a remote actor's public key as cached.
type RemoteKey struct {
	KeyID, ActorID, PublicPEM string
	FetchedAt                 time.Time
}

// RemoteKey returns the cached key keyID, or ENOTFOUND.
func (s *Store) RemoteKey(ctx context.Context, keyID string) (*RemoteKey, error) {
	k := &RemoteKey{KeyID: keyID}
	err := s.rd().QueryRowContext(ctx, `SELECT actor_id, public_pem, fetched_at FROM ap_remote_keys WHERE key_id = $1`, keyID).
		Scan(&k.ActorID, &k.PublicPEM, scanTime(&k.FetchedAt))
	if isNoRows(err) {
		return nil, notFound("remote key not cached")
	}
	if err != nil {
		return nil, fmt.Errorf("store: remote key: %w", err)
	}
	return k, nil
}

// PutRemoteKey caches k, replacing what was cached under its key id.
func (s *Store) PutRemoteKey(ctx context.Context, k *RemoteKey) error {
	if _, err := s.wr().ExecContext(ctx, `INSERT INTO ap_remote_keys (key_id, actor_id, public_pem, fetched_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (key_id) DO UPDATE SET actor_id = excluded.actor_id, public_pem = excluded.public_pem, fetched_at = excluded.fetched_at`,
		k.KeyID, k.ActorID, k.PublicPEM, s.ts(k.FetchedAt)); err != nil {
		return fmt.Errorf("store: cache remote key: %w", err)
	}
	return nil
}

// SaveFollower stores f, or updates the follower's inboxes and Follow id when it follows
// already; a follower once accepted stays accepted (a repeated Follow is answered again, not
// held). It sets f.ID and f.Status to what is stored.
func (s *Store) SaveFollower(ctx context.Context, f *broadside.Follower) error {
	err := s.wr().QueryRowContext(ctx, `INSERT INTO ap_followers (actor, follower_id, inbox, shared_inbox, follow_id, status, created_at,
	name, handle, url)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (actor, follower_id) DO UPDATE SET inbox = excluded.inbox, shared_inbox = excluded.shared_inbox,
	follow_id = excluded.follow_id, name = excluded.name, handle = excluded.handle, url = excluded.url,
	status = CASE WHEN ap_followers.status = 'accepted' THEN 'accepted' ELSE excluded.status END
RETURNING id, status, created_at`, f.Actor, f.FollowerID, f.Inbox, f.SharedInbox, f.FollowID, f.Status, s.ts(f.CreatedAt),
		f.Name, f.Acct, f.URL).
		Scan(&f.ID, &f.Status, scanTime(&f.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save follower %s of %s: %w", f.FollowerID, f.Actor, err)
	}
	return nil
}

// Follower returns the follower followerID of actor, or ENOTFOUND.
func (s *Store) Follower(ctx context.Context, actor, followerID string) (*broadside.Follower, error) {
	rows, err := s.followers(ctx, s.rd(), ` WHERE actor = $1 AND follower_id = $2`, actor, followerID)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, notFound("Follower not found.")
	}
	return rows[0], nil
}

// Followers lists actor's followers in status ("" for all), oldest first.
func (s *Store) Followers(ctx context.Context, actor, status string, limit, offset int) ([]*broadside.Follower, error) {
	return s.followers(ctx, s.rd(), ` WHERE actor = $1 AND ($2 = '' OR status = $2) ORDER BY id LIMIT $3 OFFSET $4`,
		actor, status, limit, offset)
}

func (s *Store) followers(ctx context.Context, q querier, where string, args ...any) ([]*broadside.Follower, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+followerCols+` FROM ap_followers`+where, args...)
	if err != nil {
		return nil, fmt.Errorf("store: followers: %w", err)
	}
	defer rows.Close()
	var out []*broadside.Follower
	for rows.Next() {
		f := &broadside.Follower{}
		if err := rows.Scan(&f.ID, &f.Actor, &f.FollowerID, &f.Inbox, &f.SharedInbox, &f.FollowID, &f.Status, scanTime(&f.CreatedAt),
			&f.Name, &f.Acct, &f.URL); err != nil {
			return nil, fmt.Errorf("store: followers: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CountFollowers counts actor's followers in status ("" for all).
func (s *Store) CountFollowers(ctx context.Context, actor, status string) (int, error) {
	var n int
	if err := s.rd().QueryRowContext(ctx, `SELECT count(*) FROM ap_followers WHERE actor = $1 AND ($2 = '' OR status = $2)`,
		actor, status).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count followers: %w", err)
	}
	return n, nil
}

// SetFollowerStatus changes the status of actor's follower followerID (approving a held
// follow); ENOTFOUND when there is none.
func (s *Store) SetFollowerStatus(ctx context.Context, actor, followerID, status string) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `UPDATE ap_followers SET status = $3 WHERE actor = $1 AND follower_id = $2`,
		actor, followerID, status))
	if err != nil {
		return fmt.Errorf("store: set follower status: %w", err)
	}
	if n == 0 {
		return notFound("Follower not found.")
	}
	return nil
}

// RemoveFollower removes followerID from actor's followers ("" actor: from every actor's)
// and reports how many follows it ended.
func (s *Store) RemoveFollower(ctx context.Context, actor, followerID string) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `DELETE FROM ap_followers WHERE ($1 = '' OR actor = $1) AND follower_id = $2`,
		actor, followerID))
	if err != nil {
		return 0, fmt.Errorf("store: remove follower: %w", err)
	}
	return n, nil
}

// RemoveFollowersAt removes every follower whose inbox or shared inbox is inbox: the answer
// to a 410 Gone from it. It returns how many follows it ended.
func (s *Store) RemoveFollowersAt(ctx context.Context, inbox string) (int64, error) {
	n, err := rowsAffected(s.wr().ExecContext(ctx, `DELETE FROM ap_followers WHERE inbox = $1 OR shared_inbox = $1`, inbox))
	if err != nil {
		return 0, fmt.Errorf("store: remove followers at %s: %w", inbox, err)
	}
	return n, nil
}

// DeliveryInboxes lists the distinct inboxes that reach every accepted follower of actor
// ("" for every actor): the shared inbox of each server that has one, once, and the
// personal inboxes of the rest.
func (s *Store) DeliveryInboxes(ctx context.Context, actor string) ([]string, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT DISTINCT CASE WHEN shared_inbox <> '' THEN shared_inbox ELSE inbox END AS box
FROM ap_followers WHERE status = 'accepted' AND ($1 = '' OR actor = $1) ORDER BY box`, actor)
	if err != nil {
		return nil, fmt.Errorf("store: delivery inboxes: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("store: delivery inboxes: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
