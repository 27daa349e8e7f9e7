package seed

import (
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

const day = 24 * time.Hour

// Proportions of sharing and referring.
var (
	// Partners a case is opened to, directly or by referral: 58% of the
	// cases that may be shared have at least one, a few have four.
	partnerCounts = tableOf([]int{0, 1, 2, 3, 4}, 42, 33, 15, 7, 3)
	shareLevels   = tableOf([]access.ShareLevel{access.Read, access.Contribute}, 65, 35)
	shareBases    = tableOf([]string{"request", "legal_basis", "joint_operation", "referral"}, 40, 15, 25, 20)
	urgencies     = tableOf([]string{"normal", "high", "urgent"}, 55, 30, 15)
	// What each kind of agency is asked for.
	purposesFor = map[access.Kind][]string{
		access.Police:        {"investigation_assistance", "arrest", "rescue"},
		access.NGO:           {"aftercare", "shelter_placement", "legal_assistance", "repatriation"},
		access.Government:    {"repatriation", "shelter_placement", "legal_assistance", "investigation_assistance"},
		access.International: {"repatriation", "aftercare"},
	}
	// Most referrals still within their respond-by date are pending; a
	// fifth of those past it in the last month are too, overdue, and the
	// coordinators see them first; older ones have nearly all been
	// answered, and most accepted ones completed.
	referralStates = []string{"pending", "accepted", "declined", "withdrawn", "completed"}
	waitingStates  = tableOf(referralStates, 70, 22, 6, 2, 0)
	lateStates     = tableOf(referralStates, 20, 50, 15, 5, 10)
	olderStates    = tableOf(referralStates, 2, 30, 14, 8, 46)
	// Referrals about a survivor's care, which caseworkers take on and
	// which may carry the survivors' identity.
	carePurposes = []string{"aftercare", "shelter_placement", "repatriation", "legal_assistance"}
	// As referrals.respondWithin.
	respondWithin = map[string]time.Duration{"urgent": day, "high": 3 * day, "normal": 7 * day}
)

func (w *walker) nextShare() int64    { w.next.shares++; return w.next.shares }
func (w *walker) nextReferral() int64 { w.next.referrals++; return w.next.referrals }

// planExchange opens the case to its partners: directly by a share, or by
// a referral that, once accepted, grants a contribute share.
func (w *walker) planExchange() {
	p := &w.p
	if p.handling == access.Originator { // never shared or referred onward
		return
	}
	r := w.stream(streamExchange)
	le := 0
	if p.handling == access.LawEnforcement {
		le = 1
	}
	k := partnerCounts.pick(r)
	var chosen [8]*scaleAgency
	n := 0
	for attempt := 0; n < k && attempt < 3*k; attempt++ {
		a := w.g.partners[p.owner][le].pick(r)
		if locals := w.g.local[p.province]; len(locals) > 0 && r.Float64() < 0.25 {
			a = locals[r.IntN(len(locals))] // the agency of the place where it happened
		}
		if a == p.owner || slices.Contains(chosen[:n], a) {
			continue
		}
		chosen[n] = a
		n++
	}
	for _, a := range chosen[:n] {
		// A referral needs a receiving agency the handling code admits
		// (referrals_send) and a coordinator there to answer it.
		if a.kind != access.Coordination && a.admits(p.handling) && r.Float64() < 0.3 {
			w.planReferral(r, a)
		} else {
			w.planShare(r, a)
		}
	}
}

// ictMidnight is the start of date d in the region, as cases.ShareInput
// ends a share.
func ictMidnight(d time.Time) time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, geo.Zone)
}

