-- China's map coordinate systems: WGS84 <-> GCJ-02 <-> BD-09.
-- Reference values from the published implementations:
--   wandergis/coordtransform test/app.js (input lng 116.404, lat 39.915):
--     wgs84togcj02 -> 116.41024449916938, 39.91640428150164
--     gcj02tobd09  -> 116.41036949371029, 39.92133699351021
--     bd09togcj02  -> 116.39762729119315, 39.90865673957631 (one-step approximation)
--     gcj02towgs84 -> 116.39775550083061, 39.91359571849836 (one-step approximation)
--   googollee/eviltransform go/transform_test.go ({wgsLat, wgsLng, gcjLat, gcjLng}):
--     shanghai {31.1774276, 121.5272106, 31.17530398364597, 121.531541859215}
--     shenzhen {22.543847, 113.912316, 22.540796131694766, 113.9171764808363}
--     beijing  {39.911954, 116.377817, 39.91334545536069, 116.38404722455657}
\pset null '(null)'

-- forward transforms agree with the published ones to 1e-9 degree (0.1 mm)
SELECT name,
       abs(ST_X(cp.wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(wlng, wlat), 4326))) - glng) < 1e-9 AND
       abs(ST_Y(cp.wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(wlng, wlat), 4326))) - glat) < 1e-9 AS wgs84_to_gcj02_matches
  FROM (VALUES ('coordtransform', 116.404, 39.915, 116.41024449916938, 39.91640428150164),
               ('shanghai', 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
               ('shenzhen', 113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
               ('beijing', 116.377817, 39.911954, 116.38404722455657, 39.91334545536069))
       AS ref(name, wlng, wlat, glng, glat);
SELECT ST_AsText(cp.wgs84_to_gcj02('SRID=4326;POINT(116.404 39.915)'), 9) AS gcj02,
       ST_AsText(cp.gcj02_to_bd09('SRID=4326;POINT(116.404 39.915)'), 9) AS bd09;

-- inverses are exact (iterative); the published one-step inverses are a few cm to 1 m off
SELECT ST_AsText(cp.gcj02_to_wgs84('SRID=4326;POINT(116.404 39.915)'), 9) AS wgs84,
       round(ST_Distance(cp.gcj02_to_wgs84('SRID=4326;POINT(116.404 39.915)')::geography,
                         'SRID=4326;POINT(116.39775550083061 39.91359571849836)'::geography)::numeric, 2)
         AS metres_from_one_step;
SELECT ST_AsText(cp.bd09_to_gcj02('SRID=4326;POINT(116.404 39.915)'), 9) AS gcj02,
       round(ST_Distance(cp.bd09_to_gcj02('SRID=4326;POINT(116.404 39.915)')::geography,
                         'SRID=4326;POINT(116.39762729119315 39.90865673957631)'::geography)::numeric, 2)
         AS metres_from_one_step;
-- the GCJ-02 of the reference points goes back to their WGS84 within a millimetre
SELECT name,
       ST_Distance(cp.gcj02_to_wgs84(ST_SetSRID(ST_MakePoint(glng, glat), 4326))::geography,
                   ST_SetSRID(ST_MakePoint(wlng, wlat), 4326)::geography) < 0.001 AS back_within_1mm
  FROM (VALUES ('shanghai', 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597),
               ('shenzhen', 113.912316, 22.543847, 113.9171764808363, 22.540796131694766),
               ('beijing', 116.377817, 39.911954, 116.38404722455657, 39.91334545536069))
       AS ref(name, wlng, wlat, glng, glat);
SELECT ST_AsText(cp.wgs84_to_bd09('SRID=4326;POINT(116.404 39.915)'), 9) AS bd09,
       ST_AsText(cp.bd09_to_wgs84(cp.wgs84_to_bd09('SRID=4326;POINT(116.404 39.915)')), 9) AS back;

-- every geometry type; Z and M kept; SRID kept
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;LINESTRING(116 39,116.5 39.5)'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;POLYGON((116 39,117 39,117 40,116 39),(116.8 39.2,116.9 39.2,116.9 39.3,116.8 39.2))'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;MULTIPOLYGON ZM(((116 39 1 2,117 39 3 4,117 40 5 6,116 39 1 2)))'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;POINT M(116 39 7)'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;MULTIPOINT Z(116 39 10,121 31 20)'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;MULTILINESTRING((116 39,117 40),(121 31,121.1 31.1))'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;GEOMETRYCOLLECTION(POINT(116 39),LINESTRING(116 39,117 40),GEOMETRYCOLLECTION(POINT(121 31)),POINT EMPTY,MULTIPOINT EMPTY)'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;CIRCULARSTRING(116 39,116.5 39.5,117 39)'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;CURVEPOLYGON(COMPOUNDCURVE(CIRCULARSTRING(116 39,116.5 39.5,117 39),(117 39,116 39)))'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;TRIANGLE((116 39,117 39,117 40,116 39))'), 6);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;POINT EMPTY'));
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;POLYGON EMPTY'));
-- each vertex moves as the point would: the transform is per coordinate
SELECT ST_Equals(ST_PointN(cp.wgs84_to_gcj02('SRID=4326;LINESTRING(116 39,121 31)'), 2),
                 cp.wgs84_to_gcj02('SRID=4326;POINT(121 31)')) AS per_vertex;

