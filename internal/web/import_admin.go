package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/wxr"
)

// importUploadPath is where the export file is uploaded; the middleware gives it a larger
// body limit than other forms.
const importUploadPath = "/admin/import"

// defaultImportUpload bounds the upload when Deps.MaxImportUpload is not set. Larger sites
// use the command line, which reads the file from disk: broadside import wordpress FILE.
const defaultImportUpload = 1 << 30

func (s *Server) importUploadLimit() int64 {
	if s.MaxImportUpload > 0 {
		return s.MaxImportUpload
	}
	return defaultImportUpload
}

// importTimeout bounds one import from the admin, reading and writing included.
const importTimeout = time.Hour

// wpImportData is the admin's Import & export page.
type wpImportData struct {
	adminPage
	File    string
	DryRun  bool
	Summary *importer.Summary
	Report  string // the summary as the command line prints it
	// Err is the file's problem, "FILE:LINE:COL: message", and Hint what to do.
	Err, Hint string
}

// GET /admin/import
func (s *Server) handleWPImportForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	s.renderWPImport(w, r, http.StatusOK, &wpImportData{})
	return nil
}

func (s *Server) renderWPImport(w http.ResponseWriter, r *http.Request, status int, d *wpImportData) {
	v, ap := s.adminView(w, r, "import", "Import & export")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	v.Data = d
	s.page(w, r, status, "admin/import", v)
}

// POST /admin/import
// The export file arrives as multipart form data and is streamed to a temporary file (the
// import reads it twice), never held in memory; the middleware caps the body at
// importUploadLimit. A dry run reports without writing.
func (s *Server) handleWPImportUpload(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	d := &wpImportData{}
	if r.ContentLength > s.importUploadLimit() {
		// Said before a byte of the body is read, so nobody waits for a doomed upload.
		d.Message = s.tooLargeMessage()
		s.renderWPImport(w, r, http.StatusRequestEntityTooLarge, d)
		return nil
	}
	// A big site takes longer to upload and import than the server's usual deadlines.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(importTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(importTimeout))

	tmp, err := s.receiveWPImport(r, d)
	if tmp != "" {
		defer os.Remove(tmp)
	}
	if err != nil {
		status := http.StatusBadRequest
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			status = http.StatusRequestEntityTooLarge
		}
		d.Message = s.uploadMessage(err)
		s.renderWPImport(w, r, status, d)
		return nil
	}
	// The import finishes even if the browser goes away: it is one transaction either way,
	// and a publisher who closed the tab expects it done, not silently rolled back.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), importTimeout)
	defer cancel()
	sum, err := s.WordPress.ImportFile(ctx, tmp, importer.Options{DryRun: d.DryRun})
	if sum != nil {
		sum.File = d.File
	}
	if we, ok := wxr.AsError(err); ok {
		d.Err, d.Hint = d.File+":"+we.Pos.String()+": "+we.Msg, we.Hint
		d.Message = "Nothing was imported: the file has a problem."
		s.renderWPImport(w, r, http.StatusUnprocessableEntity, d)
		return nil
	}
	if err != nil {
		return err
	}
	s.Log.Info("WordPress import from the admin", "request_id", requestID(r), "user_id", u.ID, "file", d.File, "dry_run", d.DryRun)
	d.Summary = sum
	var b strings.Builder
	sum.Write(&b)
	d.Report = b.String()
	s.renderWPImport(w, r, http.StatusOK, d)
	return nil
}

// receiveWPImport streams the "file" part to a temporary file and reads the "dry_run" box;
// it returns the file's path, to remove whatever happens, and on failure either an
// *http.MaxBytesError or a message for the publisher.
func (s *Server) receiveWPImport(r *http.Request, d *wpImportData) (string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", errors.New("The upload could not be read. Choose the export file and try again.")
	}
	var tmp string
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return tmp, uploadError(err)
		}
		switch part.FormName() {
		case "dry_run":
			d.DryRun = true
		case "file":
			if tmp != "" || part.FileName() == "" {
				break
			}
			d.File = path.Base(strings.ReplaceAll(part.FileName(), "\\", "/"))
			f, err := os.CreateTemp("", "broadside-import-*.xml")
			if err != nil {
				s.Log.Error("import upload: no temporary file", "request_id", requestID(r), "err", err)
				return "", errors.New("The server could not store the upload (no room for a temporary file). Try again later.")
			}
			tmp = f.Name()
			n, err := io.Copy(f, part)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return tmp, uploadError(err)
			}
			if n == 0 {
				return tmp, errors.New("The file is empty. Choose the file WordPress's Tools › Export made.")
			}
		}
		part.Close()
	}
	if tmp == "" {
		return "", errors.New("Choose the export file to import (WordPress makes it under Tools › Export).")
	}
	return tmp, nil
}

// uploadError keeps the size cap's error for the caller to recognise and turns any other
// into a message.
func uploadError(err error) error {
	if _, big := errors.AsType[*http.MaxBytesError](err); big {
		return err
	}
	return errors.New("The upload was interrupted. Try again, or import from the command line: broadside import wordpress FILE.xml")
}

func (s *Server) uploadMessage(err error) string {
	if _, big := errors.AsType[*http.MaxBytesError](err); big {
		return s.tooLargeMessage()
	}
	return err.Error()
}

func (s *Server) tooLargeMessage() string {
	return fmt.Sprintf("The file is too large (limit %d MiB). Import it from the command line instead: broadside import wordpress FILE.xml",
		s.importUploadLimit()>>20)
}

// GET /admin/export
// The whole site as a WordPress export file (WXR 1.2), streamed as it is written.
func (s *Server) handleWPExport(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(importTimeout))
	name := "broadside.wordpress." + s.Now().UTC().Format("2006-01-02") + ".xml"
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := s.WordPress.Export(r.Context(), w); err != nil {
		// The response has started; the log says why the file is cut short.
		s.Log.Error("export failed", "request_id", requestID(r), "err", err)
	}
	return nil
}
