package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/seed"
)

// eventRows finds the ids of the events a page of the audit log shows.
var eventRows = regexp.MustCompile(`<tr id="event-(\d+)"`)

func eventIDs(r response) []int64 {
	var ids []int64
	for _, m := range eventRows.FindAllStringSubmatch(r.body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

// visible drops the line-break hints the page puts into long values, so
// that tests can look for the values as a reader sees them.
func visible(r response) response {
	r.body = strings.ReplaceAll(r.body, "<wbr>", "")
	return r
}

// eventCount is how many events the log holds, whatever the demo data
// recorded.
func eventCount(t *testing.T, a *app) int {
	t.Helper()
	var n int
	if err := a.db.Owner.QueryRow(t.Context(), `SELECT count(*) FROM audit_events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// olderLink is the page's "Older events" link, or "".
func olderLink(r response) string {
	m := regexp.MustCompile(`<a class="button secondary" href="([^"]+)">Older events</a>`).FindStringSubmatch(r.body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestPlatformAdminReadsTheAuditLogOfSignIns(t *testing.T) {
	a := newApp(t)
	a.signedIn("investigator@th-ppr2.example")
	wantStatus(t, "wrong password", a.client().login("coordinator@aim.example", "not the password"), http.StatusUnauthorized)
	p := a.signedIn(seed.PlatformAdminEmail)

	res := visible(p.get("/admin/audit"))
	wantStatus(t, "audit log", res, http.StatusOK)
	res.mustContain(t, "Audit log", "investigator@th-ppr2.example", "PPR2", seed.PlatformAdminEmail,
		`<td data-label="Action">login</td>`, `<td data-label="Action">login.fail</td>`, "coordinator@aim.example")
	if ids := eventIDs(res); len(ids) < 3 || ids[0] < ids[1] {
		t.Errorf("events %v, want at least 3, newest first", ids)
	}

	for _, c := range []struct {
		query string
		want  int
		has   string
	}{
		{"action=login", 2, seed.PlatformAdminEmail},
		{"action=login.fail", 1, "coordinator@aim.example"},
		{"action=login.", 1, "coordinator@aim.example"},
		{"action=log", 0, ""},
		{"actor=Investigator@TH-PPR2.example", 1, "investigator@th-ppr2.example"},
		{"agency=" + agencyID(t, a, "th-ppr2") + "&action=login", 1, "PPR2"},
		{"object_type=user&object_id=" + userID(t, a, "investigator@th-ppr2.example"), 1, "investigator@th-ppr2.example"},
		{"from=2000-01-01&to=2000-12-31", 0, "No events match these filters."},
		{"from=2000-01-01", min(eventCount(t, a), 50), ""},
	} {
		res := visible(p.get("/admin/audit?" + c.query))
		wantStatus(t, c.query, res, http.StatusOK)
		if got := len(eventIDs(res)); got != c.want {
			t.Errorf("%s: %d events, want %d", c.query, got, c.want)
		}
		if c.has != "" && !strings.Contains(res.body, c.has) {
			t.Errorf("%s: the page lacks %q", c.query, c.has)
		}
	}
}

func TestAuditLogIsOnlyForThePlatformAdmin(t *testing.T) {
	a := newApp(t)
	for _, email := range []string{"agency_admin@th-ppr2.example", "investigator@th-ppr2.example", "coordinator@kh-moi.example"} {
		res := a.signedIn(email).get("/admin/audit?action=login")
		wantStatus(t, email, res, http.StatusNotFound)
		res.mustContain(t, "Page not found")
	}
	res := a.client().get("/admin/audit")
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("signed out: %d %q, want a redirect to the login page", res.status, res.header.Get("Location"))
	}
}

func TestAuditLogPagesOlderEventsByKeyset(t *testing.T) {
	a := newApp(t)
	if _, err := a.db.App.Exec(t.Context(), `
		INSERT INTO audit_events (action, object_type, object_id) SELECT 'test.page', 'agency', g::text FROM generate_series(1, 120) g`); err != nil {
		t.Fatal(err)
	}
	p := a.signedIn(seed.PlatformAdminEmail)
	seen := map[int64]bool{}
	path, pages := "/admin/audit?action=test.page", 0
	for path != "" {
		res := p.get(path)
		wantStatus(t, path, res, http.StatusOK)
		ids := eventIDs(res)
		for i, id := range ids {
			if seen[id] || (i > 0 && id >= ids[i-1]) {
				t.Fatalf("%s: event %d out of order or shown twice", path, id)
			}
			seen[id] = true
		}
		pages++
		path = olderLink(res)
		if path != "" && !strings.Contains(path, "action=test.page") {
			t.Fatalf("the older link %q drops the filter", path)
		}
	}
	if pages != 3 || len(seen) != 120 {
		t.Fatalf("%d pages with %d events, want 3 pages with all 120", pages, len(seen))
	}
}

// TestAuditLogFiltersNeverAnswer500: junk in any filter gets the page with
// a message beside the field, or is ignored, never a 500.
func TestAuditLogFiltersNeverAnswer500(t *testing.T) {
	a := newApp(t)
	p := a.signedIn(seed.PlatformAdminEmail)
	fields := []string{"action", "actor", "agency", "object_type", "object_id", "from", "to", "before"}
	for _, field := range fields {
		for _, value := range append(junk, "2026-02-30", "-1", "99999999999999999999", "12abc") {
			res := p.get("/admin/audit?" + url.Values{field: {value}}.Encode())
			if res.status != http.StatusOK && res.status != http.StatusUnprocessableEntity {
				t.Errorf("%s=%.30q: status %d", field, value, res.status)
			}
			if strings.Contains(res.body, "<script>alert") {
				t.Errorf("%s echoes markup unescaped", field)
			}
		}
	}
	for _, c := range []struct{ query, field, message string }{
		{"from=31/03/2026", "from", "Enter a date such as 2026-03-31."},
		{"to=2026-02-30", "to", "Enter a date such as 2026-03-31."},
		{"from=2026-03-31&to=2026-03-01", "to", "This date is before the From date."},
		{"agency=abc", "agency", "Choose one of the options."},
		{"actor=" + url.QueryEscape(strings.Repeat("ก", 10_000)), "actor", "Enter an email address"},
		{"action=" + url.QueryEscape(strings.Repeat("x", 10_000)), "action", "Use at most 64 characters."},
		{"object_id=%FF%FE", "object_id", "characters that cannot be read"},
	} {
		res := p.get("/admin/audit?" + c.query)
		wantStatus(t, c.query, res, http.StatusUnprocessableEntity)
		res.mustContain(t, `id="`+c.field+`-error"`, c.message)
	}
	// A page link gone wrong starts again at the newest events.
	res := p.get("/admin/audit?before=abc")
	wantStatus(t, "before=abc", res, http.StatusOK)
	if len(eventIDs(res)) == 0 {
		t.Error("before=abc shows no events")
	}
}
