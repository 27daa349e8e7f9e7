package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// ScaleOptions says how large a synthetic dataset Scale loads, and which.
type ScaleOptions struct {
	// Cases is how many cases to load. The other tables follow from it:
	// about 2.3 people, 4.9 timeline entries, 0.8 shares, 0.26
	// referrals, 0.5 aftercare notes and 0.25 services a case (each
	// proportion is documented where it is drawn), Cases/100 hotspots (at
	// least 100, at most 10,000), beside 41 agencies, their staff and
	// 2,000 directory contacts.
	Cases int
	// Seed picks the data: the same seed gives the same rows on the same
	// day. The data runs up to the start of the day of the load, in the
	// region's time, so that shares expire and referrals fall overdue
	// relative to today.
	Seed uint64
	// Log, unless nil, receives a line of progress per table, with its
	// rows and the time it took.
	Log io.Writer
}

// ErrNotEmpty: Scale loads into a database without cases only, so that it
// never mixes synthetic cases with real ones.
var ErrNotEmpty = errors.New("the database already has cases: seed scale loads only into an empty, migrated database")

// MaxScaleCases bounds ScaleOptions.Cases: twenty times what was
// measured, and far within the 2^30 people that the people's codes can
// number.
const MaxScaleCases = 20_000_000

// Scale loads the scale dataset into an empty, migrated database through
// owner, a pool connected as the owner of the tables (DATABASE_OWNER_URL).
// It adds the demo agencies and accounts first (Accounts), since a load
// generator signs in as them, then a synthetic dataset of opt.Cases cases
// shared among 41 agencies, loaded with COPY.
//
// The load is one transaction: it takes down the loaded tables' indexes,
// keys and triggers (but for the keys that foreign keys rest on), copies
// the rows in, and puts all of them back before it commits, so that a
// failure leaves the database as it was. The columns the triggers keep
// (cases.visible_to, person_identities.search_text, case_search) are
// filled with what the triggers would compute. No audit event is written:
// nobody did any of this.
func Scale(ctx context.Context, owner *pgxpool.Pool, opt ScaleOptions) error {
	if opt.Cases < 1 || opt.Cases > MaxScaleCases {
		return fmt.Errorf("seed scale: cases must be between 1 and %d, not %d", MaxScaleCases, opt.Cases)
	}
	started := time.Now()
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	if err := checkLoadable(ctx, owner); err != nil {
		return err
	}
	if err := Accounts(ctx, owner); err != nil {
		return fmt.Errorf("demo accounts: %w", err)
	}
	logf("seed scale: %s cases, seed %d", thousands(int64(opt.Cases)), opt.Seed)

	err := pgx.BeginFunc(ctx, owner, func(tx pgx.Tx) error {
		// Room to sort the indexes and check the foreign keys in memory.
		if _, err := tx.Exec(ctx, `SET LOCAL maintenance_work_mem = '512MB'; SET LOCAL work_mem = '256MB'; SET LOCAL jit = off`); err != nil {
			return err
		}
		// A second load at the same time waits here, then finds cases.
		if _, err := tx.Exec(ctx, `LOCK TABLE cases IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM cases)`).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return ErrNotEmpty
		}
		g, err := newGenerator(ctx, tx, opt)
		if err != nil {
			return err
		}
		return g.load(ctx, tx, opt.Cases, logf)
	})
	if err != nil {
		return fmt.Errorf("seed scale: %w", err)
	}

	// Fresh statistics, or the planner guesses at a million rows from
	// none.
	t := time.Now()
	if _, err := owner.Exec(ctx, `ANALYZE agencies, users, case_counters, `+tablesList()); err != nil {
		return fmt.Errorf("seed scale: analyze: %w", err)
	}
	logf("  %-50s %12.1fs", "analyze", time.Since(t).Seconds())
	logf("seed scale: done in %s", time.Since(started).Round(100*time.Millisecond))
	return nil
}

