package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/handshake-mekong/handshake/internal/postgres/cluster"
)

// matrixSummaries are where the access matrix tests write how many
// combinations they checked, for make test to report.
const matrixSummaries = "artifacts/access-matrix*.txt"

// test is make test: every test, browser tests included, against a
// throwaway cluster that it starts and removes (or TEST_DATABASE_URL), then
// the linters.
func test(ctx context.Context, goTestArgs []string) error {
	if err := ensureBrowser(); err != nil {
		if os.Getenv("CI") == "true" {
			return err
		}
		fmt.Fprintf(os.Stderr, "devenv: %v\ndevenv: the browser tests will skip\n", err)
	}
	env := os.Environ()
	if os.Getenv("TEST_DATABASE_URL") == "" {
		if err := ensurePostgres(); err != nil {
			return err
		}
		dir, err := os.MkdirTemp("", "handshake-test-")
		if err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
		c, err := cluster.New(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "devenv: throwaway PostgreSQL %s in %s\n", c.Major(), dir)
		if err := c.Start(ctx); err != nil {
			return err
		}
		defer c.Remove(context.Background())
		env = append(env, "TEST_DATABASE_URL="+c.SuperuserURL("postgres"))
	}
	// -count=1: the tests run against a database, so a cached pass from an
	// earlier run proves nothing about this one. TESTFLAGS may override it.
	steps := [][]string{
		append([]string{"go", "test", "-count=1"}, append(goTestArgs, "./...")...),
		{"go", "vet", "./..."},
		{"go", "tool", "staticcheck", "./..."},
	}
	old, _ := filepath.Glob(matrixSummaries)
	for _, f := range old {
		os.Remove(f)
	}
	for _, step := range steps {
		fmt.Fprintln(os.Stderr, "devenv: running", step)
		cmd := exec.CommandContext(ctx, step[0], step[1:]...)
		cmd.Env = env
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("%v: %w", step, err)
		}
	}
	if err := checkFormatted(ctx); err != nil {
		return err
	}
	summaries, _ := filepath.Glob(matrixSummaries)
	for _, f := range summaries {
		if summary, err := os.ReadFile(f); err == nil {
			os.Stdout.Write(summary)
		}
	}
	return nil
}

// checkFormatted fails when gofmt would change a Go file.
func checkFormatted(ctx context.Context) error {
	fmt.Fprintln(os.Stderr, "devenv: running gofmt -l")
	out, err := exec.CommandContext(ctx, "gofmt", "-l", "cmd", "internal", "migrations", "web").Output()
	if err != nil {
		return fmt.Errorf("gofmt: %w", err)
	}
	if len(bytes.TrimSpace(out)) > 0 {
		return fmt.Errorf("gofmt would change these files (run make fmt):\n%s", out)
	}
	return nil
}
