package cases

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// Store reads and writes case data, always as an actor.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time
	// codeText gives the random characters of person codes.
	codeText func() string
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db, now: time.Now, codeText: rand.Text} }

// caseSelect reads cases with their owner, lead officer and the acting
// agency's live share; row-level security has already narrowed the rows.
const caseSelect = `
	SELECT c.id, c.reference, c.owner_agency_id, a.name AS owner_name, a.short_name AS owner_short,
		c.title, c.summary, c.category, c.status, c.priority, c.lead_officer_id, u.display_name AS lead_officer,
		c.country, c.province, ST_Y(c.location::geometry) AS lat, ST_X(c.location::geometry) AS lon,
		c.handling_code, c.opened_on, c.closed_on, c.version, c.created_at, c.updated_at,
		coalesce((SELECT s.level FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency()
			AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())), '') AS my_share,
		EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = app_agency()
			AND r.include_identity AND r.state IN ('accepted', 'completed')) AS identity_referred
	FROM cases c JOIN agencies a ON a.id = c.owner_agency_id LEFT JOIN users u ON u.id = c.lead_officer_id`

// asActor runs f as actor, for row-level security and for the audit events
// f records.
func (s *Store) asActor(ctx context.Context, actor access.Actor, f func(pgx.Tx) error) error {
	return postgres.AsActor(ctx, s.db, actor, f)
}

