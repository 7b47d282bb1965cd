-- 4. Cold vs warm: run once per fresh connection (psql -f starts a new backend).
-- The first call in a backend reads the compiled network from cp.network_catalog
-- and unpacks it; later calls use the per-backend cache.
-- psql variables: session, cutoff
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;
-- Load the shared library first, so the cold figure is the network load, not dlopen.
SELECT bench.timeit('cold_warm', 'LOAD library', $$LOAD 'community_planning'$$);
\set a 'ST_SetSRID(ST_MakePoint(400000 + 5050, 3300000 + 5020), 32650)'
\set b 'ST_SetSRID(ST_MakePoint(400000 + 5730, 3300000 + 5410), 32650)'
SELECT bench.timeit('cold_warm', 'walk_distance call 1 (cold)', format('SELECT cp.walk_distance(%L, %s, %s)', 'grid', :'a', :'b'));
SELECT bench.timeit('cold_warm', 'walk_distance calls 2-6 (warm)', format('SELECT cp.walk_distance(%L, %s, %s)', 'grid', :'a', :'b'), 5);
\c
SET jit = off;
SELECT bench.timeit('cold_warm', 'LOAD library', $$LOAD 'community_planning'$$);
\set q 'SELECT count(*) FROM cp.nearest(''grid'', ''SELECT id, geom FROM grid_facilities'', ''SELECT id, geom FROM grid_buildings'', ' :cutoff ', 1)'
SELECT bench.timeit('cold_warm', 'nearest call 1 (cold)', :'q');
SELECT bench.timeit('cold_warm', 'nearest calls 2-4 (warm)', :'q', 3);
