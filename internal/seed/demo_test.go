package seed_test

import (
	"context"
	"testing"

	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestDemoIsIdempotentAndShowsTheRules(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	for range 2 {
		if err := seed.Demo(ctx, db.App); err != nil {
			t.Fatal(err)
		}
	}
	var agencyCount, userCount, caseCount, shareCount int
	db.Owner.QueryRow(ctx, `SELECT (SELECT count(*) FROM agencies), (SELECT count(*) FROM users),
		(SELECT count(*) FROM cases), (SELECT count(*) FROM case_shares)`).Scan(&agencyCount, &userCount, &caseCount, &shareCount)
	if agencyCount != 8 || userCount != 31 || caseCount < 25 || shareCount < 20 {
		t.Fatalf("after seeding twice: %d agencies, %d users, %d cases, %d shares", agencyCount, userCount, caseCount, shareCount)
	}

	users := agencies.NewStore(db.App)
	store := cases.NewStore(db.App)
	visible := func(email string) map[string]bool {
		a, err := users.Authenticate(ctx, email, seed.DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		res, err := store.List(ctx, a.Actor(), cases.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		titles := map[string]bool{}
		for _, c := range res.Cases {
			titles[c.Title] = true
		}
		return titles
	}
	aim := visible("caseworker@aim.example")
	if !aim["Girls recruited for karaoke bars in Aranyaprathet"] {
		t.Error("AIM does not see the PPR2 case shared with it")
	}
	if aim["Fishing boat crew held in debt bondage, Chonburi"] || visible("coordinator@our.example")["Fishing boat crew held in debt bondage, Chonburi"] {
		t.Error("an NGO sees a law_enforcement case")
	}
	if visible("investigator@th-ticac.example")["Brick kiln families in Sa Kaeo"] {
		t.Error("TICAC sees a PPR2 case it holds no share of")
	}
	if len(visible("analyst@aim.example")) != 0 {
		t.Error("an analyst sees case content")
	}
}

func TestDemoReferralsFillTheInboxes(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	if err := seed.Demo(ctx, db.App); err != nil {
		t.Fatal(err)
	}
	if err := seed.Demo(ctx, db.App); err != nil {
		t.Fatal(err)
	}
	var pending, accepted, declined, notes, contacts int
	db.Owner.QueryRow(ctx, `SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'accepted'),
		count(*) FILTER (WHERE state = 'declined'), (SELECT count(*) FROM aftercare_notes), (SELECT count(*) FROM contacts)
		FROM referrals`).Scan(&pending, &accepted, &declined, &notes, &contacts)
	if pending != 2 || accepted != 2 || declined != 1 || notes != 1 || contacts != 7 {
		t.Fatalf("demo: %d pending, %d accepted, %d declined referrals, %d notes, %d contacts; want 2, 2, 1, 1, 7 (seeding twice adds nothing)",
			pending, accepted, declined, notes, contacts)
	}
}
