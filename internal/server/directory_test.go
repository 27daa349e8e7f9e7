package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// newContact creates an entry as c and returns its path.
func newContact(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	res := c.post("/directory/new", form)
	wantStatus(t, "create contact", res, http.StatusSeeOther)
	loc := res.header.Get("Location")
	if !regexp.MustCompile(`^/directory/\d+$`).MatchString(loc) {
		t.Fatalf("redirect to %q", loc)
	}
	return loc
}

func TestDirectoryOverHTTP(t *testing.T) {
	a := newApp(t)
	coord := a.signedIn("coordinator@kh-ahtjp.example")

	bad := coord.post("/directory/new", url.Values{"name": {"សុខ ចាន់ថា"}, "phones": {"12-34"}, "line_id": {"ab"},
		"telegram": {"x-y"}, "visibility": {"partners"}, "active": {"1"}})
	wantStatus(t, "bad contact", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "is not a phone number we can read", "A LINE ID has 4 to 20", "A Telegram username has", "សុខ ចាន់ថា")

	path := newContact(t, coord, url.Values{"name": {"សុខ ចាន់ថា"}, "position": {"Lieutenant Colonel"},
		"phones": {"012 345 678"}, "line_id": {"chantha.kh"}, "whatsapp": {"012 345 678"}, "telegram": {"@chantha_ahtjp"},
		"signal": {"+855 12 345 678"}, "languages": {"km", "en"}, "provinces": {"KH-1", "KH-2"}, "focal_point": {"1"},
		"visibility": {"partners"}, "active": {"1"}})
	hidden := newContact(t, coord, url.Values{"name": {"AHTJP night desk"}, "phones": {"011 222 333"},
		"visibility": {"agency"}, "active": {"1"}})

	// A Thai analyst finds the entry, with its tap links, but not the
	// agency-only one.
	an := a.signedIn("analyst@th-ppr2.example")
	list := an.get("/directory?country=KH&focal=1")
	wantStatus(t, "search", list, http.StatusOK)
	list.mustContain(t, "សុខ ចាន់ថា", `href="tel:+85512345678"`, `href="https://line.me/ti/p/~chantha.kh"`,
		`href="https://wa.me/85512345678"`, `href="https://t.me/chantha_ahtjp"`, `href="https://signal.me/#p/+85512345678"`, "24/7")
	if strings.Contains(an.get("/directory").body, "AHTJP night desk") {
		t.Error("PPR2 sees AHTJP's agency-only entry in the list")
	}
	wantStatus(t, "agency-only entry", an.get(hidden), http.StatusNotFound)
	wantStatus(t, "analyst's new form", an.get("/directory/new"), http.StatusNotFound)
	wantStatus(t, "PPR2 coordinator edits", a.signedIn("coordinator@th-ppr2.example").get(path+"/edit"), http.StatusNotFound)
	wantStatus(t, "PPR2 coordinator deletes", a.signedIn("coordinator@th-ppr2.example").post(path+"/delete", nil), http.StatusNotFound)

	// vCards, one and the list.
	one := an.get(path + ".vcf")
	wantStatus(t, "vcf", one, http.StatusOK)
	if !strings.HasPrefix(one.header.Get("Content-Type"), "text/vcard") || !strings.Contains(one.body, "FN:សុខ ចាន់ថា") ||
		!strings.Contains(one.body, "TEL;TYPE=cell:+85512345678") {
		t.Errorf("vcf: %s\n%s", one.header.Get("Content-Type"), one.body)
	}
	all := an.get("/directory/export.vcf?country=KH")
	wantStatus(t, "list vcf", all, http.StatusOK)
	if strings.Count(all.body, "BEGIN:VCARD") != 1 {
		t.Errorf("list vcf: %s", all.body)
	}

	// Edit, verify, the stale list, delete.
	res := coord.post(path+"/edit", url.Values{"name": {"សុខ ចាន់ថា"}, "phones": {"012 345 678\n+66 81 234 5678"},
		"visibility": {"partners"}, "active": {"1"}})
	wantStatus(t, "edit", res, http.StatusSeeOther)
	coord.get(path).mustContain(t, "+66812345678", "Contact saved.")
	wantStatus(t, "verify", coord.post(path+"/verify", nil), http.StatusSeeOther)
	admin := a.signedIn("agency_admin@kh-ahtjp.example")
	st := admin.get("/directory/stale")
	wantStatus(t, "stale", st, http.StatusOK)
	st.mustContain(t, "Every contact of your agency was checked recently.")
	wantStatus(t, "investigator's stale list", a.signedIn("investigator@kh-ahtjp.example").get("/directory/stale"), http.StatusNotFound)
	wantStatus(t, "delete", admin.post(hidden+"/delete", nil), http.StatusSeeOther)
	wantStatus(t, "deleted", admin.get(hidden), http.StatusNotFound)
}

// manyContactsOf adds n entries of an agency by SQL, half of them 24/7
// focal points, with names that repeat, checked days ago.
func manyContactsOf(t *testing.T, a *app, agency string, n, days int) {
	t.Helper()
	if _, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO contacts (agency_id, name, phones, focal_point, visibility, verified_on, created_by)
		SELECT (SELECT id FROM agencies WHERE code = $1), 'Officer ' || (i % 13), '{+85512345678}', i % 2 = 0,
			'partners', current_date - $3::int, (SELECT min(id) FROM users)
		FROM generate_series(1, $2) i`, agency, n, days); err != nil {
		t.Fatal(err)
	}
}

var (
	listedContact = regexp.MustCompile(`href="/directory/(\d+)"><strong>`)
	nextLink      = regexp.MustCompile(`href="([^"]*after=[^"]*)" rel="next"`)
	firstLink     = regexp.MustCompile(`<a href="([^"]*)">First page</a>`)
)

