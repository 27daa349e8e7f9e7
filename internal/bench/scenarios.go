package bench

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/handshake-mekong/handshake/internal/access"
)

// Scenario is one endpoint under load: which accounts may use it, and the
// request a virtual user sends next.
type Scenario struct {
	Name string
	// Uses reports whether an account may use the endpoint; nil lets every
	// account.
	Uses func(Account) bool
	// Next is a virtual user's n-th request, as account a. n runs on from a
	// different start for each user, so users spread over the terms and ids.
	Next func(a Account, n int) Request
}

// Request is one request of a scenario.
type Request struct {
	Method string
	Path   string
	Form   url.Values // the body of a POST
	Want   int        // the status that counts as success
	// Anonymous requests go without the session's cookies: a sign-in.
	Anonymous bool
}

// Terms are what the searches look for: parts of names and words, in each
// script. Each needs at least three characters, as search does.
type Terms struct {
	Thai, Khmer, Latin []string
	// Directory are parts of officers' names for the partner directory.
	Directory []string
}

// DefaultTerms are parts of the names and words the scale data use
// (internal/seed's scale_names.go and scale_texts.go), from common ones
// that match thousands of cases to rare ones, and some of the demo's.
var DefaultTerms = Terms{
	Thai:      []string{"สมชาย", "ลำดวน", "ศรีสุข", "คาราโอเกะ", "พิมพ์ชนก"},
	Khmer:     []string{"សុខា", "ស្រីពៅ", "ចាន់ណារី", "ប្រាក់", "ខារ៉ាអូខេ"},
	Latin:     []string{"karaoke", "Sreypov", "Nguyen", "passport", "Kyaw"},
	Directory: []string{"สมชาย", "ศรี", "សុខ", "ចាន់", "Srey", "Mark"},
}

// Map boxes: the border crossing at Poipet and Aranyaprathet, and the whole
// region the map opens on.
const (
	boxPoipet = "102,13,103.5,14.2"
	boxRegion = "97.3,5.6,107.7,20.5"
)

func get(path string) Request {
	return Request{Method: http.MethodGet, Path: path, Want: http.StatusOK}
}

func pick[T any](list []T, n int) T { return list[n%len(list)] }

func searchOf(terms []string) func(Account, int) Request {
	return func(_ Account, n int) Request { return get("/cases?q=" + url.QueryEscape(pick(terms, n))) }
}

// Scenarios are the endpoints make bench drives, in order. caseIDs are the
// cases each account saw on its lists, for the case page.
func Scenarios(t Terms, password string, caseIDs map[string][]int64) []Scenario {
	readsCases := func(a Account) bool { return a.Actor.ReadsCases() }
	fixed := func(path string) func(Account, int) Request {
		return func(Account, int) Request { return get(path) }
	}
	return []Scenario{
		{Name: "baseline", Next: fixed("/bench/baseline")},
		{Name: "login", Next: func(a Account, _ int) Request {
			return Request{Method: http.MethodPost, Path: "/login", Want: http.StatusSeeOther, Anonymous: true,
				Form: url.Values{"email": {a.Email}, "password": {password}}}
		}},
		{Name: "cases", Uses: readsCases, Next: fixed("/cases")},
		{Name: "cases-filtered", Uses: readsCases, Next: fixed("/cases?status=investigating&province=TH-27")},
		{Name: "search-th", Uses: readsCases, Next: searchOf(t.Thai)},
		{Name: "search-km", Uses: readsCases, Next: searchOf(t.Khmer)},
		{Name: "search-latin", Uses: readsCases, Next: searchOf(t.Latin)},
		{Name: "case-page", Uses: func(a Account) bool { return readsCases(a) && len(caseIDs[a.Email]) > 0 },
			Next: func(a Account, n int) Request {
				return get("/cases/" + strconv.FormatInt(pick(caseIDs[a.Email], n), 10))
			}},
		{Name: "referrals", Uses: readsCases, Next: fixed("/referrals")},
		{Name: "desk", Uses: func(a Account) bool { return a.Actor.CanUseDesk() }, Next: fixed("/desk")},
		{Name: "map-poipet", Uses: readsHotspots, Next: fixed("/hotspots/map.geojson?bbox=" + boxPoipet)},
		{Name: "map-region", Uses: readsHotspots, Next: fixed("/hotspots/map.geojson?bbox=" + boxRegion)},
		{Name: "directory", Next: func(_ Account, n int) Request {
			return get("/directory?name=" + url.QueryEscape(pick(t.Directory, n)))
		}},
	}
}

func readsHotspots(a Account) bool { return a.Actor.ReadsHotspots() }

// ScenarioNames lists the names of scenarios, for the usage message.
func ScenarioNames() []string {
	var names []string
	for _, s := range Scenarios(DefaultTerms, "", nil) {
		names = append(names, s.Name)
	}
	return names
}

// eligible are the accounts that may use s.
func eligible(s Scenario, accounts []Account) []Account {
	var out []Account
	for _, a := range accounts {
		if s.Uses == nil || s.Uses(a) {
			out = append(out, a)
		}
	}
	return out
}

// pageAccount is who the page weights are measured as: the first account
// that may see every main page.
func pageAccount(accounts []Account) (Account, bool) {
	for _, a := range accounts {
		if a.Actor.ReadsCases() && a.Actor.CanUseDesk() && a.Actor.ReadsHotspots() && a.Actor.Has(access.Coordinator) {
			return a, true
		}
	}
	return Account{}, false
}
