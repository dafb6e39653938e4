package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// AddReaction records r, setting r.ID. It reports false, changing nothing, when the same
// activity arrived before or the actor already reacted so to the post: a second Like by
// one actor counts once.
func (s *Store) AddReaction(ctx context.Context, r *broadside.Reaction) (bool, error) {
	err := s.wr().QueryRowContext(ctx, `INSERT INTO ap_reactions (post_id, kind, actor_id, activity_id, actor_name, actor_handle, actor_icon, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING id`,
		r.PostID, r.Kind, r.ActorID, r.ActivityID, r.ActorName, r.ActorHandle, r.ActorIcon, s.ts(r.CreatedAt)).Scan(&r.ID)
	if isNoRows(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: add reaction: %w", err)
	}
	return true, nil
}

// RemoveReactions deletes what actorID's Undo takes back: the reaction recorded under
// activityID, or, when postID is not 0, its reaction of kind on that post (an Undo of a
// repeated Like names the repeat, which was not recorded). It returns the posts that lost
// a reaction, for their cached pages.
func (s *Store) RemoveReactions(ctx context.Context, actorID, activityID string, postID int64, kind string) ([]int64, error) {
	return s.removeReactions(ctx, `DELETE FROM ap_reactions WHERE actor_id = $1 AND (activity_id = $2 OR (post_id = $3 AND kind = $4)) RETURNING post_id`,
		actorID, activityID, postID, kind)
}

// RemoveActorReactions deletes every reaction of actorID (its account was deleted) and
// returns the posts that lost one.
func (s *Store) RemoveActorReactions(ctx context.Context, actorID string) ([]int64, error) {
	return s.removeReactions(ctx, `DELETE FROM ap_reactions WHERE actor_id = $1 RETURNING post_id`, actorID)
}

func (s *Store) removeReactions(ctx context.Context, q string, args ...any) ([]int64, error) {
	rows, err := s.wr().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: remove reactions: %w", err)
	}
	defer rows.Close()
	var posts []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: remove reactions: %w", err)
		}
		posts = append(posts, id)
	}
	return posts, rows.Err()
}

// ReactionCounts counts post's likes and boosts.
func (s *Store) ReactionCounts(ctx context.Context, postID int64) (broadside.ReactionCounts, error) {
	var c broadside.ReactionCounts
	err := s.rd().QueryRowContext(ctx, `SELECT
	count(CASE WHEN kind = 'like' THEN 1 END), count(CASE WHEN kind = 'announce' THEN 1 END)
FROM ap_reactions WHERE post_id = $1`, postID).Scan(&c.Likes, &c.Boosts)
	if err != nil {
		return c, fmt.Errorf("store: reaction counts: %w", err)
	}
	return c, nil
}

// Reactions lists post's reactions, newest first, at most limit.
func (s *Store) Reactions(ctx context.Context, postID int64, limit int) ([]*broadside.Reaction, error) {
	rows, err := s.rd().QueryContext(ctx, `SELECT id, post_id, kind, actor_id, activity_id, actor_name, actor_handle, actor_icon, created_at
FROM ap_reactions WHERE post_id = $1 ORDER BY id DESC LIMIT $2`, postID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: reactions: %w", err)
	}
	defer rows.Close()
	var out []*broadside.Reaction
	for rows.Next() {
		r := &broadside.Reaction{}
		if err := rows.Scan(&r.ID, &r.PostID, &r.Kind, &r.ActorID, &r.ActivityID, &r.ActorName, &r.ActorHandle, &r.ActorIcon, scanTime(&r.CreatedAt)); err != nil {
			return nil, fmt.Errorf("store: reactions: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReactionCountsOf counts the likes and boosts of each of posts ids in one query (a page of
// posts in a listing); posts without any are absent from the map.
func (s *Store) ReactionCountsOf(ctx context.Context, ids []int64) (map[int64]broadside.ReactionCounts, error) {
	out := map[int64]broadside.ReactionCounts{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = id, "$"+strconv.Itoa(i+1)
	}
	rows, err := s.rd().QueryContext(ctx, `SELECT post_id,
	count(CASE WHEN kind = 'like' THEN 1 END), count(CASE WHEN kind = 'announce' THEN 1 END)
FROM ap_reactions WHERE post_id IN (`+strings.Join(marks, ", ")+`) GROUP BY post_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: reaction counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c broadside.ReactionCounts
		if err := rows.Scan(&id, &c.Likes, &c.Boosts); err != nil {
			return nil, fmt.Errorf("store: reaction counts: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}
