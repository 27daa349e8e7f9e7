package access

// HandlingCode travels with a case, a timeline entry and a note, and limits
// who may see it (DESIGN §3.3).
type HandlingCode string

const (
	// Partners: every agency with access to the case.
	Partners HandlingCode = "partners"
	// LawEnforcement: only police and government agencies, even when the
	// case is shared with an NGO.
	LawEnforcement HandlingCode = "law_enforcement"
	// Originator: only the agency that wrote it; never shared onward.
	Originator HandlingCode = "originator"
)

// HandlingCodes lists the codes in the order pages show them.
var HandlingCodes = []HandlingCode{Partners, LawEnforcement, Originator}

// ShareLevel is what a share lets the receiving agency do.
type ShareLevel string

const (
	Read       ShareLevel = "read"
	Contribute ShareLevel = "contribute" // add timeline entries and people
)

// CaseFacts is what the rules need to know of a case, seen from the actor's
// agency.
type CaseFacts struct {
	OwnerAgencyID int32
	HandlingCode  HandlingCode
	// Share is the actor's agency's live (unrevoked, unexpired) share, or
	// "" for none.
	Share ShareLevel
	// IdentityReferred: the actor's agency accepted a referral of the case
	// that included the survivors' identity.
	IdentityReferred bool
}

// ReadsCases: analysts and agency admins see no case content (§3.2).
func (a Actor) ReadsCases() bool {
	return a.Has(Investigator) || a.Has(Caseworker) || a.Has(Coordinator)
}

func (a Actor) owns(c CaseFacts) bool { return c.OwnerAgencyID == a.AgencyID && a.AgencyID != 0 }

// admits reports whether information under code may reach the actor's
// agency when another agency wrote it.
func (a Actor) admits(code HandlingCode) bool {
	switch code {
	case Partners:
		return true
	case LawEnforcement:
		return a.AgencyKind == Police || a.AgencyKind == Government
	}
	return false
}

// CanSeeCase: the agency owns the case or holds a live share that the
// case's handling code admits, and the user's roles read cases (§3.1–3.3).
func (a Actor) CanSeeCase(c CaseFacts) bool {
	if !a.ReadsCases() {
		return false
	}
	return a.owns(c) || (c.Share != "" && a.admits(c.HandlingCode))
}

// CanEditCase: only the owning agency's investigators and coordinators edit
// the case itself.
func (a Actor) CanEditCase(c CaseFacts) bool {
	return a.owns(c) && (a.Has(Investigator) || a.Has(Coordinator))
}

// CanAddToCase: timeline entries and people, by the owner or a contribute
// share, from investigators and coordinators.
func (a Actor) CanAddToCase(c CaseFacts) bool {
	return a.CanSeeCase(c) && (a.Has(Investigator) || a.Has(Coordinator)) &&
		(a.owns(c) || c.Share == Contribute)
}

// CanManageShares: the owning agency's coordinators see who has access and
// why, and revoke it.
func (a Actor) CanManageShares(c CaseFacts) bool {
	return a.owns(c) && a.Has(Coordinator)
}

// CanShareCase: the owning agency's coordinators, unless the case is marked
// originator.
func (a Actor) CanShareCase(c CaseFacts) bool {
	return a.CanManageShares(c) && c.HandlingCode != Originator
}

// CanSeeEntry: a timeline entry under its own handling code, written by
// agency author.
func (a Actor) CanSeeEntry(c CaseFacts, code HandlingCode, author int32) bool {
	return a.CanSeeCase(c) && (author == a.AgencyID || a.admits(code))
}

// PersonRole is a person's part in a case.
type PersonRole string

const (
	Survivor PersonRole = "survivor"
	Suspect  PersonRole = "suspect"
	Witness  PersonRole = "witness"
)

// PersonRoles lists the roles in the order pages show them.
var PersonRoles = []PersonRole{Survivor, Suspect, Witness}

// PersonFacts is what the identity rule needs to know of a person.
type PersonFacts struct {
	Role     PersonRole
	Consent  bool
	Override bool  // the owning agency opened identity with a written reason
	AddedBy  int32 // the agency that recorded the person
}

// CanSeeIdentity: names, birth date and documents of a survivor or witness
// reach a partner only with consent or the owner's override (§3.4).
// Suspects' identity goes with the case.
func (a Actor) CanSeeIdentity(c CaseFacts, p PersonFacts) bool {
	if !a.CanSeeCase(c) {
		return false
	}
	return a.owns(c) || p.AddedBy == a.AgencyID || p.Role == Suspect || p.Consent || p.Override || c.IdentityReferred
}

// CanRecordConsent: the owning agency's staff who work with the person.
func (a Actor) CanRecordConsent(c CaseFacts) bool {
	return a.owns(c) && a.ReadsCases()
}

// CanOverrideIdentity: the owning agency's coordinators, with a reason.
func (a Actor) CanOverrideIdentity(c CaseFacts) bool {
	return a.owns(c) && a.Has(Coordinator)
}

// CanCreateCase: investigators and coordinators open cases for their agency.
func (a Actor) CanCreateCase() bool {
	return a.Has(Investigator) || a.Has(Coordinator)
}
