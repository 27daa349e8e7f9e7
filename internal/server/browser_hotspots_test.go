package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserMap: PPR2's investigator opens the map, which draws the
// bundled borders and the hotspots with no tile server and no internet;
// clicks a marker, follows it to the hotspot's page with its linked case;
// the page fits a phone; and without JavaScript the list stands alone.
func TestBrowserMap(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	inv := a.signedIn("investigator@th-ppr2.example")
	hs := newHotspot(t, inv, hotspotForm("Ban Khlong Luek checkpoint", "partners"))
	far := hotspotForm("Cham Yeam crossing", "partners")
	far.Set("country", "KH")
	far.Set("latitude", "11.646")
	far.Set("longitude", "102.9082")
	far.Set("risk", "medium")
	newHotspot(t, inv, far)
	res := inv.post("/cases/new", url.Values{"title": {"Girls recruited at the checkpoint"}, "category": {"sex_trafficking"},
		"priority": {"high"}, "country": {"TH"}, "handling_code": {"partners"}})
	wantStatus(t, "new case", res, http.StatusSeeOther)
	casePath := res.header.Get("Location")
	wantStatus(t, "link", inv.post(casePath+"/hotspots", url.Values{"hotspot": {strings.TrimPrefix(hs, "/hotspots/")}}), http.StatusSeeOther)

	// Any breach of the content security policy (Leaflet's own code
	// included) is recorded for the checks below.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.cspViolations = []; document.addEventListener("securitypolicyviolation", e => window.cspViolations.push(e.violatedDirective + " " + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 900))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "investigator@th-ppr2.example")
	mustDo(t, ctx, "open the map", chromedp.Navigate(a.srv.URL+"/hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#map[data-loaded="2"] .hs-marker.risk-high`)),
		chromedp.WaitVisible(chromedp.CSS(`#map .leaflet-overlay-pane path`)))
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#map .leaflet-overlay-pane path').length`); n < 100 {
		t.Errorf("the map draws %d border shapes, want the 6 countries and 101 provinces", n)
	}
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#map .leaflet-tile').length`); n != 0 {
		t.Errorf("with no tile server configured the map asks for %d tiles", n)
	}
	saveScreenshot(t, ctx, "map-desktop")

	mustDo(t, ctx, "click the high-risk marker", chromedp.Click(chromedp.CSS(`.hs-marker.risk-high`)),
		chromedp.WaitVisible(chromedp.CSS(`.leaflet-popup-content .popup-open`)))
	if text := evalJS[string](t, ctx, `document.querySelector('.leaflet-popup-content').innerText`); !strings.Contains(text, "Ban Khlong Luek checkpoint") ||
		!strings.Contains(text, "Border crossing · High risk") {
		t.Errorf("popup: %q", text)
	}
	saveScreenshot(t, ctx, "map-popup")
	submitAndWait(t, ctx, `.leaflet-popup-content .popup-open`)
	mustDo(t, ctx, "hotspot page", chromedp.WaitVisible(chromedp.CSS(`#linked`)))
	if p := pagePath(t, ctx); p != hs {
		t.Fatalf("the marker led to %s, want %s", p, hs)
	}
	if text := evalJS[string](t, ctx, `document.querySelector('#linked').innerText`); !strings.Contains(text, "Girls recruited at the checkpoint") {
		t.Errorf("linked cases: %q", text)
	}
	saveScreenshot(t, ctx, "hotspot-page")
	if v := evalJS[[]string](t, ctx, `window.cspViolations`); len(v) > 0 {
		t.Errorf("content security policy violations: %v", v)
	}

	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "map on a phone", chromedp.Navigate(a.srv.URL+"/hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#map[data-loaded="2"] .hs-marker`)))
	assertFitsWidth(t, ctx, "map page")
	saveScreenshot(t, ctx, "map-phone")
	if v := evalJS[[]string](t, ctx, `window.cspViolations`); len(v) > 0 {
		t.Errorf("content security policy violations on the map: %v", v)
	}

	// The form on a phone, with a point out of range.
	mustDo(t, ctx, "new hotspot form", chromedp.Navigate(a.srv.URL+"/hotspots/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)))
	mustDo(t, ctx, "type", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "ตลาดโรงเกลือ"),
		chromedp.SendKeys(chromedp.CSS(`input[name="latitude"]`), "113.67, 102.54"))
	mustDo(t, ctx, "submit", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS(`#latitude-error`)))
	assertFitsWidth(t, ctx, "hotspot form with errors")
	saveScreenshot(t, ctx, "hotspot-form-errors")

	// The case page's hotspots, and the map in Khmer.
	mustDo(t, ctx, "case page", chromedp.Navigate(a.srv.URL+casePath+"#hotspots"), chromedp.WaitVisible(chromedp.CSS(`#hotspots`)))
	assertFitsWidth(t, ctx, "case page with hotspots")
	saveScreenshot(t, ctx, "case-hotspots")
	mustDo(t, ctx, "map", chromedp.Navigate(a.srv.URL+"/hotspots"), chromedp.WaitVisible(chromedp.CSS(`#map[data-loaded="2"]`)))
	switchLanguage(t, ctx, "km")
	mustDo(t, ctx, "map in Khmer", chromedp.WaitVisible(chromedp.CSS(`#map[data-loaded="2"] .hs-marker`)))
	assertFitsWidth(t, ctx, "map in Khmer")
	saveScreenshot(t, ctx, "map-km")

	// Without JavaScript: no map, the list is the page.
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	mustDo(t, ctx, "list without JavaScript", chromedp.Navigate(a.srv.URL+"/hotspots"), chromedp.WaitVisible(chromedp.CSS(`#hotspots`)))
	if visible := evalJS[bool](t, ctx, `document.getElementById('mapbox').offsetHeight > 0`); visible {
		t.Error("without JavaScript the page still shows an empty map box")
	}
	assertFitsWidth(t, ctx, "list without JavaScript")
	saveScreenshot(t, ctx, "map-nojs")
}

