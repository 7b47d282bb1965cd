-- Network engine contracts: signatures, volatility, SQLSTATEs, NULL sweep,
-- configuration dump, cache invalidation, memory cap.
BEGIN;
SELECT plan(50);

SELECT has_function('cp', 'network_build', ARRAY['text', 'text', 'double precision']);
SELECT has_function('cp', 'network_drop', ARRAY['text']);
SELECT has_function('cp', 'network_rebuild', ARRAY['text']);
SELECT has_function('cp', 'network_edges', ARRAY['text']);
SELECT has_function('cp', 'snap', ARRAY['text', 'geometry', 'double precision']);
SELECT has_function('cp', 'nearest', ARRAY['text', 'text', 'text', 'double precision', 'integer', 'text', 'text', 'double precision']);
SELECT has_function('cp', 'walk_distance', ARRAY['text', 'geometry', 'geometry', 'text', 'double precision']);
SELECT has_function('cp', 'walk_minutes', ARRAY['text', 'geometry', 'geometry', 'text', 'double precision']);
SELECT has_view('cp', 'networks', 'cp.networks lists built networks');
SELECT has_table('cp', 'walk_profiles', 'walking profiles are a table');
SELECT columns_are('cp', 'networks', ARRAY['name', 'srid', 'source_srid', 'nodes', 'edges', 'input_edges',
  'components', 'largest_component_share', 'total_length_m', 'compiled_bytes', 'bytes_per_edge',
  'graph_bytes_per_edge', 'has_z',
  'tolerance_m', 'edges_sql', 'built_at', 'owner']);
SELECT is_strict('cp', 'walk_distance', ARRAY['text', 'geometry', 'geometry', 'text', 'double precision']);
SELECT volatility_is('cp', 'walk_distance', ARRAY['text', 'geometry', 'geometry', 'text', 'double precision'], 'stable');
SELECT is((SELECT proparallel FROM pg_proc WHERE oid = 'cp.walk_distance(text, geometry, geometry, text, float8)'::regprocedure),
          's'::"char", 'walk_distance is PARALLEL SAFE');
SELECT volatility_is('cp', 'network_build', ARRAY['text', 'text', 'double precision'], 'volatile');

-- configuration dump: networks and profiles survive pg_dump
SELECT ok((SELECT 'cp.network_catalog'::regclass = ANY (extconfig) AND 'cp.walk_profiles'::regclass = ANY (extconfig)
             FROM pg_extension WHERE extname = 'community_planning'),
          'network catalog and walking profiles are configuration tables');
SELECT cmp_ok((SELECT max(graph_bytes_per_edge) FROM cp.networks WHERE name IN ('monaco', 'krems', 'andorra')), '<=', 64::numeric,
              'the compiled graph (without edge geometry) takes at most 64 bytes per edge on the OSM networks');
SELECT ok((SELECT speed_kmh FROM cp.walk_profiles WHERE name = 'elderly') < (SELECT speed_kmh FROM cp.walk_profiles WHERE name = 'walk'),
          'the elderly profile walks slower');

-- a small network for the contracts
CREATE TEMP TABLE line AS SELECT 1::bigint AS id, ST_GeomFromText('LINESTRING(0 0, 1000 0)', 32650) AS geom;
SELECT lives_ok($$SELECT cp.network_build('t_line', 'SELECT id, geom FROM line')$$, 'builds a one-edge network');

