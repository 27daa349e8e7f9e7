package postgres

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // the pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// Migrator runs the embedded migrations as the owner of the tables.
type Migrator struct{ m *migrate.Migrate }

// NewMigrator connects to ownerURL (postgres:// or postgresql://) with the
// migrations in fsys.
func NewMigrator(fsys fs.FS, ownerURL string) (*Migrator, error) {
	src, err := iofs.New(fsys, ".")
	if err != nil {
		return nil, err
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, pgx5URL(ownerURL))
	if err != nil {
		return nil, fmt.Errorf("connect for migrations: %w", err)
	}
	return &Migrator{m: m}, nil
}

// pgx5URL rewrites a libpq URL to the scheme golang-migrate's pgx v5 driver
// answers to.
func pgx5URL(url string) string {
	for _, scheme := range []string{"postgres://", "postgresql://"} {
		if rest, ok := strings.CutPrefix(url, scheme); ok {
			return "pgx5://" + rest
		}
	}
	return url
}

// Up applies every pending migration.
func (m *Migrator) Up() error { return ignoreNoChange(m.m.Up()) }

// Down reverts the latest migration.
func (m *Migrator) Down() error { return ignoreNoChange(m.m.Steps(-1)) }

// Force marks version v as applied and clean, after a failed migration was
// mended by hand.
func (m *Migrator) Force(v int) error { return m.m.Force(v) }

// Version reports the applied version; 0 before the first migration.
func (m *Migrator) Version() (uint, bool, error) {
	v, dirty, err := m.m.Version()
	if errors.Is(err, migrate.ErrNilVersion) {
		return 0, false, nil
	}
	return v, dirty, err
}

// Close releases the connection.
func (m *Migrator) Close() error {
	srcErr, dbErr := m.m.Close()
	return errors.Join(srcErr, dbErr)
}

func ignoreNoChange(err error) error {
	if errors.Is(err, migrate.ErrNoChange) {
		return nil
	}
	return err
}
