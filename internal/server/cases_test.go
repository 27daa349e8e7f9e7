package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// openSharedCase walks the case forms as PPR2: an investigator opens a
// case with a survivor, a suspect and a law_enforcement entry, and the
// coordinator shares it with AIM to read. It returns the case's path.
func openSharedCase(t *testing.T, a *app) string {
	t.Helper()
	inv := a.signedIn("investigator@th-ppr2.example")
	res := inv.post("/cases/new", url.Values{"title": {"Girls recruited for karaoke bars in Aranyaprathet"},
		"summary": {"Recruiter known as Mama Lek."}, "category": {"sex_trafficking"}, "priority": {"high"},
		"country": {"TH"}, "province": {"TH-27"}, "handling_code": {"partners"}, "opened_on": {""}})
	wantStatus(t, "create case", res, http.StatusSeeOther)
	path := res.header.Get("Location")
	for _, person := range []url.Values{
		{"role": {"survivor"}, "names": {"Srey Mom\nស្រីមុំ"}, "sex": {"female"}, "age_estimate": {"16"}, "nationality": {"KH"}},
		{"role": {"suspect"}, "names": {"Lek Sombat"}, "aliases": {"Mama Lek"}, "sex": {"female"}, "suspect_status": {"wanted"}},
	} {
		wantStatus(t, "add person", inv.post(path+"/people", person), http.StatusSeeOther)
	}
	wantStatus(t, "add entry", inv.post(path+"/entries", url.Values{"kind": {"operation"}, "body": {"Informant reports a transfer on Friday."},
		"handling_code": {"law_enforcement"}}), http.StatusSeeOther)
	wantStatus(t, "add entry", inv.post(path+"/entries", url.Values{"kind": {"note"}, "body": {"Survivor interviewed with a social worker."},
		"handling_code": {"partners"}}), http.StatusSeeOther)
	coord := a.signedIn("coordinator@th-ppr2.example")
	wantStatus(t, "share", coord.post(path+"/shares", url.Values{"agency": {agencyID(t, a, "aim")}, "level": {"read"},
		"basis": {"referral"}, "reason": {"Aftercare for the survivor"}}), http.StatusSeeOther)
	return path
}

func TestCaseJourneyOverHTTP(t *testing.T) {
	a := newApp(t)
	path := openSharedCase(t, a)

	owner := a.signedIn("investigator@th-ppr2.example").get(path)
	wantStatus(t, "owner's view", owner, http.StatusOK)
	owner.mustContain(t, "TH-PPR2-", "Informant reports", "Agape International Missions", "S-", "P-")

	cw := a.signedIn("caseworker@aim.example")
	page := cw.get(path)
	wantStatus(t, "AIM's view", page, http.StatusOK)
	page.mustContain(t, "Survivor interviewed")
	for _, hidden := range []string{"Informant reports", "Srey Mom", "Lek Sombat"} {
		if strings.Contains(page.body, hidden) {
			t.Errorf("AIM's case page shows %q", hidden)
		}
	}
	survivor := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `/people/\d+)"><strong>S-`).FindStringSubmatch(page.body)
	if survivor == nil {
		t.Fatal("no survivor link on the case page")
	}
	wantStatus(t, "reveal without consent", cw.post(survivor[1]+"/identity", nil), http.StatusNotFound)

	wantStatus(t, "TICAC", a.signedIn("investigator@th-ticac.example").get(path), http.StatusNotFound)
	wantStatus(t, "PPR2 analyst", a.signedIn("analyst@th-ppr2.example").get(path), http.StatusNotFound)

	csv := cw.get("/cases/export.csv")
	wantStatus(t, "export", csv, http.StatusOK)
	if !strings.HasPrefix(csv.body, "\uFEFF") {
		t.Error("the CSV has no byte-order mark; Excel would garble Thai and Khmer")
	}
	if strings.Contains(csv.body, "Srey Mom") || !strings.Contains(csv.body, "Lek Sombat") {
		t.Errorf("export identity columns wrong:\n%s", csv.body)
	}

	// Consent recorded by the owner opens the survivor's identity.
	inv := a.signedIn("investigator@th-ppr2.example")
	wantStatus(t, "consent", inv.post(survivor[1]+"/consent", url.Values{"consent": {"1"}}), http.StatusSeeOther)
	shown := cw.post(survivor[1]+"/identity", nil)
	wantStatus(t, "reveal with consent", shown, http.StatusOK)
	shown.mustContain(t, "Srey Mom", "ស្រីមុំ")
}

