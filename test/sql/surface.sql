-- Accessibility surfaces (cp.access_surface, docs/surface.md) on a hand-made street,
-- worked by hand, and their errors.
\set VERBOSITY default
SET client_min_messages = notice;

-- A set of our own: kindergarten for children 3-6, radius d0 = 300 m, 150 places per
-- 1000 of them; its users walk at the standard's pace (4.0 km/h = 66.667 m/min).
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('V', '可达面测试');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES ('V', '5min', '五分钟', 300, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit, source, target_group) VALUES
  ('V', 'kindergarten', '幼儿园', 'kindergarten', '5min', 300, true, 150, 'places', 'test', '3-6'),
  ('V', 'pharmacy',     '药店',   'pharmacy',     '5min', 300, false, NULL, NULL,    'test', 'all');

-- One street along y = 0 from x = 0 to x = 1200.
SELECT nodes, edges FROM cp.network_build('hexline', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1200 0)'::geometry AS geom$$);

-- Hexagons of edge 200 m (ST_HexagonGrid, flat-topped): cell (0, 0) spans x -200..200 on the
-- street, (2, 0) x 400..800, (4, 0) x 1000..1400.
-- Residents (people, children 3-6): r1 at x = 0 (100, 10), r2 at 100 (200, unknown: 200 x 3.745 %
-- = 7.49, estimated), r3 at 600 (300, 20), r4 at 700 (100, 5), r5 at 1100 (nobody: its cell is
-- omitted). One kindergarten K at x = 300 with 6 places; a pharmacy at 900 (another category).
CREATE TABLE hres (id int, geom geometry, population float8, age_3_6 float8);
INSERT INTO hres VALUES (1, 'SRID=32650;POINT(0 0)', 100, 10), (2, 'SRID=32650;POINT(100 0)', 200, NULL),
                        (3, 'SRID=32650;POINT(600 0)', 300, 20), (4, 'SRID=32650;POINT(700 0)', 100, 5),
                        (5, 'SRID=32650;POINT(1100 0)', 0, 0);
CREATE TABLE hfac (id int, category text, geom geometry, capacity float8);
INSERT INTO hfac VALUES (1, 'kindergarten', 'SRID=32650;POINT(300 0)', 6), (2, 'pharmacy', 'SRID=32650;POINT(900 0)', NULL);

-- Walks to K: r1 300 (at the radius: covered), r2 200, r3 300, r4 400 (beyond: not covered).
-- Cell (0, 0): 300 people, 10 + 7.49 = 17.49 children (estimated), all covered;
--   mean walk (10 x 300 + 7.49 x 200) / 17.49 = 257.176 m = 3.858 min, max 300 m = 4.5 min.
-- Cell (2, 0): 400 people, 25 children (from the column), 20 covered (0.8);
--   mean walk (20 x 300 + 5 x 400) / 25 = 320 m = 4.8 min, max 400 m = 6 min.
-- step 2SFCA: R_K = 6 / (10 + 7.49 + 20) = 0.1600427 places per child;
--   cell (0, 0): 17.49 x R_K = 2.7991464 (160.04 per 1000), demand 17.49 x 0.15 = 2.6235, unmet 0;
--   cell (2, 0): 20 x R_K = 3.2008536 (128.03 per 1000), demand 3.75, unmet 0.5491464.
--   The 6 places are all shared out: 2.7991464 + 3.2008536 = 6.
SELECT cell_i, cell_j, units, population, target_population, estimated, covered_population, covered_ratio,
       reached_population, round(walk_mean_m::numeric, 3) AS walk_mean_m, round(walk_max_m::numeric, 3) AS walk_max_m,
       round(walk_mean_min::numeric, 3) AS walk_mean_min, round(walk_max_min::numeric, 3) AS walk_max_min,
       round(supply::numeric, 7) AS supply, round(supply_per_1000::numeric, 2) AS per_1000,
       round(demand::numeric, 4) AS demand, round(unmet_demand::numeric, 7) AS unmet,
       ST_Area(geom)::numeric(12, 1) AS area_m2, ST_Contains(geom, 'SRID=32650;POINT(0 0)') AS holds_origin
  FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V');
