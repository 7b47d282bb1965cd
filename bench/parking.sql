-- Parking benchmark body (run by bench/parking.sh): cp.parking_gap end to end
-- on a synthetic city, and the pgRouting way of producing and serving the same
-- (building, car park) pairs, measured in the same session. Times come from
-- clock_timestamp() inside the server. Variables (psql -v): grid_n, spacing,
-- buildings, lots, capacity_scale, runs, peer_lots.
\set ON_ERROR_STOP 1
\pset footer off
\set QUIET on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;
DROP SCHEMA IF EXISTS pbench CASCADE;
CREATE SCHEMA pbench;
CREATE TABLE pbench.results (what text, n bigint, ms float8, note text);

-- The city: a grid_n x grid_n street grid with spacing m blocks in UTM 50N,
-- edge costs jittered ±20 %, 5 % of the streets one-way (as bench/sql/00_harness.sql);
-- buildings and car parks uniform over it, 85 % of the buildings housing
-- (5–55 households), 15 % offices (500–3500 m²); 80 % of the car parks points
-- with 40–200 spaces (times capacity_scale), 20 % polygons (30–60 m squares) whose capacity comes from
-- their area; communities: a 3 x 3 grid of squares over the city.
SELECT setseed(0.42) \g /dev/null
CREATE TABLE pbench.edges AS
SELECT row_number() OVER (ORDER BY dir, y, x)::bigint AS id, source::bigint, target::bigint,
       :spacing * (0.8 + 0.4 * random()) AS cost,
       CASE WHEN random() < 0.05 THEN -1 ELSE :spacing * (0.8 + 0.4 * random()) END AS reverse_cost,
       ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + x * :spacing, 3300000 + y * :spacing),
                              ST_MakePoint(400000 + x2 * :spacing, 3300000 + y2 * :spacing)), 32650) AS geom
  FROM (SELECT 0 AS dir, x, y, x + 1 AS x2, y AS y2, y * :grid_n + x + 1 AS source, y * :grid_n + x + 2 AS target
          FROM generate_series(0, :grid_n - 2) x, generate_series(0, :grid_n - 1) y
        UNION ALL
        SELECT 1, x, y, x, y + 1, y * :grid_n + x + 1, (y + 1) * :grid_n + x + 1
          FROM generate_series(0, :grid_n - 1) x, generate_series(0, :grid_n - 2) y) s;
CREATE TABLE pbench.vertices AS
SELECT (y * :grid_n + x + 1)::bigint AS id,
       ST_SetSRID(ST_MakePoint(400000 + x * :spacing, 3300000 + y * :spacing), 32650) AS geom
  FROM generate_series(0, :grid_n - 1) x, generate_series(0, :grid_n - 1) y;
CREATE INDEX ON pbench.vertices USING gist (geom);
\set extent ((:grid_n-1)*:spacing)
CREATE TABLE pbench.buildings AS
SELECT i::bigint AS id, ST_SetSRID(ST_MakePoint(400000 + random() * :extent, 3300000 + random() * :extent), 32650) AS geom,
       CASE WHEN r < 0.85 THEN 'residential' ELSE 'office' END AS use,
       CASE WHEN r < 0.85 THEN floor(5 + 51 * random()) END AS households,
       CASE WHEN r >= 0.85 THEN 500 + 3000 * random() END AS floor_area
  FROM (SELECT i, random() AS r FROM generate_series(1, :buildings) i) s;
CREATE TABLE pbench.lots AS
SELECT i::bigint AS id,
       CASE WHEN r < 0.8 THEN c ELSE ST_Expand(c, 15 + 15 * random()) END AS geom,
       CASE WHEN r < 0.8 THEN floor(40 + 161 * random()) * :capacity_scale END AS capacity
  FROM (SELECT i, random() AS r,
               ST_SetSRID(ST_MakePoint(400000 + random() * :extent, 3300000 + random() * :extent), 32650) AS c
          FROM generate_series(1, :lots) i) s;
CREATE TABLE pbench.communities AS
SELECT row_number() OVER (ORDER BY i, j) AS id,
       ST_MakeEnvelope(400000 + i * :extent / 3.0, 3300000 + j * :extent / 3.0,
                       400000 + (i + 1) * :extent / 3.0, 3300000 + (j + 1) * :extent / 3.0, 32650) AS geom
  FROM generate_series(0, 2) i, generate_series(0, 2) j;
