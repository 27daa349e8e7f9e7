package harness

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/handshake-mekong/handshake/internal/app"
)

// ServeWhile runs the server on the dataset of n cases, in this process,
// as handshake serve does, on a free local port and with the baseline
// page, until do returns. Its log goes to logDir/server-<n>.log.
//
// In this process, the server shares the machine's cores with the load
// generator, as it would as a separate process too; and with PostgreSQL.
func ServeWhile(ctx context.Context, t Target, n int, logDir string, do func(baseURL string) error) error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	l.Close()
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(logDir, fmt.Sprintf("server-%d.log", n))
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	db := DatabaseName(n)
	env := Env(map[string]string{
		"DATABASE_URL": t.App(db), "DATABASE_OWNER_URL": t.Owner(db), "LISTEN_ADDR": addr,
		"BENCH_BASELINE": "true", "HANDSHAKE_ENV": "production", "SMTP_URL": "",
	}, logFile)

	serveCtx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- app.Run(serveCtx, []string{"serve"}, env) }()
	baseURL := "http://" + addr
	if err := waitReady(ctx, baseURL, done); err != nil {
		return fmt.Errorf("the server did not start: %w (its log: %s)", err, logPath)
	}
	err = do(baseURL)
	stop()
	if serr := <-done; serr != nil {
		err = errors.Join(err, fmt.Errorf("the server: %w (its log: %s)", serr, logPath))
	}
	return err
}

// waitReady waits for /readyz to answer 200, or the server to stop.
func waitReady(ctx context.Context, baseURL string, done <-chan error) error {
	deadline := time.Now().Add(time.Minute)
	for {
		res, err := http.Get(baseURL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("it stopped: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("no answer from /readyz within a minute")
		}
	}
}

// CPUProfile profiles this process, server and load together, into path
// until stop is called.
func CPUProfile(path string) (stop func() error, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}
