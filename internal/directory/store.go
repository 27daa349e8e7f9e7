package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// Store reads and writes the directory, always as an actor.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db, now: time.Now} }

// Today is the region's date as the store sees it.
func (s *Store) Today() time.Time { return geo.Today(s.now()) }

const contactSelect = `
	SELECT c.id, c.agency_id, a.name AS agency_name, a.short_name AS agency_short, a.country AS agency_country,
		c.name, c.position, c.unit, c.phones, c.line_id, c.whatsapp, c.telegram, c.signal, c.email, c.languages,
		c.provinces, c.focal_point, c.visibility, c.active, c.verified_on, c.updated_at
	FROM contacts c JOIN agencies a ON a.id = c.agency_id`

// likePattern matches part of a name, with LIKE's wildcards taken as text.
func likePattern(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// SearchPage returns a page of the entries the actor may see that match
// f, by name, after the cursor (nil for the first page). Inactive entries
// show only to their own agency.
func (s *Store) SearchPage(ctx context.Context, actor access.Actor, f Filter, after *Cursor) (Result, error) {
	if after != nil && after.order != byName {
		return Result{}, fmt.Errorf("directory: a cursor of another order")
	}
	list, err := s.search(ctx, actor, f, after, PageSize+1)
	return page(byName, list), err
}

// Search returns the first SearchLimit entries of a search, as SearchPage
// orders them, for its download as contacts.
func (s *Store) Search(ctx context.Context, actor access.Actor, f Filter) ([]Contact, error) {
	return s.search(ctx, actor, f, nil, SearchLimit)
}

func (s *Store) search(ctx context.Context, actor access.Actor, f Filter, after *Cursor, limit int) ([]Contact, error) {
	// The cursor: none on the first page.
	var afterName, afterID any
	if after != nil {
		afterName, afterID = after.name, after.id
	}
	filters := []any{f.AgencyID, f.Country, f.Province, f.Language, f.FocalPoint, afterName, afterID, limit}
	sql := contactSelect + `
		WHERE (c.active OR c.agency_id = app_agency())
			AND ($1 = 0 OR c.agency_id = $1)
			AND ($2 = '' OR a.country = $2)
			AND ($3 = '' OR c.provinces @> ARRAY[$3])
			AND ($4 = '' OR c.languages @> ARRAY[$4])
			AND (NOT $5 OR c.focal_point)
			AND ($7::bigint IS NULL OR (c.name, c.id) > ($6::text, $7::bigint))
		ORDER BY c.name, c.id
		LIMIT $8`
	args := filters
	if name := nameArg(f.Name); name != "" {
		// ILIKE is not leakproof: under the policy it was tried on every
		// contact. directory_search_ids (migration 0023) finds the page's
		// ids through the trigram index, with the policy's rules and the
		// same filters, in the same order; the policy still decides on
		// the rows read by id.
		sql = contactSelect + `
		WHERE c.id IN (SELECT directory_search_ids($1, $2, $3, $4, $5, $6, $7, $8, $9))
		ORDER BY c.name, c.id`
		args = append([]any{name}, filters...)
	}
	var out []Contact
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, sql, args...)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Contact])
		return err
	})
	return out, err
}

// nameArg is the ILIKE pattern of a search's name, "" for none.
func nameArg(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	return likePattern(name)
}

// Get reads one entry the actor may see.
func (s *Store) Get(ctx context.Context, actor access.Actor, id int64) (Contact, error) {
	var c Contact
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		c, err = get(ctx, tx, actor, id)
		return err
	})
	return c, err
}

