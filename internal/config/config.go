// Package config reads Handshake's configuration from the environment, once,
// into one typed value that main passes down.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
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

	// SMTP is where notification email goes; its zero value sends none.
	SMTP SMTP
	// BaseURL is the site's absolute address without a trailing slash, e.g.
	// https://handshake.example.org, that links in email start with.
	BaseURL string
	// Tiles is a map tile server; its zero value draws the map from the
	// bundled borders alone, which needs no internet.
	Tiles Tiles
	// BenchBaseline mounts GET /bench/baseline, a fixed page behind the
	// same middleware as every other, that make bench compares the real
	// pages with. Off in production.
	BenchBaseline bool
}

// Tiles is a map tile server, from MAP_TILE_URL and MAP_TILE_ATTRIBUTION.
type Tiles struct {
	// URL is a Leaflet tile template, e.g.
	// https://tile.openstreetmap.org/{z}/{x}/{y}.png.
	URL         string
	Attribution string
}

// Origin is where the tiles come from, as the content security policy
// names it: https://{s}.tile.example.org becomes https://*.tile.example.org.
func (t Tiles) Origin() string {
	if t.URL == "" {
		return ""
	}
	scheme, rest, _ := strings.Cut(t.URL, "://")
	host, _, _ := strings.Cut(rest, "/")
	return scheme + "://" + strings.ReplaceAll(host, "{s}", "*")
}

// SMTP is the mail server notifications are sent through, from SMTP_URL.
type SMTP struct {
	Host     string
	Port     string
	Username string // "" sends without authenticating
	Password string
	From     string // the sender's address, from ?from=
	// ImplicitTLS speaks TLS from the first byte (smtps://); otherwise the
	// connection turns to TLS with STARTTLS when the server offers it.
	ImplicitTLS bool
}

// Enabled reports whether SMTP_URL was set.
func (s SMTP) Enabled() bool { return s.Host != "" }

// Addr is the server's host:port.
func (s SMTP) Addr() string { return net.JoinHostPort(s.Host, s.Port) }

// String leaves the password out, so that a logged or printed Config never
// shows it.
func (s SMTP) String() string {
	if !s.Enabled() {
		return "(none)"
	}
	scheme := "smtp"
	if s.ImplicitTLS {
		scheme = "smtps"
	}
	u := url.URL{Scheme: scheme, Host: s.Addr(), RawQuery: url.Values{"from": {s.From}}.Encode()}
	if s.Username != "" {
		u.User = url.UserPassword(s.Username, "redacted")
	}
	return u.String()
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
		BenchBaseline:      r.boolean("BENCH_BASELINE", false),
	}
	c.OwnerDatabaseURL = r.str("DATABASE_OWNER_URL", c.DatabaseURL)
	c.SMTP = r.smtp("SMTP_URL")
	c.BaseURL = r.baseURL("BASE_URL", "http://localhost:8080")
	c.Tiles = r.tiles("MAP_TILE_URL", "MAP_TILE_ATTRIBUTION")
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

// smtp reads smtp://user:pass@host:587?from=handshake@example.org, or
// smtps:// for TLS from the start. Its errors never repeat the value, which
// may hold a password.
func (r *reader) smtp(name string) SMTP {
	v := r.str(name, "")
	if v == "" {
		return SMTP{}
	}
	bad := func(why string) SMTP {
		r.errs = append(r.errs, fmt.Errorf("%s: %s (want e.g. smtp://user:password@mail.example.org:587?from=handshake@example.org)", name, why))
		return SMTP{}
	}
	u, err := url.Parse(v)
	if err != nil {
		return bad("not a URL")
	}
	s := SMTP{Host: u.Hostname(), Port: u.Port()}
	switch u.Scheme {
	case "smtp":
		if s.Port == "" {
			s.Port = "587"
		}
	case "smtps":
		s.ImplicitTLS = true
		if s.Port == "" {
			s.Port = "465"
		}
	default:
		return bad("the scheme is neither smtp nor smtps")
	}
	if s.Host == "" {
		return bad("no host")
	}
	if n, err := strconv.Atoi(s.Port); err != nil || n < 1 || n > 65535 {
		return bad("the port is not a number from 1 to 65535")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	for k := range q {
		if k != "from" {
			return bad(fmt.Sprintf("unknown parameter %q", k))
		}
	}
	from, err := mail.ParseAddress(q.Get("from"))
	if err != nil || from.Name != "" {
		return bad("from= is missing or not a plain email address")
	}
	s.From = from.Address
	if u.Path != "" && u.Path != "/" {
		return bad("a path is not allowed")
	}
	return s
}

// baseURL reads an absolute http or https address, without a query, and
// drops its trailing slash.
func (r *reader) baseURL(name, def string) string {
	v := r.str(name, def)
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not an absolute http or https address such as https://handshake.example.org", name, v))
		return def
	}
	return strings.TrimRight(u.String(), "/")
}

// tiles reads a tile template: http(s), with {z}, {x} and {y}, and a host
// that is a name, not a template beyond a {s} subdomain.
func (r *reader) tiles(urlName, attributionName string) Tiles {
	t := Tiles{URL: r.str(urlName, ""), Attribution: r.str(attributionName, "")}
	if t.URL == "" {
		return t
	}
	scheme, rest, _ := strings.Cut(t.URL, "://")
	host, _, _ := strings.Cut(rest, "/")
	ok := (scheme == "https" || scheme == "http") && host != "" && !strings.ContainsAny(strings.ReplaceAll(host, "{s}", ""), "{}*; '\"")
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		ok = ok && strings.Contains(rest, p)
	}
	if !ok {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a tile template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png", urlName, t.URL))
		return Tiles{}
	}
	return t
}
