-- 1. Nearest facility for every building: cp.nearest vs the pgRouting pipeline,
--    same database, same session, same synthetic grid.
-- psql variables: grid_n, buildings, facilities, cutoff, runs_ours, runs_pgr
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;  -- JIT compilation would only add noise (to the pgRouting side: its queries are the big ones)

SELECT bench.fact('grid', 'edges', bench.make_grid('grid', :grid_n, :buildings, :facilities));
SELECT bench.fact('grid', 'nodes', :grid_n * :grid_n);
SELECT bench.fact('grid', 'buildings', :buildings);
SELECT bench.fact('grid', 'facilities', :facilities);
SELECT bench.fact('grid', 'cutoff_m', :cutoff);
SELECT bench.fact('grid', 'oneway_edges', (SELECT count(*) FROM grid_edges WHERE reverse_cost < 0));
VACUUM ANALYZE grid_edges, grid_vertices, grid_buildings, grid_facilities;

-- Compile the network (timed here; section 2 reports it).
SELECT bench.timeit('compile', 'grid', $$SELECT cp.network_build('grid',
         'SELECT id, source, target, cost, reverse_cost, geom FROM grid_edges')$$,
         n => (SELECT count(*) FROM grid_edges));

-- The pgRouting pipeline a planner writes today, step by step (each step is a
-- statement of its own, as in a planner's script). cp.nearest walks from the
-- building to the facility; pgr_drivingDistance searches from the facilities,
-- so it gets the edges reversed (cost <-> reverse_cost) to measure the same
-- direction. Ties (several facilities on one vertex) go to the lowest id.
CREATE FUNCTION bench.pgr_pipeline(cutoff float8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  run integer;
  step_ms float8[] := '{}';
BEGIN
  SELECT coalesce(max(r.run), 0) + 1 INTO run FROM bench.results r
   WHERE r.section = 'vs_pgrouting' AND r.label = 'pgr total';
  DROP TABLE IF EXISTS pgr_bsnap, pgr_fsnap, pgr_dd, pgr_result;

  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_bsnap AS
  SELECT b.id, (SELECT v.id FROM grid_vertices v ORDER BY v.geom <-> b.geom LIMIT 1) AS vid
    FROM grid_buildings b;
  step_ms := step_ms || extract(epoch FROM clock_timestamp() - t0) * 1000;

  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_fsnap AS
  SELECT f.id, (SELECT v.id FROM grid_vertices v ORDER BY v.geom <-> f.geom LIMIT 1) AS vid
    FROM grid_facilities f;
  step_ms := step_ms || extract(epoch FROM clock_timestamp() - t0) * 1000;

  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_dd AS
  SELECT d.from_v, d.node, d.agg_cost
    FROM pgr_drivingDistance(
           'SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM grid_edges',
           (SELECT array_agg(DISTINCT vid) FROM pgr_fsnap), cutoff,
           directed => true, equicost => true) d;
  step_ms := step_ms || extract(epoch FROM clock_timestamp() - t0) * 1000;

  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_result AS
  SELECT b.id AS building_id, f.facility_id, d.agg_cost AS distance
    FROM pgr_bsnap b
    LEFT JOIN pgr_dd d ON d.node = b.vid
    LEFT JOIN (SELECT vid, min(id) AS facility_id FROM pgr_fsnap GROUP BY vid) f ON f.vid = d.from_v;
  step_ms := step_ms || extract(epoch FROM clock_timestamp() - t0) * 1000;

  INSERT INTO bench.results (section, label, run, ms) VALUES
    ('vs_pgrouting', 'pgr snap buildings (KNN)', run, step_ms[1]),
    ('vs_pgrouting', 'pgr snap facilities (KNN)', run, step_ms[2]),
    ('vs_pgrouting', 'pgr search (pgr_drivingDistance)', run, step_ms[3]),
    ('vs_pgrouting', 'pgr join', run, step_ms[4]),
    ('vs_pgrouting', 'pgr total', run, step_ms[1] + step_ms[2] + step_ms[3] + step_ms[4]);
END
$$;

-- The timed part runs in a fresh connection (a new backend), as a planner's
-- session would, not in the backend that generated the data and built the network.
\c
SET client_min_messages = warning;
SET jit = off;

-- Ours: one call, result written to a temp table like the pipeline's.
-- The first call in this backend loads the compiled network (recorded as
-- 'ours first call'); the timed figures are warm.
\set ours_sql 'CREATE TEMP TABLE cp_result AS SELECT * FROM cp.nearest(''grid'', ''SELECT id, geom FROM grid_facilities'', ''SELECT id, geom FROM grid_buildings'', ' :cutoff ', 1)'
\set ours_count 'SELECT count(*) FROM cp.nearest(''grid'', ''SELECT id, geom FROM grid_facilities'', ''SELECT id, geom FROM grid_buildings'', ' :cutoff ', 1)'
-- The floor (bench.floor_nearest): the same target rows read and as many rows returned, in plain SQL.
\set floor_sql 'CREATE TEMP TABLE floor_result AS SELECT * FROM bench.floor_nearest(''SELECT id, geom FROM grid_buildings'')'
\set floor_count 'SELECT count(*) FROM bench.floor_nearest(''SELECT id, geom FROM grid_buildings'')'
SELECT bench.timeit('vs_pgrouting', 'ours first call (cache load)', :'ours_sql',
                    setup => 'DROP TABLE IF EXISTS cp_result');
-- pgRouting: one untimed run to warm buffers and load its library.
SELECT bench.pgr_pipeline(:cutoff);
DELETE FROM bench.results WHERE section = 'vs_pgrouting' AND label LIKE 'pgr %';
SELECT count(*) FROM bench.floor_nearest('SELECT id, geom FROM grid_buildings');  -- the floor, untimed once
-- Timed rounds, interleaved so that any load from elsewhere on the machine
-- hits both sides alike: one pgRouting pipeline, then `runs_ours` calls of
-- ours written to a table and `runs_ours` calls with count(*) only, each
-- followed by the floor measured the same way.
SELECT format('SELECT bench.pgr_pipeline(%s)', :cutoff),
       format('SELECT bench.timeit(%L, %L, %L, %s, setup => %L)', 'vs_pgrouting',
              'ours total (cp.nearest, k = 1)', :'ours_sql', :runs_ours, 'DROP TABLE IF EXISTS cp_result'),
       format('SELECT bench.timeit(%L, %L, %L, %s, setup => %L)', 'vs_pgrouting',
              'floor: plain SQL, same rows in and out', :'floor_sql', :runs_ours, 'DROP TABLE IF EXISTS floor_result'),
       format('SELECT bench.timeit(%L, %L, %L, %s)', 'vs_pgrouting', 'ours, count(*) only', :'ours_count', :runs_ours),
       format('SELECT bench.timeit(%L, %L, %L, %s)', 'vs_pgrouting', 'floor, count(*) only', :'floor_count', :runs_ours)
  FROM generate_series(1, :runs_pgr) \gexec

-- Agreement between the two answers (they differ by design: pgRouting snaps
-- buildings and facilities to the nearest grid node, cp.nearest onto the edge).
CREATE TEMP TABLE cmp AS
SELECT p.building_id, p.facility_id AS pgr_fac, p.distance AS pgr_d, c.origin_id AS our_fac, c.distance_m AS our_d
  FROM pgr_result p JOIN cp_result c ON c.target_id = p.building_id AND (c.rank = 1 OR c.rank IS NULL);
SELECT bench.fact('agreement', 'buildings', (SELECT count(*) FROM cmp));
SELECT bench.fact('agreement', 'result_rows_ours', (SELECT count(*) FROM cp_result));
SELECT bench.fact('agreement', 'covered_ours', (SELECT count(*) FROM cmp WHERE our_fac IS NOT NULL));
SELECT bench.fact('agreement', 'covered_pgr', (SELECT count(*) FROM cmp WHERE pgr_fac IS NOT NULL));
SELECT bench.fact('agreement', 'covered_both', (SELECT count(*) FROM cmp WHERE pgr_fac IS NOT NULL AND our_fac IS NOT NULL));
SELECT bench.fact('agreement', 'same_facility', (SELECT count(*) FROM cmp WHERE pgr_fac = our_fac));
SELECT bench.fact('agreement', 'same_facility_pct',
  (SELECT round(100.0 * count(*) FILTER (WHERE pgr_fac = our_fac) / nullif(count(*), 0), 2)
     FROM cmp WHERE pgr_fac IS NOT NULL AND our_fac IS NOT NULL));
SELECT bench.fact('agreement', 'same_coverage_pct',
  (SELECT round(100.0 * count(*) FILTER (WHERE (pgr_fac IS NULL) = (our_fac IS NULL)) / count(*), 2) FROM cmp));
SELECT bench.fact('agreement', 'median_abs_diff_m',
  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(our_d - pgr_d))::numeric, 1)
     FROM cmp WHERE pgr_fac IS NOT NULL AND our_fac IS NOT NULL));
