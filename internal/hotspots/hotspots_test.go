package hotspots_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Places on the Thai–Cambodian border, as the shared borders README checks
// them.
var (
	poipet        = geo.Point{Lat: 13.659, Lon: 102.563}  // KH-1 Banteay Meanchey
	aranyaprathet = geo.Point{Lat: 13.694, Lon: 102.506}  // TH-27 Sa Kaeo
	phnomPenh     = geo.Point{Lat: 11.556, Lon: 104.928}  // KH-12
	yangon        = geo.Point{Lat: 16.8409, Lon: 96.1735} // outside the region's borders
)

func input(name string, p geo.Point, country string, code access.HandlingCode) hotspots.Input {
	return hotspots.Input{Name: name, Kind: "border_crossing", Country: country, Latitude: geo.FormatDegrees(p.Lat),
		Longitude: geo.FormatDegrees(p.Lon), Risk: "high", Reliability: "B", Information: "2", HandlingCode: code}
}

func TestValidate(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		set   func(*hotspots.Input)
		field string // "" when valid
	}{
		{"valid", func(*hotspots.Input) {}, ""},
		{"pasted pair", func(in *hotspots.Input) { in.Latitude, in.Longitude = "13.659, 102.563", "" }, ""},
		{"latitude out of range", func(in *hotspots.Input) { in.Latitude = "91" }, "latitude"},
		{"longitude out of range", func(in *hotspots.Input) { in.Longitude = "-180.5" }, "longitude"},
		{"latitude not a number", func(in *hotspots.Input) { in.Latitude = "13°39'N" }, "latitude"},
		{"longitude missing", func(in *hotspots.Input) { in.Longitude = "" }, "longitude"},
		{"no point", func(in *hotspots.Input) { in.Latitude, in.Longitude = "", "" }, "latitude"},
		{"NaN", func(in *hotspots.Input) { in.Latitude = "NaN" }, "latitude"},
		{"kind", func(in *hotspots.Input) { in.Kind = "casino" }, "kind"},
		{"risk", func(in *hotspots.Input) { in.Risk = "" }, "risk"},
		{"reliability", func(in *hotspots.Input) { in.Reliability = "F" }, "reliability"},
		{"information", func(in *hotspots.Input) { in.Information = "5" }, "information"},
		{"information text", func(in *hotspots.Input) { in.Information = "two" }, "information"},
		{"province of another country", func(in *hotspots.Input) { in.Province = "KH-1" }, "province"},
		{"handling code", func(in *hotspots.Input) { in.HandlingCode = "secret" }, "handling_code"},
		{"verified in the future", func(in *hotspots.Input) { in.VerifiedOn = "2026-11-23" }, "verified_on"},
		{"name", func(in *hotspots.Input) { in.Name = " x " }, "name"},
	} {
		in := input("Khlong Luek checkpoint", aranyaprathet, "TH", access.Partners)
		tc.set(&in)
		e, errs := in.Validate(now)
		if tc.field == "" {
			if len(errs) > 0 {
				t.Errorf("%s: %v", tc.name, errs)
			}
			if e.Point != (geo.Point{Lat: 13.659, Lon: 102.563}) && tc.name == "pasted pair" {
				t.Errorf("%s: point %v", tc.name, e.Point)
			}
			continue
		}
		if _, ok := errs[tc.field]; !ok || len(errs) != 1 {
			t.Errorf("%s: errors %v, want one on %s", tc.name, errs, tc.field)
		}
	}
}

type fixture struct {
	t      *testing.T
	db     *pgtest.DB
	store  *hotspots.Store
	cases  *cases.Store
	actors map[string]access.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, store: hotspots.NewStore(db.App), cases: cases.NewStore(db.App), actors: map[string]access.Actor{}}
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	if a, ok := f.actors[email]; ok {
		return a
	}
	a, err := seed.DemoActor(context.Background(), f.db.App, email)
	if err != nil {
		f.t.Fatal(err)
	}
	f.actors[email] = a
	return a
}

func (f *fixture) create(email string, in hotspots.Input) int64 {
	f.t.Helper()
	id, err := f.store.Create(context.Background(), f.actor(email), in)
	if err != nil {
		f.t.Fatalf("create %q as %s: %v", in.Name, email, err)
	}
	return id
}

