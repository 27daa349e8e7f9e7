// Package hotspots keeps the places where trafficking is known or
// suspected (DESIGN §2 Hotspot, DOMAIN §1): what kind of place, how risky,
// how good the source is, where it lies as a PostGIS geography point, and
// which cases are linked to it. Who may read and write a hotspot is asked
// of access.Actor here and held again by row-level security.
package hotspots

import (
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// ErrNotFound means no such hotspot or case, or none the actor may see or
// act on; ErrConflict that someone saved the hotspot since the form was
// opened. They are the cases package's own, so that pages answer them the
// same way.
var (
	ErrNotFound = cases.ErrNotFound
	ErrConflict = cases.ErrConflict
)

// Kinds, risks and source grades (DESIGN §2), in the order pages show them.
var (
	Kinds = []string{"border_crossing", "brick_kiln", "entertainment_venue", "recruitment_agency", "port",
		"scam_compound", "transit_route", "other"}
	Risks = []string{"high", "medium", "low"}
	// Reliability of the source: A always reliable, B mostly, C not, X
	// cannot be judged.
	Reliabilities = []string{"A", "B", "C", "X"}
	// Information: 1 known to be true, 2 known to the source, 3 not known
	// to the source but corroborated, 4 cannot be judged.
	Informations = []int16{1, 2, 3, 4}
)

// Limits on what one request returns and reads.
const (
	// PageSize is a page of the list.
	PageSize = 50
	// ListLimit caps the other lists: a hotspot's linked cases, a case's
	// hotspots.
	ListLimit = 500
	// MapMarkers: a map's box with more visible hotspots than this is drawn
	// as groups, one for each cell of a grid over the box.
	MapMarkers = 250
	// MapCells: the grid has at most this many cells along the box's
	// longer side, and more than half as many: a cell is drawn some 60 to
	// 110 pixels wide on a laptop, 55 to 110 on a phone, room for a
	// group's circle.
	MapCells = 8
	// MapLimit caps the markers of a box too small to group (under about
	// 5 km across) that still holds more than MapMarkers.
	MapLimit = 1000
	// MaxKm is the "near" search's largest radius.
	MaxKm = 500
)

// Hotspot is a hotspot as its reader sees it.
type Hotspot struct {
	ID            int64               `db:"id"`
	OwnerAgencyID int32               `db:"owner_agency_id"`
	OwnerName     string              `db:"owner_name"`
	OwnerShort    string              `db:"owner_short"`
	Name          string              `db:"name"`
	Kind          string              `db:"kind"`
	Country       string              `db:"country"`
	Province      string              `db:"province"`
	District      string              `db:"district"`
	Lat           float64             `db:"lat"`
	Lon           float64             `db:"lon"`
	Risk          string              `db:"risk"`
	Notes         string              `db:"notes"`
	Reliability   string              `db:"reliability"`
	Information   int16               `db:"information"`
	HandlingCode  access.HandlingCode `db:"handling_code"`
	VerifiedOn    time.Time           `db:"verified_on"`
	Version       int32               `db:"version"`
	UpdatedAt     time.Time           `db:"updated_at"`
	// Cases counts the linked cases the reader may see; never the others.
	Cases int `db:"cases"`
	// DistanceKm is the distance from the centre of a "near" search, else 0.
	DistanceKm float64 `db:"distance_km"`
}

// Facts is what the access rules need of h.
func (h Hotspot) Facts() access.HotspotFacts {
	return access.HotspotFacts{OwnerAgencyID: h.OwnerAgencyID, HandlingCode: h.HandlingCode}
}

// Point is where the hotspot lies.
func (h Hotspot) Point() geo.Point { return geo.Point{Lat: h.Lat, Lon: h.Lon} }

// Grade is the source grade as analysts write it: "B2".
func (h Hotspot) Grade() string { return h.Reliability + string(rune('0'+h.Information)) }

// LinkedCase is a case linked to a hotspot, as its reader may see it.
type LinkedCase struct {
	ID        int64     `db:"id"`
	Reference string    `db:"reference"`
	Title     string    `db:"title"`
	Status    string    `db:"status"`
	LinkedAt  time.Time `db:"linked_at"`
}

// Page is a hotspot's page: the hotspot, whether it lies in the region's
// borders, and its linked cases the reader may see.
type Page struct {
	Hotspot  Hotspot
	InRegion bool
	Cases    []LinkedCase
}

// Filter narrows a list. Zero fields do not filter.
type Filter struct {
	Name     string // part of the name, any script
	Kind     string
	Risk     string
	Country  string
	Province string
	// Near, with Km, keeps the hotspots within Km kilometres of a point and
	// orders them nearest first.
	Near *geo.Point
	Km   float64
	// Box keeps those inside a map's view.
	Box *Box
}

// Box is a map's view: west, south, east and north edges in degrees.
type Box struct{ West, South, East, North float64 }