// waitJS waits until a JavaScript expression is true in the page.
func waitJS(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// boxWidth is the width in degrees of the box the map last loaded.
const boxWidth = `(b => b[2] - b[0])(document.getElementById('map').dataset.box.split(',').map(Number))`

// TestBrowserMapGroups: with 400 hotspots near Poipet, the map of the
// region draws groups, circles with their number that together hold all
// 400; selecting the busiest zooms the map to its area, which loads again
// and splits it up, until the hotspots stand alone; the groups fit a phone.
func TestBrowserMapGroups(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	manyHotspots(t, a, 400, 102.2, 13.2, 103.2, 14.1)
	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "investigator@th-ppr2.example")
	mustDo(t, ctx, "open the map", chromedp.Navigate(a.srv.URL+"/hotspots"),
		chromedp.WaitVisible(chromedp.CSS(`#map .hs-group`)), chromedp.WaitVisible(chromedp.CSS(`#map .leaflet-overlay-pane path`)))
	sum := `[...document.querySelectorAll('#map .hs-group')].reduce((n, g) => n + Number(g.textContent), 0) + document.querySelectorAll('#map .hs-marker').length`
	if n := evalJS[int](t, ctx, sum); n != 400 {
		t.Errorf("the region's groups hold %d hotspots, want 400", n)
	}
	if title := evalJS[string](t, ctx, `document.querySelector('#map .hs-group').title`); !strings.Contains(title, "hotspots, the highest High risk. Select to zoom in.") {
		t.Errorf("a group's title: %q", title)
	}
	if note := evalJS[string](t, ctx, `document.getElementById('mapnote').innerText`); !strings.Contains(note, "select one to zoom in") {
		t.Errorf("the map's note: %q", note)
	}
	saveScreenshot(t, ctx, "map-groups-desktop")

	// Select the busiest group until the hotspots stand alone.
	busiest := `[...document.querySelectorAll('#map .hs-group')].sort((a, b) => b.textContent - a.textContent)[0]`
	for i := 0; evalJS[int](t, ctx, `document.querySelectorAll('#map .hs-group').length`) > 0; i++ {
		if i == 5 {
			t.Fatalf("five zooms in, the map still draws %d groups", evalJS[int](t, ctx, `document.querySelectorAll('#map .hs-group').length`))
		}
		before := evalJS[float64](t, ctx, boxWidth)
		count := evalJS[int](t, ctx, `Number(`+busiest+`.textContent)`)
		evalJS[bool](t, ctx, `(g => (g.id = "busiest", true))(`+busiest+`)`)
		mustDo(t, ctx, "select the busiest group", chromedp.Click(chromedp.CSS("#busiest")))
		waitJS(t, ctx, "the map zooms in and loads", boxWidth+` < `+strconv.FormatFloat(before/2, 'f', -1, 64))
		if n := evalJS[int](t, ctx, sum); n < count/2 || n == 0 {
			t.Errorf("a group of %d, zoomed to, shows %d", count, n)
		}
		if i == 0 {
			saveScreenshot(t, ctx, "map-groups-zoomed")
		}
	}
	mustDo(t, ctx, "markers", chromedp.WaitVisible(chromedp.CSS(`#map .hs-marker`)))
	saveScreenshot(t, ctx, "map-groups-markers")

	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "the map on a phone", chromedp.Navigate(a.srv.URL+"/hotspots"), chromedp.WaitVisible(chromedp.CSS(`#map .hs-group`)))
	assertFitsWidth(t, ctx, "map with groups")
	saveScreenshot(t, ctx, "map-groups-phone")
}
