-- Issue 13, section 1: inputs that crashed the backend or were silently dropped.
-- Each statement must end with a result or a specific error, never a crash.
SET client_min_messages = warning;
-- an 11 x 11 street grid of 100 m blocks, noded at every crossing (SRID 32650)
CREATE TABLE safety_grid AS
SELECT row_number() OVER () AS id, geom FROM (
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + i * 100, 3300000 + j * 100),
                                ST_MakePoint(400000 + i * 100 + 100, 3300000 + j * 100)), 32650) AS geom
    FROM generate_series(0, 9) i, generate_series(0, 10) j
  UNION ALL
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + i * 100, 3300000 + j * 100),
                                ST_MakePoint(400000 + i * 100, 3300000 + j * 100 + 100)), 32650)
    FROM generate_series(0, 10) i, generate_series(0, 9) j) g;
SELECT nodes, edges, components FROM cp.network_build('g', 'SELECT id, geom FROM safety_grid');

-- Collections with EMPTY members (GEOSPointOnSurface crashed on them): the empty members are dropped
SELECT edge_id, round(fraction::numeric, 3) AS fraction, snap_distance_m
  FROM cp.snap('g', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400550 3300500))');
SELECT edge_id, round(fraction::numeric, 3) AS fraction FROM cp.snap('g', 'SRID=32650;MULTIPOINT(EMPTY, 400550 3300500)');
SELECT edge_id, round(fraction::numeric, 3) AS fraction
  FROM cp.snap('g', 'SRID=32650;GEOMETRYCOLLECTION(LINESTRING EMPTY, POINT(400550 3300500))');
SELECT edge_id FROM cp.snap('g', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, LINESTRING EMPTY)');
SELECT edge_id FROM cp.snap('g', 'SRID=32650;GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT EMPTY), MULTIPOLYGON(EMPTY, ((400520 3300520, 400580 3300520, 400580 3300580, 400520 3300520))))');
SELECT round(cp.walk_distance('g', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400550 3300500))',
                              'SRID=32650;MULTIPOINT(EMPTY, 400950 3300900)')::numeric, 3) AS walk_m;
SELECT round(cp.walk_minutes('g', 'SRID=32650;MULTIPOINT(EMPTY, 400550 3300500)',
                             'SRID=32650;GEOMETRYCOLLECTION(LINESTRING EMPTY, POINT(400950 3300900))')::numeric, 3) AS walk_min;
SELECT cutoff, round(area_m2) > 0 AS has_area
  FROM cp.catchment('g', 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400550 3300500))', '{300}');
-- as rows of data sets: origins, targets, facilities, residents, communities
SELECT target_id, origin_id, round(distance_m::numeric, 3) AS distance_m
  FROM cp.nearest('g', $$SELECT 1 AS id, 'SRID=32650;MULTIPOINT(EMPTY, 400550 3300500)'::geometry AS geom$$,
                  $$SELECT 7 AS id, 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400550 3300600))'::geometry AS geom$$, 1000);
SELECT facility_id, cutoff FROM cp.catchments('g',
  $$SELECT 1 AS id, 'SRID=32650;GEOMETRYCOLLECTION(LINESTRING EMPTY, POINT(400550 3300500))'::geometry AS geom$$, '{200}');
SELECT category, population, covered_population FROM cp.coverage('g',
  $$SELECT 1 AS id, 'SRID=32650;MULTIPOINT(EMPTY, 400550 3300600)'::geometry AS geom, 10 AS population$$,
  $$SELECT 1 AS id, 'kindergarten' AS category, 'SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POINT(400550 3300500))'::geometry AS geom$$,
  $$SELECT 1 AS id, 'SRID=32650;MULTIPOLYGON(EMPTY, ((400000 3300000, 401000 3300000, 401000 3301000, 400000 3301000, 400000 3300000)))'::geometry AS geom$$)
 WHERE category = 'kindergarten';

-- NaN and Infinity coordinates are an error naming the row, not "not snapped"
SELECT * FROM cp.snap('g', 'SRID=32650;POINT(NaN 3300500)');
SELECT * FROM cp.snap('g', ST_SetSRID(ST_MakePoint('Infinity'::float8, 3300500), 32650));
SELECT * FROM cp.snap('g', 'SRID=32650;LINESTRING(400500 3300500, NaN 3300600)');
SELECT * FROM cp.nearest('g', $$SELECT 1 AS id, 'SRID=32650;POINT(400550 3300500)'::geometry AS geom$$,
  $$SELECT i AS id, ST_SetSRID(ST_MakePoint(CASE WHEN i = 3 THEN '-Infinity'::float8 ELSE 400500 END, 3300500), 32650) AS geom
      FROM generate_series(1, 5) i$$, 1000);
