package activitypub

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Blocks are the one place where the site decides whom it will not federate with; every
// channel asks Blocked: the inbox (Receive, right after the signature is verified) and
// delivery (Deliver, before a request leaves). WebFinger and our public objects are still
// served to anyone: they are public pages, and a blocked server can read them anyway.

// Blocked returns the block that covers actor id actorID (an actor block on it, or a
// domain block on its host or a domain above it), or nil.
func (s *Service) Blocked(ctx context.Context, actorID string) (*broadside.FederationBlock, error) {
	return s.Store.MatchFederationBlock(ctx, actorID, broadside.BlockHosts(Host(actorID)))
}

// refuseBlocked is the inbox's check, made on the verified signer before any other work.
// It reports whether the activity is to be dropped. A blocked sender's activity is
// acknowledged (202) and dropped rather than refused with 403: a 4xx and a 2xx both end
// the sender's retries, but a 2xx tells the blocked server nothing it could use to evade
// the block, which is how Mastodon treats activities from servers it suspends.
func (s *Service) refuseBlocked(ctx context.Context, signer string) (bool, error) {
	b, err := s.Blocked(ctx, signer)
	if err != nil || b == nil {
		return false, err
	}
	s.Log.Info("activitypub: inbox: activity from a blocked sender dropped", "actor", signer, "block", b.Kind+" "+b.Value)
	return true, nil
}

// deliveryBlocked reports whether inbox is on a blocked host (a domain block; an actor
// block removed the actor's follows, and a shared inbox serves other actors too).
func (s *Service) deliveryBlocked(ctx context.Context, inbox string) (bool, error) {
	b, err := s.Store.MatchFederationBlock(ctx, "", broadside.BlockHosts(Host(inbox)))
	if err != nil || b == nil {
		return false, err
	}
	s.Log.Info("activitypub: delivery to a blocked host dropped", "inbox", inbox, "block", b.Value)
	return true, nil
}

// Blocks lists the site's blocks, newest first.
func (s *Service) Blocks(ctx context.Context) ([]broadside.FederationBlock, error) {
	return s.Store.FederationBlocks(ctx)
}

// AddBlock blocks a domain ("spam.example", a URL on it) or an actor (its id URL, profile
// URL or @user@host handle, resolved to its id by asking its server), for admin by. The
// followers it covers are removed in the same transaction, and sent nothing (a blocked
// server hears nothing more from us). It returns the block and how many follows it ended.
func (s *Service) AddBlock(ctx context.Context, kind, value, note string, by *broadside.User) (*broadside.FederationBlock, int64, error) {
	if by == nil || !by.CanManageSite() {
		return nil, 0, broadside.Errorf(broadside.EFORBIDDEN, "Only administrators can block servers and accounts.")
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > broadside.MaxBlockNote {
		return nil, 0, fieldErr("note", "The note is too long (500 characters at most).")
	}
	b := &broadside.FederationBlock{Kind: kind, Note: note, CreatedBy: by.ID, CreatedAt: s.Now()}
	switch kind {
	case broadside.BlockDomain:
		v, err := broadside.NormalizeBlockDomain(value)
		if err != nil {
			return nil, 0, err
		}
		b.Value = v
	case broadside.BlockActor:
		id, err := s.resolveActor(ctx, strings.TrimSpace(value))
		if err != nil {
			return nil, 0, err
		}
		b.Value = id
	default:
		return nil, 0, fieldErr("kind", "Choose whether to block a domain or an account.")
	}
	if st, err := s.Site(ctx, nil); err == nil && b.Kind == broadside.BlockDomain {
		if own := broadside.BlockHosts(Host(st.Base)); len(own) > 0 && own[0] == b.Value {
			return nil, 0, fieldErr("value", "That is this site's own domain.")
		}
	}
	var removed int64
	err := s.Store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.CreateFederationBlock(ctx, b); err != nil {
			return err
		}
		all, err := tx.AllFollowers(ctx)
		if err != nil {
			return err
		}
		var ids []int64
		for _, f := range all {
			if covers(b, f.FollowerID) {
				ids = append(ids, f.ID)
			}
		}
		removed, err = tx.RemoveFollowerIDs(ctx, ids)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return b, removed, nil
}

// covers reports whether block b applies to actor id actorID.
func covers(b *broadside.FederationBlock, actorID string) bool {
	if b.Kind == broadside.BlockActor {
		return b.Value == actorID
	}
	for _, h := range broadside.BlockHosts(Host(actorID)) {
		if h == b.Value {
			return true
		}
	}
	return false
}

// RemoveBlock lifts block id. Former followers are not restored: they follow again.
func (s *Service) RemoveBlock(ctx context.Context, id int64, by *broadside.User) error {
	if by == nil || !by.CanManageSite() {
		return broadside.Errorf(broadside.EFORBIDDEN, "Only administrators can lift blocks.")
	}
	return s.Store.DeleteFederationBlock(ctx, id)
}

// resolveActor turns what an admin typed into an actor id: an @user@host handle is looked
// up by WebFinger on host; a URL (the actor's id or its profile page) is fetched as
// ActivityStreams, and the document's id, on the same host, is the actor's.
func (s *Service) resolveActor(ctx context.Context, v string) (string, error) {
	if v == "" {
		return "", fieldErr("value", "Enter an account to block: @user@host or the address of its profile.")
	}
	st, err := s.Site(ctx, nil)
	if err != nil {
		return "", err
	}
	u := v
	if !strings.Contains(v, "://") {
		user, host, ok := strings.Cut(strings.TrimPrefix(v, "@"), "@")
		if !ok || user == "" || host == "" || strings.ContainsAny(v, " /?#") {
			return "", fieldErr("value", "Enter an account as @user@host (like @spammer@spam.example) or the address of its profile.")
		}
		if u, err = s.webFinger(ctx, st, user, host); err != nil {
			s.Log.Info("activitypub: block: WebFinger lookup failed", "handle", v, "err", err)
			return "", fieldErr("value", "No account "+v+" was found: its server did not answer the lookup.")
		}
	}
	if !broadside.IsHTTPURL(u) {
		return "", fieldErr("value", "Enter an http:// or https:// address, or @user@host.")
	}
	var a Actor
	if err := s.fetch(ctx, st, u, &a); err != nil || a.ID == "" || a.Inbox == "" {
		s.Log.Info("activitypub: block: actor fetch failed", "url", u, "err", err)
		return "", fieldErr("value", "That address did not answer with a fediverse account.")
	}
	if !sameHost(a.ID, u) {
		return "", fieldErr("value", "That account lives on another server; block it by its own address.")
	}
	return a.ID, nil
}

// webFinger looks up acct:user@host on host and returns the actor's id (its self link).
func (s *Service) webFinger(ctx context.Context, st Site, user, host string) (string, error) {
	var jrd struct {
		Links []struct {
			Rel, Type, Href string
		} `json:"links"`
	}
	q := url.Values{"resource": {"acct:" + user + "@" + host}}
	if err := s.fetch(ctx, st, "https://"+host+"/.well-known/webfinger?"+q.Encode(), &jrd); err != nil {
		return "", err
	}
	for _, l := range jrd.Links {
		if l.Rel == "self" && (l.Type == ContentType || strings.HasPrefix(l.Type, "application/ld+json")) && l.Href != "" {
			return l.Href, nil
		}
	}
	return "", broadside.Errorf(broadside.ENOTFOUND, "no ActivityPub actor in the WebFinger answer")
}

func fieldErr(field, msg string) error {
	return &broadside.Error{Code: broadside.EINVALID, Message: msg, Fields: map[string]string{field: msg}}
}
