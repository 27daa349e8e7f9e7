package server_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The case search and the case forms take whatever a browser sends. Under
// go test the seeds (below and in testdata/fuzz) run as tests; with
// go test -fuzz=FuzzCaseSearch ./internal/server they explore further.

func FuzzCaseSearch(f *testing.F) {
	for _, q := range []string{"karaoke", "ស្រីមុំ", "สมชาย", `%`, `_`, `\`, `'"; --`, "\x00", "\xff\xfe", strings.Repeat("%_", 120), "ab"} {
		f.Add(q, "open", "TH-27")
	}
	a := newApp(f)
	c := a.signedIn("coordinator@th-ppr2.example")
	f.Fuzz(func(t *testing.T, q, status, province string) {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+"/cases?"+url.Values{"q": {q}, "status": {status}, "province": {province}}.Encode(), nil)
		res := send(t, c, req)
		if res.status != http.StatusOK && res.status != http.StatusUnprocessableEntity {
			t.Fatalf("q=%q status=%q province=%q: status %d", q, status, province, res.status)
		}
		if strings.Contains(res.body, "<script>") {
			t.Fatalf("the search echoed markup: %q", q)
		}
	})
}

func FuzzCaseForm(f *testing.F) {
	for _, body := range []string{
		"title=Scam+compound&category=scam_compound&priority=high&country=KH&province=KH-18&handling_code=partners",
		"title=%00&category=&priority=&country=ZZ&province=TH-27&opened_on=2999-99-99",
		"title=" + strings.Repeat("ก", 300) + "&summary=%ff%fe",
		"=&&==&title", "%zz", "opened_on=0001-01-01&handling_code=originator",
	} {
		f.Add(body)
	}
	a := newApp(f)
	c := a.signedIn("investigator@kh-ahtjp.example")
	f.Fuzz(func(t *testing.T, body string) {
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/cases/new", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res := send(t, c, req)
		switch res.status {
		case http.StatusSeeOther, http.StatusUnprocessableEntity, http.StatusBadRequest:
		default:
			t.Fatalf("body %q: status %d", body, res.status)
		}
	})
}

// send is client.do for a fuzz target, which must report to its own t.
func send(t *testing.T, c *client, req *http.Request) response {
	res, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}
