package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/posts"
)

// option is one choice of a select, radio group or checkbox list.
type option struct {
	Value, Label string
	Prefix       string // indentation of hierarchical choices ("— ")
	Depth        int
	Selected     bool
}

// editorData is the post and page editor.
type editorData struct {
	adminPage
	ID                 int64
	Type               broadside.PostType
	Noun               string
	IsNew              bool
	Action             string
	Title, Slug, Body  string
	BodyFormat         string
	Excerpt, Tags      string
	ImageURL, ImageAlt string
	FeaturedMediaID    int64 // the library file chosen as featured image (media_picker.js)
	Status             string
	PublishedAt        string // datetime-local in the site's zone
	Timezone           string
	CommentsOpen       bool
	Password           string // a password-protected post's password (password.go)
	Sticky             bool
	MenuOrder          string      // a page's order among its siblings (WordPress's menu_order)
	Appeal, Notice     string      // the post's own support appeal and reuse notice (Markdown)
	Email              editorEmail // subscriber-only and "send by email" (subscribe_editor.go)
	Statuses           []option
	Categories         []option
	Parents            []option
	StatusNote         string
	Permalink, ViewURL string
	DeleteURL          string
	CommentsURL        string
	Preview            template.HTML
	PreviewTitle       string
	ShowPreview        bool
	// Primary is the main button (publish, schedule or update) with its label, and
	// DraftLabel the secondary one ("Save draft", or "Switch to draft" once live); Now is
	// the site's current time as the date field shows it, for the script that relabels
	// Primary when the date moves into the future.
	Primary, PrimaryLabel string
	DraftLabel            string
	Now                   string
	// Writing is autosave, revisions, shared preview and the trash (admin_writing.go).
	Writing *writingView
}

// localInput is the datetime-local format; seconds are accepted as well.
const localInput = "2006-01-02T15:04"

// GET /admin/posts/new?type=post|page
func (s *Server) handlePostNew(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	typ := postType(r.URL.Query().Get("type"))
	if !u.CanCreate(typ) {
		return errForbidden("Your role cannot create " + string(typ) + "s.")
	}
	d := &editorData{Type: typ, IsNew: true, Status: string(broadside.StatusDraft), Email: editorEmail{Send: true}}
	if st, err := s.site(r.Context()); err == nil && typ == broadside.TypePost {
		d.CommentsOpen = st.Discussion.CommentsEnabled
	}
	s.renderEditor(w, r, nil, http.StatusOK, d, nil)
	return nil
}

// GET /admin/posts/{id}
func (s *Server) handlePostEdit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	p, err := s.loadEditable(r, u)
	if err != nil {
		return err
	}
	if p.Type == broadside.TypeAttachment {
		redirect(w, r, s.attachmentEditURL(r.Context(), p))
		return nil
	}
	d := &editorData{ID: p.ID, Type: p.Type, Title: p.TitleSource(), Slug: p.Slug, Body: p.RawBody, Excerpt: p.RawExcerpt,
		ImageURL: p.FeaturedImageURL, ImageAlt: p.FeaturedImageAlt, Status: string(p.Status), CommentsOpen: p.CommentsOpen,
		Email: editorEmail{SubscribersOnly: p.SubscribersOnly, Send: p.SendNewsletter}, FeaturedMediaID: p.FeaturedMediaID}
	d.Password, d.Sticky = p.Password, p.Sticky
	d.MenuOrder = strconv.Itoa(p.MenuOrder)
	d.Appeal, d.Notice = p.Appeal, p.Notice
	if r.URL.Query().Get("autosave") == "1" {
		s.loadAutosave(r, d, p, u) // admin_writing.go
	}
	tags := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		tags[i] = t.Name
	}
	d.Tags = strings.Join(tags, ", ")
	cats := make([]int64, len(p.Categories))
	for i, c := range p.Categories {
		cats[i] = c.ID
	}
	s.renderEditor(w, r, p, http.StatusOK, d, &posts.Input{CategoryIDs: cats, ParentID: p.ParentID, PublishedAt: shownDate(p)})
	return nil
}

