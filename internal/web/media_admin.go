package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/media"
)

const mediaPerAdminPage = 40

var mediaKindLabels = map[string]string{broadside.MediaImage: "Images", broadside.MediaAudio: "Audio",
	broadside.MediaVideo: "Video", broadside.MediaDocument: "Documents"}

// mediaUploadTimeout bounds one upload form: 20 files of 64 MiB at about 1 MiB/s.
const mediaUploadTimeout = 30 * time.Minute

// mediaRow is one file in the library.
type mediaRow struct {
	broadside.Media
	FileURL, EditURL, Date, Size string
}

// mediaListData is Admin → Media: the upload form, the filters and the files.
type mediaListData struct {
	adminPage
	Rows             []mediaRow
	Total            int
	Pager            pager
	Query, Kind      string
	Month            string // "2026-12"
	Kinds            []option
	Months           []option
	Grid             bool
	ListURL, GridURL string
	MaxSize          string
	Uploaded         []mediaRow
	UploadErrors     []string
}

// GET /admin/media
func (s *Server) handleMediaList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	s.renderMediaList(w, r, u, http.StatusOK, &mediaListData{})
	return nil
}

func (s *Server) renderMediaList(w http.ResponseWriter, r *http.Request, u *broadside.User, status int, d *mediaListData) {
	ctx := r.Context()
	q := r.URL.Query()
	d.Query, d.Kind, d.Month = strings.TrimSpace(q.Get("q")), q.Get("type"), q.Get("month")
	d.Grid = q.Get("view") != "list"
	f := broadside.MediaFilter{Query: d.Query, Kind: d.Kind}
	if d.Kind != "" && len(broadside.MediaKindTypes(d.Kind)) == 0 {
		f.Kind, d.Kind = "", ""
	}
	if t, err := time.Parse("2006-01", d.Month); err == nil {
		f.Year, f.Month = t.Year(), int(t.Month())
	} else {
		d.Month = ""
	}
	page := pageParam(r)
	f.Limit, f.Offset = mediaPerAdminPage, (page-1)*mediaPerAdminPage
	files, total, err := s.Media.List(ctx, u, f)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	months, err := s.Media.Months(ctx, u)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	v, ap := s.adminView(w, r, "media", "Media")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for i := range files {
		d.Rows = append(d.Rows, newMediaRow(&files[i]))
	}
	d.Total = total
	d.Pager = adminPager(r, page, total, mediaPerAdminPage)
	d.Kinds = []option{{Value: "", Label: "All types", Selected: d.Kind == ""}}
	for _, k := range broadside.MediaKinds {
		d.Kinds = append(d.Kinds, option{Value: k, Label: mediaKindLabels[k], Selected: d.Kind == k})
	}
	d.Months = []option{{Value: "", Label: "All dates", Selected: d.Month == ""}}
	for _, m := range months {
		val := fmt.Sprintf("%04d-%02d", m.Year, m.Month)
		d.Months = append(d.Months, option{Value: val, Label: time.Month(m.Month).String() + " " + strconv.Itoa(m.Year), Selected: d.Month == val})
	}
	view := func(name string) string {
		vq := r.URL.Query()
		vq.Set("view", name)
		vq.Del("page")
		return "/admin/media?" + vq.Encode()
	}
	d.GridURL, d.ListURL = view("grid"), view("list")
	d.MaxSize = broadside.FormatSize(s.Media.MaxUploadSize())
	v.Data = d
	s.page(w, r, status, "admin/media", v)
}

func newMediaRow(m *broadside.Media) mediaRow {
	return mediaRow{Media: *m, FileURL: m.URL(), EditURL: mediaURL(m), Date: m.CreatedAt.UTC().Format("2 January 2006"),
		Size: broadside.FormatSize(m.Size)}
}

