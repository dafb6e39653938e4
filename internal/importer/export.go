package importer

import (
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/i18n"
	"github.com/broadside/broadside/internal/wxr"
)

// exportBatch is how many posts an export holds in memory at a time.
const exportBatch = 200

const wpTimeLayout = "2006-01-02 15:04:05"

// Export writes the whole site as WXR 1.2: authors, categories (parents first), tags, every
// post and page in any status with its comments, and the attachments. WordPress's importer
// reads it; so does ours, which gets back exactly what it wrote (HTML bodies are marked as
// final, Markdown travels alongside its HTML). It streams: posts are read a batch at a
// time. Each batch is read consistently; a post written while the export runs may or may
// not be in it.
func (s *Service) Export(ctx context.Context, out io.Writer) error {
	set, err := s.Store.LoadSettings(ctx)
	if err != nil {
		return err
	}
	ex := &exporter{svc: s, ctx: ctx, set: set, loc: set.Location(), w: wxr.NewWriter(out)}
	ex.base = set.PublicURL(s.BaseURL)
	ex.perm, err = broadside.NewPermalinks(set.PermalinkStructure)
	if err != nil {
		ex.perm, _ = broadside.NewPermalinks(broadside.DefaultPermalinkStructure)
	}
	ex.w.Generator = "Broadside"
	ex.w.Created = s.Now().UTC().Format("2006-01-02 15:04")
	return ex.run()
}

type exporter struct {
	svc  *Service
	ctx  context.Context
	set  broadside.Settings
	loc  *time.Location
	base string
	perm *broadside.Permalinks
	w    *wxr.Writer
	cats []broadside.Category

	attByURL map[string]int64 // attachment URL -> exported id
	attIDs   map[int64]int64  // attachment id -> exported id (moved off ids posts use)
	postIDs  map[int64]bool
	nextID   int64
	extra    []*wxr.Item // attachments made for featured images that are not attachments

	logins  map[int64]string                 // user id -> login
	library map[string]*broadside.Attachment // media key -> the attachment an import made of it
	mediaID map[int64]int64                  // media id -> exported id
	// attComments are comments written on an attachment, by attachment id, gathered while
	// exporting its post and written under the attachment's item.
	attComments map[int64][]broadside.Comment
}

func (ex *exporter) run() error {
	st := ex.svc.Store
	ctx := ex.ctx
	if err := ex.w.Begin(&wxr.Site{Title: ex.set.Title, Link: ex.base, Description: ex.set.Tagline, Language: i18n.Code(ex.set.Language),
		BaseSiteURL: ex.base, BaseBlogURL: ex.base, Generator: "https://broadside.invalid/?v=1"}); err != nil {
		return err
	}
	users, err := st.ListUsers(ctx)
	if err != nil {
		return err
	}
	ex.logins = map[int64]string{}
	for _, u := range users {
		ex.logins[u.ID] = u.Login
		if err := ex.w.Author(&wxr.Author{ID: u.ID, Login: u.Login, Email: u.Email, DisplayName: u.DisplayName}); err != nil {
			return err
		}
	}
	if ex.cats, err = st.ListCategories(ctx); err != nil {
		return err
	}
	bySlug := map[int64]string{}
	for _, c := range ex.cats {
		bySlug[c.ID] = c.Slug
	}
	for _, c := range parentsFirst(ex.cats) {
		if err := ex.w.Term(&wxr.Term{ID: c.ID, Taxonomy: wxr.TaxCategory, Slug: c.Slug, Name: c.Name,
			Parent: bySlug[c.ParentID], Description: c.Description}); err != nil {
			return err
		}
	}
	tags, err := st.ListTags(ctx)
	if err != nil {
		return err
	}
	for _, t := range tags {
		if err := ex.w.Term(&wxr.Term{ID: t.ID, Taxonomy: wxr.TaxTag, Slug: t.Slug, Name: t.Name}); err != nil {
			return err
		}
	}
	if err := ex.planIDs(); err != nil {
		return err
	}
	for after := int64(-1 << 62); ; {
		ps, err := st.ExportPosts(ctx, after, exportBatch)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		for i := range ps {
			if err := ex.post(&ps[i]); err != nil {
				return err
			}
		}
		after = ps[len(ps)-1].ID
	}
	for after := int64(-1 << 62); ; {
		as, err := st.ListAttachments(ctx, after, exportBatch)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			break
		}
		for i := range as {
			if ex.library[as[i].File] != nil {
				continue // exported as the library file it became
			}
			if err := ex.attachment(&as[i]); err != nil {
				return err
			}
		}
		after = as[len(as)-1].ID
	}
	if err := ex.eachMedia(exportBatch, ex.media); err != nil {
		return err
	}
	for _, it := range ex.extra {
		if err := ex.w.StartItem(it); err != nil {
			return err
		}
		if err := ex.w.EndItem(); err != nil {
			return err
		}
	}
	return ex.w.End()
}

