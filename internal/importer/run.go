package importer

import (
	"context"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/wxr"
)

// run is the second pass of one import, inside its transaction.
type run struct {
	svc      *Service
	tx       *store.Store
	plan     *plan
	opt      Options
	sum      *Summary
	now      time.Time
	path     string
	progress func(done, total int64)
	tl       *timeline

	settings broadside.Settings
	loc      *time.Location // the old site's zone when the file tells it, else ours
	fresh    bool           // the site had no posts before this import
	known    bool           // something was imported from this source before

	users        map[string]int64 // WordPress login -> user id
	userByWPID   map[int64]int64  // WordPress user id -> user id
	fallbackUser int64
	cats         map[string]int64 // WordPress category slug -> category id
	tags         map[string]int64 // WordPress tag slug -> tag id
	defaultCat   int64
	postLocal    map[int64]int64 // WordPress post id -> post id
	attLocal     map[int64]int64 // WordPress attachment id -> attachment id
	parentFixes  []parentFix
	noted        map[string]bool // one-time notes already given

	cur *curItem

	mediaRE    *regexp.Regexp
	stored     map[int64]*storedFile // WordPress attachment id -> its file in the media storage
	library    *libraryIndex
	mediaLocal map[int64]int64 // WordPress attachment id -> media id

	menuItems []wpMenuItem // nav_menu_item records, made into the menu at the end (menus.go)

	// attComments are comments on attachments whose post comes later in the file, imported
	// in finish (attachment_comments.go).
	attComments []*attachmentComments

	imports   []store.WPImport     // wp_imports rows not written yet (remember)
	redirects []broadside.Redirect // redirects not written yet (setRedirect)
	batch     *newComments         // comments not written yet, when they can wait (comment_batch.go)
	posts     *newPosts            // posts not written yet, when they can wait (posts_batch.go)
}

// curItem is the item whose comments are arriving.
type curItem struct {
	pos      wxr.Pos
	wpID     int64
	localID  int64
	skip     bool
	comments map[int64]int64 // WordPress comment id -> comment id, this item only
	pending  []parentFix     // replies that came before their parent
	// attachment is the attachment the comments were written on, when the item is one:
	// they are shown on its post (localID) and exported back under it.
	attachment int64
	// held collects the comments of an attachment whose post is not imported yet.
	held *attachmentComments
}

type parentFix struct {
	pos      wxr.Pos
	wpID     int64 // the child's WordPress id
	local    int64
	wpParent int64
}

func (r *run) do(ctx context.Context) error {
	var err error
	if r.settings, err = r.tx.LoadSettings(ctx); err != nil {
		return err
	}
	r.loc = r.settings.Location()
	if zone, _ := r.plan.timezone(); zone != "" {
		if loc, err := time.LoadLocation(zone); err == nil {
			r.loc = loc
		}
	}
	n, err := r.tx.CountPosts(ctx)
	if err != nil {
		return err
	}
	r.fresh = n == 0
	if r.known, err = r.tx.HasWPImports(ctx, r.plan.source); err != nil {
		return err
	}
	r.users, r.userByWPID = map[string]int64{}, map[int64]int64{}
	r.cats, r.tags = map[string]int64{}, map[string]int64{}
	r.postLocal, r.attLocal, r.mediaLocal = map[int64]int64{}, map[int64]int64{}, map[int64]int64{}
	r.noted = map[string]bool{}
	r.setupMedia()

	// WordPress ids up to the file's largest stay free for the items that want them; new
	// ids are allocated above.
	// In a fixed order, so that the same imports leave the same sqlite_sequence rows.
	for _, t := range []struct {
		table string
		maxID int64
	}{{"posts", r.plan.maxPost}, {"comments", r.plan.maxComment}, {"attachments", r.plan.maxAttachment}, {"media", r.plan.maxAttachment}} {
		if t.maxID > 0 {
			if err := r.tx.ReserveIDs(ctx, t.table, t.maxID); err != nil {
				return err
			}
		}
	}
	// Into a site without posts, the search index is built once after them (DeferSearchIndex).
	buildSearch, err := r.tx.DeferSearchIndex(ctx)
	if err != nil {
		return err
	}
	if err := r.importAuthors(ctx); err != nil {
		return err
	}
	if err := r.importCategories(ctx); err != nil {
		return err
	}
	if err := r.importTags(ctx); err != nil {
		return err
	}
	for tax, n := range r.plan.otherTax {
		r.sum.skipN("terms of the taxonomy "+tax+" (Broadside has categories and tags only)", n)
	}
	if err := r.importAttachments(ctx); err != nil {
		return err
	}
	r.tl.phase("authors, terms, attachments")
	// Into a site without comments, the comments' secondary indexes are built once after
	// the stream rather than row by row (docs/benchmarks.md, issue 11 session 6).
	rebuildComments, commentsEmpty, err := r.tx.DeferIndexes(ctx, "comments")
	if err != nil {
		return err
	}
	r.setupNewComments(commentsEmpty)
	r.setupNewPosts()
	if err := r.stream(ctx); err != nil {
		return err
	}
	if err := r.flushComments(ctx); err != nil {
		return err
	}
	r.tl.phase("last comments")
	if err := rebuildComments(ctx); err != nil {
		return err
	}
	r.tl.phase("comment indexes")
	if err := r.finish(ctx); err != nil {
		return err
	}
	r.tl.phase("finish")
	if err := buildSearch(ctx); err != nil {
		return err
	}
	r.tl.phase("search index")
	if err := r.flushImports(ctx); err != nil {
		return err
	}
	r.tl.phase("last wp_imports")
	return nil
}

