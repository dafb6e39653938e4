package comments

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// StampLifetime is how long a rendered comment form may be sent. Long enough for a reader to
// read a long article and write a considered answer; short enough that a form a bot scraped
// is soon useless. An expired stamp holds the comment for moderation, so a reader who kept a
// tab open overnight loses nothing but the immediate publication.
const StampLifetime = 4 * time.Hour

// stampPurpose binds the signature to comment-form stamps.
const stampPurpose = "comment-stamp\x00"

// Channels a submission can arrive through, for the moderation reasons and the logs.
const (
	ViaForm = "form"
	ViaAPI  = "api"
	// ViaFediverse is a reply that arrived in the ActivityPub inbox (SubmitRemote).
	ViaFediverse = "activitypub"
)

func (s *Service) random(n int) []byte {
	b := make([]byte, n)
	r := s.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		panic("comments: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	return b
}

func (s *Service) mac(v string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(stampPurpose + v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Stamp scopes: how often a stamp is accepted.
const (
	scopeOnce   = "1"  // a form rendered for one reader: accepted once
	scopeShared = "ip" // a form in a page shared by the page cache: once per client network
)

// Stamp returns a signed, single-use stamp for a comment form on postID: the post, the time
// the form was rendered, a random nonce and its scope. Submit checks the time against the
// site's minimum typing time and StampLifetime, and accepts each nonce once. shared says the
// page goes into the shared page cache, so every anonymous reader for the next seconds gets
// the same stamp; such a stamp is accepted once per client network instead, or readers who
// loaded the same cached copy would find their comments held. (A bot gains nothing by this:
// it can always load a fresh page.)
func (s *Service) Stamp(postID int64, shared bool) string {
	scope := scopeOnce
	if shared {
		scope = scopeShared
	}
	v := strconv.FormatInt(postID, 10) + "." + strconv.FormatInt(s.Now().Unix(), 10) + "." +
		base64.RawURLEncoding.EncodeToString(s.random(16)) + "." + scope
	return v + "." + s.mac(v)
}

// formStamp is a verified stamp.
type formStamp struct {
	loaded    time.Time
	expires   time.Time
	nonceHash string
}

// checkStamp verifies raw for postID at now, sent from client address ip; why says what is
// wrong with it, "" when valid.
func (s *Service) checkStamp(postID int64, raw, ip string, now time.Time) (formStamp, string) {
	if strings.TrimSpace(raw) == "" {
		return formStamp{}, "no form stamp"
	}
	parts := strings.Split(raw, ".")
	if len(s.Secret) < 16 || len(parts) != 5 {
		return formStamp{}, "form stamp invalid"
	}
	v := strings.Join(parts[:4], ".")
	if !hmac.Equal([]byte(s.mac(v)), []byte(parts[4])) {
		return formStamp{}, "form stamp invalid"
	}
	if parts[0] != strconv.FormatInt(postID, 10) {
		return formStamp{}, "form stamp belongs to another post"
	}
	n, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return formStamp{}, "form stamp invalid"
	}
	loaded := time.Unix(n, 0)
	if loaded.After(now.Add(time.Minute)) {
		return formStamp{}, "form stamp from the future"
	}
	expires := loaded.Add(StampLifetime)
	if now.After(expires) {
		return formStamp{}, fmt.Sprintf("form stamp expired (the form was loaded %s ago; it is valid for %s)",
			now.Sub(loaded).Round(time.Minute), StampLifetime)
	}
	use := parts[2]
	if parts[3] == scopeShared {
		use += "\x00" + network(ip)
	}
	sum := sha256.Sum256([]byte(use))
	return formStamp{loaded: loaded, expires: expires, nonceHash: hex.EncodeToString(sum[:])}, ""
}

// network is the client network a shared stamp may be used from once: the address itself for
// IPv4, its /64 for IPv6 (one subscriber's prefix, within which addresses change at will).
func network(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	p, _ := broadside.ClientNetwork(a)
	if p.Addr().Is4() {
		return p.Addr().String() // the form stamps already in use are keyed by the bare address
	}
	return p.String()
}

// newCommenterKey returns a fresh commenter key: the secret a browser keeps (in a signed,
// HttpOnly cookie) and sends with each comment. Only its hash is stored, on the comments
// written with it; once a moderator approves one of them, the key proves prior approval for
// that comment's e-mail address.
func (s *Service) newCommenterKey() string {
	return base64.RawURLEncoding.EncodeToString(s.random(32))
}

// commenterKeyHash returns the stored form of key, or "" for a key the server cannot have
// issued.
func commenterKeyHash(key string) string {
	if len(key) != 43 { // 32 random bytes, unpadded base64url
		return ""
	}
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// priorApproval decides whether the author PROVED an earlier approved comment, and if not,
// why, for the moderation queue. A signed-in account proves who wrote the comment; otherwise
// only a commenter key that a moderator approved for this e-mail address does. Comments
// imported from WordPress, and approved comments written before commenter keys existed,
// carry no key: their authors are held once, and the approval of that comment approves
// the key their browser then holds.
func (s *Service) priorApproval(ctx context.Context, in Submission, c *broadside.Comment, isNew bool) (bool, string) {
	var (
		ok  bool
		err error
		why string
	)
	switch {
	case in.User != nil:
		ok, err = s.Store.UserHasApprovedComment(ctx, in.User.ID)
		why = "first comment from this account"
	case in.Remote != nil:
		ok, err = s.Store.RemoteActorApproved(ctx, in.Remote.Actor)
		why = "first comment from this fediverse account"
	case c.CommenterKeyHash == "" && in.Via == ViaAPI:
		why = "identity not proven" // the stamp's reason says it came through the API
	case c.CommenterKeyHash == "":
		why = "identity not proven: no commenter key"
	case isNew: // a key issued just now has nothing approved
		why = "identity not proven: first comment from this browser"
	default:
		ok, err = s.Store.CommenterKeyApproved(ctx, c.CommenterKeyHash, c.AuthorEmail)
		why = "identity not proven: no approved comment from this browser with this e-mail address"
	}
	if err != nil {
		s.Log.Error("prior approval lookup failed; holding comment", "err", err)
		return false, "prior approval could not be checked"
	}
	if !ok && in.User == nil && in.Remote == nil {
		// Worth a moderator's attention: someone may be posing as a known commenter.
		if claimed, err := s.Store.HasApprovedComment(ctx, c.AuthorEmail, c.AuthorName); err == nil && claimed {
			why += "; the name and e-mail match an approved commenter"
		}
	}
	return ok, why
}