// shownDate is the publish date the editor shows. A draft's date is only a placeholder the
// service fills with the save time, so the field stays empty ("publish immediately") unless
// the author chose a date.
func shownDate(p *broadside.Post) time.Time {
	if p.Status == broadside.StatusDraft {
		if d := p.PublishedAt.Sub(p.UpdatedAt); d > -2*time.Second && d < 2*time.Second {
			return time.Time{}
		}
	}
	return p.PublishedAt
}

// renderEditor fills the editor's choices (statuses, categories, parent pages, dates in the
// site's zone) and renders it. p is the stored post (nil for a new one); in carries the
// chosen categories, parent and date.
func (s *Server) renderEditor(w http.ResponseWriter, r *http.Request, p *broadside.Post, status int, d *editorData, in *posts.Input) {
	ctx := r.Context()
	if in == nil {
		in = &posts.Input{}
	}
	noun, nounPl := nouns(d.Type)
	title := "Edit " + noun
	if d.IsNew {
		title = "New " + noun
	}
	v, ap := s.adminView(w, r, nounPl, title)
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	st := v.Site
	d.Noun = noun
	d.Timezone = st.Timezone
	if d.PublishedAt == "" && !in.PublishedAt.IsZero() {
		d.PublishedAt = st.Local(in.PublishedAt).Format(localInput)
	}
	d.Action = "/admin/posts/new"
	if !d.IsNew {
		d.Action = "/admin/posts/" + strconv.FormatInt(d.ID, 10)
		d.DeleteURL = d.Action + "/delete"
		d.CommentsURL = "/admin/comments?status=approved&post=" + strconv.FormatInt(d.ID, 10)
	}
	for _, x := range broadside.PostStatuses {
		d.Statuses = append(d.Statuses, option{Value: string(x), Label: statusLabel(x), Selected: string(x) == d.Status})
	}
	d.BodyFormat = broadside.FormatMarkdown
	if p != nil {
		d.BodyFormat = p.BodyFormat
		st.categories(ctx, s)
		d.Permalink = st.Abs(st.PostPath(p))
		d.ViewURL = st.PostPath(p)
		switch p.Status {
		case broadside.StatusPublished:
			d.StatusNote = "Published on " + formatDateTime(st.Local(p.PublishedAt)) + " (" + st.Timezone + ")."
		case broadside.StatusScheduled:
			d.StatusNote = "Scheduled for " + formatDateTime(st.Local(p.PublishedAt)) + " (" + st.Timezone + ")."
		default:
			d.StatusNote = "Draft, last saved " + formatDateTime(st.Local(p.UpdatedAt)) + " (" + st.Timezone + ")."
		}
	}
	d.Now = st.Local(s.Now()).Format(localInput)
	d.Primary, d.PrimaryLabel, d.DraftLabel = editorButtons(p, in.PublishedAt, s.Now())
	s.fillEditorEmail(ctx, d, p)
	loaded := d.Writing != nil && d.Writing.AutosaveLoaded
	s.fillWriting(r, d, p, currentUser(r))
	if loaded && d.Writing != nil {
		d.Writing.AutosaveLoaded, d.Writing.Autosave = true, nil
	}
	if d.Type == broadside.TypePost {
		d.Categories = s.categoryOptions(ctx, in.CategoryIDs, 0)
	} else {
		d.Parents = s.parentOptions(ctx, d.ID, in.ParentID)
	}
	v.Data = d
	s.page(w, r, status, "admin/edit", v)
}