// stream is the second read of the file: posts, pages and comments are written as they
// arrive.
func (r *run) stream(ctx context.Context) error {
	f, err := os.Open(r.path)
	if err != nil {
		return err
	}
	defer f.Close()
	rd := newPrefetch(wxr.NewReader(f), r.prepare, r.commentRow)
	defer rd.stop()
	defer func() {
		r.tl.phase("stream", "writer_waited", rd.waited.writer.Round(time.Millisecond),
			"decoder_waited", rd.waited.decoder.Round(time.Millisecond), "batches", rd.waited.batches)
	}()
	for n := 0; ; n++ {
		pr, offset, err := rd.next()
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if r.progress != nil {
				r.progress(offset, r.plan.size)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err // the first pass read the same bytes; the file changed underneath
		}
		switch x := pr.rec.(type) {
		case *wxr.Warning:
			r.sum.warn(x.Pos, "file", 0, "%s", x.Msg)
		case *wxr.Item:
			if err := r.endItem(ctx); err != nil {
				return err
			}
			if err := r.item(ctx, x, pr.conv); err != nil {
				return err
			}
		case *wxr.Comment:
			if err := r.comment(ctx, x, pr.row); err != nil {
				return itemError(x.Pos, "comment", x.ID, err)
			}
		}
	}
	if r.progress != nil {
		r.progress(r.plan.size, r.plan.size)
	}
	return r.endItem(ctx)
}

// prepare runs in the decoding goroutine (prefetch), beside the writer: it converts the
// body of an item that may become a post or page. It reads only what the stream does not
// change (the plan, the media library's index).
func (r *run) prepare(rec wxr.Record) *converted {
	it, ok := rec.(*wxr.Item)
	if !ok {
		return nil
	}
	if ok, _ := importable(it.Type, it.Status); !ok {
		return nil
	}
	return r.convert(it, itemWPID(it))
}

func (r *run) item(ctx context.Context, it *wxr.Item, conv *converted) error {
	r.cur = &curItem{pos: it.Pos, wpID: it.ID, skip: true}
	if it.Type == "attachment" {
		r.attachmentItem(it) // written before the stream, from the plan; this takes its comments
		return nil
	}
	if it.Type == "nav_menu_item" {
		r.collectMenuItem(it)
		return nil
	}
	if ok, why := importable(it.Type, it.Status); !ok {
		r.sum.skip(why, it.Pos, it.ID)
		return nil
	}
	if err := r.importPost(ctx, it, conv); err != nil {
		return itemError(it.Pos, "post", it.ID, err)
	}
	return nil
}

// finish links what could only be linked once everything was in, and adopts the old site's
// permalinks and time zone.
func (r *run) finish(ctx context.Context) error {
	for _, f := range r.parentFixes {
		parent, ok := r.postLocal[f.wpParent]
		if !ok {
			r.sum.warn(f.pos, "page", f.wpID, "its parent page %d is not in the export, so it is a top-level page now", f.wpParent)
			continue
		}
		if err := r.tx.SetPostParent(ctx, f.local, parent); err != nil {
			return err
		}
	}
	for _, id := range r.plan.attOrder {
		a := r.plan.attachments[id]
		local, ok := r.attLocal[id]
		if !ok || a.Parent <= 0 {
			continue
		}
		if parent, ok := r.postLocal[a.Parent]; ok {
			if err := r.tx.SetAttachmentParent(ctx, local, parent); err != nil {
				return err
			}
		}
	}
	if err := r.importHeldComments(ctx); err != nil {
		return err
	}
	if err := r.flushComments(ctx); err != nil {
		return err
	}
	if err := r.tx.RecountAllComments(ctx); err != nil {
		return err
	}
	if err := r.recordHome(ctx); err != nil {
		return err
	}
	if err := r.importMenu(ctx); err != nil {
		return err
	}
	if err := r.adoptSettings(ctx); err != nil {
		return err
	}
	return nil
}

