// Package app wires Broadside together: it opens the store, builds the services and the web
// handler, and runs the background workers. The CLI and the tests both start the site
// through it, so tests exercise exactly what users run.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
	"github.com/broadside/broadside/internal/audience"
	"github.com/broadside/broadside/internal/auth"
	"github.com/broadside/broadside/internal/avatar"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/limits"
	"github.com/broadside/broadside/internal/mail"
	"github.com/broadside/broadside/internal/media"
	"github.com/broadside/broadside/internal/metrics"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/search"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/subscriptions"
	"github.com/broadside/broadside/internal/web"
)

// App is a wired Broadside site.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	Now      func() time.Time
	Store    *store.Store
	Posts    *posts.Service
	Comments *comments.Service
	Search   *search.Service
	// WordPress imports and exports WXR files (internal/importer).
	WordPress *importer.Service
	Auth      *auth.Service
	// AppPasswords are the REST API's credentials (Application Passwords).
	AppPasswords *auth.AppPasswords
	Settings     *SettingsService
	Users        *UserService
	Worker       *jobs.Worker
	// Mail sends the site's email; nil when no SMTP server is configured (subscriptions.go).
	Mail          *sitemail.Mailer
	Subscriptions *subscriptions.Service
	Newsletter    *newsletter.Service
	Cache         *web.PageCache
	// Metrics is what GET /metrics reports; nil (no token configured) leaves it out.
	Metrics *metrics.Registry
	Web     *web.Server
	// Media is the media library; its files live in the data directory's uploads/, next to
	// the files an import copied (internal/media).
	Media *media.Service
	// Limits are the site-wide API and federation delivery limits (internal/limits).
	Limits *limits.Service
	// Audience counts page views in memory; housekeeping adds them to the database.
	Audience *audience.Counter
	// Federation is the site's ActivityPub presence and delivery (internal/activitypub).
	Federation *activitypub.Service

	changed    func()
	purgeLocal func(tags []string)
	node       string
	listener   listenerState
	// listening is closed once the invalidation listener first connects; Serve waits for it
	// so a node never serves pages it would not know to purge.
	listening     chan struct{}
	listeningOnce sync.Once
	// beforeListen, when set (tests), runs before the listener connects, to delay it.
	beforeListen func()
}

// inboxPerHostPerMinute bounds the activities one remote server may post to our inboxes: a
// busy instance sends a few a minute per followed site; a flood is refused with 429, which
// servers retry later.
const inboxPerHostPerMinute = 300

func newNodeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Changed drops every cached copy of settings and pages; call it after writing to the store
// directly (imports, fixtures).
func (a *App) Changed() { a.changed() }

// Options adjust an App for tests; the zero value is what serve uses.
type Options struct {
	Now      func() time.Time
	Notifier comments.Notifier
	NoCache  bool
	// Mailer replaces the SMTP sender built from the configuration (tests).
	Mailer mail.Sender
	// GenerateKey replaces the generation of the federation actors' RSA keys (tests, which
	// pass aptest.NewKeyPEM: keys of the production size, generated ahead of time).
	GenerateKey func() (pub, priv string, err error)
}

