package broadside

import (
	"strings"
	"testing"
	"time"
)

func TestCanReadFull(t *testing.T) {
	body := "Free part.\n\n<!--more-->\n\nPaid part."
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	open := &Post{RawBody: body, Status: StatusPublished, PublishedAt: now}
	locked := &Post{RawBody: body, SubscribersOnly: true, Status: StatusPublished, PublishedAt: now}
	sub := func(st SubscriberStatus) *Subscriber { return &Subscriber{Status: st} }
	cases := []struct {
		name string
		p    *Post
		r    Reader
		want bool
	}{
		{"ordinary post, visitor", open, Reader{}, true},
		{"subscriber-only, visitor", locked, Reader{}, false},
		{"subscriber-only, confirmed", locked, Reader{Subscriber: sub(SubscriberConfirmed)}, true},
		{"subscriber-only, pending", locked, Reader{Subscriber: sub(SubscriberPending)}, false},
		{"subscriber-only, unsubscribed", locked, Reader{Subscriber: sub(SubscriberUnsubscribed)}, false},
		{"subscriber-only, bounced", locked, Reader{Subscriber: sub(SubscriberBounced)}, false},
		{"subscriber-only, author", locked, Reader{User: &User{Role: RoleAuthor}}, true},
	}
	for _, c := range cases {
		if got := CanReadFull(c.p, c.r, now); got != c.want {
			t.Errorf("%s: CanReadFull = %v, want %v", c.name, got, c.want)
		}
		b, full := VisibleBody(c.p, c.r, now)
		if full != c.want || (full && b != body) || (!full && b != "Free part.\n\n") {
			t.Errorf("%s: VisibleBody = %q, %v", c.name, b, full)
		}
	}
}

func TestTeaser(t *testing.T) {
	for body, want := range map[string]string{
		"a<!--more-->b":              "a",
		"a<!--more Keep reading-->b": "a",
		"a<!--morebid-->b":           "",
		"no marker":                  "",
		"<!--more-->everything":      "",
	} {
		got, _ := Teaser(&Post{RawBody: body})
		if got != want {
			t.Errorf("Teaser(%q) = %q, want %q", body, got, want)
		}
	}
}

