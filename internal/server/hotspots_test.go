package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// hotspotForm is a valid hotspot at the Ban Khlong Luek checkpoint, with
// the province left to the borders.
func hotspotForm(name, code string) url.Values {
	return url.Values{"name": {name}, "kind": {"border_crossing"}, "country": {"TH"}, "latitude": {"13.694"},
		"longitude": {"102.506"}, "risk": {"high"}, "reliability": {"B"}, "information": {"2"}, "handling_code": {code}}
}

// newHotspot creates a hotspot as c and returns its path.
func newHotspot(t *testing.T, c *client, form url.Values) string {
	t.Helper()
	res := c.post("/hotspots/new", form)
	wantStatus(t, "create hotspot", res, http.StatusSeeOther)
	loc := res.header.Get("Location")
	if !regexp.MustCompile(`^/hotspots/\d+$`).MatchString(loc) {
		t.Fatalf("redirect to %q", loc)
	}
	return loc
}

type featureCollection struct {
	Type     string `json:"type"`
	Capped   bool   `json:"capped"`
	Features []struct {
		ID       int64 `json:"id"`
		Geometry struct {
			Type        string     `json:"type"`
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"properties"`
	} `json:"features"`
}

func geoJSONOf(t *testing.T, c *client, query string) featureCollection {
	t.Helper()
	res := c.get("/hotspots/map.geojson?" + query)
	wantStatus(t, "geojson "+query, res, http.StatusOK)
	if ct := res.header.Get("Content-Type"); ct != "application/geo+json" {
		t.Errorf("content type %q", ct)
	}
	var fc featureCollection
	if err := json.Unmarshal([]byte(res.body), &fc); err != nil || fc.Type != "FeatureCollection" {
		t.Fatalf("geojson: %v\n%s", err, res.body)
	}
	return fc
}

func TestHotspotsOverHTTP(t *testing.T) {
	a := newApp(t)
	inv := a.signedIn("investigator@th-ppr2.example")

	// Bad input: each field says what is wrong, and the form keeps what
	// was typed.
	bad := hotspotForm("ด่านบ้านคลองลึก", "partners")
	bad.Set("latitude", "113.66")
	bad.Set("longitude", "east")
	bad.Set("information", "9")
	res := inv.post("/hotspots/new", bad)
	wantStatus(t, "bad hotspot", res, http.StatusUnprocessableEntity)
	res.mustContain(t, "Enter a number from -90 to 90.", "Enter decimal degrees, such as 13.6590.", "ด่านบ้านคลองลึก", `value="113.66"`)

	open := newHotspot(t, inv, hotspotForm("ด่านบ้านคลองลึก", "partners"))
	police := newHotspot(t, inv, hotspotForm("Kiln informant site", "law_enforcement"))
	page := inv.get(open)
	wantStatus(t, "hotspot page", page, http.StatusOK)
	// The province came from the point, in the page's language.
	page.mustContain(t, "ด่านบ้านคลองลึก", "Sa Kaeo", "13.694, 102.506", "B2")
	if strings.Contains(page.body, "lies outside Thailand and Cambodia") {
		t.Error("a point at Aranyaprathet is called outside the region")
	}

	// A point outside the region is allowed, with a warning.
	far := hotspotForm("Yangon office", "partners")
	far.Set("country", "MM")
	far.Set("latitude", "16.8409, 96.1735")
	far.Del("longitude")
	farPage := inv.get(newHotspot(t, inv, far))
	farPage.mustContain(t, "lies outside Thailand and Cambodia", "16.8409, 96.1735")

	// The list filters; a near search orders by distance.
	list := inv.get("/hotspots?province=TH-27&kind=border_crossing")
	wantStatus(t, "list", list, http.StatusOK)
	list.mustContain(t, "ด่านบ้านคลองลึก", "Kiln informant site")
	if strings.Contains(list.body, "Yangon office") {
		t.Error("the Sa Kaeo filter lists a hotspot in Myanmar")
	}
	near := inv.get("/hotspots?near_lat=13.659&near_lon=102.563&km=10")
	near.mustContain(t, "ด่านบ้านคลองลึก", "km away")
	if strings.Contains(near.body, "Yangon office") {
		t.Error("a 10 km search lists Yangon")
	}
	wantStatus(t, "bad radius", inv.get("/hotspots?near_lat=13.659&near_lon=102.563&km=9000"), http.StatusUnprocessableEntity)

	// The map's GeoJSON: what the list shows, in the box asked for.
	fc := geoJSONOf(t, inv, "bbox=102,13,103,14")
	if len(fc.Features) != 2 || fc.Features[0].Geometry.Coordinates != [2]float64{102.506, 13.694} {
		t.Errorf("features in the Sa Kaeo box: %+v", fc.Features)
	}
	if all := geoJSONOf(t, inv, ""); len(all.Features) != 3 {
		t.Errorf("%d features without a box, want 3", len(all.Features))
	}
	for _, box := range []string{"1,2,3", "102,13,101,14", "102,14,103,13", "a,b,c,d", "102,13,103,91", "-181,0,0,1", "NaN,1,2,3"} {
		res := inv.get("/hotspots/map.geojson?bbox=" + url.QueryEscape(box))
		wantStatus(t, "bbox "+box, res, http.StatusBadRequest)
		if !strings.Contains(res.body, "west,south,east,north") {
			t.Errorf("bbox %s: %s", box, res.body)
		}
	}

	// An NGO sees the partners hotspot, not the law-enforcement one, on
	// the map and by its address.
	ngo := a.signedIn("caseworker@aim.example")
	if fc := geoJSONOf(t, ngo, "bbox=102,13,103,14"); len(fc.Features) != 1 || fc.Features[0].Properties.Name != "ด่านบ้านคลองลึก" {
		t.Errorf("the NGO's map: %+v", fc.Features)
	}
	wantStatus(t, "NGO reads a law-enforcement hotspot", ngo.get(police), http.StatusNotFound)
	wantStatus(t, "NGO caseworker's new form", ngo.get("/hotspots/new"), http.StatusNotFound)
	wantStatus(t, "agency admin's map", a.signedIn("agency_admin@th-ppr2.example").get("/hotspots"), http.StatusNotFound)
	wantStatus(t, "AHTJP edits PPR2's hotspot", a.signedIn("investigator@kh-ahtjp.example").get(open+"/edit"), http.StatusNotFound)

	// Editing from a stale form keeps the input and says why.
	edit := inv.get(open + "/edit")
	wantStatus(t, "edit form", edit, http.StatusOK)
	form := hotspotForm("ด่านบ้านคลองลึก (ตลาดโรงเกลือ)", "partners")
	form.Set("version", "1")
	wantStatus(t, "edit", inv.post(open+"/edit", form), http.StatusSeeOther)
	stale := inv.post(open+"/edit", form)
	wantStatus(t, "stale edit", stale, http.StatusConflict)
	stale.mustContain(t, "Someone else saved this hotspot", `name="version" value="2"`)
}

// TestCaseLinksToHotspots: a case page links hotspots, and a hotspot page
// and the list count only the linked cases their reader may see.
func TestCaseLinksToHotspots(t *testing.T) {
	a := newApp(t)
	inv := a.signedIn("investigator@th-ppr2.example")
	hs := newHotspot(t, inv, hotspotForm("Ban Khlong Luek checkpoint", "partners"))
	number := strings.TrimPrefix(hs, "/hotspots/")

	res := inv.post("/cases/new", url.Values{"title": {"Girls recruited at the checkpoint"}, "category": {"sex_trafficking"},
		"priority": {"high"}, "country": {"TH"}, "handling_code": {"partners"}, "latitude": {"13.693"}, "longitude": {"102.507"}})
	wantStatus(t, "new case", res, http.StatusSeeOther)
	casePath := res.header.Get("Location")

	// The case lies 2 km from the hotspot: the page offers it.
	page := inv.get(casePath)
	page.mustContain(t, "13.693, 102.507", "Hotspots within 25 km", "Ban Khlong Luek checkpoint")
	wantStatus(t, "link by a bad number", inv.post(casePath+"/hotspots", url.Values{"hotspot": {"abc"}}), http.StatusSeeOther)
	wantStatus(t, "link a missing hotspot", inv.post(casePath+"/hotspots", url.Values{"hotspot": {"999999"}}), http.StatusSeeOther)
	inv.get(casePath).mustContain(t, "There is no hotspot with that number that you can link.")
	wantStatus(t, "link", inv.post(casePath+"/hotspots", url.Values{"hotspot": {"#" + number}}), http.StatusSeeOther)
	inv.get(casePath).mustContain(t, "Hotspot linked to the case.", "Unlink")

	inv.get(hs).mustContain(t, "Girls recruited at the checkpoint")
	inv.get("/hotspots").mustContain(t, `data-label="Linked cases">1</td>`)
	if res := inv.get("/hotspots/map.geojson"); strings.Contains(res.body, `"cases"`) {
		t.Errorf("the map's GeoJSON carries case counts: %s", res.body)
	}
	// AHTJP sees the hotspot but not the case: no title, no count.
	kh := a.signedIn("investigator@kh-ahtjp.example")
	other := kh.get(hs)
	wantStatus(t, "AHTJP reads the hotspot", other, http.StatusOK)
	if strings.Contains(other.body, "Girls recruited") {
		t.Error("AHTJP sees the title of a case it has no access to")
	}
	kh.get("/hotspots").mustContain(t, `data-label="Linked cases">0</td>`)
	// Nor may it link a case of its own to... PPR2's case.
	wantStatus(t, "AHTJP links PPR2's case", kh.post(casePath+"/hotspots", url.Values{"hotspot": {number}}), http.StatusNotFound)

	wantStatus(t, "unlink", inv.post(casePath+"/hotspots/unlink", url.Values{"hotspot": {number}}), http.StatusSeeOther)
	inv.get(casePath).mustContain(t, "No hotspot is linked to this case.")
}

// TestMapPageWeight measures what a phone fetches on its first visit to the
// map, compressed as the server sends it (DESIGN §6: under 100 KB), and
// writes the figures to artifacts/page-weight-map.txt for the notes.
func TestMapPageWeight(t *testing.T) {
	a := newApp(t)
	c := a.signedIn("investigator@th-ppr2.example")
	// The transport would decompress quietly; ask for gzip by hand.
	c.hc.Transport = &http.Transport{DisableCompression: true}
	fetch := func(path string) (wire int, body string) {
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res := c.do(req)
		if res.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, res.status)
		}
		body = res.body
		if res.header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(res.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(zr)
			body = string(b)
		} else if len(res.body) > 1024 {
			t.Errorf("%s (%d bytes) was sent uncompressed", path, len(res.body))
		}
		return len(res.body), body
	}
	var report bytes.Buffer
	total, html := fetch("/hotspots")
	report.WriteString("/hotspots " + itoa(int64(total)) + "\n")
	assets := regexp.MustCompile(`(?:href|src|data-borders)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(assets) < 5 {
		t.Fatalf("the map page names %d assets: %v", len(assets), assets)
	}
	for _, m := range assets {
		n, _ := fetch(m[1])
		total += n
		report.WriteString(m[1] + " " + itoa(int64(n)) + "\n")
	}
	report.WriteString("total " + itoa(int64(total)) + "\n")
	t.Logf("first visit to the map, compressed:\n%s", report.String())
	os.MkdirAll(filepath.Join(repoRoot(t), "artifacts"), 0o755)
	os.WriteFile(filepath.Join(repoRoot(t), "artifacts", "page-weight-map.txt"), report.Bytes(), 0o644)
	if total >= 100_000 {
		t.Errorf("the map's first visit transfers %d bytes compressed, over the 100 KB budget", total)
	}
}

// manyHotspots adds n partners hotspots of PPR2's, as the owner, on a
// regular grid over box, named "Spot 0001" onwards, of each risk in turn
// and every other one a port.
func manyHotspots(t *testing.T, a *app, n int, west, south, east, north float64) {
	t.Helper()
	if _, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO hotspots (owner_agency_id, name, kind, country, location, risk, reliability, information,
			handling_code, verified_on, created_by)
		SELECT u.agency_id, 'Spot ' || to_char(g, 'FM0000'), (ARRAY['port', 'brick_kiln'])[1 + g % 2], 'TH',
			ST_SetSRID(ST_MakePoint($2::float8 + (g % k.s) * ($4::float8 - $2) / k.s, $3::float8 + (g / k.s) * ($5::float8 - $3) / k.s), 4326)::geography,
			(ARRAY['low', 'medium', 'high'])[1 + g % 3], 'B', 2, 'partners', current_date, u.id
		FROM generate_series(0, $1 - 1) g, (SELECT ceil(sqrt($1::float8))::int AS s) k, users u
		WHERE u.email = 'investigator@th-ppr2.example'`, n, west, south, east, north); err != nil {
		t.Fatal(err)
	}
}

var listedHotspot = regexp.MustCompile(`<a href="/hotspots/(\d+)"><strong>([^<]+)</strong>`)

// TestHotspotListPagesByKeyset: the list shows fifty at a time, riskiest
// first, with a link to the next page that keeps the filters, until every
// hotspot was shown once; a "near" search pages nearest first; a broken
// link says so.
func TestHotspotListPagesByKeyset(t *testing.T) {
	a := newApp(t)
	inv := a.signedIn("investigator@th-ppr2.example")
	manyHotspots(t, a, 130, 102, 13, 103, 14)

	for _, tc := range []struct {
		name, query string
		want        int
	}{
		{"ports", "kind=port", 65},
		{"near Poipet", "near_lat=13.5&near_lon=102.5&km=60&kind=port", 0},
	} {
		path := "/hotspots?" + tc.query
		seen := map[string]bool{}
		pages := 0
		var risks []string
		var km []float64
		for path != "" {
			res := inv.get(path)
			wantStatus(t, tc.name+" "+path, res, http.StatusOK)
			rows := listedHotspot.FindAllStringSubmatch(res.body, -1)
			if len(rows) > 50 {
				t.Fatalf("%s: a page of %d", tc.name, len(rows))
			}
			for _, m := range rows {
				if seen[m[1]] {
					t.Errorf("%s: %s listed twice", tc.name, m[2])
				}
				seen[m[1]] = true
			}
			for _, m := range regexp.MustCompile(`class="badge risk-(\w+)"`).FindAllStringSubmatch(res.body, -1) {
				risks = append(risks, m[1])
			}
			for _, m := range regexp.MustCompile(`([\d.]+) km away`).FindAllStringSubmatch(res.body, -1) {
				d, _ := strconv.ParseFloat(m[1], 64)
				km = append(km, d)
			}
			pages++
			path = ""
			if m := regexp.MustCompile(`href="(/hotspots\?[^"]*after=[^"]*)" rel="next"`).FindStringSubmatch(res.body); m != nil {
				path = html.UnescapeString(m[1])
				if !strings.Contains(path, "kind=port") {
					t.Errorf("%s: the next page forgets the filter: %s", tc.name, path)
				}
				if len(rows) != 50 {
					t.Errorf("%s: a page of %d before the last", tc.name, len(rows))
				}
			}
			if pages > 1 && !strings.Contains(res.body, ">First page</a>") {
				t.Errorf("%s: page %d has no link to the first", tc.name, pages)
			}
		}
		if tc.want != 0 && len(seen) != tc.want {
			t.Errorf("%s: %d hotspots over %d pages, want %d", tc.name, len(seen), pages, tc.want)
		}
		if pages < 2 {
			t.Errorf("%s: %d hotspots on %d page", tc.name, len(seen), pages)
		}
		if tc.name == "ports" && !slices.IsSortedFunc(risks, func(a, b string) int {
			return strings.Index("highmediumlow", a) - strings.Index("highmediumlow", b)
		}) {
			t.Errorf("%s: not riskiest first: %v", tc.name, risks)
		}
		if tc.name == "near Poipet" && (len(km) != len(seen) || !slices.IsSorted(km)) {
			t.Errorf("%s: %d distances for %d hotspots, not nearest first: %v", tc.name, len(km), len(seen), km)
		}
	}
	// Near: every page nearer than the next.
	first := inv.get("/hotspots?near_lat=13.5&near_lon=102.5&km=60")
	if !strings.Contains(first.body, `rel="next"`) {
		t.Error("a near search of 130 hotspots has one page")
	}

	bad := inv.get("/hotspots?after=bm90IGEgY3Vyc29y")
	wantStatus(t, "a broken page link", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "This page link is broken.")
	// A cursor of a near search does not page the plain list.
	m := regexp.MustCompile(`after=([^"&]+)`).FindStringSubmatch(first.body)
	wantStatus(t, "a near cursor on the plain list", inv.get("/hotspots?after="+m[1]), http.StatusUnprocessableEntity)
}

// TestMapGroupsOverHTTP: a box with many hotspots comes as groups, each a
// point with a count, its highest risk, a translated label and its cell as
// the feature's bbox; the cell's box, asked for, shows them apart.
func TestMapGroupsOverHTTP(t *testing.T) {
	a := newApp(t)
	inv := a.signedIn("investigator@th-ppr2.example")
	manyHotspots(t, a, 400, 102.2, 13.2, 103.2, 14.1)
	var fc struct {
		Grouped  bool `json:"grouped"`
		Features []struct {
			ID         int64     `json:"id"`
			BBox       []float64 `json:"bbox"`
			Properties struct {
				Count int    `json:"count"`
				Risk  string `json:"risk"`
				Label string `json:"label"`
				Name  string `json:"name"`
			} `json:"properties"`
		} `json:"features"`
	}
	res := inv.get("/hotspots/map.geojson?bbox=102,13,103.5,14.2")
	wantStatus(t, "geojson", res, http.StatusOK)
	if err := json.Unmarshal([]byte(res.body), &fc); err != nil {
		t.Fatal(err)
	}
	total := 0
	var busiest []float64
	most := 0
	for _, f := range fc.Features {
		if f.BBox == nil {
			total++
			continue
		}
		p := f.Properties
		total += p.Count
		if len(f.BBox) != 4 || p.Count < 2 || p.Risk == "" || !strings.Contains(p.Label, itoa(int64(p.Count))+" hotspots") || f.ID != 0 {
			t.Errorf("a group: %+v", f)
		}
		if p.Count > most {
			most, busiest = p.Count, f.BBox
		}
	}
	if !fc.Grouped || total != 400 || len(fc.Features) > 13*13 {
		t.Errorf("400 hotspots came as %d features holding %d (grouped %v)", len(fc.Features), total, fc.Grouped)
	}
	if len(res.body) > 20_000 {
		t.Errorf("the grouped answer is %d bytes", len(res.body))
	}
	box := fmt.Sprintf("%g,%g,%g,%g", busiest[0], busiest[1], busiest[2], busiest[3])
	in := geoJSONOf(t, inv, "bbox="+box)
	if len(in.Features) < most || in.Features[0].Properties.Name == "" {
		t.Errorf("the busiest group's area %s holds %d features, want its %d hotspots", box, len(in.Features), most)
	}
	// In Thai, the label is Thai.
	th := a.signedIn("investigator@th-ppr2.example")
	th.post("/language", url.Values{"lang": {"th"}})
	if res := th.get("/hotspots/map.geojson?bbox=102,13,103.5,14.2"); !strings.Contains(res.body, "จุดเสี่ยง") {
		t.Errorf("Thai labels: %.300s", res.body)
	}
}
