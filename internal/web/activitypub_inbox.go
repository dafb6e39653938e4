package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// POST /inbox (the shared inbox) and POST /activitypub/{rest...} (an actor's inbox,
// NAME/inbox). The body is bounded; the service verifies the signature and handles the
// activity. Refusals answer JSON with the status of their code (401 unsigned or not
// verified, 404 no such actor, 413 too large, 429 too many from the host).
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	st, _, err := s.fedSite(ctx)
	if err != nil {
		return err
	}
	name := ""
	if rest := r.PathValue("rest"); rest != "" {
		var ok bool
		if name, ok = strings.CutSuffix(rest, "/inbox"); !ok {
			return errNotFound
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, activitypub.MaxDocument))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "The activity is too large."})
		return nil
	} else if err != nil {
		return broadside.Errorf(broadside.EINVALID, "The body could not be read.")
	}
	// A proxy in front of us terminates TLS: the signed @target-uri (RFC 9421) is the
	// public address, so take the scheme from the site's.
	if u, err := url.Parse(st.Base); err == nil {
		r.URL.Scheme = u.Scheme
	}
	if err := s.Federation.Receive(ctx, r, body, name); err != nil {
		code := statusOf(err)
		if code >= 500 {
			return err
		}
		if ra := broadside.RetryAfter(err); ra > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(ra.Seconds()))))
		}
		writeJSON(w, code, map[string]string{"error": broadside.ErrorMessage(err)})
		return nil
	}
	w.WriteHeader(http.StatusAccepted)
	return nil
}
