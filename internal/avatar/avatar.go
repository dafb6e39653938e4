// Package avatar chooses the picture shown next to a comment and draws the generated ones.
//
// Readers' privacy comes first: by default every commenter gets an avatar Broadside draws
// itself (their initials on a colour), served from this site under a keyed hash of their
// e-mail address, so neither the address nor its plain MD5 (which a dictionary of addresses
// reverses) appears in a page, and no third party learns who commented or who read the
// discussion. Gravatar, which needs the MD5 of the address, is a site setting to opt in to
// (Discussion.Gravatar), as WordPress sites offer it. A remote commenter's own avatar
// (Comment.AvatarURL, from federation) is shown when present.
package avatar

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/broadside/broadside"
)

// Sizes are the sizes, in pixels, WordPress's REST API offers (author_avatar_urls).
var Sizes = []int{24, 48, 96}

// Prefix is the path generated avatars are served under: Prefix + key + "-" + initials + ".svg".
const Prefix = "/avatar/"

// keyLen is the length of a generated avatar's key in hex digits (64 bits): enough that two
// commenters rarely share a colour, too short to serve as anyone's identifier elsewhere.
const keyLen = 16

// Maker chooses avatars. Its secret keys the hash of e-mail addresses.
type Maker struct {
	Secret []byte

	// macs keeps keyed hashes for reuse: a comment list asks for three sizes of every
	// commenter's avatar, and a fresh HMAC each time was most of what choosing them allocated.
	macs sync.Pool
}

// URL returns the avatar of comment c at size pixels: its remote avatar when it has one,
// Gravatar's when the site opted in (d.Gravatar), else a generated one, as a path on this
// site (the caller makes it absolute where it needs to).
func (m *Maker) URL(c *broadside.Comment, d broadside.Discussion, size int) string {
	if c.AvatarURL != "" && broadside.IsHTTPURL(c.AvatarURL) {
		return c.AvatarURL
	}
	email := strings.ToLower(strings.TrimSpace(c.AuthorEmail))
	if d.Gravatar && email != "" {
		return Gravatar(email, size)
	}
	who := "email:" + email
	if email == "" {
		who = "name:" + c.AuthorName
	}
	return Prefix + m.key(who) + "-" + url.PathEscape(Initials(c.AuthorName)) + ".svg"
}

func (m *Maker) key(who string) string {
	h, _ := m.macs.Get().(hash.Hash)
	if h == nil {
		h = hmac.New(sha256.New, m.Secret)
	} else {
		h.Reset()
	}
	h.Write([]byte("avatar\x00"))
	h.Write([]byte(who))
	var sum [sha256.Size]byte
	var hx [2 * sha256.Size]byte
	hex.Encode(hx[:], h.Sum(sum[:0]))
	m.macs.Put(h)
	return string(hx[:keyLen])
}

// Gravatar is Gravatar's URL for an address at size pixels, as WordPress builds it: the MD5
// of the trimmed, lowercased address, with generated identicons for addresses Gravatar does
// not know.
func Gravatar(email string, size int) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "https://secure.gravatar.com/avatar/" + hex.EncodeToString(sum[:]) + "?s=" + strconv.Itoa(size) + "&d=identicon&r=g"
}

// Initials are what a generated avatar shows for a name: the first letter of its first and
// last words, uppercase ("Ann Lee" → "AL"; "张伟" → "张"); letters and digits only, at most
// two, "" for a name without any.
func Initials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return ""
	}
	first := func(w string) string {
		r, _ := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(r))
	}
	out := first(words[0])
	if len(words) > 1 && !broadside.IsSearchIdeograph([]rune(words[0])[0]) {
		out += first(words[len(words)-1])
	}
	return out
}
