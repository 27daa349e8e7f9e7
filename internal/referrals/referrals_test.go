package referrals_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t         *testing.T
	db        *pgtest.DB
	cases     *cases.Store
	referrals *referrals.Store
	users     *agencies.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, cases: cases.NewStore(db.App), referrals: referrals.NewStore(db.App), users: agencies.NewStore(db.App)}
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	a, err := f.users.Authenticate(context.Background(), email, seed.DemoPassword)
	if err != nil {
		f.t.Fatalf("%s: %v", email, err)
	}
	return a.Actor()
}

func (f *fixture) agency(code string) int32 {
	f.t.Helper()
	var id int32
	if err := f.db.Owner.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// newCase opens a PPR2 case with an unconsented survivor.
func (f *fixture) newCase(code access.HandlingCode) int64 {
	f.t.Helper()
	inv := f.actor("investigator@th-ppr2.example")
	id, _, err := f.cases.Create(context.Background(), inv, cases.CaseInput{Title: "Girls taken across at Ban Khlong Luek",
		Category: "sex_trafficking", Priority: "urgent", Country: "TH", Province: "TH-27", HandlingCode: code})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.cases.AddPerson(context.Background(), inv, id, cases.PersonInput{Role: access.Survivor, Names: "Srey Mom\nស្រីមុំ"}); err != nil {
		f.t.Fatal(err)
	}
	return id
}

func (f *fixture) notifications(email, kind string) int {
	f.t.Helper()
	var n int
	f.db.Owner.QueryRow(context.Background(), `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = $1 AND n.kind = $2`, email, kind).Scan(&n)
	return n
}

func TestReferralAcrossTheBorderFromSendingToCompletion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caseID := f.newCase(access.Partners)
	inv := f.actor("investigator@th-ppr2.example")
	before := time.Now()
	id, err := f.referrals.Send(ctx, inv, caseID, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"), Purpose: "investigation_assistance",
		Urgency: "urgent", Message: "Recruiter operates from Poipet; please locate."})
	if err != nil {
		t.Fatal(err)
	}
	coord := f.actor("coordinator@kh-ahtjp.example")
	r, err := f.referrals.Get(ctx, coord, id)
	if err != nil {
		t.Fatalf("the receiving coordinator cannot see the referral: %v", err)
	}
	if !r.CrossBorder || r.State != "pending" || r.RespondBy.Sub(before) < 23*time.Hour || r.RespondBy.Sub(before) > 25*time.Hour {
		t.Fatalf("referral %+v: want cross-border, pending, respond within 24 hours", r)
	}
	if f.notifications("coordinator@kh-ahtjp.example", "referral.sent") != 1 {
		t.Error("the receiving coordinator was not notified")
	}
	if _, err := f.cases.Get(ctx, coord, caseID); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("before accepting, the receiving agency sees the case: %v", err)
	}

	if err := f.referrals.Accept(ctx, coord, id); err != nil {
		t.Fatal(err)
	}
	c, err := f.cases.Get(ctx, coord, caseID)
	if err != nil || c.MyShare != access.Contribute || c.OwnerAgencyID != f.agency("th-ppr2") {
		t.Fatalf("after accepting: %+v %v; want a contribute share, owner unchanged", c, err)
	}
	if f.notifications("investigator@th-ppr2.example", "referral.accepted") != 1 {
		t.Error("the sender was not notified of the acceptance")
	}
	if err := f.referrals.Complete(ctx, coord, id); err != nil {
		t.Fatal(err)
	}
	v, _ := f.cases.Page(ctx, inv, caseID)
	var steps int
	for _, e := range v.Entries {
		if e.Kind == "referral" {
			steps++
		}
	}
	if steps != 3 {
		t.Errorf("%d referral entries on the timeline, want 3 (sent, accepted, completed)", steps)
	}
	var n int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE reference = '' OR link NOT LIKE '/referrals/%'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d notifications without a reference or a referral link", n)
	}
}

