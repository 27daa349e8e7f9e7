// Package cases keeps the shared case records: cases, the people on them,
// their timelines and the shares that open them to partner agencies. Every
// call takes the acting user; access.Actor decides what they may do, and
// row-level security in PostgreSQL holds the same rules a second time.
package cases

import (
	"errors"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// ErrNotFound means no such case or object, or none the actor may see: the
// two are never told apart (DESIGN §3.6).
var ErrNotFound = errors.New("not found")

// ErrConflict means someone else saved the case since the form was opened.
var ErrConflict = errors.New("changed by someone else")

// Categories, statuses and priorities of a case (DESIGN §2).
var (
	Categories = []string{"sex_trafficking", "labour_trafficking", "child_sexual_exploitation",
		"online_child_exploitation", "forced_marriage", "forced_begging", "scam_compound", "other"}
	Statuses   = []string{"open", "investigating", "operation_planned", "rescued", "prosecution", "closed"}
	Priorities = []string{"low", "normal", "high", "urgent"}
	// EntryKinds are what a person may add to a timeline; status changes and
	// shares are written by the system.
	EntryKinds    = []string{"note", "operation", "rescue", "arrest", "court_hearing", "after_action_review"}
	ShareBases    = []string{"referral", "request", "legal_basis", "joint_operation"}
	SuspectStatus = []string{"wanted", "arrested", "charged", "convicted", "released"}
	Sexes         = []string{"female", "male", "other", "unknown"}
)

// Case is a case record as its viewer may see it.
type Case struct {
	ID            int64               `db:"id"`
	Reference     string              `db:"reference"`
	OwnerAgencyID int32               `db:"owner_agency_id"`
	OwnerName     string              `db:"owner_name"`
	OwnerShort    string              `db:"owner_short"`
	Title         string              `db:"title"`
	Summary       string              `db:"summary"`
	Category      string              `db:"category"`
	Status        string              `db:"status"`
	Priority      string              `db:"priority"`
	LeadOfficerID *int64              `db:"lead_officer_id"`
	LeadOfficer   *string             `db:"lead_officer"`
	Country       string              `db:"country"`
	Province      string              `db:"province"`
	Lat           *float64            `db:"lat"` // where it happened, when known
	Lon           *float64            `db:"lon"`
	HandlingCode  access.HandlingCode `db:"handling_code"`
	OpenedOn      time.Time           `db:"opened_on"`
	ClosedOn      *time.Time          `db:"closed_on"`
	Version       int32               `db:"version"`
	CreatedAt     time.Time           `db:"created_at"`
	UpdatedAt     time.Time           `db:"updated_at"`
	// MyShare is the viewer's agency's live share, "" for the owner or none.
	MyShare access.ShareLevel `db:"my_share"`
	// IdentityReferred: the viewer's agency accepted a referral of this case
	// that included the survivors' identity.
	IdentityReferred bool `db:"identity_referred"`
}

// Location is where the case happened, or nil.
func (c Case) Location() *geo.Point {
	if c.Lat == nil || c.Lon == nil {
		return nil
	}
	return &geo.Point{Lat: *c.Lat, Lon: *c.Lon}
}

// Facts is what the access rules need of c.
func (c Case) Facts() access.CaseFacts {
	return access.CaseFacts{OwnerAgencyID: c.OwnerAgencyID, HandlingCode: c.HandlingCode, Share: c.MyShare,
		IdentityReferred: c.IdentityReferred}
}

// Person is someone on a case as lists show them: a pseudonymous code, never
// a name.
type Person struct {
	ID             int64             `db:"id"`
	CaseID         int64             `db:"case_id"`
	Role           access.PersonRole `db:"role"`
	Code           string            `db:"code"`
	Sex            string            `db:"sex"`
	AgeEstimate    *int32            `db:"age_estimate"`
	Nationality    string            `db:"nationality"`
	Consent        bool              `db:"consent"`
	ConsentAt      *time.Time        `db:"consent_recorded_at"`
	OverrideReason *string           `db:"override_reason"`
	SuspectStatus  *string           `db:"suspect_status"`
	AddedBy        int32             `db:"added_by_agency_id"`
}

// Facts is what the identity rule needs of p.
func (p Person) Facts() access.PersonFacts {
	return access.PersonFacts{Role: p.Role, Consent: p.Consent, Override: p.OverrideReason != nil, AddedBy: p.AddedBy}
}

// Identity is who a person is: shown only where DESIGN §3.4 allows, and
// every showing is audited.
type Identity struct {
	Names       []string   `db:"names"`
	Aliases     []string   `db:"aliases"`
	DateOfBirth *time.Time `db:"date_of_birth"`
	Languages   string     `db:"languages"`
	Documents   string     `db:"documents"`
}

// Entry is one event on a case's timeline.
type Entry struct {
	ID           int64               `db:"id"`
	Kind         string              `db:"kind"`
	OccurredAt   time.Time           `db:"occurred_at"`
	Body         string              `db:"body"`
	HandlingCode access.HandlingCode `db:"handling_code"`
	Author       string              `db:"author"`
	AgencyID     int32               `db:"agency_id"`
	AgencyShort  string              `db:"agency_short"`
}

// Share is one agency's access to a case, live or past.
type Share struct {
	ID          int64             `db:"id"`
	AgencyID    int32             `db:"agency_id"`
	AgencyName  string            `db:"agency_name"`
	AgencyShort string            `db:"agency_short"`
	Level       access.ShareLevel `db:"level"`
	Basis       string            `db:"basis"`
	Reason      string            `db:"reason"`
	ExpiresAt   *time.Time        `db:"expires_at"`
	GrantedBy   string            `db:"granted_by"`
	GrantedAt   time.Time         `db:"granted_at"`
	RevokedAt   *time.Time        `db:"revoked_at"`
}

// Live reports whether the share grants access now.
func (s Share) Live(now time.Time) bool {
	return s.RevokedAt == nil && (s.ExpiresAt == nil || s.ExpiresAt.After(now))
}
