package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCaseJourney: PPR2's investigator opens a case with a survivor
// and a suspect and its coordinator shares it with AIM; AIM's caseworker
// sees it without its law_enforcement entries and without the survivor's
// identity until consent is recorded; TICAC gets a 404.
func TestBrowserCaseJourney(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	fill := func(fields map[string]string) {
		t.Helper()
		for sel, text := range fields {
			if strings.HasPrefix(sel, "select") {
				mustDo(t, ctx, "choose "+sel, chromedp.SetValue(chromedp.CSS(sel), text))
				continue
			}
			evalJS[string](t, ctx, `document.querySelector('`+sel+`').value = ""`)
			mustDo(t, ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
		}
	}
	signInAs := func(email string) {
		t.Helper()
		mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
		if p := pagePath(t, ctx); p != "/login" { // still signed in: sign out first
			mustDo(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
		}
		signIn(t, ctx, email)
	}
	text := func() string { return evalJS[string](t, ctx, "document.body.innerText") }

	signInAs("investigator@th-ppr2.example")
	mustDo(t, ctx, "open the new case form", chromedp.Navigate(a.srv.URL+"/cases/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="title"]`)))
	fill(map[string]string{
		`input[name="title"]`:          "Girls recruited for karaoke bars in Aranyaprathet",
		`textarea[name="summary"]`:     "Two girls from Banteay Meanchey; recruiter known as Mama Lek.",
		`select[name="category"]`:      "sex_trafficking",
		`select[name="priority"]`:      "high",
		`select[name="province"]`:      "TH-27",
		`select[name="handling_code"]`: "partners",
	})
	assertFitsWidth(t, ctx, "new case form")
	saveScreenshot(t, ctx, "case-new")
	submitAndWait(t, ctx, `main form button[type="submit"]`)
	casePath := pagePath(t, ctx)

	for _, person := range []map[string]string{
		{`select[name="role"]`: "survivor", `textarea[name="names"]`: "Srey Mom\nស្រីមុំ", `select[name="sex"]`: "female", `input[name="age_estimate"]`: "16"},
		{`select[name="role"]`: "suspect", `textarea[name="names"]`: "Lek Sombat", `textarea[name="aliases"]`: "Mama Lek", `select[name="suspect_status"]`: "wanted"},
	} {
		mustDo(t, ctx, "open the person form", chromedp.Navigate(a.srv.URL+casePath+"/people/new"), chromedp.WaitVisible(chromedp.CSS(`textarea[name="names"]`)))
		fill(person)
		submitAndWait(t, ctx, `main form button[type="submit"]`)
	}
	for _, entry := range []map[string]string{
		{`select[name="kind"]`: "operation", `textarea[name="body"]`: "Informant inside the venue reports a transfer on Friday.", `select[name="handling_code"]`: "law_enforcement"},
		{`select[name="kind"]`: "note", `textarea[name="body"]`: "Survivor interviewed with an AIM social worker present.", `select[name="handling_code"]`: "partners"},
	} {
		mustDo(t, ctx, "open the timeline form", chromedp.Navigate(a.srv.URL+casePath), chromedp.Click(chromedp.CSS("#timeline details summary")))
		fill(entry)
		submitAndWait(t, ctx, `#timeline form button[type="submit"]`)
	}
	assertFitsWidth(t, ctx, "case page")
	saveScreenshot(t, ctx, "case-owner")

	signInAs("coordinator@th-ppr2.example")
	mustDo(t, ctx, "open the share form", chromedp.Navigate(a.srv.URL+casePath), chromedp.Click(chromedp.CSS("#access details summary")))
	fill(map[string]string{
		`select[name="agency"]`:   agencyID(t, a, "aim"),
		`select[name="level"]`:    "read",
		`select[name="basis"]`:    "referral",
		`textarea[name="reason"]`: "Aftercare and shelter for the survivor",
	})
	submitAndWait(t, ctx, `#access form button[type="submit"]`)
	if !strings.Contains(text(), "Agape International Missions") {
		t.Fatal("the access list does not show AIM after sharing")
	}
	if !strings.Contains(text(), "Access history") {
		t.Error("the owning coordinator sees no access history")
	}
	assertFitsWidth(t, ctx, "case page for the coordinator")
	saveScreenshot(t, ctx, "case-coordinator")

	signInAs("caseworker@aim.example")
	mustDo(t, ctx, "open the case list", chromedp.Navigate(a.srv.URL+"/cases"), chromedp.WaitVisible(chromedp.CSS("main table")))
	assertFitsWidth(t, ctx, "case list")
	saveScreenshot(t, ctx, "cases-list")
	mustDo(t, ctx, "open the shared case", chromedp.Navigate(a.srv.URL+casePath), chromedp.WaitVisible(chromedp.CSS("#people")))
	body := text()
	if !strings.Contains(body, "Survivor interviewed") || strings.Contains(body, "Informant inside") || strings.Contains(body, "Srey Mom") {
		t.Errorf("AIM's view of the case is wrong:\n%s", body)
	}
	assertFitsWidth(t, ctx, "case page for AIM")
	saveScreenshot(t, ctx, "case-aim")
	for _, lang := range []string{"km", "th", "en"} {
		switchLanguage(t, ctx, lang)
		assertFitsWidth(t, ctx, "case page for AIM in "+lang)
		if lang != "en" {
			saveScreenshot(t, ctx, "case-aim-"+lang)
		}
	}
	mustDo(t, ctx, "open the survivor", chromedp.Click(chromedp.CSS(`ul.people a`)), chromedp.WaitVisible(chromedp.CSS("#identity")))
	survivorPath := pagePath(t, ctx)
	if strings.Contains(text(), "Srey Mom") || evalJS[int](t, ctx, `document.querySelectorAll('#identity button').length`) != 0 {
		t.Error("AIM can reveal the survivor's identity without consent")
	}
	saveScreenshot(t, ctx, "person-protected")

	signInAs("investigator@th-ppr2.example")
	mustDo(t, ctx, "open the survivor", chromedp.Navigate(a.srv.URL+survivorPath), chromedp.WaitVisible(chromedp.CSS("#identity")))
	submitAndWait(t, ctx, `form[action$="/consent"] button`)

	signInAs("caseworker@aim.example")
	mustDo(t, ctx, "open the survivor", chromedp.Navigate(a.srv.URL+survivorPath), chromedp.WaitVisible(chromedp.CSS("#identity")))
	submitAndWait(t, ctx, `#identity form button`)
	if !strings.Contains(text(), "ស្រីមុំ") {
		t.Error("after consent AIM cannot see the survivor's identity")
	}
	assertFitsWidth(t, ctx, "identity")
	saveScreenshot(t, ctx, "person-revealed")

	signInAs("investigator@th-ticac.example")
	res, err := chromedp.RunResponse(ctx, chromedp.Navigate(a.srv.URL+casePath))
	if err != nil || res.Status != http.StatusNotFound {
		t.Fatalf("TICAC opens the case: %v %+v", err, res)
	}
	saveScreenshot(t, ctx, "case-ticac-404")
}
