package web

import (
	"net/http"

	"github.com/broadside/broadside/internal/avatar"
)

// GET /avatar/{file}
// A generated comment avatar (internal/avatar): drawn from its address alone, so it is the
// same forever and cached as long as browsers allow. The drawing is SVG: it is served with a
// policy that forbids scripts and loads, in case it is ever opened as a page.
func (s *Server) handleAvatar(w http.ResponseWriter, r *http.Request) error {
	key, initials, ok := avatar.Parse(r.PathValue("file"))
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(avatar.SVG(key, initials))
	return err
}
