-- Cases: shared case records, the people on them, their timelines and the
-- shares that open them to partner agencies.
--
-- The access rules of DESIGN §3 hold here a second time, in row-level
-- security, so one forgotten check in Go cannot leak a case. Every
-- transaction on case data first sets who acts (see internal/postgres.Tx):
--   app.user_id, app.agency_id, app.agency_kind, app.roles (comma-separated).
-- With none set, the application role sees no case data at all.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The acting user, as the transaction set it. STABLE, so the planner
-- evaluates each once per query and can still use the GIN index on
-- visible_to.
CREATE FUNCTION app_agency() RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.agency_id', true), '')::integer $$;

CREATE FUNCTION app_user() RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;

CREATE FUNCTION app_agency_kind() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.agency_kind', true), '') $$;

CREATE FUNCTION app_has_role(VARIADIC wanted text[]) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT string_to_array(coalesce(current_setting('app.roles', true), ''), ',') && wanted
$$;

-- Roles that see case content at all (DESIGN §3.2): analysts and agency
-- admins do not.
CREATE FUNCTION app_reads_cases() RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT app_has_role('investigator', 'caseworker', 'coordinator') $$;

-- The agency whose cases the acting user may read: their own, when their
-- roles read cases at all, else NULL (which matches nothing). One
-- condition instead of two keeps the planner's row estimate for the list
-- true, so it walks the (updated_at, id) index instead of sorting every
-- visible case (measured at 100k cases: 40 ms became under 1 ms).
CREATE FUNCTION app_case_agency() RETURNS integer
LANGUAGE sql STABLE AS $$ SELECT CASE WHEN app_reads_cases() THEN app_agency() END $$;

-- Whether the acting agency may see information under a handling code,
-- written by agency author (DESIGN §3.3). The author always sees its own.
CREATE FUNCTION app_may_see(code text, author integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT author = app_agency()
        OR code = 'partners'
        OR (code = 'law_enforcement' AND app_agency_kind() IN ('police', 'government'))
$$;

-- Case references count per agency and year: KH-AHTJP-2026-0042.
CREATE TABLE case_counters (
    agency_id integer NOT NULL REFERENCES agencies (id),
    year      integer NOT NULL,
    last      integer NOT NULL,
    PRIMARY KEY (agency_id, year)
);

CREATE TABLE cases (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference       text NOT NULL UNIQUE,
    owner_agency_id integer NOT NULL REFERENCES agencies (id),
    title           text NOT NULL CHECK (length(title) BETWEEN 3 AND 200),
    summary         text NOT NULL DEFAULT '' CHECK (length(summary) <= 10000),
    category        text NOT NULL CHECK (category IN ('sex_trafficking', 'labour_trafficking',
                        'child_sexual_exploitation', 'online_child_exploitation', 'forced_marriage',
                        'forced_begging', 'scam_compound', 'other')),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'investigating',
                        'operation_planned', 'rescued', 'prosecution', 'closed')),
    priority        text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    lead_officer_id bigint REFERENCES users (id),
    country         text NOT NULL CHECK (country IN ('TH', 'KH', 'MM', 'LA', 'VN', 'CN')),
    province        text NOT NULL DEFAULT '' CHECK (province = '' OR province LIKE country || '-%'),
    handling_code   text NOT NULL DEFAULT 'partners' CHECK (handling_code IN ('partners', 'law_enforcement', 'originator')),
    opened_on       date NOT NULL DEFAULT current_date,
    closed_on       date CHECK (closed_on IS NULL OR closed_on >= opened_on),
    version         integer NOT NULL DEFAULT 1,
    created_by      bigint REFERENCES users (id),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    -- The owner and every agency an unexpired share and the handling code
    -- admit: what row-level security tests. Triggers keep it; DESIGN §6
    -- measured why (a per-row EXISTS on shares is too slow at a million
    -- cases).
    visible_to      integer[] NOT NULL DEFAULT '{}',
    CHECK ((status = 'closed') = (closed_on IS NOT NULL))
);

CREATE INDEX cases_visible_to_idx ON cases USING gin (visible_to);
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, id DESC);
CREATE INDEX cases_province_status_idx ON cases (province, status, updated_at DESC, id DESC);
CREATE INDEX cases_opened_idx ON cases (opened_on DESC, id DESC);
CREATE INDEX cases_owner_idx ON cases (owner_agency_id, updated_at DESC, id DESC);
CREATE INDEX cases_reference_trgm ON cases USING gin (reference gin_trgm_ops);
CREATE INDEX cases_title_trgm ON cases USING gin (title gin_trgm_ops);
CREATE INDEX cases_summary_trgm ON cases USING gin (summary gin_trgm_ops);

