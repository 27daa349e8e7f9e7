package agencies

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/auth"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// Languages are the interface languages a user may choose.
var Languages = []string{"en", "th", "km"}

// UserInput is what an admin types to create a user.
type UserInput struct {
	Email       string
	DisplayName string
	Language    string
	Roles       []access.Role
}

// Normalize trims the input, lower-cases the email and orders the roles.
func (in *UserInput) Normalize() {
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	slices.Sort(in.Roles)
	in.Roles = slices.Compact(in.Roles)
}

// Validate reports what is wrong, given the kind of the user's agency.
func (in UserInput) Validate(kind access.Kind) validate.Errors {
	e := validate.Errors{}
	e.Email("email", in.Email)
	e.Text("display_name", in.DisplayName, true, 1, 120)
	validate.OneOf(e, "language", in.Language, Languages)
	validateRoles(e, in.Roles, kind)
	return e
}

func validateRoles(e validate.Errors, roles []access.Role, kind access.Kind) {
	if len(roles) == 0 {
		e.Add("roles", "error.roles_required", nil)
	}
	for _, r := range roles {
		if !slices.Contains(access.RolesFor(kind), r) {
			e.Add("roles", "error.role_for_kind", nil)
		}
	}
}

const userColumns = `u.id, u.agency_id, u.email::text AS email, u.display_name, u.language, u.roles, u.is_platform_admin,
	u.active, u.must_change_password, u.auth_version, u.session_epoch, u.last_login_at, u.created_at`

// Account is a user with their agency, as a session needs them.
type Account struct {
	User
	Agency Agency
}

// Account returns a user with their agency, by id. It is how every request
// learns who it acts for, so it also serves deactivated users: the caller
// decides to sign them out.
func (s *Store) Account(ctx context.Context, userID int64) (Account, error) {
	var a Account
	err := s.db.QueryRow(ctx, `
		SELECT u.id, u.agency_id, u.email::text, u.display_name, u.language, u.roles, u.is_platform_admin,
			u.active, u.must_change_password, u.auth_version, u.session_epoch, u.last_login_at, u.created_at,
			g.id, g.code, g.name, g.name_local, g.short_name, g.kind, g.country, g.active, g.created_at, g.updated_at
		FROM users u JOIN agencies g ON g.id = u.agency_id WHERE u.id = $1`, userID).Scan(
		&a.ID, &a.AgencyID, &a.Email, &a.DisplayName, &a.Language, &a.Roles, &a.PlatformAdmin,
		&a.Active, &a.MustChangePassword, &a.AuthVersion, &a.SessionEpoch, &a.LastLoginAt, &a.CreatedAt,
		&a.Agency.ID, &a.Agency.Code, &a.Agency.Name, &a.Agency.NameLocal, &a.Agency.ShortName,
		&a.Agency.Kind, &a.Agency.Country, &a.Agency.Active, &a.Agency.CreatedAt, &a.Agency.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return Account{}, ErrNotFound
	}
	return a, err
}

// Actor is the access.Actor for an account.
func (a Account) Actor() access.Actor {
	return access.Actor{
		UserID:        a.ID,
		AgencyID:      a.AgencyID,
		AgencyKind:    a.Agency.Kind,
		Roles:         a.Roles,
		PlatformAdmin: a.PlatformAdmin,
	}
}

// CanSignIn reports whether the account and its agency are active.
func (a Account) CanSignIn() bool { return a.Active && a.Agency.Active }

// ErrBadCredentials is the one answer for an unknown email, a wrong
// password and an inactive account, so a login form reveals nothing.
var ErrBadCredentials = errors.New("wrong email or password")

