package broadside

import (
	"crypto/subtle"
	"time"
)

// StatusTrash is a post or page moved to the trash: hidden from every reader and channel,
// restorable (to the status it had) for TrashDays, then purged.
const StatusTrash PostStatus = "trash"

// TrashDays is how long a trashed post can be restored before the purge deletes it.
const TrashDays = 30

// Revision kinds: a saved version, or the one pending autosave of an author's unsaved edits.
const (
	RevisionSaved    = "revision"
	RevisionAutosave = "autosave"
)

// Revision is a stored version of a post's title, body and excerpt: one is kept on every
// save (Kind RevisionSaved) and an autosave (RevisionAutosave) holds an author's unsaved
// edits without changing the post, as in WordPress.
type Revision struct {
	ID       int64
	PostID   int64
	AuthorID int64 // 0 when the author was removed
	Author   *User // loaded by the store; nil when the author was removed
	Kind     string
	Title    string
	// TitleMarkup is the title's markup as written (Post.RawTitleMarkup), "" for a plain title.
	TitleMarkup string
	RawBody     string
	RawExcerpt  string
	BodyFormat  string
	CreatedAt   time.Time
}

// SameContent reports whether the revision holds the same title, body and excerpt as p.
func (r *Revision) SameContent(p *Post) bool {
	return r.Title == p.Title && r.TitleMarkup == p.RawTitleMarkup && r.RawBody == p.RawBody && r.RawExcerpt == p.RawExcerpt
}

// TitleSource is the revision's title as its author wrote it, markup included (as
// Post.TitleSource).
func (r *Revision) TitleSource() string {
	if r.TitleMarkup != "" {
		return r.TitleMarkup
	}
	return r.Title
}

// Trashed is what the trash remembers of a trashed post.
type Trashed struct {
	PostID         int64
	PreviousStatus PostStatus
	TrashedAt      time.Time
}

// PreviewLink is the one live shared preview link of an unpublished post: its signed
// token carries Nonce, so revoking it (or sharing anew) ends the old link.
type PreviewLink struct {
	PostID    int64
	Nonce     string
	ExpiresAt time.Time
	CreatedBy int64
}

// PreviewLinkTTL is how long a shared preview link works unless revoked first.
const PreviewLinkTTL = 48 * time.Hour

// Previewable reports whether a shared preview link may show p: only while it is not yet
// public (draft, pending or scheduled). Publishing, trashing or making it private ends
// every link, as WordPress's public preview plugins do.
func (p *Post) Previewable() bool {
	switch p.Status {
	case StatusDraft, StatusPending, StatusScheduled:
		return true
	}
	return false
}

// WithPreview returns r allowed to read the unpublished p in full when nonce is the nonce of
// l, p's stored shared preview link, not expired at now, while p is still Previewable. The
// caller has checked the link's signature; the nonce, issued by the server and stored, is
// what proves the link was shared and not revoked since.
func (r Reader) WithPreview(p *Post, l *PreviewLink, nonce string, now time.Time) Reader {
	if p == nil || l == nil || l.PostID != p.ID || nonce == "" || !now.Before(l.ExpiresAt) || !p.Previewable() ||
		subtle.ConstantTimeCompare([]byte(nonce), []byte(l.Nonce)) != 1 {
		return r
	}
	r.previewID = p.ID
	return r
}
