-- The coordinators' desk at a million cases, again (issue 6).
--
-- 1. The median wait of open referrals (coordination_desk_directions)
--    walked the month the histogram of 0015 places it in, on an index of
--    every open cross-border referral of that state: about 1,100 entries
--    a cell for a coordinating body at 1M (half of them the other
--    direction's), against a dozen at 10k, as a month holds more
--    referrals the more there are. A second histogram by day says which
--    day of that month holds the middle, and the walk starts there. It is
--    read only where the month holds more than 64, as a shorter walk
--    costs less than reading the days.
-- 2. The overdue list pages: coordination_desk_overdue takes the place
--    after which a page starts (respond_by, id), and walks the same
--    indexes from there, so that page 20 costs what page 1 does. The desk
--    itself shows the first 20 (internal/desk), /desk/overdue the rest.
-- 3. The directions and the response times read the tallies of the parts
--    the desk covers by their key alone: a coordinator's desk read, and
--    then threw away, the whole border's rows as well as its own.
--
-- Every figure stays what 0006's functions compute (internal/desk's
-- tests compare them after every kind of change).

-- The UTC day an open referral opened on, as desk_open_month gives its
-- month; desk_open_month_start gives where a day begins as well.
CREATE FUNCTION desk_open_day(since_ timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (since_ AT TIME ZONE 'UTC')::date;

-- Open referrals (pending, accepted) by part, countries, state and the
-- UTC day they opened on: where in its month the median wait lies. The
-- day comes before cross_border in the key, so that one month of a
-- cell is one range of it.
CREATE TABLE desk_open_days (
    part          integer NOT NULL,
    from_country  text NOT NULL,
    to_country    text NOT NULL,
    state         text NOT NULL,
    day           date NOT NULL,
    cross_border  boolean NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (part, from_country, to_country, state, day, cross_border)
);

-- The owner's alone, as the other tallies (0015).
ALTER TABLE desk_open_days ENABLE ROW LEVEL SECURITY;

-- 0015's desk_tally, and the days.
CREATE OR REPLACE FUNCTION desk_tally(changes_ desk_change[]) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public AS $$
    INSERT INTO desk_counts AS t (part, to_agency_id, from_country, cross_border, state, n, answered)
    SELECT p.part, c.to_agency_id, c.from_country, c.cross_border, c.state,
           sum(c.d), coalesce(sum(c.d) FILTER (WHERE c.responded_at IS NOT NULL), 0)
    FROM unnest(changes_) AS c, unnest(desk_parts(c.cross_border, c.from_agency_id, c.to_agency_id)) AS p (part)
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(c.d) <> 0 OR coalesce(sum(c.d) FILTER (WHERE c.responded_at IS NOT NULL), 0) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT (part, to_agency_id, from_country, cross_border, state)
        DO UPDATE SET n = t.n + excluded.n, answered = t.answered + excluded.answered;

    INSERT INTO desk_weeks AS t (part, week, cross_border, state, n)
    SELECT p.part, desk_region_week(c.sent_at), c.cross_border, c.state, sum(c.d)
    FROM unnest(changes_) AS c, unnest(desk_parts(c.cross_border, c.from_agency_id, c.to_agency_id)) AS p (part)
    GROUP BY 1, 2, 3, 4
    HAVING sum(c.d) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (part, week, cross_border, state) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO desk_open_months AS t (part, from_country, to_country, state, cross_border, month, n)
    SELECT p.part, c.from_country, c.to_country, c.state, c.cross_border,
           desk_open_month(desk_open_since(c.state, c.sent_at, c.responded_at)), sum(c.d)
    FROM unnest(changes_) AS c, unnest(desk_parts(c.cross_border, c.from_agency_id, c.to_agency_id)) AS p (part)
    WHERE c.state IN ('pending', 'accepted')
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(c.d) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (part, from_country, to_country, state, cross_border, month) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO desk_open_days AS t (part, from_country, to_country, state, day, cross_border, n)
    SELECT p.part, c.from_country, c.to_country, c.state,
           desk_open_day(desk_open_since(c.state, c.sent_at, c.responded_at)), c.cross_border, sum(c.d)
    FROM unnest(changes_) AS c, unnest(desk_parts(c.cross_border, c.from_agency_id, c.to_agency_id)) AS p (part)
    WHERE c.state IN ('pending', 'accepted')
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(c.d) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (part, from_country, to_country, state, day, cross_border) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO desk_answer_times AS t (part, to_agency_id, cross_border, bucket, n)
    SELECT p.part, a.to_agency_id, c.cross_border,
           CASE a.to_agency_id WHEN 0 THEN desk_answer_bucket(c.responded_at - c.sent_at)
                               ELSE desk_answer_span(c.responded_at - c.sent_at) END,
           sum(c.d)
    FROM unnest(changes_) AS c, unnest(desk_parts(c.cross_border, c.from_agency_id, c.to_agency_id)) AS p (part),
         unnest(ARRAY[0, c.to_agency_id]) AS a (to_agency_id)
    WHERE c.responded_at IS NOT NULL
    GROUP BY 1, 2, 3, 4
    HAVING sum(c.d) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (part, to_agency_id, cross_border, bucket) DO UPDATE SET n = t.n + excluded.n;
$$;

CREATE OR REPLACE FUNCTION desk_tallies_refill() RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public AS $$
    DELETE FROM desk_counts;
    DELETE FROM desk_weeks;
    DELETE FROM desk_open_months;
    DELETE FROM desk_open_days;
    DELETE FROM desk_answer_times;
    SELECT desk_tally(ARRAY(
        SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
        FROM referrals r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
$$;

SELECT desk_tallies_refill();

-- Referrals by direction (country to country) and state now, with how
-- long the open ones have waited: pending since sent, accepted since
-- accepted. The counts are the tally's; the median and the oldest wait
-- are read off the open referrals' index, the median from the day
-- (within the month) the histograms place it in.
CREATE OR REPLACE FUNCTION coordination_desk_directions(now_ timestamptz)
RETURNS TABLE (from_country text, to_country text, state text, n integer, median_age bigint, oldest_age bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
    -- The parts the desk reads: 0 for the whole border, its agency's.
    parts integer[];
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    parts := ARRAY[CASE WHEN s.whole_border THEN 0 END, s.party];
    RETURN QUERY
        WITH counted AS (
            SELECT t.from_country, ta.country AS to_country, t.state, sum(t.n)::integer AS n
            FROM desk_counts t
            JOIN agencies ta ON ta.id = t.to_agency_id
            WHERE t.part = ANY (parts) AND NOT (s.whole_border AND t.part <> 0 AND t.cross_border)
            GROUP BY 1, 2, 3
            HAVING sum(t.n) > 0
        ), months AS (
            SELECT h.from_country, h.to_country, h.state, h.month, sum(h.n)::integer AS n
            FROM desk_open_months h
            WHERE h.part = ANY (parts) AND NOT (s.whole_border AND h.part <> 0 AND h.cross_border)
            GROUP BY 1, 2, 3, 4
            HAVING sum(h.n) > 0
        ), running AS (
            SELECT w.*, sum(w.n) OVER (PARTITION BY w.from_country, w.to_country, w.state ORDER BY w.month) AS upto,
                   sum(w.n) OVER (PARTITION BY w.from_country, w.to_country, w.state) AS total
            FROM months w
        ), middle AS (
            -- The month of the lower middle (the middle, when odd), how
            -- many opened in it, and the middle's place among them, from 1.
            SELECT DISTINCT ON (r.from_country, r.to_country, r.state)
                   r.from_country, r.to_country, r.state, r.month, r.n, r.total, (r.total + 1) / 2 - (r.upto - r.n) AS at
            FROM running r
            WHERE r.upto >= (r.total + 1) / 2
            ORDER BY r.from_country, r.to_country, r.state, r.month
        ), days AS (
            -- The days of a month of more than 64.
            SELECT m.from_country, m.to_country, m.state, m.total, m.at, d.day, d.n,
                   sum(d.n) OVER (PARTITION BY m.from_country, m.to_country, m.state ORDER BY d.day) AS upto
            FROM middle m
            CROSS JOIN LATERAL (
                SELECT h.day, sum(h.n)::integer AS n
                FROM desk_open_days h
                WHERE m.n > 64
                  AND h.part = ANY (parts) AND NOT (s.whole_border AND h.part <> 0 AND h.cross_border)
                  AND h.from_country = m.from_country AND h.to_country = m.to_country AND h.state = m.state
                  AND h.day >= m.month AND h.day < (m.month + interval '1 month')::date
                GROUP BY h.day
                HAVING sum(h.n) > 0
            ) d
        ), start AS (
            -- Where each walk to the middle starts: the day of the middle
            -- and its place in that day, or the month and its place.
            (SELECT DISTINCT ON (d.from_country, d.to_country, d.state)
                    d.from_country, d.to_country, d.state, d.day AS since, d.total, d.at - (d.upto - d.n) AS at
             FROM days d
             WHERE d.upto >= d.at
             ORDER BY d.from_country, d.to_country, d.state, d.day)
            UNION ALL
            SELECT m.from_country, m.to_country, m.state, m.month, m.total, m.at FROM middle m WHERE m.n <= 64
        ), countries AS MATERIALIZED (
            -- The agencies of each country, for the walks' filters.
            SELECT a.country, array_agg(a.id) AS ids FROM agencies a GROUP BY a.country
        ), waiting AS (
            SELECT m.from_country, m.to_country, m.state,
                   (SELECT (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY now_ - x.since)) * 1e9)::bigint
                    FROM (SELECT w.since FROM desk_open_walk(s.whole_border, s.party, m.state, fc.ids, tc.ids, desk_open_month_start(m.since), m.at + 1) AS w
                          ORDER BY w.since OFFSET m.at - 1 LIMIT 2 - m.total % 2) AS x) AS median_age,
                   (SELECT (extract(epoch FROM now_ - w.since) * 1e9)::bigint
                    FROM desk_open_walk(s.whole_border, s.party, m.state, fc.ids, tc.ids, '-infinity', 1) AS w
                    ORDER BY w.since LIMIT 1) AS oldest_age
            FROM start m
            JOIN countries fc ON fc.country = m.from_country
            JOIN countries tc ON tc.country = m.to_country
        )
        SELECT c.from_country, c.to_country, c.state, c.n, w.median_age, w.oldest_age
        FROM counted c
        LEFT JOIN waiting w ON w.from_country = c.from_country AND w.to_country = c.to_country AND w.state = c.state;
END
$$;

-- Time to the first answer (accept or decline) per receiving agency, and
-- over all of them in the row whose agency_id is NULL: 0015's, reading
-- the parts by their key.
CREATE OR REPLACE FUNCTION coordination_desk_responses()
RETURNS TABLE (agency_id integer, short_name text, country text, received integer, answered integer, pending integer, median bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
    parts integer[];
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    parts := ARRAY[CASE WHEN s.whole_border THEN 0 END, s.party];
    RETURN QUERY
        WITH counted AS (
            SELECT t.to_agency_id, coalesce(sum(t.n), 0)::integer AS received, coalesce(sum(t.answered), 0)::integer AS answered,
                   coalesce(sum(t.n) FILTER (WHERE t.state = 'pending'), 0)::integer AS pending
            FROM desk_counts t
            WHERE t.part = ANY (parts) AND NOT (s.whole_border AND t.part <> 0 AND t.cross_border)
            GROUP BY GROUPING SETS ((t.to_agency_id), ())
            HAVING sum(t.n) > 0 OR GROUPING(t.to_agency_id) = 1
        ), buckets AS (
            -- Agency 0's rows are every agency's: the row of NULL below.
            SELECT nullif(h.to_agency_id, 0) AS to_agency_id, h.bucket, sum(h.n)::integer AS n
            FROM desk_answer_times h
            WHERE h.part = ANY (parts) AND NOT (s.whole_border AND h.part <> 0 AND h.cross_border)
            GROUP BY 1, 2
            HAVING sum(h.n) > 0
        ), running AS (
            SELECT b.*, sum(b.n) OVER (PARTITION BY b.to_agency_id ORDER BY b.bucket) AS upto,
                   sum(b.n) OVER (PARTITION BY b.to_agency_id) AS total
            FROM buckets b
        ), middle AS (
            SELECT DISTINCT ON (r.to_agency_id) r.to_agency_id, r.bucket, r.total, (r.total + 1) / 2 - (r.upto - r.n) AS at
            FROM running r
            WHERE r.upto >= (r.total + 1) / 2
            ORDER BY r.to_agency_id, r.bucket
        )
        SELECT c.to_agency_id, coalesce(a.short_name, ''), coalesce(a.country, ''), c.received, c.answered, c.pending,
               (SELECT (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY x.took)) * 1e9)::bigint
                FROM (SELECT w.took FROM desk_answer_walk(s.whole_border, s.party, m.to_agency_id, desk_answer_floor(m.bucket), m.at + 1) AS w
                      ORDER BY w.took OFFSET m.at - 1 LIMIT 2 - m.total % 2) AS x)
        FROM counted c
        LEFT JOIN middle m ON m.to_agency_id IS NOT DISTINCT FROM c.to_agency_id
        LEFT JOIN agencies a ON a.id = c.to_agency_id
        ORDER BY a.short_name NULLS FIRST, c.to_agency_id;
END
$$;

-- An agency's pending referrals in the list's order, sent and received,
-- so that a page of its overdue ones is the next entries of each: the
-- inbox's indexes (0017) order them by respond_by alone, and a page after
-- a place in the list sorted all of the agency's overdue referrals (2,051
-- of PPR2's at 1M) to find the next 51.
CREATE INDEX referrals_desk_overdue_from_idx ON referrals (from_agency_id, respond_by, id) INCLUDE (cross_border)
    WHERE state = 'pending';
CREATE INDEX referrals_desk_overdue_to_idx ON referrals (to_agency_id, respond_by, id) INCLUDE (cross_border)
    WHERE state = 'pending';

-- Pending referrals past their respond-by date at now_, the longest
-- overdue first, from after (after_, after_id_) in that order on.
DROP FUNCTION desk_overdue_walk(boolean, integer, timestamptz, bigint);
CREATE FUNCTION desk_overdue_walk(wb_ boolean, party_ integer, now_ timestamptz, after_ timestamptz, after_id_ bigint, take_ bigint)
RETURNS TABLE (id bigint, respond_by timestamptz)
LANGUAGE sql STABLE AS $$
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE wb_ AND r.state = 'pending' AND r.cross_border AND r.respond_by < now_
       AND (r.respond_by, r.id) > (after_, after_id_)
     ORDER BY r.respond_by, r.id LIMIT take_)
    UNION ALL
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE r.from_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT (wb_ AND r.cross_border)
       AND (r.respond_by, r.id) > (after_, after_id_)
     ORDER BY r.respond_by, r.id LIMIT take_)
    UNION ALL
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE r.to_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT (wb_ AND r.cross_border)
       AND (r.respond_by, r.id) > (after_, after_id_)
     ORDER BY r.respond_by, r.id LIMIT take_)
