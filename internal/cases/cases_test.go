package cases_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	t     *testing.T
	db    *pgtest.DB
	store *cases.Store
	users *agencies.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, store: cases.NewStore(db.App), users: agencies.NewStore(db.App)}
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	a, err := f.users.Authenticate(context.Background(), email, seed.DemoPassword)
	if err != nil {
		f.t.Fatalf("%s: %v", email, err)
	}
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

func caseInput(code access.HandlingCode) cases.CaseInput {
	return cases.CaseInput{Title: "Girls recruited for karaoke bars in Poipet", Summary: "Recruiter known as Mama Lek.",
		Category: "sex_trafficking", Priority: "high", Country: "TH", Province: "TH-27", HandlingCode: code}
}

// create opens a case as PPR2's investigator, with a survivor, a suspect
// and a law_enforcement entry, and shares it with AIM.
func (f *fixture) sharedCase(code access.HandlingCode, level access.ShareLevel) (int64, string) {
	f.t.Helper()
	ctx := context.Background()
	inv := f.actor("investigator@th-ppr2.example")
	id, ref, err := f.store.Create(ctx, inv, caseInput(code))
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.AddPerson(ctx, inv, id, cases.PersonInput{Role: access.Survivor, Names: "Srey Mom\nស្រីមុំ", Sex: "female", AgeEstimate: "16"}); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.AddPerson(ctx, inv, id, cases.PersonInput{Role: access.Suspect, Names: "Lek Sombat", Aliases: "Mama Lek", SuspectStatus: "wanted"}); err != nil {
		f.t.Fatal(err)
	}
	for _, e := range []cases.EntryInput{
		{Kind: "note", Body: "Survivor interviewed with a social worker present.", HandlingCode: access.Partners},
		{Kind: "operation", Body: "Informant inside the venue reports a transfer on Friday.", HandlingCode: access.LawEnforcement},
	} {
		if err := f.store.AddEntry(ctx, inv, id, e, nil); err != nil {
			f.t.Fatal(err)
		}
	}
	if code != access.Originator {
		err = f.store.ShareCase(ctx, f.actor("coordinator@th-ppr2.example"), id, cases.ShareInput{AgencyID: f.agencyID("aim"),
			Level: level, Basis: "referral", Reason: "Aftercare for the survivor"})
		if err != nil {
			f.t.Fatal(err)
		}
	}
	return id, ref
}

