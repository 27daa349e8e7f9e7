package server_test

import (
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
