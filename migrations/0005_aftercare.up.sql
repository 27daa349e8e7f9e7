-- Aftercare: caseworkers' notes on a survivor of a case, and the services
-- and placements the survivor receives (DESIGN §2).
--
-- DESIGN §3.5 holds here in row-level security as well as in the store:
-- a note is seen by the agency that wrote it and, with visibility 'case',
-- by every agency with access to the case. Investigators of other agencies
-- may know that such a note exists (its category, date and agency) but
-- never read it. A policy decides whole rows, not columns, so the body
-- lives apart in aftercare_note_bodies under the stricter policy, as
-- person_identities does for case_people in 0003. A service's free-text
-- note is kept apart the same way.

CREATE TABLE aftercare_notes (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id    bigint NOT NULL REFERENCES case_people (id),
    -- The person's case, copied: the policies test the case's visibility
    -- without a join through case_people.
    case_id      bigint NOT NULL REFERENCES cases (id),
    agency_id    integer NOT NULL REFERENCES agencies (id),
    author_id    bigint NOT NULL REFERENCES users (id),
    category     text NOT NULL CHECK (category IN ('medical', 'psychosocial', 'legal', 'shelter', 'education',
                     'livelihood', 'repatriation', 'reintegration')),
    follow_up_on date,
    visibility   text NOT NULL CHECK (visibility IN ('agency', 'case')),
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX aftercare_notes_person_idx ON aftercare_notes (person_id, created_at DESC, id DESC);
-- An agency's follow-ups due, newest due first.
CREATE INDEX aftercare_notes_follow_up_idx ON aftercare_notes (agency_id, follow_up_on DESC, id DESC)
    WHERE follow_up_on IS NOT NULL;

CREATE TABLE aftercare_note_bodies (
    note_id bigint PRIMARY KEY REFERENCES aftercare_notes (id),
    body    text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000)
);

CREATE TABLE survivor_services (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id          bigint NOT NULL REFERENCES case_people (id),
    case_id            bigint NOT NULL REFERENCES cases (id),
    kind               text NOT NULL CHECK (kind IN ('shelter_stay', 'medical', 'legal_aid', 'repatriation', 'reintegration')),
    provider_agency_id integer NOT NULL REFERENCES agencies (id),
    status             text NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    starts_on          date NOT NULL,
    ends_on            date CHECK (ends_on IS NULL OR ends_on >= starts_on),
    -- Who recorded it: their agency may change its status, as may the
    -- provider.
    agency_id          integer NOT NULL REFERENCES agencies (id),
    recorded_by        bigint NOT NULL REFERENCES users (id),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX survivor_services_person_idx ON survivor_services (person_id, starts_on DESC, id DESC);

CREATE TABLE survivor_service_notes (
    service_id bigint PRIMARY KEY REFERENCES survivor_services (id),
    note       text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000)
);

ALTER TABLE aftercare_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE aftercare_note_bodies ENABLE ROW LEVEL SECURITY;
ALTER TABLE survivor_services ENABLE ROW LEVEL SECURITY;
ALTER TABLE survivor_service_notes ENABLE ROW LEVEL SECURITY;

-- Whether the acting user may read aftercare text written by agency
-- author with visibility vis, on a case they see: the author's own agency,
-- or with 'case' the caseworkers and coordinators of every agency with
-- access (DESIGN §3.5).
CREATE FUNCTION app_reads_aftercare(author integer, vis text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT author = app_agency() OR (vis = 'case' AND app_has_role('caseworker', 'coordinator'))
$$;

-- A survivor of a case the acting agency sees: case_people's own policy
-- (the case's visibility) decides inside the subquery.
CREATE FUNCTION app_survivor_on(person bigint, case_ bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT FROM case_people p WHERE p.id = person AND p.case_id = case_ AND p.role = 'survivor')
$$;

-- A note's row: on a case the user sees (the cases policy, which also
-- shuts out analysts and agency admins), written by their agency or marked
-- for the whole case. An investigator of another agency sees the row, not
-- the body.
CREATE POLICY aftercare_notes_read ON aftercare_notes FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id) AND (agency_id = app_agency() OR visibility = 'case'));
CREATE POLICY aftercare_notes_add ON aftercare_notes FOR INSERT TO handshake_app
    WITH CHECK (agency_id = app_agency() AND author_id = app_user() AND app_has_role('caseworker')
        AND app_survivor_on(person_id, case_id));

-- The body: the stricter rule, over a row of aftercare_notes the user
-- already sees.
CREATE POLICY aftercare_note_bodies_read ON aftercare_note_bodies FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM aftercare_notes n WHERE n.id = note_id AND app_reads_aftercare(n.agency_id, n.visibility)));
CREATE POLICY aftercare_note_bodies_add ON aftercare_note_bodies FOR INSERT TO handshake_app
    WITH CHECK (EXISTS (SELECT FROM aftercare_notes n WHERE n.id = note_id AND n.agency_id = app_agency() AND n.author_id = app_user()));

-- Services: seen by everyone who sees the case; recorded by caseworkers
-- and coordinators of any agency with access, read share included
-- (aftercare is the NGOs' work), with an active provider; their status
-- changed by the recording or the providing agency.
CREATE POLICY survivor_services_read ON survivor_services FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM cases c WHERE c.id = case_id));
CREATE POLICY survivor_services_add ON survivor_services FOR INSERT TO handshake_app
    WITH CHECK (agency_id = app_agency() AND recorded_by = app_user() AND app_has_role('caseworker', 'coordinator')
        AND app_survivor_on(person_id, case_id)
        AND EXISTS (SELECT FROM agencies a WHERE a.id = provider_agency_id AND a.active));
CREATE POLICY survivor_services_update ON survivor_services FOR UPDATE TO handshake_app
    USING (app_has_role('caseworker', 'coordinator') AND app_agency() IN (agency_id, provider_agency_id)
        AND EXISTS (SELECT FROM cases c WHERE c.id = case_id));

-- A service's note: read like a note marked for the whole case.
CREATE POLICY survivor_service_notes_read ON survivor_service_notes FOR SELECT TO handshake_app
    USING (EXISTS (SELECT FROM survivor_services s WHERE s.id = service_id AND app_reads_aftercare(s.agency_id, 'case')));
CREATE POLICY survivor_service_notes_add ON survivor_service_notes FOR INSERT TO handshake_app
    WITH CHECK (EXISTS (SELECT FROM survivor_services s WHERE s.id = service_id AND s.agency_id = app_agency() AND s.recorded_by = app_user()));

-- Notes are a record: written once, never changed or removed by the
-- application. Of a service only its status moves.
GRANT SELECT, INSERT ON aftercare_notes, aftercare_note_bodies, survivor_services, survivor_service_notes TO handshake_app;
GRANT UPDATE (status, updated_at) ON survivor_services TO handshake_app;
