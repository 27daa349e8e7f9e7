package server_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserDirectory: AHTJP's coordinator adds a contact on a phone,
// the form first failing on a bad number; PPR2's investigator finds it,
// with its tap links, then pages through many; and a stale entry shows on
// AHTJP's admin's list.
func TestBrowserDirectory(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "coordinator@kh-ahtjp.example")
	mustDo(t, ctx, "open the new contact form", chromedp.Navigate(a.srv.URL+"/directory/new"), chromedp.WaitVisible(chromedp.CSS(`input[name="name"]`)))
	mustDo(t, ctx, "type", chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "សុខ ចាន់ថា"),
		chromedp.SendKeys(chromedp.CSS(`input[name="position"]`), "Lieutenant Colonel"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="phones"]`), "12-34"),
		chromedp.SendKeys(chromedp.CSS(`input[name="telegram"]`), "@chantha_ahtjp"))
	mustDo(t, ctx, "submit the bad form", chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#phones-error`)))
	assertFitsWidth(t, ctx, "contact form with errors")
	saveScreenshot(t, ctx, "directory-form-errors")
	evalJS[string](t, ctx, `document.querySelector('textarea[name="phones"]').value = ""`)
	mustDo(t, ctx, "fix the phone", chromedp.SendKeys(chromedp.CSS(`textarea[name="phones"]`), "012 345 678"),
		chromedp.Click(chromedp.CSS(`input[name="focal_point"]`)))
	submitAndWait(t, ctx, `main form button[type="submit"]`)
	assertFitsWidth(t, ctx, "contact page")
	saveScreenshot(t, ctx, "directory-contact")

	// An old entry, for the admin's list.
	admin := a.signedIn("agency_admin@kh-ahtjp.example")
	old := newContact(t, admin, url.Values{"name": {"Chea Dara"}, "phones": {"011 222 333"}, "visibility": {"partners"}, "active": {"1"}})
	if _, err := a.db.Owner.Exec(context.Background(), `UPDATE contacts SET verified_on = current_date - 200 WHERE id = $1`,
		old[len("/directory/"):]); err != nil {
		t.Fatal(err)
	}

	mustDo(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
	signIn(t, ctx, "investigator@th-ppr2.example")
	mustDo(t, ctx, "search", chromedp.Navigate(a.srv.URL+"/directory?country=KH"), chromedp.WaitVisible(chromedp.CSS(`#contacts`)))
	assertFitsWidth(t, ctx, "directory")
	saveScreenshot(t, ctx, "directory-search")
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#contacts a[href^="tel:+855"]').length`); n != 2 {
		t.Errorf("%d tap-to-call links", n)
	}

	// Many matches come in pages of 50, by plain links.
	manyContactsOf(t, a, "th-ppr2", 60, 0)
	mustDo(t, ctx, "search many", chromedp.Navigate(a.srv.URL+"/directory?name=officer"), chromedp.WaitVisible(chromedp.CSS(`#contacts`)))
	submitAndWait(t, ctx, `a[rel="next"]`)
	assertFitsWidth(t, ctx, "directory page 2")
	saveScreenshot(t, ctx, "directory-pages")
	if n := evalJS[int](t, ctx, `document.querySelectorAll('#contacts tbody tr').length`); n != 10 {
		t.Errorf("page 2: %d contacts, want 10", n)
	}

	mustDo(t, ctx, "sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)))
	signIn(t, ctx, "agency_admin@kh-ahtjp.example")
	mustDo(t, ctx, "stale list", chromedp.Navigate(a.srv.URL+"/directory/stale"), chromedp.WaitVisible(chromedp.CSS(`#stale`)))
	assertFitsWidth(t, ctx, "stale list")
	saveScreenshot(t, ctx, "directory-stale")
	submitAndWait(t, ctx, `#stale form button[type="submit"]`)
	if p := pagePath(t, ctx); p != "/directory/stale" {
		t.Errorf("after still correct: %s", p)
	}
}