// planIDs gives attachments the ids they will have in the export. WordPress keeps posts and
// attachments in one table, so an attachment whose id a post also has here gets a fresh one.
func (ex *exporter) planIDs() error {
	ex.attByURL, ex.attIDs, ex.postIDs = map[string]int64{}, map[int64]int64{}, map[int64]bool{}
	ids, err := ex.svc.Store.MaxIDs(ex.ctx)
	if err != nil {
		return err
	}
	ex.nextID = max(ids["posts"], ids["attachments"], ids["media"]) + 1
	ex.library, ex.mediaID = map[string]*broadside.Attachment{}, map[int64]int64{}
	if err := ex.eachMedia(exportBatch*5, func(m *broadside.Media) error {
		ex.library[m.Key] = nil
		return nil
	}); err != nil {
		return err
	}
	for after := int64(-1 << 62); ; {
		ps, err := ex.svc.Store.ExportPosts(ex.ctx, after, exportBatch*5)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			break
		}
		for _, p := range ps {
			if p.Type != broadside.TypeAttachment { // an attachment's page is no item: its id is free
				ex.postIDs[p.ID] = true
			}
		}
		after = ps[len(ps)-1].ID
	}
	for after := int64(-1 << 62); ; {
		as, err := ex.svc.Store.ListAttachments(ex.ctx, after, exportBatch*5)
		if err != nil {
			return err
		}
		if len(as) == 0 {
			break
		}
		for _, a := range as {
			if _, ok := ex.library[a.File]; ok && a.File != "" {
				ex.library[a.File] = &a
				continue
			}
			id := a.ID
			if ex.postIDs[id] {
				id = ex.nextID
				ex.nextID++
			}
			ex.attIDs[a.ID] = id
			ex.attByURL[a.URL] = id
		}
		after = as[len(as)-1].ID
	}
	// Library files keep their ids unless a post or an exported attachment has it.
	taken := map[int64]bool{}
	for _, id := range ex.attIDs {
		taken[id] = true
	}
	return ex.eachMedia(exportBatch*5, func(m *broadside.Media) error {
		id := m.ID
		if ex.postIDs[id] || taken[id] {
			id = ex.nextID
			ex.nextID++
		}
		ex.mediaID[m.ID] = id
		ex.attByURL[m.URL()] = id
		if a := ex.library[m.Key]; a != nil {
			ex.attByURL[a.URL] = id
		}
		return nil
	})
}

func wpStatus(st broadside.PostStatus) string {
	switch st {
	case broadside.StatusPublished:
		return "publish"
	case broadside.StatusScheduled:
		return "future"
	}
	return string(st) // draft, pending, private
}

func wpApproved(st broadside.CommentStatus) string {
	switch st {
	case broadside.CommentApproved:
		return "1"
	case broadside.CommentPending:
		return "0"
	}
	return string(st) // spam, trash
}

