package referrals_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

// inboxRow is what decides a referral's place in an inbox.
type inboxRow struct {
	id                int64
	from, to          int32
	state, purpose    string
	crossBorder       bool
	respondBy, sentAt time.Time
}

// manyReferrals writes, as the owner, more referrals than an inbox shows:
// pending and answered ones both ways between PPR2 and three agencies, and
// some between others, with deadlines and sending times shared by several
// so that every rule of the order decides somewhere.
func (f *fixture) manyReferrals(caseID int64) {
	f.t.Helper()
	ctx := context.Background()
	var reference string
	var sender int64
	if err := f.db.Owner.QueryRow(ctx, `SELECT c.reference, u.id FROM cases c, users u
		WHERE c.id = $1 AND u.email = 'investigator@th-ppr2.example'`, caseID).Scan(&reference, &sender); err != nil {
		f.t.Fatal(err)
	}
	ppr2, ahtjp, aim, clec, ticac := f.agency("th-ppr2"), f.agency("kh-ahtjp"), f.agency("aim"), f.agency("clec"), f.agency("th-ticac")
	pairs := [][2]int32{{ppr2, ahtjp}, {ahtjp, ppr2}, {ppr2, aim}, {aim, ppr2}, {clec, ppr2}, {ppr2, clec}}
	others := [][2]int32{{ahtjp, aim}, {clec, ticac}, {aim, ahtjp}}
	hour := time.Now().Truncate(time.Hour)
	r := rand.New(rand.NewPCG(6, 17))
	var rows [][]any
	add := func(pair [2]int32, state string) {
		// Never within the hour around now, so that overdue means the same
		// here as in the database however long the test takes.
		respondBy := hour.Add(time.Duration(r.IntN(48)+2) * time.Hour)
		if r.IntN(2) == 0 {
			respondBy = hour.Add(-time.Duration(r.IntN(48)+2) * time.Hour)
		}
		sentAt := hour.Add(-time.Duration(r.IntN(400)+60) * time.Hour)
		var respondedAt *time.Time
		var reason *string
		if state != "pending" && state != "withdrawn" {
			at := sentAt.Add(time.Hour)
			respondedAt = &at
		}
		if state == "declined" {
			s := "No capacity"
			reason = &s
		}
		rows = append(rows, []any{caseID, reference, pair[0], pair[1], referrals.Purposes[r.IntN(len(referrals.Purposes))],
			"normal", "Please act", respondBy, r.IntN(2) == 0, state, sender, sentAt, respondedAt, reason})
	}
	for range 260 {
		add(pairs[r.IntN(len(pairs))], "pending")
	}
	for range 600 {
		add(pairs[r.IntN(len(pairs))], referrals.States[1+r.IntN(len(referrals.States)-1)])
	}
	for range 150 {
		add(others[r.IntN(len(others))], referrals.States[r.IntN(len(referrals.States))])
	}
	if _, err := f.db.Owner.CopyFrom(ctx, pgx.Identifier{"referrals"}, []string{"case_id", "case_reference", "from_agency_id",
		"to_agency_id", "purpose", "urgency", "message", "respond_by", "cross_border", "state", "sent_by", "sent_at",
		"responded_at", "decline_reason"}, pgx.CopyFromRows(rows)); err != nil {
		f.t.Fatal(err)
	}
}