// Authenticate checks an email and password. Every failure costs the same
// time and returns ErrBadCredentials. Both outcomes are audit events, so a
// guessing campaign shows in the log.
func (s *Store) Authenticate(ctx context.Context, email, password string) (Account, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	a, hash, err := s.authenticate(ctx, email, password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		if err := audit.Record(ctx, s.db, audit.Event{Action: "login.fail", ObjectType: "user",
			Details: map[string]any{"email": email}}); err != nil {
			return Account{}, err
		}
		return Account{}, ErrBadCredentials
	case err != nil:
		return Account{}, err
	}
	who := audit.WhoFrom(ctx)
	who.UserID, who.AgencyID = a.ID, a.AgencyID
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET last_login_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		// A hash from before the parameters changed is replaced while the
		// password is at hand, unless the password changed meanwhile.
		if auth.NeedsRehash(hash) {
			next, err := auth.HashPassword(password)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3`,
				a.ID, next, hash); err != nil {
				return err
			}
		}
		return audit.Record(audit.WithWho(ctx, who), tx, audit.Event{Action: "login", ObjectType: "user", ObjectID: itoa(a.ID)})
	})
	return a, err
}

func (s *Store) authenticate(ctx context.Context, email, password string) (Account, string, error) {
	var id int64
	var hash string
	err := s.db.QueryRow(ctx, `SELECT id, password_hash FROM users WHERE email = $1`, email).Scan(&id, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		auth.BurnVerify(password)
		return Account{}, "", ErrBadCredentials
	}
	if err != nil {
		return Account{}, "", err
	}
	if !auth.VerifyPassword(hash, password) {
		return Account{}, "", ErrBadCredentials
	}
	a, err := s.Account(ctx, id)
	if err != nil {
		return Account{}, "", err
	}
	if !a.CanSignIn() {
		return Account{}, "", ErrBadCredentials
	}
	return a, hash, nil
}

// ListUsers returns the users of the actor's own agency, for its admin.
func (s *Store) ListUsers(ctx context.Context, actor access.Actor) ([]User, error) {
	if !actor.CanManageUsersOf(actor.AgencyID) {
		return nil, ErrNotFound
	}
	cond, arg, _ := scope(actor)
	return s.users(ctx, `WHERE `+cond+` ORDER BY u.active DESC, u.display_name`, arg)
}

// ListAgencyAdmins returns the admins of an agency, for the platform admin.
func (s *Store) ListAgencyAdmins(ctx context.Context, actor access.Actor, agencyID int32) ([]User, error) {
	if !actor.CanManageAgencies() {
		return nil, ErrNotFound
	}
	return s.users(ctx, `WHERE u.agency_id = $1 AND 'agency_admin' = ANY (u.roles) ORDER BY u.active DESC, u.display_name`, agencyID)
}

func (s *Store) users(ctx context.Context, where string, args ...any) ([]User, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+userColumns+` FROM users u `+where, args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[User])
}

// scope is which users an actor may manage: an agency admin those of their
// own agency; the platform admin the agency admins of any agency. Platform
// admins are nobody's to manage, so an admin of the operator agency cannot
// take over the platform. It is the one place that answers the question, as
// a condition on users u with one argument, $1, so no query can forget it.
func scope(actor access.Actor) (cond string, arg any, ok bool) {
	switch {
	case actor.Has(access.AgencyAdmin):
		return `u.agency_id = $1 AND NOT u.is_platform_admin`, actor.AgencyID, true
	case actor.PlatformAdmin:
		return `'agency_admin' = ANY (u.roles) AND u.id <> $1`, actor.UserID, true
	}
	return "", nil, false
}

// ManagedUser returns a user the actor may manage.
func (s *Store) ManagedUser(ctx context.Context, actor access.Actor, id int64) (User, error) {
	cond, arg, ok := scope(actor)
	if !ok {
		return User{}, ErrNotFound
	}
	users, err := s.users(ctx, `WHERE u.id = $2 AND `+cond, arg, id)
	if err != nil {
		return User{}, err
	}
	if len(users) == 0 {
		return User{}, ErrNotFound
	}
	return users[0], nil
}

// CreateUser adds a user to an agency with a temporary password that they
// must change at first login, and returns the new id and the password, which
// is shown once and never stored in clear. An agency admin adds users to
// their own agency; the platform admin adds agency admins to any.
func (s *Store) CreateUser(ctx context.Context, actor access.Actor, agencyID int32, in UserInput) (int64, string, error) {
	switch {
	case actor.CanManageUsersOf(agencyID):
	case actor.CanManageAgencies():
		in.Roles = []access.Role{access.AgencyAdmin}
	default:
		return 0, "", ErrNotFound
	}
	in.Normalize()
	var kind access.Kind
	if err := s.db.QueryRow(ctx, `SELECT kind FROM agencies WHERE id = $1`, agencyID).Scan(&kind); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, "", ErrNotFound
		}
		return 0, "", err
	}
	if err := in.Validate(kind).Err(); err != nil {
		return 0, "", err
	}
	password := auth.TemporaryPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, "", err
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO users (agency_id, email, display_name, language, roles, password_hash, must_change_password)
			VALUES ($1, $2, $3, $4, $5, $6, true) RETURNING id`,
			agencyID, in.Email, in.DisplayName, in.Language, roleStrings(in.Roles), hash).Scan(&id)
		if err != nil {
			return uniqueToField(err, "email", "error.email_taken")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.create", ObjectType: "user", ObjectID: itoa(id),
			Details: map[string]any{"agency_id": agencyID, "roles": in.Roles}})
	})
	if err != nil {
		return 0, "", err
	}
	return id, password, nil
}

