package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/broadside/broadside"
)

const followerCols = `id, actor, follower_id, inbox, shared_inbox, follow_id, status, created_at, name, handle, url`

// SearchFollowers lists the followers of every one of our actors that q selects, newest
// first, and how many it selects in all.
func (s *Store) SearchFollowers(ctx context.Context, q broadside.FollowerQuery) ([]*broadside.Follower, int, error) {
	var a args
	var where []string
	if t := strings.TrimSpace(q.Search); t != "" {
		p := a.add(likePattern(t))
		where = append(where, "(lower(handle) LIKE "+p+` ESCAPE '\' OR lower(follower_id) LIKE `+p+` ESCAPE '\' OR lower(name) LIKE `+p+` ESCAPE '\')`)
	}
	if q.Status != "" {
		where = append(where, "status = "+a.add(q.Status))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.rd().QueryRowContext(ctx, "SELECT count(*) FROM ap_followers"+cond, a.v...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count followers: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.followers(ctx, s.rd(), cond+" ORDER BY created_at DESC, id DESC LIMIT "+a.add(limit)+" OFFSET "+a.add(max(q.Offset, 0)), a.v...)
	return rows, total, err
}

// AllFollowers lists every follower of every actor, in any status (for matching against a
// new block, which SQL cannot do on a URL's host).
func (s *Store) AllFollowers(ctx context.Context) ([]*broadside.Follower, error) {
	return s.followers(ctx, s.rd(), " ORDER BY id")
}

// RemoveFollowerIDs removes the follows with the given row ids and reports how many.
func (s *Store) RemoveFollowerIDs(ctx context.Context, ids []int64) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	var a args
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM ap_followers WHERE id IN "+in(&a, ids), a.v...))
	if err != nil {
		return 0, fmt.Errorf("store: remove followers: %w", err)
	}
	return n, nil
}

// CreateFederationBlock stores b and sets its ID; a block that exists already is ECONFLICT.
func (s *Store) CreateFederationBlock(ctx context.Context, b *broadside.FederationBlock) error {
	err := s.wr().QueryRowContext(ctx, `INSERT INTO ap_blocks (kind, value, note, created_by, created_at)
VALUES ($1, $2, $3, $4, $5) RETURNING id`, b.Kind, b.Value, b.Note, nullID(b.CreatedBy), s.ts(b.CreatedAt)).Scan(&b.ID)
	if _, ok := uniqueViolation(err); ok {
		return &broadside.Error{Code: broadside.ECONFLICT, Message: "That is blocked already.",
			Fields: map[string]string{"value": "That is blocked already."}}
	}
	if err != nil {
		return fmt.Errorf("store: create federation block: %w", err)
	}
	return nil
}

const blockCols = `id, kind, value, note, COALESCE(created_by, 0), created_at`

func (s *Store) blocks(ctx context.Context, where string, a ...any) ([]broadside.FederationBlock, error) {
	rows, err := s.rd().QueryContext(ctx, "SELECT "+blockCols+" FROM ap_blocks"+where, a...)
	if err != nil {
		return nil, fmt.Errorf("store: federation blocks: %w", err)
	}
	defer rows.Close()
	var out []broadside.FederationBlock
	for rows.Next() {
		var b broadside.FederationBlock
		if err := rows.Scan(&b.ID, &b.Kind, &b.Value, &b.Note, &b.CreatedBy, scanTime(&b.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: federation blocks: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// FederationBlocks lists every block, newest first.
func (s *Store) FederationBlocks(ctx context.Context) ([]broadside.FederationBlock, error) {
	return s.blocks(ctx, " ORDER BY id DESC")
}

// MatchFederationBlock returns a block on actor id actorID or on one of hosts (a domain
// and the domains above it: broadside.BlockHosts), or nil when none applies.
func (s *Store) MatchFederationBlock(ctx context.Context, actorID string, hosts []string) (*broadside.FederationBlock, error) {
	var a args
	cond := "(kind = 'actor' AND value = " + a.add(actorID) + ")"
	if len(hosts) > 0 {
		cond += " OR (kind = 'domain' AND value IN " + in(&a, hosts) + ")"
	}
	bs, err := s.blocks(ctx, " WHERE "+cond+" ORDER BY id LIMIT 1", a.v...)
	if err != nil || len(bs) == 0 {
		return nil, err
	}
	return &bs[0], nil
}

// DeleteFederationBlock lifts the block with id; ENOTFOUND when there is none.
func (s *Store) DeleteFederationBlock(ctx context.Context, id int64) error {
	n, err := rowsAffected(s.wr().ExecContext(ctx, "DELETE FROM ap_blocks WHERE id = $1", id))
	if err != nil {
		return fmt.Errorf("store: delete federation block %d: %w", id, err)
	}
	if n == 0 {
		return notFound("Block not found.")
	}
	return nil
}
