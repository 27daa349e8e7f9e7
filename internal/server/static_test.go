package server_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestStaticAssets: pages name assets by content-hashed URLs that browsers
// keep for a year; the files go out gzipped once compressed, and a
// revalidation is answered with 304.
func TestStaticAssets(t *testing.T) {
	a := newApp(t)
	page := a.client().get("/login")
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("the login page names no hashed stylesheet:\n%.1500s", page.body)
	}
	hashed := m[1]

	get := func(path string, header map[string]string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	res := get(hashed, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("hashed asset: %d %v", res.StatusCode, res.Header)
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(zr)
	if !strings.Contains(string(css), ".badge") {
		t.Error("the gzipped stylesheet is not the stylesheet")
	}
	if res := get(hashed, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", res.StatusCode)
	}
	plain := get("/static/app.css", nil)
	if plain.StatusCode != http.StatusOK || plain.Header.Get("Cache-Control") != "public, max-age=3600" || plain.Header.Get("Content-Encoding") != "" {
		t.Errorf("plain name without gzip: %d %v", plain.StatusCode, plain.Header)
	}
	for _, path := range []string{"/static/nope.css", "/static/app.000000000000.css", "/static/../go.mod"} {
		if res := get(path, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.StatusCode)
		}
	}
}
