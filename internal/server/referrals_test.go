package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestReferralPagesFromSendingToAnswer(t *testing.T) {
	a := newApp(t)
	path := openSharedCase(t, a) // a PPR2 case with an unconsented survivor
	inv := a.signedIn("investigator@th-ppr2.example")

	bad := inv.post(path+"/refer", url.Values{"to_agency": {""}, "purpose": {"nope"}, "urgency": {"urgent"}, "message": {""},
		"include_identity": {"1"}})
	wantStatus(t, "bad referral", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "This field is required.", "Choose one of the options.")

	send := func(to, purpose string) string {
		t.Helper()
		res := inv.post(path+"/refer", url.Values{"to_agency": {agencyID(t, a, to)}, "purpose": {purpose}, "urgency": {"high"},
			"message": {"Please help with " + purpose}})
		wantStatus(t, "send", res, http.StatusSeeOther)
		return res.header.Get("Location")
	}
	first, second := send("kh-ahtjp", "arrest"), send("kh-ahtjp", "rescue")
	// The second is overdue: it must lead the inbox.
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE referrals SET respond_by = now() - interval '1 hour' WHERE id = $1`,
		strings.TrimPrefix(second, "/referrals/")); err != nil {
		t.Fatal(err)
	}
	coord := a.signedIn("coordinator@kh-ahtjp.example")
	inbox := coord.get("/referrals")
	wantStatus(t, "inbox", inbox, http.StatusOK)
	if i, j := strings.Index(inbox.body, `href="`+second+`"`), strings.Index(inbox.body, `href="`+first+`"`); i < 0 || j < 0 || i > j {
		t.Errorf("the overdue referral does not come first (at %d, the other at %d)", i, j)
	}
	inbox.mustContain(t, "Overdue", `data-live="waiting"`)
	wantStatus(t, "overdue filter", coord.get("/referrals?overdue=1"), http.StatusOK)
	wantStatus(t, "bad filter", coord.get("/referrals?state=lost"), http.StatusUnprocessableEntity)

	noReason := coord.post(first+"/decline", url.Values{"reason": {" "}})
	wantStatus(t, "decline without reason", noReason, http.StatusUnprocessableEntity)
	noReason.mustContain(t, "This field is required.")
	wantStatus(t, "accept", coord.post(first+"/accept", nil), http.StatusSeeOther)
	again := coord.post(first+"/accept", nil)
	wantStatus(t, "accept twice", again, http.StatusSeeOther)
	coord.get(again.header.Get("Location")).mustContain(t, "changed since you opened it")
	wantStatus(t, "decline", coord.post(second+"/decline", url.Values{"reason": {"No officers free this week"}}), http.StatusSeeOther)
	inv.get(second).mustContain(t, "No officers free this week")

	wantStatus(t, "another agency", a.signedIn("coordinator@th-ticac.example").get(first), http.StatusNotFound)
	wantStatus(t, "an analyst", a.signedIn("analyst@kh-ahtjp.example").get("/referrals"), http.StatusNotFound)
	wantStatus(t, "the sender accepting", inv.post(second+"/accept", nil), http.StatusNotFound)
}
