// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that the embedded migrations built once, so tests run against
// real SQL without sharing state.
//
// The databases live on TEST_DATABASE_URL (a role that may create databases
// and roles) or, when it is unset, on a private cluster that Main starts and
// removes.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/cluster"
	"github.com/handshake-mekong/handshake/migrations"
)

var (
	baseURL  string // the maintenance database, as a role that may create databases
	template struct {
		once sync.Once
		name string
		err  error
	}
	counter atomic.Int64
)

// Main runs a package's tests. Call it from TestMain.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	baseURL = os.Getenv("TEST_DATABASE_URL")
	if baseURL == "" {
		dir, err := os.MkdirTemp("", "handshake-test-pg-")
		if err == nil {
			err = os.Chmod(dir, 0o755)
		}
		var c *cluster.Cluster
		if err == nil {
			c, err = cluster.New(dir)
		}
		if err == nil {
			err = c.Start(context.Background())
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: cannot start a private PostgreSQL (set TEST_DATABASE_URL, or run make test, which installs it): %v\n", err)
			return 1
		}
		defer c.Remove(context.Background())
		baseURL = c.SuperuserURL("postgres")
	}
	return m.Run()
}

// DB is one test's own database.
type DB struct {
	Name string
	// URL connects as the role that ran the migrations: the tables' owner.
	URL string
	// App is a pool acting as the application role, as the server does.
	App *pgxpool.Pool
	// Owner is a pool acting as the tables' owner, for arranging test data
	// the application role may not write.
	Owner *pgxpool.Pool
}

// New creates an empty, migrated database for t and drops it when t ends.
func New(t testing.TB) *DB {
	t.Helper()
	if baseURL == "" {
		t.Fatal("pgtest: call pgtest.Main from the package's TestMain")
	}
	ctx := context.Background()
	tmpl, err := templateDB(ctx)
	if err != nil {
		t.Fatalf("pgtest: template: %v", err)
	}
	name := fmt.Sprintf("handshake_t%d_%d", os.Getpid(), counter.Add(1))
	if err := createFrom(ctx, name, tmpl); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	db := &DB{Name: name, URL: withDatabase(baseURL, name)}
	t.Cleanup(func() {
		if db.App != nil {
			db.App.Close()
		}
		if db.Owner != nil {
			db.Owner.Close()
		}
		if err := exec(context.Background(), baseURL, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			t.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	if db.App, err = postgres.Open(ctx, db.URL, 8); err != nil {
		t.Fatalf("pgtest: open app pool: %v", err)
	}
	if db.Owner, err = pgxpool.New(ctx, db.URL); err != nil {
		t.Fatalf("pgtest: open owner pool: %v", err)
	}
	return db
}

// createFrom clones tmpl. PostgreSQL refuses when another session is copying
// the same template at that instant, so it tries again briefly.
func createFrom(ctx context.Context, name, tmpl string) error {
	var err error
	for range 50 {
		err = exec(ctx, baseURL, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tmpl))
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "55006" { // object_in_use
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
	return err
}

// templateDB builds, once per migration set, the database every test clones.
// Its name carries a hash of the migrations, so an edited migration gets a
// new template; an advisory lock keeps parallel test binaries from building
// it twice.
func templateDB(ctx context.Context) (string, error) {
	template.once.Do(func() {
		template.name, template.err = buildTemplate(ctx)
	})
	return template.name, template.err
}

func buildTemplate(ctx context.Context) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "handshake_tmpl_" + sum[:16]
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7470001)"); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(7470001)")

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		return "", err
	}
	// PostGIS is not a trusted extension: the superuser adds it, as a
	// deployment's database administrator does (README).
	if err := exec(ctx, withDatabase(baseURL, name), "CREATE EXTENSION IF NOT EXISTS postgis"); err != nil {
		return "", fmt.Errorf("postgis: %w", err)
	}
	m, err := postgres.NewMigrator(migrations.FS, withDatabase(baseURL, name))
	if err != nil {
		return "", err
	}
	err = m.Up()
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("migrate: %w", err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s WITH is_template true", name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns raw with its database replaced by db.
func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + db
	return u.String()
}
