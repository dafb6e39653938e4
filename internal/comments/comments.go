// Package comments is the discussion workflow: accepting comments under the site's
// moderation and spam rules, building threads for display, and the moderation queue.
package comments

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/avatar"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/store"
)

// JobNotifyHeld tells a post's author that a comment awaits moderation.
const JobNotifyHeld = "notify_held_comment"

// JobApproved announces that a comment became visible (approved at once, by a moderator, or
// a moderator's reply); the subscriptions service notifies those who asked. Payload:
// Approved.
const JobApproved = "comment_approved"

// Approved is the payload of JobApproved.
type Approved struct {
	CommentID int64 `json:"comment_id"`
}

// enqueueApproved queues JobApproved for each comment in tx. The key makes a comment that is
// approved twice (unapproved in between) announced once per queueing; the handler also
// remembers who was told.
func enqueueApproved(ctx context.Context, tx *store.Store, now time.Time, ids ...int64) error {
	for _, id := range ids {
		if err := jobs.Enqueue(ctx, tx, JobApproved, fmt.Sprintf("approved:%d", id), now, Approved{CommentID: id}); err != nil {
			return err
		}
	}
	return nil
}

// Store is what the comments service needs from storage.
type Store interface {
	InTx(ctx context.Context, fn func(tx *store.Store) error) error
	PostByID(ctx context.Context, id int64) (*broadside.Post, error)
	CommentByID(ctx context.Context, id int64) (*broadside.Comment, error)
	UpdateComment(ctx context.Context, c *broadside.Comment) error
	SetCommentStatus(ctx context.Context, ids []int64, st broadside.CommentStatus) (int, error)
	DeleteComment(ctx context.Context, id int64) error
	ThreadComments(ctx context.Context, postID int64, statuses []broadside.CommentStatus, alsoIDs []int64) ([]broadside.Comment, error)
	ThreadShape(ctx context.Context, postID int64, alsoIDs []int64) ([]broadside.Comment, error)
	CommentShapes(ctx context.Context, postID int64, ids []int64) ([]broadside.Comment, error)
	DiscussionHasBackEdges(ctx context.Context, postID int64) (bool, error)
	DiscussionRootCount(ctx context.Context, postID int64) (int, error)
	DiscussionRoots(ctx context.Context, postID int64, newestFirst bool, offset, limit int) ([]int64, error)
	DiscussionThreads(ctx context.Context, postID int64, roots []int64) ([]broadside.Comment, error)
	ListComments(ctx context.Context, f broadside.CommentFilter) ([]broadside.CommentRow, int, error)
	RepliedComments(ctx context.Context, ids []int64, statuses ...broadside.CommentStatus) (map[int64]bool, error)
	CommentCounts(ctx context.Context) (map[broadside.CommentStatus]int, error)
	PostCommentCounts(ctx context.Context, postID int64) (map[broadside.CommentStatus]int, error)
	HasApprovedComment(ctx context.Context, email, name string) (bool, error)
	CommenterKeyApproved(ctx context.Context, keyHash, email string) (bool, error)
	UserHasApprovedComment(ctx context.Context, userID int64) (bool, error)
	RemoteActorApproved(ctx context.Context, actorID string) (bool, error)
	CommentByRemoteID(ctx context.Context, remoteID string) (*broadside.Comment, error)
	FeedComments(ctx context.Context, postID int64, now time.Time, limit int) ([]broadside.Comment, error)
	BanStore
	ReportStore
}

// Service accepts and moderates comments.
type Service struct {
	Store    Store
	Now      func() time.Time
	Log      *slog.Logger
	Settings func(ctx context.Context) (broadside.Settings, error)
	Changed  func()
	Wake     func()
	// PassKey checks the post page's proofs that a reader typed a post's password.
	PassKey broadside.PassKey
	// Secret signs comment-form stamps (at least 16 bytes; without it every stamp is
	// invalid and anonymous comments are held).
	Secret []byte
	// Avatars draws and chooses commenters' avatars (Avatar); nil keys generated avatars
	// with Secret.
	Avatars *avatar.Maker
	// Rand is the source of nonces and commenter keys; nil means crypto/rand.
	Rand io.Reader
	// Noticed records the notification boxes ticked with a comment (nil: none are recorded).
	Noticed NoticeRecorder
	// Federate runs in every transaction that changes a comment's status or text (federate.go);
	// nil: nothing federates.
	Federate Federator

	group  groupCommit
	shapes shapeCache
	roots  rootCounts // top-level threads per post, for SharedPage
}