func (ex *exporter) abs(u string) string {
	if broadside.IsSitePath(u) {
		return ex.base + u
	}
	return u
}

func (ex *exporter) permalink(p *broadside.Post) string {
	if p.Type == broadside.TypePage {
		return ex.base + "/" + url.PathEscape(p.Slug) + "/"
	}
	f := broadside.PermalinkFields{ID: p.ID, Slug: url.PathEscape(p.Slug), Published: p.PublishedAt.In(ex.loc)}
	if p.Author != nil {
		f.AuthorLogin = p.Author.Login
	}
	if len(p.Categories) > 0 {
		f.CategoryPath = strings.Join(broadside.CategoryPath(ex.cats, p.Categories[0].ID), "/")
	}
	return ex.base + ex.perm.Build(f)
}

func (ex *exporter) dates(t time.Time) (local, gmt string) {
	if t.IsZero() {
		return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
	}
	return t.In(ex.loc).Format(wpTimeLayout), t.UTC().Format(wpTimeLayout)
}

func (ex *exporter) post(p *broadside.Post) error {
	if p.Type == broadside.TypeAttachment {
		return ex.attachmentPage(p)
	}
	it := &wxr.Item{Title: p.TitleSource(), Link: ex.permalink(p), GUID: ex.base + "/?p=" + strconv.FormatInt(p.ID, 10),
		Excerpt: p.RawExcerpt, ID: p.ID, Name: strings.ToLower(url.PathEscape(p.Slug)), Status: wpStatus(p.Status),
		Parent: p.ParentID, Type: string(p.Type), Password: p.Password, Sticky: p.Sticky, PingStatus: "closed",
		CommentStatus: "closed", MenuOrder: p.MenuOrder}
	if p.GUID != "" {
		it.GUID, it.GUIDIsPermaLink = p.GUID, p.GUIDIsPermaLink // the id feed readers know it by
	}
	if p.CommentsOpen {
		it.CommentStatus = "open"
	}
	if p.PingsOpen {
		it.PingStatus = "open"
	}
	if !p.PublishedAt.IsZero() {
		it.PubDate = p.PublishedAt.UTC().Format(time.RFC1123Z)
	}
	it.PostDate, it.PostDateGMT = ex.dates(p.PublishedAt)
	it.PostModified, it.PostModifiedGMT = ex.dates(p.UpdatedAt)
	if p.Author != nil {
		it.Creator = p.Author.Login
	}
	if p.BodyFormat == broadside.FormatMarkdown {
		it.Content = ex.markdownHTML(p.RawBody)
		it.Meta = append(it.Meta, wxr.Meta{Key: metaMarkdown, Value: p.RawBody})
	} else {
		it.Content = p.RawBody
		if p.BodyFormat == broadside.FormatHTML {
			it.Meta = append(it.Meta, wxr.Meta{Key: metaFormat, Value: broadside.FormatHTML})
		} // "wordpress" text goes out as WordPress's own post_content: importers autop it
	}
	for _, c := range p.Categories {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: wxr.TaxCategory, Slug: c.Slug, Name: c.Name})
	}
	for _, t := range p.Tags {
		it.Terms = append(it.Terms, wxr.ItemTerm{Domain: wxr.TaxTag, Slug: t.Slug, Name: t.Name})
	}
	if p.Appeal != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: metaAppeal, Value: p.Appeal})
	}
	if p.Notice != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: metaNotice, Value: p.Notice})
	}
	if p.FeaturedImageURL != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_thumbnail_id", Value: strconv.FormatInt(ex.featured(p), 10)})
	}
	if err := ex.w.StartItem(it); err != nil {
		return err
	}
	cs, err := ex.svc.Store.ThreadComments(ex.ctx, p.ID, broadside.CommentStatuses, nil)
	if err != nil {
		return err
	}
	onAttachment, err := ex.svc.Store.CommentAttachments(ex.ctx, p.ID)
	if err != nil {
		return err
	}
	own := cs[:0:0]
	for _, c := range cs {
		// Comments written on an attachment go back under it, where WordPress keeps them
		// (unless it is exported as a library file, whose item comes from elsewhere).
		if a, ok := onAttachment[c.ID]; ok && ex.attIDs[a] != 0 {
			if ex.attComments == nil {
				ex.attComments = map[int64][]broadside.Comment{}
			}
			ex.attComments[a] = append(ex.attComments[a], c)
			continue
		}
		own = append(own, c)
	}
	if err := ex.comments(own); err != nil {
		return err
	}
	return ex.w.EndItem()
}

