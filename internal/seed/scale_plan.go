package seed

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// table is a weighted choice among vals.
type table[T any] struct {
	vals []T
	cum  []float64
}

func tableOf[T any](vals []T, weights ...float64) table[T] {
	if len(vals) != len(weights) {
		panic(fmt.Sprintf("seed: %d values, %d weights", len(vals), len(weights)))
	}
	t := table[T]{vals: vals, cum: make([]float64, len(weights))}
	sum := 0.0
	for i, w := range weights {
		sum += w
		t.cum[i] = sum
	}
	return t
}

func (t table[T]) pick(r *rand.Rand) T {
	x := r.Float64() * t.cum[len(t.cum)-1]
	return t.vals[sort.Search(len(t.cum), func(i int) bool { return t.cum[i] > x })]
}

// Proportions of the cases. Each is a judgement of what the border's case
// files look like; none is measured.
var (
	// Labour trafficking and scam compounds are the bulk of cross-border
	// cases in the region; sexual exploitation follows.
	categories = tableOf([]string{"labour_trafficking", "sex_trafficking", "scam_compound", "online_child_exploitation",
		"child_sexual_exploitation", "forced_begging", "forced_marriage", "other"}, 26, 22, 16, 10, 8, 6, 6, 6)
	// An internet crimes unit works mostly online cases.
	onlineCategories = tableOf([]string{"online_child_exploitation", "child_sexual_exploitation", "sex_trafficking"}, 75, 20, 5)
	priorities       = tableOf([]string{"low", "normal", "high", "urgent"}, 15, 50, 25, 10)
	// Police keep more to law enforcement; NGOs almost never do.
	handlingByKind = map[access.Kind]table[access.HandlingCode]{
		access.Police:        tableOf([]access.HandlingCode{access.Partners, access.LawEnforcement, access.Originator}, 70, 24, 6),
		access.Government:    tableOf([]access.HandlingCode{access.Partners, access.LawEnforcement, access.Originator}, 80, 14, 6),
		access.NGO:           tableOf([]access.HandlingCode{access.Partners, access.LawEnforcement, access.Originator}, 92, 2, 6),
		access.International: tableOf([]access.HandlingCode{access.Partners, access.LawEnforcement, access.Originator}, 92, 2, 6),
	}
	// Statuses by how long ago the case was opened: young cases are open
	// or under investigation, most cases older than a year are closed.
	statusOrder    = []string{"open", "investigating", "operation_planned", "rescued", "prosecution", "closed"}
	statusesYoung  = tableOf(statusOrder, 40, 35, 10, 8, 2, 5)   // under 90 days
	statusesMiddle = tableOf(statusOrder, 15, 30, 7, 15, 13, 20) // up to a year
	statusesOld    = tableOf(statusOrder, 5, 10, 2, 10, 18, 55)
)

// hotspot is a generated hotspot, kept in memory so that cases can happen
// near one.
type hotspot struct {
	id       int64
	owner    *scaleAgency
	province string
	lon, lat float64
	handling access.HandlingCode
}

// seesHotspot mirrors the hotspots_read policy: whether agency a sees h.
func (a *scaleAgency) seesHotspot(h *hotspot) bool {
	return h.owner == a || a.admits(h.handling)
}

// baseIDs are the largest ids in the loaded tables before the load: the
// dataset's ids follow them, so that the rows can refer to each other
// without asking the database.
type baseIDs struct {
	cases, shares, people, entries, referrals, notes, services, hotspots, contacts int64
}

// generator holds what every pass over the cases shares. It never changes
// once built, so passes may run one after another and agree on every row.
type generator struct {
	seed       uint64
	cases      int
	start, end time.Time // data lies in [start, end): five years up to the start of today in the region
	days       int
	world      []*scaleAgency
	owners     table[*scaleAgency]
	partners   map[*scaleAgency][2]table[*scaleAgency] // by owner; [1] for law_enforcement cases
	local      map[string][]*scaleAgency               // agencies by home province
	providers  map[string][]*scaleAgency               // agencies that provide aftercare, by country
	provinces  map[string]table[geo.Province]          // by country
	spots      []hotspot
	spotsIn    map[string][]int32 // hotspots by province
	base       baseIDs
	words      wordSet // of the identities copied in (scale_words.go)
}

// Streams of random numbers, one per part of a case's plan and one per
// table's details: a pass draws only the streams it needs, and every pass
// still agrees on the parts it shares with another.
const (
	streamBase = iota
	streamExchange
	streamPeople
	streamAftercare
	streamCaseDetails
	streamShareDetails
	streamReferralDetails
	streamPeopleDetails
	streamIdentityDetails
	streamEntryDetails
	streamNoteDetails
	streamServiceDetails
	streamLinkDetails
)

// mix spreads case i's stream over the generator's 64-bit seed space
// (splitmix64's finaliser).
func mix(i int, stream int) uint64 {
	z := uint64(i)<<6 + uint64(stream) + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// part is what a pass needs of each case's plan.
type part int

const (
	needExchange part = 1 << iota // shares and referrals
	needPeople
	needAftercare
)

// casePlan is one case and everything more than one table needs to know of
// it. The details only one table needs are drawn by that table's pass.
type casePlan struct {
	id        int64
	owner     *scaleAgency
	createdBy int64
	lead      int64 // 0 for none
	reference string
	category  string
	status    string
	priority  string
	handling  access.HandlingCode
	country   string
	province  string
	opened    time.Time // a date
	closed    time.Time // a date; zero unless closed
	created   time.Time
	updated   time.Time
	path      []string // statuses the case went through before its current one
	version   int32
	spot      int32 // the hotspot it happened near; -1 for no known place
	linked    bool  // and the case page links that hotspot
	lon, lat  float64
	people    []personPlan
	shares    []sharePlan
	referrals []referralPlan
}

type personPlan struct {
	id            int64
	role          access.PersonRole
	sex           string
	age           int // -1 for unknown
	nationality   string
	consentAt     time.Time // zero for no consent
	overrideBy    int64     // 0 for no override
	overrideAt    time.Time
	suspectStatus string
	addedBy       *scaleAgency
	created       time.Time
	notes         []notePlan
	services      []servicePlan
}

type sharePlan struct {
	id        int64
	to        *scaleAgency
	level     access.ShareLevel
	basis     string
	referral  int64 // the accepted referral that granted it; 0 for a share granted directly
	grantedBy int64
	granted   time.Time
	expires   time.Time // zero for none
	revokedBy int64
	revoked   time.Time // zero unless revoked
}

// live: what compute_visible_to counts, at any time during the day of the
// load (expiries never fall within it).
func (s *sharePlan) live(end time.Time) bool {
	return s.revoked.IsZero() && (s.expires.IsZero() || s.expires.After(end))
}

type referralPlan struct {
	id          int64
	to          *scaleAgency
	purpose     string
	urgency     string
	state       string
	sentBy      int64
	sent        time.Time
	respondBy   time.Time
	identity    bool // include_identity
	assignedTo  int64
	respondedBy int64
	responded   time.Time
	closedBy    int64
	closed      time.Time
}

type notePlan struct {
	id         int64
	agency     *scaleAgency
	author     int64
	category   string
	visibility access.NoteVisibility
	created    time.Time
	followUp   time.Time // a date; zero for none
}

type servicePlan struct {
	id         int64
	kind       string
	provider   *scaleAgency
	agency     *scaleAgency
	recordedBy int64
	status     string
	starts     time.Time
	ends       time.Time // zero for open-ended
	created    time.Time
	updated    time.Time
	note       bool
}
