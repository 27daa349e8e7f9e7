package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// TestBrowserReferralJourney, each user in their own browser session:
// PPR2's investigator refers a case to AHTJP while AHTJP's coordinator
// watches the referrals page in another browser; the count in the
// coordinator's header rises without a reload, and the coordinator
// accepts. After a referral for aftercare, AIM's caseworker adds a note on
// the survivor. The Ministry of Interior's coordinator sees the referral
// on the desk, without any case content.
func TestBrowserReferralJourney(t *testing.T) {
	coordinator := newBrowser(t)
	investigator := newBrowser(t)
	a := newApp(t)
	ctx := context.Background()
	acc, err := agencies.NewStore(a.db.App).Authenticate(ctx, "investigator@th-ppr2.example", seed.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	caseStore := cases.NewStore(a.db.App)
	caseID, _, err := caseStore.Create(ctx, acc.Actor(), cases.CaseInput{Title: "Girls held at a karaoke bar in Poipet",
		Category: "sex_trafficking", Priority: "urgent", Country: "TH", Province: "TH-27", HandlingCode: access.Partners})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := caseStore.AddPerson(ctx, acc.Actor(), caseID, cases.PersonInput{Role: access.Survivor, Names: "Srey Mom\nស្រីមុំ", Consent: true}); err != nil {
		t.Fatal(err)
	}

	for _, b := range []context.Context{coordinator, investigator} {
		mustDo(t, b, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
		mustDo(t, b, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	}
	signIn(t, coordinator, "coordinator@kh-ahtjp.example")
	mustDo(t, coordinator, "open the inbox", chromedp.Navigate(a.srv.URL+"/referrals"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if shown := evalJS[bool](t, coordinator, `!document.querySelector('[data-live="waiting"]').hidden`); shown {
		t.Fatal("a count shows before any referral")
	}

	signIn(t, investigator, "investigator@th-ppr2.example")
	mustDo(t, investigator, "open the referral form", chromedp.Navigate(a.srv.URL+"/cases/"+itoa(caseID)+"/refer"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="message"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="to_agency"]`), agencyID(t, a, "kh-ahtjp")),
		chromedp.SetValue(chromedp.CSS(`select[name="purpose"]`), "rescue"),
		chromedp.SetValue(chromedp.CSS(`select[name="urgency"]`), "urgent"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="message"]`), "Two girls held in a karaoke bar near the Poipet market; transfer expected Friday night."),
	)
	assertFitsWidth(t, investigator, "referral form")
	saveScreenshot(t, investigator, "referral-form")
	submitAndWait(t, investigator, `main form button[type="submit"]`)

	// The coordinator's page, untouched, shows the new count.
	deadline := time.Now().Add(10 * time.Second)
	for evalJS[string](t, coordinator, `document.querySelector('[data-live="waiting"]').textContent`) != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the coordinator's count did not rise without a reload")
		}
		time.Sleep(50 * time.Millisecond)
	}
	saveScreenshot(t, coordinator, "referral-live-count")

	mustDo(t, coordinator, "reload the inbox", chromedp.Navigate(a.srv.URL+"/referrals"), chromedp.WaitVisible(chromedp.CSS("main table")))
	assertFitsWidth(t, coordinator, "inbox")
	saveScreenshot(t, coordinator, "referral-inbox")
	mustDo(t, coordinator, "open the referral", chromedp.Click(chromedp.CSS("main table a")), chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"]`)))
	saveScreenshot(t, coordinator, "referral-pending")
	submitAndWait(t, coordinator, `form[action$="/accept"] button`)
	if body := evalJS[string](t, coordinator, "document.body.innerText"); !strings.Contains(body, "Accepted") {
		t.Errorf("after accepting, the page does not say so:\n%s", body)
	}
	assertFitsWidth(t, coordinator, "accepted referral")
	saveScreenshot(t, coordinator, "referral-accepted")

	// A referral for aftercare to AIM, accepted by AIM's coordinator; then
	// AIM's caseworker, in a third session, writes on the survivor.
	caseworker := newBrowser(t)
	mustDo(t, investigator, "refer for aftercare", chromedp.Navigate(a.srv.URL+"/cases/"+itoa(caseID)+"/refer"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="message"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="to_agency"]`), agencyID(t, a, "aim")),
		chromedp.SetValue(chromedp.CSS(`select[name="purpose"]`), "aftercare"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="message"]`), "Counselling and a shelter place after the interview."),
	)
	submitAndWait(t, investigator, `main form button[type="submit"]`)
	aftercareReferral := pagePath(t, investigator)
	signOut := func(b context.Context) {
		mustDo(t, b, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
	}
	signOut(coordinator)
	signIn(t, coordinator, "coordinator@aim.example")
	mustDo(t, coordinator, "open the aftercare referral", chromedp.Navigate(a.srv.URL+aftercareReferral), chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"]`)))
	submitAndWait(t, coordinator, `form[action$="/accept"] button`)

	mustDo(t, caseworker, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight), chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, caseworker, "caseworker@aim.example")
	mustDo(t, caseworker, "open the case", chromedp.Navigate(a.srv.URL+"/cases/"+itoa(caseID)), chromedp.Click(chromedp.CSS(`ul.people a`)),
		chromedp.WaitVisible(chromedp.CSS("#identity")))
	mustDo(t, caseworker, "open aftercare", chromedp.Click(chromedp.CSS(`a[href$="/aftercare"]`)), chromedp.WaitVisible(chromedp.CSS("#notes")),
		chromedp.Click(chromedp.CSS("#notes details summary")),
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "psychosocial"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "First counselling session; she asks about her younger sister."),
		chromedp.SetValue(chromedp.CSS(`select[name="visibility"]`), "case"),
	)
	submitAndWait(t, caseworker, `#notes form button[type="submit"]`)
	if !strings.Contains(evalJS[string](t, caseworker, "document.body.innerText"), "First counselling session") {
		t.Error("the caseworker's note is not on the survivor's aftercare page")
	}
	assertFitsWidth(t, caseworker, "aftercare")
	saveScreenshot(t, caseworker, "referral-aftercare-note")

	// The coordinating body sees the border's referrals, not their content.
	signOut(investigator)
	signIn(t, investigator, "coordinator@kh-moi.example")
	mustDo(t, investigator, "open the desk", chromedp.Navigate(a.srv.URL+"/desk"), chromedp.WaitVisible(chromedp.CSS("main h1")))
	desk := evalJS[string](t, investigator, "document.body.innerText")
	if !strings.Contains(desk, "Thailand → Cambodia") {
		t.Errorf("the desk does not show the Thailand → Cambodia referrals:\n%s", desk)
	}
	for _, content := range []string{"karaoke", "Srey Mom", "Poipet market", "counselling"} {
		if strings.Contains(desk, content) {
			t.Errorf("the desk shows case content %q to a coordinating body", content)
		}
	}
	assertFitsWidth(t, investigator, "desk")
	saveScreenshot(t, investigator, "referral-desk-moi")
}