-- A case opened to another agency: read, or contribute (add entries and
-- people). Revoking keeps the row, for the record of who had access.
CREATE TABLE case_shares (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     bigint NOT NULL REFERENCES cases (id),
    agency_id   integer NOT NULL REFERENCES agencies (id),
    level       text NOT NULL CHECK (level IN ('read', 'contribute')),
    basis       text NOT NULL CHECK (basis IN ('referral', 'request', 'legal_basis', 'joint_operation')),
    reason      text NOT NULL CHECK (length(reason) BETWEEN 3 AND 1000),
    expires_at  timestamptz,
    granted_by  bigint NOT NULL REFERENCES users (id),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    revoked_by  bigint REFERENCES users (id),
    revoked_at  timestamptz
);

-- One live share per case and agency; a new one replaces it.
CREATE UNIQUE INDEX case_shares_live_idx ON case_shares (case_id, agency_id) WHERE revoked_at IS NULL;
CREATE INDEX case_shares_expiry_idx ON case_shares (expires_at) WHERE revoked_at IS NULL AND expires_at IS NOT NULL;

-- People on a case. What lists show: the role and a pseudonymous code.
-- Names and documents live apart, in person_identities.
CREATE TABLE case_people (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id              bigint NOT NULL REFERENCES cases (id),
    role                 text NOT NULL CHECK (role IN ('survivor', 'suspect', 'witness')),
    code                 text NOT NULL UNIQUE CHECK (code ~ '^[SPW]-[0-9A-Z]{4,8}$'),
    sex                  text NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    age_estimate         integer CHECK (age_estimate BETWEEN 0 AND 120),
    nationality          text NOT NULL DEFAULT '' CHECK (nationality = '' OR nationality ~ '^[A-Z]{2}$'),
    -- Survivors and witnesses: agreed to share identity with partners.
    consent              boolean NOT NULL DEFAULT false,
    consent_recorded_at  timestamptz,
    -- The owning agency may open identity to partners without consent,
    -- with a written reason (DESIGN §3.4).
    override_reason      text CHECK (override_reason IS NULL OR length(override_reason) BETWEEN 10 AND 1000),
    override_by          bigint REFERENCES users (id),
    override_at          timestamptz,
    suspect_status       text CHECK (suspect_status IN ('wanted', 'arrested', 'charged', 'convicted', 'released')),
    added_by_agency_id   integer NOT NULL REFERENCES agencies (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'suspect') = (suspect_status IS NOT NULL)),
    CHECK (consent = (consent_recorded_at IS NOT NULL))
);

CREATE INDEX case_people_case_idx ON case_people (case_id);

-- Identity: shown to a partner only with consent or an override, and every
-- reveal is an audit event (written by the store).
CREATE TABLE person_identities (
    person_id     bigint PRIMARY KEY REFERENCES case_people (id),
    names         text[] NOT NULL CHECK (cardinality(names) BETWEEN 1 AND 10),
    aliases       text[] NOT NULL DEFAULT '{}' CHECK (cardinality(aliases) <= 20),
    date_of_birth date,
    languages     text NOT NULL DEFAULT '' CHECK (length(languages) <= 200),
    documents     text NOT NULL DEFAULT '' CHECK (length(documents) <= 1000),
    -- names and aliases as one text, for trigram search.
    search_text   text NOT NULL DEFAULT ''
);

CREATE FUNCTION person_identities_search_text() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := array_to_string(NEW.names || NEW.aliases, ' ');
    RETURN NEW;
END
$$;

CREATE TRIGGER person_identities_search_text BEFORE INSERT OR UPDATE ON person_identities
    FOR EACH ROW EXECUTE FUNCTION person_identities_search_text();

CREATE INDEX person_identities_search_trgm ON person_identities USING gin (search_text gin_trgm_ops);

CREATE TABLE timeline_entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       bigint NOT NULL REFERENCES cases (id),
    kind          text NOT NULL CHECK (kind IN ('note', 'operation', 'rescue', 'arrest', 'court_hearing',
                      'after_action_review', 'status_change', 'share', 'referral')),
    occurred_at   timestamptz NOT NULL,
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    handling_code text NOT NULL DEFAULT 'partners' CHECK (handling_code IN ('partners', 'law_enforcement', 'originator')),
    author_id     bigint NOT NULL REFERENCES users (id),
    agency_id     integer NOT NULL REFERENCES agencies (id),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX timeline_entries_case_idx ON timeline_entries (case_id, occurred_at DESC, id DESC);

