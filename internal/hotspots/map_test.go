package hotspots_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
)

var (
	region   = hotspots.Box{West: 97.3, South: 5.6, East: 107.7, North: 20.5}
	poipetTo = hotspots.Box{West: 102, South: 13, East: 103.5, North: 14.2}
	// aligned holds the region and Yangon, on the borders of the grid's
	// 4-degree cells, which a box of its size is grouped by: the groups
	// count all that lies in the cells a box touches, and in this box
	// nothing more.
	aligned = hotspots.Box{West: 96, South: 2, East: 108, North: 22}
)

// scatter adds n hotspots as the owner, spread over box, owned in turn by
// PPR2 (police), AIM (an NGO) and AHTJP (police), with every handling
// code and risk; seed fixes the spread.
func scatter(t *testing.T, db *pgtest.DB, n int, box hotspots.Box, seed float64) {
	t.Helper()
	ctx := context.Background()
	if err := pgx.BeginFunc(ctx, db.Owner, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT setseed($1)`, seed); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
		INSERT INTO hotspots (owner_agency_id, name, kind, country, location, risk, reliability, information,
			handling_code, verified_on, created_by)
		SELECT u.agency_id, 'Spot ' || g, (ARRAY['port', 'brick_kiln'])[1 + g % 2], 'TH',
			ST_SetSRID(ST_MakePoint($2::float8 + random() * ($4::float8 - $2), $3::float8 + random() * ($5::float8 - $3)), 4326)::geography,
			(ARRAY['low', 'medium', 'high'])[1 + g / 5 % 3], 'B', 2,
			(ARRAY['partners', 'law_enforcement', 'originator'])[1 + g / 3 % 3], current_date, u.id
		FROM generate_series(1, $1) g
		JOIN users u ON u.email = (ARRAY['investigator@th-ppr2.example', 'investigator@aim.example',
			'investigator@kh-ahtjp.example'])[1 + g % 3]`,
			n, box.West, box.South, box.East, box.North)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// visibleCount counts, under row-level security, the hotspots actor sees
// in box that match extra (SQL on h, or "true").
func visibleCount(t *testing.T, db *pgtest.DB, actor access.Actor, box hotspots.Box, extra string) int {
	t.Helper()
	var n int
	if err := postgres.AsActor(context.Background(), db.App, actor, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT count(*) FROM hotspots h
			WHERE h.lon BETWEEN $1 AND $2 AND h.lat BETWEEN $3 AND $4 AND `+extra,
			box.West, box.East, box.South, box.North).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// drawn is how many hotspots a map draws: its markers and its groups'.
func drawn(m hotspots.Map) int {
	n := len(m.Markers)
	for _, g := range m.Groups {
		n += g.Count
	}
	return n
}

// cellsMatch checks that hotspot_cells holds what it would if computed
// from scratch from today's hotspots.
func cellsMatch(t *testing.T, db *pgtest.DB, when string) {
	t.Helper()
	var extra, missing int
	if err := db.Owner.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM (TABLE hotspot_cells EXCEPT ALL SELECT * FROM hotspot_cells_of(NULL)) x),
		       (SELECT count(*) FROM (SELECT * FROM hotspot_cells_of(NULL) EXCEPT ALL TABLE hotspot_cells) y)`).Scan(&extra, &missing); err != nil {
		t.Fatal(err)
	}
	if extra != 0 || missing != 0 {
		t.Errorf("%s: hotspot_cells has %d rows too many and %d missing against a count from scratch", when, extra, missing)
	}
}

// TestMapGroupsABusyBox: a box with more hotspots than MapMarkers comes as
// groups, which together hold exactly the hotspots the reader may see
// (police see law-enforcement hotspots, an NGO only its own; originator
// hotspots only their owner), each inside its cell; a cell of one comes as
// the hotspot itself; a quiet box comes as markers; and zooming to a
// group's cell shows it split up.
func TestMapGroupsABusyBox(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	scatter(t, f.db, 900, poipetTo, 0.3)
	scatter(t, f.db, 60, region, 0.7) // a sparse rest of the region
	lone := f.create("investigator@th-ppr2.example", input("Lone checkpoint", yangon, "MM", access.Partners))

	for _, email := range []string{"investigator@th-ppr2.example", "investigator@aim.example", "analyst@aim.example",
		"investigator@kh-ahtjp.example", "coordinator@our.example"} {
		actor := f.actor(email)
		want := visibleCount(t, f.db, actor, aligned, "true")
		m, err := f.store.Map(ctx, actor, hotspots.Filter{}, aligned)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Groups) == 0 || m.Capped {
			t.Fatalf("%s: %d hotspots in the region came as %d markers, %d groups, capped %v", email, want, len(m.Markers), len(m.Groups), m.Capped)
		}
		if got := drawn(m); got != want {
			t.Errorf("%s: the region's groups and markers hold %d hotspots, the reader sees %d", email, got, want)
		}
		high := 0
		for _, g := range m.Groups {
			if g.Count < 2 {
				t.Errorf("%s: a group of %d", email, g.Count)
			}
			if g.Lat < g.Area.South || g.Lat > g.Area.North || g.Lon < g.Area.West || g.Lon > g.Area.East {
				t.Errorf("%s: a group's centre %v,%v lies outside its cell %+v", email, g.Lat, g.Lon, g.Area)
			}
			if g.Risk == "high" {
				high++
			}
		}
		if high == 0 {
			t.Errorf("%s: no group is high risk: %+v", email, m.Groups)
		}
		for _, h := range m.Markers {
			if !actor.CanSeeHotspot(access.HotspotFacts{OwnerAgencyID: h.OwnerAgencyID, HandlingCode: h.HandlingCode}) {
				t.Errorf("%s: the map draws hotspot %d (%s of agency %d)", email, h.ID, h.HandlingCode, h.OwnerAgencyID)
			}
		}

		// The busiest group, zoomed to, splits into smaller groups or
		// markers that hold its hotspots (and those of its area's other
		// cells, when it took in a diagonal neighbour).
		var busiest hotspots.Group
		for _, g := range m.Groups {
			if g.Count > busiest.Count {
				busiest = g
			}
		}
		in, err := f.store.Map(ctx, actor, hotspots.Filter{}, busiest.Area)
		if err != nil {
			t.Fatal(err)
		}
		if got := drawn(in); got < busiest.Count || len(in.Groups)+len(in.Markers) < 2 {
			t.Errorf("%s: a group of %d, zoomed in, shows %d in %d groups and %d markers", email, busiest.Count, got, len(in.Groups), len(in.Markers))
		}

		// A filter the stored counts cannot answer counts its matches.
		want = visibleCount(t, f.db, actor, aligned, "h.kind = 'port'")
		m, err = f.store.Map(ctx, actor, hotspots.Filter{Kind: "port"}, aligned)
		if err != nil {
			t.Fatal(err)
		}
		if got := drawn(m); got != want || (len(m.Groups) > 0) != (want > hotspots.MapMarkers) {
			t.Errorf("%s: ports in the region: %d drawn in %d groups, the reader sees %d", email, got, len(m.Groups), want)
		}
	}

	// A quiet box: its hotspots one by one.
	inv := f.actor("investigator@th-ppr2.example")
	m, err := f.store.Map(ctx, inv, hotspots.Filter{}, hotspots.Box{West: 95, South: 16, East: 97, North: 18})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Groups) != 0 || len(m.Markers) != 1 || m.Markers[0].ID != lone || m.Markers[0].Name != "Lone checkpoint" {
		t.Errorf("Yangon's box: %+v", m)
	}
	// The whole world, as a map without a box asks: all of them.
	world := hotspots.Box{West: -180, South: -90, East: 180, North: 90}
	m, err = f.store.Map(ctx, inv, hotspots.Filter{}, world)
	if err != nil {
		t.Fatal(err)
	}
	if want := visibleCount(t, f.db, inv, world, "true"); len(m.Groups) == 0 || drawn(m) != want {
		t.Errorf("the world: %d groups and %d markers hold %d hotspots, want %d", len(m.Groups), len(m.Markers), drawn(m), want)
	}

	// A role that reads no hotspots gets none.
	if _, err := f.store.Map(ctx, f.actor("agency_admin@th-ppr2.example"), hotspots.Filter{}, region); err != hotspots.ErrNotFound {
		t.Errorf("an agency admin's map: %v", err)
	}
}

