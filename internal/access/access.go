// Package access holds who may do what: roles, agency kinds and the acting
// user, as pure functions that the stores and the pages both ask. DESIGN.md
// §1 and §3 are the source of every rule here.
package access

import "slices"

// Role is what a user may do inside their agency.
type Role string

const (
	Investigator Role = "investigator"
	Caseworker   Role = "caseworker"
	Coordinator  Role = "coordinator"
	AgencyAdmin  Role = "agency_admin"
	Analyst      Role = "analyst"
)

// Roles lists every role in the order pages show them.
var Roles = []Role{Investigator, Caseworker, Coordinator, AgencyAdmin, Analyst}

// Kind is what sort of body an agency is.
type Kind string

const (
	Police        Kind = "police"
	NGO           Kind = "ngo"
	Government    Kind = "government"
	International Kind = "international"
	Coordination  Kind = "coordination"
)

// Kinds lists every agency kind in the order pages show them.
var Kinds = []Kind{Police, NGO, Government, International, Coordination}

// RolesFor lists the roles that make sense in an agency of kind k: police
// have no aftercare staff, and a coordinating body runs no investigations
// and holds no survivors' files.
func RolesFor(k Kind) []Role {
	switch k {
	case Police:
		return []Role{Investigator, Coordinator, AgencyAdmin, Analyst}
	case NGO, Government:
		return []Role{Investigator, Caseworker, Coordinator, AgencyAdmin, Analyst}
	case International:
		return []Role{Caseworker, Coordinator, AgencyAdmin, Analyst}
	case Coordination:
		return []Role{Coordinator, AgencyAdmin, Analyst}
	}
	return nil
}

// Countries are the ISO 3166-1 codes an agency may have: Thailand and
// Cambodia, and the Greater Mekong neighbours that may follow.
var Countries = []string{"TH", "KH", "MM", "LA", "VN", "CN"}

// Actor is the signed-in user a request acts for.
type Actor struct {
	UserID        int64
	AgencyID      int32
	AgencyKind    Kind
	Roles         []Role
	PlatformAdmin bool
}

// Has reports whether the actor holds role r.
func (a Actor) Has(r Role) bool { return slices.Contains(a.Roles, r) }

// CanManageAgencies: only the platform operator creates and edits agencies.
func (a Actor) CanManageAgencies() bool { return a.PlatformAdmin }

// CanManageUsersOf reports whether the actor may manage the users of agency
// id: an agency admin, for their own agency only.
func (a Actor) CanManageUsersOf(agencyID int32) bool {
	return a.Has(AgencyAdmin) && a.AgencyID == agencyID
}
