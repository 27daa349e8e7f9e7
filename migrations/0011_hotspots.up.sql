-- Hotspots (DESIGN §2, DOMAIN §1): places where trafficking is known or
-- suspected, graded by their source and marked with a handling code that
-- limits who sees them, as a case's does (DESIGN §3.3).
--
-- Who reads a hotspot: users whose roles work with intelligence
-- (investigators, caseworkers, coordinators and analysts) of every agency
-- the handling code admits; the owning agency always. Investigators and
-- coordinators of the owning agency write it.

CREATE TABLE hotspots (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_agency_id integer NOT NULL REFERENCES agencies (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 2 AND 200),
    kind            text NOT NULL CHECK (kind IN ('border_crossing', 'brick_kiln', 'entertainment_venue',
                        'recruitment_agency', 'port', 'scam_compound', 'transit_route', 'other')),
    country         text NOT NULL CHECK (country IN ('TH', 'KH', 'MM', 'LA', 'VN', 'CN')),
    province        text NOT NULL DEFAULT '' CHECK (province = '' OR province LIKE country || '-%'),
    district        text NOT NULL DEFAULT '' CHECK (length(district) <= 200),
    location        geography(Point, 4326) NOT NULL,
    -- The point's degrees again, as plain numbers: a map's box compares
    -- them with leakproof operators, which row-level security lets use an
    -- index (see hotspot_ids_within below for why that matters).
    lat             double precision GENERATED ALWAYS AS (ST_Y(location::geometry)) STORED,
    lon             double precision GENERATED ALWAYS AS (ST_X(location::geometry)) STORED,
    risk            text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
    -- The source grade of the 4x4 system: how reliable the source is
    -- (A always, B mostly, C not, X cannot be judged) and how sure the
    -- information is (1 known true, 2 known to the source, 3 not known to
    -- the source but corroborated, 4 cannot be judged).
    reliability     text NOT NULL CHECK (reliability IN ('A', 'B', 'C', 'X')),
    information     smallint NOT NULL CHECK (information BETWEEN 1 AND 4),
    handling_code   text NOT NULL DEFAULT 'partners' CHECK (handling_code IN ('partners', 'law_enforcement', 'originator')),
    verified_on     date NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_by      bigint NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Within N km and the map's box walk the GiST index; the list filters by
-- country and province and sorts by risk then name.
CREATE INDEX hotspots_location_idx ON hotspots USING gist (location);
CREATE INDEX hotspots_lon_lat_idx ON hotspots (lon, lat);
CREATE INDEX hotspots_place_idx ON hotspots (country, province);
CREATE INDEX hotspots_name_trgm_idx ON hotspots USING gin (name gin_trgm_ops);

-- A case linked to a hotspot, from the case page. The link is as secret as
-- the case and the hotspot both: a user sees it only when they see both.
CREATE TABLE hotspot_cases (
    hotspot_id bigint NOT NULL REFERENCES hotspots (id) ON DELETE CASCADE,
    case_id    bigint NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    agency_id  integer NOT NULL REFERENCES agencies (id),
    linked_by  bigint NOT NULL REFERENCES users (id),
    linked_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (hotspot_id, case_id)
);
CREATE INDEX hotspot_cases_case_idx ON hotspot_cases (case_id);

-- Where a case happened, when the investigator knows: the page lists the
-- hotspots near it.
ALTER TABLE cases ADD COLUMN location geography(Point, 4326);
GRANT UPDATE (location) ON cases TO handshake_app;

-- The roles that read hotspots at all; agency admins and the platform
-- operator run accounts, not intelligence.
CREATE FUNCTION app_reads_hotspots() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT app_has_role('investigator', 'caseworker', 'coordinator', 'analyst') $$;

-- Whether the acting user may add to a case: its owner, or an agency with a
-- live contribute share (DESIGN §3.1), as an investigator or coordinator.
CREATE FUNCTION app_may_add_to_case(case_id_ bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT app_has_role('investigator', 'coordinator') AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id_ AND (c.owner_agency_id = app_agency() OR EXISTS (
            SELECT FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency() AND s.level = 'contribute'
              AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now()))))
$$;

ALTER TABLE hotspots ENABLE ROW LEVEL SECURITY;
ALTER TABLE hotspot_cases ENABLE ROW LEVEL SECURITY;

CREATE POLICY hotspots_read ON hotspots FOR SELECT TO handshake_app
    USING (app_reads_hotspots() AND app_may_see(handling_code, owner_agency_id));
CREATE POLICY hotspots_add ON hotspots FOR INSERT TO handshake_app
    WITH CHECK (owner_agency_id = app_agency() AND created_by = app_user() AND app_has_role('investigator', 'coordinator'));
CREATE POLICY hotspots_edit ON hotspots FOR UPDATE TO handshake_app
    USING (owner_agency_id = app_agency() AND app_has_role('investigator', 'coordinator'))
    WITH CHECK (owner_agency_id = app_agency());

-- Subqueries on cases and hotspots are under their own policies.
CREATE POLICY hotspot_cases_read ON hotspot_cases FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id) AND EXISTS (SELECT FROM hotspots h WHERE h.id = hotspot_id));
CREATE POLICY hotspot_cases_link ON hotspot_cases FOR INSERT TO handshake_app
    WITH CHECK (agency_id = app_agency() AND linked_by = app_user() AND app_may_add_to_case(case_id)
        AND EXISTS (SELECT FROM hotspots h WHERE h.id = hotspot_id));
CREATE POLICY hotspot_cases_unlink ON hotspot_cases FOR DELETE TO handshake_app
    USING (app_may_add_to_case(case_id) AND EXISTS (SELECT FROM hotspots h WHERE h.id = hotspot_id));

-- Within N km under row-level security. PostGIS's operators are not
-- leakproof, so the planner may not use the GiST index ahead of the
-- policy and scans every hotspot instead (measured: 35 ms for 5 hits among
-- 10,000). This finds the ids within the radius through the index, as the
-- table's owner; the caller then reads the rows by id, under the policy.
-- An id alone tells nothing, and the caller sees only the rows it may.
CREATE FUNCTION hotspot_ids_within(lon_ float8, lat_ float8, metres_ float8) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT id FROM hotspots
    WHERE ST_DWithin(location, ST_SetSRID(ST_MakePoint(lon_, lat_), 4326)::geography, metres_)
$$;
REVOKE ALL ON FUNCTION hotspot_ids_within(float8, float8, float8) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hotspot_ids_within(float8, float8, float8) TO handshake_app;

-- A hotspot never changes its owner or its author.
GRANT SELECT, INSERT ON hotspots TO handshake_app;
GRANT UPDATE (name, kind, country, province, district, location, risk, notes, reliability, information, handling_code,
    verified_on, version, updated_at) ON hotspots TO handshake_app;
GRANT SELECT, INSERT, DELETE ON hotspot_cases TO handshake_app;
