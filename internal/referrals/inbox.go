package referrals

import (
	"context"
	"strconv"

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
	where := []string{`(r.from_agency_id = $1 OR r.to_agency_id = $1)`}
	args := []any{actor.AgencyID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	switch f.Direction {
	case "in":
		where = append(where, `r.to_agency_id = $1`)
	case "out":
		where = append(where, `r.from_agency_id = $1`)
	}
	if f.State != "" {
		where = append(where, `r.state = `+arg(f.State))
	}
	if f.Purpose != "" {
		where = append(where, `r.purpose = `+arg(f.Purpose))
	}
	if f.CrossBorder != "" {
		where = append(where, `r.cross_border = `+arg(f.CrossBorder == "yes"))
	}
	if f.Overdue {
		where = append(where, `r.state = 'pending' AND r.respond_by < now()`)
	}
	// Pending referrals by deadline put the overdue ones first; the rest
	// come newest first. Each part is read on its own, in the order of an
	// index, and stops at the limit: an agency with 36,000 referrals had
	// them all sorted for one page (207 ms at a million cases). The rest
	// is read per direction, as an index on (agency, sent_at) serves one
	// side of an OR but not both. Only the page's ids are chosen so; the
	// names are joined to those alone, since joined first they misled the
	// planner into nested loops over 17,000 rows (1.5 s).
	extra := ""
	for _, w := range where[1:] {
		extra += " AND " + w
	}
	limit := arg(InboxLimit)
	part := func(cond, order string) string {
		return `(SELECT r.id, r.state, r.respond_by, r.sent_at FROM referrals r WHERE ` + cond + extra +
			` ORDER BY ` + order + ` LIMIT ` + limit + `)`
	}
	const inboxOrder = `state = 'pending' DESC, CASE WHEN state = 'pending' THEN respond_by END, sent_at DESC, id DESC`
	sql := `WITH page AS (
		SELECT id, state, respond_by, sent_at FROM (` +
		part(where[0]+` AND r.state = 'pending'`, `r.respond_by, r.id`) + ` UNION ALL ` +
		part(`r.to_agency_id = $1 AND r.state <> 'pending'`, `r.sent_at DESC, r.id DESC`) + ` UNION ALL ` +
		part(`r.from_agency_id = $1 AND r.state <> 'pending'`, `r.sent_at DESC, r.id DESC`) + `
		) parts ORDER BY ` + inboxOrder + ` LIMIT ` + limit + `
	)
	SELECT * FROM (` + referralSelect + ` JOIN page ON page.id = r.id) inbox ORDER BY ` + inboxOrder
	var out []Referral
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, sql, args...)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Referral])
		return err
	})
	return out, err
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