-- the cell id encodes the grid address
SELECT cell_id = (cell_i + 1073741824::bigint) * 2147483648 + (cell_j + 1073741824) AS id_is_address
  FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V');

-- gaussian decay: W(d) = (exp(-(d/d0)^2 / 2) - exp(-1/2)) / (1 - exp(-1/2)): W(300) = 0, W(200) = 0.4935912;
-- only r2 weighs: R_K = 6 / (7.49 x W(200)), A_r2 = R_K x W(200) = 6 / 7.49, supply of r2 = 6.
-- Cell (0, 0): 6 places (343.05 per 1000 children), cell (2, 0): nothing, unmet 3.75.
SELECT cell_i, cell_j, round(supply::numeric, 7) AS supply, round(supply_per_1000::numeric, 2) AS per_1000,
       round(unmet_demand::numeric, 7) AS unmet
  FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V',
                         decay => 'gaussian');
-- the same supply as cp.supply_access, summed per cell (r1 + r2 | r3 + r4)
SELECT round(sum(supply) FILTER (WHERE resident_id IN (1, 2))::numeric, 7) AS cell_0_0,
       round(sum(supply) FILTER (WHERE resident_id IN (3, 4))::numeric, 7) AS cell_2_0
  FROM cp.supply_access('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 'V');

-- Minutes: the cut-off is 300 m at 66.667 m/min = 4.5 min; the same people are covered.
-- per_1000 given: 100 places per 1000 children: demand 1.749 and 2.5.
SELECT cell_i, covered_population, round(walk_max_min::numeric, 3) AS walk_max_min,
       round(demand::numeric, 4) AS demand, round(unmet_demand::numeric, 7) AS unmet
  FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V',
                         unit => 'min', per_1000 => 100);

-- A category for everyone (no estimate) without a per-1000 figure (no demand, no unmet demand):
-- the pharmacy (300 m) at x = 900, capacity 1 given in the query.
-- Cell (2, 0): r3 at 300 m, r4 at 200 m: all 400 covered; cell (0, 0): r1 900 m = 3 cut-offs
-- (reached), r2 800 m: nobody covered, mean walk (100 x 900 + 200 x 800) / 300 = 833.333 m.
SELECT cell_i, population, target_population, estimated, covered_population, reached_population,
       round(walk_mean_m::numeric, 3) AS walk_mean_m, supply, demand, unmet_demand
  FROM cp.access_surface('hexline', 'SELECT id, geom, population FROM hres',
                         'SELECT id, category, geom, 1 AS capacity FROM hfac', 'pharmacy', 200, 'V');

-- Larger cells: edge 1000 m puts everyone into one cell.
SELECT cell_i, cell_j, units, population, round(target_population::numeric, 2) AS target_population
  FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 1000, 'V');

-- NULL arguments: no rows.
SELECT count(*) FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', NULL, 'V');

-- Errors.
\set ON_ERROR_STOP 0
\set SHOW_CONTEXT never
-- cell_m at or below zero, absurd, or too small for the area: 22023
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 0, 'V');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', -5, 'V');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 1e9, 'V');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 'NaN', 'V');
SELECT * FROM cp.access_surface('hexline',
  $$SELECT * FROM hres UNION ALL SELECT 9, 'SRID=32650;POINT(100000 100000)', 1, 0$$, 'SELECT * FROM hfac', 'kindergarten', 1, 'V');
-- unknown category, unknown set: 22023, 42704
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'swimming_pool', 200, 'V');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'no-such-set');
-- missing columns: 42703
SELECT * FROM cp.access_surface('hexline', 'SELECT id, geom FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT id, category, geom FROM hfac', 'kindergarten', 200, 'V');
-- bad decay, bad per_1000: 22023
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V', decay => 'linear');
SELECT * FROM cp.access_surface('hexline', 'SELECT * FROM hres', 'SELECT * FROM hfac', 'kindergarten', 200, 'V', per_1000 => -1);
\set ON_ERROR_STOP 1
\set SHOW_CONTEXT errors

DROP TABLE hres, hfac;
SELECT cp.network_drop('hexline');
-- leave no user set behind for the tests that follow
DELETE FROM cp.facility_categories WHERE standard = 'V';
DELETE FROM cp.life_circles WHERE standard = 'V';
DELETE FROM cp.facility_standards WHERE code = 'V';