// Open opens (and migrates) the database and wires every service.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opt Options) (*App, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	st, err := store.Open(ctx, cfg.DSN())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", redactDSN(cfg.DSN()), err)
	}
	if err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	secret, err := st.Secret(ctx, "web")
	if err != nil {
		st.Close()
		return nil, err
	}
	passKey, err := st.Secret(ctx, "postpass")
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Now: now, Store: st, listening: make(chan struct{})}
	a.Settings = &SettingsService{Store: st, Log: log, Now: now}
	a.Users = &UserService{Store: st}
	a.Worker = jobs.NewWorker(st, log, now)
	if !opt.NoCache && cfg.Limits.PageCacheMiB > 0 {
		a.Cache = web.NewPageCache(30*time.Second, cfg.Limits.PageCacheMiB<<20, now)
	}
	if cfg.MetricsToken != "" {
		a.Metrics = metrics.New()
		a.Metrics.Source, a.Metrics.Lanes, a.Metrics.Now = st, a.Worker.LaneOf, now
		if a.Cache != nil {
			a.Metrics.Cache = a.Cache.Counts
		}
	}
	a.node = newNodeID()
	st.AnnounceAs(a.node)
	// purge drops what this node keeps of what a change touched: the pages with these cache
	// tags (all of them for nil) and the settings.
	purge := func(tags []string) {
		a.Settings.forget()
		if a.Comments != nil {
			a.Comments.Forget() // the thread shapes it keeps for "which comment page"
		}
		if a.Cache != nil {
			a.Cache.Purge(tags...)
		}
	}
	a.purgeLocal = purge
	// The services announce their changes, with the cache tags of what they touched, inside
	// their writing transactions (store.NotifyChanged): this node purges once the transaction
	// commits (OnChanged), the others when they hear it (listenForChanges). So the services'
	// hooks after the commit have nothing left to purge; a purge of everything there would
	// undo the targeted purge.
	st.OnChanged(purge)
	changed := func() {}
	a.changed = func() {
		purge(nil)
		// Direct writes (fixtures) had no transaction to announce them.
		if err := st.Notify(context.Background(), store.ChangedChannel, a.node); err != nil {
			log.Warn("could not tell other nodes about a change; their caches expire within 30s", "err", err)
		}
	}
	a.Settings.Changed = changed
	a.Auth = &auth.Service{Store: st, Now: now, Log: log, Changed: changed}
	a.AppPasswords = &auth.AppPasswords{Store: st, Now: now, Log: log}
	a.Posts = &posts.Service{Store: st, Now: now, Log: log, Changed: changed, Wake: a.Worker.Wake, Media: st}
	commentSecret, err := st.Secret(ctx, "comments") // signs comment-form stamps
	if err != nil {
		st.Close()
		return nil, err
	}
	avatarSecret, err := st.Secret(ctx, "avatars") // keys the hash generated avatars are addressed by
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Comments = &comments.Service{Store: st, Now: now, Log: log, Settings: a.Settings.Load, Changed: changed, Wake: a.Worker.Wake,
		PassKey: passKey, Secret: commentSecret, Avatars: &avatar.Maker{Secret: avatarSecret}}

	if err := a.openMail(ctx, cfg, opt); err != nil {
		st.Close()
		return nil, err
	}
	notifier := opt.Notifier
	if notifier == nil && a.Mail != nil {
		notifier = a.Mail
	}
	if notifier == nil {
		notifier = logNotifier{log: log}
	}
	a.Worker.Handle(posts.JobPublishDue, func(ctx context.Context, _ []byte) error { return a.Posts.PublishDue(ctx) })
	a.Worker.Handle(posts.JobPurgeTrash, func(ctx context.Context, _ []byte) error { _, err := a.Posts.PurgeTrash(ctx); return err })
	a.Worker.Handle(comments.JobNotifyHeld, a.Comments.HeldNoticeHandler(notifier))
	a.Auth.Mail, a.Auth.Wake = a.Mail, a.Worker.Wake
	a.Worker.Handle(auth.JobSignInLink, a.Auth.SignInLinkHandler())

	a.Limits = &limits.Service{Store: st, Now: now,
		API:          limits.PerMinute(cfg.Limits.APIPerMinute),
		APIAnonymous: limits.PerMinute(cfg.Limits.APIAnonPerMinute),
		Delivery:     limits.PerMinute(cfg.Limits.DeliveriesPerHostPerMinute)}
	rend := render.New()
	a.Search = &search.Service{Store: st, Render: rend, Now: now}
	if err := a.wireSearch(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	a.WordPress = &importer.Service{Store: st, Now: now, Log: log, Changed: changed, Wake: a.Worker.Wake,
		BaseURL:        cfg.PublicURL(),
		RenderMarkdown: func(md string) string { return string(rend.Post(render.FormatMarkdown, md)) }}
	storage, err := openMediaStorage(ctx, cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Media = &media.Service{Store: st, Storage: storage, Now: now, Log: log, Changed: changed,
		MaxSize: int64(cfg.Limits.MediaUploadMiB) << 20, Settings: a.Settings.Load, Wake: a.Worker.Wake}
	a.Worker.Handle(media.JobProcess, a.Media.ProcessHandler(), jobs.InLane(media.Lane))
	a.WordPress.Media = a.Media
	a.WordPress.ProcessMedia = func(ctx context.Context, tx *store.Store, m *broadside.Media) error {
		return media.EnqueueProcess(ctx, tx, m.ID, now())
	}
	a.Audience = audience.New(st, now)
	a.Limits.Inbox = limits.PerMinute(inboxPerHostPerMinute)
	a.Federation = &activitypub.Service{Store: st, Log: log, Now: now, Client: activitypub.NewClient(cfg.FederationAllowPrivate),
		HostConcurrency: cfg.Limits.DeliveriesPerHostInFlight, GenerateKey: opt.GenerateKey, DeadAfter: time.Duration(cfg.Limits.FederationDeadAfterDays) * 24 * time.Hour,
		Limits: a.Limits, Wake: a.Worker.Wake, Site: func(ctx context.Context, tx *store.Store) (activitypub.Site, error) {
			set, err := a.Settings.LoadIn(ctx, tx)
			return activitypub.Site{Base: set.PublicURL(cfg.PublicURL()), Settings: set}, err
		}}
	// Deliveries have a lane of their own, so a post fanned out to thousands of inboxes never
	// delays sign-in mail or scheduled publishing. They mostly wait on the network, so the
	// lane runs more of them than the CPU-bound lanes; the per-host cap keeps a slow server
	// to a few of them.
	a.Worker.Handle(activitypub.JobDeliver, a.Federation.Deliver, jobs.InLane(activitypub.Lane))
	a.Worker.Capacity[activitypub.Lane] = DeliveryWorkers
	var wm web.Metrics // a nil *Registry must not become a non-nil interface
	if a.Metrics != nil {
		wm = a.Metrics
	}
	ws, err := web.New(web.Deps{
		Log: log, Now: now, Posts: a.Posts, Comments: a.Comments, Search: a.Search, Auth: a.Auth, AppPasswords: a.AppPasswords,
		Settings: a.Settings, Users: a.Users, Render: rend, WordPress: a.WordPress,
		BaseURL: cfg.PublicURL(), Secret: secret, PassKey: passKey, TrustedProxies: cfg.TrustedProxies, Cache: a.Cache,
		MaxImportUpload: int64(cfg.Limits.ImportUploadMiB) << 20, Ready: a.Ready,
		Subscriptions: a.Subscriptions, Newsletter: a.Newsletter, Media: a.Media, Limits: a.Limits, Audience: a.Audience,
		Federation: a.Federation,
		Metrics:    wm, MetricsToken: cfg.MetricsToken.Reveal(),
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Web = ws
	// Posts federate as the web serves them: one permalink, one rendering, one access rule.
	a.Federation.PostObject = ws.FederationObject
	a.Federation.PostURL = func(ctx context.Context, tx *store.Store, st activitypub.Site, p *broadside.Post) (string, error) {
		var cats []broadside.Category
		if len(p.Categories) > 0 { // only a post's first category can be in its permalink
			var err error
			if cats, err = tx.ListCategories(ctx); err != nil { // in the transaction that may have changed them
				return "", err
			}
		}
		return ws.Permalink(st.Settings, cats, p), nil
	}
	a.Federation.AuthorActive = ws.AuthorActive
	// Fediverse replies become comments through the one moderation path.
	a.Federation.PostAt, a.Federation.Replies = ws.PostAt, a.Comments
	a.Posts.Federate = a.Federation.PostChanged
	a.Worker.Handle(activitypub.JobPost, a.Federation.FanOut, jobs.InLane(activitypub.Lane))
	// Replies go back: a web comment answering a fediverse comment is sent to its author, as
	// the web serves it at its id.
	a.Federation.CommentObject = ws.FederationComment
	a.Comments.Federate = a.Federation.CommentChanged
	a.Worker.Handle(activitypub.JobReply, a.Federation.SendReply, jobs.InLane(activitypub.Lane))
	return a, nil
}

// DeliveryWorkers is how many federation deliveries a node runs at once.
const DeliveryWorkers = 8

// Close releases the database.
func (a *App) Close() error { return a.Store.Close() }

// RunBackground starts the job worker and housekeeping; it returns when ctx ends and both
// have stopped.
func (a *App) RunBackground(ctx context.Context) {
	// Posts that came due while the site was down go live now.
	if err := a.Posts.PublishDue(ctx); err != nil {
		a.Log.Error("publishing due posts at startup", "err", err)
	}
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); a.Worker.Run(ctx) }()
	go func() { defer wg.Done(); a.housekeeping(ctx) }()
	go func() { defer wg.Done(); a.listenForChanges(ctx) }()
	wg.Wait()
	// The views counted since the last minute's flush are written before the node stops.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := a.Audience.Flush(fctx); err != nil {
		a.Log.Warn("page view counts lost at shutdown", "err", err)
	}
}

