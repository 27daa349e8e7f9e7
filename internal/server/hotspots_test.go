package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
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
