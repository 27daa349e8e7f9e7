package app_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/app"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func testEnv(vars map[string]string, stdin string) (app.Env, *bytes.Buffer) {
	var out bytes.Buffer
	return app.Env{
		Getenv: func(k string) string { return vars[k] },
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &out,
	}, &out
}

func TestUserCreateReadsThePasswordFromStdin(t *testing.T) {
	db := pgtest.New(t)
	env, out := testEnv(map[string]string{"DATABASE_URL": db.URL}, "a long operator passphrase\n")
	err := app.Run(t.Context(), []string{"user", "create", "--email", "Ops@Example.org", "--name", "Operator"}, env)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	a, err := agencies.NewStore(db.App).Authenticate(t.Context(), "ops@example.org", "a long operator passphrase")
	if err != nil || !a.PlatformAdmin {
		t.Fatalf("the new platform admin cannot sign in: %v", err)
	}

	env, _ = testEnv(map[string]string{"DATABASE_URL": db.URL}, "")
	if err := app.Run(t.Context(), []string{"user", "create", "--email", "b@example.org", "--name", "B"}, env); err == nil {
		t.Error("user create without a password succeeded")
	}
	env, _ = testEnv(map[string]string{"DATABASE_URL": db.URL}, "password\n")
	if err := app.Run(t.Context(), []string{"user", "create", "--email", "c@example.org", "--name", "C"}, env); err == nil ||
		!strings.Contains(err.Error(), "12") {
		t.Errorf("a short password: %v, want the length rule", err)
	}
}

func TestServeRefusesPendingMigrationsUnlessToldToMigrate(t *testing.T) {
	db := pgtest.New(t)
	if _, err := db.Owner.Exec(t.Context(), `UPDATE schema_migrations SET version = 0`); err != nil {
		t.Fatal(err)
	}
	env, _ := testEnv(map[string]string{"DATABASE_URL": db.URL, "LISTEN_ADDR": "127.0.0.1:0"}, "")
	err := app.Run(t.Context(), []string{"serve"}, env)
	if err == nil || !strings.Contains(err.Error(), "--migrate") {
		t.Fatalf("serve on an old schema: %v, want a refusal that names --migrate", err)
	}
}

func TestServeMigratesServesAndShutsDownOnSignal(t *testing.T) {
	db := pgtest.New(t)
	m, err := postgres.NewMigrator(migrations.FS, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	for v, _, _ := m.Version(); v > 0; v, _, _ = m.Version() {
		if err := m.Down(); err != nil {
			t.Fatal(err)
		}
	}
	m.Close()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	env, out := testEnv(map[string]string{"DATABASE_URL": db.URL, "LISTEN_ADDR": addr}, "")
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"serve", "--migrate"}, env) }()

	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped before it was ready: %v\n%s", err, out)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server never became ready: %v\n%s", err, out)
		}
	}
	stop() // as SIGTERM does in main
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after the signal", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after the signal")
	}
	if !strings.Contains(out.String(), "shutting down") {
		t.Errorf("no shutdown log line:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	env, out := testEnv(map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x"}, "")
	for _, args := range [][]string{nil, {"frobnicate"}, {"migrate"}, {"migrate", "sideways"}, {"seed"}, {"user", "create"}} {
		if err := app.Run(t.Context(), args, env); !errors.Is(err, app.ErrUsage) {
			t.Errorf("%v: %v, want ErrUsage", args, err)
		}
	}
	out.Reset()
	if err := app.Run(t.Context(), []string{"version"}, env); err != nil || !strings.HasPrefix(out.String(), "handshake ") {
		t.Errorf("version: %v %q", err, out)
	}
}

func TestMissingDatabaseURLPointsToMakeRun(t *testing.T) {
	env, _ := testEnv(map[string]string{}, "")
	err := app.Run(t.Context(), []string{"serve"}, env)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("got %v", err)
	}
}
