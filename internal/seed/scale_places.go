package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// provinceWeights: where cases and hotspots are, relative to a weight of
// 0.4 for each province not named. The border provinces, the capitals,
// the fishing ports and the casino towns weigh most.
var provinceWeights = map[string]float64{
	"TH-27": 12, "TH-10": 10, "TH-20": 6, "TH-22": 6, "TH-23": 5, "TH-32": 4, "TH-33": 3, "TH-31": 3, "TH-34": 2,
	"TH-50": 3, "TH-57": 3, "TH-63": 4, "TH-74": 4, "TH-83": 2, "TH-90": 2, "TH-85": 2,
	"KH-1": 12, "KH-12": 10, "KH-18": 8, "KH-2": 6, "KH-17": 5, "KH-9": 4, "KH-22": 3, "KH-24": 2, "KH-20": 2,
	"KH-3": 2, "KH-14": 2, "KH-8": 2, "KH-21": 1.5, "KH-13": 1.5,
}

func provinceWeight(code string) float64 {
	if w, ok := provinceWeights[code]; ok {
		return w
	}
	return 0.4
}

func provinceTables() map[string]table[geo.Province] {
	out := map[string]table[geo.Province]{}
	for _, country := range []string{"TH", "KH"} {
		ps := geo.InCountry(country)
		ws := make([]float64, len(ps))
		for i, p := range ps {
			ws[i] = provinceWeight(p.Code)
		}
		out[country] = tableOf(ps, ws...)
	}
	return out
}

// Hotspot proportions.
var (
	hotspotKinds = tableOf([]string{"entertainment_venue", "transit_route", "recruitment_agency", "other", "brick_kiln",
		"scam_compound", "port", "border_crossing"}, 25, 17, 12, 12, 10, 10, 8, 6)
	hotspotHandling = tableOf([]access.HandlingCode{access.Partners, access.LawEnforcement, access.Originator}, 75, 20, 5)
	risks           = tableOf([]string{"low", "medium", "high"}, 40, 40, 20)
	reliabilities   = tableOf([]string{"A", "B", "C", "X"}, 10, 40, 35, 15)
	thaiPlaces      = map[string]string{"border_crossing": "จุดผ่านแดน", "brick_kiln": "เตาเผาอิฐ", "entertainment_venue": "ร้านคาราโอเกะ",
		"recruitment_agency": "บริษัทจัดหางาน", "port": "ท่าเรือประมง", "scam_compound": "อาคารแก๊งคอลเซ็นเตอร์", "transit_route": "จุดรับส่งรถตู้", "other": "โรงงาน"}
	khmerPlaces = map[string]string{"border_crossing": "ច្រកព្រំដែន", "brick_kiln": "ឡឥដ្ឋ", "entertainment_venue": "ខារ៉ាអូខេ",
		"recruitment_agency": "ក្រុមហ៊ុនជ្រើសរើសកម្មករ", "port": "កំពង់ផែ", "scam_compound": "អគារបោកប្រាស់", "transit_route": "ចំណតឡាន", "other": "រោងចក្រ"}
)

// hotspotCount: what ScaleOptions promises.
func hotspotCount(cases int) int { return min(max(cases/100, 100), 10_000) }

// contacts is how many directory contacts the dataset has, 2,000 whatever
// the number of cases: they are officers of the same 41 partner agencies
// (about 50 each), which do not take on officers as their cases grow, just
// as the loader keeps their users fixed. Growing them with the cases (it
// was Cases/500, 40 to 2,000) gave the bench's names an empty page at
// 10,000 cases and a full one at a million.
const contacts = 2_000

