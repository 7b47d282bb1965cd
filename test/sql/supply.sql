-- Two-step floating catchment (2SFCA) on a hand-made network, worked by hand
-- (docs/supply.md has the same example), and its errors.
\set VERBOSITY default
SET client_min_messages = notice;

-- A set of our own: kindergarten, radius d0 = 300 m, 150 places per 1000 residents;
-- a culture room with a floor-area target in m² per 1000 residents.
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('S', '供需测试');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES
  ('S', '5min', '五分钟', 300, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit, source) VALUES
  ('S', 'kindergarten',     '幼儿园', 'kindergarten',     '5min', 300, true, 150,  'places',   'test'),
  ('S', 'culture_activity', '文化',   'culture activity', '5min', 300, true, 1000, 'm² floor', 'test'),
  ('S', 'pharmacy',         '药店',   'pharmacy',         '5min', 300, false, NULL, NULL,      'test');

-- One street along y = 0 from x = 0 to x = 1000, in three edges (a VALUES edges query).
SELECT nodes, edges FROM cp.network_build('line', $$
  SELECT id, ST_SetSRID(ST_MakeLine(ST_MakePoint(x0, 0), ST_MakePoint(x1, 0)), 32650) AS geom
    FROM (VALUES (1, 0, 300), (2, 300, 700), (3, 700, 1000)) e (id, x0, x1)$$);

-- Residents (people): r1 at x = 0 (100), r2 at 300 (200), r3 at 450 (100), r4 at 850 (50).
-- Kindergartens: A at x = 200 with 30 places, B at x = 600 with 20 places.
-- Walking distances (metres) within d0 = 300:
--        r1    r2    r3    r4
--   A   200   100   250    -   (r4: 650)
--   B    -    300   150   250  (r1: 600; r2 exactly at the radius)
CREATE TABLE sres (id int, geom geometry, population float8);
INSERT INTO sres VALUES (1, 'SRID=32650;POINT(0 0)', 100), (2, 'SRID=32650;POINT(300 0)', 200),
                        (3, 'SRID=32650;POINT(450 0)', 100), (4, 'SRID=32650;POINT(850 0)', 50);
CREATE TABLE sfac (id int, category text, geom geometry, capacity float8);
INSERT INTO sfac VALUES (1, 'kindergarten', 'SRID=32650;POINT(200 0)', 30), (2, 'kindergarten', 'SRID=32650;POINT(600 0)', 20),
                        (3, 'pharmacy', 'SRID=32650;POINT(500 0)', NULL);
-- Community 1 holds r1, r2 and A; community 2 holds r3, r4 and B; community 3 overlaps
-- both: a unit belongs to the lowest id containing its point, so 3 gets nobody.
CREATE TABLE scom (id int, geom geometry);
INSERT INTO scom VALUES (1, 'SRID=32650;POLYGON((-50 -50, 350 -50, 350 50, -50 50, -50 -50))'),
                        (2, 'SRID=32650;POLYGON((350 -50, 1050 -50, 1050 50, 350 50, 350 -50))'),
                        (3, 'SRID=32650;POLYGON((-100 -100, 1100 -100, 1100 100, -100 100, -100 -100))');

-- step (W = 1 within d0: the classic 2SFCA)
--   R_A = 30 / (100 + 200 + 100)  = 30 / 400 = 0.075 places per person
--   R_B = 20 / (200 + 100 + 50)   = 20 / 350 = 0.0571428571
--   A_r1 = R_A = 0.075                      supply 100 x 0.075        =  7.5
--   A_r2 = R_A + R_B = 0.1321428571         supply 200 x 0.1321428571 = 26.4285714
--   A_r3 = R_A + R_B = 0.1321428571         supply 100 x 0.1321428571 = 13.2142857
--   A_r4 = R_B = 0.0571428571               supply  50 x 0.0571428571 =  2.8571429
--   the 50 places are all shared out: 7.5 + 26.4285714 + 13.2142857 + 2.8571429 = 50
SELECT resident_id, population, round(supply::numeric, 7) AS supply, round(supply_per_1000::numeric, 6) AS per_1000
  FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S');
