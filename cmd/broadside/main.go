// Command broadside runs a Broadside site and its maintenance tasks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/broadside/broadside/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
