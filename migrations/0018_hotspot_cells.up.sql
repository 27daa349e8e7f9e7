-- The map at a million cases: 10,000 hotspots, 6,700 to 9,500 of them
-- visible to a reader in the region's box. Drawing them one by one meant
-- reading and sorting every one under the policy (18-29 ms) and sending a
-- thousand (35 KB). A map of a large box now draws groups instead, from
-- counts kept per cell of a grid at every zoom level, so that a box reads
-- a few hundred rows however many hotspots it holds.
--
-- Level L cuts the globe into square cells of 2^(4-L) degrees: 16 degrees
-- at level 0, 1 degree at level 4, 1/256 of a degree (about 430 m) at
-- level 12. A cell is (cx, cy) = floor((lon + 180, lat + 90) / size).
--
-- Who may see what is kept apart so that one reader's sum never counts a
-- hotspot the policy hides from them (DESIGN §3.3). A row sums the
-- hotspots of one cell and handling code, of every owner (agency_id 0) or
-- of one owner:
--   partners          only agency 0: every reader sees them;
--   law_enforcement   agency 0, which police and government read, and the
--                     owner's own, which any other owner reads;
--   originator        only the owner's own.
-- So a reader sums partners of 0, law_enforcement of 0 or of their own
-- agency, and originator of their own agency; each hotspot counts once.
CREATE TABLE hotspot_cells (
    level         smallint NOT NULL,
    cx            integer NOT NULL,
    cy            integer NOT NULL,
    agency_id     integer NOT NULL,
    handling_code text NOT NULL,
    n             integer NOT NULL CHECK (n > 0),
    n_high        integer NOT NULL,
    n_medium      integer NOT NULL,
    -- Sums of the points in millionths of a degree, exact under any order
    -- of additions and removals; the centroid is the sum over n.
    lat_sum       bigint NOT NULL,
    lon_sum       bigint NOT NULL,
    -- The lowest id of the cell's hotspots: the hotspot itself when n = 1,
    -- so that a cell of one is drawn as its marker.
    min_id        bigint NOT NULL,
    -- A box reads one level, the reader's agencies and a range of cells;
    -- the sums ride along so that the index alone answers.
    PRIMARY KEY (level, agency_id, cx, cy, handling_code) INCLUDE (n, n_high, n_medium, lat_sum, lon_sum, min_id)
);

-- The levels a hotspot counts in, with its cells and rows.
CREATE FUNCTION hotspot_cell_keys(lon_ float8, lat_ float8, code_ text, owner_ integer)
RETURNS TABLE (level smallint, cx integer, cy integer, agency_id integer, handling_code text)
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT l::smallint, floor((lon_ + 180) * 2.0::float8 ^ (l - 4))::integer, floor((lat_ + 90) * 2.0::float8 ^ (l - 4))::integer, a, code_
    FROM generate_series(0, 12) AS l,
         unnest(CASE code_ WHEN 'partners' THEN ARRAY[0] WHEN 'law_enforcement' THEN ARRAY[0, owner_] ELSE ARRAY[owner_] END) AS a
$$;

-- What hotspot_cells holds for a set of hotspots, from scratch: the
-- migration fills the table with it, and the tests compare the table with
-- it after the triggers below kept it.
CREATE FUNCTION hotspot_cells_of(ids bigint[]) RETURNS SETOF hotspot_cells
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT k.level, k.cx, k.cy, k.agency_id, k.handling_code, count(*)::integer,
           (count(*) FILTER (WHERE h.risk = 'high'))::integer, (count(*) FILTER (WHERE h.risk = 'medium'))::integer,
           sum(round(h.lat * 1e6)::bigint)::bigint, sum(round(h.lon * 1e6)::bigint)::bigint, min(h.id)
    FROM hotspots h, hotspot_cell_keys(h.lon, h.lat, h.handling_code, h.owner_agency_id) k
    WHERE ids IS NULL OR h.id = ANY (ids)
    GROUP BY k.level, k.cx, k.cy, k.agency_id, k.handling_code
$$;
REVOKE ALL ON FUNCTION hotspot_cells_of(bigint[]) FROM PUBLIC;

INSERT INTO hotspot_cells SELECT * FROM hotspot_cells_of(NULL);

-- The triggers run once a statement, on the rows it changed, so that the
-- scale loader's COPY of 10,000 hotspots costs one pass. They are enabled
-- ALWAYS: the loader disables the ordinary ('O') triggers of the tables it
-- fills and leaves these on, so its hotspots are counted as the
-- application's are. They run as the table's owner, who sees every
-- hotspot; the application may only read hotspot_cells, under the policy.
CREATE FUNCTION hotspot_cells_keep() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    gone hotspots[]; -- rows that left their cells
    came hotspots[]; -- rows that arrived in theirs
