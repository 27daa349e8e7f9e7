-- Back to migration 0012's search, without the copy of visible_to.
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
DROP TRIGGER cases_pass_visible_to ON cases;
DROP FUNCTION cases_pass_visible_to();
DROP TRIGGER person_identities_set_case ON person_identities;
DROP FUNCTION person_identities_set_case();
DROP INDEX person_identities_search_visible_idx;
DROP INDEX person_identities_case_idx;
ALTER TABLE person_identities DROP COLUMN visible_to, DROP COLUMN case_id;
