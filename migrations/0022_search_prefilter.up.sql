-- Search at a million cases: 0016's walk, cheaper per row and per case
-- checked, and a rare name found through its words.
--
-- 0016 walks the agency's case_search rows newest first and opens the
-- cases whose signature has every bit of the query's; a rare term goes to
-- the trigram indexes after the first stretches. At a million cases a
-- name in one case in a hundred (สมชาย, for PPR2) is a page of 51 away
-- after 5,400 rows, and ศรีสุข (one in 450) after 23,000. Measured:
-- - the signature's test ((sig & q) = q, a new 1,024-bit string each row)
--   cost as much as reading the row from the index;
-- - each case the signature let through cost three ILIKEs (each lowering
--   the case's text and the pattern), the case's identities and their
--   people, even for a case of the reader's own, whose names it may all
--   see;
-- - a probe walked a stretch again to learn whether the agency had older
--   cases;
-- - the fallback was planned anew on each call (1.5 ms), and read every
--   identity the agency sees through the multicolumn trigram index: its
--   list for the agency (260,000 identities for PPR2) cost more than the
--   name's. ศรีสุข: 253 identities, 2.9 ms in the index, 6.4 ms in all;
-- - plans were made for each call's values for the first five calls of
--   each connection (2 ms each).
--
-- Now:
-- - Four of the query's bits are tested one by one first (get_bit, no
--   copy): about 30% of rows have any one bit, so most rows are left after
--   one or two tests and the whole signature is compared for about one
--   row in a hundred.
-- - A case is checked with the pattern lowered once (LIKE on lower()), and,
--   for a query in Thai, Khmer and digits, which no lowering changes, with
--   strpos alone. A name on the reader's own case is seen without reading
--   its person.
-- - The walk knows the agency's oldest row, found once from the other end
--   of the index, and is told when it reaches it: no probe.
-- - A rare name is found through its words: search_words lists every word
--   of every name (lowered, split at spaces), and an index over each
--   identity's words, each paired with an agency that sees it, gives the
--   identities of the words that contain the query's longest word, for the
--   reader's agency only (ศรีสุข: 253 identities from 4 pages, 0.3 ms).
--   That index replaces 0013's trigram index of names and agencies, which
--   only the fallback used. The fallback sorts the matches by their case's
--   updated_at and checks them in that order until the page is full. It
--   takes over where the walk would go past about 16,000 rows (fewer for
--   a short word), if the matches are few enough to cost less than the
--   rest of the walk: an agency that may see few of a name's identities
--   would read many to find its page, and walks on instead.
-- - Every statement is planned once per connection for any values
--   (plan_cache_mode); each one's shape is fixed by its indexes and
--   subqueries, not by the values.
--
-- The rules are 0016's: the signature and the words only choose which
-- cases to check, and each is checked exactly (the pattern, the case's
-- agencies and the name rules of DESIGN §3.4), so a hidden name never
-- matches. Neither the words nor the index are readable by the
-- application.

