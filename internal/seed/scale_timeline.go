package seed

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/handshake-mekong/handshake/internal/access"
)

// What people write on a timeline, beside the entries the system writes
// for status changes, shares and referral steps: about 1.6 a case, mostly
// notes.
var (
	entryCounts = tableOf([]int{0, 1, 2, 3, 4, 5}, 15, 38, 27, 12, 5, 3)
	entryKinds  = tableOf([]string{"note", "operation", "rescue", "arrest", "court_hearing", "after_action_review"}, 50, 14, 9, 9, 10, 8)
	// How far an entry's handling code departs from its case's: operations
	// and arrests are often kept to law enforcement.
	lawEnforcementShare = map[string]float64{"operation": 0.4, "arrest": 0.2}
)

// timelineEntry is one timeline timelineEntry of the case at hand.
type timelineEntry struct {
	kind    string
	at      time.Time
	created time.Time
	body    string
	code    access.HandlingCode
	author  int64
	agency  int32
}

func (g *generator) timelineTable() copyTable {
	var (
		id, caseID, author int64
		agency             int32
		kind, body, code   string
		at, created        time.Time
		entries            []timelineEntry
	)
	w := g.walk(needExchange)
	rows := &caseRows{w: w, detail: streamEntryDetails}
	rows.count = func(p *casePlan) int {
		entries = g.entriesOf(w.r, p, entries[:0])
		return len(entries)
	}
	rows.fill = func(p *casePlan, k int) {
		e := &entries[k]
		w.next.entries++
		id, caseID, kind, at, body, code = w.next.entries, p.id, e.kind, e.at, e.body, string(e.code)
		author, agency, created = e.author, e.agency, e.created
	}
	rows.values = []any{&id, &caseID, &kind, &at, &body, &code, &author, &agency, &created}
	return copyTable{"timeline_entries", []string{"id", "case_id", "kind", "occurred_at", "body", "handling_code", "author_id",
		"agency_id", "created_at"}, rows}
}

// entriesOf is case p's timeline, oldest first: status changes, shares
// and referral steps as the stores write them, and what people wrote.
func (g *generator) entriesOf(r *rand.Rand, p *casePlan, out []timelineEntry) []timelineEntry {
	from, to := p.window()
	system := func(kind string, at time.Time, body string, author int64, agency *scaleAgency) {
		out = append(out, timelineEntry{kind: kind, at: at, created: at, body: body, code: access.Partners, author: author, agency: agency.id})
	}
	workers := p.owner.workers()
	var times [8]time.Time // a path has at most five steps
	for i := range p.path {
		times[i] = between(r, from, to)
	}
	slices.SortFunc(times[:len(p.path)], time.Time.Compare)
	prev := "open"
	for i, s := range p.path {
		at := times[i]
		if s == "closed" { // the last change of a closed case
			at = to
		}
		system("status_change", at, prev+" → "+s, workers[r.IntN(len(workers))], p.owner)
		prev = s
	}
	for i := range p.shares {
		s := &p.shares[i]
		if s.referral == 0 {
			system("share", s.granted, s.to.short+" "+string(s.level), s.grantedBy, p.owner)
		}
		if !s.revoked.IsZero() {
			system("share", s.revoked, s.to.short+" revoked", s.revokedBy, p.owner)
		}
	}
	for i := range p.referrals {
		rf := &p.referrals[i]
		step := func(what string, at time.Time, author int64, agency *scaleAgency) {
			system("referral", at, what+" "+rf.purpose+" "+p.owner.short+"→"+rf.to.short, author, agency)
		}
		step("sent", rf.sent, rf.sentBy, p.owner)
		switch rf.state {
		case "accepted", "declined":
			step(rf.state, rf.responded, rf.respondedBy, rf.to)
		case "completed":
			step("accepted", rf.responded, rf.respondedBy, rf.to)
			step("completed", rf.closed, rf.closedBy, rf.to)
		case "withdrawn":
			step("withdrawn", rf.closed, rf.closedBy, p.owner)
		}
	}

	// Partners with a contribute share write too, now and then.
	var writers []*scaleAgency
	for i := range p.shares {
		if s := &p.shares[i]; s.level == access.Contribute && len(s.to.workers()) > 0 {
			writers = append(writers, s.to)
		}
	}
	place := placeOf(p.country, p.province)
	for range entryCounts.pick(r) {
		e := timelineEntry{kind: entryKinds.pick(r), at: between(r, from, to), code: p.handling}
		a := p.owner
		if len(writers) > 0 && r.Float64() < 0.15 {
			a = writers[r.IntN(len(writers))]
		}
		staff := a.workers()
		e.author, e.agency = staff[r.IntN(len(staff))], a.id
		if p.handling == access.Partners {
			switch x := r.Float64(); {
			case x < lawEnforcementShare[e.kind]:
				e.code = access.LawEnforcement
			case x > 0.97:
				e.code = access.Originator
			}
		}
		e.created = earliest(e.at.Add(time.Duration(r.Int64N(int64(2*day)))), g.end.Add(-time.Minute))
		// Operations and hearings are entered ahead of the day.
		if (e.kind == "operation" && p.status == "operation_planned") || (e.kind == "court_hearing" && p.status == "prosecution") {
			if r.Float64() < 0.4 {
				e.created = between(r, latest(from, g.end.Add(-7*day)), g.end)
				e.at = g.end.Add(time.Duration(1+r.IntN(14)) * day).Add(time.Duration(r.IntN(10)) * time.Hour)
			}
		}
		e.body = entryBody(r, e.kind, place)
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b timelineEntry) int { return a.at.Compare(b.at) })
	return out
}

