package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/mail"
)

func runMail(ctx context.Context, c *cmdContext, args []string) error {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(c.stderr, "usage: broadside mail test --to ADDRESS [--smtp-host HOST …]")
		return errUsage
	}
	return mailTest(ctx, c, args[1:])
}

// mailTest sends one message through the configured SMTP server and reports the server's
// answer, so a publisher can check their settings before the first newsletter.
func mailTest(ctx context.Context, c *cmdContext, args []string) error {
	var to string
	cfg, _, err := parse(c, "mail test", "broadside mail test --to ADDRESS [--smtp-host HOST] [--smtp-port N] [--smtp-tls starttls|tls|none] [--smtp-user USER] [--smtp-password-file FILE] [--smtp-from ADDRESS]", args, false,
		func(fs *flag.FlagSet) { fs.StringVar(&to, "to", "", "address to send the test message to (required)") })
	if err != nil {
		return err
	}
	to = strings.TrimSpace(to)
	if !broadside.ValidEmail(to) {
		fmt.Fprintln(c.stderr, "broadside mail test: --to must be an email address, like you@example.com")
		return errUsage
	}
	if !cfg.SMTP.Enabled() {
		return errors.New("no SMTP server is configured: set --smtp-host (or BROADSIDE_SMTP_HOST) and --smtp-from")
	}
	s, err := app.NewSMTPSender(cfg.SMTP, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	content := &mail.Content{
		Subject:  "Broadside test message",
		SiteName: "Broadside", SiteURL: cfg.PublicURL() + "/",
		Heading: "Your mail settings work",
		Paragraphs: []string{
			"This is a test message from broadside mail test. If you are reading it, Broadside can send " +
				"confirmation links, newsletters and comment notices through " + s.Addr() + ".",
			"Sent at " + time.Now().UTC().Format(time.RFC1123) + ".",
		},
	}
	msg, err := mail.Compose(to, content)
	if err != nil {
		return err
	}
	tls := cfg.SMTP.TLS
	fmt.Fprintf(c.stdout, "Sending a test message to %s through %s (%s", to, s.Addr(), tls)
	if cfg.SMTP.User != "" {
		fmt.Fprintf(c.stdout, ", as %s", cfg.SMTP.User)
	}
	fmt.Fprintln(c.stdout, ")…")
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	reply, err := s.Send(sctx, msg)
	if err != nil {
		var me *mail.Error
		if errors.As(err, &me) && me.Class == mail.ClassProtocol {
			return fmt.Errorf("could not talk to the mail server: %v", me.Err)
		}
		return fmt.Errorf("the mail server refused the message: %v", err)
	}
	fmt.Fprintf(c.stdout, "The server accepted it: %s\n", strings.TrimSpace(reply))
	return nil
}