func TestTransitionsThatAreNotAllowedChangeNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caseID := f.newCase(access.Partners)
	inv := f.actor("investigator@th-ppr2.example")
	send := func() int64 {
		id, err := f.referrals.Send(ctx, inv, caseID, referrals.SendInput{ToAgency: f.agency("aim"), Purpose: "aftercare", Urgency: "normal", Message: "Shelter please"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	coord := f.actor("coordinator@aim.example")

	withdrawn := send()
	if err := f.referrals.Withdraw(ctx, inv, withdrawn); err != nil {
		t.Fatal(err)
	}
	if err := f.referrals.Accept(ctx, coord, withdrawn); !errors.Is(err, referrals.ErrTransition) {
		t.Errorf("accepting a withdrawn referral: %v, want ErrTransition", err)
	}
	accepted := send()
	if err := f.referrals.Accept(ctx, coord, accepted); err != nil {
		t.Fatal(err)
	}
	if err := f.referrals.Accept(ctx, coord, accepted); !errors.Is(err, referrals.ErrTransition) {
		t.Errorf("accepting twice: %v, want ErrTransition", err)
	}
	if err := f.referrals.Withdraw(ctx, inv, accepted); !errors.Is(err, referrals.ErrTransition) {
		t.Errorf("withdrawing an accepted referral: %v, want ErrTransition", err)
	}
	pending := send()
	if err := f.referrals.Decline(ctx, coord, pending, "  "); !isFieldError(err, "reason") {
		t.Errorf("declining without a reason: %v", err)
	}
	for email, op := range map[string]func(access.Actor) error{
		"investigator@aim.example": func(a access.Actor) error { return f.referrals.Accept(ctx, a, pending) },
		"caseworker@aim.example":   func(a access.Actor) error { return f.referrals.Decline(ctx, a, pending, "No beds") },
		"coordinator@th-ppr2.example": func(a access.Actor) error {
			return f.referrals.Accept(ctx, a, pending) // the sending side
		},
		"coordinator@clec.example": func(a access.Actor) error { return f.referrals.Withdraw(ctx, a, pending) },
	} {
		if err := op(f.actor(email)); !errors.Is(err, referrals.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", email, err)
		}
	}
	r, _ := f.referrals.Get(ctx, inv, pending)
	if r.State != "pending" {
		t.Fatalf("refused steps changed the referral to %s", r.State)
	}
	var unnamed, named int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FILTER (WHERE actor_user_id IS NULL), count(*) FILTER (WHERE actor_user_id IS NOT NULL)
		FROM audit_events WHERE action LIKE 'referral.%.denied'`).Scan(&unnamed, &named)
	if unnamed != 0 || named != 4 {
		t.Errorf("refused steps audited: %d without an actor, %d with; want 0 and 4", unnamed, named)
	}
}

func TestTwoCoordinatorsAcceptingAtOnceEndWithOneAcceptance(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// A second coordinator at AHTJP.
	if _, err := f.db.Owner.Exec(ctx, `INSERT INTO users (agency_id, email, display_name, password_hash, roles)
		SELECT agency_id, 'coordinator2@kh-ahtjp.example', 'Second coordinator', password_hash, roles FROM users
		WHERE email = 'coordinator@kh-ahtjp.example'`); err != nil {
		t.Fatal(err)
	}
	caseID := f.newCase(access.Partners)
	for range 5 {
		id, err := f.referrals.Send(ctx, f.actor("investigator@th-ppr2.example"), caseID, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"),
			Purpose: "arrest", Urgency: "high", Message: "Suspect crossed at Poipet"})
		if err != nil {
			t.Fatal(err)
		}
		coordinators := []access.Actor{f.actor("coordinator@kh-ahtjp.example"), f.actor("coordinator2@kh-ahtjp.example")}
		errs := make([]error, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for i, c := range coordinators {
			done.Go(func() {
				start.Wait()
				errs[i] = f.referrals.Accept(ctx, c, id)
			})
		}
		start.Done()
		done.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, referrals.ErrTransition):
				t.Fatalf("concurrent accept: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d acceptances, want exactly 1: %v", ok, errs)
		}
		var accepts int
		f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'referral.accepted' AND object_id = $1::bigint::text`, id).Scan(&accepts)
		if accepts != 1 {
			t.Fatalf("%d acceptances audited, want 1", accepts)
		}
	}
}

