-- Referrals: a case passed from one agency to another for a purpose, with
-- a deadline to respond (DESIGN §4), and the notifications that tell each
-- side what the other did.

CREATE TABLE referrals (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id           bigint NOT NULL REFERENCES cases (id),
    -- The case's reference, copied: the receiving agency reads the referral
    -- before it may see the case.
    case_reference    text NOT NULL,
    from_agency_id    integer NOT NULL REFERENCES agencies (id),
    to_agency_id      integer NOT NULL REFERENCES agencies (id),
    purpose           text NOT NULL CHECK (purpose IN ('investigation_assistance', 'arrest', 'rescue', 'aftercare',
                          'shelter_placement', 'repatriation', 'legal_assistance')),
    urgency           text NOT NULL CHECK (urgency IN ('normal', 'high', 'urgent')),
    message           text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    respond_by        timestamptz NOT NULL,
    -- Whether the receiving agency may see the survivors' identity once it
    -- accepts; without every survivor's consent the sender gives a reason.
    include_identity  boolean NOT NULL DEFAULT false,
    identity_reason   text CHECK (identity_reason IS NULL OR length(identity_reason) BETWEEN 10 AND 1000),
    cross_border      boolean NOT NULL,
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'declined', 'withdrawn', 'completed')),
    sent_by           bigint NOT NULL REFERENCES users (id),
    sent_at           timestamptz NOT NULL DEFAULT now(),
    assigned_to       bigint REFERENCES users (id),
    responded_by      bigint REFERENCES users (id),
    responded_at      timestamptz,
    decline_reason    text CHECK (decline_reason IS NULL OR length(decline_reason) BETWEEN 3 AND 2000),
    closed_by         bigint REFERENCES users (id),
    closed_at         timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (from_agency_id <> to_agency_id),
    CHECK ((state = 'declined') = (decline_reason IS NOT NULL)),
    CHECK (state = 'pending' OR state = 'withdrawn' OR responded_at IS NOT NULL)
);

CREATE INDEX referrals_to_idx ON referrals (to_agency_id, state, respond_by);
CREATE INDEX referrals_from_idx ON referrals (from_agency_id, state, respond_by);
CREATE INDEX referrals_case_idx ON referrals (case_id, sent_at DESC);
CREATE INDEX referrals_cross_border_idx ON referrals (sent_at DESC) WHERE cross_border;

