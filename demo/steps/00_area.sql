-- What was loaded: the walkable network, buildings and facilities of the area.
\pset footer off
SELECT cp.version() AS community_planning;
SELECT count(*) AS walk_ways,
       round(sum(ST_Length(geom::geography))::numeric / 1000, 2) AS walk_km,
       count(*) FILTER (WHERE oneway_foot <> 0) AS oneway_for_walking
  FROM osm.walk_edges;
SELECT count(*) AS buildings,
       round(sum(ST_Area(geom::geography))::numeric) AS footprint_m2,
       count(*) FILTER (WHERE levels IS NOT NULL) AS with_levels
  FROM osm.buildings;
SELECT key || '=' || value AS facility, count(*) AS n
  FROM osm.pois
 WHERE (key, value) IN (('amenity','kindergarten'),('amenity','school'),('amenity','clinic'),
                        ('amenity','doctors'),('amenity','pharmacy'),('amenity','hospital'),
                        ('amenity','social_facility'),('shop','supermarket'),('amenity','library'),
                        ('amenity','community_centre'),('amenity','marketplace'))
 GROUP BY 1 ORDER BY 2 DESC, 1;
SELECT count(*) AS car_parks, sum(capacity) AS tagged_capacity FROM osm.parking;
