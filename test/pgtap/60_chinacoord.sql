-- China's map coordinate systems: contracts, reference points, round trips, errors.
BEGIN;
SELECT plan(37);

-- signatures and contracts
SELECT has_function('cp', f, ARRAY['geometry'])
  FROM unnest(ARRAY['wgs84_to_gcj02', 'gcj02_to_wgs84', 'gcj02_to_bd09',
                    'bd09_to_gcj02', 'wgs84_to_bd09', 'bd09_to_wgs84']) AS f;
SELECT has_function('cp', 'chinacoord_ewkb', ARRAY['bytea', 'text', 'text']);
SELECT is((SELECT count(*) FROM pg_proc
            WHERE pronamespace = 'cp'::regnamespace
              AND proname IN ('wgs84_to_gcj02', 'gcj02_to_wgs84', 'gcj02_to_bd09', 'bd09_to_gcj02',
                              'wgs84_to_bd09', 'bd09_to_wgs84', 'chinacoord_ewkb')
              AND provolatile = 'i' AND proisstrict AND proparallel = 's'
              AND obj_description(oid, 'pg_proc') IS NOT NULL), 7::bigint,
          'all seven are IMMUTABLE STRICT PARALLEL SAFE and commented');

-- published reference points (googollee/eviltransform go/transform_test.go:
-- {wgsLat, wgsLng, gcjLat, gcjLng}; wandergis/coordtransform test/app.js)
CREATE TEMP TABLE ref(name text, wgs geometry, gcj geometry) ON COMMIT DROP;
INSERT INTO ref VALUES
  ('shanghai', 'SRID=4326;POINT(121.5272106 31.1774276)', 'SRID=4326;POINT(121.531541859215 31.17530398364597)'),
  ('shenzhen', 'SRID=4326;POINT(113.912316 22.543847)', 'SRID=4326;POINT(113.9171764808363 22.540796131694766)'),
  ('beijing', 'SRID=4326;POINT(116.377817 39.911954)', 'SRID=4326;POINT(116.38404722455657 39.91334545536069)'),
  ('coordtransform', 'SRID=4326;POINT(116.404 39.915)', 'SRID=4326;POINT(116.41024449916938 39.91640428150164)');
SELECT ok(ST_Distance(cp.wgs84_to_gcj02(wgs)::geography, gcj::geography) < 0.001,
          'wgs84_to_gcj02 matches the published value (' || name || ') within 1 mm')
  FROM ref ORDER BY name;
SELECT ok(ST_Distance(cp.gcj02_to_wgs84(gcj)::geography, wgs::geography) < 0.001,
          'gcj02_to_wgs84 returns the published WGS84 (' || name || ') within 1 mm')
  FROM ref ORDER BY name;
SELECT ok(ST_Distance(cp.gcj02_to_bd09('SRID=4326;POINT(116.404 39.915)')::geography,
                      'SRID=4326;POINT(116.41036949371029 39.92133699351021)'::geography) < 0.001,
          'gcj02_to_bd09 matches coordtransform within 1 mm');
SELECT ok(ST_Distance(cp.bd09_to_gcj02('SRID=4326;POINT(116.404 39.915)')::geography,
                      'SRID=4326;POINT(116.39762729119315 39.90865673957631)'::geography) < 0.1,
          'bd09_to_gcj02 is within 10 cm of coordtransform''s one-step inverse');

-- round trips over a 0.5 degree grid across China (73-135 E, 18-53.5 N): 9000 points
CREATE TEMP TABLE grid ON COMMIT DROP AS
SELECT ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS p
  FROM generate_series(73.0, 135.0, 0.5) AS lng, generate_series(18.0, 53.5, 0.5) AS lat;
SELECT is((SELECT count(*) FROM grid), 9000::bigint, 'grid has 9000 points');
SELECT cmp_ok((SELECT max(ST_Distance(cp.gcj02_to_wgs84(cp.wgs84_to_gcj02(p))::geography, p::geography)) FROM grid),
              '<', 0.001::float8, 'WGS84 -> GCJ-02 -> WGS84 within 1 mm over the grid');
SELECT cmp_ok((SELECT max(ST_Distance(cp.wgs84_to_gcj02(cp.gcj02_to_wgs84(p))::geography, p::geography)) FROM grid),
              '<', 0.001::float8, 'GCJ-02 -> WGS84 -> GCJ-02 within 1 mm over the grid');
SELECT cmp_ok((SELECT max(ST_Distance(cp.bd09_to_gcj02(cp.gcj02_to_bd09(p))::geography, p::geography)) FROM grid),
              '<', 0.001::float8, 'GCJ-02 -> BD-09 -> GCJ-02 within 1 mm over the grid');
