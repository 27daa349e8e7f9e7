package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/geo"
)

// personPath finds the path of the first person with code prefix (S-, P-)
// on a case page as c sees it.
func personPath(t *testing.T, c *client, casePath, prefix string) string {
	t.Helper()
	page := c.get(casePath)
	wantStatus(t, "case page", page, http.StatusOK)
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(casePath) + `/people/\d+)"><strong>` + prefix).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no %s person on the case page", prefix)
	}
	return m[1]
}

// inDays is the region's date n days from today, as a date field sends it.
func inDays(n int) string { return geo.Today(time.Now()).AddDate(0, 0, n).Format(time.DateOnly) }

const (
	aftercareCaseBody   = "Counselling twice a week; she asks to call her mother in Battambang."
	aftercareAgencyBody = "Internal: shelter staff worried about a visitor who claimed to be her aunt."
)

func TestAftercareNotesOverHTTPFollowDesign35(t *testing.T) {
	a := newApp(t)
	casePath := openSharedCase(t, a)
	cw := a.signedIn("caseworker@aim.example")
	page := personPath(t, cw, casePath, "S-") + "/aftercare"

	res := cw.get(page)
	wantStatus(t, "AIM caseworker's aftercare page", res, http.StatusOK)
	res.mustContain(t, "Aftercare", "Add a note", "Record a service")
	if res.header.Get("Cache-Control") != "no-store" {
		t.Error("the aftercare page may be cached")
	}

	bad := cw.post(page+"/notes", url.Values{"category": {"gossip"}, "body": {"Half a sentence kept"},
		"follow_up_on": {inDays(-2)}, "visibility": {"case"}})
	wantStatus(t, "bad note", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "Choose one of the options.", "A follow-up date cannot be in the past.", "Half a sentence kept", inDays(-2))

	wantStatus(t, "note for the case", cw.post(page+"/notes", url.Values{"category": {"psychosocial"}, "body": {aftercareCaseBody},
		"follow_up_on": {inDays(3)}, "visibility": {"case"}}), http.StatusSeeOther)
	wantStatus(t, "note for AIM", cw.post(page+"/notes", url.Values{"category": {"shelter"}, "body": {aftercareAgencyBody},
		"visibility": {"agency"}}), http.StatusSeeOther)
	cw.get(page).mustContain(t, aftercareCaseBody, aftercareAgencyBody, "Follow up by "+inDays(3), "Note added.")

	// PPR2 owns the case, yet to AIM's note it is another agency: its
	// investigator learns a note exists, its coordinator reads it.
	inv := a.signedIn("investigator@th-ppr2.example").get(page)
	wantStatus(t, "PPR2 investigator", inv, http.StatusOK)
	inv.mustContain(t, "A note exists.", "Psychosocial", "AIM")
	for _, hidden := range []string{aftercareCaseBody, aftercareAgencyBody, "Shelter", "Add a note", "Record a service", inDays(3)} {
		if strings.Contains(inv.body, hidden) {
			t.Errorf("PPR2's investigator sees %q", hidden)
		}
	}
	coord := a.signedIn("coordinator@th-ppr2.example").get(page)
	wantStatus(t, "PPR2 coordinator", coord, http.StatusOK)
	coord.mustContain(t, aftercareCaseBody, "Record a service")
	if strings.Contains(coord.body, aftercareAgencyBody) || strings.Contains(coord.body, "Add a note") {
		t.Error("PPR2's coordinator sees AIM's agency note or may add notes")
	}

	for email, path := range map[string]string{
		"investigator@th-ticac.example": page, // no access to the case
		"analyst@th-ppr2.example":       page,
		"agency_admin@aim.example":      page,
		"caseworker@aim.example":        personPath(t, cw, casePath, "P-") + "/aftercare", // suspects have none
	} {
		wantStatus(t, email+" on "+path, a.signedIn(email).get(path), http.StatusNotFound)
	}
	aimInv := a.signedIn("investigator@aim.example")
	wantStatus(t, "AIM investigator adds a note", aimInv.post(page+"/notes", url.Values{"category": {"medical"}, "body": {"x"},
		"visibility": {"case"}}), http.StatusNotFound)
	wantStatus(t, "malformed id", cw.get("/cases/x/people/1/aftercare"), http.StatusNotFound)
}

