package wpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestHeaders: content type, CORS, preflight, caching, HEAD and the discovery link.
func TestHeaders(t *testing.T) {
	s := newSite(t)
	r := s.do(call{path: "/wp-json/wp/v2/posts", header: map[string]string{"Origin": "https://reader.example"}})
	wantStatus(t, r, http.StatusOK)
	h := r.Header
	for k, want := range map[string]string{
		"Content-Type":                  "application/json; charset=UTF-8",
		"Access-Control-Allow-Origin":   "https://reader.example",
		"Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
		"Access-Control-Allow-Methods":  "OPTIONS, GET, POST, PUT, PATCH, DELETE",
		"X-Content-Type-Options":        "nosniff",
		"Allow":                         "GET, POST",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if h.Get("Access-Control-Allow-Credentials") != "" {
		t.Error("credentials allowed cross-origin: cookie answers would be readable by other sites")
	}
	if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("Vary = %v", h.Values("Vary"))
	}
	if h.Get("Cache-Control") != "" {
		t.Errorf("anonymous API answers carry Cache-Control %q (WordPress sends none)", h.Get("Cache-Control"))
	}
	if !strings.Contains(r.Raw, `"id"`) {
		t.Fatal("no posts")
	}
	// Not reflected: origins that are not origins.
	for _, o := range []string{"https://a.example/path", "javascript:alert(1)", "https://a.example, https://b.example", "ftp://a.example"} {
		r := s.do(call{path: "/wp-json/wp/v2/posts", header: map[string]string{"Origin": o}})
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Errorf("Origin %q reflected as %q", o, got)
		}
	}
	// A signed-in client's answers are private.
	authed := s.as(s.Admin)(http.MethodGet, "/wp-json/wp/v2/posts", nil)
	if cc := authed.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") || !strings.Contains(cc, "private") {
		t.Errorf("authenticated Cache-Control = %q", cc)
	}
	// Preflight.
	r = s.do(call{method: http.MethodOptions, path: "/wp-json/wp/v2/comments", header: map[string]string{
		"Origin": "https://reader.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}})
	wantStatus(t, r, http.StatusOK)
	if r.Header.Get("Access-Control-Allow-Origin") != "https://reader.example" || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight headers %v", r.Header)
	}
	if r.obj()["namespace"] != "wp/v2" || fmt.Sprint(r.obj()["methods"]) != "[GET POST]" {
		t.Errorf("OPTIONS body %s", r.Raw)
	}
	wantError(t, s.do(call{method: http.MethodOptions, path: "/wp-json/nothing/here"}), http.StatusNotFound, "rest_no_route")
	// HEAD: the headers of a GET, no body.
	r = s.do(call{method: http.MethodHead, path: "/wp-json/wp/v2/posts"})
	if r.Status != http.StatusOK || r.Raw != "" || r.Header.Get("X-WP-Total") != "1" {
		t.Errorf("HEAD: %d %q %v", r.Status, r.Raw, r.Header)
	}
	// Unknown method on a known route.
	wantError(t, s.do(call{method: http.MethodDelete, path: "/wp-json/wp/v2/posts"}), http.StatusNotFound, "rest_no_route")
	// Trailing slash: the same route.
	wantStatus(t, s.get("/wp-json/wp/v2/posts/"), http.StatusOK)
}

// TestDiscovery: every public page and API answer names the API, in a header and in the
// page's head; the admin does not.
func TestDiscovery(t *testing.T) {
	s := newSite(t)
	want := "<" + s.Srv.URL + `/wp-json/>; rel="https://api.w.org/"`
	for _, path := range []string{"/", "/2018/09/05/" + s.Seed.Slug + "/", "/category/uncategorized/", "/no-such-page/", "/wp-json/wp/v2/posts", "/wp-json/"} {
		r := s.get(path)
		if !containsStr(r.Header.Values("Link"), want) {
			t.Errorf("%s: Link = %v", path, r.Header.Values("Link"))
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") &&
			!strings.Contains(r.Raw, `<link rel="https://api.w.org/" href="`+s.Srv.URL+`/wp-json/">`) {
			t.Errorf("%s: no discovery <link> in the head", path)
		}
	}
	if r := s.get("/admin/login"); len(r.Header.Values("Link")) != 0 {
		t.Errorf("admin page has Link %v", r.Header.Values("Link"))
	}
	// HEAD of the home page is how node-wpapi discovers the API.
	if r := s.do(call{method: http.MethodHead, path: "/"}); !containsStr(r.Header.Values("Link"), want) {
		t.Errorf("HEAD /: Link = %v", r.Header.Values("Link"))
	}
}

// TestRestRouteFallback: /?rest_route= serves the API for reads and writes.
func TestRestRouteFallback(t *testing.T) {
	s := newSite(t)
	r := s.get("/?rest_route=/wp/v2/posts&per_page=1")
	wantStatus(t, r, http.StatusOK)
	if len(r.list()) != 1 || r.Header.Get("X-WP-Total") != "1" {
		t.Errorf("rest_route list: %s", r.Raw)
	}
	if links := strings.Join(r.Header.Values("Link"), ","); strings.Contains(links, "rest_route") {
		t.Errorf("pagination links keep rest_route: %s", links)
	}
	wantError(t, s.get("/?rest_route=/wp/v2/posts/99999"), http.StatusNotFound, "rest_post_invalid_id")
	pw := s.appPassword(s.Admin)
	r = s.do(call{method: http.MethodPost, path: "/?rest_route=/wp/v2/posts", body: map[string]any{"title": "Via rest_route"}, user: s.Admin.Login, pass: pw})
	wantStatus(t, r, http.StatusCreated)
	if r := s.do(call{method: http.MethodPost, path: "/"}); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("POST / without rest_route: %d", r.Status)
	}
	// The home page itself is untouched.
	if r := s.get("/"); !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("home page content type %q", r.Header.Get("Content-Type"))
	}
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
