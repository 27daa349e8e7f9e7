-- Accounts: agencies, their users and roles, sessions, login throttling and
-- the audit log.
--
-- Two database roles keep row-level security honest. The owner (whoever runs
-- these migrations) owns every table. The server runs as handshake_app, which
-- owns nothing and cannot bypass row-level security, so the policies of later
-- migrations bind it.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'handshake_app') THEN
        CREATE ROLE handshake_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

CREATE EXTENSION IF NOT EXISTS citext;

GRANT USAGE ON SCHEMA public TO handshake_app;
GRANT SELECT ON schema_migrations TO handshake_app;

CREATE TABLE agencies (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,31}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    name_local  text NOT NULL DEFAULT '' CHECK (length(name_local) <= 200),
    short_name  text NOT NULL CHECK (short_name ~ '^[A-Z0-9][A-Z0-9-]{1,15}$'),
    kind        text NOT NULL CHECK (kind IN ('police', 'ngo', 'government', 'international', 'coordination')),
    country     text NOT NULL CHECK (country IN ('TH', 'KH', 'MM', 'LA', 'VN', 'CN')),
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id            integer NOT NULL REFERENCES agencies (id),
    email                citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 120),
    language             text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'th', 'km')),
    password_hash        text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT false,
    roles                text[] NOT NULL DEFAULT '{}'
        CHECK (roles <@ ARRAY['investigator', 'caseworker', 'coordinator', 'agency_admin', 'analyst']),
    is_platform_admin    boolean NOT NULL DEFAULT false,
    active               boolean NOT NULL DEFAULT true,
    -- Every session remembers both numbers from its login. A new
    -- auth_version (roles changed) makes it renew its token and take the new
    -- roles; a new session_epoch (password changed or reset) ends it.
    auth_version         integer NOT NULL DEFAULT 1,
    session_epoch        integer NOT NULL DEFAULT 1,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    -- Separation of duties: the operator of the installation holds no role
    -- inside any agency, so the flag never opens case content.
    CHECK (NOT is_platform_admin OR cardinality(roles) = 0)
);

CREATE INDEX users_agency_idx ON users (agency_id, display_name);

-- Failed logins, shared by every replica, for throttling per account and per
-- client address.
CREATE TABLE login_failures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       citext NOT NULL,
    client_addr text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_addr_idx ON login_failures (client_addr, at);

-- scs pgxstore's table.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Append-only: the application may add events, never change or remove them.
CREATE TABLE audit_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor_user_id   bigint REFERENCES users (id),
    actor_agency_id integer REFERENCES agencies (id),
    action          text NOT NULL,
    object_type     text NOT NULL DEFAULT '',
    object_id       text NOT NULL DEFAULT '',
    client_addr     text NOT NULL DEFAULT '',
    details         jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_at_idx ON audit_events (at DESC);

GRANT SELECT, INSERT, UPDATE ON agencies, users TO handshake_app;
GRANT SELECT, INSERT, DELETE ON login_failures TO handshake_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO handshake_app;
GRANT SELECT, INSERT ON audit_events TO handshake_app;
