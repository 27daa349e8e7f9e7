package hotspots

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/keyset"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// riskRank orders the riskiest first; hotspots_list_idx (migration 0018)
// indexes the list's order on this very expression.
const riskRank = "(CASE h.risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END)"

// query is the SQL of a list or a map: its conditions and their arguments.
type query struct {
	where []string
	args  []any
}

func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// filtered holds f's conditions, all but the "near" search's and the
// cursor's, which only the list has.
func filtered(f Filter) *query {
	q := &query{where: []string{"true"}}
	if name := strings.TrimSpace(f.Name); name != "" {
		q.where = append(q.where, "h.name ILIKE "+q.arg("%"+strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(name)+"%"))
	}
	for _, c := range [...]struct{ col, v string }{{"kind", f.Kind}, {"risk", f.Risk}, {"country", f.Country}, {"province", f.Province}} {
		if c.v != "" {
			q.where = append(q.where, "h."+c.col+" = "+q.arg(c.v))
		}
	}
	if b := f.Box; b != nil {
		q.where = append(q.where, fmt.Sprintf("h.lon BETWEEN %s AND %s AND h.lat BETWEEN %s AND %s",
			q.arg(b.West), q.arg(b.East), q.arg(b.South), q.arg(b.North)))
	}
	return q
}

// Cursor is where a page of the list ends: the last row's place in the
// list's order, which the next page starts after.
type Cursor struct {
	near     bool
	rank     int
	name     string
	distance float64
	id       int64
}

// cursorOf is the cursor after h, in the order of f's list.
func cursorOf(f Filter, h Hotspot) string {
	id := strconv.FormatInt(h.ID, 10)
	if f.Near != nil {
		return keyset.Encode("near", strconv.FormatFloat(h.DistanceKm, 'g', -1, 64), id)
	}
	return keyset.Encode("risk", strconv.Itoa(rankOf(h.Risk)), h.Name, id)
}

func rankOf(risk string) int {
	switch risk {
	case "high":
		return 0
	case "medium":
		return 1
	}
	return 2
}

// ParseCursor reads a cursor from a page link; it must be of f's order
// (a "near" search or not). A cursor that does not parse is a field
// error on "after".
func ParseCursor(f Filter, s string) (*Cursor, validate.Errors) {
	e := validate.Errors{}
	if s == "" {
		return nil, e
	}
	parts, ok := keyset.Decode(s)
	c := &Cursor{near: f.Near != nil}
	var err error
	if ok && c.near && len(parts) == 3 && parts[0] == "near" {
		c.distance, err = strconv.ParseFloat(parts[1], 64)
		ok = err == nil && c.distance >= 0
	} else if ok && !c.near && len(parts) == 4 && parts[0] == "risk" {
		c.rank, err = strconv.Atoi(parts[1])
		c.name = parts[2]
		ok = err == nil && c.rank >= 0 && c.rank <= 2 && utf8.ValidString(c.name)
	} else {
		ok = false
	}
	if ok {
		c.id, err = strconv.ParseInt(parts[len(parts)-1], 10, 64)
		ok = err == nil
	}
	if !ok {
		e.Add("after", "error.cursor", nil)
		return nil, e
	}
	return c, e
}

// Result is a page of the list, and the cursor of the next page; "" on
// the last.
type Result struct {
	Hotspots []Hotspot
	Next     string
}

// ListPage returns a page of PageSize hotspots the actor may see that
// match f, after the cursor (nil for the first page), in the list's order:
// nearest first for a "near" search, else the riskiest first and then by
// name. It walks hotspots_list_idx and stops at the page's end, so a page
// costs the same however many hotspots there are.
func (s *Store) ListPage(ctx context.Context, actor access.Actor, f Filter, after *Cursor) (Result, error) {
	list, err := s.list(ctx, actor, f, after, PageSize+1)
	var res Result
	if len(list) > PageSize {
		list = list[:PageSize]
		res.Next = cursorOf(f, list[PageSize-1])
	}
	res.Hotspots = list
	return res, err
}

// List returns at most limit hotspots the actor may see that match f, in
// the list's order, with the count of each one's linked cases.
func (s *Store) List(ctx context.Context, actor access.Actor, f Filter, limit int) ([]Hotspot, error) {
	return s.list(ctx, actor, f, nil, limit)
}

func (s *Store) list(ctx context.Context, actor access.Actor, f Filter, after *Cursor, limit int) ([]Hotspot, error) {
	if !actor.ReadsHotspots() {
		return nil, ErrNotFound
	}
	q := filtered(f)
	distance, order := "0::float8", riskRank+", h.name, h.id"
	if f.Near != nil {
		lon, lat := q.arg(f.Near.Lon), q.arg(f.Near.Lat)
		// The ids within the radius come through the GiST index (migration
		// 0011 says why not a plain ST_DWithin); the distance is then
		// measured for those alone.
		q.where = append(q.where, fmt.Sprintf("h.id = ANY (ARRAY(SELECT hotspot_ids_within(%s, %s, %s)))", lon, lat, q.arg(f.Km*1000)))
		distance = fmt.Sprintf("ST_Distance(h.location, ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) / 1000", lon, lat)
		order = "distance_km, h.id"
	}
	switch {
	case after == nil:
	case after.near && f.Near != nil:
		q.where = append(q.where, fmt.Sprintf("(%s, h.id) > (%s, %s)", distance, q.arg(after.distance), q.arg(after.id)))
	case !after.near && f.Near == nil:
		q.where = append(q.where, fmt.Sprintf("(%s, h.name, h.id) > (%s, %s, %s)", riskRank, q.arg(after.rank), q.arg(after.name), q.arg(after.id)))
	default:
		return nil, fmt.Errorf("hotspots: a cursor of another order")
	}
	sql := `SELECT ` + columns(distance) + from + ` WHERE ` + strings.Join(q.where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ` + q.arg(limit)
	var out []Hotspot
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, sql, q.args...)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Hotspot])
		return err
	})
	return out, err
}
