-- community_planning: install script of the current version (default_version in the control file),
-- assembled from sql/parts/ by make.
-- Objects live in schema cp, created here as a member of the extension.

\echo Use "CREATE EXTENSION community_planning CASCADE" to load this file. \quit

CREATE SCHEMA cp;
COMMENT ON SCHEMA cp IS 'community_planning: walking catchments, coverage, parking, heritage, scorecard';
GRANT USAGE ON SCHEMA cp TO PUBLIC;

-- PostGIS's schema, quoted: the one lookup for the search_path below and for
-- the definer code that names PostGIS explicitly (40_heritage.sql).
CREATE FUNCTION cp._postgis_schema() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, cp, pg_temp
AS $$
  SELECT pg_catalog.quote_ident(n.nspname)
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
   WHERE e.extname OPERATOR(pg_catalog.=) 'postgis'
$$;
COMMENT ON FUNCTION cp._postgis_schema() IS
  'Internal: the schema PostGIS is installed in, quoted for SQL text';

-- One search_path convention (docs/development.md): every function is created
-- with SET search_path FROM CURRENT, and CURRENT is pinned here to trusted
-- schemas only: pg_catalog first (built-ins win), the extension's own schema,
-- PostGIS's schema as resolved at install time, pg_temp last. The three
-- SECURITY DEFINER paths (heritage triggers) use pg_catalog, cp, pg_temp and
-- name every PostGIS call with its schema.
SELECT pg_catalog.set_config('search_path', 'pg_catalog, cp, ' || cp._postgis_schema() || ', pg_temp', true);

-- Foundation ----------------------------------------------------------------

CREATE FUNCTION cp.version() RETURNS jsonb
AS 'MODULE_PATHNAME', 'cp_version'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cp.version() IS
  'Versions of community_planning and of the PostgreSQL, GEOS and PROJ it runs with, as jsonb';

CREATE FUNCTION cp.postgis_version() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT extversion::text FROM pg_extension WHERE extname = 'postgis' $$;
COMMENT ON FUNCTION cp.postgis_version() IS
  'Version of the PostGIS extension that community_planning is installed on';
