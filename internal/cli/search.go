package cli

import (
	"context"
	"fmt"
	"time"
)

// runSearch is `broadside search rebuild`: index every post again. The index follows every
// write through database triggers, so this is for repairs (a tool that wrote to the database
// without them) and after an upgrade that changes how text is indexed.
func runSearch(ctx context.Context, c *cmdContext, args []string) error {
	if len(args) == 0 || args[0] != "rebuild" {
		fmt.Fprintln(c.stderr, "usage: broadside search rebuild [--data DIR | --db postgres://…]")
		return errUsage
	}
	cfg, _, err := parse(c, "search rebuild", "broadside search rebuild [--data DIR | --db postgres://…]", args[1:], false, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	n, err := a.Search.Rebuild(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Search index rebuilt: %d posts and pages indexed in %s.\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