// TestHotspotCellsShowEachReaderTheirOwn: for every account, the rows of
// hotspot_cells row-level security lets them read add up, at every level,
// to the hotspots they may see; and the application cannot write them.
func TestHotspotCellsShowEachReaderTheirOwn(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	scatter(t, f.db, 300, region, 0.5)
	rows, _ := f.db.Owner.Query(ctx, `SELECT email FROM users ORDER BY email`)
	emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range emails {
		actor := f.actor(email)
		var seen int
		var sums []int
		err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM hotspots`).Scan(&seen); err != nil {
				return err
			}
			rows, _ := tx.Query(ctx, `SELECT coalesce(sum(n), 0)::int FROM generate_series(0, 12) l
				LEFT JOIN hotspot_cells c ON c.level = l GROUP BY l ORDER BY l`)
			sums, err = pgx.CollectRows(rows, pgx.RowTo[int])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for level, n := range sums {
			if n != seen {
				t.Errorf("%s sees %d hotspots, and counts %d at level %d", email, seen, n, level)
				break
			}
		}
		if actor.ReadsHotspots() != (seen > 0) {
			t.Errorf("%s (%v) sees %d hotspots", email, actor.Roles, seen)
		}
	}
	err = postgres.AsActor(ctx, f.db.App, f.actor("investigator@th-ppr2.example"), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE hotspot_cells SET n = n + 1`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the application updates hotspot_cells: %v", err)
	}
}

