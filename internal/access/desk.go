package access

// The coordinators' desk (issue 4): figures on referrals, never their
// content. The function coordination_desk in migrations/0006_desk.up.sql
// states the same rules in SQL.

// CanUseDesk: every coordinator, for the referrals of their own agency, and
// a coordinating body's coordinators and analysts, for the whole border.
func (a Actor) CanUseDesk() bool {
	return a.Has(Coordinator) || a.SeesWholeBorder()
}

// SeesWholeBorder: a coordinating body sees the metadata of every
// cross-border referral in the installation (DESIGN §1), whoever sent it.
func (a Actor) SeesWholeBorder() bool {
	return a.AgencyKind == Coordination && (a.Has(Coordinator) || a.Has(Analyst))
}

// DeskShowsReferral reports whether a referral is among the desk's figures
// for the actor: every cross-border one for a coordinating body, and those
// the actor's agency is a party to for a coordinator.
func (a Actor) DeskShowsReferral(r ReferralFacts, crossBorder bool) bool {
	return (a.SeesWholeBorder() && crossBorder) ||
		(a.Has(Coordinator) && a.AgencyID != 0 && (a.AgencyID == r.FromAgency || a.AgencyID == r.ToAgency))
}