// get loads one case the actor may see, inside tx.
func get(ctx context.Context, tx pgx.Tx, actor access.Actor, id int64) (Case, error) {
	rows, _ := tx.Query(ctx, caseSelect+` WHERE c.id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Case])
	if errors.Is(err, pgx.ErrNoRows) {
		return Case{}, ErrNotFound
	}
	if err != nil {
		return Case{}, err
	}
	// Row-level security lags an expired share by up to a minute; the rule
	// itself does not.
	if !actor.CanSeeCase(c.Facts()) {
		return Case{}, ErrNotFound
	}
	return c, nil
}

// onCase runs f in one transaction, as actor, on a case that may allows.
// A case the actor cannot see, or may not act on, is ErrNotFound, and the
// attempt is audited as action.denied.
func (s *Store) onCase(ctx context.Context, actor access.Actor, caseID int64, action string,
	may func(access.CaseFacts) bool, f func(tx pgx.Tx, c Case) error) error {
	err := s.asActor(ctx, actor, func(tx pgx.Tx) error {
		c, err := get(ctx, tx, actor, caseID)
		if err != nil {
			return err
		}
		if !may(c.Facts()) {
			return ErrNotFound
		}
		return f(tx, c)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "case", caseID)
	}
	return err
}

// onPerson is onCase for one person on the case.
func (s *Store) onPerson(ctx context.Context, actor access.Actor, caseID, personID int64, action string,
	may func(access.CaseFacts, Person) bool, f func(tx pgx.Tx, c Case, p Person) error) error {
	err := s.asActor(ctx, actor, func(tx pgx.Tx) error {
		c, err := get(ctx, tx, actor, caseID)
		if err != nil {
			return err
		}
		p, err := person(ctx, tx, caseID, personID)
		if err != nil {
			return err
		}
		if !may(c.Facts(), p) {
			return ErrNotFound
		}
		return f(tx, c, p)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "person", personID)
	}
	return err
}

// Get returns a case the actor may see.
func (s *Store) Get(ctx context.Context, actor access.Actor, id int64) (Case, error) {
	var c Case
	err := s.asActor(ctx, actor, func(tx pgx.Tx) (err error) {
		c, err = get(ctx, tx, actor, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "case.view", "case", id)
	}
	return c, err
}

// View is a case page: the case and everything on it the actor may see,
// read in one transaction.
type View struct {
	Case    Case
	People  []Person
	Entries []Entry
	Shares  []Share
}

// Page loads a case with its people, timeline and shares.
func (s *Store) Page(ctx context.Context, actor access.Actor, id int64) (View, error) {
	var v View
	err := s.asActor(ctx, actor, func(tx pgx.Tx) (err error) {
		if v.Case, err = get(ctx, tx, actor, id); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+personColumns+` FROM case_people WHERE case_id = $1 ORDER BY role, id`, id)
		if v.People, err = pgx.CollectRows(rows, pgx.RowToStructByName[Person]); err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `
			SELECT e.id, e.kind, e.occurred_at, e.body, e.handling_code, u.display_name AS author, e.agency_id, a.short_name AS agency_short
			FROM timeline_entries e JOIN users u ON u.id = e.author_id JOIN agencies a ON a.id = e.agency_id
			WHERE e.case_id = $1 ORDER BY e.occurred_at DESC, e.id DESC`, id)
		entries, err := pgx.CollectRows(rows, pgx.RowToStructByName[Entry])
		if err != nil {
			return err
		}
		for _, e := range entries {
			if actor.CanSeeEntry(v.Case.Facts(), e.HandlingCode, e.AgencyID) {
				v.Entries = append(v.Entries, e)
			}
		}
		v.Shares, err = shares(ctx, tx, id)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "case.view", "case", id)
	}
	return v, err
}

func shares(ctx context.Context, tx pgx.Tx, caseID int64) ([]Share, error) {
	rows, _ := tx.Query(ctx, `
		SELECT s.id, s.agency_id, a.name AS agency_name, a.short_name AS agency_short, s.level, s.basis, s.reason,
			s.expires_at, u.display_name AS granted_by, s.granted_at, s.revoked_at
		FROM case_shares s JOIN agencies a ON a.id = s.agency_id JOIN users u ON u.id = s.granted_by
		WHERE s.case_id = $1 ORDER BY s.revoked_at IS NOT NULL, s.granted_at DESC`, caseID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Share])
}

// Create opens a case owned by the actor's agency and returns its id and
// reference, e.g. KH-AHTJP-2026-0042: numbered per agency and year.
func (s *Store) Create(ctx context.Context, actor access.Actor, in CaseInput) (int64, string, error) {
	if !actor.CanCreateCase() {
		return 0, "", ErrNotFound
	}
	now := s.now()
	openedOn, verrs := in.Validate(now)
	if err := verrs.Err(); err != nil {
		return 0, "", err
	}
	var id int64
	var ref string
	err := s.asActor(ctx, actor, func(tx pgx.Tx) error {
		var country, short string
		var n int
		if err := tx.QueryRow(ctx, `SELECT country, short_name FROM agencies WHERE id = $1`, actor.AgencyID).Scan(&country, &short); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO case_counters (agency_id, year, last) VALUES ($1, $2, 1)
			ON CONFLICT (agency_id, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last`,
			actor.AgencyID, geo.Today(now).Year()).Scan(&n)
		if err != nil {
			return err
		}
		ref = fmt.Sprintf("%s-%s-%d-%04d", country, short, geo.Today(now).Year(), n)
		err = tx.QueryRow(ctx, `
			INSERT INTO cases (reference, owner_agency_id, title, summary, category, priority, country, province,
				handling_code, opened_on, created_by, lead_officer_id, location)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, `+locationSQL(12)+`) RETURNING id`,
			ref, actor.AgencyID, in.Title, in.Summary, in.Category, in.Priority, in.Country, in.Province,
			in.HandlingCode, openedOn, actor.UserID, lon(in.Location), lat(in.Location)).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.create", ObjectType: "case", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"reference": ref, "handling_code": in.HandlingCode}})
	})
	return id, ref, err
}

