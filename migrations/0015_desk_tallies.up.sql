-- The coordinators' desk at a million cases (issue 6). The functions of
-- 0006 aggregated every referral the desk covers on each view: 160 to
-- 580 ms at 262,000 referrals. Here the figures come from tallies that
-- triggers keep exactly, and the medians from a histogram that says in
-- which bucket the middle lies, then a walk of that bucket alone on an
-- index of the referrals. Every figure is the same as before, to the
-- microsecond, but for one: the overdue total counts up to a cap the
-- caller names (the page shows "1,000+").
--
-- Each tally row belongs to a part of the border: part 0 holds the
-- cross-border referrals (what a coordinating body sees), part N those
-- agency N sent or received. A referral counts in part 0 when it crosses
-- the border, and in the parts of its two agencies. A desk reads part 0,
-- its agency's part, or, for a coordinating body's coordinator, part 0
-- and the domestic rows of its own part: the same referrals as
-- coordination_desk_scope decides, each once.
--
-- The tallies are the owner's alone: no grant, and row-level security on
-- without a policy. Only the SECURITY DEFINER functions below read them,
-- after deciding the scope as before.
--
-- The four functions plan their query once a session (plan_cache_mode =
-- force_generic_plan): the plans do not depend on who asks, and planning
-- them again on each call, as PostgreSQL otherwise chose to, cost as
-- much as running them.

