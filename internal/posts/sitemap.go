package posts

import (
	"context"
	"time"

	"github.com/broadside/broadside"
)

// Sitemap returns one page of the public posts (or pages) for a sitemap, oldest first, with
// only the fields their URLs need, and the total.
func (s *Service) Sitemap(ctx context.Context, typ broadside.PostType, limit, offset int) ([]broadside.Post, int, error) {
	return s.Store.SitemapPosts(ctx, typ, s.Now(), limit, offset)
}

// SitemapSummaries counts the public posts and pages and dates their newest change.
func (s *Service) SitemapSummaries(ctx context.Context) (map[broadside.PostType]broadside.SitemapSummary, error) {
	return s.Store.SitemapSummaries(ctx, s.Now())
}

// TermsModified dates the newest change among the public posts of each category and tag.
func (s *Service) TermsModified(ctx context.Context) (cats, tags map[int64]time.Time, err error) {
	return s.Store.TermsModified(ctx, s.Now())
}
