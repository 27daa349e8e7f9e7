package cases_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
)

// expireUnseen ends agency's share of a case at `at` as time passing would:
// without a write that the share's trigger sees.
func (f *fixture) expireUnseen(caseID int64, agency string, at time.Duration) {
	f.t.Helper()
	ctx := context.Background()
	tx, err := f.db.Owner.Begin(ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	for _, sql := range []string{
		`ALTER TABLE case_shares DISABLE TRIGGER case_shares_visible_to`,
		`UPDATE case_shares SET expires_at = now() + make_interval(secs => $3)
		 WHERE case_id = $1 AND agency_id = (SELECT id FROM agencies WHERE code = $2)`,
		`ALTER TABLE case_shares ENABLE TRIGGER case_shares_visible_to`,
	} {
		var args []any
		if sql[0] == 'U' {
			args = []any{caseID, agency, at.Seconds()}
		}
		if _, err := tx.Exec(ctx, sql, args...); err != nil {
			f.t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		f.t.Fatal(err)
	}
}

// listed reports whether the case is on the actor's case list.
func (f *fixture) listed(email string, caseID int64) bool {
	f.t.Helper()
	res, err := f.store.List(context.Background(), f.actor(email), cases.Filter{})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, c := range res.Cases {
		if c.ID == caseID {
			return true
		}
	}
	return false
}

func TestExpiredShareStopsListingTheCaseAndAnUnexpiredOneDoesNot(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	if err := f.store.ShareCase(ctx, f.actor("coordinator@th-ppr2.example"), id, cases.ShareInput{AgencyID: f.agencyID("clec"),
		Level: access.Read, Basis: "request", Reason: "Legal aid for the survivor",
		ExpiresOn: time.Now().AddDate(0, 0, 7).Format(time.DateOnly)}); err != nil {
		t.Fatal(err)
	}
	if !f.listed("caseworker@aim.example", id) || !f.listed("caseworker@clec.example", id) {
		t.Fatal("before expiry, a share does not list the case")
	}
	f.expireUnseen(id, "aim", -time.Second)
	if n, err := f.store.ExpireShares(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d, %v; want 1 case", n, err)
	}
	if f.listed("caseworker@aim.example", id) {
		t.Error("AIM's share expired, and its list still shows the case")
	}
	if !f.listed("caseworker@clec.example", id) {
		t.Error("CLEC's share has not expired, and its list lost the case")
	}
	if _, err := f.store.Get(ctx, f.actor("caseworker@clec.example"), id); err != nil {
		t.Errorf("CLEC's unexpired share: %v", err)
	}
	if n, err := f.store.ExpireShares(ctx); err != nil || n != 0 {
		t.Errorf("a second run: %d, %v; want nothing left to change", n, err)
	}
}

func TestSharesThatExpiredWhileNoRunLookedAreExpiredByTheNext(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, _ := f.sharedCase(access.Partners, access.Read)
	if _, err := f.store.ExpireShares(ctx); err != nil {
		t.Fatal(err)
	}
	// The server was down for three days; the share ended in the middle.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE case_share_expiry SET done_until = now() - interval '3 days'`); err != nil {
		t.Fatal(err)
	}
	f.expireUnseen(id, "aim", -36*time.Hour)
	if n, err := f.store.ExpireShares(ctx); err != nil || n != 1 {
		t.Fatalf("expire: %d, %v; want 1 case", n, err)
	}
	if f.listed("caseworker@aim.example", id) {
		t.Error("the share expired while no run looked, and AIM's list still shows the case")
	}
	var behind time.Duration
	if err := f.db.Owner.QueryRow(ctx, `SELECT extract(epoch FROM now() - done_until)::bigint * 1000000000 FROM case_share_expiry`).Scan(&behind); err != nil {
		t.Fatal(err)
	}
	if behind > time.Minute {
		t.Errorf("after a run the runs have looked up to %v ago, want now", behind)
	}
}

func TestTheApplicationCannotMoveTheExpiryRuns(t *testing.T) {
	f := newFixture(t)
	_, err := f.db.App.Exec(context.Background(), `UPDATE case_share_expiry SET done_until = 'infinity'`)
	if pgErr, ok := errors.AsType[*pgconn.PgError](err); !ok || pgErr.Code != "42501" { // insufficient_privilege
		t.Fatalf("the application role moving how far the expiry runs have looked: %v, want permission denied", err)
	}
}
