-- Back to migration 0013's search: a trigram index per column and
-- search_case_ids, without case_search.
DROP FUNCTION search_cases(text, integer, timestamptz, bigint);
CREATE FUNCTION search_case_ids(q_ text, cap_ integer) RETURNS SETOF bigint
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
            JOIN case_people p ON p.id = i.person_id JOIN cases c ON c.id = i.case_id, pattern
         WHERE i.search_text ILIKE pattern.p AND i.visible_to @> ARRAY[app_agency()] AND c.visible_to @> ARRAY[app_agency()]
           AND (c.owner_agency_id = app_agency() OR p.added_by_agency_id = app_agency()
                OR p.role = 'suspect' OR p.consent OR p.override_reason IS NOT NULL
                OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = app_agency()
                           AND r.include_identity AND r.state IN ('accepted', 'completed')))
         ORDER BY c.updated_at DESC LIMIT cap_)
    )
    SELECT id FROM hits WHERE app_reads_cases() ORDER BY updated_at DESC LIMIT cap_
$$;
GRANT EXECUTE ON FUNCTION search_case_ids(text, integer) TO handshake_app;

CREATE INDEX cases_reference_trgm ON cases USING gin (reference gin_trgm_ops);
CREATE INDEX cases_title_trgm ON cases USING gin (title gin_trgm_ops);
CREATE INDEX cases_summary_trgm ON cases USING gin (summary gin_trgm_ops);
DROP INDEX cases_search_trgm;

DROP TRIGGER person_identities_keep_search_update ON person_identities;
DROP TRIGGER person_identities_keep_search ON person_identities;
DROP FUNCTION person_identities_keep_search();
DROP TRIGGER cases_keep_search_update ON cases;
DROP TRIGGER cases_keep_search ON cases;
DROP FUNCTION cases_keep_search();
DROP FUNCTION case_search_fill();
DROP FUNCTION case_search_refresh(bigint);
DROP FUNCTION case_search_signature(bigint);
DROP TABLE case_search;
DROP FUNCTION search_signature(text);