func get(ctx context.Context, tx pgx.Tx, actor access.Actor, id int64) (Contact, error) {
	rows, _ := tx.Query(ctx, contactSelect+` WHERE c.id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Contact])
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrNotFound
	}
	if err == nil && !actor.CanSeeContact(c.AgencyID, c.Visibility) {
		return c, ErrNotFound
	}
	return c, err
}

// onManaged runs f in one transaction on an entry the actor may manage. One
// they cannot see or may not manage is ErrNotFound, audited as
// action.denied in a transaction of its own.
func (s *Store) onManaged(ctx context.Context, actor access.Actor, id int64, action string, f func(tx pgx.Tx, c Contact) error) error {
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		c, err := get(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !actor.CanManageContacts(c.AgencyID) {
			return ErrNotFound
		}
		return f(tx, c)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "contact", id)
	}
	return err
}

// agencyCountry is the country in which the actor's agency dials local
// numbers.
func agencyCountry(ctx context.Context, tx pgx.Tx) (string, error) {
	var country string
	err := tx.QueryRow(ctx, `SELECT country FROM agencies WHERE id = app_agency()`).Scan(&country)
	return country, err
}

func details(e Entry) map[string]any {
	return map[string]any{"name": e.Name, "phones": len(e.Phones), "visibility": e.Visibility, "focal_point": e.FocalPoint,
		"active": e.Active}
}

// Create adds an entry to the actor's agency, verified today, and returns
// its id.
func (s *Store) Create(ctx context.Context, actor access.Actor, in Input) (int64, error) {
	if !actor.CanManageContacts(actor.AgencyID) {
		return 0, ErrNotFound
	}
	var id int64
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		country, err := agencyCountry(ctx, tx)
		if err != nil {
			return err
		}
		e, verrs := in.Validate(country)
		if err := verrs.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO contacts (agency_id, name, position, unit, phones, line_id, whatsapp, telegram, signal, email,
				languages, provinces, focal_point, visibility, active, verified_on, created_by)
			VALUES (app_agency(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, app_user())
			RETURNING id`,
			e.Name, e.Position, e.Unit, e.Phones, e.LineID, e.WhatsApp, e.Telegram, e.Signal, e.Email, e.Languages,
			e.Provinces, e.FocalPoint, e.Visibility, e.Active, s.Today()).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "directory.create", ObjectType: "contact", ObjectID: fmt.Sprint(id),
			Details: details(e)})
	})
	return id, err
}

// Update replaces an entry's fields; saving it counts as checking it.
func (s *Store) Update(ctx context.Context, actor access.Actor, id int64, in Input) error {
	return s.onManaged(ctx, actor, id, "directory.update", func(tx pgx.Tx, c Contact) error {
		e, verrs := in.Validate(c.AgencyCountry)
		if err := verrs.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			UPDATE contacts SET name = $2, position = $3, unit = $4, phones = $5, line_id = $6, whatsapp = $7,
				telegram = $8, signal = $9, email = $10, languages = $11, provinces = $12, focal_point = $13,
				visibility = $14, active = $15, verified_on = $16, updated_at = now()
			WHERE id = $1`,
			id, e.Name, e.Position, e.Unit, e.Phones, e.LineID, e.WhatsApp, e.Telegram, e.Signal, e.Email, e.Languages,
			e.Provinces, e.FocalPoint, e.Visibility, e.Active, s.Today()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "directory.update", ObjectType: "contact", ObjectID: fmt.Sprint(id),
			Details: details(e)})
	})
}

// Verify marks an entry still correct: last verified today.
func (s *Store) Verify(ctx context.Context, actor access.Actor, id int64) error {
	return s.onManaged(ctx, actor, id, "directory.verify", func(tx pgx.Tx, c Contact) error {
		today := s.Today()
		if _, err := tx.Exec(ctx, `UPDATE contacts SET verified_on = $2, updated_at = now() WHERE id = $1`, id, today); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "directory.verify", ObjectType: "contact", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"name": c.Name, "previous": c.VerifiedOn.Format(time.DateOnly)}})
	})
}

// Delete removes an entry.
func (s *Store) Delete(ctx context.Context, actor access.Actor, id int64) error {
	return s.onManaged(ctx, actor, id, "directory.delete", func(tx pgx.Tx, c Contact) error {
		if _, err := tx.Exec(ctx, `DELETE FROM contacts WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "directory.delete", ObjectType: "contact", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"name": c.Name}})
	})
}

// Stale returns a page of the actor's agency's entries unchecked for
// StaleAfter days, the longest unchecked first, after the cursor (nil for
// the first page), for those who manage them. It walks contacts_agency_idx
// and stops at the page's end.
func (s *Store) Stale(ctx context.Context, actor access.Actor, after *Cursor) (Result, error) {
	if !actor.CanManageContacts(actor.AgencyID) {
		return Result{}, ErrNotFound
	}
	if after != nil && after.order != byVerified {
		return Result{}, fmt.Errorf("directory: a cursor of another order")
	}
	var c Cursor
	if after != nil {
		c = *after
	}
	var out []Contact
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, contactSelect+`
			WHERE c.agency_id = app_agency() AND c.verified_on <= $1
				AND (NOT $2 OR (c.verified_on, c.id) > ($3::date, $4::bigint))
			ORDER BY c.verified_on, c.id LIMIT $5`, s.Today().AddDate(0, 0, -StaleAfter), after != nil, c.verified, c.id,
			PageSize+1)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Contact])
		return err
	})
	return page(byVerified, out), err
}

// Agencies lists the agencies a search may name: every active one but the
// platform operator.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, short_name, country FROM agencies WHERE active AND code <> $1 ORDER BY short_name`,
		agencies.OperatorCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Agency])
}