func TestHandlingCodeAndConsentDecideWhatMayBeReferred(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.actor("investigator@th-ppr2.example")
	le := f.newCase(access.LawEnforcement)
	if _, err := f.referrals.Send(ctx, inv, le, referrals.SendInput{ToAgency: f.agency("aim"), Purpose: "aftercare", Urgency: "normal", Message: "x"}); !isFieldError(err, "to_agency") {
		t.Errorf("a law_enforcement case to an NGO: %v", err)
	}
	if _, err := f.referrals.Send(ctx, inv, le, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"), Purpose: "arrest", Urgency: "normal", Message: "x"}); err != nil {
		t.Errorf("a law_enforcement case to police: %v", err)
	}
	og := f.newCase(access.Originator)
	if _, err := f.referrals.Send(ctx, inv, og, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"), Purpose: "arrest", Urgency: "normal", Message: "x"}); !isFieldError(err, "to_agency") {
		t.Errorf("an originator case: %v", err)
	}

	caseID := f.newCase(access.Partners)
	in := referrals.SendInput{ToAgency: f.agency("aim"), Purpose: "shelter_placement", Urgency: "urgent", Message: "Needs a bed tonight", IncludeIdentity: true}
	if _, err := f.referrals.Send(ctx, inv, caseID, in); !isFieldError(err, "identity_reason") {
		t.Fatalf("identity without consent or reason: %v", err)
	}
	in.IdentityReason = "The shelter must know who arrives tonight."
	id, err := f.referrals.Send(ctx, inv, caseID, in)
	if err != nil {
		t.Fatal(err)
	}
	var overrides int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'identity.referral_override'`).Scan(&overrides)
	if overrides != 1 {
		t.Errorf("%d identity overrides audited, want 1", overrides)
	}
	cw := f.actor("caseworker@aim.example")
	if err := f.referrals.Accept(ctx, f.actor("coordinator@aim.example"), id); err != nil {
		t.Fatal(err)
	}
	v, err := f.cases.Page(ctx, cw, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ident, err := f.cases.RevealIdentity(ctx, cw, caseID, v.People[0].ID); err != nil || ident.Names[0] != "Srey Mom" {
		t.Fatalf("after accepting a referral with identity, the receiver cannot see it: %v", err)
	}

	// A caseworker refers for aftercare, and only for aftercare.
	aim := f.actor("caseworker@aim.example")
	if _, err := f.referrals.Send(ctx, aim, caseID, referrals.SendInput{ToAgency: f.agency("clec"), Purpose: "legal_assistance", Urgency: "normal", Message: "x"}); !isFieldError(err, "to_agency") {
		t.Errorf("a caseworker sending for legal assistance: %v", err)
	}
	if _, err := f.referrals.Send(ctx, aim, caseID, referrals.SendInput{ToAgency: f.agency("clec"), Purpose: "repatriation", Urgency: "normal", Message: "x"}); err != nil {
		t.Errorf("a caseworker sending for repatriation: %v", err)
	}
	// An agency without access cannot refer the case at all.
	if _, err := f.referrals.Send(ctx, f.actor("investigator@th-ticac.example"), caseID, referrals.SendInput{ToAgency: f.agency("aim"), Purpose: "aftercare", Urgency: "normal", Message: "x"}); !errors.Is(err, referrals.ErrNotFound) {
		t.Errorf("sending a case one cannot see: %v", err)
	}
}

func isFieldError(err error, field string) bool {
	verrs, ok := errors.AsType[validate.Errors](err)
	_, has := verrs[field]
	return ok && has
}

func TestOnlyTheTwoSidesReadAReferralInTheDatabase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caseID := f.newCase(access.Partners)
	if _, err := f.referrals.Send(ctx, f.actor("investigator@th-ppr2.example"), caseID, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"),
		Purpose: "rescue", Urgency: "urgent", Message: "Girls held at a karaoke bar"}); err != nil {
		t.Fatal(err)
	}
	for email, want := range map[string]int{
		"coordinator@kh-ahtjp.example": 1,
		"investigator@th-ppr2.example": 1,
		"analyst@kh-ahtjp.example":     0,
		"coordinator@th-ticac.example": 0,
		"coordinator@kh-moi.example":   0, // a coordinating body reads metadata through the desk, not the rows
		"agency_admin@th-ppr2.example": 0,
	} {
		var n int
		err := postgres.AsActor(ctx, f.db.App, f.actor(email), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM referrals`).Scan(&n)
		})
		if err != nil || n != want {
			t.Errorf("%s reads %d referrals (%v), want %d", email, n, err, want)
		}
	}
}

func TestAssigneeIsToldAndMayComplete(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	caseID := f.newCase(access.Partners)
	id, err := f.referrals.Send(ctx, f.actor("investigator@th-ppr2.example"), caseID, referrals.SendInput{ToAgency: f.agency("kh-ahtjp"),
		Purpose: "arrest", Urgency: "high", Message: "Arrest warrant issued in Sa Kaeo"})
	if err != nil {
		t.Fatal(err)
	}
	coord, officer := f.actor("coordinator@kh-ahtjp.example"), f.actor("investigator@kh-ahtjp.example")
	if err := f.referrals.Assign(ctx, coord, id, f.actor("investigator@th-ppr2.example").UserID); !isFieldError(err, "assignee") {
		t.Errorf("assigning to another agency's officer: %v", err)
	}
	if err := f.referrals.Assign(ctx, coord, id, officer.UserID); err != nil {
		t.Fatal(err)
	}
	if f.notifications("investigator@kh-ahtjp.example", "referral.assigned") != 1 {
		t.Error("the assignee was not told")
	}
	if err := f.referrals.Complete(ctx, officer, id); !errors.Is(err, referrals.ErrTransition) {
		t.Errorf("completing a pending referral: %v, want ErrTransition", err)
	}
	if err := f.referrals.Accept(ctx, coord, id); err != nil {
		t.Fatal(err)
	}
	if err := f.referrals.Complete(ctx, officer, id); err != nil {
		t.Fatalf("the assignee completing: %v", err)
	}
}
