package hotspots

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// Map is what a map draws of a box: the hotspots one by one when the box
// holds at most MapMarkers the reader may see, else groups, one for each
// cell of a grid over the box, and the hotspot itself where a cell holds
// one.
type Map struct {
	Markers []Marker
	Groups  []Group
	// Capped: the box was too small to group and held more than MapLimit.
	Capped bool
}

// Marker is a hotspot as the map draws it: no notes, no owner's name.
type Marker struct {
	ID            int64               `db:"id"`
	Name          string              `db:"name"`
	Kind          string              `db:"kind"`
	Risk          string              `db:"risk"`
	Lat           float64             `db:"lat"`
	Lon           float64             `db:"lon"`
	OwnerAgencyID int32               `db:"owner_agency_id"`
	HandlingCode  access.HandlingCode `db:"handling_code"`
}

// Group is the hotspots of one cell that the reader may see.
type Group struct {
	Count    int
	Risk     string  // the highest risk among them
	Lat, Lon float64 // their centroid
	// Area is the grid cells they lie in: a map zoomed to it shows them
	// apart.
	Area   Box
	single int64 // the hotspot, when Count is 1
}

// finestLevel is the finest grid that hotspot_cells keeps (migration
// 0018): cells of 1/256 of a degree, about 430 m.
const finestLevel = 12

// levelFor is the grid level whose cells cut b's longer side into at most
// MapCells and more than MapCells/2 (fewer when b is larger than the
// coarsest grid's 16-degree cells allow); ok is false when b is too small
// for the finest grid.
func levelFor(b Box) (level int, ok bool) {
	side := max(b.East-b.West, b.North-b.South) / MapCells
	level = int(math.Floor(4 - math.Log2(side)))
	return max(level, 0), level <= finestLevel
}

// cellScale is how many cells of a level make a degree: a point's cell is
// floor((lon + 180) * scale), floor((lat + 90) * scale), computed as
// hotspot_cell_keys computes it.
func cellScale(level int) float64 { return math.Ldexp(1, level-4) }

// firstCell and lastCell are the cells a box's edges fall in, d degrees
// from the grid's origin; an edge on a cell's border leaves out the cell
// it only touches, so that a map zoomed to a group's cell counts no more
// than the group.
func firstCell(d, scale float64) int32 { return int32(math.Floor(d * scale)) }
func lastCell(d, scale float64) int32  { return int32(math.Ceil(d*scale)) - 1 }

// cellRow is a row of a box's cells: the hotspots of one cell, handling
// code and owner (0: every owner) that the reader may see.
type cellRow struct {
	CX       int32               `db:"cx"`
	CY       int32               `db:"cy"`
	AgencyID int32               `db:"agency_id"`
	Code     access.HandlingCode `db:"handling_code"`
	N        int                 `db:"n"`
	High     int                 `db:"n_high"`
	Medium   int                 `db:"n_medium"`
	LatSum   int64               `db:"lat_sum"`
	LonSum   int64               `db:"lon_sum"`
	MinID    int64               `db:"min_id"`
}

// onlyBox: f asks for nothing but a box, which the stored counts answer.
func onlyBox(f Filter) bool {
	return strings.TrimSpace(f.Name) == "" && f.Kind == "" && f.Risk == "" && f.Country == "" && f.Province == "" && f.Near == nil
}

const markerColumns = `h.id, h.name, h.kind, h.risk, h.lat, h.lon, h.owner_agency_id, h.handling_code`

