package aftercare_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/aftercare"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t         *testing.T
	db        *pgtest.DB
	store     *aftercare.Store
	cases     *cases.Store
	users     *agencies.Store
	actors    map[string]access.Actor
	caseID    int64
	survivor  int64
	suspect   int64
	reference string
}

// newFixture opens a case as PPR2 with a survivor and a suspect, and shares
// it with AIM to read and with OUR to contribute: two NGOs doing aftercare
// on a police case.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	ctx := context.Background()
	if err := seed.Accounts(ctx, db.App); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: db, store: aftercare.NewStore(db.App), cases: cases.NewStore(db.App),
		users: agencies.NewStore(db.App), actors: map[string]access.Actor{}}
	inv := f.actor("investigator@th-ppr2.example")
	id, ref, err := f.cases.Create(ctx, inv, cases.CaseInput{Title: "Girls recruited for karaoke bars in Poipet",
		Category: "sex_trafficking", Priority: "high", Country: "TH", Province: "TH-27", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}
	f.caseID, f.reference = id, ref
	for _, p := range []cases.PersonInput{
		{Role: access.Survivor, Names: "Srey Mom\nស្រីមុំ", Sex: "female", AgeEstimate: "16"},
		{Role: access.Suspect, Names: "Lek Sombat", SuspectStatus: "wanted"},
	} {
		if _, err := f.cases.AddPerson(ctx, inv, id, p); err != nil {
			t.Fatal(err)
		}
	}
	v, err := f.cases.Page(ctx, inv, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.People {
		if p.Role == access.Survivor {
			f.survivor = p.ID
		} else {
			f.suspect = p.ID
		}
	}
	coord := f.actor("coordinator@th-ppr2.example")
	for code, level := range map[string]access.ShareLevel{"aim": access.Read, "our": access.Contribute} {
		if err := f.cases.ShareCase(ctx, coord, id, cases.ShareInput{AgencyID: f.agencyID(code), Level: level,
			Basis: "referral", Reason: "Aftercare for the survivor"}); err != nil {
			t.Fatal(err)
		}
	}
	return f
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

func (f *fixture) agencyID(code string) int32 {
	f.t.Helper()
	var id int32
	if err := f.db.Owner.QueryRow(context.Background(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// day is today in the region's calendar plus n days, as a form types it.
func day(n int) string { return geo.Today(time.Now()).AddDate(0, 0, n).Format(time.DateOnly) }

func (f *fixture) addNote(email string, in aftercare.NoteInput) int64 {
	f.t.Helper()
	id, err := f.store.AddNote(context.Background(), f.actor(email), f.caseID, f.survivor, in)
	if err != nil {
		f.t.Fatalf("%s adds a note: %v", email, err)
	}
	return id
}

const (
	caseBody   = "Counselling twice a week; she asks to call her mother in Battambang."
	agencyBody = "Internal: shelter staff worried about a visitor who claimed to be her aunt."
)

// TestNoteVisibilityMatrix is DESIGN §3.5 for every kind of viewer: AIM's
// caseworker writes one note for the whole case and one for AIM alone.
func TestNoteVisibilityMatrix(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	wholeCase := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "psychosocial", Body: caseBody,
		FollowUpOn: day(3), Visibility: access.WholeCase})
	agencyOnly := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "shelter", Body: agencyBody,
		Visibility: access.AgencyOnly})

	const (
		body    = "body"    // the note with its text
		exists  = "exists"  // the note without its text, author or follow-up
		absent  = "absent"  // not listed at all
		noEntry = "noEntry" // the survivor's aftercare is not found
	)
	for _, tc := range []struct {
		email                string
		wholeCase, agencyOne string
	}{
		{"caseworker@aim.example", body, body},    // author
		{"coordinator@aim.example", body, body},   // authoring agency
		{"investigator@aim.example", body, body},  // authoring agency, any role that reads cases
		{"caseworker@our.example", body, absent},  // partner caseworker with a share
		{"coordinator@our.example", body, absent}, // partner coordinator with a share
		{"investigator@our.example", exists, absent},
		{"investigator@th-ppr2.example", exists, absent}, // the owner is another agency to AIM's note
		{"coordinator@th-ppr2.example", body, absent},
		{"caseworker@clec.example", noEntry, noEntry}, // no access to the case
		{"investigator@th-ticac.example", noEntry, noEntry},
		{"analyst@aim.example", noEntry, noEntry},
		{"agency_admin@aim.example", noEntry, noEntry},
		{"analyst@th-ppr2.example", noEntry, noEntry},
	} {
		t.Run(tc.email, func(t *testing.T) {
			notes, err := f.store.Notes(ctx, f.actor(tc.email), f.caseID, f.survivor)
			if tc.wholeCase == noEntry {
				if !errors.Is(err, aftercare.ErrNotFound) {
					t.Fatalf("got %d notes, %v; want ErrNotFound", len(notes), err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range map[int64]string{wholeCase: tc.wholeCase, agencyOnly: tc.agencyOne} {
				i := slices.IndexFunc(notes, func(n aftercare.Note) bool { return n.ID == id })
				got := absent
				if i >= 0 {
					got = exists
					if n := notes[i]; n.Body != nil {
						got = body
					} else if n.Author != nil || n.FollowUpOn != nil {
						t.Errorf("note %d shows its author or follow-up without its body", id)
					}
				}
				if got != want {
					t.Errorf("note %d: %s, want %s", id, got, want)
				}
			}
		})
	}
}

// TestRowLevelSecurityHidesNoteBodiesOnItsOwn reads in raw SQL, past the
// store: the database alone must hide a note body from another agency's
// investigator and an agency-only note from every partner.
func TestRowLevelSecurityHidesNoteBodiesOnItsOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "medical", Body: caseBody, Visibility: access.WholeCase})
	f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "legal", Body: agencyBody, Visibility: access.AgencyOnly})
	if _, err := f.store.AddService(ctx, f.actor("caseworker@aim.example"), f.caseID, f.survivor, aftercare.ServiceInput{
		Kind: "shelter_stay", Provider: f.agencyID("aim"), Status: "active", StartsOn: day(-10), Note: "Room 4, with her sister"}); err != nil {
		t.Fatal(err)
	}
	count := func(email, table string) int {
		var n int
		var actor access.Actor
		if email != "" {
			actor = f.actor(email)
		}
		err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	tables := []string{"aftercare_notes", "aftercare_note_bodies", "survivor_services", "survivor_service_notes"}
	for email, want := range map[string][4]int{
		"caseworker@aim.example":        {2, 2, 1, 1},
		"investigator@aim.example":      {2, 2, 1, 1},
		"caseworker@our.example":        {1, 1, 1, 1},
		"coordinator@th-ppr2.example":   {1, 1, 1, 1},
		"investigator@th-ppr2.example":  {1, 0, 1, 0},
		"investigator@our.example":      {1, 0, 1, 0},
		"investigator@th-ticac.example": {0, 0, 0, 0},
		"analyst@aim.example":           {0, 0, 0, 0},
		"agency_admin@aim.example":      {0, 0, 0, 0},
		"":                              {0, 0, 0, 0}, // no actor set
	} {
		for i, table := range tables {
			if n := count(email, table); n != want[i] {
				t.Errorf("%q sees %d rows of %s, want %d", email, n, table, want[i])
			}
		}
	}
	// Without even a transaction: nothing.
	var n int
	f.db.App.QueryRow(ctx, `SELECT count(*) FROM aftercare_note_bodies`).Scan(&n)
	if n != 0 {
		t.Errorf("no actor: %d bodies", n)
	}
}

