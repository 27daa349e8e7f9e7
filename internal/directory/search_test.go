package directory_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// namedContacts adds n entries by SQL as the owner, over every demo
// agency, with names in Thai, Khmer and Latin script that share parts,
// differ in case and hold LIKE's wildcards; some inactive, some
// agency-only, some focal points.
func namedContacts(t *testing.T, f *fixture, n int) {
	t.Helper()
	if _, err := f.db.Owner.Exec(context.Background(), `
		WITH a AS (SELECT array_agg(id ORDER BY id) AS ids FROM agencies WHERE code <> 'handshake'),
		parts AS (SELECT
			ARRAY['สมชาย', 'ศรีสุข', 'พ.ต.ท. สมศรี', 'ศรีวรรณ', 'សុខ', 'ចាន់ថា', 'ស្រីពៅ', 'សុខចាន់', 'Srey', 'SREY',
				'Mark', 'marko', 'Chan', 'O''Brien', 'Officer_1', 'Officer%1', 'back\slash', 'Ånders'] AS given,
			ARRAY['ใจดี', 'ศรีสุข', 'ចាន់', 'សុភា', 'Srey Mom', 'Markham', 'Sok', 'dara', '100% sure', 'Lim'] AS family)
		INSERT INTO contacts (agency_id, name, phones, languages, provinces, focal_point, visibility, active, created_by)
		SELECT a.ids[1 + i % cardinality(a.ids)],
			parts.given[1 + i % cardinality(parts.given)] || ' ' || parts.family[1 + (i / 7) % cardinality(parts.family)],
			'{+66812345678}', CASE WHEN i % 4 = 0 THEN '{km}'::text[] ELSE '{th,en}' END,
			CASE WHEN i % 3 = 0 THEN '{KH-1}'::text[] ELSE '{TH-27}' END, i % 5 = 0,
			CASE WHEN i % 6 = 0 THEN 'agency' ELSE 'partners' END, i % 9 <> 0, (SELECT min(id) FROM users)
		FROM generate_series(1, $1) i, a, parts`, n); err != nil {
		t.Fatal(err)
	}
}

