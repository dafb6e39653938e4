package web

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wpapi"
)

// route is one row of the site's table: the requests it answers ("METHOD /path" as
// http.ServeMux reads it; "GET /?param" for a WordPress query-string address on the home page)
// and the wrapped handler that answers them.
type route struct {
	pattern string
	h       http.HandlerFunc
}

// anyMethod is every method the REST API answers. The API is registered per method because a
// method-less pattern would conflict with "GET /{path...}" in http.ServeMux.
const anyMethod = "GET|POST|PUT|PATCH|DELETE|OPTIONS"

// routeTable is the whole surface of the site, in one place. Every handler returns an error
// to the adapter that wraps it: pub (public pages and forms), cached (public GET pages kept in
// the page cache), open (admin pages reachable without signing in) or auth (admin pages for
// signed-in users; role checks happen in the handlers and again in the services). Only the
// REST API answers for itself (internal/wpapi has its own JSON error layer).
func (s *Server) routeTable() []route {
	pub, cached, open, auth := s.public, s.cached, s.adminOpen, s.adminAuth
	t := []route{
		{"GET /static/{file}", pub(s.static.serve)},
		{"GET /healthz", pub(s.handleHealth)},
		{"GET /readyz", pub(s.handleReady)},

		// Metrics (issue 11 goal 9, metrics.go): off unless a token is configured.
		{"GET /metrics", pub(s.handleMetrics)},

		// Public pages. Everything not under a fixed prefix (home, permalinks in the site's
		// structure, date archives, pages, /sitemap-posts-N.xml, POST-URL/feed/) is
		// handlePublic's, and ends in the 404 page (with the fallbacks below) when nothing
		// matches.
		{"GET /{path...}", cached(s.handlePublic)},
		{"GET /category/{path...}", cached(s.serveArchive("/category/", true, s.categoryArchive))},
		{"GET /tag/{path...}", cached(s.serveArchive("/tag/", false, s.tagArchive))},
		{"GET /author/{path...}", cached(s.serveArchive("/author/", false, s.authorArchive))},
		{"POST /comments", pub(s.handleCommentPost)},
		{"POST /wp-comments-post.php", pub(s.handleCommentPost)},
		{"POST /post-password", pub(s.handlePostPassword)},

		// Moderation at scale, the reader's side (comment_reader.go): reporting a comment, and
		// its author correcting it within the edit window (proven by their commenter key).
		{"POST /comments/report/{id}", pub(s.handleCommentReport)},
		{"GET /comments/edit/{id}", pub(s.handleAuthorEditForm)},
		{"POST /comments/edit/{id}", pub(s.handleAuthorEdit)},

		// Feeds. Feeds of archives and of a post's comments are recognised inside the archive
		// and permalink handlers (archiveFeed, postCommentsFeed).
		{"GET /feed/{kind...}", cached(s.handleSiteFeed)},
		{"GET /comments/feed/{kind...}", cached(s.handleCommentsFeed)},
		{"GET /?feed", pub(s.handleFeedQuery)},

		// Comment avatars Broadside draws itself (issue 13: no third party learns who
		// commented): addressed by a keyed hash, the same forever (avatar.go).
		{"GET /avatar/{file}", pub(s.handleAvatar)},

		// Search. Results depend on the query string, so the page cache never stores them.
		{"GET /search", pub(s.handleSearch)},
		{"GET /search/{terms...}", pub(s.handleSearchPath)},
		{"GET /?s", pub(s.handleSearch)},

		// robots.txt and the sitemaps.
		{"GET /robots.txt", cached(s.handleRobots)},
		{"GET /sitemap.xml", cached(s.handleSitemapIndex)},
		{"GET /sitemap-posts.xml", cached(s.handleSitemapPostsFirst)},
		{"GET /sitemap-pages.xml", cached(s.handleSitemapPages)},
		{"GET /sitemap-categories.xml", cached(s.handleSitemapCategories)},
		{"GET /sitemap-tags.xml", cached(s.handleSitemapTags)},

		// The WordPress-compatible REST API (internal/wpapi answers with JSON itself, never
		// page-cached), also on WordPress's fallback /?rest_route=/wp/v2/….
		{anyMethod + " " + wpapi.Prefix, s.api.ServeHTTP},
		{anyMethod + " " + wpapi.Prefix + "/", s.api.ServeHTTP},
		{"POST|PUT|PATCH|DELETE|OPTIONS /{$}", pub(s.handleRestRoute)},
		{"GET /?rest_route", pub(s.handleRestRoute)},

		// Readers' subscriptions: subscribing (double opt-in), signing in with a magic link,
		// unsubscribing (one click), comment notifications and the reader's profile. Emailed
		// links land on a page with a button (GET never changes anything: mail scanners follow
		// links); the button POSTs.
		{"GET /subscribe", pub(s.handleSubscribeSlash)},
		{"GET /subscribe/{$}", pub(s.handleSubscribeForm)},
		{"POST /subscribe", pub(s.handleSubscribe)},
		{"POST /subscribe/{$}", pub(s.handleSubscribe)},
		{"GET /subscribe/sent", pub(s.handleSubscribeSent)},
		{"GET /subscribe/confirm", pub(s.linkPage("confirm", "Confirm your subscription", "Yes, subscribe me", "/subscribe/confirm"))},
		{"POST /subscribe/confirm", pub(s.handleConfirm)},
		{"GET /subscribe/signin", pub(s.handleSignInForm)},
		{"POST /subscribe/signin", pub(s.handleSignIn)},
		{"GET /subscribe/signin/confirm", pub(s.linkPage("signin", "Sign in", "Sign in", "/subscribe/signin/confirm"))},
		{"POST /subscribe/signin/confirm", pub(s.handleSignInConfirm)},
		{"POST /subscribe/signout", pub(s.handleSignOut)},
		{"GET /subscribe/unsubscribe", pub(s.handleUnsubscribeForm)},
		{"POST /subscribe/unsubscribe", pub(s.handleUnsubscribe)},
		{"GET /subscribe/comments/confirm", pub(s.linkPage("comments", "Confirm comment notifications", "Yes, notify me", "/subscribe/comments/confirm"))},
		{"POST /subscribe/comments/confirm", pub(s.handleCommentsConfirm)},
		{"GET /subscribe/comments/stop", pub(s.linkPage("comments-off", "Stop comment notifications", "Stop notifications", "/subscribe/comments/stop"))},
		{"POST /subscribe/comments/stop", pub(s.handleCommentsStop)},
		{"GET /subscribe/profile", pub(s.handleReaderProfile)},
		{"POST /subscribe/profile", pub(s.handleReaderProfileSave)},
		{"POST /subscribe/profile/comments", pub(s.handleReaderStopComments)},
		{"POST /subscribe/profile/unsubscribe", pub(s.handleReaderUnsubscribe)},

		// The admin: signing in and setup.
		{"GET /admin", open(s.handleAdminSlash)},
		{"GET /admin/login", open(s.handleLoginForm)},
		{"POST /admin/login", open(s.handleLogin)},
		{"POST /admin/login/email", open(s.handleLoginLinkRequest)},
		{"GET /admin/login/link", open(s.handleLoginLinkPage)},
		{"POST /admin/login/link", open(s.handleLoginLink)},
		{"POST /admin/logout", open(s.handleLogout)},
		{"GET /admin/setup", open(s.handleSetupForm)},
		{"POST /admin/setup", open(s.handleSetup)},

		{"GET /admin/{$}", auth(s.handleDashboard)},
		// Anything else under /admin/ is an admin 404, after the sign-in check so the admin's
		// shape is not revealed to strangers.
		{"GET /admin/", auth(s.handleAdminNotFound)},

		{"GET /admin/posts", auth(s.handlePostList)},
		{"GET /admin/posts/new", auth(s.handlePostNew)},
		{"POST /admin/posts/new", auth(s.handlePostSave)},
		{"GET /admin/posts/{id}", auth(s.handlePostEdit)},
		{"POST /admin/posts/{id}", auth(s.handlePostSave)},
		{"GET /admin/posts/{id}/delete", auth(s.handlePostDeleteConfirm)},
		{"POST /admin/posts/{id}/delete", auth(s.handlePostDelete)},

		// Writing (issue 10): revisions, autosave, the trash, bulk actions and previews (the
		// editor's unsaved version as the public page is its action=preview; shared preview
		// links are signed, expire and are revoked here).
		{"GET /admin/posts/{id}/revisions", auth(s.handleRevisions)},
		{"POST /admin/posts/{id}/revisions/{rid}/restore", auth(s.handleRevisionRestore)},
		{"POST /admin/posts/new/autosave", auth(s.handleAutosave)},
		{"POST /admin/posts/{id}/autosave", auth(s.handleAutosave)},
		{"POST /admin/posts/{id}/trash", auth(s.handlePostTrash)},
		{"POST /admin/posts/{id}/restore", auth(s.handlePostRestore)},
		{"POST /admin/posts/bulk", auth(s.handlePostBulk)},
		{"POST /admin/posts/empty-trash", auth(s.handleEmptyTrash)},
		{"POST /admin/posts/{id}/preview-link", auth(s.handlePreviewShare)},
		{"POST /admin/posts/{id}/preview-link/revoke", auth(s.handlePreviewRevoke)},

		// Fediverse delivery status of a post (issue 14, admin_delivery.go): linked from the
		// post editor, administrators only.
		{"GET /admin/posts/{id}/delivery", auth(s.handlePostDelivery)},
		{"GET /preview/{token}", pub(s.handleSharedPreview)},

		{"GET /admin/comments", auth(s.handleCommentList)},
		{"POST /admin/comments/bulk", auth(s.handleCommentBulk)},
		{"GET /admin/comments/{id}", auth(s.handleCommentEdit)},
		{"POST /admin/comments/{id}", auth(s.handleCommentUpdate)},
		{"GET /admin/comments/{id}/reply", auth(s.handleCommentReplyForm)},
		{"POST /admin/comments/{id}/reply", auth(s.handleCommentReply)},
		{"POST /admin/comments/{id}/delete", auth(s.handleCommentDelete)},

		// Moderation at scale (admin_moderation.go): bans made from a queue row and listed,
		// added and lifted; Undo of the last bulk action; emptying the spam and the trash.
		{"POST /admin/comments/{id}/ban", auth(s.handleCommentBan)},
		{"GET /admin/comments/bans", auth(s.handleBanList)},
		{"POST /admin/comments/bans", auth(s.handleBanCreate)},
		{"POST /admin/comments/bans/{id}/delete", auth(s.handleBanDelete)},
		{"POST /admin/comments/undo", auth(s.handleCommentUndo)},
		{"GET /admin/comments/empty", auth(s.handleCommentEmptyConfirm)},
		{"POST /admin/comments/empty", auth(s.handleCommentEmpty)},

		{"GET /admin/categories", auth(s.handleCategoryList)},
		{"POST /admin/categories", auth(s.handleCategoryCreate)},
		{"GET /admin/categories/{id}", auth(s.handleCategoryEdit)},
		{"POST /admin/categories/{id}", auth(s.handleCategoryUpdate)},
		{"POST /admin/categories/{id}/delete", auth(s.handleCategoryDelete)},

		{"GET /admin/settings", auth(s.handleSettingsForm)},
		{"POST /admin/settings", auth(s.handleSettingsSave)},

		{"GET /admin/users", auth(s.handleUserList)},
		{"POST /admin/users", auth(s.handleUserCreate)},
		{"GET /admin/profile", auth(s.handleProfileForm)},
		{"POST /admin/profile", auth(s.handleProfileSave)},
		{"POST /admin/profile/app-passwords", auth(s.handleAppPasswordCreate)},
		{"POST /admin/profile/app-passwords/{uuid}/revoke", auth(s.handleAppPasswordRevoke)},

		// People (issue 10): editing, inviting, deactivating and deleting users; password
		// resets and invitations by emailed link; two-factor sign-in (the code step after the
		// first factor, and enrolment in the profile).
		{"POST /admin/users/invite", auth(s.handleUserInvite)},
		{"GET /admin/users/{id}", auth(s.handleUserEdit)},
		{"POST /admin/users/{id}", auth(s.handleUserUpdate)},
		{"POST /admin/users/{id}/deactivate", auth(s.handleUserDeactivate)},
		{"POST /admin/users/{id}/activate", auth(s.handleUserActivate)},
		{"GET /admin/users/{id}/delete", auth(s.handleUserDeleteConfirm)},
		{"POST /admin/users/{id}/delete", auth(s.handleUserDelete)},
		{"POST /admin/login/reset", open(s.handlePasswordResetRequest)},
		{"GET /admin/password", open(s.handlePasswordForm)},
		{"POST /admin/password", open(s.handlePasswordSet)},
		{"GET /admin/login/code", open(s.handleLoginCodeForm)},
		{"POST /admin/login/code", open(s.handleLoginCode)},
		{"GET " + twoFactorPath, auth(s.handleTwoFactorForm)},
		{"POST " + twoFactorPath, auth(s.handleTwoFactorConfirm)},
		{"POST " + twoFactorPath + "/disable", auth(s.handleTwoFactorDisable)},

		// Site identity (issue 10): logo, icon and the navigation menu.
		{"GET " + identityPath, auth(s.handleIdentityForm)},
		{"POST " + identityPath, auth(s.handleIdentityImages)},
		{"POST /admin/settings/menu", auth(s.handleMenuSave)},
		{"GET /manifest.webmanifest", pub(s.handleManifest)},

		// Subscribers and newsletters. Subscriber data is personal: only administrators see it.
		{"GET /admin/subscribers", auth(s.handleSubscriberList)},
		{"POST /admin/subscribers", auth(s.handleSubscriberAdd)},
		{"GET /admin/subscribers/export.csv", auth(s.handleSubscriberExport)},
		{"GET /admin/subscribers/import", auth(s.handleImportForm)},
		{"POST /admin/subscribers/import", auth(s.handleImportUpload)},
		{"POST /admin/subscribers/import/commit", auth(s.handleImportCommit)},
		{"GET /admin/subscribers/suspended", auth(s.handleSuspended)},
		{"POST /admin/subscribers/suspended/lift", auth(s.handleLiftSuspensions)},
		{"GET /admin/subscribers/{id}", auth(s.handleSubscriberShow)},
		{"GET /admin/subscribers/{id}/export.json", auth(s.handleSubscriberExportOne)},
		{"POST /admin/subscribers/{id}/status", auth(s.handleSubscriberStatus)},
		{"POST /admin/subscribers/{id}/delete", auth(s.handleSubscriberDelete)},
		{"GET /admin/newsletters/{id}", auth(s.handleNewsletterReport)},
		{"POST /admin/newsletters/{id}/resume", auth(s.handleNewsletterResume)},
	}
	if s.Federation != nil {
		// ActivityPub (activitypub_*.go): discovery, our actors and their collections, and
		// the inboxes. Posts, the home page and author pages answer as ActivityStreams on
		// their own URLs when asked (serveNegotiated, from the cached adapter). With
		// federation switched off in the settings every one of these answers 404.
		t = append(t, []route{
			{"GET /.well-known/webfinger", pub(s.handleWebFinger)},
			{"GET /.well-known/host-meta", pub(s.handleHostMeta)},
			{"GET /.well-known/nodeinfo", pub(s.handleNodeInfoLinks)},
			{"GET /nodeinfo/2.1", pub(s.handleNodeInfo)},
			{"GET /activitypub/{rest...}", pub(s.handleActivityPubGet)},
			// Replies go back (activitypub_comments.go): each approved comment is a Note at
			// its id, and posts and comments list their replies, so servers load threads.
			{"GET /activitypub/comments/{id}", pub(s.handleCommentObject)},
			{"GET /activitypub/comments/{id}/replies", pub(s.handleCommentReplies)},
			{"GET /activitypub/posts/{id}/replies", pub(s.handlePostReplies)},
			{"POST /activitypub/{rest...}", pub(s.handleInbox)},
			{"POST /inbox", pub(s.handleInbox)},
			// The admin's Federation area (admin_federation*.go): settings, followers and
			// follow requests, blocks.
			{"GET /admin/federation", auth(s.handleFederationForm)},
			{"POST /admin/federation", auth(s.handleFederationSave)},
			{"GET /admin/federation/followers", auth(s.handleFollowerList)},
			{"POST /admin/federation/followers/approve", auth(s.handleFollowerApprove)},
			{"POST /admin/federation/followers/remove", auth(s.handleFollowerRemove)},
			{"GET /admin/federation/blocks", auth(s.handleFedBlockList)},
			{"POST /admin/federation/blocks", auth(s.handleFedBlockCreate)},
			{"POST /admin/federation/blocks/{id}/delete", auth(s.handleFedBlockDelete)},

			// Fediverse likes and boosts of a post, listed for its editors (admin_reactions.go).
			{"GET /admin/posts/{id}/reactions", auth(s.handleReactions)},
		}...)
	}
	if s.Media != nil {
		// The media library, and the files under /wp-content/uploads/ (library files and those
		// a WordPress import copied), where WordPress served them, so old links keep working.
		t = append(t, []route{
			{"GET /admin/media", auth(s.handleMediaList)},
			{"POST " + mediaUploadPath, auth(s.handleMediaUpload)},
			{"GET /admin/media/{id}", auth(s.handleMediaEdit)},
			{"POST /admin/media/{id}", auth(s.handleMediaUpdate)},
			{"GET /admin/media/{id}/delete", auth(s.handleMediaDeleteConfirm)},
			{"POST /admin/media/{id}/delete", auth(s.handleMediaDelete)},
			{"GET /wp-content/uploads/{path...}", pub(s.handleUpload)},
		}...)
	}
	if s.WordPress == nil {
		return t
	}
	// WordPress: import and export in the admin, and everything that keeps a WordPress site's
	// old addresses working: its query-string links (and, before any 404, the
	// redirects the import recorded: see fallbacks).
	return append(t, []route{
		{"GET /admin/import", auth(s.handleWPImportForm)},
		{"POST " + importUploadPath, auth(s.handleWPImportUpload)},
		{"GET /admin/export", auth(s.handleWPExport)},
		{"GET /?p", pub(s.handleOldPostID)},
		{"GET /?page_id", pub(s.handleOldPostID)},
		{"GET /?attachment_id", pub(s.handleOldAttachment)},
		// Attachment pages: an imported attachment with comments and no post (attachment_page.go).
		{"GET /attachment/{id}/", pub(s.handleAttachmentPage)},
		{"GET /attachment/{id}/{cpage}/", pub(s.handleAttachmentPage)},
		{"GET /?cat", pub(s.handleOldCategory)},
		{"GET /?tag", pub(s.handleOldTag)},
		{"GET /?author", pub(s.handleOldAuthor)},
		{"GET /?m", pub(s.handleOldMonth)},
	}...)
}