func TestAftercareServicesOverHTTP(t *testing.T) {
	a := newApp(t)
	casePath := openSharedCase(t, a)
	cw := a.signedIn("caseworker@aim.example")
	page := personPath(t, cw, casePath, "S-") + "/aftercare"
	aim := agencyID(t, a, "aim")

	bad := cw.post(page+"/services", url.Values{"kind": {"shelter_stay"}, "provider": {aim}, "status": {"active"},
		"starts_on": {inDays(0)}, "ends_on": {inDays(-1)}, "note": {"Room 4, with her sister"}})
	wantStatus(t, "service ending before it starts", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "The end date cannot be before the start date.", "Room 4, with her sister")

	res := cw.post(page+"/services", url.Values{"kind": {"shelter_stay"}, "provider": {aim}, "status": {"planned"},
		"starts_on": {inDays(0)}, "ends_on": {inDays(90)}, "note": {"Room 4, with her sister"}})
	wantStatus(t, "service", res, http.StatusSeeOther)
	cw.get(page).mustContain(t, "Shelter stay", "Agape International Missions (AIM)", "Room 4, with her sister", inDays(90), "Service recorded.")

	inv := a.signedIn("investigator@th-ppr2.example")
	shown := inv.get(page)
	shown.mustContain(t, "Shelter stay", "Planned")
	if strings.Contains(shown.body, "Room 4") || strings.Contains(shown.body, "Change status") {
		t.Error("PPR2's investigator reads the service note or may change the status")
	}
	service := regexp.MustCompile(`action="(` + regexp.QuoteMeta(page) + `/services/\d+)"`).FindStringSubmatch(cw.get(page).body)
	if service == nil {
		t.Fatal("no status form for AIM's caseworker")
	}
	wantStatus(t, "bad status", cw.post(service[1], url.Values{"status": {"finished"}}), http.StatusUnprocessableEntity)
	wantStatus(t, "status by the owner", a.signedIn("coordinator@th-ppr2.example").post(service[1], url.Values{"status": {"active"}}), http.StatusNotFound)
	wantStatus(t, "status", cw.post(service[1], url.Values{"status": {"active"}}), http.StatusSeeOther)
	inv.get(page).mustContain(t, "Active")
}

func TestAftercareFollowUpsList(t *testing.T) {
	a := newApp(t)
	casePath := openSharedCase(t, a)
	cw := a.signedIn("caseworker@aim.example")
	survivor := personPath(t, cw, casePath, "S-")
	wantStatus(t, "note", cw.post(survivor+"/aftercare/notes", url.Values{"category": {"legal"}, "body": {"Court date to prepare"},
		"follow_up_on": {inDays(2)}, "visibility": {"agency"}}), http.StatusSeeOther)
	wantStatus(t, "note", cw.post(survivor+"/aftercare/notes", url.Values{"category": {"education"}, "body": {"School term starts"},
		"follow_up_on": {inDays(20)}, "visibility": {"agency"}}), http.StatusSeeOther)

	list := cw.get("/aftercare/followups")
	wantStatus(t, "follow-ups", list, http.StatusOK)
	list.mustContain(t, "Follow-ups due", `href="`+survivor+`/aftercare"`, inDays(2), "Legal", "TH-PPR2-")
	if strings.Contains(list.body, inDays(20)) || strings.Contains(list.body, "Court date") {
		t.Error("the list shows a follow-up 20 days ahead, or a note's text")
	}
	a.signedIn("coordinator@aim.example").get("/aftercare/followups").mustContain(t, inDays(2))
	empty := a.signedIn("caseworker@our.example").get("/aftercare/followups")
	wantStatus(t, "OUR's follow-ups", empty, http.StatusOK)
	empty.mustContain(t, "No follow-ups due.")
	for _, email := range []string{"investigator@aim.example", "analyst@aim.example", "agency_admin@aim.example"} {
		wantStatus(t, email, a.signedIn(email).get("/aftercare/followups"), http.StatusNotFound)
	}
}