SELECT bench.fact('agreement', 'p90_abs_diff_m',
  (SELECT round(percentile_cont(0.9) WITHIN GROUP (ORDER BY abs(our_d - pgr_d))::numeric, 1)
     FROM cmp WHERE pgr_fac IS NOT NULL AND our_fac IS NOT NULL));
SELECT bench.fact('agreement', 'median_signed_diff_m',
  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY our_d - pgr_d)::numeric, 1)
     FROM cmp WHERE pgr_fac IS NOT NULL AND our_fac IS NOT NULL));
-- Sanity check of the comparison itself: snap both sides to pgRouting's nodes
-- first and give cp.nearest those node points. Then the answers must be equal
-- (distance within 1e-6 relative; ties between facilities on one node aside).
CREATE TEMP TABLE cp_nodes AS
SELECT * FROM cp.nearest('grid',
  'SELECT f.id, v.geom FROM pgr_fsnap f JOIN grid_vertices v ON v.id = f.vid',
  'SELECT b.id, v.geom FROM pgr_bsnap b JOIN grid_vertices v ON v.id = b.vid', :cutoff, 1);
SELECT bench.fact('agreement', 'node_snapped_equal_coverage',
  (SELECT count(*) FILTER (WHERE (p.facility_id IS NULL) = (c.origin_id IS NULL)) || ' of ' || count(*)
     FROM pgr_result p JOIN cp_nodes c ON c.target_id = p.building_id AND (c.rank = 1 OR c.rank IS NULL)));