// fallbackTable answers GET requests that would otherwise get the 404 page (every handler's
// "not found" goes through notFound): a fallback answers and returns true, or returns false to
// let the 404 through. WordPress's old addresses are answered this way.
func (s *Server) fallbackTable() []func(w http.ResponseWriter, r *http.Request) bool {
	if s.WordPress == nil {
		return nil
	}
	return []func(w http.ResponseWriter, r *http.Request) bool{s.oldAddress}
}

// routes registers the table. A query-string row serves one of WordPress's query-string URLs
// on the home page (/?p=ID, /?s=term …): the first row, in table order, whose parameter is
// present handles the request (handlePublic asks queryHandler).
func (s *Server) routes() http.Handler {
	s.api = s.newAPI()
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		methods, path, _ := strings.Cut(rt.pattern, " ")
		if param, ok := strings.CutPrefix(path, "/?"); ok {
			s.queries = append(s.queries, queryRoute{param: param, h: rt.h})
			continue
		}
		for _, m := range strings.Split(methods, "|") {
			mux.HandleFunc(m+" "+path, s.timed(m+" "+path, rt.h))
		}
	}
	s.fallbacks = s.fallbackTable()
	return mux
}

// handler answers a request and returns nil, or returns an error for its adapter to answer. A
// handler that must answer an error differently (a form shown again, JSON, a flash and a
// redirect) writes that answer itself and returns nil.
type handler func(w http.ResponseWriter, r *http.Request) error

