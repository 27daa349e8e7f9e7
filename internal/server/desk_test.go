package server_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/desk"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/keyset"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// deskSecret marks the texts a referral carries beyond its metadata.
const deskSecret = "DESK-SECRET"

// sendDeskReferrals sends referrals through the stores, as the referral
// pages will: PPR2 and AHTJP refer cases to each other, one of them
// overdue for days, and PPR2 refers one to TICAC at home. Times are
// backdated so that the chart has weeks to show.
func sendDeskReferrals(t *testing.T, a *app) {
	t.Helper()
	ctx := context.Background()
	users, cs, rs := agencies.NewStore(a.db.App), cases.NewStore(a.db.App), referrals.NewStore(a.db.App)
	actor := func(email string) access.Actor {
		acc, err := users.Authenticate(ctx, email, seed.DemoPassword)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		return acc.Actor()
	}
	newCase := func(email, country, province string) int64 {
		id, _, err := cs.Create(ctx, actor(email), cases.CaseInput{Title: deskSecret + " case title", Category: "labour_trafficking",
			Priority: "high", Country: country, Province: province, HandlingCode: access.Partners})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	ppr2 := newCase("investigator@th-ppr2.example", "TH", "TH-27")
	ahtjp := newCase("investigator@kh-ahtjp.example", "KH", "KH-1")
	now := time.Now()
	day := 24 * time.Hour
	for _, r := range []struct {
		from, to, purpose, urgency, end string
		caseID                          int64
		sentAgo, answerAfter            time.Duration
	}{
		{"th-ppr2", "kh-ahtjp", "rescue", "urgent", "accepted", ppr2, 30 * day, 5 * time.Hour},
		{"th-ppr2", "kh-ahtjp", "investigation_assistance", "high", "declined", ppr2, 16 * day, 30 * time.Hour},
		{"th-ppr2", "kh-ahtjp", "arrest", "urgent", "pending", ppr2, 5 * day, 0},
		{"kh-ahtjp", "th-ppr2", "repatriation", "normal", "completed", ahtjp, 5*day + 2*time.Hour, 50 * time.Minute},
		{"kh-ahtjp", "th-ppr2", "shelter_placement", "high", "pending", ahtjp, 2 * day, 0},
		{"kh-ahtjp", "aim", "aftercare", "normal", "accepted", ahtjp, 9 * day, 3 * time.Hour},
		{"th-ppr2", "th-ticac", "investigation_assistance", "normal", "pending", ppr2, time.Hour, 0},
	} {
		var to int32
		if err := a.db.Owner.QueryRow(ctx, `SELECT id FROM agencies WHERE code = $1`, r.to).Scan(&to); err != nil {
			t.Fatal(err)
		}
		id, err := rs.Send(ctx, actor("investigator@"+r.from+".example"), r.caseID, referrals.SendInput{ToAgency: to,
			Purpose: r.purpose, Urgency: r.urgency, Message: deskSecret + " message"})
		if err != nil {
			t.Fatalf("send %s→%s: %v", r.from, r.to, err)
		}
		coord := actor("coordinator@" + r.to + ".example")
		switch r.end {
		case "accepted":
			err = rs.Accept(ctx, coord, id)
		case "completed":
			if err = rs.Accept(ctx, coord, id); err == nil {
				err = rs.Complete(ctx, coord, id)
			}
		case "declined":
			err = rs.Decline(ctx, coord, id, deskSecret+" decline reason")
		}
		if err != nil {
			t.Fatal(err)
		}
		sent := now.Add(-r.sentAgo)
		var answered *time.Time
		if r.answerAfter != 0 {
			at := sent.Add(r.answerAfter)
			answered = &at
		}
		if _, err := a.db.Owner.Exec(ctx, `UPDATE referrals SET sent_at = $2, respond_by = $2::timestamptz + interval '1 day',
			responded_at = $3, closed_at = CASE WHEN closed_at IS NOT NULL THEN $3::timestamptz + interval '2 days' END WHERE id = $1`,
			id, sent, answered); err != nil {
			t.Fatal(err)
		}
	}
}

// rawMessageID finds a message ID shown instead of its text.
var rawMessageID = regexp.MustCompile(`\b(desk|referral_state|referral_purpose|referral_urgency|country)\.[a-z_]+`)

func TestDeskShowsCoordinatingBodyTheBorderWithoutContent(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	for _, email := range []string{"coordinator@kh-moi.example", "analyst@kh-moi.example"} {
		res := a.signedIn(email).get("/desk")
		wantStatus(t, email, res, http.StatusOK)
		res.mustContain(t, "Coordinators&#39; desk", "every cross-border referral", "Thailand → Cambodia", "Cambodia → Thailand",
			"PPR2 (TH) → AHTJP (KH)", "AHTJP (KH) → PPR2 (TH)", "<svg", "<title id=\"weekly-chart-title\">", "Time to first answer")
		if strings.Contains(res.body, deskSecret) {
			t.Errorf("%s: the desk shows a message, a reason or a case title", email)
		}
		if strings.Contains(res.body, "Within Thailand") || strings.Contains(res.body, "TICAC") {
			t.Errorf("%s: the desk of a coordinating body shows domestic referrals", email)
		}
		if _, main, _ := strings.Cut(res.body, `<main`); strings.Contains(main, "<script") {
			t.Errorf("%s: the desk's chart or tables need a script", email)
		}
	}
}

func TestDeskShowsCoordinatorTheirOwnAgencysReferrals(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	ticac := a.signedIn("coordinator@th-ticac.example").get("/desk")
	wantStatus(t, "TICAC's coordinator", ticac, http.StatusOK)
	ticac.mustContain(t, "your agency sent or received", "Within Thailand")
	if strings.Contains(ticac.body, "AHTJP") || strings.Contains(ticac.body, "AIM") {
		t.Error("TICAC's desk shows the referrals between PPR2 and AHTJP")
	}
	ppr2 := a.signedIn("coordinator@th-ppr2.example").get("/desk")
	wantStatus(t, "PPR2's coordinator", ppr2, http.StatusOK)
	ppr2.mustContain(t, "Thailand → Cambodia", "Within Thailand", "PPR2 (TH) → AHTJP (KH)")
	if strings.Contains(ppr2.body, deskSecret) {
		t.Error("PPR2's desk shows a message, a reason or a case title")
	}
}

// The desk and its overdue list are not found for anyone the desk is not
// for, and send a visitor to sign in.
func TestDeskIsNotFoundForOthers(t *testing.T) {
	a := newApp(t)
	for _, path := range []string{"/desk", "/desk/overdue"} {
		for _, email := range []string{"investigator@th-ppr2.example", "analyst@th-ppr2.example", "analyst@aim.example",
			"caseworker@aim.example", "agency_admin@kh-moi.example", seed.PlatformAdminEmail} {
			wantStatus(t, email+" "+path, a.signedIn(email).get(path), http.StatusNotFound)
		}
		if res := a.client().get(path); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
			t.Errorf("%s: a visitor gets %d to %q, want the login page", path, res.status, res.header.Get("Location"))
		}
	}
}

