-- Two-step floating catchment (cp.supply_gap, cp.supply_access, cp.space_per_resident):
-- contracts; step decay equal to the numbers of the PL/pgSQL implementation (0.1.0) on
-- Krems; more than 1000 facilities (the old limit) against an oracle built from cp.nearest;
-- each caller query run exactly once per call; bad input; a read-only transaction.
BEGIN;
SELECT plan(42);
SET LOCAL client_min_messages = warning;

-- contracts
SELECT has_function('cp', 'supply_gap', ARRAY['text', 'text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'text', 'double precision', 'text', 'text']);
SELECT has_function('cp', 'supply_access', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'double precision', 'text', 'text']);
SELECT has_function('cp', 'space_per_resident', ARRAY['text', 'text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'text', 'double precision', 'text', 'text']);
SELECT hasnt_function('cp', '_supply_persons', 'the PL/pgSQL 2SFCA is gone');
SELECT hasnt_function('cp', '_space_inside', 'the PL/pgSQL floor area inside is gone');
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.pronamespace = 'cp'::regnamespace AND p.proname IN ('supply_gap', 'supply_access', 'space_per_resident', '_supply_radius')
              AND p.provolatile IN ('v', 's') AND p.proisstrict = (p.proname = '_supply_radius')
              AND obj_description(p.oid, 'pg_proc') IS NOT NULL
              AND array_to_string(p.proconfig, ',') LIKE 'search_path=%'), 4::bigint,
          'supply functions: commented, fixed search_path, STRICT only where NULL in is NULL out');
SELECT is((SELECT provolatile::text || proisstrict::text FROM pg_proc WHERE oid = 'cp._supply_eval(text, text, text, text, text[], text[], float8, text, text, text, float8, float8, boolean, text, text, float8, float8, float8, boolean)'::regprocedure
              AND obj_description(oid, 'pg_proc') IS NOT NULL), 'vfalse', 'cp._supply_eval: VOLATILE, not STRICT, commented');

-- Krems: the step decay gives the numbers the PL/pgSQL implementation gave (recorded from
-- 0.1.0 with these very queries: capacity 100 + 7 id, a 500 m grid of communities).
CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
-- residents as the points 0.1.0 took on the footprints (in lon/lat): since 0.3.0 a footprint's point
-- is taken in the network's CRS, which moves a few of them (test/pgtap/66_cgcs2000.sql); with the same
-- points the numbers are 0.1.0's
CREATE TEMP TABLE kres AS
SELECT row_number() OVER (ORDER BY b.area_id) AS id, ST_PointOnSurface(b.geom) AS geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM krems.buildings b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM nonres);
CREATE TEMP TABLE kfac AS
SELECT row_number() OVER (ORDER BY p.osm_type, p.osm_id) AS id, cp.osm_category(p.tags) AS category, p.geom
  FROM krems.pois p WHERE cp.osm_category(p.tags) IS NOT NULL;
CREATE TEMP TABLE kcells AS
SELECT (row_number() OVER (ORDER BY g.i, g.j))::int AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_Envelope(ST_Collect(r.geom)), n.srid) FROM kres r, cp.networks n
                            WHERE n.name = 'krems' GROUP BY n.srid)) g;
