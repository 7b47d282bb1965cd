-- Catchments on the real Krems extract (the Danube is a barrier): valid,
-- nested, every reachable network point inside, and the river respected.
BEGIN;
SELECT plan(12);

SELECT has_function('cp', 'catchment', ARRAY['text', 'geometry', 'double precision[]', 'text', 'double precision', 'text', 'text', 'double precision']);
SELECT has_function('cp', 'catchments', ARRAY['text', 'text', 'double precision[]', 'text', 'double precision', 'text', 'text', 'double precision']);
SELECT volatility_is('cp', 'catchment', ARRAY['text', 'geometry', 'double precision[]', 'text', 'double precision', 'text', 'text', 'double precision'], 'volatile');

-- the schools of Krems as facilities
CREATE TEMP TABLE fac AS
SELECT row_number() OVER (ORDER BY osm_id) AS id, geom FROM krems.pois WHERE key = 'amenity' AND value = 'school';
CREATE TEMP TABLE ck AS SELECT * FROM cp.catchments('krems', 'SELECT id, geom FROM fac', '{300,500,1000}');
SELECT is((SELECT count(*) FROM ck), (SELECT count(*) * 3 FROM fac), 'three catchments per school');
SELECT is((SELECT count(*) FROM ck WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom)
                                       OR GeometryType(geom) <> 'MULTIPOLYGON'), 0::bigint,
          'every polygon is a valid, non-empty MultiPolygon');
SELECT is((SELECT count(*) FROM ck a JOIN ck b ON b.facility_id = a.facility_id AND b.cutoff > a.cutoff
            WHERE NOT ST_Covers(ST_Buffer(b.geom, 0.01), a.geom)), 0::bigint,
          '300 m inside 500 m inside 1000 m for every school');
SELECT is((SELECT count(DISTINCT ST_SRID(geom)) FROM ck), 1::bigint, 'all in the network SRID');
SELECT is((SELECT min(ST_SRID(geom)) FROM ck), (SELECT srid FROM cp.networks WHERE name = 'krems'),
          'the SRID is the network''s (a UTM zone)');

-- 2000 points on Krems streets: every one within 500 m walk of school 1 lies inside its 500 m polygon
SELECT setseed(0.5);
CREATE TEMP TABLE street_pts AS
SELECT row_number() OVER () AS id, ST_LineInterpolatePoint(geom, random()) AS geom
  FROM krems.walk_edges, generate_series(1, 3) LIMIT 2000;
CREATE TEMP TABLE reach AS
SELECT * FROM cp.nearest('krems', 'SELECT id, geom FROM fac WHERE id = 1', 'SELECT id, geom FROM street_pts', 500);
SELECT cmp_ok((SELECT count(*) FROM reach WHERE origin_id IS NOT NULL), '>', 20::bigint,
              'some street points are within 500 m of the school');
SELECT is((SELECT count(*) FROM reach r JOIN street_pts p ON p.id = r.target_id
            WHERE r.origin_id = 1 AND r.target_id = p.id AND NOT ST_Covers(
                  ST_Buffer((SELECT geom FROM ck WHERE facility_id = 1 AND cutoff = 500), 0.5),
                  ST_Transform(p.geom, (SELECT srid FROM cp.networks WHERE name = 'krems')))), 0::bigint,
          'every street point reachable within 500 m is inside the 500 m catchment');

-- unlike a circle: street points within 500 m of a school as the crow flies, more than
-- 600 m away on foot (or unreachable), and outside its 500 m catchment
CREATE TEMP TABLE walk_all AS
SELECT f.id AS facility_id, r.target_id, r.distance_m
  FROM fac f, LATERAL cp.nearest('krems', format('SELECT id, geom FROM fac WHERE id = %s', f.id),
                                 'SELECT id, geom FROM street_pts', 5000) r;
SELECT cmp_ok((SELECT count(*) FROM walk_all w JOIN street_pts p ON p.id = w.target_id JOIN fac f ON f.id = w.facility_id
                WHERE ST_DWithin(p.geom::geography, f.geom::geography, 500)
                  AND (w.distance_m IS NULL OR w.distance_m > 600)
                  AND NOT ST_Intersects((SELECT geom FROM ck WHERE ck.facility_id = f.id AND cutoff = 500),
                                        ST_Transform(p.geom, (SELECT srid FROM cp.networks WHERE name = 'krems')))),
              '>', 10::bigint,
              'street points a 500 m circle would cover but a 500 m walk does not reach are outside');
SELECT cmp_ok((SELECT sum(area_m2) FROM ck WHERE cutoff = 500) / (SELECT count(*) * pi() * 500 * 500 FROM fac), '<', 0.8::float8,
              'walking catchments are much smaller than 500 m circles');

SELECT * FROM finish();
ROLLBACK;
