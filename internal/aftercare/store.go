package aftercare

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// FollowUpLimit bounds the follow-ups list.
const FollowUpLimit = 200

// Store reads and writes aftercare, always as an actor.
type Store struct {
	db  *pgxpool.Pool
	now func() time.Time
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db, now: time.Now} }

// survivorSelect reads a person and their case with the acting agency's
// live share; row-level security has already hidden a case the actor may
// not see.
const survivorSelect = `
	SELECT c.id AS case_id, c.reference, c.owner_agency_id, c.handling_code,
		coalesce((SELECT s.level FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency()
			AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())), '') AS my_share,
		p.id AS person_id, p.code, p.role
	FROM case_people p JOIN cases c ON c.id = p.case_id
	WHERE c.id = $1 AND p.id = $2`

// onSurvivor runs f in one transaction, as actor, on a person of a case
// that may allows. A case or person the actor cannot see, or may not act
// on, is ErrNotFound, and the attempt is audited as action.denied.
func (s *Store) onSurvivor(ctx context.Context, actor access.Actor, caseID, personID int64, action string,
	may func(Survivor) bool, f func(tx pgx.Tx, sv Survivor) error) error {
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, survivorSelect, caseID, personID)
		sv, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Survivor])
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		// Row-level security lags an expired share by up to a minute; the
		// rule itself does not.
		if !actor.CanSeeCase(sv.Facts()) || !may(sv) {
			return ErrNotFound
		}
		return f(tx, sv)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, action, "person", personID)
	}
	return err
}

// Page loads a survivor's aftercare: the notes and services the actor may
// see.
func (s *Store) Page(ctx context.Context, actor access.Actor, caseID, personID int64) (View, error) {
	var v View
	may := func(sv Survivor) bool { return actor.CanSeeAftercare(sv.Facts(), sv.Role) }
	err := s.onSurvivor(ctx, actor, caseID, personID, "aftercare.view", may, func(tx pgx.Tx, sv Survivor) (err error) {
		v.Survivor = sv
		if v.Notes, err = notes(ctx, tx, actor, sv); err != nil {
			return err
		}
		v.Services, err = services(ctx, tx, actor, sv)
		return err
	})
	return v, err
}

// Notes lists a survivor's notes, newest first: the body only where the
// actor may read it, and nothing of the notes the actor may not know of.
func (s *Store) Notes(ctx context.Context, actor access.Actor, caseID, personID int64) ([]Note, error) {
	var out []Note
	may := func(sv Survivor) bool { return actor.CanSeeAftercare(sv.Facts(), sv.Role) }
	err := s.onSurvivor(ctx, actor, caseID, personID, "aftercare.view", may, func(tx pgx.Tx, sv Survivor) (err error) {
		out, err = notes(ctx, tx, actor, sv)
		return err
	})
	return out, err
}

func notes(ctx context.Context, tx pgx.Tx, actor access.Actor, sv Survivor) ([]Note, error) {
	// Row-level security leaves out the notes the actor may not know of, and
	// the bodies the actor may not read; the rules below say so again.
	rows, _ := tx.Query(ctx, `
		SELECT n.id, n.category, b.body, n.follow_up_on, n.visibility, n.agency_id, a.short_name AS agency_short,
			u.display_name AS author, n.created_at
		FROM aftercare_notes n JOIN agencies a ON a.id = n.agency_id JOIN users u ON u.id = n.author_id
			LEFT JOIN aftercare_note_bodies b ON b.note_id = n.id
		WHERE n.person_id = $1 AND n.case_id = $2
		ORDER BY n.created_at DESC, n.id DESC`, sv.PersonID, sv.CaseID)
	all, err := pgx.CollectRows(rows, pgx.RowToStructByName[Note])
	if err != nil {
		return nil, err
	}
	var out []Note
	for _, n := range all {
		if !actor.CanSeeNoteExists(sv.Facts(), n.AgencyID, n.Visibility) {
			continue
		}
		if n.Body == nil || !actor.CanReadNoteBody(sv.Facts(), n.AgencyID, n.Visibility) {
			// That a note exists, its category, date and agency; not who
			// wrote it nor when to follow up on what.
			n.Body, n.Author, n.FollowUpOn = nil, nil, nil
		}
		out = append(out, n)
	}
	return out, nil
}

// Services lists a survivor's services and placements, latest start first.
func (s *Store) Services(ctx context.Context, actor access.Actor, caseID, personID int64) ([]Service, error) {
	var out []Service
	may := func(sv Survivor) bool { return actor.CanSeeAftercare(sv.Facts(), sv.Role) }
	err := s.onSurvivor(ctx, actor, caseID, personID, "aftercare.view", may, func(tx pgx.Tx, sv Survivor) (err error) {
		out, err = services(ctx, tx, actor, sv)
		return err
	})
	return out, err
}

func services(ctx context.Context, tx pgx.Tx, actor access.Actor, sv Survivor) ([]Service, error) {
	rows, _ := tx.Query(ctx, `
		SELECT v.id, v.kind, v.provider_agency_id, pa.name AS provider_name, pa.short_name AS provider_short, v.status,
			v.starts_on, v.ends_on, sn.note, v.agency_id, ra.short_name AS agency_short, u.display_name AS recorded_by,
			v.updated_at
		FROM survivor_services v JOIN agencies pa ON pa.id = v.provider_agency_id JOIN agencies ra ON ra.id = v.agency_id
			JOIN users u ON u.id = v.recorded_by LEFT JOIN survivor_service_notes sn ON sn.service_id = v.id
		WHERE v.person_id = $1 AND v.case_id = $2
		ORDER BY v.starts_on DESC, v.id DESC`, sv.PersonID, sv.CaseID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByName[Service])
	if err != nil {
		return nil, err
	}
	for i := range out {
		if !actor.CanReadServiceNote(sv.Facts(), out[i].AgencyID) {
			out[i].Note = nil
		}
	}
	return out, nil
}

