package hotspots

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// Store reads and writes hotspots, always as an actor.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db, now: time.Now} }

// columns reads a hotspot, with distance the SQL of its distance_km. The
// count of linked cases runs under row-level security, so it counts only
// the cases the reader sees; it costs two lookups a link, which is why the
// map reads Marker instead.
func columns(distance string) string {
	return `h.id, h.owner_agency_id, a.name AS owner_name, a.short_name AS owner_short, h.name, h.kind, h.country,
		h.province, h.district, h.lat, h.lon, h.risk, h.notes,
		h.reliability, h.information, h.handling_code, h.verified_on, h.version, h.updated_at,
		(SELECT count(*) FROM hotspot_cases hc WHERE hc.hotspot_id = h.id)::int AS cases, ` + distance + ` AS distance_km`
}

const from = ` FROM hotspots h JOIN agencies a ON a.id = h.owner_agency_id`

// point is the SQL for a geography point from longitude $n and latitude $n+1.
func point(n int) string {
	return fmt.Sprintf("ST_SetSRID(ST_MakePoint($%d, $%d), 4326)::geography", n, n+1)
}

// get loads one hotspot the actor may see.
func get(ctx context.Context, tx pgx.Tx, actor access.Actor, id int64) (Hotspot, error) {
	rows, _ := tx.Query(ctx, `SELECT `+columns("0::float8")+from+` WHERE h.id = $1`, id)
	h, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Hotspot])
	if errors.Is(err, pgx.ErrNoRows) {
		return h, ErrNotFound
	}
	if err == nil && !actor.CanSeeHotspot(h.Facts()) {
		return h, ErrNotFound
	}
	return h, err
}

// Get reads one hotspot the actor may see.
func (s *Store) Get(ctx context.Context, actor access.Actor, id int64) (Hotspot, error) {
	var h Hotspot
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		h, err = get(ctx, tx, actor, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "hotspot.view", "hotspot", id)
	}
	return h, err
}

// Page reads a hotspot's page: the hotspot, whether its point lies inside
// Thailand's or Cambodia's borders, and the linked cases the actor may see,
// most recently changed first.
func (s *Store) Page(ctx context.Context, actor access.Actor, id int64) (Page, error) {
	var p Page
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		if p.Hotspot, err = get(ctx, tx, actor, id); err != nil {
			return err
		}
		if p.InRegion, _, err = provinceAt(ctx, tx, p.Hotspot.Point()); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `
			SELECT c.id, c.reference, c.title, c.status, hc.linked_at
			FROM hotspot_cases hc JOIN cases c ON c.id = hc.case_id
			WHERE hc.hotspot_id = $1 ORDER BY c.updated_at DESC, c.id LIMIT $2`, id, ListLimit)
		p.Cases, err = pgx.CollectRows(rows, pgx.RowToStructByName[LinkedCase])
		return err
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "hotspot.view", "hotspot", id)
	}
	return p, err
}

// provinceAt looks the point up in the bundled borders: whether it lies in
// Thailand or Cambodia at all, and in which province.
func provinceAt(ctx context.Context, tx pgx.Tx, p geo.Point) (inRegion bool, province geo.Province, err error) {
	var code string
	err = tx.QueryRow(ctx, `SELECT code FROM province_borders
		WHERE ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY code LIMIT 1`, p.Lon, p.Lat).Scan(&code)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, geo.Province{}, nil
	}
	if err != nil {
		return false, geo.Province{}, err
	}
	province, _ = geo.Lookup(code)
	return true, province, nil
}

// ForCase lists the hotspots linked to a case, those the actor may see.
// The caller has checked that the actor sees the case; row-level security
// hides the links of a case they do not.
func (s *Store) ForCase(ctx context.Context, actor access.Actor, caseID int64) ([]Hotspot, error) {
	if !actor.ReadsHotspots() {
		return nil, nil
	}
	var out []Hotspot
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, `SELECT `+columns("0::float8")+from+`
			JOIN hotspot_cases l ON l.hotspot_id = h.id
			WHERE l.case_id = $1 ORDER BY h.name, h.id LIMIT $2`, caseID, ListLimit)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Hotspot])
		return err
	})
	return out, err
}

func details(e Entry) map[string]any {
	return map[string]any{"name": e.Name, "kind": e.Kind, "risk": e.Risk, "country": e.Country, "province": e.Province,
		"grade": e.Reliability + strconv.Itoa(int(e.Information)), "handling_code": e.HandlingCode}
}

// fillProvince sets the entry's province from its point when it was left
// empty and the borders put the point in the chosen country.
func fillProvince(ctx context.Context, tx pgx.Tx, e *Entry) error {
	if e.Province != "" {
		return nil
	}
	_, prov, err := provinceAt(ctx, tx, e.Point)
	if err == nil && prov.Country == e.Country {
		e.Province = prov.Code
	}
	return err
}