// plainSearch is the directory's search as it was before migration 0023:
// one query under row-level security, the name matched by ILIKE. It
// returns the ids of up to limit entries after (name, id), or from the
// start when afterID is 0.
func plainSearch(t *testing.T, f *fixture, actor access.Actor, flt directory.Filter, afterName string, afterID int64,
	limit int) []int64 {
	t.Helper()
	pattern := ""
	if name := strings.TrimSpace(flt.Name); name != "" {
		pattern = "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(name) + "%"
	}
	var ids []int64
	err := postgres.AsActor(context.Background(), f.db.App, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(context.Background(), `
			SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
			WHERE (c.active OR c.agency_id = app_agency())
				AND ($1 = '' OR c.name ILIKE $1)
				AND ($2 = 0 OR c.agency_id = $2)
				AND ($3 = '' OR a.country = $3)
				AND ($4 = '' OR c.provinces @> ARRAY[$4])
				AND ($5 = '' OR c.languages @> ARRAY[$5])
				AND (NOT $6 OR c.focal_point)
				AND (NOT $7 OR (c.name, c.id) > ($8::text, $9::bigint))
			ORDER BY c.name, c.id
			LIMIT $10`, pattern, flt.AgencyID, flt.Country, flt.Province, flt.Language, flt.FocalPoint,
			afterID != 0, afterName, afterID, limit)
		ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func idsOf(list []directory.Contact) []int64 {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

// TestDirectorySearchMatchesPlainQuery: a search by name, through
// directory_search_ids and the trigram index, gives each reader the same
// entries in the same order, page by page, as the plain query under
// row-level security did, for names in three scripts, cases, wildcards,
// parts too short for a trigram, and every filter.
func TestDirectorySearchMatchesPlainQuery(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	namedContacts(t, f, 900)
	var ahtjp int32
	if err := f.db.Owner.QueryRow(ctx, `SELECT id FROM agencies WHERE code = 'kh-ahtjp'`).Scan(&ahtjp); err != nil {
		t.Fatal(err)
	}
	readers := []string{"analyst@th-ppr2.example", "investigator@kh-ahtjp.example", "coordinator@our.example",
		"agency_admin@kh-moi.example", "caseworker@aim.example"}
	terms := []string{"สมชาย", "ศรี", "សុខ", "ចាន់", "Srey", "Mark", "srey", "MARK", "ศรีสุข", "សុខចាន់", "ar", "a", "ี",
		"%", "_", `\`, "Officer%1", "officer_1", "100%", "o'b", "  Srey  ", "ånders", "nobody"}
	filters := []directory.Filter{{}, {Country: "KH"}, {Language: "th", FocalPoint: true}, {AgencyID: ahtjp},
		{Province: "KH-1", Country: "TH"}}
	multi, found := 0, 0
	for _, who := range readers {
		actor := f.actor(who)
		for _, term := range terms {
			for _, flt := range filters {
				flt.Name = term
				var got []int64
				var after *directory.Cursor
				afterName, afterID := "", int64(0)
				for pages := 1; ; pages++ {
					res, err := f.store.SearchPage(ctx, actor, flt, after)
					if err != nil {
						t.Fatalf("%s %+v: %v", who, flt, err)
					}
					// The page is the plain query's, after the same
					// entry, and it has a next page when that query
					// found one more.
					want := plainSearch(t, f, actor, flt, afterName, afterID, directory.PageSize+1)
					if page := idsOf(res.Contacts); !slices.Equal(page, want[:min(len(want), directory.PageSize)]) ||
						(res.Next != "") != (len(want) > directory.PageSize) {
						t.Fatalf("%s %+v, page %d: %v (next %q), want %v", who, flt, pages, page, res.Next, want)
					}
					got = append(got, idsOf(res.Contacts)...)
					if res.Next == "" {
						if pages > 1 {
							multi++
						}
						break
					}
					last := res.Contacts[len(res.Contacts)-1]
					afterName, afterID = last.Name, last.ID
					var errs validate.Errors
					if after, errs = directory.ParseCursor(res.Next); len(errs) > 0 {
						t.Fatal(errs)
					}
				}
				if all := plainSearch(t, f, actor, flt, "", 0, 10_000); !slices.Equal(got, all) {
					t.Errorf("%s %+v: %d entries, want %d:\n%v\n%v", who, flt, len(got), len(all), got, all)
				}
				found += len(got)
				// The download is the search from its start.
				list, err := f.store.Search(ctx, actor, flt)
				if want := plainSearch(t, f, actor, flt, "", 0, directory.SearchLimit); err != nil ||
					!slices.Equal(idsOf(list), want) {
					t.Errorf("%s %+v: download %v (%v), want %v", who, flt, idsOf(list), err, want)
				}
			}
		}
	}
	// The comparison means something only when searches find entries,
	// over several pages.
	if multi < 20 || found < 5000 {
		t.Errorf("%d searches of more than a page, %d entries found in all: the data do not test paging", multi, found)
	}
}

// TestDirectorySearchIDsShowNothingHidden: directory_search_ids, which
// reads contacts as their owner, returns to each reader only entries the
// contacts policy shows them, and of other agencies only active ones;
// without an actor, nothing. Its arguments cannot widen that: a pattern
// that matches everything and no filter.
func TestDirectorySearchIDsShowNothingHidden(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	namedContacts(t, f, 400)
	const everything = `SELECT directory_search_ids('%', 0, '', '', '', false, NULL, NULL, 100000)`

	for _, who := range []string{"analyst@th-ppr2.example", "investigator@kh-ahtjp.example", "agency_admin@our.example",
		"coordinator@kh-moi.example", "caseworker@clec.example"} {
		actor := f.actor(who)
		var got, visible []int64
		if err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) (err error) {
			rows, _ := tx.Query(ctx, everything)
			if got, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			// What the policy shows, less other agencies' inactive ones.
			rows, _ = tx.Query(ctx, `SELECT id FROM contacts WHERE active OR agency_id = app_agency() ORDER BY name, id`)
			visible, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, visible) {
			t.Errorf("%s: the function gives %d entries, the policy shows %d", who, len(got), len(visible))
		}
		// The test can fail: other agencies hold entries this reader may
		// not see, which the function, as the owner, could read.
		var hidden []int64
		rows, _ := f.db.Owner.Query(ctx, `SELECT id FROM contacts WHERE agency_id <> $1 AND (visibility = 'agency' OR NOT active)`,
			actor.AgencyID)
		hidden, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(hidden) == 0 {
			t.Fatalf("%s: no hidden entries (%v)", who, err)
		}
		for _, id := range hidden {
			if slices.Contains(got, id) {
				t.Errorf("%s: the function shows entry %d, another agency's agency-only or inactive entry", who, id)
			}
		}
	}

	// Without an actor the function finds nothing.
	var n int
	if err := f.db.App.QueryRow(ctx, `SELECT count(*) FROM (`+everything+`) x`).Scan(&n); err != nil || n != 0 {
		t.Errorf("without an actor: %d entries, %v", n, err)
	}
	// Only the application role may call it.
	var public bool
	if err := f.db.Owner.QueryRow(ctx, `SELECT has_function_privilege('public',
		'directory_search_ids(text, integer, text, text, text, boolean, text, bigint, integer)', 'EXECUTE')`).Scan(&public); err != nil || public {
		t.Errorf("PUBLIC may execute directory_search_ids: %v, %v", public, err)
	}
}
