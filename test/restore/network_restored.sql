-- After pg_dump and restore into a new database: networks are usable at once,
-- unchanged, without a rebuild; the district's own profiles are kept.
BEGIN;
SELECT plan(5);
SELECT is((SELECT count(*) FROM cp.networks WHERE name IN ('monaco', 'krems', 'andorra')), 3::bigint,
          'the three compiled networks are restored');
SELECT is((SELECT edges FROM cp.networks WHERE name = 'krems'), (SELECT edges FROM restore_reference),
          'same number of edges');
SELECT is((SELECT compiled_bytes FROM cp.networks WHERE name = 'krems'), (SELECT compiled_bytes FROM restore_reference),
          'same compiled form');
SELECT is((SELECT cp.walk_distance('krems', a.geom, b.geom)
             FROM (SELECT ST_PointOnSurface(geom) AS geom FROM krems.buildings ORDER BY ST_XMin(geom), ST_YMin(geom) LIMIT 1) a,
                  (SELECT ST_PointOnSurface(geom) AS geom FROM krems.buildings ORDER BY ST_XMax(geom) DESC, ST_YMax(geom) DESC LIMIT 1) b),
          (SELECT walk FROM restore_reference), 'the same walk gives the same metres');
SELECT is((SELECT count(*) FROM cp.walk_profiles), 5::bigint, 'shipped profiles once (4), the district''s own kept');
SELECT * FROM finish();
ROLLBACK;
