package web

import (
	"net/http"
	"strconv"

	"github.com/broadside/broadside"
)

// page renders a template with status and writes it.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	buf, err := s.tmpl.execute(name, v)
	if err != nil {
		s.Log.Error("template failed", "request_id", requestID(r), "template", name, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// fail maps a service error to a status and an error page: users see the safe message, the
// log sees the cause with the request id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := s.failStatus(w, r, err, "request failed")
	if status == http.StatusNotFound {
		s.notFound(w, r)
		return
	}
	s.renderError(w, r, status, broadside.ErrorMessage(err))
}

// failStatus is what fail and adminFail share: the status for err, Retry-After when err knows
// it, and the cause logged (as logMsg, with the request id) when the fault is the server's.
func (s *Server) failStatus(w http.ResponseWriter, r *http.Request, err error, logMsg string) int {
	status := statusOf(err)
	setRetryAfter(w, err)
	if status >= 500 {
		s.Log.Error(logMsg, "request_id", requestID(r), "path", r.URL.Path, "err", err)
	}
	return status
}

// errNotFound is what a handler returns for an address that names nothing: fail answers it
// with the helpful 404 page (notFound), after the old-address fallbacks.
var errNotFound = broadside.Errorf(broadside.ENOTFOUND, "Not found.")

func statusOf(err error) int {
	switch broadside.ErrorCode(err) {
	case broadside.ENOTFOUND:
		return http.StatusNotFound
	case broadside.EINVALID:
		return http.StatusUnprocessableEntity
	case broadside.ECONFLICT:
		return http.StatusConflict
	case broadside.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case broadside.EFORBIDDEN:
		return http.StatusForbidden
	case broadside.ETOOMANYREQUEST:
		return http.StatusTooManyRequests
	case broadside.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// setRetryAfter tells the client when to try again, for errors that know (a rate limit, a
// database outage).
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := broadside.RetryAfter(err); d > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds())))
	}
}

// renderError shows a plain error page; it must not fail, so it falls back to text.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if msg == "" {
		msg = broadside.ErrorMessage(errInternal)
	}
	v := s.baseView(r, nil)
	v.Title = http.StatusText(status)
	v.Data = map[string]any{"Status": status, "Message": msg, "RequestID": requestID(r)}
	buf, err := s.tmpl.execute("public/error", v)
	if err != nil {
		http.Error(w, msg, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var errInternal = &internalErr{}

type internalErr struct{}

func (*internalErr) Error() string { return "internal" }

// redirect answers a form POST with 303 See Other (POST-redirect-GET).
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}
