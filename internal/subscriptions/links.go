package subscriptions

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// Links seals the values carried in emailed links with an HMAC under the site's
// subscriptions secret (shared by every node through the database), bound to a purpose so a
// link minted for one use cannot be replayed as another. Single-use, expiring links (confirm,
// sign in) also carry a random token that the database stores hashed and consumes once;
// unsubscribe links carry only the sealed subscriber id and work for as long as the address
// is on the list, as mailbox providers expect of List-Unsubscribe.
type Links struct{ Secret []byte }

func (l Links) mac(purpose, payload string) string {
	m := hmac.New(sha256.New, l.Secret)
	m.Write([]byte("broadside-link\x00" + purpose + "\x00" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:20])
}

// Seal returns payload and its MAC as one URL-safe string.
func (l Links) Seal(purpose, payload string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + l.mac(purpose, payload)
}

// Open checks a sealed string and returns its payload.
func (l Links) Open(purpose, sealed string) (string, bool) {
	if len(sealed) > 2048 {
		return "", false
	}
	enc, mac, ok := strings.Cut(sealed, ".")
	if !ok {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		return "", false
	}
	payload := string(b)
	return payload, hmac.Equal([]byte(mac), []byte(l.mac(purpose, payload)))
}

// Link purposes.
const (
	linkConfirm     = "confirm"      // token \n return path
	linkSignIn      = "signin"       // token \n return path
	linkComments    = "comments"     // token \n post id
	linkUnsubscribe = "unsubscribe"  // subscriber id
	linkCommentsOff = "comments-off" // post id \n email
)

// UnsubscribeToken is the token of a subscriber's unsubscribe links.
func (l Links) UnsubscribeToken(subscriberID int64) string {
	return l.Seal(linkUnsubscribe, strconv.FormatInt(subscriberID, 10))
}

// CommentsOffToken is the token that ends an address's notices about a post's comments.
func (l Links) CommentsOffToken(postID int64, email string) string {
	return l.Seal(linkCommentsOff, strconv.FormatInt(postID, 10)+"\n"+email)
}

func (l Links) openPair(purpose, sealed string) (string, string, bool) {
	p, ok := l.Open(purpose, sealed)
	if !ok {
		return "", "", false
	}
	a, b, ok := strings.Cut(p, "\n")
	return a, b, ok
}
