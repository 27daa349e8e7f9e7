package cases

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// CaseInput is what an investigator types to open or edit a case.
type CaseInput struct {
	Title    string
	Summary  string
	Category string
	Status   string // on edit; a new case is open
	Priority string
	Country  string
	Province string // ISO 3166-2, e.g. TH-27; optional
	// Latitude and Longitude are where the case happened, in decimal
	// degrees; optional. Validate reads them into Location.
	Latitude, Longitude string
	Location            *geo.Point
	HandlingCode        access.HandlingCode
	OpenedOn            string // YYYY-MM-DD; today when empty
	LeadOfficer         int64  // a user of the owning agency; 0 for none
	// Version is the version the form was opened at, for optimistic locking.
	Version int32
}

// Validate reports what is wrong, field by field. An opening date may not
// lie in the future of the region's calendar.
func (in *CaseInput) Validate(now time.Time) (openedOn time.Time, e validate.Errors) {
	today := geo.Today(now)
	e = validate.Errors{}
	in.Title = strings.TrimSpace(in.Title)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Province = strings.ToUpper(strings.TrimSpace(in.Province))
	e.Text("title", in.Title, true, 3, 200)
	e.Text("summary", in.Summary, false, 0, 10000)
	validate.OneOf(e, "category", in.Category, Categories)
	if in.Status != "" {
		validate.OneOf(e, "status", in.Status, Statuses)
	}
	validate.OneOf(e, "priority", in.Priority, Priorities)
	validate.OneOf(e, "country", in.Country, access.Countries)
	validate.OneOf(e, "handling_code", in.HandlingCode, access.HandlingCodes)
	if in.Province != "" {
		if p, ok := geo.Lookup(in.Province); !ok || p.Country != in.Country {
			e.Add("province", "error.province", nil)
		}
	}
	in.Location = nil
	if p, ok := geo.ParsePoint(e, "latitude", "longitude", in.Latitude, in.Longitude, false); ok {
		in.Location = &p
	}
	openedOn = today
	if in.OpenedOn != "" {
		d, err := time.Parse(time.DateOnly, in.OpenedOn)
		switch {
		case err != nil:
			e.Add("opened_on", "error.date", nil)
		case d.After(today):
			e.Add("opened_on", "error.date_future", nil)
		case d.Year() < 1990:
			e.Add("opened_on", "error.date_past", nil)
		default:
			openedOn = d
		}
	}
	return openedOn, e
}

// PersonInput records a person on a case, with their identity.
type PersonInput struct {
	Role          access.PersonRole
	Names         string // one a line, in any script
	Aliases       string // one a line
	Sex           string
	DateOfBirth   string // YYYY-MM-DD, optional
	AgeEstimate   string // whole years, optional
	Nationality   string // ISO 3166-1 alpha-2, optional
	Languages     string
	Documents     string
	SuspectStatus string
	Consent       bool
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// lines splits a textarea into its non-empty, trimmed lines.
func lines(s string) []string {
	var out []string
	for l := range strings.Lines(s) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Validate reports what is wrong with the input.
func (in *PersonInput) Validate(now time.Time) (names, aliases []string, dob *time.Time, age *int32, e validate.Errors) {
	e = validate.Errors{}
	today := geo.Today(now)
	validate.OneOf(e, "role", in.Role, access.PersonRoles)
	names, aliases = lines(in.Names), lines(in.Aliases)
	switch {
	case len(names) == 0:
		e.Add("names", "error.required", nil)
	case len(names) > 10:
		e.Add("names", "error.too_many", map[string]any{"Max": 10})
	}
	if len(aliases) > 20 {
		e.Add("aliases", "error.too_many", map[string]any{"Max": 20})
	}
	for _, n := range slices.Concat(names, aliases) {
		e.Text("names", n, true, 1, 200)
	}
	if in.Sex == "" {
		in.Sex = "unknown"
	}
	validate.OneOf(e, "sex", in.Sex, Sexes)
	if in.DateOfBirth != "" {
		d, err := time.Parse(time.DateOnly, in.DateOfBirth)
		switch {
		case err != nil:
			e.Add("date_of_birth", "error.date", nil)
		case d.After(today):
			e.Add("date_of_birth", "error.date_future", nil)
		case today.Year()-d.Year() > 120:
			e.Add("date_of_birth", "error.date_past", nil)
		default:
			dob = &d
		}
	}
	if in.AgeEstimate != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(in.AgeEstimate), 10, 32)
		if err != nil || n < 0 || n > 120 {
			e.Add("age_estimate", "error.age", nil)
		} else {
			a := int32(n)
			age = &a
		}
	}
	in.Nationality = strings.ToUpper(strings.TrimSpace(in.Nationality))
	if in.Nationality != "" && !countryCode.MatchString(in.Nationality) {
		e.Add("nationality", "error.nationality", nil)
	}
	e.Text("languages", in.Languages, false, 0, 200)
	e.Text("documents", in.Documents, false, 0, 1000)
	if in.Role == access.Suspect {
		validate.OneOf(e, "suspect_status", in.SuspectStatus, SuspectStatus)
	}
	return names, aliases, dob, age, e
}

// EntryInput adds an event to a case's timeline.
type EntryInput struct {
	Kind         string
	OccurredAt   string // YYYY-MM-DDTHH:MM in the user's time zone; now when empty
	Body         string
	HandlingCode access.HandlingCode
}

// Validate reports what is wrong; loc is the user's time zone.
func (in *EntryInput) Validate(now time.Time, loc *time.Location) (time.Time, validate.Errors) {
	e := validate.Errors{}
	validate.OneOf(e, "kind", in.Kind, EntryKinds)
	in.Body = strings.TrimSpace(in.Body)
	e.Text("body", in.Body, true, 1, 20000)
	validate.OneOf(e, "handling_code", in.HandlingCode, access.HandlingCodes)
	at := now
	if in.OccurredAt != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", in.OccurredAt, loc)
		switch {
		case err != nil:
			e.Add("occurred_at", "error.datetime", nil)
		case t.After(now.Add(time.Minute)) && in.Kind != "court_hearing" && in.Kind != "operation":
			// Hearings and operations may be planned ahead; what happened
			// cannot lie in the future.
			e.Add("occurred_at", "error.date_future", nil)
		default:
			at = t
		}
	}
	return at, e
}

// ShareInput opens a case to another agency.
type ShareInput struct {
	AgencyID  int32
	Level     access.ShareLevel
	Basis     string
	Reason    string
	ExpiresOn string // YYYY-MM-DD, optional: the share ends at the start of that day
}

// Validate reports what is wrong. A share ends at the start of its end
// date in the region's time.
func (in *ShareInput) Validate(now time.Time) (*time.Time, validate.Errors) {
	e := validate.Errors{}
	today := geo.Today(now)
	if in.AgencyID <= 0 {
		e.Add("agency", "error.required", nil)
	}
	validate.OneOf(e, "level", in.Level, []access.ShareLevel{access.Read, access.Contribute})
	validate.OneOf(e, "basis", in.Basis, ShareBases)
	in.Reason = strings.TrimSpace(in.Reason)
	e.Text("reason", in.Reason, true, 3, 1000)
	var expires *time.Time
	if in.ExpiresOn != "" {
		d, err := time.Parse(time.DateOnly, in.ExpiresOn)
		switch {
		case err != nil:
			e.Add("expires_on", "error.date", nil)
		case !d.After(today):
			e.Add("expires_on", "error.date_not_future", nil)
		default:
			end := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, geo.Zone)
			expires = &end
		}
	}
	return expires, e
}