func TestCaseEditOverANewerSaveShowsBoth(t *testing.T) {
	a := newApp(t)
	path := openSharedCase(t, a)
	inv := a.signedIn("investigator@th-ppr2.example")
	form := func(title, status string) url.Values {
		return url.Values{"title": {title}, "summary": {""}, "category": {"sex_trafficking"}, "status": {status},
			"priority": {"high"}, "country": {"TH"}, "province": {"TH-27"}, "handling_code": {"partners"},
			"opened_on": {""}, "version": {"1"}}
	}
	wantStatus(t, "first save", inv.post(path+"/edit", form("Karaoke bars: operation planned", "operation_planned")), http.StatusSeeOther)
	res := a.signedIn("coordinator@th-ppr2.example").post(path+"/edit", form("My older title", "investigating"))
	wantStatus(t, "stale save", res, http.StatusConflict)
	res.mustContain(t, "Karaoke bars: operation planned", "My older title")
	page := inv.get(path)
	page.mustContain(t, "Karaoke bars: operation planned", "Operation planned")
}

func TestCaseFormsReportBadInputBesideFields(t *testing.T) {
	a := newApp(t)
	inv := a.signedIn("investigator@kh-ahtjp.example")
	res := inv.post("/cases/new", url.Values{"title": {"x"}, "category": {"nope"}, "priority": {"normal"}, "country": {"KH"},
		"province": {"TH-27"}, "handling_code": {"partners"}, "opened_on": {"2999-12-31"}})
	wantStatus(t, "bad case", res, http.StatusUnprocessableEntity)
	res.mustContain(t, "Use at least 3 characters.", "Choose one of the options.", "province of the chosen country", "cannot be in the future")
	list := inv.get("/cases?q=ab")
	wantStatus(t, "short search", list, http.StatusUnprocessableEntity)
	list.mustContain(t, "at least 3 characters")
	for _, q := range []string{`%_\`, strings.Repeat("ก", 150), "\xff\xfe", "'; DROP TABLE cases; --"} {
		if res := inv.get("/cases?q=" + url.QueryEscape(q)); res.status >= 500 {
			t.Errorf("search %.20q: %d", q, res.status)
		}
	}
	if res := inv.get("/cases?after=garbage"); res.status >= 500 {
		t.Errorf("bad cursor: %d", res.status)
	}
}

func TestOwnerCorrectsAPersonAndPartnersCannot(t *testing.T) {
	a := newApp(t)
	path := openSharedCase(t, a)
	inv := a.signedIn("investigator@th-ppr2.example")
	page := inv.get(path)
	suspect := regexp.MustCompile(`href="(` + regexp.QuoteMeta(path) + `/people/\d+)"><strong>P-`).FindStringSubmatch(page.body)
	if suspect == nil {
		t.Fatal("no suspect on the case page")
	}
	form := inv.get(suspect[1] + "/edit")
	wantStatus(t, "edit form", form, http.StatusOK)
	form.mustContain(t, "Lek Sombat", "Mama Lek")
	if form.header.Get("Cache-Control") != "no-store" {
		t.Error("the identity form may be cached")
	}
	bad := inv.post(suspect[1]+"/edit", url.Values{"names": {""}, "sex": {"female"}, "suspect_status": {"arrested"}, "age_estimate": {"200"}})
	wantStatus(t, "bad edit", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "This field is required.", "from 0 to 120")
	wantStatus(t, "edit", inv.post(suspect[1]+"/edit", url.Values{"names": {"Lek Sombat"}, "aliases": {"Mama Lek\nแม่เล็ก"},
		"sex": {"female"}, "suspect_status": {"arrested"}}), http.StatusSeeOther)
	inv.get(path).mustContain(t, "Arrested")

	aim := a.signedIn("coordinator@aim.example")
	wantStatus(t, "partner's edit form", aim.get(suspect[1]+"/edit"), http.StatusNotFound)
	wantStatus(t, "partner's edit", aim.post(suspect[1]+"/edit", url.Values{"names": {"X"}, "sex": {"male"}, "suspect_status": {"released"}}), http.StatusNotFound)
}
