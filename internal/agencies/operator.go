package agencies

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/auth"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// OperatorCode is the agency that platform admins belong to: the operator
// of the installation, which holds no case of its own.
const OperatorCode = "handshake"

// CreatePlatformAdmin adds a platform admin, from the command line of the
// server's operator, creating the operator agency in country on first use.
func (s *Store) CreatePlatformAdmin(ctx context.Context, email, name, password, country string) (int64, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	e := validate.Errors{}
	e.Email("email", email)
	e.Text("name", name, true, 1, 120)
	if err := auth.CheckPassword(password); err != nil {
		e.Add("password", err.Error(), nil)
	}
	if err := e.Err(); err != nil {
		return 0, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		agencyID, err := ensureOperator(ctx, tx, country)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO users (agency_id, email, display_name, password_hash, is_platform_admin)
			VALUES ($1, $2, $3, $4, true) RETURNING id`, agencyID, email, name, hash).Scan(&id)
		if err != nil {
			return uniqueToField(err, "email", "an account with this email already exists")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "user.create_platform_admin", ObjectType: "user", ObjectID: itoa(id)})
	})
	return id, err
}

func ensureOperator(ctx context.Context, tx pgx.Tx, country string) (int32, error) {
	var id int32
	err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE code = $1`, OperatorCode).Scan(&id)
	if !errors.Is(err, pgx.ErrNoRows) {
		return id, err
	}
	err = tx.QueryRow(ctx, `
		INSERT INTO agencies (code, name, short_name, kind, country)
		VALUES ($1, 'Handshake platform operator', 'OPS', 'international', $2) RETURNING id`,
		OperatorCode, country).Scan(&id)
	return id, err
}