// categoryOptions lists the categories as a tree, the chosen ones selected; exclude (a
// category being edited) is left out together with its subcategories.
func (s *Server) categoryOptions(ctx context.Context, chosen []int64, exclude int64) []option {
	cats, err := s.Posts.Categories(ctx)
	if err != nil {
		return nil
	}
	sel := map[int64]bool{}
	for _, id := range chosen {
		sel[id] = true
	}
	order, depth := treeOrder(len(cats), func(i int) int64 { return cats[i].ID }, func(i int) int64 { return cats[i].ParentID })
	var out []option
	skipBelow := -1
	for k, i := range order {
		if skipBelow >= 0 && depth[k] > skipBelow {
			continue
		}
		skipBelow = -1
		if exclude != 0 && cats[i].ID == exclude {
			skipBelow = depth[k]
			continue
		}
		out = append(out, option{Value: strconv.FormatInt(cats[i].ID, 10), Label: cats[i].Name, Depth: depth[k],
			Prefix: strings.Repeat("— ", depth[k]), Selected: sel[cats[i].ID]})
	}
	return out
}

// parentOptions lists the pages that may be the parent of page self: not itself and none
// of its subpages, which would make a loop.
func (s *Server) parentOptions(ctx context.Context, self, chosen int64) []option {
	pages, _, err := s.Posts.List(ctx, broadside.PostFilter{Type: broadside.TypePage, OrderBy: "title", Asc: true, Statuses: notTrashed})
	if err != nil {
		return nil
	}
	order, depth := treeOrder(len(pages), func(i int) int64 { return pages[i].ID }, func(i int) int64 { return pages[i].ParentID })
	out := []option{{Value: "0", Label: "(no parent)", Selected: chosen == 0}}
	skipBelow := -1
	for k, i := range order {
		if skipBelow >= 0 && depth[k] > skipBelow {
			continue
		}
		skipBelow = -1
		if self != 0 && pages[i].ID == self {
			skipBelow = depth[k]
			continue
		}
		t := pages[i].Title
		if t == "" {
			t = "(no title)"
		}
		out = append(out, option{Value: strconv.FormatInt(pages[i].ID, 10), Label: t, Depth: depth[k],
			Prefix: strings.Repeat("— ", depth[k]), Selected: pages[i].ID == chosen})
	}
	return out
}

// parseLocal reads a datetime-local value in the site's zone; empty is the zero time.
func parseLocal(v string, loc *time.Location) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{localInput, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil && t.Year() >= 1970 && t.Year() <= 9999 {
			return t, true
		}
	}
	return time.Time{}, false
}

