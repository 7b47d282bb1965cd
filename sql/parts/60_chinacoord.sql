
-- China's map coordinate systems: WGS84 <-> GCJ-02 <-> BD-09 ------------------
-- C rewrites every coordinate of the EWKB in a copy; SQL casts back (as h3-pg).
-- SRID 4326, SRID 0 (read as 4326) and CGCS2000's EPSG:4490 are shifted as
-- they are; any other SRID (CGCS2000 Gauss-Kruger EPSG:4534-4554, UTM, ...)
-- goes to EPSG:4326 through PROJ and back. The SRID is kept as given.
-- Outside China's bounding box nothing moves.

CREATE FUNCTION cp.chinacoord_ewkb(ewkb bytea, from_system text, to_system text) RETURNS bytea
AS 'MODULE_PATHNAME', 'cp_chinacoord_ewkb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp.chinacoord_ewkb(bytea, text, text) IS
  'EWKB of any geometry with every coordinate moved between wgs84, gcj02 and bd09, in its own SRID (EPSG:4326, 0 and 4490 as they are, any other through longitude/latitude and back; used by cp.wgs84_to_gcj02 and friends)';

CREATE FUNCTION cp.wgs84_to_gcj02(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'wgs84', 'gcj02')::geometry $$;
COMMENT ON FUNCTION cp.wgs84_to_gcj02(geometry) IS
  'WGS84 longitude/latitude to GCJ-02 (Amap, Tencent); any geometry type, Z/M kept, identity outside China';

CREATE FUNCTION cp.gcj02_to_wgs84(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'gcj02', 'wgs84')::geometry $$;
COMMENT ON FUNCTION cp.gcj02_to_wgs84(geometry) IS
  'GCJ-02 (Amap, Tencent) to WGS84, solved iteratively (error far below 1 mm); any geometry type, identity outside China';

CREATE FUNCTION cp.gcj02_to_bd09(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'gcj02', 'bd09')::geometry $$;
COMMENT ON FUNCTION cp.gcj02_to_bd09(geometry) IS
  'GCJ-02 (Amap, Tencent) to BD-09 (Baidu); any geometry type, Z/M kept, identity outside China';

CREATE FUNCTION cp.bd09_to_gcj02(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'bd09', 'gcj02')::geometry $$;
COMMENT ON FUNCTION cp.bd09_to_gcj02(geometry) IS
  'BD-09 (Baidu) to GCJ-02 (Amap, Tencent), solved iteratively; any geometry type, identity outside China';

CREATE FUNCTION cp.wgs84_to_bd09(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'wgs84', 'bd09')::geometry $$;
COMMENT ON FUNCTION cp.wgs84_to_bd09(geometry) IS
  'WGS84 longitude/latitude to BD-09 (Baidu) through GCJ-02; any geometry type, Z/M kept, identity outside China';

CREATE FUNCTION cp.bd09_to_wgs84(geom geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.chinacoord_ewkb(ST_AsEWKB(geom), 'bd09', 'wgs84')::geometry $$;
COMMENT ON FUNCTION cp.bd09_to_wgs84(geometry) IS
  'BD-09 (Baidu) to WGS84 through GCJ-02, solved iteratively; any geometry type, identity outside China';