// POST /admin/media
// The upload form (multipart, several files in "files"), read part by part: each file streams
// straight to the media service, which caps its size, so nothing is held in memory or
// spooled to a temporary file by the form parser.
func (s *Server) handleMediaUpload(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanUploadMedia() {
		return errForbidden("Your role cannot upload files.")
	}
	// Several large files take longer than the server's usual deadlines.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(mediaUploadTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(mediaUploadTimeout))
	d := &mediaListData{}
	mr, err := r.MultipartReader()
	if err != nil {
		d.Message = "Choose one or more files to upload."
		s.renderMediaList(w, r, u, http.StatusBadRequest, d)
		return nil
	}
	status := http.StatusOK
	for n := 0; ; {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, big := errors.AsType[*http.MaxBytesError](err); big {
				d.UploadErrors = append(d.UploadErrors, fmt.Sprintf("The upload is larger than %d files of %s; the rest was not saved.",
					maxFilesPerUpload, broadside.FormatSize(s.Media.MaxUploadSize())))
				status = http.StatusRequestEntityTooLarge
			} else {
				d.UploadErrors = append(d.UploadErrors, "The upload broke off; the files after this point were not saved.")
				status = http.StatusBadRequest
			}
			break
		}
		if part.FormName() != "files" || part.FileName() == "" {
			part.Close()
			continue
		}
		if n++; n > maxFilesPerUpload {
			d.UploadErrors = append(d.UploadErrors, fmt.Sprintf("At most %d files can be uploaded at once; %s and the files after it were not saved.",
				maxFilesPerUpload, broadside.MediaFileLabel(part.FileName())))
			status = http.StatusRequestEntityTooLarge
			part.Close()
			break
		}
		m, err := s.Media.Upload(r.Context(), u, part.FileName(), part)
		part.Close()
		if err != nil {
			if code := broadside.ErrorCode(err); code == broadside.EINTERNAL || code == "" {
				s.Log.Error("media upload failed", "request_id", requestID(r), "user_id", u.ID, "err", err)
			}
			d.UploadErrors = append(d.UploadErrors, broadside.ErrorMessage(err))
			if status == http.StatusOK {
				status = statusOf(err)
			}
			continue
		}
		s.Log.Info("media uploaded", "request_id", requestID(r), "user_id", u.ID, "media_id", m.ID, "type", m.MimeType, "size", m.Size)
		d.Uploaded = append(d.Uploaded, newMediaRow(m))
	}
	if len(d.Uploaded) == 0 && len(d.UploadErrors) == 0 {
		d.Message = "Choose one or more files to upload."
		s.renderMediaList(w, r, u, http.StatusBadRequest, d)
		return nil
	}
	if len(d.UploadErrors) == 0 {
		s.flash(w, r, plural(len(d.Uploaded), "file", "files")+" uploaded.")
		redirect(w, r, "/admin/media")
		return nil
	}
	d.Message = plural(len(d.UploadErrors), "file was", "files were") + " not uploaded."
	s.renderMediaList(w, r, u, status, d)
	return nil
}

// mediaEditData is the edit page of one file.
type mediaEditData struct {
	adminPage
	Row                 mediaRow
	Title, Alt, Caption string
	AbsURL              string
	UsedBy              []mediaUse
	UsedCount           int
}

type mediaUse struct{ Title, EditURL string }

// mediaUses lists the posts that show a file, linked to their edit pages.
func mediaUses(posts []broadside.Post) []mediaUse {
	var out []mediaUse
	for _, p := range posts {
		out = append(out, mediaUse{Title: p.Title, EditURL: "/admin/posts/" + strconv.FormatInt(p.ID, 10)})
	}
	return out
}

// GET /admin/media/{id}
func (s *Server) handleMediaEdit(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	m, err := s.mediaFor(r, u)
	if err != nil {
		return err
	}
	s.renderMediaEdit(w, r, u, http.StatusOK, m, &mediaEditData{Title: m.Title, Alt: m.Alt, Caption: m.Caption})
	return nil
}

func (s *Server) mediaFor(r *http.Request, u *broadside.User) (*broadside.Media, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.Media.Get(r.Context(), u, id)
}

func (s *Server) renderMediaEdit(w http.ResponseWriter, r *http.Request, u *broadside.User, status int, m *broadside.Media, d *mediaEditData) {
	posts, n, err := s.Media.Usage(r.Context(), u, m, 20)
	if err != nil {
		s.adminFail(w, r, err)
		return
	}
	v, ap := s.adminView(w, r, "media", "Edit file")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	d.Row = newMediaRow(m)
	d.AbsURL = v.Site.Base + m.URL()
	d.UsedCount = n
	d.UsedBy = mediaUses(posts)
	v.Data = d
	s.page(w, r, status, "admin/media_edit", v)
}

// POST /admin/media/{id}
func (s *Server) handleMediaUpdate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	in := media.Details{Title: r.PostForm.Get("title"), Alt: r.PostForm.Get("alt"), Caption: r.PostForm.Get("caption")}
	m, err := s.Media.Update(r.Context(), u, id, in)
	if err != nil {
		if broadside.ErrorCode(err) != broadside.EINVALID {
			return err
		}
		old, gerr := s.Media.Get(r.Context(), u, id)
		if gerr != nil {
			return err
		}
		d := &mediaEditData{Title: in.Title, Alt: in.Alt, Caption: in.Caption}
		d.formErr(err)
		s.renderMediaEdit(w, r, u, http.StatusUnprocessableEntity, old, d)
		return nil
	}
	s.flash(w, r, "File details saved.")
	redirect(w, r, mediaURL(m))
	return nil
}

// GET /admin/media/{id}/delete
// Asks first, saying how many posts and pages show the file.
func (s *Server) handleMediaDeleteConfirm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	m, err := s.mediaFor(r, u)
	if err != nil {
		return err
	}
	posts, n, err := s.Media.Usage(r.Context(), u, m, 20)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "media", "Delete file")
	d := &mediaEditData{adminPage: ap, Row: newMediaRow(m), UsedCount: n}
	d.UsedBy = mediaUses(posts)
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/media_delete", v)
	return nil
}

// POST /admin/media/{id}/delete
func (s *Server) handleMediaDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Media.Delete(r.Context(), u, id); err != nil {
		return err
	}
	s.Log.Info("media deleted", "request_id", requestID(r), "user_id", u.ID, "media_id", id)
	s.flash(w, r, "File deleted.")
	redirect(w, r, "/admin/media")
	return nil
}
