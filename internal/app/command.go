package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/config"
	"github.com/handshake-mekong/handshake/internal/notifications"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/server"
	"github.com/handshake-mekong/handshake/migrations"
)

// command is what every subcommand shares: the configuration, read once.
type command struct {
	env Env
	cfg config.Config
	log *slog.Logger
}

func newCommand(env Env) (*command, error) {
	cfg, err := config.FromEnv(env.Getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if err := cfg.RequireDatabase(); err != nil {
		return nil, err
	}
	return &command{env: env, cfg: cfg, log: newLogger(env.Stderr, cfg.Development, cfg.LogLevel)}, nil
}

// openCurrent opens the pool and refuses a database whose schema is not the
// binary's.
func (c *command) openCurrent(ctx context.Context) (*pgxpool.Pool, error) {
	pool, err := postgres.Open(ctx, c.cfg.DatabaseURL, c.cfg.DBMaxConns)
	if err != nil {
		return nil, err
	}
	if err := postgres.CheckCurrent(ctx, pool, migrations.FS); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

func (c *command) migrateUp() error {
	m, err := postgres.NewMigrator(migrations.FS, c.cfg.OwnerDatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	if err := m.Up(); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	v, _, err := m.Version()
	c.log.Info("migrations applied", "version", v)
	return err
}

func serve(ctx context.Context, c *command, args []string) error {
	fs := c.flagSet("serve")
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	if err := fs.Parse(args); err != nil {
		return ErrUsage
	}
	if *migrate {
		if err := c.migrateUp(); err != nil {
			return err
		}
	}
	pool, err := c.openCurrent(ctx)
	if err != nil {
		return fmt.Errorf("refusing to serve: %w", err)
	}
	defer pool.Close()

	app := server.New(c.cfg, c.log, pool, migrations.FS)
	go app.Listen(ctx)
	srv := &http.Server{
		Addr:              c.cfg.ListenAddr,
		Handler:           app.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(c.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	// Shares end by the clock; this keeps the case lists in step.
	go cases.NewStore(pool).ExpireSharesEvery(ctx, time.Minute, c.log)
	// Each new notification goes by email too; replicas share the work.
	if c.cfg.SMTP.Enabled() {
		go notifications.NewMailer(pool, c.cfg.SMTP, c.cfg.BaseURL).SendEvery(ctx, 15*time.Second, c.log)
	}
	c.log.Info("serving", "addr", c.cfg.ListenAddr, "version", Version())

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Drain: stop accepting, let requests in flight finish.
	c.log.Info("shutting down", "timeout", c.cfg.ShutdownTimeout)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), c.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func migrateCmd(ctx context.Context, c *command, args []string) error {
	if len(args) == 0 || !slices.Contains([]string{"up", "down", "force", "version"}, args[0]) {
		return ErrUsage
	}
	m, err := postgres.NewMigrator(migrations.FS, c.cfg.OwnerDatabaseURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		err = m.Up()
	case "down":
		err = m.Down()
	case "force":
		var v int
		if len(args) != 2 {
			return ErrUsage
		}
		if _, err := fmt.Sscan(args[1], &v); err != nil {
			return ErrUsage
		}
		err = m.Force(v)
	}
	if err != nil {
		return fmt.Errorf("migrate %s: %w", args[0], err)
	}
	v, dirty, err := m.Version()
	if err != nil {
		return err
	}
	latest, _ := postgres.LatestVersion(migrations.FS)
	fmt.Fprintf(c.env.Stdout, "version %d of %d", v, latest)
	if dirty {
		fmt.Fprint(c.env.Stdout, " (dirty: a migration failed halfway)")
	}
	fmt.Fprintln(c.env.Stdout)
	return nil
}

func seedCmd(ctx context.Context, c *command, args []string) error {
	if len(args) > 0 && args[0] == "scale" {
		return seedScale(ctx, c, args[1:])
	}
	if len(args) != 1 || args[0] != "demo" {
		return ErrUsage
	}
	pool, err := c.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := seed.Demo(ctx, pool); err != nil {
		return fmt.Errorf("seed demo: %w", err)
	}
	seed.PrintDemoAccounts(c.env.Stdout)
	return nil
}

// seedScale loads the synthetic dataset for load tests. It connects as the
// owner of the tables, because the load takes their indexes and triggers
// down while it copies.
func seedScale(ctx context.Context, c *command, args []string) error {
	fs := c.flagSet("seed scale")
	n := fs.Int("cases", 0, "how many cases to load")
	s := fs.Uint64("seed", 1, "which dataset: the same seed gives the same data")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *n < 1 {
		fmt.Fprintln(c.env.Stderr, "usage: handshake seed scale --cases N [--seed S]")
		return ErrUsage
	}
	pool, err := pgxpool.New(ctx, c.cfg.OwnerDatabaseURL)
	if err != nil {
		return fmt.Errorf("DATABASE_OWNER_URL: %w", err)
	}
	defer pool.Close()
	if err := postgres.CheckCurrent(ctx, pool, migrations.FS); err != nil {
		return err
	}
	if err := seed.Scale(ctx, pool, seed.ScaleOptions{Cases: *n, Seed: *s, Log: c.env.Stderr}); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "Loaded %d synthetic cases. The demo accounts see many of them; all use the password %s.\n",
		*n, seed.DemoPassword)
	return nil
}
