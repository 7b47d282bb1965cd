-- Life-circle coverage on hand-made networks with known answers, and errors.
\set VERBOSITY default
SET client_min_messages = notice;

-- A small standard set of our own: two levels, four categories with radii,
-- one block category without any radius (left out with a NOTICE).
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('T', '测试标准');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES
  ('T', 'block', '街坊', NULL, 'test'), ('T', '5min', '五分钟', 300, 'test'), ('T', '15min', '十五分钟', 1000, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit, source) VALUES
  ('T', 'kindergarten',     '幼儿园', 'kindergarten',     '5min',  300,  true,  30,   'places', 'test'),
  ('T', 'elderly_day_care', '托老所', 'elderly day care', '5min',  NULL, true,  NULL, NULL,     'test'),
  ('T', 'pharmacy',         '药店',   'pharmacy',         '5min',  300,  false, NULL, NULL,     'test'),
  ('T', 'primary_school',   '小学',   'primary school',   '15min', 500,  true,  NULL, NULL,     'test'),
  ('T', 'clinic',           '卫生',   'clinic',           '15min', NULL, true,  NULL, NULL,     'test'),
  ('T', 'parcel',           '快递',   'parcel',           'block', NULL, true,  NULL, NULL,     'test');

-- One straight 1 km street; residents at x = 0, 400, 700 (100, 200, 300 people).
SELECT nodes, edges FROM cp.network_build('street', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom$$);
CREATE TABLE res (id int, geom geometry, population float8);
INSERT INTO res VALUES (1, 'SRID=32650;POINT(0 0)', 100), (2, 'SRID=32650;POINT(400 0)', 200), (3, 'SRID=32650;POINT(700 0)', 300);
-- kindergarten at 100: 100 m, 300 m (exactly the radius: covered), 600 m;
-- primary school at 900 (radius 500): 900, 500 (exactly), 200; day care at 650 (radius 300 from
-- its level): 650, 250, 50; clinic at 1000 (radius 1000): all; a hospital the set does not know.
CREATE TABLE fac (id int, category text, geom geometry, capacity int);
INSERT INTO fac VALUES
  (10, 'kindergarten',     'SRID=32650;POINT(100 0)', 12),
  (20, 'primary_school',   'SRID=32650;POINT(900 0)', NULL),
  (30, 'elderly_day_care', 'SRID=32650;POINT(650 0)', NULL),
  (40, 'clinic',           'SRID=32650;POINT(1000 0)', NULL),
  (50, 'hospital',         'SRID=32650;POINT(500 0)', NULL);

SELECT resident_id, category, facility_id, round(distance_m::numeric, 1) AS distance_m, radius_m, covered, crowfly_covered
  FROM cp.access('street', 'SELECT * FROM res', 'SELECT * FROM fac;', 'T') ORDER BY 1, 2;

-- population-weighted: kindergarten 300 of 600 people, primary school 500 of 600
CREATE TABLE com (id int, geom geometry);
INSERT INTO com VALUES (1, 'SRID=32650;POLYGON((-50 -50, 350 -50, 350 50, -50 50, -50 -50))'),
                       (2, 'SRID=32650;POLYGON((350 -50, 1050 -50, 1050 50, 350 50, 350 -50))'),
                       (3, 'SRID=32650;POLYGON((0 500, 100 500, 100 600, 0 600, 0 500))');   -- nobody lives here
SELECT community_id, category, population, covered_population, round(ratio::numeric, 4) AS ratio,
       round(crowfly_ratio::numeric, 4) AS crowfly_ratio, geom IS NULL AS no_geom
  FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T');
SELECT community_id, category, population, covered_population, round(ratio::numeric, 4) AS ratio,
       round(crowfly_ratio::numeric, 4) AS crowfly_ratio, ST_Equals(geom, (SELECT geom FROM com WHERE id = community_id)) AS own_geom
  FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'SELECT * FROM com', 'T');

-- The one membership rule (docs/coverage.md): a resident belongs to the community that contains
-- its point, boundary included, and to the lowest id where communities overlap; a resident outside
-- every community belongs to none (a NOTICE counts them). Community 5 (x 700..800) overlaps 2 (x
-- 350..1050): resident 3 at x = 700 lies in both (on 5's boundary) and counts in 2 only; resident 1
-- (x = 0) lies outside both. A community given in longitude/latitude holds resident 2 (x = 400).
SELECT community_id, population, covered_population
  FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac',
                   $$SELECT 5 AS id, 'SRID=32650;POLYGON((700 -50, 800 -50, 800 50, 700 50, 700 -50))'::geometry AS geom
                     UNION ALL SELECT id, geom FROM com WHERE id = 2$$, 'T')
 WHERE category = 'kindergarten';
