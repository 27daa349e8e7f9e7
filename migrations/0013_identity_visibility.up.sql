-- Name search at a million cases. A common name (สมชาย: 15,000 people)
-- matched by the trigram index had each match joined to its person and
-- case, 15,000 of each, to learn which cases the searching agency sees
-- (about one in ten): 600 ms. Each identity now carries its case and a
-- copy of the case's visible_to, so that one index scan can test the name
-- and the agency together and read only the rows that pass both.
--
-- Triggers keep the copy: an identity takes its case's visible_to when it
-- is written, and a case passes a change of its visible_to on to its
-- people's identities. Neither is writable by the application role (its
-- UPDATE grant names other columns, and the trigger overwrites what an
-- INSERT gives).
ALTER TABLE person_identities ADD COLUMN case_id bigint, ADD COLUMN visible_to integer[] NOT NULL DEFAULT '{}';
UPDATE person_identities i SET case_id = p.case_id, visible_to = c.visible_to
FROM case_people p JOIN cases c ON c.id = p.case_id
WHERE p.id = i.person_id;
ALTER TABLE person_identities ALTER COLUMN case_id SET NOT NULL;

CREATE INDEX person_identities_case_idx ON person_identities (case_id);
-- One index for both tests: the name's trigrams and the agencies.
CREATE INDEX person_identities_search_visible_idx ON person_identities USING gin (search_text gin_trgm_ops, visible_to);

CREATE FUNCTION person_identities_set_case() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    SELECT p.case_id, c.visible_to INTO NEW.case_id, NEW.visible_to
    FROM case_people p JOIN cases c ON c.id = p.case_id
    WHERE p.id = NEW.person_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER person_identities_set_case BEFORE INSERT OR UPDATE ON person_identities
    FOR EACH ROW EXECUTE FUNCTION person_identities_set_case();

-- AFTER UPDATE with a WHEN, not UPDATE OF visible_to: the BEFORE trigger
-- that computes visible_to changes it without naming it in the UPDATE.
CREATE FUNCTION cases_pass_visible_to() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE person_identities SET visible_to = NEW.visible_to WHERE case_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_pass_visible_to AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.visible_to IS DISTINCT FROM NEW.visible_to) EXECUTE FUNCTION cases_pass_visible_to();

-- The name branch of search tests the copy, so that the index does the
-- work; the join to the case still applies the live rule.
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
