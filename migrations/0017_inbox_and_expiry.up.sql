-- The referral inbox (internal/referrals, Inbox): the pending referrals by
-- deadline, overdue first, then the others newest first, of both
-- directions. Under the referrals policy (sent or received, an OR of two
-- functions) the planner expected a few dozen of an agency's 19,000
-- referrals per direction to pass, so it read them all and sorted (65 ms
-- at a million cases) rather than walk an index and stop at the page.
-- referral_inbox decides the scope itself, as referrals_waiting does: the
-- acting agency's own referrals, for roles that read cases. Each part of
-- the page walks an index in the page's order, reading its columns from
-- the index alone, and stops at the limit.
CREATE INDEX referrals_inbox_to_pending_idx ON referrals (to_agency_id, respond_by, sent_at DESC, id DESC)
    INCLUDE (purpose, cross_border) WHERE state = 'pending';
CREATE INDEX referrals_inbox_from_pending_idx ON referrals (from_agency_id, respond_by, sent_at DESC, id DESC)
    INCLUDE (purpose, cross_border) WHERE state = 'pending';
CREATE INDEX referrals_inbox_to_idx ON referrals (to_agency_id, sent_at DESC, id DESC)
    INCLUDE (state, purpose, cross_border) WHERE state <> 'pending';
CREATE INDEX referrals_inbox_from_idx ON referrals (from_agency_id, sent_at DESC, id DESC)
    INCLUDE (state, purpose, cross_border) WHERE state <> 'pending';
-- A purpose may be rare on one side (police receive no aftercare): walked
-- in the order above, the filter would read all of the agency's referrals
-- of that side to find none.
CREATE INDEX referrals_inbox_to_purpose_idx ON referrals (to_agency_id, purpose, sent_at DESC, id DESC)
    INCLUDE (state, cross_border) WHERE state <> 'pending';
CREATE INDEX referrals_inbox_from_purpose_idx ON referrals (from_agency_id, purpose, sent_at DESC, id DESC)
    INCLUDE (state, cross_border) WHERE state <> 'pending';

-- The ids of the inbox's page, in its order. A NULL filter does not
-- filter; overdue_ keeps the pending referrals past their deadline. The
-- caller reads the rows by id under the policy. The conditions on
-- parameters alone are tested once, before a part reads anything, and so
-- choose the parts a filter needs: a direction, the pending or the others
-- for a state, and the others by purpose when one is asked for.
CREATE FUNCTION referral_inbox(direction_ text, state_ text, purpose_ text, cross_border_ boolean, overdue_ boolean,
    limit_ integer) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 200 AS $$