SELECT community_id, population
  FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac',
                   $$SELECT 1 AS id, ST_Transform('SRID=32650;POLYGON((390 -10, 410 -10, 410 10, 390 10, 390 -10))'::geometry, 4326) AS geom$$, 'T')
 WHERE category = 'kindergarten';

-- life circles: 5 min needs kindergarten and day care (resident 2 only: 200 of 600);
-- 15 min adds primary school and clinic (resident 2 again); parcel has no radius (NOTICE)
SELECT community_id, life_circle, population, covered_population, round(ratio::numeric, 4) AS ratio,
       round(crowfly_ratio::numeric, 4) AS crowfly_ratio, missing_categories
  FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', '5min');
SELECT community_id, life_circle, population, covered_population, round(ratio::numeric, 4) AS ratio, missing_categories,
       missing_categories_zh
  FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'SELECT * FROM com', 'T');

-- A river with one bridge 900 m east: the kindergarten across the river is 200 m as the
-- crow flies (covered) and 2000 m on foot (not covered).
SELECT nodes, components FROM cp.network_build('river', $$
  SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom
  UNION ALL SELECT 2, 'SRID=32650;LINESTRING(0 200, 1000 200)'::geometry
  UNION ALL SELECT 3, 'SRID=32650;LINESTRING(1000 0, 1000 200)'::geometry$$);
SELECT resident_id, category, facility_id, distance_m, covered, crowfly_covered
  FROM cp.access('river', $$SELECT 1 AS id, 'SRID=32650;POINT(100 0)'::geometry AS geom, 50 AS population$$,
                 $$SELECT 7 AS id, 'kindergarten' AS category, 'SRID=32650;POINT(100 200)'::geometry AS geom$$, 'T')
 WHERE category = 'kindergarten';
SELECT category, population, covered_population, ratio, crowfly_ratio
  FROM cp.coverage('river', $$SELECT 1 AS id, 'SRID=32650;POINT(100 0)'::geometry AS geom, 50 AS population$$,
                   $$SELECT 7 AS id, 'kindergarten' AS category, 'SRID=32650;POINT(100 200)'::geometry AS geom$$,
                   standard => 'T')
 WHERE category = 'kindergarten';

-- Residents as building polygons in longitude/latitude with population from floor area;
-- NULL population counts as 0.
SELECT category, round(population::numeric, 1) AS population, round(ratio::numeric, 4) AS ratio
  FROM cp.coverage('street',
         $$SELECT 1 AS id, ST_Transform(ST_Buffer('SRID=32650;POINT(0 10)'::geometry, 5, 1), 4326) AS geom,
                  cp.estimate_population(cp.building_floor_area(ST_Transform(ST_Buffer('SRID=32650;POINT(0 10)'::geometry, 5, 1), 4326), 6)) AS population
           UNION ALL SELECT 2, 'SRID=32650;POINT(700 0)'::geometry, NULL$$,
         'SELECT * FROM fac', standard => 'T')
 WHERE category = 'kindergarten';

-- Supply and demand, two-step floating catchment: the kindergarten (12 places) serves
-- residents 1 and 2 (300 people): 4 places per 100 people. Demand 30 per 1000.
SELECT community_id, category, population, demand, round(supply::numeric, 2) AS supply, round(gap::numeric, 2) AS gap,
       round(gap_ratio::numeric, 4) AS gap_ratio
  FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'kindergarten', 'SELECT * FROM com', standard => 'T');
-- a given per_1000 overrides the set's; a second kindergarten reaching resident 3 closes its gap
SELECT community_id, population, demand, round(supply::numeric, 2) AS supply, round(gap_ratio::numeric, 4) AS gap_ratio
  FROM cp.supply_gap('street', 'SELECT * FROM res',
                     $$SELECT * FROM fac UNION ALL SELECT 11, 'kindergarten', 'SRID=32650;POINT(800 0)', 20$$,
                     'kindergarten', per_1000 => 40, standard => 'T');

