package agencies_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/argon2"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/auth"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func demo(t *testing.T) (*pgtest.DB, *agencies.Store) {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return db, agencies.NewStore(db.App)
}

func actor(t *testing.T, s *agencies.Store, email string) access.Actor {
	t.Helper()
	a, err := s.Authenticate(context.Background(), email, seed.DemoPassword)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	return a.Actor()
}

func TestAgencyAdminManagesOnlyOwnAgency(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	admin := actor(t, s, "agency_admin@th-ppr2.example")
	var otherID, ownID int64
	db.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'investigator@kh-ahtjp.example'`).Scan(&otherID)
	db.Owner.QueryRow(ctx, `SELECT id FROM users WHERE email = 'investigator@th-ppr2.example'`).Scan(&ownID)

	if _, err := s.ManagedUser(ctx, admin, otherID); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("ManagedUser(other agency) = %v, want ErrNotFound", err)
	}
	if err := s.SetActive(ctx, admin, otherID, false); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("SetActive(other agency) = %v, want ErrNotFound", err)
	}
	if _, err := s.ResetPassword(ctx, admin, otherID); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("ResetPassword(other agency) = %v, want ErrNotFound", err)
	}
	if err := s.SetRoles(ctx, admin, otherID, []access.Role{access.Coordinator}); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("SetRoles(other agency) = %v, want ErrNotFound", err)
	}
	if _, _, err := s.CreateUser(ctx, admin, 3, agencies.UserInput{Email: "x@y.example", DisplayName: "X", Language: "en",
		Roles: []access.Role{access.Investigator}}); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("CreateUser(other agency) = %v, want ErrNotFound", err)
	}
	if _, err := s.ManagedUser(ctx, admin, ownID); err != nil {
		t.Errorf("ManagedUser(own agency) = %v", err)
	}
	users, err := s.ListUsers(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.AgencyID != admin.AgencyID {
			t.Errorf("ListUsers shows %s of agency %d", u.Email, u.AgencyID)
		}
	}
	if len(users) != 4 {
		t.Errorf("ListUsers: %d users, want PPR2's 4", len(users))
	}
}

func TestOnlyAgencyAdminsAndThePlatformAdminManageUsers(t *testing.T) {
	_, s := demo(t)
	ctx := context.Background()
	for _, email := range []string{"coordinator@th-ppr2.example", "investigator@th-ppr2.example", "analyst@th-ppr2.example"} {
		if _, err := s.ListUsers(ctx, actor(t, s, email)); !errors.Is(err, agencies.ErrNotFound) {
			t.Errorf("%s ListUsers = %v, want ErrNotFound", email, err)
		}
		if _, err := s.ListAgencies(ctx, actor(t, s, email)); !errors.Is(err, agencies.ErrNotFound) {
			t.Errorf("%s ListAgencies = %v, want ErrNotFound", email, err)
		}
	}
	platform := actor(t, s, seed.PlatformAdminEmail)
	if _, err := s.ListUsers(ctx, platform); !errors.Is(err, agencies.ErrNotFound) {
		t.Errorf("platform admin ListUsers = %v, want ErrNotFound", err)
	}
}

func TestRolesMustFitTheAgencyKind(t *testing.T) {
	_, s := demo(t)
	ctx := context.Background()
	police := actor(t, s, "agency_admin@kh-ahtjp.example")
	_, _, err := s.CreateUser(ctx, police, police.AgencyID, agencies.UserInput{Email: "sw@ahtjp.example", DisplayName: "Social worker",
		Language: "km", Roles: []access.Role{access.Caseworker}})
	verrs, ok := errors.AsType[validate.Errors](err)
	if !ok || verrs["roles"].ID != "error.role_for_kind" {
		t.Fatalf("caseworker in a police unit: %v, want error.role_for_kind", err)
	}
}

func TestChangingAnAgencysKindDropsRolesThatNoLongerFit(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	platform := actor(t, s, seed.PlatformAdminEmail)
	var id int32
	db.Owner.QueryRow(ctx, `SELECT id FROM agencies WHERE code = 'aim'`).Scan(&id)
	err := s.UpdateAgency(ctx, platform, id, agencies.AgencyInput{Name: "Agape International Missions", ShortName: "AIM",
		Kind: access.Coordination, Country: "KH"})
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	var version int
	db.Owner.QueryRow(ctx, `SELECT roles, auth_version FROM users WHERE email = 'caseworker@aim.example'`).Scan(&roles, &version)
	if len(roles) != 0 || version != 2 {
		t.Fatalf("caseworker in a coordinating body: roles %v, auth_version %d; want none, 2", roles, version)
	}
}

func TestPlatformAdminHoldsNoRoleInTheDatabase(t *testing.T) {
	db, _ := demo(t)
	_, err := db.App.Exec(context.Background(), `UPDATE users SET roles = '{coordinator}' WHERE is_platform_admin`)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" { // check_violation
		t.Fatalf("giving the platform admin a role: %v, want a check violation", err)
	}
}

func TestWritesAreAudited(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	admin := actor(t, s, "agency_admin@clec.example")
	id, _, err := s.CreateUser(ctx, admin, admin.AgencyID, agencies.UserInput{Email: "new@clec.example", DisplayName: "New",
		Language: "km", Roles: []access.Role{access.Caseworker}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, admin, id, false); err != nil {
		t.Fatal(err)
	}
	var actions []string
	rows, _ := db.Owner.Query(ctx, `SELECT action FROM audit_events WHERE object_type = 'user' AND object_id = $1::bigint::text ORDER BY id`, id)
	for rows.Next() {
		var a string
		rows.Scan(&a)
		actions = append(actions, a)
	}
	if len(actions) != 2 || actions[0] != "user.create" || actions[1] != "user.deactivate" {
		t.Fatalf("audit events %v, want user.create, user.deactivate", actions)
	}
}

func TestCreatePlatformAdminMakesTheOperatorAgencyOnce(t *testing.T) {
	db := pgtest.New(t)
	s := agencies.NewStore(db.App)
	ctx := context.Background()
	if _, err := s.CreatePlatformAdmin(ctx, "ops@example.org", "Ops", "short", "TH"); err == nil {
		t.Fatal("a short password was accepted")
	}
	for _, email := range []string{"ops@example.org", "ops2@example.org"} {
		if _, err := s.CreatePlatformAdmin(ctx, email, "Ops", "a long operator passphrase", "KH"); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	db.Owner.QueryRow(ctx, `SELECT count(*) FROM agencies WHERE code = $1`, agencies.OperatorCode).Scan(&n)
	if n != 1 {
		t.Fatalf("%d operator agencies, want 1", n)
	}
	a, err := s.Authenticate(ctx, "OPS@example.org", "a long operator passphrase")
	if err != nil || !a.PlatformAdmin || len(a.Roles) != 0 {
		t.Fatalf("platform admin login: %+v, %v", a.User, err)
	}
}

func TestNoAgencyAdminManagesAPlatformAdmin(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	platform := actor(t, s, seed.PlatformAdminEmail)
	// The operator agency gets an admin of its own.
	_, password, err := s.CreateUser(ctx, platform, platform.AgencyID, agencies.UserInput{Email: "ops-admin@handshake.example",
		DisplayName: "Ops admin", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	opsAdmin, err := s.Authenticate(ctx, "ops-admin@handshake.example", password)
	if err != nil {
		t.Fatal(err)
	}
	users, err := s.ListUsers(ctx, opsAdmin.Actor())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.PlatformAdmin {
			t.Errorf("the operator agency's admin sees platform admin %s", u.Email)
		}
	}
	if _, err := s.ResetPassword(ctx, opsAdmin.Actor(), platform.UserID); !errors.Is(err, agencies.ErrNotFound) {
		t.Fatalf("an agency admin reset the platform admin's password: %v", err)
	}
	if err := s.SetActive(ctx, opsAdmin.Actor(), platform.UserID, false); !errors.Is(err, agencies.ErrNotFound) {
		t.Fatalf("an agency admin deactivated the platform admin: %v", err)
	}
	var active bool
	db.Owner.QueryRow(ctx, `SELECT active FROM users WHERE id = $1`, platform.UserID).Scan(&active)
	if !active {
		t.Fatal("the platform admin was deactivated")
	}
}

func TestSignInsAreAudited(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	if _, err := s.Authenticate(ctx, "analyst@aim.example", "wrong password!"); !errors.Is(err, agencies.ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
	a := actor(t, s, "analyst@aim.example")
	var fails, logins int
	db.Owner.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'login.fail' AND details->>'email' = 'analyst@aim.example'),
		count(*) FILTER (WHERE action = 'login' AND actor_user_id = $1) FROM audit_events`, a.UserID).Scan(&fails, &logins)
	if fails != 1 || logins != 1 {
		t.Fatalf("audit: %d failed and %d successful sign-ins, want 1 and 1", fails, logins)
	}
}