// Create adds a hotspot owned by the actor's agency and returns its id.
// A province left empty is filled from the point.
func (s *Store) Create(ctx context.Context, actor access.Actor, in Input) (int64, error) {
	if !actor.WritesHotspots() {
		audit.Denied(ctx, s.db, actor, "hotspot.create", "hotspot", 0)
		return 0, ErrNotFound
	}
	e, verrs := in.Validate(s.now())
	if err := verrs.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		if err := fillProvince(ctx, tx, &e); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO hotspots (owner_agency_id, name, kind, country, province, district, location, risk, notes,
				reliability, information, handling_code, verified_on, created_by)
			VALUES (app_agency(), $1, $2, $3, $4, $5, `+point(6)+`, $8, $9, $10, $11, $12, $13, app_user())
			RETURNING id`,
			e.Name, e.Kind, e.Country, e.Province, e.District, e.Point.Lon, e.Point.Lat, e.Risk, e.Notes,
			e.Reliability, e.Information, e.HandlingCode, e.VerifiedOn).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "hotspot.create", ObjectType: "hotspot", ObjectID: fmt.Sprint(id),
			Details: details(e)})
	})
	return id, err
}

// onEditable runs f in one transaction on a hotspot the actor may edit. One
// they cannot see or may not edit is ErrNotFound, audited as denied.
func (s *Store) onEditable(ctx context.Context, actor access.Actor, id int64, action string, f func(tx pgx.Tx, h Hotspot) error) error {
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		h, err := get(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !actor.CanEditHotspot(h.Facts()) {
			return ErrNotFound
		}
		return f(tx, h)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "hotspot", id)
	}
	return err
}

// Update replaces a hotspot's fields, if nobody saved it since the form
// was opened at in.Version; otherwise ErrConflict.
func (s *Store) Update(ctx context.Context, actor access.Actor, id int64, in Input) error {
	e, verrs := in.Validate(s.now())
	if err := verrs.Err(); err != nil {
		return err
	}
	return s.onEditable(ctx, actor, id, "hotspot.update", func(tx pgx.Tx, h Hotspot) error {
		if err := fillProvince(ctx, tx, &e); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE hotspots SET name = $3, kind = $4, country = $5, province = $6, district = $7, location = `+point(8)+`,
				risk = $10, notes = $11, reliability = $12, information = $13, handling_code = $14, verified_on = $15,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`,
			id, in.Version, e.Name, e.Kind, e.Country, e.Province, e.District, e.Point.Lon, e.Point.Lat, e.Risk, e.Notes,
			e.Reliability, e.Information, e.HandlingCode, e.VerifiedOn)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrConflict
		}
		return audit.Record(ctx, tx, audit.Event{Action: "hotspot.update", ObjectType: "hotspot", ObjectID: fmt.Sprint(id),
			Details: details(e)})
	})
}

// caseFacts reads what the rules need of a case, as the actor's agency
// sees it; a case the actor cannot see is ErrNotFound.
func caseFacts(ctx context.Context, tx pgx.Tx, caseID int64) (access.CaseFacts, error) {
	var f access.CaseFacts
	err := tx.QueryRow(ctx, `
		SELECT c.owner_agency_id, c.handling_code,
			coalesce((SELECT s.level FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency()
				AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())), '')
		FROM cases c WHERE c.id = $1`, caseID).Scan(&f.OwnerAgencyID, &f.HandlingCode, &f.Share)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// onLink runs f on a case and a hotspot the actor may link.
func (s *Store) onLink(ctx context.Context, actor access.Actor, caseID, hotspotID int64, action string, f func(tx pgx.Tx, h Hotspot) error) error {
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		c, err := caseFacts(ctx, tx, caseID)
		if err != nil {
			return err
		}
		h, err := get(ctx, tx, actor, hotspotID)
		if err != nil {
			return err
		}
		if !actor.CanLinkHotspot(c, h.Facts()) {
			return ErrNotFound
		}
		if err := f(tx, h); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "case", ObjectID: fmt.Sprint(caseID),
			Details: map[string]any{"hotspot": hotspotID, "name": h.Name}})
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "case", caseID)
	}
	return err
}

// Link links a case to a hotspot; linking twice is no change.
func (s *Store) Link(ctx context.Context, actor access.Actor, caseID, hotspotID int64) error {
	return s.onLink(ctx, actor, caseID, hotspotID, "case.hotspot_link", func(tx pgx.Tx, _ Hotspot) error {
		_, err := tx.Exec(ctx, `INSERT INTO hotspot_cases (hotspot_id, case_id, agency_id, linked_by)
			VALUES ($1, $2, app_agency(), app_user()) ON CONFLICT DO NOTHING`, hotspotID, caseID)
		return err
	})
}

// Unlink removes a case's link to a hotspot.
func (s *Store) Unlink(ctx context.Context, actor access.Actor, caseID, hotspotID int64) error {
	return s.onLink(ctx, actor, caseID, hotspotID, "case.hotspot_unlink", func(tx pgx.Tx, _ Hotspot) error {
		_, err := tx.Exec(ctx, `DELETE FROM hotspot_cases WHERE hotspot_id = $1 AND case_id = $2`, hotspotID, caseID)
		return err
	})
}

// Today is the region's date as the store sees it.
func (s *Store) Today() time.Time { return geo.Today(s.now()) }
