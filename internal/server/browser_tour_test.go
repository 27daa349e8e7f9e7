package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handshake-mekong/handshake/internal/seed"
)

// TestBrowserEveryPageFitsAPhone walks every page and every form's error
// state at 360 px, checks that none scrolls sideways and saves a screenshot
// of each for review.
func TestBrowserEveryPageFitsAPhone(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	visit := func(path, shot string) {
		t.Helper()
		mustDo(t, ctx, "open "+path, chromedp.Navigate(a.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("main")))
		assertFitsWidth(t, ctx, path)
		saveScreenshot(t, ctx, shot)
	}
	// submit sends the form holding button as typed, and checks that every
	// field error sits beside a field.
	submit := func(button, shot string, wantErrors int) {
		t.Helper()
		res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
		if err != nil {
			t.Fatalf("submit %s: %v", button, err)
		}
		if res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", shot, res.Status)
		}
		got := evalJS[int](t, ctx, `document.querySelectorAll(".field .error").length`)
		if got != wantErrors {
			t.Errorf("%s: %d field errors shown, want %d", shot, got, wantErrors)
		}
		assertFitsWidth(t, ctx, shot)
		saveScreenshot(t, ctx, shot)
	}
	typeInto := func(sel, text string) {
		t.Helper()
		evalJS[string](t, ctx, `document.querySelector('`+sel+`').value = ""`)
		mustDo(t, ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
	}

	visit("/login", "tour-login")
	typeInto(`input[name="email"]`, "someone@aim.example")
	typeInto(`input[name="password"]`, "wrong password")
	if res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); err != nil || res.Status != http.StatusUnauthorized {
		t.Fatalf("wrong password: %v, %+v", err, res)
	}
	if v := evalJS[string](t, ctx, `document.querySelector('input[name="email"]').value`); v != "someone@aim.example" {
		t.Errorf("the login form lost the email typed: %q", v)
	}
	saveScreenshot(t, ctx, "tour-login-failed")

	typeInto(`input[name="email"]`, "agency_admin@aim.example")
	typeInto(`input[name="password"]`, seed.DemoPassword)
	submitAndWait(t, ctx, `form[action="/login"] button`)

	visit("/profile", "tour-profile")
	typeInto(`input[name="current"]`, "not my password")
	typeInto(`input[name="new"]`, "short")
	typeInto(`input[name="confirm"]`, "other")
	submit(`form[action="/profile/password"] button`, "tour-profile-errors", 3)

	visit("/agency/users/new", "tour-user-new")
	typeInto(`input[name="email"]`, "not an email")
	submit(`form[action="/agency/users"] button`, "tour-user-new-errors", 3)
	if v := evalJS[string](t, ctx, `document.querySelector('input[name="email"]').value`); v != "not an email" {
		t.Errorf("the form lost what was typed: %q", v)
	}
	typeInto(`input[name="email"]`, "sokha@aim.example")
	typeInto(`input[name="display_name"]`, "សុខា ចាន់")
	mustDo(t, ctx, "tick caseworker", chromedp.Click(chromedp.CSS(`input[value="caseworker"]`)))
	submitAndWait(t, ctx, `form[action="/agency/users"] button`)
	if !strings.Contains(evalJS[string](t, ctx, "document.body.innerText"), "sokha@aim.example") {
		t.Error("the temporary password page does not name the new user")
	}
	assertFitsWidth(t, ctx, "temporary password")
	saveScreenshot(t, ctx, "tour-temporary-password")

	visit("/agency/users/"+userID(t, a, "sokha@aim.example"), "tour-user")
	visit("/no/such/page", "tour-not-found")

	mustDo(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
	typeInto(`input[name="email"]`, seed.PlatformAdminEmail)
	typeInto(`input[name="password"]`, seed.DemoPassword)
	submitAndWait(t, ctx, `form[action="/login"] button`)
	visit("/admin/agencies", "tour-agencies")
	visit("/admin/agencies/new", "tour-agency-new")
	submit(`main form button[type="submit"]`, "tour-agency-new-errors", 5)
	visit("/admin/agencies/"+agencyID(t, a, "kh-ahtjp"), "tour-agency")
}

func agencyID(t *testing.T, a *app, code string) string {
	t.Helper()
	var id string
	if err := a.db.Owner.QueryRow(t.Context(), `SELECT id::text FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