func (w *walker) planShare(r *rand.Rand, a *scaleAgency) {
	p, end := &w.p, w.g.end
	from, to := p.window()
	s := sharePlan{id: w.nextShare(), to: a, level: shareLevels.pick(r), basis: shareBases.pick(r),
		grantedBy: p.owner.anyOf(r, access.Coordinator), granted: between(r, from, to)}
	if a.kind == access.Coordination { // they take no part in the work
		s.level = access.Read
	}
	// 8% ended before today, 7% end later; shares end at the start of a
	// day, never today, so visible_to stays right all day long.
	switch x := r.Float64(); {
	case x < 0.08:
		if e := ictMidnight(date(s.granted).AddDate(0, 0, 7+r.IntN(90))); !e.After(end) {
			s.expires = e
			break
		}
		fallthrough
	case x < 0.15:
		s.expires = ictMidnight(date(end).AddDate(0, 0, 1+r.IntN(180)))
	}
	if r.Float64() < 0.07 && s.granted.Add(time.Hour).Before(end) {
		s.revokedBy = p.owner.anyOf(r, access.Coordinator)
		s.revoked = between(r, s.granted.Add(time.Hour), end)
	}
	p.shares = append(p.shares, s)
}

func (w *walker) planReferral(r *rand.Rand, a *scaleAgency) {
	p, end := &w.p, w.g.end
	from, to := p.window()
	workers := p.owner.workers()
	rf := referralPlan{id: w.nextReferral(), to: a, purpose: oneOf(r, purposesFor[a.kind]), urgency: urgencies.pick(r),
		sentBy: workers[r.IntN(len(workers))], sent: between(r, from, to)}
	if p.status != "closed" && r.Float64() < 0.3 { // work goes on: a recent referral
		rf.sent = between(r, latest(from, end.Add(-30*day)), end)
	}
	rf.respondBy = rf.sent.Add(respondWithin[rf.urgency])
	care := slices.Contains(carePurposes, rf.purpose)
	rf.identity = care && r.Float64() < 0.25
	states := olderStates
	switch {
	case rf.respondBy.After(end):
		states = waitingStates
	case end.Sub(rf.sent) < 30*day:
		states = lateStates
	}
	rf.state = states.pick(r)
	// Answers take a day or so, some a week or more.
	delay := time.Duration(math.Exp(math.Log(30)+1.2*r.NormFloat64()) * float64(time.Hour))
	switch rf.state {
	case "accepted", "declined", "completed":
		rf.respondedBy, rf.responded = a.anyOf(r, access.Coordinator), rf.sent.Add(delay)
	case "withdrawn":
		rf.closedBy, rf.closed = rf.sentBy, rf.sent.Add(delay)
	}
	if rf.state == "completed" {
		rf.closedBy, rf.closed = a.anyOf(r, access.Coordinator), rf.responded.Add(time.Duration(5+r.IntN(115))*day)
	}
	// What has not happened by today has not happened yet.
	if !rf.closed.IsZero() && !rf.closed.Before(end) {
		rf.closedBy, rf.closed = 0, time.Time{}
		rf.state = map[string]string{"completed": "accepted", "withdrawn": "pending"}[rf.state]
	}
	if !rf.responded.IsZero() && !rf.responded.Before(end) {
		rf.respondedBy, rf.responded, rf.state = 0, time.Time{}, "pending"
	}
	if rf.state != "declined" && rf.state != "withdrawn" && r.Float64() < 0.4 {
		rf.assignedTo = a.anyOf(r, access.Investigator, access.Caseworker, access.Coordinator)
		if care {
			rf.assignedTo = a.anyOf(r, access.Caseworker, access.Coordinator)
		}
	}
	p.referrals = append(p.referrals, rf)
	if rf.state == "accepted" || rf.state == "completed" { // as grant_referral_share does
		s := sharePlan{id: w.nextShare(), to: a, level: access.Contribute, basis: "referral", referral: rf.id,
			grantedBy: rf.respondedBy, granted: rf.responded}
		if r.Float64() < 0.03 && rf.responded.Add(time.Hour).Before(end) {
			s.revokedBy, s.revoked = p.owner.anyOf(r, access.Coordinator), between(r, rf.responded.Add(time.Hour), end)
		}
		p.shares = append(p.shares, s)
	}
}
