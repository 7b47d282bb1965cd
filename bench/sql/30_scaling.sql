-- 3. Scaling on synthetic grids (same generator as section 1), one size per run of this file.
-- psql variables: label, grid_n, buildings, facilities, cutoff, runs_ours
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;

SELECT bench.fact('scaling', :'label' || ' edges', bench.make_grid('scale', :grid_n, :buildings, :facilities));
SELECT bench.fact('scaling', :'label' || ' buildings', :buildings);
SELECT bench.fact('scaling', :'label' || ' facilities', :facilities);
VACUUM ANALYZE scale_edges, scale_buildings, scale_facilities;

SELECT bench.timeit('scaling', :'label' || ' build',
  $$SELECT cp.network_build('scale', 'SELECT id, source, target, cost, reverse_cost, geom FROM scale_edges')$$);
SELECT bench.fact('scaling', :'label' || ' bytes_per_edge', (SELECT bytes_per_edge FROM cp.networks WHERE name = 'scale'));
SELECT bench.fact('scaling', :'label' || ' graph_bytes_per_edge', (SELECT graph_bytes_per_edge FROM cp.networks WHERE name = 'scale'));

-- timed in a fresh backend
\c
SET client_min_messages = warning;
SET jit = off;
\set q 'CREATE TEMP TABLE scale_result AS SELECT * FROM cp.nearest(''scale'', ''SELECT id, geom FROM scale_facilities'', ''SELECT id, geom FROM scale_buildings'', ' :cutoff ', 1)'
SELECT bench.timeit('scaling', :'label' || ' nearest first call', :'q', setup => 'DROP TABLE IF EXISTS scale_result');
\set fq 'CREATE TEMP TABLE scale_floor AS SELECT * FROM bench.floor_nearest(''SELECT id, geom FROM scale_buildings'')'
SELECT count(*) FROM bench.floor_nearest('SELECT id, geom FROM scale_buildings');  -- untimed once
-- ours and the floor interleaved, so that load from elsewhere hits both alike
SELECT format('SELECT bench.timeit(%L, %L, %L, 1, setup => %L)', 'scaling', :'label' || ' nearest', :'q', 'DROP TABLE IF EXISTS scale_result'),
       format('SELECT bench.timeit(%L, %L, %L, 1, setup => %L)', 'scaling', :'label' || ' floor', :'fq', 'DROP TABLE IF EXISTS scale_floor')
  FROM generate_series(1, :runs_ours) \gexec
SELECT bench.fact('scaling', :'label' || ' covered_pct',
  (SELECT round(100.0 * count(origin_id) / count(*), 1) FROM scale_result));

SELECT cp.network_drop('scale');
DROP TABLE scale_result, scale_floor, scale_edges, scale_vertices, scale_buildings, scale_facilities;
