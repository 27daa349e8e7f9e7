// Package desk is the coordinators' desk (issue 4): figures on referrals —
// which way they cross the border, in what state, how fast each agency
// answers, which wait past their deadline — and never what a referral says
// or whom it is about. A coordinating body sees them for the whole border,
// a coordinator for their own agency.
package desk

import (
	"cmp"
	"errors"
	"slices"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

// ErrNotFound means the actor may not use the desk: the page does not
// exist for them.
var ErrNotFound = errors.New("not found")

// Weeks is how many weeks, this one included, the weekly figures cover.
const Weeks = 12

// MaxOverdue is how many overdue referrals the desk itself lists, the
// longest overdue; the rest are on the pages of the full list
// (Store.Overdue), so that the desk stays short on a phone.
const MaxOverdue = 20

// OverduePageSize is how many overdue referrals a page of the full list
// shows.
const OverduePageSize = 50

// MaxOverdueCount caps the count of overdue referrals: past it the desk
// says "more than MaxOverdueCount" rather than count them all on each
// view.
const MaxOverdueCount = 1000

// Referral is what the desk knows of one referral: its metadata, and by
// design nothing else. There is no field for the message, the decline
// reason, the case or any person, so no page can show them by mistake.
type Referral struct {
	ID           int64      `db:"id"`
	FromAgencyID int32      `db:"from_agency_id"`
	FromShort    string     `db:"from_short"`
	FromCountry  string     `db:"from_country"`
	ToAgencyID   int32      `db:"to_agency_id"`
	ToShort      string     `db:"to_short"`
	ToCountry    string     `db:"to_country"`
	Purpose      string     `db:"purpose"`
	Urgency      string     `db:"urgency"`
	State        string     `db:"state"`
	CrossBorder  bool       `db:"cross_border"`
	SentAt       time.Time  `db:"sent_at"`
	RespondBy    time.Time  `db:"respond_by"`
	RespondedAt  *time.Time `db:"responded_at"`
	ClosedAt     *time.Time `db:"closed_at"`
}

// Facts is what the access rules need of r.
func (r Referral) Facts() access.ReferralFacts {
	return access.ReferralFacts{FromAgency: r.FromAgencyID, ToAgency: r.ToAgencyID}
}

// Cell is the referrals of one direction in one state. The ages are set
// for the states that still wait on someone: pending (since it was sent)
// and accepted (since it was accepted).
type Cell struct {
	Count     int
	MedianAge *time.Duration
	OldestAge *time.Duration
}

// Direction is the referrals from one country to another, or within one
// country when From and To are the same.
type Direction struct {
	From, To string
	// Cells holds one Cell per state, in the order of referrals.States.
	Cells []Cell
	Total int
}

// CrossBorder reports whether d crosses a border.
func (d Direction) CrossBorder() bool { return d.From != d.To }

// AgencyResponse is how fast one receiving agency gives its first answer
// (accept or decline).
type AgencyResponse struct {
	AgencyID int32
	Short    string
	Country  string
	Received int
	Answered int
	Pending  int
	Median   *time.Duration // nil when none was answered
}

// Week is the referrals sent in one week (Monday to Sunday in the
// region), counted by the state each is in now.
type Week struct {
	Start time.Time // the Monday, as midnight UTC
	// Counts holds one count per state, in the order of referrals.States.
	Counts []int
}

// Total is how many referrals were sent in w.
func (w Week) Total() int {
	n := 0
	for _, c := range w.Counts {
		n += c
	}
	return n
}

// Desk is everything the desk shows.
type Desk struct {
	// WholeBorder: the figures cover every cross-border referral in the
	// installation; otherwise those the actor's agency sent or received.
	WholeBorder bool
	Now         time.Time
	Directions  []Direction
	// Answered counts the referrals that have had a first answer, and
	// MedianResponse is the median time it took (nil when none has).
	Answered       int
	MedianResponse *time.Duration
	ByAgency       []AgencyResponse
	// Overdue lists pending referrals past their respond-by date, longest
	// overdue first, at most MaxOverdue of OverdueTotal. OverdueTotal is
	// at most MaxOverdueCount; OverdueMore says there are more than that.
	// The full list is Store.Overdue's.
	Overdue      []Referral
	OverdueTotal int
	OverdueMore  bool
	Weeks        []Week
}

// mainDirections always show, even empty: the two ways across the border
// the installation exists for.
var mainDirections = [][2]string{{"TH", "KH"}, {"KH", "TH"}}

// directionOrder sorts Thailand to Cambodia first, then Cambodia to
// Thailand, then the other cross-border pairs, then referrals within a
// country.
func directionOrder(a, b Direction) int {
	rank := func(d Direction) int {
		for i, m := range mainDirections {
			if d.From == m[0] && d.To == m[1] {
				return i
			}
		}
		if d.CrossBorder() {
			return len(mainDirections)
		}
		return len(mainDirections) + 1
	}
	return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
}

func stateIndex(state string) int { return slices.Index(referrals.States, state) }