func TestDeskInThaiAndKhmer(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	for _, lang := range []string{"th", "km"} {
		if _, err := a.db.Owner.Exec(context.Background(), `UPDATE users SET language = $1 WHERE email = 'coordinator@kh-moi.example'`, lang); err != nil {
			t.Fatal(err)
		}
		res := a.signedIn("coordinator@kh-moi.example").get("/desk")
		wantStatus(t, lang, res, http.StatusOK)
		l := i18n.For(lang)
		res.mustContain(t, l.T("desk.title", nil), l.T("referral_state.pending", nil), l.T("referral_purpose.arrest", nil),
			l.T("desk.weekly", nil))
		if m := rawMessageID.FindString(res.body); m != "" {
			t.Errorf("%s: the page shows the message ID %s", lang, m)
		}
	}
}

// addOverdue adds n copies of sendDeskReferrals' overdue PPR2 → AHTJP
// referral, each due a minute before the last, three at a time due at the
// same moment.
func addOverdue(t *testing.T, a *app, n int) {
	t.Helper()
	if _, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
			cross_border, state, sent_by, sent_at)
		SELECT case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by - (k / 3) * interval '1 minute',
			cross_border, state, sent_by, sent_at
		FROM referrals r, generate_series(1, $1) AS k
		WHERE r.state = 'pending' AND r.cross_border AND r.purpose = 'arrest'`, n); err != nil {
		t.Fatal(err)
	}
}

// TestDeskSaysMoreThanItCounts: past desk.MaxOverdueCount overdue
// referrals the desk stops counting and says so, in every language, and
// links to the whole list.
func TestDeskSaysMoreThanItCounts(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	addOverdue(t, a, 1000)
	for lang, want := range map[string]string{
		"en": "Showing the 20 longest overdue of more than 1,000.",
		"th": "แสดง 20 รายการที่เกินกำหนดนานที่สุด จากมากกว่า 1,000 รายการ",
		"km": "បង្ហាញ 20 ដែលហួសកំណត់យូរជាងគេ ក្នុងចំណោមច្រើនជាង 1,000។",
	} {
		if _, err := a.db.Owner.Exec(context.Background(), `UPDATE users SET language = $1 WHERE email = 'coordinator@kh-moi.example'`, lang); err != nil {
			t.Fatal(err)
		}
		c := a.signedIn("coordinator@kh-moi.example")
		res := c.get("/desk")
		wantStatus(t, lang, res, http.StatusOK)
		l := i18n.For(lang)
		res.mustContain(t, "(1,000+)", want, `href="/desk/overdue"`, l.T("desk.overdue_all", map[string]any{"Count": "1,000+"}))
		if n := strings.Count(section(res.body, `id="overdue"`), "<tr>") - 1; n != desk.MaxOverdue {
			t.Errorf("%s: the desk lists %d overdue referrals, want %d", lang, n, desk.MaxOverdue)
		}
		list := c.get("/desk/overdue")
		wantStatus(t, lang+" /desk/overdue", list, http.StatusOK)
		list.mustContain(t, l.T("desk.overdue_title", nil), "(1,000+)", l.T("desk.overdue_next", nil))
		if n := strings.Count(section(list.body, `id="overdue"`), "<tr>") - 1; n != desk.OverduePageSize {
			t.Errorf("%s: a page of the overdue list shows %d, want %d", lang, n, desk.OverduePageSize)
		}
		if m := rawMessageID.FindString(list.body); m != "" {
			t.Errorf("%s: /desk/overdue shows the message ID %s", lang, m)
		}
	}
}

// section is the part of a page from the element with attr to the end of
// its section.
func section(body, attr string) string {
	_, rest, _ := strings.Cut(body, attr)
	s, _, _ := strings.Cut(rest, "</section>")
	return s
}

var (
	referralLink = regexp.MustCompile(`href="/referrals/(\d+)"`)
	nextPage     = regexp.MustCompile(`href="(/desk/overdue\?after=[^"]+)" rel="next"`)
)

