package desk

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/keyset"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// The full overdue list: every pending referral past its respond-by date
// that the actor's desk covers, longest overdue first, a page at a time,
// paged by keyset on (respond_by, id) so that a later page costs what the
// first does.

// ErrCursor means a page link's cursor is not one of this list's.
var ErrCursor = errors.New("not a cursor of the overdue list")

// Cursor is where a page of the overdue list ends: its last referral's
// place in the list's order, which the next page starts after.
type Cursor struct {
	respondBy time.Time
	id        int64
}

// cursorOrder names the list in its cursors, so that another list's page
// link does not page this one.
const cursorOrder = "overdue"

// cursorAfter is the cursor of the page that starts after r.
func cursorAfter(r Referral) string {
	return keyset.Encode(cursorOrder, strconv.FormatInt(r.RespondBy.UnixMicro(), 10), strconv.FormatInt(r.ID, 10))
}

// ParseCursor reads a cursor from a page link; "" is the first page (nil).
func ParseCursor(s string) (*Cursor, error) {
	if s == "" {
		return nil, nil
	}
	parts, ok := keyset.Decode(s)
	if !ok || len(parts) != 3 || parts[0] != cursorOrder {
		return nil, ErrCursor
	}
	micros, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil {
		return nil, ErrCursor
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || id <= 0 {
		return nil, ErrCursor
	}
	return &Cursor{respondBy: time.UnixMicro(micros), id: id}, nil
}

// OverduePage is a page of the overdue list.
type OverduePage struct {
	// WholeBorder: the list covers every cross-border referral; otherwise
	// those the actor's agency sent or received.
	WholeBorder bool
	Now         time.Time
	Referrals   []Referral
	// Total counts the whole list, as the desk does: at most
	// MaxOverdueCount, and More says there are more than that. Both are
	// zero on a page past the last.
	Total int
	More  bool
	// Next is the cursor of the next page, "" on the last.
	Next string
}

// Overdue reads the page of the overdue list after the cursor (nil: the
// first page), OverduePageSize referrals at most. Anyone the desk is not
// for gets ErrNotFound.
func (s *Store) Overdue(ctx context.Context, actor access.Actor, after *Cursor) (OverduePage, error) {
	if !actor.CanUseDesk() {
		return OverduePage{}, ErrNotFound
	}
	var p OverduePage
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		var err error
		p, err = overdue(ctx, tx, actor, s.now(), OverduePageSize, after)
		return err
	})
	p.WholeBorder = actor.SeesWholeBorder()
	return p, err
}