-- The week of the region (UTC+7 all year, internal/geo.Zone) a moment
-- falls in, by its Monday; the weekly chart counts referrals by it.
CREATE FUNCTION desk_region_week(at_ timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_trunc('week', (at_ AT TIME ZONE 'UTC') + interval '7 hours')::date;

-- Since when an open referral waits on someone: a pending one since it
-- was sent, an accepted one since it was accepted. The same expression
-- is written out in the indexes below.
CREATE FUNCTION desk_open_since(state_ text, sent_at_ timestamptz, responded_at_ timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN state_ = 'pending' THEN sent_at_ ELSE responded_at_ END;

-- The histogram of open referrals counts them by the UTC month they
-- opened in; desk_open_month_start is where such a month begins.
CREATE FUNCTION desk_open_month(since_ timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN date_trunc('month', since_ AT TIME ZONE 'UTC')::date;

CREATE FUNCTION desk_open_month_start(month_ date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN month_::timestamp AT TIME ZONE 'UTC';

-- The histogram of first answers counts them by how long they took:
-- bucket b holds the times from desk_answer_bounds()[b] up to the next
-- bound, bucket 0 those under a minute. The buckets are about half an
-- octave wide, narrower where most answers fall (half a day to four
-- days), so that none holds too many to walk.
CREATE FUNCTION desk_answer_bounds() RETURNS interval[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN '{1 minute, 2 minutes, 3 minutes, 5 minutes, 7 minutes, 10 minutes, 15 minutes, 20 minutes, 30 minutes,
         45 minutes, 1 hour, 90 minutes, 2 hours, 150 minutes, 3 hours, 4 hours, 5 hours, 6 hours, 7 hours, 8 hours,
         9 hours, 10 hours, 11 hours, 12 hours, 13 hours, 14 hours, 15 hours, 16 hours, 18 hours, 20 hours, 22 hours,
         1 day, 26 hours, 28 hours, 30 hours, 33 hours, 36 hours, 40 hours, 44 hours, 2 days, 54 hours, 60 hours,
         66 hours, 3 days, 78 hours, 84 hours, 90 hours, 4 days, 5 days, 6 days, 7 days, 8 days, 10 days, 12 days,
         16 days, 24 days, 32 days, 48 days, 64 days, 96 days, 128 days, 192 days, 256 days, 384 days, 512 days,
         768 days, 1024 days}'::interval[];

CREATE FUNCTION desk_answer_bucket(took_ interval) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN width_bucket(took_, desk_answer_bounds());

-- Each receiving agency's answers are counted in wider buckets, each
-- beginning at one of these bounds, and named by its bound's place in
-- desk_answer_bounds(): the desk reads every agency's histogram on each
-- view, and the walk in a wider bucket costs less than the rows of a
-- finer one.
CREATE FUNCTION desk_answer_span(took_ interval) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(width_bucket((
    '{1 minute, 30 minutes, 1 hour, 2 hours, 4 hours, 8 hours, 12 hours, 16 hours, 1 day, 36 hours, 2 days, 3 days,
      4 days, 6 days, 8 days, 16 days, 32 days, 64 days, 128 days, 256 days, 512 days, 1024 days}'::interval[])
    [nullif(width_bucket(took_, '{1 minute, 30 minutes, 1 hour, 2 hours, 4 hours, 8 hours, 12 hours, 16 hours, 1 day,
      36 hours, 2 days, 3 days, 4 days, 6 days, 8 days, 16 days, 32 days, 64 days, 128 days, 256 days, 512 days,
      1024 days}'::interval[]), 0)], desk_answer_bounds()), 0);

-- Where bucket b begins; bucket 0 has no lower end.
CREATE FUNCTION desk_answer_floor(bucket_ integer) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN bucket_ = 0 THEN interval '-178000000 years' ELSE (desk_answer_bounds())[bucket_] END;

-- Referrals by part, receiving agency, sending country, state now; how
-- many had a first answer (responded_at set).
CREATE TABLE desk_counts (
    part          integer NOT NULL,
    to_agency_id  integer NOT NULL,
    from_country  text NOT NULL,
    cross_border  boolean NOT NULL,
    state         text NOT NULL,
    n             integer NOT NULL,
    answered      integer NOT NULL,
    PRIMARY KEY (part, to_agency_id, from_country, cross_border, state)
);

-- Referrals by part, the region's week they were sent in, state now.
CREATE TABLE desk_weeks (
    part          integer NOT NULL,
    week          date NOT NULL,
    cross_border  boolean NOT NULL,
    state         text NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (part, week, cross_border, state)
);

-- Open referrals (pending, accepted) by part, countries, state and the
-- UTC month they opened in: where the median wait lies.
CREATE TABLE desk_open_months (
    part          integer NOT NULL,
    from_country  text NOT NULL,
    to_country    text NOT NULL,
    state         text NOT NULL,
    cross_border  boolean NOT NULL,
    month         date NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (part, from_country, to_country, state, cross_border, month)
);

-- Answered referrals by part, receiving agency and the bucket of the
-- time to the first answer: where the median answer time lies. Rows of
-- agency 0 count every receiving agency's, by desk_answer_bucket; the
-- others count one agency's, by desk_answer_span.
CREATE TABLE desk_answer_times (
    part          integer NOT NULL,
    to_agency_id  integer NOT NULL,
    cross_border  boolean NOT NULL,
    bucket        integer NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (part, to_agency_id, cross_border, bucket)
);

ALTER TABLE desk_counts ENABLE ROW LEVEL SECURITY;
ALTER TABLE desk_weeks ENABLE ROW LEVEL SECURITY;
ALTER TABLE desk_open_months ENABLE ROW LEVEL SECURITY;
ALTER TABLE desk_answer_times ENABLE ROW LEVEL SECURITY;

-- A referral as the tallies see it, counted d times (+1 or -1), with the
-- countries of its agencies.
CREATE TYPE desk_change AS (
    d              integer,
    from_agency_id integer,
    to_agency_id   integer,
    from_country   text,
    to_country     text,
    cross_border   boolean,
    state          text,
    sent_at        timestamptz,
    responded_at   timestamptz
);

-- The parts a referral counts in.
CREATE FUNCTION desk_parts(cross_border_ boolean, from_agency_id_ integer, to_agency_id_ integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN cross_border_ THEN ARRAY[0, from_agency_id_, to_agency_id_] ELSE ARRAY[from_agency_id_, to_agency_id_] END;

-- Adds changes to every tally. An update passes the old row at -1 and
-- the new at +1: they cancel where nothing the tallies count changed.
-- Rows are written in key order, so that two writers wait on each other
-- rather than deadlock.
CREATE FUNCTION desk_tally(changes_ desk_change[]) RETURNS void
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

-- Every referral's change, once per statement: sent (insert), answered,
-- withdrawn or closed (update), deleted.
CREATE FUNCTION desk_referrals_tally() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM desk_tally(ARRAY(
            SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
            FROM new_rows r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM desk_tally(ARRAY(
            SELECT ROW(-1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
            FROM old_rows r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id
            UNION ALL
            SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
            FROM new_rows r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
    ELSE
        PERFORM desk_tally(ARRAY(
            SELECT ROW(-1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
            FROM old_rows r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER desk_tally_insert AFTER INSERT ON referrals REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION desk_referrals_tally();
CREATE TRIGGER desk_tally_update AFTER UPDATE ON referrals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION desk_referrals_tally();
CREATE TRIGGER desk_tally_delete AFTER DELETE ON referrals REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION desk_referrals_tally();

-- Empties the tallies and counts every referral again: after a bulk load
-- with the triggers off (internal/seed.Scale), and after TRUNCATE.
CREATE FUNCTION desk_tallies_refill() RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public AS $$
    DELETE FROM desk_counts;
    DELETE FROM desk_weeks;
    DELETE FROM desk_open_months;
    DELETE FROM desk_answer_times;
    SELECT desk_tally(ARRAY(
        SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
        FROM referrals r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
$$;

CREATE FUNCTION desk_referrals_truncated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM desk_tallies_refill();
    RETURN NULL;
END
$$;

CREATE TRIGGER desk_tally_truncate AFTER TRUNCATE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION desk_referrals_truncated();

-- The tallies hold the agencies' countries, which an administrator may
-- change: the referrals of an agency that moved are counted again, out
-- of the old country and into the new.
CREATE FUNCTION desk_agencies_moved() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.country <> n.country) THEN
        RETURN NULL;
    END IF;
    PERFORM desk_tally(ARRAY(
        WITH moved AS (
            SELECT o.id, o.country AS was FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE o.country <> n.country
        ), touched AS (
            SELECT r.* FROM referrals r WHERE r.from_agency_id IN (SELECT id FROM moved)
            UNION
            SELECT r.* FROM referrals r WHERE r.to_agency_id IN (SELECT id FROM moved)
        )
        SELECT ROW(-1, r.from_agency_id, r.to_agency_id, coalesce(mf.was, fa.country), coalesce(mt.was, ta.country),
                   r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
        FROM touched r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id
        LEFT JOIN moved mf ON mf.id = r.from_agency_id LEFT JOIN moved mt ON mt.id = r.to_agency_id
        UNION ALL
        SELECT ROW(1, r.from_agency_id, r.to_agency_id, fa.country, ta.country, r.cross_border, r.state, r.sent_at, r.responded_at)::desk_change
        FROM touched r JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id));
    RETURN NULL;
END
$$;

CREATE TRIGGER desk_agencies_moved AFTER UPDATE ON agencies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION desk_agencies_moved();

REVOKE EXECUTE ON FUNCTION desk_tally(desk_change[]), desk_tallies_refill(), desk_referrals_tally(),
    desk_referrals_truncated(), desk_agencies_moved() FROM PUBLIC;

SELECT desk_tallies_refill();

-- Each index below holds one set a median may be asked of, in the order
-- of the figure, so that the middle is found by skipping the first
-- entries of its bucket rather than by sorting the set. They carry the
-- columns the figure is computed from, so that the walk reads the index
-- alone (PostgreSQL reads an expression off an index only then).

-- Open referrals: the cross-border ones, each agency's sent and received.
CREATE INDEX referrals_desk_open_cb_idx ON referrals
    (state, (CASE WHEN state = 'pending' THEN sent_at ELSE responded_at END))
    INCLUDE (from_agency_id, to_agency_id, sent_at, responded_at)
    WHERE cross_border AND state IN ('pending', 'accepted');
CREATE INDEX referrals_desk_open_from_idx ON referrals
    (from_agency_id, state, (CASE WHEN state = 'pending' THEN sent_at ELSE responded_at END))
    INCLUDE (to_agency_id, cross_border, sent_at, responded_at)
    WHERE state IN ('pending', 'accepted');
CREATE INDEX referrals_desk_open_to_idx ON referrals
    (to_agency_id, state, (CASE WHEN state = 'pending' THEN sent_at ELSE responded_at END))
    INCLUDE (from_agency_id, cross_border, sent_at, responded_at)
    WHERE state IN ('pending', 'accepted');

-- First answers by the time they took: all cross-border ones, the
-- cross-border ones to each agency, and each agency's received, sent,
-- and sent to each other agency.
CREATE INDEX referrals_desk_answer_cb_idx ON referrals ((responded_at - sent_at)) INCLUDE (sent_at, responded_at)
    WHERE responded_at IS NOT NULL AND cross_border;
CREATE INDEX referrals_desk_answer_cb_to_idx ON referrals (to_agency_id, (responded_at - sent_at)) INCLUDE (sent_at, responded_at)
    WHERE responded_at IS NOT NULL AND cross_border;
CREATE INDEX referrals_desk_answer_to_idx ON referrals (to_agency_id, (responded_at - sent_at))
    INCLUDE (cross_border, sent_at, responded_at)
    WHERE responded_at IS NOT NULL;
CREATE INDEX referrals_desk_answer_from_idx ON referrals (from_agency_id, (responded_at - sent_at))
    INCLUDE (cross_border, sent_at, responded_at)
    WHERE responded_at IS NOT NULL;
CREATE INDEX referrals_desk_answer_from_to_idx ON referrals (from_agency_id, to_agency_id, (responded_at - sent_at))
    INCLUDE (cross_border, sent_at, responded_at)
    WHERE responded_at IS NOT NULL;

-- Cross-border referrals waiting past their date, the longest first; an
-- agency's own walk referrals_from_idx and referrals_to_idx (0004).
CREATE INDEX referrals_desk_overdue_cb_idx ON referrals (respond_by, id) WHERE state = 'pending' AND cross_border;

-- The walks. Each gives the first take_ of every index range the desk's
-- scope spans, from a lower end on; the caller merges them and picks its
-- place. (One ORDER BY over a UNION ALL of the ranges would be simpler,
-- but PostgreSQL 15 then sorts the ranges whole rather than merge them:
-- the expressions the indexes order by are not plain columns.) wb_ and
-- party_ are coordination_desk_scope's answer: the cross-border referrals
-- when wb_, and those party_ sent or received, the cross-border ones not
-- twice.

-- Open referrals in state_ from the agencies xs_ to the agencies ys_,
-- open since from_ or later.
CREATE FUNCTION desk_open_walk(wb_ boolean, party_ integer, state_ text, xs_ integer[], ys_ integer[], from_ timestamptz, take_ bigint)
RETURNS TABLE (since timestamptz)
LANGUAGE sql STABLE AS $$
    (SELECT CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END
     FROM referrals r
     WHERE wb_ AND r.cross_border AND r.state IN ('pending', 'accepted') AND r.state = state_
       AND CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END >= from_
       AND r.from_agency_id = ANY (xs_) AND r.to_agency_id = ANY (ys_)
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END
     FROM referrals r
     WHERE party_ = ANY (xs_) AND r.from_agency_id = party_ AND r.state IN ('pending', 'accepted') AND r.state = state_
       AND CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END >= from_
       AND r.to_agency_id = ANY (ys_) AND NOT (wb_ AND r.cross_border)
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END
     FROM referrals r
     WHERE party_ = ANY (ys_) AND r.to_agency_id = party_ AND r.state IN ('pending', 'accepted') AND r.state = state_
       AND CASE WHEN r.state = 'pending' THEN r.sent_at ELSE r.responded_at END >= from_
       AND r.from_agency_id = ANY (xs_) AND NOT (wb_ AND r.cross_border)
     ORDER BY 1 LIMIT take_)
$$;

-- Times to the first answer of the referrals to_ received (every
-- receiving agency when NULL), from_ or longer.
CREATE FUNCTION desk_answer_walk(wb_ boolean, party_ integer, to_ integer, from_ interval, take_ bigint)
RETURNS TABLE (took interval)
LANGUAGE sql STABLE AS $$
    (SELECT r.responded_at - r.sent_at FROM referrals r
     WHERE wb_ AND to_ IS NULL AND r.responded_at IS NOT NULL AND r.cross_border AND r.responded_at - r.sent_at >= from_
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT r.responded_at - r.sent_at FROM referrals r
     WHERE wb_ AND r.to_agency_id = to_ AND r.responded_at IS NOT NULL AND r.cross_border AND r.responded_at - r.sent_at >= from_
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT r.responded_at - r.sent_at FROM referrals r
     WHERE (to_ IS NULL OR to_ = party_) AND r.to_agency_id = party_ AND r.responded_at IS NOT NULL
       AND r.responded_at - r.sent_at >= from_ AND NOT (wb_ AND r.cross_border)
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT r.responded_at - r.sent_at FROM referrals r
     WHERE to_ IS NULL AND r.from_agency_id = party_ AND r.responded_at IS NOT NULL
       AND r.responded_at - r.sent_at >= from_ AND NOT (wb_ AND r.cross_border)
     ORDER BY 1 LIMIT take_)
    UNION ALL
    (SELECT r.responded_at - r.sent_at FROM referrals r
     WHERE r.from_agency_id = party_ AND r.to_agency_id = to_ AND r.responded_at IS NOT NULL
       AND r.responded_at - r.sent_at >= from_ AND NOT (wb_ AND r.cross_border)
     ORDER BY 1 LIMIT take_)
$$;

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

-- The same, to count them: on the agency's indexes alone when its desk
-- is not the whole border's.
CREATE FUNCTION desk_overdue_count(wb_ boolean, party_ integer, now_ timestamptz, take_ bigint)
RETURNS TABLE (one integer)
LANGUAGE sql STABLE AS $$
    (SELECT 1 FROM referrals r WHERE wb_ AND r.state = 'pending' AND r.cross_border AND r.respond_by < now_ LIMIT take_)
    UNION ALL
    (SELECT 1 FROM referrals r WHERE NOT wb_ AND r.from_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ LIMIT take_)
    UNION ALL
    (SELECT 1 FROM referrals r WHERE NOT wb_ AND r.to_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ LIMIT take_)
    UNION ALL
    (SELECT 1 FROM referrals r
     WHERE wb_ AND r.from_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT r.cross_border LIMIT take_)
    UNION ALL
    (SELECT 1 FROM referrals r
     WHERE wb_ AND r.to_agency_id = party_ AND r.state = 'pending' AND r.respond_by < now_ AND NOT r.cross_border LIMIT take_)
$$;

REVOKE EXECUTE ON FUNCTION desk_open_walk(boolean, integer, text, integer[], integer[], timestamptz, bigint),
    desk_answer_walk(boolean, integer, integer, interval, bigint), desk_overdue_walk(boolean, integer, timestamptz, bigint),
    desk_overdue_count(boolean, integer, timestamptz, bigint) FROM PUBLIC;

-- Who the desk is for, as 0006 decides it, in PL/pgSQL, which keeps its
-- plan for the session: as an SQL function it was planned again on each
-- of the desk's four calls, at a cost above that of most of them.
CREATE OR REPLACE FUNCTION coordination_desk_scope(OUT whole_border boolean, OUT party integer)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public AS $$
BEGIN
    whole_border := app_agency() IS NOT NULL AND app_agency_kind() = 'coordination' AND app_has_role('coordinator', 'analyst')
        -- The kind is also the agency's kind on record, so the setting
        -- alone cannot open the whole border.
        AND EXISTS (SELECT FROM agencies a WHERE a.id = app_agency() AND a.kind = 'coordination');
    party := CASE WHEN app_has_role('coordinator') THEN app_agency() END;
END
$$;

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

-- Pending referrals past their respond-by date, the longest overdue
-- first, at most limit_; total counts them up to count_to_ + 1, so that
-- a total over count_to_ says "more than count_to_" without counting
-- them all.
DROP FUNCTION coordination_desk_overdue(timestamptz, integer);
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

-- Referrals sent in each of the weeks_ weeks up to now_'s, Monday to
-- Sunday in the region's time (desk_region_week), by the state each is
-- in now: a row for every week and every state of states_, zero or not.
DROP FUNCTION coordination_desk_weeks(timestamptz, interval, integer, text[]);
CREATE FUNCTION coordination_desk_weeks(now_ timestamptz, weeks_ integer, states_ text[])
RETURNS TABLE (week date, state text, n integer)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
DECLARE
    s record;
    this_week date := desk_region_week(now_);
    first_week date := this_week - 7 * (weeks_ - 1);
BEGIN
    SELECT * INTO s FROM coordination_desk_scope();
    IF NOT s.whole_border AND s.party IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
        WITH sent AS (
            SELECT t.week, t.state, sum(t.n)::integer AS n
            FROM desk_weeks t
            WHERE t.week BETWEEN first_week AND this_week
              AND ((s.whole_border AND t.part = 0) OR (t.part = s.party AND NOT (s.whole_border AND t.cross_border)))
            GROUP BY 1, 2
        )
        SELECT w.week::date, st.state, coalesce(sent.n, 0)
        FROM generate_series(first_week::timestamp, this_week::timestamp, interval '1 week') AS w (week)
        CROSS JOIN unnest(states_) AS st (state)
        LEFT JOIN sent ON sent.week = w.week::date AND sent.state = st.state;
END
$$;

REVOKE EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer),
    coordination_desk_weeks(timestamptz, integer, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION coordination_desk_overdue(timestamptz, integer, integer),
    coordination_desk_weeks(timestamptz, integer, text[]) TO handshake_app;
