package broadside

import (
	"net/netip"
	"strings"
	"time"
)

// BanKind is what a ban matches on.
type BanKind string

const (
	BanEmail BanKind = "email"
	BanName  BanKind = "name"
	BanIP    BanKind = "ip" // an address or a CIDR range, IPv4 or IPv6
)

// Ban refuses a commenter's submissions on every channel (form, REST API, federation): the
// comments service asks BannedBy before it stores anything. A banned comment is stored as spam
// with the ban as its reason, so the commenter sees the same answer as for any other comment
// in the spam filter (nothing tells them they are banned, which would only teach them to
// change their address) and a moderator can still rescue a false match.
type Ban struct {
	ID        int64
	Kind      BanKind
	Value     string // normalised: lower-case e-mail or name; canonical address or prefix
	Note      string
	CreatedBy int64
	CreatedAt time.Time
}

// NormalizeBan checks a ban typed by a moderator and returns its stored form. An IP ban takes
// an address ("203.0.113.7", "2001:db8::1") or a range in CIDR notation ("203.0.113.0/24",
// "2001:db8::/48"); the range is stored masked ("203.0.113.9/24" becomes "203.0.113.0/24").
func NormalizeBan(kind BanKind, value string) (string, error) {
	v := strings.TrimSpace(value)
	bad := func(msg string) error {
		return &Error{Code: EINVALID, Message: msg, Fields: map[string]string{"value": msg}}
	}
	if v == "" {
		return "", bad("Enter what to ban.")
	}
	switch kind {
	case BanEmail:
		if !ValidEmail(v) {
			return "", bad("Enter a valid e-mail address to ban.")
		}
		return strings.ToLower(v), nil
	case BanName:
		if len(v) > MaxCommentNameLen {
			return "", bad("The name is too long.")
		}
		return strings.ToLower(v), nil
	case BanIP:
		if p, err := netip.ParsePrefix(v); err == nil {
			if p.Addr().Is4In6() {
				p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
			}
			if p.Bits() < 8 || (p.Addr().Is6() && p.Bits() < 16) {
				return "", bad("That range is too wide: it would ban a large part of the Internet.")
			}
			return p.Masked().String(), nil
		}
		if a, err := netip.ParseAddr(v); err == nil {
			return a.Unmap().WithZone("").String(), nil
		}
		return "", bad("Enter an IP address (203.0.113.7) or a range in CIDR notation (203.0.113.0/24).")
	}
	return "", &Error{Code: EINVALID, Message: "Choose what to ban: an e-mail address, a name or an IP address.",
		Fields: map[string]string{"kind": "Choose e-mail, name or IP."}}
}

// Matches reports whether the ban applies to a comment with this e-mail, name and client IP.
func (b Ban) Matches(email, name, ip string) bool {
	switch b.Kind {
	case BanEmail:
		return email != "" && strings.EqualFold(strings.TrimSpace(email), b.Value)
	case BanName:
		return name != "" && strings.EqualFold(strings.TrimSpace(name), b.Value)
	case BanIP:
		a, err := netip.ParseAddr(strings.TrimSpace(ip))
		if err != nil {
			return false
		}
		a = a.Unmap().WithZone("")
		if p, err := netip.ParsePrefix(b.Value); err == nil {
			return p.Contains(a)
		}
		want, err := netip.ParseAddr(b.Value)
		return err == nil && want == a
	}
	return false
}

// Reason is the moderation reason stored with a comment the ban caught.
func (b Ban) Reason() string {
	what := map[BanKind]string{BanEmail: "e-mail address", BanName: "name", BanIP: "IP"}[b.Kind]
	if b.Kind == BanIP && strings.Contains(b.Value, "/") {
		what = "IP range"
	}
	return "banned " + what + " " + b.Value
}

// BannedBy returns the first ban in bans that applies to c, if any.
func BannedBy(bans []Ban, c *Comment) (Ban, bool) {
	for _, b := range bans {
		if b.Matches(c.AuthorEmail, c.AuthorName, c.AuthorIP) {
			return b, true
		}
	}
	return Ban{}, false
}

// ClientNetwork is the network one client is counted by: the address itself for IPv4, its
// /64 for IPv6 (one subscriber's prefix, within which a client changes addresses at will).
// ok is false for something that is not an IP address.
func ClientNetwork(a netip.Addr) (p netip.Prefix, ok bool) {
	if !a.IsValid() {
		return netip.Prefix{}, false
	}
	a = a.Unmap().WithZone("")
	bits := 32
	if a.Is6() {
		bits = 64
	}
	p, err := a.Prefix(bits)
	return p, err == nil
}
