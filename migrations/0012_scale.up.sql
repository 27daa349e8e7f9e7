-- Search: each way a case can match (reference, title, summary, a name the
-- searcher may see) now keeps only its newest cap_ hits before they are
-- merged. The answer is the same (the newest cap_ of the union are among
-- the newest cap_ of each branch), but a common term no longer gathers
-- every match first: measured at 100,000 cases, a name matching 50,000
-- aliases took 245 ms as an NGO. With a limit per branch the planner may
-- walk the newest cases and stop, or take the trigram index for a rare
-- term, whichever its estimate favours.
CREATE OR REPLACE FUNCTION search_case_ids(q_ text, cap_ integer) RETURNS SETOF bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH pattern AS (
        SELECT '%' || replace(replace(replace(q_, '\', '\\'), '%', '\%'), '_', '\_') || '%' AS p
    ), hits AS (
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.reference ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()]
         ORDER BY c.updated_at DESC LIMIT cap_)
        UNION
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.title ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()]
         ORDER BY c.updated_at DESC LIMIT cap_)
        UNION
        (SELECT c.id, c.updated_at FROM cases c, pattern WHERE c.summary ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()]
         ORDER BY c.updated_at DESC LIMIT cap_)
        UNION
        (SELECT c.id, c.updated_at FROM person_identities i
            JOIN case_people p ON p.id = i.person_id JOIN cases c ON c.id = p.case_id, pattern
         WHERE i.search_text ILIKE pattern.p AND c.visible_to @> ARRAY[app_agency()]
           AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency()
                OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL
                OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = app_agency()
                           AND r.include_identity AND r.state IN ('accepted', 'completed')))
         ORDER BY c.updated_at DESC LIMIT cap_)
    )
    SELECT id FROM hits WHERE app_reads_cases() ORDER BY updated_at DESC LIMIT cap_
$$;

-- A case page lists every share of the case, revoked ones included; the
-- only index on case_id held live shares, so the list read all of them
-- (825,000 at a million cases: 66 ms).
CREATE INDEX case_shares_case_idx ON case_shares (case_id);

-- The referral inbox reads the non-pending referrals of each direction
-- newest first, stopping at a page.
CREATE INDEX referrals_to_sent_idx ON referrals (to_agency_id, sent_at DESC, id DESC);
CREATE INDEX referrals_from_sent_idx ON referrals (from_agency_id, sent_at DESC, id DESC);

-- The header's counts of referrals waiting, on every page. Under the
-- referrals policy (sent or received, an OR) the count visited each row
-- of the heap: 11 ms for 1,600 pending at a million cases. Counting only
-- the acting agency's own received ones, as the table's owner, reads the
-- (to_agency_id, state, respond_by) index alone, and tells the agency
-- nothing the policy would not show it.
CREATE FUNCTION referrals_waiting(OUT waiting integer, OUT overdue integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT count(*)::integer, (count(*) FILTER (WHERE respond_by < now()))::integer
    FROM referrals WHERE to_agency_id = app_agency() AND state = 'pending' AND app_reads_cases()
$$;
REVOKE ALL ON FUNCTION referrals_waiting() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION referrals_waiting() TO handshake_app;
