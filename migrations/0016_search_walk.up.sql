-- Search at a million cases, bounded work for common and rare terms alike.
--
-- Before: search_case_ids gathered every match of each branch (reference,
-- title, summary, names) through a trigram index, read each from the heap
-- and kept the newest 1,000. A common word (karaoke: 7,288 of PPR2's
-- 115,000 cases) read 7,000 heap pages to show 50: 40-100 ms, and 1.5 s
-- under load for the Latin and Khmer terms.
--
-- Now the newest matches are found by walking the agency's own cases
-- newest first and stopping at a page of hits. case_search holds one row
-- per case and agency that sees it (visible_to), in the order of the case
-- list, each with a signature of the case's words: a 1,024-bit Bloom
-- filter of the three-letter pieces of its title, summary, reference and
-- every name on it. A query can only occur in a case whose signature has
-- all of the query's bits, so the walk reads the index alone (2,000 rows
-- in 40 pages) and opens only the cases whose signature fits; those are
-- then checked exactly, with the access rules, as before. A term common
-- enough to fill a page is found in the first few hundred rows: karaoke,
-- for PPR2, in 717 rows (21 pages) and 51 cases read, 0.4 ms.
--
-- A rare term is not walked far: after 2,000 rows the hits so far tell
-- how far a page would be, and past about 17,000 rows the trigram indexes
-- find the remaining few more cheaply. Those indexes also test the agency
-- (a GIN over the text and visible_to, as 0013 did for names), so they
-- read only the agency's matches.
--
-- Triggers keep case_search: a case's row per agency follows its
-- visible_to, updated_at, title, summary and reference, and the signature
-- follows the names of its people. The signature holds every name on the
-- case, hidden ones too; it only chooses which cases to check, and the
-- check applies the rules of DESIGN §3.4, so a hidden name still never
-- matches. The application role cannot read the table.

-- The signature of a text: for each run of three characters of the
-- lowercased text (as ILIKE compares), two bits of 1,024 from its hash.
CREATE FUNCTION search_signature(t text) RETURNS bit(1024)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
DECLARE
    c text[] := string_to_array(lower(t), NULL);
    s bit(1024) := repeat('0', 1024)::bit(1024);
    h integer;
BEGIN
    FOR i IN 1 .. cardinality(c) - 2 LOOP
        h := hashtext(c[i] || c[i + 1] || c[i + 2]);
        s := set_bit(set_bit(s, h & 1023, 1), (h >> 10) & 1023, 1);
    END LOOP;
    RETURN s;
END
$$;

CREATE TABLE case_search (
    case_id    bigint NOT NULL REFERENCES cases (id),
    agency_id  integer NOT NULL,
    updated_at timestamptz NOT NULL,
    sig        bit(1024) NOT NULL,
    PRIMARY KEY (case_id, agency_id)
);

-- What the application role may not see: no grants, and row-level
-- security with no policy as a second net.
ALTER TABLE case_search ENABLE ROW LEVEL SECURITY;

-- A case's signature: its title, summary and reference, and the names of
-- its people in the order they were added.
CREATE FUNCTION case_search_signature(case_id_ bigint) RETURNS bit(1024)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT search_signature(concat_ws(E'\n', c.title, c.summary, c.reference,
        (SELECT string_agg(i.search_text, E'\n' ORDER BY i.person_id) FROM person_identities i WHERE i.case_id = c.id)))
    FROM cases c WHERE c.id = case_id_
$$;

-- Brings one case's rows up to date.
CREATE FUNCTION case_search_refresh(case_id_ bigint) RETURNS void
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

