package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/i18n"
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

func TestDeskIsNotFoundForOthers(t *testing.T) {
	a := newApp(t)
	for _, email := range []string{"investigator@th-ppr2.example", "analyst@th-ppr2.example", "analyst@aim.example",
		"caseworker@aim.example", "agency_admin@kh-moi.example", seed.PlatformAdminEmail} {
		wantStatus(t, email, a.signedIn(email).get("/desk"), http.StatusNotFound)
	}
	if res := a.client().get("/desk"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/login") {
		t.Errorf("a visitor gets %d to %q, want the login page", res.status, res.header.Get("Location"))
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

// TestDeskSaysMoreThanItCounts: past desk.MaxOverdueCount overdue
// referrals the desk stops counting and says so, in every language.
func TestDeskSaysMoreThanItCounts(t *testing.T) {
	a := newApp(t)
	sendDeskReferrals(t, a)
	// 1,000 more copies of the overdue PPR2 → AHTJP referral.
	if _, err := a.db.Owner.Exec(context.Background(), `
		INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
			cross_border, state, sent_by, sent_at)
		SELECT case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by - n * interval '1 minute',
			cross_border, state, sent_by, sent_at
		FROM referrals r, generate_series(1, 1000) AS n
		WHERE r.state = 'pending' AND r.cross_border AND r.purpose = 'arrest'`); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "Showing the 100 longest overdue of more than 1,000.",
		"th": "แสดง 100 รายการที่เกินกำหนดนานที่สุด จากมากกว่า 1,000 รายการ",
		"km": "បង្ហាញ 100 ដែលហួសកំណត់យូរជាងគេ ក្នុងចំណោមច្រើនជាង 1,000។",
	} {
		if _, err := a.db.Owner.Exec(context.Background(), `UPDATE users SET language = $1 WHERE email = 'coordinator@kh-moi.example'`, lang); err != nil {
			t.Fatal(err)
		}
		res := a.signedIn("coordinator@kh-moi.example").get("/desk")
		wantStatus(t, lang, res, http.StatusOK)
		res.mustContain(t, "(1,000+)", want)
	}
}