func TestCreateNumbersCasesPerAgencyAndYear(t *testing.T) {
	f := newFixture(t)
	inv := f.actor("investigator@kh-ahtjp.example")
	var refs []string
	for range 2 {
		_, ref, err := f.store.Create(context.Background(), inv, cases.CaseInput{Title: "Scam compound in Sihanoukville",
			Category: "scam_compound", Priority: "urgent", Country: "KH", Province: "KH-18", HandlingCode: access.Partners})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	re := regexp.MustCompile(`^KH-AHTJP-\d{4}-000[12]$`)
	if !re.MatchString(refs[0]) || !re.MatchString(refs[1]) || refs[0] == refs[1] {
		t.Fatalf("references %v", refs)
	}
}

func TestPartnerSeesSharedCaseButNotLawEnforcementEntriesNorIdentityWithoutConsent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	cw := f.actor("caseworker@aim.example")

	v, err := f.store.Page(ctx, cw, id)
	if err != nil {
		t.Fatalf("AIM caseworker cannot see the shared case: %v", err)
	}
	for _, e := range v.Entries {
		if e.HandlingCode == access.LawEnforcement {
			t.Errorf("an NGO sees a law_enforcement entry: %q", e.Body)
		}
	}
	if len(v.Entries) == 0 {
		t.Error("the NGO sees no entries at all")
	}
	survivor := v.People[slices.IndexFunc(v.People, func(p cases.Person) bool { return p.Role == access.Survivor })]
	suspect := v.People[slices.IndexFunc(v.People, func(p cases.Person) bool { return p.Role == access.Suspect })]
	if _, _, _, err := f.store.RevealIdentity(ctx, cw, id, survivor.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("survivor identity without consent: %v, want ErrNotFound", err)
	}
	if _, _, ident, err := f.store.RevealIdentity(ctx, cw, id, suspect.ID); err != nil || ident.Names[0] != "Lek Sombat" {
		t.Fatalf("suspect identity goes with the case: %v %v", ident, err)
	}
	// Consent recorded by the owner opens it.
	if err := f.store.SetConsent(ctx, f.actor("investigator@th-ppr2.example"), id, survivor.ID, true); err != nil {
		t.Fatal(err)
	}
	_, _, ident, err := f.store.RevealIdentity(ctx, cw, id, survivor.ID)
	if err != nil || !slices.Contains(ident.Names, "ស្រីមុំ") {
		t.Fatalf("after consent: %v %v", ident, err)
	}
	var reveals int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'identity.reveal' AND actor_user_id = $1`, cw.UserID).Scan(&reveals)
	if reveals != 2 {
		t.Errorf("%d reveals audited, want 2", reveals)
	}
	// A read share adds nothing.
	err = f.store.AddEntry(ctx, f.actor("investigator@aim.example"), id, cases.EntryInput{Kind: "note", Body: "x", HandlingCode: access.Partners}, nil)
	if !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("entry through a read share: %v", err)
	}
}

func TestUnrelatedAgencyGetsNotFound(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Contribute)
	other := f.actor("investigator@th-ticac.example")
	if _, err := f.store.Get(ctx, other, id); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("TICAC: %v, want ErrNotFound", err)
	}
	res, err := f.store.List(ctx, other, cases.Filter{})
	if err != nil || len(res.Cases) != 0 {
		t.Fatalf("TICAC list: %d cases, %v", len(res.Cases), err)
	}
	for _, email := range []string{"analyst@th-ppr2.example", "agency_admin@th-ppr2.example"} {
		if _, err := f.store.Get(ctx, f.actor(email), id); !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("%s sees case content: %v", email, err)
		}
	}
}

func TestLawEnforcementCaseIsHiddenFromNGOsEvenWhenShared(t *testing.T) {
	f := newFixture(t)
	id, _ := f.sharedCase(access.LawEnforcement, access.Read)
	if _, err := f.store.Get(context.Background(), f.actor("coordinator@aim.example"), id); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("NGO on a law_enforcement case: %v", err)
	}
}

func TestOriginatorCaseCannotBeShared(t *testing.T) {
	f := newFixture(t)
	id, _ := f.sharedCase(access.Originator, "")
	err := f.store.ShareCase(context.Background(), f.actor("coordinator@th-ppr2.example"), id, cases.ShareInput{AgencyID: f.agencyID("kh-ahtjp"),
		Level: access.Read, Basis: "request", Reason: "Cross-border suspect"})
	if !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("sharing an originator case: %v", err)
	}
}

func TestExpiredShareEndsAccess(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	if _, err := f.db.Owner.Exec(ctx, `UPDATE case_shares SET expires_at = now() - interval '1 second' WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	cw := f.actor("caseworker@aim.example")
	if _, err := f.store.Get(ctx, cw, id); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("after expiry: %v", err)
	}
	if _, err := f.db.App.Exec(ctx, `SELECT expire_case_shares()`); err != nil {
		t.Fatal(err)
	}
	res, _ := f.store.List(ctx, cw, cases.Filter{})
	if len(res.Cases) != 0 {
		t.Fatalf("the list still shows %d cases after expiry", len(res.Cases))
	}
}

