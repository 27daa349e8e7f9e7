// Command handshake is the Handshake server and its administration tools.
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
	err := app.Run(ctx, os.Args[1:], app.OSEnv())
	stop()
	switch {
	case errors.Is(err, app.ErrUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "handshake:", err)
		os.Exit(1)
	}
}