// checkLoadable refuses, before anything is written, a pool that does not
// own the tables and a database that has cases.
func checkLoadable(ctx context.Context, db *pgxpool.Pool) error {
	var owns, exists bool
	var user string
	err := db.QueryRow(ctx, `SELECT current_user, pg_has_role(current_user, c.relowner, 'USAGE')
		FROM pg_class c WHERE c.oid = to_regclass('public.cases')`).Scan(&user, &owns)
	if errors.Is(err, pgx.ErrNoRows) {
		return errors.New("seed scale: the database has no cases table: run the migrations first")
	}
	if err != nil {
		return fmt.Errorf("seed scale: %w", err)
	}
	if !owns {
		return fmt.Errorf("seed scale: %s does not own the tables; connect as their owner (DATABASE_OWNER_URL)", user)
	}
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM cases)`).Scan(&exists); err != nil {
		return fmt.Errorf("seed scale: %w", err)
	}
	if exists {
		return fmt.Errorf("seed scale: %w", ErrNotEmpty)
	}
	return nil
}

// newGenerator builds what every pass shares: the agencies and their
// staff, where ids start, and the hotspots' places.
func newGenerator(ctx context.Context, tx pgx.Tx, opt ScaleOptions) (*generator, error) {
	y, m, d := time.Now().In(geo.Zone).Date()
	end := time.Date(y, m, d, 0, 0, 0, 0, geo.Zone)
	start := end.AddDate(-5, 0, 0)
	g := &generator{seed: opt.Seed, cases: opt.Cases, start: start, end: end, days: int(end.Sub(start) / day),
		provinces: provinceTables(), local: map[string][]*scaleAgency{}, providers: map[string][]*scaleAgency{},
		partners: map[*scaleAgency][2]table[*scaleAgency]{}}
	var err error
	if g.world, err = buildWorld(ctx, tx, rand.New(rand.NewPCG(opt.Seed, 0x776f726c64))); err != nil { // "world"
		return nil, err
	}
	var owners []*scaleAgency
	var weights []float64
	for _, a := range g.world {
		if a.id == 0 || len(a.staff) == 0 {
			return nil, fmt.Errorf("agency %s has no staff", a.code)
		}
		if a.owns > 0 {
			owners, weights = append(owners, a), append(weights, a.owns)
		}
		if a.home != "" {
			g.local[a.home] = append(g.local[a.home], a)
		}
		if a.hasCaseworkers() {
			g.providers[a.country] = append(g.providers[a.country], a)
		}
	}
	g.owners = tableOf(owners, weights...)
	for _, o := range owners {
		g.partners[o] = partnersOf(o, g.world)
	}

	for _, b := range []struct {
		table string
		id    *int64
	}{{"cases", &g.base.cases}, {"case_shares", &g.base.shares}, {"case_people", &g.base.people},
		{"timeline_entries", &g.base.entries}, {"referrals", &g.base.referrals}, {"aftercare_notes", &g.base.notes},
		{"survivor_services", &g.base.services}, {"hotspots", &g.base.hotspots}, {"contacts", &g.base.contacts}} {
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM `+b.table).Scan(b.id); err != nil {
			return nil, err
		}
	}
	return g, g.placeSpots(ctx, tx, hotspotCount(opt.Cases))
}

// partnersOf weighs the agencies an owner opens its cases to: police and
// NGOs most, coordinating bodies seldom, and the demo agencies four times
// as often as the rest, so that the demo accounts see many shared cases.
// A law_enforcement case goes to police and government almost only ([1]).
func partnersOf(owner *scaleAgency, world []*scaleAgency) [2]table[*scaleAgency] {
	kindWeight := map[access.Kind]float64{access.Police: 3, access.NGO: 3, access.Government: 2, access.International: 1, access.Coordination: 0.5}
	var as []*scaleAgency
	var all, le []float64
	for _, a := range world {
		if a == owner {
			continue
		}
		w := kindWeight[a.kind]
		if a.demo {
			w *= 4
		}
		as, all = append(as, a), append(all, w)
		if !a.admits(access.LawEnforcement) {
			w *= 0.05
		}
		le = append(le, w)
	}
	return [2]table[*scaleAgency]{tableOf(as, all...), tableOf(as, le...)}
}

