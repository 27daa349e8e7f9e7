package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// TestReferralAccessMatrix: every role of every demo agency, as the
// sending agency, the receiving agency or a third agency, against every
// referral action, at the store and over HTTP. The expectation is DESIGN
// §4 written out again, independently of internal/access.
func TestReferralAccessMatrix(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	store := referrals.NewStore(a.db.App)
	actorOf := func(email string) access.Actor {
		actor, err := seed.DemoActor(ctx, a.db.App, email)
		if err != nil {
			t.Fatal(err)
		}
		return actor
	}
	sender := actorOf("investigator@th-ppr2.example")
	caseID, _, err := cases.NewStore(a.db.App).Create(ctx, sender, cases.CaseInput{Title: "Referral matrix", Category: "other",
		Priority: "normal", Country: "TH", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}
	to, _ := strconv32(agencyID(t, a, "kh-ahtjp"))
	receiver := actorOf("coordinator@kh-ahtjp.example")
	// fresh returns a new referral in state (pending or accepted).
	fresh := func(state string) int64 {
		id, err := store.Send(ctx, sender, caseID, referrals.SendInput{ToAgency: to, Purpose: "arrest", Urgency: "normal", Message: "matrix"})
		if err != nil {
			t.Fatal(err)
		}
		if state == "accepted" {
			if err := store.Accept(ctx, receiver, id); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}

	type action struct {
		name  string
		state string // the referral's state before the action
		store func(access.Actor, int64) error
		path  string
		form  url.Values
		ok    int // HTTP status when allowed
	}
	actions := []action{
		{"view", "pending", func(x access.Actor, id int64) error { _, err := store.Get(ctx, x, id); return err }, "", nil, http.StatusOK},
		{"accept", "pending", func(x access.Actor, id int64) error { return store.Accept(ctx, x, id) }, "/accept", nil, http.StatusSeeOther},
		{"decline", "pending", func(x access.Actor, id int64) error { return store.Decline(ctx, x, id, "matrix reason") }, "/decline",
			url.Values{"reason": {"matrix reason"}}, http.StatusSeeOther},
		{"withdraw", "pending", func(x access.Actor, id int64) error { return store.Withdraw(ctx, x, id) }, "/withdraw", nil, http.StatusSeeOther},
		{"complete", "accepted", func(x access.Actor, id int64) error { return store.Complete(ctx, x, id) }, "/complete", nil, http.StatusSeeOther},
	}
	expect := func(code string, role access.Role, email, action string) bool {
		reads := role == access.Investigator || role == access.Caseworker || role == access.Coordinator
		switch action {
		case "view":
			return reads && (code == "th-ppr2" || code == "kh-ahtjp")
		case "accept", "decline", "complete":
			return code == "kh-ahtjp" && role == access.Coordinator
		case "withdraw":
			return code == "th-ppr2" && (role == access.Coordinator || email == "investigator@th-ppr2.example")
		}
		panic(action)
	}

	var checked int
	for _, agency := range seed.DemoAgencies {
		for _, role := range access.RolesFor(agency.Kind) {
			email := seed.Email(role, agency.Code)
			actor := actorOf(email)
			web := a.signedIn(email)
			for _, act := range actions {
				want := expect(agency.Code, role, email, act.name)
				id := fresh(act.state)
				err := act.store(actor, id)
				if err != nil && !errors.Is(err, referrals.ErrNotFound) {
					t.Errorf("%s %s at the store: %v", email, act.name, err)
				}
				gotStore := err == nil

				id = fresh(act.state)
				path := fmt.Sprintf("/referrals/%d%s", id, act.path)
				var res response
				if act.path == "" {
					res = web.get(path)
				} else {
					res = web.post(path, act.form)
				}
				if res.status != act.ok && res.status != http.StatusNotFound {
					t.Errorf("%s %s over HTTP: status %d", email, act.name, res.status)
				}
				gotHTTP := res.status == act.ok
				if gotStore != want || gotHTTP != want {
					t.Errorf("%s %s: store %v, HTTP %v, want %v", email, act.name, gotStore, gotHTTP, want)
				}
				checked++
			}
		}
	}
	t.Logf("referral access matrix: %d combinations checked, each at the store and over HTTP", checked)
}
