-- Accessibility surfaces (issue #17) on the Beijing extract (schema beijing, network 'beijing',
-- EPSG:32650; residents as in 13_beijing_plan.sql): the cells add up to the whole-area figures of
-- cp.coverage and cp.supply_access, every resident unit is in exactly one cell, and the walks are
-- cp.nearest's. Primary schools (OSM: 5) with an ILLUSTRATIVE capacity of 600 places each, children
-- 6-12 from an illustrative cohort column (0 in dormitories), hexagons of 100 m.
BEGIN;
SELECT plan(9);
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE res AS
SELECT row_number() OVER (ORDER BY area_id) AS id, ST_PointOnSurface(geom) AS geom,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) AS population,
       CASE WHEN building = 'dormitory' THEN 0
            ELSE 0.0749 * cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) END AS age_6_12
  FROM beijing.buildings
 WHERE residential OR building NOT IN (SELECT building FROM nonres);
CREATE TEMP TABLE fac AS
SELECT 1000000 + row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom,
       CASE WHEN cp.osm_category(tags) = 'primary_school' THEN 600 END::float8 AS capacity
  FROM beijing.pois
 WHERE cp.osm_category(tags) IS NOT NULL;

CREATE TEMP TABLE surf AS
SELECT * FROM cp.access_surface('beijing', 'SELECT * FROM res', 'SELECT * FROM fac', 'primary_school', 100,
                                per_1000 => 1000);
CREATE TEMP TABLE cov AS
SELECT * FROM cp.coverage('beijing', 'SELECT * FROM res', 'SELECT * FROM fac') WHERE category = 'primary_school';
CREATE TEMP TABLE acc AS
SELECT * FROM cp.supply_access('beijing', 'SELECT * FROM res', 'SELECT * FROM fac', 'primary_school');

SELECT ok((SELECT count(*) FROM surf) > 20 AND (SELECT count(*) FROM res WHERE NOT population > 0) = 0,
          'the surface has cells (' || (SELECT count(*) FROM surf) || ' of 100 m), every resident building has people');
SELECT ok((SELECT abs(sum(s.population) - (SELECT sum(population) FROM res)) < 1e-6 FROM surf s)
          AND (SELECT sum(units) FROM surf) = (SELECT count(*) FROM res),
          'every resident unit is in a cell, its people counted once: sum of units and population = the residents''');
SELECT is((SELECT count(*) FROM res r WHERE (SELECT count(*) FROM surf s WHERE ST_Covers(s.geom, ST_Transform(r.geom, 32650))) = 0), 0::bigint,
          'no resident point lies outside the cells returned');
SELECT ok((SELECT abs(sum(target_population) - (SELECT population FROM cov)) < 1e-6 FROM surf),
          'sum of the cells'' target group = cp.coverage''s whole-area population of the group ('
          || (SELECT round(population::numeric, 1) FROM cov) || ')');
SELECT ok((SELECT abs(sum(covered_population) - (SELECT covered_population FROM cov)) < 1e-6 FROM surf),
          'sum of the cells'' covered = cp.coverage''s covered_population ('
          || (SELECT round(covered_population::numeric, 1) FROM cov) || ')');
SELECT ok((SELECT abs(sum(supply) - (SELECT sum(supply) FROM acc)) < 1e-6 FROM surf)
          AND (SELECT sum(supply) FROM acc) > 0,
          'sum of the cells'' accessible supply = cp.supply_access summed (' || (SELECT round(sum(supply)::numeric, 1) FROM acc) || ' places)');
SELECT ok((SELECT abs(sum(s.supply) - (SELECT sum(a.supply) FROM cp.supply_access('beijing', 'SELECT * FROM res', 'SELECT * FROM fac',
                                                                                  'primary_school', decay => 'gaussian') a)) < 1e-6
             FROM cp.access_surface('beijing', 'SELECT * FROM res', 'SELECT * FROM fac', 'primary_school', 100,
                                    decay => 'gaussian') s),
          'the same with the gaussian decay');
-- the walks: cp.nearest (oracle-tested against pgRouting in 12_beijing.sql) to 3 cut-offs
SELECT ok((SELECT abs(sum(s.reached_population * s.walk_mean_m) -
                      (SELECT sum(r.age_6_12 * n.distance_m)
                         FROM cp.nearest('beijing', $$SELECT id, geom FROM fac WHERE category = 'primary_school'$$,
                                         'SELECT id, geom FROM res', 3 * (SELECT cutoff FROM cp._supply_settings('GB50180-2018', 'primary_school', 'm', NULL, 'CN-2020'))) n
                         JOIN res r ON r.id = n.target_id WHERE n.distance_m IS NOT NULL)) < 1e-3
             FROM surf s WHERE s.reached_population > 0),
          'population-weighted walks of the cells = cp.nearest''s walks of the units weighted by the group');
SELECT ok((SELECT bool_and(walk_max_m >= walk_mean_m - 1e-9 AND covered_population <= reached_population + 1e-9
                           AND unmet_demand >= 0 AND abs(unmet_demand - greatest(demand - supply, 0)) < 1e-9
                           AND abs(walk_mean_min * 4000.0 / 60 - walk_mean_m) < 1e-6) FROM surf),
          'per cell: max >= mean walk, covered <= reached, unmet = max(demand - supply, 0) (a place per child: per_1000 1000), minutes at 4 km/h on flat ground');
SELECT * FROM finish();
ROLLBACK;