CREATE TEMP TABLE old_gap (code text, rows text);
INSERT INTO old_gap VALUES
  ('health_station', '(2,92.098093,0.000000),(3,698.767445,194.048078),(4,940.087749,135.393785),(5,13.339280,0.000000),(8,1169.949423,281.854931),(9,2228.412900,475.153545),(10,214.800428,94.483577),(11,2.513166,0.000000),(12,38.316412,0.000000),(13,1105.920543,127.594883),(14,1032.198151,26.471201),(15,45.703988,0.000000),(17,11.487278,0.000000),(18,525.578076,0.000000),(19,1016.684112,0.000000),(20,46.678172,0.000000),(23,155.705867,0.000000),(24,745.685283,0.000000),(25,116.530237,0.000000),(28,386.831633,0.000000),(29,694.968006,0.000000),(30,190.085166,0.000000),(32,46.856809,0.000000),(33,1814.673949,0.000000),(34,1177.592857,0.000000),(35,312.685511,0.000000),(37,257.079853,0.000000),(38,951.272202,0.000000),(39,2723.499499,0.000000),(40,30.486507,0.000000),(42,123.120365,0.000000),(43,1239.630810,0.000000),(44,389.525323,0.000000),(46,5.868101,0.000000),(47,281.511003,0.000000),(48,885.886189,0.000000),(49,34.365930,0.000000),(50,16.793793,0.000000),(52,157.338480,0.000000),(53,487.364615,0.000000),(54,61.921736,0.000000),(55,5.738764,0.000000),(58,30.253585,0.000000)'),
  ('park', '(2,92.098093,0.000000),(3,698.767445,11.256327),(4,940.087749,2.868684),(5,13.339280,0.000000),(8,1169.949423,134.611710),(9,2228.412900,328.574027),(10,214.800428,0.000000),(11,2.513166,0.000000),(12,38.316412,0.000000),(13,1105.920543,176.562548),(14,1032.198151,121.318032),(15,45.703988,0.000000),(17,11.487278,0.000000),(18,525.578076,487.690722),(19,1016.684112,179.899097),(20,46.678172,0.000000),(23,155.705867,0.000000),(24,745.685283,96.840975),(25,116.530237,0.000000),(28,386.831633,0.000000),(29,694.968006,417.084708),(30,190.085166,81.092330),(32,46.856809,0.000000),(33,1814.673949,0.000000),(34,1177.592857,331.533699),(35,312.685511,257.995595),(37,257.079853,0.000000),(38,951.272202,0.000000),(39,2723.499499,72.855727),(40,30.486507,15.815820),(42,123.120365,0.000000),(43,1239.630810,0.000000),(44,389.525323,0.000000),(46,5.868101,0.000000),(47,281.511003,0.000000),(48,885.886189,0.000000),(49,34.365930,0.000000),(50,16.793793,0.000000),(52,157.338480,0.000000),(53,487.364615,0.000000),(54,61.921736,0.000000),(55,5.738764,0.000000),(58,30.253585,0.000000)'),
  ('primary_school', '(2,92.098093,0.000000),(3,698.767445,800.816429),(4,940.087749,655.421161),(5,13.339280,5.753725),(8,1169.949423,627.875195),(9,2228.412900,1365.081632),(10,214.800428,79.877355),(11,2.513166,0.000000),(12,38.316412,0.000000),(13,1105.920543,8.928264),(14,1032.198151,19.847720),(15,45.703988,0.000000),(17,11.487278,0.000000),(18,525.578076,66.394019),(19,1016.684112,154.680714),(20,46.678172,0.000000),(23,155.705867,0.000000),(24,745.685283,55.323787),(25,116.530237,0.000000),(28,386.831633,0.000000),(29,694.968006,0.000000),(30,190.085166,0.000000),(32,46.856809,0.000000),(33,1814.673949,0.000000),(34,1177.592857,0.000000),(35,312.685511,0.000000),(37,257.079853,0.000000),(38,951.272202,0.000000),(39,2723.499499,0.000000),(40,30.486507,0.000000),(42,123.120365,0.000000),(43,1239.630810,0.000000),(44,389.525323,0.000000),(46,5.868101,0.000000),(47,281.511003,0.000000),(48,885.886189,0.000000),(49,34.365930,0.000000),(50,16.793793,0.000000),(52,157.338480,0.000000),(53,487.364615,0.000000),(54,61.921736,0.000000),(55,5.738764,0.000000),(58,30.253585,0.000000)'),
  ('sports', '(2,92.098093,704.000000),(3,698.767445,318.792061),(4,940.087749,0.000000),(5,13.339280,0.000000),(8,1169.949423,138.207939),(9,2228.412900,118.467955),(10,214.800428,32.047290),(11,2.513166,0.000000),(12,38.316412,0.000000),(13,1105.920543,0.000000),(14,1032.198151,223.303063),(15,45.703988,21.121598),(17,11.487278,0.000000),(18,525.578076,1443.271666),(19,1016.684112,573.935183),(20,46.678172,1.816858),(23,155.705867,0.000000),(24,745.685283,162.036387),(25,116.530237,0.000000),(28,386.831633,0.000000),(29,694.968006,0.000000),(30,190.085166,0.000000),(32,46.856809,0.000000),(33,1814.673949,0.000000),(34,1177.592857,0.000000),(35,312.685511,0.000000),(37,257.079853,0.000000),(38,951.272202,0.000000),(39,2723.499499,0.000000),(40,30.486507,0.000000),(42,123.120365,89.105545),(43,1239.630810,199.923368),(44,389.525323,0.000000),(46,5.868101,0.000000),(47,281.511003,299.221712),(48,885.886189,21.187175),(49,34.365930,0.000000),(50,16.793793,0.000000),(52,157.338480,143.562200),(53,487.364615,0.000000),(54,61.921736,0.000000),(55,5.738764,0.000000),(58,30.253585,0.000000)');
