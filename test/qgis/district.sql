-- A district bureau's own tables in one projected CRS (psql -v srid=4548 or 32650), made from the
-- Beijing extract imported into schema osm (test/qgis/build_layers.sh): what an analyst has
-- before opening the QGIS project, with nothing named demo. Run as the database owner.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE SCHEMA district;
SELECT set_config('cp_qgis_test.srid', :'srid', false);
DO $$
DECLARE s int := current_setting('cp_qgis_test.srid')::int;
BEGIN
  -- roads for the network (walkers go both ways unless the way is one-way for them)
  EXECUTE format($q$CREATE TABLE district.roads AS
    SELECT way_id AS id, highway, name, oneway_foot, ST_Transform(geom, %s)::geometry(LineString, %s) AS geom
      FROM osm.walk_edges$q$, s, s);
  -- building outlines with floors; households from floor area (36.52 m² per person, 2.62 per household)
  EXECUTE format($q$CREATE TABLE district.buildings AS
    SELECT area_id AS id, building, name, coalesce(levels, 6) AS floors, residential,
           ST_Multi(ST_Transform(geom, %s))::geometry(MultiPolygon, %s) AS geom
      FROM osm.buildings$q$, s, s);
  -- facilities by GB 50180-2018 category
  EXECUTE format($q$CREATE TABLE district.facilities AS
    SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, name,
           ST_Transform(ST_PointOnSurface(geom), %s)::geometry(Point, %s) AS geom
      FROM osm.pois WHERE cp.osm_category(tags) IS NOT NULL$q$, s, s);
  EXECUTE format($q$CREATE TABLE district.car_parks AS
    SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, capacity,
           ST_Transform(geom, %s) AS geom
      FROM osm.parking WHERE access IS NULL OR access NOT IN ('private', 'no')$q$, s);
  -- community outlines: 500 m cells over the buildings, in the district's CRS
  EXECUTE format($q$CREATE TABLE district.communities AS
    SELECT row_number() OVER (ORDER BY g.i, g.j) AS id, ST_Multi(g.geom)::geometry(MultiPolygon, %s) AS geom
      FROM ST_SquareGrid(500, (SELECT ST_SetSRID(ST_Extent(geom)::geometry, %s) FROM district.buildings)) g
     WHERE EXISTS (SELECT 1 FROM district.buildings b WHERE ST_Intersects(g.geom, ST_PointOnSurface(b.geom)))$q$,
    s, s);
END $$;
GRANT USAGE ON SCHEMA district TO cp_qgis_analyst;
GRANT SELECT ON ALL TABLES IN SCHEMA district TO cp_qgis_analyst;
SELECT (SELECT count(*) FROM district.roads) AS roads, (SELECT count(*) FROM district.buildings) AS buildings,
       (SELECT count(*) FROM district.facilities) AS facilities, (SELECT count(*) FROM district.car_parks) AS car_parks,
       (SELECT count(*) FROM district.communities) AS communities;