ANALYZE pbench.edges, pbench.vertices, pbench.buildings, pbench.lots, pbench.communities;
SELECT count(*) AS edges FROM cp.network_build('pgrid', 'SELECT id, source, target, cost, reverse_cost, geom FROM pbench.edges') \g /dev/null

\set b '''SELECT id, geom, use, households, floor_area FROM pbench.buildings'''
\set p '''SELECT id, geom, capacity FROM pbench.lots'''
\set c '''SELECT id, geom FROM pbench.communities'''

-- ours, end to end: the first call loads the network into the backend; then runs warm calls
CREATE FUNCTION pg_temp.time_ours(runs int, b text, p text, c text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  n  bigint;
BEGIN
  FOR i IN 0..runs LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM cp.parking_gap('pgrid', b, p, c);
    INSERT INTO pbench.results VALUES (CASE WHEN i = 0 THEN 'ours, first call' ELSE 'ours' END, n,
                                       extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
END
$$;
SELECT pg_temp.time_ours(:runs, :b, :p, :c) \g /dev/null
-- where the time goes (DEBUG lines of cp._parking_eval, on stderr: reading with demand and points,
-- snapping, the allocation bands, per community)
SET client_min_messages = debug1;
SELECT count(*) FROM cp.parking_gap('pgrid', :b, :p, :c) \g /dev/null
SET client_min_messages = warning;
CREATE TABLE pbench.ours_alloc AS SELECT * FROM cp.parking_allocation('pgrid', :b, :p);
CREATE TABLE pbench.ours_b AS SELECT building_id, demand FROM cp.parking_gap_buildings('pgrid', :b, :p);
CREATE TABLE pbench.ours_l AS SELECT parking_id, capacity FROM cp.parking_lots('pgrid', :b, :p);

-- The pgRouting way, on the first peer_lots car parks (all of them when
-- peer_lots >= lots): buildings and car parks snapped to their nearest vertex
-- (KNN), one pgr_drivingDistance from all those car parks at once on the
-- reversed graph (buildings walk to the car park), pairs joined in SQL, then
-- the same greedy as a PL/pgSQL loop over the sorted pairs. Demand and
-- capacity are taken from ours, untimed.
CREATE TABLE pbench.peer_pairs (building_id bigint, parking_id bigint, distance_m float8);
CREATE FUNCTION pg_temp.time_peer(peer_lots int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  t1 timestamptz;
  need float8[];
  left_ float8[];
  r record;
  take float8;
  served bigint := 0;
  starts bigint[];
BEGIN
  t0 := clock_timestamp();
  CREATE TEMP TABLE peer_lot_v AS
  SELECT l.parking_id, l.capacity,
         (SELECT v.id FROM pbench.vertices v ORDER BY v.geom <-> ST_PointOnSurface(p.geom) LIMIT 1) AS vid
    FROM pbench.ours_l l JOIN pbench.lots p ON p.id = l.parking_id
   WHERE l.capacity > 0 AND l.parking_id <= peer_lots;
  CREATE TEMP TABLE peer_b_v AS
  SELECT b.building_id, b.demand,
         (SELECT v.id FROM pbench.vertices v ORDER BY v.geom <-> x.geom LIMIT 1) AS vid
    FROM pbench.ours_b b JOIN pbench.buildings x ON x.id = b.building_id WHERE b.demand > 0;
  CREATE INDEX ON peer_b_v (vid);
  ANALYZE peer_lot_v, peer_b_v;
  t1 := clock_timestamp();
  INSERT INTO pbench.results VALUES ('pgRouting way: snap to vertices (KNN)', (SELECT count(*) FROM peer_b_v), extract(epoch FROM t1 - t0) * 1000);
  SELECT array_agg(DISTINCT vid) INTO starts FROM peer_lot_v;
  INSERT INTO pbench.peer_pairs
  SELECT b.building_id, l.parking_id, min(d.agg_cost)
    FROM pgr_drivingDistance('SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM pbench.edges',
                             starts, 300, true, false) d
    JOIN peer_lot_v l ON l.vid = d.from_v
    JOIN peer_b_v b ON b.vid = d.node
   GROUP BY 1, 2;
  INSERT INTO pbench.results VALUES ('pgRouting way: pgr_drivingDistance + pairs', (SELECT count(*) FROM pbench.peer_pairs),
                                     extract(epoch FROM clock_timestamp() - t1) * 1000);
  t1 := clock_timestamp();
  SELECT array_agg(demand ORDER BY building_id) INTO need FROM peer_b_v;
  SELECT array_agg(capacity ORDER BY parking_id) INTO left_ FROM peer_lot_v;
  FOR r IN SELECT bi.n AS bidx, li.n AS pidx
             FROM pbench.peer_pairs q
             JOIN (SELECT building_id, row_number() OVER (ORDER BY building_id) AS n FROM peer_b_v) bi USING (building_id)
             JOIN (SELECT parking_id, row_number() OVER (ORDER BY parking_id) AS n FROM peer_lot_v) li USING (parking_id)
            ORDER BY q.distance_m, q.building_id, q.parking_id LOOP
    take := least(need[r.bidx], left_[r.pidx]);
    IF take > 0 THEN
      need[r.bidx] := need[r.bidx] - take;
      left_[r.pidx] := left_[r.pidx] - take;
      served := served + 1;
    END IF;
  END LOOP;
  INSERT INTO pbench.results VALUES ('pgRouting way: PL/pgSQL greedy', served, extract(epoch FROM clock_timestamp() - t1) * 1000);
  INSERT INTO pbench.results VALUES ('pgRouting way, measured', (SELECT count(*) FROM peer_lot_v),
                                     extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;
SELECT pg_temp.time_peer(:peer_lots) \g /dev/null

-- report
CREATE TEMP VIEW nums AS
SELECT (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM pbench.results WHERE what = 'ours') AS ours_ms,
       (SELECT ms FROM pbench.results WHERE what = 'ours, first call') AS first_ms,
       (SELECT ms FROM pbench.results WHERE what = 'pgRouting way, measured') AS peer_ms,
       (SELECT ms FROM pbench.results WHERE what = 'pgRouting way: snap to vertices (KNN)') AS peer_snap_ms,
       (SELECT count(*) FROM pbench.lots l JOIN pbench.ours_l o ON o.parking_id = l.id WHERE o.capacity > 0) AS lots_used,
       (SELECT n FROM pbench.results WHERE what = 'pgRouting way, measured') AS peer_lots;
SELECT what, n, round(ms::numeric) AS ms FROM pbench.results ORDER BY ctid;
SELECT format('city: %s edges, %s buildings (%s spaces of demand), %s car parks (%s spaces), %s communities',
              (SELECT count(*) FROM pbench.edges), (SELECT count(*) FROM pbench.buildings),
              (SELECT round(sum(demand)) FROM pbench.ours_b), (SELECT count(*) FROM pbench.lots),
              (SELECT round(sum(capacity)) FROM pbench.ours_l), (SELECT count(*) FROM pbench.communities)) AS line
UNION ALL
SELECT format('allocation: %s pairs share %s spaces; %s buildings fully served',
              (SELECT count(*) FROM pbench.ours_alloc), (SELECT round(sum(spaces)) FROM pbench.ours_alloc),
              (SELECT count(*) FROM pbench.ours_b b JOIN (SELECT building_id, sum(spaces) s FROM pbench.ours_alloc GROUP BY 1) a
                 USING (building_id) WHERE a.s >= b.demand - 1e-9))
UNION ALL
SELECT format('cp.parking_gap end to end: %s ms (median of %s warm runs; first call %s ms)',
              round(ours_ms::numeric), :runs, round(first_ms::numeric)) FROM nums
UNION ALL
SELECT format('buildings/second: %s', round(:buildings / (ours_ms / 1000))) FROM nums
UNION ALL
SELECT CASE WHEN peer_lots >= lots_used
            THEN format('pgRouting way (vertex snap + pgr_drivingDistance + PL/pgSQL greedy), all %s car parks: %s ms',
                        peer_lots, round(peer_ms::numeric))
            ELSE format('pgRouting way (vertex snap + pgr_drivingDistance + PL/pgSQL greedy): %s ms for %s of %s car parks, '
                        'extrapolated to all: %s ms (EXTRAPOLATED: snapping as measured, the rest x %s)',
                        round(peer_ms::numeric), peer_lots, lots_used,
                        round((peer_snap_ms + (peer_ms - peer_snap_ms) * lots_used / peer_lots)::numeric),
                        round(lots_used::numeric / peer_lots, 2)) END FROM nums
UNION ALL
SELECT format('ratio: pgRouting way / ours = %s%s',
              round(((CASE WHEN peer_lots >= lots_used THEN peer_ms
                           ELSE peer_snap_ms + (peer_ms - peer_snap_ms) * lots_used / peer_lots END) / ours_ms)::numeric, 1),
              CASE WHEN peer_lots >= lots_used THEN '' ELSE ' (extrapolated peer)' END) FROM nums;