-- outside China (72.004-137.8347 E, 0.8293-55.8271 N) nothing moves, in every direction
SELECT f, ST_AsText(g) AS result
  FROM (VALUES ('wgs84_to_gcj02', cp.wgs84_to_gcj02('SRID=4326;POINT(7.42 43.73)')),
               ('gcj02_to_wgs84', cp.gcj02_to_wgs84('SRID=4326;POINT(7.42 43.73)')),
               ('gcj02_to_bd09', cp.gcj02_to_bd09('SRID=4326;POINT(7.42 43.73)')),
               ('bd09_to_gcj02', cp.bd09_to_gcj02('SRID=4326;POINT(7.42 43.73)')),
               ('wgs84_to_bd09', cp.wgs84_to_bd09('SRID=4326;POINT(7.42 43.73)')),
               ('bd09_to_wgs84', cp.bd09_to_wgs84('SRID=4326;POINT(7.42 43.73)'))) AS t(f, g);
-- the box edges: just inside moves, just outside does not
SELECT ST_AsText(cp.wgs84_to_gcj02('SRID=4326;POINT(72.0039 30)'), 6) AS west_outside,
       ST_AsText(cp.wgs84_to_gcj02('SRID=4326;POINT(72.0041 30)'), 6) AS west_inside,
       ST_AsText(cp.wgs84_to_gcj02('SRID=4326;POINT(120 55.8272)'), 6) AS north_outside;
-- a line crossing the box edge: only its vertices inside move
SELECT ST_AsText(cp.wgs84_to_gcj02('SRID=4326;LINESTRING(138 40,137 40)'), 6);
-- non-finite coordinates are left alone
SELECT ST_AsText(cp.wgs84_to_gcj02(ST_SetSRID(ST_MakePoint('Infinity'::float8, 30), 4326)));

-- SRID 0 is read as 4326 and kept 0
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('POINT(116.404 39.915)'), 9);
-- CGCS2000 longitude/latitude (EPSG:4490) is shifted as 4326 and keeps its SRID; any other SRID
-- goes to longitude/latitude through PROJ and back (test/sql/cgcs2000.sql); an unknown one is 22023
SELECT ST_AsEWKT(cp.bd09_to_wgs84('SRID=4490;POINT(116 39)'), 9);
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=3857;POINT(12958000 4852000)'), 3);
SELECT cp.wgs84_to_gcj02('SRID=999999;POINT(116 39)');

-- NULL in, NULL out (STRICT)
SELECT cp.wgs84_to_gcj02(NULL), cp.gcj02_to_wgs84(NULL), cp.gcj02_to_bd09(NULL),
       cp.bd09_to_gcj02(NULL), cp.wgs84_to_bd09(NULL), cp.bd09_to_wgs84(NULL);
SELECT cp.chinacoord_ewkb(NULL, 'wgs84', 'gcj02'), cp.chinacoord_ewkb('\x00'::bytea, NULL, 'gcj02'),
       cp.chinacoord_ewkb('\x00'::bytea, 'wgs84', NULL);

-- the byte-level function: names are case-insensitive, unknown names and bad bytes are errors
SELECT ST_AsText(cp.chinacoord_ewkb(ST_AsEWKB('SRID=4326;POINT(116.404 39.915)'::geometry), 'WGS84', 'GCJ02')::geometry, 9);
SELECT cp.chinacoord_ewkb(ST_AsEWKB('POINT(116 39)'::geometry), 'wgs84', 'wgs84') = ST_AsEWKB('POINT(116 39)'::geometry) AS same_system_is_identity;
SELECT ST_AsText(cp.chinacoord_ewkb(ST_AsBinary('POINT(116.404 39.915)'::geometry, 'XDR'), 'wgs84', 'gcj02')::geometry, 9) AS big_endian_wkb;
SELECT cp.chinacoord_ewkb(ST_AsEWKB('POINT(116 39)'::geometry), 'wgs84', 'cgcs2000');
SELECT cp.chinacoord_ewkb(ST_AsEWKB('POINT(116 39)'::geometry), 'mars', 'wgs84');
SELECT cp.chinacoord_ewkb('\x'::bytea, 'wgs84', 'gcj02');
SELECT cp.chinacoord_ewkb('\x0101000000'::bytea, 'wgs84', 'gcj02');
SELECT cp.chinacoord_ewkb('\x0163000000'::bytea, 'wgs84', 'gcj02');
SELECT cp.chinacoord_ewkb('\x05'::bytea, 'wgs84', 'gcj02');
SELECT cp.chinacoord_ewkb(ST_AsEWKB('POINT(116 39)'::geometry) || '\x00'::bytea, 'wgs84', 'gcj02');
SELECT cp.chinacoord_ewkb('\x0102000000ffffff7f'::bytea, 'wgs84', 'gcj02');
