-- Back to 0006's desk: the functions aggregate the referrals themselves.

DROP FUNCTION coordination_desk_overdue(timestamptz, integer, integer), coordination_desk_weeks(timestamptz, integer, text[]);

CREATE OR REPLACE FUNCTION coordination_desk_scope(OUT whole_border boolean, OUT party integer)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT app_agency() IS NOT NULL AND app_agency_kind() = 'coordination' AND app_has_role('coordinator', 'analyst')
               -- The kind is also the agency's kind on record, so the
               -- setting alone cannot open the whole border.
               AND EXISTS (SELECT FROM agencies a WHERE a.id = app_agency() AND a.kind = 'coordination'),
           CASE WHEN app_has_role('coordinator') THEN app_agency() END
$$;


-- Referrals by direction (country to country) and state now, with how
-- long the open ones have waited: pending since sent, accepted since
-- accepted. Counting needs no sort; only the open referrals are sorted,
-- for their medians.
CREATE OR REPLACE FUNCTION coordination_desk_directions(now_ timestamptz)
RETURNS TABLE (from_country text, to_country text, state text, n integer, median_age bigint, oldest_age bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
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
            SELECT fa.country AS from_country, ta.country AS to_country, c.state, sum(c.n)::integer AS n
            FROM (
                SELECT r.from_agency_id, r.to_agency_id, r.state, count(*) AS n
                FROM referrals r
                WHERE (s.whole_border AND r.cross_border) OR r.from_agency_id = s.party OR r.to_agency_id = s.party
                GROUP BY r.from_agency_id, r.to_agency_id, r.state
            ) c
            JOIN agencies fa ON fa.id = c.from_agency_id
            JOIN agencies ta ON ta.id = c.to_agency_id
            GROUP BY fa.country, ta.country, c.state
        ), waiting AS (
            SELECT fa.country AS from_country, ta.country AS to_country, o.state,
                   (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY now_ - o.open_since)) * 1e9)::bigint AS median_age,
                   (extract(epoch FROM now_ - min(o.open_since)) * 1e9)::bigint AS oldest_age
            FROM (
                SELECT r.from_agency_id, r.to_agency_id, r.state,
                       CASE r.state WHEN 'pending' THEN r.sent_at ELSE r.responded_at END AS open_since
                FROM referrals r
                WHERE r.state IN ('pending', 'accepted')
                  AND ((s.whole_border AND r.cross_border) OR r.from_agency_id = s.party OR r.to_agency_id = s.party)
            ) o
            JOIN agencies fa ON fa.id = o.from_agency_id
            JOIN agencies ta ON ta.id = o.to_agency_id
            GROUP BY fa.country, ta.country, o.state
        )
        SELECT c.from_country, c.to_country, c.state, c.n, w.median_age, w.oldest_age
        FROM counted c
        LEFT JOIN waiting w ON w.from_country = c.from_country AND w.to_country = c.to_country AND w.state = c.state;
END
$$;

-- Time to the first answer (accept or decline) per receiving agency, and
-- over all of them in the row whose agency_id is NULL.
CREATE OR REPLACE FUNCTION coordination_desk_responses()
RETURNS TABLE (agency_id integer, short_name text, country text, received integer, answered integer, pending integer, median bigint)
-- The medians sort every answered referral covered: room to do it in memory.
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET work_mem = '16MB' AS $$
#variable_conflict use_column
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT g.to_agency_id, coalesce(a.short_name, ''), coalesce(a.country, ''), g.received, g.answered, g.pending, g.median
        FROM (
            SELECT r.to_agency_id, count(*)::integer AS received, count(r.responded_at)::integer AS answered,
                   (count(*) FILTER (WHERE r.state = 'pending'))::integer AS pending,
                   (extract(epoch FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY r.responded_at - r.sent_at)
                       FILTER (WHERE r.responded_at IS NOT NULL)) * 1e9)::bigint AS median
            FROM referrals r
            WHERE (s.whole_border AND r.cross_border) OR r.from_agency_id = s.party OR r.to_agency_id = s.party
            GROUP BY GROUPING SETS ((r.to_agency_id), ())
        ) g
        LEFT JOIN agencies a ON a.id = g.to_agency_id
        ORDER BY a.short_name NULLS FIRST, g.to_agency_id;
END
$$;

