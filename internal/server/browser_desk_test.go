package server_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBrowserDesk: kh-moi's coordinator opens the desk on a phone and on a
// laptop. The chart must scale to the screen, keep its proportions, and
// print; the page must not scroll sideways in any language.
func TestBrowserDesk(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	sendDeskReferrals(t, a)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "coordinator@kh-moi.example")
	mustDo(t, ctx, "open the desk", chromedp.Navigate(a.srv.URL+"/desk"), chromedp.WaitVisible(chromedp.CSS("#weekly svg")))

	chartFits := func(where string) {
		t.Helper()
		width := evalJS[float64](t, ctx, `document.querySelector("#weekly svg").getBoundingClientRect().width`)
		card := evalJS[float64](t, ctx, `document.querySelector("#weekly").clientWidth`)
		height := evalJS[float64](t, ctx, `document.querySelector("#weekly svg").getBoundingClientRect().height`)
		ratio := evalJS[float64](t, ctx, `(() => { const v = document.querySelector("#weekly svg").viewBox.baseVal; return v.height / v.width })()`)
		if width <= 0 || width > card {
			t.Errorf("%s: the chart is %.0f px wide in a card of %.0f", where, width, card)
		}
		if d := height - width*ratio; d > 2 || d < -2 {
			t.Errorf("%s: the chart is %.0f×%.0f px, out of the proportions of its viewBox", where, width, height)
		}
	}
	assertFitsWidth(t, ctx, "/desk at 360 px")
	chartFits("360 px")
	saveScreenshot(t, ctx, "desk-360")
	saveChart(t, ctx, "desk-chart-360")
	for _, lang := range []string{"km", "th", "en"} {
		switchLanguage(t, ctx, lang)
		assertFitsWidth(t, ctx, "/desk in "+lang)
		chartFits("360 px in " + lang)
		if lang != "en" {
			assertText(t, ctx, lang, "desk.title", "desk.overdue", "referral_state.pending", "desk.weekly")
			saveScreenshot(t, ctx, "desk-360-"+lang)
			saveChart(t, ctx, "desk-chart-360-"+lang)
		}
	}

	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	assertFitsWidth(t, ctx, "/desk at 1280 px")
	chartFits("1280 px")
	saveScreenshot(t, ctx, "desk-desktop")
	saveChart(t, ctx, "desk-chart-desktop")

	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	if evalJS[string](t, ctx, `getComputedStyle(document.querySelector("#weekly svg")).display`) == "none" {
		t.Error("the chart does not print")
	}
	chartFits("print")
	saveScreenshot(t, ctx, "desk-print")
}

// saveChart writes the chart's card alone, at twice the pixels, so that a
// reviewer can read its small print.
func saveChart(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.ScreenshotScale(chromedp.CSS("#weekly"), 2))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(repoRoot(t), "artifacts", "screenshots", name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

// TestBrowserDeskOverdueList: kh-moi's coordinator follows the desk's
// link to the whole overdue list on a phone, pages through it, reads it
// in Khmer and Thai, and prints it: no sideways scrolling, no controls on
// paper.
func TestBrowserDeskOverdueList(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	sendDeskReferrals(t, a)
	addOverdue(t, a, 60) // 62 overdue across the border: two pages
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "coordinator@kh-moi.example")
	mustDo(t, ctx, "open the desk", chromedp.Navigate(a.srv.URL+"/desk"), chromedp.WaitVisible(chromedp.CSS(`#overdue a[href="/desk/overdue"]`)))
	if n := evalJS[float64](t, ctx, `document.querySelectorAll("#overdue tbody tr").length`); n != 20 {
		t.Errorf("the desk lists %.0f overdue referrals, want 20", n)
	}
	saveScreenshot(t, ctx, "desk-overdue-link-360")

	mustDo(t, ctx, "follow the link to the list", chromedp.Click(chromedp.CSS(`#overdue a[href="/desk/overdue"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[rel="next"]`)))
	if p := pagePath(t, ctx); p != "/desk/overdue" {
		t.Fatalf("the desk's link leads to %s", p)
	}
	rows := func() int {
		return int(evalJS[float64](t, ctx, `document.querySelectorAll("#overdue tbody tr").length`))
	}
	if n := rows(); n != 50 {
		t.Errorf("the first page lists %d, want 50", n)
	}
	assertFitsWidth(t, ctx, "/desk/overdue at 360 px")
	saveScreenshot(t, ctx, "desk-overdue-360")
	for _, lang := range []string{"km", "th"} {
		switchLanguage(t, ctx, lang)
		assertFitsWidth(t, ctx, "/desk/overdue in "+lang)
		assertText(t, ctx, lang, "desk.overdue_title", "desk.overdue_scope_border", "desk.overdue_next", "referral_purpose.arrest")
		saveScreenshot(t, ctx, "desk-overdue-360-"+lang)
	}
	switchLanguage(t, ctx, "en")

	mustDo(t, ctx, "next page", chromedp.Click(chromedp.CSS(`a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/desk/overdue"]`)))
	if n := rows(); n != 12 {
		t.Errorf("the second page lists %d, want 12", n)
	}
	if evalJS[bool](t, ctx, `document.querySelector('a[rel="next"]') !== null`) {
		t.Error("the last page links to a next one")
	}
	assertFitsWidth(t, ctx, "/desk/overdue page 2 at 360 px")
	saveScreenshot(t, ctx, "desk-overdue-360-page2")

	// Paper is as wide as a laptop's screen, not a phone's.
	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	assertFitsWidth(t, ctx, "/desk/overdue page 2 at 1280 px")
	saveScreenshot(t, ctx, "desk-overdue-desktop-page2")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	if evalJS[string](t, ctx, `getComputedStyle(document.querySelector("main p.actions")).display`) != "none" {
		t.Error("the page links print")
	}
	if evalJS[string](t, ctx, `getComputedStyle(document.querySelector("#overdue table")).display`) == "none" {
		t.Error("the list does not print")
	}
	saveScreenshot(t, ctx, "desk-overdue-print")
}
