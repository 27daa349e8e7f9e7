package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/postgres/cluster"
)

func findServer() (string, error) { return cluster.FindBinDir() }

// Database roles of the development cluster: the owner runs migrations, the
// server logs in as the application role.
const (
	ownerRole = "handshake_owner"
	appRole   = "handshake_app"
	dbName    = "handshake"
)

// prepare creates the roles and the database on first use.
func prepare(ctx context.Context, c *cluster.Cluster) error {
	conn, err := pgx.Connect(ctx, c.SuperuserURL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, fmt.Sprintf(`
		DO $$ BEGIN
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%[1]s') THEN CREATE ROLE %[1]s LOGIN; END IF;
			IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%[2]s') THEN CREATE ROLE %[2]s LOGIN NOBYPASSRLS; END IF;
		END $$`, ownerRole, appRole)); err != nil {
		return err
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s OWNER %s`, dbName, ownerRole)); err != nil {
			return err
		}
	}
	return createPostGIS(ctx, c.SuperuserURL(dbName))
}

// createPostGIS adds the PostGIS extension to the database at url. PostGIS
// is not a trusted extension, so a superuser creates it before the owner's
// migrations run; migration 0010 then finds it there.
func createPostGIS(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS postgis`)
	return err
}