func TestProvinceIsFilledFromThePoint(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := "investigator@th-ppr2.example"
	for _, tc := range []struct {
		name     string
		p        geo.Point
		country  string
		province string
		inRegion bool
	}{
		{"Aranyaprathet", aranyaprathet, "TH", "TH-27", true},
		{"Poipet", poipet, "KH", "KH-1", true},
		{"Phnom Penh", phnomPenh, "KH", "KH-12", true},
		// The borders put the point in Cambodia: a province of Thailand
		// would be wrong, so it stays empty.
		{"Poipet said to be in Thailand", poipet, "TH", "", true},
		{"Yangon", yangon, "MM", "", false},
	} {
		id := f.create(inv, input(tc.name, tc.p, tc.country, access.Partners))
		p, err := f.store.Page(ctx, f.actor(inv), id)
		if err != nil {
			t.Fatal(err)
		}
		if p.Hotspot.Province != tc.province || p.InRegion != tc.inRegion {
			t.Errorf("%s: province %q, in region %v; want %q, %v", tc.name, p.Hotspot.Province, p.InRegion, tc.province, tc.inRegion)
		}
		if got := p.Hotspot.Point(); got != tc.p {
			t.Errorf("%s: stored at %v, want %v", tc.name, got, tc.p)
		}
	}
	// A province typed by the user stays, even where the borders disagree.
	in := input("Chosen by hand", aranyaprathet, "TH", access.Partners)
	in.Province = "TH-23"
	h, err := f.store.Get(ctx, f.actor(inv), f.create(inv, in))
	if err != nil || h.Province != "TH-23" {
		t.Errorf("typed province: %q, %v", h.Province, err)
	}
}

// TestHandlingCodeDecidesWhoSees walks §3.3 for hotspots, in the store and
// then in row-level security on its own.
func TestHandlingCodeDecidesWhoSees(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	owner := "investigator@th-ppr2.example"
	ids := map[access.HandlingCode]int64{}
	for _, code := range access.HandlingCodes {
		ids[code] = f.create(owner, input("Checkpoint "+string(code), aranyaprathet, "TH", code))
	}
	for _, tc := range []struct {
		email string
		sees  []access.HandlingCode
	}{
		{"analyst@th-ppr2.example", access.HandlingCodes},
		{"coordinator@th-ppr2.example", access.HandlingCodes},
		{"investigator@kh-ahtjp.example", []access.HandlingCode{access.Partners, access.LawEnforcement}},
		{"analyst@kh-ahtjp.example", []access.HandlingCode{access.Partners, access.LawEnforcement}},
		{"caseworker@aim.example", []access.HandlingCode{access.Partners}},
		{"coordinator@kh-moi.example", []access.HandlingCode{access.Partners}},
		{"agency_admin@th-ppr2.example", nil},
		{"agency_admin@aim.example", nil},
	} {
		actor := f.actor(tc.email)
		for _, code := range access.HandlingCodes {
			want := false
			for _, s := range tc.sees {
				want = want || s == code
			}
			_, err := f.store.Get(ctx, actor, ids[code])
			if got := err == nil; got != want || (err != nil && !errors.Is(err, hotspots.ErrNotFound)) {
				t.Errorf("%s reads a %s hotspot: %v, want %v", tc.email, code, err, want)
			}
			if got := actor.CanSeeHotspot(access.HotspotFacts{OwnerAgencyID: f.actor(owner).AgencyID, HandlingCode: code}); got != want {
				t.Errorf("access rule: %s sees %s = %v, want %v", tc.email, code, got, want)
			}
		}
		// Row-level security alone, without the store's check.
		var n int
		err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM hotspots`).Scan(&n)
		})
		if err != nil || n != len(tc.sees) {
			t.Errorf("row-level security shows %s %d hotspots (%v), want %d", tc.email, n, err, len(tc.sees))
		}
		list, err := f.store.List(ctx, actor, hotspots.Filter{}, hotspots.ListLimit)
		if len(tc.sees) > 0 && (err != nil || len(list) != len(tc.sees)) {
			t.Errorf("%s lists %d (%v), want %d", tc.email, len(list), err, len(tc.sees))
		}
	}
}

func TestEditIsTheOwners(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.create("investigator@th-ppr2.example", input("Rong Kluea market", aranyaprathet, "TH", access.Partners))
	h, _ := f.store.Get(ctx, f.actor("coordinator@th-ppr2.example"), id)

	for _, who := range []string{"investigator@kh-ahtjp.example", "analyst@th-ppr2.example", "caseworker@aim.example"} {
		in := input("Taken over", poipet, "KH", access.Partners)
		in.Version = h.Version
		if err := f.store.Update(ctx, f.actor(who), id, in); !errors.Is(err, hotspots.ErrNotFound) {
			t.Errorf("%s edits another agency's hotspot: %v", who, err)
		}
	}
	if _, err := f.store.Create(ctx, f.actor("analyst@th-ppr2.example"), input("x y", poipet, "KH", access.Partners)); !errors.Is(err, hotspots.ErrNotFound) {
		t.Errorf("an analyst creates a hotspot: %v", err)
	}

	in := input("Rong Kluea market", aranyaprathet, "TH", access.Originator)
	in.Risk, in.Version = "medium", h.Version
	if err := f.store.Update(ctx, f.actor("coordinator@th-ppr2.example"), id, in); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Update(ctx, f.actor("investigator@th-ppr2.example"), id, in); !errors.Is(err, hotspots.ErrConflict) {
		t.Errorf("a save from a stale form: %v, want ErrConflict", err)
	}
	if _, err := f.store.Get(ctx, f.actor("investigator@kh-ahtjp.example"), id); !errors.Is(err, hotspots.ErrNotFound) {
		t.Errorf("after the owner marked it originator, a partner still reads it: %v", err)
	}
	var denied int
	f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action = 'hotspot.update.denied'`).Scan(&denied)
	if denied != 3 {
		t.Errorf("%d refused edits audited, want 3", denied)
	}
}

