package seed

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
)

// Proportions of the people on a case: about 2.2 a case, 1.4 of them
// survivors.
var (
	survivorCounts = tableOf([]int{0, 1, 2, 3, 4, 5}, 15, 60, 15, 6, 3, 1)
	// Labour and scam compound cases often concern a group of workers.
	groupSurvivorCounts = tableOf([]int{0, 1, 2, 3, 4, 5, 6}, 10, 45, 20, 12, 7, 4, 2)
	// Intelligence files seldom name a victim.
	fewSurvivorCounts = tableOf([]int{0, 1, 2}, 45, 40, 15)
	suspectCounts     = tableOf([]int{0, 1, 2, 3}, 50, 37, 10, 3)
	witnessCounts     = tableOf([]int{0, 1, 2}, 85, 13, 2)

	sexes = []string{"female", "male", "other", "unknown"}
	// Survivors' sex by category: sexual exploitation and forced marriage
	// are nearly all women and girls, fishing and construction mostly men.
	survivorSexes = map[string]table[string]{
		"sex_trafficking":           tableOf(sexes, 94, 3, 1, 2),
		"forced_marriage":           tableOf(sexes, 97, 0, 1, 2),
		"labour_trafficking":        tableOf(sexes, 33, 63, 1, 3),
		"scam_compound":             tableOf(sexes, 38, 59, 1, 2),
		"child_sexual_exploitation": tableOf(sexes, 65, 32, 1, 2),
		"online_child_exploitation": tableOf(sexes, 62, 35, 1, 2),
		"forced_begging":            tableOf(sexes, 45, 50, 1, 4),
		"other":                     tableOf(sexes, 50, 40, 1, 9),
	}
	suspectSexes = tableOf(sexes, 25, 70, 0, 5)
	witnessSexes = tableOf(sexes, 50, 45, 1, 4)

	nationalities = []string{"KH", "TH", "MM", "LA", "VN", "CN", "GB", "US", "AU", "DE", ""}
	// Most survivors crossing this border are Cambodian; suspects are Thai
	// and Cambodian brokers, Chinese compound managers, and foreign
	// offenders in child exploitation.
	survivorNationalities = tableOf(nationalities, 50, 25, 12, 6, 5, 2, 0, 0, 0, 0, 3)
	suspectNationalities  = tableOf(nationalities, 33, 35, 4, 2, 3, 15, 2, 2, 1, 1, 2)
	witnessNationalities  = tableOf(nationalities, 44, 45, 4, 2, 1, 0, 0, 0, 0, 0, 4)

	// A suspect's status follows the case's: wanted while it is
	// investigated, charged in prosecution, often convicted once closed.
	suspectStatuses = []string{"wanted", "arrested", "charged", "convicted", "released"}
	suspectByStatus = map[string]table[string]{
		"open":              tableOf(suspectStatuses, 80, 12, 0, 0, 8),
		"investigating":     tableOf(suspectStatuses, 70, 20, 0, 0, 10),
		"operation_planned": tableOf(suspectStatuses, 75, 15, 0, 0, 10),
		"rescued":           tableOf(suspectStatuses, 35, 45, 0, 0, 20),
		"prosecution":       tableOf(suspectStatuses, 5, 20, 60, 0, 15),
		"closed":            tableOf(suspectStatuses, 20, 0, 15, 45, 20),
	}

	// Aftercare: what caseworkers write about, and whether the partners
	// may read it.
	noteCategories = tableOf([]string{"psychosocial", "medical", "shelter", "legal", "education", "livelihood", "repatriation", "reintegration"},
		25, 20, 15, 12, 8, 8, 7, 5)
	noteVisibilities = tableOf([]access.NoteVisibility{access.WholeCase, access.AgencyOnly}, 60, 40)
	serviceKinds     = tableOf([]string{"shelter_stay", "medical", "legal_aid", "repatriation", "reintegration"}, 30, 25, 20, 15, 10)
)

