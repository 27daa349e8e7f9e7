package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/config"
	"github.com/handshake-mekong/handshake/internal/seed"
)

func TestLoginSucceedsAndLeadsHome(t *testing.T) {
	a := newApp(t)
	c := a.client()
	res := c.login("investigator@th-ppr2.example", seed.DemoPassword)
	wantStatus(t, "login", res, http.StatusSeeOther)
	if loc := res.header.Get("Location"); loc != "/" {
		t.Errorf("redirect to %q, want /", loc)
	}
	home := c.get("/")
	wantStatus(t, "home", home, http.StatusOK)
	home.mustContain(t, "Somchai Wongsakul", "PPR2", "Investigator")
}

func TestLoginRenewsSessionToken(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.get("/login")
	c.post("/language", url.Values{"lang": {"en"}, "next": {"/login"}}) // forces a pre-login session
	before := c.sessionCookie()
	if before == "" {
		t.Fatal("no session cookie before login")
	}
	wantStatus(t, "login", c.login("coordinator@kh-ahtjp.example", seed.DemoPassword), http.StatusSeeOther)
	after := c.sessionCookie()
	if after == before {
		t.Fatal("the session token was not renewed at login")
	}
	// A stranger who planted or read the pre-login token gets nothing.
	attacker := a.client()
	u, _ := url.Parse(a.srv.URL)
	attacker.jar.SetCookies(u, []*http.Cookie{{Name: "handshake_session", Value: before}})
	res := attacker.get("/")
	wantStatus(t, "home with the old token", res, http.StatusSeeOther)
	if !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("old token led to %q, want the login page", res.header.Get("Location"))
	}
}

func TestWrongPasswordAndUnknownEmailGetTheSameAnswer(t *testing.T) {
	a := newApp(t)
	wrong := a.client().login("investigator@th-ppr2.example", "not-the-password")
	unknown := a.client().login("nobody@nowhere.example", "not-the-password")
	wantStatus(t, "wrong password", wrong, http.StatusUnauthorized)
	wantStatus(t, "unknown email", unknown, http.StatusUnauthorized)
	wrong.mustContain(t, "Wrong email or password.")
	unknown.mustContain(t, "Wrong email or password.")
	if strings.Contains(wrong.body, "not-the-password") {
		t.Error("the login page echoes the password")
	}
}

func TestLoginIsThrottledPerAccount(t *testing.T) {
	a := newApp(t)
	for i := range 5 {
		res := a.client().login("coordinator@aim.example", "wrong-password-"+string(rune('a'+i)))
		wantStatus(t, "failure", res, http.StatusUnauthorized)
	}
	// Even the right password now waits, and the page says how long.
	res := a.client().login("coordinator@aim.example", seed.DemoPassword)
	wantStatus(t, "sixth attempt", res, http.StatusTooManyRequests)
	res.mustContain(t, "Too many attempts. Wait 15 minutes")
	if res.header.Get("Retry-After") == "" {
		t.Error("no Retry-After header")
	}
	// Another account from the same address is not locked by this one.
	wantStatus(t, "other account", a.client().login("caseworker@aim.example", seed.DemoPassword), http.StatusSeeOther)
}

func TestLoginIsThrottledPerAddress(t *testing.T) {
	a := newApp(t)
	for i := range 30 {
		email := "nobody" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@x.example"
		wantStatus(t, "failure", a.client().login(email, "wrong-password"), http.StatusUnauthorized)
	}
	wantStatus(t, "a fresh account from the same address", a.client().login("caseworker@aim.example", seed.DemoPassword), http.StatusTooManyRequests)
}

func TestDeactivatedUserIsSignedOutAtOnceAndCannotSignIn(t *testing.T) {
	a := newApp(t)
	user := a.signedIn("investigator@kh-ahtjp.example")
	wantStatus(t, "home before", user.get("/"), http.StatusOK)

	admin := a.signedIn("agency_admin@kh-ahtjp.example")
	id := userID(t, a, "investigator@kh-ahtjp.example")
	wantStatus(t, "deactivate", admin.post("/agency/users/"+id+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)

	res := user.get("/")
	wantStatus(t, "home after deactivation", res, http.StatusSeeOther)
	if !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("deactivated user sent to %q, want /login", res.header.Get("Location"))
	}
	again := a.client().login("investigator@kh-ahtjp.example", seed.DemoPassword)
	wantStatus(t, "login when deactivated", again, http.StatusUnauthorized)
	again.mustContain(t, "Wrong email or password.")
}

func TestLogoutEndsTheSession(t *testing.T) {
	a := newApp(t)
	c := a.signedIn("analyst@clec.example")
	token := c.sessionCookie()
	wantStatus(t, "logout", c.post("/logout", nil), http.StatusSeeOther)
	if c.sessionCookie() == token {
		t.Error("logout kept the session token")
	}
	wantStatus(t, "home after logout", c.get("/"), http.StatusSeeOther)
}

func TestLoginNextStaysOnThisSite(t *testing.T) {
	a := newApp(t)
	for next, want := range map[string]string{
		"/profile":             "/profile",
		"//evil.example/x":     "/",
		"https://evil.example": "/",
		"/\\evil.example":      "/",
	} {
		res := a.client().post("/login", url.Values{"email": {"analyst@aim.example"}, "password": {seed.DemoPassword}, "next": {next}})
		if got := res.header.Get("Location"); got != want {
			t.Errorf("next=%q: redirect to %q, want %q", next, got, want)
		}
	}
}

func userID(t *testing.T, a *app, email string) string {
	t.Helper()
	var id string
	if err := a.db.Owner.QueryRow(context.Background(), `SELECT id::text FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSessionsEndWhenIdleAndAtTheirLifetime(t *testing.T) {
	for name, set := range map[string]func(*config.Config){
		"idle":     func(c *config.Config) { c.SessionIdleTimeout = time.Second },
		"lifetime": func(c *config.Config) { c.SessionLifetime = time.Second },
	} {
		t.Run(name, func(t *testing.T) {
			a := newAppWith(t, set)
			c := a.signedIn("analyst@kh-ahtjp.example")
			wantStatus(t, "at once", c.get("/"), http.StatusOK)
			time.Sleep(1500 * time.Millisecond)
			wantStatus(t, "after the timeout", c.get("/"), http.StatusSeeOther)
		})
	}
}