// rateWindow is the span of the per-address comment limit (Discussion.RateLimitPerMinute).
const rateWindow = time.Minute

// Submission is a comment as it arrived from a form or the API. Every channel submits through
// Submit, which applies the same validation, access check, spam checks and moderation.
type Submission struct {
	PostID    int64
	ParentID  int64
	Author    string
	Email     string
	URL       string
	Body      string
	IP        string
	UserAgent string
	User      *broadside.User // signed-in author, or nil
	// Subscriber is the reader signed in with a magic link, or nil; PostPassword (typed with
	// this request) or PostPassProof (the post page's unlock cookie) is what the commenter
	// offers to prove they know a protected post's password. Submit checks them itself
	// (access.go): a channel passes on what it received, never a verdict. A channel that
	// passes a typed password bounds the guesses first (the REST API shares the post page's
	// throttle).
	Subscriber    *broadside.Subscriber
	PostPassword  string
	PostPassProof string
	// Post is the post being commented on when the caller already loaded it; Submit loads it
	// otherwise.
	Post *broadside.Post
	// Via is the channel (ViaForm, ViaAPI), for moderation reasons and logs.
	Via string
	// Spam signals: a filled honeypot field, and the stamp of the form (Stamp), which says
	// when it was rendered and is accepted once. An anonymous comment without a valid,
	// unused stamp (an API client, a forged or old form) is held for moderation.
	Honeypot string
	Stamp    string
	// CommenterKey is the secret from the commenter's cookie, which proves that this browser
	// wrote earlier comments; "" when it has none, and then a form submission is issued one
	// (Result.NewCommenterKey).
	CommenterKey string
	// NotifyAll and NotifyReplies are the form's "Notify me of new comments on this post" and
	// "… of replies to my comment": recorded with the comment, in its transaction, by the
	// Noticed hook, so a stored comment never loses the request and a refused one records none.
	NotifyAll, NotifyReplies bool
	// Remote is the fediverse account a reply came from (SubmitRemote), proven by the
	// signature the inbox verified; nil on every other channel. It takes the place of the
	// form's stamp and commenter key: its actor id is who the author is.
	Remote *RemoteAuthor
	// Status is the status a moderator asks for (the REST API's status): it is stored with
	// the comment, in its one write, when StatusBy may moderate; "" leaves it to the rules.
	Status broadside.CommentStatus
	// StatusBy is the signed-in user asking for Status. It is not User: a moderator may post
	// a comment under someone else's name (the REST API's author_name) and still set its
	// status, as WordPress allows.
	StatusBy *broadside.User
}

// moderatorStatus is the status asked for by a user who may moderate, or "".
func (in *Submission) moderatorStatus() broadside.CommentStatus {
	if in.StatusBy == nil || !in.StatusBy.CanModerate() {
		return ""
	}
	return in.Status
}

// NoticeRecorder records a commenter's notification request inside the transaction that
// stores their comment (the subscriptions service, wired by the app).
type NoticeRecorder func(ctx context.Context, tx *store.Store, post *broadside.Post, c *broadside.Comment, in *Submission) error

// Result says what became of a submission.
type Result struct {
	Comment *broadside.Comment
	Verdict broadside.Verdict
	// NewCommenterKey is the key issued to a browser that had none: the form keeps it in the
	// commenter's cookie, so that once a moderator approves this comment, their next ones
	// are published at once.
	NewCommenterKey string
}

// maxAncestors bounds the walk up a reply chain, so corrupt (cyclic) imported data cannot
// loop forever.
const maxAncestors = 64

// Messages shown to commenters; WordPress's wording where readers know it.
const (
	msgDuplicate = "Duplicate comment detected; it looks as though you've already said that!"
	msgTooFast   = "You are posting comments too quickly. Please wait a minute and try again."
	msgClosed    = "Comments are closed on this post."
)