// expectedInbox is the inbox as DESIGN and the page describe it, computed
// from every referral: the agency's own, the filter's, pending first by
// deadline (so the overdue lead), then the rest newest first; the newest
// first and then the higher id break ties.
func (f *fixture) expectedInbox(agency int32, flt referrals.Filter) []int64 {
	f.t.Helper()
	rows, _ := f.db.Owner.Query(context.Background(), `SELECT id, from_agency_id, to_agency_id, state, purpose, cross_border,
		respond_by, sent_at FROM referrals`)
	all, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (r inboxRow, err error) {
		err = row.Scan(&r.id, &r.from, &r.to, &r.state, &r.purpose, &r.crossBorder, &r.respondBy, &r.sentAt)
		return r, err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	now := time.Now()
	all = slices.DeleteFunc(all, func(r inboxRow) bool {
		in, out := r.to == agency, r.from == agency
		return !(in || out) || (flt.Direction == "in" && !in) || (flt.Direction == "out" && !out) ||
			(flt.State != "" && r.state != flt.State) || (flt.Purpose != "" && r.purpose != flt.Purpose) ||
			(flt.CrossBorder != "" && r.crossBorder != (flt.CrossBorder == "yes")) ||
			(flt.Overdue && !(r.state == "pending" && r.respondBy.Before(now)))
	})
	slices.SortFunc(all, func(a, b inboxRow) int {
		ap, bp := a.state == "pending", b.state == "pending"
		switch {
		case ap != bp && ap:
			return -1
		case ap != bp:
			return 1
		case ap && !a.respondBy.Equal(b.respondBy):
			return a.respondBy.Compare(b.respondBy)
		case !a.sentAt.Equal(b.sentAt):
			return b.sentAt.Compare(a.sentAt)
		}
		return cmp.Compare(b.id, a.id)
	})
	ids := make([]int64, 0, referrals.InboxLimit)
	for _, r := range all[:min(len(all), referrals.InboxLimit)] {
		ids = append(ids, r.id)
	}
	return ids
}

func TestInboxListsPendingByDeadlineThenTheRestNewestFirst(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.manyReferrals(f.newCase(access.Partners))
	filters := []referrals.Filter{
		{}, {Direction: "in"}, {Direction: "out"}, {Overdue: true}, {Direction: "in", Overdue: true},
		{Purpose: "arrest"}, {Purpose: "aftercare", Direction: "out"}, {CrossBorder: "yes"}, {CrossBorder: "no", Direction: "in"},
		{State: "withdrawn", Purpose: "rescue"}, {State: "pending", CrossBorder: "no"}, {State: "accepted", Overdue: true},
	}
	for _, state := range referrals.States {
		filters = append(filters, referrals.Filter{State: state}, referrals.Filter{State: state, Direction: "out"})
	}
	for _, email := range []string{"coordinator@th-ppr2.example", "investigator@th-ppr2.example", "coordinator@kh-ahtjp.example",
		"investigator@kh-ahtjp.example", "coordinator@th-ticac.example"} {
		actor := f.actor(email)
		for _, flt := range filters {
			t.Run(fmt.Sprintf("%s %+v", email, flt), func(t *testing.T) {
				list, err := f.referrals.Inbox(ctx, actor, flt)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]int64, len(list))
				for i, r := range list {
					got[i] = r.ID
					if r.FromShort == "" || r.ToShort == "" || r.SentByName == "" {
						t.Fatalf("referral %d without the names of its sides or sender: %+v", r.ID, r)
					}
				}
				if want := f.expectedInbox(actor.AgencyID, flt); !slices.Equal(got, want) {
					t.Errorf("inbox of %d: %v\nwant %d: %v", len(got), got, len(want), want)
				}
			})
		}
	}
	// The figures above test something only if the page was full, with
	// pending and answered referrals on it.
	if all := f.expectedInbox(f.agency("th-ppr2"), referrals.Filter{}); len(all) != referrals.InboxLimit {
		t.Fatalf("PPR2's inbox holds %d, want a full page", len(all))
	}
	if answered := f.expectedInbox(f.agency("th-ppr2"), referrals.Filter{Direction: "in"}); len(answered) != referrals.InboxLimit {
		t.Fatalf("PPR2's incoming hold %d, want a full page", len(answered))
	}
}

func TestInboxOfRolesThatReadNoCasesIsEmptyInTheDatabaseToo(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.manyReferrals(f.newCase(access.Partners))
	for _, email := range []string{"analyst@th-ppr2.example", "agency_admin@th-ppr2.example"} {
		actor := f.actor(email)
		if list, err := f.referrals.Inbox(ctx, actor, referrals.Filter{}); err != nil || len(list) != 0 {
			t.Errorf("%s: inbox of %d (%v), want none", email, len(list), err)
		}
		// Asked directly, the function decides the same.
		var n int
		if err := postgres.AsActor(ctx, f.db.App, actor, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM referral_inbox(NULL, NULL, NULL, NULL, false, 1000)`).Scan(&n)
		}); err != nil || n != 0 {
			t.Errorf("%s: referral_inbox gives %d ids (%v), want none", email, n, err)
		}
	}
}
