package wpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/media"
)

// wp/v2/media: the media library as WordPress's attachments controller serves it. Who may
// list, read, upload, change or delete a file is the media service's rule (authors their own
// files, editors and administrators all, readers none), the same one the admin asks; the
// upload goes through the same media.Service.Upload as the admin form (type from the bytes,
// size cap, storage, processing).

// mediaRoute is the collection, for the body-size cap and the body parser.
const mediaRoute = "/" + Namespace + "/media"

var (
	argsMediaList  = []string{"context", "page", "per_page", "search", "after", "author", "before", "exclude", "include", "offset", "order", "orderby", "parent", "slug", "status", "media_type", "mime_type"}
	argsMediaWrite = []string{"date", "date_gmt", "slug", "status", "title", "author", "comment_status", "ping_status", "meta", "template", "alt_text", "caption", "description", "post"}
)

// uploadTimeout bounds one upload: 64 MiB at about 40 KiB/s.
const uploadTimeout = 30 * time.Minute

// IsMediaUpload reports whether r uploads a file to wp/v2/media (its body gets the media
// limit instead of the small form limit).
func IsMediaUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	if r.URL.Path == Prefix+mediaRoute || r.URL.Path == Prefix+mediaRoute+"/" {
		return true
	}
	return r.URL.Path == "/" && cleanRoute(r.URL.Query().Get("rest_route")) == mediaRoute
}

// streamsBody reports whether q's body is a file that the media handler reads itself (raw
// bytes or multipart), rather than parameters for parseParams.
func (q *req) streamsBody(ct string) bool {
	return q.route == mediaRoute && q.method == http.MethodPost &&
		ct != "application/json" && ct != "application/x-www-form-urlencoded"
}

func (q *req) mediaService() (*media.Service, error) {
	if q.a.Media == nil {
		return nil, errNoRoute()
	}
	return q.a.Media, nil
}

// mediaErr maps the media service's errors to WordPress's codes for one action.
func (q *req) mediaErr(err error, forbiddenCode, forbiddenMsg string) error {
	switch broadside.ErrorCode(err) {
	case broadside.EFORBIDDEN, broadside.EUNAUTHORIZED:
		return newErr(q.authCode(), forbiddenCode, forbiddenMsg)
	case broadside.ENOTFOUND:
		return newErr(http.StatusNotFound, "rest_post_invalid_id", "Invalid post ID.")
	}
	return q.domainErr(err, "rest_post_invalid_id", "Invalid post ID.")
}