// TestHotspotCellsFollowEveryChange: the triggers keep hotspot_cells equal
// to a count from scratch through the application's writes, moves, changes
// of code and risk, edits that move nothing, writes of many rows at once
// and deletions.
func TestHotspotCellsFollowEveryChange(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cellsMatch(t, f.db, "empty")
	scatter(t, f.db, 200, poipetTo, 0.1)
	cellsMatch(t, f.db, "200 in one statement")
	a := f.create("investigator@th-ppr2.example", input("Aranyaprathet", aranyaprathet, "TH", access.Partners))
	b := f.create("investigator@aim.example", input("Poipet", poipet, "KH", access.LawEnforcement))
	f.create("investigator@aim.example", input("Phnom Penh", phnomPenh, "KH", access.Originator))
	cellsMatch(t, f.db, "created by the application")

	edit := func(id int64, email string, change func(*hotspots.Input)) {
		t.Helper()
		h, err := f.store.Get(ctx, f.actor(email), id)
		if err != nil {
			t.Fatal(err)
		}
		in := hotspots.Input{Name: h.Name, Kind: h.Kind, Country: h.Country, Province: h.Province,
			Latitude: geo.FormatDegrees(h.Lat), Longitude: geo.FormatDegrees(h.Lon), Risk: h.Risk, Reliability: h.Reliability,
			Information: "2", HandlingCode: h.HandlingCode, Version: h.Version}
		change(&in)
		if err := f.store.Update(ctx, f.actor(email), id, in); err != nil {
			t.Fatal(err)
		}
	}
	edit(a, "investigator@th-ppr2.example", func(in *hotspots.Input) { in.Notes = "moves nothing" })
	cellsMatch(t, f.db, "an edit of the notes")
	edit(a, "investigator@th-ppr2.example", func(in *hotspots.Input) { in.Latitude, in.Longitude = "11.556", "104.928" })
	cellsMatch(t, f.db, "a move across the region")
	edit(b, "investigator@aim.example", func(in *hotspots.Input) { in.HandlingCode = access.Originator })
	cellsMatch(t, f.db, "a change of handling code")
	edit(b, "investigator@aim.example", func(in *hotspots.Input) { in.Risk = "low" })
	cellsMatch(t, f.db, "a change of risk")

	for _, step := range []struct{ what, sql string }{
		{"the lowest ids of many cells moved", `UPDATE hotspots SET location = ST_SetSRID(ST_MakePoint(st_x(location::geometry) + 0.3, st_y(location::geometry)), 4326)::geography WHERE id % 4 = 0`},
		{"codes changed in many rows", `UPDATE hotspots SET handling_code = 'partners' WHERE id % 5 = 1`},
		{"an update that changes nothing", `UPDATE hotspots SET notes = notes`},
		{"deletions", `DELETE FROM hotspots WHERE id % 3 = 2`},
		{"everything deleted", `DELETE FROM hotspots`},
	} {
		if _, err := f.db.Owner.Exec(ctx, step.sql); err != nil {
			t.Fatalf("%s: %v", step.what, err)
		}
		cellsMatch(t, f.db, step.what)
	}
	var left int
	if err := f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM hotspot_cells`).Scan(&left); err != nil || left != 0 {
		t.Errorf("with no hotspots, hotspot_cells keeps %d rows (%v)", left, err)
	}
}

// TestScaleLoadCountsItsHotspots: seed scale's bulk load, which takes the
// ordinary triggers down, leaves hotspot_cells as a count from scratch.
func TestScaleLoadCountsItsHotspots(t *testing.T) {
	db := pgtest.New(t)
	if err := seed.Scale(t.Context(), db.Owner, seed.ScaleOptions{Cases: 3000, Seed: 1, Log: &strings.Builder{}}); err != nil {
		t.Fatal(err)
	}
	var hotspotsN, cells int
	if err := db.Owner.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM hotspots), (SELECT count(*) FROM hotspot_cells)`).Scan(&hotspotsN, &cells); err != nil {
		t.Fatal(err)
	}
	if hotspotsN < 100 || cells < hotspotsN {
		t.Errorf("%d hotspots loaded, %d rows of hotspot_cells", hotspotsN, cells)
	}
	cellsMatch(t, db, "after seed scale")
}