// load copies every table in, with the tables taken down for the load.
func (g *generator) load(ctx context.Context, tx pgx.Tx, cases int, logf func(string, ...any)) error {
	down, err := takeDown(ctx, tx, loadedTables)
	if err != nil {
		return err
	}
	copyIn := func(t copyTable) error {
		start := time.Now()
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, t.rows)
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		logf("  %-26s %12s rows %11.1fs", t.name, thousands(n), time.Since(start).Seconds())
		return nil
	}
	if err := copyIn(g.hotspotsTable()); err != nil {
		return err
	}
	casesTable, walker := g.casesTable()
	if err := copyIn(casesTable); err != nil {
		return err
	}
	if err := setCounters(ctx, tx, walker.refs); err != nil {
		return err
	}
	for _, t := range []copyTable{g.sharesTable(), g.referralsTable(), g.peopleTable(), g.identitiesTable(), g.timelineTable(),
		g.contactsTable(contacts)} {
		if err := copyIn(t); err != nil {
			return err
		}
	}
	if err := copyIn(g.wordsTable()); err != nil {
		return err
	}
	// The tables that cost Go more than PostgreSQL, and what the triggers
	// of case_search would have written (migration 0016), are made while
	// PostgreSQL builds the other tables' indexes (scale_ahead.go).
	later := []copyTable{g.aftercareNotesTable(), g.noteBodiesTable(), g.servicesTable(false), g.servicesTable(true),
		g.hotspotCasesTable()}
	names := []string{"case_search"}
	oids := make([][]uint32, len(later))
	for i, t := range later {
		if oids[i], err = columnTypes(ctx, tx, t); err != nil {
			return err
		}
		names = append(names, t.name)
	}
	aheadCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	made := make(chan ahead, 1)
	go func() { made <- g.makeAhead(aheadCtx, later, oids) }()
	if err := down.buildIndexes(ctx, tx, logf, names...); err != nil {
		return err
	}
	start := time.Now()
	a := <-made
	if a.err != nil {
		return a.err
	}
	logf("  %-26s %17s %11.1fs (made in %.1fs)", "waited for the rest", "", time.Since(start).Seconds(), a.took.Seconds())
	for _, mt := range a.tables {
		start := time.Now()
		n, err := copyMade(ctx, tx, mt)
		if err != nil {
			return fmt.Errorf("copy %s: %w", mt.name, err)
		}
		logf("  %-26s %12s rows %11.1fs", mt.name, thousands(n), time.Since(start).Seconds())
	}
	if err := copyIn(a.search.table()); err != nil {
		return err
	}
	if err := down.restore(ctx, tx, logf); err != nil {
		return err
	}
	if err := fillDeskTallies(ctx, tx, logf); err != nil {
		return err
	}
	// The rows brought their own ids: the sequences go on after them.
	for _, t := range []string{"cases", "case_shares", "case_people", "timeline_entries", "referrals", "aftercare_notes",
		"survivor_services", "hotspots", "contacts"} {
		if _, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), m) FROM (SELECT max(id) AS m FROM `+
			pgx.Identifier{t}.Sanitize()+`) AS x WHERE m IS NOT NULL`, t); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	return nil
}

// fillDeskTallies counts the loaded referrals into the coordinators'
// desk's tallies (migration 0015), which the referrals' triggers keep
// and the load turned off: the same function as after a TRUNCATE.
func fillDeskTallies(ctx context.Context, tx pgx.Tx, logf func(string, ...any)) error {
	start := time.Now()
	if _, err := tx.Exec(ctx, `SELECT desk_tallies_refill()`); err != nil {
		return fmt.Errorf("desk tallies: %w", err)
	}
	logf("  %-50s %12.1fs", "desk tallies", time.Since(start).Seconds())
	return nil
}

// thousands writes n as 1,000,000, for reading at a glance.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// setCounters makes case_counters hold the last reference of each agency
// and year, so that the next case the app opens takes the next number.
func setCounters(ctx context.Context, tx pgx.Tx, refs map[refKey]int32) error {
	var agencies, years, lasts []int32
	for k, n := range refs {
		agencies, years, lasts = append(agencies, k.agency), append(years, int32(k.year)), append(lasts, n)
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO case_counters (agency_id, year, last) SELECT * FROM unnest($1::int[], $2::int[], $3::int[])
		ON CONFLICT (agency_id, year) DO UPDATE SET last = greatest(case_counters.last, EXCLUDED.last)`, agencies, years, lasts)
	return err
}