// GET /wp/v2/media
func (q *req) listMedia() (*result, error) {
	ms, err := q.mediaService()
	if err != nil {
		return nil, err
	}
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	f := broadside.MediaFilter{Query: q.p.str("search"), MimeType: q.p.str("mime_type"), Limit: pg.per, Offset: pg.start()}
	if q.p.has("media_type") {
		switch c.enum(&q.p, "media_type", "", "image", "video", "text", "application", "audio") {
		case "image":
			f.Kind = broadside.MediaImage
		case "video":
			f.Kind = broadside.MediaVideo
		case "audio":
			f.Kind = broadside.MediaAudio
		case "application":
			f.Kind = broadside.MediaDocument
		case "text":
			f.Kind = "text" // no accepted type is text: an empty list
		}
	}
	if authors := c.ids(&q.p, "author"); len(authors) > 1 {
		c.bad("author", "rest_invalid_param", "author takes one user id here.")
	} else if len(authors) == 1 {
		f.AuthorID = authors[0]
	}
	f.PostIDs = c.ids(&q.p, "parent")
	if err := c.err(); err != nil {
		return nil, err
	}
	list, total, err := ms.List(q.ctx, q.user, f)
	if err != nil {
		return nil, q.mediaErr(err, "rest_forbidden", "Sorry, you are not allowed to do that.")
	}
	for i := range list {
		if context == "edit" && !q.user.CanEditMedia(&list[i]) {
			return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit this post.")
		}
	}
	pages := (total + pg.per - 1) / pg.per
	if pg.page > pages && total > 0 {
		return nil, newErr(http.StatusBadRequest, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
	}
	items := make([]any, 0, len(list))
	for i := range list {
		items = append(items, q.mediaObject(&list[i], context))
	}
	q.paginate(total, pg.page, pg.per)
	return ok(q.embedAll(items))
}

// GET /wp/v2/media/{id}
func (q *req) getMedia() (*result, error) {
	ms, err := q.mediaService()
	if err != nil {
		return nil, err
	}
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	// Anyone may look at the featured image of a post they may read (for _embed); the rest
	// only those who may manage the file.
	m, err := ms.View(q.ctx, q.user, q.id())
	if err != nil {
		return nil, q.mediaErr(err, "rest_forbidden", "Sorry, you are not allowed to do that.")
	}
	if context == "edit" && !q.user.CanEditMedia(m) {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to edit this post.")
	}
	return ok(q.embedOne(q.mediaObject(m, context)))
}

// POST /wp/v2/media
// The file comes as the raw body, named by Content-Disposition (the WordPress apps, wpapi's
// raw mode), or as the "file" field of a multipart form with title, alt_text, caption and
// post as further fields. It streams to the media service, which caps its size.
func (q *req) createMedia() (*result, error) {
	ms, err := q.mediaService()
	if err != nil {
		return nil, err
	}
	if !q.user.CanUploadMedia() {
		return nil, newErr(q.authCode(), "rest_cannot_create", "Sorry, you are not allowed to upload media on this site.")
	}
	rc := http.NewResponseController(q.w)
	_ = rc.SetReadDeadline(time.Now().Add(uploadTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(uploadTimeout))
	ct, _, _ := mime.ParseMediaType(q.r.Header.Get("Content-Type"))
	var m *broadside.Media
	switch {
	case ct == "multipart/form-data":
		m, err = q.uploadMultipart(ms)
	case ct == "application/json" || ct == "application/x-www-form-urlencoded":
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_data", "No data supplied.")
	case ct == "":
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_content_type", "No Content-Type supplied.")
	default:
		m, err = q.uploadRaw(ms)
	}
	if err != nil {
		return nil, err
	}
	stored := m.ID
	d, given, err := q.mediaDetails(m)
	if err == nil && given {
		m, err = ms.Update(q.ctx, q.user, stored, d)
	}
	if err != nil {
		// The request failed as a whole: the file it stored goes too.
		if derr := ms.Delete(context.WithoutCancel(q.ctx), q.user, stored); derr != nil {
			q.a.Log.Error("api: removing the file of a failed upload", "media_id", stored, "err", derr)
		}
		return nil, q.mediaErr(err, "rest_cannot_edit", "Sorry, you are not allowed to upload media to this post.")
	}
	q.a.Log.Info("media uploaded", "request_id", q.a.requestID(q.r), "user_id", q.user.ID, "media_id", m.ID, "type", m.MimeType, "size", m.Size)
	q.header().Set("Location", q.rest(mediaRoute+"/"+strconv.FormatInt(m.ID, 10)))
	return &result{status: http.StatusCreated, body: q.mediaObject(m, "edit")}, nil
}

// uploadRaw stores the body, named by its Content-Disposition header.
func (q *req) uploadRaw(ms *media.Service) (*broadside.Media, error) {
	cd := q.r.Header.Get("Content-Disposition")
	if cd == "" {
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_content_disposition", "No Content-Disposition supplied.")
	}
	_, params, err := mime.ParseMediaType(cd)
	name := strings.TrimSpace(params["filename"])
	if err != nil || name == "" {
		return nil, newErr(http.StatusBadRequest, "rest_upload_invalid_disposition",
			"Invalid Content-Disposition supplied. Content-Disposition needs to be formatted as `attachment; filename=\"image.png\"` or similar.")
	}
	if q.r.ContentLength == 0 {
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_data", "No data supplied.")
	}
	m, err := ms.Upload(q.ctx, q.user, name, q.r.Body)
	if err != nil {
		return nil, q.uploadErr(err)
	}
	return m, nil
}

// maxField bounds one text field of a multipart upload.
const maxField = 64 << 10

// uploadMultipart stores the "file" part and keeps the other fields as parameters, in
// whatever order the client sent them.
func (q *req) uploadMultipart(ms *media.Service) (*broadside.Media, error) {
	mr, err := q.r.MultipartReader()
	if err != nil {
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_data", "No data supplied.")
	}
	form := map[string][]string{}
	var m *broadside.Media
	fail := func(e error) (*broadside.Media, error) {
		if m != nil {
			_ = ms.Delete(context.WithoutCancel(q.ctx), q.user, m.ID)
		}
		return nil, e
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if _, big := errors.AsType[*http.MaxBytesError](err); big {
				return fail(newErr(http.StatusRequestEntityTooLarge, "rest_upload_file_too_big",
					"The file is larger than "+broadside.FormatSize(ms.MaxUploadSize())+", the largest this site accepts."))
			}
			return fail(newErr(http.StatusBadRequest, "rest_upload_unknown_error", "The upload broke off; nothing was saved."))
		}
		if part.FormName() == "file" && part.FileName() != "" {
			if m != nil {
				part.Close()
				return fail(newErr(http.StatusBadRequest, "rest_upload_limited_file_count", "Only one file can be uploaded at a time."))
			}
			m, err = ms.Upload(q.ctx, q.user, part.FileName(), part)
			part.Close()
			if err != nil {
				return fail(q.uploadErr(err))
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, maxField+1))
		part.Close()
		if err != nil || len(b) > maxField {
			return fail(newErr(http.StatusBadRequest, "rest_invalid_param", "The field "+part.FormName()+" is too long."))
		}
		form[part.FormName()] = append(form[part.FormName()], string(b))
	}
	if m == nil {
		return nil, newErr(http.StatusBadRequest, "rest_upload_no_data", "No data supplied.")
	}
	q.p.form = form
	return m, nil
}

// uploadErr is WordPress's answer to a file the upload refused: rest_upload_sideload_error,
// with 400 for what the uploader can fix (type, size, a broken upload) and 500 for the
// server's failures (storage unreachable, disk full).
func (q *req) uploadErr(err error) error {
	switch broadside.ErrorCode(err) {
	case broadside.EINVALID:
		return newErr(http.StatusBadRequest, "rest_upload_sideload_error", broadside.ErrorMessage(err))
	case broadside.EINTERNAL:
		return newErr(http.StatusInternalServerError, "rest_upload_sideload_error", broadside.ErrorMessage(err))
	case broadside.EFORBIDDEN, broadside.EUNAUTHORIZED:
		return newErr(q.authCode(), "rest_cannot_create", "Sorry, you are not allowed to upload media on this site.")
	}
	return err
}

// mediaDetails reads title, alt_text, caption and post over m's values; given is false when
// the request sets none of them.
func (q *req) mediaDetails(m *broadside.Media) (media.Details, bool, error) {
	d := media.Details{Title: m.Title, Alt: m.Alt, Caption: m.Caption}
	given := false
	if v, ok := q.p.text("title"); ok {
		d.Title, given = v, true
	}
	if v, ok := q.p.text("caption"); ok {
		d.Caption, given = v, true
	}
	if q.p.has("alt_text") {
		d.Alt, given = q.p.str("alt_text"), true
	}
	var c checker
	if q.p.has("post") {
		id := int64(c.integer(&q.p, "post", 0, 0, 0))
		d.PostID, given = &id, true
	}
	return d, given, c.err()
}

// POST|PUT|PATCH /wp/v2/media/{id}
func (q *req) updateMedia() (*result, error) {
	ms, err := q.mediaService()
	if err != nil {
		return nil, err
	}
	if q.user == nil {
		return nil, newErr(http.StatusUnauthorized, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
	}
	m, err := ms.Get(q.ctx, q.user, q.id())
	if err != nil {
		return nil, q.mediaErr(err, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
	}
	d, _, err := q.mediaDetails(m)
	if err != nil {
		return nil, err
	}
	m, err = ms.Update(q.ctx, q.user, m.ID, d)
	if err != nil {
		if broadside.ErrorCode(err) == broadside.EFORBIDDEN && q.p.has("post") {
			return nil, newErr(q.authCode(), "rest_cannot_edit", "Sorry, you are not allowed to upload media to this post.")
		}
		return nil, q.mediaErr(err, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
	}
	return ok(q.mediaObject(m, "edit"))
}

// DELETE /wp/v2/media/{id}
// Attachments have no trash in WordPress either (without MEDIA_TRASH): only force=true
// deletes, a plain DELETE is 501 rest_trash_not_supported.
func (q *req) deleteMedia() (*result, error) {
	ms, err := q.mediaService()
	if err != nil {
		return nil, err
	}
	if q.user == nil {
		return nil, newErr(http.StatusUnauthorized, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
	}
	m, err := ms.Get(q.ctx, q.user, q.id())
	if err != nil {
		return nil, q.mediaErr(err, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
	}
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if !force {
		return nil, newErr(statusNoTrash, "rest_trash_not_supported", "The post does not support trashing. Set 'force=true' to delete.")
	}
	previous := q.mediaObject(m, "edit")
	if err := ms.Delete(q.ctx, q.user, m.ID); err != nil {
		return nil, q.mediaErr(err, "rest_cannot_delete", "Sorry, you are not allowed to delete this post.")
	}
	q.a.Log.Info("media deleted", "request_id", q.a.requestID(q.r), "user_id", q.user.ID, "media_id", m.ID)
	return ok(obj{{"deleted", true}, {"previous", previous}})
}