BEGIN
    -- An update moves a row only when its place, code or risk changed (an
    -- owner never changes).
    CASE TG_OP
    WHEN 'INSERT' THEN
        SELECT array_agg(n) INTO came FROM new_rows n;
    WHEN 'DELETE' THEN
        SELECT array_agg(o) INTO gone FROM old_rows o;
    ELSE
        SELECT array_agg(o), array_agg(n) INTO gone, came
        FROM old_rows o JOIN new_rows n USING (id)
        WHERE (n.lat, n.lon, n.handling_code, n.risk) IS DISTINCT FROM (o.lat, o.lon, o.handling_code, o.risk);
    END CASE;

    -- A cell that loses its lowest id looks for the next among the
    -- hotspots that stay in it; the moved rows count again where they
    -- arrive, below.
    IF gone IS NOT NULL THEN
        WITH g AS (
            SELECT k.level, k.cx, k.cy, k.agency_id, k.handling_code, count(*)::integer AS n,
                   (count(*) FILTER (WHERE m.risk = 'high'))::integer AS n_high,
                   (count(*) FILTER (WHERE m.risk = 'medium'))::integer AS n_medium,
                   sum(round(m.lat * 1e6)::bigint)::bigint AS lat_sum, sum(round(m.lon * 1e6)::bigint)::bigint AS lon_sum,
                   min(m.id) AS min_id
            FROM unnest(gone) m, hotspot_cell_keys(m.lon, m.lat, m.handling_code, m.owner_agency_id) k
            GROUP BY k.level, k.cx, k.cy, k.agency_id, k.handling_code
        ), emptied AS (
            DELETE FROM hotspot_cells c USING g
            WHERE (c.level, c.agency_id, c.cx, c.cy, c.handling_code) = (g.level, g.agency_id, g.cx, g.cy, g.handling_code)
              AND c.n <= g.n
        )
        UPDATE hotspot_cells c SET n = c.n - g.n, n_high = c.n_high - g.n_high, n_medium = c.n_medium - g.n_medium,
            lat_sum = c.lat_sum - g.lat_sum, lon_sum = c.lon_sum - g.lon_sum,
            min_id = CASE WHEN c.min_id < g.min_id THEN c.min_id ELSE (
                SELECT min(h.id) FROM hotspots h, (SELECT 2.0::float8 ^ (4 - c.level) AS size) s
                WHERE h.lon BETWEEN c.cx * s.size - 180 - 1e-9 AND (c.cx + 1) * s.size - 180 + 1e-9
                  AND h.lat BETWEEN c.cy * s.size - 90 - 1e-9 AND (c.cy + 1) * s.size - 90 + 1e-9
                  AND h.handling_code = c.handling_code AND (c.agency_id = 0 OR h.owner_agency_id = c.agency_id)
                  AND h.id <> ALL (SELECT m.id FROM unnest(gone) m)
                  AND EXISTS (SELECT FROM hotspot_cell_keys(h.lon, h.lat, h.handling_code, h.owner_agency_id) k
                              WHERE (k.level, k.agency_id, k.cx, k.cy) = (c.level, c.agency_id, c.cx, c.cy)))
            END
        FROM g
        WHERE (c.level, c.agency_id, c.cx, c.cy, c.handling_code) = (g.level, g.agency_id, g.cx, g.cy, g.handling_code)
          AND c.n > g.n;
    END IF;

    IF came IS NOT NULL THEN
        INSERT INTO hotspot_cells AS c
        SELECT k.level, k.cx, k.cy, k.agency_id, k.handling_code, count(*)::integer,
               (count(*) FILTER (WHERE n.risk = 'high'))::integer, (count(*) FILTER (WHERE n.risk = 'medium'))::integer,
               sum(round(n.lat * 1e6)::bigint)::bigint, sum(round(n.lon * 1e6)::bigint)::bigint, min(n.id)
        FROM unnest(came) n, hotspot_cell_keys(n.lon, n.lat, n.handling_code, n.owner_agency_id) k
        GROUP BY k.level, k.cx, k.cy, k.agency_id, k.handling_code
        ON CONFLICT (level, agency_id, cx, cy, handling_code) DO UPDATE
        SET n = c.n + EXCLUDED.n, n_high = c.n_high + EXCLUDED.n_high, n_medium = c.n_medium + EXCLUDED.n_medium,
            lat_sum = c.lat_sum + EXCLUDED.lat_sum, lon_sum = c.lon_sum + EXCLUDED.lon_sum,
            min_id = least(c.min_id, EXCLUDED.min_id);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION hotspot_cells_keep() FROM PUBLIC;

CREATE TRIGGER hotspot_cells_insert AFTER INSERT ON hotspots
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hotspot_cells_keep();
CREATE TRIGGER hotspot_cells_update AFTER UPDATE ON hotspots
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hotspot_cells_keep();
CREATE TRIGGER hotspot_cells_delete AFTER DELETE ON hotspots
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION hotspot_cells_keep();
ALTER TABLE hotspots ENABLE ALWAYS TRIGGER hotspot_cells_insert;
ALTER TABLE hotspots ENABLE ALWAYS TRIGGER hotspot_cells_update;
ALTER TABLE hotspots ENABLE ALWAYS TRIGGER hotspot_cells_delete;

-- The rows a reader sums, as the list above says; the same rule as
-- hotspots_read's app_may_see, cut along the rows.
ALTER TABLE hotspot_cells ENABLE ROW LEVEL SECURITY;
CREATE POLICY hotspot_cells_read ON hotspot_cells FOR SELECT TO handshake_app
    USING (app_reads_hotspots() AND CASE handling_code
        WHEN 'partners' THEN agency_id = 0
        WHEN 'law_enforcement' THEN agency_id = CASE WHEN app_agency_kind() IN ('police', 'government') THEN 0 ELSE app_agency() END
        WHEN 'originator' THEN agency_id = app_agency()
    END);
GRANT SELECT ON hotspot_cells TO handshake_app;

-- The list pages by keyset in its order (riskiest first, then by name),
-- fifty at a time: an index in that order reads a page's rows and stops.
CREATE INDEX hotspots_list_idx ON hotspots ((CASE risk WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END), name, id);
