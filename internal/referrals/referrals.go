// Package referrals passes cases between agencies, across the border above
// all: a referral asks another agency to act for a purpose by a deadline,
// and moves through pending, accepted or declined or withdrawn, and
// completed (DESIGN §4). Every step is a timeline entry on the case, a
// notification to the other side and an audit event.
package referrals

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// ErrNotFound means no such referral, or none the actor may see or act on.
var ErrNotFound = errors.New("not found")

// ErrTransition means the referral is not in a state that allows the step,
// for example accepting a withdrawn referral, or accepting twice.
var ErrTransition = errors.New("not allowed in the referral's current state")

// Purposes, urgencies and states of a referral.
var (
	Purposes  = []string{"investigation_assistance", "arrest", "rescue", "aftercare", "shelter_placement", "repatriation", "legal_assistance"}
	Urgencies = []string{"urgent", "high", "normal"}
	States    = []string{"pending", "accepted", "declined", "withdrawn", "completed"}
)

// respondWithin is the default deadline per urgency (issue 4): urgent 24
// hours, high 3 days, normal 7 days.
var respondWithin = map[string]time.Duration{"urgent": 24 * time.Hour, "high": 72 * time.Hour, "normal": 7 * 24 * time.Hour}

// Referral is one referral as either side sees it.
type Referral struct {
	ID              int64      `db:"id"`
	CaseID          int64      `db:"case_id"`
	Reference       string     `db:"reference"`
	FromAgencyID    int32      `db:"from_agency_id"`
	FromShort       string     `db:"from_short"`
	FromCountry     string     `db:"from_country"`
	ToAgencyID      int32      `db:"to_agency_id"`
	ToShort         string     `db:"to_short"`
	ToCountry       string     `db:"to_country"`
	Purpose         string     `db:"purpose"`
	Urgency         string     `db:"urgency"`
	Message         string     `db:"message"`
	RespondBy       time.Time  `db:"respond_by"`
	IncludeIdentity bool       `db:"include_identity"`
	CrossBorder     bool       `db:"cross_border"`
	State           string     `db:"state"`
	SentBy          int64      `db:"sent_by"`
	SentByName      string     `db:"sent_by_name"`
	SentAt          time.Time  `db:"sent_at"`
	AssignedTo      *int64     `db:"assigned_to"`
	AssignedName    *string    `db:"assigned_name"`
	RespondedAt     *time.Time `db:"responded_at"`
	DeclineReason   *string    `db:"decline_reason"`
	ClosedAt        *time.Time `db:"closed_at"`
}

// Facts is what the access rules need of r.
func (r Referral) Facts() access.ReferralFacts {
	f := access.ReferralFacts{FromAgency: r.FromAgencyID, ToAgency: r.ToAgencyID, SentBy: r.SentBy}
	if r.AssignedTo != nil {
		f.AssignedTo = *r.AssignedTo
	}
	return f
}

// Overdue reports whether r waits for an answer past its deadline.
func (r Referral) Overdue(now time.Time) bool {
	return r.State == "pending" && now.After(r.RespondBy)
}

// SendInput is what the sender types.
type SendInput struct {
	ToAgency        int32
	Purpose         string
	Urgency         string
	Message         string
	RespondBy       string // YYYY-MM-DD, optional: the default comes from the urgency
	IncludeIdentity bool
	IdentityReason  string // needed when a survivor or witness has not consented
}

// Validate reports what is wrong and the deadline to respond by.
func (in *SendInput) Validate(now time.Time) (time.Time, validate.Errors) {
	e := validate.Errors{}
	if in.ToAgency <= 0 {
		e.Add("to_agency", "error.required", nil)
	}
	validate.OneOf(e, "purpose", in.Purpose, Purposes)
	validate.OneOf(e, "urgency", in.Urgency, Urgencies)
	in.Message = strings.TrimSpace(in.Message)
	e.Text("message", in.Message, true, 1, 5000)
	in.IdentityReason = strings.TrimSpace(in.IdentityReason)
	e.Text("identity_reason", in.IdentityReason, false, 10, 1000)
	respondBy := now.Add(respondWithin[in.Urgency])
	if in.RespondBy != "" {
		d, err := time.Parse(time.DateOnly, in.RespondBy)
		switch {
		case err != nil:
			e.Add("respond_by", "error.date", nil)
		default:
			// The end of that day in the region.
			end := time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 0, 0, geo.Zone)
			if !end.After(now) {
				e.Add("respond_by", "error.date_not_future", nil)
			}
			respondBy = end
		}
	}
	if !slices.Contains(Urgencies, in.Urgency) {
		respondBy = now.Add(respondWithin["normal"])
	}
	return respondBy, e
}
