// Package aftercare keeps what happens to a survivor after the rescue:
// caseworkers' notes, with follow-up dates, and the services and placements
// the survivor receives. Who may read a note is DESIGN §3.5, asked of
// access.Actor here and held again by row-level security in PostgreSQL.
package aftercare

import (
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
)

// ErrNotFound means no such survivor, note or service, or none the actor
// may see or act on (DESIGN §3.6). It is the cases package's own: aftercare
// hangs on a case, and a page answers both with the same 404.
var ErrNotFound = cases.ErrNotFound

// Categories of a note, kinds and statuses of a service (DESIGN §2).
var (
	Categories = []string{"medical", "psychosocial", "legal", "shelter", "education", "livelihood",
		"repatriation", "reintegration"}
	ServiceKinds    = []string{"shelter_stay", "medical", "legal_aid", "repatriation", "reintegration"}
	ServiceStatuses = []string{"planned", "active", "completed", "cancelled"}
)

// FollowUpWindow is how far ahead the follow-ups list looks.
const FollowUpWindow = 7 * 24 * time.Hour

// Survivor is the person whose aftercare a page shows, with what the rules
// need of their case.
type Survivor struct {
	CaseID        int64               `db:"case_id"`
	Reference     string              `db:"reference"`
	OwnerAgencyID int32               `db:"owner_agency_id"`
	HandlingCode  access.HandlingCode `db:"handling_code"`
	// MyShare is the actor's agency's live share, "" for the owner or none.
	MyShare  access.ShareLevel `db:"my_share"`
	PersonID int64             `db:"person_id"`
	Code     string            `db:"code"`
	Role     access.PersonRole `db:"role"`
}

// Facts is what the access rules need of the survivor's case.
func (s Survivor) Facts() access.CaseFacts {
	return access.CaseFacts{OwnerAgencyID: s.OwnerAgencyID, HandlingCode: s.HandlingCode, Share: s.MyShare}
}

// Note is an aftercare note as its viewer may see it. Where the viewer may
// know only that it exists (DESIGN §3.5), Body, Author and FollowUpOn are
// nil.
type Note struct {
	ID          int64                 `db:"id"`
	Category    string                `db:"category"`
	Body        *string               `db:"body"`
	FollowUpOn  *time.Time            `db:"follow_up_on"`
	Visibility  access.NoteVisibility `db:"visibility"`
	AgencyID    int32                 `db:"agency_id"`
	AgencyShort string                `db:"agency_short"`
	Author      *string               `db:"author"`
	CreatedAt   time.Time             `db:"created_at"`
}

// Service is a survivor's service or placement. Note is nil when empty or
// when the viewer may not read it.
type Service struct {
	ID            int64      `db:"id"`
	Kind          string     `db:"kind"`
	ProviderID    int32      `db:"provider_agency_id"`
	ProviderName  string     `db:"provider_name"`
	ProviderShort string     `db:"provider_short"`
	Status        string     `db:"status"`
	StartsOn      time.Time  `db:"starts_on"`
	EndsOn        *time.Time `db:"ends_on"`
	Note          *string    `db:"note"`
	AgencyID      int32      `db:"agency_id"`
	AgencyShort   string     `db:"agency_short"`
	RecordedBy    string     `db:"recorded_by"`
	UpdatedAt     time.Time  `db:"updated_at"`
}

// View is a survivor's aftercare page, read in one transaction.
type View struct {
	Survivor Survivor
	Notes    []Note
	Services []Service
}

// FollowUp is a note of the actor's agency whose follow-up date has come or
// comes within FollowUpWindow.
type FollowUp struct {
	NoteID     int64     `db:"id"`
	CaseID     int64     `db:"case_id"`
	Reference  string    `db:"reference"`
	PersonID   int64     `db:"person_id"`
	Code       string    `db:"code"`
	Category   string    `db:"category"`
	FollowUpOn time.Time `db:"follow_up_on"`
	Author     string    `db:"author"`
	Mine       bool      `db:"mine"` // written by the actor
}

// Provider is an agency that may provide a service: any active agency.
type Provider struct {
	ID        int32  `db:"id"`
	Name      string `db:"name"`
	ShortName string `db:"short_name"`
}
