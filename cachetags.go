package broadside

import (
	"strconv"
	"time"
)

// Cache tags name what a cached public page shows, so a change purges only the pages that
// show it (the web page cache, on every node). A page that records no tags depends on
// anything (the home page, the feeds, the sitemap) and every change purges it; a change that
// names no tags (settings, themes, menus, pages, renames) purges every page.

// CacheTagPost tags the pages that show post id: its own pages and the archive pages that
// list it.
func CacheTagPost(id int64) string { return "post:" + strconv.FormatInt(id, 10) }

// CacheTagCategory tags the archive pages of category id.
func CacheTagCategory(id int64) string { return "cat:" + strconv.FormatInt(id, 10) }

// CacheTagTag tags the archive pages of tag id.
func CacheTagTag(id int64) string { return "tag:" + strconv.FormatInt(id, 10) }

// CacheTagAuthor tags the archive pages of author id.
func CacheTagAuthor(id int64) string { return "author:" + strconv.FormatInt(id, 10) }

// CacheTagYear tags the date archives (year, month or day) within year y of the site's time
// zone.
func CacheTagYear(y int) string { return "year:" + strconv.Itoa(y) }

// CacheTags names the cached pages that a change to the posts given (their state before
// and after the change: a post leaving a category must purge that category too) may
// change, beyond the pages that record no tags. It returns nil, which purges everything,
// when one of them is a page: pages appear in every page's navigation.
func CacheTags(posts ...*Post) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, p := range posts {
		if p == nil {
			continue
		}
		if p.Type != TypePost {
			return nil
		}
		add(CacheTagPost(p.ID))
		for _, c := range p.Categories {
			add(CacheTagCategory(c.ID))
		}
		for _, t := range p.Tags {
			add(CacheTagTag(t.ID))
		}
		add(CacheTagAuthor(p.AuthorID))
		if !p.PublishedAt.IsZero() {
			// Date archives follow the site's time zone, which a post does not carry: the
			// years of every zone (UTC-12 to UTC+14) cover it.
			u := p.PublishedAt.UTC()
			add(CacheTagYear(u.Add(-12 * time.Hour).Year()))
			add(CacheTagYear(u.Add(14 * time.Hour).Year()))
		}
	}
	return out
}
