package store

import (
	"context"
	"fmt"

	"github.com/broadside/broadside"
)

// PostsFeaturingMedia returns up to limit posts and pages whose featured image is the media
// library file with id, oldest first.
func (s *Store) PostsFeaturingMedia(ctx context.Context, id int64, limit int) ([]broadside.Post, error) {
	rows, err := s.rd().QueryContext(ctx, postSelect+" WHERE p.featured_media = $1 ORDER BY p.id LIMIT $2", id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: posts featuring media %d: %w", id, err)
	}
	defer rows.Close()
	var out []broadside.Post
	for rows.Next() {
		var p broadside.Post
		if err := scanPost(rows, &p); err != nil {
			return nil, fmt.Errorf("store: posts featuring media %d: %w", id, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
