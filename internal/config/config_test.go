package config

import (
	"log/slog"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"DATABASE_URL": "postgres://app@db/handshake"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.OwnerDatabaseURL != c.DatabaseURL || c.Development || c.CookieSecure ||
		c.SessionIdleTimeout != 30*time.Minute || c.SessionLifetime != 12*time.Hour || c.LogLevel != slog.LevelInfo ||
		c.BenchBaseline {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestBadValuesAreAllReported(t *testing.T) {
	_, err := FromEnv(env(map[string]string{
		"COOKIE_SECURE": "perhaps", "DB_MAX_CONNS": "0", "SESSION_IDLE_TIMEOUT": "soon", "HANDSHAKE_ENV": "staging", "LOG_LEVEL": "loud",
		"BENCH_BASELINE": "sometimes",
	}))
	if err == nil {
		t.Fatal("no error for bad values")
	}
	for _, name := range []string{"COOKIE_SECURE", "DB_MAX_CONNS", "SESSION_IDLE_TIMEOUT", "HANDSHAKE_ENV", "LOG_LEVEL", "BENCH_BASELINE"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestRequireDatabase(t *testing.T) {
	c, _ := FromEnv(env(nil))
	if err := c.RequireDatabase(); err == nil || !strings.Contains(err.Error(), "make run") {
		t.Fatalf("got %v, want an error that points to make run", err)
	}
}

func TestTiles(t *testing.T) {
	for _, tc := range []struct{ url, origin string }{
		{"", ""},
		{"https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"},
		{"https://{s}.tiles.example.org/osm/{z}/{x}/{y}.png", "https://*.tiles.example.org"},
		{"http://localhost:8081/{z}/{x}/{y}.png", "http://localhost:8081"},
	} {
		c, err := FromEnv(env(map[string]string{"MAP_TILE_URL": tc.url}))
		if err != nil || c.Tiles.Origin() != tc.origin {
			t.Errorf("MAP_TILE_URL=%q: origin %q, %v; want %q", tc.url, c.Tiles.Origin(), err, tc.origin)
		}
	}
	for _, bad := range []string{"tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tiles.example.org/{z}/{x}.png",
		"ftp://tiles.example.org/{z}/{x}/{y}.png", "https://x.org; script-src *;/{z}/{x}/{y}"} {
		if _, err := FromEnv(env(map[string]string{"MAP_TILE_URL": bad})); err == nil || !strings.Contains(err.Error(), "MAP_TILE_URL") {
			t.Errorf("MAP_TILE_URL=%q accepted: %v", bad, err)
		}
	}
}

func TestBenchBaselineIsOffUnlessAskedFor(t *testing.T) {
	for v, want := range map[string]bool{"": false, "false": false, "true": true, "1": true} {
		c, err := FromEnv(env(map[string]string{"BENCH_BASELINE": v}))
		if err != nil || c.BenchBaseline != want {
			t.Errorf("BENCH_BASELINE=%q: %v, %v; want %v", v, c.BenchBaseline, err, want)
		}
	}
}
