-- The directory's search by part of a name (internal/directory, SearchPage).
-- ILIKE is not leakproof, so under the contacts policy the planner may not
-- move it below the policy into contacts_name_trgm_idx: every search tried
-- every contact (1.0-2.4 ms for 2,000, warm, and growing with the
-- directory). directory_search_ids finds the names through the trigram
-- index, as search_cases does for cases (DESIGN §6), applies the policy's
-- visibility itself, from the acting user's settings, and the search's
-- other filters, and returns the ids of one page in the search's order
-- (name, id) after the cursor: the work grows with the entries that match
-- the name, not with the directory. The caller reads the rows by id under
-- the policy, which still decides.
--
-- pattern_ is an ILIKE pattern. The other filters are as in the search's
-- query: '' and 0 do not filter. A NULL after_id_ is the first page.
CREATE FUNCTION directory_search_ids(pattern_ text, agency_ integer, country_ text, province_ text, language_ text,
    focal_ boolean, after_name_ text, after_id_ bigint, limit_ integer) RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 51 AS $$
BEGIN
    -- In PL/pgSQL for its plan cache, as newest_case_ids (0020).
    RETURN QUERY
        SELECT c.id FROM contacts c
        -- contacts_read, then what the search adds: another agency's
        -- inactive entries do not show.
        WHERE app_agency() IS NOT NULL AND (c.visibility = 'partners' OR c.agency_id = app_agency())
          AND (c.active OR c.agency_id = app_agency())
          AND c.name ILIKE pattern_
          AND (agency_ = 0 OR c.agency_id = agency_)
          AND (country_ = '' OR c.agency_id IN (SELECT a.id FROM agencies a WHERE a.country = country_))
          AND (province_ = '' OR c.provinces @> ARRAY[province_])
          AND (language_ = '' OR c.languages @> ARRAY[language_])
          AND (NOT focal_ OR c.focal_point)
          AND (after_id_ IS NULL OR (c.name, c.id) > (after_name_, after_id_))
        ORDER BY c.name, c.id
        LIMIT limit_;
END
$$;
REVOKE ALL ON FUNCTION directory_search_ids(text, integer, text, text, text, boolean, text, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION directory_search_ids(text, integer, text, text, text, boolean, text, bigint, integer)
    TO handshake_app;