// TestDeskOverdueListPagesThemAll: from the desk's link, page after page
// of the overdue list shows every overdue referral of the coordinator's
// agency once, longest overdue first, 50 a page.
func TestDeskOverdueListPagesThemAll(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	addOverdue(t, a, 2*desk.OverduePageSize+3)
	var want []string
	rows, err := a.db.Owner.Query(context.Background(), `SELECT r.id::text FROM referrals r JOIN agencies a ON a.code = 'th-ppr2'
		WHERE r.state = 'pending' AND r.respond_by < now() AND a.id IN (r.from_agency_id, r.to_agency_id) ORDER BY r.respond_by, r.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	if rows.Close(); len(want) != 2*desk.OverduePageSize+5 {
		t.Fatalf("%d overdue referrals of PPR2, want %d", len(want), 2*desk.OverduePageSize+5)
	}

	c := a.signedIn("coordinator@th-ppr2.example")
	res := c.get("/desk")
	wantStatus(t, "/desk", res, http.StatusOK)
	res.mustContain(t, `href="/desk/overdue"`, "All overdue referrals (105)", "Showing the 20 longest overdue of 105.")
	ids := func(body string) (out []string) {
		for _, m := range referralLink.FindAllStringSubmatch(section(body, `id="overdue"`), -1) {
			out = append(out, m[1])
		}
		return out
	}
	if got := ids(res.body); !slices.Equal(got, want[:desk.MaxOverdue]) {
		t.Errorf("the desk lists %v, want the %d longest overdue %v", got, desk.MaxOverdue, want[:desk.MaxOverdue])
	}

	var got []string
	path := "/desk/overdue"
	for page := 1; path != ""; page++ {
		if page > 10 {
			t.Fatal("the overdue list does not end")
		}
		res := c.get(path)
		wantStatus(t, path, res, http.StatusOK)
		onPage := ids(res.body)
		if wantN := min(desk.OverduePageSize, len(want)-len(got)); len(onPage) != wantN {
			t.Errorf("page %d lists %d referrals, want %d", page, len(onPage), wantN)
		}
		got = append(got, onPage...)
		if page > 1 && !strings.Contains(res.body, `<a href="/desk/overdue">First page</a>`) {
			t.Errorf("page %d has no link to the first", page)
		}
		path = ""
		if m := nextPage.FindStringSubmatch(res.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("the pages list %d referrals %v,\nwant %d %v", len(got), got, len(want), want)
	}
}

// TestDeskOverdueBrokenLinkIs422: a page link whose cursor is not the
// overdue list's answers 422 with a way back to the first page.
func TestDeskOverdueBrokenLinkIs422(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	c := a.signedIn("coordinator@kh-moi.example")
	for _, after := range []string{"not-a-cursor!", keyset.Encode("name", "Somchai", "7"), keyset.Encode("overdue", "soon", "7")} {
		res := c.get("/desk/overdue?after=" + url.QueryEscape(after))
		wantStatus(t, after, res, http.StatusUnprocessableEntity)
		res.mustContain(t, i18n.For("en").T("error.cursor", nil), `<a href="/desk/overdue">First page</a>`)
		if strings.Contains(res.body, "AHTJP (KH)") {
			t.Errorf("%q: a broken link still lists referrals", after)
		}
	}
}