-- The words of a text as search compares them: lowered, as ILIKE does,
-- and split at spaces. A query's word without a space can only occur
-- inside one word of the text.
CREATE FUNCTION search_words_of(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
    SELECT ARRAY(SELECT DISTINCT w FROM unnest(string_to_array(lower(t), ' ')) AS w WHERE w <> '')
$$;

-- An identity's index keys: each word's hash, paired with each agency
-- that sees the identity (the top 32 bits), so that the index lists each
-- agency's identities of a word apart.
CREATE FUNCTION search_word_keys(agencies integer[], t text) RETURNS bigint[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
    SELECT ARRAY(SELECT (a::bigint << 32) | (hashtext(w) & 4294967295)
                 FROM unnest(agencies) AS a, unnest(string_to_array(lower(t), ' ')) AS w WHERE w <> '')
$$;

CREATE TABLE search_words (
    word text PRIMARY KEY
);
-- As case_search: no grants, and row-level security with no policy.
ALTER TABLE search_words ENABLE ROW LEVEL SECURITY;
CREATE INDEX search_words_trgm ON search_words USING gin (word gin_trgm_ops);

-- Every word of a name goes in as the name is written; a word no longer
-- used stays, and only costs its row.
CREATE FUNCTION person_identities_keep_words() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO search_words (word) SELECT w FROM unnest(search_words_of(NEW.search_text)) AS w
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER person_identities_keep_words AFTER INSERT ON person_identities
    FOR EACH ROW EXECUTE FUNCTION person_identities_keep_words();
CREATE TRIGGER person_identities_keep_words_update AFTER UPDATE ON person_identities
    FOR EACH ROW WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text) EXECUTE FUNCTION person_identities_keep_words();
REVOKE ALL ON FUNCTION person_identities_keep_words() FROM PUBLIC;

INSERT INTO search_words (word)
SELECT DISTINCT w FROM person_identities, unnest(search_words_of(search_text)) AS w;

CREATE INDEX person_identities_words_idx ON person_identities USING gin (search_word_keys(visible_to, search_text));
DROP INDEX person_identities_search_visible_idx;

CREATE OR REPLACE FUNCTION search_cases(q_ text, cap_ integer, before_at_ timestamptz DEFAULT NULL, before_id_ bigint DEFAULT NULL)
RETURNS TABLE (id bigint, updated_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan
ROWS 50 AS $$
DECLARE
    a integer := app_agency();
    -- ILIKE lowers the text and the pattern on each call; the pattern is
    -- lowered here once, and LIKE compares the lowered text with it.
    pattern text := lower('%' || replace(replace(replace(q_, '\', '\\'), '%', '\%'), '_', '\_') || '%');
    -- A query in Thai, Khmer, digits and spaces has no letter that lower()
    -- changes, or that another letter lowers to: it matches where it
    -- occurs as it is, which strpos finds without lowering anything.
    caseless boolean := q_ ~ '^[0-9 \u0E00-\u0E7F\u1780-\u17FF\u19E0-\u19FF]*$';
    qsig bit(1024) := search_signature(q_);
    -- Four of the query's bits (repeated if it has fewer), tested one by
    -- one before the whole signature; z is 0 for a query without any,
    -- which lets every row through to the whole test.
    bits integer[] := '{}';
    b1 integer;
    b2 integer;
    b3 integer;
    b4 integer;
    z integer := 1;
    -- The agency's oldest row, where the walk ends. A stretch that reaches
    -- it returns it, marked, whether it matches or not; it is checked on
    -- its own after, if its signature fits.
    end_at timestamptz;
    end_id bigint;
    ended boolean := false;
    -- Where the walk goes on from: the last hit, else the cursor; and how
    -- many rows after it stretches without a hit have walked.
    edge_at timestamptz := coalesce(before_at_, 'infinity');
    edge_id bigint := coalesce(before_id_, 0);
    skip integer := 0;
    -- How far to walk. The first stretch tells how common the term is;
    -- each next one goes as far as the hits so far predict a page needs,
    -- up to a bound that shrinks as the query's signature gets weaker (a
    -- three-letter query has 2 bits, and about one case in ten has both,
    -- each to be read and checked). Past the bound the matches are looked
    -- up in the indexes instead, if there are few enough of them for that
    -- to cost less than walking on (each costs about what 30 rows of the
    -- walk do: its identity and its case are read to sort it); else the
    -- walk goes on, to four times the bound, before they are looked up
    -- anyway.
    walk integer := 2000;
    walked integer := 0;
    bound double precision;
    need double precision;
    tried boolean := false;
    most integer;
    got integer := 0;
    from_got integer;
    -- The fallback's candidates: the cases of the identities with a word
    -- that contains the query's longest word (search_words), and the cases
    -- whose text matches.
    anchor text;
    keys bigint[];
    by_name bigint[];
    by_text bigint[];
    rest text;
    pos integer;
    hit record;
BEGIN
    IF a IS NULL OR q_ IS NULL OR NOT app_reads_cases() OR cap_ < 1 THEN
        RETURN;
    END IF;
    SELECT cs.updated_at, cs.case_id INTO end_at, end_id FROM case_search cs
    WHERE cs.agency_id = a ORDER BY cs.updated_at, cs.case_id LIMIT 1;
    IF NOT FOUND OR (edge_at, edge_id) <= (end_at, end_id) THEN
        RETURN;
    END IF;
    -- The query's bits, read off its signature.
    rest := qsig::text;
    pos := strpos(rest, '1');
    WHILE pos > 0 LOOP
        bits := bits || (1024 - length(rest) + pos - 1);
        rest := substr(rest, pos + 1);
        pos := strpos(rest, '1');
    END LOOP;
    bound := (16000 + 20 * cap_) / (1 + 60 * 0.3 ^ cardinality(bits));
    IF cardinality(bits) = 0 THEN
        z := 0;
        bits := '{0}';
    END IF;
    b1 := bits[1];
    b2 := bits[1 + 1 % cardinality(bits)];
    b3 := bits[1 + 2 % cardinality(bits)];
    b4 := bits[1 + 3 % cardinality(bits)];
    LOOP
        from_got := got;
        FOR hit IN
            SELECT w.case_id, w.updated_at, w.updated_at = end_at AND w.case_id = end_id AS at_end, (w.sig & qsig) = qsig AS fits
            FROM (SELECT cs.case_id, cs.updated_at, cs.sig FROM case_search cs
                  WHERE cs.agency_id = a AND (cs.updated_at, cs.case_id) < (edge_at, edge_id)
                  ORDER BY cs.updated_at DESC, cs.case_id DESC OFFSET skip LIMIT walk) w
            JOIN cases c ON c.id = w.case_id
            WHERE ((get_bit(w.sig, b1) >= z AND get_bit(w.sig, b2) >= z AND get_bit(w.sig, b3) >= z AND get_bit(w.sig, b4) >= z
                    AND (w.sig & qsig) = qsig)
                   OR (w.updated_at = end_at AND w.case_id = end_id))
              AND ((w.updated_at = end_at AND w.case_id = end_id)
                   OR c.visible_to @> ARRAY[a]
                      AND (CASE WHEN caseless THEN strpos(c.title, q_) > 0 OR strpos(c.summary, q_) > 0 OR strpos(c.reference, q_) > 0
                                ELSE lower(c.title) LIKE pattern OR lower(c.summary) LIKE pattern OR lower(c.reference) LIKE pattern END
                           OR EXISTS (SELECT FROM person_identities i
                                      WHERE i.case_id = c.id
                                        AND CASE WHEN caseless THEN strpos(i.search_text, q_) > 0 ELSE lower(i.search_text) LIKE pattern END
                                        AND (c.owner_agency_id = a
                                             OR EXISTS (SELECT FROM case_people p WHERE p.id = i.person_id
                                                        AND (p.added_by_agency_id = a OR p.role = 'suspect' OR p.consent
                                                             OR p.override_reason IS NOT NULL))
                                             OR EXISTS (SELECT FROM referrals r WHERE r.case_id = c.id AND r.to_agency_id = a
                                                        AND r.include_identity AND r.state IN ('accepted', 'completed'))))))
            ORDER BY w.updated_at DESC, w.case_id DESC
            LIMIT cap_ - got
        LOOP
            IF hit.at_end THEN
                ended := true;
                IF NOT hit.fits THEN
                    end_at := NULL;
                END IF;
            ELSE
                id := hit.case_id;
                updated_at := hit.updated_at;
                RETURN NEXT;
                got := got + 1;
                edge_at := hit.updated_at;
                edge_id := hit.case_id;
            END IF;
        END LOOP;
        IF got >= cap_ THEN
            RETURN;
        END IF;
        -- The walk reached the oldest row: it remains to check that row
        -- itself, alone and without the mark. After that, nothing is left.
        IF ended THEN
            IF end_at IS NULL THEN
                RETURN;
            END IF;
            edge_at := end_at;
            edge_id := end_id + 1;
            skip := 0;
            walk := 1;
            end_at := NULL;
            CONTINUE;
        END IF;
        IF got > from_got THEN
            skip := 0;
        ELSE
            skip := skip + walk;
        END IF;
        walked := walked + walk;
        EXIT WHEN got = 0;
        need := 1.3 * (cap_ - got) * walked / got;
        IF walked + need > bound AND NOT tried AND show_trgm(q_) <> '{}' THEN
            -- Few enough matches to look up?
            tried := true;
            most := least(2000, greatest(100, ceil(need / 30)));
            SELECT w INTO anchor FROM unnest(string_to_array(lower(q_), ' ')) AS w ORDER BY length(w) DESC LIMIT 1;
            keys := ARRAY(SELECT (a::bigint << 32) | (hashtext(sw.word) & 4294967295) FROM search_words sw
                          WHERE sw.word LIKE '%' || replace(replace(replace(anchor, '\', '\\'), '%', '\%'), '_', '\_') || '%');
            by_name := ARRAY(SELECT i.case_id FROM person_identities i WHERE search_word_keys(i.visible_to, i.search_text) && keys
                             LIMIT most + 1);
            by_text := ARRAY(SELECT c.id FROM cases c
                             WHERE (c.title || E'\n' || c.summary || E'\n' || c.reference) ILIKE pattern AND c.visible_to @> ARRAY[a]
                               AND (c.updated_at, c.id) < (edge_at, edge_id)
                             LIMIT most + 1);
            IF cardinality(by_name) + cardinality(by_text) <= most THEN
                EXIT;
            END IF;
            by_name := NULL;
            bound := 4 * bound;
        END IF;
        -- Walk on only if the hits so far promise a page within the bound.
        EXIT WHEN walked + need > bound;
        walk := greatest(500, ceil(need));
    END LOOP;
    -- The rest, older than the last hit: every match of the agency, newest
    -- first, checked in that order until the page is full. A query
    -- without a letter or a digit has no trigram to look up; it is
    -- answered from the walk alone, as in 0016.
    IF show_trgm(q_) = '{}' THEN
        RETURN;
    END IF;
    IF by_name IS NULL THEN
        SELECT w INTO anchor FROM unnest(string_to_array(lower(q_), ' ')) AS w ORDER BY length(w) DESC LIMIT 1;
        keys := ARRAY(SELECT (a::bigint << 32) | (hashtext(sw.word) & 4294967295) FROM search_words sw
                      WHERE sw.word LIKE '%' || replace(replace(replace(anchor, '\', '\\'), '%', '\%'), '_', '\_') || '%');
        by_name := ARRAY(SELECT i.case_id FROM person_identities i WHERE search_word_keys(i.visible_to, i.search_text) && keys);
        by_text := ARRAY(SELECT c.id FROM cases c
                         WHERE (c.title || E'\n' || c.summary || E'\n' || c.reference) ILIKE pattern AND c.visible_to @> ARRAY[a]
                           AND (c.updated_at, c.id) < (edge_at, edge_id));
    END IF;
    RETURN QUERY
        SELECT m.id, m.updated_at FROM (
            SELECT c.id, c.updated_at, c.visible_to, c.owner_agency_id, c.title, c.summary, c.reference
            FROM (SELECT DISTINCT f.case_id FROM unnest(by_name || by_text) AS f (case_id)) f
            JOIN cases c ON c.id = f.case_id
            WHERE (c.updated_at, c.id) < (edge_at, edge_id)
            ORDER BY c.updated_at DESC, c.id DESC
            OFFSET 0) m
        WHERE m.visible_to @> ARRAY[a]
          AND (CASE WHEN caseless THEN strpos(m.title, q_) > 0 OR strpos(m.summary, q_) > 0 OR strpos(m.reference, q_) > 0
                    ELSE lower(m.title) LIKE pattern OR lower(m.summary) LIKE pattern OR lower(m.reference) LIKE pattern END
               OR EXISTS (SELECT FROM person_identities i
                          WHERE i.case_id = m.id
                            AND CASE WHEN caseless THEN strpos(i.search_text, q_) > 0 ELSE lower(i.search_text) LIKE pattern END
                            AND (m.owner_agency_id = a
                                 OR EXISTS (SELECT FROM case_people p WHERE p.id = i.person_id
                                            AND (p.added_by_agency_id = a OR p.role = 'suspect' OR p.consent
                                                 OR p.override_reason IS NOT NULL))
                                 OR EXISTS (SELECT FROM referrals r WHERE r.case_id = m.id AND r.to_agency_id = a
                                            AND r.include_identity AND r.state IN ('accepted', 'completed')))))
        ORDER BY m.updated_at DESC, m.id DESC
        LIMIT cap_ - got;
END
$$;
