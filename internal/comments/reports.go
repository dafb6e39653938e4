package comments

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// ReportStore is what the moderation queue needs to show reports.
type ReportStore interface {
	CommentReportTimes(ctx context.Context, ids []int64) (map[int64][]time.Time, error)
}

// Reports from one client network are limited site-wide (the shared sliding-window counters),
// so one person cannot take down a discussion by reporting everything in it.
const (
	reportWindow   = time.Hour
	reportsPerHour = 30
)

const msgReported = "Thank you. A moderator will look at this comment."

// Reportable reports whether readers may report c: reports are on, and c is a published
// comment by a visitor (the site's own users answer for theirs in Users, not to a count of
// anonymous reports). The post page shows the Report button by the same rule.
func Reportable(c *broadside.Comment, d broadside.Discussion) bool {
	return d.ReportThreshold > 0 && c != nil && c.Status == broadside.CommentApproved && c.UserID == 0
}

// ReportResult says what a report did.
type ReportResult struct {
	Reports int  // distinct readers who reported the comment
	Held    bool // this report sent the comment back to the moderation queue
}

// Report records a reader's report of an approved comment. No account is needed; the reader
// is known only by a keyed hash of their network (an IPv4 address or an IPv6 /64) and the
// comment, so one network reports a comment once and no address is stored. When
// Discussion.ReportThreshold readers have reported it, the comment goes back to the queue as
// pending with the reason "reported by N readers".
//
// stamp is the comment-form stamp of the page the report was sent from: like the comment form,
// a report must come from a page the site rendered (it is checked, not used up, since one page
// shows many comments).
func (s *Service) Report(ctx context.Context, commentID int64, ip, stamp string) (*ReportResult, error) {
	now := s.Now()
	set, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	limit := set.Discussion.ReportThreshold
	if limit <= 0 {
		return nil, broadside.Errorf(broadside.EFORBIDDEN, "Reports are turned off on this site.")
	}
	c, err := s.Store.CommentByID(ctx, commentID)
	if err != nil {
		return nil, err
	}
	post, err := s.Store.PostByID(ctx, c.PostID)
	if err != nil {
		return nil, err
	}
	if !Reportable(c, set.Discussion) || !post.IsPublic(now) {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "That comment cannot be reported.")
	}
	if _, why := s.checkStamp(post.ID, stamp, ip, now); why != "" {
		return nil, broadside.Errorf(broadside.EINVALID, "The report could not be sent from this page; reload the page and try again.")
	}
	net := network(ip)
	res := &ReportResult{}
	var refused error
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		refused = nil
		h, ok, err := tx.HitRateWithin(ctx, "report:"+net, reportWindow, now, reportsPerHour)
		if err != nil {
			return err
		}
		if !ok {
			refused = broadside.TooManyRequests(max(h.RetryAfter(reportsPerHour), time.Second), "You have sent many reports; please wait a while before sending more.")
			return nil
		}
		n, _, err := tx.AddCommentReport(ctx, c.ID, s.reporterKey(c.ID, net), now)
		if err != nil {
			return err
		}
		res.Reports = n
		if n < limit {
			return nil
		}
		res.Held = true
		if err := tx.SetCommentModeration(ctx, c.ID, broadside.CommentPending, fmt.Sprintf("reported by %d readers", n), []string{broadside.ReasonReported}); err != nil {
			return err
		}
		if err := s.federateStatus(ctx, tx, []*broadside.Comment{c}, broadside.CommentPending); err != nil {
			return err
		}
		if err := tx.NotifyChanged(ctx, broadside.CacheTagPost(c.PostID)); err != nil {
			return err
		}
		if set.Discussion.NotifyAuthor {
			return enqueueHeldNotice(ctx, tx, post.ID, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	s.Log.Info("comment reported", "comment_id", c.ID, "reports", res.Reports, "held", res.Held)
	if res.Held {
		s.changed()
		if s.Wake != nil {
			s.Wake()
		}
	}
	return res, nil
}

// Reports returns when readers reported each of ids, oldest first (those with none are
// absent).
func (s *Service) Reports(ctx context.Context, ids []int64) (map[int64][]time.Time, error) {
	return s.Store.CommentReportTimes(ctx, ids)
}

// reporterKey identifies one reader's report of one comment without storing their network:
// an HMAC under the comments secret, so the stored value cannot be reversed by trying every
// IPv4 address, and differs per comment, so reports cannot be linked across comments.
func (s *Service) reporterKey(commentID int64, net string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte("comment-report\x00" + strconv.FormatInt(commentID, 10) + "\x00" + net))
	return hex.EncodeToString(m.Sum(nil))
}

// ReportedMessage is what a reader sees after reporting.
func ReportedMessage() string { return msgReported }
