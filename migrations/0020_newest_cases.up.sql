-- The case list in its default order, newest change first, unfiltered:
-- under row-level security it walked cases_updated_idx over every
-- agency's cases and skipped those the reader may not see. An agency that
-- sees most cases finds a page at once; MOI, which sees 7,700 of a
-- million, read 5,600 rows for 51 (14 ms warm, 180 ms cold), and the cost
-- grew with everyone else's cases. case_search (0016) already holds one
-- row per case and agency that sees it, in this order: walking it gives
-- the agency's own newest cases and stops at the page. The caller reads
-- the cases by id under the policy, which still decides.
CREATE FUNCTION newest_case_ids(limit_ integer, before_at_ timestamptz DEFAULT NULL, before_id_ bigint DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 51 AS $$
BEGIN
    -- In PL/pgSQL for its plan cache, as referral_inbox (0017).
    RETURN QUERY
        SELECT s.case_id FROM case_search s
        WHERE s.agency_id = app_case_agency()
          AND (s.updated_at, s.case_id) < (coalesce(before_at_, 'infinity'), coalesce(before_id_, 0))
        ORDER BY s.updated_at DESC, s.case_id DESC
        LIMIT limit_;
END
$$;
REVOKE ALL ON FUNCTION newest_case_ids(integer, timestamptz, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION newest_case_ids(integer, timestamptz, bigint) TO handshake_app;
