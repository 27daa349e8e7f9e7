package access

// NoteVisibility says who beyond the authoring agency may read an
// aftercare note (DESIGN §3.5).
type NoteVisibility string

const (
	// AgencyOnly: the authoring agency alone; partners do not learn the
	// note exists.
	AgencyOnly NoteVisibility = "agency"
	// WholeCase: also the caseworkers and coordinators of every agency with
	// access to the case; their investigators see only that it exists.
	WholeCase NoteVisibility = "case"
)

// NoteVisibilities lists the visibilities in the order pages show them,
// the narrower first.
var NoteVisibilities = []NoteVisibility{AgencyOnly, WholeCase}

// worksAftercare: the roles that do aftercare and read each other's notes.
func (a Actor) worksAftercare() bool { return a.Has(Caseworker) || a.Has(Coordinator) }

// CanSeeAftercare: a survivor's aftercare page, with its services, is open
// to everyone who sees the case; what of each note shows is decided note by
// note. Only survivors have aftercare.
func (a Actor) CanSeeAftercare(c CaseFacts, p PersonRole) bool {
	return p == Survivor && a.CanSeeCase(c)
}

// CanAddAftercare: caseworkers write aftercare notes on a survivor of any
// case their agency sees, through a read share too: aftercare is the NGOs'
// work on a case the police own (DESIGN §1).
func (a Actor) CanAddAftercare(c CaseFacts, p PersonRole) bool {
	return a.CanSeeAftercare(c, p) && a.Has(Caseworker)
}

// CanSeeNoteExists: a note written by agency author shows as a note (its
// category, date and agency) to its own agency, and with visibility case to
// everyone who sees the case.
func (a Actor) CanSeeNoteExists(c CaseFacts, author int32, v NoteVisibility) bool {
	return a.CanSeeCase(c) && (author == a.AgencyID || v == WholeCase)
}

// CanReadNoteBody: the note's text, for its own agency, and with visibility
// case for the caseworkers and coordinators of other agencies with access;
// never for another agency's investigators (DESIGN §3.5).
func (a Actor) CanReadNoteBody(c CaseFacts, author int32, v NoteVisibility) bool {
	return a.CanSeeNoteExists(c, author, v) && (author == a.AgencyID || a.worksAftercare())
}

// CanRecordService: caseworkers and coordinators of any agency that sees
// the case record a survivor's services and placements.
func (a Actor) CanRecordService(c CaseFacts, p PersonRole) bool {
	return a.CanSeeAftercare(c, p) && a.worksAftercare()
}

// CanUpdateService: the status of a service moves at the hands of the
// agency that recorded it or the agency that provides it.
func (a Actor) CanUpdateService(c CaseFacts, p PersonRole, recordedBy, provider int32) bool {
	return a.CanRecordService(c, p) && (a.AgencyID == recordedBy || a.AgencyID == provider)
}

// CanReadServiceNote: a service's note is read as a note with visibility
// case written by the recording agency.
func (a Actor) CanReadServiceNote(c CaseFacts, recordedBy int32) bool {
	return a.CanReadNoteBody(c, recordedBy, WholeCase)
}

// CanSeeFollowUps: caseworkers, and the coordinators who supervise them,
// have a list of their agency's aftercare follow-ups due.
func (a Actor) CanSeeFollowUps() bool { return a.worksAftercare() }
