// Package testload drives a running site over HTTP the way readers do, for tests that load
// a server while something else happens to it (a backup, a crash), and finds it an address.
package testload

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	stampRE = regexp.MustCompile(`name="ts" value="([^"]+)"`)
	idRE    = regexp.MustCompile(`#comment-(\d+)$`)
)

// FormStamp fetches the page at base+path and returns the comment form's stamp.
func FormStamp(base, path string) (string, error) {
	res, err := http.Get(base + path)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := stampRE.FindSubmatch(body)
	if m == nil {
		return "", errors.New("no form stamp on the post page")
	}
	return string(m[1]), nil
}

// Comment is one top-level comment as the form posts it.
type Comment struct {
	PostID              int64
	Stamp               string
	Author, Email, Text string
}

// Post submits c to base's /comments with client (which must not follow redirects). It
// returns the id of the comment when the server acknowledged it with a 303 to it, and
// ok=false for any other answer; err is the transport's error.
func Post(client *http.Client, base string, c Comment) (id int64, ok bool, err error) {
	form := url.Values{"comment_post_ID": {strconv.FormatInt(c.PostID, 10)}, "comment_parent": {"0"}, "ts": {c.Stamp},
		"author": {c.Author}, "email": {c.Email}, "comment": {c.Text}}
	req, _ := http.NewRequest(http.MethodPost, base+"/comments", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil {
		return 0, false, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	m := idRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		return 0, false, nil
	}
	id, _ = strconv.ParseInt(m[1], 10, 64)
	return id, true, nil
}

// NoRedirects is a client for Post: it returns redirects instead of following them.
func NoRedirects(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// FreeAddr returns a local address no one listens on, for a child process to serve on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