CREATE TEMP TABLE new_gap AS
SELECT c.code, string_agg(format('(%s,%s,%s)', s.community_id, round(s.population::numeric, 6), round(s.supply::numeric, 6)), ',' ORDER BY s.community_id)
         FILTER (WHERE s.population > 0 OR s.supply > 0) AS rows
  FROM unnest(ARRAY['primary_school', 'sports', 'park', 'health_station']) c (code),
  -- primary schools serve ages 6-12: a cohort column equal to the population gives 0.1.0's everyone
  LATERAL cp.supply_gap('krems', 'SELECT id, geom, population, population AS age_6_12 FROM kres',
                        'SELECT id, category, geom, 100 + 7 * id AS capacity FROM kfac', c.code, 'SELECT id, geom FROM kcells', 60) s
 GROUP BY c.code;
SELECT is((SELECT n.rows FROM new_gap n WHERE n.code = o.code), o.rows, 'Krems supply_gap per community, step decay = 0.1.0: ' || o.code)
  FROM old_gap o ORDER BY o.code;
SELECT is((SELECT format('%s %s %s', round(sum(s.supply)::numeric, 6), round(sum(s.supply * s.supply)::numeric, 6), count(*))
             FROM cp.supply_access('krems', 'SELECT id, geom, population FROM kres',
                                   'SELECT id, category, geom, 100 + 7 * id AS capacity FROM kfac', o.code) s),
          format('%s %s 1190', o.total, o.squares), 'Krems supply_access per resident, step decay = 0.1.0: ' || o.code)
  FROM (VALUES
  ('health_station', 1335.000000, 21732.073894),
  ('park', 2716.000000, 86694.712185),
  ('primary_school', 3840.000000, 119167.147439),
  ('sports', 4490.000000, 1135561.776269)) o (code, total, squares) ORDER BY o.code;
SELECT is((SELECT string_agg(format('(%s,%s,%s,%s)', community_id, round(population::numeric, 6), round(floor_area_m2::numeric, 6),
                                    round(accessible_m2_per_resident::numeric, 9)), ',' ORDER BY community_id)
             FROM cp.space_per_resident('krems', 'SELECT id, geom, population FROM kres',
                                        'SELECT id, category, geom, 50 + 3 * id AS floor_area FROM kfac', 'sports', 'SELECT id, geom FROM kcells', 1.0)
            WHERE population > 0 OR floor_area_m2 > 0),
          '(2,92.098093,316.000000,3.431124253),(3,698.767445,203.000000,0.202653763),(4,940.087749,0.000000,0.000000000),(5,13.339280,0.000000,0.000000000),(8,1169.949423,241.000000,0.052474190),(9,2228.412900,77.000000,0.025113564),(10,214.800428,0.000000,0.070478928),(11,2.513166,0.000000,0.000000000),(12,38.316412,0.000000,0.000000000),(13,1105.920543,0.000000,0.000000000),(14,1032.198151,230.000000,0.096051582),(15,45.703988,0.000000,0.204407656),(17,11.487278,0.000000,0.000000000),(18,525.578076,337.000000,1.223070415),(19,1016.684112,95.000000,0.253906636),(20,46.678172,0.000000,0.017215976),(23,155.705867,415.000000,0.000000000),(24,745.685283,0.000000,0.097421457),(25,116.530237,0.000000,0.000000000),(28,386.831633,0.000000,0.000000000),(29,694.968006,0.000000,0.000000000),(30,190.085166,0.000000,0.000000000),(32,46.856809,0.000000,0.000000000),(33,1814.673949,0.000000,0.000000000),(34,1177.592857,0.000000,0.000000000),(35,312.685511,0.000000,0.000000000),(37,257.079853,0.000000,0.000000000),(38,951.272202,0.000000,0.000000000),(39,2723.499499,0.000000,0.000000000),(40,30.486507,0.000000,0.000000000),(42,123.120365,0.000000,0.323526587),(43,1239.630810,0.000000,0.072095197),(44,389.525323,0.000000,0.000000000),(46,5.868101,0.000000,0.000000000),(47,281.511003,337.000000,0.475989117),(48,885.886189,0.000000,0.010691294),(49,34.365930,0.000000,0.000000000),(50,16.793793,0.000000,0.000000000),(52,157.338480,0.000000,0.408853685),(53,487.364615,0.000000,0.000000000),(54,61.921736,0.000000,0.000000000),(55,5.738764,0.000000,0.000000000),(58,30.253585,0.000000,0.000000000)',
          'Krems space_per_resident per community (inside and within reach) = 0.1.0');
