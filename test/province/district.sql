-- One district of the province test (test/province/run.sh): the extract imported into schema osm
-- (osm2pgsql flex, import/community_planning.lua), its walking network, its communities (1 km cells
-- with residents, as test/pgtap/56_scorecard_krems.sql builds them for Krems) and the computed
-- indicators (life circle, elderly care, childcare gap, parking gap, heritage rate), then published.
-- psql variables: area (the network's name and published district name), district and city (the
-- communities' own columns), prefix (community ids).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

SELECT (cp.network_build(:'area', $q$
          SELECT way_id AS id,
                 CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
                 NULL::float8 AS cost,
                 CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
            FROM osm.walk_edges$q$)).edges AS network_edges \gset
SELECT srid FROM cp.network_catalog WHERE name = :'area' \gset

-- Inputs as in the Krems suite: residents are the buildings that are not plainly something else
-- (population from floor area), facilities the POIs cp.osm_category maps, buildings with a use and
-- households, public car parks. Kept in schema inputs (raw: never published).
CREATE SCHEMA inputs;
CREATE TABLE inputs.nonres (building text);
INSERT INTO inputs.nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TABLE inputs.residents AS
SELECT row_number() OVER (ORDER BY b.area_id) AS id, b.geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM osm.buildings b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM inputs.nonres);
CREATE TABLE inputs.facilities AS
SELECT row_number() OVER (ORDER BY p.osm_type, p.osm_id) AS id, cp.osm_category(p.tags) AS category, p.geom,
       NULL::float8 AS capacity
  FROM osm.pois p WHERE cp.osm_category(p.tags) IS NOT NULL;
CREATE TABLE inputs.buildings AS
SELECT area_id AS id, geom,
       CASE WHEN residential OR building IN ('yes', 'residential', 'apartments', 'house') THEN 'residential'
            WHEN building IN ('office', 'commercial') THEN 'office'
            WHEN building IN ('retail', 'supermarket') THEN 'retail'
            WHEN building IN ('school', 'university', 'kindergarten') THEN 'school'
            WHEN building IN ('hospital', 'clinic') THEN 'clinic' END AS use,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 4))) / 2.62 AS households,
       cp.building_floor_area(geom, coalesce(levels, 4)) AS floor_area
  FROM osm.buildings;
CREATE TABLE inputs.lots AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, geom, capacity
  FROM osm.parking WHERE access IS NULL OR access NOT IN ('private', 'no');

-- Communities: 1 km cells in the network's CRS with residents, each district in a city of its own.
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT :'prefix' || '-' || lpad(row_number() OVER (ORDER BY g.i, g.j)::text, 2, '0'),
       :'district' || ' cell ' || g.i || '/' || g.j, :'district', :'city', 'old',
       (SELECT round(sum(r.population)) FROM inputs.residents r
         WHERE ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(r.geom), :srid))),
       ST_Multi(g.geom)
  FROM ST_SquareGrid(1000, (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 4326), :srid) FROM inputs.residents)) g
 WHERE EXISTS (SELECT 1 FROM inputs.residents r WHERE r.population > 0
                 AND ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(r.geom), :srid)));

-- Heritage: the mapped historic polygons as municipal sites, the first one damaged
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m, decision_ref)
SELECT 'OSM-' || osm_id, coalesce(name, historic), 'municipal', f, ST_Multi(ST_Buffer(f, 15)), ST_Multi(ST_Buffer(f, 80)), 10, 'OSM import'
  FROM (SELECT osm_id, name, historic, ST_Multi(ST_Transform(geom, :srid)) AS f
          FROM osm.heritage WHERE GeometryType(geom) = 'POLYGON') h
 WHERE ST_IsValid(f);
UPDATE cp.heritage_site SET condition = 'damaged' WHERE id = (SELECT min(id) FROM cp.heritage_site);

SELECT count(*) AS computed, count(value) AS with_value, count(DISTINCT indicator) AS indicators
  FROM cp.compute_indicators('2026-12-31', jsonb_build_object(
  'network', :'area',
  'residents_sql', 'SELECT id, geom, population FROM inputs.residents',
  'facilities_sql', 'SELECT id, category, geom FROM inputs.facilities',
  'childcare_facilities_sql', 'SELECT id, category, geom, capacity FROM inputs.facilities',
  'childcare_per_1000', 10,
  'culture_facilities_sql', 'SELECT id, category, geom, NULL::float8 AS floor_area FROM inputs.facilities',
  'buildings_sql', 'SELECT id, geom, use, households, floor_area FROM inputs.buildings',
  'parking_sql', 'SELECT id, geom, capacity FROM inputs.lots')) \gset
-- one summary line for the harness
SELECT format('%s: network %s edges (SRID %s), %s communities, %s residents, %s heritage sites, %s values computed (%s with a value, %s indicators)',
              :'district', :network_edges, :srid, count(*), sum(population),
              (SELECT count(*) FROM cp.heritage_site), :computed, :with_value, :indicators)
  FROM cp.communities;
ANALYZE;
