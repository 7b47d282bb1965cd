
-- Service catchments ------------------------------------------------------------

CREATE FUNCTION cp._catchment(network text, origin geometry, cutoffs float8[], method text,
  buffer_m float8, speed_m_per_min float8, by_time boolean, max_snap_m float8,
  OUT cutoff float8, OUT area_m2 float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_catchment_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._catchment(text, geometry, float8[], text, float8, float8, boolean, float8) IS
  'Internal: catchment polygons of one origin, one search for all cutoffs';

CREATE FUNCTION cp.catchment(network text, origin geometry,
  cutoffs float8[] DEFAULT '{300,500,1000}', method text DEFAULT 'edges', buffer_m float8 DEFAULT 25,
  profile text DEFAULT 'walk', unit text DEFAULT 'm', max_snap_m float8 DEFAULT 250)
RETURNS TABLE (cutoff float8, area_m2 float8, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT c.cutoff, c.area_m2, c.geom::geometry
    FROM cp._catchment(network, origin, cutoffs, method, buffer_m,
                       cp._profile_speed(profile), cp._unit_is_time(unit), max_snap_m) c
$$;
COMMENT ON FUNCTION cp.catchment(text, geometry, float8[], text, float8, text, text, float8) IS
  'Walking catchment of one facility: one MultiPolygon per cutoff (metres, or minutes with unit => ''min''), nested, in the network SRID; method ''edges'' buffers the reached network including partly reached edges, ''hull'' wraps it in a concave hull';

CREATE FUNCTION cp._catchments(network text, facilities_sql text, cutoffs float8[], method text,
  buffer_m float8, speed_m_per_min float8, by_time boolean, max_snap_m float8,
  OUT facility_id bigint, OUT cutoff float8, OUT area_m2 float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_catchments_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._catchments(text, text, float8[], text, float8, float8, boolean, float8) IS
  'Internal: catchment polygons of every facility of a query';

CREATE FUNCTION cp.catchments(network text, facilities_sql text,
  cutoffs float8[] DEFAULT '{300,500,1000}', method text DEFAULT 'edges', buffer_m float8 DEFAULT 25,
  profile text DEFAULT 'walk', unit text DEFAULT 'm', max_snap_m float8 DEFAULT 250)
RETURNS TABLE (facility_id bigint, cutoff float8, area_m2 float8, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT c.facility_id, c.cutoff, c.area_m2, c.geom::geometry
    FROM cp._catchments(network, facilities_sql, cutoffs, method, buffer_m,
                        cp._profile_speed(profile), cp._unit_is_time(unit), max_snap_m) c
$$;
COMMENT ON FUNCTION cp.catchments(text, text, float8[], text, float8, text, text, float8) IS
  'Walking catchments of every facility of an (id, geom) query: one MultiPolygon per facility and cutoff, ready for CREATE TABLE ... AS and QGIS';
