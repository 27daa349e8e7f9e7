package access

import "slices"

// ReferralFacts is what the rules need to know of a referral.
type ReferralFacts struct {
	FromAgency, ToAgency int32
	SentBy, AssignedTo   int64
}

// aftercarePurposes are the referrals a caseworker may send (DESIGN §1).
var aftercarePurposes = []string{"aftercare", "shelter_placement", "repatriation"}

// CanSendReferral: anyone who sees the case and works it may pass it on,
// caseworkers for aftercare only, when the handling code lets the case
// travel to the receiving agency: never an originator case, and a law
// enforcement case only to police or government (DESIGN §3.3, §4).
func (a Actor) CanSendReferral(c CaseFacts, purpose string, to Kind) bool {
	if !a.CanSeeCase(c) || c.HandlingCode == Originator {
		return false
	}
	if c.HandlingCode == LawEnforcement && to != Police && to != Government {
		return false
	}
	return a.Has(Investigator) || a.Has(Coordinator) || (a.Has(Caseworker) && slices.Contains(aftercarePurposes, purpose))
}

// CanSeeReferral: both sides, for the roles that read cases.
func (a Actor) CanSeeReferral(r ReferralFacts) bool {
	return a.ReadsCases() && (a.AgencyID == r.FromAgency || a.AgencyID == r.ToAgency)
}

// CanRespondToReferral: only a coordinator of the receiving agency accepts,
// declines or assigns (DESIGN §4).
func (a Actor) CanRespondToReferral(r ReferralFacts) bool {
	return a.AgencyID == r.ToAgency && a.Has(Coordinator)
}

// CanWithdrawReferral: the sender, or a coordinator of the sending agency.
func (a Actor) CanWithdrawReferral(r ReferralFacts) bool {
	return a.AgencyID == r.FromAgency && (a.UserID == r.SentBy || a.Has(Coordinator))
}

// CanCompleteReferral: the receiving agency's coordinators, or the person
// it was assigned to, once the work is done.
func (a Actor) CanCompleteReferral(r ReferralFacts) bool {
	return a.AgencyID == r.ToAgency && (a.Has(Coordinator) || (r.AssignedTo != 0 && a.UserID == r.AssignedTo))
}

// CanReferCase: whether the actor may refer the case for some purpose to
// some agency, for showing the way to the referral form; CanSendReferral
// decides each referral.
func (a Actor) CanReferCase(c CaseFacts) bool {
	return a.CanSeeCase(c) && c.HandlingCode != Originator
}

// CanOpenReferredCase: whether a referral's page should lead to its case.
// The sender has the case already; the receiver sees it once it accepted
// (the share that comes with acceptance).
func (a Actor) CanOpenReferredCase(r ReferralFacts, state string) bool {
	return a.AgencyID == r.FromAgency || (a.AgencyID == r.ToAgency && (state == "accepted" || state == "completed"))
}