// Map returns what a map of box draws of the hotspots the actor may see
// that match f (whose own Box and Near are ignored). Its work is bounded
// however many hotspots there are. A box without filters is grouped from
// hotspot_cells, a few hundred rows at most; its hotspots are read, at
// most MapMarkers+1 of them, only when the cells it touches hold few
// enough that they might be drawn one by one. A filtered box reads that
// many to tell, and counts its matches to group them.
func (s *Store) Map(ctx context.Context, actor access.Actor, f Filter, box Box) (Map, error) {
	if !actor.ReadsHotspots() {
		return Map{}, ErrNotFound
	}
	f.Box, f.Near = &box, nil
	level, grouping := levelFor(box)
	q := filtered(f)
	var m Map
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		if !grouping {
			// Too small a box to group: the riskiest first, capped.
			markers, err := markersIn(ctx, tx, actor, q, ` ORDER BY `+riskRank+`, h.name, h.id LIMIT `+strconv.Itoa(MapLimit+1))
			m.Capped = len(markers) > MapLimit
			m.Markers = markers[:min(len(markers), MapLimit)]
			return err
		}
		var cells []cellRow
		var err error
		if onlyBox(f) {
			if cells, err = storedCells(ctx, tx, actor, level, box); err != nil {
				return err
			}
		}
		if cells == nil || count(actor, cells) <= 2*MapMarkers {
			// Enough to tell; no order, so the scan stops there.
			markers, err := markersIn(ctx, tx, actor, q, ` LIMIT `+strconv.Itoa(MapMarkers+1))
			if err != nil || len(markers) <= MapMarkers {
				m.Markers = markers
				return err
			}
		}
		if !onlyBox(f) {
			if cells, err = countedCells(ctx, tx, q, level); err != nil {
				return err
			}
		}
		m.Groups = groupCells(actor, cells, level)
		var singles []int64
		for _, g := range m.Groups {
			if g.single != 0 {
				singles = append(singles, g.single)
			}
		}
		if len(singles) == 0 {
			return nil
		}
		// A cell of one is drawn as its hotspot.
		if m.Markers, err = markersIn(ctx, tx, actor, &query{where: []string{"h.id = ANY ($1)"}, args: []any{singles}}, ""); err != nil {
			return err
		}
		drawn := map[int64]bool{}
		for _, h := range m.Markers {
			drawn[h.ID] = true
		}
		m.Groups = slices.DeleteFunc(m.Groups, func(g Group) bool { return drawn[g.single] })
		return nil
	})
	slices.SortFunc(m.Markers, func(a, b Marker) int { return cmp.Compare(a.ID, b.ID) })
	return m, err
}

// markersIn reads the hotspots that match q, with tail (an order and a
// limit), that the rules let the actor see; row-level security has
// already hidden the others.
func markersIn(ctx context.Context, tx pgx.Tx, actor access.Actor, q *query, tail string) ([]Marker, error) {
	rows, _ := tx.Query(ctx, `SELECT `+markerColumns+` FROM hotspots h WHERE `+strings.Join(q.where, " AND ")+tail, q.args...)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByName[Marker])
	return slices.DeleteFunc(ms, func(h Marker) bool {
		return !actor.CanSeeHotspot(access.HotspotFacts{OwnerAgencyID: h.OwnerAgencyID, HandlingCode: h.HandlingCode})
	}), err
}

// storedCells reads the rows of hotspot_cells at level that the cells box
// touches hold for the actor: every owner's, and their agency's own.
func storedCells(ctx context.Context, tx pgx.Tx, actor access.Actor, level int, box Box) ([]cellRow, error) {
	scale := cellScale(level)
	rows, _ := tx.Query(ctx, `
		SELECT cx, cy, agency_id, handling_code, n, n_high, n_medium, lat_sum, lon_sum, min_id
		FROM hotspot_cells
		WHERE level = $1 AND agency_id = ANY ($2) AND cx BETWEEN $3 AND $4 AND cy BETWEEN $5 AND $6`,
		level, []int32{0, actor.AgencyID}, firstCell(box.West+180, scale), lastCell(box.East+180, scale),
		firstCell(box.South+90, scale), lastCell(box.North+90, scale))
	cells, err := pgx.CollectRows(rows, pgx.RowToStructByName[cellRow])
	if cells == nil && err == nil {
		cells = []cellRow{}
	}
	return cells, err
}

// countedCells counts the hotspots that match q as hotspot_cells would, for
// filters the stored counts cannot answer.
func countedCells(ctx context.Context, tx pgx.Tx, q *query, level int) ([]cellRow, error) {
	k := q.arg(cellScale(level))
	rows, _ := tx.Query(ctx, `
		SELECT floor((h.lon + 180) * `+k+`)::integer AS cx, floor((h.lat + 90) * `+k+`)::integer AS cy,
			h.owner_agency_id AS agency_id, h.handling_code, count(*)::integer AS n,
			(count(*) FILTER (WHERE h.risk = 'high'))::integer AS n_high,
			(count(*) FILTER (WHERE h.risk = 'medium'))::integer AS n_medium,
			sum(round(h.lat * 1e6)::bigint)::bigint AS lat_sum, sum(round(h.lon * 1e6)::bigint)::bigint AS lon_sum,
			min(h.id) AS min_id
		FROM hotspots h WHERE `+strings.Join(q.where, " AND ")+`
		GROUP BY 1, 2, 3, 4`, q.args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[cellRow])
}

