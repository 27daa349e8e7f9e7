package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAftercareJourney: on a PPR2 case shared with AIM to read,
// AIM's caseworker writes a note for the whole case with a follow-up date
// and records a shelter stay, on a phone, in three languages; the note
// shows on the follow-ups list. PPR2's investigator, another agency to
// AIM's note, sees that it exists but not what it says.
func TestBrowserAftercareJourney(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	casePath := openSharedCase(t, a)
	aftercarePath := personPath(t, a.signedIn("caseworker@aim.example"), casePath, "S-") + "/aftercare"
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	// fill types into text fields and sets selects and dates, which
	// Chromium would otherwise read in the machine's locale.
	fill := func(fields map[string]string) {
		t.Helper()
		for sel, text := range fields {
			if strings.HasPrefix(sel, "select") || strings.Contains(sel, `type="date"`) {
				mustDo(t, ctx, "set "+sel, chromedp.SetValue(chromedp.CSS(sel), text))
				continue
			}
			evalJS[string](t, ctx, `document.querySelector('`+sel+`').value = ""`)
			mustDo(t, ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
		}
	}
	signInAs := func(email string) {
		t.Helper()
		mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
		if p := pagePath(t, ctx); p != "/login" {
			mustDo(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
		}
		signIn(t, ctx, email)
	}
	// submit clicks a form's button and checks the status of the page it
	// leads to: 422 for a form sent back with errors.
	submit := func(button string, status int) {
		t.Helper()
		res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
		if err != nil {
			t.Fatalf("click %s: %v", button, err)
		}
		if res.Status != int64(status) {
			t.Fatalf("click %s: status %d, want %d", button, res.Status, status)
		}
	}
	text := func() string { return evalJS[string](t, ctx, "document.body.innerText") }
	open := func() {
		t.Helper()
		mustDo(t, ctx, "open the aftercare page", chromedp.Navigate(a.srv.URL+aftercarePath), chromedp.WaitVisible(chromedp.CSS("#notes")))
	}

	signInAs("caseworker@aim.example")
	open()
	assertFitsWidth(t, ctx, "empty aftercare page")
	mustDo(t, ctx, "open the note form", chromedp.Click(chromedp.CSS("#notes details summary")))
	fill(map[string]string{
		`select[name="category"]`:                 "psychosocial",
		`select[name="visibility"]`:               "case",
		`textarea[name="body"]`:                   aftercareCaseBody,
		`input[type="date"][name="follow_up_on"]`: inDays(-3),
	})
	submit(`#notes form button[type="submit"]`, http.StatusUnprocessableEntity)
	if !strings.Contains(text(), "A follow-up date cannot be in the past.") {
		t.Errorf("the failed note form shows no error beside the date:\n%s", text())
	}
	if kept := evalJS[string](t, ctx, `document.querySelector('textarea[name="body"]').value`); kept != aftercareCaseBody {
		t.Errorf("the failed note form kept %q of the note", kept)
	}
	assertFitsWidth(t, ctx, "note form with errors")
	saveScreenshot(t, ctx, "aftercare-note-errors")
	fill(map[string]string{`input[type="date"][name="follow_up_on"]`: inDays(3)})
	submit(`#notes form button[type="submit"]`, http.StatusOK)
	if !strings.Contains(text(), aftercareCaseBody) || !strings.Contains(text(), "Follow up by "+inDays(3)) {
		t.Fatalf("the note is not on the page:\n%s", text())
	}

	mustDo(t, ctx, "open the service form", chromedp.Click(chromedp.CSS("#services details summary")))
	fill(map[string]string{
		`select[name="kind"]`:                  "shelter_stay",
		`select[name="provider"]`:              agencyID(t, a, "aim"),
		`select[name="status"]`:                "active",
		`input[type="date"][name="starts_on"]`: inDays(-1),
		`input[type="date"][name="ends_on"]`:   inDays(89),
		`textarea[name="note"]`:                "Room 4 of the Poipet shelter, with her sister",
	})
	submit(`#services form button[type="submit"]`, http.StatusOK)
	if !strings.Contains(text(), "Shelter stay") || !strings.Contains(text(), "Room 4 of the Poipet shelter") {
		t.Fatalf("the service is not on the page:\n%s", text())
	}
	assertFitsWidth(t, ctx, "aftercare page")
	saveScreenshot(t, ctx, "aftercare-caseworker")
	for _, lang := range []string{"th", "km", "en"} {
		switchLanguage(t, ctx, lang)
		assertFitsWidth(t, ctx, "aftercare page in "+lang)
		if lang != "en" {
			assertText(t, ctx, lang, "aftercare.title", "aftercare.notes", "aftercare.services", "note_category.psychosocial",
				"service_kind.shelter_stay", "service_status.active")
			saveScreenshot(t, ctx, "aftercare-caseworker-"+lang)
		}
	}

	mustDo(t, ctx, "open the follow-ups", chromedp.Navigate(a.srv.URL+"/aftercare/followups"), chromedp.WaitVisible(chromedp.CSS("#followups")))
	if !strings.Contains(text(), inDays(3)) || strings.Contains(text(), aftercareCaseBody) {
		t.Errorf("the follow-ups list is wrong:\n%s", text())
	}
	assertFitsWidth(t, ctx, "follow-ups")
	saveScreenshot(t, ctx, "aftercare-followups")
	switchLanguage(t, ctx, "th")
	assertFitsWidth(t, ctx, "follow-ups in th")
	saveScreenshot(t, ctx, "aftercare-followups-th")
	switchLanguage(t, ctx, "en")
	mustDo(t, ctx, "follow the link", chromedp.Click(chromedp.CSS("#followups a")), chromedp.WaitVisible(chromedp.CSS("#notes")))
	if p := pagePath(t, ctx); p != aftercarePath {
		t.Errorf("the follow-up links to %s, want %s", p, aftercarePath)
	}

	signInAs("investigator@th-ppr2.example")
	open()
	body := text()
	if !strings.Contains(body, "A note exists.") || strings.Contains(body, aftercareCaseBody) || strings.Contains(body, "Room 4") {
		t.Errorf("PPR2's investigator sees the wrong things:\n%s", body)
	}
	if evalJS[int](t, ctx, `document.querySelectorAll('main form').length`) != 0 {
		t.Error("PPR2's investigator is offered a form")
	}
	assertFitsWidth(t, ctx, "aftercare page for PPR2's investigator")
	saveScreenshot(t, ctx, "aftercare-investigator")
	switchLanguage(t, ctx, "km")
	assertFitsWidth(t, ctx, "aftercare page for PPR2's investigator in km")
	saveScreenshot(t, ctx, "aftercare-investigator-km")
	switchLanguage(t, ctx, "en")
}