func (g *generator) aftercareNotesTable() copyTable {
	var (
		id, person, caseID, author int64
		agency                     int32
		category, visibility       string
		followUp                   pgtype.Date
		created                    time.Time
		notes                      []*notePlan
		owners                     []int64
	)
	w := g.walk(needAftercare)
	rows := &caseRows{w: w, detail: streamNoteDetails}
	rows.count = func(p *casePlan) int {
		notes, owners = notes[:0], owners[:0]
		for i := range p.people {
			for j := range p.people[i].notes {
				notes, owners = append(notes, &p.people[i].notes[j]), append(owners, p.people[i].id)
			}
		}
		return len(notes)
	}
	rows.fill = func(p *casePlan, k int) {
		n := notes[k]
		id, person, caseID, agency, author = n.id, owners[k], p.id, n.agency.id, n.author
		category, followUp, visibility, created = n.category, dateOr(n.followUp), string(n.visibility), n.created
	}
	rows.values = []any{&id, &person, &caseID, &agency, &author, &category, &followUp, &visibility, &created}
	return copyTable{"aftercare_notes", []string{"id", "person_id", "case_id", "agency_id", "author_id", "category",
		"follow_up_on", "visibility", "created_at"}, rows}
}

func (g *generator) noteBodiesTable() copyTable {
	var (
		id    int64
		body  string
		notes []*notePlan
	)
	w := g.walk(needAftercare)
	rows := &caseRows{w: w, detail: streamNoteDetails}
	rows.count = func(p *casePlan) int {
		notes = notes[:0]
		for i := range p.people {
			for j := range p.people[i].notes {
				notes = append(notes, &p.people[i].notes[j])
			}
		}
		return len(notes)
	}
	rows.fill = func(p *casePlan, k int) {
		id, body = notes[k].id, oneOf(w.r, noteBodies[notes[k].category])
	}
	rows.values = []any{&id, &body}
	return copyTable{"aftercare_note_bodies", []string{"note_id", "body"}, rows}
}

// servicesTable writes the services, and with notes set their notes
// instead.
func (g *generator) servicesTable(notes bool) copyTable {
	var (
		id, person, caseID, recordedBy int64
		provider, agency               int32
		kind, status, note             string
		starts                         time.Time
		ends                           pgtype.Date
		created, updated               time.Time
		services                       []*servicePlan
		owners                         []int64
	)
	w := g.walk(needAftercare)
	rows := &caseRows{w: w, detail: streamServiceDetails}
	rows.count = func(p *casePlan) int {
		services, owners = services[:0], owners[:0]
		for i := range p.people {
			for j := range p.people[i].services {
				if s := &p.people[i].services[j]; !notes || s.note {
					services, owners = append(services, s), append(owners, p.people[i].id)
				}
			}
		}
		return len(services)
	}
	rows.fill = func(p *casePlan, k int) {
		s := services[k]
		id, person, caseID, kind, provider, status = s.id, owners[k], p.id, s.kind, s.provider.id, s.status
		starts, ends, agency, recordedBy, created, updated = s.starts, dateOr(s.ends), s.agency.id, s.recordedBy, s.created, s.updated
		if notes {
			note = oneOf(w.r, serviceNotes)
		}
	}
	if notes {
		rows.values = []any{&id, &note}
		return copyTable{"survivor_service_notes", []string{"service_id", "note"}, rows}
	}
	rows.values = []any{&id, &person, &caseID, &kind, &provider, &status, &starts, &ends, &agency, &recordedBy, &created, &updated}
	return copyTable{"survivor_services", []string{"id", "person_id", "case_id", "kind", "provider_agency_id", "status",
		"starts_on", "ends_on", "agency_id", "recorded_by", "created_at", "updated_at"}, rows}
}
