package cases_test

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
)

// searchTitles pages through a search as actor and returns the titles
// found, checking the order and that no case comes twice.
func (f *fixture) searchTitles(actor access.Actor, q string) []string {
	f.t.Helper()
	ctx := context.Background()
	var titles []string
	seen := map[int64]bool{}
	var prev *cases.Case
	filter := cases.Filter{Query: q}
	for {
		res, err := f.store.List(ctx, actor, filter)
		if err != nil {
			f.t.Fatalf("search %q: %v", q, err)
		}
		for _, c := range res.Cases {
			if seen[c.ID] {
				f.t.Fatalf("search %q: case %d twice", q, c.ID)
			}
			seen[c.ID] = true
			if prev != nil && !inOrder("updated", *prev, c) {
				f.t.Fatalf("search %q: %s before %s", q, prev.Reference, c.Reference)
			}
			prev = &c
			titles = append(titles, c.Title)
		}
		if res.Next == "" {
			return titles
		}
		filter.After = res.Next
	}
}

// caseSearchDrift counts the rows of case_search that differ from what its
// triggers should have made of the cases and people as they are now.
func caseSearchDrift(t *testing.T, db *pgtest.DB) int {
	t.Helper()
	var n int
	if err := db.Owner.QueryRow(context.Background(), `
		WITH want AS (SELECT c.id AS case_id, a AS agency_id, c.updated_at, case_search_signature(c.id) AS sig
		              FROM cases c, unnest(c.visible_to) AS a),
		     have AS (SELECT case_id, agency_id, updated_at, sig FROM case_search)
		SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE have) x) + (SELECT count(*) FROM (TABLE have EXCEPT TABLE want) y)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSearchFindsTitleSummaryReferenceAndVisibleNamesOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, ref := f.sharedCase(access.Partners, access.Read) // title: karaoke bars in Poipet; summary: Mama Lek
	inv := f.actor("investigator@th-ppr2.example")
	aim := f.actor("caseworker@aim.example")
	ticac := f.actor("investigator@th-ticac.example")
	want := []string{caseInput(access.Partners).Title}
	for _, q := range []string{"KARAOKE bar", "known as mama", ref[3:], "Lek Sombat", "ស្រីមុំ"} {
		if got := f.searchTitles(inv, q); !slices.Equal(got, want) {
			t.Errorf("the owner searching %q: %v", q, got)
		}
	}
	for q, want := range map[string][]string{"karaoke": want, "Lek Sombat": want, "Srey Mom": nil, "ស្រីមុំ": nil} {
		if got := f.searchTitles(aim, q); !slices.Equal(got, want) {
			t.Errorf("a partner searching %q: %v, want %v", q, got, want)
		}
	}
	for _, q := range []string{"karaoke", "Poipet", "Lek Sombat", ref} {
		if got := f.searchTitles(ticac, q); len(got) != 0 {
			t.Errorf("an agency that may not see the case finds it by %q", q)
		}
	}
	// Consent opens the survivor's name to the partner.
	v, err := f.store.Page(ctx, inv, mustCaseID(t, f, ref))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.People {
		if p.Role == access.Survivor {
			if err := f.store.UpdatePerson(ctx, inv, v.Case.ID, p.ID, cases.PersonInput{Names: "Srey Mom\nស្រីមុំ", Aliases: "Pov",
				Sex: "female", AgeEstimate: "16"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := f.searchTitles(inv, "Pov"); !slices.Equal(got, want) {
		t.Errorf("the owner cannot find the case by a new alias: %v", got)
	}
	if got := f.searchTitles(aim, "Pov"); len(got) != 0 {
		t.Errorf("a partner finds the case by an unconsented survivor's new alias")
	}
	if n := caseSearchDrift(t, f.db); n != 0 {
		t.Errorf("case_search: %d rows differ from the cases", n)
	}
	if n := searchWordsMissing(t, f.db); n != 0 {
		t.Errorf("search_words lacks %d words of the names", n)
	}
}

func mustCaseID(t *testing.T, f *fixture, ref string) int64 {
	t.Helper()
	var id int64
	if err := f.db.Owner.QueryRow(context.Background(), `SELECT id FROM cases WHERE reference = $1`, ref).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSearchPagesThroughEveryMatchNewestFirst(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// 130 matches among 260 cases, with clashing times, so the id breaks ties.
	if _, err := f.db.Owner.Exec(ctx, `
		INSERT INTO cases (reference, owner_agency_id, title, category, country, updated_at)
		SELECT 'TH-PPR2-2026-' || lpad(g::text, 4, '0'), $1, CASE WHEN g % 2 = 0 THEN 'Paging karaoke ' ELSE 'Paging other ' END || g,
			'other', 'TH', timestamptz '2026-06-01' + (g % 11) * interval '1 hour'
		FROM generate_series(1, 260) g`, f.agencyID("th-ppr2")); err != nil {
		t.Fatal(err)
	}
	got := f.searchTitles(f.actor("investigator@th-ppr2.example"), "karaoke")
	if len(got) != 130 {
		t.Errorf("%d matches found, want 130", len(got))
	}
	// Another order, or another filter, still sees the matches.
	res, err := f.store.List(ctx, f.actor("investigator@th-ppr2.example"), cases.Filter{Query: "karaoke", Sort: "reference", Country: "TH"})
	if err != nil || len(res.Cases) != cases.PageSize || res.Next == "" {
		t.Errorf("by reference: %d cases, next %q, %v", len(res.Cases), res.Next, err)
	}
}

// A rare term is looked up in the trigram indexes once the walk of the
// newest cases gives up: the old matches must come out all the same, in
// order after the new ones, and still under the rules.
func TestSearchFindsOldMatchesPastTheWalk(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ppr2 := f.agencyID("th-ppr2")
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := f.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	// Five old cases that match, then 2,600 newer ones that do not (more
	// than the walk's first stretch), then one new match.
	exec(`INSERT INTO cases (reference, owner_agency_id, title, summary, category, country, updated_at) VALUES
		('TH-PPR2-2020-0001', $1, 'Zephyrine compound', '', 'other', 'TH', '2020-01-01'),
		('TH-PPR2-2020-0002', $1, 'An old case', 'Ferried by a zephyrine boat', 'other', 'TH', '2020-01-02'),
		('TH-PPR2-2020-0003', $1, 'A case with a suspect', '', 'other', 'TH', '2020-01-03'),
		('TH-PPR2-2020-0004', $1, 'A case with a survivor', '', 'other', 'TH', '2020-01-04'),
		('TH-PPR2-2020-0005', $1, 'Zephyrine, never shared', '', 'other', 'TH', '2020-01-05')`, ppr2)
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id, suspect_status)
		SELECT id, 'suspect', 'P-ZEPH1', $1, 'wanted' FROM cases WHERE reference = 'TH-PPR2-2020-0003'`, ppr2)
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id)
		SELECT id, 'survivor', 'S-ZEPH2', $1 FROM cases WHERE reference = 'TH-PPR2-2020-0004'`, ppr2)
	exec(`INSERT INTO person_identities (person_id, names) SELECT id, ARRAY['Zephyrine Kaew'] FROM case_people WHERE code IN ('P-ZEPH1', 'S-ZEPH2')`)
	exec(`INSERT INTO cases (reference, owner_agency_id, title, category, country, updated_at)
		SELECT 'TH-PPR2-2021-' || lpad(g::text, 4, '0'), $1, 'Unrelated case ' || g, 'other', 'TH', timestamptz '2021-01-01' + g * interval '1 hour'
		FROM generate_series(1, 2600) g`, ppr2)
	exec(`INSERT INTO cases (reference, owner_agency_id, title, category, country, updated_at)
		VALUES ('TH-PPR2-2026-0001', $1, 'A new zephyrine case', 'other', 'TH', '2026-01-01')`, ppr2)
	// AIM sees the old cases but the last, and every newer one.
	coord := f.actor("coordinator@th-ppr2.example")
	exec(`INSERT INTO case_shares (case_id, agency_id, level, basis, reason, granted_by)
		SELECT id, $1, 'read', 'referral', 'Search test', $2 FROM cases WHERE reference <> 'TH-PPR2-2020-0005'`, f.agencyID("aim"), coord.UserID)

	all := []string{"A new zephyrine case", "Zephyrine, never shared", "A case with a survivor", "A case with a suspect", "An old case", "Zephyrine compound"}
	if got := f.searchTitles(f.actor("investigator@th-ppr2.example"), "ZEPHYRINE"); !slices.Equal(got, all) {
		t.Errorf("the owner finds %v, want %v", got, all)
	}
	// AIM: not the unshared case, and not the survivor's name.
	want := []string{"A new zephyrine case", "A case with a suspect", "An old case", "Zephyrine compound"}
	if got := f.searchTitles(f.actor("caseworker@aim.example"), "zephyrine"); !slices.Equal(got, want) {
		t.Errorf("a partner finds %v, want %v", got, want)
	}
	if got := f.searchTitles(f.actor("investigator@th-ticac.example"), "zephyrine"); len(got) != 0 {
		t.Errorf("an agency that sees none of the cases finds %v", got)
	}
	if n := caseSearchDrift(t, f.db); n != 0 {
		t.Errorf("case_search: %d rows differ from the cases", n)
	}
}

func TestCaseSearchFollowsEveryChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Contribute)
	inv := f.actor("investigator@th-ppr2.example")
	c, err := f.store.Get(ctx, inv, id)
	if err != nil {
		t.Fatal(err)
	}
	in := caseInput(access.LawEnforcement) // AIM, an NGO, loses the case
	in.Title, in.Summary, in.Status, in.Version = "Retitled: venue in Aranyaprathet", "A new summary", c.Status, c.Version
	if _, err := f.store.Update(ctx, inv, id, in); err != nil {
		t.Fatal(err)
	}
	if n := caseSearchDrift(t, f.db); n != 0 {
		t.Errorf("after an edit: %d rows of case_search differ", n)
	}
	if got := f.searchTitles(f.actor("caseworker@aim.example"), "Aranyaprathet"); len(got) != 0 {
		t.Errorf("AIM still finds the case it may no longer see")
	}
	if got := f.searchTitles(inv, "karaoke"); len(got) != 0 {
		t.Errorf("the old title still matches: %v", got)
	}
	// The app role cannot read the signatures.
	var n int
	err = f.db.App.QueryRow(ctx, `SELECT count(*) FROM case_search`).Scan(&n)
	if err == nil {
		t.Errorf("the application role reads case_search (%d rows)", n)
	}
	// Nor the words of every name.
	if err := f.db.App.QueryRow(ctx, `SELECT count(*) FROM search_words`).Scan(&n); err == nil {
		t.Errorf("the application role reads search_words (%d rows)", n)
	}
	// Nor compute one, which would carry pieces of names it may not see,
	// nor rewrite a case's rows.
	for _, sql := range []string{`SELECT case_search_signature($1)::text`, `SELECT case_search_refresh($1)::text`} {
		var out *string
		if err := f.db.App.QueryRow(ctx, sql, id).Scan(&out); err == nil {
			t.Errorf("the application role may run %s", sql)
		}
	}
}

// searchIDs pages through a search as actor, in the given order, and
// returns the ids found.
func (f *fixture) searchIDs(actor access.Actor, q, sort string) []int64 {
	f.t.Helper()
	var ids []int64
	filter := cases.Filter{Query: q, Sort: sort}
	for {
		res, err := f.store.List(context.Background(), actor, filter)
		if err != nil {
			f.t.Fatalf("search %q: %v", q, err)
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

// referenceSearch finds, without the database's search, the cases actor
// may see whose title, summary or reference contains q, or a name on
// which actor may see (access.CanSeeIdentity), in any case; newest change
// first.
type referenceSearch struct {
	cases []refCase
}

type refCase struct {
	id                        int64
	owner                     int32
	code                      access.HandlingCode
	title, summary, reference string
	updated                   time.Time
	shares                    map[int32]access.ShareLevel
	referred                  map[int32]bool // identity referred to the agency and accepted
	people                    []refPerson
}

type refPerson struct {
	facts access.PersonFacts
	text  string
}

func loadReference(t *testing.T, db *pgtest.DB) *referenceSearch {
	t.Helper()
	ctx := context.Background()
	byID := map[int64]*refCase{}
	var out referenceSearch
	rows, _ := db.Owner.Query(ctx, `SELECT id, owner_agency_id, handling_code, title, summary, reference, updated_at FROM cases ORDER BY id`)
	var c refCase
	if _, err := pgx.ForEachRow(rows, []any{&c.id, &c.owner, &c.code, &c.title, &c.summary, &c.reference, &c.updated}, func() error {
		out.cases = append(out.cases, c)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for i := range out.cases {
		rc := &out.cases[i]
		rc.shares, rc.referred = map[int32]access.ShareLevel{}, map[int32]bool{}
		byID[rc.id] = rc
	}
	var caseID int64
	var agency int32
	var level access.ShareLevel
	rows, _ = db.Owner.Query(ctx, `SELECT case_id, agency_id, level FROM case_shares
		WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`)
	if _, err := pgx.ForEachRow(rows, []any{&caseID, &agency, &level}, func() error {
		byID[caseID].shares[agency] = level
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	rows, _ = db.Owner.Query(ctx, `SELECT case_id, to_agency_id FROM referrals
		WHERE include_identity AND state IN ('accepted', 'completed')`)
	if _, err := pgx.ForEachRow(rows, []any{&caseID, &agency}, func() error {
		byID[caseID].referred[agency] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var p refPerson
	rows, _ = db.Owner.Query(ctx, `SELECT p.case_id, p.role, p.consent, p.override_reason IS NOT NULL, p.added_by_agency_id, i.search_text
		FROM case_people p JOIN person_identities i ON i.person_id = p.id`)
	if _, err := pgx.ForEachRow(rows, []any{&caseID, &p.facts.Role, &p.facts.Consent, &p.facts.Override, &p.facts.AddedBy, &p.text}, func() error {
		byID[caseID].people = append(byID[caseID].people, p)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return &out
}

func (r *referenceSearch) find(actor access.Actor, q string) []int64 {
	q = strings.ToLower(q)
	has := func(s string) bool { return strings.Contains(strings.ToLower(s), q) }
	var found []refCase
	for _, c := range r.cases {
		facts := access.CaseFacts{OwnerAgencyID: c.owner, HandlingCode: c.code, Share: c.shares[actor.AgencyID],
			IdentityReferred: c.referred[actor.AgencyID]}
		if !actor.CanSeeCase(facts) {
			continue
		}
		match := has(c.title) || has(c.summary) || has(c.reference)
		for _, p := range c.people {
			match = match || has(p.text) && actor.CanSeeIdentity(facts, p.facts)
		}
		if match {
			found = append(found, c)
		}
	}
	slices.SortFunc(found, func(a, b refCase) int {
		if c := b.updated.Compare(a.updated); c != 0 {
			return c
		}
		return cmp.Compare(b.id, a.id)
	})
	ids := make([]int64, len(found))
	for i, c := range found {
		ids[i] = c.id
	}
	return ids
}

// Search finds what a reference finds by reading every case, for common
// and rare terms, names each reader may or may not see, and cases deep
// past the walk of the newest (migration 0022's fallback), page by page.
func TestSearchMatchesAReference(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := f.db.Owner.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	ppr2, aim, moi := f.agencyID("th-ppr2"), f.agencyID("aim"), f.agencyID("kh-moi")
	coord := f.actor("coordinator@th-ppr2.example")
	// 2,600 cases of PPR2's, three to an hour (the id decides between
	// them), and 300 of AIM's among them. Every third is shared with AIM,
	// every fifth with MOI; every tenth is for law enforcement only, which
	// AIM does not see even when shared.
	exec(`INSERT INTO cases (reference, owner_agency_id, title, summary, category, country, handling_code, updated_at)
		SELECT 'TH-PPR2-2024-' || lpad(g::text, 4, '0'), $1,
			'Case ' || g || CASE WHEN g % 40 = 0 THEN ' karaoke venue' WHEN g % 97 = 0 THEN ' คาราโอเกะ ริมทาง' ELSE '' END,
			CASE WHEN g % 13 = 0 THEN E'Crew held on a boat\nnear Koh Kong' WHEN g % 29 = 0 THEN 'ជនរងគ្រោះ នៅកោះកុង' ELSE '' END,
			'other', 'TH', CASE WHEN g % 10 = 0 THEN 'law_enforcement' ELSE 'partners' END,
			timestamptz '2024-01-01' + (g / 3) * interval '1 hour'
		FROM generate_series(1, 2600) g`, ppr2)
	exec(`INSERT INTO cases (reference, owner_agency_id, title, category, country, updated_at)
		SELECT 'KH-AIM-2024-' || lpad(g::text, 4, '0'), $1, 'Shelter case ' || g || CASE WHEN g % 50 = 0 THEN ' Karaoke' ELSE '' END,
			'other', 'KH', timestamptz '2024-01-01' + g * interval '9 hours'
		FROM generate_series(1, 300) g`, aim)
	exec(`INSERT INTO case_shares (case_id, agency_id, level, basis, reason, granted_by)
		SELECT c.id, a.id, 'read', 'referral', 'Search test', $2 FROM cases c, agencies a
		WHERE c.owner_agency_id = $1 AND ((a.code = 'aim' AND c.id % 3 = 0) OR (a.code = 'kh-moi' AND c.id % 5 = 0))`, ppr2, coord.UserID)
	// People: a survivor or witness on each of PPR2's cases, and a suspect
	// on every fourth. A survivor's name is seen by partners with consent,
	// the owner's override, when AIM recorded the person, or when the case
	// was referred to AIM with identity and accepted.
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id, consent, consent_recorded_at, override_reason)
		SELECT c.id, CASE WHEN c.id % 2 = 0 THEN 'survivor' ELSE 'witness' END, 'S-' || upper(lpad(to_hex(c.id), 6, '0')),
			CASE WHEN c.id % 9 = 0 THEN $2::int ELSE $1::int END, c.id % 7 = 0, CASE WHEN c.id % 7 = 0 THEN now() END,
			CASE WHEN c.id % 11 = 0 THEN 'Opened for the shelter by the owner' END
		FROM cases c WHERE c.owner_agency_id = $1`, ppr2, aim)
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id, suspect_status)
		SELECT c.id, 'suspect', 'P-' || upper(lpad(to_hex(c.id), 6, '0')), $1, 'wanted' FROM cases c WHERE c.owner_agency_id = $1 AND c.id % 4 = 0`, ppr2)
	// Names: สมชาย on one case in 17, Sreypov on one in 23, ศรีสุข on five
	// old cases and one of the newest, a name of its own on every other.
	exec(`INSERT INTO person_identities (person_id, names, aliases)
		SELECT p.id, CASE WHEN p.role = 'suspect' THEN ARRAY['Lek Sombat'] ELSE ARRAY[
			CASE WHEN c.id % 17 = 0 THEN 'สมชาย ใจดี' WHEN c.id % 23 = 0 THEN 'Vong Sreypov វង្ស ស្រីពៅ'
			     WHEN c.reference IN ('TH-PPR2-2024-0005', 'TH-PPR2-2024-0050', 'TH-PPR2-2024-0150', 'TH-PPR2-2024-0400',
			                          'TH-PPR2-2024-0900', 'TH-PPR2-2024-2590') THEN 'ศรีสุข มั่นคง'
			     ELSE 'Name' || c.id END] END,
			CASE WHEN p.role = 'suspect' THEN ARRAY['Mama Lek'] ELSE '{}' END
		FROM case_people p JOIN cases c ON c.id = p.case_id`)
	exec(`INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
			include_identity, identity_reason, cross_border, state, sent_by, responded_by, responded_at)
		SELECT c.id, c.reference, $1, $2, 'aftercare', 'normal', 'Search test', now() + interval '3 days',
			true, 'The survivor needs a shelter placement', false, CASE WHEN c.id % 2 = 0 THEN 'accepted' ELSE 'pending' END,
			$3, CASE WHEN c.id % 2 = 0 THEN $3::bigint END, CASE WHEN c.id % 2 = 0 THEN now() END
		FROM cases c WHERE c.owner_agency_id = $1 AND c.id % 3 = 0 AND c.id % 19 = 0`, ppr2, aim, coord.UserID)
	// TICAC sees every case of PPR2's, and no survivor's or witness's
	// name: a witness Chanthou on one case in four, whose name it may not
	// see, and a suspect Chanthou on seven of the newest and seven of the
	// oldest, whose it may. The walk finds a few, and the indexes list too
	// many, that it may not see, to be read: the walk goes on.
	exec(`INSERT INTO case_shares (case_id, agency_id, level, basis, reason, granted_by)
		SELECT c.id, $2, 'read', 'joint_operation', 'Search test', $3 FROM cases c WHERE c.owner_agency_id = $1`,
		ppr2, f.agencyID("th-ticac"), coord.UserID)
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id)
		SELECT c.id, 'witness', 'W-' || upper(lpad(to_hex(c.id), 6, '0')), $1 FROM cases c WHERE c.owner_agency_id = $1 AND c.id % 4 = 1`, ppr2)
	exec(`INSERT INTO case_people (case_id, role, code, added_by_agency_id, suspect_status)
		SELECT c.id, 'suspect', 'P-Z' || upper(lpad(to_hex(c.id), 5, '0')), $1, 'arrested' FROM cases c
		WHERE c.owner_agency_id = $1 AND (c.reference >= 'TH-PPR2-2024-2300' OR c.reference < 'TH-PPR2-2024-0300') AND c.id % 41 = 3`, ppr2)
	exec(`INSERT INTO person_identities (person_id, names)
		SELECT p.id, CASE WHEN p.role = 'witness' THEN ARRAY['Chanthou ចន្ធូ'] ELSE ARRAY['Chanthou Ly'] END
		FROM case_people p WHERE p.code LIKE 'W-%' OR p.code LIKE 'P-Z%'`)
	if n := caseSearchDrift(t, f.db); n != 0 {
		t.Fatalf("case_search: %d rows differ from the cases", n)
	}

	ref := loadReference(t, f.db)
	actors := []access.Actor{f.actor("investigator@th-ppr2.example"), f.actor("caseworker@aim.example"),
		f.actor("coordinator@kh-moi.example"), f.actor("investigator@th-ticac.example")}
	if actors[2].AgencyID != moi {
		t.Fatalf("MOI's coordinator acts for %d, not %d", actors[2].AgencyID, moi)
	}
	for _, q := range []string{"สมชาย", "ศรีสุข", "ศรีสุข มั่นคง", "รีสุ", "ใจดี", "SOMBAT", "lek sombat", "Mama", "ស្រីពៅ", "sreypov",
		"វង្ស ស្រីពៅ", "KARAOKE", "คาราโอเกะ", "ជនរងគ្រោះ", "TH-PPR2-2024-0007", "2024-01", "koh kong", "Name25", "Case 1", "Shelter case 1", "Chanthou", "ចន្ធូ", "x%y", "nothing here"} {
		for _, actor := range actors {
			want := ref.find(actor, q)
			if got := f.searchIDs(actor, q, ""); !slices.Equal(got, want) {
				t.Errorf("agency %d searching %q: %d cases, want %d", actor.AgencyID, q, len(got), len(want))
			}
		}
	}
	// In another order, the same cases (fewer than the 1,000 newest).
	for _, q := range []string{"ศรีสุข", "sreypov"} {
		want := ref.find(actors[0], q)
		slices.Sort(want)
		got := f.searchIDs(actors[0], q, "reference")
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("by reference, %q: %d cases, want %d", q, len(got), len(want))
		}
	}
	// A query with a line break matches inside one field only: not across
	// a title's end and a summary's start.
	var n int
	err := postgres.AsActor(ctx, f.db.App, actors[0], func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM search_cases($1, 51)`, "13\nCrew").Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("a query across two fields finds %d cases (%v)", n, err)
	}
	err = postgres.AsActor(ctx, f.db.App, actors[0], func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM search_cases($1, 500)`, "BOAT\nnear").Scan(&n)
	})
	if want := len(ref.find(actors[0], "boat\nnear")); err != nil || n != want || want == 0 {
		t.Errorf("a query with a line break finds %d cases, want %d (%v)", n, want, err)
	}
	if n := searchWordsMissing(t, f.db); n != 0 {
		t.Errorf("search_words lacks %d words of the names", n)
	}
}

// searchWordsMissing counts the words of the names that search_words lacks.
func searchWordsMissing(t *testing.T, db *pgtest.DB) int {
	t.Helper()
	var n int
	if err := db.Owner.QueryRow(context.Background(), `
		SELECT count(*) FROM (SELECT DISTINCT w FROM person_identities, unnest(search_words_of(search_text)) AS w
		                      EXCEPT SELECT word FROM search_words) x`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