// count is how many hotspots the rows hold that the actor may see.
func count(actor access.Actor, rows []cellRow) int {
	n := 0
	for _, r := range rows {
		if seesRow(actor, r) {
			n += r.N
		}
	}
	return n
}

// seesRow: a row counts only hotspots the actor may see: every owner's
// (agency 0) of a handling code the actor's agency is admitted to, or the
// actor's own agency's. Row-level security has already left out the rest.
func seesRow(actor access.Actor, r cellRow) bool {
	return actor.CanSeeHotspot(access.HotspotFacts{OwnerAgencyID: r.AgencyID, HandlingCode: r.Code})
}

// groupCells sums the rows of each cell that the actor may see (seesRow)
// into a group, and names the hotspot of a cell of one. Groups of neighbouring cells whose centres
// lie within half a cell of each other would be drawn one over the other:
// the larger takes the smaller in, and its area grows to cover both.
func groupCells(actor access.Actor, rows []cellRow, level int) []Group {
	type cell struct {
		cellRow
		area  Box
		taken bool
	}
	byCell := map[[2]int32]*cell{}
	var cells []*cell
	for _, r := range rows {
		if !seesRow(actor, r) {
			continue
		}
		c, ok := byCell[[2]int32{r.CX, r.CY}]
		if !ok {
			c = &cell{cellRow: cellRow{CX: r.CX, CY: r.CY, MinID: r.MinID}}
			byCell[[2]int32{r.CX, r.CY}] = c
			cells = append(cells, c)
		}
		c.N += r.N
		c.High += r.High
		c.Medium += r.Medium
		c.LatSum += r.LatSum
		c.LonSum += r.LonSum
		c.MinID = min(c.MinID, r.MinID)
	}
	size := 1 / cellScale(level)
	centre := func(c *cell) (float64, float64) {
		n := float64(c.N) * 1e6
		return float64(c.LatSum) / n, float64(c.LonSum) / n
	}
	for _, c := range cells {
		c.area = Box{West: float64(c.CX)*size - 180, South: float64(c.CY)*size - 90,
			East: float64(c.CX+1)*size - 180, North: float64(c.CY+1)*size - 90}
	}
	// The largest first; ties in the grid's order, so that the answer is
	// the same each time.
	slices.SortFunc(cells, func(a, b *cell) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.CY, b.CY), cmp.Compare(a.CX, b.CX))
	})
	var groups []Group
	for _, c := range cells {
		if c.taken {
			continue
		}
		single := c.N == 1
		for dy := int32(-1); dy <= 1; dy++ {
			for dx := int32(-1); dx <= 1; dx++ {
				o := byCell[[2]int32{c.CX + dx, c.CY + dy}]
				if o == nil || o == c || o.taken {
					continue
				}
				lat, lon := centre(c)
				olat, olon := centre(o)
				if math.Hypot(lat-olat, lon-olon) >= size/2 {
					continue
				}
				o.taken, single = true, false
				c.N += o.N
				c.High += o.High
				c.Medium += o.Medium
				c.LatSum += o.LatSum
				c.LonSum += o.LonSum
				c.area = Box{West: min(c.area.West, o.area.West), South: min(c.area.South, o.area.South),
					East: max(c.area.East, o.area.East), North: max(c.area.North, o.area.North)}
			}
		}
		risk := "low"
		if c.High > 0 {
			risk = "high"
		} else if c.Medium > 0 {
			risk = "medium"
		}
		g := Group{Count: c.N, Risk: risk, Area: c.area}
		g.Lat, g.Lon = centre(c)
		if single {
			g.single = c.MinID
		}
		groups = append(groups, g)
	}
	return groups
}