// placeSpots draws the hotspots' places inside the province borders, with
// PostGIS's seeded ST_GeneratePoints so that the same seed gives the same
// points, and gives each an owner and a handling code. The rest of a
// hotspot is drawn when its row is written.
func (g *generator) placeSpots(ctx context.Context, tx pgx.Tx, n int) error {
	r := rand.New(rand.NewPCG(g.seed, 0x686f7473706f7473)) // "hotspots"
	var codes []string
	var weights []float64
	rows, _ := tx.Query(ctx, `SELECT code FROM province_borders ORDER BY code`)
	var code string
	if _, err := pgx.ForEachRow(rows, []any{&code}, func() error {
		codes, weights = append(codes, code), append(weights, provinceWeight(code))
		return nil
	}); err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("no province borders: is the database migrated?")
	}
	where := tableOf(codes, weights...)
	counts := map[string]int32{}
	for range n {
		counts[where.pick(r)]++
	}
	// ST_GeneratePoints gives about, not exactly, as many points as asked
	// for (it rounds per part of a multipolygon): ask for more and keep
	// the first.
	var ns []int32
	for _, c := range codes {
		ns = append(ns, counts[c]+counts[c]/4+3)
	}
	rows, _ = tx.Query(ctx, `
		SELECT w.code, ST_X(d.geom), ST_Y(d.geom)
		FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS w (code, n, ord)
		JOIN province_borders b ON b.code = w.code,
		LATERAL ST_Dump(ST_GeneratePoints(b.geom, w.n, $3)) AS d
		WHERE w.n > 0
		ORDER BY w.ord, d.path`, codes, ns, int32(g.seed%(1<<31-2))+1)
	var lon, lat float64
	owners := g.spotOwners()
	g.spotsIn = map[string][]int32{}
	placed := map[string]int32{}
	_, err := pgx.ForEachRow(rows, []any{&code, &lon, &lat}, func() error {
		if placed[code] == counts[code] {
			return nil
		}
		placed[code]++
		h := hotspot{id: g.base.hotspots + int64(len(g.spots)) + 1, province: code, lon: lon, lat: lat, handling: hotspotHandling.pick(r)}
		if locals := g.local[code]; len(locals) > 0 && r.Float64() < 0.4 {
			h.owner = locals[r.IntN(len(locals))]
		}
		if h.owner == nil || len(h.owner.workers()) == 0 {
			h.owner = owners[code[:2]].pick(r)
		}
		g.spotsIn[code] = append(g.spotsIn[code], int32(len(g.spots)))
		g.spots = append(g.spots, h)
		return nil
	})
	if err == nil && len(g.spots) != n {
		err = fmt.Errorf("hotspots: %d places found for %d", len(g.spots), n)
	}
	return err
}

// spotOwners: who marks hotspots in each country, police most.
func (g *generator) spotOwners() map[string]table[*scaleAgency] {
	out := map[string]table[*scaleAgency]{}
	for _, country := range []string{"TH", "KH"} {
		var as []*scaleAgency
		var ws []float64
		for _, a := range g.world {
			w := map[access.Kind]float64{access.Police: 3, access.NGO: 2, access.Government: 1, access.International: 0.5}[a.kind]
			if a.country == country && w > 0 && len(a.workers()) > 0 {
				as, ws = append(as, a), append(ws, w)
			}
		}
		out[country] = tableOf(as, ws...)
	}
	return out
}

func (g *generator) hotspotsTable() copyTable {
	var (
		id, createdBy                                                     int64
		owner, version                                                    int32
		name, kind, country, province, district, risk, notes, reliability string
		handling                                                          string
		information                                                       int16
		location                                                          []byte
		verified                                                          time.Time
		created, updated                                                  time.Time
	)
	src := rand.NewPCG(0, 0)
	r := rand.New(src)
	rows := &indexRows{n: len(g.spots)}
	rows.fill = func(i int) {
		h := &g.spots[i]
		src.Seed(g.seed, mix(i, 0x40))
		p, _ := geo.Lookup(h.province)
		id, owner, country, province, handling = h.id, h.owner.id, h.province[:2], h.province, string(h.handling)
		kind = hotspotKinds.pick(r)
		switch x := r.Float64(); {
		case x < 0.15 && country == "TH":
			name = thaiPlaces[kind] + " " + p.Name("th")
		case x < 0.15:
			name = khmerPlaces[kind] + " " + p.Name("km")
		default:
			name = fmt.Sprintf("%s %d, %s", oneOf(r, hotspotNames[kind]), 1+r.IntN(60), p.NameEN)
		}
		district, risk, notes, reliability = "", risks.pick(r), oneOf(r, hotspotNotes), reliabilities.pick(r)
		information = int16(1 + r.IntN(4))
		location = ewkbPoint(location[:0], h.lon, h.lat)
		created = between(r, g.start, g.end)
		updated = between(r, created, g.end)
		verified = date(between(r, latest(created, g.end.AddDate(-2, 0, 0)), g.end))
		version = int32(1 + r.IntN(3))
		createdBy = h.owner.workers()[r.IntN(len(h.owner.workers()))]
	}
	rows.values = []any{&id, &owner, &name, &kind, &country, &province, &district, &location, &risk, &notes, &reliability,
		&information, &handling, &verified, &version, &createdBy, &created, &updated}
	return copyTable{"hotspots", []string{"id", "owner_agency_id", "name", "kind", "country", "province", "district", "location",
		"risk", "notes", "reliability", "information", "handling_code", "verified_on", "version", "created_by", "created_at",
		"updated_at"}, rows}
}

