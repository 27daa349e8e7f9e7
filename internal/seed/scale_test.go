package seed_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/app"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// scaleCases is small enough to load in about a second, and large enough
// that every kind of row turns up.
const scaleCases = 3000

// loadScale loads scaleCases cases with seed s into a new database.
func loadScale(t *testing.T, s uint64) *pgtest.DB {
	t.Helper()
	db := pgtest.New(t)
	var log strings.Builder
	if err := seed.Scale(t.Context(), db.Owner, seed.ScaleOptions{Cases: scaleCases, Seed: s, Log: &log}); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "timeline_entries") {
		t.Errorf("no progress line per table:\n%s", log.String())
	}
	return db
}

func scan[T any](t *testing.T, db *pgtest.DB, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := db.Owner.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func signIn(t *testing.T, db *pgtest.DB, email string) access.Actor {
	t.Helper()
	a, err := agencies.NewStore(db.App).Authenticate(context.Background(), email, seed.DemoPassword)
	if err != nil {
		t.Fatalf("sign in as %s: %v", email, err)
	}
	return a.Actor()
}

func TestScaleDataset(t *testing.T) {
	today := geo.Today(time.Now())
	db := loadScale(t, 7)
	ctx := t.Context()

	t.Run("has the rows the options promise", func(t *testing.T) {
		for sql, want := range map[string]int{
			`SELECT count(*) FROM cases`:                                                scaleCases,
			`SELECT count(*) FROM hotspots`:                                             100,  // Cases/100, at least 100
			`SELECT count(*) FROM contacts`:                                             2000, // at every size
			`SELECT count(*) FROM agencies WHERE code <> 'handshake'`:                   41,
			`SELECT count(*) FROM users WHERE 'investigator' = ANY (roles)`:             3 * 34, // 14 police units, 14 NGOs, 6 government bodies
			`SELECT count(DISTINCT agency_id) FROM users WHERE 'analyst' = ANY (roles)`: 41,
		} {
			if got := scan[int](t, db, sql); got != want {
				t.Errorf("%s: %d, want %d", sql, got, want)
			}
		}
		for table, want := range map[string][2]float64{
			"case_people": {1.8, 2.7}, "person_identities": {1.8, 2.7}, "timeline_entries": {3, 7}, "case_shares": {0.5, 1.2},
			"referrals": {0.15, 0.45}, "aftercare_notes": {0.2, 0.8}, "survivor_services": {0.1, 0.4}, "hotspot_cases": {0.03, 0.15},
		} {
			perCase := float64(scan[int](t, db, `SELECT count(*) FROM `+table)) / scaleCases
			if perCase < want[0] || perCase > want[1] {
				t.Errorf("%s: %.2f a case, want %.1f to %.1f", table, perCase, want[0], want[1])
			}
		}
	})

	t.Run("has every kind of everything", func(t *testing.T) {
		for sql, want := range map[string]int{
			`SELECT count(DISTINCT category) FROM cases`:                     8,
			`SELECT count(DISTINCT status) FROM cases`:                       6,
			`SELECT count(DISTINCT priority) FROM cases`:                     4,
			`SELECT count(DISTINCT handling_code) FROM cases`:                3,
			`SELECT count(DISTINCT country) FROM cases`:                      2,
			`SELECT count(DISTINCT date_part('year', opened_on)) FROM cases`: 5, // five years back from today
			`SELECT count(DISTINCT kind) FROM agencies`:                      5,
			`SELECT count(DISTINCT state) FROM referrals`:                    5,
			`SELECT count(DISTINCT (level, basis)) FROM case_shares`:         8,
			`SELECT count(DISTINCT role) FROM case_people`:                   3,
			`SELECT count(DISTINCT kind) FROM timeline_entries`:              9,
			`SELECT count(DISTINCT category) FROM aftercare_notes`:           8,
			`SELECT count(DISTINCT status) FROM survivor_services`:           4,
			`SELECT count(DISTINCT kind) FROM hotspots`:                      8,
		} {
			if got := scan[int](t, db, sql); got < want {
				t.Errorf("%s: %d, want %d", sql, got, want)
			}
		}
		for what, sql := range map[string]string{
			"expired shares":         `SELECT count(*) FROM case_shares WHERE revoked_at IS NULL AND expires_at < now()`,
			"shares ending later":    `SELECT count(*) FROM case_shares WHERE expires_at > now()`,
			"revoked shares":         `SELECT count(*) FROM case_shares WHERE revoked_at IS NOT NULL`,
			"overdue referrals":      `SELECT count(*) FROM referrals WHERE state = 'pending' AND respond_by < now()`,
			"referrals not yet due":  `SELECT count(*) FROM referrals WHERE state = 'pending' AND respond_by > now()`,
			"cross-border referrals": `SELECT count(*) FROM referrals WHERE cross_border`,
			"consent":                `SELECT count(*) FROM case_people WHERE consent`,
			"overrides":              `SELECT count(*) FROM case_people WHERE override_reason IS NOT NULL`,
			"cases with a place":     `SELECT count(*) FROM cases WHERE location IS NOT NULL`,
			"follow-ups due":         `SELECT count(*) FROM aftercare_notes WHERE follow_up_on >= current_date`,
		} {
			if scan[int](t, db, sql) == 0 {
				t.Errorf("no %s", what)
			}
		}
	})

	t.Run("numbers references as the store does and sets the counters after them", func(t *testing.T) {
		pattern := regexp.MustCompile(`^(TH|KH)-[A-Z0-9-]+-20\d\d-\d{4,}$`)
		rows, _ := db.Owner.Query(ctx, `SELECT reference FROM cases`)
		refs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, ref := range refs {
			if !pattern.MatchString(ref) {
				t.Fatalf("reference %q", ref)
			}
		}
		if n := scan[int](t, db, `
			SELECT count(*) FROM case_counters k
			WHERE k.last <> (SELECT count(*) FROM cases c WHERE c.owner_agency_id = k.agency_id
				AND date_part('year', c.created_at AT TIME ZONE 'UTC' + interval '7 hours') = k.year)`); n != 0 {
			t.Errorf("%d case counters differ from the cases counted", n)
		}
	})

	t.Run("fills visible_to and search_text as the triggers would", func(t *testing.T) {
		if n := scan[int](t, db, `SELECT count(*) FROM cases WHERE visible_to <> compute_visible_to(id, owner_agency_id, handling_code)`); n != 0 {
			t.Errorf("%d cases' visible_to differs from compute_visible_to", n)
		}
		// What person_identities_set_case writes (migration 0013).
		if n := scan[int](t, db, `SELECT count(*) FROM person_identities i JOIN case_people p ON p.id = i.person_id
			JOIN cases c ON c.id = p.case_id WHERE i.case_id <> c.id OR i.visible_to <> c.visible_to`); n != 0 {
			t.Errorf("%d identities' copy of their case or its visible_to differs", n)
		}
		// What person_identities_search_text computes: fire it on a copy.
		var n int
		err := pgx.BeginFunc(ctx, db.Owner, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE fired ON COMMIT DROP AS SELECT * FROM person_identities LIMIT 0;
				CREATE TRIGGER fired BEFORE INSERT ON fired FOR EACH ROW EXECUTE FUNCTION person_identities_search_text()`); err != nil {
				return err
			}
			return tx.QueryRow(ctx, `WITH f AS (INSERT INTO fired SELECT * FROM person_identities RETURNING person_id, search_text)
				SELECT count(*) FROM f JOIN person_identities i USING (person_id) WHERE f.search_text <> i.search_text`).Scan(&n)
		})
		if err != nil || n != 0 {
			t.Errorf("%d identities' search_text differs from the trigger's (%v)", n, err)
		}
	})

	t.Run("fills the desk's tallies as the triggers would", func(t *testing.T) {
		// The load's tallies, then every referral taken out and put back
		// through the triggers: out, every tally must be zero; back in,
		// the tallies must be the load's again.
		const tallies = `SELECT string_agg(x, E'\n' ORDER BY x) FROM (
			SELECT concat_ws(' ', 'counts', part, to_agency_id, from_country, cross_border, state, n, answered) FROM desk_counts WHERE n <> 0 OR answered <> 0
			UNION ALL SELECT concat_ws(' ', 'weeks', part, week, cross_border, state, n) FROM desk_weeks WHERE n <> 0
			UNION ALL SELECT concat_ws(' ', 'open', part, from_country, to_country, state, cross_border, month, n) FROM desk_open_months WHERE n <> 0
			UNION ALL SELECT concat_ws(' ', 'open day', part, from_country, to_country, state, cross_border, day, n) FROM desk_open_days WHERE n <> 0
			UNION ALL SELECT concat_ws(' ', 'answers', part, to_agency_id, cross_border, bucket, n) FROM desk_answer_times WHERE n <> 0
		) AS t (x)`
		loaded := scan[string](t, db, tallies)
		if n := strings.Count(loaded, "\n"); n < 100 {
			t.Fatalf("the load left %d tally rows", n)
		}
		var out, back *string
		err := pgx.BeginFunc(ctx, db.Owner, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `CREATE TEMP TABLE kept ON COMMIT DROP AS SELECT * FROM referrals; DELETE FROM referrals`); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, tallies).Scan(&out); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO referrals OVERRIDING SYSTEM VALUE SELECT * FROM kept`); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, tallies).Scan(&back); err != nil {
				return err
			}
			return errors.New("rolled back")
		})
		if err == nil || err.Error() != "rolled back" {
			t.Fatal(err)
		}
		if out != nil {
			t.Errorf("with every referral deleted, tallies remain:\n%.2000s", *out)
		}
		if back == nil || *back != loaded {
			t.Errorf("the triggers' tallies differ from the load's")
		}
	})

	t.Run("fills case_search as its triggers would", func(t *testing.T) {
		// What case_search_refresh writes for each case (migrations 0016
		// and 0021).
		if n := scan[int](t, db, `
			WITH want AS (SELECT c.id AS case_id, a AS agency_id, c.updated_at, case_search_signature(c.id) AS sig,
			                     c.status, c.province
			              FROM cases c, unnest(c.visible_to) AS a),
			     have AS (SELECT case_id, agency_id, updated_at, sig, status, province FROM case_search)
			SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE have) x) + (SELECT count(*) FROM (TABLE have EXCEPT TABLE want) y)`); n != 0 {
			t.Errorf("%d rows of case_search differ from the triggers'", n)
		}
		if n := scan[int](t, db, `SELECT count(*) FROM case_search`); n < scaleCases {
			t.Errorf("case_search has %d rows for %d cases", n, scaleCases)
		}
	})

	t.Run("fills search_words as its trigger would", func(t *testing.T) {
		// What person_identities_keep_words writes (migration 0022).
		if n := scan[int](t, db, `
			WITH want AS (SELECT DISTINCT w AS word FROM person_identities, unnest(search_words_of(search_text)) AS w),
			     have AS (SELECT word FROM search_words)
			SELECT (SELECT count(*) FROM (TABLE want EXCEPT TABLE have) x) + (SELECT count(*) FROM (TABLE have EXCEPT TABLE want) y)`); n != 0 {
			t.Errorf("%d words of search_words differ from the trigger's", n)
		}
		for _, script := range []string{`[ก-๛]`, `[ក-៹]`, `[a-z]`} {
			if n := scan[int](t, db, `SELECT count(*) FROM search_words WHERE word ~ $1`, script); n < 10 {
				t.Errorf("search_words has %d words in %s", n, script)
			}
		}
	})

	t.Run("puts back every index, constraint and trigger", func(t *testing.T) {
		const schema = `
			SELECT string_agg(x, E'\n' ORDER BY x) FROM (
				SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index
				UNION ALL SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated
					FROM pg_constraint WHERE connamespace = 'public'::regnamespace
				UNION ALL SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE NOT tgisinternal
			) AS s (x)`
		if got, want := scan[string](t, db, schema), scan[string](t, pgtest.New(t), schema); got != want {
			t.Errorf("the schema after the load differs from a fresh one")
		}
	})

	t.Run("hotspots lie in their provinces and contacts have valid phones", func(t *testing.T) {
		if n := scan[int](t, db, `SELECT count(*) FROM hotspots h WHERE NOT EXISTS (
			SELECT FROM province_borders b WHERE b.code = h.province AND ST_Intersects(b.geom, h.location::geometry))`); n != 0 {
			t.Errorf("%d hotspots outside their province", n)
		}
		rows, _ := db.Owner.Query(ctx, `SELECT unnest(phones || ARRAY[whatsapp, signal]) FROM contacts`)
		phones, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range phones {
			if e164, ok := directory.NormalisePhone(p, "TH"); p != "" && (!ok || e164 != p) {
				t.Errorf("phone %q is not a valid E.164 number", p)
			}
		}
	})

	t.Run("demo accounts see their cases through row-level security", func(t *testing.T) {
		inv := signIn(t, db, seed.Email(access.Investigator, "th-ppr2"))
		var seen int
		if err := postgres.AsActor(ctx, db.App, inv, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&seen)
		}); err != nil {
			t.Fatal(err)
		}
		want := scan[int](t, db, `SELECT count(*) FROM cases WHERE visible_to @> ARRAY[$1::int]`, inv.AgencyID)
		if seen != want || seen < scaleCases/10 {
			t.Errorf("PPR2's investigator sees %d cases, want %d and at least a tenth of them", seen, want)
		}
		res, err := cases.NewStore(db.App).List(ctx, inv, cases.Filter{})
		if err != nil || len(res.Cases) != cases.PageSize {
			t.Errorf("PPR2's case list: %d cases, %v", len(res.Cases), err)
		}
		analyst := signIn(t, db, seed.Email(access.Analyst, "th-ppr2"))
		if err := postgres.AsActor(ctx, db.App, analyst, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM cases`).Scan(&seen)
		}); err != nil || seen != 0 {
			t.Errorf("an analyst sees %d cases (%v)", seen, err)
		}
		// The synthetic staff share the demo password.
		signIn(t, db, "coordinator2@kh-ahtjp.example")
		signIn(t, db, "caseworker@kh-ptc.example")
	})

	t.Run("search finds people by part of a name in each script", func(t *testing.T) {
		inv := signIn(t, db, seed.Email(access.Investigator, "kh-ahtjp"))
		for script, ok := range map[string]func(rune) bool{
			"Thai":  func(r rune) bool { return unicode.Is(unicode.Thai, r) },
			"Khmer": func(r rune) bool { return unicode.Is(unicode.Khmer, r) },
			"Latin": func(r rune) bool { return r < unicode.MaxASCII && unicode.IsLetter(r) },
		} {
			type named struct {
				CaseID int64
				Name   string
			}
			rows, _ := db.Owner.Query(ctx, `
				SELECT c.id, n FROM cases c JOIN case_people p ON p.case_id = c.id JOIN person_identities i ON i.person_id = p.id,
					unnest(i.names) AS n
				WHERE c.owner_agency_id = $1 ORDER BY p.id`, inv.AgencyID)
			names, err := pgx.CollectRows(rows, pgx.RowToStructByPos[named])
			if err != nil {
				t.Fatal(err)
			}
			var caseID int64
			var name, part string
			for _, n := range names {
				for word := range strings.FieldsSeq(n.Name) {
					if r := []rune(word); part == "" && len(r) >= 5 && ok(r[0]) && ok(r[len(r)-1]) {
						caseID, name, part = n.CaseID, n.Name, string(r[1:4])
					}
				}
			}
			if part == "" {
				t.Fatalf("no %s name on AHTJP's cases", script)
			}
			var found bool
			if err := postgres.AsActor(ctx, db.App, inv, func(tx pgx.Tx) error {
				return tx.QueryRow(ctx, `SELECT $1 IN (SELECT id FROM search_cases($2, 1000000))`, caseID, part).Scan(&found)
			}); err != nil || !found {
				t.Errorf("searching %q (from %s name %q) does not find case %d (%v)", part, script, name, caseID, err)
			}
		}
	})

	t.Run("the app opens the next case after the loaded ones", func(t *testing.T) {
		inv := signIn(t, db, seed.Email(access.Investigator, "th-ppr2"))
		year := geo.Today(time.Now()).Year()
		prefix := fmt.Sprintf("TH-PPR2-%d-", year)
		before := scan[int](t, db, `SELECT count(*) FROM cases WHERE reference LIKE $1 || '%'`, prefix)
		id, ref, err := cases.NewStore(db.App).Create(ctx, inv, cases.CaseInput{Title: "A new case after the load",
			Category: "other", Priority: "normal", Country: "TH", Province: "TH-27", HandlingCode: access.Partners})
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("%s%04d", prefix, before+1); ref != want {
			t.Errorf("new case's reference %s, want %s", ref, want)
		}
		if max := scan[int64](t, db, `SELECT max(id) FROM cases WHERE id <> $1`, id); id != max+1 {
			t.Errorf("new case's id %d, want %d", id, max+1)
		}
	})

	t.Run("refuses a database that has cases", func(t *testing.T) {
		err := seed.Scale(ctx, db.Owner, seed.ScaleOptions{Cases: 10, Seed: 7})
		if !errors.Is(err, seed.ErrNotEmpty) {
			t.Errorf("a second load: %v, want ErrNotEmpty", err)
		}
	})

	t.Run("the same seed gives the same data, another seed other data", func(t *testing.T) {
		const digest = `SELECT concat_ws(' ',
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM cases x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY person_id)) FROM person_identities x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM case_people x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM case_shares x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM referrals x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM timeline_entries x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM aftercare_notes x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM hotspots x),
			(SELECT md5(string_agg(x::text, '|' ORDER BY id)) FROM contacts x))`
		// The new case above is not part of the dataset.
		first := scan[string](t, db, strings.ReplaceAll(digest, "FROM cases x", "FROM cases x WHERE title <> 'A new case after the load'"))
		again := scan[string](t, loadScale(t, 7), digest)
		other := scan[string](t, loadScale(t, 8), digest)
		if !geo.Today(time.Now()).Equal(today) {
			t.Skip("the day changed during the test, and with it the dates of the data")
		}
		if again != first {
			t.Errorf("seed 7 twice gave different data:\n%s\n%s", first, again)
		}
		for i, part := range strings.Fields(other) {
			if part == strings.Fields(first)[i] {
				t.Errorf("seeds 7 and 8 gave the same table %d", i)
			}
		}
	})
}

func TestSeedScaleCommand(t *testing.T) {
	db := pgtest.New(t)
	run := func(args ...string) (string, error) {
		var out strings.Builder
		getenv := func(k string) string { return map[string]string{"DATABASE_URL": db.URL}[k] }
		env := app.Env{Getenv: getenv, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
		err := app.Run(t.Context(), args, env)
		return out.String(), err
	}
	if _, err := run("seed", "scale"); !errors.Is(err, app.ErrUsage) {
		t.Errorf("seed scale without --cases: %v, want a usage error", err)
	}
	out, err := run("seed", "scale", "--cases", "200", "--seed", "3")
	if err != nil || !strings.Contains(out, "case_people") {
		t.Fatalf("seed scale: %v\n%s", err, out)
	}
	if _, err := run("seed", "scale", "--cases", "200"); err == nil || !strings.Contains(err.Error(), "already has cases") {
		t.Errorf("seed scale on a loaded database: %v, want a refusal", err)
	}
	if _, err := run("seed", "demo"); err != nil {
		t.Errorf("seed demo after seed scale: %v", err)
	}
}
