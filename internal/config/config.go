// Package config reads Handshake's configuration from the environment, once,
// into one typed value that main passes down.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Config is every setting Handshake reads. README.md documents each one.
type Config struct {
	// DatabaseURL is what the server connects with. Whatever user it names,
	// every connection acts as the application role handshake_app.
	DatabaseURL string
	// OwnerDatabaseURL is what migrations run as: the owner of the tables.
	OwnerDatabaseURL string
	// DBMaxConns caps the server's connection pool.
	DBMaxConns int32

	ListenAddr string
	// Development selects human-readable logs and relaxed defaults for make run.
	Development bool
	LogLevel    slog.Level
	// CookieSecure marks the session cookie Secure; set it behind TLS.
	CookieSecure bool
	// TrustProxy takes the client address from X-Forwarded-For, for a server
	// behind a reverse proxy that sets it.
	TrustProxy bool

	SessionIdleTimeout time.Duration
	SessionLifetime    time.Duration
	ShutdownTimeout    time.Duration
}

// FromEnv reads the configuration through getenv (os.Getenv in main) and
// reports every bad value at once.
func FromEnv(getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		DatabaseURL:        r.str("DATABASE_URL", ""),
		DBMaxConns:         int32(r.integer("DB_MAX_CONNS", 20, 1, 1000)),
		ListenAddr:         r.str("LISTEN_ADDR", ":8080"),
		LogLevel:           r.level("LOG_LEVEL", slog.LevelInfo),
		CookieSecure:       r.boolean("COOKIE_SECURE", false),
		TrustProxy:         r.boolean("TRUST_PROXY", false),
		SessionIdleTimeout: r.duration("SESSION_IDLE_TIMEOUT", 30*time.Minute),
		SessionLifetime:    r.duration("SESSION_LIFETIME", 12*time.Hour),
		ShutdownTimeout:    r.duration("SHUTDOWN_TIMEOUT", 20*time.Second),
	}
	c.OwnerDatabaseURL = r.str("DATABASE_OWNER_URL", c.DatabaseURL)
	switch env := r.str("HANDSHAKE_ENV", "production"); env {
	case "production":
	case "development":
		c.Development = true
	default:
		r.errs = append(r.errs, fmt.Errorf("HANDSHAKE_ENV: %q is neither production nor development", env))
	}
	return c, errors.Join(r.errs...)
}

// RequireDatabase reports a missing DATABASE_URL, which every subcommand but
// version needs.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set: give the PostgreSQL connection string, e.g. postgres://handshake_app@localhost/handshake (or use make run, which starts a private PostgreSQL)")
	}
	return nil
}

type reader struct {
	getenv func(string) string
	errs   []error
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

func (r *reader) integer(name string, def, lo, hi int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a whole number from %d to %d", name, v, lo, hi))
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not true or false", name, v))
		return def
	}
	return b
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a positive duration such as 30m or 12h", name, v))
		return def
	}
	return d
}

func (r *reader) level(name string, def slog.Level) slog.Level {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not one of debug, info, warn, error", name, v))
		return def
	}
	return l
}
