-- Who a facility serves and how fast they walk (issue 15), by hand on a straight street:
-- target groups (age-cohort columns, else census shares: estimated), minutes at each
-- category's users' pace, minimum sizes, and their errors.
\set VERBOSITY default
SET client_min_messages = notice;

-- One straight 2 km street. An elderly day-care centre at x = 1000 (GB 50180-2018: 5-minute level,
-- 300 m). Residents at 1240 (240 m away), 1290 (290 m) and 1320 (320 m).
SELECT nodes, edges FROM cp.network_build('pstreet', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 2000 0)'::geometry AS geom$$);
CREATE TABLE pres (id int, geom geometry, population float8, age_3_6 float8, age_60_plus float8);
INSERT INTO pres VALUES (1, 'SRID=32650;POINT(1240 0)', 100, 4, 50),
                        (2, 'SRID=32650;POINT(1290 0)', 100, 6, 10),
                        (3, 'SRID=32650;POINT(1320 0)', 100, NULL, NULL);   -- ages unknown: estimated
CREATE TABLE pfac (id int, category text, geom geometry, capacity float8, floor_area float8);
INSERT INTO pfac VALUES (1, 'elderly_day_care', 'SRID=32650;POINT(1000 0)', NULL, NULL),
                        (2, 'kindergarten',     'SRID=32650;POINT(1000 0)', 2, NULL);

-- The catalogue: whom each category serves, its users' profile and walking time.
SELECT code, life_circle, target_group, profile, effective_radius_m, round(effective_minutes::numeric, 3) AS minutes
  FROM cp.life_circle_categories
 WHERE standard = 'GB50180-2018' AND life_circle = from_level
   AND code IN ('elderly_day_care', 'kindergarten', 'nursery', 'primary_school', 'middle_school', 'clinic', 'culture_activity')
 ORDER BY code, life_circle;

-- Metres: the 300 m radius. Minutes: 300 m at the standard's pace (4.0 km/h, 1000 m in 15 minutes)
-- is 4.5 minutes; at the elderly pace (3.3 km/h = 55 m/min) they reach 247.5 m; at the Tobler adult
-- pace (profile walk, 5 km/h) 375 m.
SELECT resident_id, round(distance_m::numeric, 1) AS distance_m, round(radius_m::numeric, 3) AS cut_off_m, covered, target_group, population, estimated
  FROM cp.access('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', 'GB50180-2018')
 WHERE category = 'elderly_day_care' ORDER BY 1;
SELECT resident_id, round(radius_m::numeric, 3) AS cut_off_m, covered
  FROM cp.access('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', 'GB50180-2018', unit => 'min')
 WHERE category = 'elderly_day_care' ORDER BY 1;
SELECT resident_id, round(radius_m::numeric, 3) AS cut_off_m, covered
  FROM cp.access('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', 'GB50180-2018', profile => 'walk', unit => 'min')
 WHERE category = 'elderly_day_care' ORDER BY 1;

-- Coverage of the residents 60+: 50 + 10 + 100 × 18.70 % (estimated) = 78.7 people.
-- Metres: 60 of them (residents 1 and 2) = 76.24 %; minutes at the elderly pace: 50 = 63.53 %;
-- counted on everyone and metres, as before: 200 of 300 = 66.67 %.
SELECT category, target_group, round(population::numeric, 4) AS population, round(covered_population::numeric, 4) AS covered,
       round(ratio::numeric, 4) AS ratio, estimated
  FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', NULL, 'GB50180-2018')
 WHERE category IN ('elderly_day_care', 'kindergarten') ORDER BY 1;
SELECT category, round(covered_population::numeric, 4) AS covered, round(ratio::numeric, 4) AS ratio
  FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', NULL, 'GB50180-2018', unit => 'min')
 WHERE category = 'elderly_day_care';
SELECT category, round(population::numeric, 4) AS population, round(ratio::numeric, 4) AS ratio, estimated
  FROM cp.coverage('pstreet', 'SELECT id, geom, population FROM pres', 'SELECT id, category, geom FROM pfac', NULL, 'GB50180-2018')
 WHERE category = 'elderly_day_care';
-- Fujian's shares instead of China's: 100 × 15.98 % for resident 3.
SELECT round(population::numeric, 4) AS population
  FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', NULL, 'GB50180-2018',
                   population_shares => 'CN-FJ-2020')
 WHERE category = 'elderly_day_care';

