// Command devenv is what make run, make test and make bench call: it installs what a
// fresh Debian or Ubuntu machine lacks (as root; otherwise it prints the
// command), starts a private PostgreSQL, and runs Handshake, its tests or
// its benchmark on it.
//
//	bin/devenv run    # make run
//	bin/devenv test   # make test
//	bin/devenv bench  # make bench
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/handshake-mekong/handshake/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd := firstArg(); cmd {
	case "run":
		err = run(ctx)
	case "test":
		err = test(ctx, os.Args[2:])
	case "bench":
		err = benchCmd(ctx)
	default:
		fmt.Fprintln(os.Stderr, "usage: devenv run|test [go test flags]|bench")
		os.Exit(2)
	}
	if err != nil && !errors.Is(err, app.ErrUsage) {
		fmt.Fprintln(os.Stderr, "devenv:", err)
		os.Exit(1)
	}
}

func firstArg() string {
	if len(os.Args) < 2 {
		return ""
	}
	return os.Args[1]
}