// attachmentPage gathers the comments of the page an import made for an attachment that
// belongs to no post: they are written under the attachment's item, where WordPress keeps
// them, and the page itself is not an item (the attachment is).
func (ex *exporter) attachmentPage(p *broadside.Post) error {
	cs, err := ex.svc.Store.ThreadComments(ex.ctx, p.ID, broadside.CommentStatuses, nil)
	if err != nil {
		return err
	}
	if ex.attComments == nil {
		ex.attComments = map[int64][]broadside.Comment{}
	}
	ex.attComments[p.ParentID] = append(ex.attComments[p.ParentID], cs...)
	return nil
}

// comments writes the comments of the current item.
func (ex *exporter) comments(cs []broadside.Comment) error {
	for i := range cs {
		c := &cs[i]
		wc := &wxr.Comment{ID: c.ID, Author: c.AuthorName, AuthorEmail: c.AuthorEmail, AuthorURL: c.AuthorURL,
			AuthorIP: c.AuthorIP, Content: c.RawBody, Approved: wpApproved(c.Status), Type: c.Kind,
			Parent: c.ParentID, UserID: c.UserID}
		wc.Date, wc.DateGMT = ex.dates(c.CreatedAt)
		if err := ex.w.Comment(wc); err != nil {
			return err
		}
	}
	return nil
}

// markdownHTML renders a Markdown body for WordPress, keeping <!--more--> between the two
// halves.
func (ex *exporter) markdownHTML(raw string) string {
	if ex.svc.RenderMarkdown == nil {
		return raw
	}
	teaser, more := broadside.SplitMore(raw)
	if !more {
		return ex.svc.RenderMarkdown(raw)
	}
	return ex.svc.RenderMarkdown(teaser) + broadside.MoreMarker + ex.svc.RenderMarkdown(raw[len(teaser)+len(broadside.MoreMarker):])
}

// featured returns the exported id of p's featured image: its attachment, or a new
// attachment item made for it (a URL typed into the editor).
func (ex *exporter) featured(p *broadside.Post) int64 {
	if id, ok := ex.attByURL[p.FeaturedImageURL]; ok {
		return id
	}
	id := ex.nextID
	ex.nextID++
	ex.attByURL[p.FeaturedImageURL] = id
	u := ex.abs(p.FeaturedImageURL)
	it := &wxr.Item{Title: p.FeaturedImageAlt, Link: ex.base + "/?attachment_id=" + strconv.FormatInt(id, 10), GUID: u,
		ID: id, Status: "inherit", Type: "attachment", Parent: p.ID, AttachmentURL: u, CommentStatus: "closed", PingStatus: "closed",
		Meta: []wxr.Meta{{Key: "_wp_attachment_image_alt", Value: p.FeaturedImageAlt}}}
	it.PostDate, it.PostDateGMT = ex.dates(p.PublishedAt)
	it.PostModified, it.PostModifiedGMT = it.PostDate, it.PostDateGMT
	if rel := uploadsRel(u); rel != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attached_file", Value: rel})
	}
	ex.extra = append(ex.extra, it)
	return id
}

