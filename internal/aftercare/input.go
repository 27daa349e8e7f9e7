package aftercare

import (
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// horizon bounds how far ahead a follow-up or a service may be planned.
const horizon = 2 // years

// NoteInput is what a caseworker writes about a survivor.
type NoteInput struct {
	Category   string
	Body       string
	FollowUpOn string // YYYY-MM-DD, optional
	Visibility access.NoteVisibility
}

// Validate reports what is wrong, field by field. A follow-up date lies
// between today and two years ahead in the region's calendar.
func (in *NoteInput) Validate(now time.Time) (followUp *time.Time, e validate.Errors) {
	today := geo.Today(now)
	e = validate.Errors{}
	validate.OneOf(e, "category", in.Category, Categories)
	in.Body = strings.TrimSpace(in.Body)
	e.Text("body", in.Body, true, 1, 10000)
	validate.OneOf(e, "visibility", in.Visibility, access.NoteVisibilities)
	if in.FollowUpOn != "" {
		d, err := time.Parse(time.DateOnly, in.FollowUpOn)
		switch {
		case err != nil:
			e.Add("follow_up_on", "error.date", nil)
		case d.Before(today):
			e.Add("follow_up_on", "error.follow_up_past", nil)
		case d.After(today.AddDate(horizon, 0, 0)):
			e.Add("follow_up_on", "error.date_far", map[string]any{"Years": horizon})
		default:
			followUp = &d
		}
	}
	return followUp, e
}

// ServiceInput records a service or placement for a survivor.
type ServiceInput struct {
	Kind     string
	Provider int32 // an active agency; the store checks it
	Status   string
	StartsOn string // YYYY-MM-DD
	EndsOn   string // YYYY-MM-DD, optional, not before StartsOn
	Note     string
}

// Validate reports what is wrong, field by field.
func (in *ServiceInput) Validate(now time.Time) (starts time.Time, ends *time.Time, e validate.Errors) {
	today := geo.Today(now)
	e = validate.Errors{}
	validate.OneOf(e, "kind", in.Kind, ServiceKinds)
	if in.Provider <= 0 {
		e.Add("provider", "error.required", nil)
	}
	validate.OneOf(e, "status", in.Status, ServiceStatuses)
	in.Note = strings.TrimSpace(in.Note)
	e.Text("note", in.Note, false, 0, 2000)
	date := func(field, value string) *time.Time {
		d, err := time.Parse(time.DateOnly, value)
		switch {
		case err != nil:
			e.Add(field, "error.date", nil)
		case d.Year() < 1990:
			e.Add(field, "error.date_past", nil)
		case d.After(today.AddDate(horizon, 0, 0)):
			e.Add(field, "error.date_far", map[string]any{"Years": horizon})
		default:
			return &d
		}
		return nil
	}
	if in.StartsOn == "" {
		e.Add("starts_on", "error.required", nil)
	} else if d := date("starts_on", in.StartsOn); d != nil {
		starts = *d
	}
	if in.EndsOn != "" {
		ends = date("ends_on", in.EndsOn)
		if ends != nil && !starts.IsZero() && ends.Before(starts) {
			e.Add("ends_on", "error.end_before_start", nil)
			ends = nil
		}
	}
	return starts, ends, e
}

// validStatus checks a service's new status.
func validStatus(status string) error {
	e := validate.Errors{}
	validate.OneOf(e, "status", status, ServiceStatuses)
	return e.Err()
}
