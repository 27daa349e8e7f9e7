package harness

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/bench"
)

// Machine describes what the figures are measured on: cores, CPU,
// operating system, Go, the PostgreSQL server at superuserURL, the date
// and how busy the machine was.
func Machine(ctx context.Context, superuserURL string) bench.Machine {
	m := bench.Machine{Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, GoVersion: runtime.Version(),
		Date: time.Now().UTC().Format(time.RFC3339),
		Note: "the server and the load generator run in one process, and share the cores with PostgreSQL"}
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`) + " " + m.OS
			}
		}
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	m.LoadAverage = LoadAverage()
	if conn, err := pgx.Connect(ctx, superuserURL); err == nil {
		conn.QueryRow(ctx, `SELECT current_setting('server_version')`).Scan(&m.PostgreSQL)
		conn.Close(ctx)
	}
	return m
}

// LoadAverage is the machine's load average over the last minute, or ""
// where /proc/loadavg is missing.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := bytes.Fields(b); err == nil && len(f) > 0 {
		return string(f[0])
	}
	return ""
}