CREATE FUNCTION cases_keep_search() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM case_search_refresh(NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER cases_keep_search AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_keep_search();
CREATE TRIGGER cases_keep_search_update AFTER UPDATE ON cases
    FOR EACH ROW WHEN (OLD.updated_at IS DISTINCT FROM NEW.updated_at OR OLD.visible_to IS DISTINCT FROM NEW.visible_to
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary
        OR OLD.reference IS DISTINCT FROM NEW.reference)
    EXECUTE FUNCTION cases_keep_search();

CREATE FUNCTION person_identities_keep_search() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM case_search_refresh(NEW.case_id);
    RETURN NULL;
END
$$;
CREATE TRIGGER person_identities_keep_search AFTER INSERT ON person_identities
    FOR EACH ROW EXECUTE FUNCTION person_identities_keep_search();
CREATE TRIGGER person_identities_keep_search_update AFTER UPDATE ON person_identities
    FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION person_identities_keep_search();

-- Every case's rows at once, in one pass rather than case by case: for
-- this migration, and for seed scale, which loads with the triggers off.
-- Inserted in the walk's order, so that a walk reads neighbouring pages.
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
-- The triggers call these as the owner; nobody else has a reason to, and a
-- signature carries pieces of names the caller may not see.
REVOKE ALL ON FUNCTION case_search_refresh(bigint), case_search_signature(bigint) FROM PUBLIC;
SELECT case_search_fill();

-- The walk: one agency's cases, newest first as the list shows them, with
-- the signature in the index so that only the cases that may match are
-- read.
CREATE INDEX case_search_walk_idx ON case_search (agency_id, updated_at DESC, case_id DESC) INCLUDE (sig);

-- The rare terms: one trigram index over the case's own text with the
-- agencies, in place of one per column.
CREATE INDEX cases_search_trgm ON cases USING gin ((title || E'\n' || summary || E'\n' || reference) gin_trgm_ops, visible_to);
DROP INDEX cases_reference_trgm;
DROP INDEX cases_title_trgm;
DROP INDEX cases_summary_trgm;

-- The newest cap_ cases the acting agency may see that match q_ (ILIKE,
-- part of a word) by reference, title, summary or a name it may see, older
-- than (before_at_, before_id_) in the list's order when given, so that a
-- list pages through the matches a page at a time.
DROP FUNCTION search_case_ids(text, integer);
CREATE FUNCTION search_cases(q_ text, cap_ integer, before_at_ timestamptz DEFAULT NULL, before_id_ bigint DEFAULT NULL)
RETURNS TABLE (id bigint, updated_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public ROWS 50 AS $$
DECLARE
    a integer := app_agency();
    pattern text := '%' || replace(replace(replace(q_, '\', '\\'), '%', '\%'), '_', '\_') || '%';
    qsig bit(1024) := search_signature(q_);
    -- Where the walk goes on from: the last hit, else the caller's cursor.
    edge_at timestamptz := coalesce(before_at_, 'infinity');
    edge_id bigint := coalesce(before_id_, 0);
    -- How far to walk. The first stretch tells how common the term is;
    -- each next one goes as far as the hits so far predict a page needs,
    -- while the whole walk stays within a bound that shrinks as the
    -- query's signature gets weaker (a three-letter query has 2 bits, and
    -- about one case in ten has both).
    walk integer := 2000;
    walked integer := 0;
    bound double precision := (16000 + 20 * cap_) / (1 + 30 * 0.3 ^ length(replace(qsig::text, '0', '')));
    need double precision;
    from_at timestamptz;
    from_id bigint;
    from_got integer;
    got integer := 0;
    hit record;
BEGIN
    IF a IS NULL OR q_ IS NULL OR NOT app_reads_cases() OR cap_ < 1 THEN
        RETURN;
    END IF;
    LOOP
        from_at := edge_at;
        from_id := edge_id;
        from_got := got;
        FOR hit IN
            SELECT c.id, c.updated_at
            FROM (SELECT s.case_id, s.updated_at, s.sig FROM case_search s
                  WHERE s.agency_id = a AND (s.updated_at, s.case_id) < (edge_at, edge_id)
                  ORDER BY s.updated_at DESC, s.case_id DESC LIMIT walk) w
            JOIN cases c ON c.id = w.case_id
            WHERE (w.sig & qsig) = qsig AND c.visible_to @> ARRAY[a]
              AND (c.title ILIKE pattern OR c.summary ILIKE pattern OR c.reference ILIKE pattern
                   OR EXISTS (SELECT FROM person_identities i JOIN case_people p ON p.id = i.person_id
                              WHERE i.case_id = c.id AND i.search_text ILIKE pattern
                                AND (c.owner_agency_id = a OR p.added_by_agency_id = a OR p.role = 'suspect' OR p.consent
                                     OR p.override_reason IS NOT NULL
                                     OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = a
                                                AND r.include_identity AND r.state IN ('accepted', 'completed')))))
            ORDER BY w.updated_at DESC, w.case_id DESC
            LIMIT cap_ - got
        LOOP
            id := hit.id;
            updated_at := hit.updated_at;
            RETURN NEXT;
            got := got + 1;
            edge_at := hit.updated_at;
            edge_id := hit.id;
        END LOOP;
        IF got >= cap_ THEN
            RETURN;
        END IF;
        walked := walked + walk;
        -- A stretch without a hit may have reached the agency's oldest case
        -- (a small agency, or a few thousand cases in all): then nothing is
        -- left.
        IF got = from_got THEN
            PERFORM FROM case_search s
            WHERE s.agency_id = a AND (s.updated_at, s.case_id) < (from_at, from_id)
            ORDER BY s.updated_at DESC, s.case_id DESC OFFSET walk LIMIT 1;
            IF NOT FOUND THEN
                RETURN;
            END IF;
        END IF;
        -- Walk on only if the hits so far promise a page within the bound.
        EXIT WHEN got = 0;
        need := 1.3 * (cap_ - got) * walked / got;
        EXIT WHEN walked + need > bound;
        walk := greatest(500, ceil(need));
    END LOOP;
    -- So may a stretch with hits.
    IF got > from_got THEN
        PERFORM FROM case_search s
        WHERE s.agency_id = a AND (s.updated_at, s.case_id) < (from_at, from_id)
        ORDER BY s.updated_at DESC, s.case_id DESC OFFSET walk LIMIT 1;
        IF NOT FOUND THEN
            RETURN;
        END IF;
    END IF;
    -- The rest, older than the last hit, through the trigram indexes. A
    -- query without a letter or a digit has no trigram to look up; it is
    -- answered from the walk alone.
    IF show_trgm(q_) = '{}' THEN
        RETURN;
    END IF;
    -- Planned for these values each time: a plan for any pattern could
    -- walk every case for a rare one.
    RETURN QUERY EXECUTE $q$
    SELECT h.id, h.updated_at FROM (
        SELECT c.id, c.updated_at FROM cases c
        WHERE (c.title || E'\n' || c.summary || E'\n' || c.reference) ILIKE $1 AND c.visible_to @> ARRAY[$2]
          AND (c.updated_at, c.id) < ($3, $4)
          AND (c.title ILIKE $1 OR c.summary ILIKE $1 OR c.reference ILIKE $1)
        UNION
        SELECT c.id, c.updated_at FROM person_identities i
            JOIN case_people p ON p.id = i.person_id JOIN cases c ON c.id = i.case_id
        WHERE i.search_text ILIKE $1 AND i.visible_to @> ARRAY[$2] AND c.visible_to @> ARRAY[$2]
          AND (c.updated_at, c.id) < ($3, $4)
          AND (c.owner_agency_id = $2 OR p.added_by_agency_id = $2 OR p.role = 'suspect' OR p.consent
               OR p.override_reason IS NOT NULL
               OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = $2
                          AND r.include_identity AND r.state IN ('accepted', 'completed')))) h
    ORDER BY h.updated_at DESC, h.id DESC
    LIMIT $5 $q$ USING pattern, a, edge_at, edge_id, cap_ - got;
END
$$;
REVOKE ALL ON FUNCTION search_cases(text, integer, timestamptz, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION search_cases(text, integer, timestamptz, bigint) TO handshake_app;
