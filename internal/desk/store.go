package desk

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

// Store reads the desk's figures, always as an actor, through the
// coordination_desk_* functions of migrations/0006_desk.up.sql (as
// 0015_desk_tallies.up.sql keeps them at scale): they compute the figures
// in SQL over the referrals the actor's desk covers and return nothing
// else, as the referrals table itself shows a coordinating body nothing.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store {
	return &Store{db: db, now: time.Now}
}

// Summary reads everything the desk shows, in one transaction as actor.
// Anyone the desk is not for gets ErrNotFound.
func (s *Store) Summary(ctx context.Context, actor access.Actor) (Desk, error) {
	if !actor.CanUseDesk() {
		return Desk{}, ErrNotFound
	}
	d := Desk{WholeBorder: actor.SeesWholeBorder(), Now: s.now()}
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		var err error
		if d.Directions, err = directions(ctx, tx, d.Now); err != nil {
			return err
		}
		if err := responses(ctx, tx, &d); err != nil {
			return err
		}
		o, err := overdue(ctx, tx, actor, d.Now, MaxOverdue, nil)
		if err != nil {
			return err
		}
		d.Overdue, d.OverdueTotal, d.OverdueMore = o.Referrals, o.Total, o.More
		d.Weeks, err = weeks(ctx, tx, d.Now)
		return err
	})
	return d, err
}

func directions(ctx context.Context, tx pgx.Tx, now time.Time) ([]Direction, error) {
	type row struct {
		From      string         `db:"from_country"`
		To        string         `db:"to_country"`
		State     string         `db:"state"`
		N         int            `db:"n"`
		MedianAge *time.Duration `db:"median_age"`
		OldestAge *time.Duration `db:"oldest_age"`
	}
	rows, _ := tx.Query(ctx, `SELECT * FROM coordination_desk_directions($1)`, now)
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, err
	}
	var out []Direction
	at := func(from, to string) *Direction {
		for i := range out {
			if out[i].From == from && out[i].To == to {
				return &out[i]
			}
		}
		out = append(out, Direction{From: from, To: to, Cells: make([]Cell, len(referrals.States))})
		return &out[len(out)-1]
	}
	for _, m := range mainDirections {
		at(m[0], m[1])
	}
	for _, r := range found {
		i := stateIndex(r.State)
		if i < 0 {
			continue
		}
		d := at(r.From, r.To)
		d.Cells[i] = Cell{Count: r.N, MedianAge: r.MedianAge, OldestAge: r.OldestAge}
		d.Total += r.N
	}
	slices.SortFunc(out, directionOrder)
	return out, nil
}

func responses(ctx context.Context, tx pgx.Tx, d *Desk) error {
	type row struct {
		AgencyID *int32         `db:"agency_id"` // NULL on the grand total
		Short    string         `db:"short_name"`
		Country  string         `db:"country"`
		Received int            `db:"received"`
		Answered int            `db:"answered"`
		Pending  int            `db:"pending"`
		Median   *time.Duration `db:"median"`
	}
	rows, _ := tx.Query(ctx, `SELECT * FROM coordination_desk_responses()`)
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return err
	}
	for _, r := range found {
		if r.AgencyID == nil {
			d.Answered, d.MedianResponse = r.Answered, r.Median
			continue
		}
		d.ByAgency = append(d.ByAgency, AgencyResponse{AgencyID: *r.AgencyID, Short: r.Short, Country: r.Country,
			Received: r.Received, Answered: r.Answered, Pending: r.Pending, Median: r.Median})
	}
	return nil
}

// overdue reads at most limit overdue referrals, longest overdue first,
// after the place after (nil: from the first), and how many there are in
// all, up to MaxOverdueCount. Next is the place after the last of them
// when more follow.
func overdue(ctx context.Context, tx pgx.Tx, actor access.Actor, now time.Time, limit int, after *Cursor) (OverduePage, error) {
	type row struct {
		Referral
		Total int `db:"total"`
	}
	since, afterID := pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}, int64(0)
	if after != nil {
		since, afterID = pgtype.Timestamptz{Time: after.respondBy, Valid: true}, after.id
	}
	// One more than the page, to know whether another follows.
	rows, _ := tx.Query(ctx, `SELECT * FROM coordination_desk_overdue($1, $2, $3, $4, $5)`,
		now, limit+1, MaxOverdueCount, since, afterID)
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return OverduePage{}, err
	}
	p := OverduePage{Now: now}
	if len(found) > limit {
		found = found[:limit]
		p.Next = cursorAfter(found[limit-1].Referral)
	}
	for _, r := range found {
		// The function counts up to one past the cap.
		p.Total, p.More = min(r.Total, MaxOverdueCount), r.Total > MaxOverdueCount
		// The function decided already; the rule says it once more, as
		// every store here asks access before it shows a row.
		if actor.DeskShowsReferral(r.Facts(), r.CrossBorder) {
			p.Referrals = append(p.Referrals, r.Referral)
		}
	}
	return p, nil
}

func weeks(ctx context.Context, tx pgx.Tx, now time.Time) ([]Week, error) {
	type row struct {
		Week  time.Time `db:"week"`
		State string    `db:"state"`
		N     int       `db:"n"`
	}
	// The weeks are the region's (geo.Zone), as desk_region_week counts them.
	rows, _ := tx.Query(ctx, `SELECT * FROM coordination_desk_weeks($1, $2, $3)`, now, Weeks, referrals.States)
	found, err := pgx.CollectRows(rows, pgx.RowToStructByName[row])
	if err != nil {
		return nil, err
	}
	var out []Week
	for _, r := range found {
		i := slices.IndexFunc(out, func(w Week) bool { return w.Start.Equal(r.Week) })
		if i < 0 {
			out = append(out, Week{Start: r.Week, Counts: make([]int, len(referrals.States))})
			i = len(out) - 1
		}
		if j := stateIndex(r.State); j >= 0 {
			out[i].Counts[j] = r.N
		}
	}
	slices.SortFunc(out, func(a, b Week) int { return a.Start.Compare(b.Start) })
	return out, nil
}
