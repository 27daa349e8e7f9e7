package access

// ContactVisibility says who reads a directory entry (DESIGN §2 Contact).
type ContactVisibility string

const (
	// ContactPartners: every signed-in user of every agency.
	ContactPartners ContactVisibility = "partners"
	// ContactAgency: the entry's own agency only.
	ContactAgency ContactVisibility = "agency"
)

// ContactVisibilities lists the visibilities in the order pages show them,
// the default first.
var ContactVisibilities = []ContactVisibility{ContactPartners, ContactAgency}

// ManagesContacts: an agency's admins and coordinators keep its directory
// entries (DESIGN §1).
func (a Actor) ManagesContacts() bool { return a.Has(AgencyAdmin) || a.Has(Coordinator) }

// CanManageContacts reports whether the actor may create, edit, verify and
// delete the directory entries of agency agencyID: their own agency's only.
func (a Actor) CanManageContacts(agencyID int32) bool {
	return a.ManagesContacts() && a.AgencyID != 0 && a.AgencyID == agencyID
}

// CanSeeContact: the directory is not case content, so every signed-in
// user of any role reads the entries open to partners, and those of their
// own agency whatever their visibility.
func (a Actor) CanSeeContact(agencyID int32, v ContactVisibility) bool {
	return a.AgencyID != 0 && (v == ContactPartners || agencyID == a.AgencyID)
}
