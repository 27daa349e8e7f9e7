package seed

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// copyTable is one table's COPY: the columns it fills and where the rows
// come from.
type copyTable struct {
	name    string
	columns []string
	rows    interface {
		Next() bool
		Values() ([]any, error)
		Err() error
	}
}

// caseRows streams a table's rows, made one case at a time, to pgx's
// CopyFrom: each case yields count(p) rows, and fill sets the k-th into
// the variables that values points at. Nothing is kept beyond the case
// at hand, and no row allocates its values.
type caseRows struct {
	w      *walker
	detail int // the random stream of this table's details
	count  func(p *casePlan) int
	fill   func(p *casePlan, k int)
	k, n   int
	values []any
}

func (c *caseRows) Next() bool {
	for c.k >= c.n {
		if !c.w.Next() {
			return false
		}
		c.w.stream(c.detail)
		c.k, c.n = 0, c.count(&c.w.p)
	}
	c.fill(&c.w.p, c.k)
	c.k++
	return true
}

func (c *caseRows) Values() ([]any, error) { return c.values, nil }
func (c *caseRows) Err() error             { return nil }

// indexRows streams n rows that do not hang on a case.
type indexRows struct {
	i, n   int
	fill   func(i int)
	values []any
}

func (x *indexRows) Next() bool {
	if x.i >= x.n {
		return false
	}
	x.fill(x.i)
	x.i++
	return true
}

func (x *indexRows) Values() ([]any, error) { return x.values, nil }
func (x *indexRows) Err() error             { return nil }

// Nullable values as pgx writes them.
func int8Or(v int64) pgtype.Int8 { return pgtype.Int8{Int64: v, Valid: v != 0} }
func timeOr(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}
func dateOr(t time.Time) pgtype.Date { return pgtype.Date{Time: t, Valid: !t.IsZero()} }

// ewkbPoint is a WGS 84 point in PostGIS's extended well-known binary,
// which is how a geography travels in binary COPY: pgx sends a []byte
// for a type it does not know as the value's binary form, and
// geography_recv reads EWKB.
func ewkbPoint(buf []byte, lon, lat float64) []byte {
	buf = append(buf, 1) // little-endian
	buf = binary.LittleEndian.AppendUint32(buf, 0x20000001)
	buf = binary.LittleEndian.AppendUint32(buf, 4326)
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(lon))
	return binary.LittleEndian.AppendUint64(buf, math.Float64bits(lat))
}

// placeOf is the province a case's text names; the country when it has
// none.
func placeOf(country, province string) geo.Province {
	if p, ok := geo.Lookup(province); ok {
		return p
	}
	if country == "KH" {
		return geo.Province{NameEN: "Cambodia", NameTH: "กัมพูชา", NameKM: "កម្ពុជា"}
	}
	return geo.Province{NameEN: "Thailand", NameTH: "ประเทศไทย", NameKM: "ប្រទេសថៃ"}
}

// caseNationalities: whom a title names ("Cambodian women held …").
var caseNationalities = tableOf([]string{"KH", "TH", "MM", "LA", "VN"}, 55, 20, 12, 7, 6)

// caseText is the case's title and summary, drawn from the stream of its
// details (streamCaseDetails), which the caller has set.
func (w *walker) caseText(p *casePlan) (title, summary string) {
	return caseText(w.r, p.category, placeOf(p.country, p.province), p.owner.country, caseNationalities.pick(w.r))
}

// casesTable also returns its walker, whose reference counters become
// case_counters once the COPY is done.
func (g *generator) casesTable() (copyTable, *walker) {
	var (
		id, createdBy                                                          int64
		owner, version                                                         int32
		ref, title, summary, category, status, priority, country, province, hc string
		lead                                                                   pgtype.Int8
		opened                                                                 time.Time
		closed                                                                 pgtype.Date
		created, updated                                                       time.Time
		visible                                                                []int32
		location, point                                                        []byte
	)
	w := g.walk(needExchange)
	rows := &caseRows{w: w, detail: streamCaseDetails, count: func(*casePlan) int { return 1 }}
	rows.fill = func(p *casePlan, _ int) {
		id, owner, ref, category, status, priority = p.id, p.owner.id, p.reference, p.category, p.status, p.priority
		title, summary = w.caseText(p)
		lead, createdBy, country, province, hc = int8Or(p.lead), p.createdBy, p.country, p.province, string(p.handling)
		opened, closed, version, created, updated = p.opened, dateOr(p.closed), p.version, p.created, p.updated
		visible = p.visibleTo(g.end, visible)
		location = nil
		if p.spot >= 0 {
			point = ewkbPoint(point[:0], p.lon, p.lat)
			location = point
		}
	}
	rows.values = []any{&id, &ref, &owner, &title, &summary, &category, &status, &priority, &lead, &country, &province,
		&hc, &opened, &closed, &version, &createdBy, &created, &updated, &visible, &location}
	return copyTable{"cases", []string{"id", "reference", "owner_agency_id", "title", "summary", "category", "status", "priority",
		"lead_officer_id", "country", "province", "handling_code", "opened_on", "closed_on", "version", "created_by",
		"created_at", "updated_at", "visible_to", "location"}, rows}, w
}

