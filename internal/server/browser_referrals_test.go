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

// TestBrowserReferralJourney: PPR2's investigator refers a case to AHTJP
// while AHTJP's coordinator watches the referrals page in another browser;
// the count in the coordinator's header rises without a reload, and the
// coordinator accepts.
func TestBrowserReferralJourney(t *testing.T) {
	coordinator := newBrowser(t)
	investigator := newBrowser(t)
	a := newApp(t)
	ctx := context.Background()
	acc, err := agencies.NewStore(a.db.App).Authenticate(ctx, "investigator@th-ppr2.example", seed.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	caseID, _, err := cases.NewStore(a.db.App).Create(ctx, acc.Actor(), cases.CaseInput{Title: "Girls held at a karaoke bar in Poipet",
		Category: "sex_trafficking", Priority: "urgent", Country: "TH", Province: "TH-27", HandlingCode: access.Partners})
	if err != nil {
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
}
