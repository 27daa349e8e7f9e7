package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/bench"
	"github.com/handshake-mekong/handshake/internal/bench/harness"
	"github.com/handshake-mekong/handshake/internal/postgres/cluster"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// benchDir holds the benchmark's cluster, whose loaded datasets persist
// between runs, the server's logs and the CPU profiles.
const benchDir = ".data/bench"

// benchReport is where make bench writes its figures.
const benchReport = "artifacts/bench.json"

// benchCmd is make bench: for each size, a database loaded with that many
// cases (cached between runs), the server on it with the baseline page,
// and the load of internal/bench against it. It fails when a budget of
// DESIGN §6 is missed, naming each.
func benchCmd(ctx context.Context) error {
	settings, err := harness.ReadSettings(os.Getenv)
	if err != nil {
		return err
	}
	accounts, err := bench.DemoAccounts(bench.DefaultAccounts)
	if err != nil {
		return err
	}
	target, stop, err := startBenchTarget(ctx)
	if err != nil {
		return err
	}
	defer stop()

	report := bench.Report{Machine: harness.Machine(ctx, target.Superuser("postgres"))}
	for _, n := range settings.Sizes {
		mark, err := harness.EnsureDataset(ctx, target, n, os.Stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", harness.DatabaseName(n), err)
		}
		if err := harness.Settle(ctx, target.Superuser(harness.DatabaseName(n)), os.Stderr); err != nil {
			// BENCH_DATABASE_URL's user may lack the right to checkpoint;
			// the figures are then only noisier.
			fmt.Fprintln(os.Stderr, "bench: no CHECKPOINT:", err)
		}
		size := bench.Size{Cases: n, InDatabase: mark.Cases, Dataset: mark.Dataset, Users: settings.Users,
			Think: settings.Think.String(), Duration: settings.Duration.String(), LoadBefore: harness.LoadAverage()}
		err = harness.ServeWhile(ctx, target, n, benchDir, func(baseURL string) error {
			fmt.Fprintf(os.Stderr, "bench: %d users on %s at %s, %s per endpoint\n",
				settings.Users, harness.DatabaseName(n), baseURL, settings.Duration)
			if settings.Profile != "" {
				path := filepath.Join(settings.Profile, fmt.Sprintf("cpu-%d.pprof", n))
				stop, err := harness.CPUProfile(path)
				if err != nil {
					return err
				}
				defer func() {
					if err := stop(); err == nil {
						fmt.Fprintln(os.Stderr, "bench: CPU profile in", path)
					}
				}()
			}
			res, err := bench.Run(ctx, bench.Options{BaseURL: baseURL, Users: settings.Users, Duration: settings.Duration,
				Warmup: settings.Warmup(), Think: settings.Think, Accounts: accounts, Password: seed.DemoPassword,
				Terms: bench.DefaultTerms, Only: settings.Only, Progress: os.Stderr})
			size.Endpoints, size.Pages = res.Endpoints, res.Pages
			return err
		})
		if err != nil {
			return err
		}
		report.Sizes = append(report.Sizes, size)
		bench.WriteSize(os.Stdout, size, bench.Default)
	}
	report.Growth = bench.GrowthReport(report.Sizes)
	bench.WriteGrowth(os.Stdout, report.Growth, bench.Default)
	report.Misses = bench.Default.Check(report.Sizes)
	bench.WriteMisses(os.Stdout, report.Misses)
	if err := bench.WriteJSON(benchReport, report); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "bench: figures written to", benchReport)
	if len(report.Misses) > 0 {
		return fmt.Errorf("%d budget(s) missed", len(report.Misses))
	}
	return nil
}

// benchServerSettings size PostgreSQL's memory as deploy/compose.yaml does for
// a server with 2 cores and 4 GB: a quarter of the memory for its own
// buffers, and the planner told that the rest caches the files.
var benchServerSettings = []string{"shared_buffers=1GB", "effective_cache_size=3GB"}

// startBenchTarget is BENCH_DATABASE_URL's server, or else the private
// cluster in .data/bench/postgres, started; stop stops the cluster unless
// it was already running, so a bench never takes a server from under
// whoever started it (make run's is another cluster; a colleague's psql
// session or a second bench may be on this one).
func startBenchTarget(ctx context.Context) (t harness.Target, stop func(), err error) {
	if base := os.Getenv("BENCH_DATABASE_URL"); base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return t, nil, errors.New("BENCH_DATABASE_URL: want a postgres:// URL")
		}
		// Its user owns the bench databases and runs the server, which
		// acts as handshake_app (SET ROLE) as it always does.
		withDB := func(db string) string { v := *u; v.Path = "/" + db; return v.String() }
		return harness.Target{Superuser: withDB, App: withDB, Owner: withDB}, func() {}, nil
	}
	if err := ensurePostgres(); err != nil {
		return t, nil, err
	}
	c, err := cluster.New(filepath.Join(benchDir, "postgres"))
	if err != nil {
		return t, nil, err
	}
	c.Settings = benchServerSettings
	stop = func() {}
	if c.Running(ctx) {
		fmt.Fprintf(os.Stderr, "devenv: PostgreSQL in %s is already running; leaving it running\n", c.Dir)
	} else {
		fmt.Fprintf(os.Stderr, "devenv: starting PostgreSQL %s in %s\n", c.Major(), c.Dir)
		if err := c.Start(ctx); err != nil {
			return t, nil, err
		}
		stop = stopCluster(c)
	}
	if err := createRoles(ctx, c); err != nil {
		stop()
		return t, nil, err
	}
	return harness.Target{Superuser: c.SuperuserURL, Owns: ownerRole,
		App:   func(db string) string { return c.URL(appRole, db) },
		Owner: func(db string) string { return c.URL(ownerRole, db) }}, stop, nil
}

func stopCluster(c *cluster.Cluster) func() {
	return func() {
		fmt.Fprintln(os.Stderr, "devenv: stopping PostgreSQL")
		if err := c.Stop(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "devenv:", err)
		}
	}
}

// createRoles creates the owner and application roles as prepare does for
// make run: the owner loads the datasets, the server logs in as the
// application role.
func createRoles(ctx context.Context, c *cluster.Cluster) error {
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, fmt.Sprintf(`
		DO $$ BEGIN
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%[1]s') THEN CREATE ROLE %[1]s LOGIN; END IF;
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%[2]s') THEN CREATE ROLE %[2]s LOGIN NOBYPASSRLS; END IF;
		END $$`, ownerRole, appRole))
	return err
}