func TestNear(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := "investigator@kh-ahtjp.example"
	pp := f.create(inv, input("Phnom Penh", phnomPenh, "KH", access.Partners))
	poi := f.create(inv, input("Poipet", poipet, "KH", access.Partners))
	ara := f.create(inv, input("Aranyaprathet", aranyaprathet, "TH", access.Partners))

	list, err := f.store.List(ctx, f.actor(inv), hotspots.Filter{Near: &poipet, Km: 20}, hotspots.ListLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != poi || list[1].ID != ara {
		t.Fatalf("within 20 km of Poipet: %+v, want Poipet then Aranyaprathet", list)
	}
	// Poipet to Aranyaprathet is about 7.5 km as the crow flies.
	if d := list[1].DistanceKm; d < 6 || d > 9 {
		t.Errorf("distance Poipet–Aranyaprathet %.1f km", d)
	}
	list, _ = f.store.List(ctx, f.actor(inv), hotspots.Filter{Near: &poipet, Km: 400}, hotspots.ListLimit)
	if len(list) != 3 || list[2].ID != pp {
		t.Errorf("within 400 km: %d hotspots, want all 3 with Phnom Penh last", len(list))
	}
	box := hotspots.Box{West: 102, South: 13, East: 103, North: 14}
	list, _ = f.store.List(ctx, f.actor(inv), hotspots.Filter{Box: &box}, hotspots.MapLimit)
	if len(list) != 2 {
		t.Errorf("in the box around Poipet: %d hotspots, want 2", len(list))
	}
	list, _ = f.store.List(ctx, f.actor(inv), hotspots.Filter{Country: "KH", Province: "KH-12"}, hotspots.ListLimit)
	if len(list) != 1 || list[0].ID != pp {
		t.Errorf("in Phnom Penh: %+v", list)
	}
}

// TestLinkedCasesRespectTheCaseRules: a hotspot's page lists and counts only
// the linked cases its reader may see.
func TestLinkedCasesRespectTheCaseRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := "investigator@th-ppr2.example"
	hs := f.create("investigator@kh-ahtjp.example", input("Poipet casino strip", poipet, "KH", access.Partners))
	caseID, _, err := f.cases.Create(ctx, f.actor(inv), cases.CaseInput{Title: "Workers held at Poipet", Category: "scam_compound",
		Priority: "high", Country: "TH", HandlingCode: access.LawEnforcement})
	if err != nil {
		t.Fatal(err)
	}
	// Another agency's investigator cannot see the case, so cannot link it.
	if err := f.store.Link(ctx, f.actor("investigator@kh-ahtjp.example"), caseID, hs); !errors.Is(err, hotspots.ErrNotFound) {
		t.Errorf("linking a case one cannot see: %v", err)
	}
	if err := f.store.Link(ctx, f.actor("analyst@th-ppr2.example"), caseID, hs); !errors.Is(err, hotspots.ErrNotFound) {
		t.Errorf("an analyst links a case: %v", err)
	}
	if err := f.store.Link(ctx, f.actor(inv), caseID, hs); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Link(ctx, f.actor(inv), caseID, hs); err != nil {
		t.Errorf("linking twice: %v", err)
	}
	for _, tc := range []struct {
		email string
		cases int
	}{
		{inv, 1},
		{"coordinator@th-ppr2.example", 1},
		{"investigator@kh-ahtjp.example", 0}, // sees the hotspot, not the case
		{"analyst@th-ppr2.example", 0},       // analysts see no case content
	} {
		p, err := f.store.Page(ctx, f.actor(tc.email), hs)
		if err != nil {
			t.Fatalf("%s: %v", tc.email, err)
		}
		if len(p.Cases) != tc.cases || p.Hotspot.Cases != tc.cases {
			t.Errorf("%s: %d linked cases listed, %d counted; want %d", tc.email, len(p.Cases), p.Hotspot.Cases, tc.cases)
		}
	}
	linked, err := f.store.ForCase(ctx, f.actor(inv), caseID)
	if err != nil || len(linked) != 1 || linked[0].ID != hs {
		t.Errorf("hotspots of the case: %+v, %v", linked, err)
	}
	if err := f.store.Unlink(ctx, f.actor(inv), caseID, hs); err != nil {
		t.Fatal(err)
	}
	if linked, _ := f.store.ForCase(ctx, f.actor(inv), caseID); len(linked) != 0 {
		t.Errorf("after unlinking: %+v", linked)
	}
}

