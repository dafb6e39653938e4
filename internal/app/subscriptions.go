package app

import (
	"context"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
	"github.com/broadside/broadside/internal/config"
	"github.com/broadside/broadside/internal/jobs"
	"github.com/broadside/broadside/internal/newsletter"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/sitemail"
	"github.com/broadside/broadside/internal/store"
	"github.com/broadside/broadside/internal/subscriptions"
)

// openMail wires email: the site's mailer when an SMTP server is configured (or a test passed
// a sender), the subscription and newsletter services, their jobs, and the hooks that make
// publishing a post queue its newsletter and approving a comment notify its subscribers.
// Without a mail server, held-comment notices go to the log and the subscription features
// say they are unavailable; nothing is queued that could not be sent.
func (a *App) openMail(ctx context.Context, cfg config.Config, opt Options) error {
	secret, err := a.Store.Secret(ctx, "subscriptions")
	if err != nil {
		return err
	}
	sender, bulk, err := mailSenders(cfg.SMTP, opt.Mailer, a.Now)
	if err != nil {
		return err
	}
	if a.Metrics != nil && sender != nil {
		sender, bulk = countedSender{sender, "transactional", a.Metrics}, countedSender{bulk, "bulk", a.Metrics}
	}
	var bulkMail *sitemail.Mailer
	if sender != nil {
		from := cfg.SMTP.From
		if from == "" {
			from = "broadside@localhost"
		}
		a.Mail = &sitemail.Mailer{Sender: sender, Settings: a.Settings.Load, Categories: a.Store.ListCategories,
			BaseURL: cfg.PublicURL(), From: from, Render: render.New(), Log: a.Log}
		m := *a.Mail
		m.Sender = bulk
		bulkMail = &m
	}
	a.Subscriptions = &subscriptions.Service{Store: a.Store, Mail: a.Mail, Links: subscriptions.Links{Secret: secret},
		Now: a.Now, Log: a.Log, Wake: a.Worker.Wake}
	a.Newsletter = &newsletter.Service{Store: a.Store, Mail: bulkMail, Subs: a.Subscriptions, Now: a.Now, Log: a.Log,
		Rate: cfg.SMTP.Rate, Connections: smtpConnections(cfg.SMTP), Slice: time.Minute,
		Batch: newsletter.InFlight(cfg.SMTP.Rate, smtpConnections(cfg.SMTP))}
	a.Posts.OnPublish = a.Newsletter.OnPublish
	a.Comments.Noticed = func(ctx context.Context, tx *store.Store, p *broadside.Post, c *broadside.Comment, in *comments.Submission) error {
		return a.Subscriptions.RecordCommentNotices(ctx, tx, subscriptions.CommentRequest{Post: p, Comment: c,
			AllComments: in.NotifyAll, Replies: in.NotifyReplies, Reader: in.Subscriber, IP: in.IP})
	}
	// Sign-in and confirmation links are transactional: someone is waiting for them. Mail to
	// many people runs in the bulk lane, so it can never hold them up.
	a.Worker.Handle(subscriptions.JobMail, a.Subscriptions.MailHandler())
	a.Worker.Handle(comments.JobApproved, a.Subscriptions.CommentNoticeHandler(), jobs.InLane(jobs.Bulk))
	a.Worker.HandleInterruptible(newsletter.JobSend, a.Newsletter.Handler(), jobs.InLane(jobs.Bulk))
	return nil
}