-- The same per resident: the west kindergarten's 12 places shared by residents 1 and 2 (300 people):
-- 4 and 8 places, 40 per 1000 each; resident 3 reaches none.
SELECT resident_id, population, round(supply::numeric, 4) AS supply, round(supply_per_1000::numeric, 4) AS per_1000
  FROM cp.supply_access('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'kindergarten', 'T');

-- Floor space per resident: a 600 m² school building at x = 900 (radius 500) reaches
-- residents 2 and 3 (500 people): 1.2 m² each; community 2 holds it (600 m² for
-- 500 people), community 1 has none and reaches none; the whole area: 600 m² for
-- 600 people, and 1.0 m² within reach per resident; target 1.0 m².
SELECT community_id, category, population, floor_area_m2, round(m2_per_resident::numeric, 4) AS inside,
       round(accessible_m2_per_resident::numeric, 4) AS accessible, target, round(gap_m2_per_resident::numeric, 4) AS gap
  FROM cp.space_per_resident('street', 'SELECT * FROM res',
                             'SELECT id, category, geom, CASE WHEN id = 20 THEN 600 END AS floor_area FROM fac',
                             'primary_school', 'SELECT * FROM com', 1.0, 'T');
SELECT community_id, population, floor_area_m2, m2_per_resident, round(accessible_m2_per_resident::numeric, 4) AS accessible, target
  FROM cp.space_per_resident('street', 'SELECT * FROM res',
                             'SELECT id, category, geom, CASE WHEN id = 20 THEN 600 END AS floor_area FROM fac',
                             'primary_school', standard => 'T');

-- The GB 50180-2018 set by default: every category with a radius, one row each.
SELECT category, radius_m FROM cp.access('street', 'SELECT * FROM res WHERE id = 1', 'SELECT * FROM fac') ORDER BY 1;

-- NULL sweep: every function returns nothing for a NULL argument other than communities_sql.
SELECT count(*) FROM cp.access(NULL, 'SELECT * FROM res', 'SELECT * FROM fac', 'T');
SELECT count(*) FROM cp.access('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL);
SELECT count(*) FROM cp.coverage('street', NULL, 'SELECT * FROM fac', NULL, 'T');
-- a NULL profile is each category's own profile (the catalogue's), not "no answer"
SELECT count(*) FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', NULL);
SELECT count(*) FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', 'walk', NULL);
SELECT count(*) FROM cp.life_circle('street', 'SELECT * FROM res', NULL, NULL, 'T');
SELECT count(*) FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', NULL);
SELECT count(*) FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, standard => 'T');
SELECT count(*) FROM cp.supply_gap(NULL, 'SELECT * FROM res', 'SELECT * FROM fac', 'kindergarten', standard => 'T');
SELECT count(*) FROM cp.space_per_resident('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, standard => 'T');
SELECT count(*) FROM cp.space_per_resident('street', NULL, 'SELECT * FROM fac', 'primary_school', standard => 'T');

-- Every argument NULL in turn (communities_sql and the optional figures aside: NULL means the
-- whole area or the set's figure): no rows, never an error.
CREATE FUNCTION pg_temp.sweep(fn text, args text[], skip int[] DEFAULT '{}') RETURNS TABLE (f text, arg int, n bigint)
LANGUAGE plpgsql AS $$
DECLARE a text[];
BEGIN
  FOR i IN 1..cardinality(args) LOOP
    CONTINUE WHEN i = ANY (skip);
    a := args; a[i] := 'NULL';
    f := fn; arg := i;
    EXECUTE format('SELECT count(*) FROM %s(%s)', fn, array_to_string(a, ', ')) INTO n;
    RETURN NEXT;
  END LOOP;
END $$;
SET client_min_messages = warning;
SELECT f, string_agg(arg::text || ':' || n, ' ' ORDER BY arg) AS rows_per_null_argument FROM (
  SELECT * FROM pg_temp.sweep('cp.access', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT * FROM fac''', '''T''', '''walk''', '''m''', '''CN-2020'''], '{5}')
  UNION ALL SELECT * FROM pg_temp.sweep('cp.coverage', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT * FROM fac''', '''SELECT * FROM com''', '''T''', '''walk''', '''m''', '''CN-2020'''], '{4,6}')
  UNION ALL SELECT * FROM pg_temp.sweep('cp.life_circle', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT * FROM fac''', '''SELECT * FROM com''', '''T''', '''5min''', '''walk''', '''m''', '''CN-2020'''], '{4,7}')
  UNION ALL SELECT * FROM pg_temp.sweep('cp.supply_gap', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT * FROM fac''', '''kindergarten''', '''SELECT * FROM com''', '40', '''T''', '''walk''', '''step''', 'NULL', '''m''', '''CN-2020'''], '{5,6,8,10}')
  UNION ALL SELECT * FROM pg_temp.sweep('cp.supply_access', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT * FROM fac''', '''kindergarten''', '''T''', '''walk''', '''step''', 'NULL', '''m''', '''CN-2020'''], '{6,8}')
  UNION ALL SELECT * FROM pg_temp.sweep('cp.space_per_resident', ARRAY['''street''', '''SELECT * FROM res''', '''SELECT *, 100 AS floor_area FROM fac''', '''primary_school''', '''SELECT * FROM com''', '1.0', '''T''', '''walk''', '''step''', 'NULL', '''m''', '''CN-2020'''], '{5,6,8,10}')
) x GROUP BY f ORDER BY f;
SET client_min_messages = notice;

-- Errors, each with its own SQLSTATE.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SET client_min_messages = warning;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'GB-nope')$$) AS unknown_standard;
SELECT pg_temp.err($$SELECT * FROM cp.access('nowhere', 'SELECT * FROM res', 'SELECT * FROM fac', 'T')$$) AS unknown_network;
SELECT pg_temp.err($$SELECT * FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', '20min')$$) AS unknown_level;
SELECT pg_temp.err($$SELECT * FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', '10min')$$) AS level_not_in_set;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT id, geom FROM res', 'SELECT * FROM fac', 'T')$$) AS no_population;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT * FROM res', 'SELECT id, geom FROM fac', 'T')$$) AS no_category;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'SELECT id AS cid, geom FROM com', 'T')$$) AS no_community_id;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT id, category, geom FROM fac', 'kindergarten', standard => 'T')$$) AS no_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT * FROM res UNION ALL SELECT * FROM res', 'SELECT * FROM fac', 'T')$$) AS duplicate_ids;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT id, geom, -1 AS population FROM res', 'SELECT * FROM fac', 'T')$$) AS negative_population;
SELECT pg_temp.err($$SELECT * FROM cp.access('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'T', 'jogging')$$) AS unknown_profile;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('street', 'SELECT * FROM res', $q$SELECT * FROM fac UNION ALL SELECT 60, 'kindergarden', 'SRID=32650;POINT(10 0)', NULL$q$, NULL, 'T')$$) AS misspelt_category;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'primary_school', standard => 'T')$$) AS no_per_1000;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'hospital', standard => 'T')$$) AS category_not_in_set;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'kindergarten', per_1000 => 0, standard => 'T')$$) AS zero_per_1000;
SELECT pg_temp.err($$SELECT * FROM cp.space_per_resident('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'primary_school', standard => 'T')$$) AS no_floor_area;
SELECT pg_temp.err($$SELECT * FROM cp.space_per_resident('street', 'SELECT * FROM res', 'SELECT *, -5 AS floor_area FROM fac', 'primary_school', standard => 'T')$$) AS negative_floor_area;
SELECT pg_temp.err($$SELECT * FROM cp.space_per_resident('street', 'SELECT * FROM res', 'SELECT *, 5 AS floor_area FROM fac', 'primary_school', target_m2_per_resident => -1, standard => 'T')$$) AS negative_target;
SELECT pg_temp.err($$SELECT * FROM cp.space_per_resident('street', 'SELECT * FROM res', 'SELECT *, 5 AS floor_area FROM fac', 'parcel', standard => 'T')$$) AS category_without_radius;
-- the internal engine guards its own arguments
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten}', '{300}', false, 250, 'everyone', NULL, cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS bad_per;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten,clinic}', '{300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{population,population}', '{1,1}', '{0,0}', '{0,0}')$$) AS radii_length;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten}', '{-1}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS negative_radius;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten,kindergarten}', '{300,300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{population,population}', '{1,1}', '{0,0}', '{0,0}')$$) AS twice;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten}', '{300}', false, 250, 'community', 'SELECT id, geom FROM com UNION ALL SELECT id, geom FROM com', cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS duplicate_community;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten}', '{300}', false, 250, 'community', 'SELECT NULL::int AS id, geom FROM com', cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS null_community_id;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac', '{kindergarten}', '{300}', false, 250, NULL, NULL, cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS null_per;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('street', 'SELECT * FROM res', 'SELECT * FROM fac UNION ALL SELECT * FROM fac', '{kindergarten}', '{300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}')$$) AS duplicate_facility;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('street', 'SELECT * FROM res', 'SELECT id, category, geom FROM fac', 'kindergarten', 'T')$$) AS access_no_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('street', 'SELECT * FROM res', 'SELECT * FROM fac', 'parcel', 'T')$$) AS access_category_without_radius;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('nowhere', 'SELECT * FROM res', 'SELECT * FROM fac', 'kindergarten', 'T')$$) AS access_unknown_network;
SET client_min_messages = notice;
-- the wording of three of them, with DETAIL and HINT
SELECT * FROM cp.access('street', 'SELECT id, geom FROM res', 'SELECT * FROM fac', 'T');
SELECT * FROM cp.life_circle('street', 'SELECT * FROM res', 'SELECT * FROM fac', NULL, 'T', '20min');
SELECT * FROM cp.access('street', 'SELECT * FROM res', $$SELECT * FROM fac UNION ALL SELECT 60, 'kindergarden', 'SRID=32650;POINT(10 0)', NULL$$, 'T');

SELECT cp.network_drop('street'), cp.network_drop('river');
-- leave no user set behind for the tests that follow
DELETE FROM cp.facility_categories WHERE standard = 'T';
DELETE FROM cp.life_circles WHERE standard = 'T';
DELETE FROM cp.facility_standards WHERE code = 'T';
