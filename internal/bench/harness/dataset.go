package harness

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/app"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/migrations"
)

// Target is the PostgreSQL server the datasets live on.
type Target struct {
	Superuser func(db string) string // may create databases and extensions
	App       func(db string) string // the server's DATABASE_URL
	Owner     func(db string) string // DATABASE_OWNER_URL: migrations and the load
	// Owns, when set, is the role that should own each dataset's database;
	// otherwise the superuser URL's user does.
	Owns string
}

// datasetVersion names the way a dataset is loaded here; raise it when
// that changes (or seed scale's data do), and every cached dataset is
// loaded again.
const datasetVersion = 4

// Mark is written as a dataset's database comment once its load
// succeeded: a database without it, or with one that no longer matches
// (another dataset, other migrations), is loaded again.
type Mark struct {
	Dataset string `json:"dataset"` // the handshake command that loaded it
	// Migration and Migrations are the schema's version and a hash of
	// every migration's text: an edited migration reloads too.
	Migration  uint   `json:"migration"`
	Migrations string `json:"migrations"`
	Version    int    `json:"version"`
	Cases      int64  `json:"cases"`  // as counted after the load
	Loaded     string `json:"loaded"` // the day of the load: the data run up to it
}

// Matches reports whether a cached dataset is the one wanted now.
func (m Mark) Matches(want Mark) bool {
	return m.Dataset == want.Dataset && m.Migration == want.Migration && m.Migrations == want.Migrations &&
		m.Version == want.Version
}

const markPrefix = "handshake bench dataset "

func (m Mark) comment() string {
	b, _ := json.Marshal(m)
	return markPrefix + string(b)
}

// parseMark reads a database comment; ok is false for one that is not a
// mark.
func parseMark(comment string) (m Mark, ok bool) {
	rest, ok := strings.CutPrefix(comment, markPrefix)
	return m, ok && json.Unmarshal([]byte(rest), &m) == nil
}

// DatabaseName is the database that holds the dataset of n cases.
func DatabaseName(n int) string { return fmt.Sprintf("handshake_bench_%d", n) }

// EnsureDataset makes DatabaseName(n) hold a complete dataset of n cases
// at the current migrations, loading it when the cached one is missing,
// incomplete or stale, and returns its mark. Progress goes to log.
func EnsureDataset(ctx context.Context, t Target, n int, log io.Writer) (Mark, error) {
	db := DatabaseName(n)
	args := []string{"seed", "scale", "--cases", strconv.Itoa(n), "--seed", "1"}
	latest, err := postgres.LatestVersion(migrations.FS)
	if err != nil {
		return Mark{}, err
	}
	sum, err := migrationsHash(migrations.FS)
	if err != nil {
		return Mark{}, err
	}
	want := Mark{Dataset: strings.Join(args, " "), Migration: latest, Migrations: sum, Version: datasetVersion}

	conn, err := pgx.Connect(ctx, t.Superuser("postgres"))
	if err != nil {
		return Mark{}, err
	}
	defer conn.Close(context.Background())
	var comment *string
	err = conn.QueryRow(ctx, `SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1`, db).Scan(&comment)
	switch got, ok := parseMark(deref(comment)); {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return Mark{}, err
	case !ok:
		fmt.Fprintf(log, "bench: %s holds no complete dataset (an interrupted load?); loading it again\n", db)
	case got.Matches(want):
		fmt.Fprintf(log, "bench: %s holds %s cases from %q (migration %d), loaded %s, as cached\n",
			db, thousands(got.Cases), got.Dataset, got.Migration, got.Loaded)
		return got, nil
	default:
		fmt.Fprintf(log, "bench: %s was loaded by %q at migration %d (migrations %.12s, dataset version %d); loading it again\n",
			db, got.Dataset, got.Migration, got.Migrations, got.Version)
	}

	start := time.Now()
	if err := create(ctx, conn, t, db); err != nil {
		return Mark{}, err
	}
	env := Env(map[string]string{"DATABASE_URL": t.App(db), "DATABASE_OWNER_URL": t.Owner(db)}, log)
	if err := app.Run(ctx, []string{"migrate", "up"}, env); err != nil {
		return Mark{}, err
	}
	fmt.Fprintf(log, "bench: loading %s: handshake %s\n", db, want.Dataset)
	if err := app.Run(ctx, args, env); err != nil {
		return Mark{}, fmt.Errorf("handshake %s: %w", want.Dataset, err)
	}
	if want.Cases, err = vacuum(ctx, t.Superuser(db), log); err != nil {
		return Mark{}, err
	}
	want.Loaded = time.Now().Format(time.DateOnly)
	if _, err := conn.Exec(ctx, fmt.Sprintf(`COMMENT ON DATABASE %s IS %s`, db, quoteLiteral(want.comment()))); err != nil {
		return Mark{}, err
	}
	fmt.Fprintf(log, "bench: %s loaded with %s cases in %s\n", db, thousands(want.Cases), time.Since(start).Round(time.Second))
	return want, nil
}

// create makes db anew, empty but for PostGIS, which is not a trusted
// extension: the superuser adds it before the owner's migrations run.
func create(ctx context.Context, conn *pgx.Conn, t Target, db string) error {
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, db)); err != nil {
		return err
	}
	sql := "CREATE DATABASE " + db
	if t.Owns != "" {
		sql += " OWNER " + t.Owns
	}
	if _, err := conn.Exec(ctx, sql); err != nil {
		return err
	}
	dbConn, err := pgx.Connect(ctx, t.Superuser(db))
	if err != nil {
		return err
	}
	defer dbConn.Close(context.Background())
	_, err = dbConn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`)
	return err
}

// vacuum leaves statistics and the visibility map as autovacuum would on a
// database in use, before anything is measured, and counts the cases.
func vacuum(ctx context.Context, url string, log io.Writer) (cases int64, err error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	fmt.Fprintln(log, "bench: VACUUM (ANALYZE)")
	if _, err := conn.Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return 0, err
	}
	err = conn.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&cases)
	return cases, err
}

// migrationsHash sums every migration's name and text.
func migrationsHash(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// Env is the environment a handshake subcommand run here sees: vars over
// the process's own, its output to out (standard output stays for the
// figures).
func Env(vars map[string]string, out io.Writer) app.Env {
	env := app.OSEnv()
	env.Stdout, env.Stderr = out, out
	env.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	return env
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