// Submit validates, checks and stores a comment. Rejections (closed post, bad parent, flood,
// duplicate) write nothing; spam signals store the comment as spam so a false positive can be
// rescued from the queue; doubts (no proof of prior approval, a missing, expired or reused
// form stamp) hold it, so a reader never loses what they wrote. The duplicate check and the
// use of the stamp happen in the transaction that stores the comment, under a per-post lock,
// so identical comments sent at once are stored once and a stamp admits one comment.
func (s *Service) Submit(ctx context.Context, in Submission) (*Result, error) {
	now := s.Now()
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	d := set.Discussion
	post, err := in.Post, error(nil)
	if post == nil || post.ID != in.PostID {
		post, err = s.Store.PostByID(ctx, in.PostID)
	}
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "The post you are commenting on does not exist.")
	} else if err != nil {
		return nil, err
	}
	if err := s.mayComment(post, in, now); err != nil {
		return nil, err
	}
	if closed, why := broadside.CommentsClosed(post, d, now); closed {
		if why == "" {
			why = msgClosed
		}
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "%s", why)
	}

	c := &broadside.Comment{
		PostID: post.ID, ParentID: in.ParentID, Kind: broadside.KindComment,
		AuthorName: strings.TrimSpace(in.Author), AuthorEmail: strings.TrimSpace(in.Email),
		AuthorURL: strings.TrimSpace(in.URL), RawBody: strings.ReplaceAll(in.Body, "\r\n", "\n"),
		AuthorIP: in.IP, UserAgent: broadside.TruncateRunes(in.UserAgent, 255), CreatedAt: now,
	}
	if in.User != nil {
		c.UserID = in.User.ID
		c.AuthorName = in.User.Name()
		c.AuthorEmail = in.User.Email
	}
	var newKey string
	if in.User == nil && in.Via == ViaForm && commenterKeyHash(in.CommenterKey) == "" {
		newKey = s.newCommenterKey()
		in.CommenterKey = newKey
	}
	c.CommenterKeyHash = commenterKeyHash(in.CommenterKey)
	if r := in.Remote; r != nil {
		c.RemoteID, c.RemoteActor, c.RemoteHandle, c.AvatarURL = r.NoteID, r.Actor, r.Handle, r.AvatarURL
	}
	// A fediverse author has a name and no e-mail address to give: their account is who they are.
	if err := c.Validate(d.RequireNameEmail && in.User == nil && in.Remote == nil, d.MaxLength); err != nil {
		return nil, err
	}
	if in.Status != "" && !broadside.ValidCommentStatus(in.Status) {
		return nil, broadside.Errorf(broadside.EINVALID, "Unknown comment status %q.", in.Status)
	}
	if err := s.checkParent(ctx, c, d); err != nil {
		return nil, err
	}

	v, stamp := s.verdict(ctx, in, c, d, now, newKey != "")
	// refused is set when the comment is refused inside the transaction (rate limit,
	// duplicate). Such a write returns nil, not an error: it stored no comment, the comments
	// batched with it must still commit, and so must its count against the rate limit (a
	// duplicate counts as an attempt).
	var refused error
	// queued says whether this write queued a job that may be due now: only then is the
	// worker woken (a wake costs it a claim and a look at the queue, per comment under a
	// flood of held comments).
	queued := false
	err = s.group.run(ctx, s.Store, func(tx *store.Store, b *batch) error {
		// A shared transaction that failed may have changed these before this retry.
		c.ID, c.Status, c.ModerationReason, c.ModerationCodes, refused, queued = 0, v.Status, v.Reason, v.Codes, nil, false
		// The limit holds for the whole site, so it is counted in the database, and in this
		// transaction so it costs no commit of its own.
		wait, err := s.allow(ctx, tx, rateKey(in), d.RateLimitPerMinute, now)
		if err != nil {
			return err
		}
		if wait > 0 {
			s.Log.Warn("comment rate limited", "ip", in.IP, "post_id", post.ID)
			refused = broadside.TooManyRequests(wait, msgTooFast)
			return nil
		}
		if err := tx.LockPostComments(ctx, post.ID); err != nil {
			return err
		}
		dup, err := tx.DuplicateComment(ctx, post.ID, c.AuthorName, c.AuthorEmail, c.RawBody, c.ParentID)
		if err != nil {
			return err
		}
		if dup {
			refused = broadside.Errorf(broadside.ECONFLICT, msgDuplicate)
			return nil
		}
		if in.Remote != nil {
			if _, err := tx.CommentByRemoteID(ctx, c.RemoteID); err == nil {
				refused = broadside.Errorf(broadside.ECONFLICT, msgRemoteAgain)
				return nil
			} else if broadside.ErrorCode(err) != broadside.ENOTFOUND {
				return err
			}
		}
		if stamp.nonceHash != "" {
			fresh, err := tx.ConsumeCommentStamp(ctx, stamp.nonceHash, stamp.expires, now)
			if err != nil {
				return err
			}
			if !fresh && c.Status == broadside.CommentApproved {
				c.Status, c.ModerationReason = broadside.CommentPending, "form stamp already used (a replayed form, or a page shared by a cache)"
				c.ModerationCodes = []string{broadside.ReasonStampReused}
			}
		}
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if err := s.federate(ctx, tx, nil, c); err != nil {
			return err
		}
		// Only a reply federates (the Federator's rule); Noticed may queue a confirmation.
		queued = s.Federate != nil && c.ParentID != 0
		if s.Noticed != nil && (in.NotifyAll || in.NotifyReplies) && c.Status != broadside.CommentSpam {
			if err := s.Noticed(ctx, tx, post, c, &in); err != nil {
				return err
			}
			queued = true
		}
		// A moderator who holds their own comment has reviewed it: no one is told.
		if c.Status == broadside.CommentPending && d.NotifyAuthor && in.moderatorStatus() == "" && b.once(heldNoticeKey(post.ID, now)) {
			// No wake for it: the notice is due after its window closes, and an idle worker
			// looks at the queue at least every Poll.
			//
			// The notification is a job in the same transaction: it is sent once mail is
			// configured, and a crash between the write and the send cannot lose it. One
			// job covers the post's held comments of a window, so one per batch is enough.
			return enqueueHeldNotice(ctx, tx, post.ID, now)
		}
		if c.Status == broadside.CommentApproved {
			if err := tx.NotifyChanged(ctx, broadside.CacheTagPost(post.ID)); err != nil {
				return err
			}
			queued = true
			return enqueueApproved(ctx, tx, now, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	v = broadside.Verdict{Status: c.Status, Reason: c.ModerationReason, Codes: c.ModerationCodes}
	s.Log.Info("comment received", "comment_id", c.ID, "post_id", post.ID, "via", in.Via, "status", c.Status, "reason", v.Reason, "ip", in.IP)
	if c.Status == broadside.CommentApproved {
		s.changed()
	}
	if queued && s.Wake != nil {
		s.Wake()
	}
	return &Result{Comment: c, Verdict: v, NewCommenterKey: newKey}, nil
}

// verdict applies the spam signals, then the site's moderation rules. It returns the form
// stamp to use up when it was valid.
func (s *Service) verdict(ctx context.Context, in Submission, c *broadside.Comment, d broadside.Discussion, now time.Time, newKey bool) (broadside.Verdict, formStamp) {
	privileged := in.User != nil && in.User.CanModerate()
	var (
		stamp      formStamp
		stampWhy   string
		stampCodes []string
	)
	if !privileged {
		// A ban decides before anything else, on every channel, and says nothing to the
		// commenter: their comment goes where spam goes.
		if why := s.banned(ctx, c); why != "" {
			return broadside.Verdict{Status: broadside.CommentSpam, Reason: why, Codes: []string{broadside.ReasonBanned}}, stamp
		}
		if strings.TrimSpace(in.Honeypot) != "" {
			return broadside.Verdict{Status: broadside.CommentSpam, Reason: "filled the hidden honeypot field", Codes: []string{broadside.ReasonHoneypot}}, stamp
		}
		// A signed-in user is known by their account, a fediverse author by the signature
		// on their activity; anyone else must have loaded a form.
		if in.User == nil && in.Remote == nil {
			stamp, stampWhy = s.checkStamp(c.PostID, in.Stamp, in.IP, now)
			if el := now.Sub(stamp.loaded); stampWhy == "" && el < time.Duration(d.MinSubmitSeconds)*time.Second {
				return broadside.Verdict{Status: broadside.CommentSpam, Reason: fmt.Sprintf("submitted %.1fs after the page loaded (minimum %ds)", el.Seconds(), d.MinSubmitSeconds), Codes: []string{broadside.ReasonTooFast}}, stamp
			}
			if stampWhy != "" && in.Via == ViaAPI {
				stampWhy += " (sent through the API without signing in)"
				stampCodes = append(stampCodes, broadside.ReasonAnonymousAPI)
			}
		}
	}
	prior, unproven := false, ""
	if !privileged && d.ModerationMode == broadside.ModerateHoldUnlessPrior {
		prior, unproven = s.priorApproval(ctx, in, c, newKey)
	}
	v := broadside.Moderate(broadside.ModerationInput{Comment: c, Discussion: d, AuthorHasApproved: prior,
		UnprovenReason: unproven, Privileged: privileged})
	// Without a valid stamp nothing is published at once, but disallowed words still make spam.
	if stampWhy != "" && v.Status != broadside.CommentSpam {
		if v.Status == broadside.CommentPending && v.Reason != "" {
			stampWhy += "; " + v.Reason // both matter to a moderator
		}
		codes := []string{broadside.ReasonNoStamp}
		codes = append(codes, stampCodes...)
		if v.Status == broadside.CommentPending {
			codes = append(codes, v.Codes...)
		}
		v = broadside.Verdict{Status: broadside.CommentPending, Reason: stampWhy, Codes: codes}
	}
	if st := in.moderatorStatus(); st != "" {
		// A moderator's own choice, for the same reason, and last: a moderator posting under
		// a reader's name loaded no form, and their account proves them.
		v.Status = st
	}
	return v, stamp
}

// checkParent rejects replies to comments that do not exist, are on another post, are not
// visible, or would nest deeper than the site allows.
func (s *Service) checkParent(ctx context.Context, c *broadside.Comment, d broadside.Discussion) error {
	if c.ParentID == 0 {
		return nil
	}
	bad := func(msg string) error {
		return &broadside.Error{Code: broadside.EINVALID, Message: msg, Fields: map[string]string{"comment_parent": msg}}
	}
	depth := 1
	id := c.ParentID
	for hops := 0; id != 0; hops++ {
		p, err := s.Store.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			if hops == 0 {
				return bad("The comment you are replying to does not exist.")
			}
			break // an ancestor was deleted: its replies were re-parented, so stop here
		} else if err != nil {
			return err
		}
		if hops == 0 {
			if p.PostID != c.PostID {
				return bad("The comment you are replying to belongs to another post.")
			}
			if p.Status != broadside.CommentApproved {
				return bad("The comment you are replying to is not published.")
			}
		}
		depth++
		if depth > d.MaxDepth || hops > maxAncestors {
			return bad(fmt.Sprintf("Replies can be nested at most %d levels deep; reply to an earlier comment in this thread instead.", d.MaxDepth))
		}
		id = p.ParentID
	}
	return nil
}

// rateKey names whom the per-minute comment limit counts: the client's address, or for a
// fediverse reply (which comes from the remote server's address) the remote account.
func rateKey(in Submission) string {
	if in.Remote != nil {
		return "comment-remote:" + in.Remote.Actor
	}
	return "comment-ip:" + in.IP
}

// allow counts a comment by key (rateKey) against the site-wide limit per minute, in tx. It
// returns how long the client must wait when it is over the limit, else 0.
func (s *Service) allow(ctx context.Context, tx *store.Store, key string, perMinute int, now time.Time) (time.Duration, error) {
	if perMinute <= 0 {
		return 0, nil
	}
	h, ok, err := tx.HitRateWithin(ctx, key, rateWindow, now, perMinute)
	if err != nil || ok {
		return 0, err
	}
	return max(h.RetryAfter(perMinute), time.Second), nil
}
