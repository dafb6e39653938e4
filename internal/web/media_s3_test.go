package web_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/media/s3test"
	"github.com/broadside/broadside/internal/testimg"
)

// withS3 keeps the media library in the bucket of a real S3-compatible server.
func withS3(cfg media.S3Config) appOption {
	return func(_ *app.Options, c *config.Config) {
		c.MediaS3 = config.MediaS3{Endpoint: cfg.Endpoint, Bucket: cfg.Bucket, Prefix: cfg.Prefix, Insecure: cfg.Insecure,
			AccessKey: config.Secret(cfg.AccessKey), SecretKey: config.Secret(cfg.SecretKey)}
	}
}

// TestMediaOnS3: a file uploaded through Admin → Media goes to the S3 bucket (nothing to the
// data directory) and is served from it with its type, caching headers and byte ranges; when
// the storage goes away an upload answers 503 saying what to do, and nothing is half-written.
func TestMediaOnS3(t *testing.T) {
	t.Parallel()
	s3 := s3test.Start(t)
	px := newCutProxy(t, s3.Endpoint)
	s3.Endpoint = px.addr
	s3.Prefix = "site/"
	ta := newTestApp(t, withS3(s3))
	author := ta.user("ann@example.com", broadside.RoleAuthor)
	ab := ta.signIn(author)

	body := testimg.JPEG(t, 120, 80)
	if r := ab.upload(upFile{"willsman.jpg", body}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", r.StatusCode, r.Body)
	}
	files := ta.mediaFiles()
	if len(files) != 1 || files[0].Width != 120 {
		t.Fatalf("library: %+v", files)
	}
	m := files[0]
	if left := uploadsLeft(t, ta); len(left) != 0 {
		t.Errorf("the upload went to the data directory: %v", left)
	}
	b := ta.browser()
	full := b.get(m.URL())
	wantOK(t, full)
	h := full.Header
	if full.Body != string(body) || h.Get("Content-Type") != "image/jpeg" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Cache-Control"), "immutable") || h.Get("ETag") == "" || h.Get("Last-Modified") == "" {
		t.Fatalf("served from S3: %d bytes, headers %v", len(full.Body), h)
	}
	req, _ := http.NewRequest(http.MethodGet, ta.Srv.URL+m.URL(), nil)
	req.Header.Set("Range", "bytes=100-199")
	part := b.do(req)
	if part.StatusCode != http.StatusPartialContent || part.Body != string(body[100:200]) ||
		part.Header.Get("Content-Range") != "bytes 100-199/"+strconv.Itoa(len(body)) {
		t.Fatalf("range: %d %q %v", part.StatusCode, part.Body, part.Header)
	}

	// The storage goes away.
	px.cut()
	r := ab.upload(upFile{"second.jpg", testimg.JPEG(t, 10, 10)})
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "cannot be reached") || !strings.Contains(r.Body, "Try again") {
		t.Fatalf("upload with the storage gone: %d\n%s", r.StatusCode, r.Body)
	}
	if strings.Contains(r.Body, s3test.SecretKey) || strings.Contains(r.Body, s3test.AccessKey) {
		t.Fatal("the answer shows the S3 keys")
	}
	// Serving answers 503, not 404: the file may well exist.
	if g := b.get(m.URL()); g.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET with the storage gone: %d", g.StatusCode)
	}
	if files := ta.mediaFiles(); len(files) != 1 {
		t.Fatalf("a failed upload left a row: %+v", files)
	}
}

// cutProxy forwards TCP to a server until cut, then refuses connections, like a storage
// server that went down.
type cutProxy struct {
	addr string
	ln   net.Listener
	mu   sync.Mutex
	cons []net.Conn
}

func newCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{addr: ln.Addr().String(), ln: ln}
	t.Cleanup(p.cut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.cons = append(p.cons, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *cutProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.cons {
		c.Close()
	}
	p.cons = nil
}

// A resized copy of a library file is cached for good like the original.
func TestMediaVariantServing(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	key := "2026/03/photo-3f9a1c2b-300x200.jpg"
	if _, err := ta.App.Media.Storage.Put(context.Background(), key, bytes.NewReader(testimg.JPEG(t, 30, 20))); err != nil {
		t.Fatal(err)
	}
	r := ta.browser().get(broadside.UploadsPath + key)
	wantOK(t, r)
	if !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("variant headers: %v", r.Header)
	}
}
