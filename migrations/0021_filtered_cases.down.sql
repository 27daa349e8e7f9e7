DROP FUNCTION filtered_case_ids(integer, text, text, timestamptz, bigint);

-- 0016's, as it was.
CREATE FUNCTION case_search_fill() RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public AS $$
    INSERT INTO case_search (case_id, agency_id, updated_at, sig)
    SELECT x.id, a, x.updated_at, x.sig
    FROM (SELECT c.id, c.updated_at, c.visible_to,
              search_signature(concat_ws(E'\n', c.title, c.summary, c.reference, n.names)) AS sig
          FROM cases c
          LEFT JOIN (SELECT i.case_id, string_agg(i.search_text, E'\n' ORDER BY i.person_id) AS names
                     FROM person_identities i GROUP BY i.case_id) n ON n.case_id = c.id
          OFFSET 0) x,
         unnest(x.visible_to) AS a
    ORDER BY a, x.updated_at DESC, x.id DESC
$$;
REVOKE ALL ON FUNCTION case_search_fill() FROM PUBLIC;

DROP TRIGGER cases_keep_search_update ON cases;
CREATE TRIGGER cases_keep_search_update AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.visible_to IS DISTINCT FROM NEW.visible_to
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.reference IS DISTINCT FROM NEW.reference)
    EXECUTE FUNCTION cases_keep_search();

CREATE OR REPLACE FUNCTION case_search_refresh(case_id_ bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    at_ timestamptz;
    agencies_ integer[];
    sig_ bit(1024) := case_search_signature(case_id_);
BEGIN
    SELECT c.updated_at, c.visible_to INTO at_, agencies_ FROM cases c WHERE c.id = case_id_;
    DELETE FROM case_search s WHERE s.case_id = case_id_ AND NOT s.agency_id = ANY (agencies_);
    INSERT INTO case_search AS s (case_id, agency_id, updated_at, sig)
    SELECT case_id_, a, at_, sig_ FROM unnest(agencies_) AS a
    ON CONFLICT (case_id, agency_id) DO UPDATE SET updated_at = EXCLUDED.updated_at, sig = EXCLUDED.sig
        WHERE s.updated_at IS DISTINCT FROM EXCLUDED.updated_at OR s.sig IS DISTINCT FROM EXCLUDED.sig;
END
$$;

DROP INDEX case_search_status_idx;
DROP INDEX case_search_province_idx;
ALTER TABLE case_search DROP COLUMN status, DROP COLUMN province;
