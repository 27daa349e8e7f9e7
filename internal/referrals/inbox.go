package referrals

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// InboxLimit caps the inbox; an agency with more open referrals than this
// filters by state.
const InboxLimit = 200

// Filter narrows the inbox. Zero values do not filter.
type Filter struct {
	Direction   string // "in", "out" or "" for both
	State       string
	Purpose     string
	CrossBorder string // "yes", "no" or ""
	Overdue     bool
}

// Validate reports what is wrong with the filter.
func (f Filter) Validate() validate.Errors {
	e := validate.Errors{}
	if f.Direction != "" {
		validate.OneOf(e, "direction", f.Direction, []string{"in", "out"})
	}
	if f.State != "" {
		validate.OneOf(e, "state", f.State, States)
	}
	if f.Purpose != "" {
		validate.OneOf(e, "purpose", f.Purpose, Purposes)
	}
	if f.CrossBorder != "" {
		validate.OneOf(e, "cross_border", f.CrossBorder, []string{"yes", "no"})
	}
	return e
}

// Inbox lists the referrals the actor's agency sent or received: overdue
// ones first, then the other pending ones by deadline, then the rest newest
// first.
func (s *Store) Inbox(ctx context.Context, actor access.Actor, f Filter) ([]Referral, error) {
	if !actor.ReadsCases() {
		return nil, nil
	}
	if err := f.Validate().Err(); err != nil {
		return nil, err
	}
	var crossBorder *bool
	if f.CrossBorder != "" {
		yes := f.CrossBorder == "yes"
		crossBorder = &yes
	}
	// referral_inbox (migration 0017) chooses the page's ids, each part of
	// the page on an index in the page's order, as the agency's own; the
	// rows are read here under the policy, and the names joined to those
	// alone.
	var out []Referral
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, referralSelect+`
			JOIN referral_inbox($1, $2, $3, $4, $5, $6) WITH ORDINALITY AS page (id, n) ON page.id = r.id
			ORDER BY page.n`,
			orNull(f.Direction), orNull(f.State), orNull(f.Purpose), crossBorder, f.Overdue, InboxLimit)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Referral])
		return err
	})
	return out, err
}

// orNull is SQL's NULL for "", which referral_inbox reads as no filter.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Counts is what the header shows: referrals waiting for the actor's agency
// to answer, and how many of them are overdue.
type Counts struct {
	Waiting int `json:"waiting"`
	Overdue int `json:"overdue"`
}

// Waiting counts the pending referrals to the actor's agency.
func (s *Store) Waiting(ctx context.Context, actor access.Actor) (Counts, error) {
	var c Counts
	if !actor.ReadsCases() {
		return c, nil
	}
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		// Migration 0012 says why a function.
		return tx.QueryRow(ctx, `SELECT waiting, overdue FROM referrals_waiting()`).Scan(&c.Waiting, &c.Overdue)
	})
	return c, err
}

// ForCase lists a case's referrals that the actor's agency is party to.
func (s *Store) ForCase(ctx context.Context, actor access.Actor, caseID int64) ([]Referral, error) {
	var out []Referral
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, referralSelect+` WHERE r.case_id = $1 ORDER BY r.sent_at DESC`, caseID)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Referral])
		return err
	})
	return out, err
}

// Assignees lists who in the actor's agency may be given a referral.
func (s *Store) Assignees(ctx context.Context, actor access.Actor) ([]Person, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, display_name FROM users WHERE agency_id = $1 AND active
		AND roles && ARRAY['investigator', 'caseworker', 'coordinator'] ORDER BY display_name`, actor.AgencyID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Person])
}

// Person is a user a referral may be assigned to.
type Person struct {
	ID   int64  `db:"id"`
	Name string `db:"display_name"`
}