SELECT * FROM cp.coverage('g', $$SELECT 4 AS id, 'SRID=32650;POINT(400500 NaN)'::geometry AS geom, 10 AS population$$,
  $$SELECT 1 AS id, 'kindergarten' AS category, 'SRID=32650;POINT(400550 3300500)'::geometry AS geom$$);
-- an empty point is still an empty point: no row
SELECT count(*) FROM cp.snap('g', 'SRID=32650;POINT EMPTY');

-- Curves, surfaces and TINs: not supported, said so
SELECT * FROM cp.snap('g', 'SRID=32650;CIRCULARSTRING(400000 3300000, 400500 3300500, 401000 3300000)');
SELECT * FROM cp.snap('g', 'SRID=32650;GEOMETRYCOLLECTION(CURVEPOLYGON(CIRCULARSTRING(400000 3300000, 400500 3300500, 400000 3300000)))');
SELECT * FROM cp.snap('g', 'SRID=32650;TIN(((0 0 0, 0 1 0, 1 1 0, 0 0 0)))');

-- Deeply nested collections: refused before GEOS's recursive reader sees them
SELECT * FROM cp.snap('g', (SELECT ST_SetSRID(ST_GeomFromEWKB(decode(repeat('010700000001000000', 40) || '0101000000' || repeat('00', 16), 'hex')), 32650)));
SELECT cp.chinacoord_ewkb(decode(repeat('010700000001000000', 200000) || '0101000000' || repeat('00', 16), 'hex'), 'wgs84', 'gcj02');
-- the internal functions take geometry, so raw bytes are parsed by PostGIS first
SELECT count(*) FROM cp._snap('g', decode(repeat('010700000001000000', 200000) || '0101000000' || repeat('00', 16), 'hex'), 250);
SELECT count(*) FROM cp._snap('g', 'SRID=32650;POINT(400550 3300500)'::geometry, 250);

-- The checked way the SQL parts read a caller's geom column
SELECT ST_AsEWKT(cp._geometry_ewkb('SRID=4326;POINT(116.3 39.98)'::geometry)::geometry) AS same,
       ST_AsText(ST_SnapToGrid(cp._geometry_ewkb('SRID=4326;POINT(117 39)'::geometry, 4548)::geometry, 0.01)) AS cgcs2000_gk_117e,
       ST_SRID(cp._geometry_ewkb('SRID=4326;POINT(117 39)'::geometry, 4548)::geometry) AS srid,
       cp._geometry_ewkb(NULL::geometry, 4548) IS NULL AS null_in_null_out;
SELECT cp._geometry_ewkb(ST_AsEWKB('SRID=32650;POINT(1 2)'::geometry)) = ST_AsEWKB('SRID=32650;POINT(1 2)'::geometry) AS ewkb_bytea_kept;
SELECT cp._geometry_ewkb('x'::text);
SELECT cp._geometry_ewkb('POINT(1 2)'::geometry, 4548);
SELECT cp._geometry_ewkb('SRID=32650;POINT(NaN 2)'::geometry);
SELECT ST_AsText(cp._surface_point('SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY, POLYGON((0 0, 10 0, 10 10, 0 10, 0 0)))'::geometry, 32650)::geometry) AS point_on_surface,
       cp._surface_point('SRID=32650;GEOMETRYCOLLECTION(POINT EMPTY)'::geometry, 32650) IS NULL AS empty_is_null,
       ST_SRID(cp._surface_point('SRID=4326;POINT(117 39)'::geometry, 4548)::geometry) AS srid;
SELECT cp._surface_point('SRID=32650;POINT(1 2)'::geometry, 0);
SELECT cp._surface_point(42, 32650);

-- Long straight edges: the snapping grid coarsens its cells instead of overflowing its references
-- (2048 edges across 10 485 km in one row of 5 m cells would be 2^32 references)
SELECT nodes, edges FROM cp.network_build('longlines',
  $$SELECT i AS id, ST_SetSRID(ST_MakeLine(ST_MakePoint(0, 0), ST_MakePoint(10485755, 0)), 3857) AS geom
      FROM generate_series(1, 2048) i$$);
SELECT edge_id, round(snap_distance_m::numeric, 3) AS snap_distance_m FROM cp.snap('longlines', 'SRID=3857;POINT(100 1)');
-- coordinates beyond any projected Earth are refused at build time
SELECT * FROM cp.network_build('far', $$SELECT 1 AS id, 'SRID=3857;LINESTRING(0 0, 1e10 0)'::geometry AS geom$$);