-- visible_to, computed: the owner, and each agency with a live share that
-- the handling code admits. It is recomputed on every write of a case, so
-- no statement can set it to anything else.
CREATE FUNCTION compute_visible_to(case_id_ bigint, owner_ integer, handling_ text) RETURNS integer[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    -- Parameters end in _ so that no column (agencies.code, say) shadows them.
    SELECT array(
        SELECT owner_
        UNION
        SELECT s.agency_id
        FROM case_shares s JOIN agencies a ON a.id = s.agency_id
        WHERE s.case_id = case_id_ AND s.revoked_at IS NULL
          AND (s.expires_at IS NULL OR s.expires_at > now())
          AND (handling_ = 'partners' OR (handling_ = 'law_enforcement' AND a.kind IN ('police', 'government')))
        ORDER BY 1)
$$;

CREATE FUNCTION cases_set_visible_to() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    NEW.visible_to := compute_visible_to(NEW.id, NEW.owner_agency_id, NEW.handling_code);
    RETURN NEW;
END
$$;

CREATE TRIGGER cases_visible_to BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_set_visible_to();

-- A share granted, revoked or changed: touch the case, whose trigger
-- recomputes visible_to.
CREATE FUNCTION case_shares_refresh_visible_to() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE cases SET visible_to = visible_to WHERE id = NEW.case_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER case_shares_visible_to AFTER INSERT OR UPDATE ON case_shares
    FOR EACH ROW EXECUTE FUNCTION case_shares_refresh_visible_to();

-- An agency's kind decides law_enforcement visibility, so a change of kind
-- recomputes the cases shared with it.
CREATE FUNCTION agencies_refresh_visible_to() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE cases SET visible_to = visible_to
    WHERE id IN (SELECT case_id FROM case_shares WHERE agency_id = NEW.id AND revoked_at IS NULL);
    RETURN NULL;
END
$$;

CREATE TRIGGER agencies_visible_to AFTER UPDATE OF kind ON agencies
    FOR EACH ROW EXECUTE FUNCTION agencies_refresh_visible_to();

-- Shares expire by the clock, not by a write: a periodic job calls this to
-- drop expired agencies from visible_to. The store checks expiry itself on
-- every single-case read, so the job's interval only bounds how long an
-- expired case can still show in a list.
CREATE FUNCTION expire_case_shares() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH stale AS (
        SELECT DISTINCT s.case_id FROM case_shares s JOIN cases c ON c.id = s.case_id
        WHERE s.revoked_at IS NULL AND s.expires_at <= now() AND c.visible_to @> ARRAY[s.agency_id]
    ), done AS (
        UPDATE cases c SET visible_to = c.visible_to FROM stale WHERE c.id = stale.case_id RETURNING 1
    )
    SELECT count(*)::integer FROM done
$$;

-- A case's access history on its page: events about the case (found by
-- audit_events_object_idx of 0002), and reveals and changes of the people
-- on it, which carry the case in their details.
CREATE INDEX audit_events_case_idx ON audit_events ((details->>'case_id'), id DESC) WHERE details ? 'case_id';

-- Row-level security: the second net under the store's own checks.
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_shares ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_people ENABLE ROW LEVEL SECURITY;
ALTER TABLE person_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE timeline_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE case_counters ENABLE ROW LEVEL SECURITY;

CREATE POLICY cases_read ON cases FOR SELECT TO handshake_app
    USING (visible_to @> ARRAY[app_case_agency()]);
CREATE POLICY cases_create ON cases FOR INSERT TO handshake_app
    WITH CHECK (owner_agency_id = app_agency() AND app_has_role('investigator', 'coordinator'));
CREATE POLICY cases_edit ON cases FOR UPDATE TO handshake_app
    USING (owner_agency_id = app_agency() AND app_has_role('investigator', 'coordinator'))
    WITH CHECK (owner_agency_id = app_agency());

CREATE POLICY case_counters_own ON case_counters FOR ALL TO handshake_app
    USING (agency_id = app_agency()) WITH CHECK (agency_id = app_agency());

-- A subquery on cases is itself under the cases policy: whoever cannot see
-- the case cannot see what hangs on it.
CREATE POLICY case_shares_read ON case_shares FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id));
CREATE POLICY case_shares_grant ON case_shares FOR INSERT TO handshake_app
    WITH CHECK (app_has_role('coordinator') AND granted_by = app_user() AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id AND c.owner_agency_id = app_agency() AND c.handling_code <> 'originator'));