func (g *generator) sharesTable() copyTable {
	var (
		id, caseID, grantedBy int64
		agency                int32
		level, basis, reason  string
		expires, revoked      pgtype.Timestamptz
		granted               time.Time
		revokedBy             pgtype.Int8
	)
	w := g.walk(needExchange)
	rows := &caseRows{w: w, detail: streamShareDetails, count: func(p *casePlan) int { return len(p.shares) }}
	rows.fill = func(p *casePlan, k int) {
		s := &p.shares[k]
		id, caseID, agency, level, basis = s.id, p.id, s.to.id, string(s.level), s.basis
		if s.referral != 0 { // as grant_referral_share words it
			reason = "Referral " + strconv.FormatInt(s.referral, 10) + " accepted"
		} else {
			reason = oneOf(w.r, shareReasons[s.basis])
		}
		expires, grantedBy, granted, revokedBy, revoked = timeOr(s.expires), s.grantedBy, s.granted, int8Or(s.revokedBy), timeOr(s.revoked)
	}
	rows.values = []any{&id, &caseID, &agency, &level, &basis, &reason, &expires, &grantedBy, &granted, &revokedBy, &revoked}
	return copyTable{"case_shares", []string{"id", "case_id", "agency_id", "level", "basis", "reason", "expires_at",
		"granted_by", "granted_at", "revoked_by", "revoked_at"}, rows}
}

func (g *generator) referralsTable() copyTable {
	var (
		id, caseID, sentBy                          int64
		from, to                                    int32
		reference, purpose, urgency, message, state string
		respondBy, sent, updated                    time.Time
		identity, crossBorder                       bool
		identityReason, declineReason               pgtype.Text
		assignedTo, respondedBy, closedBy           pgtype.Int8
		responded, closed                           pgtype.Timestamptz
	)
	w := g.walk(needExchange | needPeople)
	rows := &caseRows{w: w, detail: streamReferralDetails, count: func(p *casePlan) int { return len(p.referrals) }}
	rows.fill = func(p *casePlan, k int) {
		rf := &p.referrals[k]
		id, caseID, reference, from, to = rf.id, p.id, p.reference, p.owner.id, rf.to.id
		purpose, urgency, message, state = rf.purpose, rf.urgency, oneOf(w.r, referralMessages[rf.purpose]), rf.state
		respondBy, sent, identity, crossBorder = rf.respondBy, rf.sent, rf.identity, p.owner.country != rf.to.country
		identityReason = pgtype.Text{}
		if rf.identity && withoutConsent(p) { // the store asks for a reason then
			identityReason = pgtype.Text{String: "Not every survivor could be asked; the receiving shelter needs their names.", Valid: true}
		}
		declineReason = pgtype.Text{}
		if rf.state == "declined" {
			declineReason = pgtype.Text{String: oneOf(w.r, declineReasons), Valid: true}
		}
		sentBy, assignedTo, respondedBy, responded = rf.sentBy, int8Or(rf.assignedTo), int8Or(rf.respondedBy), timeOr(rf.responded)
		closedBy, closed = int8Or(rf.closedBy), timeOr(rf.closed)
		updated = latest(rf.sent, rf.responded, rf.closed)
	}
	rows.values = []any{&id, &caseID, &reference, &from, &to, &purpose, &urgency, &message, &respondBy, &identity, &identityReason,
		&crossBorder, &state, &sentBy, &sent, &assignedTo, &respondedBy, &responded, &declineReason, &closedBy, &closed, &updated}
	return copyTable{"referrals", []string{"id", "case_id", "case_reference", "from_agency_id", "to_agency_id", "purpose", "urgency",
		"message", "respond_by", "include_identity", "identity_reason", "cross_border", "state", "sent_by", "sent_at", "assigned_to",
		"responded_by", "responded_at", "decline_reason", "closed_by", "closed_at", "updated_at"}, rows}
}

// withoutConsent: someone on the case whose identity is not open to
// partners (referrals.Store.Send asks for a reason then).
func withoutConsent(p *casePlan) bool {
	for i := range p.people {
		if pp := &p.people[i]; pp.role != access.Suspect && pp.consentAt.IsZero() && pp.overrideBy == 0 {
			return true
		}
	}
	return false
}