func (r *run) adoptSettings(ctx context.Context) error {
	p := &r.sum.Permalinks
	p.Inferred = r.plan.inferredStructure()
	zone, note := r.plan.timezone()
	if note != "" {
		p.Notes = append(p.Notes, note)
	}
	// The site language follows the export's channel <language> when the site has none set,
	// whether or not it already had posts: an unset language is English by default, not by
	// choice (WordPress's empty WPLANG).
	changed := r.adoptLanguage(p)
	if p.Inferred == "" && r.plan.voters > 0 {
		p.Notes = append(p.Notes, "the old site's post links follow no single structure Broadside can adopt (plain links such as /?p=123 keep working, and every other old link redirects).")
	}
	if !r.fresh {
		if p.Inferred != "" && p.Inferred != r.settings.PermalinkStructure {
			p.Notes = append(p.Notes, "this site already had posts, so it keeps its permalink structure "+r.settings.PermalinkStructure+
				"; the imported posts' old addresses answer with a permanent redirect.")
		}
		if !changed {
			return nil
		}
		return r.saveSettings(ctx)
	}
	if p.Inferred != "" {
		p.Adopted = true
		if p.Inferred != r.settings.PermalinkStructure {
			r.settings.PermalinkStructure = p.Inferred
			changed = true
		}
	}
	if zone != "" && zone != "UTC" && r.settings.Timezone == broadside.DefaultSettings().Timezone {
		r.settings.Timezone, p.Timezone = zone, zone
		changed = true
	}
	if !changed {
		return nil
	}
	return r.saveSettings(ctx)
}

// saveSettings stores the adopted settings and, in the same transaction, queues the search
// index's rebuild when the site language now asks for another stemming (the settings
// service does the same when a publisher changes the language).
func (r *run) saveSettings(ctx context.Context) error {
	if err := r.tx.SaveSettings(ctx, r.settings); err != nil {
		return err
	}
	_, err := search.EnqueueReindex(ctx, r.tx, r.settings.Language, r.now)
	return err
}

// adoptLanguage sets the site language from the export when the site has none, and says
// whether the settings changed.
func (r *run) adoptLanguage(p *Permalinks) bool {
	lang := strings.TrimSpace(r.plan.site.Language)
	if r.settings.Language != "" || lang == "" {
		return false
	}
	code, ok := i18n.Match(lang)
	switch {
	case !ok:
		p.Notes = append(p.Notes, "the old site's language "+lang+" is not one Broadside ships yet, so readers see English; choose a site language under Settings → General.")
		return false
	case code == i18n.Default:
		return false // English is what an unset language shows already
	}
	r.settings.Language, p.Language = code, code
	return true
}

// lookup finds what an earlier import of this source made of a WordPress object.
func (r *run) lookup(ctx context.Context, kind string, wpID int64) (int64, bool, error) {
	if !r.known {
		return 0, false, nil
	}
	if err := r.flushImports(ctx); err != nil {
		return 0, false, err
	}
	return r.tx.LookupWPImport(ctx, r.plan.source, kind, wpID)
}

// remember notes that the WordPress object is local. The rows are written a few hundred at
// a time (store.RecordWPImports), before any lookup and at the end of the run.
func (r *run) remember(ctx context.Context, kind string, wpID, local int64, guid string) error {
	r.imports = append(r.imports, store.WPImport{Source: r.plan.source, Kind: kind, WPID: wpID, LocalID: local, GUID: guid})
	if len(r.imports) >= pendingImports {
		return r.flushImports(ctx)
	}
	return nil
}

// pendingImports is how many wp_imports rows, or redirects, wait before flushImports.
const pendingImports = 256

// flushImports writes the rows the run keeps to write later, those of wp_imports and the
// redirects. Nothing during the run reads them but lookup (wp_imports), which calls it
// first.
func (r *run) flushImports(ctx context.Context) error {
	if len(r.redirects) > 0 {
		err := r.tx.SetRedirects(ctx, r.redirects, r.now)
		clear(r.redirects)
		r.redirects = r.redirects[:0]
		if err != nil {
			return err
		}
	}
	if len(r.imports) == 0 {
		return nil
	}
	err := r.tx.RecordWPImports(ctx, r.imports, r.now)
	r.imports = r.imports[:0]
	return err
}

// redirect records that the old address link now leads to the object of kind with id.
func (r *run) redirect(ctx context.Context, link, kind string, id int64) error {
	p := oldPath(link, firstNonEmpty(r.plan.site.BaseBlogURL, r.plan.site.BaseSiteURL))
	if p == "" {
		return nil
	}
	return r.setRedirect(ctx, broadside.Redirect{Path: p, Kind: kind, TargetID: id})
}

// setRedirect keeps a redirect to write with the run's other bookkeeping rows (flushImports):
// one statement per redirect was one of a post's seven.
func (r *run) setRedirect(ctx context.Context, rd broadside.Redirect) error {
	r.redirects = append(r.redirects, rd)
	if len(r.redirects) >= pendingImports {
		return r.flushImports(ctx)
	}
	return nil
}

// recordHome remembers the directory the old site lived in (/blog/ for
// http://example.org/blog): the web layer answers every old address below it.
func (r *run) recordHome(ctx context.Context) error {
	home := r.plan.home
	if home == "" || home == "/" || len(home) > 2000 {
		return nil
	}
	p, err := url.PathUnescape(home)
	if err != nil {
		return nil
	}
	return r.setRedirect(ctx, broadside.Redirect{Path: p, Kind: broadside.WPHome})
}

// noteOnce records a warning the first time key is seen.
func (r *run) noteOnce(key string, pos wxr.Pos, kind string, wpID int64, format string, args ...any) {
	if !r.noted[key] {
		r.noted[key] = true
		r.sum.warn(pos, kind, wpID, format, args...)
	}
}
