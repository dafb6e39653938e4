// Package wxr reads and writes WordPress eXtended RSS (WXR), the file WordPress's
// Tools › Export produces and its importer reads.
//
// The Reader streams: it holds one author, term, item header or comment at a time, never the
// document, so a file of any size is read in constant memory. It accepts WXR 1.0, 1.1 and
// 1.2 under http:// and https:// namespaces, CRLF files, CDATA in every well-formed shape
// (adjacent sections are concatenated, "]]>" split as "]]]]><![CDATA[>" comes back whole)
// and matches WordPress elements by namespace URI, not by prefix, so a redefined or hijacked
// "wp:" prefix is ignored the way a namespace-aware parser ignores it. Errors carry the line
// and column and say what to do.
//
// The Writer produces WXR 1.2 that WordPress's importer accepts.
package wxr

import "strconv"

// Pos is a 1-based line and column (in bytes) in the file.
type Pos struct{ Line, Col int }

func (p Pos) String() string { return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col) }

// Record is one thing read from the file: *Site, *Author, *Term, *Item, *Comment or
// *Warning.
type Record interface{ pos() Pos }

// Site is the channel header. The Reader returns it once, before the first author, term or
// item (or at the end of an empty channel).
type Site struct {
	Pos         Pos
	Title       string
	Link        string
	Description string
	Language    string
	Generator   string
	Version     string // wp:wxr_version, e.g. "1.2"
	BaseSiteURL string // wp:base_site_url
	BaseBlogURL string // wp:base_blog_url
}

// Author is a wp:author.
type Author struct {
	Pos         Pos
	ID          int64
	Login       string
	Email       string
	DisplayName string
	FirstName   string
	LastName    string
}

// Taxonomies of Term.
const (
	TaxCategory = "category"
	TaxTag      = "post_tag"
)

// Term is a wp:category (Taxonomy "category"), wp:tag ("post_tag") or wp:term (its own
// taxonomy, which may also be category or post_tag).
type Term struct {
	Pos         Pos
	ID          int64
	Taxonomy    string
	Slug        string
	Name        string
	Parent      string // the parent's slug
	Description string
	Meta        []Meta
}

// Meta is a postmeta, termmeta or commentmeta entry.
type Meta struct{ Key, Value string }

// ItemTerm is a <category domain="…" nicename="…">Name</category> of an item. Domain "tag"
// (WXR 1.0) is reported as "post_tag".
type ItemTerm struct{ Domain, Slug, Name string }

// Item is a post, page, attachment or any other post type. Its comments follow it as
// separate *Comment records.
type Item struct {
	Pos     Pos
	Title   string
	Link    string
	PubDate string
	Creator string // dc:creator: the author's login
	GUID    string
	// GUIDIsPermaLink is the guid's isPermaLink: RSS says a guid without the attribute is
	// one; WordPress writes "false" on every item.
	GUIDIsPermaLink bool
	Description     string
	Content         string // content:encoded
	Excerpt         string // excerpt:encoded
	ID              int64  // wp:post_id
	PostDate        string // wp:post_date, site time "2006-01-02 15:04:05"
	PostDateGMT     string
	PostModified    string
	PostModifiedGMT string
	CommentStatus   string // open or closed
	PingStatus      string
	Name            string // wp:post_name, the slug (percent-encoded when not ASCII)
	Status          string // publish, future, draft, pending, private, inherit, trash …
	Parent          int64
	MenuOrder       int
	Type            string // post, page, attachment, nav_menu_item …
	Password        string
	Sticky          bool
	AttachmentURL   string
	Terms           []ItemTerm
	Meta            []Meta
}

// MetaValue returns the value of the first meta entry with key.
func (it *Item) MetaValue(key string) (string, bool) {
	for _, m := range it.Meta {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

// Comment is a wp:comment of the item before it.
type Comment struct {
	Pos         Pos
	ItemID      int64 // the wp:post_id of the item it belongs to
	ID          int64
	Author      string
	AuthorEmail string
	AuthorURL   string
	AuthorIP    string
	Date        string
	DateGMT     string
	Content     string
	Approved    string // 1, 0, spam, trash, post-trashed
	Type        string // "", comment, pingback, trackback …
	Parent      int64
	UserID      int64
	Meta        []Meta
}

// Warning is something the Reader skipped or doubted without failing.
type Warning struct {
	Pos Pos
	Msg string
}

func (s *Site) pos() Pos    { return s.Pos }
func (a *Author) pos() Pos  { return a.Pos }
func (t *Term) pos() Pos    { return t.Pos }
func (it *Item) pos() Pos   { return it.Pos }
func (c *Comment) pos() Pos { return c.Pos }
func (w *Warning) pos() Pos { return w.Pos }

// PosOf returns where rec starts in the file.
func PosOf(rec Record) Pos { return rec.pos() }
