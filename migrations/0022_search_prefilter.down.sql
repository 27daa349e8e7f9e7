-- Back to 0016's search_cases and 0013's trigram index of names and
-- agencies, without the words.
CREATE OR REPLACE FUNCTION search_cases(q_ text, cap_ integer, before_at_ timestamptz DEFAULT NULL, before_id_ bigint DEFAULT NULL)
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

CREATE INDEX person_identities_search_visible_idx ON person_identities USING gin (search_text gin_trgm_ops, visible_to);
DROP INDEX person_identities_words_idx;
DROP TRIGGER person_identities_keep_words_update ON person_identities;
DROP TRIGGER person_identities_keep_words ON person_identities;
DROP FUNCTION person_identities_keep_words();
DROP TABLE search_words;
DROP FUNCTION search_word_keys(integer[], text);
DROP FUNCTION search_words_of(text);
