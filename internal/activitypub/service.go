package activitypub

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/httpsig"
	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/store"
)

// Our actors are named "site" and "users/ID" (an author, by user id, so a changed login keeps
// the actor). The name is the actor's path under Prefix and its key in the database.
const (
	SiteActor = broadside.SiteActorName
	// Prefix is where our actors live: BASE/activitypub/NAME.
	Prefix = "/activitypub/"
	// SharedInboxPath is the site's shared inbox.
	SharedInboxPath = "/inbox"
)

// AuthorActor names the actor of user id.
func AuthorActor(id int64) string { return broadside.AuthorActorName(id) }

// AuthorOf returns the user id of an author actor's name, or 0.
func AuthorOf(name string) int64 {
	n, ok := strings.CutPrefix(name, "users/")
	if !ok {
		return 0
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// ActorID is the id (URL) of our actor name on the site at base.
func ActorID(base, name string) string { return base + Prefix + name }

// KeyID is the id of the actor's public key.
func KeyID(base, name string) string { return ActorID(base, name) + "#main-key" }

// CommentID is the id of our comment id as an ActivityPub object. A fragment never reaches a
// server, so the comment's page address (the post's permalink#comment-ID) is its url, not its
// id: fetching the id answers the comment as a Note.
func CommentID(base string, id int64) string {
	return base + Prefix + "comments/" + strconv.FormatInt(id, 10)
}

// LocalComment returns the id of our comment that ref names on the site at base — its
// CommentID, or any of the site's page addresses ending in #comment-ID, as remote servers
// take a comment's url for its id — or 0.
func LocalComment(base, ref string) int64 {
	var n string
	if rest, ok := strings.CutPrefix(ref, base+Prefix+"comments/"); ok {
		n = rest
	} else if page, frag, ok := strings.Cut(ref, "#comment-"); ok && (page == base || strings.HasPrefix(page, base+"/")) {
		n = frag
	}
	id, err := strconv.ParseInt(n, 10, 64)
	if err != nil || id <= 0 {
		return 0
	}
	return id
}

// Site is what the service needs to know about the site at the time of a request.
type Site struct {
	Base     string // public URL, no trailing slash
	Settings broadside.Settings
}

// Service is the site's federation: keys, followers, the inbox and delivery.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Site returns the site's settings and public URL. tx is the transaction the caller is
	// in (a hook of a save), nil outside one: a read inside a transaction goes through it,
	// never the pool, which on PostgreSQL may have no connection left for it (every one
	// held by a transaction waiting for such a read).
	Site func(ctx context.Context, tx *store.Store) (Site, error)
	// Client fetches remote documents and delivers; NewClient builds one that refuses
	// private and loopback addresses unless told otherwise.
	Client *http.Client
	// Limits bounds deliveries per remote host and inbox requests per remote host; nil: none.
	Limits *limits.Service
	// Wake, when set, is called after jobs were enqueued (the worker's Wake).
	Wake func()
	// PostURL and PostObject build a post's id (its permalink) and its object as the web
	// layer serves it (the one rendering, with the access rule applied); app wires them
	// from the web server. PostURL runs inside the transaction tx that changed p (st was
	// read in it) and reads only through tx.
	PostURL    func(ctx context.Context, tx *store.Store, st Site, p *broadside.Post) (string, error)
	PostObject func(ctx context.Context, p *broadside.Post) (*Object, error)
	// CommentObject is our comment c as the web layer serves it at its CommentID (a Note;
	// ENOTFOUND when it may not leave the site); app wires it from the web server.
	CommentObject func(ctx context.Context, c *broadside.Comment) (*Object, error)
	// AuthorActive reports whether user id has an actor: an active author who has
	// published (the web layer's rule, which also answers their actor document). Nil: any
	// author id is taken as existing.
	AuthorActive func(ctx context.Context, id int64) bool
	// Replies turns fediverse replies into comments (the comments service); nil: replies
	// are acknowledged and ignored. PostAt finds the post one of the site's addresses
	// (permalink, ?p=ID shortlink, a page's path) names, as the web layer resolves them;
	// replies and likes both name our posts this way.
	Replies Replies
	PostAt  func(ctx context.Context, ref string) (*broadside.Post, error)

	// HostConcurrency bounds the deliveries to one remote host in flight on this node
	// (0: DefaultHostConcurrency); DeadAfter is how long a host may fail before it is
	// declared dead (0: DefaultDeadAfter); ProbeEvery how often a dead host is tried
	// (0: DefaultProbeEvery).
	HostConcurrency       int
	DeadAfter, ProbeEvery time.Duration
	// GenerateKey makes an actor's key pair when it has none (nil: a new 2048-bit RSA key).
	// Only tests set it (app.Options.GenerateKey), to a pool of pregenerated keys of the
	// same size: generating one costs 0.1–0.3 CPU seconds, paid by every test site that signs.
	GenerateKey func() (pub, priv string, err error)

	keys  sync.Map // actor name -> *rsa.PrivateKey
	slots hostSlots
}

// Key returns the private key of our actor name and its public key in PEM, creating the
// pair on first use. The private key stays in this process: it is never logged, put in an
// error or sent.
func (s *Service) Key(ctx context.Context, name string) (*rsa.PrivateKey, string, error) {
	if k, ok := s.keys.Load(name); ok {
		pk := k.(*rsa.PrivateKey)
		return pk, httpsig.PublicPEM(&pk.PublicKey), nil
	}
	gen := s.GenerateKey
	if gen == nil {
		gen = generateKey
	}
	_, priv, err := s.Store.ActorKey(ctx, name, s.Now(), gen)
	if err != nil {
		return nil, "", err
	}
	b, _ := pem.Decode([]byte(priv))
	if b == nil {
		return nil, "", fmt.Errorf("activitypub: key of %s is not PEM", name)
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	pk, ok := k.(*rsa.PrivateKey)
	if err != nil || !ok {
		return nil, "", fmt.Errorf("activitypub: key of %s is not an RSA PKCS#8 key", name)
	}
	s.keys.Store(name, pk)
	return pk, httpsig.PublicPEM(&pk.PublicKey), nil
}

func generateKey() (pub, priv string, err error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	return httpsig.KeyPEM(k)
}

// Profile is how an actor presents itself; the web layer fills it from the site's settings
// and the author.
type Profile struct {
	Username, Name, Summary string
	URL                     string // the actor's page (home or author archive)
	IconURL, IconType       string
	Published               time.Time
}

// Actor is the document of our actor name on the site at base.
func (s *Service) Actor(ctx context.Context, st Site, name string, p Profile) (*Actor, error) {
	_, pub, err := s.Key(ctx, name)
	if err != nil {
		return nil, err
	}
	id := ActorID(st.Base, name)
	a := &Actor{Context: Context, ID: id, Type: "Person", PreferredUsername: p.Username, Name: p.Name, Summary: p.Summary,
		URL: ID(p.URL), Inbox: id + "/inbox", Outbox: id + "/outbox", Followers: id + "/followers",
		Following: id + "/following", Featured: id + "/featured",
		Endpoints:                 &Endpoints{SharedInbox: st.Base + SharedInboxPath},
		PublicKey:                 &PublicKey{ID: KeyID(st.Base, name), Owner: id, PublicKeyPem: pub},
		ManuallyApprovesFollowers: st.Settings.Federation.ApproveFollows, Discoverable: true, Published: At(p.Published)}
	if name == SiteActor {
		// WordPress's ActivityPub plugin presents the blog as a Group-like followable actor;
		// Service is what Mastodon shows as a bot-less "automated" account with the same
		// follow button, and is what Ghost uses.
		a.Type = "Service"
	}
	if p.IconURL != "" {
		a.Icon = Images{{Type: "Image", MediaType: p.IconType, URL: p.IconURL}}
	}
	return a, nil
}

// ErrOff is returned when federation is switched off.
var ErrOff = broadside.Errorf(broadside.ENOTFOUND, "Not found.")

// site loads the site and refuses when federation is off.
func (s *Service) site(ctx context.Context) (Site, error) {
	st, err := s.Site(ctx, nil)
	if err != nil {
		return st, err
	}
	if st.Settings.Federation.Off {
		return st, ErrOff
	}
	return st, nil
}

// actorExists is LocalActor with the author's existence checked.
func (s *Service) actorExists(ctx context.Context, st Site, id string) (string, bool) {
	name, ok := s.LocalActor(st, id)
	if ok && AuthorOf(name) != 0 && s.AuthorActive != nil && !s.AuthorActive(ctx, AuthorOf(name)) {
		return "", false
	}
	return name, ok
}

// LocalActor tells whether id is one of our actors that exists (the site actor, or an
// author actor when they are on) and returns its name.
func (s *Service) LocalActor(st Site, id string) (string, bool) {
	name, ok := strings.CutPrefix(id, st.Base+Prefix)
	if !ok {
		return "", false
	}
	if name == SiteActor {
		return name, true
	}
	if st.Settings.Federation.AuthorActors && AuthorOf(name) != 0 {
		return name, true
	}
	return "", false
}

// Followers counts the accepted followers of our actor name.
func (s *Service) Followers(ctx context.Context, name string) (int, error) {
	return s.Store.CountFollowers(ctx, name, broadside.FollowAccepted)
}

// Enabled returns the site when federation is on, and ENOTFOUND when it is off.
func (s *Service) Enabled(ctx context.Context) (Site, error) { return s.site(ctx) }