// TestAccess is the rule's own table: status, schedule, privacy, password and
// subscriber-only, for each kind of reader (the HTTP table in internal/web checks the
// channels against it).
func TestAccess(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	own := &User{ID: 1, Role: RoleAuthor}
	other := &User{ID: 2, Role: RoleAuthor}
	ed := &User{ID: 3, Role: RoleEditor}
	post := func(mod func(*Post)) *Post {
		p := &Post{ID: 7, Type: TypePost, AuthorID: own.ID, Status: StatusPublished, PublishedAt: now.Add(-time.Hour), RawBody: "a<!--more-->b"}
		mod(p)
		return p
	}
	link := &PreviewLink{PostID: 7, Nonce: "nonce", ExpiresAt: now.Add(PreviewLinkTTL)}
	cases := []struct {
		name string
		p    *Post
		r    Reader
		want Level
	}{
		{"published", post(func(*Post) {}), Reader{}, LevelFull},
		{"dated in the future", post(func(p *Post) { p.PublishedAt = now.Add(time.Minute) }), Reader{}, LevelHidden},
		{"dated in the future, its author", post(func(p *Post) { p.PublishedAt = now.Add(time.Minute) }), Reader{User: own}, LevelFull},
		{"scheduled", post(func(p *Post) { p.Status = StatusScheduled }), Reader{User: other}, LevelHidden},
		{"draft, editor", post(func(p *Post) { p.Status = StatusDraft }), Reader{User: ed}, LevelFull},
		{"pending, subscriber", post(func(p *Post) { p.Status = StatusPending }), Reader{Subscriber: &Subscriber{Status: SubscriberConfirmed}}, LevelHidden},
		{"private, other author", post(func(p *Post) { p.Status = StatusPrivate }), Reader{User: other}, LevelHidden},
		{"private, its author", post(func(p *Post) { p.Status = StatusPrivate }), Reader{User: own}, LevelFull},
		{"protected, visitor", post(func(p *Post) { p.Password = "pw" }), Reader{}, LevelLocked},
		{"protected, confirmed subscriber", post(func(p *Post) { p.Password = "pw" }), Reader{Subscriber: &Subscriber{Status: SubscriberConfirmed}}, LevelLocked},
		{"protected, other author", post(func(p *Post) { p.Password = "pw" }), Reader{User: other}, LevelLocked},
		{"protected, editor", post(func(p *Post) { p.Password = "pw" }), Reader{User: ed}, LevelFull},
		{"protected, typed it", post(func(p *Post) { p.Password = "pw" }), Reader{}.WithPassword(post(func(p *Post) { p.Password = "pw" }), "pw"), LevelFull},
		{"protected, typed it wrong", post(func(p *Post) { p.Password = "pw" }), Reader{}.WithPassword(post(func(p *Post) { p.Password = "pw" }), "px"), LevelLocked},
		{"protected, typed the old password", post(func(p *Post) { p.Password = "new" }), Reader{}.WithPassword(post(func(p *Post) { p.Password = "pw" }), "pw"), LevelLocked},
		{"protected, typed another post's", post(func(p *Post) { p.Password = "pw" }), Reader{}.WithPassword(post(func(p *Post) { p.ID, p.Password = 8, "pw" }), "pw"), LevelLocked},
		{"protected and subscriber-only, typed it", post(func(p *Post) { p.Password, p.SubscribersOnly = "pw", true }),
			Reader{}.WithPassword(post(func(p *Post) { p.Password = "pw" }), "pw"), LevelTeaser},
		{"subscriber-only, visitor", post(func(p *Post) { p.SubscribersOnly = true }), Reader{}, LevelTeaser},
		{"subscriber-only, other author", post(func(p *Post) { p.SubscribersOnly = true }), Reader{User: other}, LevelFull},
		{"nil post", nil, Reader{User: ed}, LevelHidden},
		{"trashed, visitor", post(func(p *Post) { p.Status = StatusTrash }), Reader{}, LevelHidden},
		{"trashed, its author", post(func(p *Post) { p.Status = StatusTrash }), Reader{User: own}, LevelHidden},
		{"trashed, editor", post(func(p *Post) { p.Status = StatusTrash }), Reader{User: ed}, LevelHidden},
		{"draft, shared preview link", post(func(p *Post) { p.Status = StatusDraft }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusDraft }), link, "nonce", now), LevelFull},
		{"draft, wrong preview nonce", post(func(p *Post) { p.Status = StatusDraft }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusDraft }), link, "other", now), LevelHidden},
		{"draft, expired preview link", post(func(p *Post) { p.Status = StatusDraft }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusDraft }), link, "nonce", now.Add(49*time.Hour)), LevelHidden},
		{"draft, another post's preview link", post(func(p *Post) { p.ID, p.Status = 8, StatusDraft }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusDraft }), link, "nonce", now), LevelHidden},
		{"private, preview link", post(func(p *Post) { p.Status = StatusPrivate }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusPrivate }), link, "nonce", now), LevelHidden},
		{"trashed, preview link", post(func(p *Post) { p.Status = StatusTrash }), Reader{}.WithPreview(post(func(p *Post) { p.Status = StatusTrash }), link, "nonce", now), LevelHidden},
	}
	for _, c := range cases {
		if got := Access(c.p, c.r, now); got != c.want {
			t.Errorf("%s: Access = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestPassKey(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &Post{ID: 7, Type: TypePost, Status: StatusPublished, PublishedAt: now.Add(-time.Hour), Password: "pw"}
	key := PassKey("secret")
	proof := key.Proof(p, now.Add(time.Hour))
	if Access(p, key.Unlock(Reader{}, p, proof, now), now) != LevelFull {
		t.Fatal("a valid proof does not unlock")
	}
	changed := *p
	changed.Password = "new"
	other := *p
	other.ID = 8
	for name, r := range map[string]Reader{
		"expired":          key.Unlock(Reader{}, p, proof, now.Add(time.Hour)),
		"another key":      PassKey("other").Unlock(Reader{}, p, proof, now),
		"no key":           PassKey(nil).Unlock(Reader{}, p, PassKey(nil).Proof(p, now.Add(time.Hour)), now),
		"forged expiry":    key.Unlock(Reader{}, p, "9999999999"+proof[strings.IndexByte(proof, '.'):], now),
		"garbage":          key.Unlock(Reader{}, p, "1", now),
		"changed password": key.Unlock(Reader{}, &changed, proof, now),
	} {
		if Access(p, r, now) == LevelFull && name != "changed password" {
			t.Errorf("%s: unlocks", name)
		}
		if name == "changed password" && Access(&changed, r, now) != LevelLocked {
			t.Errorf("%s: unlocks", name)
		}
	}
	if Access(&other, key.Unlock(Reader{}, &other, proof, now), now) != LevelLocked {
		t.Error("a proof for one post unlocks another")
	}
}

func TestCanComment(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	p := &Post{ID: 7, Type: TypePost, Status: StatusPublished, PublishedAt: now.Add(-time.Hour), Password: "pw"}
	if ErrorCode(CanComment(p, Reader{}, now)) != EFORBIDDEN {
		t.Error("a visitor may comment on a protected post")
	}
	if err := CanComment(p, Reader{}.WithPassword(p, "pw"), now); err != nil {
		t.Errorf("with the password: %v", err)
	}
	draft := &Post{ID: 8, Type: TypePost, Status: StatusDraft, AuthorID: 1}
	if ErrorCode(CanComment(draft, Reader{User: &User{ID: 1, Role: RoleAdmin}}, now)) != ENOTFOUND {
		t.Error("comments on a draft")
	}
}

func TestCapabilities(t *testing.T) {
	au := &User{ID: 1, Role: RoleAuthor}
	ed := &User{ID: 2, Role: RoleEditor}
	ownPage := &Post{Type: TypePage, AuthorID: au.ID}
	ownPost := &Post{Type: TypePost, AuthorID: au.ID}
	othersPost := &Post{Type: TypePost, AuthorID: ed.ID}
	var nobody *User
	for name, got := range map[string]bool{
		"author creates a page":       au.CanCreate(TypePage),
		"author edits their own page": au.CanEditPost(ownPage),
		"author edits another's post": au.CanEditPost(othersPost),
		"author assigns authors":      au.CanAssignAuthor(),
		"nobody creates a post":       nobody.CanCreate(TypePost),
		"nobody edits a post":         nobody.CanEditPost(ownPost),
		"unknown role creates a post": (&User{Role: "contributor"}).CanCreate(TypePost),
		"author edits a nil post":     au.CanEditPost(nil),
	} {
		if got {
			t.Errorf("%s: allowed", name)
		}
	}
	for name, got := range map[string]bool{
		"author creates a post":         au.CanCreate(TypePost),
		"author edits their own post":   au.CanEditPost(ownPost),
		"editor creates a page":         ed.CanCreate(TypePage),
		"editor edits an author's page": ed.CanEditPost(ownPage),
		"editor assigns authors":        ed.CanAssignAuthor(),
	} {
		if !got {
			t.Errorf("%s: refused", name)
		}
	}
}