BEGIN
    -- In PL/pgSQL for its plan cache: planning the six parts on every call
    -- cost as much as running them.
    RETURN QUERY SELECT id FROM (
        (SELECT r.id, true AS pending, r.respond_by, r.sent_at FROM referrals r
         WHERE r.to_agency_id = app_agency() AND r.state = 'pending'
           AND direction_ IS DISTINCT FROM 'out' AND coalesce(state_ = 'pending', true)
           AND coalesce(r.purpose = purpose_, true) AND coalesce(r.cross_border = cross_border_, true)
           AND r.respond_by < CASE WHEN overdue_ THEN now() ELSE 'infinity' END
         ORDER BY r.respond_by, r.sent_at DESC, r.id DESC LIMIT limit_)
        UNION ALL
        (SELECT r.id, true, r.respond_by, r.sent_at FROM referrals r
         WHERE r.from_agency_id = app_agency() AND r.state = 'pending'
           AND direction_ IS DISTINCT FROM 'in' AND coalesce(state_ = 'pending', true)
           AND coalesce(r.purpose = purpose_, true) AND coalesce(r.cross_border = cross_border_, true)
           AND r.respond_by < CASE WHEN overdue_ THEN now() ELSE 'infinity' END
         ORDER BY r.respond_by, r.sent_at DESC, r.id DESC LIMIT limit_)
        UNION ALL
        -- Only the pending are ordered by deadline: leaving the others'
        -- out lets the index answer without the table.
        (SELECT r.id, false, NULL, r.sent_at FROM referrals r
         WHERE r.to_agency_id = app_agency() AND r.state <> 'pending'
           AND direction_ IS DISTINCT FROM 'out' AND coalesce(state_ <> 'pending', true) AND NOT overdue_
           AND purpose_ IS NULL
           AND coalesce(r.state = state_, true) AND coalesce(r.cross_border = cross_border_, true)
         ORDER BY r.sent_at DESC, r.id DESC LIMIT limit_)
        UNION ALL
        (SELECT r.id, false, NULL, r.sent_at FROM referrals r
         WHERE r.from_agency_id = app_agency() AND r.state <> 'pending'
           AND direction_ IS DISTINCT FROM 'in' AND coalesce(state_ <> 'pending', true) AND NOT overdue_
           AND purpose_ IS NULL
           AND coalesce(r.state = state_, true) AND coalesce(r.cross_border = cross_border_, true)
         ORDER BY r.sent_at DESC, r.id DESC LIMIT limit_)
        UNION ALL
        (SELECT r.id, false, NULL, r.sent_at FROM referrals r
         WHERE r.to_agency_id = app_agency() AND r.state <> 'pending'
           AND direction_ IS DISTINCT FROM 'out' AND coalesce(state_ <> 'pending', true) AND NOT overdue_
           AND r.purpose = purpose_
           AND coalesce(r.state = state_, true) AND coalesce(r.cross_border = cross_border_, true)
         ORDER BY r.sent_at DESC, r.id DESC LIMIT limit_)
        UNION ALL
        (SELECT r.id, false, NULL, r.sent_at FROM referrals r
         WHERE r.from_agency_id = app_agency() AND r.state <> 'pending'
           AND direction_ IS DISTINCT FROM 'in' AND coalesce(state_ <> 'pending', true) AND NOT overdue_
           AND r.purpose = purpose_
           AND coalesce(r.state = state_, true) AND coalesce(r.cross_border = cross_border_, true)
         ORDER BY r.sent_at DESC, r.id DESC LIMIT limit_)
    ) parts
    WHERE app_reads_cases()
    ORDER BY pending DESC, respond_by, sent_at DESC, id DESC
    LIMIT limit_;
END
$$;
REVOKE ALL ON FUNCTION referral_inbox(text, text, text, boolean, boolean, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION referral_inbox(text, text, text, boolean, boolean, integer) TO handshake_app;

-- expire_case_shares looked each minute at every share that had ever
-- expired and not been revoked (44,000 at a million cases) and at every
-- case, to find none still listing its agency: 250 to 1,100 ms. A share
-- leaves visible_to by the clock only once, when its expires_at passes,
-- and every write of a share or its case recomputes visible_to; so each
-- run need look only at the shares that expired since the last, on
-- case_shares_expiry_idx. done_until is how far the runs have looked.
CREATE TABLE case_share_expiry (
    one        boolean PRIMARY KEY DEFAULT true CHECK (one),
    done_until timestamptz NOT NULL
);
INSERT INTO case_share_expiry (done_until) VALUES ('-infinity');

-- The runs look an hour further back than the last: a share written by a
-- transaction that began before its expiry and committed after a run had
-- passed it would otherwise be missed. The row's lock makes two servers'
-- runs take turns.
CREATE OR REPLACE FUNCTION expire_case_shares() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    since timestamptz;
    n integer;
BEGIN
    SELECT done_until - interval '1 hour' INTO since FROM case_share_expiry FOR UPDATE;
    WITH stale AS (
        SELECT DISTINCT s.case_id FROM case_shares s JOIN cases c ON c.id = s.case_id
        WHERE s.revoked_at IS NULL AND s.expires_at > since AND s.expires_at <= now()
          AND c.visible_to @> ARRAY[s.agency_id]
    ), done AS (
        UPDATE cases c SET visible_to = c.visible_to FROM stale WHERE c.id = stale.case_id RETURNING 1
    )
    SELECT count(*)::integer INTO n FROM done;
    UPDATE case_share_expiry SET done_until = greatest(done_until, now());
    RETURN n;
END
$$;

-- Catch up once, over every share that has expired so far.
SELECT expire_case_shares();
