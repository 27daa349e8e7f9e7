package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/config"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/server"
	"github.com/handshake-mekong/handshake/migrations"
)

func TestMain(m *testing.M) {
	// The live-update test starts this test binary again as a second
	// server process: then it serves instead of testing.
	if os.Getenv(serveEnv) != "" {
		serveForTest()
		return
	}
	pgtest.Main(m)
}

// app is a Handshake server on its own database with the demo data.
type app struct {
	t   testing.TB
	db  *pgtest.DB
	srv *httptest.Server
}

func newApp(t testing.TB) *app {
	t.Helper()
	return newAppWith(t, func(*config.Config) {})
}

// newAppWith is newApp with the configuration changed by set.
func newAppWith(t testing.TB, set func(*config.Config)) *app {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return serveOn(t, db, set)
}

// serveOn starts another Handshake server on db, as another replica would.
func serveOn(t testing.TB, db *pgtest.DB, set func(*config.Config)) *app {
	t.Helper()
	cfg, err := config.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	set(&cfg)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	hs := server.New(cfg, log, db.App, migrations.FS)
	ctx, stop := context.WithCancel(context.Background())
	go hs.Listen(ctx)
	srv := httptest.NewServer(hs.Handler())
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		stop()
	})
	return &app{t: t, db: db, srv: srv}
}

// client is one browser: its own cookies, no automatic redirects, so tests
// see each 303.
type client struct {
	a   *app
	jar *cookiejar.Jar
	hc  *http.Client
}

func (a *app) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{a: a, jar: jar, hc: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(req *http.Request) response {
	c.a.t.Helper()
	res, err := c.hc.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.a.srv.URL+path, nil)
	return c.do(req)
}

// post sends a form as a same-origin browser would.
func (c *client) post(path string, form url.Values) response {
	c.a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func (c *client) login(email, password string) response {
	c.a.t.Helper()
	return c.post("/login", url.Values{"email": {email}, "password": {password}})
}

// signedIn returns a client signed in as a demo account.
func (a *app) signedIn(email string) *client {
	a.t.Helper()
	c := a.client()
	if res := c.login(email, seed.DemoPassword); res.status != http.StatusSeeOther {
		a.t.Fatalf("login %s: status %d, want 303\n%s", email, res.status, res.body)
	}
	return c
}

func (c *client) sessionCookie() string {
	u, _ := url.Parse(c.a.srv.URL)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "handshake_session" {
			return ck.Value
		}
	}
	return ""
}

func (r response) mustContain(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("response (status %d) lacks %q", r.status, w)
		}
	}
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%.2000s", what, r.status, status, r.body)
	}
}
