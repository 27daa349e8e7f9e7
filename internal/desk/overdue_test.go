package desk_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/handshake-mekong/handshake/internal/desk"
	"github.com/handshake-mekong/handshake/internal/keyset"
)

// manyOverdue adds n copies of the scenario's overdue th-kh-3 (PPR2 →
// AHTJP), three at a time due at the same moment, so that pages must
// tell them apart by id. It returns nothing: the tests ask the table.
func (f *fixture) manyOverdue(n int, now time.Time) {
	f.t.Helper()
	if _, err := f.db.Owner.Exec(context.Background(), `
		INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
			cross_border, state, sent_by, sent_at)
		SELECT case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message,
			$3::timestamptz - interval '1 hour' - (k / 3) * interval '17 minutes', cross_border, state, sent_by, sent_at
		FROM referrals, generate_series(1, $2) AS k
		WHERE id = $1`, f.ids["th-kh-3"], n, now); err != nil {
		f.t.Fatal(err)
	}
}

// overdueIDs is the overdue list as the referrals table has it for a
// desk: pending, past its date, longest overdue first, then by id; of
// the agency, or every cross-border one when agency is 0.
func (f *fixture) overdueIDs(now time.Time, agency int32) []int64 {
	f.t.Helper()
	rows, err := f.db.Owner.Query(context.Background(), `SELECT id FROM referrals
		WHERE state = 'pending' AND respond_by < $1
		  AND CASE WHEN $2 = 0 THEN cross_border ELSE $2 IN (from_agency_id, to_agency_id) END
		ORDER BY respond_by, id`, now, agency)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		f.t.Fatal(err)
	}
	return ids
}

// allPages follows the overdue list's pages from the first to the last.
func (f *fixture) allPages(email string) (pages []desk.OverduePage) {
	f.t.Helper()
	var after *desk.Cursor
	for range 100 {
		p, err := f.desk.Overdue(context.Background(), f.actor(email), after)
		if err != nil {
			f.t.Fatalf("%s: page %d: %v", email, len(pages)+1, err)
		}
		pages = append(pages, p)
		if p.Next == "" {
			return pages
		}
		if after, err = desk.ParseCursor(p.Next); err != nil {
			f.t.Fatalf("%s: page %d links to a cursor that does not parse: %v", email, len(pages), err)
		}
	}
	f.t.Fatalf("%s: the overdue list does not end", email)
	return nil
}

// TestOverdueListPagesEveryReferralOnce: following the next-page links
// gives every overdue referral the desk covers once, in the desk's order,
// OverduePageSize at a time, for a coordinating body and for an agency.
func TestOverdueListPagesEveryReferralOnce(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	f.scenario(now)
	f.manyOverdue(2*desk.OverduePageSize+7, now)
	for email, agency := range map[string]int32{
		"coordinator@kh-moi.example":   0,
		"coordinator@th-ppr2.example":  f.agency("th-ppr2"),
		"coordinator@th-ticac.example": f.agency("th-ticac"),
	} {
		want := f.overdueIDs(time.Now(), agency)
		pages := f.allPages(email)
		var got []int64
		for i, p := range pages {
			if len(p.Referrals) > desk.OverduePageSize || (p.Next != "" && len(p.Referrals) != desk.OverduePageSize) {
				t.Errorf("%s: page %d holds %d referrals; a page holds %d, only the last fewer", email, i+1, len(p.Referrals), desk.OverduePageSize)
			}
			for _, r := range p.Referrals {
				got = append(got, r.ID)
			}
			if p.Total != len(want) || p.More {
				t.Errorf("%s: page %d says %d overdue (more: %v), want %d", email, i+1, p.Total, p.More, len(want))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the pages list %d referrals %v,\nwant %d %v", email, len(got), got, len(want), want)
		}
		if wantPages := max(1, (len(want)+desk.OverduePageSize-1)/desk.OverduePageSize); len(pages) != wantPages {
			t.Errorf("%s: %d pages for %d referrals, want %d", email, len(pages), len(want), wantPages)
		}
	}
	// The desk itself shows the first of them.
	d := f.summary("coordinator@kh-moi.example")
	first := f.allPages("coordinator@kh-moi.example")[0].Referrals
	if len(d.Overdue) != desk.MaxOverdue || !slices.EqualFunc(d.Overdue, first[:desk.MaxOverdue], func(a, b desk.Referral) bool { return a.ID == b.ID }) {
		t.Errorf("the desk shows %d overdue referrals, not the first %d of the list", len(d.Overdue), desk.MaxOverdue)
	}
}

// TestOverdueListIsOnlyForTheDesksUsers: the list answers ErrNotFound to
// anyone the desk is not for, as the desk does.
func TestOverdueListIsOnlyForTheDesksUsers(t *testing.T) {
	f := newFixture(t)
	f.scenario(time.Now())
	for _, email := range []string{"investigator@th-ppr2.example", "analyst@th-ppr2.example", "caseworker@aim.example", "agency_admin@kh-moi.example"} {
		if _, err := f.desk.Overdue(context.Background(), f.actor(email), nil); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("%s: Overdue gave %v, want ErrNotFound", email, err)
		}
	}
	// The analyst of a coordinating body sees the border's, as on the desk.
	p, err := f.desk.Overdue(context.Background(), f.actor("analyst@kh-moi.example"), nil)
	if err != nil || len(p.Referrals) != 2 || !p.WholeBorder {
		t.Errorf("kh-moi's analyst: %d overdue (%v), whole border %v; want the 2 cross-border ones", len(p.Referrals), err, p.WholeBorder)
	}
}

func TestOverdueCursorsAreTheListsOwn(t *testing.T) {
	if c, err := desk.ParseCursor(""); c != nil || err != nil {
		t.Errorf(`ParseCursor("") = %v, %v; want the first page`, c, err)
	}
	for _, bad := range []string{"not a cursor!", keyset.Encode("name", "Somchai", "7"), keyset.Encode("overdue", "yesterday", "7"),
		keyset.Encode("overdue", "1767225600000000", "0"), keyset.Encode("overdue", "1767225600000000", "-3"),
		keyset.Encode("overdue", "1767225600000000"), keyset.Encode("overdue", "1767225600000000", "7", "8")} {
		if _, err := desk.ParseCursor(bad); !errors.Is(err, desk.ErrCursor) {
			t.Errorf("ParseCursor(%q) = %v, want ErrCursor", bad, err)
		}
	}
}