func TestRawSQLAsAnotherAgencyGetsNoRows(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.sharedCase(access.Partners, access.Contribute)
	for _, actor := range []access.Actor{f.actor("coordinator@th-ticac.example"), {}} {
		err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			for _, table := range []string{"cases", "case_people", "person_identities", "timeline_entries", "case_shares", "case_counters"} {
				var n int
				if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
					return err
				}
				if n != 0 {
					t.Errorf("actor %+v sees %d rows of %s", actor, n, table)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Without any actor set, not even a transaction: nothing.
	var n int
	f.db.App.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&n)
	if n != 0 {
		t.Errorf("no actor: %d cases", n)
	}
}

func TestAppRoleCannotWidenVisibility(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	err := postgres.AsActor(ctx, f.db.App, f.actor("investigator@th-ppr2.example"), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE cases SET visible_to = visible_to || 3 WHERE id = $1`, id)
		return err
	})
	if err == nil {
		t.Fatal("the application role wrote visible_to")
	}
}

func TestBadInputGetsFieldErrors(t *testing.T) {
	f := newFixture(t)
	in := cases.CaseInput{Title: "x", Category: "smuggling", Priority: "normal", Country: "TH", Province: "KH-1",
		HandlingCode: "secret", OpenedOn: "2999-01-01"}
	_, _, err := f.store.Create(context.Background(), f.actor("investigator@th-ppr2.example"), in)
	verrs, ok := errors.AsType[validate.Errors](err)
	if !ok {
		t.Fatalf("got %v, want field errors", err)
	}
	for _, field := range []string{"title", "category", "province", "handling_code", "opened_on"} {
		if _, ok := verrs[field]; !ok {
			t.Errorf("no error for %s: %v", field, verrs)
		}
	}
}

func TestStaleEditConflicts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	inv := f.actor("investigator@th-ppr2.example")
	c, _ := f.store.Get(ctx, inv, id)
	first := caseInput(access.Partners)
	first.Status, first.Version = "investigating", c.Version
	if _, err := f.store.Update(ctx, inv, id, first); err != nil {
		t.Fatal(err)
	}
	second := caseInput(access.Partners)
	second.Status, second.Version, second.Title = "closed", c.Version, "An older form"
	current, err := f.store.Update(ctx, f.actor("coordinator@th-ppr2.example"), id, second)
	if !errors.Is(err, cases.ErrConflict) || current.Status != "investigating" {
		t.Fatalf("stale save: %v, current status %q", err, current.Status)
	}
}

// TestRowLevelSecurityHoldsTheRulesOnItsOwn reads as a partner in raw SQL,
// past the store: the database alone must hide a survivor without consent
// and law_enforcement entries from an NGO.
func TestRowLevelSecurityHoldsTheRulesOnItsOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	count := func(actor access.Actor, sql string) int {
		var n int
		err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, sql, id).Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	const survivors = `SELECT count(*) FROM person_identities i JOIN case_people p ON p.id = i.person_id WHERE p.case_id = $1 AND p.role = 'survivor'`
	const lawEnforcement = `SELECT count(*) FROM timeline_entries WHERE case_id = $1 AND handling_code = 'law_enforcement'`
	aim := f.actor("caseworker@aim.example")
	if n := count(aim, survivors); n != 0 {
		t.Errorf("the database shows AIM %d survivor identities without consent", n)
	}
	if n := count(aim, lawEnforcement); n != 0 {
		t.Errorf("the database shows an NGO %d law_enforcement entries", n)
	}
	if n := count(f.actor("investigator@th-ppr2.example"), survivors); n != 1 {
		t.Errorf("the owner sees %d survivor identities, want 1", n)
	}
	if _, err := f.db.Owner.Exec(ctx, `UPDATE case_people SET consent = true, consent_recorded_at = now() WHERE case_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if n := count(aim, survivors); n != 1 {
		t.Errorf("after consent the database shows AIM %d survivor identities, want 1", n)
	}
}

func TestKeysetPagingVisitsEveryCaseOnceInEachOrder(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 130 cases with clashing dates, so the id breaks ties.
	if _, err := f.db.Owner.Exec(ctx, `
		INSERT INTO cases (reference, owner_agency_id, title, category, country, opened_on, updated_at)
		SELECT 'TH-PPR2-2026-' || lpad(g::text, 4, '0'), $1, 'Paging case ' || g, 'other', 'TH',
			date '2026-01-01' + (g % 7), timestamptz '2026-06-01' + (g % 11) * interval '1 hour'
		FROM generate_series(1, 130) g`, f.agencyID("th-ppr2")); err != nil {
		t.Fatal(err)
	}
	inv := f.actor("investigator@th-ppr2.example")
	for _, sort := range cases.Sorts {
		seen := map[int64]bool{}
		var prev *cases.Case
		filter := cases.Filter{Sort: sort}
		for pages := 0; ; pages++ {
			res, err := f.store.List(ctx, inv, filter)
			if err != nil {
				t.Fatalf("%s: %v", sort, err)
			}
			for _, c := range res.Cases {
				if seen[c.ID] {
					t.Fatalf("%s: case %d twice", sort, c.ID)
				}
				seen[c.ID] = true
				if prev != nil && !inOrder(sort, *prev, c) {
					t.Fatalf("%s: %s before %s", sort, prev.Reference, c.Reference)
				}
				prev = &c
			}
			if res.Next == "" {
				break
			}
			filter.After = res.Next
		}
		if len(seen) != 130 {
			t.Errorf("%s: %d cases seen, want 130", sort, len(seen))
		}
	}
	if _, err := f.store.List(ctx, inv, cases.Filter{Sort: "opened", After: "garbage"}); err == nil {
		t.Error("a broken cursor was accepted")
	}
}

// The plain list walks the agency's own index of the cases it sees
// (migration 0020): for a partner that sees a few of many cases, it must
// be exactly those, newest first, and for every reader what row-level
// security lets it read.
func TestPlainListIsTheNewestCasesTheAgencySees(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Owner.Exec(ctx, `
		INSERT INTO cases (reference, owner_agency_id, title, category, country, opened_on, updated_at)
		SELECT 'TH-PPR2-2020-' || lpad(g::text, 4, '0'), $1, 'Unshared case ' || g, 'other', 'TH',
			date '2026-01-01', timestamptz '2026-06-01' + g * interval '1 minute'
		FROM generate_series(1, 120) g`, f.agencyID("th-ppr2")); err != nil {
		t.Fatal(err)
	}
	var shared []int64
	for range 3 {
		id, _ := f.sharedCase(access.Partners, access.Read)
		shared = append(shared, id)
	}
	for _, email := range []string{"investigator@aim.example", "investigator@th-ppr2.example", "investigator@kh-ahtjp.example"} {
		actor := f.actor(email)
		rows, _ := f.db.Owner.Query(ctx, `SELECT id FROM cases WHERE visible_to @> ARRAY[$1::int]
			ORDER BY updated_at DESC, id DESC`, actor.AgencyID)
		want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		got := listAll(t, f, actor, cases.Filter{})
		if !slices.Equal(got, want) {
			t.Errorf("%s: listed %v,\nwant %v", email, got, want)
		}
		if email == "investigator@aim.example" && !slices.Equal(got, []int64{shared[2], shared[1], shared[0]}) {
			t.Errorf("AIM lists %v, want the three cases shared with it, newest first: %v", got, shared)
		}
	}
}

// Status and province filters walk the agency's own indexes of the cases
// it sees (migration 0021): for every reader, each filter must list
// exactly what the cases table holds, newest first, across pages, and
// follow a case whose status or province changes even when nothing else
// does.
func TestStatusAndProvinceFiltersListTheAgencysMatches(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.db.Owner.Exec(ctx, `
		INSERT INTO cases (reference, owner_agency_id, title, category, country, province, status, opened_on, updated_at)
		SELECT 'TH-PPR2-2021-' || lpad(g::text, 4, '0'), $1, 'Filtered case ' || g, 'other', 'TH',
			(ARRAY['TH-27', 'TH-10', ''])[g % 3 + 1], (ARRAY['open', 'investigating', 'prosecution', 'rescued'])[g % 4 + 1],
			date '2026-01-01', timestamptz '2026-06-01' + (g / 2) * interval '1 minute'
		FROM generate_series(1, 240) g`, f.agencyID("th-ppr2")); err != nil {
		t.Fatal(err)
	}
	var shared []int64
	for range 3 {
		id, _ := f.sharedCase(access.Partners, access.Read)
		shared = append(shared, id)
	}
	// Changed behind the application's back: the status and province
	// alone, with the same updated_at.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE cases SET status = 'investigating', country = 'TH', province = 'TH-27' WHERE id = $1`,
		shared[1]); err != nil {
		t.Fatal(err)
	}
	filters := []cases.Filter{
		{Status: "investigating"}, {Province: "TH-27"}, {Status: "investigating", Province: "TH-27"},
		{Status: "rescued", Province: "TH-10"}, {Province: "th-10", Since: "2026-06-01"}, {Status: "operation_planned"},
	}
	for _, email := range []string{"investigator@aim.example", "investigator@th-ppr2.example", "investigator@kh-ahtjp.example"} {
		actor := f.actor(email)
		for _, filter := range filters {
			name := fmt.Sprintf("%s %+v", email, filter)
			rows, _ := f.db.Owner.Query(ctx, `SELECT id FROM cases WHERE visible_to @> ARRAY[$1::int]
				AND ($2 = '' OR status = $2) AND ($3 = '' OR province = upper($3)) AND updated_at >= coalesce(nullif($4, '')::date, '-infinity')
				ORDER BY updated_at DESC, id DESC`, actor.AgencyID, filter.Status, filter.Province, filter.Since)
			want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			got := listAll(t, f, actor, filter)
			if !slices.Equal(got, want) {
				t.Errorf("%s: listed %v,\nwant %v", name, got, want)
			}
			if email == "investigator@th-ppr2.example" && filter.Province == "TH-27" && filter.Status == "" && len(want) < cases.PageSize+1 {
				t.Errorf("%s: %d matches, too few to page", name, len(want))
			}
		}
		got, err := f.store.List(ctx, actor, cases.Filter{Status: "investigating", Province: "TH-27"})
		if err != nil {
			t.Fatal(err)
		}
		found := slices.ContainsFunc(got.Cases, func(c cases.Case) bool { return c.ID == shared[1] })
		if email == "investigator@aim.example" && !found {
			t.Errorf("AIM's filter misses the shared case whose status and province changed: %+v", got.Cases)
		}
	}
}

// listAll follows the list's pages from the first and returns the ids of
// every case on them, in order.
func listAll(t *testing.T, f *fixture, actor access.Actor, filter cases.Filter) []int64 {
	t.Helper()
	var ids []int64
	for {
		res, err := f.store.List(context.Background(), actor, filter)
		if err != nil {
			t.Fatalf("%+v: %v", filter, err)
		}
		for _, c := range res.Cases {
			ids = append(ids, c.ID)
		}
		if res.Next == "" {
			return ids
		}
		filter.After = res.Next
	}
}

func inOrder(sort string, a, b cases.Case) bool {
	switch sort {
	case "updated":
		return a.UpdatedAt.After(b.UpdatedAt) || (a.UpdatedAt.Equal(b.UpdatedAt) && a.ID > b.ID)
	case "opened":
		return a.OpenedOn.After(b.OpenedOn) || (a.OpenedOn.Equal(b.OpenedOn) && a.ID > b.ID)
	}
	return a.Reference < b.Reference
}

func TestLeadOfficerComesFromTheOwningAgency(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	inv := f.actor("investigator@th-ppr2.example")
	edit := func(lead int64) error {
		c, _ := f.store.Get(ctx, inv, id)
		in := caseInput(access.Partners)
		in.Status, in.Version, in.LeadOfficer = c.Status, c.Version, lead
		_, err := f.store.Update(ctx, inv, id, in)
		return err
	}
	for _, email := range []string{"investigator@kh-ahtjp.example", "analyst@th-ppr2.example"} {
		err := edit(f.actor(email).UserID)
		if verrs, ok := errors.AsType[validate.Errors](err); !ok || verrs["lead_officer"].ID == "" {
			t.Errorf("lead officer %s: %v, want a field error", email, err)
		}
	}
	coord := f.actor("coordinator@th-ppr2.example")
	if err := edit(coord.UserID); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.List(ctx, inv, cases.Filter{Lead: coord.UserID})
	if err != nil || len(res.Cases) != 1 || *res.Cases[0].LeadOfficer != "Pranee Thongchai" {
		t.Fatalf("lead filter: %+v %v", res.Cases, err)
	}
}

func TestExpireSharesReportsTheCasesItChanged(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	if n, err := f.store.ExpireShares(ctx); err != nil || n != 0 {
		t.Fatalf("nothing expired yet: %d, %v", n, err)
	}
	// Time passing, not a write: the share's own trigger must not see it.
	for _, sql := range []string{
		`ALTER TABLE case_shares DISABLE TRIGGER case_shares_visible_to`,
		`UPDATE case_shares SET expires_at = now() - interval '1 second' WHERE case_id = $1`,
		`ALTER TABLE case_shares ENABLE TRIGGER case_shares_visible_to`,
	} {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, id)
		}
		if _, err := f.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := f.store.ExpireShares(ctx); err != nil || n != 1 {
		t.Fatalf("after expiry: %d, %v; want 1", n, err)
	}
	var visible []int32
	f.db.Owner.QueryRow(ctx, `SELECT visible_to FROM cases WHERE id = $1`, id).Scan(&visible)
	if slices.Contains(visible, f.agencyID("aim")) {
		t.Fatalf("visible_to still holds AIM: %v", visible)
	}
	// The people's identities follow (migration 0013), so AIM's name search
	// no longer reaches them.
	var stale int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM person_identities WHERE case_id = $1 AND visible_to <> $2`, id, visible).Scan(&stale)
	if stale != 0 {
		t.Errorf("%d identities kept the case's old visible_to", stale)
	}
}

func TestSearchFindsPartsOfWordsInEveryScriptButNoProtectedName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.actor("investigator@kh-ahtjp.example")
	for _, title := range []string{"ขบวนการค้ามนุษย์ข้ามแดนที่ด่านคลองลึก", "ការជួញដូរមនុស្សនៅប៉ោយប៉ែត", "Scam compound in Sihanoukville"} {
		if _, _, err := f.store.Create(ctx, inv, cases.CaseInput{Title: title, Category: "other", Priority: "normal", Country: "KH",
			HandlingCode: access.Partners}); err != nil {
			t.Fatal(err)
		}
	}
	f.sharedCase(access.Partners, access.Read) // survivor Srey Mom without consent, suspect Lek Sombat
	search := func(actor access.Actor, q string) []string {
		res, err := f.store.List(ctx, actor, cases.Filter{Query: q})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var titles []string
		for _, c := range res.Cases {
			titles = append(titles, c.Title)
		}
		return titles
	}
	for q, want := range map[string]string{
		"ค้ามนุษย์": "ขบวนการค้ามนุษย์ข้ามแดนที่ด่านคลองลึก",
		"ប៉ោយប៉ែត":  "ការជួញដូរមនុស្សនៅប៉ោយប៉ែត",
		"hanoukv":   "Scam compound in Sihanoukville",
		"COMPOUND":  "Scam compound in Sihanoukville",
	} {
		if got := search(inv, q); len(got) != 1 || got[0] != want {
			t.Errorf("search %q: %v, want %q", q, got, want)
		}
	}
	aim := f.actor("caseworker@aim.example")
	if got := search(aim, "Srey Mom"); len(got) != 0 {
		t.Errorf("a partner finds the case by an unconsented survivor's name: %v", got)
	}
	if got := search(aim, "Mama Lek"); len(got) != 1 {
		t.Errorf("a partner cannot find the case by the suspect's alias: %v", got)
	}
	if got := search(f.actor("investigator@th-ppr2.example"), "Srey Mo"); len(got) != 1 {
		t.Errorf("the owner cannot find the case by the survivor's name: %v", got)
	}
	if got := search(f.actor("investigator@th-ticac.example"), "Mama Lek"); len(got) != 0 {
		t.Errorf("an unrelated agency finds the case: %v", got)
	}
	for _, q := range []string{`%%%`, `___`, `\\\`, "'; --"} {
		if got := search(inv, q); len(got) != 0 {
			t.Errorf("search %q matched %v: wildcards are not escaped", q, got)
		}
	}
}

func TestClosingAndReopeningACase(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	inv := f.actor("investigator@th-ppr2.example")
	set := func(status string) cases.Case {
		c, _ := f.store.Get(ctx, inv, id)
		in := caseInput(access.Partners)
		in.Status, in.Version = status, c.Version
		if _, err := f.store.Update(ctx, inv, id, in); err != nil {
			t.Fatal(err)
		}
		c, _ = f.store.Get(ctx, inv, id)
		return c
	}
	if c := set("closed"); c.ClosedOn == nil {
		t.Fatal("closing left no closing date")
	}
	if c := set("investigating"); c.ClosedOn != nil || c.Status != "investigating" {
		t.Fatalf("reopening: %+v", c)
	}
	v, _ := f.store.Page(ctx, inv, id)
	var changes int
	for _, e := range v.Entries {
		if e.Kind == "status_change" {
			changes++
		}
	}
	if changes != 2 {
		t.Fatalf("%d status changes on the timeline, want 2", changes)
	}
}