// TestRowLevelSecurityRefusesWritesTheRulesForbid writes in raw SQL as the
// application role: notes by a non-caseworker, on a suspect, or in another
// agency's name, and any change to a note, are refused by the database.
func TestRowLevelSecurityRefusesWritesTheRulesForbid(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	note := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "medical", Body: caseBody, Visibility: access.WholeCase})
	exec := func(email, sql string, args ...any) error {
		return postgres.AsActor(ctx, f.db.App, f.actor(email), func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, sql, args...)
			return err
		})
	}
	const insert = `INSERT INTO aftercare_notes (person_id, case_id, agency_id, author_id, category, visibility)
		VALUES ($1, $2, $3, app_user(), 'medical', 'case')`
	aim := f.agencyID("aim")
	for what, err := range map[string]error{
		"an investigator's note":          exec("investigator@th-ppr2.example", insert, f.survivor, f.caseID, f.agencyID("th-ppr2")),
		"a note on a suspect":             exec("caseworker@aim.example", insert, f.suspect, f.caseID, aim),
		"a note in another agency's name": exec("caseworker@our.example", insert, f.survivor, f.caseID, aim),
		"a note without access":           exec("caseworker@clec.example", insert, f.survivor, f.caseID, f.agencyID("clec")),
		"a body on another's note":        exec("caseworker@our.example", `INSERT INTO aftercare_note_bodies (note_id, body) VALUES ($1, 'x')`, note),
		"an edited body":                  exec("caseworker@aim.example", `UPDATE aftercare_note_bodies SET body = 'x' WHERE note_id = $1`, note),
		"a deleted note":                  exec("caseworker@aim.example", `DELETE FROM aftercare_notes WHERE id = $1`, note),
		"a service by an investigator": exec("investigator@th-ppr2.example", `INSERT INTO survivor_services (person_id, case_id, kind,
			provider_agency_id, status, starts_on, agency_id, recorded_by) VALUES ($1, $2, 'medical', $3, 'planned', current_date, $3, app_user())`,
			f.survivor, f.caseID, f.agencyID("th-ppr2")),
	} {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" { // insufficient_privilege
			t.Errorf("%s: %v, want refused", what, err)
		}
	}
}