// codeAlphabet is base32's, as cases.newCode's rand.Text uses: no
// look-alikes to misread over a phone.
const codeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// personCode is a pseudonymous code such as S-7F3KQA. The store's codes
// have four characters while those are free, a million per role: too few
// for a million cases, so these have six (the column allows eight). A
// bijection of the id over 30 bits keeps them unique without a lookup;
// apart from the store's four, and the store tries again when a longer
// code of its own is taken.
func personCode(seed uint64, id int64, role access.PersonRole) string {
	const mask = 1<<30 - 1
	x := (uint64(id) ^ seed) & mask
	x = (x*0x2545F491 + seed>>34) & mask
	x ^= x >> 15
	x = (x * 0x1B873593) & mask
	x ^= x >> 13
	b := []byte{codePrefix(role), '-', 0, 0, 0, 0, 0, 0}
	for i := 7; i >= 2; i-- {
		b[i] = codeAlphabet[x&31]
		x >>= 5
	}
	return string(b)
}

func codePrefix(role access.PersonRole) byte {
	switch role {
	case access.Survivor:
		return 'S'
	case access.Suspect:
		return 'P'
	}
	return 'W'
}

func (g *generator) peopleTable() copyTable {
	var (
		id, caseID                    int64
		role, code, sex, nationality  string
		age                           pgtype.Int4
		consent                       bool
		consentAt, overrideAt         pgtype.Timestamptz
		overrideReason, suspectStatus pgtype.Text
		overrideBy                    pgtype.Int8
		addedBy                       int32
		created, updated              time.Time
	)
	w := g.walk(needPeople)
	rows := &caseRows{w: w, detail: streamPeopleDetails, count: func(p *casePlan) int { return len(p.people) }}
	rows.fill = func(p *casePlan, k int) {
		pp := &p.people[k]
		id, caseID, role, code, sex, nationality = pp.id, p.id, string(pp.role), personCode(g.seed, pp.id, pp.role), pp.sex, pp.nationality
		age = pgtype.Int4{Int32: int32(pp.age), Valid: pp.age >= 0}
		consent, consentAt = !pp.consentAt.IsZero(), timeOr(pp.consentAt)
		overrideBy, overrideAt, overrideReason = int8Or(pp.overrideBy), timeOr(pp.overrideAt), pgtype.Text{}
		if pp.overrideBy != 0 {
			overrideReason = pgtype.Text{String: "The survivor is a minor and the shelter must know who she is.", Valid: true}
		}
		suspectStatus = pgtype.Text{String: pp.suspectStatus, Valid: pp.suspectStatus != ""}
		addedBy, created = pp.addedBy.id, pp.created
		updated = latest(pp.created, pp.consentAt, pp.overrideAt)
	}
	rows.values = []any{&id, &caseID, &role, &code, &sex, &age, &nationality, &consent, &consentAt, &overrideReason, &overrideBy,
		&overrideAt, &suspectStatus, &addedBy, &created, &updated}
	return copyTable{"case_people", []string{"id", "case_id", "role", "code", "sex", "age_estimate", "nationality", "consent",
		"consent_recorded_at", "override_reason", "override_by", "override_at", "suspect_status", "added_by_agency_id",
		"created_at", "updated_at"}, rows}
}

func (g *generator) identitiesTable() copyTable {
	var (
		id, caseID                       int64
		names, aliases                   []string
		born                             pgtype.Date
		languages, documents, searchText string
		visible                          []int32
	)
	w := g.walk(needPeople)
	g.words = wordSet{}
	rows := &caseRows{w: w, detail: streamIdentityDetails, count: func(p *casePlan) int { return len(p.people) }}
	rows.fill = func(p *casePlan, k int) {
		pp := &p.people[k]
		id = pp.id
		// What person_identities_set_case would write (migration 0013).
		caseID, visible = p.id, p.visibleTo(g.end, visible)
		names, aliases, born, languages, documents = w.identity(pp)
		searchText = searchTextOf(names, aliases)
		g.words.add(searchText)
	}
	rows.values = []any{&id, &names, &aliases, &born, &languages, &documents, &searchText, &caseID, &visible}
	return copyTable{"person_identities", []string{"person_id", "names", "aliases", "date_of_birth", "languages", "documents",
		"search_text", "case_id", "visible_to"}, rows}
}

// identity is a person's identity, drawn from the stream of the case's
// identities (streamIdentityDetails), which the caller has set before the
// case's first person: each person's draws follow the one before.
func (w *walker) identity(pp *personPlan) (names, aliases []string, born pgtype.Date, languages, documents string) {
	names, aliases = personNames(w.r, pp.nationality, pp.sex == "female", pp.role)
	if aliases == nil {
		aliases = []string{}
	}
	if pp.age >= 0 && w.r.Float64() < 0.35 {
		born = pgtype.Date{Time: date(pp.created).AddDate(-pp.age, 0, -w.r.IntN(365)), Valid: true}
	}
	return names, aliases, born, languagesSpoken(w.r, pp.nationality), documentOf(w.r, pp.nationality)
}

// searchTextOf is what the person_identities_search_text trigger writes.
func searchTextOf(names, aliases []string) string {
	return strings.Join(append(slices.Clip(names), aliases...), " ")
}