-- the smooth decays share out the same places as the step (the capacity of every facility anyone reaches)
SELECT is((SELECT round(sum(supply)::numeric, 6) FROM cp.supply_access('krems', 'SELECT id, geom, population FROM kres',
             'SELECT id, category, geom, 100 + 7 * id AS capacity FROM kfac', 'sports', decay => x.d, decay_param => x.p)),
          4490.000000, 'Krems sports places all shared out with decay ' || x.d)
  FROM (VALUES ('gaussian', NULL::float8), ('exponential', 2)) x (d, p);

-- A generated 3 km x 3 km street grid (100 m blocks) with 1200 kindergartens (the old limit was
-- 1000) and 3000 resident units off the streets.
SELECT is((SELECT edges FROM cp.network_build('supply_grid', $$
  SELECT row_number() OVER () AS id, geom FROM (
    SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(i * 100, j * 100), ST_MakePoint(i * 100 + 100, j * 100)), 32650) AS geom
      FROM generate_series(0, 29) i, generate_series(0, 30) j
    UNION ALL
    SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(j * 100, i * 100), ST_MakePoint(j * 100, i * 100 + 100)), 32650)
      FROM generate_series(0, 29) i, generate_series(0, 30) j) e$$))::bigint, 1860::bigint, 'the supply grid is built');
CREATE TEMP TABLE gfac AS
SELECT n AS id, 'kindergarten' AS category,
       ST_SetSRID(ST_MakePoint((n * 37 % 30) * 100 + (n % 7) * 12 + 10, (n * 11 % 31) * 100), 32650) AS geom,
       (20 + n % 90)::float8 AS capacity
  FROM generate_series(1, 1200) n;
CREATE TEMP TABLE gres AS
SELECT n AS id, ST_SetSRID(ST_MakePoint((n * 53 % 2999) + 0.5, (n * 97 % 2999) + 0.5), 32650) AS geom,
       (n % 13) * 10.0 AS population
  FROM generate_series(1, 3000) n;
-- the oracle: every (resident, kindergarten) pair within the radius from cp.nearest (k = 200 is
-- more than any resident reaches here), the 2SFCA in plain SQL
CREATE TEMP TABLE gpair AS
SELECT n.target_id AS rid, n.origin_id AS fid, n.distance_m AS d, n.rank
  FROM cp.nearest('supply_grid', 'SELECT id, geom FROM gfac', 'SELECT id, geom FROM gres', cp._supply_radius('GB50180-2018', 'kindergarten') + 0.001, 200) n
 WHERE n.origin_id IS NOT NULL;
SELECT cmp_ok((SELECT max(rank) FROM gpair), '<', 200, 'the oracle has every pair (fewer than 200 kindergartens per resident)');
CREATE TEMP TABLE goracle AS
WITH w AS (
  SELECT p.rid, p.fid, 1.0::float8 AS step,
         greatest((exp(-0.5 * (p.d / r.d0) ^ 2) - exp(-0.5)) / (1 - exp(-0.5)), 0) AS gauss
    FROM gpair p, (SELECT cp._supply_radius('GB50180-2018', 'kindergarten') AS d0) r),
