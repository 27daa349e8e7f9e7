package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestAppRoleOwnsNothingAndCannotBypassRLS(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	var who string
	var super, bypass bool
	err := db.App.QueryRow(ctx, `SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&who, &super, &bypass)
	if err != nil {
		t.Fatal(err)
	}
	if who != postgres.AppRole || super || bypass {
		t.Fatalf("server acts as %s (super=%v bypassrls=%v), want %s without either", who, super, bypass, postgres.AppRole)
	}
	var owned int
	if err := db.App.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`).Scan(&owned); err != nil {
		t.Fatal(err)
	}
	if owned != 0 {
		t.Fatalf("the application role owns %d tables, want none", owned)
	}
}

func TestAppRoleCannotChangeAuditEvents(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if _, err := db.App.Exec(ctx, `INSERT INTO audit_events (action) VALUES ('test')`); err != nil {
		t.Fatalf("insert: %v", err)
	}
	for _, sql := range []string{
		`UPDATE audit_events SET action = 'forged'`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
	} {
		_, err := db.App.Exec(ctx, sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" { // insufficient_privilege
			t.Errorf("%s: got %v, want permission denied", sql, err)
		}
	}
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	db := pgtest.New(t)
	m, err := postgres.NewMigrator(migrations.FS, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	latest, err := postgres.LatestVersion(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	for v := latest; v > 0; v-- {
		if err := m.Down(); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
	}
	if err := postgres.CheckCurrent(context.Background(), db.App, migrations.FS); err == nil {
		t.Fatal("CheckCurrent accepted a database with every migration reverted")
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := postgres.CheckCurrent(context.Background(), db.App, migrations.FS); err != nil {
		t.Fatalf("after up: %v", err)
	}
}

func TestCheckCurrentNamesTheFix(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Owner.Exec(context.Background(), `UPDATE schema_migrations SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	err := postgres.CheckCurrent(context.Background(), db.App, migrations.FS)
	if !errors.Is(err, postgres.ErrPendingMigrations) || !strings.Contains(err.Error(), "--migrate") {
		t.Fatalf("got %v, want ErrPendingMigrations that names serve --migrate", err)
	}
}
