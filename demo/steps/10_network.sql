-- The walking network, compiled once; the nearest school and clinic of every building.
\pset footer off
SELECT name, srid, nodes, edges, components, round(largest_component_share::numeric, 3) AS largest_share,
       round(total_length_m::numeric / 1000, 1) AS km, bytes_per_edge
  FROM cp.network_build('demo', $$
    SELECT way_id AS id, CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
           NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
      FROM osm.walk_edges $$);

CREATE SCHEMA demo;
-- The demo's assumptions about the area, set per area by demo/in-cluster.sh (psql -v levels=6
-- -v housing=tagged for Beijing, where OSM seldom tags building:levels and building=yes is mostly
-- campus and office blocks); without them, those of the European extracts: untagged buildings are
-- 1 storey for residents and 4 for parking, and any building not plainly something else is housing.
\if :{?levels}
\else
\set levels ''
\endif
\if :{?housing}
\else
\set housing untagged_too
\endif
CREATE TABLE demo.settings AS
SELECT coalesce(nullif(:'levels', '')::int, 1) AS residents_levels,
       coalesce(nullif(:'levels', '')::int, 4) AS parking_levels,
       CASE WHEN :'housing' = 'tagged' THEN 'tagged' ELSE 'untagged_too' END AS housing,
       36.52::float8 AS m2_per_person, 2.62::float8 AS persons_per_household;
SELECT * FROM demo.settings;
CREATE TABLE demo.buildings AS
SELECT row_number() OVER (ORDER BY area_id) AS id, geom, building, levels FROM osm.buildings;
CREATE TABLE demo.facilities AS
SELECT row_number() OVER (ORDER BY osm_id) AS id, value AS kind, coalesce(tags ->> 'name:zh', name) AS name, geom
  FROM osm.pois WHERE key = 'amenity' AND value IN ('school', 'kindergarten', 'clinic', 'doctors', 'hospital');

-- Walking (along the streets) vs crow-fly: who is within 500 m of a school?
CREATE TABLE demo.nearest_school AS
SELECT * FROM cp.nearest('demo', $$SELECT id, geom FROM demo.facilities WHERE kind = 'school'$$,
                         'SELECT id, geom FROM demo.buildings', 2000);
SELECT count(*) AS buildings,
       count(*) FILTER (WHERE n.distance_m <= 500) AS school_within_500m_walk,
       (SELECT count(*) FROM demo.buildings b WHERE EXISTS (
          SELECT 1 FROM demo.facilities f WHERE f.kind = 'school'
             AND ST_DWithin(b.geom::geography, f.geom::geography, 500))) AS school_within_500m_crowfly,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY n.distance_m)::numeric) AS median_walk_m,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY n.minutes)::numeric, 1) AS median_minutes
  FROM demo.nearest_school n;
\copy (SELECT target_id AS building_id, origin_id AS school_id, round(distance_m::numeric, 1) AS walk_m, round(minutes::numeric, 1) AS minutes FROM demo.nearest_school ORDER BY 1) TO 'demo/out/nearest_school.csv' CSV HEADER
