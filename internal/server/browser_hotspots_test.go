package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