// AddNote writes an aftercare note on a survivor and returns its id.
func (s *Store) AddNote(ctx context.Context, actor access.Actor, caseID, personID int64, in NoteInput) (int64, error) {
	var id int64
	may := func(sv Survivor) bool { return actor.CanAddAftercare(sv.Facts(), sv.Role) }
	err := s.onSurvivor(ctx, actor, caseID, personID, "aftercare.note", may, func(tx pgx.Tx, sv Survivor) error {
		followUp, verrs := in.Validate(s.now())
		if err := verrs.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO aftercare_notes (person_id, case_id, agency_id, author_id, category, follow_up_on, visibility)
			VALUES ($1, $2, app_agency(), app_user(), $3, $4, $5) RETURNING id`,
			personID, caseID, in.Category, followUp, in.Visibility).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO aftercare_note_bodies (note_id, body) VALUES ($1, $2)`, id, in.Body); err != nil {
			return err
		}
		// The event names the person, not the case: the owner's access
		// history lists events by case, and must not tell a partner's
		// agency-only note exists.
		return audit.Record(ctx, tx, audit.Event{Action: "aftercare.note", ObjectType: "aftercare_note", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"person_id": personID, "code": sv.Code, "category": in.Category,
				"visibility": in.Visibility, "follow_up": followUp != nil}})
	})
	return id, err
}

// AddService records a service or placement for a survivor and returns its
// id.
func (s *Store) AddService(ctx context.Context, actor access.Actor, caseID, personID int64, in ServiceInput) (int64, error) {
	var id int64
	may := func(sv Survivor) bool { return actor.CanRecordService(sv.Facts(), sv.Role) }
	err := s.onSurvivor(ctx, actor, caseID, personID, "aftercare.service", may, func(tx pgx.Tx, sv Survivor) error {
		starts, ends, verrs := in.Validate(s.now())
		if in.Provider > 0 {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM agencies WHERE id = $1 AND active AND code <> $2)`,
				in.Provider, agencies.OperatorCode).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				verrs.Add("provider", "error.choice", nil)
			}
		}
		if err := verrs.Err(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO survivor_services (person_id, case_id, kind, provider_agency_id, status, starts_on, ends_on,
				agency_id, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, app_agency(), app_user()) RETURNING id`,
			personID, caseID, in.Kind, in.Provider, in.Status, starts, ends).Scan(&id); err != nil {
			return err
		}
		if in.Note != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO survivor_service_notes (service_id, note) VALUES ($1, $2)`, id, in.Note); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Event{Action: "aftercare.service", ObjectType: "survivor_service", ObjectID: fmt.Sprint(id),
			Details: map[string]any{"person_id": personID, "code": sv.Code, "kind": in.Kind, "provider_id": in.Provider,
				"status": in.Status}})
	})
	return id, err
}

// UpdateService moves a service to another status: the recording or the
// providing agency's caseworkers and coordinators.
func (s *Store) UpdateService(ctx context.Context, actor access.Actor, caseID, personID, serviceID int64, status string) error {
	may := func(sv Survivor) bool { return actor.CanRecordService(sv.Facts(), sv.Role) }
	return s.onSurvivor(ctx, actor, caseID, personID, "aftercare.service_status", may, func(tx pgx.Tx, sv Survivor) error {
		var recordedBy, provider int32
		var from string
		err := tx.QueryRow(ctx, `SELECT agency_id, provider_agency_id, status FROM survivor_services
			WHERE id = $1 AND person_id = $2 AND case_id = $3`, serviceID, personID, caseID).Scan(&recordedBy, &provider, &from)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if !actor.CanUpdateService(sv.Facts(), sv.Role, recordedBy, provider) {
			return ErrNotFound
		}
		if err := validStatus(status); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE survivor_services SET status = $2, updated_at = now() WHERE id = $1`, serviceID, status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 { // row-level security said no where the rule did not
			return ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Event{Action: "aftercare.service_status", ObjectType: "survivor_service", ObjectID: fmt.Sprint(serviceID),
			Details: map[string]any{"person_id": personID, "code": sv.Code, "from": from, "to": status}})
	})
}

// FollowUpsDue lists the notes of the actor's agency whose follow-up date
// has come or comes within FollowUpWindow, newest due first, on cases the
// agency still sees.
func (s *Store) FollowUpsDue(ctx context.Context, actor access.Actor) ([]FollowUp, error) {
	if !actor.CanSeeFollowUps() {
		return nil, ErrNotFound
	}
	until := geo.Today(s.now().Add(FollowUpWindow))
	var out []FollowUp
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		rows, _ := tx.Query(ctx, `
			SELECT n.id, n.case_id, c.reference, n.person_id, p.code, n.category, n.follow_up_on,
				u.display_name AS author, n.author_id = app_user() AS mine
			FROM aftercare_notes n JOIN cases c ON c.id = n.case_id JOIN case_people p ON p.id = n.person_id
				JOIN users u ON u.id = n.author_id
			WHERE n.agency_id = app_agency() AND n.follow_up_on IS NOT NULL AND n.follow_up_on <= $1
			ORDER BY n.follow_up_on DESC, n.id DESC
			LIMIT $2`, until, FollowUpLimit)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[FollowUp])
		return err
	})
	return out, err
}

// Providers lists the agencies that may provide a service: every active
// agency but the platform operator.
func (s *Store) Providers(ctx context.Context) ([]Provider, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, short_name FROM agencies WHERE active AND code <> $1 ORDER BY short_name`,
		agencies.OperatorCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Provider])
}
