-- The analysis kernel's contracts (issue 14): every caller query is executed exactly
-- once per call, and no analysis makes a table. A query counts its own executions
-- through pg_temp.tick (an uncorrelated subquery in FROM runs once per execution).
BEGIN;
SELECT plan(25);

CREATE FUNCTION pg_temp.tick(what text) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('cp_test.' || what,
                     (coalesce(nullif(current_setting('cp_test.' || what, true), ''), '0')::int + 1)::text, true);
  RETURN true;
END
$$;
CREATE FUNCTION pg_temp.ticks(what text) RETURNS int
LANGUAGE sql VOLATILE AS $$ SELECT coalesce(nullif(current_setting('cp_test.' || what, true), ''), '0')::int $$;
CREATE FUNCTION pg_temp.reset_ticks() RETURNS void
LANGUAGE sql VOLATILE AS $$
  SELECT set_config('cp_test.' || w, '0', true) FROM unnest(ARRAY['res', 'fac', 'com']) w
$$;
-- temporary relations of this session (the test's own are made before the first count)
CREATE FUNCTION pg_temp.temp_relations() RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT count(*) FROM pg_class WHERE relpersistence = 't' $$;

-- A 1 km street with three resident units, four facilities and two communities.
SELECT cp.network_build('kernel_street', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom$$);
CREATE TEMP TABLE k_res (id int, geom geometry, population float8);
INSERT INTO k_res VALUES (1, 'SRID=32650;POINT(0 0)', 100), (2, 'SRID=32650;POINT(400 0)', 200),
                         (3, 'SRID=32650;POINT(700 0)', 300);
CREATE TEMP TABLE k_fac (id int, category text, geom geometry, capacity int);
INSERT INTO k_fac VALUES (10, 'kindergarten', 'SRID=32650;POINT(100 0)', 12),
                         (20, 'primary_school', 'SRID=32650;POINT(900 0)', 50),
                         (30, 'elderly_day_care', 'SRID=32650;POINT(650 0)', 20),
                         (40, 'clinic', 'SRID=32650;POINT(1000 0)', 5);
CREATE TEMP TABLE k_com (id int, geom geometry);
INSERT INTO k_com VALUES (1, 'SRID=32650;POLYGON((-50 -50, 350 -50, 350 50, -50 50, -50 -50))'),
                         (2, 'SRID=32650;POLYGON((350 -50, 1050 -50, 1050 50, 350 50, 350 -50))');

CREATE TEMP VIEW k_queries AS
SELECT 'SELECT r.* FROM k_res r CROSS JOIN (SELECT pg_temp.tick(''res'') AS ok OFFSET 0) t WHERE t.ok' AS res,
       'SELECT f.* FROM k_fac f CROSS JOIN (SELECT pg_temp.tick(''fac'') AS ok OFFSET 0) t WHERE t.ok' AS fac,
       'SELECT c.* FROM k_com c CROSS JOIN (SELECT pg_temp.tick(''com'') AS ok OFFSET 0) t WHERE t.ok' AS com;
-- parking: buildings (id, geom, use, households, floor_area) and car parks (id, geom, capacity)
CREATE TEMP VIEW k_parking AS
SELECT $q$SELECT b.* FROM (VALUES (1, 'SRID=32650;POINT(0 0)'::geometry, 'residential', 40.0, 4000.0),
                                   (2, 'SRID=32650;POINT(400 0)'::geometry, 'residential', 60.0, 6000.0)) b (id, geom, use, households, floor_area)
           CROSS JOIN (SELECT pg_temp.tick('res') AS ok OFFSET 0) t WHERE t.ok$q$ AS buildings,
       $q$SELECT p.* FROM (VALUES (7, 'SRID=32650;POINT(200 0)'::geometry, 30)) p (id, geom, capacity)
           CROSS JOIN (SELECT pg_temp.tick('fac') AS ok OFFSET 0) t WHERE t.ok$q$ AS lots;
SELECT pg_temp.temp_relations() AS before \gset

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.access('kernel_street', q.res, q.fac);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.access runs the residents and the facilities query once each');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.coverage('kernel_street', q.res, q.fac, q.com);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac'), pg_temp.ticks('com')], ARRAY[1, 1, 1],
          'cp.coverage runs the residents, facilities and communities query once each');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.coverage('kernel_street', q.res, q.fac);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.coverage for the whole area runs each query once');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.life_circle('kernel_street', q.res, q.fac, q.com);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac'), pg_temp.ticks('com')], ARRAY[1, 1, 1],
          'cp.life_circle runs the residents, facilities and communities query once each');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.supply_gap('kernel_street', q.res, q.fac, 'kindergarten', q.com, 30);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac'), pg_temp.ticks('com')], ARRAY[1, 1, 1],
          'cp.supply_gap runs the residents, facilities and communities query once each');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.supply_access('kernel_street', q.res, q.fac, 'kindergarten');
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.supply_access runs the residents and the facilities query once each');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q, cp.access_surface('kernel_street', q.res, q.fac, 'kindergarten', 100);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.access_surface runs the residents and the facilities query once each (walk and supply in one C call, src/surface.c)');

SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q,
       cp.space_per_resident('kernel_street', q.res,
                             replace(q.fac, 'SELECT f.*', 'SELECT f.*, f.capacity * 10.0 AS floor_area'),
                             'primary_school', q.com, 1.0);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac'), pg_temp.ticks('com')], ARRAY[1, 1, 1],
          'cp.space_per_resident runs the residents, facilities and communities query once each');


SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_parking q, k_queries c, cp.parking_gap('kernel_street', q.buildings, q.lots, c.com);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac'), pg_temp.ticks('com')], ARRAY[1, 1, 1],
          'cp.parking_gap runs the buildings, car parks and communities query once each');
SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_parking q, cp.parking_gap_buildings('kernel_street', q.buildings, q.lots);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.parking_gap_buildings runs the buildings and car parks query once each');
SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_parking q, cp.parking_lots('kernel_street', q.buildings, q.lots);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.parking_lots runs the buildings and car parks query once each');
SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_parking q, cp.parking_allocation('kernel_street', q.buildings, q.lots);
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.parking_allocation runs the buildings and car parks query once each');

-- a computed indicator runs its inputs once per run, and compute_indicators makes no table
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT 'K' || id, 'kernel ' || id, 'K', 'K', 'old', 300, ST_Multi(geom) FROM k_com;
SELECT pg_temp.reset_ticks();
SELECT count(*) FROM k_queries q,
       cp.compute_indicators('2026-01-01', pg_catalog.jsonb_build_object(
         'compute', pg_catalog.jsonb_build_array('life_circle_15min_coverage'), 'network', 'kernel_street',
         'residents_sql', q.res, 'facilities_sql', q.fac)) c;
SELECT is(ARRAY[pg_temp.ticks('res'), pg_temp.ticks('fac')], ARRAY[1, 1],
          'cp.compute_indicators runs a computation''s residents and facilities query once');
SELECT isnt((SELECT count(*) FROM cp.indicator_values WHERE community_id LIKE 'K%' AND period = '2026-01-01'), 0::bigint,
            'cp.compute_indicators stored the values');

-- the computed indicators' functions, called directly (results: test/pgtap/55_scorecard.sql)
SELECT is((SELECT count(*) FROM cp.indicator_life_circle_coverage(NULL, '{}')), 0::bigint,
          'indicator functions are STRICT: a NULL communities query gives no rows');
SELECT is((SELECT count(*) FROM cp.indicator_parking_gap_rate('SELECT 1', NULL)), 0::bigint,
          'indicator functions are STRICT: NULL settings give no rows');
SELECT is((SELECT value FROM cp.indicator_heritage_protection('K1', NULL)), NULL::numeric,
          'heritage protection without an outline: no value');
SELECT throws_ok($$SELECT * FROM cp.indicator_life_circle_coverage('SELECT id, geom FROM k_com',
                   '{"network": "nowhere", "residents_sql": "SELECT * FROM k_res", "facilities_sql": "SELECT * FROM k_fac", "standard": "GB50180-2018", "profile": "walk"}')$$,
                 '42704', NULL, 'an unknown network in the settings: 42704');
SELECT throws_ok($$SELECT * FROM cp.indicator_elderly_care_coverage('SELECT id, geom FROM k_com',
                   '{"network": "kernel_street", "residents_sql": "SELECT * FROM k_res", "facilities_sql": "SELECT * FROM k_fac", "standard": "GB50180-2018", "profile": "walk", "elderly_care_category": "kindergarden"}')$$,
                 '22023', NULL, 'an elderly-care category the set does not have: 22023');
SELECT throws_ok($$SELECT * FROM cp.indicator_parking_gap_rate('SELECT id, geom, ''old'' AS community_type FROM k_com',
                   '{"network": "kernel_street", "buildings_sql": "SELECT 1 AS id, NULL::geometry AS geom, ''residential'' AS use, 1 AS households, 1 AS floor_area", "parking_sql": "SELECT 1 AS id, NULL::geometry AS geom, 1 AS capacity", "walk_m": -5, "parking_standard": "CP-parking-default", "m2_per_space": 30, "max_snap_m": 250}')$$,
                 '22023', NULL, 'a negative walk_m in the settings: 22023');
SELECT throws_ok($$SELECT * FROM cp.indicator_childcare_place_gap('SELECT id, geom FROM k_com',
                   '{"network": "kernel_street", "residents_sql": "SELECT id, geom FROM k_res", "childcare_facilities_sql": "SELECT * FROM k_fac", "childcare_category": "kindergarten", "childcare_per_1000": 10, "standard": "GB50180-2018", "profile": "walk"}')$$,
                 '42703', NULL, 'a residents query without population: 42703');
SELECT throws_ok($$SELECT cp._network_missing('nowhere')$$, '42704', 'network "nowhere" does not exist',
                 'the one "no such network" error of the SQL layer');
SELECT ok('kindergarten' = ANY (cp._known_categories()) AND 'hospital' = ANY (cp._known_categories())
          AND array_position(cp._known_categories(), NULL) IS NULL,
          'known categories: every set''s and the OSM mapping''s codes, no NULL');
SELECT is((SELECT count(*) FROM cp.indicator_cultural_space_per_capita('SELECT id, geom FROM k_com',
             '{"network": "kernel_street", "residents_sql": "SELECT * FROM k_res", "culture_facilities_sql": "SELECT id, ''culture_activity'' AS category, geom, 250.0 AS floor_area FROM k_fac WHERE id = 10", "culture_category": "culture_activity", "standard": "GB50180-2018", "profile": "walk"}')
            WHERE community_id = 1 AND value = 2.5), 1::bigint,
          'cultural space: 250 m² inside community 1 for its 100 residents = 2.5 m² per resident');

SELECT is(pg_temp.temp_relations(), :before::bigint,
          'no analysis above made a temporary table (no catalogue write: they run on a hot standby)');

SELECT * FROM finish();
ROLLBACK;