func TestOnlySurvivorsHaveAftercare(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cw := f.actor("caseworker@aim.example")
	if _, err := f.store.Page(ctx, cw, f.caseID, f.suspect); !errors.Is(err, aftercare.ErrNotFound) {
		t.Errorf("a suspect's aftercare: %v", err)
	}
	if _, err := f.store.AddNote(ctx, cw, f.caseID, f.suspect, aftercare.NoteInput{Category: "medical", Body: "x", Visibility: access.AgencyOnly}); !errors.Is(err, aftercare.ErrNotFound) {
		t.Errorf("a note on a suspect: %v", err)
	}
	// A person of one case is not found under another.
	other, _, err := f.cases.Create(ctx, f.actor("investigator@th-ppr2.example"), cases.CaseInput{Title: "Another case",
		Category: "other", Priority: "normal", Country: "TH", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Page(ctx, f.actor("coordinator@th-ppr2.example"), other, f.survivor); !errors.Is(err, aftercare.ErrNotFound) {
		t.Errorf("a survivor under the wrong case: %v", err)
	}
}

func TestWhoMayWriteAftercare(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	note := aftercare.NoteInput{Category: "education", Body: "Enrolled in the Poipet vocational school.", Visibility: access.WholeCase}
	for _, email := range []string{"investigator@aim.example", "coordinator@aim.example", "coordinator@th-ppr2.example", "caseworker@clec.example"} {
		if _, err := f.store.AddNote(ctx, f.actor(email), f.caseID, f.survivor, note); !errors.Is(err, aftercare.ErrNotFound) {
			t.Errorf("%s adds a note: %v, want ErrNotFound", email, err)
		}
	}
	f.addNote("caseworker@our.example", note) // through a contribute share
	f.addNote("caseworker@aim.example", note) // through a read share

	service := aftercare.ServiceInput{Kind: "medical", Provider: f.agencyID("our"), Status: "planned", StartsOn: day(2)}
	for _, email := range []string{"investigator@th-ppr2.example", "investigator@aim.example", "analyst@aim.example", "caseworker@clec.example"} {
		if _, err := f.store.AddService(ctx, f.actor(email), f.caseID, f.survivor, service); !errors.Is(err, aftercare.ErrNotFound) {
			t.Errorf("%s records a service: %v, want ErrNotFound", email, err)
		}
	}
	id, err := f.store.AddService(ctx, f.actor("coordinator@aim.example"), f.caseID, f.survivor, service)
	if err != nil {
		t.Fatalf("AIM's coordinator records a service through a read share: %v", err)
	}
	// The recording agency (AIM) and the provider (OUR) move it; the owner,
	// who neither records nor provides, may not.
	for email, want := range map[string]error{
		"caseworker@our.example":      nil,
		"caseworker@aim.example":      nil,
		"coordinator@th-ppr2.example": aftercare.ErrNotFound,
		"investigator@our.example":    aftercare.ErrNotFound,
	} {
		if err := f.store.UpdateService(ctx, f.actor(email), f.caseID, f.survivor, id, "active"); !errors.Is(err, want) {
			t.Errorf("%s updates the service: %v, want %v", email, err, want)
		}
	}
	services, err := f.store.Services(ctx, f.actor("investigator@th-ppr2.example"), f.caseID, f.survivor)
	if err != nil || len(services) != 1 || services[0].Status != "active" || services[0].ProviderShort != "OUR" {
		t.Fatalf("the owner's investigator sees the services: %+v %v", services, err)
	}
	if err := f.store.UpdateService(ctx, f.actor("caseworker@aim.example"), f.caseID, f.suspect, id, "completed"); !errors.Is(err, aftercare.ErrNotFound) {
		t.Errorf("a service updated under the wrong person: %v", err)
	}
}

func TestServiceNoteIsReadLikeACaseNote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.store.AddService(ctx, f.actor("caseworker@aim.example"), f.caseID, f.survivor, aftercare.ServiceInput{
		Kind: "legal_aid", Provider: f.agencyID("clec"), Status: "planned", StartsOn: day(0), EndsOn: day(30),
		Note: "Lawyer to meet her before the court hearing"}); err != nil {
		t.Fatal(err)
	}
	for email, readable := range map[string]bool{
		"caseworker@aim.example":       true,
		"caseworker@our.example":       true,
		"coordinator@th-ppr2.example":  true,
		"investigator@th-ppr2.example": false,
		"investigator@aim.example":     true,
	} {
		services, err := f.store.Services(ctx, f.actor(email), f.caseID, f.survivor)
		if err != nil || len(services) != 1 {
			t.Fatalf("%s: %d services, %v", email, len(services), err)
		}
		if got := services[0].Note != nil; got != readable {
			t.Errorf("%s reads the service note: %v, want %v", email, got, readable)
		}
	}
}

func TestFollowUpsDueNewestFirst(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	soon := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "medical", Body: "Check the wound", FollowUpOn: day(3), Visibility: access.AgencyOnly})
	week := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "legal", Body: "Court date", FollowUpOn: day(7), Visibility: access.WholeCase})
	f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "education", Body: "School term", FollowUpOn: day(8), Visibility: access.WholeCase})
	f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "livelihood", Body: "No follow-up", Visibility: access.WholeCase})
	overdue := f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "shelter", Body: "Visit the shelter", FollowUpOn: day(0), Visibility: access.WholeCase})
	// Time passes: the follow-up date is now five days ago.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE aftercare_notes SET follow_up_on = follow_up_on - 5 WHERE id = $1`, overdue); err != nil {
		t.Fatal(err)
	}
	f.addNote("caseworker@our.example", aftercare.NoteInput{Category: "medical", Body: "OUR's own", FollowUpOn: day(1), Visibility: access.WholeCase})

	ids := func(list []aftercare.FollowUp) []int64 {
		var out []int64
		for _, fu := range list {
			out = append(out, fu.NoteID)
		}
		return out
	}
	mine, err := f.store.FollowUpsDue(ctx, f.actor("caseworker@aim.example"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{week, soon, overdue}; !slices.Equal(ids(mine), want) {
		t.Fatalf("AIM caseworker's follow-ups %v, want %v", ids(mine), want)
	}
	if fu := mine[0]; !fu.Mine || fu.Reference != f.reference || fu.PersonID != f.survivor || fu.Code == "" || fu.Category != "legal" {
		t.Errorf("follow-up %+v", fu)
	}
	// The agency's coordinator sees the agency's list, not as theirs.
	coord, err := f.store.FollowUpsDue(ctx, f.actor("coordinator@aim.example"))
	if err != nil || len(coord) != 3 || coord[0].Mine {
		t.Errorf("AIM coordinator's follow-ups: %+v %v", coord, err)
	}
	our, err := f.store.FollowUpsDue(ctx, f.actor("caseworker@our.example"))
	if err != nil || len(our) != 1 {
		t.Errorf("OUR sees %d follow-ups, want only its own: %v", len(our), err)
	}
	for _, email := range []string{"investigator@aim.example", "analyst@aim.example"} {
		if _, err := f.store.FollowUpsDue(ctx, f.actor(email)); !errors.Is(err, aftercare.ErrNotFound) {
			t.Errorf("%s has a follow-ups list: %v", email, err)
		}
	}
	// A revoked share takes the case's follow-ups off the list.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE case_shares SET revoked_at = now() WHERE case_id = $1 AND agency_id = $2`, f.caseID, f.agencyID("aim")); err != nil {
		t.Fatal(err)
	}
	if gone, err := f.store.FollowUpsDue(ctx, f.actor("caseworker@aim.example")); err != nil || len(gone) != 0 {
		t.Errorf("after revocation: %d follow-ups, %v", len(gone), err)
	}
}

func TestBadInputGetsFieldErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cw := f.actor("caseworker@aim.example")
	fields := func(err error, want ...string) {
		t.Helper()
		verrs, ok := errors.AsType[validate.Errors](err)
		if !ok {
			t.Fatalf("got %v, want field errors", err)
		}
		for _, field := range want {
			if _, ok := verrs[field]; !ok {
				t.Errorf("no error for %s: %v", field, verrs)
			}
		}
		if len(verrs) != len(want) {
			t.Errorf("errors %v, want only %v", verrs, want)
		}
	}
	_, err := f.store.AddNote(ctx, cw, f.caseID, f.survivor, aftercare.NoteInput{Category: "gossip", Body: "  \n ",
		FollowUpOn: day(-1), Visibility: "everyone"})
	fields(err, "category", "body", "follow_up_on", "visibility")
	_, err = f.store.AddNote(ctx, cw, f.caseID, f.survivor, aftercare.NoteInput{Category: "medical", Body: "x\x00",
		FollowUpOn: "31/12/2026", Visibility: access.AgencyOnly})
	fields(err, "body", "follow_up_on")
	_, err = f.store.AddNote(ctx, cw, f.caseID, f.survivor, aftercare.NoteInput{Category: "medical", Body: "ok",
		FollowUpOn: day(3 * 365), Visibility: access.AgencyOnly})
	fields(err, "follow_up_on")

	_, err = f.store.AddService(ctx, cw, f.caseID, f.survivor, aftercare.ServiceInput{Kind: "spa", Status: "maybe",
		StartsOn: day(5), EndsOn: day(1)})
	fields(err, "kind", "provider", "status", "ends_on")
	_, err = f.store.AddService(ctx, cw, f.caseID, f.survivor, aftercare.ServiceInput{Kind: "medical", Provider: 99999,
		Status: "planned", StartsOn: "", Note: strings.Repeat("a", 2001)})
	fields(err, "provider", "starts_on", "note")
	if _, err := f.db.Owner.Exec(ctx, `UPDATE agencies SET active = false WHERE code = 'clec'`); err != nil {
		t.Fatal(err)
	}
	_, err = f.store.AddService(ctx, cw, f.caseID, f.survivor, aftercare.ServiceInput{Kind: "medical", Provider: f.agencyID("clec"),
		Status: "planned", StartsOn: "1980-01-01"})
	fields(err, "provider", "starts_on")

	id, err := f.store.AddService(ctx, cw, f.caseID, f.survivor, aftercare.ServiceInput{Kind: "medical", Provider: f.agencyID("aim"),
		Status: "planned", StartsOn: day(0), EndsOn: day(0)})
	if err != nil {
		t.Fatalf("a one-day service: %v", err)
	}
	fields(f.store.UpdateService(ctx, cw, f.caseID, f.survivor, id, "finished"), "status")
	// Nothing of the failed writes was kept.
	v, err := f.store.Page(ctx, cw, f.caseID, f.survivor)
	if err != nil || len(v.Notes) != 0 || len(v.Services) != 1 || v.Services[0].Status != "planned" {
		t.Fatalf("after bad input: %d notes, %+v, %v", len(v.Notes), v.Services, err)
	}
}

