package access

// HotspotFacts is what the rules need to know of a hotspot.
type HotspotFacts struct {
	OwnerAgencyID int32
	HandlingCode  HandlingCode
}

// ReadsHotspots: hotspots are intelligence, not case content, so analysts
// read them too; agency admins and the platform operator, who run
// accounts, do not.
func (a Actor) ReadsHotspots() bool { return a.ReadsCases() || a.Has(Analyst) }

// WritesHotspots: investigators and coordinators mark and edit places
// (DESIGN §1), for their own agency.
func (a Actor) WritesHotspots() bool { return a.Has(Investigator) || a.Has(Coordinator) }

// CanSeeHotspot: the owning agency always; every other agency as the
// handling code admits (§3.3).
func (a Actor) CanSeeHotspot(h HotspotFacts) bool {
	if !a.ReadsHotspots() || a.AgencyID == 0 {
		return false
	}
	return h.OwnerAgencyID == a.AgencyID || a.admits(h.HandlingCode)
}

// CanEditHotspot: the owning agency's investigators and coordinators.
func (a Actor) CanEditHotspot(h HotspotFacts) bool {
	return a.WritesHotspots() && a.AgencyID != 0 && h.OwnerAgencyID == a.AgencyID
}

// CanLinkHotspot: whoever may add to the case links it to a hotspot they
// see, and may remove that link again.
func (a Actor) CanLinkHotspot(c CaseFacts, h HotspotFacts) bool {
	return a.CanAddToCase(c) && a.CanSeeHotspot(h)
}
