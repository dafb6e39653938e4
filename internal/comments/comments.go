// Package comments is the discussion workflow: accepting comments under the site's
// moderation and spam rules, building threads for display, and the moderation queue.
package comments

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/broadside/broadside"
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
	ListComments(ctx context.Context, f store.CommentFilter) ([]store.CommentRow, int, error)
	CommentCounts(ctx context.Context) (map[broadside.CommentStatus]int, error)
	HasApprovedComment(ctx context.Context, email, name string) (bool, error)
	DuplicateComment(ctx context.Context, postID int64, authorName, authorEmail, body string, parentID int64) (bool, error)
	FeedComments(ctx context.Context, postID int64, now time.Time, limit int) ([]broadside.Comment, error)
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

	limiters sync.Map // IP -> *ipLimiter
	group    groupCommit
}

// ipLimiter throttles one client. The limit lives in memory on purpose: it is checked on every
// comment POST, and a database counter would add a write per request to the hot path. With
// several nodes each enforces its own limit, which still bounds a flood.
type ipLimiter struct {
	mu   sync.Mutex
	lim  *rate.Limiter
	seen time.Time
	per  int
}

// Submission is a comment as it arrived from a form or the API.
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
	// Spam signals from the form: a filled honeypot field, and when the form was rendered
	// (from a signed field; zero when missing or forged).
	Honeypot   string
	FormLoaded time.Time
	// CheckTiming is false for API clients, which have no form to time.
	CheckTiming bool
}