// hotspotCasesTable links a third of the cases that happened near a hotspot
// to it, as their investigators would from the case page.
func (g *generator) hotspotCasesTable() copyTable {
	var (
		spot, caseID, linkedBy int64
		agency                 int32
		linked                 time.Time
	)
	w := g.walk(0)
	rows := &caseRows{w: w, detail: streamLinkDetails, count: func(p *casePlan) int {
		if p.linked {
			return 1
		}
		return 0
	}}
	rows.fill = func(p *casePlan, _ int) {
		spot, caseID, agency, linkedBy = g.spots[p.spot].id, p.id, p.owner.id, p.createdBy
		linked = between(w.r, p.created, p.updated)
	}
	rows.values = []any{&spot, &caseID, &agency, &linkedBy, &linked}
	return copyTable{"hotspot_cases", []string{"hotspot_id", "case_id", "agency_id", "linked_by", "linked_at"}, rows}
}

// Thai police ranks, as contact names carry them.
var thaiRanks = []string{"พ.ต.ท.", "ร.ต.อ.", "พ.ต.อ.", "ด.ต.", "จ.ส.ต."}

func (g *generator) contactsTable(n int) copyTable {
	var (
		id, createdBy                                  int64
		agency                                         int32
		name, position, unit, line, whatsapp, telegram string
		signal, email, visibility                      string
		phones, languages, provinces                   []string
		focal, active                                  bool
		verified, created, updated                     time.Time
	)
	var as []*scaleAgency
	var ws []float64
	for _, a := range g.world {
		w := 1.0
		if a.demo {
			w = 2
		}
		as, ws = append(as, a), append(ws, w)
	}
	agencies := tableOf(as, ws...)
	src := rand.NewPCG(0, 0)
	r := rand.New(src)
	rows := &indexRows{n: n}
	rows.fill = func(i int) {
		src.Seed(g.seed, mix(i, 0x41))
		a := agencies.pick(r)
		id, agency = g.base.contacts+int64(i)+1, a.id
		female := r.IntN(2) == 0
		var latin string
		switch a.country {
		case "KH":
			s := khmerName(r, female)
			name, latin = s.local, s.latin
		default:
			s := thaiName(r, female)
			name, latin = s.local, s.latin
			if a.kind == access.Police {
				name = oneOf(r, thaiRanks) + " " + name
			}
		}
		if r.Float64() < 0.4 || a.kind == access.International {
			name = latin
		}
		position = oneOf(r, contactPositions[string(a.kind)])
		home := a.home
		if home == "" {
			home = g.provinces[a.country].pick(r).Code
		}
		p, _ := geo.Lookup(home)
		unit = a.short + " " + p.NameEN
		phones = phones[:0]
		for range 1 + r.IntN(3) {
			phones = append(phones, phoneNumber(r, a.country))
		}
		login := strings.ToLower(strings.ReplaceAll(latin, " ", "."))
		line, whatsapp, telegram, signal, email = "", "", "", "", ""
		if a.country == "TH" && r.Float64() < 0.5 {
			line = login[:min(len(login), 16)] + fmt.Sprint(r.IntN(100))
		}
		if r.Float64() < 0.3 {
			whatsapp = phones[0]
		}
		if r.Float64() < 0.3 {
			short := strings.ToLower(strings.ReplaceAll(a.short, "-", ""))
			telegram = strings.ReplaceAll(login, ".", "_")[:min(len(login), 20)] + "_" + short[:min(len(short), 10)]
		}
		if r.Float64() < 0.15 {
			signal = phones[0]
		}
		if r.Float64() < 0.6 {
			email = fmt.Sprintf("%s%d@%s.example", login, i, a.code)
		}
		languages = append(languages[:0], map[string]string{"TH": "th", "KH": "km"}[a.country])
		if r.Float64() < 0.5 {
			languages = append(languages, "en")
		}
		provinces = append(provinces[:0], home)
		focal, active = r.Float64() < 0.1, r.Float64() < 0.95
		visibility = string(access.ContactPartners)
		if r.Float64() < 0.2 {
			visibility = string(access.ContactAgency)
		}
		created = between(r, g.start, g.end)
		updated = between(r, created, g.end)
		verified = date(updated)
		createdBy = a.anyOf(r, access.Coordinator, access.AgencyAdmin)
	}
	rows.values = []any{&id, &agency, &name, &position, &unit, &phones, &line, &whatsapp, &telegram, &signal, &email, &languages,
		&provinces, &focal, &visibility, &active, &verified, &createdBy, &created, &updated}
	return copyTable{"contacts", []string{"id", "agency_id", "name", "position", "unit", "phones", "line_id", "whatsapp", "telegram",
		"signal", "email", "languages", "provinces", "focal_point", "visibility", "active", "verified_on", "created_by", "created_at",
		"updated_at"}, rows}
}

// phoneNumber is a mobile number in E.164 that libphonenumber accepts: Thai
// 08x and Cambodian 01x numbers.
func phoneNumber(r *rand.Rand, country string) string {
	if country == "KH" {
		return "+8551" + string("012567"[r.IntN(6)]) + digits(r, 6)
	}
	return "+668" + digits(r, 8)
}
