// The query types: what the web pages and the REST API may ask the services for. They live
// here, not in the store, so transports never import the store (see TestLayering).

package broadside

import "time"

// PostFilter selects posts for a list. Zero fields do not filter.
type PostFilter struct {
	Type     PostType
	Statuses []PostStatus
	// PublishedBefore, when set, keeps posts with published_at <= it (readers must not see
	// posts dated in the future).
	PublishedBefore time.Time
	// CategoryIDs keeps posts in any of these categories; pass a category and its descendants
	// for a category archive.
	CategoryIDs []int64
	TagID       int64
	AuthorID    int64
	// From and To keep posts with published_at in [From, To) (date archives).
	From, To time.Time
	// Search is a case-insensitive substring of the title or body.
	Search string
	// The REST API's filters (WordPress's include, exclude, slug, author, tags, parent,
	// author_exclude, categories_exclude and tags_exclude). Nil slices do not filter; TagIDs and AuthorIDs
	// keep posts matching any of them; ParentIDs matches 0 for posts without a parent.
	IDs, ExcludeIDs    []int64
	Slugs              []string
	AuthorIDs, TagIDs  []int64
	ExcludeAuthorIDs   []int64
	ParentIDs          []int64
	ExcludeCategoryIDs []int64
	ExcludeTagIDs      []int64
	Sticky             *bool // nil: both; otherwise only sticky (true) or only other posts
	// OrderBy is "published_at" (the default), "updated_at", "created_at", "title", "id",
	// "slug", "author" or "parent"; newest (or Z) first unless Asc.
	OrderBy string
	Asc     bool
	// StickyFirst lists sticky posts before the others (the home page, as in WordPress).
	StickyFirst bool
	// Limit 0 returns every match.
	Limit, Offset int
}

// YearMonth is one month of the post archive.
type YearMonth struct{ Year, Month, Count int }

// CommentFilter selects comments for the moderation queue and the REST API.
type CommentFilter struct {
	// Status "" lists pending and approved comments (WordPress's "All"); spam and trash are
	// only listed when asked for.
	Status CommentStatus
	PostID int64
	// Search is a case-insensitive substring of the author's name, email or IP, or the body.
	Search        string
	Limit, Offset int
	// The REST API's filters (WordPress's post, parent, include, exclude, author, after,
	// before). Nil slices do not filter; ParentIDs matches 0 for top-level comments.
	PostIDs, ParentIDs []int64
	IDs, ExcludeIDs    []int64
	UserIDs            []int64
	After, Before      time.Time // exclusive bounds on created_at
	Asc                bool      // oldest first
	OrderBy            string    // "" (created_at), "id", "post" or "parent"
	Kind               string    // "" for every kind
	// PublicSearch limits Search to what readers can see (name and body, not email or IP).
	PublicSearch bool
	// PostPublishedBefore, when set, keeps comments on posts whose discussion any reader may
	// see at that time: published by then, without a password, not for subscribers only.
	PostPublishedBefore time.Time
}

// CommentRow is a comment with the post it belongs to, for the moderation queue.
type CommentRow struct {
	Comment
	PostTitle string
	PostSlug  string
	PostType  PostType
}

// SubscriberFilter selects subscribers for the admin list.
type SubscriberFilter struct {
	Status SubscriberStatus // "" for all
	Search string           // substring of the address or name
	// Limit 0 returns every match.
	Limit, Offset int
}

// SuspensionFilter chooses suspended (bounced) subscribers. Criteria combine with AND; an
// empty filter chooses every suspended subscriber.
type SuspensionFilter struct {
	PostID int64     // suspended by this post's newsletter
	Since  time.Time // suspended at or after this time
	IDs    []int64   // only these subscribers
}