// adminHandler is a handler that runs only for a signed-in user.
type adminHandler func(w http.ResponseWriter, r *http.Request, u *broadside.User) error

// public adapts a handler of the public site: an error becomes the error page (fail: the status
// from the error's code, the safe message to the reader, the cause logged with the request id).
func (s *Server) public(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	}
}

// queryRoute is a query-string row of the table.
type queryRoute struct {
	param string
	h     http.HandlerFunc
}

// queryHandler returns the handler for a home-page request with a query string, or nil.
func (s *Server) queryHandler(r *http.Request) http.HandlerFunc {
	q := r.URL.Query()
	for _, qr := range s.queries {
		if q.Has(qr.param) {
			return qr.h
		}
	}
	return nil
}

// GET /healthz
// Liveness: the process answers HTTP. It asks nothing of the database, so a database outage
// does not make an orchestrator restart every node at once (/readyz is for that).
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	plain(w, http.StatusOK, "ok\n")
	return nil
}

// GET /readyz
// Readiness, for load balancers: 200 when this node can serve (database reachable now,
// migrations current, invalidation listener connected), else 503 with the reason in one line.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) error {
	if s.Ready != nil {
		if err := s.Ready(r.Context()); err != nil {
			setRetryAfter(w, err)
			plain(w, http.StatusServiceUnavailable, "not ready: "+broadside.ErrorMessage(err)+"\n")
			return nil
		}
	}
	plain(w, http.StatusOK, "ready\n")
	return nil
}

// plain writes a short uncacheable text answer.
func plain(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// GET /subscribe
func (s *Server) handleSubscribeSlash(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/subscribe/", http.StatusMovedPermanently)
	return nil
}

// GET /admin
func (s *Server) handleAdminSlash(w http.ResponseWriter, r *http.Request) error {
	redirect(w, r, "/admin/")
	return nil
}

// GET /admin/{anything else}
func (s *Server) handleAdminNotFound(w http.ResponseWriter, r *http.Request, _ *broadside.User) error {
	return broadside.Errorf(broadside.ENOTFOUND, "There is no admin page at %s.", r.URL.Path)
}
