-- 5. Where cp.nearest spends its time (grid of section 1, warm, count(*) so
--    nothing is written), and walk_distance for a short and a long walk.
-- psql variables: cutoff, runs_ours
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;
\set fac '''SELECT id, geom FROM grid_facilities'''
\set bld '''SELECT id, geom FROM grid_buildings'''
-- warm the cache of this backend
SELECT count(*) FROM cp.nearest('grid', :fac, 'SELECT id, geom FROM grid_buildings WHERE id = 1', 10);

SELECT bench.timeit('breakdown', 'a. full call: cp.nearest(all facilities, all buildings, cutoff)',
  format('SELECT count(*) FROM cp.nearest(%L, %s, %s, %s, 1)', 'grid', :'fac', :'bld', :cutoff), :runs_ours);
SELECT bench.timeit('breakdown', 'b. same through the internal C function (no SQL wrapper)',
  format('SELECT count(*) FROM cp._nearest(%L, %s, %s, %s, 1, 83.33, false, 250)', 'grid', :'fac', :'bld', :cutoff), :runs_ours);
SELECT bench.timeit('breakdown', 'c. all buildings, cutoff 0 (read + snap + rows, no search)',
  format('SELECT count(*) FROM cp.nearest(%L, %s, %s, 0, 1)', 'grid', :'fac', :'bld'), :runs_ours);
SELECT bench.timeit('breakdown', 'd. one building (read facilities + full bounded search)',
  format('SELECT count(*) FROM cp.nearest(%L, %s, %L, %s, 1)', 'grid', :'fac', 'SELECT id, geom FROM grid_buildings WHERE id = 1', :cutoff), :runs_ours);
SELECT bench.timeit('breakdown', 'e. plain SQL: read the buildings query (id, EWKB)',
  'SELECT count(id), sum(length(ST_AsEWKB(geom))) FROM grid_buildings', :runs_ours);
SELECT bench.timeit('breakdown', 'f. plain SQL: 90 000-row set through a SQL function wrapper',
  $$SELECT count(*) FROM (SELECT * FROM bench.rows_via_sql_fn((SELECT count(*) FROM grid_buildings))) s$$, :runs_ours);
SELECT bench.timeit('breakdown', 'l. the floor: plain SQL reading the same rows, returning as many (bench.floor_nearest)',
  format('SELECT count(*) FROM bench.floor_nearest(%s)', :'bld'), :runs_ours);
SELECT bench.timeit('breakdown', 'm. the floor without its SQL wrapper (bench.floor_inner)',
  format('SELECT count(*) FROM bench.floor_inner(%s)', :'bld'), :runs_ours);

\set near_a 'ST_SetSRID(ST_MakePoint(400000 + 5050, 3300000 + 5020), 32650)'
\set near_b 'ST_SetSRID(ST_MakePoint(400000 + 5150, 3300000 + 5020), 32650)'
\set far_b 'ST_SetSRID(ST_MakePoint(400000 + 25050, 3300000 + 25020), 32650)'
SELECT bench.timeit('breakdown', 'g. walk_distance, 100 m walk',
  format('SELECT cp.walk_distance(%L, %s, %s)', 'grid', :'near_a', :'near_b'), :runs_ours);
SELECT bench.timeit('breakdown', 'h. walk_distance, 28 km walk',
  format('SELECT cp.walk_distance(%L, %s, %s)', 'grid', :'near_a', :'far_b'), :runs_ours);
SELECT bench.timeit('breakdown', 'i. cp.snap of one point',
  format('SELECT * FROM cp.snap(%L, %s)', 'grid', :'near_a'), :runs_ours);

-- The same call after one pgr_drivingDistance has run in this backend (untimed).
-- pgRouting's large C++ allocations change the backend's malloc state; cp.nearest
-- then pays far fewer page faults for its per-row allocations (see docs/benchmarks.md).
SELECT count(*) FROM pgr_drivingDistance('SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM grid_edges',
                                         ARRAY[1, 45150, 89999]::bigint[], 1000, directed => true, equicost => true);
SELECT bench.timeit('breakdown', 'j. = a., after one pgr_drivingDistance call in this backend',
  format('SELECT count(*) FROM cp.nearest(%L, %s, %s, %s, 1)', 'grid', :'fac', :'bld', :cutoff), :runs_ours);
SELECT bench.timeit('breakdown', 'k. = c., after one pgr_drivingDistance call in this backend',
  format('SELECT count(*) FROM cp.nearest(%L, %s, %s, 0, 1)', 'grid', :'fac', :'bld'), :runs_ours);