-- per community, demand 150 per 1000: community 1 (300 people) demand 45, supply
-- 7.5 + 26.4285714 = 33.9285714, gap 11.0714286 (ratio 0.2460317); community 2 (150 people)
-- demand 22.5, supply 13.2142857 + 2.8571429 = 16.0714286, gap 6.4285714 (0.2857143);
-- community 3 overlaps both and holds nobody (lowest id wins).
SELECT community_id, category, population, demand, round(supply::numeric, 7) AS supply, round(gap::numeric, 7) AS gap,
       round(gap_ratio::numeric, 7) AS gap_ratio, ST_Equals(geom, (SELECT geom FROM scom WHERE id = community_id)) AS own_geom
  FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'SELECT * FROM scom', standard => 'S');

-- gaussian (Dai 2010): W(d) = (exp(-1/2 (d/d0)^2) - exp(-1/2)) / (1 - exp(-1/2)) within d0,
-- exp(-1/2) = 0.6065306597:
--   W(100) = (0.9459594689 - 0.6065306597) / 0.3934693403 = 0.8626563100
--   W(150) = (0.8824969026 - 0.6065306597) / 0.3934693403 = 0.7013665732
--   W(200) = (0.8007374029 - 0.6065306597) / 0.3934693403 = 0.4935752886
--   W(250) = (0.7066482778 - 0.6065306597) / 0.3934693403 = 0.2544483341
--   W(300) = 0 (r2 drops out of B's catchment)
--   D_A = 100 x 0.4935752886 + 200 x 0.8626563100 + 100 x 0.2544483341 = 247.3336243
--   D_B = 200 x 0 + 100 x 0.7013665732 + 50 x 0.2544483341           =  82.8590740
--   R_A = 30 / 247.3336243 = 0.1212936579;  R_B = 20 / 82.8590740 = 0.2413736846
--   A_r1 = 0.4935752886 R_A                         = 0.0598675522  supply  5.9867552
--   A_r2 = 0.8626563100 R_A + 0 R_B                 = 0.1046347393  supply 20.9269479
--   A_r3 = 0.2544483341 R_A + 0.7013665732 R_B      = 0.2001544032  supply 20.0154403
--   A_r4 = 0.2544483341 R_B                         = 0.0614171319  supply  3.0708566
--   again 50 places in all: the decay moves supply toward those close by, never loses it
SELECT resident_id, round(supply::numeric, 7) AS supply, round(supply_per_1000::numeric, 6) AS per_1000
  FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'gaussian');
SELECT community_id, round(supply::numeric, 7) AS supply, round(gap::numeric, 7) AS gap
  FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'SELECT * FROM scom', standard => 'S',
                     decay => 'gaussian');

-- exponential, beta = 1: W(d) = exp(-d / d0): W(100) = 0.7165313106, W(150) = 0.6065306597,
-- W(200) = 0.5134171190, W(250) = 0.4345982085, W(300) = 0.3678794412
--   D_A = 51.3417119 + 143.3062621 + 43.4598209 = 238.1077949;  R_A = 0.1259933553
--   D_B = 73.5758882 + 60.6530660 + 21.7299104  = 155.9588646;  R_B = 0.1282389433
--   supplies 6.4687145, 27.4909310, 13.2537337, 2.7866208 (50 in all)
SELECT resident_id, round(supply::numeric, 7) AS supply
  FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => 1);
SELECT round(sum(supply)::numeric, 9) AS all_places
  FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => 1);

-- Floor space: A holds 300 m², B 100 m² of culture rooms (floor_area as the amount, the same
-- 2SFCA): accessible m² per resident = R_A = 300/400 = 0.75 for r1; community 1: 300 m² inside
-- for 300 people (1.0), accessible (100 x 0.75 + 200 x (0.75 + 100/350)) / 300 = 0.9404762;
-- the set's target 1000 m² per 1000 = 1.0 m², gap 0.0595238; community 2: 100 m² inside for 150
-- people (0.6666667), accessible (100 x (0.75 + 100/350) + 50 x 100/350) / 150 = 0.7857143, gap 0.2142857.
SELECT community_id, population, floor_area_m2, round(m2_per_resident::numeric, 7) AS inside,
       round(accessible_m2_per_resident::numeric, 7) AS accessible, target, round(gap_m2_per_resident::numeric, 7) AS gap
  FROM cp.space_per_resident('line', 'SELECT * FROM sres',
                             $$SELECT id, 'culture_activity' AS category, geom, CASE id WHEN 1 THEN 300 ELSE 100 END AS floor_area
                                 FROM sfac WHERE category = 'kindergarten'$$,
                             'culture_activity', 'SELECT * FROM scom', standard => 'S');

