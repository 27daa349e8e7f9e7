package agencies

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// AgencyInput is what the platform admin types to create or edit an agency.
type AgencyInput struct {
	Code      string // lower-case slug used in email addresses and links, e.g. kh-ahtjp
	Name      string
	NameLocal string // the name in Thai or Khmer
	ShortName string // upper-case, used in case references, e.g. AHTJP
	Kind      access.Kind
	Country   string
}

var (
	codePattern      = regexp.MustCompile(`^[a-z][a-z0-9-]{1,31}$`)
	shortNamePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{1,15}$`)
)

// Normalize trims the input and fixes the case of code and short name.
func (in *AgencyInput) Normalize() {
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.Name = strings.TrimSpace(in.Name)
	in.NameLocal = strings.TrimSpace(in.NameLocal)
	in.ShortName = strings.ToUpper(strings.TrimSpace(in.ShortName))
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
}

// Validate reports what is wrong with the input, field by field.
func (in AgencyInput) Validate() validate.Errors {
	e := validate.Errors{}
	if in.Code == "" {
		e.Add("code", "error.required", nil)
	} else if !codePattern.MatchString(in.Code) {
		e.Add("code", "error.agency_code", nil)
	}
	e.Text("name", in.Name, true, 2, 200)
	e.Text("name_local", in.NameLocal, false, 2, 200)
	if in.ShortName == "" {
		e.Add("short_name", "error.required", nil)
	} else if !shortNamePattern.MatchString(in.ShortName) {
		e.Add("short_name", "error.short_name", nil)
	}
	validate.OneOf(e, "kind", in.Kind, access.Kinds)
	validate.OneOf(e, "country", in.Country, access.Countries)
	return e
}

const agencyColumns = `id, code, name, name_local, short_name, kind, country, active, created_at, updated_at`

// AgencySummary is an agency with how many active users it has.
type AgencySummary struct {
	Agency
	ActiveUsers int `db:"active_users"`
}

// ListAgencies returns every agency, for the platform admin.
func (s *Store) ListAgencies(ctx context.Context, actor access.Actor) ([]AgencySummary, error) {
	if !actor.CanManageAgencies() {
		return nil, ErrNotFound
	}
	rows, _ := s.db.Query(ctx, `
		SELECT `+agencyColumns+`,
			(SELECT count(*) FROM users u WHERE u.agency_id = a.id AND u.active) AS active_users
		FROM agencies a ORDER BY country, name`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[AgencySummary])
}

// Agency returns one agency to the platform admin, or the actor's own.
func (s *Store) Agency(ctx context.Context, actor access.Actor, id int32) (Agency, error) {
	if !actor.CanManageAgencies() && actor.AgencyID != id {
		return Agency{}, ErrNotFound
	}
	rows, _ := s.db.Query(ctx, `SELECT `+agencyColumns+` FROM agencies WHERE id = $1`, id)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Agency])
	if errors.Is(err, pgx.ErrNoRows) {
		return Agency{}, ErrNotFound
	}
	return a, err
}

// CreateAgency adds an agency and returns its id.
func (s *Store) CreateAgency(ctx context.Context, actor access.Actor, in AgencyInput) (int32, error) {
	if !actor.CanManageAgencies() {
		return 0, ErrNotFound
	}
	in.Normalize()
	if err := in.Validate().Err(); err != nil {
		return 0, err
	}
	var id int32
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO agencies (code, name, name_local, short_name, kind, country)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			in.Code, in.Name, in.NameLocal, in.ShortName, in.Kind, in.Country).Scan(&id)
		if err != nil {
			return uniqueToField(err, "code", "error.agency_code_taken")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "agency.create", ObjectType: "agency", ObjectID: itoa(id),
			Details: map[string]any{"code": in.Code, "kind": in.Kind, "country": in.Country}})
	})
	return id, err
}

// UpdateAgency changes an agency's names, kind and country. Its code stays:
// email addresses and references are built from it.
func (s *Store) UpdateAgency(ctx context.Context, actor access.Actor, id int32, in AgencyInput) error {
	if !actor.CanManageAgencies() {
		return ErrNotFound
	}
	in.Normalize()
	verrs := in.Validate()
	delete(verrs, "code")
	if err := verrs.Err(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			UPDATE agencies SET name = $2, name_local = $3, short_name = $4, kind = $5, country = $6, updated_at = now()
			WHERE id = $1`, id, in.Name, in.NameLocal, in.ShortName, in.Kind, in.Country)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		// Roles that no longer fit the kind lapse with it.
		if _, err := tx.Exec(ctx, `
			UPDATE users SET roles = ARRAY(SELECT r FROM unnest(roles) r WHERE r = ANY($2)),
				auth_version = auth_version + 1, updated_at = now()
			WHERE agency_id = $1 AND NOT roles <@ $2`, id, roleStrings(access.RolesFor(in.Kind))); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "agency.update", ObjectType: "agency", ObjectID: itoa(id),
			Details: map[string]any{"kind": in.Kind, "country": in.Country}})
	})
}

// SetAgencyActive deactivates an agency, which signs out all its users at
// once, or activates it again.
func (s *Store) SetAgencyActive(ctx context.Context, actor access.Actor, id int32, active bool) error {
	if !actor.CanManageAgencies() || id == actor.AgencyID {
		return ErrNotFound
	}
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE agencies SET active = $2, updated_at = now() WHERE id = $1`, id, active)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		action := "agency.deactivate"
		if active {
			action = "agency.activate"
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "agency", ObjectID: itoa(id)})
	})
}

// uniqueToField turns a unique violation into a field error.
func uniqueToField(err error, field, id string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return validate.Errors{field: {ID: id}}
	}
	return err
}

func itoa[T ~int32 | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }
