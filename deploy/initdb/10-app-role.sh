#!/bin/sh
# Runs once, when the PostgreSQL container first creates its data folder:
# the login role the server uses. It owns nothing and cannot bypass
# row-level security; the migrations grant it what it may do.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
CREATE ROLE handshake_app LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '${HANDSHAKE_APP_PASSWORD}';
SQL
