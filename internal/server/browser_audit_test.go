package server_test

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/handshake-mekong/handshake/internal/seed"
)

// TestBrowserAuditLog: the audit log fits a phone with long values in it,
// its filters work without JavaScript, and print shows the events without
// the controls.
func TestBrowserAuditLog(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	a.signedIn("investigator@th-ppr2.example")
	a.client().login("a.very.long.address.of.someone.unknown@partner-agency.example", "wrong")
	if _, err := a.db.App.Exec(t.Context(), `
		INSERT INTO audit_events (actor_user_id, actor_agency_id, action, object_type, object_id, client_addr, details)
		SELECT u.id, u.agency_id, 'user.roles', 'user', u.id::text, '2001:db8:85a3:1234:5678:8a2e:370:7334',
			'{"roles": ["investigator", "coordinator"], "reason": "ផ្ទេរទៅការិយាល័យប៉ោយប៉ែត (Poipet)"}'
		FROM users u WHERE u.email = 'agency_admin@kh-ahtjp.example'`); err != nil {
		t.Fatal(err)
	}
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, seed.PlatformAdminEmail)

	mustDo(t, ctx, "open /admin/audit", chromedp.Navigate(a.srv.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("main table")))
	assertFitsWidth(t, ctx, "/admin/audit at 360 px")
	body := evalJS[string](t, ctx, "document.body.innerText")
	for _, want := range []string{"investigator@th-ppr2.example", "PPR2", "login.fail", "user.roles", "2001:db8:85a3"} {
		if !strings.Contains(body, want) {
			t.Errorf("/admin/audit does not show %q", want)
		}
	}
	saveScreenshot(t, ctx, "audit-360")

	// The filters: a GET form, sent by its button.
	mustDo(t, ctx, "open the filters", chromedp.Click(chromedp.CSS("main details summary")))
	mustDo(t, ctx, "type an action", chromedp.SendKeys(chromedp.CSS(`input[name="action"]`), "user.roles"))
	submitAndWait(t, ctx, `form[action="/admin/audit"] button[type="submit"]`)
	if rows := evalJS[int](t, ctx, `document.querySelectorAll("main tbody tr").length`); rows != 1 {
		t.Errorf("filtered by user.roles: %d rows, want 1", rows)
	}
	assertFitsWidth(t, ctx, "/admin/audit?action=user.roles")
	saveScreenshot(t, ctx, "audit-360-filtered")

	mustDo(t, ctx, "open with a bad date", chromedp.Navigate(a.srv.URL+"/admin/audit?from=31.03.2026&agency=x"), chromedp.WaitVisible(chromedp.CSS("main form")))
	if n := evalJS[int](t, ctx, `document.querySelectorAll(".field .error").length`); n != 2 {
		t.Errorf("%d field errors shown, want 2", n)
	}
	assertFitsWidth(t, ctx, "/admin/audit with errors")
	saveScreenshot(t, ctx, "audit-360-errors")

	mustDo(t, ctx, "back to the log", chromedp.Navigate(a.srv.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("main table")))
	for _, lang := range []string{"km", "th", "en"} {
		switchLanguage(t, ctx, lang)
		assertText(t, ctx, lang, "audit.title", "audit.filter")
		assertFitsWidth(t, ctx, "/admin/audit in "+lang)
		if lang != "en" {
			saveScreenshot(t, ctx, "audit-360-"+lang)
		}
	}
	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	assertFitsWidth(t, ctx, "/admin/audit at 1280 px")
	saveScreenshot(t, ctx, "audit-desktop")

	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	if evalJS[string](t, ctx, `getComputedStyle(document.querySelector('form[action="/admin/audit"]')).display`) != "none" {
		t.Error("the filter form shows in print")
	}
	if evalJS[string](t, ctx, `getComputedStyle(document.querySelector("main table thead")).display`) == "none" {
		t.Error("the table's headings are missing in print")
	}
	saveScreenshot(t, ctx, "audit-print")
}
