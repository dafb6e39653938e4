package web_test

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/testdb"
)

// typed is what a reader typed into the comment form; an outage must hand all of it back.
var typed = map[string]string{"comment": "A long thought I do not want to type twice.", "author": "Ada Reader", "email": "ada@example.org"}

// postDuringOutage fills the comment form of path and sends it once the database is gone.
func postDuringOutage(t *testing.T, ta *testApp, path string, goDown func()) {
	t.Helper()
	b := ta.browser()
	f := b.formFor(path)
	for k, v := range typed {
		f.Set(k, v)
	}
	goDown()
	r := b.post("/comments", f)
	assertOutageForm(t, r)
}

func assertOutageForm(t *testing.T, r *response) {
	t.Helper()
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("comment during an outage: status %d, want 503\n%s", r.StatusCode, r.Body)
	}
	if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After = %q, want a number of seconds", ra)
	}
	doc := parseHTML(t, r.Body)
	if n := byID(doc, "comment"); n == nil || textOf(n) != typed["comment"] {
		t.Fatalf("the re-shown form lost the comment:\n%s", r.Body)
	}
	for _, field := range []string{"author", "email"} {
		if n := byID(doc, field); n == nil || attr(n, "value") != typed[field] {
			t.Fatalf("the re-shown form lost %s:\n%s", field, r.Body)
		}
	}
	if strings.Contains(r.Body, "does not exist") {
		t.Fatal("an outage is reported as a missing post")
	}
}

// TestOutageOnSQLite: with the database closed underneath the site, a comment is answered
// 503 + Retry-After with the reader's text, the REST API answers 503 in WordPress's JSON
// form, and a page already in the cache is still served.
func TestOutageOnSQLite(t *testing.T) {
	ta := newTestApp(t, withCache())
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Outage", "Body.")
	path := ta.postPath(p)
	if r := ta.browser().get(path); r.StatusCode != 200 { // now cached
		t.Fatalf("GET %s: %d", path, r.StatusCode)
	}
	postDuringOutage(t, ta, path, func() { _ = ta.App.Store.Close() })

	if r := ta.browser().get(path); r.StatusCode != 200 || !strings.Contains(r.Body, "Outage") {
		t.Fatalf("cached page during the outage: %d", r.StatusCode)
	}
	res, err := http.Get(ta.Srv.URL + "/wp-json/wp/v2/posts")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), `"status":503`) {
		t.Fatalf("REST API during the outage: %d Retry-After=%q %s", res.StatusCode, res.Header.Get("Retry-After"), body)
	}
	// A page never cached needs the database: 503, not 404 or 500.
	if r := ta.browser().get("/category/uncached/"); r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("uncached page during the outage: %d Retry-After=%q", r.StatusCode, r.Header.Get("Retry-After"))
	}
}

// TestOutageOnPostgres cuts a real PostgreSQL off from the site (a TCP proxy between them
// refuses connections and drops the open ones), checks the comment form comes back with the
// reader's text, then restores the network and checks the same node takes the comment
// without a restart.
func TestOutageOnPostgres(t *testing.T) {
	dsn := testdb.Postgres(t)
	px := newTCPProxy(t, dsn)
	ta := newTestApp(t, withDSN(px.dsn))
	ed := ta.user("ed@example.org", broadside.RoleEditor)
	p := ta.publish(ed, "Outage", "Body.")
	path := ta.postPath(p)
	b := ta.browser()
	f := b.formFor(path)
	for k, v := range typed {
		f.Set(k, v)
	}
	postDuringOutage(t, ta, path, px.down)
	if r := ta.browser().get(path); r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("uncached page during the outage: %d, want 503", r.StatusCode)
	}

	px.up()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := b.post("/comments", f)
		if r.StatusCode == http.StatusSeeOther {
			b.follow(r) // sets the cookie that shows a held comment to its author
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery after the database came back: %d\n%s", r.StatusCode, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if r := b.get(path); r.StatusCode != 200 || !strings.Contains(r.Body, typed["comment"]) {
		t.Fatalf("after recovery: %d, comment shown: %v", r.StatusCode, strings.Contains(r.Body, typed["comment"]))
	}
}

// tcpProxy stands between the site and PostgreSQL so a test can take the database away
// (connections refused, open ones cut) and bring it back on the same address.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string
	dsn    string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newTCPProxy(t *testing.T, dsn string) *tcpProxy {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{t: t, target: u.Host, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.up()
	u.Host = p.addr
	p.dsn = u.String()
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c)
		}
	}()
}

func (p *tcpProxy) pipe(c net.Conn) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[s] = true, true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(s, c); s.Close() }()
	_, _ = io.Copy(c, s)
	c.Close()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.conns = map[net.Conn]bool{}
}
