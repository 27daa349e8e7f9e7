package cases_test

import (
	"context"
	"slices"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
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
	// Nor compute one, which would carry pieces of names it may not see,
	// nor rewrite a case's rows.
	for _, sql := range []string{`SELECT case_search_signature($1)::text`, `SELECT case_search_refresh($1)::text`} {
		var out *string
		if err := f.db.App.QueryRow(ctx, sql, id).Scan(&out); err == nil {
			t.Errorf("the application role may run %s", sql)
		}
	}
}