-- Supply of kindergarten places to the children 3-6: 2 places, reached by residents 1 and 2
-- (10 children: 0.2 places each); resident 3 (320 m) has 100 × 3.745 % = 3.745 children.
-- At 500 places per 1000 children: demand 6.8725, supply 2, gap 4.8725 (70.90 %).
SELECT target_group, round(population::numeric, 4) AS children, round(demand::numeric, 4) AS demand,
       round(supply::numeric, 4) AS supply, round(gap::numeric, 4) AS gap, round(gap_ratio::numeric, 4) AS gap_ratio, estimated
  FROM cp.supply_gap('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom, capacity FROM pfac', 'kindergarten',
                     per_1000 => 500, standard => 'GB50180-2018');

-- Minimum sizes: a kindergarten of 3000 m² floor area is below GB 50180-2018's 3150 m² and is not
-- counted (a NOTICE names it); one of unknown size counts. Supply counts every place regardless.
UPDATE pfac SET floor_area = 3000 WHERE id = 2;
INSERT INTO pfac VALUES (3, 'kindergarten', 'SRID=32650;POINT(200 0)', 5, NULL);
SELECT category, round(covered_population::numeric, 4) AS covered
  FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', NULL, 'GB50180-2018')
 WHERE category = 'kindergarten';
SELECT * FROM cp.facility_sizes('SELECT * FROM pfac');
SELECT round(supply::numeric, 4) AS supply
  FROM cp.supply_gap('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', 'kindergarten', per_1000 => 500, standard => 'GB50180-2018');

-- A caller's query means what it means in the caller's search_path: a district's own table
-- named like one of cp's (communities) is the district's, and a schema of its own is searched.
CREATE TABLE communities (id int, geom geometry);
INSERT INTO communities VALUES (7, 'SRID=32650;POLYGON((1200 -10, 1400 -10, 1400 10, 1200 10, 1200 -10))');
SELECT community_id, round(population::numeric, 4) AS population
  FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom FROM pfac', 'SELECT id, geom FROM communities', 'GB50180-2018')
 WHERE category = 'clinic';
CREATE SCHEMA mydistrict;
CREATE TABLE mydistrict.homes AS SELECT * FROM pres;
SET search_path = mydistrict, public;
SELECT round(population::numeric, 4) AS population
  FROM cp.coverage('pstreet', 'SELECT * FROM homes', 'SELECT id, category, geom FROM pfac', NULL, 'GB50180-2018')
 WHERE category = 'clinic';
SHOW search_path;
RESET search_path;
DROP SCHEMA mydistrict CASCADE;
DROP TABLE communities;

-- Errors
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', population_shares => 'XX')$$) AS unknown_shares;
INSERT INTO cp.population_shares (region, group_code, share, source) VALUES ('MY-DISTRICT', '60+', 0.25, 'district census 2020');
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', population_shares => 'MY-DISTRICT')$$) AS missing_share;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT id, geom, 10 AS population, 20 AS age_60_plus FROM pres', 'SELECT * FROM pfac')$$) AS cohort_above_population;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT id, geom, 10 AS population, -1 AS age_60_plus FROM pres', 'SELECT * FROM pfac')$$) AS negative_cohort;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT id, geom, 10 AS population, ''x''::text AS age_60_plus FROM pres', 'SELECT * FROM pfac')$$) AS cohort_type;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', unit => 'km')$$) AS bad_unit;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', profile => 'jog')$$) AS bad_profile;
SELECT pg_temp.err($$SELECT * FROM cp.coverage('pstreet', 'SELECT * FROM pres', 'SELECT id, category, geom, -5 AS floor_area FROM pfac')$$) AS negative_size;
SELECT pg_temp.err($$INSERT INTO cp.population_shares (region, group_code, share, source) VALUES ('MY-DISTRICT', '0-3', 1.5, 'x')$$) AS share_above_one;
SELECT pg_temp.err($$UPDATE cp.population_shares SET share = 0.2 WHERE region = 'CN-2020' AND group_code = '60+'$$) AS shipped_share;
SELECT pg_temp.err($$UPDATE cp.facility_categories SET target_group = 'nobody' WHERE standard = 'GB50180-2018' AND code = 'clinic'$$) AS shipped_category;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', '{kindergarten}', '{300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{age_3_6}', '{2}', '{0}', '{0}')$$) AS engine_share;
SELECT pg_temp.err($$SELECT * FROM cp._coverage_run('pstreet', 'SELECT * FROM pres', 'SELECT * FROM pfac', '{kindergarten}', '{300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{age_3_6,age_60_plus}', '{1}', '{0}', '{0}')$$) AS engine_lengths;
DELETE FROM cp.population_shares WHERE region = 'MY-DISTRICT';
SELECT cp.network_drop('pstreet');
DROP TABLE pres, pfac;