-- Whole area (no communities query): one row; a resident unit without a geometry counts in
-- the population and reaches nothing (NOTICE); a facility with no capacity, or without a
-- geometry (NOTICE), shares nothing.
SELECT community_id, population, demand, round(supply::numeric, 7) AS supply, geom IS NULL AS no_geom
  FROM cp.supply_gap('line', $$SELECT * FROM sres UNION ALL SELECT 5, NULL, 10$$,
                     $$SELECT * FROM sfac UNION ALL SELECT 4, 'kindergarten', 'SRID=32650;POINT(900 0)', NULL
                       UNION ALL SELECT 5, 'kindergarten', NULL, 7$$,
                     'kindergarten', standard => 'S');
-- a unit outside every community counts in none (NOTICE)
SELECT community_id, population FROM cp.supply_gap('line', $$SELECT * FROM sres UNION ALL SELECT 6, 'SRID=32650;POINT(500 500)', 40$$,
                                                   'SELECT * FROM sfac', 'kindergarten', 'SELECT * FROM scom WHERE id < 3', standard => 'S');

-- NULL in: no rows (decay_param NULL is the default, communities_sql NULL the whole area)
SELECT count(*) FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', 'walk', NULL);
SELECT count(*) FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', NULL, NULL, 'S', 'walk', NULL);
SELECT count(*) FROM cp.space_per_resident('line', 'SELECT * FROM sres', 'SELECT *, 1 AS floor_area FROM sfac', 'kindergarten', NULL, NULL, 'S', 'walk', NULL);

-- Errors.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SET client_min_messages = warning;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', standard => 'S', decay => 'cauchy')$$) AS unknown_decay;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', standard => 'S', decay_param => 2)$$) AS step_with_param;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', standard => 'S', decay => 'gaussian', decay_param => 2)$$) AS gaussian_with_param;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential')$$) AS exponential_without_param;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => 0)$$) AS zero_beta;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => 'NaN')$$) AS nan_beta;
SELECT pg_temp.err($$SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => 51)$$) AS big_beta;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT id, category, geom, -capacity AS capacity FROM sfac', 'kindergarten', standard => 'S')$$) AS negative_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', $q$SELECT * FROM sfac UNION ALL SELECT 9, 'kindergarden', 'SRID=32650;POINT(10 0)', 5$q$, 'kindergarten', standard => 'S')$$) AS misspelt_category;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac UNION ALL SELECT * FROM sfac', 'kindergarten', standard => 'S')$$) AS duplicate_facility;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres UNION ALL SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', standard => 'S')$$) AS duplicate_resident;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'SELECT 1 AS id, geom FROM scom', standard => 'S')$$) AS duplicate_community;
SELECT pg_temp.err($$SELECT * FROM cp.supply_gap('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'pharmacy', standard => 'S', per_1000 => 1)$$) AS pharmacy_ok;
-- the internal engine guards its own arguments
SELECT pg_temp.err($$SELECT * FROM cp._supply_eval('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', '{kindergarten}', '{kindergarten}', NULL, 'capacity', NULL, 'step', NULL, 250, true, NULL, 'population', 1, 0, 0, false)$$) AS null_radius;
SELECT pg_temp.err($$SELECT * FROM cp._supply_eval('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', '{kindergarten}', '{kindergarten}', 0, 'capacity', NULL, 'step', NULL, 250, true, NULL, 'population', 1, 0, 0, false)$$) AS zero_radius;
SELECT pg_temp.err($$SELECT * FROM cp._supply_eval('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', '{pharmacy,NULL}', '{kindergarten}', 300, 'capacity', NULL, 'step', NULL, 250, true, NULL, 'population', 1, 0, 0, false)$$) AS null_quiet;
SET client_min_messages = notice;
-- the wording of two of them, with DETAIL and HINT
\set SHOW_CONTEXT never
SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'cauchy');
SELECT * FROM cp.supply_access('line', 'SELECT * FROM sres', 'SELECT * FROM sfac', 'kindergarten', 'S', decay => 'exponential', decay_param => -1);

\set SHOW_CONTEXT errors
SELECT cp.network_drop('line');
DROP TABLE sres, sfac, scom;
-- leave no user set behind for the tests that follow
DELETE FROM cp.facility_categories WHERE standard = 'S';
DELETE FROM cp.life_circles WHERE standard = 'S';
DELETE FROM cp.facility_standards WHERE code = 'S';