// SetRoles replaces a user's roles. Their open sessions take the new roles
// with a new session token on their next request.
func (s *Store) SetRoles(ctx context.Context, actor access.Actor, id int64, roles []access.Role) error {
	if !actor.Has(access.AgencyAdmin) {
		return ErrNotFound
	}
	slices.Sort(roles)
	roles = slices.Compact(roles)
	e := validate.Errors{}
	validateRoles(e, roles, actor.AgencyKind)
	if id == actor.UserID && !slices.Contains(roles, access.AgencyAdmin) {
		// The last word on an agency's users must not lock itself out.
		e.Add("roles", "error.keep_own_admin", nil)
	}
	if err := e.Err(); err != nil {
		return err
	}
	return s.update(ctx, actor, id, "user.roles", map[string]any{"roles": roles},
		`roles = $3, auth_version = auth_version + 1`, roleStrings(roles))
}

// SetActive deactivates a user, which ends their sessions at once, or
// activates them again.
func (s *Store) SetActive(ctx context.Context, actor access.Actor, id int64, active bool) error {
	if id == actor.UserID {
		return ErrNotFound
	}
	action := "user.deactivate"
	if active {
		action = "user.activate"
	}
	return s.update(ctx, actor, id, action, nil, `active = $3`, active)
}

// ResetPassword gives a user a new temporary password, ends their sessions
// and makes them choose their own at next login. It returns the password,
// to be shown once.
func (s *Store) ResetPassword(ctx context.Context, actor access.Actor, id int64) (string, error) {
	if id == actor.UserID {
		return "", ErrNotFound
	}
	password := auth.TemporaryPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	err = s.update(ctx, actor, id, "user.password_reset", nil, `password_hash = $3, must_change_password = true, session_epoch = session_epoch + 1`, hash)
	return password, err
}

// update changes one managed user in the actor's scope and audits it. set
// assigns the new value, $3.
func (s *Store) update(ctx context.Context, actor access.Actor, id int64, action string, details map[string]any, set string, value any) error {
	cond, arg, ok := scope(actor)
	if !ok {
		return ErrNotFound
	}
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users AS u SET `+set+`, updated_at = now()
			WHERE u.id = $2 AND `+cond, arg, id, value)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "user", ObjectID: itoa(id), Details: details})
	})
}

// ProfileInput is what a user may change about themselves.
type ProfileInput struct {
	DisplayName string
	Language    string
}

// UpdateProfile changes the actor's own name and language.
func (s *Store) UpdateProfile(ctx context.Context, actor access.Actor, in ProfileInput) error {
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	e := validate.Errors{}
	e.Text("display_name", in.DisplayName, true, 1, 120)
	validate.OneOf(e, "language", in.Language, Languages)
	if err := e.Err(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET display_name = $2, language = $3, updated_at = now() WHERE id = $1`,
			actor.UserID, in.DisplayName, in.Language); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.profile", ObjectType: "user", ObjectID: itoa(actor.UserID)})
	})
}

// SetLanguage stores the actor's preferred language.
func (s *Store) SetLanguage(ctx context.Context, actor access.Actor, lang string) error {
	if !slices.Contains(Languages, lang) {
		return validate.Errors{"lang": {ID: "error.choice"}}
	}
	_, err := s.db.Exec(ctx, `UPDATE users SET language = $2 WHERE id = $1`, actor.UserID, lang)
	return err
}

// ChangePassword sets the actor's own password after checking the current
// one, and returns the new session epoch: every other session of theirs ends.
func (s *Store) ChangePassword(ctx context.Context, actor access.Actor, current, next, confirm string) (int32, error) {
	var hash string
	if err := s.db.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, actor.UserID).Scan(&hash); err != nil {
		return 0, err
	}
	e := validate.Errors{}
	if !auth.VerifyPassword(hash, current) {
		e.Add("current", "error.current_password", nil)
	}
	switch err := auth.CheckPassword(next); {
	case errors.Is(err, auth.ErrPasswordTooShort):
		e.Add("new", "error.password_short", map[string]any{"Min": auth.MinPasswordLength})
	case errors.Is(err, auth.ErrPasswordTooLong):
		e.Add("new", "error.too_long", map[string]any{"Max": 256})
	case errors.Is(err, auth.ErrPasswordCommon):
		e.Add("new", "error.password_common", nil)
	case next == current:
		e.Add("new", "error.password_same", nil)
	}
	if next != confirm {
		e.Add("confirm", "error.password_mismatch", nil)
	}
	if err := e.Err(); err != nil {
		return 0, err
	}
	newHash, err := auth.HashPassword(next)
	if err != nil {
		return 0, err
	}
	var version int32
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, must_change_password = false, session_epoch = session_epoch + 1, updated_at = now()
			WHERE id = $1 RETURNING session_epoch`, actor.UserID, newHash).Scan(&version); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.password_change", ObjectType: "user", ObjectID: itoa(actor.UserID)})
	})
	return version, err
}

func roleStrings(roles []access.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}
