// Package agencies keeps the agencies that use Handshake and their users:
// who belongs where, with which roles. Every method takes the acting user
// and answers ErrNotFound for anything that actor may not touch.
package agencies

import (
	"errors"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
)

// ErrNotFound means no such object, or none the actor may see.
var ErrNotFound = errors.New("not found")

// ErrTaken means a unique value (an agency code, an email) is in use.
var ErrTaken = errors.New("already in use")

// Agency is a police unit, NGO, government body or international
// organisation.
type Agency struct {
	ID        int32       `db:"id"`
	Code      string      `db:"code"`
	Name      string      `db:"name"`
	NameLocal string      `db:"name_local"`
	ShortName string      `db:"short_name"`
	Kind      access.Kind `db:"kind"`
	Country   string      `db:"country"`
	Active    bool        `db:"active"`
	CreatedAt time.Time   `db:"created_at"`
	UpdatedAt time.Time   `db:"updated_at"`
}

// User is a person who signs in, in exactly one agency.
type User struct {
	ID                 int64         `db:"id"`
	AgencyID           int32         `db:"agency_id"`
	Email              string        `db:"email"`
	DisplayName        string        `db:"display_name"`
	Language           string        `db:"language"`
	Roles              []access.Role `db:"roles"`
	PlatformAdmin      bool          `db:"is_platform_admin"`
	Active             bool          `db:"active"`
	MustChangePassword bool          `db:"must_change_password"`
	AuthVersion        int32         `db:"auth_version"`
	SessionEpoch       int32         `db:"session_epoch"`
	LastLoginAt        *time.Time    `db:"last_login_at"`
	CreatedAt          time.Time     `db:"created_at"`
}

// Store reads and writes agencies and users.
type Store struct {
	db *pgxpool.Pool
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db} }