func (w *walker) planPeople() {
	p := &w.p
	r := w.stream(streamPeople)
	survivors := survivorCounts
	switch p.category {
	case "labour_trafficking", "scam_compound":
		survivors = groupSurvivorCounts
	case "other":
		survivors = fewSurvivorCounts
	}
	// Partners that may add people (a contribute share), sometimes do.
	var contributors []*scaleAgency
	for i := range p.shares {
		if s := &p.shares[i]; s.level == access.Contribute && s.revoked.IsZero() && len(s.to.workers()) > 0 {
			contributors = append(contributors, s.to)
		}
	}
	from, to := p.window()
	early := from.Add(to.Sub(from) / 2) // people are mostly added early on
	add := func(role access.PersonRole, n int) {
		for range n {
			w.next.people++
			pp := personPlan{id: w.next.people, role: role, age: -1, addedBy: p.owner, created: between(r, from, early)}
			if len(contributors) > 0 && r.Float64() < 0.1 {
				pp.addedBy = contributors[r.IntN(len(contributors))]
			}
			switch role {
			case access.Survivor:
				pp.sex, pp.nationality = survivorSexes[p.category].pick(r), survivorNationalities.pick(r)
				switch p.category {
				case "child_sexual_exploitation", "online_child_exploitation", "forced_begging":
					pp.age = 6 + r.IntN(12)
				case "sex_trafficking", "forced_marriage":
					pp.age = 14 + r.IntN(17)
				default:
					pp.age = 16 + r.IntN(30)
				}
			case access.Suspect:
				pp.sex, pp.nationality, pp.age = suspectSexes.pick(r), suspectNationalities.pick(r), 20+r.IntN(46)
				pp.suspectStatus = suspectByStatus[p.status].pick(r)
			case access.Witness:
				pp.sex, pp.nationality, pp.age = witnessSexes.pick(r), witnessNationalities.pick(r), 16+r.IntN(55)
			}
			if r.Float64() < 0.12 {
				pp.age = -1
			}
			// Consent is recorded by the owner, with the person in front
			// of them; an override with a reason opens a few more.
			if role != access.Suspect && pp.addedBy == p.owner && r.Float64() < 0.55 {
				pp.consentAt = between(r, pp.created, earliest(pp.created.Add(5*day), w.g.end))
			} else if role == access.Survivor && r.Float64() < 0.06 {
				pp.overrideBy = p.owner.anyOf(r, access.Coordinator)
				pp.overrideAt = between(r, pp.created, earliest(pp.created.Add(30*day), w.g.end))
			}
			p.people = append(p.people, pp)
		}
	}
	add(access.Survivor, survivors.pick(r))
	add(access.Suspect, suspectCounts.pick(r))
	add(access.Witness, witnessCounts.pick(r))
}

// planAftercare gives some survivors notes and services, written by the
// agencies with access that keep aftercare files: the owner, or a partner
// the handling code admits, with caseworkers.
func (w *walker) planAftercare() {
	p, end := &w.p, w.g.end
	r := w.stream(streamAftercare)
	var carers [8]*scaleAgency
	n := 0
	if p.owner.hasCaseworkers() {
		carers[n] = p.owner
		n++
	}
	for i := range p.shares {
		if s := &p.shares[i]; s.to.hasCaseworkers() && s.to.admits(p.handling) && n < len(carers) && !slices.Contains(carers[:n], s.to) {
			carers[n] = s.to
			n++
		}
	}
	if n == 0 {
		return
	}
	for i := range p.people {
		pp := &p.people[i]
		if pp.role != access.Survivor {
			continue
		}
		// Aftercare goes on after the case's last change, for up to half
		// a year.
		until := earliest(p.updated.Add(180*day), end)
		if r.Float64() < 0.3 {
			notes := 1
			for notes < 8 && r.Float64() < 0.45 {
				notes++
			}
			for range notes {
				a := carers[r.IntN(n)]
				w.next.notes++
				note := notePlan{id: w.next.notes, agency: a, author: a.anyOf(r, access.Caseworker), category: noteCategories.pick(r),
					visibility: noteVisibilities.pick(r), created: between(r, pp.created, until)}
				if r.Float64() < 0.3 {
					note.followUp = date(note.created).AddDate(0, 0, 7+r.IntN(39))
				}
				pp.notes = append(pp.notes, note)
			}
		}
		if r.Float64() < 0.2 {
			services := 1
			if r.Float64() < 0.3 {
				services = 2
			}
			for range services {
				w.next.services++
				pp.services = append(pp.services, w.planService(r, carers[r.IntN(n)], pp.created, until))
			}
		}
	}
}

func (w *walker) planService(r *rand.Rand, a *scaleAgency, from, until time.Time) servicePlan {
	end, today := w.g.end, date(w.g.end)
	providers := w.g.providers[w.p.country]
	s := servicePlan{id: w.next.services, kind: serviceKinds.pick(r), provider: providers[r.IntN(len(providers))], agency: a,
		recordedBy: a.anyOf(r, access.Caseworker, access.Coordinator), created: between(r, from, until)}
	s.starts = date(s.created).AddDate(0, 0, r.IntN(30))
	s.updated = s.created
	x := r.Float64()
	switch {
	case s.starts.After(today) || x < 0.1:
		s.status = "planned"
		if !s.starts.After(today) { // planned for later, recorded lately
			s.created = between(r, latest(from, end.Add(-14*day)), end)
			s.starts = today.AddDate(0, 0, 1+r.IntN(30))
			s.updated = s.created
		}
	case x < 0.6:
		s.status = "completed"
		s.ends = s.starts.AddDate(0, 0, 3+r.IntN(178))
		if s.ends.Before(today) {
			s.updated = atWork(r, s.ends)
			break
		}
		s.status, s.ends = "active", time.Time{}
	case x < 0.9:
		s.status = "active"
	default:
		s.status = "cancelled"
	}
	if s.updated.Before(s.created) || !s.updated.Before(end) {
		s.updated = s.created
	}
	s.note = r.Float64() < 0.4
	return s
}
