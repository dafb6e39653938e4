// Package cli implements the broadside subcommands. Run is the whole program minus the
// process: tests call it with their own arguments, environment and output.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/config"
)

// Env is how subcommands read environment variables.
type Env func(string) string

type command struct {
	name, summary string
	run           func(ctx context.Context, c *cmdContext, args []string) error
}

type cmdContext struct {
	env    Env
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

var commands []command

func init() {
	commands = []command{
		{"serve", "run the site", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"user", "manage users: user add, user list", runUser},
		{"setup-link", "print a one-time link to create the first administrator", runSetupLink},
		{"demo", "load the sample post and its threaded discussion", runDemo},
		{"search", "search rebuild: index every post again", runSearch},
		{"mail", "check outgoing mail: mail test --to ADDRESS", runMail},
		{"import", "import wordpress FILE.xml: bring in a WordPress export", runImport},
		{"export", "export wordpress: write the site as a WordPress export (WXR)", runExport},
		{"backup", "backup --out FILE: a consistent copy of the live site's database", runBackup},
		{"version", "print the version", func(_ context.Context, c *cmdContext, _ []string) error {
			fmt.Fprintln(c.stdout, "broadside", Version)
			return nil
		}},
	}
}

// Version is set at build time with -ldflags "-X …/cli.Version=…".
var Version = "dev"

// errUsage marks errors whose message already explains the correct usage.
var errUsage = errors.New("usage")

// errReported marks failures the command has already explained on stderr in its own format
// (import's FILE:LINE:COL: lines); Run only sets the exit code.
var errReported = errors.New("reported")

// Run runs the subcommand named by args[0] and returns the process exit code.
func Run(ctx context.Context, args []string, env Env, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cmdContext{env: env, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, cmd := range commands {
		if cmd.name == args[0] {
			err := cmd.run(ctx, c, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			case errors.Is(err, errReported):
				return 1
			default:
				fmt.Fprintf(stderr, "broadside %s: %v\n", cmd.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(stderr, "broadside: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Broadside: independent publishing in one binary.")
	fmt.Fprintln(w, "\nusage: broadside COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command that touches the site takes --data DIR (SQLite, default ./data) or --db postgres://…")
	fmt.Fprintln(w, "Run 'broadside COMMAND -h' for its flags.")
}

// parse parses a subcommand's flags, printing flag errors with the usage.
func parse(c *cmdContext, name, synopsis string, args []string, withServer bool, extra func(fs *flag.FlagSet)) (config.Config, []string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := config.Register(fs, c.env, withServer)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			config.Usage(c.stdout, fs, synopsis)
			return config.Config{}, nil, err
		}
		fmt.Fprintf(c.stderr, "broadside %s: %v\n", name, err)
		config.Usage(c.stderr, fs, synopsis)
		return config.Config{}, nil, errUsage
	}
	cfg, err := f.Finish()
	if err != nil {
		fmt.Fprintf(c.stderr, "broadside %s: %v\n", name, err)
		return config.Config{}, nil, errUsage
	}
	applyMemory(cfg.Memory)
	return cfg, fs.Args(), nil
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open wires the app for a maintenance command (quiet logs unless asked).
func open(ctx context.Context, c *cmdContext, cfg config.Config) (*app.App, error) {
	if cfg.LogLevel == "info" {
		cfg.LogLevel = "warn"
	}
	return app.Open(ctx, cfg, newLogger(cfg, c.stderr), app.Options{NoCache: true})
}