-- Pending referrals past their respond-by date, the longest overdue
-- first, at most limit_ of total.
CREATE FUNCTION coordination_desk_overdue(now_ timestamptz, limit_ integer)
RETURNS TABLE (
    id bigint, from_agency_id integer, from_short text, from_country text, to_agency_id integer, to_short text, to_country text,
    purpose text, urgency text, state text, cross_border boolean,
    sent_at timestamptz, respond_by timestamptz, responded_at timestamptz, closed_at timestamptz, total integer
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    s record;
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        SELECT r.id, r.from_agency_id, fa.short_name, fa.country, r.to_agency_id, ta.short_name, ta.country,
               r.purpose, r.urgency, r.state, r.cross_border, r.sent_at, r.respond_by, r.responded_at, r.closed_at,
               (count(*) OVER ())::integer
        FROM referrals r
        JOIN agencies fa ON fa.id = r.from_agency_id
        JOIN agencies ta ON ta.id = r.to_agency_id
        WHERE r.state = 'pending' AND r.respond_by < now_
          AND ((s.whole_border AND r.cross_border) OR r.from_agency_id = s.party OR r.to_agency_id = s.party)
        ORDER BY r.respond_by, r.id
        LIMIT limit_;
END
$$;

-- Referrals sent in each of the weeks_ weeks up to now_'s, Monday to
-- Sunday in the region's time (offset_ from UTC), by the state each is in
-- now: a row for every week and every state of states_, zero or not.
CREATE FUNCTION coordination_desk_weeks(now_ timestamptz, offset_ interval, weeks_ integer, states_ text[])
RETURNS TABLE (week date, state text, n integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
#variable_conflict use_column
DECLARE
    s record;
    this_week timestamp := date_trunc('week', (now_ AT TIME ZONE 'UTC') + offset_);
    first_week timestamp := this_week - (weeks_ - 1) * interval '1 week';
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH sent AS (
            SELECT r.state, date_trunc('week', (r.sent_at AT TIME ZONE 'UTC') + offset_)::date AS week
            FROM referrals r
            WHERE r.sent_at >= (first_week - offset_) AT TIME ZONE 'UTC'
              AND ((s.whole_border AND r.cross_border) OR r.from_agency_id = s.party OR r.to_agency_id = s.party)
        )
        SELECT w.week::date, st.state, count(sent.week)::integer
        FROM generate_series(first_week, this_week, interval '1 week') AS w (week)
        CROSS JOIN unnest(states_) AS st (state)
        LEFT JOIN sent ON sent.week = w.week::date AND sent.state = st.state
        GROUP BY w.week, st.state;
END
$$;

REVOKE EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer), coordination_desk_weeks(timestamptz, interval, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer), coordination_desk_weeks(timestamptz, interval, integer, text[]) TO handshake_app;

DROP FUNCTION desk_open_walk(boolean, integer, text, integer[], integer[], timestamptz, bigint),
    desk_answer_walk(boolean, integer, integer, interval, bigint), desk_overdue_walk(boolean, integer, timestamptz, bigint),
    desk_overdue_count(boolean, integer, timestamptz, bigint);

DROP INDEX referrals_desk_open_cb_idx, referrals_desk_open_from_idx, referrals_desk_open_to_idx,
    referrals_desk_answer_cb_idx, referrals_desk_answer_cb_to_idx, referrals_desk_answer_to_idx,
    referrals_desk_answer_from_idx, referrals_desk_answer_from_to_idx, referrals_desk_overdue_cb_idx;

DROP TRIGGER desk_agencies_moved ON agencies;
DROP TRIGGER desk_tally_truncate ON referrals;
DROP TRIGGER desk_tally_delete ON referrals;
DROP TRIGGER desk_tally_update ON referrals;
DROP TRIGGER desk_tally_insert ON referrals;
DROP FUNCTION desk_agencies_moved(), desk_referrals_truncated(), desk_tallies_refill(), desk_referrals_tally(),
    desk_tally(desk_change[]), desk_parts(boolean, integer, integer);
DROP TYPE desk_change;
DROP TABLE desk_counts, desk_weeks, desk_open_months, desk_answer_times;
DROP FUNCTION desk_region_week(timestamptz), desk_open_since(text, timestamptz, timestamptz), desk_open_month(timestamptz),
    desk_open_month_start(date), desk_answer_floor(integer), desk_answer_span(interval), desk_answer_bucket(interval), desk_answer_bounds();
