package activitypub

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/broadside/broadside/internal/httpsig"
)

// Limits on what we fetch from and send to other servers.
const (
	// MaxDocument bounds a fetched actor or object, and an inbox request's body.
	MaxDocument = 1 << 20
	// FetchTimeout bounds one remote request, connection to last byte.
	FetchTimeout = 10 * time.Second
	// MaxIdleConns bounds the connections kept open for reuse across all remote hosts. A
	// fan-out reaches thousands of hosts once each; without a bound every one of them kept an
	// idle connection (two goroutines and their buffers, tens of KiB) for 90 seconds: tens of
	// MiB of the server's memory in a 10,000-follower fan-out. The hosts a site talks to again
	// and again still find theirs.
	MaxIdleConns = 32
)

// NewClient returns the HTTP client for remote servers: bounded in time, following at
// most three redirects, and refusing to connect to loopback, private, link-local and other
// non-public addresses (checked on the address actually dialled, so a DNS answer cannot
// point us at the site's own network) unless allowPrivate is set, which tests need.
func NewClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("activitypub: refusing %s: %w", address, err)
			}
			if !publicAddr(ap.Addr()) {
				return fmt.Errorf("activitypub: refusing to connect to non-public address %s", ap.Addr())
			}
			return nil
		}
	}
	dial := d.DialContext
	if allowPrivate {
		dial = dialLocalhostNames(d)
	}
	tr := &http.Transport{DialContext: dial, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: FetchTimeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second,
		MaxIdleConns: MaxIdleConns}
	return &http.Client{Transport: tr, Timeout: FetchTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("activitypub: too many redirects")
			}
			return nil
		}}
}

// dialLocalhostNames dials names under .localhost at the loopback address, as RFC 6761
// (section 6.3) says they are, though the system resolver may not know them. Only with
// private addresses allowed: tests and benchmarks then give each simulated remote server a
// host name of its own (h1.localhost, h2.localhost…), so per-host rules see a thousand hosts
// on one machine.
func dialLocalhostNames(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, port, err := net.SplitHostPort(addr); err == nil && strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), ".localhost") {
			addr = net.JoinHostPort("127.0.0.1", port)
		}
		return d.DialContext(ctx, network, addr)
	}
}

func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsUnspecified() || a.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// nonPublic are ranges the standard library's predicates leave out: carrier-grade NAT,
// benchmarking, documentation, IPv6 unique-local is IsPrivate already.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b::/96"),
}

// fetch GETs an ActivityStreams document at u into v, signed by our site actor (servers
// in "authorized fetch" mode refuse unsigned reads).
func (s *Service) fetch(ctx context.Context, st Site, u string, v any) error {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
		return fmt.Errorf("activitypub: not a fetchable URL: %q", u)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", ContentType+", "+ProfileLD)
	req.Header.Set("User-Agent", userAgent(st))
	if key, _, err := s.Key(ctx, SiteActor); err == nil {
		if err := httpsig.Sign(req, nil, KeyID(st.Base, SiteActor), key, s.Now()); err != nil {
			return err
		}
	}
	res, err := s.Client.Do(req)
	if err != nil {
		return fmt.Errorf("activitypub: fetch %s: %w", u, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("activitypub: fetch %s: %s", u, res.Status)
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxDocument+1))
	if err != nil {
		return fmt.Errorf("activitypub: fetch %s: %w", u, err)
	}
	if len(body) > MaxDocument {
		return fmt.Errorf("activitypub: fetch %s: document larger than %d bytes", u, MaxDocument)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("activitypub: fetch %s: %w", u, err)
	}
	return nil
}

func userAgent(st Site) string { return "Broadside (+" + st.Base + "/)" }

// keyDoc is what a key id resolves to: the actor (Mastodon: the key id is the actor's URL
// with #main-key) or a standalone key document (GoToSocial: /main-key) naming its owner.
type keyDoc struct {
	ID           string     `json:"id"`
	Type         Kind       `json:"type"`
	Owner        string     `json:"owner"`
	PublicKeyPem string     `json:"publicKeyPem"`
	PublicKey    *PublicKey `json:"publicKey"`
}

// fetchKey fetches key id keyID and returns its owner, its PEM (to cache) and the parsed
// key (to verify with). The key must name its owner
// and, when it came in an actor document, that actor must be its owner: a server cannot
// vouch for another server's actor.
func (s *Service) fetchKey(ctx context.Context, st Site, keyID string) (owner, pemText string, key any, err error) {
	var d keyDoc
	if err := s.fetch(ctx, st, keyID, &d); err != nil {
		return "", "", nil, err
	}
	switch {
	case d.PublicKey != nil:
		if d.PublicKey.ID != keyID || d.PublicKey.Owner != d.ID {
			return "", "", nil, fmt.Errorf("activitypub: key %s: the actor document does not own it", keyID)
		}
		owner, pemText = d.ID, d.PublicKey.PublicKeyPem
	case d.PublicKeyPem != "" && d.Owner != "":
		owner, pemText = d.Owner, d.PublicKeyPem
	default:
		return "", "", nil, fmt.Errorf("activitypub: key %s: no public key in the document", keyID)
	}
	if !sameHost(owner, keyID) {
		return "", "", nil, fmt.Errorf("activitypub: key %s is owned by %s on another host", keyID, owner)
	}
	if key, err = parseKey(pemText); err != nil {
		return "", "", nil, fmt.Errorf("activitypub: key %s: %w", keyID, err)
	}
	return owner, pemText, key, nil
}

func parseKey(pemText string) (any, error) {
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		return nil, errors.New("public key is not PEM")
	}
	if k, err := x509.ParsePKIXPublicKey(b.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParsePKCS1PublicKey(b.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("public key is neither PKIX nor PKCS#1")
}

func sameHost(a, b string) bool {
	h := Host(a)
	return h != "" && h == Host(b)
}

// Host is the host (with port, if any) of u, lower-cased; "" when u is not a URL.
func Host(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	// Host names are caseless (RFC 3986 3.2.2): per-host limits and dedup must not split
	// one server by how a URL spells it.
	return strings.ToLower(p.Host)
}
