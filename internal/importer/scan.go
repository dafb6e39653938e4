package importer

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

var utc = time.UTC

// plan is what the first pass learns about the file: that it reads to the end, and the few
// small things the second pass needs to know ahead of the item it is on (ids, terms,
// authors, attachments for featured images and galleries). Post bodies and comments are not
// kept: memory grows with the number of ids, not with the size of the file.
type plan struct {
	site     wxr.Site
	source   string
	size     int64
	authors  []*wxr.Author
	creators []string // dc:creator logins with no wp:author (WXR 1.0), first seen first
	cats     []*wxr.Term
	tags     []*wxr.Term
	// otherTax counts terms of taxonomies Broadside has no place for (post formats, menus…).
	otherTax map[string]int

	attachments map[int64]*attInfo
	attOrder    []int64
	// byParent lists the attachments uploaded to each post, for [gallery] without ids.
	byParent map[int64][]int64
	// postTypes holds the WordPress id and type of each post and page that will be imported.
	postTypes map[int64]string
	// orphans maps comments whose parent is not among their post's comments to that parent.
	orphans map[int64]int64

	maxPost, maxComment, maxAttachment int64

	catSlugs map[string]bool
	votes    map[string]int // permalink structure -> posts whose link follows it
	home     string         // the directory the old site lived in ("/blog/"), or "/"
	voters   int
	offsets  map[int]int // local-minus-GMT offset in minutes -> posts
}

// attInfo is an attachment as read in the first pass.
type attInfo struct {
	Pos       wxr.Pos
	ID        int64
	Parent    int64
	URL       string // the original file URL
	Rel       string // path below wp-content/uploads/, "" when unknown
	Local     bool   // the file is in --media-dir and is (or will be) in the media library
	Creator   string // the WordPress login of who uploaded it
	Refused   bool   // its file is in --media-dir but the library's checks refused it
	Title     string
	Slug      string
	Alt       string
	Caption   string
	Mime      string
	Link      string
	GUID      string
	Date      string
	DateGMT   string
	MenuOrder int
}

// finalURL is where the attachment will be served from: the copied file, or the original.
func (a *attInfo) finalURL() string {
	if a.Local {
		return "/wp-content/uploads/" + escapePath(a.Rel)
	}
	return a.URL
}