SELECT bench.fact('agreement', 'node_snapped_equal_distance',
  (SELECT count(*) FILTER (WHERE abs(p.distance - c.distance_m) <= 1e-6 * greatest(p.distance, 1)) || ' of ' || count(*)
     FROM pgr_result p JOIN cp_nodes c ON c.target_id = p.building_id AND c.rank = 1
    WHERE p.facility_id IS NOT NULL AND c.origin_id IS NOT NULL));
SELECT bench.fact('agreement', 'node_snapped_max_abs_diff_m',
  (SELECT max(abs(p.distance - c.distance_m))
     FROM pgr_result p JOIN cp_nodes c ON c.target_id = p.building_id AND c.rank = 1
    WHERE p.facility_id IS NOT NULL AND c.origin_id IS NOT NULL));

-- Where the two disagree on node-snapped points, ask a third opinion:
-- pgr_dijkstraCost from the building's node to every facility node (no cutoff,
-- no equicost), for up to 20 such buildings.
CREATE TEMP TABLE node_mismatch AS
SELECT p.building_id, b.vid, p.distance AS pgr_dd, c.distance_m AS ours
  FROM pgr_result p JOIN cp_nodes c ON c.target_id = p.building_id AND (c.rank = 1 OR c.rank IS NULL)
  JOIN pgr_bsnap b ON b.id = p.building_id
 WHERE (p.distance IS NULL) <> (c.distance_m IS NULL)
    OR abs(p.distance - c.distance_m) > 1e-6 * greatest(p.distance, 1)
 ORDER BY p.building_id LIMIT 20;
CREATE TEMP TABLE node_truth AS
SELECT m.building_id,
       CASE WHEN m.vid IN (SELECT vid FROM pgr_fsnap) THEN 0 ELSE
         (SELECT min(agg_cost) FROM pgr_dijkstraCost(
            'SELECT id, source, target, cost, reverse_cost FROM grid_edges', m.vid,
            (SELECT array_agg(DISTINCT vid) FROM pgr_fsnap), directed => true)) END AS truth
  FROM node_mismatch m;
UPDATE node_truth SET truth = NULL WHERE truth > :cutoff;
SELECT bench.fact('agreement', 'node_mismatch_checked', (SELECT count(*) FROM node_mismatch));
SELECT bench.fact('agreement', 'node_mismatch_ours_right',
  (SELECT count(*) FROM node_mismatch m JOIN node_truth t USING (building_id)
    WHERE coalesce(abs(m.ours - t.truth) <= 1e-6 * greatest(t.truth, 1), m.ours IS NULL AND t.truth IS NULL)));
SELECT bench.fact('agreement', 'node_mismatch_pgr_right',
  (SELECT count(*) FROM node_mismatch m JOIN node_truth t USING (building_id)
    WHERE coalesce(abs(m.pgr_dd - t.truth) <= 1e-6 * greatest(t.truth, 1), m.pgr_dd IS NULL AND t.truth IS NULL)));
SELECT bench.fact('agreement', 'node_mismatch_examples',
  (SELECT string_agg(format('building %s (node %s): drivingDistance %s, cp.nearest %s, dijkstraCost %s',
                            m.building_id, m.vid, round(m.pgr_dd::numeric, 3), round(m.ours::numeric, 3),
                            round(t.truth::numeric, 3)), '; ' ORDER BY m.building_id)
     FROM (SELECT * FROM node_mismatch ORDER BY building_id LIMIT 3) m JOIN node_truth t USING (building_id)));
