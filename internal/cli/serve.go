package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/broadside/broadside/internal/app"
)

func runServe(ctx context.Context, c *cmdContext, args []string) error {
	cfg, _, err := parse(c, "serve", "broadside serve [--data DIR | --db postgres://…] [--addr HOST:PORT] [--base-url URL]", args, true, nil)
	if err != nil {
		return err
	}
	log := newLogger(cfg, c.stderr)
	a, err := app.Open(ctx, cfg, log, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another program using the port? choose another with --addr)", cfg.Addr, err)
	}
	base := cfg.PublicURL()
	if set, err := a.Settings.Load(ctx); err == nil {
		base = set.PublicURL(base) // the address pages and e-mails use
	}
	where := cfg.DSN()
	if cfg.IsPostgres() {
		where = "PostgreSQL"
	}
	fmt.Fprintf(c.stdout, "Broadside is running at %s/ (database: %s)\n", base, where)
	need, err := a.Auth.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if need {
		tok, err := a.Auth.NewSetupToken(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "No administrator yet. Create one within 24 hours at:\n  %s/admin/setup?token=%s\n", base, tok)
		fmt.Fprintf(c.stdout, "or run: broadside user add --email you@example.com --role admin\n")
	} else {
		fmt.Fprintf(c.stdout, "Sign in at %s/admin/\n", base)
	}
	fmt.Fprintln(c.stdout, "Press Ctrl+C to stop.")
	log.Info("listening", "addr", ln.Addr().String(), "base_url", base)
	return a.Serve(ctx, ln)
}

func runMigrate(ctx context.Context, c *cmdContext, args []string) error {
	cfg, _, err := parse(c, "migrate", "broadside migrate [--data DIR | --db postgres://…]", args, false, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(c.stdout, "Database is up to date.")
	return nil
}

func runSetupLink(ctx context.Context, c *cmdContext, args []string) error {
	cfg, _, err := parse(c, "setup-link", "broadside setup-link [--data DIR | --db postgres://…] [--base-url URL]", args, false, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	need, err := a.Auth.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if !need {
		return fmt.Errorf("this site already has users; sign in at %s/admin/ or add one with 'broadside user add'", cfg.PublicURL())
	}
	tok, err := a.Auth.NewSetupToken(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s/admin/setup?token=%s\n", cfg.PublicURL(), tok)
	return nil
}
