-- The case list filtered by status, province or both, newest change first.
--
-- Before: under row-level security the planner either walked
-- cases_province_status_idx and skipped the cases the reader may not see,
-- or, for an agency that sees few cases, intersected that index with the
-- visible_to GIN index. Both grow with everyone's cases: at a million, an
-- NGO that sees 34,000 of them read 15,000 filter matches and 34,000
-- visible ones to show 51 (33 ms), MOI 7,700 and 15,000 (9 ms).
--
-- case_search (0016) already holds a row per case and agency that sees it,
-- kept by triggers in the list's order. With the case's status and
-- province on each row, an index per filter walks the agency's own
-- matches newest first and stops at the page. The caller reads the cases
-- by id under the policy, which still decides.

ALTER TABLE case_search ADD COLUMN status text, ADD COLUMN province text;
UPDATE case_search s SET status = c.status, province = c.province FROM cases c WHERE c.id = s.case_id;
ALTER TABLE case_search ALTER COLUMN status SET NOT NULL, ALTER COLUMN province SET NOT NULL;

-- Province first, status beside it for the walk to check without the
-- heap: a province with a status reads about one row in five (the share
-- of the commonest status) rather than the agency's whole province.
CREATE INDEX case_search_province_idx ON case_search (agency_id, province, updated_at DESC, case_id DESC) INCLUDE (status);
CREATE INDEX case_search_status_idx ON case_search (agency_id, status, updated_at DESC, case_id DESC);

-- Brings one case's rows up to date (0016's, with status and province).
CREATE OR REPLACE FUNCTION case_search_refresh(case_id_ bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    c_ cases;
    sig_ bit(1024) := case_search_signature(case_id_);
BEGIN
    SELECT * INTO c_ FROM cases c WHERE c.id = case_id_;
    DELETE FROM case_search s WHERE s.case_id = case_id_ AND NOT s.agency_id = ANY (c_.visible_to);
    INSERT INTO case_search AS s (case_id, agency_id, updated_at, sig, status, province)
    SELECT case_id_, a, c_.updated_at, sig_, c_.status, c_.province FROM unnest(c_.visible_to) AS a
    ON CONFLICT (case_id, agency_id) DO UPDATE
        SET updated_at = EXCLUDED.updated_at, sig = EXCLUDED.sig, status = EXCLUDED.status, province = EXCLUDED.province
        WHERE (s.updated_at, s.sig, s.status, s.province)
            IS DISTINCT FROM (EXCLUDED.updated_at, EXCLUDED.sig, EXCLUDED.status, EXCLUDED.province);
END
$$;

-- The application sets updated_at with every edit, but the rows must not
-- depend on it.
DROP TRIGGER cases_keep_search_update ON cases;
CREATE TRIGGER cases_keep_search_update AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.visible_to IS DISTINCT FROM NEW.visible_to
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.reference IS DISTINCT FROM NEW.reference
        OR OLD.status IS DISTINCT FROM NEW.status OR OLD.province IS DISTINCT FROM NEW.province)
    EXECUTE FUNCTION cases_keep_search();

-- 0016 filled the table with it; seed scale computes the rows itself, and
-- nothing else calls it.
DROP FUNCTION case_search_fill();

-- The ids of the acting agency's newest limit_ cases with status status_
-- and province province_ (either may be NULL, not both), older than the
-- cursor (before_at_, before_id_) when one is given.
CREATE FUNCTION filtered_case_ids(limit_ integer, status_ text, province_ text,
    before_at_ timestamptz DEFAULT NULL, before_id_ bigint DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 51 AS $$
BEGIN
    IF province_ IS NOT NULL THEN
        RETURN QUERY
            SELECT s.case_id FROM case_search s
            WHERE s.agency_id = app_case_agency() AND s.province = province_
              AND (status_ IS NULL OR s.status = status_)
              AND (s.updated_at, s.case_id) < (coalesce(before_at_, 'infinity'), coalesce(before_id_, 0))
            ORDER BY s.updated_at DESC, s.case_id DESC
            LIMIT limit_;
    ELSIF status_ IS NOT NULL THEN
        RETURN QUERY
            SELECT s.case_id FROM case_search s
            WHERE s.agency_id = app_case_agency() AND s.status = status_
              AND (s.updated_at, s.case_id) < (coalesce(before_at_, 'infinity'), coalesce(before_id_, 0))
            ORDER BY s.updated_at DESC, s.case_id DESC
            LIMIT limit_;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION filtered_case_ids(integer, text, text, timestamptz, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION filtered_case_ids(integer, text, text, timestamptz, bigint) TO handshake_app;
