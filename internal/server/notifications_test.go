package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// notifyUser writes a notification for email as the owner, as a referral
// step would, and returns its id.
func notifyUser(t *testing.T, a *app, email, kind, reference, link string) string {
	t.Helper()
	var id string
	if err := a.db.Owner.QueryRow(t.Context(), `INSERT INTO notifications (user_id, kind, reference, link)
		SELECT id, $2, $3, $4 FROM users WHERE email = $1 RETURNING id::text`, email, kind, reference, link).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func unreadOf(t *testing.T, a *app, email string) int {
	t.Helper()
	var n int
	if err := a.db.Owner.QueryRow(t.Context(), `SELECT count(*) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE u.email = $1 AND n.read_at IS NULL`, email).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotificationsPageShowsOnlyTheUsersOwn(t *testing.T) {
	a := newApp(t)
	notifyUser(t, a, "coordinator@th-ppr2.example", "referral.accepted", "TH-PPR2-2026-0011", "/referrals/11")
	notifyUser(t, a, "coordinator@aim.example", "referral.sent", "TH-PPR2-2026-0022", "/referrals/22")

	page := a.signedIn("coordinator@th-ppr2.example").get("/notifications")
	wantStatus(t, "notifications", page, http.StatusOK)
	page.mustContain(t, "Notifications", "Referral accepted", "TH-PPR2-2026-0011", "Unread", "Mark all as read", `action="/notifications/`)
	for _, theirs := range []string{"TH-PPR2-2026-0022", "Referral received"} {
		if strings.Contains(page.body, theirs) {
			t.Errorf("PPR2's coordinator sees AIM's notification: %q", theirs)
		}
	}
	// In the user's language.
	if _, err := a.db.Owner.Exec(t.Context(), `UPDATE users SET language = 'th' WHERE email = 'coordinator@aim.example'`); err != nil {
		t.Fatal(err)
	}
	page = a.signedIn("coordinator@aim.example").get("/notifications")
	wantStatus(t, "AIM's notifications", page, http.StatusOK)
	page.mustContain(t, "การแจ้งเตือน", "ได้รับการส่งต่อคดี", "TH-PPR2-2026-0022")

	none := a.signedIn("investigator@th-ticac.example").get("/notifications")
	wantStatus(t, "an empty inbox", none, http.StatusOK)
	none.mustContain(t, "You have no notifications.")

	if res := a.client().get("/notifications"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("signed out: status %d to %q, want the login page", res.status, res.header.Get("Location"))
	}
}

func TestNotificationMarkedReadOpensItsLink(t *testing.T) {
	a := newApp(t)
	const me = "coordinator@th-ppr2.example"
	id := notifyUser(t, a, me, "referral.declined", "TH-PPR2-2026-0011", "/referrals/11")
	notifyUser(t, a, me, "referral.completed", "TH-PPR2-2026-0012", "/referrals/12")
	c := a.signedIn(me)

	res := c.post("/notifications/"+id+"/read", nil)
	wantStatus(t, "open a notification", res, http.StatusSeeOther)
	if to := res.header.Get("Location"); to != "/referrals/11" {
		t.Errorf("redirected to %q, want /referrals/11", to)
	}
	if n := unreadOf(t, a, me); n != 1 {
		t.Fatalf("%d unread after opening one of two, want 1", n)
	}

	res = c.post("/notifications/read-all", nil)
	wantStatus(t, "mark all read", res, http.StatusSeeOther)
	if to := res.header.Get("Location"); to != "/notifications" {
		t.Errorf("redirected to %q, want /notifications", to)
	}
	if n := unreadOf(t, a, me); n != 0 {
		t.Fatalf("%d unread after marking all read", n)
	}
	page := c.get("/notifications")
	page.mustContain(t, "All your notifications are marked as read.", "TH-PPR2-2026-0011", "TH-PPR2-2026-0012")
	if strings.Contains(page.body, "Mark all as read") || strings.Contains(page.body, `class="badge"`) {
		t.Error("the page still shows unread notifications")
	}
}

func TestNotificationOfAnotherUserIsNotFound(t *testing.T) {
	a := newApp(t)
	theirs := notifyUser(t, a, "coordinator@aim.example", "referral.sent", "TH-PPR2-2026-0022", "/referrals/22")
	c := a.signedIn("coordinator@th-ppr2.example")
	for _, path := range []string{"/notifications/" + theirs + "/read", "/notifications/999999/read", "/notifications/abc/read", "/notifications/0/read"} {
		res := c.post(path, nil)
		wantStatus(t, path, res, http.StatusNotFound)
		if strings.Contains(res.body, "/referrals/22") {
			t.Errorf("%s reveals the other user's link", path)
		}
	}
	wantStatus(t, "read-all", c.post("/notifications/read-all", nil), http.StatusSeeOther)
	if n := unreadOf(t, a, "coordinator@aim.example"); n != 1 {
		t.Fatalf("AIM's coordinator has %d unread, want 1: another user marked it", n)
	}
	wantStatus(t, "a bad page", c.get("/notifications?before=junk"), http.StatusBadRequest)
}

// TestBrowserNotificationsFitAPhone: the inbox fits 360 px in every
// language, opening a notification is a plain form that leads to its link,
// and print keeps the list without the buttons.
func TestBrowserNotificationsFitAPhone(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	const me = "coordinator@th-ppr2.example"
	for i, kind := range []string{"referral.sent", "referral.accepted", "referral.declined", "referral.withdrawn", "referral.completed", "referral.assigned"} {
		notifyUser(t, a, me, kind, "TH-PPR2-2026-000"+string(rune('1'+i)), "/referrals/"+string(rune('1'+i)))
	}
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, me)
	mustDo(t, ctx, "open /notifications", chromedp.Navigate(a.srv.URL+"/notifications"), chromedp.WaitVisible(chromedp.CSS("main table")))
	for _, lang := range []string{"km", "th", "en"} {
		switchLanguage(t, ctx, lang)
		assertText(t, ctx, lang, "notifications.title", "notification_kind.referral_assigned", "notifications.mark_all_read")
		assertFitsWidth(t, ctx, "/notifications in "+lang)
		saveScreenshot(t, ctx, "notifications-360-"+lang)
	}

	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	if evalJS[int](t, ctx, `[...document.querySelectorAll("main form")].filter(f => getComputedStyle(f).display != "none").length`) != 0 {
		t.Error("buttons show in print")
	}
	if !strings.Contains(evalJS[string](t, ctx, "document.querySelector('main table').innerText"), "TH-PPR2-2026-0006") {
		t.Error("print leaves out the list")
	}
	saveScreenshot(t, ctx, "notifications-print")
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""}); err != nil {
		t.Fatal(err)
	}

	// The newest is first; opening it follows its link and marks it read.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`main tbody tr:first-child form button`))); err != nil {
		t.Fatalf("open the first notification: %v", err)
	}
	if p := pagePath(t, ctx); p != "/referrals/6" {
		t.Errorf("opening the newest notification led to %s, want /referrals/6", p)
	}
	if n := unreadOf(t, a, me); n != 5 {
		t.Errorf("%d unread after opening one of six, want 5", n)
	}
}