// A hash made with earlier argon2 parameters is replaced at the next
// sign-in, and the password goes on working; a current one is left alone.
func TestSignInReplacesAnOutdatedHash(t *testing.T) {
	db, s := demo(t)
	ctx := context.Background()
	const email = "analyst@aim.example"
	salt := []byte("0123456789abcdef")
	b64 := base64.RawStdEncoding
	old := "$argon2id$v=19$m=19456,t=2,p=1$" + b64.EncodeToString(salt) + "$" +
		b64.EncodeToString(argon2.IDKey([]byte(seed.DemoPassword), salt, 2, 19456, 1, 32))
	if _, err := db.Owner.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE email = $1`, email, old); err != nil {
		t.Fatal(err)
	}
	hash := func() string {
		var h string
		if err := db.Owner.QueryRow(ctx, `SELECT password_hash FROM users WHERE email = $1`, email).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	actor(t, s, email)
	replaced := hash()
	if replaced == old || auth.NeedsRehash(replaced) || !auth.VerifyPassword(replaced, seed.DemoPassword) {
		t.Fatalf("after sign-in the hash is %q, want a current hash of the same password", replaced)
	}
	actor(t, s, email)
	if h := hash(); h != replaced {
		t.Errorf("a current hash was replaced at sign-in: %q, then %q", replaced, h)
	}
}