func TestParsePoint(t *testing.T) {
	for _, tc := range []struct {
		lat, lon string
		want     geo.Point
		ok       bool
	}{
		{"13.659", "102.563", poipet, true},
		{" 13.659 , 102.563 ", "", poipet, true},
		{"-90", "180", geo.Point{Lat: -90, Lon: 180}, true},
		{"90.0001", "0", geo.Point{}, false},
		{"1e400", "0", geo.Point{}, false},
		{"", "", geo.Point{}, false},
	} {
		e := validate.Errors{}
		got, ok := geo.ParsePoint(e, "lat", "lon", tc.lat, tc.lon, false)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParsePoint(%q, %q) = %v, %v (%v)", tc.lat, tc.lon, got, ok, e)
		}
	}
}

// tenThousand is a database with 10,000 hotspots spread over Thailand and
// Cambodia's box, a third of them law-enforcement only and a third
// originator, from a fixed seed; and the store as an investigator of
// another agency than their owner, so the handling-code policy runs.
func tenThousand(b *testing.B) (*hotspots.Store, access.Actor) {
	db := pgtest.New(b)
	ctx := context.Background()
	if err := seed.Accounts(ctx, db.App); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Owner.Exec(ctx, `
		SELECT setseed(0.42);
		INSERT INTO hotspots (owner_agency_id, name, kind, country, location, risk, reliability, information,
			handling_code, verified_on, created_by)
		SELECT a.id, 'Hotspot ' || g, 'other', 'TH',
			ST_SetSRID(ST_MakePoint(97.3 + random() * 10.4, 5.6 + random() * 14.9), 4326)::geography,
			(ARRAY['low', 'medium', 'high'])[1 + g % 3], 'B', 2,
			(ARRAY['partners', 'law_enforcement', 'originator'])[1 + g / 7 % 3], current_date, u.id
		FROM generate_series(1, 10000) g, agencies a JOIN users u ON u.agency_id = a.id
		WHERE a.code = 'th-ppr2' AND u.email = 'investigator@th-ppr2.example';
		ANALYZE hotspots;`); err != nil {
		b.Fatal(err)
	}
	actor, err := seed.DemoActor(ctx, db.App, "investigator@kh-ahtjp.example")
	if err != nil {
		b.Fatal(err)
	}
	return hotspots.NewStore(db.App), actor
}

// benchList times one list query and reports how many hotspots it found.
func benchList(b *testing.B, f hotspots.Filter, limit int) {
	store, actor := tenThousand(b)
	ctx := context.Background()
	var n int
	for b.Loop() {
		list, err := store.List(ctx, actor, f, limit)
		if err != nil {
			b.Fatal(err)
		}
		n = len(list)
	}
	b.ReportMetric(float64(n), "hotspots")
}

// BenchmarkWithinKm: the hotspots within 25 km of Poipet among 10,000.
// make bench runs it.
func BenchmarkWithinKm(b *testing.B) {
	benchList(b, hotspots.Filter{Near: &poipet, Km: 25}, hotspots.ListLimit)
}

// benchMap times what the map asks for one box and reports how many
// groups and markers it drew.
func benchMap(b *testing.B, box hotspots.Box) {
	store, actor := tenThousand(b)
	ctx := context.Background()
	var m hotspots.Map
	for b.Loop() {
		var err error
		if m, err = store.Map(ctx, actor, hotspots.Filter{}, box); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(m.Groups)), "groups")
	b.ReportMetric(float64(len(m.Markers)), "markers")
}

// BenchmarkMapBox: what the map asks for when it opens on the whole
// region: groups.
func BenchmarkMapBox(b *testing.B) {
	benchMap(b, hotspots.Box{West: 97.3, South: 5.6, East: 107.7, North: 20.5})
}

// BenchmarkMapBorderBox: the map zoomed on the Sa Kaeo–Banteay Meanchey
// border.
func BenchmarkMapBorderBox(b *testing.B) {
	benchMap(b, hotspots.Box{West: 102, South: 13, East: 103.5, North: 14.2})
}