-- SQLSTATEs of every bad input
SELECT throws_ok($$SELECT cp.walk_distance('t_none', 'SRID=32650;POINT(0 0)', 'SRID=32650;POINT(1 0)')$$, '42704', NULL, 'unknown network: 42704');
SELECT throws_ok($$SELECT cp.network_rebuild('t_none')$$, '42704', 'network "t_none" does not exist', 'rebuild of an unknown network: 42704');
SELECT is((SELECT count(*) FROM cp.network_rebuild(NULL)), 0::bigint, 'network_rebuild: NULL name');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id FROM line')$$, '42703', 'edges query has no column "geom"', 'missing column: 42703, named');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id::text AS id, geom FROM line')$$, '42804', NULL, 'mistyped column: 42804');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT 1 AS id, geom FROM line UNION ALL SELECT 1, geom FROM line')$$, '23505', 'duplicate edge id 1', 'duplicate edge id: 23505');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT 1 AS id, ST_Buffer(geom, 1) AS geom FROM line')$$, '22023', 'edge 1 is a Polygon, not a LineString or MultiLineString', 'non-line geometry: 22023');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT 1 AS id, geom FROM line UNION ALL SELECT 2, ST_SetSRID(geom, 32651) FROM line')$$, '22023', 'edges have mixed SRIDs 32650 and 32651', 'mixed SRIDs: 22023');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id, geom, ''NaN''::float8 AS cost FROM line')$$, '22023', 'edge 1 has a cost that is not a finite number', 'NaN cost: 22023');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id, geom, 1 AS cost, ''-Infinity''::float8 AS reverse_cost FROM line')$$, '22023', NULL, 'infinite reverse_cost: 22023');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id, geom FROM line WHERE false')$$, 'P0002', 'edges query returned no usable edges', 'empty edge set: P0002');
SELECT throws_ok($$SELECT cp.network_build('t_bad', 'SELECT id, ST_SetSRID(geom, 2227) AS geom FROM line')$$, '22023', 'SRID 2227 is projected in US survey foot, not metres', 'projected input not in metres: 22023');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT 1 AS id, geom FROM line', 100, profile => 'runner')$$, '22023', 'unknown walking profile "runner"', 'unknown profile: 22023');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT 1 AS id, geom FROM line', 100, 0)$$, '22023', 'k must be between 1 and 1000', 'k < 1: 22023');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT 1 AS id, geom FROM line', -1)$$, '22023', 'max_cost must be a non-negative number', 'negative max_cost: 22023');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT 1 AS id, geom FROM line', 'NaN')$$, '22023', 'max_cost must be a non-negative number', 'NaN max_cost: 22023');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id', 'SELECT 1 AS id, geom FROM line', 100)$$, '42703', 'origins query has no column "geom"', 'origins without geom: 42703');
SELECT throws_ok($$SELECT * FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT ''a'' AS id, geom FROM line', 100)$$, '42804', NULL, 'text target id: 42804');

-- NULL geometries are skipped with a NOTICE, never a crash
SELECT is((SELECT count(*) FROM cp.nearest('t_line', 'SELECT 1 AS id, NULL::geometry AS geom', 'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(10, 0), 32650) AS geom', 100)),
          1::bigint, 'an origin with NULL geometry leaves the target one NULL row');

SELECT is((SELECT count(*) FROM cp.nearest('t_line', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(10, 0), 32650) AS geom',
                                           'SELECT 5 AS id, NULL::geometry AS geom', 100) WHERE origin_id IS NULL),
          1::bigint, 'a target with NULL geometry still gets its one row, with NULL origin, so it is counted as uncovered');

-- NULL sweep: each argument NULL in turn gives NULL or no rows
SELECT is(cp.walk_distance(NULL, 'SRID=32650;POINT(0 0)', 'SRID=32650;POINT(1 0)'), NULL, 'walk_distance: NULL network');
SELECT is(cp.walk_distance('t_line', NULL, 'SRID=32650;POINT(1 0)'), NULL, 'walk_distance: NULL a');
SELECT is(cp.walk_minutes('t_line', 'SRID=32650;POINT(0 0)', NULL), NULL, 'walk_minutes: NULL b');
SELECT is((SELECT count(*) FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', NULL, 100)), 0::bigint, 'nearest: NULL targets');
SELECT is((SELECT count(*) FROM cp.nearest('t_line', 'SELECT 1 AS id, geom FROM line', 'SELECT 1 AS id, geom FROM line', NULL)), 0::bigint, 'nearest: NULL max_cost');
SELECT is((SELECT count(*) FROM cp.snap('t_line', NULL)), 0::bigint, 'snap: NULL geometry');
SELECT is((SELECT count(*) FROM cp.network_edges(NULL)), 0::bigint, 'network_edges: NULL name');

-- the backend cache follows rebuilds in the same session
SELECT is(cp.walk_distance('t_line', 'SRID=32650;POINT(0 0)', 'SRID=32650;POINT(1000 0)'), 1000::float8, 'before rebuild: 1000 m');
UPDATE line SET geom = ST_GeomFromText('LINESTRING(0 0, 500 0, 500 500, 1000 0)', 32650);
SELECT is((SELECT edges FROM cp.network_rebuild('t_line')), 1::bigint, 'rebuilt from the stored definition');
SELECT is(round(cp.walk_distance('t_line', 'SRID=32650;POINT(0 0)', 'SRID=32650;POINT(1000 0)')::numeric, 3),
          1707.107::numeric, 'after the rebuild the cached network is replaced: the new length');

-- the memory cap is enforced with its own SQLSTATE
SET LOCAL community_planning.max_network_memory = 1;
SELECT throws_ok($$SELECT cp.network_build('t_big', 'SELECT i AS id, ST_SetSRID(ST_MakeLine(ST_MakePoint(i, 0), ST_MakePoint(i, 1000)), 32650) AS geom FROM generate_series(1, 30000) i')$$,
                 '54000', NULL, 'a network above community_planning.max_network_memory: 54000');

SELECT * FROM finish();
ROLLBACK;