share AS (
  SELECT w.fid, f.capacity / nullif(sum(r.population * w.step), 0) AS rs,
         f.capacity / nullif(sum(r.population * w.gauss), 0) AS rg
    FROM w JOIN gres r ON r.id = w.rid JOIN gfac f ON f.id = w.fid GROUP BY w.fid, f.capacity)
SELECT r.id, r.population * coalesce(sum(s.rs * w.step), 0) AS step,
       r.population * coalesce(sum(s.rg * w.gauss), 0) AS gauss
  FROM gres r LEFT JOIN w ON w.rid = r.id LEFT JOIN share s ON s.fid = w.fid
 GROUP BY r.id, r.population;
SELECT is((SELECT count(*) FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten')),
          3000::bigint, 'supply_access: 1200 kindergartens of one category, no 54000, a row per resident unit');
SELECT is((SELECT count(*) FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten') a
             JOIN goracle o ON o.id = a.resident_id
            WHERE abs(a.supply - o.step) > 1e-9 * greatest(1, o.step)), 0::bigint,
          'supply_access (step) over 1200 kindergartens = the cp.nearest oracle, per resident unit');
SELECT is((SELECT count(*) FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', decay => 'gaussian') a
             JOIN goracle o ON o.id = a.resident_id
            WHERE abs(a.supply - o.gauss) > 1e-9 * greatest(1, o.gauss)), 0::bigint,
          'supply_access (gaussian) over 1200 kindergartens = the cp.nearest oracle, per resident unit');
SELECT is((SELECT round(supply::numeric, 6) FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', per_1000 => 30)),
          (SELECT round(sum(f.capacity)::numeric, 6) FROM gfac f
            WHERE EXISTS (SELECT 1 FROM gpair p JOIN gres r ON r.id = p.rid WHERE p.fid = f.id AND r.population > 0)),
          'supply_gap over 1200 kindergartens: every place of a kindergarten anyone reaches is shared out, none twice');
-- the pairs kept for step 2 or searched again (a tiny community_planning.max_call_memory): the same numbers
SET LOCAL community_planning.max_call_memory = 1;
SELECT is((SELECT count(*) FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten') a
             JOIN goracle o ON o.id = a.resident_id
            WHERE abs(a.supply - o.step) > 1e-9 * greatest(1, o.step)), 0::bigint,
          'supply_access with too little memory to keep the pairs: step 2 searches again, same numbers');
RESET community_planning.max_call_memory;

-- Every caller query is run exactly once per call.
CREATE FUNCTION pg_temp.bump(what text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('cp_test.' || what, (coalesce(nullif(current_setting('cp_test.' || what, true), ''), '0')::int + 1)::text, false);
  RETURN 1;
END $$;
CREATE FUNCTION pg_temp.calls(what text) RETURNS int LANGUAGE sql AS $$
  SELECT coalesce(nullif(current_setting('cp_test.' || what, true), ''), '0')::int $$;
CREATE FUNCTION pg_temp.reset_calls() RETURNS void LANGUAGE sql AS $$
  SELECT set_config('cp_test.' || w, '0', false) FROM unnest(ARRAY['res', 'fac', 'com']) w $$;
CREATE TEMP TABLE q AS
SELECT $q$WITH b AS MATERIALIZED (SELECT pg_temp.bump('res')) SELECT r.* FROM kres r, b$q$ AS r,
       $q$WITH b AS MATERIALIZED (SELECT pg_temp.bump('fac')) SELECT f.id, f.category, f.geom, 400 AS capacity, 50 AS floor_area FROM kfac f, b$q$ AS f,
       $q$WITH b AS MATERIALIZED (SELECT pg_temp.bump('com')) SELECT c.* FROM kcells c, b$q$ AS c;
SELECT pg_temp.reset_calls();
SELECT ok((SELECT count(*) FROM q, cp.supply_gap('krems', q.r, q.f, 'primary_school', q.c, 60)) > 0, 'supply_gap with counting queries');
SELECT is(ARRAY[pg_temp.calls('res'), pg_temp.calls('fac'), pg_temp.calls('com')], ARRAY[1, 1, 1],
          'supply_gap runs the residents, facilities and communities queries once each');
SELECT pg_temp.reset_calls();
SELECT ok((SELECT count(*) FROM q, cp.supply_access('krems', q.r, q.f, 'primary_school')) > 0, 'supply_access with counting queries');
SELECT is(ARRAY[pg_temp.calls('res'), pg_temp.calls('fac'), pg_temp.calls('com')], ARRAY[1, 1, 0],
          'supply_access runs the residents and facilities queries once each');
SELECT pg_temp.reset_calls();
SELECT ok((SELECT count(*) FROM q, cp.space_per_resident('krems', q.r, q.f, 'sports', q.c, 1.0, decay => 'gaussian')) > 0,
          'space_per_resident with counting queries');
SELECT is(ARRAY[pg_temp.calls('res'), pg_temp.calls('fac'), pg_temp.calls('com')], ARRAY[1, 1, 1],
          'space_per_resident runs the residents, facilities and communities queries once each');

-- Bad input.
SELECT throws_ok($$SELECT * FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT id, category, geom, -1 AS capacity FROM gfac', 'kindergarten', per_1000 => 30)$$,
                 '22023', 'capacity must be a finite number, zero or more', 'negative capacity: 22023');
SELECT throws_ok($$SELECT * FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT id, ''kindergarden'' AS category, geom, capacity FROM gfac', 'kindergarten', per_1000 => 30)$$,
                 '22023', 'unknown facility category: "kindergarden" (1200)', 'unknown category: 22023 naming it');
SELECT throws_ok($$SELECT * FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', decay => 'Gaussian')$$,
                 '22023', 'unknown distance decay "Gaussian"', 'unknown decay: 22023');
SELECT throws_ok($$SELECT * FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', decay => 'exponential', decay_param => 'Infinity')$$,
                 '22023', 'decay_param of the exponential decay must be above 0 and at most 50', 'infinite beta: 22023');
SELECT throws_ok($$SELECT * FROM cp.space_per_resident('supply_grid', 'SELECT * FROM gres', 'SELECT *, 1 AS floor_area FROM gfac', 'kindergarten', decay_param => 1)$$,
                 '22023', 'distance decay "step" takes no decay_param', 'a parameter for the step: 22023');
SELECT throws_ok($$SELECT * FROM cp.supply_gap('supply_grid', 'SELECT id, geom, -population AS population FROM gres WHERE id = 2', 'SELECT * FROM gfac', 'kindergarten', per_1000 => 30)$$,
                 '22023', 'population must be a finite number, zero or more', 'negative population: 22023');
SELECT throws_ok($$SELECT * FROM cp.supply_gap('supply_grid', 'SELECT NULL::int AS id, geom, population FROM gres', 'SELECT * FROM gfac', 'kindergarten', per_1000 => 30)$$,
                 '23502', NULL, 'a NULL resident id: 23502');
SELECT is((SELECT count(*) FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', per_1000 => 30, decay => NULL))
          + (SELECT count(*) FROM cp.supply_access('supply_grid', NULL, 'SELECT * FROM gfac', 'kindergarten'))
          + (SELECT count(*) FROM cp.supply_access('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', NULL))
          + (SELECT count(*) FROM cp.space_per_resident('supply_grid', 'SELECT * FROM gres', NULL, 'kindergarten')),
          0::bigint, 'a NULL argument (other than communities_sql, the figures and decay_param): no rows');
-- NULL capacity counts as 0: the kindergartens without places share nothing
SELECT is((SELECT supply FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT id, category, geom, NULL::int AS capacity FROM gfac', 'kindergarten', per_1000 => 30)),
          0::float8, 'NULL capacity counts as 0');

-- A read-only transaction (as on a hot standby): no temp tables, no catalogue writes.
SET LOCAL transaction_read_only = on;
SELECT lives_ok($$SELECT * FROM cp.supply_gap('supply_grid', 'SELECT * FROM gres', 'SELECT * FROM gfac', 'kindergarten', per_1000 => 30, decay => 'gaussian')$$,
                'supply_gap runs in a read-only transaction');
SELECT lives_ok($$SELECT * FROM cp.space_per_resident('krems', 'SELECT id, geom, population FROM kres',
                                 'SELECT id, category, geom, 50 AS floor_area FROM kfac', 'sports', 'SELECT id, geom FROM kcells')$$,
                'space_per_resident runs in a read-only transaction');

SELECT * FROM finish();
ROLLBACK;