// listenForChanges purges this node's caches when another node changes something.
func (a *App) listenForChanges(ctx context.Context) {
	if a.beforeListen != nil {
		a.beforeListen()
	}
	_ = a.Store.Listen(ctx, store.ChangedChannel, func(payload string) {
		if from, tags := store.ParseChange(payload); from != a.node {
			a.purgeLocal(tags)
		}
	}, func() { a.purgeLocal(nil) }, func(connected bool, err error) {
		was, _ := a.listener.get()
		a.listener.set(connected, err)
		if connected {
			a.listeningOnce.Do(func() { close(a.listening) })
		}
		switch {
		case connected && !was:
			a.Log.Info("listening for other nodes' changes")
		case !connected:
			a.Log.Warn("not hearing other nodes' changes (cache invalidations); retrying", "err", err)
		}
	})
}

func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			now := a.Now()
			if _, err := a.Store.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
				a.Log.Warn("expired session cleanup failed", "err", err)
			}
			if _, err := a.Store.DeleteExpiredReaderSessions(ctx, now); err != nil && ctx.Err() == nil {
				a.Log.Warn("expired reader session cleanup failed", "err", err)
			}
			// Sign-ups never confirmed within 30 days are forgotten (GDPR: no consent, no data).
			if _, err := a.Store.PurgeUnconfirmed(ctx, now.Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
				a.Log.Warn("unconfirmed subscriber cleanup failed", "err", err)
			}
			if err := a.Store.PurgeRates(ctx, now.Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				a.Log.Warn("rate counter cleanup failed", "err", err)
			}
			if err := a.Store.PurgeCommentStamps(ctx, now); err != nil && ctx.Err() == nil {
				a.Log.Warn("comment stamp cleanup failed", "err", err)
			}
			// The trash is purged by a job (one node runs it), enqueued once a day.
			if err := a.Posts.EnqueuePurge(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("enqueueing the trash purge failed", "err", err)
			}
			// Walking the uploads tree is not free on a large site: once an hour is plenty.
			if now.Sub(swept) >= time.Hour {
				swept = now
				a.sweepMediaTemp(ctx, now)
				// A delivery row per follower per post: a whole-table scan, so hourly too.
				if _, err := a.Federation.PurgeDeliveries(ctx); err != nil && ctx.Err() == nil {
					a.Log.Warn("old delivery status cleanup failed", "err", err)
				}
			}
			// Page views: this node's counts of the last minute are added to every node's.
			if err := a.Audience.Flush(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("page view counts not written; kept for the next minute", "err", err)
			}
			if err := a.Audience.Purge(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("old page view cleanup failed", "err", err)
			}
		}
	}
}

