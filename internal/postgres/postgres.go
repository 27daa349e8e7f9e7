// Package postgres opens Handshake's connection pool as the application role
// and brings the schema up to date with the embedded migrations.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// AppRole is the database role every server connection acts as. Migration
// 0001 creates it; it owns no table and cannot bypass row-level security.
const AppRole = "handshake_app"

// Open connects to url and makes every connection act as AppRole, whichever
// user url names, so that row-level security binds the server even when an
// operator hands it an owner's or superuser's connection string.
func Open(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "handshake"
	// JIT compiles plans for queries that run in milliseconds; it costs far
	// more than it saves here (DESIGN §6).
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		if _, err := conn.Exec(ctx, "SET ROLE "+AppRole); err != nil {
			return fmt.Errorf("cannot act as %s (run the migrations first, and GRANT %s TO the user in DATABASE_URL): %w", AppRole, AppRole, err)
		}
		// Planner settings for short queries on data that fits in memory,
		// whatever the server's defaults: JIT compiling cost 30–40 ms on
		// a search at a million cases and saved nothing, and the default
		// random_page_cost (4, for spinning disks) made the planner read
		// a whole table rather than probe an index (docs/performance.md).
		for _, set := range []string{"SET jit = off", "SET random_page_cost = 1.1"} {
			if _, err := conn.Exec(ctx, set); err != nil {
				return err
			}
		}
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := checkRole(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// checkRole refuses a role that row-level security would not bind.
func checkRole(ctx context.Context, pool *pgxpool.Pool) error {
	var super, bypass bool
	err := pool.QueryRow(ctx, `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if super || bypass {
		return fmt.Errorf("role %s is a superuser or may bypass row-level security; refusing to serve with it", AppRole)
	}
	return nil
}

// LatestVersion is the highest migration version embedded in the binary.
func LatestVersion(migrations fs.FS) (uint, error) {
	entries, err := fs.ReadDir(migrations, ".")
	if err != nil {
		return 0, err
	}
	var latest uint
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		v, err := strconv.ParseUint(num, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("migration %s: %w", e.Name(), err)
		}
		latest = max(latest, uint(v))
	}
	return latest, nil
}

// ErrPendingMigrations means the database is behind the binary.
var ErrPendingMigrations = errors.New("the database has pending migrations")

// SchemaVersion reads the applied migration version through any pool.
func SchemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (version uint, dirty bool, err error) {
	var v int64
	err = q.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&v, &dirty)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		// Before the first migration there is no table, and the role has no grant.
		return 0, false, fmt.Errorf("read schema version: %w", err)
	}
	return uint(v), dirty, nil
}

// CheckCurrent returns ErrPendingMigrations unless the database is exactly at
// the binary's latest migration.
func CheckCurrent(ctx context.Context, pool *pgxpool.Pool, migrations fs.FS) error {
	latest, err := LatestVersion(migrations)
	if err != nil {
		return err
	}
	v, dirty, err := SchemaVersion(ctx, pool)
	if err != nil {
		return fmt.Errorf("%w (%v)", ErrPendingMigrations, err)
	}
	switch {
	case dirty:
		return fmt.Errorf("migration %d failed halfway (dirty); fix it by hand, then run: handshake migrate force", v)
	case v < latest:
		return fmt.Errorf("%w: at version %d, the binary needs %d; run handshake migrate up, or serve --migrate", ErrPendingMigrations, v, latest)
	case v > latest:
		return fmt.Errorf("the database is at version %d, newer than this binary's %d", v, latest)
	}
	return nil
}
