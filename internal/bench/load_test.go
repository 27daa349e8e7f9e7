package bench

import (
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// fakeSite answers like Handshake where the load needs it: a sign-in that
// wants a same-origin form, a case list in two pages, a case, and a page
// with assets, gzipped when asked.
func fakeSite(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	signedIn := func(r *http.Request) bool {
		c, err := r.Cookie("handshake_session")
		return err == nil && c.Value == "ok"
	}
	write := func(w http.ResponseWriter, r *http.Request, body string) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			t.Errorf("%s without Accept-Encoding: gzip", r.URL)
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(body))
		zw.Close()
	}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Sec-Fetch-Site") != "same-origin" || r.FormValue("password") != "pw" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "handshake_session", Value: "ok", Path: "/"})
		http.Redirect(w, r, "/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /cases", func(w http.ResponseWriter, r *http.Request) {
		if !signedIn(r) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if r.URL.Query().Get("after") == "" {
			write(w, r, `<a href="/cases/1">one</a><a href="/cases/2">two</a><a class="button" href="/cases?q=&amp;after=2">older</a>`)
			return
		}
		write(w, r, `<a href="/cases/3">three</a><a href="/cases/1">one again</a>`)
	})
	mux.HandleFunc("GET /cases/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "404" {
			http.NotFound(w, r)
			return
		}
		write(w, r, "<h1>case</h1>")
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		write(w, r, `<link rel="stylesheet" href="/static/a.css"><script src="/static/b.js"></script>`+
			`<div data-geojson="/map.geojson?" data-borders="/static/c.json"></div>`+strings.Repeat("x", 1000))
	})
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("y", 100))) // not compressed
	})
	mux.HandleFunc("GET /map.geojson", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("bbox") != mapView {
			t.Errorf("GeoJSON asked for box %q, want the whole region", r.URL.Query().Get("bbox"))
		}
		w.Write([]byte(`{"features":[]}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func newTestLoader(t *testing.T, srv *httptest.Server) *loader {
	base, _ := url.Parse(srv.URL)
	l := &loader{o: Options{Password: "pw", Users: 2, Progress: nil}, base: base,
		transport: &http.Transport{DisableCompression: true}}
	l.anonymous = l.client(nil)
	t.Cleanup(l.transport.CloseIdleConnections)
	return l
}

func TestSignInCollectIDsAndSend(t *testing.T) {
	srv := fakeSite(t)
	l := newTestLoader(t, srv)
	ctx := context.Background()
	c, err := l.signIn(ctx, Account{Email: "coordinator@th-ppr2.example"})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := l.caseIDs(ctx, c, 4)
	if err != nil || fmt.Sprint(ids) != "[1 2 3]" {
		t.Fatalf("case ids %v, %v; want [1 2 3] from both list pages", ids, err)
	}
	if _, err := l.send(ctx, c, get("/cases/2")); err != nil {
		t.Errorf("a case that exists: %v", err)
	}
	if _, err := l.send(ctx, c, get("/cases/404")); err == nil || !strings.Contains(err.Error(), "status 404") {
		t.Errorf("a missing case: %v, want an error naming the status", err)
	}
	// Without the session the list redirects to the sign-in: not a success.
	if _, err := l.send(ctx, l.anonymous, get("/cases")); err == nil || !strings.Contains(err.Error(), "status 303") {
		t.Errorf("the list signed out: %v", err)
	}

	l.o.Password = "wrong"
	if _, err := l.signIn(ctx, Account{Email: "coordinator@th-ppr2.example"}); err == nil {
		t.Error("a refused sign-in passed")
	}
}

func TestDriveRecordsEveryUsersRequestsAndErrors(t *testing.T) {
	srv := fakeSite(t)
	l := newTestLoader(t, srv)
	l.o.Duration = 200 * time.Millisecond
	c, err := l.signIn(context.Background(), Account{Email: "a"})
	if err != nil {
		t.Fatal(err)
	}
	p := plan{Scenario: Scenario{Name: "case-page", Next: func(_ Account, n int) Request {
		return get([]string{"/cases/1", "/cases/404"}[n%2])
	}}, users: []planned{{Account{Email: "a"}, c}, {Account{Email: "b"}, c}}}
	e, err := l.drive(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if e.Requests < 2 || e.Errors == 0 || e.Errors == e.Requests || len(e.ErrorSamples) == 0 || e.Example != "GET /cases/1" {
		t.Errorf("endpoint: %+v", e)
	}
}

func TestMeasurePageCountsBytesOnTheWire(t *testing.T) {
	srv := fakeSite(t)
	l := newTestLoader(t, srv)
	pw := measurePage(context.Background(), l.client(nil), l.base, "/page")
	if pw.Error != "" {
		t.Fatal(pw.Error)
	}
	if pw.Bytes == 0 || pw.Bytes > 500 {
		t.Errorf("page %d bytes on the wire: want the gzipped size, well under its 1,000 bytes", pw.Bytes)
	}
	if len(pw.Assets) != 3 || pw.Total != pw.Bytes+300 {
		t.Errorf("assets %+v, total %d; want three of 100 bytes", pw.Assets, pw.Total)
	}
	if len(pw.Data) != 1 || pw.Data[0].URL != "/map.geojson?&bbox="+mapView {
		t.Errorf("data %+v", pw.Data)
	}
}
