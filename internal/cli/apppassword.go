package cli

import (
	"context"
	"flag"
	"fmt"
)

// userAppPassword creates an Application Password for a user, for REST API clients, and
// prints it once: the secret alone on standard output (so scripts can capture it), the
// explanation on standard error.
func userAppPassword(ctx context.Context, c *cmdContext, args []string) error {
	var email, name string
	cfg, _, err := parse(c, "user app-password", "broadside user app-password --email EMAIL --name NAME", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address of the user (required)")
		fs.StringVar(&name, "name", "", "what the password is for, e.g. \"Phone app\" (required)")
	})
	if err != nil {
		return err
	}
	if email == "" || name == "" {
		fmt.Fprintln(c.stderr, "broadside user app-password: --email and --name are required")
		return errUsage
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Store.UserByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("no user with email %s", email)
	}
	secret, _, err := a.AppPasswords.Create(ctx, u, name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(c.stderr, "Application password %q for %s (login %s), printed below. It is shown once; store it now.\n"+
		"Clients send it with HTTP Basic authentication, e.g.:\n  curl -u '%s:PASSWORD' %s/wp-json/wp/v2/users/me\n"+
		"Revoke it on the profile page: %s/admin/profile\n", name, u.Email, u.Login, u.Login, cfg.PublicURL(), cfg.PublicURL())
	fmt.Fprintln(c.stdout, secret)
	return nil
}
