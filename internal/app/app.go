// Package app is the handshake command: it reads the configuration once and
// hands each subcommand what it needs.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
)

// Env is the outside world a command sees, passed in so that tests and the
// development runner can supply their own.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// OSEnv is the process's own environment and standard streams.
func OSEnv() Env {
	return Env{Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
}

const usage = `handshake: case coordination against human trafficking across the Thailand–Cambodia border

Usage:
  handshake serve [--migrate]      serve the web application (--migrate applies pending migrations first)
  handshake migrate up             apply every pending migration
  handshake migrate down           revert the latest migration
  handshake migrate version        print the applied migration version
  handshake migrate force N        mark version N as applied after mending a failed migration by hand
  handshake seed demo              add the demo agencies and accounts (safe to repeat)
  handshake seed scale --cases N [--seed S]
                                   load N synthetic cases for load tests into an empty database, as its owner
  handshake user create --email E --name N [--country TH]
                                   create a platform admin; the password is read from a prompt or stdin
  handshake audit verify           check that no audit event was changed or removed
  handshake version                print the version

Configuration comes from environment variables; README.md lists them.
`

// ErrUsage means the command line was wrong; main exits 2.
var ErrUsage = errors.New("usage")

// Run runs the subcommand in args (without the program name).
func Run(ctx context.Context, args []string, env Env) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ErrUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "version", "--version":
		fmt.Fprintln(env.Stdout, "handshake", Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	run, ok := map[string]func(context.Context, *command, []string) error{
		"serve":   serve,
		"migrate": migrateCmd,
		"seed":    seedCmd,
		"user":    userCmd,
		"audit":   auditCmd,
	}[cmd]
	if !ok {
		fmt.Fprintf(env.Stderr, "handshake: unknown command %q\n\n%s", cmd, usage)
		return ErrUsage
	}
	c, err := newCommand(env)
	if err != nil {
		return err
	}
	return run(ctx, c, rest)
}

// Version is the module version stamped by the Go toolchain, or the VCS
// revision when built from a checkout.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return info.Main.Version + " (" + s.Value[:12] + ")"
		}
	}
	return info.Main.Version
}

// flagSet returns a FlagSet that reports to the command's stderr.
func (c *command) flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.env.Stderr)
	return fs
}

func newLogger(w io.Writer, development bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if development {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
