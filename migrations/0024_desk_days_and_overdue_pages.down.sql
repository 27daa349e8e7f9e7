-- Back to 0015's desk: no histogram by day, and the overdue list in one
-- piece.

DROP FUNCTION coordination_desk_overdue(timestamptz, integer, integer, timestamptz, bigint);
DROP FUNCTION desk_overdue_walk(boolean, integer, timestamptz, timestamptz, bigint, bigint);
DROP INDEX referrals_desk_overdue_from_idx, referrals_desk_overdue_to_idx;

-- Pending referrals past their respond-by date at now_, the longest
-- overdue first.
CREATE FUNCTION desk_overdue_walk(wb_ boolean, party_ integer, now_ timestamptz, take_ bigint)
RETURNS TABLE (id bigint, respond_by timestamptz)
LANGUAGE sql STABLE AS $$
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE wb_ AND r.state = 'pending' AND r.cross_border AND r.respond_by < now_
     ORDER BY r.respond_by, r.id LIMIT take_)
    UNION ALL
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE r.from_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT (wb_ AND r.cross_border)
     ORDER BY r.respond_by, r.id LIMIT take_)
    UNION ALL
    (SELECT r.id, r.respond_by FROM referrals r
     WHERE r.to_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT (wb_ AND r.cross_border)
     ORDER BY r.respond_by, r.id LIMIT take_)
$$;

REVOKE EXECUTE ON FUNCTION desk_overdue_walk(boolean, integer, timestamptz, bigint) FROM PUBLIC;

-- Pending referrals past their respond-by date, the longest overdue
-- first, at most limit_; total counts them up to count_to_ + 1, so that
-- a total over count_to_ says "more than count_to_" without counting
-- them all.
CREATE FUNCTION coordination_desk_overdue(now_ timestamptz, limit_ integer, count_to_ integer)
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
        FROM (SELECT o.id, o.respond_by FROM desk_overdue_walk(s.whole_border, s.party, now_, limit_) AS o
              ORDER BY o.respond_by, o.id LIMIT limit_) AS o
        JOIN referrals r ON r.id = o.id
        JOIN agencies fa ON fa.id = r.from_agency_id
        JOIN agencies ta ON ta.id = r.to_agency_id
        ORDER BY o.respond_by, o.id;
END
$$;

REVOKE EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer) TO handshake_app;

-- Referrals by direction (country to country) and state now, with how
-- long the open ones have waited: pending since sent, accepted since
-- accepted. The counts are the tally's; the median and the oldest wait
-- are read off the open referrals' index, the median in the month the
-- histogram places it.
CREATE OR REPLACE FUNCTION coordination_desk_directions(now_ timestamptz)
RETURNS TABLE (from_country text, to_country text, state text, n integer, median_age bigint, oldest_age bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH counted AS (
            SELECT t.from_country, ta.country AS to_country, t.state, sum(t.n)::integer AS n
            FROM desk_counts t
            JOIN agencies ta ON ta.id = t.to_agency_id
            WHERE (s.whole_border AND t.part = 0) OR (t.part = s.party AND NOT (s.whole_border AND t.cross_border))
            GROUP BY 1, 2, 3
            HAVING sum(t.n) > 0
        ), months AS (
            SELECT h.from_country, h.to_country, h.state, h.month, sum(h.n)::integer AS n
            FROM desk_open_months h
            WHERE (s.whole_border AND h.part = 0) OR (h.part = s.party AND NOT (s.whole_border AND h.cross_border))
            GROUP BY 1, 2, 3, 4
            HAVING sum(h.n) > 0
        ), running AS (
            SELECT w.*, sum(w.n) OVER (PARTITION BY w.from_country, w.to_country, w.state ORDER BY w.month) AS upto,
                   sum(w.n) OVER (PARTITION BY w.from_country, w.to_country, w.state) AS total
            FROM months w
        ), middle AS (
            -- The month of the lower middle (the middle, when odd), and its
            -- place among that month's, from 1.
            SELECT DISTINCT ON (r.from_country, r.to_country, r.state)
                   r.from_country, r.to_country, r.state, r.month, r.total, (r.total + 1) / 2 - (r.upto - r.n) AS at
            FROM running r
            WHERE r.upto >= (r.total + 1) / 2
            ORDER BY r.from_country, r.to_country, r.state, r.month
        ), countries AS MATERIALIZED (
            -- The agencies of each country, for the walks' filters.
            SELECT a.country, array_agg(a.id) AS ids FROM agencies a GROUP BY a.country
        ), waiting AS (
            SELECT m.from_country, m.to_country, m.state,
                   (SELECT (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY now_ - x.since)) * 1e9)::bigint
                    FROM (SELECT w.since FROM desk_open_walk(s.whole_border, s.party, m.state, fc.ids, tc.ids, desk_open_month_start(m.month), m.at + 1) AS w
                          ORDER BY w.since OFFSET m.at - 1 LIMIT 2 - m.total % 2) AS x) AS median_age,
                   (SELECT (extract(epoch FROM now_ - w.since) * 1e9)::bigint
                    FROM desk_open_walk(s.whole_border, s.party, m.state, fc.ids, tc.ids, '-infinity', 1) AS w
                    ORDER BY w.since LIMIT 1) AS oldest_age
            FROM middle m
            JOIN countries fc ON fc.country = m.from_country
            JOIN countries tc ON tc.country = m.to_country
        )
        SELECT c.from_country, c.to_country, c.state, c.n, w.median_age, w.oldest_age
        FROM counted c
        LEFT JOIN waiting w ON w.from_country = c.from_country AND w.to_country = c.to_country AND w.state = c.state;
END
$$;

-- Time to the first answer (accept or decline) per receiving agency, and
-- over all of them in the row whose agency_id is NULL. Counts from the
-- tally; each median from the answer times' index, in the bucket the
-- histogram places it.
CREATE OR REPLACE FUNCTION coordination_desk_responses()
RETURNS TABLE (agency_id integer, short_name text, country text, received integer, answered integer, pending integer, median bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH counted AS (
            SELECT t.to_agency_id, coalesce(sum(t.n), 0)::integer AS received, coalesce(sum(t.answered), 0)::integer AS answered,
                   coalesce(sum(t.n) FILTER (WHERE t.state = 'pending'), 0)::integer AS pending
            FROM desk_counts t
            WHERE (s.whole_border AND t.part = 0) OR (t.part = s.party AND NOT (s.whole_border AND t.cross_border))
            GROUP BY GROUPING SETS ((t.to_agency_id), ())
            HAVING sum(t.n) > 0 OR GROUPING(t.to_agency_id) = 1
        ), buckets AS (
            -- Agency 0's rows are every agency's: the row of NULL below.
            SELECT nullif(h.to_agency_id, 0) AS to_agency_id, h.bucket, sum(h.n)::integer AS n
            FROM desk_answer_times h
            WHERE (s.whole_border AND h.part = 0) OR (h.part = s.party AND NOT (s.whole_border AND h.cross_border))
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
    DELETE FROM desk_answer_times;
    SELECT desk_tally(ARRAY(
        SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
        FROM referrals r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
$$;

DROP TABLE desk_open_days;
DROP FUNCTION desk_open_day(timestamptz);