func (ex *exporter) attachment(a *broadside.Attachment) error {
	id := ex.attIDs[a.ID]
	u := ex.abs(a.URL)
	it := &wxr.Item{Title: a.Title, Link: ex.base + "/?attachment_id=" + strconv.FormatInt(id, 10), GUID: u, Excerpt: a.Caption,
		ID: id, Name: a.Slug, Status: "inherit", Type: "attachment", Parent: a.ParentID, AttachmentURL: u,
		CommentStatus: "closed", PingStatus: "closed"}
	it.PostDate, it.PostDateGMT = ex.dates(a.CreatedAt)
	it.PostModified, it.PostModifiedGMT = it.PostDate, it.PostDateGMT
	if rel := firstNonEmpty(a.File, uploadsRel(u)); rel != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attached_file", Value: rel})
	}
	if a.Alt != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attachment_image_alt", Value: a.Alt})
	}
	if err := ex.w.StartItem(it); err != nil {
		return err
	}
	if err := ex.comments(ex.attComments[a.ID]); err != nil {
		return err
	}
	return ex.w.EndItem()
}

// parentsFirst orders categories so that each comes after its parent (WordPress's importer
// needs the parent to exist), keeping the given order otherwise.
func parentsFirst(cats []broadside.Category) []broadside.Category {
	byID := map[int64]*broadside.Category{}
	for i := range cats {
		byID[cats[i].ID] = &cats[i]
	}
	done := map[int64]bool{}
	var out []broadside.Category
	var visit func(c *broadside.Category, depth int)
	visit = func(c *broadside.Category, depth int) {
		if done[c.ID] || depth > len(cats) {
			return
		}
		if p := byID[c.ParentID]; p != nil && p.ID != c.ID {
			visit(p, depth+1)
		}
		if !done[c.ID] {
			done[c.ID] = true
			out = append(out, *c)
		}
	}
	for i := range cats {
		visit(&cats[i], 0)
	}
	return out
}

// eachMedia calls fn with every library file, in id order, batch rows at a time.
func (ex *exporter) eachMedia(batch int, fn func(m *broadside.Media) error) error {
	for after := int64(-1 << 62); ; {
		ms, err := ex.svc.Store.ExportMedia(ex.ctx, after, batch)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return nil
		}
		for i := range ms {
			if err := fn(&ms[i]); err != nil {
				return err
			}
		}
		after = ms[len(ms)-1].ID
	}
}

// media writes a library file as WordPress keeps it: an attachment post whose file is at
// attachment_url (WordPress's importer downloads it from there), with its path below
// wp-content/uploads, alt text, and caption as the excerpt. A file an import made keeps the
// slug and parent post of its WordPress attachment.
func (ex *exporter) media(m *broadside.Media) error {
	id := ex.mediaID[m.ID]
	u := ex.abs(m.URL())
	it := &wxr.Item{Title: m.Title, Link: ex.base + "/?attachment_id=" + strconv.FormatInt(id, 10), GUID: u, Excerpt: m.Caption,
		ID: id, Name: broadside.Slugify(m.Title), Status: "inherit", Type: "attachment", AttachmentURL: u,
		Creator: ex.logins[m.AuthorID], CommentStatus: "closed", PingStatus: "closed",
		Meta: []wxr.Meta{{Key: "_wp_attached_file", Value: m.Key}}}
	if a := ex.library[m.Key]; a != nil {
		it.Parent = a.ParentID
		if a.Slug != "" {
			it.Name = a.Slug
		}
	}
	it.PostDate, it.PostDateGMT = ex.dates(m.CreatedAt)
	it.PostModified, it.PostModifiedGMT = it.PostDate, it.PostDateGMT
	if m.Alt != "" {
		it.Meta = append(it.Meta, wxr.Meta{Key: "_wp_attachment_image_alt", Value: m.Alt})
	}
	if err := ex.w.StartItem(it); err != nil {
		return err
	}
	return ex.w.EndItem()
}