// POST /admin/posts/new
// POST /admin/posts/{id}
// Saves the editor, or with action=preview shows the rendered post without saving.
func (s *Server) handlePostSave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	ctx := r.Context()
	var old *broadside.Post
	if r.PathValue("id") != "" {
		var err error
		if old, err = s.loadEditable(r, u); err != nil {
			return err
		}
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read; it may be too large.")
	}
	st, err := s.site(ctx)
	if err != nil {
		return err
	}
	f := r.PostForm
	d := &editorData{Type: postType(f.Get("type")), IsNew: old == nil, Title: f.Get("title"), Slug: strings.TrimSpace(f.Get("slug")),
		Body: f.Get("body"), Excerpt: f.Get("excerpt"), Tags: f.Get("tags"), ImageURL: strings.TrimSpace(f.Get("featured_image_url")),
		ImageAlt: f.Get("featured_image_alt"), Status: f.Get("status"), PublishedAt: strings.TrimSpace(f.Get("published_at")),
		CommentsOpen: f.Get("comments_open") != "",
		Email:        editorEmail{SubscribersOnly: f.Get("subscribers_only") != "", Send: f.Get("send_newsletter") != ""}}
	d.Password, d.Sticky = f.Get("post_password"), f.Get("sticky") != ""
	d.MenuOrder = strings.TrimSpace(f.Get("menu_order"))
	d.Appeal, d.Notice = f.Get("appeal"), f.Get("notice")
	format := broadside.FormatMarkdown
	if old != nil {
		d.ID, d.Type, format = old.ID, old.Type, old.BodyFormat
	}
	// The picker's file id; the posts service drops it when the URL field no longer shows
	// that file (changed by hand, or without JavaScript).
	d.FeaturedMediaID, _ = strconv.ParseInt(strings.TrimSpace(f.Get("featured_media")), 10, 64)
	in := posts.Input{Type: d.Type, Title: d.Title, Slug: d.Slug, Body: d.Body, BodyFormat: format, Excerpt: d.Excerpt,
		Status: broadside.PostStatus(d.Status), Tags: posts.ParseTags(d.Tags), FeaturedImageURL: d.ImageURL,
		FeaturedImageAlt: d.ImageAlt, FeaturedMediaID: max(d.FeaturedMediaID, 0), CommentsOpen: d.CommentsOpen}
	if d.Type == broadside.TypePost {
		in.SubscribersOnly, in.SendNewsletter = &d.Email.SubscribersOnly, &d.Email.Send
		in.Sticky = &d.Sticky
		in.Appeal, in.Notice = &d.Appeal, &d.Notice
	}
	in.Password = &d.Password
	for _, v := range f["categories"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			in.CategoryIDs = append(in.CategoryIDs, id)
		}
	}
	fe := broadside.FieldErrors{}
	if d.Type == broadside.TypePage {
		in.ParentID, _ = strconv.ParseInt(f.Get("parent"), 10, 64) // the posts service checks it
		if d.MenuOrder != "" {
			n, err := strconv.Atoi(d.MenuOrder)
			if err != nil || n < -1<<31 || n > 1<<31-1 {
				fe.Add("menu_order", "Enter the order as a whole number, such as 0, 1 or 10.")
			}
			in.MenuOrder = &n
		}
	}
	when, ok := parseLocal(d.PublishedAt, st.loc)
	if !ok {
		fe.Add("published_at", "Enter the date and time as YYYY-MM-DD HH:MM.")
	}
	in.PublishedAt = when
	if old != nil && !when.IsZero() && when.Equal(old.PublishedAt.In(st.loc).Truncate(time.Minute)) {
		in.PublishedAt = old.PublishedAt // the field shows minutes; keep the stored seconds
	}
	action := f.Get("action")
	if status, ok := actionStatus(action, old); ok {
		in.Status = status
	} else if action != "preview" && action != "save" && action != "" {
		fe.Add("action", "Choose Publish, Schedule, Update, Save draft or Preview.")
	}
	if err := fe.Err(); err != nil {
		d.formErr(err)
		s.renderEditor(w, r, old, http.StatusUnprocessableEntity, d, &in)
		return nil
	}
	if action == "preview" {
		return s.renderPreview(w, r, old, &in, u) // the real public page (preview.go)
	}
	p, err := s.Posts.Save(ctx, d.ID, in, u)
	if err != nil {
		if code := statusOf(err); code >= 500 || code == http.StatusForbidden || code == http.StatusNotFound {
			return err
		}
		d.formErr(err)
		s.renderEditor(w, r, old, statusOf(err), d, &in)
		return nil
	}
	st.categories(ctx, s)
	noun, _ := nouns(p.Type)
	Noun := strings.ToUpper(noun[:1]) + noun[1:]
	switch p.Status {
	case broadside.StatusPublished:
		s.flashLink(w, r, Noun+" published.", "View "+noun, st.PostPath(p))
	case broadside.StatusScheduled:
		s.flashLink(w, r, Noun+" scheduled for "+formatDateTime(st.Local(p.PublishedAt))+" ("+st.Timezone+").", "Preview "+noun, st.PostPath(p))
	default:
		s.flashLink(w, r, "Draft saved.", "Preview "+noun, st.PostPath(p))
	}
	redirect(w, r, "/admin/posts/"+strconv.FormatInt(p.ID, 10))
	return nil
}
