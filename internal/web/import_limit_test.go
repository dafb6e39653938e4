package web_test

import (
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// filler is an endless stream of one byte, so a large upload never exists in the test.
type filler byte

func (f filler) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// streamedUpload is a browser's multipart upload of a file of size bytes that starts with
// head, generated while it is sent.
func streamedUpload(head string, size int64) (io.Reader, int64, string) {
	const boundary = "broadside-test-boundary"
	pre := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xml\"\r\nContent-Type: text/xml\r\n\r\n" + head
	post := "\r\n--" + boundary + "--\r\n"
	body := io.MultiReader(strings.NewReader(pre), io.LimitReader(filler('x'), size-int64(len(head))), strings.NewReader(post))
	return body, int64(len(pre)) + size - int64(len(head)) + int64(len(post)), "multipart/form-data; boundary=" + boundary
}

// The admin's upload is streamed to a temporary file under a configurable cap: an upload
// over the cap is refused with the limit in the message (at once when its length is
// declared), memory stays far below the upload's size, and no temporary file is left on
// any path.
func TestImportUploadCapAndMemory(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where os.CreateTemp puts the upload
	ta := newTestApp(t, func(_ *app.Options, c *config.Config) { c.Limits.ImportUploadMiB = 8 })
	admin := ta.signIn(ta.user("admin@example.org", broadside.RoleAdmin))

	send := func(head string, size int64, declare bool) (*response, uint64) {
		t.Helper()
		body, n, ctype := streamedUpload(head, size)
		req, _ := http.NewRequest(http.MethodPost, ta.Srv.URL+"/admin/import", body)
		if declare {
			req.ContentLength = n
		}
		req.Header.Set("Content-Type", ctype)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", ta.Srv.URL)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := admin.do(req)
		runtime.ReadMemStats(&after)
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("temporary files left behind: %v", left)
		}
		return r, after.TotalAlloc - before.TotalAlloc
	}
	const size = 64 << 20
	for _, declare := range []bool{false, true} {
		r, alloc := send("<?xml version=\"1.0\"?>\n<rss>", size, declare)
		if r.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(r.Body, "too large (limit 8 MiB)") {
			t.Errorf("a 64 MiB upload (length declared: %v) over an 8 MiB cap: %d\n%.2000s", declare, r.StatusCode, r.Body)
		}
		if alloc > 8<<20 {
			t.Errorf("refusing a 64 MiB upload (length declared: %v) allocated %d bytes", declare, alloc)
		}
	}
	// Under the cap, the file reaches the importer (which refuses this one at its first
	// element) without the server holding it.
	r, alloc := send("<html>", 7<<20, false)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "not a WordPress export") {
		t.Errorf("a 7 MiB non-export: %d\n%.2000s", r.StatusCode, r.Body)
	}
	if alloc > 4<<20 {
		t.Errorf("receiving a 7 MiB upload allocated %d bytes", alloc)
	}
}
