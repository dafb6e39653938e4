package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
)

func runUser(ctx context.Context, c *cmdContext, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, "usage: broadside user add --email EMAIL [--role admin|editor|author] [--name NAME] [--password-stdin]\n       broadside user list\n       broadside user app-password --email EMAIL --name NAME")
		return errUsage
	}
	switch args[0] {
	case "add":
		return userAdd(ctx, c, args[1:])
	case "list":
		return userList(ctx, c, args[1:])
	case "app-password":
		return userAppPassword(ctx, c, args[1:])
	}
	fmt.Fprintf(c.stderr, "broadside user: unknown subcommand %q (use add, list or app-password)\n", args[0])
	return errUsage
}

func userAdd(ctx context.Context, c *cmdContext, args []string) error {
	var email, role, name, login string
	var fromStdin bool
	cfg, _, err := parse(c, "user add", "broadside user add --email EMAIL [--role admin|editor|author] [--name NAME] [--login LOGIN] [--password-stdin]", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address used to sign in (required)")
		fs.StringVar(&role, "role", "admin", "role: admin, editor or author")
		fs.StringVar(&name, "name", "", "display name shown on posts")
		fs.StringVar(&login, "login", "", "short name for the author archive URL (default: from the email)")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input instead of prompting")
	})
	if err != nil {
		return err
	}
	if email == "" {
		fmt.Fprintln(c.stderr, "broadside user add: --email is required")
		return errUsage
	}
	if !broadside.ValidRole(broadside.Role(role)) {
		fmt.Fprintf(c.stderr, "broadside user add: --role %q must be admin, editor or author\n", role)
		return errUsage
	}
	pw, err := readPassword(c, fromStdin)
	if err != nil {
		return err
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u := &broadside.User{Email: email, Role: broadside.Role(role), DisplayName: name, Login: login}
	if err := a.Auth.CreateUser(ctx, u, pw); err != nil {
		if broadside.ErrorCode(err) == broadside.ECONFLICT && strings.Contains(broadside.ErrorMessage(err), "login") && !emailTaken(ctx, a, u.Email) {
			// Typically admin@… meeting an author "admin" an import brought in: the login
			// comes from the email unless given, so say how to choose another one.
			return fmt.Errorf("another user already has the login %q (an imported author?); pass --login with a different short name, e.g. --login %s-2", u.Login, u.Login)
		}
		return describe(err)
	}
	base := cfg.PublicURL()
	if set, err := a.Settings.Load(ctx); err == nil {
		base = set.PublicURL(base) // the address pages and e-mails use
	}
	fmt.Fprintf(c.stdout, "Created %s %s (login %q). Sign in at %s/admin/\n", u.Role, u.Email, u.Login, base)
	return nil
}

// emailTaken reports whether a user already has email (then that, not the login, is the
// problem to report).
func emailTaken(ctx context.Context, a *app.App, email string) bool {
	_, err := a.Store.UserByEmail(ctx, email)
	return err == nil
}

// readPassword takes the password from stdin (one line) or prompts twice without echo.
func readPassword(c *cmdContext, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(c.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return "", errors.New("no password on standard input; pipe one in, e.g. echo 'long secret' | broadside user add --email … --password-stdin")
		}
		return pw, nil
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errors.New("standard input is not a terminal: pass --password-stdin and pipe the password in")
	}
	fmt.Fprint(c.stderr, "Password (10 characters or more): ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	if err != nil {
		return "", err
	}
	fmt.Fprint(c.stderr, "Repeat password: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the passwords do not match; run the command again")
	}
	return string(a), nil
}

func userList(ctx context.Context, c *cmdContext, args []string) error {
	cfg, _, err := parse(c, "user list", "broadside user list [--data DIR | --db postgres://…]", args, false, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	users, err := a.Users.List(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tLOGIN\tROLE\tNAME")
	for _, u := range users {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, u.Login, u.Role, u.DisplayName)
	}
	return tw.Flush()
}

// describe turns a domain error into a message naming the flags to fix.
func describe(err error) error {
	fields := broadside.ErrorFields(err)
	if len(fields) == 0 {
		if broadside.ErrorCode(err) == broadside.EINTERNAL {
			return err
		}
		return errors.New(broadside.ErrorMessage(err))
	}
	var parts []string
	for k, v := range fields {
		parts = append(parts, "--"+strings.ReplaceAll(k, "_", "-")+": "+v)
	}
	return errors.New(strings.Join(parts, "; "))
}
