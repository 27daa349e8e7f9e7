package desk_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/desk"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// secret marks every text a referral carries beyond its metadata; none of
// it may reach the desk.
const secret = "SECRET-"

type fixture struct {
	t         *testing.T
	db        *pgtest.DB
	cases     *cases.Store
	referrals *referrals.Store
	desk      *desk.Store
	users     *agencies.Store
	actors    map[string]access.Actor
	ids       map[string]int64 // the scenario's referrals by name
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, cases: cases.NewStore(db.App), referrals: referrals.NewStore(db.App), desk: desk.NewStore(db.App),
		users: agencies.NewStore(db.App), actors: map[string]access.Actor{}, ids: map[string]int64{}}
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	if a, ok := f.actors[email]; ok {
		return a
	}
	a, err := f.users.Authenticate(context.Background(), email, seed.DemoPassword)
	if err != nil {
		f.t.Fatalf("%s: %v", email, err)
	}
	f.actors[email] = a.Actor()
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

// newCase opens a case of the investigator's agency, with a survivor.
func (f *fixture) newCase(investigator, country, province string) int64 {
	f.t.Helper()
	inv := f.actor(investigator)
	id, _, err := f.cases.Create(context.Background(), inv, cases.CaseInput{Title: secret + "case title " + investigator,
		Category: "sex_trafficking", Priority: "high", Country: country, Province: province, HandlingCode: access.Partners})
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.cases.AddPerson(context.Background(), inv, id, cases.PersonInput{Role: access.Survivor, Names: secret + "Srey Mom"}); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// weekStart is the Monday, in the region, k weeks before the current one,
// at noon there.
func weekStart(now time.Time, k int) time.Time {
	local := now.In(geo.Zone)
	monday := time.Date(local.Year(), local.Month(), local.Day(), 12, 0, 0, 0, geo.Zone)
	monday = monday.AddDate(0, 0, -((int(local.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, -7*k)
}

// step is one referral of the scenario: sent by whom to which agency,
// when, answered (accepted or declined) how long after, and where it ends.
type step struct {
	name, from, to, purpose string
	caseID                  int64
	sent                    time.Time
	respondBy               time.Time
	answerAfter             time.Duration // 0: not answered
	end                     string        // pending, accepted, declined, completed
}

// scenario sends the referrals the desk tests count, and backdates them.
// Times are in hours after sending.
//
//	name     route          state      sent       answered after
//	th-kh-1  PPR2 → AHTJP   accepted   week −2     2 h
//	th-kh-2  PPR2 → AHTJP   declined   week −1    10 h
//	th-kh-3  PPR2 → AHTJP   pending    week −1    overdue since the next day
//	kh-th-1  AHTJP → PPR2   completed  week −1     1 h
//	kh-th-2  AHTJP → PPR2   accepted   week −1     3 h
//	th-th    PPR2 → TICAC   pending    now        (domestic)
//	kh-kh    AHTJP → AIM    accepted   week −1     4 h (domestic)
//	old      TICAC → AIM    pending    95 days ago, overdue since 88 days
func (f *fixture) scenario(now time.Time) {
	f.t.Helper()
	ctx := context.Background()
	ppr2 := f.newCase("investigator@th-ppr2.example", "TH", "TH-27")
	ahtjp := f.newCase("investigator@kh-ahtjp.example", "KH", "KH-1")
	ticac := f.newCase("investigator@th-ticac.example", "TH", "TH-10")
	w1, w2 := weekStart(now, 1), weekStart(now, 2)
	steps := []step{
		{"th-kh-1", "th-ppr2", "kh-ahtjp", "arrest", ppr2, w2, w2.Add(24 * time.Hour), 2 * time.Hour, "accepted"},
		{"th-kh-2", "th-ppr2", "kh-ahtjp", "rescue", ppr2, w1, w1.Add(24 * time.Hour), 10 * time.Hour, "declined"},
		{"th-kh-3", "th-ppr2", "kh-ahtjp", "investigation_assistance", ppr2, w1.Add(time.Hour), w1.Add(25 * time.Hour), 0, "pending"},
		{"kh-th-1", "kh-ahtjp", "th-ppr2", "repatriation", ahtjp, w1.Add(2 * time.Hour), w1.Add(72 * time.Hour), time.Hour, "completed"},
		{"kh-th-2", "kh-ahtjp", "th-ppr2", "arrest", ahtjp, w1.Add(3 * time.Hour), w1.Add(72 * time.Hour), 3 * time.Hour, "accepted"},
		{"th-th", "th-ppr2", "th-ticac", "investigation_assistance", ppr2, time.Time{}, now.Add(72 * time.Hour), 0, "pending"},
		{"kh-kh", "kh-ahtjp", "aim", "aftercare", ahtjp, w1.Add(4 * time.Hour), w1.Add(96 * time.Hour), 4 * time.Hour, "accepted"},
		{"old", "th-ticac", "aim", "shelter_placement", ticac, now.Add(-95 * 24 * time.Hour), now.Add(-88 * 24 * time.Hour), 0, "pending"},
	}
	for _, s := range steps {
		id, err := f.referrals.Send(ctx, f.actor("investigator@"+s.from+".example"), s.caseID, referrals.SendInput{
			ToAgency: f.agency(s.to), Purpose: s.purpose, Urgency: "high", Message: secret + "message of " + s.name})
		if err != nil {
			f.t.Fatalf("send %s: %v", s.name, err)
		}
		f.ids[s.name] = id
		coord := f.actor("coordinator@" + s.to + ".example")
		switch s.end {
		case "accepted", "completed":
			err = f.referrals.Accept(ctx, coord, id)
			if err == nil && s.end == "completed" {
				err = f.referrals.Complete(ctx, coord, id)
			}
		case "declined":
			err = f.referrals.Decline(ctx, coord, id, secret+"decline reason of "+s.name)
		}
		if err != nil {
			f.t.Fatalf("%s %s: %v", s.end, s.name, err)
		}
		if s.sent.IsZero() {
			continue
		}
		var answered *time.Time
		if s.answerAfter != 0 {
			at := s.sent.Add(s.answerAfter)
			answered = &at
		}
		if _, err := f.db.Owner.Exec(ctx, `UPDATE referrals SET sent_at = $2, respond_by = $3, responded_at = $4,
			closed_at = CASE WHEN closed_at IS NOT NULL THEN $4::timestamptz + interval '1 day' END WHERE id = $1`,
			id, s.sent, s.respondBy, answered); err != nil {
			f.t.Fatal(err)
		}
	}
}

func (f *fixture) summary(email string) desk.Desk {
	f.t.Helper()
	d, err := f.desk.Summary(context.Background(), f.actor(email))
	if err != nil {
		f.t.Fatalf("%s: %v", email, err)
	}
	return d
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

func wantDuration(t *testing.T, what string, got *time.Duration, want time.Duration) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: none, want %v", what, want)
		return
	}
	if d := *got - want; d < -time.Minute || d > time.Minute {
		t.Errorf("%s: %v, want %v", what, *got, want)
	}
}

func direction(t *testing.T, d desk.Desk, from, to string) desk.Direction {
	t.Helper()
	for _, dir := range d.Directions {
		if dir.From == from && dir.To == to {
			return dir
		}
	}
	t.Fatalf("no direction %s→%s in %+v", from, to, d.Directions)
	return desk.Direction{}
}

func cell(t *testing.T, dir desk.Direction, state string) desk.Cell {
	t.Helper()
	return dir.Cells[slices.Index(referrals.States, state)]
}

func byAgency(d desk.Desk, short string) (desk.AgencyResponse, bool) {
	for _, a := range d.ByAgency {
		if a.Short == short {
			return a, true
		}
	}
	return desk.AgencyResponse{}, false
}

func TestCoordinatingBodySeesEveryCrossBorderReferralsFigures(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	f.scenario(now)
	d := f.summary("coordinator@kh-moi.example")
	if !d.WholeBorder {
		t.Error("kh-moi's desk does not say it covers the whole border")
	}

	thkh, khth := direction(t, d, "TH", "KH"), direction(t, d, "KH", "TH")
	if d.Directions[0].From != "TH" || d.Directions[1].From != "KH" {
		t.Errorf("directions not in order TH→KH, KH→TH: %+v", d.Directions)
	}
	for state, want := range map[string]int{"pending": 2, "accepted": 1, "declined": 1, "withdrawn": 0, "completed": 0} {
		if got := cell(t, thkh, state).Count; got != want {
			t.Errorf("TH→KH %s: %d, want %d", state, got, want)
		}
	}
	if thkh.Total != 4 || khth.Total != 2 || cell(t, khth, "completed").Count != 1 || cell(t, khth, "accepted").Count != 1 {
		t.Errorf("TH→KH %+v, KH→TH %+v", thkh, khth)
	}
	for _, dir := range d.Directions {
		if !dir.CrossBorder() {
			t.Errorf("a coordinating body sees the domestic referrals %s→%s", dir.From, dir.To)
		}
	}
	// Pending TH→KH: th-kh-3 (sent last week) and old (95 days ago).
	pending := cell(t, thkh, "pending")
	wantDuration(t, "oldest pending TH→KH", pending.OldestAge, 95*24*time.Hour)
	sent3 := weekStart(now, 1).Add(time.Hour)
	wantDuration(t, "median pending TH→KH", pending.MedianAge, (now.Sub(sent3)+95*24*time.Hour)/2)
	// Accepted KH→TH: kh-th-2, open since it was accepted.
	wantDuration(t, "accepted KH→TH", cell(t, khth, "accepted").OldestAge, now.Sub(weekStart(now, 1).Add(6*time.Hour)))
	if cell(t, thkh, "declined").OldestAge != nil {
		t.Error("a declined referral has an age; only open ones wait")
	}

	// First answers across the border: 2, 10, 1 and 3 hours.
	if d.Answered != 4 {
		t.Errorf("answered %d, want 4", d.Answered)
	}
	wantDuration(t, "median first response", d.MedianResponse, hours(2.5))
	ahtjp, _ := byAgency(d, "AHTJP")
	if ahtjp.Received != 3 || ahtjp.Answered != 2 || ahtjp.Pending != 1 {
		t.Errorf("AHTJP %+v, want 3 received, 2 answered, 1 pending", ahtjp)
	}
	wantDuration(t, "AHTJP median", ahtjp.Median, 6*time.Hour)
	ppr2, _ := byAgency(d, "PPR2")
	if ppr2.Received != 2 || ppr2.Answered != 2 || ppr2.Country != "TH" {
		t.Errorf("PPR2 %+v", ppr2)
	}
	wantDuration(t, "PPR2 median", ppr2.Median, 2*time.Hour)
	aim, _ := byAgency(d, "AIM")
	if aim.Received != 1 || aim.Answered != 0 || aim.Median != nil {
		t.Errorf("AIM %+v: want the cross-border one only, unanswered, no median", aim)
	}
	if _, ok := byAgency(d, "TICAC"); ok {
		t.Error("TICAC received only a domestic referral, yet kh-moi sees its figures")
	}

	// Overdue: the oldest first.
	var overdue []int64
	for _, r := range d.Overdue {
		overdue = append(overdue, r.ID)
	}
	if want := []int64{f.ids["old"], f.ids["th-kh-3"]}; !slices.Equal(overdue, want) || d.OverdueTotal != 2 {
		t.Errorf("overdue %v (total %d), want %v", overdue, d.OverdueTotal, want)
	}
	if r := d.Overdue[0]; r.FromShort != "TICAC" || r.ToShort != "AIM" || r.FromCountry != "TH" || r.ToCountry != "KH" ||
		r.Purpose != "shelter_placement" || r.Urgency != "high" {
		t.Errorf("overdue metadata %+v", r)
	}

	// Weeks: twelve, Mondays, the last the current one; −1 and −2 hold
	// the cross-border referrals sent then, every other week none.
	if len(d.Weeks) != desk.Weeks {
		t.Fatalf("%d weeks, want %d", len(d.Weeks), desk.Weeks)
	}
	last := d.Weeks[len(d.Weeks)-1].Start
	if want := weekStart(now, 0); last.Format(time.DateOnly) != want.Format(time.DateOnly) || last.Weekday() != time.Monday {
		t.Errorf("last week starts %v, want %v", last, want.Format(time.DateOnly))
	}
	counts := func(w desk.Week) map[string]int {
		m := map[string]int{}
		for i, n := range w.Counts {
			if n != 0 {
				m[referrals.States[i]] = n
			}
		}
		return m
	}
	for i, w := range d.Weeks {
		var want map[string]int
		switch i {
		case desk.Weeks - 2:
			want = map[string]int{"declined": 1, "pending": 1, "completed": 1, "accepted": 1}
		case desk.Weeks - 3:
			want = map[string]int{"accepted": 1}
		}
		if got := counts(w); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("week %s: %v, want %v", w.Start.Format(time.DateOnly), got, want)
		}
	}

	if dump := fmt.Sprintf("%#v", d); strings.Contains(dump, secret) {
		t.Errorf("the desk carries referral or case text: %s", dump)
	}
	analyst := f.summary("analyst@kh-moi.example")
	if analyst.OverdueTotal != 2 || analyst.Answered != 4 {
		t.Errorf("kh-moi's analyst sees other figures than its coordinator: %+v", analyst)
	}
}

func TestCoordinatorSeesOnlyTheirAgencysReferrals(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	f.scenario(now)

	ticac := f.summary("coordinator@th-ticac.example")
	if ticac.WholeBorder {
		t.Error("TICAC's desk claims the whole border")
	}
	var n int
	for _, dir := range ticac.Directions {
		n += dir.Total
	}
	if n != 2 || cell(t, direction(t, ticac, "TH", "KH"), "pending").Count != 1 || cell(t, direction(t, ticac, "TH", "TH"), "pending").Count != 1 {
		t.Errorf("TICAC sees %d referrals in %+v; want its own two: old (TH→KH) and th-th (TH→TH)", n, ticac.Directions)
	}
	if direction(t, ticac, "KH", "TH").Total != 0 {
		t.Error("TICAC sees AHTJP's referrals to PPR2")
	}
	if ticac.Answered != 0 || ticac.MedianResponse != nil {
		t.Errorf("TICAC sees the response times of PPR2 and AHTJP: %d answered", ticac.Answered)
	}
	for _, a := range ticac.ByAgency {
		if a.Short == "AHTJP" || a.Short == "PPR2" {
			t.Errorf("TICAC sees %s's response figures", a.Short)
		}
	}
	if len(ticac.Overdue) != 1 || ticac.Overdue[0].ID != f.ids["old"] {
		t.Errorf("TICAC's overdue list %+v, want only its own", ticac.Overdue)
	}
	var sent int
	for _, w := range ticac.Weeks {
		sent += w.Total()
	}
	if sent != 1 { // th-th, this week; old is older than twelve weeks
		t.Errorf("TICAC's weeks count %d referrals, want 1", sent)
	}

	// PPR2 sees its own, domestic ones too, and not AHTJP → AIM.
	ppr2 := f.summary("coordinator@th-ppr2.example")
	if direction(t, ppr2, "TH", "TH").Total != 1 || direction(t, ppr2, "TH", "KH").Total != 3 || direction(t, ppr2, "KH", "TH").Total != 2 {
		t.Errorf("PPR2's directions %+v", ppr2.Directions)
	}
	for _, dir := range ppr2.Directions {
		if dir.From == "KH" && dir.To == "KH" {
			t.Error("PPR2 sees AHTJP's referral to AIM")
		}
	}
	wantDuration(t, "PPR2's median first response", ppr2.MedianResponse, hours(2.5))
}

func TestDeskIsOnlyForCoordinatorsAndCoordinatingBodies(t *testing.T) {
	f := newFixture(t)
	for _, a := range seed.DemoAgencies {
		for role := range a.People {
			email := seed.Email(role, a.Code)
			actor := f.actor(email)
			want := role == access.Coordinator || (a.Kind == access.Coordination && role == access.Analyst)
			if actor.CanUseDesk() != want {
				t.Errorf("%s: CanUseDesk %v, want %v", email, actor.CanUseDesk(), want)
			}
			if !want {
				if _, err := f.desk.Summary(context.Background(), actor); !errors.Is(err, desk.ErrNotFound) {
					t.Errorf("%s: Summary gave %v, want ErrNotFound", email, err)
				}
			}
		}
	}
}

// deskFunctions are the SQL functions of the desk, called as the
// application role would, and the only columns each may return.
var deskFunctions = map[string][]string{
	`coordination_desk_directions(now())`: {"from_country", "to_country", "state", "n", "median_age", "oldest_age"},
	`coordination_desk_responses()`:       {"agency_id", "short_name", "country", "received", "answered", "pending", "median"},
	`coordination_desk_overdue(now() + interval '1 year', 1000, 1000)`: {"id", "from_agency_id", "from_short", "from_country",
		"to_agency_id", "to_short", "to_country", "purpose", "urgency", "state", "cross_border", "sent_at", "respond_by",
		"responded_at", "closed_at", "total"},
	`coordination_desk_weeks(now(), 12, ARRAY['pending'])`: {"week", "state", "n"},
}

// TestDeskFunctionsCheckWhoAsks calls the desk's SQL functions as the
// application role, past the Go rules: they return nothing to those the
// desk is not for, even with a forged agency kind, and only figures and
// metadata to anyone.
func TestDeskFunctionsCheckWhoAsks(t *testing.T) {
	f := newFixture(t)
	f.scenario(time.Now())
	ctx := context.Background()
	count := func(a access.Actor, call string) (n int) {
		t.Helper()
		err := postgres.AsActor(ctx, f.db.App, a, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+call).Scan(&n)
		})
		if err != nil {
			t.Fatalf("%s: %v", call, err)
		}
		return n
	}
	forged := f.actor("analyst@th-ppr2.example")
	forged.AgencyKind = access.Coordination
	nobody := map[string]access.Actor{"no actor": {}, "PPR2's analyst claiming a coordinating body": forged}
	for _, email := range []string{"investigator@th-ppr2.example", "analyst@th-ppr2.example", "agency_admin@kh-moi.example", "caseworker@aim.example"} {
		nobody[email] = f.actor(email)
	}
	for call := range deskFunctions {
		for who, a := range nobody {
			if n := count(a, call); n != 0 {
				t.Errorf("%s gets %d rows from %s", who, n, call)
			}
		}
		if n := count(f.actor("coordinator@kh-moi.example"), call); n == 0 {
			t.Errorf("kh-moi gets nothing from %s", call)
		}
	}
	var received int
	err := postgres.AsActor(ctx, f.db.App, f.actor("coordinator@kh-moi.example"), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT received FROM coordination_desk_responses() WHERE agency_id IS NULL`).Scan(&received)
	})
	if err != nil || received != 6 {
		t.Errorf("kh-moi's figures count %d referrals (%v), want the 6 cross-border ones", received, err)
	}
	// The referrals table itself stays closed to a coordinating body, and
	// the scope helper is no door of its own.
	err = postgres.AsActor(ctx, f.db.App, f.actor("coordinator@kh-moi.example"), func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM referrals`).Scan(&n); err != nil || n != 0 {
			t.Errorf("kh-moi reads %d rows of referrals directly (%v)", n, err)
		}
		for call, allowed := range deskFunctions {
			rows, err := tx.Query(ctx, `SELECT * FROM `+call+` LIMIT 0`)
			if err != nil {
				return err
			}
			for _, fd := range rows.FieldDescriptions() {
				if !slices.Contains(allowed, fd.Name) {
					t.Errorf("%s returns the column %s, which is neither a figure nor metadata", call, fd.Name)
				}
			}
			rows.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = postgres.AsActor(ctx, f.db.App, f.actor("coordinator@kh-moi.example"), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `SELECT coordination_desk_scope()`)
		return err
	})
	if err == nil {
		t.Error("the application role may call coordination_desk_scope() itself")
	}
}

// TestDeskTypesHaveNoRoomForContent: no field of what the desk returns
// could hold a message, a reason, a case or a person.
func TestDeskTypesHaveNoRoomForContent(t *testing.T) {
	forbidden := []string{"message", "reason", "title", "summary", "reference", "case", "name", "person", "identity", "email"}
	seen := map[reflect.Type]bool{}
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() == "time" {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			fd := typ.Field(i)
			for _, word := range forbidden {
				if strings.Contains(strings.ToLower(fd.Name), word) {
					t.Errorf("%s.%s could carry content (%q)", path, fd.Name, word)
				}
			}
			walk(path+"."+fd.Name, fd.Type)
		}
	}
	walk("Desk", reflect.TypeFor[desk.Desk]())
	if len(seen) < 5 {
		t.Fatalf("walked only %d types", len(seen))
	}
}
