package web

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
)

// mediaUploadPath receives the library's upload form; the middleware gives it a larger body
// cap (mediaBodyLimit), and the media service caps each file.
const mediaUploadPath = "/admin/media"

// maxFilesPerUpload bounds one upload form: the body cap is this many files at the limit.
const maxFilesPerUpload = 20

// mediaBodyLimit is the body cap of the upload form.
func (s *Server) mediaBodyLimit() int64 {
	return maxFilesPerUpload * (s.Media.MaxUploadSize() + 64<<10)
}

// inlineTypes are the files served inline from /wp-content/uploads/ besides what the library
// accepts (broadside.MediaKind, decided from the bytes): the harmless types an import may have
// copied. Anything else (HTML, SVG with scripts, XML, archives) is served as a download,
// which a browser does not run.
var inlineTypes = map[string]bool{"image/avif": true, "image/bmp": true, "image/x-icon": true,
	"image/vnd.microsoft.icon": true, "audio/wav": true, "audio/flac": true, "video/ogg": true,
	"video/quicktime": true, "text/plain": true}

// GET /wp-content/uploads/{path...}
// A file of the media library (its type the one decided from its bytes at upload), or one an
// import copied (typed by its extension, as WordPress did). Range requests, ETag and
// Last-Modified are http.ServeContent's.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("path")
	if !fs.ValidPath(key) || strings.HasPrefix(path.Base(key), ".") {
		return errNotFound
	}
	obj, m, err := s.Media.Open(r.Context(), key)
	if err != nil {
		if broadside.ErrorCode(err) == broadside.EUNAVAILABLE {
			return err // 503: the file may well be there, the storage is not
		}
		if !errors.Is(err, fs.ErrNotExist) {
			s.Log.Error("opening an upload", "request_id", requestID(r), "path", key, "err", err)
		}
		return errNotFound
	}
	defer obj.Close()
	h := w.Header()
	ctype := importer.MimeType(key)
	// Library keys are never reused or overwritten, so their files can be cached for good.
	cache := "public, max-age=2592000"
	if m != nil {
		ctype, cache = m.MimeType, "public, max-age=31536000, immutable"
	} else if broadside.IsMediaVariantKey(key) {
		// A resized copy or WebP twin of a library file: written once under a new key too.
		cache = "public, max-age=31536000, immutable"
	}
	if broadside.MediaKind(ctype) == "" && !inlineTypes[ctype] {
		h.Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(path.Base(key))+`"`)
		if ctype == "" {
			ctype = "application/octet-stream"
		}
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	// Whatever a file is, it runs nothing here.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox")
	h.Set("Cache-Control", cache)
	h.Set("ETag", fmt.Sprintf(`"%x-%x"`, obj.ModTime().UnixNano(), obj.Size()))
	// The server's 60-second write deadline would cut a long video short for a reader on a
	// slow line: allow what the file takes at 64 KiB/s (the connection cap per address bounds
	// how many slow readers one client can hold).
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute + time.Duration(obj.Size()>>16)*time.Second))
	http.ServeContent(w, r, "", obj.ModTime(), obj)
	return nil
}

// mediaURL is the admin address of a library file.
func mediaURL(m *broadside.Media) string { return fmt.Sprintf("/admin/media/%d", m.ID) }