SELECT cmp_ok((SELECT max(ST_Distance(cp.bd09_to_wgs84(cp.wgs84_to_bd09(p))::geography, p::geography)) FROM grid),
              '<', 0.001::float8, 'WGS84 -> BD-09 -> WGS84 within 1 mm over the grid');
SELECT cmp_ok((SELECT max(ST_Distance(cp.wgs84_to_bd09(cp.bd09_to_wgs84(p))::geography, p::geography)) FROM grid),
              '<', 0.001::float8, 'BD-09 -> WGS84 -> BD-09 within 1 mm over the grid');
-- the shift itself is real (41 m to 688 m over the grid), so the round trips are not trivially exact
SELECT ok((SELECT min(ST_Distance(cp.wgs84_to_gcj02(p)::geography, p::geography)) FROM grid) > 40
      AND (SELECT max(ST_Distance(cp.wgs84_to_gcj02(p)::geography, p::geography)) FROM grid) < 700,
          'GCJ-02 moves every grid point by 40 m to 700 m');
-- composites equal their steps
SELECT ok((SELECT bool_and(ST_Equals(cp.wgs84_to_bd09(p), cp.gcj02_to_bd09(cp.wgs84_to_gcj02(p)))) FROM grid),
          'wgs84_to_bd09 = gcj02_to_bd09(wgs84_to_gcj02)');

-- outside China nothing moves (the real OSM extracts are all outside)
SELECT ok((SELECT bool_and(ST_Equals(cp.wgs84_to_gcj02(geom), geom) AND ST_Equals(cp.bd09_to_wgs84(geom), geom))
             FROM monaco.buildings), 'Monaco buildings are unchanged (outside China)');
SELECT ok(ST_Equals(cp.gcj02_to_bd09('SRID=4326;POINT(-74 40.7)'), 'SRID=4326;POINT(-74 40.7)'::geometry),
          'New York is unchanged by gcj02_to_bd09');

-- whole geometries: every vertex moves as its point would; Z, M, SRID and type kept
SELECT ok(ST_Equals(ST_PointN(ST_ExteriorRing(cp.wgs84_to_gcj02(
            'SRID=4326;POLYGON((116 39,117 39,117 40,116 39))')), 3),
          cp.wgs84_to_gcj02('SRID=4326;POINT(117 40)')), 'polygon vertices move as points do');
SELECT is(ST_Z(ST_GeometryN(cp.wgs84_to_gcj02('SRID=4326;MULTIPOINT Z(116 39 10,121 31 20)'), 2)), 20::float8,
          'Z is kept');
SELECT is(ST_M(cp.gcj02_to_wgs84('SRID=4326;POINT M(116 39 7)')), 7::float8, 'M is kept');
SELECT is(GeometryType(cp.bd09_to_wgs84('SRID=4326;GEOMETRYCOLLECTION(POINT(116 39),POLYGON((116 39,117 39,117 40,116 39)))')),
          'GEOMETRYCOLLECTION', 'collections stay collections');
SELECT is(ST_SRID(cp.wgs84_to_gcj02('POINT(116 39)')), 0, 'SRID 0 is read as 4326 and kept');

-- errors
SELECT ok((SELECT ST_SRID(g) = 3857 AND ST_DWithin(ST_Transform(g, 4326), cp.wgs84_to_gcj02(ST_Transform('SRID=3857;POINT(12958000 4852000)'::geometry, 4326)), 1e-9)
             FROM cp.wgs84_to_gcj02('SRID=3857;POINT(12958000 4852000)') g),
          'another SRID goes through longitude/latitude and keeps its SRID');
SELECT throws_ok($$ SELECT cp.chinacoord_ewkb(ST_AsEWKB('POINT(116 39)'::geometry), 'wgs84', 'cgcs2000') $$, '22023',
                 'unknown coordinate system "cgcs2000" for to_system', 'an unknown system name is 22023');
SELECT throws_ok($$ SELECT cp.chinacoord_ewkb('\x0101000000'::bytea, 'wgs84', 'gcj02') $$, '22P03',
                 'malformed geometry', 'truncated WKB is 22P03');
-- NULL sweep (STRICT)
SELECT ok(cp.wgs84_to_gcj02(NULL) IS NULL AND cp.gcj02_to_wgs84(NULL) IS NULL AND cp.gcj02_to_bd09(NULL) IS NULL
      AND cp.bd09_to_gcj02(NULL) IS NULL AND cp.wgs84_to_bd09(NULL) IS NULL AND cp.bd09_to_wgs84(NULL) IS NULL,
          'NULL in, NULL out for the six geometry functions');

SELECT * FROM finish();
ROLLBACK;
