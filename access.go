package broadside

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Reader is who is looking at a post: a signed-in subscriber, a signed-in user of the admin,
// both or neither (an anonymous visitor, a feed reader, a search engine), and the post
// password they proved, if any.
type Reader struct {
	// Subscriber is the subscriber signed in with a magic link, or nil.
	Subscriber *Subscriber
	// User is the signed-in admin user, or nil.
	User *User

	// unlockedID and unlockedPassword record the password-protected post whose password the
	// reader proved, and the password proved (so changing it locks everyone out again). They
	// are unexported on purpose: only WithPassword and PassKey.Unlock, which check the proof,
	// can set them, so no channel can merely claim that a reader typed the password.
	unlockedID       int64
	unlockedPassword string
	// previewID is the unpublished post a shared preview link lets this reader see; only
	// WithPreview, which checks the link against the one the server stored, sets it.
	previewID int64
}

// Level is how much of a post a reader may see.
type Level int

const (
	// LevelHidden: the post does not exist for this reader (drafts, pending, scheduled and private
	// posts for those who may not read them; deleted posts for everyone).
	LevelHidden Level = iota
	// LevelLocked: a password-protected post whose password the reader has not given; only its
	// title (and the form asking for the password) is shown.
	LevelLocked
	// LevelTeaser: a subscriber-only post for a visitor: the part before <!--more-->.
	LevelTeaser
	// LevelFull: all of it, and its discussion.
	LevelFull
)

// Access is the one rule that decides how much of p the reader r may see at time now. Every
// channel asks it (the post page, the comment form and the comments service, the REST API,
// the newsletter) or PublicBody, which is this rule for the anonymous reader of a published
// post (feeds, search, sitemaps):
//
//   - posts that are not published yet (drafts, pending review, scheduled or dated in the
//     future) and private posts exist only for those who may edit them (see User.CanEditPost:
//     its author, editors and administrators), who read them in full, and for the holder of
//     a live shared preview link to a draft, pending or scheduled post (Reader.WithPreview);
//   - a password-protected post is Locked until the reader proves its password, except for
//     those who may edit it;
//   - a subscriber-only post is a Teaser for visitors; confirmed subscribers and the site's
//     users read it all (pending, unsubscribed and bounced addresses are visitors);
//   - everything else is Full;
//   - a trashed post is Hidden from everyone, its editors included (they restore it in the
//     admin's trash first), as WordPress shows trashed posts to no one.
func Access(p *Post, r Reader, now time.Time) Level {
	if p == nil || p.Status == StatusTrash {
		return LevelHidden
	}
	editor := r.User.CanEditPost(p)
	if !p.IsPublic(now) {
		if editor || (r.previewID != 0 && r.previewID == p.ID && p.Previewable()) {
			return LevelFull
		}
		return LevelHidden
	}
	if p.Protected() && !editor && !r.unlocks(p) {
		return LevelLocked
	}
	if p.SubscribersOnly && !r.Subscriber.Receives() && r.User == nil {
		return LevelTeaser
	}
	return LevelFull
}

// CanReadFull reports whether r may read the whole of p at time now: Access is Full.
func CanReadFull(p *Post, r Reader, now time.Time) bool { return Access(p, r, now) == LevelFull }

// CanComment decides whether r may join p's discussion at time now, whatever the channel (the
// form, the REST API, a remote reply): only on a published post they may read in full. The
// errors name the reason in words fit for the reader. Whether comments are open at all is
// CommentsClosed's question.
func CanComment(p *Post, r Reader, now time.Time) error {
	if !p.IsPublic(now) {
		return Errorf(ENOTFOUND, "The post you are commenting on does not exist.")
	}
	switch Access(p, r, now) {
	case LevelFull:
		return nil
	case LevelLocked:
		return Errorf(EFORBIDDEN, "This post is password protected. Enter the password to join its discussion.")
	case LevelTeaser:
		return Errorf(EFORBIDDEN, "This discussion is for subscribers. Subscribe or sign in to join it.")
	}
	return Errorf(ENOTFOUND, "The post you are commenting on does not exist.")
}

// WithPassword returns r with p unlocked when typed is p's password (a REST client's
// ?password=, or a channel that received the password itself). Callers bound the guesses.
func (r Reader) WithPassword(p *Post, typed string) Reader {
	if p.Protected() && typed != "" && subtle.ConstantTimeCompare([]byte(typed), []byte(p.Password)) == 1 {
		r.unlockedID, r.unlockedPassword = p.ID, p.Password
	}
	return r
}

func (r Reader) unlocks(p *Post) bool {
	return r.unlockedID == p.ID && r.unlockedPassword != "" &&
		subtle.ConstantTimeCompare([]byte(r.unlockedPassword), []byte(p.Password)) == 1
}

// PassKey signs proofs that a reader typed a post's password: the post page's unlock cookie,
// which the comments service checks again when that reader comments. The proof names the
// post, is bound to its current password and expires.
type PassKey []byte

// Proof returns a proof that the bearer typed p's password, valid until expires.
func (k PassKey) Proof(p *Post, expires time.Time) string {
	exp := strconv.FormatInt(expires.Unix(), 10)
	return exp + "." + k.mac(p, exp)
}

// Unlock returns r with p unlocked when proof is one of Proof's, for p's current password,
// not expired at now. A PassKey without a key proves nothing.
func (k PassKey) Unlock(r Reader, p *Post, proof string, now time.Time) Reader {
	i := strings.IndexByte(proof, '.')
	if len(k) == 0 || !p.Protected() || i < 0 {
		return r
	}
	exp, err := strconv.ParseInt(proof[:i], 10, 64)
	if err != nil || now.Unix() >= exp || !hmac.Equal([]byte(proof[i+1:]), []byte(k.mac(p, proof[:i]))) {
		return r
	}
	r.unlockedID, r.unlockedPassword = p.ID, p.Password
	return r
}

func (k PassKey) mac(p *Post, exp string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte("postpass\x00" + strconv.FormatInt(p.ID, 10) + "\x00" + p.Password + "\x00" + exp))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Teaser returns the part of p's body before the more marker (<!--more--> or WordPress's
// <!--more Read on-->) and whether there was one. A subscriber-only post without a marker
// has no teaser: visitors see its title, excerpt and the subscribe box only.
func Teaser(p *Post) (teaser string, more bool) {
	i := MoreIndex(p.RawBody)
	if i < 0 {
		return "", false
	}
	return p.RawBody[:i], true
}

// VisibleBody returns the part of p's body r may see at now and whether it is the whole
// body: all of it at Full, the teaser at Teaser, nothing otherwise.
func VisibleBody(p *Post, r Reader, now time.Time) (body string, full bool) {
	return bodyAt(p, Access(p, r, now))
}

func bodyAt(p *Post, l Level) (string, bool) {
	switch l {
	case LevelFull:
		return p.RawBody, true
	case LevelTeaser:
		t, _ := Teaser(p)
		return t, false
	}
	return "", false
}

// MoreIndex finds "<!--more-->" or "<!--more text-->" in body and returns its offset, or -1.
func MoreIndex(body string) int {
	off := 0
	for {
		i := strings.Index(body[off:], "<!--more")
		if i < 0 {
			return -1
		}
		i += off
		rest := body[i+len("<!--more"):]
		if strings.HasPrefix(rest, "-->") || (rest != "" && (rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n') && strings.Contains(rest, "-->")) {
			return i
		}
		off = i + len("<!--more")
	}
}
