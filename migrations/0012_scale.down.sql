DROP FUNCTION referrals_waiting();
-- Back to the search of migration 0004: every match of each branch.
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
DROP INDEX referrals_from_sent_idx;
DROP INDEX referrals_to_sent_idx;
DROP INDEX case_shares_case_idx;