// Result says what became of a submission.
type Result struct {
	Comment *broadside.Comment
	Verdict broadside.Verdict
	// Root is the top-level comment of the new comment's thread (the comment itself when it
	// is top-level): the comment page it appears on is the root's.
	Root *broadside.Comment
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
// rescued from the queue.
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
		AuthorIP: in.IP, UserAgent: truncate(in.UserAgent, 255), CreatedAt: now,
	}
	if in.User != nil {
		c.UserID = in.User.ID
		c.AuthorName = in.User.Name()
		c.AuthorEmail = in.User.Email
	}
	if err := c.Validate(d.RequireNameEmail && in.User == nil, d.MaxLength); err != nil {
		return nil, err
	}
	root, err := s.checkParent(ctx, c, d)
	if err != nil {
		return nil, err
	}
	if !s.allow(in.IP, d.RateLimitPerMinute, now) {
		s.Log.Warn("comment rate limited", "ip", in.IP, "post_id", post.ID)
		return nil, broadside.Errorf(broadside.ETOOMANYREQUEST, msgTooFast)
	}
	dup, err := s.Store.DuplicateComment(ctx, post.ID, c.AuthorName, c.AuthorEmail, c.RawBody, c.ParentID)
	if err != nil {
		return nil, err
	}
	if dup {
		return nil, broadside.Errorf(broadside.ECONFLICT, msgDuplicate)
	}

	v := s.verdict(ctx, in, c, d, now)
	c.Status = v.Status
	err = s.group.run(ctx, s.Store, func(tx *store.Store) error {
		c.ID = 0 // a shared transaction that failed may have set it before this retry
		if err := tx.CreateComment(ctx, c); err != nil {
			return err
		}
		if c.Status == broadside.CommentPending && d.NotifyAuthor {
			// The notification is a job in the same transaction: it is sent once mail is
			// configured, and a crash between the write and the send cannot lose it.
			return enqueueHeldNotice(ctx, tx, post.ID, now)
		}
		if c.Status == broadside.CommentApproved {
			return enqueueApproved(ctx, tx, now, c.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("comment received", "comment_id", c.ID, "post_id", post.ID, "status", c.Status, "reason", v.Reason, "ip", in.IP)
	if c.Status == broadside.CommentApproved && s.Changed != nil {
		s.Changed()
	}
	if c.Status != broadside.CommentSpam && s.Wake != nil {
		s.Wake()
	}
	if root == nil {
		root = c
	}
	return &Result{Comment: c, Verdict: v, Root: root}, nil
}

// verdict applies the spam signals, then the site's moderation rules.
func (s *Service) verdict(ctx context.Context, in Submission, c *broadside.Comment, d broadside.Discussion, now time.Time) broadside.Verdict {
	privileged := in.User != nil && in.User.CanModerate()
	if !privileged {
		if strings.TrimSpace(in.Honeypot) != "" {
			return broadside.Verdict{Status: broadside.CommentSpam, Reason: "filled the hidden honeypot field"}
		}
		if in.CheckTiming && in.User == nil {
			if in.FormLoaded.IsZero() {
				return broadside.Verdict{Status: broadside.CommentPending, Reason: "form timestamp missing or invalid"}
			}
			if el := now.Sub(in.FormLoaded); el < time.Duration(d.MinSubmitSeconds)*time.Second {
				return broadside.Verdict{Status: broadside.CommentSpam, Reason: fmt.Sprintf("submitted %.1fs after the page loaded (minimum %ds)", el.Seconds(), d.MinSubmitSeconds)}
			}
		}
	}
	prior := false
	if !privileged && d.ModerationMode == broadside.ModerateHoldUnlessPrior {
		var err error
		prior, err = s.Store.HasApprovedComment(ctx, c.AuthorEmail, c.AuthorName)
		if err != nil {
			s.Log.Error("prior approval lookup failed; holding comment", "err", err)
		}
	}
	return broadside.Moderate(broadside.ModerationInput{Comment: c, Discussion: d, AuthorHasApproved: prior, Privileged: privileged})
}

// checkParent rejects replies to comments that do not exist, are on another post, are not
// visible, or would nest deeper than the site allows.
func (s *Service) checkParent(ctx context.Context, c *broadside.Comment, d broadside.Discussion) (*broadside.Comment, error) {
	if c.ParentID == 0 {
		return nil, nil
	}
	bad := func(msg string) error {
		return &broadside.Error{Code: broadside.EINVALID, Message: msg, Fields: map[string]string{"comment_parent": msg}}
	}
	depth := 1
	id := c.ParentID
	var root *broadside.Comment
	for hops := 0; id != 0; hops++ {
		p, err := s.Store.CommentByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			if hops == 0 {
				return nil, bad("The comment you are replying to does not exist.")
			}
			break // an ancestor was deleted: its replies were re-parented, so stop here
		} else if err != nil {
			return nil, err
		}
		root = p
		if hops == 0 {
			if p.PostID != c.PostID {
				return nil, bad("The comment you are replying to belongs to another post.")
			}
			if p.Status != broadside.CommentApproved {
				return nil, bad("The comment you are replying to is not published.")
			}
		}
		depth++
		if depth > d.MaxDepth || hops > maxAncestors {
			return nil, bad(fmt.Sprintf("Replies can be nested at most %d levels deep; reply to an earlier comment in this thread instead.", d.MaxDepth))
		}
		id = p.ParentID
	}
	return root, nil
}

func (s *Service) allow(ip string, perMinute int, now time.Time) bool {
	if perMinute <= 0 {
		return true
	}
	v, _ := s.limiters.LoadOrStore(ip, &ipLimiter{})
	l := v.(*ipLimiter)
	l.mu.Lock()
	defer l.mu.Unlock()
	// The limiter is created lazily under the map's value so a setting change takes effect.
	if l.lim == nil || l.per != perMinute {
		l.lim = rate.NewLimiter(rate.Limit(float64(perMinute)/60), perMinute)
		l.per = perMinute
	}
	l.seen = now
	return l.lim.AllowN(now, 1)
}

// SweepLimiters forgets clients idle for longer than a minute, bounding memory under a
// flood from many addresses.
func (s *Service) SweepLimiters(now time.Time) {
	s.limiters.Range(func(k, v any) bool {
		l := v.(*ipLimiter)
		l.mu.Lock()
		idle := now.Sub(l.seen) > time.Minute
		l.mu.Unlock()
		if idle {
			s.limiters.Delete(k)
		}
		return true
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
