-- community_planning 0.1.0: install script, assembled from sql/parts/ by make.
-- Objects live in schema cp, created here as a member of the extension.

\echo Use "CREATE EXTENSION community_planning CASCADE" to load this file. \quit

CREATE SCHEMA cp;
COMMENT ON SCHEMA cp IS 'community_planning: walking catchments, coverage, parking, heritage, scorecard';
GRANT USAGE ON SCHEMA cp TO PUBLIC;

-- Foundation ----------------------------------------------------------------

CREATE FUNCTION cp.version() RETURNS jsonb
AS 'MODULE_PATHNAME', 'cp_version'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cp.version() IS
  'Versions of community_planning and of the PostgreSQL, GEOS and PROJ it runs with, as jsonb';

CREATE FUNCTION cp.postgis_version() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, public
AS $$ SELECT extversion::text FROM pg_extension WHERE extname = 'postgis' $$;
COMMENT ON FUNCTION cp.postgis_version() IS
  'Version of the PostGIS extension that community_planning is installed on';