// Update saves an edit made from the form opened at in.Version. When
// someone saved in between it returns ErrConflict and the case as it is
// now, so the page can show both versions. A change of status is a
// timeline entry; closing sets the closing date, reopening clears it.
func (s *Store) Update(ctx context.Context, actor access.Actor, id int64, in CaseInput) (Case, error) {
	now := s.now()
	var current Case
	err := s.asActor(ctx, actor, func(tx pgx.Tx) (err error) {
		if current, err = get(ctx, tx, actor, id); err != nil {
			return err
		}
		if !actor.CanEditCase(current.Facts()) {
			return ErrNotFound
		}
		openedOn, verrs := in.Validate(now)
		if in.LeadOfficer != 0 {
			var ok bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM users WHERE id = $1 AND agency_id = $2 AND active
				AND roles && ARRAY['investigator', 'coordinator'])`, in.LeadOfficer, current.OwnerAgencyID).Scan(&ok)
			if err != nil {
				return err
			}
			if !ok {
				verrs.Add("lead_officer", "error.choice", nil)
			}
		}
		if err := verrs.Err(); err != nil {
			return err
		}
		if in.Version != current.Version {
			return ErrConflict
		}
		tag, err := tx.Exec(ctx, `
			UPDATE cases SET title = $3, summary = $4, category = $5, status = $6, priority = $7, country = $8,
				province = $9, handling_code = $10, opened_on = $11, lead_officer_id = nullif($13, 0),
				location = `+locationSQL(14)+`,
				closed_on = CASE WHEN $6 = 'closed' THEN coalesce(closed_on, greatest($12::date, $11)) END,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2`,
			id, in.Version, in.Title, in.Summary, in.Category, in.Status, in.Priority, in.Country, in.Province,
			in.HandlingCode, openedOn, geo.Today(now), in.LeadOfficer, lon(in.Location), lat(in.Location))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrConflict
		}
		if in.Status != current.Status {
			if err := addEntry(ctx, tx, actor, id, "status_change", now, current.Status+" → "+in.Status, access.Partners); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.update", ObjectType: "case", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"version": in.Version + 1, "status": in.Status}})
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "case.edit", "case", id)
	}
	return current, err
}

func addEntry(ctx context.Context, tx pgx.Tx, actor access.Actor, caseID int64, kind string, at time.Time, body string, code access.HandlingCode) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO timeline_entries (case_id, kind, occurred_at, body, handling_code, author_id, agency_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, caseID, kind, at, body, code, actor.UserID, actor.AgencyID)
	return err
}

// AddEntry adds an event to a case's timeline.
func (s *Store) AddEntry(ctx context.Context, actor access.Actor, caseID int64, in EntryInput, loc *time.Location) error {
	return s.onCase(ctx, actor, caseID, "case.entry", actor.CanAddToCase, func(tx pgx.Tx, _ Case) error {
		at, verrs := in.Validate(s.now(), loc)
		if err := verrs.Err(); err != nil {
			return err
		}
		if err := addEntry(ctx, tx, actor, caseID, in.Kind, at, in.Body, in.HandlingCode); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.entry", ObjectType: "case", ObjectID: fmt.Sprint(caseID),
			Details: map[string]any{"kind": in.Kind, "handling_code": in.HandlingCode}})
	})
}

// Officer is someone of the actor's agency who may lead a case.
type Officer struct {
	ID   int64  `db:"id"`
	Name string `db:"display_name"`
}

// Officers lists the active investigators and coordinators of the actor's
// agency, for the lead officer field and filter.
func (s *Store) Officers(ctx context.Context, actor access.Actor) ([]Officer, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, display_name FROM users
		WHERE agency_id = $1 AND active AND roles && ARRAY['investigator', 'coordinator'] ORDER BY display_name`, actor.AgencyID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Officer])
}

// locationSQL is a case's optional point from longitude $n and latitude
// $n+1, NULL when they are.
func locationSQL(n int) string {
	return fmt.Sprintf("ST_SetSRID(ST_MakePoint($%d::float8, $%d::float8), 4326)::geography", n, n+1)
}

func lon(p *geo.Point) *float64 {
	if p == nil {
		return nil
	}
	return &p.Lon
}

func lat(p *geo.Point) *float64 {
	if p == nil {
		return nil
	}
	return &p.Lat
}
