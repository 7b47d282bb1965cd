-- Tables for demo/render_coverage.py (docs/img/coverage_krems.png), made by
-- docs/img/coverage_krems.sh from the Krems extract imported into schema osm.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA cov_map;
SELECT edges FROM cp.network_build('krems', $q$
  SELECT way_id AS id, CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
         NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM osm.walk_edges$q$);
CREATE TABLE cov_map.residents AS
SELECT area_id AS id, geom, cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) AS population
  FROM osm.buildings
 WHERE residential OR building NOT IN ('garage', 'garages', 'shed', 'church', 'chapel', 'cathedral', 'industrial', 'commercial',
         'retail', 'office', 'warehouse', 'school', 'kindergarten', 'hospital', 'roof', 'hut', 'public', 'civic', 'service',
         'transportation', 'train_station', 'hotel', 'university', 'stadium');
CREATE TABLE cov_map.all_facilities AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom
  FROM osm.pois WHERE cp.osm_category(tags) IS NOT NULL;
CREATE TABLE cov_map.facilities AS SELECT * FROM cov_map.all_facilities WHERE category = :'category';
CREATE TABLE cov_map.grid AS
SELECT row_number() OVER () AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_Envelope(ST_Collect(r.geom)), n.srid)
                            FROM cov_map.residents r, cp.networks n WHERE n.name = 'krems' GROUP BY n.srid)) g;
CREATE TABLE cov_map.cells AS
SELECT * FROM cp.coverage('krems', 'SELECT id, geom, population FROM cov_map.residents',
                          'SELECT id, category, geom FROM cov_map.all_facilities', 'SELECT id, geom FROM cov_map.grid');
ALTER TABLE cov_map.residents ADD COLUMN walking boolean, ADD COLUMN crowfly boolean;
UPDATE cov_map.residents r SET walking = a.covered, crowfly = a.crowfly_covered
  FROM cp.access('krems', 'SELECT id, geom, population FROM cov_map.residents',
                 'SELECT id, category, geom FROM cov_map.all_facilities') a
 WHERE a.resident_id = r.id AND a.category = :'category';
\pset footer off
SELECT category, round(sum(population)::numeric) AS population, round((100 * sum(covered_population) / sum(population))::numeric, 1) AS walking_pct,
       round((100 * sum(crowfly_ratio * population) / sum(population))::numeric, 1) AS crowfly_pct
  FROM cov_map.cells WHERE population > 0 GROUP BY category ORDER BY category;
