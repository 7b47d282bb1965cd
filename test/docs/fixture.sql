-- The district the documentation's examples run in (test/docs/run.sh): the Beijing extract
-- (../shared/data/beijing-zhongguancun.osm.pbf, imported into schema osm by the flex style) and
-- the tables, network and roles the pages name. Every name a page uses without creating it is
-- made here, from real data; nothing is invented beyond what a district would have.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- the walking network the pages call 'district' (UTM 50N, picked from the data)
SELECT name, srid, edges FROM cp.network_build('district', $$
  SELECT way_id AS id,
         CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
         NULL::float8 AS cost,
         CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM osm.walk_edges $$);

-- residents: residential buildings at 6 storeys where untagged (Beijing's OSM rarely tags levels)
CREATE TABLE homes AS
SELECT area_id AS id, geom,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 6))) AS population
  FROM osm.buildings
 WHERE residential OR building IN ('yes', 'apartments', 'dormitory', 'house');
-- facilities of the shared categories, with a floor area for the space examples
CREATE TABLE facilities AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom,
       name, 300.0 AS floor_area
  FROM osm.pois WHERE cp.osm_category(tags) IS NOT NULL;
-- childcare places: the mapped kindergartens with 120 places each (illustration)
CREATE TABLE district_childcare AS
SELECT id, 'nursery'::text AS category, geom, 120 AS places FROM facilities WHERE category = 'kindergarten';
-- communities: 500 m cells of the network's CRS over the residents, ids 1, 2, ...
CREATE TABLE communities AS
SELECT row_number() OVER (ORDER BY g.i, g.j)::int AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 4326), 32650) FROM homes)) g
 WHERE EXISTS (SELECT 1 FROM homes r WHERE ST_Intersects(ST_Transform(g.geom, 4326), ST_PointOnSurface(r.geom)));
-- buildings with a parking use, households and floor area; public car parks with a capacity
CREATE TABLE my_buildings AS
SELECT area_id AS id, geom,
       CASE WHEN residential OR building IN ('yes', 'apartments', 'dormitory', 'house') THEN 'residential'
            WHEN building IN ('office', 'commercial') THEN 'office'
            WHEN building = 'retail' THEN 'retail' WHEN building IN ('school', 'university') THEN 'school' END AS use,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 6))) / 2.62 AS households,
       cp.building_floor_area(geom, coalesce(levels, 6)) AS floor_area
  FROM osm.buildings;
CREATE TABLE my_car_parks AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, geom,
       coalesce(capacity, CASE WHEN GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')
                               THEN cp.estimate_parking_spaces(ST_Area(geom::geography), 30) ELSE 50 END) AS capacity
  FROM osm.parking WHERE access IS NULL OR access NOT IN ('private', 'no');
CREATE TABLE my_communities AS SELECT * FROM communities;
-- the scorecard page's district, named after Fuzhou's Gulou as in the plan
CREATE VIEW gulou_residents AS SELECT * FROM homes;
CREATE VIEW gulou_facilities AS SELECT id, category, geom FROM facilities;
CREATE VIEW gulou_childcare AS SELECT * FROM district_childcare;
CREATE VIEW gulou_culture AS SELECT id, category, geom, floor_area FROM facilities;
CREATE VIEW gulou_buildings AS SELECT * FROM my_buildings;
CREATE VIEW gulou_car_parks AS SELECT * FROM my_car_parks;
SELECT cp.network_build('gulou', 'SELECT way_id AS id, geom FROM osm.walk_edges') IS NOT NULL AS gulou_network;
-- development proposals the heritage page checks
CREATE TABLE proposals (id int PRIMARY KEY, geom geometry, height_m float8, kind text);
-- imports from Chinese map providers: schema import with the samples loaded by ogr2ogr
-- (test/docs/run.sh runs test/fixtures/poi_samples.sh, as docs/import.md shows); a catchment layer
CREATE TABLE catchments AS
SELECT facility_id AS id, geom FROM cp.catchments('district', 'SELECT id, geom FROM facilities WHERE category = ''kindergarten''', '{300}');
-- the roles the access-control examples grant to (cluster-wide: made once)
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['qgis_users', 'alice', 'heritage_office', 'inspectors'] LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I', r);
    END IF;
  END LOOP;
END $$;
-- A district bureau's own tables (docs/district-data.md), in CGCS2000 / 3-degree Gauss-Krüger
-- CM 117E (EPSG:4548), made from the same extract: a plain roads table, buildings with their
-- use in Chinese, floors and households, and named community outlines. The Amap export the page
-- loads is the file amap_export.csv (GCJ-02) next to it.
CREATE SCHEMA bureau;
CREATE TABLE bureau.roads AS
SELECT way_id AS id, name, ST_Transform(geom, 4548)::geometry(LineString, 4548) AS geom FROM osm.walk_edges;
CREATE TABLE bureau.buildings AS
SELECT area_id AS id, name,
       CASE WHEN residential OR building IN ('apartments', 'dormitory', 'house') THEN '住宅'
            WHEN building IN ('office', 'commercial') THEN '办公'
            WHEN building = 'retail' THEN '商业'
            WHEN building IN ('school', 'university', 'kindergarten') THEN '教育' END AS use,
       coalesce(levels, 6) AS floors,
       round(cp.building_floor_area(geom, coalesce(levels, 6)) / (36.52 * 2.62)) AS households,
       ST_Transform(geom, 4548)::geometry(MultiPolygon, 4548) AS geom
  FROM osm.buildings;
CREATE TABLE bureau.communities AS
SELECT row_number() OVER (ORDER BY g.i, g.j)::int AS id, '中关村第' || row_number() OVER (ORDER BY g.i, g.j) || '社区' AS name,
       g.geom::geometry(Polygon, 4548) AS geom
  FROM ST_SquareGrid(800, (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4548) FROM bureau.buildings WHERE use = '住宅')) g
 WHERE EXISTS (SELECT 1 FROM bureau.buildings b WHERE b.use = '住宅' AND ST_Intersects(g.geom, ST_PointOnSurface(b.geom)));
ANALYZE;
