package broadside

import (
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// FederationBlock is a remote server or actor the site refuses to hear from or deliver to.
type FederationBlock struct {
	ID    int64
	Kind  string // BlockDomain or BlockActor
	Value string // a lower-case host (its subdomains are blocked too) or an actor's id URL
	Note  string
	// CreatedBy is the admin who added it (0 once that user is deleted).
	CreatedBy int64
	CreatedAt time.Time
}

// Kinds of federation blocks.
const (
	BlockDomain = "domain"
	BlockActor  = "actor"
)

// FollowerQuery selects followers for the admin's list.
type FollowerQuery struct {
	// Search matches the handle, actor id (so the host) or display name, anywhere.
	Search string
	// Status is FollowAccepted, FollowPending, or "" for both.
	Status        string
	Limit, Offset int
}

// MaxBlockNote bounds a block's note.
const MaxBlockNote = 500

var hostLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeBlockDomain checks a domain typed by an admin and returns its stored form: a
// lower-case host without port. It takes "example.social", "*.example.social", or a URL on
// it ("https://example.social/@someone"). IP addresses are accepted, as servers can be
// addressed by them. Internationalised names are entered in their ASCII (xn--) form.
func NormalizeBlockDomain(value string) (string, error) {
	bad := func(msg string) error {
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"value": msg}}
	}
	v := strings.ToLower(strings.TrimSpace(value))
	if v == "" {
		return "", bad("Enter a domain to block, like spam.example.")
	}
	if strings.Contains(v, "://") {
		u, err := url.Parse(v)
		if err != nil || u.Hostname() == "" {
			return "", bad("That is not a web address with a domain in it.")
		}
		v = u.Hostname()
	}
	v = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(v, "*."), "."), ".")
	if a, err := netip.ParseAddr(strings.Trim(v, "[]")); err == nil {
		return a.Unmap().String(), nil
	}
	if len(v) > 253 {
		return "", bad("That domain is too long.")
	}
	labels := strings.Split(v, ".")
	if len(labels) < 2 && v != "localhost" {
		return "", bad("Enter a full domain with a dot in it, like spam.example (blocking a whole top-level domain is not supported).")
	}
	for _, l := range labels {
		if !hostLabel.MatchString(l) {
			return "", bad("That is not a domain: use letters, digits, hyphens and dots (internationalised names in their xn-- form).")
		}
	}
	return v, nil
}

// BlockHosts returns host and every domain above it ("a.b.example" → "a.b.example",
// "b.example", "example"): a domain block on any of them covers host. host may carry a port.
func BlockHosts(host string) []string {
	h := strings.ToLower(host)
	if a, err := netip.ParseAddrPort(h); err == nil {
		return []string{a.Addr().Unmap().String()}
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h, "]") {
		h = h[:i]
	}
	h = strings.Trim(h, "[]")
	if a, err := netip.ParseAddr(h); err == nil {
		return []string{a.Unmap().String()}
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" {
		return nil
	}
	out := []string{h}
	for i := strings.IndexByte(h, '.'); i >= 0; i = strings.IndexByte(h, '.') {
		h = h[i+1:]
		if h != "" {
			out = append(out, h)
		}
	}
	return out
}

var usernameRE = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_.-]{0,28}[a-z0-9_])?$`)

// Validate checks the federation settings; field names are the admin form's ("fed_…").
func (f Federation) Validate() FieldErrors {
	fe := FieldErrors{}
	if f.Username != "" && !usernameRE.MatchString(f.Username) {
		fe.Add("fed_username", "The username takes 1 to 30 lower-case letters, digits, underscores, dots or hyphens (not at either end), like blog.")
	}
	return fe
}
