package seed

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/handshake-mekong/handshake/internal/geo"
)

// refKey counts references per agency and year, as case_counters does.
type refKey struct {
	agency int32
	year   int
}

// walker goes through the cases in order and plans each.
type walker struct {
	g     *generator
	parts part
	src   *rand.PCG
	r     *rand.Rand
	i     int
	p     casePlan
	refs  map[refKey]int32
	next  baseIDs // the last id handed out per table
}

func (g *generator) walk(parts part) *walker {
	if parts&needAftercare != 0 {
		parts |= needPeople
	}
	if parts&needPeople != 0 {
		parts |= needExchange // people may be added by a contributing partner
	}
	src := rand.NewPCG(0, 0)
	return &walker{g: g, parts: parts, src: src, r: rand.New(src), i: -1, refs: map[refKey]int32{}, next: g.base}
}

// stream reseeds the walker's random numbers for the current case.
func (w *walker) stream(s int) *rand.Rand {
	w.src.Seed(w.g.seed, mix(w.i, s))
	return w.r
}

// Next plans the next case; false after the last.
func (w *walker) Next() bool {
	w.i++
	if w.i >= w.g.cases {
		return false
	}
	w.planBase()
	if w.parts&needExchange != 0 {
		w.planExchange()
	}
	if w.parts&needPeople != 0 {
		w.planPeople()
	}
	if w.parts&needAftercare != 0 {
		w.planAftercare()
	}
	return true
}

// between is a time in [from, to), or from when the span is empty.
func between(r *rand.Rand, from, to time.Time) time.Time {
	d := to.Sub(from)
	if d <= 0 {
		return from
	}
	return from.Add(time.Duration(r.Int64N(int64(d))))
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// date is t's calendar date in the region, as a date column holds it.
func date(t time.Time) time.Time {
	y, m, d := t.In(geo.Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// atWork is a time during working hours on day (a date).
func atWork(r *rand.Rand, day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 8, 0, 0, 0, geo.Zone).Add(time.Duration(r.Int64N(int64(10 * time.Hour))))
}

func (w *walker) planBase() {
	g, p := w.g, &w.p
	r := w.stream(streamBase)
	*p = casePlan{id: g.base.cases + int64(w.i) + 1, spot: -1,
		path: p.path[:0], people: p.people[:0], shares: p.shares[:0], referrals: p.referrals[:0]}

	// Cases arrive at a rate that grows by 150% over the five years, as
	// more agencies join, and in id order, as they would.
	const growth = 1.5
	u := (float64(w.i) + 0.5) / float64(g.cases)
	t := (-1 + math.Sqrt(1+2*growth*u*(1+growth/2))) / growth
	day := g.start.AddDate(0, 0, min(int(t*float64(g.days)), g.days-1))
	p.created = atWork(r, day)
	p.opened = date(p.created)
	if r.Float64() < 0.1 { // entered some days after it began
		p.opened = p.opened.AddDate(0, 0, -1-r.IntN(30))
	}

	p.owner = g.owners.pick(r)
	p.category = categories.pick(r)
	if p.owner.code == "th-ticac" {
		p.category = onlineCategories.pick(r)
	}
	p.priority = priorities.pick(r)
	p.handling = handlingByKind[p.owner.kind].pick(r)
	p.country = p.owner.country
	if r.Float64() < 0.15 { // it happened on the other side of the border
		p.country = otherSide(p.country)
	}
	switch {
	case r.Float64() < 0.02:
		p.province = ""
	case p.country == p.owner.country && p.owner.home != "" && r.Float64() < 0.6:
		p.province = p.owner.home
	default:
		p.province = g.provinces[p.country].pick(r).Code
	}
	workers := p.owner.workers()
	p.createdBy = workers[r.IntN(len(workers))]
	if r.Float64() < 0.85 {
		p.lead = workers[r.IntN(len(workers))]
	}

	y := p.created.In(geo.Zone).Year()
	key := refKey{p.owner.id, y}
	w.refs[key]++
	p.reference = reference(p.owner.country, p.owner.short, y, w.refs[key])

	age := g.end.Sub(p.created)
	statuses := statusesOld
	switch {
	case age < 90*24*time.Hour:
		statuses = statusesYoung
	case age < 365*24*time.Hour:
		statuses = statusesMiddle
	}
	p.status = statuses.pick(r)
	for _, s := range statusOrder[1:] {
		if s == p.status {
			break
		}
		if r.Float64() < 0.35 { // many cases skip a step or two
			p.path = append(p.path, s)
		}
	}
	if p.status != "open" {
		p.path = append(p.path, p.status)
	}
	if p.status == "closed" {
		days := min(int(age.Hours()/24)-1, 20+int(r.ExpFloat64()*200))
		p.closed = p.opened.AddDate(0, 0, max(days, 0))
		if c := date(p.created); p.closed.Before(c) {
			p.closed = c
		}
		p.updated = atWork(r, p.closed)
		if !p.updated.After(p.created) {
			p.updated = p.created.Add(time.Hour)
		}
	} else {
		// Recent changes are likelier than old ones; some cases go quiet.
		p.updated = p.created.Add(time.Duration(math.Sqrt(r.Float64()) * float64(age)))
	}
	if !p.updated.Before(g.end) {
		p.updated = g.end.Add(-time.Minute)
	}
	p.version = int32(1 + len(p.path) + r.IntN(3))

	// A quarter of the cases have a known place, near a hotspot of their
	// province; a third of those link it on the case page.
	if spots := g.spotsIn[p.province]; len(spots) > 0 && r.Float64() < 0.25 {
		p.spot = spots[r.IntN(len(spots))]
		h := &g.spots[p.spot]
		p.lon, p.lat = h.lon+(r.Float64()-0.5)*0.02, h.lat+(r.Float64()-0.5)*0.02
		p.linked = r.Float64() < 0.35 && p.owner.seesHotspot(h)
	}
}

// reference is fmt.Sprintf("%s-%s-%d-%04d", country, short, year, n), a
// case's reference as the store numbers it, without fmt, which cost every
// pass over the cases a third of its planning.
func reference(country, short string, year int, n int32) string {
	b := make([]byte, 0, 24)
	b = append(b, country...)
	b = append(b, '-')
	b = append(b, short...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	for d := int32(1000); d > 1 && n < d; d /= 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(n), 10))
}

func otherSide(country string) string {
	if country == "TH" {
		return "KH"
	}
	return "TH"
}

// window is when things happen on the case: from its creation to its
// last change.
func (p *casePlan) window() (time.Time, time.Time) { return p.created, p.updated }

// visibleTo is compute_visible_to's answer: the owner and every agency
// with a live share that the handling code admits, in ascending order.
func (p *casePlan) visibleTo(end time.Time, into []int32) []int32 {
	into = append(into[:0], p.owner.id)
	for i := range p.shares {
		s := &p.shares[i]
		if s.live(end) && s.to.admits(p.handling) {
			into = append(into, s.to.id)
		}
	}
	slices.Sort(into)
	return into
}
