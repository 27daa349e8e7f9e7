package main

import (
	"context"
	"fmt"
	"net"
	"os"

	"github.com/handshake-mekong/handshake/internal/app"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/cluster"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// run is make run: Handshake with demo data on a private PostgreSQL in
// .data/postgres (or on DATABASE_URL), until Ctrl-C.
func run(ctx context.Context) error {
	env := map[string]string{}
	if os.Getenv("HANDSHAKE_ENV") == "" {
		env["HANDSHAKE_ENV"] = "development"
	}
	if os.Getenv("DATABASE_URL") == "" {
		if err := ensurePostgres(); err != nil {
			return err
		}
		c, err := cluster.New(".data/postgres")
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "devenv: starting PostgreSQL %s in %s\n", c.Major(), c.Dir)
		if err := c.Start(ctx); err != nil {
			return err
		}
		defer func() {
			fmt.Fprintln(os.Stderr, "devenv: stopping PostgreSQL")
			if err := c.Stop(context.Background()); err != nil {
				fmt.Fprintln(os.Stderr, "devenv:", err)
			}
		}()
		if err := prepare(ctx, c); err != nil {
			return err
		}
		env["DATABASE_URL"] = c.URL(appRole, dbName)
		env["DATABASE_OWNER_URL"] = c.URL(ownerRole, dbName)
	}
	appEnv := app.OSEnv()
	appEnv.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}

	if err := app.Run(ctx, []string{"migrate", "up"}, appEnv); err != nil {
		return err
	}
	if empty, err := noAgencies(ctx, appEnv.Getenv("DATABASE_URL")); err != nil {
		return err
	} else if empty {
		if err := app.Run(ctx, []string{"seed", "demo"}, appEnv); err != nil {
			return err
		}
	} else {
		seed.PrintDemoAccounts(os.Stdout)
	}
	port := "8080"
	if _, p, err := net.SplitHostPort(appEnv.Getenv("LISTEN_ADDR")); err == nil {
		port = p
	}
	fmt.Printf("\nHandshake is at http://localhost:%s (Ctrl-C stops it)\n\n", port)
	return app.Run(ctx, []string{"serve", "--migrate"}, appEnv)
}

// noAgencies reports a database that has never been seeded.
func noAgencies(ctx context.Context, url string) (bool, error) {
	pool, err := postgres.Open(ctx, url, 2)
	if err != nil {
		return false, err
	}
	defer pool.Close()
	var empty bool
	err = pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT FROM agencies)`).Scan(&empty)
	return empty, err
}
