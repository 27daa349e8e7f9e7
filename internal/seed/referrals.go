package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/aftercare"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

// demoReferral is a referral of a demo case, and how far it has gone.
type demoReferral struct {
	caseTitle string
	from, to  string
	purpose   string
	urgency   string
	message   string
	answer    string // "", "accept" or "decline"
}

// demoReferrals fill the inbox and the coordinators' desk: pending,
// accepted and declined, across the border and within a country.
var demoReferrals = []demoReferral{
	{"Girls recruited for karaoke bars in Aranyaprathet", "th-ppr2", "kh-ahtjp", "investigation_assistance", "urgent",
		"The recruiter known as Mama Lek crosses daily from Poipet. Please identify her address and contacts.", ""},
	{"Scam compound in Sihanoukville: rescued workers", "kh-ahtjp", "th-ppr2", "repatriation", "high",
		"Twelve Thai nationals are ready to cross at Poipet on Thursday; please receive them at Ban Khlong Luek.", "accept"},
	{"Girl returned from Thailand via Poipet", "aim", "our", "aftercare", "normal",
		"Please follow up with the family in Sa Kaeo who looked after her before she was taken.", ""},
	{"Domestic worker trafficked to Bangkok", "clec", "th-ppr2", "legal_assistance", "normal",
		"The employer still holds her passport; we ask for help to recover it.", "decline"},
	{"Girls recruited for karaoke bars in Aranyaprathet", "th-ppr2", "aim", "shelter_placement", "urgent",
		"Both survivors need a shelter place in Banteay Meanchey after repatriation.", "accept"},
}

// demoReferralsIn sends the demo referrals and an aftercare note; called
// once, with the demo cases.
func demoReferralsIn(ctx context.Context, db *pgxpool.Pool, actor func(access.Role, string) (access.Actor, error), agencyIDs map[string]int32) error {
	store := referrals.NewStore(db)
	for _, d := range demoReferrals {
		from, err := actor(access.Coordinator, d.from)
		if err != nil {
			return err
		}
		var caseID int64
		err = scanAs(ctx, db, from, `SELECT id FROM cases WHERE title = $1`, d.caseTitle, &caseID)
		if err != nil {
			return fmt.Errorf("demo referral of %q: %w", d.caseTitle, err)
		}
		id, err := store.Send(ctx, from, caseID, referrals.SendInput{ToAgency: agencyIDs[d.to], Purpose: d.purpose,
			Urgency: d.urgency, Message: d.message})
		if err != nil {
			return fmt.Errorf("demo referral of %q: %w", d.caseTitle, err)
		}
		to, err := actor(access.Coordinator, d.to)
		if err != nil {
			return err
		}
		switch d.answer {
		case "accept":
			err = store.Accept(ctx, to, id)
		case "decline":
			err = store.Decline(ctx, to, id, "We have no legal officer free this month; CLEC's own lawyers are better placed.")
		}
		if err != nil {
			return err
		}
	}
	// AIM's caseworker follows up the survivor it now shelters.
	cw, err := actor(access.Caseworker, "aim")
	if err != nil {
		return err
	}
	var caseID, personID int64
	err = scanAs(ctx, db, cw, `SELECT p.case_id FROM case_people p JOIN cases c ON c.id = p.case_id
		WHERE c.title = 'Girls recruited for karaoke bars in Aranyaprathet' AND p.role = 'survivor' ORDER BY p.id LIMIT 1`, nil, &caseID)
	if err == nil {
		err = scanAs(ctx, db, cw, `SELECT id FROM case_people WHERE case_id = $1 AND role = 'survivor' ORDER BY id LIMIT 1`, caseID, &personID)
	}
	if err != nil {
		return err
	}
	_, err = aftercare.NewStore(db).AddNote(ctx, cw, caseID, personID, aftercare.NoteInput{Category: "psychosocial",
		Body:       "First counselling session at the AIM centre; sleeping badly, asks about her younger sister.",
		FollowUpOn: time.Now().AddDate(0, 0, 3).Format(time.DateOnly), Visibility: access.WholeCase})
	return err
}

// scanAs reads one value as actor: arg, when not nil, is $1.
func scanAs(ctx context.Context, db *pgxpool.Pool, actor access.Actor, sql string, arg any, dest any) error {
	return postgres.AsActor(ctx, db, actor, func(tx pgx.Tx) error {
		if arg == nil {
			return tx.QueryRow(ctx, sql).Scan(dest)
		}
		return tx.QueryRow(ctx, sql, arg).Scan(dest)
	})
}