$$;

REVOKE EXECUTE ON FUNCTION desk_overdue_walk(boolean, integer, timestamptz, timestamptz, bigint, bigint) FROM PUBLIC;

-- Pending referrals past their respond-by date, the longest overdue
-- first, at most limit_ of them after the place (after_, after_id_) in
-- that order: the first ones when it is left out. total counts them all,
-- from the first, up to count_to_ + 1, so that a total over count_to_
-- says "more than count_to_" without counting them all.
DROP FUNCTION coordination_desk_overdue(timestamptz, integer, integer);
CREATE FUNCTION coordination_desk_overdue(now_ timestamptz, limit_ integer, count_to_ integer,
    after_ timestamptz DEFAULT '-infinity', after_id_ bigint DEFAULT 0)
RETURNS TABLE (
    id bigint, from_agency_id integer, from_short text, from_country text, to_agency_id integer, to_short text, to_country text,
    purpose text, urgency text, state text, cross_border boolean,
    sent_at timestamptz, respond_by timestamptz, responded_at timestamptz, closed_at timestamptz, total integer
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
    counted integer;
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    SELECT count(*) INTO counted
    FROM (SELECT FROM desk_overdue_count(s.whole_border, s.party, now_, count_to_ + 1) LIMIT count_to_ + 1) AS o;
    RETURN QUERY
        SELECT r.id, r.from_agency_id, fa.short_name, fa.country, r.to_agency_id, ta.short_name, ta.country,
               r.purpose, r.urgency, r.state, r.cross_border, r.sent_at, r.respond_by, r.responded_at, r.closed_at, counted
        FROM (SELECT o.id, o.respond_by FROM desk_overdue_walk(s.whole_border, s.party, now_, after_, after_id_, limit_) AS o
              ORDER BY o.respond_by, o.id LIMIT limit_) AS o
        JOIN referrals r ON r.id = o.id
        JOIN agencies fa ON fa.id = r.from_agency_id
        JOIN agencies ta ON ta.id = r.to_agency_id
        ORDER BY o.respond_by, o.id;
END
$$;

REVOKE EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer, timestamptz, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer, timestamptz, bigint) TO handshake_app;