func escapePath(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// importable reports whether an item of type typ and status st becomes a post or page, and
// otherwise why not.
func importable(typ, st string) (bool, string) {
	switch typ {
	case "post", "page", "":
	case "attachment":
		return false, ""
	case "nav_menu_item":
		return false, "" // not a post: the run makes the navigation menu of them (menus.go)
	case "revision":
		return false, "revisions (only the current version of each post is imported)"
	case "wp_block", "wp_template", "wp_template_part", "wp_global_styles", "wp_navigation", "custom_css",
		"customize_changeset", "oembed_cache", "user_request", "wp_font_face", "wp_font_family":
		return false, "theme and site-editor data (" + typ + ")"
	default:
		return false, "items of post type " + typ + " (only posts, pages and attachments are imported)"
	}
	switch st {
	case "trash":
		return false, "posts and pages in the WordPress trash"
	case "auto-draft":
		return false, "automatic drafts (WordPress's empty placeholders)"
	case "inherit":
		return false, "posts and pages with status inherit (revisions)"
	}
	return true, ""
}

// scan is the first pass: it reads the whole file, so that a malformed file fails before
// anything is written, and builds the plan. A large file's two halves are read at once
// (scan_split.go).
func scan(ctx context.Context, path string, opt Options, progress func(int64, int64)) (*plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	pl := newPlanner(size, opt)
	r := wxr.NewReader(f)
	// The plan needs no post or comment body, and of a comment only its id and parent.
	r.SkipBodies, r.OnlyCommentIDs = true, true
	if err := pl.read(ctx, r, f, progress); err != nil {
		return nil, err
	}
	p := pl.p
	// A creator with no wp:author (all of them in WXR 1.0) becomes an author too, so no
	// post loses its byline.
	for _, c := range p.creators {
		if !pl.authorLogins[broadside.Slugify(c)] {
			p.authorsFromCreators(c)
		}
	}
	if progress != nil {
		progress(size, size)
	}
	return p, nil
}

// planner builds a plan from the records of the first pass, in file order.
type planner struct {
	p            *plan
	opt          Options
	authorLogins map[string]bool
	creators     map[string]bool
	item         *wxr.Item
	itemComments []wxr.Comment // id and parent of the current item's comments only
	// second is set for the planner of a file's second half, which takes items and
	// comments only (scan_split.go).
	second bool
}

func newPlanner(size int64, opt Options) *planner {
	p := &plan{size: size, otherTax: map[string]int{}, attachments: map[int64]*attInfo{}, byParent: map[int64][]int64{},
		postTypes: map[int64]string{}, orphans: map[int64]int64{}, votes: map[string]int{}, offsets: map[int]int{},
		catSlugs: map[string]bool{}}
	return &planner{p: p, opt: opt, authorLogins: map[string]bool{}, creators: map[string]bool{}}
}

// add takes one record into the plan. The second half's planner refuses what only the
// channel's head should hold (errNotSplit).
func (pl *planner) add(rec wxr.Record) error {
	p := pl.p
	switch x := rec.(type) {
	case *wxr.Site:
		if pl.second {
			return errNotSplit
		}
		p.site = *x
		// The blog's URL names the site: WordPress.com exports give every site the
		// same base_site_url (https://wordpress.com).
		p.source = normalizeSource(firstNonEmpty(x.BaseBlogURL, x.BaseSiteURL, x.Link))
		p.home = homePath(firstNonEmpty(x.BaseBlogURL, x.BaseSiteURL))
	case *wxr.Author:
		if pl.second {
			return errNotSplit
		}
		if key := broadside.Slugify(x.Login); key != "" && !pl.authorLogins[key] {
			pl.authorLogins[key] = true
			p.authors = append(p.authors, x)
		}
	case *wxr.Term:
		if pl.second {
			return errNotSplit
		}
		switch x.Taxonomy {
		case wxr.TaxCategory:
			p.cats = append(p.cats, x)
			p.catSlugs[strings.ToLower(x.Slug)] = true
		case wxr.TaxTag:
			p.tags = append(p.tags, x)
		default:
			p.otherTax[x.Taxonomy]++
		}
	case *wxr.Item:
		pl.endItem()
		pl.item = x
		p.scanItem(x, pl.opt, pl.creators)
	case *wxr.Comment:
		if x.ID > p.maxComment {
			p.maxComment = x.ID
		}
		if pl.item != nil {
			pl.itemComments = append(pl.itemComments, wxr.Comment{ID: x.ID, Parent: x.Parent})
		}
	}
	return nil
}

// endItem notes the replies of the item just read whose parent is not among its comments.
func (pl *planner) endItem() {
	if len(pl.itemComments) == 0 {
		return
	}
	ids := make(map[int64]bool, len(pl.itemComments))
	for _, c := range pl.itemComments {
		ids[c.ID] = true
	}
	for _, c := range pl.itemComments {
		if c.Parent > 0 && (!ids[c.Parent] || c.Parent == c.ID) {
			pl.p.orphans[c.ID] = c.Parent
		}
	}
	pl.itemComments = pl.itemComments[:0]
}

func (p *plan) isCat(slug string) bool { return p.catSlugs[slug] }

func (p *plan) authorsFromCreators(login string) {
	p.authors = append(p.authors, &wxr.Author{Login: login})
}

func (p *plan) scanItem(it *wxr.Item, opt Options, creators map[string]bool) {
	if it.Type == "attachment" {
		p.scanAttachment(it, opt)
		return
	}
	ok, _ := importable(it.Type, it.Status)
	if !ok {
		return
	}
	// Creators are compared by slug: the theme unit test data has ">themereviewteam" for
	// "themereviewteam", and WordPress logins are what its author archives slugify anyway.
	p.addCreator(it.Creator, creators)
	if it.ID > 0 {
		p.postTypes[it.ID] = it.Type
		if it.ID > p.maxPost {
			p.maxPost = it.ID
		}
	}
	if lt, gt := wpTime(it.PostDate, utc), wpTime(it.PostDateGMT, utc); !lt.IsZero() && !gt.IsZero() {
		off := int(lt.Sub(gt).Minutes())
		p.offsets[(off/15)*15]++
	}
	if (it.Type == "post" || it.Type == "") && it.Status == "publish" && it.Link != "" {
		p.voters++
		if s := structureOf(it, p.home, p.isCat); s != "" {
			p.votes[s]++
		}
	}
}

// addCreator adds login to p.creators unless seen (by slug) holds it already.
func (p *plan) addCreator(login string, seen map[string]bool) {
	if key := broadside.Slugify(login); key != "" && !seen[key] {
		seen[key] = true
		p.creators = append(p.creators, login)
	}
}

func (p *plan) scanAttachment(it *wxr.Item, opt Options) {
	a := &attInfo{Pos: it.Pos, ID: it.ID, Parent: it.Parent, URL: firstNonEmpty(it.AttachmentURL, it.GUID),
		Title: plainText(it.Title), Slug: it.Name, Caption: plainText(it.Excerpt), Link: it.Link, GUID: it.GUID,
		Date: it.PostDate, DateGMT: it.PostDateGMT, MenuOrder: it.MenuOrder, Creator: it.Creator}
	if a.ID == 0 {
		a.ID = syntheticID("attachment", a.URL)
	}
	if v, ok := it.MetaValue("_wp_attachment_image_alt"); ok {
		a.Alt = strings.TrimSpace(v)
	}
	a.Mime = mimeFor(a.URL)
	if rel, ok := it.MetaValue("_wp_attached_file"); ok && safeRel(rel) {
		a.Rel = rel
	} else {
		a.Rel = uploadsRel(a.URL)
	}
	if opt.MediaDir != "" && a.Rel != "" {
		if fi, err := os.Stat(filepath.Join(opt.MediaDir, filepath.FromSlash(a.Rel))); err == nil && fi.Mode().IsRegular() {
			a.Local = true
		}
	}
	if _, dup := p.attachments[a.ID]; !dup {
		p.attOrder = append(p.attOrder, a.ID)
	}
	p.attachments[a.ID] = a
	if a.Parent > 0 {
		p.byParent[a.Parent] = append(p.byParent[a.Parent], a.ID)
	}
	if a.ID > p.maxAttachment {
		p.maxAttachment = a.ID
	}
}

// safeRel reports whether rel is a plain relative path with no way out of its directory.
func safeRel(rel string) bool {
	if rel == "" || strings.HasPrefix(rel, "/") || strings.Contains(rel, "\\") || strings.ContainsRune(rel, 0) {
		return false
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return strings.TrimSpace(x)
		}
	}
	return ""
}