// TestDirectoryPagesOverHTTP: a search of many contacts comes in pages of
// 50 with plain links: "Next page" keeps every filter, "First page" leads
// back; a broken page link is a 422 that says so. The stale list pages
// the same way, and "Still correct" comes back to its page.
func TestDirectoryPagesOverHTTP(t *testing.T) {
	a := newApp(t)
	manyContactsOf(t, a, "kh-ahtjp", 130, 200)
	manyContactsOf(t, a, "th-ppr2", 40, 0)
	an := a.signedIn("analyst@th-ppr2.example")

	path := "/directory?name=officer&country=KH&focal=1"
	seen := map[string]bool{}
	pages := 0
	for path != "" {
		res := an.get(path)
		wantStatus(t, path, res, http.StatusOK)
		rows := listedContact.FindAllStringSubmatch(res.body, -1)
		for _, m := range rows {
			if seen[m[1]] {
				t.Errorf("contact %s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		pages++
		first := firstLink.FindStringSubmatch(res.body)
		if (pages > 1) != (first != nil) {
			t.Errorf("page %d: first page link %v", pages, first)
		}
		if first != nil && html.UnescapeString(first[1]) != "/directory?country=KH&focal=1&name=officer" {
			t.Errorf("page %d: first page is %s", pages, first[1])
		}
		if m := regexp.MustCompile(`href="/directory/export.vcf\?([^"]*)"`).FindStringSubmatch(res.body); m == nil ||
			html.UnescapeString(m[1]) != "country=KH&focal=1&name=officer" {
			t.Errorf("page %d: the download is %v, not the search from its start", pages, m)
		}
		path = ""
		if m := nextLink.FindStringSubmatch(res.body); m != nil {
			path = html.UnescapeString(m[1])
			u, err := url.Parse(path)
			if err != nil || u.Path != "/directory" || u.Query().Get("name") != "officer" || u.Query().Get("country") != "KH" ||
				u.Query().Get("focal") != "1" {
				t.Errorf("page %d: the next page forgets a filter: %s", pages, path)
			}
			if len(rows) != 50 {
				t.Errorf("page %d: %d contacts before the last page", pages, len(rows))
			}
		}
		if pages > 5 {
			t.Fatal("the pages do not end")
		}
	}
	if len(seen) != 65 || pages != 2 {
		t.Errorf("%d contacts over %d pages, want 65 over 2", len(seen), pages)
	}

	// A broken page link, or the stale list's, says so and leads to the
	// first page of the same search.
	for _, after := range []string{"bm90IGEgY3Vyc29y", "dmVyaWZpZWQAMjAyNS0wMS0wMQAx", "%%%"} {
		bad := an.get("/directory?country=KH&after=" + url.QueryEscape(after))
		wantStatus(t, "a broken page link "+after, bad, http.StatusUnprocessableEntity)
		bad.mustContain(t, "This page link is broken.", `<a href="/directory?country=KH">First page</a>`)
	}

	// The stale list: 130 entries of AHTJP's checked 200 days ago.
	admin := a.signedIn("agency_admin@kh-ahtjp.example")
	st := admin.get("/directory/stale")
	wantStatus(t, "stale", st, http.StatusOK)
	if n := len(listedContact.FindAllString(st.body, -1)); n != 50 || firstLink.MatchString(st.body) {
		t.Errorf("stale list's first page: %d entries, first page link %v", n, firstLink.MatchString(st.body))
	}
	m := nextLink.FindStringSubmatch(st.body)
	if m == nil {
		t.Fatal("the stale list has one page")
	}
	next := html.UnescapeString(m[1])
	st2 := admin.get(next)
	wantStatus(t, "stale page 2", st2, http.StatusOK)
	st2.mustContain(t, `<a href="/directory/stale">First page</a>`)
	ids := listedContact.FindAllStringSubmatch(st2.body, -1)
	if len(ids) != 50 {
		t.Fatalf("stale page 2: %d entries", len(ids))
	}
	after := strings.TrimPrefix(next, "/directory/stale?after=")
	st2.mustContain(t, `name="after" value="`+after+`"`)
	res := admin.post("/directory/"+ids[0][1]+"/verify", url.Values{"back": {"stale"}, "after": {after}})
	wantStatus(t, "still correct on page 2", res, http.StatusSeeOther)
	if loc := res.header.Get("Location"); loc != next {
		t.Errorf("still correct on page 2 goes to %s, want %s", loc, next)
	}
	if again := admin.get(next); strings.Contains(again.body, `href="/directory/`+ids[0][1]+`"`) ||
		!strings.Contains(again.body, `href="/directory/`+ids[1][1]+`"`) {
		t.Error("page 2 after still correct: the checked entry stays, or the next one went")
	}
	bad := admin.get("/directory/stale?after=bm90IGEgY3Vyc29y")
	wantStatus(t, "a broken stale page link", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "This page link is broken.", `<a href="/directory/stale">First page</a>`)
}