CREATE POLICY case_shares_revoke ON case_shares FOR UPDATE TO handshake_app
    USING (app_has_role('coordinator') AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id AND c.owner_agency_id = app_agency()));

CREATE POLICY case_people_read ON case_people FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id));
CREATE POLICY case_people_add ON case_people FOR INSERT TO handshake_app
    WITH CHECK (added_by_agency_id = app_agency() AND app_has_role('investigator', 'coordinator') AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id AND (c.owner_agency_id = app_agency() OR EXISTS (
            SELECT FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency() AND s.level = 'contribute'
              AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())))));
CREATE POLICY case_people_edit ON case_people FOR UPDATE TO handshake_app
    USING (app_has_role('investigator', 'coordinator') AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id AND c.owner_agency_id = app_agency()));

-- Identity: the owning agency, or a partner when the person consented or
-- the owner overrode; suspects' identity goes with the case.
CREATE POLICY person_identities_read ON person_identities FOR SELECT TO handshake_app
    USING (EXISTS (
        SELECT FROM case_people p JOIN cases c ON c.id = p.case_id
        WHERE p.id = person_id
          AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency()
               OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL)));
CREATE POLICY person_identities_write ON person_identities FOR INSERT TO handshake_app
    WITH CHECK (EXISTS (SELECT FROM case_people p WHERE p.id = person_id AND p.added_by_agency_id = app_agency()));
CREATE POLICY person_identities_edit ON person_identities FOR UPDATE TO handshake_app
    USING (EXISTS (
        SELECT FROM case_people p JOIN cases c ON c.id = p.case_id
        WHERE p.id = person_id AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency())));

CREATE POLICY timeline_entries_read ON timeline_entries FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id) AND app_may_see(handling_code, agency_id));
CREATE POLICY timeline_entries_add ON timeline_entries FOR INSERT TO handshake_app
    WITH CHECK (agency_id = app_agency() AND author_id = app_user() AND EXISTS (
        SELECT FROM cases c WHERE c.id = case_id AND (c.owner_agency_id = app_agency() OR EXISTS (
            SELECT FROM case_shares s WHERE s.case_id = c.id AND s.agency_id = app_agency() AND s.level = 'contribute'
              AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())))));

-- Column grants: the application may never write visible_to, a case's
-- owner or reference, or rewrite who granted a share.
GRANT SELECT, INSERT ON cases, case_shares, case_people, person_identities, timeline_entries TO handshake_app;
GRANT UPDATE (title, summary, category, status, priority, lead_officer_id, country, province, handling_code,
    opened_on, closed_on, version, updated_at) ON cases TO handshake_app;
GRANT UPDATE (revoked_by, revoked_at) ON case_shares TO handshake_app;
GRANT UPDATE (sex, age_estimate, nationality, consent, consent_recorded_at, override_reason, override_by,
    override_at, suspect_status, updated_at) ON case_people TO handshake_app;
GRANT UPDATE (names, aliases, date_of_birth, languages, documents) ON person_identities TO handshake_app;
GRANT SELECT, INSERT, UPDATE ON case_counters TO handshake_app;
GRANT EXECUTE ON FUNCTION expire_case_shares() TO handshake_app;

-- Search (DESIGN §6): ILIKE is not leakproof, so under row-level security
-- PostgreSQL would scan every case instead of using the trigram indexes.
-- This function runs as the owner, applies the same visibility itself, and
-- searches each indexed column on its own. Names match only where the
-- acting agency may see the identity (DESIGN §3.4): a search must not tell
-- a partner whom a survivor is.
CREATE FUNCTION search_case_ids(q_ text, cap_ integer) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH pattern AS (
        SELECT '%' || replace(replace(replace(q_, '\', '\\'), '%', '\%'), '_', '\_') || '%' AS p
    ), hits AS (
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.reference ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()])
        UNION
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.title ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()])
        UNION
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.summary ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()])
        UNION
        (SELECT c.id, c.updated_at FROM person_identities i
            JOIN case_people p ON p.id = i.person_id JOIN cases c ON c.id = p.case_id, pattern
         WHERE i.search_text ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()]
           AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency()
                OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL))
    )
    SELECT id FROM hits WHERE app_reads_cases() ORDER BY updated_at DESC LIMIT cap_
$$;

GRANT EXECUTE ON FUNCTION search_case_ids(text, integer) TO handshake_app;
