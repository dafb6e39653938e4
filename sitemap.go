package broadside

import "time"

// SitemapSummary is how many public posts of a type there are and when the newest change
// among them was.
type SitemapSummary struct {
	Count    int
	Modified time.Time
}
