package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestCrossOriginPostIsRefused(t *testing.T) {
	a := newApp(t)
	c := a.signedIn("agency_admin@th-ticac.example")
	id := userID(t, a, "investigator@th-ticac.example")
	for name, set := range map[string]func(*http.Request){
		"Sec-Fetch-Site cross-site": func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") },
		"foreign Origin":            func(r *http.Request) { r.Header.Set("Origin", "https://evil.example") },
	} {
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/agency/users/"+id+"/active", strings.NewReader("active=false"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		set(req)
		res := c.do(req)
		wantStatus(t, name, res, http.StatusForbidden)
		res.mustContain(t, "sent from another website")
	}
	list := c.get("/agency/users")
	if strings.Contains(list.body, "Deactivated") {
		t.Fatal("a cross-origin request deactivated a user")
	}
}

func TestSecurityHeadersOnEveryPage(t *testing.T) {
	a := newApp(t)
	for _, path := range []string{"/login", "/nope", "/static/app.css"} {
		res := a.client().get(path)
		h := res.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", path)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: nosniff=%q referrer=%q", path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
	}
}

func TestSessionCookieIsHttpOnlyAndLax(t *testing.T) {
	a := newApp(t)
	c := a.client()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login", strings.NewReader(url.Values{"email": {"analyst@aim.example"}, "password": {"handshake-demo"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var found bool
	for _, ck := range res.Cookies() {
		if ck.Name == "handshake_session" {
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("cookie HttpOnly=%v SameSite=%v", ck.HttpOnly, ck.SameSite)
			}
		}
	}
	if !found {
		t.Fatal("no session cookie set at login")
	}
}

func TestBodyOverOneMebibyteGets413(t *testing.T) {
	a := newApp(t)
	big := "email=" + strings.Repeat("a", 1<<20+10)
	res := a.client().post("/login", url.Values{"email": {big}})
	wantStatus(t, "large body", res, http.StatusRequestEntityTooLarge)
	res.mustContain(t, "larger than 1 MB")

	// Without a Content-Length, the limit still holds while reading.
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/login", struct{ *strings.Reader }{strings.NewReader(big)})
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.ContentLength = -1
	wantStatus(t, "chunked large body", a.client().do(req), http.StatusRequestEntityTooLarge)
}

func TestUnknownRoutesGetTheNotFoundPage(t *testing.T) {
	a := newApp(t)
	c := a.signedIn("investigator@our.example")
	for _, path := range []string{"/nope", "/admin", "/agency/users/abc", "/admin/agencies/999999"} {
		res := c.get(path)
		wantStatus(t, path, res, http.StatusNotFound)
		res.mustContain(t, "Page not found")
	}
	// Signed out, nothing is revealed: every private path leads to the login.
	res := a.client().get("/agency/users/1")
	wantStatus(t, "signed out", res, http.StatusSeeOther)
}

func TestHealthAndReadiness(t *testing.T) {
	a := newApp(t)
	wantStatus(t, "healthz", a.client().get("/healthz"), http.StatusOK)
	wantStatus(t, "readyz", a.client().get("/readyz"), http.StatusOK)
	if _, err := a.db.Owner.Exec(t.Context(), `UPDATE schema_migrations SET version = version - 1`); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "readyz behind", a.client().get("/readyz"), http.StatusServiceUnavailable)
}

func TestLanguageFollowsAcceptLanguageThenChoiceThenProfile(t *testing.T) {
	a := newApp(t)
	c := a.client()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/login", nil)
	req.Header.Set("Accept-Language", "km-KH,km;q=0.9,en;q=0.5")
	if res := c.do(req); !strings.Contains(res.body, `lang="km"`) {
		t.Error("Accept-Language km did not give a Khmer page")
	}
	c.post("/language", url.Values{"lang": {"th"}, "next": {"/login"}})
	if res := c.get("/login"); !strings.Contains(res.body, `<html lang="th"`) {
		t.Error("the language picker did not switch to Thai")
	}
	bad := c.post("/language", url.Values{"lang": {"xx"}})
	wantStatus(t, "unknown language", bad, http.StatusBadRequest)

	// Signed in, the choice is stored as the user's preference.
	u := a.signedIn("coordinator@kh-moi.example")
	u.post("/language", url.Values{"lang": {"km"}, "next": {"/"}})
	other := a.signedIn("coordinator@kh-moi.example")
	if res := other.get("/"); !strings.Contains(res.body, `<html lang="km"`) {
		t.Error("the language choice was not stored for the user")
	}
}