// Serve listens on ln until ctx ends, then stops accepting, lets in-flight requests finish
// (up to the shutdown timeout) and stops the workers. Nothing acknowledged is lost: every
// comment or post is committed before its response is written.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := web.NewFastServer(a.httpServer(), a.Web) // cached pages at the connection (fastpath.go)
	ln = web.LimitConnsPerAddress(web.CoalesceWrites(ln), a.Config.Limits.ConnsPerIP, a.Config.TrustedProxies, a.Log)
	bgCtx, stopBG := context.WithCancel(context.WithoutCancel(ctx))
	bgDone := make(chan struct{})
	go func() { defer close(bgDone); a.RunBackground(bgCtx) }()
	a.awaitListener(ctx)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
		a.Log.Info("shutting down: finishing in-flight requests", "timeout", a.Config.ShutdownTimeout)
		sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		if err := srv.Shutdown(sctx); err != nil {
			a.Log.Error("shutdown did not finish in time", "err", err)
			serveErr = err
		}
		cancel()
		<-errc
	}
	stopBG()
	<-bgDone
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// listenerStartWait bounds how long Serve waits for the invalidation listener at startup. A
// database that cannot take one more connection should not keep the node from answering
// /healthz for ever; /readyz keeps the balancer away until the listener connects.
const listenerStartWait = 15 * time.Second

// awaitListener holds the start of serving until this node hears other nodes' changes (on
// PostgreSQL): a page rendered and cached before LISTEN would not be purged by a change
// announced in between, and would be served stale for the cache's lifetime.
func (a *App) awaitListener(ctx context.Context) {
	if a.Store.Dialect() != store.DialectPostgres {
		return
	}
	t := time.NewTimer(listenerStartWait)
	defer t.Stop()
	select {
	case <-a.listening:
	case <-ctx.Done():
	case <-t.C:
		a.Log.Warn("serving before the invalidation listener connected; /readyz says not ready until it does",
			"waited", listenerStartWait)
	}
}

// httpServer bounds what one connection may cost: headers must arrive within 10 s and stay
// under 64 KiB, a request must be read within a minute (the admin's import upload extends
// its own deadline), and an idle keep-alive connection is closed after two minutes. The
// listener caps connections per address (Serve).
func (a *App) httpServer() *http.Server {
	return &http.Server{
		Handler:           a.Web,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
		ConnContext:       web.ConnContext,
	}
}

// logNotifier stands in for mail until an SMTP server is configured: the notice goes to the
// log, so the publisher still sees held comments when they look.
type logNotifier struct{ log *slog.Logger }

func (n logNotifier) HeldComment(ctx context.Context, p *broadside.Post, c *broadside.Comment) error {
	n.log.Info("comment awaiting moderation (mail not configured, so the author was not emailed)",
		"post_id", p.ID, "post_title", p.Title, "comment_id", c.ID, "author", c.AuthorName)
	return nil
}
