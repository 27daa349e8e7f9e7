-- The partner directory (DESIGN §2 Contact, DOMAIN §1): people in an
-- agency whom partners across the border may call or message.
--
-- A contact is not case content: every signed-in user reads the entries
-- marked 'partners' and those of their own agency, analysts and agency
-- admins included. Only an agency's admins and coordinators write its
-- entries. Phones are stored in E.164; the messaging handles are columns,
-- one of each kind per person, as the apps allow.

CREATE TABLE contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_id   integer NOT NULL REFERENCES agencies (id),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    position    text NOT NULL DEFAULT '' CHECK (length(position) <= 200),
    unit        text NOT NULL DEFAULT '' CHECK (length(unit) <= 200),
    phones      text[] NOT NULL CHECK (cardinality(phones) BETWEEN 1 AND 5),
    line_id     text NOT NULL DEFAULT '' CHECK (line_id ~ '^([a-z0-9._-]{4,20})?$'),
    whatsapp    text NOT NULL DEFAULT '' CHECK (whatsapp ~ '^(\+[1-9][0-9]{6,14})?$'),
    telegram    text NOT NULL DEFAULT '' CHECK (telegram ~ '^([A-Za-z0-9_]{5,32})?$'),
    signal      text NOT NULL DEFAULT '' CHECK (signal ~ '^(\+[1-9][0-9]{6,14})?$'),
    email       text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    languages   text[] NOT NULL DEFAULT '{}',
    provinces   text[] NOT NULL DEFAULT '{}',
    focal_point boolean NOT NULL DEFAULT false,
    visibility  text NOT NULL CHECK (visibility IN ('partners', 'agency')),
    active      boolean NOT NULL DEFAULT true,
    verified_on date NOT NULL DEFAULT current_date,
    created_by  bigint NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Search: by name (any script, part of a name), by agency, by province
-- and language covered; the stale list walks an agency's oldest checks.
CREATE INDEX contacts_name_trgm_idx ON contacts USING gin (name gin_trgm_ops);
CREATE INDEX contacts_agency_idx ON contacts (agency_id, verified_on);
CREATE INDEX contacts_provinces_idx ON contacts USING gin (provinces);
CREATE INDEX contacts_languages_idx ON contacts USING gin (languages);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;

-- Read: any signed-in actor, for entries open to partners or of their own
-- agency. Without an actor nothing shows.
CREATE POLICY contacts_read ON contacts FOR SELECT TO handshake_app
    USING (app_agency() IS NOT NULL AND (visibility = 'partners' OR agency_id = app_agency()));
CREATE POLICY contacts_add ON contacts FOR INSERT TO handshake_app
    WITH CHECK (agency_id = app_agency() AND created_by = app_user() AND app_has_role('agency_admin', 'coordinator'));
CREATE POLICY contacts_change ON contacts FOR UPDATE TO handshake_app
    USING (agency_id = app_agency() AND app_has_role('agency_admin', 'coordinator'))
    WITH CHECK (agency_id = app_agency());
CREATE POLICY contacts_remove ON contacts FOR DELETE TO handshake_app
    USING (agency_id = app_agency() AND app_has_role('agency_admin', 'coordinator'));

-- An entry never moves to another agency nor changes its author.
GRANT SELECT, INSERT, DELETE ON contacts TO handshake_app;
GRANT UPDATE (name, position, unit, phones, line_id, whatsapp, telegram, signal, email, languages, provinces,
    focal_point, visibility, active, verified_on, updated_at) ON contacts TO handshake_app;