-- A notification to one user: a kind, a case reference and a link, never a
-- name or any other case detail (the reference is all a lock screen shows).
CREATE TABLE notifications (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    kind        text NOT NULL CHECK (kind ~ '^[a-z_.]{3,60}$'),
    reference   text NOT NULL DEFAULT '',
    link        text NOT NULL CHECK (link ~ '^/[A-Za-z0-9/_#?=&.-]*$'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    emailed_at  timestamptz
);

CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

ALTER TABLE referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;

-- Each side of a referral sees it; a coordinating body reads the metadata
-- of cross-border referrals only through coordination_desk (below), never
-- the message.
CREATE POLICY referrals_read ON referrals FOR SELECT TO handshake_app
    USING (app_reads_cases() AND (from_agency_id = app_agency() OR to_agency_id = app_agency()));
-- Sending needs access to the case, which the cases policy decides inside
-- the subquery, and a handling code that lets the case travel to the
-- receiving agency.
CREATE POLICY referrals_send ON referrals FOR INSERT TO handshake_app
    WITH CHECK (from_agency_id = app_agency() AND sent_by = app_user() AND EXISTS (
        SELECT FROM cases c JOIN agencies t ON t.id = to_agency_id
        WHERE c.id = case_id AND c.reference = case_reference AND c.handling_code <> 'originator'
          AND (c.handling_code = 'partners' OR t.kind IN ('police', 'government'))));
-- The receiving agency's coordinators respond and assign; the sender
-- withdraws. The store names which columns each may change.
CREATE POLICY referrals_act ON referrals FOR UPDATE TO handshake_app
    USING (app_reads_cases() AND (to_agency_id = app_agency() OR from_agency_id = app_agency()));

CREATE POLICY notifications_own ON notifications FOR SELECT TO handshake_app
    USING (user_id = app_user());
CREATE POLICY notifications_read ON notifications FOR UPDATE TO handshake_app
    USING (user_id = app_user());
-- Anyone acting on a referral notifies the other side's users.
CREATE POLICY notifications_send ON notifications FOR INSERT TO handshake_app
    WITH CHECK (app_user() IS NOT NULL);

GRANT SELECT, INSERT ON referrals, notifications TO handshake_app;
GRANT UPDATE (state, assigned_to, responded_by, responded_at, decline_reason, closed_by, closed_at, updated_at)
    ON referrals TO handshake_app;
GRANT UPDATE (read_at, emailed_at) ON notifications TO handshake_app;

-- Accepting a referral grants the receiving agency a contribute share. The
-- receiving agency is not the owner, so the share policy would refuse it:
-- this function grants exactly that share, for exactly the referral the
-- acting coordinator has just accepted, and nothing else.
CREATE FUNCTION grant_referral_share(referral_id_ bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    r referrals%ROWTYPE;
BEGIN
    SELECT * INTO r FROM referrals WHERE id = referral_id_;
    IF NOT FOUND OR r.state <> 'accepted' OR r.to_agency_id <> app_agency() OR r.responded_by <> app_user()
       OR NOT app_has_role('coordinator') THEN
        RAISE EXCEPTION 'referral % is not accepted by the acting coordinator', referral_id_ USING ERRCODE = '42501';
    END IF;
    UPDATE case_shares SET revoked_at = now(), revoked_by = r.responded_by
    WHERE case_id = r.case_id AND agency_id = r.to_agency_id AND revoked_at IS NULL AND level = 'read';
    INSERT INTO case_shares (case_id, agency_id, level, basis, reason, granted_by)
    SELECT r.case_id, r.to_agency_id, 'contribute', 'referral', 'Referral ' || r.id || ' accepted', r.responded_by
    WHERE NOT EXISTS (SELECT FROM case_shares WHERE case_id = r.case_id AND agency_id = r.to_agency_id AND revoked_at IS NULL);
END
$$;

GRANT EXECUTE ON FUNCTION grant_referral_share(bigint) TO handshake_app;

-- Identity travels with an accepted referral that included it: the
-- identity policy of 0003 gains that one more way in.
DROP POLICY person_identities_read ON person_identities;
CREATE POLICY person_identities_read ON person_identities FOR SELECT TO handshake_app
    USING (EXISTS (
        SELECT FROM case_people p JOIN cases c ON c.id = p.case_id
        WHERE p.id = person_id
          AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency()
               OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL
               OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = app_agency()
                          AND r.include_identity AND r.state IN ('accepted', 'completed')))));

-- Search matches names by the same rule.
CREATE OR REPLACE FUNCTION search_case_ids(q_ text, cap_ integer) RETURNS SETOF bigint
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
                OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL
                OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = app_agency()
                           AND r.include_identity AND r.state IN ('accepted', 'completed'))))
    )
    SELECT id FROM hits WHERE app_reads_cases() ORDER BY updated_at DESC LIMIT cap_
$$;


-- Every step of a referral is a timeline entry on its case, written for
-- either side, though only the owner and contributors may write entries
-- otherwise: this function writes the one entry a party's step needs.
CREATE FUNCTION add_referral_entry(referral_id_ bigint, body_ text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    r referrals%ROWTYPE;
BEGIN
    SELECT * INTO r FROM referrals WHERE id = referral_id_;
    IF NOT FOUND OR app_agency() NOT IN (r.from_agency_id, r.to_agency_id) THEN
        RAISE EXCEPTION 'not a party to referral %', referral_id_ USING ERRCODE = '42501';
    END IF;
    INSERT INTO timeline_entries (case_id, kind, occurred_at, body, handling_code, author_id, agency_id)
    VALUES (r.case_id, 'referral', now(), body_, 'partners', app_user(), app_agency());
END
$$;

GRANT EXECUTE ON FUNCTION add_referral_entry(bigint, text) TO handshake_app;