func TestEveryWriteAndRefusalIsAudited(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cw := f.actor("caseworker@aim.example")
	f.addNote("caseworker@aim.example", aftercare.NoteInput{Category: "medical", Body: caseBody, Visibility: access.AgencyOnly})
	id, err := f.store.AddService(ctx, cw, f.caseID, f.survivor, aftercare.ServiceInput{Kind: "repatriation",
		Provider: f.agencyID("aim"), Status: "planned", StartsOn: day(14)})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UpdateService(ctx, cw, f.caseID, f.survivor, id, "cancelled"); err != nil {
		t.Fatal(err)
	}
	inv := f.actor("investigator@th-ppr2.example")
	f.store.AddNote(ctx, inv, f.caseID, f.survivor, aftercare.NoteInput{Category: "medical", Body: "x", Visibility: access.AgencyOnly})
	f.store.Page(ctx, f.actor("investigator@th-ticac.example"), f.caseID, f.survivor)
	for action, who := range map[string]access.Actor{
		"aftercare.note":           cw,
		"aftercare.service":        cw,
		"aftercare.service_status": cw,
		"aftercare.note.denied":    inv,
		"aftercare.view.denied":    f.actor("investigator@th-ticac.example"),
	} {
		var n int
		if err := f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = $1 AND actor_user_id = $2`,
			action, who.UserID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d %s events, want 1", n, action)
		}
	}
	// Note events name the person, not the case, so the owner's access
	// history does not reveal AIM's agency-only note.
	var leaked int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action LIKE 'aftercare.%' AND details ? 'case_id'`).Scan(&leaked)
	if leaked != 0 {
		t.Errorf("%d aftercare events carry the case id", leaked)
	}
}
