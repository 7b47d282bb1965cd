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

-- Walking network engine ------------------------------------------------------

CREATE SEQUENCE cp.network_build_seq;
COMMENT ON SEQUENCE cp.network_build_seq IS 'Build numbers: a cached network is reloaded when its number changes';

-- Compiled networks. The compiled form is kept (not only the definition), so a
-- network survives reconnects, restarts and pg_dump/restore without rebuilding.
CREATE TABLE cp.network_catalog (
  name            text PRIMARY KEY CHECK (name <> ''),
  edges_sql       text NOT NULL,
  tolerance_m     float8 NOT NULL,
  srid            integer NOT NULL,
  source_srid     integer NOT NULL,
  nodes           bigint NOT NULL,
  edges           bigint NOT NULL,
  input_edges     bigint NOT NULL,
  components      integer NOT NULL,
  largest_component_share float8 NOT NULL,
  total_length_m  float8 NOT NULL,
  compiled_bytes  bigint NOT NULL,
  geometry_bytes  bigint NOT NULL,
  has_z           boolean NOT NULL,
  build_id        bigint NOT NULL DEFAULT nextval('cp.network_build_seq'),
  built_at        timestamptz NOT NULL DEFAULT now(),
  compiled        bytea NOT NULL,
  owner           name NOT NULL DEFAULT current_user
);
ALTER TABLE cp.network_catalog ALTER COLUMN compiled SET STORAGE EXTERNAL;
COMMENT ON TABLE cp.network_catalog IS
  'Compiled walking networks (cp.network_build); dumped by pg_dump with the extension. Row-level security: everyone with SELECT reads every network; only its owner (a member of the owner role) or cp_admin may rebuild or drop one (docs/security.md)';
COMMENT ON COLUMN cp.network_catalog.owner IS
  'Role that built the network; only its members and cp_admin may rebuild or drop it';
SELECT pg_catalog.pg_extension_config_dump('cp.network_catalog', '');
SELECT pg_catalog.pg_extension_config_dump('cp.network_build_seq', '');

CREATE VIEW cp.networks AS
SELECT name, srid, source_srid, nodes, edges, input_edges, components,
       largest_component_share, total_length_m, compiled_bytes,
       round(compiled_bytes::numeric / greatest(edges, 1), 1) AS bytes_per_edge,
       round((compiled_bytes - geometry_bytes)::numeric / greatest(edges, 1), 1) AS graph_bytes_per_edge,
       has_z, tolerance_m, edges_sql, built_at, owner
  FROM cp.network_catalog;
COMMENT ON VIEW cp.networks IS
  'Built networks: metric SRID, nodes, edges (pieces after splitting), connected components, share of length in the largest, total length (m), compiled size in all and without the edge geometry (graph_bytes_per_edge), the role that owns it';

-- Walking profiles: speeds turn metres into minutes.
CREATE TABLE cp.walk_profiles (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]*$'),
  speed_kmh   float8 NOT NULL CHECK (speed_kmh > 0 AND speed_kmh < 30),
  slope       boolean NOT NULL DEFAULT true,
  description text NOT NULL,
  source      text NOT NULL
);
COMMENT ON TABLE cp.walk_profiles IS
  'Walking profiles: flat-ground speed, whether slope (Tobler) applies, and the source of the figure';
INSERT INTO cp.walk_profiles VALUES
  ('walk', 5.0, true, 'adult pedestrian on flat ground',
   'Tobler (1993) hiking function: 6 exp(-3.5 |s + 0.05|) km/h gives 5.04 km/h on flat ground'),
  ('elderly', 3.3, true, 'older or slower pedestrian on flat ground (0.91 m/s)',
   'US MUTCD 2009 section 4E.06: 3.0 ft/s (0.91 m/s) walking speed for slower pedestrians'),
  ('wheelchair', 3.6, true, 'manual wheelchair user on flat ground (1.0 m/s)',
   'Approximate: 1.0 m/s, within the 0.7-1.3 m/s range reported for manual wheelchair users; editable');
-- The shipped profiles come back with CREATE EXTENSION; pg_dump keeps the district's own.
SELECT pg_catalog.pg_extension_config_dump('cp.walk_profiles',
  $$WHERE name NOT IN ('walk', 'elderly', 'wheelchair')$$);
GRANT SELECT ON cp.walk_profiles TO PUBLIC;

-- Who may replace or drop a network: its owner's members and cp_admin's.
CREATE FUNCTION cp._network_may_manage(owner name) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                  WHERE r.rolname OPERATOR(pg_catalog.=) owner
                    AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
      OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r
                  WHERE r.rolname OPERATOR(pg_catalog.=) 'cp_admin'
                    AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
$$;
COMMENT ON FUNCTION cp._network_may_manage(name) IS
  'Internal: true when the current role may rebuild or drop a network owned by this role (a member of it, or of cp_admin)';

-- Row-level security: anyone who may read the catalogue reads every network;
-- a network belongs to the role that last built it; only its owner's members
-- and cp_admin replace or drop it, and a replaced row belongs to whoever
-- replaced it. The extension owner is not bound by it.
ALTER TABLE cp.network_catalog ENABLE ROW LEVEL SECURITY;
CREATE POLICY network_read ON cp.network_catalog FOR SELECT USING (true);
CREATE POLICY network_insert ON cp.network_catalog FOR INSERT
  WITH CHECK (owner OPERATOR(pg_catalog.=) current_user);
-- whoever replaces a row owns what it stores (its edges query is theirs from then on)
CREATE POLICY network_update ON cp.network_catalog FOR UPDATE
  USING (cp._network_may_manage(owner)) WITH CHECK (owner OPERATOR(pg_catalog.=) current_user);
CREATE POLICY network_delete ON cp.network_catalog FOR DELETE
  USING (cp._network_may_manage(owner));

CREATE FUNCTION cp._network_compile(edges_sql text, tolerance_m float8) RETURNS bytea
AS 'MODULE_PATHNAME', 'cp_network_compile_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._network_compile(text, float8) IS
  'Internal: compile an edges query into the network blob (use cp.network_build)';

CREATE FUNCTION cp._network_summary(compiled bytea,
  OUT srid integer, OUT source_srid integer, OUT nodes bigint, OUT edges bigint,
  OUT input_edges bigint, OUT components integer, OUT largest_component_share float8,
  OUT total_length_m float8, OUT compiled_bytes bigint, OUT has_z boolean, OUT geometry_bytes bigint)
AS 'MODULE_PATHNAME', 'cp_network_summary_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._network_summary(bytea) IS 'Internal: summary of a compiled network blob';

-- A clear 42501 before a write that row-level security would refuse.
CREATE FUNCTION cp._network_check_manage(network text, action text) RETURNS void
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  net_owner name;
BEGIN
  SELECT c.owner INTO net_owner FROM cp.network_catalog c WHERE c.name = network;
  IF FOUND AND NOT cp._network_may_manage(net_owner) THEN
    RAISE EXCEPTION 'permission denied to % network "%"', action, network
      USING ERRCODE = '42501',
            DETAIL = pg_catalog.format('The network belongs to role %I.', net_owner),
            HINT = 'Only members of the owning role and of cp_admin may rebuild or drop a network; choose another name to build your own.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._network_check_manage(text, text) IS
  'Internal: refuses (42501) to rebuild or drop a network the current role does not own';

CREATE FUNCTION cp.network_build(name text, edges_sql text, tolerance_m float8 DEFAULT 0.5)
RETURNS SETOF cp.networks
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  blob bytea;
BEGIN
  IF name = '' THEN
    RAISE EXCEPTION 'network name must not be empty' USING ERRCODE = '22023';
  END IF;
  PERFORM cp._network_check_manage(name, 'rebuild');
  blob := cp._network_compile(edges_sql, tolerance_m);
  INSERT INTO cp.network_catalog AS c
         (name, edges_sql, tolerance_m, srid, source_srid, nodes, edges, input_edges, components,
          largest_component_share, total_length_m, compiled_bytes, geometry_bytes, has_z, compiled)
  SELECT network_build.name, network_build.edges_sql, network_build.tolerance_m, s.srid, s.source_srid,
         s.nodes, s.edges, s.input_edges, s.components, s.largest_component_share, s.total_length_m,
         s.compiled_bytes, s.geometry_bytes, s.has_z, blob
    FROM cp._network_summary(blob) s
  ON CONFLICT ON CONSTRAINT network_catalog_pkey DO UPDATE
     SET edges_sql = excluded.edges_sql, tolerance_m = excluded.tolerance_m, srid = excluded.srid,
         source_srid = excluded.source_srid, nodes = excluded.nodes, edges = excluded.edges,
         input_edges = excluded.input_edges, components = excluded.components,
         largest_component_share = excluded.largest_component_share,
         total_length_m = excluded.total_length_m, compiled_bytes = excluded.compiled_bytes,
         geometry_bytes = excluded.geometry_bytes,
         has_z = excluded.has_z, compiled = excluded.compiled, owner = current_user,
         build_id = nextval('cp.network_build_seq'), built_at = now();
  RETURN QUERY SELECT * FROM cp.networks n WHERE n.name = network_build.name;
END
$$;
COMMENT ON FUNCTION cp.network_build(text, text, float8) IS
  'Compile a walking network from an edges query (id, geom[, source, target, cost, reverse_cost]) and store it; returns its summary';

-- The one "no such network" error of the SQL layer, worded as the engine's (src/network_cache.c).
CREATE FUNCTION cp._network_missing(name text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
BEGIN
  RAISE EXCEPTION 'network "%" does not exist', name
    USING ERRCODE = '42704', HINT = 'Build it with cp.network_build(); cp.networks lists the built ones.';
END
$$;
COMMENT ON FUNCTION cp._network_missing(text) IS 'Internal: raises 42704 "network does not exist", as the engine does';

CREATE FUNCTION cp.network_rebuild(name text) RETURNS SETOF cp.networks
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  def record;
BEGIN
  SELECT c.edges_sql, c.tolerance_m, c.owner INTO def FROM cp.network_catalog c WHERE c.name = network_rebuild.name;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(name);
  END IF;
  PERFORM cp._network_check_manage(name, 'rebuild');
  -- The stored edges query is the owner's code: it runs only in the owner's own
  -- session. Switching role is no sandbox (the query could switch back to the
  -- session user), so a superuser, an admin or a member acting through SET ROLE
  -- builds with an edges query of their own instead.
  IF def.owner IS DISTINCT FROM current_user OR current_user IS DISTINCT FROM session_user THEN
    RAISE EXCEPTION 'cannot rebuild network "%" of role % from its stored definition', name, def.owner
      USING ERRCODE = '42501',
            DETAIL = pg_catalog.format('The stored edges query runs only in a session of role %I itself (this is role %I in a session of %I).',
                            def.owner, current_user, session_user),
            HINT = 'Build it again with an edges query of your own: cp.network_build(name, edges_sql).';
  END IF;
  RETURN QUERY SELECT * FROM cp.network_build(name, def.edges_sql, def.tolerance_m);
END
$$;
COMMENT ON FUNCTION cp.network_rebuild(text) IS
  'Rebuild a network from its stored definition (after its edges changed); only in a session of the network''s owner (the stored query is its code), others build with an edges query of their own';

CREATE FUNCTION cp.network_drop(name text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._network_check_manage(name, 'drop');
  DELETE FROM cp.network_catalog c WHERE c.name = network_drop.name;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(name);
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.network_drop(text) IS 'Drop a built network';

CREATE FUNCTION cp._network_edges(network text,
  OUT edge_id bigint, OUT part integer, OUT piece bigint, OUT source bigint, OUT target bigint,
  OUT length_m float8, OUT cost float8, OUT reverse_cost float8, OUT component integer, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_network_edges_sql'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._network_edges(text) IS 'Internal: pieces of a compiled network with EWKB geometry';

CREATE FUNCTION cp.network_edges(network text)
RETURNS TABLE (edge_id bigint, source bigint, target bigint, length_m float8, component integer,
               geom geometry, part integer, piece bigint, cost float8, reverse_cost float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT e.edge_id, e.source, e.target, e.length_m, e.component, e.geom::geometry,
         e.part, e.piece, e.cost, e.reverse_cost
    FROM cp._network_edges(network) e
$$;
COMMENT ON FUNCTION cp.network_edges(text) IS
  'The compiled network as pieces: input edge id, nodes, length (m), component (1 = largest), geometry in the network SRID, piece number within the edge, unique piece id, costs (-1 = closed)';

CREATE FUNCTION cp._snap(network text, geom geometry, max_snap_m float8,
  OUT edge_id bigint, OUT fraction float8, OUT snap_distance_m float8, OUT geom bytea,
  OUT part integer, OUT piece bigint, OUT piece_fraction float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_snap_sql'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._snap(text, geometry, float8) IS 'Internal: snap a geometry onto a network (its point on the network as EWKB)';

CREATE FUNCTION cp.snap(network text, geom geometry, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (edge_id bigint, fraction float8, snap_distance_m float8, geom geometry,
               part integer, piece bigint, piece_fraction float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT s.edge_id, s.fraction, s.snap_distance_m, s.geom::geometry,
         s.part, s.piece, s.piece_fraction
    FROM cp._snap(network, snap.geom, max_snap_m) s
$$;
COMMENT ON FUNCTION cp.snap(text, geometry, float8) IS
  'Nearest point on the nearest edge (not node) within max_snap_m metres: edge id, fraction along the edge, distance, the point (network SRID), piece and fraction along the piece; no row when too far';

-- A caller's geometry column, checked, for the SQL parts of the analyses
CREATE FUNCTION cp._geometry_ewkb(geom anyelement, srid integer DEFAULT NULL) RETURNS bytea
AS 'MODULE_PATHNAME', 'cp_geometry_ewkb_sql'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cp._geometry_ewkb(anyelement, integer) IS
  'Internal: a geometry (or EWKB bytea) of a caller''s row as checked EWKB (bounded nesting, finite coordinates, no curves), transformed to srid when given; 42804 for any other type';

CREATE FUNCTION cp._surface_point(geom anyelement, srid integer) RETURNS bytea
AS 'MODULE_PATHNAME', 'cp_surface_point_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._surface_point(anyelement, integer) IS
  'Internal: a point of a geometry (the point itself, else a point on its surface, empty members ignored) in SRID srid as EWKB; NULL when empty';

CREATE FUNCTION cp._profile_speed(profile text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  kmh float8;
BEGIN
  SELECT speed_kmh INTO kmh FROM cp.walk_profiles WHERE name = profile;
  IF kmh IS NULL THEN
    RAISE EXCEPTION 'unknown walking profile "%"', profile
      USING ERRCODE = '22023',
            HINT = 'cp.walk_profiles lists the profiles: ' ||
                   (SELECT pg_catalog.string_agg(name, ', ' ORDER BY name) FROM cp.walk_profiles) || '.';
  END IF;
  RETURN kmh * 1000.0 / 60.0;
END
$$;
COMMENT ON FUNCTION cp._profile_speed(text) IS 'Internal: metres per minute of a walking profile';

CREATE FUNCTION cp._unit_is_time(unit text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF unit IN ('m', 'metre', 'meter', 'metres', 'meters') THEN RETURN false; END IF;
  IF unit IN ('min', 'minute', 'minutes') THEN RETURN true; END IF;
  RAISE EXCEPTION 'unknown unit "%"', unit
    USING ERRCODE = '22023', HINT = 'Use ''m'' for metres or ''min'' for minutes.';
END
$$;
COMMENT ON FUNCTION cp._unit_is_time(text) IS 'Internal: true for minutes, false for metres';

CREATE FUNCTION cp._nearest(network text, origins_sql text, targets_sql text, max_cost float8,
  k integer, speed_m_per_min float8, by_time boolean, max_snap_m float8,
  OUT target_id bigint, OUT origin_id bigint, OUT rank integer, OUT distance_m float8, OUT minutes float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_nearest_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._nearest(text, text, text, float8, integer, float8, boolean, float8) IS
  'Internal: k nearest origins of every target in one bounded multi-source search';

CREATE FUNCTION cp.nearest(network text, origins_sql text, targets_sql text, max_cost float8,
  k integer DEFAULT 1, profile text DEFAULT 'walk', unit text DEFAULT 'm', max_snap_m float8 DEFAULT 250)
RETURNS TABLE (target_id bigint, origin_id bigint, rank integer, distance_m float8, minutes float8)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT * FROM cp._nearest(network, origins_sql, targets_sql, max_cost, k,
                            cp._profile_speed(profile), cp._unit_is_time(unit), max_snap_m)
$$;
COMMENT ON FUNCTION cp.nearest(text, text, text, float8, integer, text, text, float8) IS
  'For every target (id, geom query) its k nearest origins (id, geom query) within max_cost (metres, or minutes with unit => ''min'') along the network, walking from target to origin; one row with NULL origin when none is in reach or the target cannot be snapped';

CREATE FUNCTION cp._walk(network text, a geometry, b geometry, speed_m_per_min float8, by_time boolean,
  max_snap_m float8) RETURNS float8
AS 'MODULE_PATHNAME', 'cp_walk_sql'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._walk(text, geometry, geometry, float8, boolean, float8) IS
  'Internal: shortest walk between two points';

CREATE FUNCTION cp.walk_distance(network text, a geometry, b geometry, profile text DEFAULT 'walk',
  max_snap_m float8 DEFAULT 250) RETURNS float8
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT cp._walk(network, a, b,
                  cp._profile_speed(profile), false, max_snap_m)
$$;
COMMENT ON FUNCTION cp.walk_distance(text, geometry, geometry, text, float8) IS
  'Shortest walking distance in metres from a to b along the network (both snapped onto edges); NULL when unreachable or too far from the network';

CREATE FUNCTION cp.walk_minutes(network text, a geometry, b geometry, profile text DEFAULT 'walk',
  max_snap_m float8 DEFAULT 250) RETURNS float8
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT cp._walk(network, a, b,
                  cp._profile_speed(profile), true, max_snap_m)
$$;
COMMENT ON FUNCTION cp.walk_minutes(text, geometry, geometry, text, float8) IS
  'Quickest walk in minutes from a to b for a walking profile (slope-aware when the network has Z); NULL when unreachable';

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

-- Standards catalogue (issues 5 and 6) ---------------------------------------
-- Named standard sets with their life-circle levels, facility categories and
-- parking demand rules. Shipped sets are read-only: a district copies a set
-- with cp.copy_standard() (or starts an empty one) and edits its copy. Only
-- rows of non-shipped sets are dumped by pg_dump (pg_extension_config_dump
-- with "WHERE NOT shipped"), so every user row and every user edit survives
-- dump and restore, and a restore never collides with the shipped rows that
-- CREATE EXTENSION inserts again.

-- Guard for shipped rows, shared by every catalogue table. Extension upgrade
-- scripts that must change shipped rows run
--   SELECT set_config('cp.catalogue_maintenance', 'on', true);
CREATE FUNCTION cp.catalogue_maintenance() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT coalesce(current_setting('cp.catalogue_maintenance', true), '') = 'on' $$;
COMMENT ON FUNCTION cp.catalogue_maintenance() IS
  'True when setting cp.catalogue_maintenance is on: only extension upgrade scripts may then change shipped catalogue rows';

CREATE FUNCTION cp.protect_shipped() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  set_shipped boolean;
  set_code    text;
BEGIN
  IF cp.catalogue_maintenance() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION 'cannot truncate %.%', TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = '55000',
            DETAIL = 'The table holds rows shipped with the extension, which are read-only.',
            HINT = 'Delete your own rows with DELETE ... WHERE NOT shipped.';
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.shipped THEN
    RAISE EXCEPTION 'cannot % a shipped row of %', lower(TG_OP), TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME
      USING ERRCODE = '55000',
            DETAIL = 'Rows shipped with the extension are read-only so that upgrades and pg_dump/restore stay consistent.',
            HINT = CASE WHEN TG_TABLE_NAME IN ('indicators', 'indicator_dimensions', 'indicator_domains')
                        THEN 'Change weight, baseline or targets of a shipped indicator in cp.indicator_local, or add your own indicator.'
                        WHEN TG_TABLE_NAME = 'indicator_computations'
                        THEN 'Add your own indicator with its own computation.'
                        ELSE 'Copy the set with cp.copy_standard(source, target, title_zh) and edit the copy.' END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF TG_TABLE_NAME IN ('facility_categories', 'life_circles', 'parking_standards') THEN
    -- a row belongs to its set: it is shipped exactly when its set is
    set_code := NEW.standard;
    SELECT s.shipped INTO set_shipped FROM cp.facility_standards s WHERE s.code = set_code;
    IF set_shipped THEN
      RAISE EXCEPTION 'cannot add or move rows into shipped standard set "%"', set_code
        USING ERRCODE = '55000',
              DETAIL = 'Rows shipped with the extension are read-only so that upgrades and pg_dump/restore stay consistent.',
              HINT = 'Copy the set with cp.copy_standard(source, target, title_zh) and edit the copy.';
    END IF;
    NEW.shipped := false;   -- unknown set: the foreign key reports it
  ELSIF NEW.shipped THEN
    RAISE EXCEPTION 'cannot mark a row of %.% as shipped', TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = '55000',
            DETAIL = 'Only the extension install and upgrade scripts add shipped rows.',
            HINT = 'Insert the row with shipped = false (the default).';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.protect_shipped() IS
  'Trigger: rejects changes to rows shipped with the extension and TRUNCATE (SQLSTATE 55000) and keeps the shipped flag of set members equal to their set''s';

-- Life-circle level ranks: block < 5min < 10min < 15min (GB 50180-2018 3.0.4).
CREATE FUNCTION cp.life_circle_rank(life_circle text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE life_circle WHEN 'block' THEN 0 WHEN '5min' THEN 1 WHEN '10min' THEN 2 WHEN '15min' THEN 3 END $$;
COMMENT ON FUNCTION cp.life_circle_rank(text) IS
  'Rank of a life-circle level (block 0, 5min 1, 10min 2, 15min 3; NULL for anything else): a level contains every lower-ranked level';

-- Standard sets ---------------------------------------------------------------
CREATE TABLE cp.facility_standards (
  code       text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
  title_zh   text NOT NULL,
  title_en   text,
  issuer     text,
  year       int CHECK (year BETWEEN 1949 AND 2100),
  based_on   text,
  scope      text NOT NULL DEFAULT 'facilities'
             CHECK (scope IN ('facilities', 'parking', 'facilities+parking')),
  source     text,
  note       text,
  shipped    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.facility_standards IS
  'Named standard sets (national, local or a district''s own): facility categories, life-circle levels and parking demand rules refer to a set by code';
COMMENT ON COLUMN cp.facility_standards.code IS 'Stable ASCII code of the set, e.g. GB50180-2018; functions take it as their standard argument';
COMMENT ON COLUMN cp.facility_standards.title_zh IS 'Official Chinese title';
COMMENT ON COLUMN cp.facility_standards.title_en IS 'English title';
COMMENT ON COLUMN cp.facility_standards.issuer IS 'Issuing body';
COMMENT ON COLUMN cp.facility_standards.year IS 'Year of issue';
COMMENT ON COLUMN cp.facility_standards.based_on IS 'Set this one was copied from (provenance only: a set never inherits rows at run time)';
COMMENT ON COLUMN cp.facility_standards.scope IS 'What the set defines: facilities (categories and life circles), parking (demand rules) or both';
COMMENT ON COLUMN cp.facility_standards.source IS 'Where the set''s text was read';
COMMENT ON COLUMN cp.facility_standards.note IS 'Caveats, e.g. which figures could not be verified';
COMMENT ON COLUMN cp.facility_standards.shipped IS 'True for sets shipped with the extension (read-only, not dumped); false for user sets (editable, dumped by pg_dump)';

CREATE TABLE cp.life_circles (
  standard        text NOT NULL REFERENCES cp.facility_standards (code) ON UPDATE CASCADE ON DELETE CASCADE,
  life_circle     text NOT NULL CHECK (life_circle IN ('5min', '10min', '15min', 'block')),
  name_zh         text NOT NULL,
  name_en         text,
  walk_minutes    int CHECK (walk_minutes > 0),
  distance_min_m  float8 CHECK (distance_min_m > 0),
  distance_max_m  float8 CHECK (distance_max_m > 0),
  population_min  int CHECK (population_min > 0),
  population_max  int CHECK (population_max >= population_min),
  dwellings_min   int CHECK (dwellings_min > 0),
  dwellings_max   int CHECK (dwellings_max >= dwellings_min),
  source          text NOT NULL,
  verified        boolean NOT NULL DEFAULT false,
  note            text,
  shipped         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (standard, life_circle),
  CHECK (distance_max_m >= distance_min_m)
);
COMMENT ON TABLE cp.life_circles IS
  'Life-circle levels of a standard set: walking time and distance, resident population and dwellings (GB 50180-2018 table 3.0.4)';
COMMENT ON COLUMN cp.life_circles.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.life_circles.life_circle IS 'Level: 5min, 10min, 15min or block (居住街坊)';
COMMENT ON COLUMN cp.life_circles.name_zh IS 'Chinese name of the level';
COMMENT ON COLUMN cp.life_circles.name_en IS 'English name of the level';
COMMENT ON COLUMN cp.life_circles.walk_minutes IS 'Walking time that names the level';
COMMENT ON COLUMN cp.life_circles.distance_min_m IS 'Lower end of the walking distance of the level, metres';
COMMENT ON COLUMN cp.life_circles.distance_max_m IS 'Walking distance of the level, metres: the radius used for a category without its own radius';
COMMENT ON COLUMN cp.life_circles.population_min IS 'Lower end of the resident population of one unit of this level';
COMMENT ON COLUMN cp.life_circles.population_max IS 'Upper end of the resident population';
COMMENT ON COLUMN cp.life_circles.dwellings_min IS 'Lower end of the number of dwellings (套)';
COMMENT ON COLUMN cp.life_circles.dwellings_max IS 'Upper end of the number of dwellings';
COMMENT ON COLUMN cp.life_circles.source IS 'Clause and where it was read';
COMMENT ON COLUMN cp.life_circles.verified IS 'False when a figure of the row was not read in a source (see note)';
COMMENT ON COLUMN cp.life_circles.note IS 'Which figures are unverified and why';
COMMENT ON COLUMN cp.life_circles.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';

CREATE TABLE cp.facility_categories (
  standard           text NOT NULL,
  code               text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  life_circle        text NOT NULL CHECK (life_circle IN ('5min', '10min', '15min', 'block')),
  radius_m           float8 CHECK (radius_m > 0),
  required           boolean NOT NULL,
  per_1000           float8 CHECK (per_1000 >= 0),
  per_1000_unit      text,
  floor_area_min_m2  float8 CHECK (floor_area_min_m2 >= 0),
  floor_area_max_m2  float8 CHECK (floor_area_max_m2 >= floor_area_min_m2),
  site_area_min_m2   float8 CHECK (site_area_min_m2 >= 0),
  site_area_max_m2   float8 CHECK (site_area_max_m2 >= site_area_min_m2),
  source             text NOT NULL,
  verified           boolean NOT NULL DEFAULT false,
  note               text,
  shipped            boolean NOT NULL DEFAULT false,
  PRIMARY KEY (standard, code, life_circle),
  FOREIGN KEY (standard, life_circle) REFERENCES cp.life_circles (standard, life_circle)
    ON UPDATE CASCADE ON DELETE CASCADE,
  CHECK ((per_1000 IS NULL) = (per_1000_unit IS NULL))
);
COMMENT ON TABLE cp.facility_categories IS
  'Facility categories a standard set requires (or recommends) at each life-circle level, with walking radius and per-1000-resident figures';
COMMENT ON COLUMN cp.facility_categories.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.facility_categories.code IS 'Shared category code (kindergarten, nursery, primary_school, middle_school, health_station, clinic, hospital, pharmacy, elderly_care, elderly_day_care, community_service, culture_activity, library, sports, park, supermarket, market, parcel, canteen, public_toilet); facilities_sql rows carry the same codes';
COMMENT ON COLUMN cp.facility_categories.name_zh IS 'Facility name as the standard writes it';
COMMENT ON COLUMN cp.facility_categories.name_en IS 'English name';
COMMENT ON COLUMN cp.facility_categories.life_circle IS 'Level at which the standard places the facility: 5min, 10min, 15min or block; a level also needs every lower level''s facilities';
COMMENT ON COLUMN cp.facility_categories.radius_m IS 'Walking service radius in metres; NULL when the standard gives none (cp.life_circle_requirements then uses the level''s distance)';
COMMENT ON COLUMN cp.facility_categories.required IS 'True when the standard requires the facility at the level (▲ 应配建); false when it is recommended (△ 宜配建)';
COMMENT ON COLUMN cp.facility_categories.per_1000 IS 'Amount per 1000 residents where the standard gives one';
COMMENT ON COLUMN cp.facility_categories.per_1000_unit IS 'Unit of per_1000, e.g. m² land, places, beds';
COMMENT ON COLUMN cp.facility_categories.floor_area_min_m2 IS 'Minimum building floor area of one facility, m²';
COMMENT ON COLUMN cp.facility_categories.floor_area_max_m2 IS 'Upper end of the building floor area range, m²';
COMMENT ON COLUMN cp.facility_categories.site_area_min_m2 IS 'Minimum site (land) area of one facility, m²';
COMMENT ON COLUMN cp.facility_categories.site_area_max_m2 IS 'Upper end of the site area range, m²';
COMMENT ON COLUMN cp.facility_categories.source IS 'Clause of the standard and where it was read';
COMMENT ON COLUMN cp.facility_categories.verified IS 'False when a figure of the row was not read in a source: check it against the official text before relying on it';
COMMENT ON COLUMN cp.facility_categories.note IS 'Which figures are unverified, merged facilities, caveats';
COMMENT ON COLUMN cp.facility_categories.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';

CREATE TABLE cp.parking_standards (
  standard          text NOT NULL REFERENCES cp.facility_standards (code) ON UPDATE CASCADE ON DELETE CASCADE,
  rule              text NOT NULL CHECK (rule ~ '^[a-z0-9][a-z0-9_.-]*$'),
  use               text NOT NULL CHECK (use ~ '^[a-z][a-z0-9_]*$'),
  community_type    text NOT NULL DEFAULT 'any' CHECK (community_type IN ('any', 'new', 'old', 'rural')),
  flat_area_min_m2  float8 CHECK (flat_area_min_m2 >= 0),
  flat_area_max_m2  float8 CHECK (flat_area_max_m2 > flat_area_min_m2 OR (flat_area_min_m2 IS NULL AND flat_area_max_m2 > 0)),
  basis             text NOT NULL CHECK (basis IN ('household', 'floor_100m2')),
  spaces            float8 NOT NULL CHECK (spaces >= 0 AND spaces < 'Infinity'),
  ev_share          float8 CHECK (ev_share BETWEEN 0 AND 1),
  source            text NOT NULL,
  verified          boolean NOT NULL DEFAULT false,
  note              text,
  shipped           boolean NOT NULL DEFAULT false,
  PRIMARY KEY (standard, rule),
  CHECK (basis = 'household' OR (flat_area_min_m2 IS NULL AND flat_area_max_m2 IS NULL))
);
CREATE UNIQUE INDEX parking_standards_match_key ON cp.parking_standards
  (standard, use, community_type, coalesce(flat_area_min_m2, -1), coalesce(flat_area_max_m2, -1));
COMMENT ON TABLE cp.parking_standards IS
  'Parking demand rules of a standard set: spaces per household (residential, optionally by community type and flat size) or per 100 m² floor area (other uses), EV-charging share';
COMMENT ON COLUMN cp.parking_standards.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.parking_standards.rule IS 'Code of the rule, unique within the set';
COMMENT ON COLUMN cp.parking_standards.use IS 'Building use the rule applies to: residential, office, retail, clinic, school, ... (buildings_sql use codes)';
COMMENT ON COLUMN cp.parking_standards.community_type IS 'new, old, rural, or any (applies when no rule names the community type)';
COMMENT ON COLUMN cp.parking_standards.flat_area_min_m2 IS 'Flat-size bin, exclusive lower bound in m² (average flat = floor area / households); NULL = no lower bound';
COMMENT ON COLUMN cp.parking_standards.flat_area_max_m2 IS 'Flat-size bin, inclusive upper bound in m²; NULL with a NULL lower bound = rule for any flat size';
COMMENT ON COLUMN cp.parking_standards.basis IS 'household: spaces per household; floor_100m2: spaces per 100 m² of floor area';
COMMENT ON COLUMN cp.parking_standards.spaces IS 'Spaces per basis unit (a lower bound where the source says so)';
COMMENT ON COLUMN cp.parking_standards.ev_share IS 'Share (0..1) of spaces that must have EV chargers built or prepared; NULL when the source gives none';
COMMENT ON COLUMN cp.parking_standards.source IS 'Clause and where it was read';
COMMENT ON COLUMN cp.parking_standards.verified IS 'False when the figure was not read in a source, or its category could not be recovered';
COMMENT ON COLUMN cp.parking_standards.note IS 'Caveats';
COMMENT ON COLUMN cp.parking_standards.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';

-- Shipped data ----------------------------------------------------------------
INSERT INTO cp.facility_standards (code, title_zh, title_en, issuer, year, scope, source, note, shipped) VALUES
('GB50180-2018', '城市居住区规划设计标准 GB 50180-2018',
 'Standard for urban residential area planning and design',
 '住房和城乡建设部 (MOHURD); 国家市场监督管理总局', 2018, 'facilities',
 'Published 2018-07-10, in force 2018-12-01 (MOHURD interpretation reprinted at http://www.52vpn.com/thread/20200914/4796608.html). No official PDF was available: figures come from secondary sources named per row.',
 'Appendix B/C and table 5.0.3 were not available: radii and areas of facility rows are recalled and marked unverified; per-1000 figures are empty except public green (table 4.0.4).',
 true),
('MOHURD-complete-community-2020', '完整居住社区建设标准(试行)',
 'Construction standard for complete residential communities (trial)',
 '住房和城乡建设部等13部门', 2020, 'facilities+parking',
 'Reprint of the standard at http://beihai.jiwu.com/news/4233388.html (2020-09-03); parking from the MOHURD 补短板 opinion reprinted at http://hrhny.com/1729.html.',
 'The community scale (0.5–1.2 万人, 5–10 min walk) and the 300 m level distance are not verified.',
 true),
('CP-parking-default', 'community_planning 默认停车需求规则',
 'community_planning default parking demand rules',
 'community_planning', 2026, 'parking',
 'Compiled by community_planning: residential from 完整居住社区建设标准 (2020); other uses from the common local rule of 1 space per 100 m²; EV shares from Hainan provincial policy.',
 'Only the new-community residential figure is verified. Every other figure is a documented default to be replaced by the local rule (copy the set).',
 true),
('XM-parking-2020', '厦门市建设项目停车设施配建标准(2020版)',
 'Xiamen parking provision standard for construction projects (2020)',
 '厦门市', 2020, 'parking',
 '海西晨报 article in mirror copies: http://www.iigxncc.cn/html/455c44299102.html, http://www.huichangtu.com/html/344a33199324.html, http://www.dlxhcy.cn/html/899d88698214.html.',
 'Residential rules only. The flat-size figures come from scrambled mirror copies; office, commercial, hospital and school figures could not be recovered and are not shipped.',
 true);

INSERT INTO cp.life_circles (standard, life_circle, name_zh, name_en, walk_minutes, distance_min_m, distance_max_m,
                             population_min, population_max, dwellings_min, dwellings_max, source, verified, note, shipped) VALUES
('GB50180-2018', '15min', '十五分钟生活圈居住区', '15-minute life-circle residential area', 15, 800, 1000, 50000, 100000, 17000, 32000,
 'GB 50180-2018 表3.0.4; population and dwellings http://ccprjournal.com.cn/news/9923.htm; distance https://fx361.cc/page/2021/1202/9330949.shtml',
 true, NULL, true),
('GB50180-2018', '10min', '十分钟生活圈居住区', '10-minute life-circle residential area', 10, 500, 500, 15000, 25000, 5000, 8000,
 'GB 50180-2018 表3.0.4; https://zgbk.com/ecph/words?ID=491601&SiteID=1&SubID=217393 (中国大百科)',
 true, 'The source gives the distance as about 500 m.', true),
('GB50180-2018', '5min', '五分钟生活圈居住区', '5-minute life-circle residential area', 5, 300, 300, 5000, 12000, 1500, 4000,
 'GB 50180-2018 表3.0.4; distance only in a code repository',
 false, 'Distance read only in a code repository; population and dwellings recalled, not read.', true),
('GB50180-2018', 'block', '居住街坊', 'residential block', NULL, NULL, NULL, 1000, 3000, 300, 1000,
 'GB 50180-2018 表3.0.4; population in a code-repository comment ("2.0.5=居住街坊(1000~3000人)")',
 false, 'Population from a weak source; dwellings recalled. No walking distance: block facilities are inside the block (typically 250 m × 250 m).', true),
('MOHURD-complete-community-2020', '5min', '完整居住社区', 'complete residential community', 5, 300, 300, 5000, 12000, NULL, NULL,
 '完整居住社区建设标准(试行) 2020: community unit; distance from the GB 50180-2018 5-minute level it corresponds to',
 false, 'Scale 0.5–1.2 万人 and 5–10 min walk recalled, not read; 300 m taken from the GB 50180-2018 5-minute level (itself unverified).', true);

INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit,
  floor_area_min_m2, floor_area_max_m2, site_area_min_m2, site_area_max_m2, source, verified, note, shipped) VALUES
-- GB 50180-2018, 15-minute level
('GB50180-2018', 'middle_school', '初中', 'junior middle school', '15min', 1000, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled (practice: ≤1000 m; GB 50180-93 附录A read ≤1000 m); not read in the 2018 text.', true),
('GB50180-2018', 'clinic', '社区卫生服务中心(社区医院)', 'community health service centre', '15min', 1000, true, NULL, NULL, 1700, 2000, 1420, 2860,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read.', true),
('GB50180-2018', 'elderly_care', '养老院; 老年养护院', 'nursing home; elderly care home', '15min', NULL, true, NULL, NULL, 7000, 17500, 3500, 22000,
 'GB 50180-2018 附录B/C', false, 'Areas recalled, not read (养老院 7000–17500 m² floor, 3500–22000 m² site; 老年养护院 3500–17500 m² floor, 1750–22000 m² site). No radius.', true),
('GB50180-2018', 'culture_activity', '文化活动中心(含青少年、老年活动中心)', 'cultural activity centre (incl. youth and senior centres)', '15min', 1000, true, NULL, NULL, 3000, 6000, 3000, 12000,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. The facility itself is confirmed for the 15-minute level (ccprjournal.com.cn).', true),
('GB50180-2018', 'sports', '大型多功能运动场地', 'large multi-purpose sports ground', '15min', 1000, true, NULL, NULL, NULL, NULL, 3150, 5620,
 'GB 50180-2018 附录B/C', false, 'Radius and site area recalled, not read.', true),
('GB50180-2018', 'community_service', '社区服务中心(街道级)', 'community service centre (sub-district)', '15min', 1000, true, NULL, NULL, 700, 1500, 600, 1200,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. The facility itself is confirmed for the 15-minute level (ccprjournal.com.cn). 街道办事处 (also required) has no shared category code.', true),
('GB50180-2018', 'park', '公共绿地(居住区公园)', 'public green space (residential park)', '15min', NULL, true, 2000, 'm² public green land',
 NULL, NULL, NULL, NULL,
 'GB 50180-2018 表4.0.4: 15-minute public green ≥2.0 m²/person; https://tihaiku.com/jzgc/2511126.html', true,
 'Per-capita figure read (2.0 m²/person = 2000 m² per 1000 residents); old-district renewal may use ≥70 % of it (4.0.5). No radius in the source.', true),
-- 10-minute level
('GB50180-2018', 'primary_school', '小学', 'primary school', '10min', 500, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled (practice: ≤500 m; GB 50180-93 附录A read ≤500 m); not read in the 2018 text.', true),
('GB50180-2018', 'sports', '中型多功能运动场地', 'medium multi-purpose sports ground', '10min', 500, true, NULL, NULL, NULL, NULL, 1310, 2460,
 'GB 50180-2018 附录B/C', false, 'Radius and site area recalled, not read.', true),
('GB50180-2018', 'market', '菜市场或生鲜超市', 'food market or fresh-food supermarket', '10min', 500, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled, not read.', true),
('GB50180-2018', 'park', '公共绿地(居住区公园)', 'public green space (residential park)', '10min', NULL, true, 1000, 'm² public green land',
 NULL, NULL, 10000, NULL,
 'GB 50180-2018 表4.0.4: 10-minute public green ≥1.0 m²/person, 居住区公园 ≥1.0 hm², width ≥50 m; https://tihaiku.com/jzgc/2511126.html; zgbk.com', true,
 'Figures read (1.0 m²/person = 1000 m² per 1000 residents; park ≥1.0 hm²). No radius in the source.', true),
-- 5-minute level
('GB50180-2018', 'kindergarten', '幼儿园', 'kindergarten', '5min', 300, true, NULL, NULL, 3150, 4550, 5240, 7580,
 'GB 50180-2018 附录B/C, 表5.0.3', false, 'Radius 300 m read only in a code-repository comment (GB 50180-93 also reads ≤300 m); areas recalled, not read.', true),
('GB50180-2018', 'nursery', '托儿所', 'nursery (ages 0–3)', '5min', 300, false, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Optional (△); radius recalled, not read.', true),
('GB50180-2018', 'health_station', '社区卫生服务站', 'community health station', '5min', 300, false, NULL, NULL, 120, 270, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Optional (△); radius and area recalled, not read.', true),
('GB50180-2018', 'elderly_day_care', '老年人日间照料中心(托老所)', 'elderly day-care centre', '5min', 300, true, NULL, NULL, 350, 750, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius and area recalled, not read.', true),
('GB50180-2018', 'culture_activity', '文化活动站(含青少年、老年活动站)', 'cultural activity station (incl. youth and senior rooms)', '5min', 500, true, NULL, NULL, 250, 1200, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius and area recalled, not read.', true),
('GB50180-2018', 'sports', '小型多功能运动(球类)场地; 室外综合健身场地(含老年户外活动场地)', 'small ball-games ground; outdoor fitness ground (incl. seniors)', '5min', 300, true, NULL, NULL, NULL, NULL, 150, 1310,
 'GB 50180-2018 附录B/C', false, 'Two required facilities merged: ball-games ground 770–1310 m² and fitness ground 150–750 m² site. Radius and areas recalled, not read.', true),
('GB50180-2018', 'community_service', '社区服务站(含居委会、治安联防站、残疾人康复室)', 'community service station (incl. residents'' committee)', '5min', 300, true, NULL, NULL, 600, 1000, 500, 800,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. 生活垃圾收集站 (also required) has no shared category code.', true),
-- residential block
('GB50180-2018', 'parcel', '邮件和快件送达设施', 'mail and parcel delivery facility', 'block', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Recalled, not read. 物业管理, 生活垃圾收集点 and residents'' parking (also required) have no shared category code; parking demand is in cp.parking_standards.', true),
-- 完整居住社区建设标准(试行) 2020: one complete community
('MOHURD-complete-community-2020', 'community_service', '社区综合服务站', 'community integrated service station', '5min', NULL, true, NULL, NULL, 800, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.1; http://beihai.jiwu.com/news/4233388.html', true,
 'Floor area 以800 m²为宜 (about 800 m², not a hard minimum): service hall, police room, residents'' committee, activity rooms, reading room.', true),
('MOHURD-complete-community-2020', 'kindergarten', '幼儿园', 'kindergarten', '5min', NULL, true, NULL, NULL, 2200, NULL, 3500, NULL,
 '完整居住社区建设标准(试行) 一.2; http://beihai.jiwu.com/news/4233388.html', true, 'At least 6 classes, ages 3–6.', true),
('MOHURD-complete-community-2020', 'nursery', '托儿所', 'nursery (ages 0–3)', '5min', NULL, true, NULL, NULL, 200, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.3; http://beihai.jiwu.com/news/4233388.html', true, 'May share a building with the service station, the health station, housing or offices.', true),
('MOHURD-complete-community-2020', 'elderly_care', '老年服务站', 'elderly service station', '5min', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.4; http://beihai.jiwu.com/news/4233388.html', true, 'Built together with the community integrated service station.', true),
('MOHURD-complete-community-2020', 'elderly_day_care', '老年人日间照料中心', 'elderly day-care centre', '5min', NULL, false, NULL, NULL, 350, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.4; http://beihai.jiwu.com/news/4233388.html', true, 'Optional: one day-care centre of ≥350 m² where conditions allow.', true),
('MOHURD-complete-community-2020', 'health_station', '社区卫生服务站', 'community health station', '5min', NULL, true, NULL, NULL, 120, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.5; http://beihai.jiwu.com/news/4233388.html', true, NULL, true),
('MOHURD-complete-community-2020', 'supermarket', '综合超市', 'general supermarket', '5min', NULL, true, NULL, NULL, 300, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.6; http://beihai.jiwu.com/news/4233388.html', true, 'Vegetables, fruit, fresh food and daily goods.', true),
('MOHURD-complete-community-2020', 'parcel', '邮件和快件寄递服务设施', 'mail and parcel delivery facilities', '5min', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.7; sleeper012/Optimization-of-urban-facilities README.md', false, 'Several (多个) per community. Read only in a code repository''s README, not in the standard.', true),
('MOHURD-complete-community-2020', 'pharmacy', '其他便民商业网点(药店等)', 'other convenience shops (pharmacy etc.)', '5min', NULL, false, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.8; sleeper012/Optimization-of-urban-facilities README.md', false, 'Barber, pharmacy, repair, catering and similar shops; pharmacy is the one with a shared code. Read only in a code repository''s README, not in the standard.', true),
('MOHURD-complete-community-2020', 'park', '公共活动场地; 公共绿地', 'public activity ground; public green space', '5min', NULL, true, NULL, NULL, NULL, NULL, 150, NULL,
 '完整居住社区建设标准(试行) 四.14, 四.15; sleeper012/Optimization-of-urban-facilities README.md', false,
 'Public activity ground ≥150 m² read only in a code-repository README (weak source); mapped to park for want of a shared code.', true);

INSERT INTO cp.parking_standards (standard, rule, use, community_type, flat_area_min_m2, flat_area_max_m2, basis, spaces, ev_share,
                                  source, verified, note, shipped) VALUES
('MOHURD-complete-community-2020', 'residential-new', 'residential', 'new', NULL, NULL, 'household', 1.0, 1.0,
 '完整居住社区建设标准(试行) 三.10 停车及充电设施; MOHURD 补短板 opinion reprinted at http://hrhny.com/1729.html', true,
 'New communities: ≥1 space per household; 100 % of spaces with chargers built or installation conditions reserved. Existing communities: the standard asks for non-motor sheds and e-bike charging, no car ratio.', true),
('CP-parking-default', 'residential-new', 'residential', 'new', NULL, NULL, 'household', 1.0, 1.0,
 '完整居住社区建设标准(试行) 三.10; http://hrhny.com/1729.html', true,
 '≥1 space per household, 100 % EV-ready.', true),
('CP-parking-default', 'residential-any', 'residential', 'any', NULL, NULL, 'household', 1.0, NULL,
 'community_planning default (no national figure for existing or rural communities)', false,
 'Assumption: demand in old and rural communities equals the new-community ratio of 1 space per household. Replace it with the local rule.', true),
('CP-parking-default', 'office', 'office', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.25,
 'Common local rule of 1 space per 100 m² (anchors.md, not read in a standard); EV share from Hainan provincial policy (office ≥25 %)', false,
 'Xiamen 2020 uses 0.8–2.0 per 100 m² for offices, category mapping not recovered.', true),
('CP-parking-default', 'retail', 'retail', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.20,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (commercial ≥20 %)', false,
 'Xiamen before 2020: retail 0.6, catering and entertainment 1.2 per 100 m².', true),
('CP-parking-default', 'clinic', 'clinic', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.15,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (other public buildings ≥15 %)', false,
 'No hospital or clinic ratio was found in any source.', true),
('CP-parking-default', 'school', 'school', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.15,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (other public buildings ≥15 %)', false,
 'No school ratio was found in any source.', true),
('XM-parking-2020', 'residential', 'residential', 'any', NULL, NULL, 'household', 1.0, NULL,
 '厦门 2020: 普通商品住宅 project total ≥1 space per household (一户一车位); 安置房 and 保障性商品房 the same', true,
 'Applies to flat sizes without their own rule (144–180 m² and >200 m²: "unchanged", value not given).', true),
('XM-parking-2020', 'residential-le70', 'residential', 'any', NULL, 70, 'household', 0.8, NULL,
 '厦门 2020: flat ≤70 m², 1.2 → 0.8 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true),
('XM-parking-2020', 'residential-70-144', 'residential', 'any', 70, 144, 'household', 1.0, NULL,
 '厦门 2020: flat 70–144 m² (含144), 1.2 → 1.0 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true),
('XM-parking-2020', 'residential-180-200', 'residential', 'any', 180, 200, 'household', 2.0, NULL,
 '厦门 2020: flat 180–200 m² (含200), 1.5 → 2.0 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true);

-- Guards go on after the shipped rows are in.
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.facility_standards
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.facility_standards
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.life_circles
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.life_circles
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.facility_categories
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.facility_categories
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.parking_standards
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.parking_standards
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('cp.facility_standards', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.life_circles', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.facility_categories', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.parking_standards', 'WHERE NOT shipped');

GRANT SELECT ON cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards TO PUBLIC;

-- Functions -------------------------------------------------------------------
CREATE FUNCTION cp.check_standard(standard text) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cp.facility_standards s WHERE s.code = standard) THEN
    RAISE EXCEPTION 'standard set "%" does not exist', standard
      USING ERRCODE = '42704',
            DETAIL = pg_catalog.format('Known sets: %s.', (SELECT pg_catalog.string_agg(code, ', ' ORDER BY code) FROM cp.facility_standards)),
            HINT = 'Add your own set to cp.facility_standards, or copy one with cp.copy_standard().';
  END IF;
END
$$;
COMMENT ON FUNCTION cp.check_standard(text) IS
  'Raises undefined_object (42704) naming the known sets when a standard set code does not exist';

CREATE VIEW cp.life_circle_categories AS
SELECT l.standard, l.life_circle, c.code, c.name_zh, c.name_en, c.life_circle AS from_level,
       c.radius_m, coalesce(c.radius_m, lc.distance_max_m) AS effective_radius_m,
       c.required, c.per_1000, c.per_1000_unit, c.verified, c.source
  FROM cp.life_circles l
  JOIN cp.facility_categories c
    ON c.standard = l.standard AND cp.life_circle_rank(c.life_circle) <= cp.life_circle_rank(l.life_circle)
  JOIN cp.life_circles lc ON lc.standard = c.standard AND lc.life_circle = c.life_circle;
COMMENT ON VIEW cp.life_circle_categories IS
  'Every facility category each life-circle level of a set must contain: its own and every lower level''s (GB 50180-2018: levels are not inclusive of each other''s populations, but each provides all lower-level facilities)';
COMMENT ON COLUMN cp.life_circle_categories.life_circle IS 'Level asked for';
COMMENT ON COLUMN cp.life_circle_categories.from_level IS 'Level at which the standard places the category (the asked level or a lower one)';
COMMENT ON COLUMN cp.life_circle_categories.effective_radius_m IS 'Category radius, or the walking distance of the level it belongs to when the standard gives none; NULL for block facilities without a radius';
GRANT SELECT ON cp.life_circle_categories TO PUBLIC;

CREATE FUNCTION cp.life_circle_requirements(standard text, life_circle text, include_optional boolean DEFAULT false)
RETURNS TABLE (code text, name_zh text, name_en text, from_level text, radius_m float8, effective_radius_m float8,
               required boolean, per_1000 float8, per_1000_unit text, verified boolean, source text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  lvl text := life_circle;
BEGIN
  PERFORM cp.check_standard(std);
  IF cp.life_circle_rank(lvl) IS NULL THEN
    RAISE EXCEPTION 'unknown life circle "%"', lvl
      USING ERRCODE = '22023',
            DETAIL = 'A life circle is one of 5min, 10min, 15min, block.',
            HINT = 'Use the level codes of GB 50180-2018 table 3.0.4 as written in cp.life_circles.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.life_circles l WHERE l.standard = std AND l.life_circle = lvl) THEN
    RAISE EXCEPTION 'standard set "%" has no life circle "%"', std, lvl
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s defines: %s.', std,
                            (SELECT pg_catalog.string_agg(l.life_circle, ', ' ORDER BY cp.life_circle_rank(l.life_circle))
                               FROM cp.life_circles l WHERE l.standard = std)),
            HINT = 'Ask for a level the set defines, or add it to cp.life_circles in your own set.';
  END IF;
  RETURN QUERY
    SELECT v.code, v.name_zh, v.name_en, v.from_level, v.radius_m, v.effective_radius_m,
           v.required, v.per_1000, v.per_1000_unit, v.verified, v.source
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = lvl AND (v.required OR include_optional)
     ORDER BY cp.life_circle_rank(v.from_level) DESC, v.code;
END
$$;
COMMENT ON FUNCTION cp.life_circle_requirements(text, text, boolean) IS
  'Facility categories a life-circle level of a standard set must contain, its own and every lower level''s, with the walking radius to test (effective_radius_m); optional (△) categories too when include_optional. Errors: unknown set 42704, unknown level 22023';

CREATE FUNCTION cp.copy_standard(source text, target text, title_zh text, title_en text DEFAULT NULL,
                                 issuer text DEFAULT NULL, year int DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  src text := copy_standard.source;
  tgt text := copy_standard.target;
  tzh text := copy_standard.title_zh;
  ten text := copy_standard.title_en;
  iss text := copy_standard.issuer;
  yr  int  := copy_standard.year;
  n int;
  m int;
BEGIN
  IF src IS NULL OR tgt IS NULL OR tzh IS NULL THEN
    RAISE EXCEPTION 'source, target and title_zh must not be null'
      USING ERRCODE = '22004',
            DETAIL = 'A copied set needs the code it is copied from, its own code and a title.',
            HINT = 'Pass all three arguments.';
  END IF;
  PERFORM cp.check_standard(src);
  IF EXISTS (SELECT 1 FROM cp.facility_standards s WHERE s.code = tgt) THEN
    RAISE EXCEPTION 'standard set "%" already exists', tgt
      USING ERRCODE = '42710',
            DETAIL = 'A copy never overwrites an existing set.',
            HINT = 'Choose another code, or delete your set first.';
  END IF;
  INSERT INTO cp.facility_standards (code, title_zh, title_en, issuer, year, based_on, scope, source, note)
  SELECT tgt, tzh, ten, iss, yr, s.code, s.scope, s.source, s.note
    FROM cp.facility_standards s WHERE s.code = src;
  INSERT INTO cp.life_circles (standard, life_circle, name_zh, name_en, walk_minutes, distance_min_m, distance_max_m,
                               population_min, population_max, dwellings_min, dwellings_max, source, verified, note)
  SELECT tgt, l.life_circle, l.name_zh, l.name_en, l.walk_minutes, l.distance_min_m, l.distance_max_m,
         l.population_min, l.population_max, l.dwellings_min, l.dwellings_max, l.source, l.verified, l.note
    FROM cp.life_circles l WHERE l.standard = src;
  INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000,
                                      per_1000_unit, floor_area_min_m2, floor_area_max_m2, site_area_min_m2,
                                      site_area_max_m2, source, verified, note)
  SELECT tgt, c.code, c.name_zh, c.name_en, c.life_circle, c.radius_m, c.required, c.per_1000,
         c.per_1000_unit, c.floor_area_min_m2, c.floor_area_max_m2, c.site_area_min_m2,
         c.site_area_max_m2, c.source, c.verified, c.note
    FROM cp.facility_categories c WHERE c.standard = src;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO cp.parking_standards (standard, rule, use, community_type, flat_area_min_m2, flat_area_max_m2, basis,
                                    spaces, ev_share, source, verified, note)
  SELECT tgt, p.rule, p.use, p.community_type, p.flat_area_min_m2, p.flat_area_max_m2, p.basis,
         p.spaces, p.ev_share, p.source, p.verified, p.note
    FROM cp.parking_standards p WHERE p.standard = src;
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END
$$;
COMMENT ON FUNCTION cp.copy_standard(text, text, text, text, text, int) IS
  'Copies a standard set (life circles, facility categories, parking rules) into a new editable user set and returns the number of category and parking rows copied. Errors: NULL argument 22004, unknown source 42704, existing target 42710';

CREATE FUNCTION cp.parking_no_rule(standard text, use text, community_type text) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  u   text := use;
  ct  text := community_type;
BEGIN
  PERFORM cp.check_standard(std);
  IF NOT EXISTS (SELECT 1 FROM cp.parking_standards p WHERE p.standard = std AND p.use = u) THEN
    RAISE EXCEPTION 'standard set "%" has no parking rule for use "%"', std, u
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s has rules for: %s.', std,
                            coalesce((SELECT pg_catalog.string_agg(DISTINCT p.use, ', ') FROM cp.parking_standards p WHERE p.standard = std),
                                     'no use at all')),
            HINT = 'Map the building use to one of these codes, or add a rule to your own set.';
  END IF;
  RAISE EXCEPTION 'standard set "%" has no parking rule for use "%" in % communities', std, u, ct
    USING ERRCODE = '22023',
          DETAIL = 'Every rule of this use names another community type or a flat-size bin that does not match.',
          HINT = 'Add a rule with community_type any (and no flat-size bin) to your own set.';
END
$$;
COMMENT ON FUNCTION cp.parking_no_rule(text, text, text) IS
  'Raises the error that explains why no parking rule matched: unknown set 42704, unknown use for the set 22023 (listing its uses), or no rule for the community type 22023';

CREATE FUNCTION cp.parking_check_input(community_type text, households float8, floor_area_m2 float8) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF community_type NOT IN ('new', 'old', 'rural') THEN
    RAISE EXCEPTION 'unknown community type "%"', community_type
      USING ERRCODE = '22023',
            DETAIL = 'A community type is one of new, old, rural.',
            HINT = 'Use new for communities built to the current standard, old for existing ones.';
  END IF;
  IF households < 0 OR households = 'NaN' OR households = 'Infinity'
     OR floor_area_m2 < 0 OR floor_area_m2 = 'NaN' OR floor_area_m2 = 'Infinity' THEN
    RAISE EXCEPTION 'households and floor area must be finite and not negative'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Got households %s and floor area %s m².', coalesce(households::text, 'NULL'), coalesce(floor_area_m2::text, 'NULL')),
            HINT = 'Pass NULL for an unknown quantity.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp.parking_check_input(text, float8, float8) IS
  'Raises invalid_parameter_value (22023) for an unknown community type or a negative, NaN or infinite quantity; NULL quantities pass';

CREATE FUNCTION cp.parking_rule(standard text, use text, households float8, floor_area_m2 float8,
                                community_type text DEFAULT 'old')
RETURNS SETOF cp.parking_standards
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std  text := standard;
  u    text := use;
  ct   text := community_type;
  flat float8;
  r    cp.parking_standards;
BEGIN
  IF std IS NULL OR u IS NULL OR ct IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.parking_check_input(ct, households, floor_area_m2);
  IF households > 0 AND floor_area_m2 > 0 THEN
    flat := floor_area_m2 / households;
  END IF;
  SELECT p.* INTO r
    FROM cp.parking_standards p
   WHERE p.standard = std AND p.use = u
     AND p.community_type IN (ct, 'any')
     AND ((p.flat_area_min_m2 IS NULL AND p.flat_area_max_m2 IS NULL)
          OR (flat > coalesce(p.flat_area_min_m2, '-Infinity') AND flat <= coalesce(p.flat_area_max_m2, 'Infinity')))
   ORDER BY (p.community_type = ct) DESC,
            (p.flat_area_min_m2 IS NOT NULL OR p.flat_area_max_m2 IS NOT NULL) DESC
   LIMIT 1;
  IF NOT FOUND THEN
    PERFORM cp.parking_no_rule(std, u, ct);
  END IF;
  RETURN NEXT r;
END
$$;
COMMENT ON FUNCTION cp.parking_rule(text, text, float8, float8, text) IS
  'The parking rule of a set that applies to a building: same use; the rule naming the community type before an any rule; a matching flat-size bin (floor area / households) before a rule for any flat size. No row for a NULL standard, use or community type. Errors: unknown set 42704; unknown use or community type, negative or non-finite quantity 22023';

CREATE FUNCTION cp.parking_demand(standard text, use text, households float8, floor_area_m2 float8,
                                  community_type text DEFAULT 'old')
RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  -- the rule is cp.parking_rule's (one place for the precedence and the errors)
  SELECT CASE r.basis WHEN 'household' THEN households * r.spaces ELSE floor_area_m2 / 100.0 * r.spaces END
    FROM cp.parking_rule(standard, use, households, floor_area_m2, community_type) r
$$;
COMMENT ON FUNCTION cp.parking_demand(text, text, float8, float8, text) IS
  'Parking spaces a building needs under a set (the rule of cp.parking_rule): households × spaces per household, or floor area / 100 × spaces per 100 m². NULL when the standard, use or community type is NULL or the quantity the rule needs is NULL. Errors as cp.parking_rule';

-- Life-circle coverage (issue 5; one kernel since issue 14) ----------------------
-- Population-weighted facility coverage along the walking network against the
-- radii of a standard set, the same figure as the crow flies, the complete
-- life-circle share. C does the work (src/coverage.c): each caller query is run
-- once, every check of it is made while reading (src/units.c), residents go
-- into communities by the one membership rule (src/communities.c: the lowest id
-- containing the unit's point). SQL resolves the standard's settings and
-- returns rows.

-- A caller's query made fit to be a subquery (trailing semicolons dropped).
CREATE FUNCTION cp._coverage_query(query text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT regexp_replace(query, '[;[:space:]]+$', '') $$;
COMMENT ON FUNCTION cp._coverage_query(text) IS 'Internal: a caller''s query without trailing semicolons, to be wrapped as a subquery';


-- The categories of a standard with one radius each: the effective radius of the
-- category's lowest level (the facility nearest to home). No radius: left out.
CREATE FUNCTION cp._coverage_categories(standard text, OUT code text, OUT radius_m float8)
RETURNS SETOF record
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  skipped text;
BEGIN
  PERFORM cp.check_standard(std);
  SELECT pg_catalog.string_agg(DISTINCT v.code, ', ') INTO skipped
    FROM cp.facility_categories v
   WHERE v.standard = std
     AND NOT EXISTS (SELECT 1 FROM cp.life_circle_categories w
                      WHERE w.standard = std AND w.code = v.code AND w.effective_radius_m IS NOT NULL);
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  RETURN QUERY
    SELECT DISTINCT ON (v.code) v.code, v.effective_radius_m
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = v.from_level AND v.effective_radius_m IS NOT NULL
     ORDER BY v.code, cp.life_circle_rank(v.from_level), v.effective_radius_m;
END
$$;
COMMENT ON FUNCTION cp._coverage_categories(text) IS
  'Internal: every category of a standard set with the effective radius of its lowest level; categories without any radius are left out with a NOTICE';

-- The engine room (src/coverage.c): facilities, residents and communities read
-- once each, one bounded search per category, the crow-fly check on a grid of
-- the radius, residents put into communities by the one membership rule. Per
-- resident row and category, or population sums per community (or the whole
-- area: communities_sql NULL) and category, with category NULL for every
-- category at once. known: every category code a set or the OSM mapping uses;
-- quiet: categories expected in the facilities but not analysed (no NOTICE).
CREATE FUNCTION cp._coverage_run(network text, residents_sql text, facilities_sql text,
                                 codes text[], radii float8[], by_time boolean, max_snap_m float8,
                                 per text, communities_sql text, known text[], quiet text[],
                                 OUT resident_id bigint, OUT community_id bigint, OUT category text,
                                 OUT population float8, OUT facility_id bigint, OUT distance_m float8,
                                 OUT crowfly_m float8, OUT covered float8, OUT crowfly_covered float8,
                                 OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_coverage_run_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._coverage_run(text, text, text, text[], float8[], boolean, float8, text, text, text[], text[]) IS
  'Internal: nearest facility on foot (one search per category) and crow-fly within the radius per resident (id, geom, population) and category (per = resident), or population sums per community (id, geom query; NULL = the whole area) and category (per = community), category NULL = every category at once; each query read once; geom = the community as given (EWKB)';

CREATE FUNCTION cp.access(network text, residents_sql text, facilities_sql text,
                          standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk')
RETURNS TABLE (resident_id bigint, category text, facility_id bigint, distance_m float8, radius_m float8,
               covered boolean, crowfly_covered boolean)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  codes text[];
  radii float8[];
BEGIN
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code), pg_catalog.array_agg(c.radius_m ORDER BY c.code)
    INTO codes, radii FROM cp._coverage_categories(standard) c;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT a.resident_id, a.category, a.facility_id, a.distance_m, r.radius,
           a.distance_m IS NOT NULL, a.crowfly_m IS NOT NULL
      FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'resident',
                            NULL, cp._known_categories(), '{}') a
      JOIN unnest(codes, radii) AS r (code, radius) ON r.code = a.category
     ORDER BY a.resident_id, a.category;
END
$$;
COMMENT ON FUNCTION cp.access(text, text, text, text, text) IS
  'Per resident unit (id, geom, population query) and facility category of a standard set: the nearest facility (id, category, geom query) on foot within the category''s radius, its walking distance, and whether it is covered on foot and as the crow flies. Errors: unknown network or set 42704, missing column 42703, duplicate id 23505, unknown category or profile 22023';

CREATE FUNCTION cp.coverage(network text, residents_sql text, facilities_sql text, communities_sql text DEFAULT NULL,
                            standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk')
RETURNS TABLE (community_id bigint, category text, population float8, covered_population float8,
               ratio float8, crowfly_ratio float8, geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  codes text[];
  radii float8[];
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code), pg_catalog.array_agg(c.radius_m ORDER BY c.code)
    INTO codes, radii FROM cp._coverage_categories(standard) c;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, e.category, e.population, e.covered, e.covered / nullif(e.population, 0),
           e.crowfly_covered / nullif(e.population, 0), e.geom::geometry
      FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'community',
                            communities_sql, cp._known_categories(), '{}') e
     WHERE e.category IS NOT NULL
     ORDER BY e.community_id, e.category;
END
$$;
COMMENT ON FUNCTION cp.coverage(text, text, text, text, text, text) IS
  'Population-weighted coverage per community (id, geom polygon query; NULL = whole area) and category of a standard set: population, population with the category within its walking radius, ratio on foot and as the crow flies (NULL for a community without residents), community polygon. A resident belongs to the community containing its point (lowest id where communities overlap; docs/coverage.md). Each query runs once';

-- life_circle is both an argument and a result column (INOUT); community_id
-- comes first among the result columns, so it is declared first.
CREATE FUNCTION cp.life_circle(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                               communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                               INOUT life_circle text DEFAULT '15min', profile text DEFAULT 'walk',
                               OUT population float8, OUT covered_population float8, OUT ratio float8,
                               OUT crowfly_ratio float8, OUT missing_categories text[], OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  lvl text := life_circle;
  std text := standard;
  codes text[];
  radii float8[];
  skipped text;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL
     OR lvl IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  -- every required row (code, level) with its radius; a code required at several levels
  -- must be met at the tightest radius, so each code is searched to its smallest
  SELECT pg_catalog.array_agg(x.code ORDER BY x.code), pg_catalog.array_agg(x.radius ORDER BY x.code),
         (SELECT pg_catalog.string_agg(q.code || ' (' || q.from_level || ')', ', ')
            FROM cp.life_circle_requirements(standard, lvl) q WHERE q.effective_radius_m IS NULL)
    INTO codes, radii, skipped
    FROM (SELECT q.code, min(q.effective_radius_m) AS radius FROM cp.life_circle_requirements(standard, lvl) q
           WHERE q.effective_radius_m IS NOT NULL GROUP BY q.code) x;
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'required categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  IF codes IS NULL THEN
    RAISE EXCEPTION 'life circle "%" of standard set "%" has no required category with a walking radius', lvl, standard
      USING ERRCODE = '22023';
  END IF;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    WITH a AS MATERIALIZED (
      SELECT * FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'community',
                                     communities_sql, cp._known_categories(),
                                     (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                       WHERE c.standard = std)))
    SELECT t.community_id, lvl, t.population, t.covered, t.covered / nullif(t.population, 0),
           t.crowfly_covered / nullif(t.population, 0),
           coalesce((SELECT pg_catalog.array_agg(m.category ORDER BY m.population - m.covered DESC, m.category)
                       FROM a m WHERE m.community_id IS NOT DISTINCT FROM t.community_id AND m.category IS NOT NULL
                        AND m.covered < m.population), '{}'),
           t.geom::geometry
      FROM a t WHERE t.category IS NULL
     ORDER BY t.community_id;
END
$$;
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius, on foot and as the crow flies, and the missing categories ordered by the population missing them. Each query runs once. Errors: unknown set 42704, unknown level 22023, missing column 42703';
-- Supply against demand (issue 5; kernel issue 14) -------------------------------
-- Two-step floating catchment: capacity-bound categories (places, beds, floor
-- space) shared among the residents who reach them on foot, with an optional
-- distance decay (docs/supply.md). C does the work (src/supply.c, one bounded
-- search per facility, no cap on their number); SQL resolves the standard's
-- settings (radius, per_1000, target, categories) once and returns rows.

-- The walking radius of a capacity-bound category: its lowest level's; 22023 without one.
CREATE FUNCTION cp._supply_radius(standard text, category text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
BEGIN
  SELECT v.effective_radius_m INTO radius
    FROM cp.life_circle_categories v
   WHERE v.standard = _supply_radius.standard AND v.code = _supply_radius.category AND v.life_circle = v.from_level
     AND v.effective_radius_m IS NOT NULL
   ORDER BY cp.life_circle_rank(v.from_level), v.effective_radius_m
   LIMIT 1;
  IF radius IS NULL THEN
    RAISE EXCEPTION 'standard set "%" has no category "%" with a walking radius', standard, category
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s has: %s.', standard, (SELECT pg_catalog.string_agg(DISTINCT c.code, ', ') FROM cp.facility_categories c
                                                           WHERE c.standard = _supply_radius.standard));
  END IF;
  RETURN radius;
END
$$;
COMMENT ON FUNCTION cp._supply_radius(text, text) IS
  'Internal: the effective walking radius of a category at its lowest level in a standard set; 22023 when it has none';

-- The engine room (src/supply.c): residents and facilities read once each (every
-- check of them there), one bounded search per facility, no cap on their number;
-- per resident unit or summed per community (the one membership rule) or for the
-- whole area (communities_sql NULL).
CREATE FUNCTION cp._supply_eval(network text, residents_sql text, facilities_sql text, category text,
                                quiet text[], known text[], radius_m float8, amount_column text, amount_hint text,
                                decay text, decay_param float8, max_snap_m float8, per_resident boolean,
                                communities_sql text,
                                OUT resident_id bigint, OUT community_id bigint, OUT population float8,
                                OUT supply float8, OUT amount_inside float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_supply_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._supply_eval(text, text, text, text, text[], text[], float8, text, text, text, float8, float8, boolean, text) IS
  'Internal: two-step floating catchment (optional distance decay) of one category''s amount (capacity, floor_area) within radius_m (quiet: the set''s other categories, left out without a NOTICE), per resident unit (supply = population x accessible amount per person) or summed per community (id, geom query; NULL = whole area) with the amount inside each; every caller query read once';

-- category is both an argument and a result column (INOUT), as life_circle above.
CREATE FUNCTION cp.supply_gap(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                              INOUT category text, communities_sql text DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                              standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                              decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                              OUT population float8, OUT demand float8, OUT supply float8, OUT gap float8,
                              OUT gap_ratio float8, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  rate float8 := per_1000;
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  radius := cp._supply_radius(standard, cat);
  IF rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = supply_gap.standard AND c.code = cat;
  END IF;
  IF rate IS NULL THEN
    RAISE EXCEPTION 'standard set "%" gives no per-1000-resident figure for "%"', standard, cat
      USING ERRCODE = '22004', HINT = 'Pass the places per 1000 residents as per_1000 => ..., with its source.';
  END IF;
  IF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION 'per_1000 must be a finite number above zero' USING ERRCODE = '22023';
  END IF;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.population * rate / 1000.0, e.supply,
           greatest(e.population * rate / 1000.0 - e.supply, 0),
           greatest(e.population * rate / 1000.0 - e.supply, 0) / nullif(e.population * rate / 1000.0, 0),
           e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_gap.standard AND c.code <> cat),
                           cp._known_categories(), radius, 'capacity', NULL, decay, decay_param, 250, false,
                           cp._coverage_query(communities_sql)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.supply_gap(text, text, text, text, text, float8, text, text, text, float8) IS
  'Supply against demand for a capacity-bound category per community (NULL = whole area), by two-step floating catchment over walking distance within the category''s radius (docs/supply.md): demand = population × per_1000 / 1000 (per_1000 from the set or given), supply = capacity shares reaching the residents, gap = max(0, demand - supply), gap_ratio = gap / demand; decay ''step'' (the classic 2SFCA), ''gaussian'' or ''exponential'' (decay_param = beta). No limit on the number of facilities. Errors: unknown set 42704, category without radius 22023, no per_1000 22004, missing column 42703, negative capacity, unknown category or bad decay 22023';

-- The 2SFCA per resident unit: the accessible supply of a capacity-bound category
-- (places, beds) and the same per 1000 residents, for a heat map of who lacks it.
-- Not STRICT (decay_param may be NULL): a NULL in any other argument returns no rows.
CREATE FUNCTION cp.supply_access(network text, residents_sql text, facilities_sql text, category text,
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                                 decay text DEFAULT 'step', decay_param float8 DEFAULT NULL)
RETURNS TABLE (resident_id bigint, population float8, supply float8, supply_per_1000 float8)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR category IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  radius := cp._supply_radius(standard, category);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.resident_id, e.population, e.supply, 1000.0 * e.supply / nullif(e.population, 0)
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), category,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_access.standard AND c.code <> supply_access.category),
                           cp._known_categories(), radius, 'capacity', NULL, decay, decay_param, 250, true, NULL) e
     ORDER BY e.resident_id;
END
$$;
COMMENT ON FUNCTION cp.supply_access(text, text, text, text, text, text, text, float8) IS
  'Two-step floating catchment per resident unit for one capacity-bound category (docs/supply.md): the capacity (places, beds) within walking reach shared among everyone who reaches it, and the same per 1000 residents (NULL without population); the per-resident view of cp.supply_gap; decay ''step'', ''gaussian'' or ''exponential'' (decay_param = beta). Errors: unknown set 42704, category without radius 22023, missing column 42703, negative capacity, unknown category or bad decay 22023';

-- Floor space of a category per resident (e.g. cultural activity space, m²/person;
-- plan target 0.8 -> 1.2): inside each community (the one membership rule), and
-- within walking reach by the same two-step floating catchment as cp.supply_gap
-- with floor area as capacity. category is both an argument and a result column
-- (INOUT), as cp.supply_gap.
CREATE FUNCTION cp.space_per_resident(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                                      INOUT category text, communities_sql text DEFAULT NULL,
                                      target_m2_per_resident float8 DEFAULT NULL,
                                      standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                                      decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                      OUT population float8, OUT floor_area_m2 float8, OUT m2_per_resident float8,
                                      OUT accessible_m2_per_resident float8, OUT target float8, OUT gap_m2_per_resident float8,
                                      OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  tgt float8 := target_m2_per_resident;
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  IF tgt IS NULL THEN  -- the set's figure when it gives one in m² per 1000 residents
    SELECT min(c.per_1000) / 1000.0 INTO tgt FROM cp.facility_categories c
     WHERE c.standard = space_per_resident.standard AND c.code = cat AND c.per_1000_unit LIKE 'm²%';
  END IF;
  IF tgt IS NOT NULL AND NOT (tgt > 0 AND tgt < 'Infinity') THEN
    RAISE EXCEPTION 'target_m2_per_resident must be a finite number above zero'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('The value given is %s.', tgt);
  END IF;
  radius := cp._supply_radius(standard, cat);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.amount_inside, e.amount_inside / nullif(e.population, 0),
           e.supply / nullif(e.population, 0), tgt,
           CASE WHEN e.population > 0 THEN greatest(tgt - e.supply / e.population, 0) END, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = space_per_resident.standard AND c.code <> cat),
                           cp._known_categories(), radius, 'floor_area',
                           'floor_area is the facility''s usable floor space in m²; cp.building_floor_area(geom, levels) estimates it from a footprint.',
                           decay, decay_param, 250, false, cp._coverage_query(communities_sql)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.space_per_resident(text, text, text, text, text, float8, text, text, text, float8) IS
  'Floor space of one facility category per resident and community (NULL = whole area): floor area of the category''s facilities (id, category, geom, floor_area query) inside the community (the one membership rule) per resident, and the floor area within walking reach per resident by two-step floating catchment within the category''s radius (docs/supply.md; decay as cp.supply_gap); target from the argument or the set''s per_1000 in m², gap = max(0, target - accessible). Errors: missing column 42703, negative floor area 22023, category without radius 22023, unknown category or bad decay 22023';

-- Heritage-building protection register (issue 7) ---------------------------
-- The rules are triggers on the tables, so no application, script or careless
-- UPDATE can get around them. See docs/heritage.md.

-- Roles are not created here: cp.setup_roles() (70_roles.sql), run by the DBA,
-- creates cp_heritage_editor and cp_auditor and grants them the register.

-- Settings of the register: one row at most; no row means the defaults.
CREATE TABLE cp.heritage_config (
  only_row          boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  srid              integer CHECK (srid > 0),
  review_distance_m float8 NOT NULL DEFAULT 50
                    CHECK (review_distance_m >= 0 AND review_distance_m < 'Infinity')
);
COMMENT ON TABLE cp.heritage_config IS
  'Settings of the heritage register (at most one row; no row means the defaults)';
COMMENT ON COLUMN cp.heritage_config.only_row IS 'Always true: the table holds at most one row';
COMMENT ON COLUMN cp.heritage_config.srid IS
  'SRID of every register geometry. NULL: the first site saved fixes it (and it is recorded here). Cannot change while sites of another SRID exist';
COMMENT ON COLUMN cp.heritage_config.review_distance_m IS
  'Proposals within this distance (metres) of a listed footprint need review in cp.check_development';

CREATE TABLE cp.heritage_site (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  name           text NOT NULL CHECK (btrim(name) <> ''),
  grade          text NOT NULL CHECK (grade IN ('national', 'provincial', 'municipal',
                                                'historic_building', 'traditional_style')),
  footprint      geometry(MultiPolygon) NOT NULL,
  protection_zone geometry(MultiPolygon),
  control_zone   geometry(MultiPolygon),
  height_limit_m float8 CHECK (height_limit_m > 0 AND height_limit_m < 'Infinity'),
  style_rules    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(style_rules) = 'object'),
  condition      text NOT NULL DEFAULT 'intact'
                 CHECK (condition IN ('intact', 'damaged', 'restored', 'lost')),
  status         text NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'deregistered')),
  decision_ref   text,
  listed_on      date NOT NULL DEFAULT CURRENT_DATE
);
COMMENT ON TABLE cp.heritage_site IS
  'Heritage-building protection register: one row per protected site, its zones, height and style controls; rules enforced by triggers, every change audited in cp.heritage_history';
COMMENT ON COLUMN cp.heritage_site.id IS 'Generated identifier (cannot be set or changed)';
COMMENT ON COLUMN cp.heritage_site.code IS 'Register code, unique';
COMMENT ON COLUMN cp.heritage_site.name IS 'Name of the site';
COMMENT ON COLUMN cp.heritage_site.grade IS
  'national, provincial, municipal (cultural-relic protection units; need both zones), historic_building 历史建筑 (needs a protection zone), traditional_style 传统风貌建筑';
COMMENT ON COLUMN cp.heritage_site.footprint IS
  'Outline of the building(s): valid, non-empty MultiPolygon in the register SRID, inside the protection zone; listed footprints do not overlap';
COMMENT ON COLUMN cp.heritage_site.protection_zone IS '保护范围: covers the footprint, inside the control zone';
COMMENT ON COLUMN cp.heritage_site.control_zone IS '建设控制地带: construction control zone, covers the protection zone';
COMMENT ON COLUMN cp.heritage_site.height_limit_m IS 'Height limit for new construction in the control zone, metres';
COMMENT ON COLUMN cp.heritage_site.style_rules IS
  'Style controls as a jsonb object, e.g. {"roof": "swallow-tail ridge", "walls": "red brick", "frontage": "arcade"}';
COMMENT ON COLUMN cp.heritage_site.condition IS 'intact, damaged, restored or lost (lost needs a decision reference)';
COMMENT ON COLUMN cp.heritage_site.status IS
  'listed or deregistered; a listed site cannot be deleted, deregistering needs a decision reference';
COMMENT ON COLUMN cp.heritage_site.decision_ref IS
  'Reference of the decision behind the latest change; deregistering, recording a loss and changing the protection of a listed site need a new one';
COMMENT ON COLUMN cp.heritage_site.listed_on IS 'Date of listing';

CREATE INDEX heritage_site_footprint_gist ON cp.heritage_site USING gist (footprint);
CREATE INDEX heritage_site_protection_zone_gist ON cp.heritage_site USING gist (protection_zone);
CREATE INDEX heritage_site_control_zone_gist ON cp.heritage_site USING gist (control_zone);
COMMENT ON INDEX cp.heritage_site_footprint_gist IS 'Overlap check and development check on footprints';
COMMENT ON INDEX cp.heritage_site_protection_zone_gist IS 'Development check on protection zones';
COMMENT ON INDEX cp.heritage_site_control_zone_gist IS 'Development check on control zones';

CREATE TABLE cp.heritage_history (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id         bigint,
  site_code       text,
  operation       text NOT NULL CHECK (operation IN ('insert', 'update', 'delete', 'archive')),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  changed_by      name NOT NULL,
  session_role    name NOT NULL DEFAULT session_user,
  xact_id         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  old_row         jsonb,
  new_row         jsonb,
  changed_columns text[],
  decision_ref    text
);
COMMENT ON TABLE cp.heritage_history IS
  'Append-only audit of every change of cp.heritage_site (UPDATE, DELETE and TRUNCATE are refused, also for the owner; see docs/heritage.md for the supervised archive)';
COMMENT ON COLUMN cp.heritage_history.id IS 'Order of the changes';
COMMENT ON COLUMN cp.heritage_history.site_id IS 'cp.heritage_site.id of the changed site (NULL for an archive record)';
COMMENT ON COLUMN cp.heritage_history.site_code IS 'Register code of the site after (or, for a delete, before) the change';
COMMENT ON COLUMN cp.heritage_history.operation IS 'insert, update, delete, or archive (rows moved out under a decision)';
COMMENT ON COLUMN cp.heritage_history.changed_at IS 'Start of the transaction that made the change';
COMMENT ON COLUMN cp.heritage_history.changed_by IS 'Role that made the change (after SET ROLE)';
COMMENT ON COLUMN cp.heritage_history.session_role IS 'Role the session logged in as';
COMMENT ON COLUMN cp.heritage_history.xact_id IS 'Transaction that made the change';
COMMENT ON COLUMN cp.heritage_history.old_row IS 'Row before the change (geometries as EWKT); NULL for an insert';
COMMENT ON COLUMN cp.heritage_history.new_row IS 'Row after the change (geometries as EWKT); NULL for a delete';
COMMENT ON COLUMN cp.heritage_history.changed_columns IS 'Columns whose value changed (updates only)';
COMMENT ON COLUMN cp.heritage_history.decision_ref IS 'Decision reference given with the change';
CREATE INDEX heritage_history_site_idx ON cp.heritage_history (site_id, id);
COMMENT ON INDEX cp.heritage_history_site_idx IS 'History of one site in order';

SELECT pg_catalog.pg_extension_config_dump('cp.heritage_config', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_site', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_site_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_history', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_history_id_seq', '');

-- Audit helpers -------------------------------------------------------------

-- The audit runs inside the SECURITY DEFINER trigger, as the extension owner:
-- its search_path holds no schema that other roles can create objects in, and
-- PostGIS is named by the schema it has at install time (hence EXECUTE format).
DO $do$
DECLARE
  postgis_schema text := cp._postgis_schema();
BEGIN
  EXECUTE pg_catalog.format($f$
CREATE FUNCTION cp.heritage_row_jsonb(site cp.heritage_site) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, cp, pg_temp
AS $$
  SELECT pg_catalog.to_jsonb(site) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
           'footprint', %1$s.ST_AsEWKT((site).footprint),
           'protection_zone', %1$s.ST_AsEWKT((site).protection_zone),
           'control_zone', %1$s.ST_AsEWKT((site).control_zone))
$$$f$, postgis_schema);
END
$do$;
COMMENT ON FUNCTION cp.heritage_row_jsonb(cp.heritage_site) IS
  'A register row as jsonb with its geometries as EWKT, the form kept in cp.heritage_history';

CREATE FUNCTION cp.heritage_audit_write(old_row cp.heritage_site, new_row cp.heritage_site,
                                        operation text, changed_by text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
  WITH j AS (SELECT cp.heritage_row_jsonb(old_row) AS o, cp.heritage_row_jsonb(new_row) AS n)
  INSERT INTO cp.heritage_history
    (site_id, site_code, operation, changed_by, old_row, new_row, changed_columns, decision_ref)
  SELECT coalesce((new_row).id, (old_row).id), coalesce((new_row).code, (old_row).code),
         operation, changed_by, j.o, j.n,
         CASE WHEN j.o IS NOT NULL AND j.n IS NOT NULL THEN
           ARRAY(SELECT k.key FROM pg_catalog.jsonb_each(j.n) k
                  WHERE k.value IS DISTINCT FROM j.o OPERATOR(pg_catalog.->) k.key ORDER BY 1)
         END,
         coalesce((new_row).decision_ref, (old_row).decision_ref)
    FROM j
   -- A restore (pg_dump data of this configuration table, run by a superuser)
   -- re-inserts rows whose latest audit row already records exactly this state:
   -- not a new change. Anyone else's insert is always audited.
   WHERE NOT (operation OPERATOR(pg_catalog.=) 'insert'
              AND coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r
                             WHERE r.rolname OPERATOR(pg_catalog.=) session_user), false)
              AND coalesce(
           j.n OPERATOR(pg_catalog.=) (SELECT h.new_row FROM cp.heritage_history h
                   WHERE h.site_id OPERATOR(pg_catalog.=) (heritage_audit_write.new_row).id
                   ORDER BY h.id DESC LIMIT 1), false))
$$;
REVOKE ALL ON FUNCTION cp.heritage_audit_write(cp.heritage_site, cp.heritage_site, text, text) FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_audit_write(cp.heritage_site, cp.heritage_site, text, text) IS
  'Internal: appends one audit row (none when a restore re-inserts a row exactly as last audited); called only by the audit trigger of cp.heritage_site (no EXECUTE for PUBLIC)';

-- Register triggers (C) -----------------------------------------------------

CREATE FUNCTION cp.heritage_site_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_site_guard'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, cp, pg_temp;
REVOKE ALL ON FUNCTION cp.heritage_site_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_site_guard() IS
  'Trigger: enforces the rules of cp.heritage_site (SRID, validity, zones, containment, no overlap, decisions, no deletion of listed sites)';

CREATE FUNCTION cp.heritage_site_audit() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_site_audit'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, cp, pg_temp;
REVOKE ALL ON FUNCTION cp.heritage_site_audit() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_site_audit() IS
  'Trigger: writes one cp.heritage_history row per inserted, updated or deleted register row';

CREATE FUNCTION cp.heritage_history_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_history_guard'
LANGUAGE C VOLATILE
SET search_path FROM CURRENT;
REVOKE ALL ON FUNCTION cp.heritage_history_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_history_guard() IS
  'Trigger: keeps cp.heritage_history append-only (UPDATE, DELETE, TRUNCATE refused with 42501, except the supervised archive)';

CREATE FUNCTION cp.heritage_history_archived() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
BEGIN
  INSERT INTO cp.heritage_history (operation, changed_by, new_row, decision_ref)
  SELECT 'archive', current_user,
         pg_catalog.jsonb_build_object('rows', count(*), 'first_id', min(a.id), 'last_id', max(a.id),
                            'from', min(a.changed_at), 'to', max(a.changed_at)),
         current_setting('cp_heritage.archive_ref', true)
    FROM archived a
  HAVING count(*) > 0;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION cp.heritage_history_archived() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_history_archived() IS
  'Trigger: after a supervised archive, records how many audit rows were moved out and under which decision';

-- Also fired by the SECURITY DEFINER guard (the first site records the register
-- SRID), so it follows the definer rules: no schema others can write to on its
-- path, PostGIS named by its schema at install time.
DO $do$
DECLARE
  postgis_schema text := cp._postgis_schema();
BEGIN
  EXECUTE pg_catalog.format($f$
CREATE FUNCTION cp.heritage_config_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
DECLARE
  used integer;
BEGIN
  IF NEW.srid IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM %1$s.spatial_ref_sys r WHERE r.srid OPERATOR(pg_catalog.=) NEW.srid) THEN
      RAISE EXCEPTION 'heritage register SRID %% is unknown', NEW.srid
        USING ERRCODE = 'check_violation',
              DETAIL = 'The SRID is not in spatial_ref_sys.',
              HINT = 'Choose a projected SRID in metres that PostGIS knows, e.g. the district''s CGCS2000 zone.';
    END IF;
    SELECT %1$s.ST_SRID(s.footprint) INTO used FROM cp.heritage_site s
     WHERE %1$s.ST_SRID(s.footprint) OPERATOR(pg_catalog.<>) NEW.srid LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'heritage register already uses SRID %%', used
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('Sites with SRID %%s exist, so the register cannot switch to SRID %%s.', used, NEW.srid),
              HINT = 'The SRID is chosen once; transform every site in one decision before changing it.';
    END IF;
  END IF;
  RETURN NEW;
END
$$$f$, postgis_schema);
END
$do$;
REVOKE ALL ON FUNCTION cp.heritage_config_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_config_guard() IS
  'Trigger: the register SRID must be known to PostGIS and match the sites already saved';

CREATE TRIGGER heritage_site_guard
  BEFORE INSERT OR UPDATE OR DELETE ON cp.heritage_site
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_site_guard();
CREATE TRIGGER heritage_site_no_truncate
  BEFORE TRUNCATE ON cp.heritage_site
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_site_guard();
CREATE TRIGGER heritage_site_audit
  AFTER INSERT OR UPDATE OR DELETE ON cp.heritage_site
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_site_audit();
CREATE TRIGGER heritage_history_append_only
  BEFORE UPDATE OR DELETE ON cp.heritage_history
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_history_guard();
CREATE TRIGGER heritage_history_no_truncate
  BEFORE TRUNCATE ON cp.heritage_history
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_history_guard();
CREATE TRIGGER heritage_history_archive_record
  AFTER DELETE ON cp.heritage_history
  REFERENCING OLD TABLE AS archived
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_history_archived();
CREATE TRIGGER heritage_config_guard
  BEFORE INSERT OR UPDATE ON cp.heritage_config
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_config_guard();
-- Also when a replica applies changes (session_replication_role = replica).
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_guard;
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_audit;
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_no_truncate;
ALTER TABLE cp.heritage_history ENABLE ALWAYS TRIGGER heritage_history_append_only;
ALTER TABLE cp.heritage_history ENABLE ALWAYS TRIGGER heritage_history_no_truncate;
COMMENT ON TRIGGER heritage_site_guard ON cp.heritage_site IS 'Rules of the register, see cp.heritage_site_guard()';
COMMENT ON TRIGGER heritage_site_no_truncate ON cp.heritage_site IS 'The register cannot be truncated';
COMMENT ON TRIGGER heritage_site_audit ON cp.heritage_site IS 'One audit row per change, see cp.heritage_site_audit()';
COMMENT ON TRIGGER heritage_history_append_only ON cp.heritage_history IS 'Audit rows cannot be updated or deleted';
COMMENT ON TRIGGER heritage_history_no_truncate ON cp.heritage_history IS 'The audit cannot be truncated';
COMMENT ON TRIGGER heritage_history_archive_record ON cp.heritage_history IS 'Records a supervised archive';
COMMENT ON TRIGGER heritage_config_guard ON cp.heritage_config IS 'The register SRID is chosen once';

-- Privileges: everyone reads the register; editing it (cp_heritage_editor) and
-- reading its audit (cp_auditor) are granted by cp.setup_roles() (70_roles.sql).
GRANT SELECT ON cp.heritage_site, cp.heritage_config TO PUBLIC;

-- Register SRID -------------------------------------------------------------

CREATE FUNCTION cp.heritage_srid() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce((SELECT srid FROM cp.heritage_config),
                  (SELECT ST_SRID(footprint) FROM cp.heritage_site LIMIT 1))
$$;
COMMENT ON FUNCTION cp.heritage_srid() IS
  'SRID of the heritage register: the setting in cp.heritage_config, else that of the saved sites; NULL while neither exists';

-- Development check ---------------------------------------------------------

CREATE FUNCTION cp.check_development(geom geometry, height_m float8 DEFAULT NULL,
                                     action text DEFAULT 'build')
RETURNS TABLE (site_id bigint, rule text, severity text, message text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  reg_srid integer;
  review float8;
  dx float8;
  dy float8;
BEGIN
  IF geom IS NULL THEN
    RAISE EXCEPTION 'proposal geometry must not be null'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass the outline of the proposed building or works.';
  END IF;
  IF action IS NULL OR action NOT IN ('build', 'demolish') THEN
    RAISE EXCEPTION 'unknown development action %', coalesce(quote_literal(action), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The action is ''build'' or ''demolish''.';
  END IF;
  IF height_m IS NOT NULL AND NOT (height_m >= 0 AND height_m < 'Infinity') THEN
    RAISE EXCEPTION 'proposal height % is not a height', height_m
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the height in metres as a finite number >= 0, or NULL if unknown.';
  END IF;
  IF ST_IsEmpty(geom) THEN
    RAISE EXCEPTION 'proposal geometry is empty'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the outline of the proposed building or works.';
  END IF;
  reg_srid := cp.heritage_srid();
  IF reg_srid IS NULL THEN
    RETURN;   -- empty register: nothing is protected yet
  END IF;
  IF ST_SRID(geom) <> reg_srid THEN
    RAISE EXCEPTION 'proposal has SRID %, the heritage register uses SRID %', ST_SRID(geom), reg_srid
      USING ERRCODE = 'invalid_parameter_value',
            HINT = pg_catalog.format('Transform it with ST_Transform(geom, %s).', reg_srid);
  END IF;
  review := coalesce((SELECT c.review_distance_m FROM cp.heritage_config c), 50);
  -- Search box for the review distance; in degrees for EPSG:4326, else in CRS units (metres).
  IF reg_srid = 4326 THEN
    dy := review / 110000.0;
    dx := review / (111320.0 * greatest(cos(radians(least(greatest(abs(ST_YMin(geom)), abs(ST_YMax(geom))) + 0.01, 89.0))), 0.01));
  ELSE
    dx := review;
    dy := review;
  END IF;

  RETURN QUERY
  WITH cand AS (
    SELECT h.id, h.code, h.name, h.grade, h.footprint, h.protection_zone, h.control_zone,
           h.height_limit_m, h.style_rules
      FROM cp.heritage_site h
     WHERE h.status = 'listed'
       AND (h.footprint && ST_Expand(geom, dx, dy)
            OR h.protection_zone && geom
            OR h.control_zone && geom)
  ), hits AS (
    -- demolition touching a listed footprint; construction on one
    SELECT c.id, 'listed_footprint'::text AS rule, 'forbidden'::text AS severity,
           pg_catalog.format('%s of listed %s site %s "%s" is %s', CASE action WHEN 'demolish' THEN 'demolition' ELSE 'construction' END,
                  c.grade, c.code, c.name,
                  CASE action WHEN 'demolish' THEN 'touching its footprint' ELSE 'on its footprint' END) AS message
      FROM cand c
     WHERE ST_Intersects(c.footprint, geom)
       AND (action = 'demolish' OR NOT ST_Touches(c.footprint, geom))
    UNION ALL
    SELECT c.id, 'protection_zone',
           CASE action WHEN 'build' THEN 'forbidden' ELSE 'needs_review' END,
           pg_catalog.format('%s inside the protection zone of %s site %s "%s"',
                  CASE action WHEN 'build' THEN 'new construction' ELSE 'demolition' END,
                  c.grade, c.code, c.name)
      FROM cand c
     WHERE c.protection_zone IS NOT NULL
       AND ST_Intersects(c.protection_zone, geom) AND NOT ST_Touches(c.protection_zone, geom)
    UNION ALL
    SELECT c.id,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN 'height_limit' ELSE 'control_zone' END,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN 'forbidden' ELSE 'needs_review' END,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN pg_catalog.format('height %s m exceeds the limit of %s m in the control zone of %s site %s "%s"',
                            height_m, c.height_limit_m, c.grade, c.code, c.name)
                ELSE pg_catalog.format('construction in the control zone of %s site %s "%s": %s%s',
                            c.grade, c.code, c.name,
                            CASE WHEN c.height_limit_m IS NULL THEN 'no height limit recorded'
                                 WHEN height_m IS NULL THEN pg_catalog.format('height not given (limit %s m)', c.height_limit_m)
                                 ELSE pg_catalog.format('height %s m within the limit of %s m', height_m, c.height_limit_m) END,
                            CASE WHEN c.style_rules <> '{}'::jsonb
                                 THEN pg_catalog.format(', style rules %s apply', c.style_rules::text) ELSE '' END)
           END
      FROM cand c
     WHERE action = 'build' AND c.control_zone IS NOT NULL
       AND ST_Intersects(c.control_zone, geom) AND NOT ST_Touches(c.control_zone, geom)
  )
  SELECT x.id, x.rule, x.severity, x.message FROM hits x
  UNION ALL
  SELECT c.id, 'proximity', 'needs_review',
         pg_catalog.format('within %s m of listed %s site %s "%s"', review, c.grade, c.code, c.name)
    FROM cand c
   WHERE NOT EXISTS (SELECT 1 FROM hits x WHERE x.id = c.id)
     AND CASE WHEN reg_srid = 4326
              THEN ST_DWithin(c.footprint::geography, geom::geography, review)
              ELSE ST_DWithin(c.footprint, geom, review) END
  ORDER BY 3, 1, 2;
END
$$;
COMMENT ON FUNCTION cp.check_development(geometry, float8, text) IS
  'Heritage check of a proposal (action build or demolish): one row per violation (site_id, rule, severity forbidden|needs_review, message) against the listed sites of the register';

-- Proposal guard: a district attaches it to its own proposals table.
CREATE FUNCTION cp.heritage_proposal_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  geom_col text := coalesce(TG_ARGV[0], 'geom');
  height_col text := coalesce(TG_ARGV[1], 'height_m');
  action_col text := TG_ARGV[2];
  g geometry;
  h float8;
  a text := 'build';
  v record;
BEGIN
  IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
    RAISE EXCEPTION 'cp.heritage_proposal_guard() must be a BEFORE INSERT OR UPDATE row trigger'
      USING ERRCODE = 'E0001';
  END IF;
  EXECUTE pg_catalog.format('SELECT ($1).%I::geometry', geom_col) INTO g USING NEW;
  IF TG_NARGS >= 2 OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID
                                 AND attname = height_col AND attnum > 0 AND NOT attisdropped) THEN
    EXECUTE pg_catalog.format('SELECT ($1).%I::float8', height_col) INTO h USING NEW;
  END IF;
  IF action_col IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT ($1).%I::text', action_col) INTO a USING NEW;
  END IF;
  IF g IS NULL THEN
    RETURN NEW;   -- nothing to check until the proposal has an outline
  END IF;
  FOR v IN SELECT d.*, s.code FROM cp.check_development(g, h, a) d
             JOIN cp.heritage_site s ON s.id = d.site_id
            WHERE d.severity = 'forbidden' ORDER BY d.site_id, d.rule LIMIT 1
  LOOP
    RAISE EXCEPTION 'proposal violates heritage rule "%" of site "%"', v.rule, v.code
      USING ERRCODE = 'check_violation',
            DETAIL = upper(left(v.message, 1)) || substr(v.message, 2) || '.',
            HINT = 'See cp.check_development() for every finding on this proposal.';
  END LOOP;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.heritage_proposal_guard() IS
  'Trigger for a district''s proposals table: refuses a row that cp.check_development finds forbidden. Arguments: geometry column (default geom), height column (default height_m, optional), action column (default: every row is build)';

-- Indicator -----------------------------------------------------------------

CREATE FUNCTION cp.heritage_protection_rate(area geometry DEFAULT NULL)
RETURNS TABLE (listed bigint, protected bigint, rate float8, target float8, meets_target boolean,
               by_grade jsonb, by_condition jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  reg_srid integer := cp.heritage_srid();
BEGIN
  IF area IS NOT NULL AND reg_srid IS NOT NULL AND ST_SRID(area) <> reg_srid THEN
    RAISE EXCEPTION 'area has SRID %, the heritage register uses SRID %', ST_SRID(area), reg_srid
      USING ERRCODE = 'invalid_parameter_value',
            HINT = pg_catalog.format('Transform it with ST_Transform(area, %s).', reg_srid);
  END IF;
  RETURN QUERY
  WITH s AS (
    SELECT h.grade, h.condition FROM cp.heritage_site h
     WHERE h.status = 'listed'
       AND (area IS NULL OR (h.footprint && area AND ST_Intersects(h.footprint, area)))
  )
  SELECT (SELECT count(*) FROM s),
         (SELECT count(*) FROM s WHERE s.condition IN ('intact', 'restored')),
         (SELECT count(*) FILTER (WHERE s.condition IN ('intact', 'restored'))::float8
                 / nullif(count(*), 0) FROM s),
         0.9::float8,
         (SELECT count(*) FILTER (WHERE s.condition IN ('intact', 'restored'))::float8
                 / nullif(count(*), 0) >= 0.9 FROM s),
         (SELECT pg_catalog.jsonb_object_agg(g.grade, (SELECT count(*) FROM s WHERE s.grade = g.grade))
            FROM unnest(ARRAY['national', 'provincial', 'municipal', 'historic_building',
                              'traditional_style']) AS g(grade)),
         (SELECT pg_catalog.jsonb_object_agg(c.cond, (SELECT count(*) FROM s WHERE s.condition = c.cond))
            FROM unnest(ARRAY['intact', 'damaged', 'restored', 'lost']) AS c(cond));
END
$$;
COMMENT ON FUNCTION cp.heritage_protection_rate(geometry) IS
  'Traditional-building protection rate (传统建筑保护率): share of listed sites (footprint meeting area, or all when NULL) that are intact or restored, against the 90 % target, with counts by grade and condition';

-- Parking supply-demand gap (issue 6) -------------------------------------------
-- Demand per building from a cp.parking_standards set; supply from car parks
-- (given capacity, else estimated from area); spaces allocated along the
-- streets within walk_m by one global greedy pass in ascending walking
-- distance (docs/parking.md). The four public functions resolve the set's
-- rules once (cp._parking_rules) and make one call of cp._parking_eval (C,
-- src/parking_eval.c), which reads each caller query once, checks it, computes
-- demand, capacity and the allocation and returns what the function reports.
-- Nothing is written: no temp table, no catalogue row (they run on a hot
-- standby). jit is off in these functions: with 100 000 buildings the
-- planner's estimates start JIT compilation of the caller's queries that
-- costs more than it saves on one-pass queries.

CREATE FUNCTION cp._parking_allocate(network text, buildings_sql text, parking_sql text, walk_m float8,
                                     max_snap_m float8)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
AS 'MODULE_PATHNAME', 'cp_parking_allocate_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._parking_allocate(text, text, text, float8, float8) IS
  'Internal: the greedy walking-distance allocation of buildings (id, geom, demand) to car parks (id, geom, capacity) within walk_m; one row per pair that shares spaces, in allocation order';

-- The demand rules of a set for a community type, in the order cp.parking_rule
-- prefers them: per use, the community type's rules before 'any' rules, rules
-- with a flat-size bin before rules for any flat size (then by rule code).
CREATE FUNCTION cp._parking_rules(standard text, community_type text,
                                  OUT uses text[], OUT bases text[], OUT spaces float8[],
                                  OUT flat_min float8[], OUT flat_max float8[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  ct  text := community_type;
BEGIN
  PERFORM cp.check_standard(std);                       -- 42704 naming the known sets
  PERFORM cp.parking_check_input(ct, NULL, NULL);       -- 22023 for an unknown community type
  SELECT coalesce(pg_catalog.array_agg(r.use ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.basis ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.spaces ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.flat_area_min_m2 ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.flat_area_max_m2 ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}')
    INTO uses, bases, spaces, flat_min, flat_max
    FROM (SELECT p.use, p.rule, p.basis, p.spaces, p.flat_area_min_m2, p.flat_area_max_m2,
                 p.community_type = ct AS own,
                 (p.flat_area_min_m2 IS NOT NULL OR p.flat_area_max_m2 IS NOT NULL) AS banded
            FROM cp.parking_standards p
           WHERE p.standard = std AND p.community_type IN (ct, 'any')) r;
END
$$;
COMMENT ON FUNCTION cp._parking_rules(text, text) IS
  'Internal: the parking demand rules of a standard set for a community type as arrays (use, basis, spaces, flat-size bin) in the order cp.parking_rule prefers them; errors: unknown set 42704, unknown community type 22023';

CREATE FUNCTION cp._parking_eval(network text, buildings_sql text, parking_sql text, communities_sql text,
                                 walk_m float8, m2_per_space float8, max_snap_m float8,
                                 standard text, community_type text,
                                 uses text[], bases text[], spaces float8[], flat_min float8[], flat_max float8[],
                                 per text,
                                 OUT building_id bigint, OUT parking_id bigint, OUT community_id bigint,
                                 OUT use text, OUT capacity_source text, OUT distance_m float8,
                                 OUT demand float8, OUT capacity float8, OUT spaces_shared float8,
                                 OUT pairs integer, OUT area_m2 float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_parking_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._parking_eval(text, text, text, text, float8, float8, float8, text, text, text[], text[], float8[], float8[], float8[], text) IS
  'Internal: the parking analysis in one pass: buildings (id, geom, use, households, floor_area), car parks (id, geom, capacity) and communities (id, geom) read once each; demand from the rules (cp._parking_rules), capacity given or from area, the greedy walking-distance allocation; per = allocation (one row per pair that shares spaces), buildings, lots or communities (communities_sql NULL: the whole area); geom as given (EWKB)';

CREATE FUNCTION cp.parking_allocation(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.building_id, e.parking_id, e.distance_m, e.spaces_shared
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'allocation') e
   ORDER BY e.building_id, e.distance_m, e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_allocation(text, text, text, float8, text, text, float8, float8) IS
  'Parking spaces allocated to buildings (id, geom, use, households, floor_area) from car parks (id, geom, capacity) within walk_m metres along the network, greedily by ascending walking distance; one row per (building, car park) that shares spaces';

CREATE FUNCTION cp.parking_gap_buildings(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (building_id bigint, use text, demand float8, supplied float8, unmet float8,
               unmet_ratio float8, car_parks integer, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.building_id, e.use, e.demand, e.spaces_shared, greatest(e.demand - e.spaces_shared, 0),
         CASE WHEN e.demand > 0 THEN greatest(e.demand - e.spaces_shared, 0) / e.demand END,
         e.pairs, e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'buildings') e
   ORDER BY e.building_id
$$;
COMMENT ON FUNCTION cp.parking_gap_buildings(text, text, text, float8, text, text, float8, float8) IS
  'Per building: parking demand under the standard, spaces allocated within walk_m, unmet demand and its share (NULL without demand), number of car parks used; for heat maps';

CREATE FUNCTION cp.parking_lots(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (parking_id bigint, capacity float8, capacity_source text, allocated float8, spare float8,
               buildings integer, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.parking_id, e.capacity, e.capacity_source, e.spaces_shared, greatest(e.capacity - e.spaces_shared, 0),
         e.pairs, e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'lots') e
   ORDER BY e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_lots(text, text, text, float8, text, text, float8, float8) IS
  'Per car park: capacity (given, estimated from area at m2_per_space, or unknown = 0), spaces allocated to buildings within walk_m, spare spaces, buildings served';

CREATE FUNCTION cp.parking_gap(network text, buildings_sql text, parking_sql text, communities_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (community_id bigint, demand float8, supply_inside float8, supply_allocated float8,
               gap float8, gap_ratio float8, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  -- a building or car park belongs to the lowest-id community containing its
  -- representative point (communities.h); buildings without demand and car
  -- parks without spaces add nothing
  SELECT e.community_id, e.demand, e.capacity, e.spaces_shared, greatest(e.demand - e.spaces_shared, 0),
         CASE WHEN e.demand > 0 THEN greatest(e.demand - e.spaces_shared, 0) / e.demand END,
         e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, communities_sql, walk_m, m2_per_space,
                                       max_snap_m, standard, community_type, r.uses, r.bases, r.spaces, r.flat_min,
                                       r.flat_max, 'communities') e
   ORDER BY e.community_id
$$;
COMMENT ON FUNCTION cp.parking_gap(text, text, text, text, float8, text, text, float8, float8) IS
  'Parking gap per community (id, geom query): demand of its buildings under the standard, capacity of the car parks inside it, spaces allocated to its buildings within walk_m along the network (from car parks inside or outside, none counted twice), gap and gap_ratio = gap / demand (NULL without demand)';

-- Indicator catalogue (issue 8) ----------------------------------------------
-- The Fujian future-community plan's three-level system (section 3.4):
-- 4 dimensions -> 12 domains -> 36 indicators, with provincial baselines (2023)
-- and stage targets (2025, 2028, 2035). Shipped rows are read-only (the guard
-- cp.protect_shipped of the standards part); local weights, baselines and
-- targets go to cp.indicator_local, which pg_dump keeps in full, and
-- cp.indicator_catalogue shows the effective values. User-added dimensions,
-- domains and indicators (shipped = false) are editable and dumped.

CREATE TABLE cp.indicator_dimensions (
  code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh  text NOT NULL,
  name_en  text NOT NULL,
  weight   float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  source   text NOT NULL,
  shipped  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.indicator_dimensions IS 'First level of the indicator system: the four dimensions 宜居性, 智慧性, 韧性, 人文性 (plan section 3.4)';
COMMENT ON COLUMN cp.indicator_dimensions.code IS 'livability, smartness, resilience, humanity';
COMMENT ON COLUMN cp.indicator_dimensions.name_zh IS 'Chinese name';
COMMENT ON COLUMN cp.indicator_dimensions.name_en IS 'English name';
COMMENT ON COLUMN cp.indicator_dimensions.weight IS 'Relative weight in the overall score (normalised over all dimensions; the shipped four are 0.25 each)';
COMMENT ON COLUMN cp.indicator_dimensions.source IS 'Plan section';
COMMENT ON COLUMN cp.indicator_dimensions.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicator_domains (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  dimension  text NOT NULL REFERENCES cp.indicator_dimensions (code) ON UPDATE CASCADE,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  weight     float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  origin     text NOT NULL CHECK (origin IN ('plan', 'ours', 'user')),
  source     text NOT NULL,
  shipped    boolean NOT NULL DEFAULT false,
  UNIQUE (code, dimension)
);
COMMENT ON TABLE cp.indicator_domains IS 'Second level: the twelve domains (six named by plan section 3.4, six completed from section 4.2)';
COMMENT ON COLUMN cp.indicator_domains.code IS 'Domain code';
COMMENT ON COLUMN cp.indicator_domains.dimension IS 'Dimension the domain belongs to';
COMMENT ON COLUMN cp.indicator_domains.name_zh IS 'Chinese name';
COMMENT ON COLUMN cp.indicator_domains.name_en IS 'English name';
COMMENT ON COLUMN cp.indicator_domains.weight IS 'Relative weight within its dimension (normalised over the dimension''s domains; shipped: 1/3 each)';
COMMENT ON COLUMN cp.indicator_domains.origin IS 'plan: named by the plan; ours: completed by community_planning; user: added locally';
COMMENT ON COLUMN cp.indicator_domains.source IS 'Plan section';
COMMENT ON COLUMN cp.indicator_domains.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicators (
  code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  dimension     text NOT NULL,
  domain        text NOT NULL,
  unit          text NOT NULL,
  direction     text NOT NULL CHECK (direction IN ('higher', 'lower')),
  weight        float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  core          boolean NOT NULL DEFAULT false,
  baseline      numeric,
  baseline_year int CHECK (baseline_year BETWEEN 2000 AND 2100),
  baseline_note text,
  target_2025   numeric,
  target_2028   numeric,
  target_2035   numeric,
  target_note   text,
  valid_min     numeric NOT NULL,
  valid_max     numeric NOT NULL,
  source        text NOT NULL,
  obtained      text NOT NULL CHECK (obtained IN ('computed', 'recorded')),
  origin        text NOT NULL CHECK (origin IN ('plan', 'ours', 'user')),
  measure       text,
  note          text,
  shipped       boolean NOT NULL DEFAULT false,
  FOREIGN KEY (domain, dimension) REFERENCES cp.indicator_domains (code, dimension) ON UPDATE CASCADE,
  CHECK (valid_min < valid_max),
  CHECK (baseline BETWEEN valid_min AND valid_max),
  CHECK (target_2025 BETWEEN valid_min AND valid_max),
  CHECK (target_2028 BETWEEN valid_min AND valid_max),
  CHECK (target_2035 BETWEEN valid_min AND valid_max),
  CHECK ((obtained = 'computed') = (measure IS NOT NULL))
);
COMMENT ON TABLE cp.indicators IS
  'Third level: the 36 indicators of the plan''s system, with baseline, stage targets (2025, 2028, 2035), valid range and how each is obtained';
COMMENT ON COLUMN cp.indicators.code IS 'Indicator code';
COMMENT ON COLUMN cp.indicators.name_zh IS 'Chinese name (the plan''s wording where it has one)';
COMMENT ON COLUMN cp.indicators.name_en IS 'English name';
COMMENT ON COLUMN cp.indicators.dimension IS 'livability, smartness, resilience or humanity';
COMMENT ON COLUMN cp.indicators.domain IS 'One of the twelve domains (cp.indicator_domains)';
COMMENT ON COLUMN cp.indicators.unit IS 'Unit of values, baseline and targets: % is 0..100';
COMMENT ON COLUMN cp.indicators.direction IS 'higher: higher is better and a target is a floor; lower: lower is better and a target is a ceiling';
COMMENT ON COLUMN cp.indicators.weight IS 'Relative weight within its domain (normalised over the domain''s indicators; shipped: 0.4 for the lead indicator, 0.3 for the two others)';
COMMENT ON COLUMN cp.indicators.core IS 'Core indicator written into city performance reviews (plan section 3.4)';
COMMENT ON COLUMN cp.indicators.baseline IS 'Provincial baseline (2023) where the plan gives one';
COMMENT ON COLUMN cp.indicators.baseline_year IS 'Year of the baseline';
COMMENT ON COLUMN cp.indicators.baseline_note IS 'National comparison, qualifiers (e.g. "below")';
COMMENT ON COLUMN cp.indicators.target_2025 IS 'Target of the pilot stage 2023–2025';
COMMENT ON COLUMN cp.indicators.target_2028 IS 'Target of the roll-out stage 2026–2028';
COMMENT ON COLUMN cp.indicators.target_2035 IS 'Target of the deepening stage 2029–2035';
COMMENT ON COLUMN cp.indicators.target_note IS 'The plan''s own wording and dates of the targets, and how they were placed in stages';
COMMENT ON COLUMN cp.indicators.valid_min IS 'Smallest value cp.indicator_values accepts';
COMMENT ON COLUMN cp.indicators.valid_max IS 'Largest value cp.indicator_values accepts';
COMMENT ON COLUMN cp.indicators.source IS 'Plan sections (or national guidance) the indicator and its figures come from';
COMMENT ON COLUMN cp.indicators.obtained IS 'computed: by this extension from spatial data; recorded: survey or administrative figure entered with date and source';
COMMENT ON COLUMN cp.indicators.origin IS 'plan: the plan names the indicator; ours: completed by community_planning from the plan''s text and national guidance; user: added locally';
COMMENT ON COLUMN cp.indicators.measure IS 'For computed indicators, the function or measure that computes them';
COMMENT ON COLUMN cp.indicators.note IS 'Caveats';
COMMENT ON COLUMN cp.indicators.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicator_local (
  indicator    text PRIMARY KEY REFERENCES cp.indicators (code) ON UPDATE CASCADE ON DELETE CASCADE,
  weight       float8 CHECK (weight > 0 AND weight <= 1),
  baseline     numeric,
  baseline_year int CHECK (baseline_year BETWEEN 2000 AND 2100),
  target_2025  numeric,
  target_2028  numeric,
  target_2035  numeric,
  note         text,
  set_by       text NOT NULL DEFAULT current_user,
  set_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cp.indicator_local IS
  'Local settings that replace the shipped weight, baseline or targets of an indicator (NULL keeps the shipped value); dumped by pg_dump in full';
COMMENT ON COLUMN cp.indicator_local.indicator IS 'Indicator code';
COMMENT ON COLUMN cp.indicator_local.weight IS 'Local relative weight within the domain';
COMMENT ON COLUMN cp.indicator_local.baseline IS 'Local baseline';
COMMENT ON COLUMN cp.indicator_local.baseline_year IS 'Year of the local baseline';
COMMENT ON COLUMN cp.indicator_local.target_2025 IS 'Local target of the 2023–2025 stage';
COMMENT ON COLUMN cp.indicator_local.target_2028 IS 'Local target of the 2026–2028 stage';
COMMENT ON COLUMN cp.indicator_local.target_2035 IS 'Local target of the 2029–2035 stage';
COMMENT ON COLUMN cp.indicator_local.note IS 'Why the local value differs (decision, document)';
COMMENT ON COLUMN cp.indicator_local.set_by IS 'Who set it';
COMMENT ON COLUMN cp.indicator_local.set_at IS 'When it was set';

CREATE TABLE cp.indicator_values (
  community_id text NOT NULL CHECK (community_id <> ''),
  indicator    text NOT NULL REFERENCES cp.indicators (code) ON UPDATE CASCADE,
  period       date NOT NULL,
  value        numeric NOT NULL,
  source       text NOT NULL CHECK (source <> ''),
  inputs       jsonb,
  entered_by   text NOT NULL DEFAULT current_user,
  entered_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (community_id, indicator, period)
);
CREATE INDEX indicator_values_indicator_period ON cp.indicator_values (indicator, period);
COMMENT ON TABLE cp.indicator_values IS
  'Indicator values per community and period, recorded or computed; values outside the indicator''s valid range are rejected (SQLSTATE 22003)';
COMMENT ON COLUMN cp.indicator_values.community_id IS 'Community (or district, city, province) identifier as text: administrative codes keep leading zeros, OSM and numeric ids fit too';
COMMENT ON COLUMN cp.indicator_values.indicator IS 'Indicator code';
COMMENT ON COLUMN cp.indicator_values.period IS 'Reference date of the value (end of the period it describes); its year selects the plan stage';
COMMENT ON COLUMN cp.indicator_values.value IS 'Value in the indicator''s unit; a missing value is a missing row, never zero';
COMMENT ON COLUMN cp.indicator_values.source IS 'Where the value comes from: survey, department, or the computing function';
COMMENT ON COLUMN cp.indicator_values.inputs IS 'For computed values: the inputs that produced them (queries, network, standard)';
COMMENT ON COLUMN cp.indicator_values.entered_by IS 'Who entered the value';
COMMENT ON COLUMN cp.indicator_values.entered_at IS 'When it was entered';

CREATE VIEW cp.indicator_catalogue AS
WITH e AS (
  SELECT i.code, i.name_zh, i.name_en, i.dimension, i.domain, i.unit, i.direction,
         coalesce(l.weight, i.weight) AS weight, i.core,
         coalesce(l.baseline, i.baseline) AS baseline,
         CASE WHEN l.baseline IS NOT NULL THEN l.baseline_year ELSE i.baseline_year END AS baseline_year,
         coalesce(l.target_2025, i.target_2025) AS target_2025,
         coalesce(l.target_2028, i.target_2028) AS target_2028,
         coalesce(l.target_2035, i.target_2035) AS target_2035,
         i.valid_min, i.valid_max, i.source, i.obtained, i.origin, i.measure,
         d.weight AS domain_weight, m.weight AS dimension_weight,
         (l.indicator IS NOT NULL) AS local
    FROM cp.indicators i
    JOIN cp.indicator_domains d ON d.code = i.domain
    JOIN cp.indicator_dimensions m ON m.code = i.dimension
    LEFT JOIN cp.indicator_local l ON l.indicator = i.code
), s AS (
  SELECT e.*,
         e.weight / sum(e.weight) OVER (PARTITION BY e.domain) AS weight_in_domain,
         e.domain_weight / (SELECT sum(d.weight) FROM cp.indicator_domains d WHERE d.dimension = e.dimension) AS domain_in_dimension,
         e.dimension_weight / (SELECT sum(m.weight) FROM cp.indicator_dimensions m) AS dimension_in_total
    FROM e
)
SELECT s.*, s.weight_in_domain * s.domain_in_dimension * s.dimension_in_total AS weight_in_total
  FROM s;
COMMENT ON VIEW cp.indicator_catalogue IS
  'Effective indicator catalogue: shipped or user indicators with local weight, baseline and targets applied, and the weights of their domain and dimension';
COMMENT ON COLUMN cp.indicator_catalogue.local IS 'True when cp.indicator_local changes the row';
COMMENT ON COLUMN cp.indicator_catalogue.weight IS 'Effective raw weight (local or shipped)';
COMMENT ON COLUMN cp.indicator_catalogue.weight_in_domain IS 'Weight normalised within the domain: weight / sum of the domain''s weights';
COMMENT ON COLUMN cp.indicator_catalogue.domain_in_dimension IS 'Domain weight normalised within its dimension';
COMMENT ON COLUMN cp.indicator_catalogue.dimension_in_total IS 'Dimension weight normalised over all dimensions';
COMMENT ON COLUMN cp.indicator_catalogue.weight_in_total IS 'Share of the indicator in the overall score (product of the three normalised weights); sums to 1 over all indicators';

-- Shipped data ----------------------------------------------------------------
INSERT INTO cp.indicator_dimensions (code, name_zh, name_en, weight, source, shipped) VALUES
('livability', '宜居性', 'livability', 0.25, 'plan 3.1, 3.4', true),
('smartness',  '智慧性', 'smartness',  0.25, 'plan 3.1, 3.4', true),
('resilience', '韧性',   'resilience', 0.25, 'plan 3.1, 3.4', true),
('humanity',   '人文性', 'humanity',   0.25, 'plan 3.1, 3.4', true);

INSERT INTO cp.indicator_domains (code, dimension, name_zh, name_en, weight, origin, source, shipped) VALUES
('infrastructure',       'livability', '基础设施', 'infrastructure', 1/3.0, 'plan', 'plan 3.4 (named); 2.1, 4.2 道路管网', true),
('public_services',      'livability', '公共服务', 'public services', 1/3.0, 'plan', 'plan 3.4 (named); 4.2 公共服务', true),
('elderly_childcare',    'livability', '一老一小', 'elderly care and childcare', 1/3.0, 'ours', 'plan 2.2 "一老一小", 3.2, 8.2', true),
('smart_applications',   'smartness',  '智慧应用', 'smart applications', 1/3.0, 'plan', 'plan 3.4 (named); 2.4, 5.2 应用层', true),
('smart_infrastructure', 'smartness',  '智慧设施', 'smart infrastructure', 1/3.0, 'ours', 'plan 4.2 智慧设施子系统; 5.2 感知层, 平台层; 7.2', true),
('digital_trust',        'smartness',  '数字安全与适老', 'data security and digital inclusion', 1/3.0, 'ours', 'plan 2.4, 6.4', true),
('governance',           'resilience', '治理效能', 'governance effectiveness', 1/3.0, 'plan', 'plan 3.4 (named); 2.3, 4.2 治理体系', true),
('green_low_carbon',     'resilience', '绿色低碳', 'green and low-carbon', 1/3.0, 'plan', 'plan 3.4 (named); 3.1, 7.2', true),
('operation',            'resilience', '运营保障', 'sustainable operation', 1/3.0, 'ours', 'plan 4.2 运营体系; 6.2, 7.1, 7.3', true),
('cultural_heritage',    'humanity',   '文化传承', 'cultural heritage', 1/3.0, 'plan', 'plan 3.4 (named); 2.5, 5.4 历史文脉', true),
('cultural_activities',  'humanity',   '文化活动', 'cultural activities', 1/3.0, 'ours', 'plan 4.2 文化活动; 2.5', true),
('neighbourhood',        'humanity',   '邻里关系', 'neighbourhood and identity', 1/3.0, 'ours', 'plan 4.2 邻里关系; 2.5', true);

INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, core,
  baseline, baseline_year, baseline_note, target_2025, target_2028, target_2035, target_note,
  valid_min, valid_max, source, obtained, origin, measure, note, shipped) VALUES
-- livability / infrastructure
('parking_gap_rate', '城市社区停车位缺口率', 'urban community parking-space gap rate', 'livability', 'infrastructure', '%', 'lower', 0.4, false,
 38, 2023, 'Core districts of Xiamen and Quanzhou above 50 %.', NULL, 20, 20, '≤20 % (3.2, undated: placed in the 2026–2028 stage). 3.4 names the complement 停车位供给率.',
 0, 100, 'plan 2.1, 3.2, 3.4', 'computed', 'plan', 'cp.parking_gap(...): 100 × gap_ratio per community (demand from cp.parking_demand)', NULL, true),
('pipe_ageing_rate', '老旧社区管网老化率', 'pipe-network ageing rate, communities built before 2000', 'livability', 'infrastructure', '%', 'lower', 0.3, false,
 45, 2023, 'Leakage above 30 % in old communities of Fuzhou and Xiamen.', 15, 15, 15, '<15 % after three years of renewal (3.2; 800 communities, 7.2): placed in the 2023–2025 stage.',
 0, 100, 'plan 2.1, 3.2, 3.4 (管网改造率), 7.2', 'recorded', 'plan', NULL, NULL, true),
('ev_charging_share', '新建居住社区充电设施配建率', 'share of parking spaces with EV chargers built or prepared, new communities', 'livability', 'infrastructure', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, 100, 100, 100, '100 % of spaces in new communities (national standard in force since 2020).',
 0, 100, '完整居住社区建设标准(试行) 2020 三.10 (not in the plan)', 'recorded', 'ours', NULL, NULL, true),
-- livability / public services
('life_circle_15min_coverage', '社区15分钟生活圈覆盖率', 'share of residents inside a complete 15-minute life circle', 'livability', 'public_services', '%', 'higher', 0.4, true,
 NULL, NULL, NULL, NULL, 90, 90, '≥90 %, core indicator (3.4, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 3.4, 4.2', 'computed', 'plan', 'cp.life_circle(..., standard => ''GB50180-2018''): population share reaching every required category of the 15min level (cp.life_circle_requirements)', NULL, true),
('public_service_facility_coverage', '社区公共服务设施覆盖率', 'public-service facility coverage', 'livability', 'public_services', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, 85, 85, '85 % in 2026 (8.2).',
 0, 100, 'plan 3.3, 8.2', 'computed', 'plan', 'cp.coverage(...): population-weighted coverage over the required categories of the standard', NULL, true),
('rural_service_coverage_ratio', '农村社区公共服务设施覆盖率(相对城市社区)', 'rural public-service facility coverage relative to urban communities', 'livability', 'public_services', '%', 'higher', 0.3, false,
 60, 2023, NULL, NULL, 80, 80, '80 % of the urban level (3.2, undated: placed in the 2026–2028 stage).',
 0, 200, 'plan 2.1, 3.2', 'recorded', 'plan', NULL, 'A ratio of two coverages: may exceed 100 where rural coverage is better.', true),
-- livability / elderly care and childcare
('elderly_care_coverage', '社区养老设施覆盖率', 'community elderly-care facility coverage', 'livability', 'elderly_childcare', '%', 'higher', 0.4, false,
 58, 2023, 'Fuzhou Gulou district: 60+ share 22.3 %; developed countries about 80 %.', 85, 90, 90, '85 % by 2025 (3.2); 90 % in 2027 (8.2).',
 0, 100, 'plan 1.2, 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2', 'computed', 'plan', 'cp.coverage(...) for categories elderly_care and elderly_day_care', NULL, true),
('childcare_place_gap', '3岁以下婴幼儿托位缺口率', 'childcare place gap for children under 3', 'livability', 'elderly_childcare', '%', 'lower', 0.3, false,
 65, 2023, NULL, 30, 30, 30, '30 % (3.2, by 2025; 8.2 restates it for 2027).',
 0, 100, 'plan 2.2, 3.2, 8.2', 'computed', 'plan', '2SFCA place gap for category nursery (issue 5 supply vs demand): 100 × max(0, demand − accessible supply) / demand', NULL, true),
('childcare_institution_coverage', '社区托育机构覆盖率', 'community childcare institution coverage', 'livability', 'elderly_childcare', '%', 'higher', 0.3, false,
 30, 2023, NULL, 50, 100, 100, '50 % by 2025 (3.2); one per community in 2027 (8.2), i.e. 100 %.',
 0, 100, 'plan 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2', 'computed', 'plan', 'share of communities with a nursery (cp.life_circle missing-category list, category nursery)', NULL, true),
-- smartness / smart applications
('smart_service_usage', '居民智慧服务使用率(智慧化服务普及率)', 'residents using smart services (smart-service penetration)', 'smartness', 'smart_applications', '%', 'higher', 0.4, true,
 NULL, NULL, 'Below 20 % in failed pilots (2.4); no provincial baseline.', NULL, 60, 60, '≥60 % (3.2, undated); core indicator 智慧化服务普及率 ≥60 % (3.4): placed in the 2026–2028 stage.',
 0, 100, 'plan 2.4, 3.2, 3.4', 'recorded', 'plan', NULL, '3.2 使用率 and the 3.4 core 普及率 are taken as one indicator.', true),
('smart_service_coverage', '社区智慧化服务覆盖率', 'smart-service coverage of communities', 'smartness', 'smart_applications', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, 60, 80, '60 % in the 2026–2028 stage (3.3); 80 % by 2030 (3.1, 8.3).',
 0, 100, 'plan 3.1, 3.3, 8.3', 'recorded', 'plan', NULL, NULL, true),
('minzhengtong_access_rate', '"闽政通"社区服务接入率', 'community services available through Minzhengtong', 'smartness', 'smart_applications', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, NULL, 100, 'All communities connected to 闽政通 by 2030 (8.3).',
 0, 100, 'plan 3.4 (Fujian extra), 8.3', 'recorded', 'plan', NULL, NULL, true),
-- smartness / smart infrastructure
('platform_data_integration', '智慧平台数据整合率', 'smart-platform data-integration rate', 'smartness', 'smart_infrastructure', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, 90, 90, '90 % in pilot communities (3.2, undated; platform layer 2025–2026, 5.2): placed in the 2026–2028 stage.',
 0, 100, 'plan 2.3, 3.2, 5.2', 'recorded', 'plan', NULL, NULL, true),
('smart_sensors', '社区智能传感器数量', 'smart sensors per community', 'smartness', 'smart_infrastructure', 'sensors', 'higher', 0.3, false,
 NULL, NULL, NULL, 200, 200, 200, 'At least 200 per community (7.2): placed in the pilot stage.',
 0, 1000000, 'plan 7.2', 'recorded', 'plan', NULL, NULL, true),
('digital_twin', '社区数字孪生平台', 'community digital-twin platform in place', 'smartness', 'smart_infrastructure', '0/1', 'higher', 0.3, false,
 NULL, NULL, NULL, 1, 1, 1, 'Each community builds one (7.2): placed in the pilot stage.',
 0, 1, 'plan 4.2, 7.2', 'recorded', 'plan', NULL, '1 = in place, 0 = not.', true),
-- smartness / data security and digital inclusion
('data_security_incident_rate', '数据安全事件发生率', 'data-security incident rate', 'smartness', 'digital_trust', '%', 'lower', 0.4, false,
 NULL, NULL, '45 % of residents worry about leaks of personal data (2.4).', NULL, 0.1, 0.1, '<0.1 % (3.2, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 2.4, 3.2, 6.4', 'recorded', 'plan', NULL, NULL, true),
('dialect_voice_fitness', '方言语音服务适配度', 'dialect voice-service fitness', 'smartness', 'digital_trust', 'score 0–100', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, NULL, NULL, 'The plan names the indicator without a target.',
 0, 100, 'plan 3.4 (Fujian extra)', 'recorded', 'plan', NULL, 'Scale 0–100 is ours.', true),
('elderly_smartphone_use', '60岁以上居民智能手机使用率', 'residents 60+ using a smartphone', 'smartness', 'digital_trust', '%', 'higher', 0.3, false,
 35, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.4, 5.2 (digital divide)', 'recorded', 'ours', NULL, NULL, true),
-- resilience / governance
('governance_participation', '居民参与社区事务比例(社区治理参与率)', 'residents taking part in community governance', 'resilience', 'governance', '%', 'higher', 0.4, true,
 32, 2023, 'National average 38 %.', NULL, 60, 60, '60 % (3.2; 2027 in 8.2); core indicator 社区治理参与率 ≥60 % (3.4).',
 0, 100, 'plan 1.3, 2.3, 3.2, 3.4, 8.2', 'recorded', 'plan', NULL, NULL, true),
('owners_committee_rate', '社区业委会成立率', 'owners'' committee establishment rate', 'resilience', 'governance', '%', 'higher', 0.3, false,
 45, 2023, 'National average 52 %.', NULL, 70, 70, '70 % (3.2; 2027 in 8.2).',
 0, 100, 'plan 1.3, 2.3, 3.2, 8.2', 'recorded', 'plan', NULL, NULL, true),
('resident_satisfaction', '居民生活服务满意度', 'resident satisfaction with living services', 'resilience', 'governance', '%', 'higher', 0.3, true,
 NULL, NULL, 'Xiamen Siming smart-community pilot 92 % (1.2).', NULL, 90, 90, 'Core indicator ≥90 % (3.4, undated: placed in the 2026–2028 stage); ≥90 % by 2030 (3.1).',
 0, 100, 'plan 3.1, 3.4, 4.4', 'recorded', 'plan', NULL, 'Placed under governance: the plan''s evaluation (4.4) measures it by resident survey.', true),
-- resilience / green and low-carbon
('green_building_share', '绿色建筑比例', 'green-building share', 'resilience', 'green_low_carbon', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, NULL, 70, 'Above 70 % by 2030 (3.1, 8.3); new communities 100 % (7.2).',
 0, 100, 'plan 3.1, 7.2, 8.3', 'recorded', 'plan', NULL, NULL, true),
('public_green_per_capita', '人均公共绿地面积', 'public green space per resident', 'resilience', 'green_low_carbon', 'm²/person', 'higher', 0.3, false,
 NULL, NULL, NULL, 2.0, 2.0, 2.0, 'GB 50180-2018 表4.0.4: ≥2.0 m²/person at the 15-minute level (old-district renewal ≥70 % of it, 4.0.5).',
 0, 1000, 'GB 50180-2018 4.0.4 (not in the plan)', 'computed', 'ours', 'per-resident space (issue 5) for category park: public green land area / residents', NULL, true),
('carbon_reduction', '社区碳排放降低率', 'reduction of community carbon emissions against the pre-renewal level', 'resilience', 'green_low_carbon', '%', 'higher', 0.3, false,
 NULL, NULL, 'Examples: Xiamen Siming eco pilot 40 % (4.1), Freiburg 60 % (1.5).', NULL, NULL, NULL, 'No target in the plan.',
 -100, 100, 'plan 1.5, 4.1, 7.2', 'recorded', 'ours', NULL, 'Negative values are increases.', true),
-- resilience / operation
('care_worker_shortfall', '专业护理人员缺口', 'professional care-worker shortfall', 'resilience', 'operation', 'persons', 'lower', 0.4, false,
 30000, 2023, 'Provincial figure.', 10000, 10000, 10000, '<10 000 by 2025 (3.2).',
 0, 10000000, 'plan 2.2, 3.2', 'recorded', 'plan', NULL, 'A provincial count: record it for the province (community_id of the province).', true),
('community_workers', '每社区专职社区工作者人数', 'full-time community workers per community', 'resilience', 'operation', 'persons', 'higher', 0.3, false,
 8, 2023, 'National average 10; below 15 % qualified for smart or elderly services (7.1).', NULL, NULL, NULL, 'No target in the plan (5 000 workers to be trained in three years, 7.1).',
 0, 10000, 'plan 7.1', 'recorded', 'ours', NULL, NULL, true),
('operating_cost_recovery', '社区运营收入覆盖运营成本比例', 'share of operating cost covered by community operating revenue', 'resilience', 'operation', '%', 'higher', 0.3, false,
 NULL, NULL, 'Example: Fuzhou Gulou community revenue covers 60 % (6.2, 7.3); public money 65 % of pilot funding (6.2).', NULL, NULL, NULL, 'No target in the plan.',
 0, 1000, 'plan 4.3, 6.2, 7.3', 'recorded', 'ours', NULL, 'May exceed 100 when revenue exceeds cost.', true),
-- humanity / cultural heritage
('heritage_protection_rate', '传统建筑(历史建筑)保护率', 'traditional-building protection rate', 'humanity', 'cultural_heritage', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, 90, 95, '90 % (3.2, undated: placed in the 2026–2028 stage); 95 % in 2031–2033 (8.3).',
 0, 100, 'plan 2.5, 3.2, 3.4 (历史建筑保护率), 5.4, 8.3', 'computed', 'plan', 'heritage register: protected / registered traditional buildings per community (issue 7 heritage functions)', NULL, true),
('intangible_heritage_coverage', '闽南、客家等非遗项目进社区覆盖率', 'intangible-heritage programmes (Minnan, Hakka) reaching communities', 'humanity', 'cultural_heritage', '%', 'higher', 0.3, false,
 NULL, NULL, 'Example: Zhangzhou Longwen puppetry classes, youth participation 70 % (5.4).', NULL, NULL, NULL, 'The plan names the indicator without a target.',
 0, 100, 'plan 3.4 (Fujian extra), 5.4', 'recorded', 'plan', NULL, NULL, true),
('heritage_plan_rate', '传统建筑"一户一策"保护方案覆盖率', 'traditional buildings with their own protection plan', 'humanity', 'cultural_heritage', '%', 'higher', 0.3, false,
 NULL, NULL, 'Fuzhou Three Lanes and Seven Alleys: 50 buildings, each with its own plan (5.4).', NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 5.4', 'recorded', 'ours', NULL, NULL, true),
-- humanity / cultural activities
('cultural_space_per_capita', '社区文化活动场所人均面积', 'cultural activity space per resident', 'humanity', 'cultural_activities', 'm²/person', 'higher', 0.4, false,
 0.8, 2023, 'National average 1.2 m².', NULL, NULL, 1.2, '1.2 m² (3.2); dated 2031–2033 in 8.3.',
 0, 1000, 'plan 2.5, 3.2, 8.3', 'computed', 'plan', 'per-resident space (issue 5) for category culture_activity: floor area / residents', NULL, true),
('cultural_activity_participation', '社区文化活动参与率', 'residents taking part in community cultural activities', 'humanity', 'cultural_activities', '%', 'higher', 0.3, false,
 35, 2023, 'Below 35 % (6.3).', NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
('cultural_events_per_year', '社区年均文化活动次数', 'community cultural events per year', 'humanity', 'cultural_activities', 'events/year', 'higher', 0.3, false,
 NULL, NULL, 'Example: a Xiapu community holds 4 a year (2.5); no provincial baseline.', NULL, NULL, NULL, 'No target in the plan.',
 0, 10000, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
-- humanity / neighbourhood
('community_identity_index', '居民社区认同感指数', 'community identity index', 'humanity', 'neighbourhood', 'score 0–100', 'higher', 0.4, false,
 65, 2023, NULL, NULL, 85, 85, '85 of 100 (3.2, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 3.2', 'recorded', 'plan', NULL, NULL, true),
('neighbour_acquaintance_rate', '认识邻居名字的居民比例', 'residents who know a neighbour''s name', 'humanity', 'neighbourhood', '%', 'higher', 0.3, false,
 28, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
('mutual_aid_rate', '邻里互助行为发生率', 'residents reporting mutual help between neighbours', 'humanity', 'neighbourhood', '%', 'higher', 0.3, false,
 35, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5', 'recorded', 'ours', NULL, NULL, true);

-- Rules -----------------------------------------------------------------------
CREATE FUNCTION cp.check_indicator_value() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind record;
BEGIN
  IF TG_TABLE_NAME = 'indicator_values' THEN
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF NOT FOUND THEN
      RETURN NEW;   -- the foreign key reports the unknown indicator
    END IF;
    IF NEW.value = 'NaN' OR NEW.value < ind.valid_min OR NEW.value > ind.valid_max THEN
      RAISE EXCEPTION 'value % is out of range for indicator "%"', NEW.value, NEW.indicator
        USING ERRCODE = '22003',
              DETAIL = pg_catalog.format('Indicator %s accepts values from %s to %s (%s).', NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = 'Enter shares as percentages (0 to 100), in the indicator''s unit.';
    END IF;
  ELSE
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF FOUND AND EXISTS (SELECT 1 FROM unnest(ARRAY[NEW.baseline, NEW.target_2025, NEW.target_2028, NEW.target_2035]) v
                          WHERE v = 'NaN' OR v < ind.valid_min OR v > ind.valid_max) THEN
      RAISE EXCEPTION 'local baseline or target is out of range for indicator "%"', NEW.indicator
        USING ERRCODE = '22003',
              DETAIL = pg_catalog.format('Indicator %s accepts values from %s to %s (%s).', NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = 'Enter shares as percentages (0 to 100), in the indicator''s unit.';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_indicator_value() IS
  'Trigger: rejects an indicator value, local baseline or local target outside the indicator''s valid range, or NaN (SQLSTATE 22003)';

CREATE TRIGGER check_value BEFORE INSERT OR UPDATE ON cp.indicator_values
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_value();
CREATE TRIGGER check_value BEFORE INSERT OR UPDATE ON cp.indicator_local
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_value();

CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_dimensions
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_dimensions
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_domains
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_domains
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicators
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicators
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('cp.indicator_dimensions', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_domains', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicators', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_local', '');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_values', '');

GRANT SELECT ON cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.indicator_catalogue TO PUBLIC;

CREATE FUNCTION cp.plan_stage(year int) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF year < 2000 THEN
    RAISE EXCEPTION 'year % is long before the plan', year
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages are 2023–2025, 2026–2028 and 2029–2035; years from 2000 count towards the first.',
            HINT = 'Give a calendar year such as 2025.';
  END IF;
  IF year > 2035 THEN
    RAISE EXCEPTION 'year % is after the plan''s last stage', year
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages are 2023–2025, 2026–2028 and 2029–2035.',
            HINT = 'Compare later values with the 2035 targets explicitly.';
  END IF;
  RETURN CASE WHEN year <= 2025 THEN 2025 WHEN year <= 2028 THEN 2028 ELSE 2035 END;
END
$$;
COMMENT ON FUNCTION cp.plan_stage(int) IS
  'Plan stage (2025, 2028 or 2035) whose targets apply to a year: up to 2025 the pilot stage, 2026–2028 roll-out, 2029–2035 deepening; before 2000 or after 2035 error 22023';

CREATE FUNCTION cp.indicator_target(indicator text, stage int) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind text := indicator;
  r record;
BEGIN
  SELECT c.target_2025, c.target_2028, c.target_2035 INTO r FROM cp.indicator_catalogue c WHERE c.code = ind;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'indicator "%" does not exist', ind
      USING ERRCODE = '42704',
            DETAIL = 'Indicators are listed in cp.indicators.',
            HINT = 'Check the code, or add your own indicator.';
  END IF;
  IF stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION 'unknown plan stage %', stage
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages end in 2025, 2028 and 2035.',
            HINT = 'Map a year to its stage with cp.plan_stage(year).';
  END IF;
  RETURN CASE stage WHEN 2025 THEN r.target_2025 WHEN 2028 THEN r.target_2028 ELSE r.target_2035 END;
END
$$;
COMMENT ON FUNCTION cp.indicator_target(text, int) IS
  'Effective target of an indicator for a plan stage (2025, 2028 or 2035), local settings applied; NULL when the stage has none. Errors: unknown indicator 42704, unknown stage 22023';

-- Communities (issue 8) -----------------------------------------------------------
-- The district's communities with their district, city, type, population and
-- outline: the units every scorecard, roll-up and computed indicator is kept for.

CREATE TABLE cp.communities (
  id             text PRIMARY KEY CHECK (id <> ''),
  name           text NOT NULL CHECK (name <> ''),
  district       text,
  city           text,
  community_type text CHECK (community_type IN ('old', 'new', 'rural')),
  population     bigint CHECK (population >= 0),
  geom           geometry(MultiPolygon)
);
CREATE INDEX communities_geom ON cp.communities USING gist (geom);
CREATE INDEX communities_city_district ON cp.communities (city, district);
COMMENT ON TABLE cp.communities IS
  'Communities scored by cp.scorecard: administrative id, name, district, city, type, residents and outline (one SRID for all rows)';
COMMENT ON COLUMN cp.communities.id IS 'Community id as text, the community_id of cp.indicator_values (administrative codes keep leading zeros)';
COMMENT ON COLUMN cp.communities.name IS 'Name';
COMMENT ON COLUMN cp.communities.district IS 'District (区/县) for roll-ups; grouped together with the city';
COMMENT ON COLUMN cp.communities.city IS 'City (设区市) for roll-ups';
COMMENT ON COLUMN cp.communities.community_type IS 'old (micro-renewal), new (built to standard) or rural (urban-rural sharing), plan section 4.2';
COMMENT ON COLUMN cp.communities.population IS 'Residents: the weight of the community in population-weighted roll-ups (NULL = unknown)';
COMMENT ON COLUMN cp.communities.geom IS 'Outline (MultiPolygon); every outline carries the same SRID, not 0; computed indicators need it';

CREATE FUNCTION cp.check_community() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  other_id   text;
  other_srid integer;
BEGIN
  IF NEW.geom IS NULL THEN
    RETURN NEW;
  END IF;
  IF ST_SRID(NEW.geom) = 0 THEN
    RAISE EXCEPTION 'community "%" has a geometry without SRID', NEW.id
      USING ERRCODE = '23514',
            HINT = 'Set the SRID of the outline with ST_SetSRID(geom, srid).';
  END IF;
  IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
    RAISE EXCEPTION 'community "%" has an empty or invalid geometry', NEW.id
      USING ERRCODE = '23514',
            DETAIL = coalesce(nullif(ST_IsValidReason(NEW.geom), 'Valid Geometry'), 'The geometry is empty.'),
            HINT = 'Repair it with ST_MakeValid, or leave geom NULL.';
  END IF;
  -- one edit at a time, so two sessions cannot save two SRIDs (the same lock scheme as the heritage register)
  PERFORM pg_advisory_xact_lock(TG_RELID::int, 8);
  SELECT c.id, ST_SRID(c.geom) INTO other_id, other_srid
    FROM cp.communities c
   WHERE c.geom IS NOT NULL AND c.id <> NEW.id
     AND (TG_OP = 'INSERT' OR c.id <> OLD.id)
     AND ST_SRID(c.geom) <> ST_SRID(NEW.geom)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'community "%" has SRID %, the communities use SRID %', NEW.id, ST_SRID(NEW.geom), other_srid
      USING ERRCODE = '23514',
            DETAIL = pg_catalog.format('Community %s has SRID %s; every outline in cp.communities carries the same SRID.', other_id, other_srid),
            HINT = pg_catalog.format('Transform it with ST_Transform(geom, %s).', other_srid);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_community() IS
  'Trigger: a community outline must have an SRID (not 0), be valid and not empty, and share the SRID of the other outlines (SQLSTATE 23514)';
CREATE TRIGGER check_community BEFORE INSERT OR UPDATE ON cp.communities
  FOR EACH ROW EXECUTE FUNCTION cp.check_community();

SELECT pg_catalog.pg_extension_config_dump('cp.communities', '');
GRANT SELECT ON cp.communities TO PUBLIC;


-- Scorecard (issue 8) -------------------------------------------------------------
-- The scorecard of one community against the stage targets of the indicator
-- catalogue: normalised scores 0..100, weighted per domain, dimension and overall,
-- missing values reported as missing; a summary and JSON for planning apps.

CREATE FUNCTION cp.normalised_score(value numeric, baseline numeric, target numeric, direction text,
                                    valid_min numeric, valid_max numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  zero numeric;
  met  boolean;
BEGIN
  IF direction IS NULL OR direction NOT IN ('higher', 'lower') THEN
    RAISE EXCEPTION 'unknown direction "%"', direction
      USING ERRCODE = '22023', HINT = 'Use higher or lower.';
  END IF;
  IF 'NaN'::numeric IN (value, baseline, target, valid_min, valid_max)
     OR 'Infinity'::numeric IN (abs(value), abs(baseline), abs(target), abs(valid_min), abs(valid_max)) THEN
    RAISE EXCEPTION 'score inputs must be finite numbers'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Got value %s, baseline %s, target %s, valid range %s to %s.',
                            value, baseline, target, valid_min, valid_max);
  END IF;
  IF value IS NULL OR target IS NULL THEN
    RETURN NULL;
  END IF;
  -- 0 points: the baseline, or without one the worst end of the valid range
  zero := coalesce(baseline, CASE direction WHEN 'higher' THEN valid_min ELSE valid_max END);
  met := CASE direction WHEN 'higher' THEN value >= target ELSE value <= target END;
  IF zero IS NULL OR (direction = 'higher' AND zero >= target) OR (direction = 'lower' AND zero <= target) THEN
    RETURN CASE WHEN met THEN 100 ELSE 0 END;   -- no distance to scale on: met or not
  END IF;
  RETURN trim_scale(greatest(0, least(100, 100 * (value - zero) / (target - zero))));
END
$$;
COMMENT ON FUNCTION cp.normalised_score(numeric, numeric, numeric, text, numeric, numeric) IS
  'Score 0..100 of a value: linear from the baseline (0) to the target (100), clamped; without baseline from the worst end of the valid range (valid_min for higher, valid_max for lower); 100 or 0 (met or not) when the baseline is not short of the target; NULL without value or target; 22023 unknown direction';

-- A plan stage (2025, 2028, 2035) or NULL; 22023 for any other year.
CREATE FUNCTION cp._check_plan_stage(stage int) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF stage IS NOT NULL AND stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION 'unknown plan stage %', stage
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages end in 2025, 2028 and 2035.',
            HINT = 'Map a year to its stage with cp.plan_stage(year), or pass NULL for the current stage.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._check_plan_stage(int) IS
  'Internal: raises 22023 unless the stage is NULL or one of the plan''s stages (2025, 2028, 2035)';

-- Shared argument checks: effective stage, or NULL for a NULL community.
CREATE FUNCTION cp._scorecard_stage(community_id text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF community_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.communities c WHERE c.id = _scorecard_stage.community_id) THEN
    RAISE EXCEPTION 'community "%" does not exist', community_id
      USING ERRCODE = '42704',
            DETAIL = 'Communities are listed in cp.communities.',
            HINT = 'Add the community to cp.communities first.';
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._scorecard_stage(text, int) IS
  'Internal: checks a scorecard''s community (42704) and stage (22023) and returns the stage to apply';

CREATE FUNCTION cp._current_stage() RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.plan_stage(least(extract(year FROM current_date)::int, 2035)) $$;
COMMENT ON FUNCTION cp._current_stage() IS
  'Internal: stage of today''s date (2035 after 2035): the stage a scorecard uses when none is given';

-- Plan order of the four shipped dimensions, then user dimensions by code.
CREATE FUNCTION cp._dimension_rank(dimension text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT coalesce(pg_catalog.array_position(ARRAY['livability', 'smartness', 'resilience', 'humanity'], dimension), 99) $$;
COMMENT ON FUNCTION cp._dimension_rank(text) IS
  'Internal: the plan''s order of the dimensions (livability, smartness, resilience, humanity; user dimensions after)';

CREATE FUNCTION cp.scorecard(community_id text, stage int DEFAULT NULL)
RETURNS TABLE (target_stage int, dimension text, domain text, indicator text, name_zh text, name_en text,
               unit text, direction text, core boolean, value numeric, period date, source text,
               baseline numeric, target numeric, gap numeric, met boolean, score numeric,
               weight float8, effective_weight float8, status text)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH s AS (
    SELECT cp._scorecard_stage(scorecard.community_id, scorecard.stage) AS st
  ), v AS (
    SELECT DISTINCT ON (iv.indicator) iv.indicator, iv.value, iv.period, iv.source
      FROM cp.indicator_values iv
     WHERE iv.community_id = scorecard.community_id
       AND (scorecard.stage IS NULL OR iv.period <= make_date(scorecard.stage, 12, 31))
     ORDER BY iv.indicator, iv.period DESC
  ), r AS (
    SELECT c.code, c.dimension, c.domain, c.name_zh, c.name_en, c.unit, c.direction, c.core,
           c.baseline, c.valid_min, c.valid_max, c.weight AS raw_weight, c.weight_in_total,
           c.domain_weight, c.dimension_weight, s.st,
           v.value, v.period, v.source, cp.indicator_target(c.code, s.st) AS target
      FROM s CROSS JOIN cp.indicator_catalogue c
      LEFT JOIN v ON v.indicator = c.code
     WHERE s.st IS NOT NULL
  ), x AS (
    SELECT r.*, cp.normalised_score(r.value, r.baseline, r.target, r.direction, r.valid_min, r.valid_max) AS score
      FROM r
  ), d AS (   -- weights renormalised over what is scored: within the domain, the dimension, overall
    SELECT x.*,
           x.raw_weight / nullif(sum(x.raw_weight) FILTER (WHERE x.score IS NOT NULL) OVER (PARTITION BY x.domain), 0) AS w_domain
      FROM x
  ), dom AS (
    SELECT d.domain, d.dimension, min(d.domain_weight) AS dw, min(d.dimension_weight) AS mw,
           bool_or(d.score IS NOT NULL) AS scored
      FROM d GROUP BY d.domain, d.dimension
  ), dom2 AS (
    SELECT dom.*,
           CASE WHEN dom.scored THEN dom.dw / sum(dom.dw) FILTER (WHERE dom.scored) OVER (PARTITION BY dom.dimension) END AS w_dim,
           bool_or(dom.scored) OVER (PARTITION BY dom.dimension) AS dim_scored
      FROM dom
  ), dim AS (
    SELECT DISTINCT dom2.dimension, dom2.mw, dom2.dim_scored FROM dom2
  ), dim2 AS (
    SELECT dim.dimension,
           CASE WHEN dim.dim_scored THEN dim.mw / sum(dim.mw) FILTER (WHERE dim.dim_scored) OVER () END AS w_total
      FROM dim
  )
  SELECT d.st, d.dimension, d.domain, d.code, d.name_zh, d.name_en, d.unit, d.direction, d.core,
         d.value, d.period, d.source, d.baseline, d.target,
         CASE d.direction WHEN 'higher' THEN d.target - d.value ELSE d.value - d.target END,
         CASE d.direction WHEN 'higher' THEN d.value >= d.target ELSE d.value <= d.target END,
         trim_scale(d.score), d.weight_in_total,
         CASE WHEN d.score IS NOT NULL THEN d.w_domain * dom2.w_dim * dim2.w_total END,
         CASE WHEN d.value IS NULL THEN 'missing' WHEN d.target IS NULL THEN 'no_target' ELSE 'scored' END
    FROM d
    JOIN dom2 ON dom2.domain = d.domain
    JOIN dim2 ON dim2.dimension = d.dimension
   ORDER BY cp._dimension_rank(d.dimension), d.dimension, d.domain, d.code
$$;
COMMENT ON FUNCTION cp.scorecard(text, int) IS
  'Scorecard of one community against the targets of a plan stage (2025, 2028, 2035; NULL = today''s stage, latest values): per indicator value, baseline, target, gap (positive = still to go), met, score 0..100, weight and effective weight; status scored, missing or no_target. Errors: unknown community 42704, unknown stage 22023';

CREATE FUNCTION cp.scorecard_summary(community_id text, stage int DEFAULT NULL)
RETURNS TABLE (level text, code text, dimension text, name_zh text, name_en text, target_stage int,
               score numeric, weight float8, indicators int, with_value int, scored int, missing int, no_target int)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH sc AS (
    SELECT s.*, i.weight AS raw_weight
      FROM cp.scorecard(scorecard_summary.community_id, scorecard_summary.stage) s
      JOIN cp.indicator_catalogue i ON i.code = s.indicator
  ), dom AS (
    SELECT sc.domain, sc.dimension, min(sc.target_stage) AS st,
           sum(sc.raw_weight::numeric * sc.score) FILTER (WHERE sc.score IS NOT NULL)
             / nullif(sum(sc.raw_weight::numeric) FILTER (WHERE sc.score IS NOT NULL), 0) AS score,
           count(*)::int AS n, count(sc.value)::int AS with_value,
           count(sc.score)::int AS scored, (count(*) - count(sc.value))::int AS missing,
           count(*) FILTER (WHERE sc.status = 'no_target')::int AS no_target
      FROM sc GROUP BY sc.domain, sc.dimension
  ), dom2 AS (
    SELECT dom.*, d.name_zh, d.name_en, d.weight::numeric AS raw_weight,
           CASE WHEN dom.score IS NOT NULL
                THEN d.weight / sum(d.weight) FILTER (WHERE dom.score IS NOT NULL) OVER (PARTITION BY dom.dimension) END AS w
      FROM dom JOIN cp.indicator_domains d ON d.code = dom.domain
  ), dim AS (
    SELECT dom2.dimension, min(dom2.st) AS st,
           sum(dom2.raw_weight * dom2.score) FILTER (WHERE dom2.score IS NOT NULL)
             / nullif(sum(dom2.raw_weight) FILTER (WHERE dom2.score IS NOT NULL), 0) AS score,
           sum(dom2.n)::int AS n, sum(dom2.with_value)::int AS with_value, sum(dom2.scored)::int AS scored,
           sum(dom2.missing)::int AS missing, sum(dom2.no_target)::int AS no_target
      FROM dom2 GROUP BY dom2.dimension
  ), dim2 AS (
    SELECT dim.*, m.name_zh, m.name_en, m.weight::numeric AS raw_weight,
           CASE WHEN dim.score IS NOT NULL
                THEN m.weight / sum(m.weight) FILTER (WHERE dim.score IS NOT NULL) OVER () END AS w
      FROM dim JOIN cp.indicator_dimensions m ON m.code = dim.dimension
  )
  SELECT u.level, u.code, u.dimension, u.name_zh, u.name_en, u.st, u.score, u.w,
         u.n, u.with_value, u.scored, u.missing, u.no_target
    FROM (
      SELECT 0 AS o1, 0 AS o2, ''::text AS o3, 'overall'::text AS level, 'overall'::text AS code,
             NULL::text AS dimension, '总体'::text AS name_zh, 'overall'::text AS name_en, min(dim2.st) AS st,
             trim_scale(sum(dim2.raw_weight * dim2.score) FILTER (WHERE dim2.score IS NOT NULL)
               / nullif(sum(dim2.raw_weight) FILTER (WHERE dim2.score IS NOT NULL), 0)) AS score,
             1::float8 AS w, sum(dim2.n)::int AS n, sum(dim2.with_value)::int AS with_value,
             sum(dim2.scored)::int AS scored, sum(dim2.missing)::int AS missing, sum(dim2.no_target)::int AS no_target
        FROM dim2 HAVING count(*) > 0
      UNION ALL
      SELECT 1, cp._dimension_rank(dim2.dimension), dim2.dimension, 'dimension', dim2.dimension, dim2.dimension,
             dim2.name_zh, dim2.name_en, dim2.st, trim_scale(dim2.score), dim2.w,
             dim2.n, dim2.with_value, dim2.scored, dim2.missing, dim2.no_target
        FROM dim2
      UNION ALL
      SELECT 2, cp._dimension_rank(dom2.dimension), dom2.dimension || ' ' || dom2.domain, 'domain', dom2.domain,
             dom2.dimension, dom2.name_zh, dom2.name_en, dom2.st, trim_scale(dom2.score), dom2.w,
             dom2.n, dom2.with_value, dom2.scored, dom2.missing, dom2.no_target
        FROM dom2
    ) u
   ORDER BY u.o1, u.o2, u.o3
$$;
COMMENT ON FUNCTION cp.scorecard_summary(text, int) IS
  'Weighted scores of one community per domain, per dimension and overall (rows level overall, dimension, domain): weights renormalised over the parts that have a score; counts of indicators with a value, scored, missing and without target. Errors as cp.scorecard';

CREATE FUNCTION cp.scorecard_json(community_id text, stage int DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH sc AS (
    SELECT * FROM cp.scorecard(scorecard_json.community_id, scorecard_json.stage)
  ), su AS (
    SELECT * FROM cp.scorecard_summary(scorecard_json.community_id, scorecard_json.stage)
  ), ind AS (
    SELECT sc.domain,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', sc.indicator, 'name_zh', sc.name_zh, 'name_en', sc.name_en, 'unit', sc.unit,
             'direction', sc.direction, 'core', sc.core, 'value', sc.value, 'period', sc.period,
             'source', sc.source, 'baseline', sc.baseline, 'target', sc.target, 'gap', sc.gap,
             'met', sc.met, 'score', sc.score, 'weight', sc.weight, 'effective_weight', sc.effective_weight,
             'status', sc.status) ORDER BY sc.indicator) AS indicators
      FROM sc GROUP BY sc.domain
  ), dom AS (
    SELECT su.dimension,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', su.code, 'name_zh', su.name_zh, 'name_en', su.name_en, 'score', su.score,
             'weight', su.weight, 'missing', su.missing, 'indicators', ind.indicators) ORDER BY su.code) AS domains
      FROM su JOIN ind ON ind.domain = su.code
     WHERE su.level = 'domain'
     GROUP BY su.dimension
  ), dims AS (
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', su.code, 'name_zh', su.name_zh, 'name_en', su.name_en, 'score', su.score,
             'weight', su.weight, 'missing', su.missing, 'domains', dom.domains)
             ORDER BY cp._dimension_rank(su.code), su.code) AS dimensions
      FROM su JOIN dom ON dom.dimension = su.code
     WHERE su.level = 'dimension'
  )
  SELECT pg_catalog.jsonb_build_object(
           'community', (SELECT pg_catalog.jsonb_build_object('id', c.id, 'name', c.name, 'district', c.district,
                                                   'city', c.city, 'community_type', c.community_type,
                                                   'population', c.population)
                           FROM cp.communities c WHERE c.id = scorecard_json.community_id),
           'stage', su.target_stage,
           'overall', pg_catalog.jsonb_build_object('score', su.score, 'indicators', su.indicators,
                                         'with_value', su.with_value, 'scored', su.scored,
                                         'missing', su.missing, 'no_target', su.no_target),
           'dimensions', (SELECT dims.dimensions FROM dims))
    FROM su WHERE su.level = 'overall'
$$;
COMMENT ON FUNCTION cp.scorecard_json(text, int) IS
  'Scorecard of one community as jsonb for planning apps: community, stage, overall, dimensions -> domains -> indicators (NULL for a NULL community). Errors as cp.scorecard';


-- Roll-up (issue 8) ----------------------------------------------------------------
-- Scorecards rolled up by district and city, weighted by residents or by each
-- rate's own denominator.

CREATE FUNCTION cp.rollup_weighting(unit text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE WHEN unit IN ('%', 'm²/person') THEN 'population' ELSE 'plain' END $$;
COMMENT ON FUNCTION cp.rollup_weighting(text) IS
  'How cp.scorecard_rollup averages an indicator of this unit: population (shares of residents in %, and per-resident quantities in m²/person) or plain (every other unit)';

-- Rates whose denominator is not residents: the key of the computed value's inputs
-- that holds it (spaces or places needed, listed sites). A roll-up weights by it
-- when every reporting value carries it.
CREATE FUNCTION cp.rollup_denominator(indicator text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE indicator WHEN 'parking_gap_rate' THEN 'demand' WHEN 'childcare_place_gap' THEN 'demand'
                            WHEN 'heritage_protection_rate' THEN 'listed' END $$;
COMMENT ON FUNCTION cp.rollup_denominator(text) IS
  'The key of cp.indicator_values.inputs holding the denominator of a rate that is not a share of residents (parking and childcare gaps: demand; heritage protection: listed sites); cp.scorecard_rollup weights by it when every reporting value carries it, by population otherwise; NULL for the other indicators';

CREATE FUNCTION cp._rollup_stage(level text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF level IS NULL THEN
    RETURN NULL;   -- no rows, as a STRICT function would
  END IF;
  IF level NOT IN ('district', 'city', 'province') THEN
    RAISE EXCEPTION 'unknown roll-up level "%"', level
      USING ERRCODE = '22023', HINT = 'Use district, city or province.';
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._rollup_stage(text, int) IS
  'Internal: checks a roll-up''s level (district, city, province) and stage (22023) and returns the stage to apply';

-- The districts a province roll-up leaves out, as a WHERE clause on the partition key.
CREATE FUNCTION cp._rollup_leave_out(alias text, missing text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN coalesce(pg_catalog.cardinality(missing), 0) = 0 THEN ''
              ELSE pg_catalog.format(' AND %I.district <> ALL (%L::text[])', alias, missing) END
$$;
COMMENT ON FUNCTION cp._rollup_leave_out(text, text[]) IS
  'Internal: the WHERE clause that prunes the partitions of the districts a province roll-up leaves out (empty when none)';

-- The one roll-up query, for the local tables (district, city) or the province's
-- foreign partitions (province: communities keyed by (district, id), rows per
-- district and one province row per indicator). Parameters: $1 level, $2 the
-- stage applied (targets), $3 the districts left out (with_missing: returned as
-- the last column). At province level the values are read into a materialized
-- CTE, so the partitions are scanned by one unordered, asynchronous Append
-- (all districts at once) and sorted here. The stage's period bound and the districts left out are
-- written in as literals, so they are pushed to the districts and prune partitions.
CREATE FUNCTION cp._rollup_query(level text, stage int, missing text[], with_missing boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  RETURN pg_catalog.format($q$
  WITH c AS (
    %1$s
  ), iv AS %6$s(
    %2$s WHERE %3$s
  ), v AS (
    SELECT DISTINCT ON (iv.src, iv.community_id, iv.indicator) iv.src, iv.community_id, iv.indicator, iv.value,
           (iv.inputs ->> cp.rollup_denominator(iv.indicator))::numeric AS denominator
      FROM iv JOIN c ON c.src = iv.src AND c.id = iv.community_id
     ORDER BY iv.src, iv.community_id, iv.indicator, iv.period DESC
  ), cat AS (
    SELECT i.code, i.unit, i.direction, i.baseline, i.valid_min, i.valid_max,
           cp.rollup_weighting(i.unit) AS weighting, cp.indicator_target(i.code, $2) AS target
      FROM cp.indicator_catalogue i
  ), a AS (
    SELECT c.city, c.district, cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
           cat.valid_min, cat.valid_max, cat.target,
           count(v.value) > 0 AND count(v.value) = count(v.denominator) AS by_denominator,
           CASE WHEN count(v.value) > 0 AND count(v.value) = count(v.denominator)
                THEN sum(v.value * v.denominator) / nullif(sum(v.denominator), 0)
                WHEN cat.weighting = 'population'
                THEN sum(v.value * c.population) / nullif(sum(c.population) FILTER (WHERE v.value IS NOT NULL), 0)
                ELSE avg(v.value) END AS value,
           count(*)::int AS communities, count(v.value)::int AS reporting,
           sum(c.population) FILTER (WHERE v.value IS NOT NULL)::bigint AS population,
           count(*) FILTER (WHERE v.value IS NOT NULL AND c.population IS NULL)::int AS without_population
      FROM c CROSS JOIN cat
      LEFT JOIN v ON v.src = c.src AND v.community_id = c.id AND v.indicator = cat.code
     GROUP BY %4$s cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
              cat.valid_min, cat.valid_max, cat.target
  )
  SELECT a.city, a.district, a.code, a.unit,
         CASE WHEN a.by_denominator THEN cp.rollup_denominator(a.code) ELSE a.weighting END,
         trim_scale(a.value), a.target,
         CASE a.direction WHEN 'higher' THEN a.value >= a.target ELSE a.value <= a.target END,
         trim_scale(cp.normalised_score(a.value, a.baseline, a.target, a.direction, a.valid_min, a.valid_max)),
         a.communities, a.reporting, a.population, a.without_population%5$s
    FROM a
   ORDER BY %7$s a.city, a.district, a.code$q$,
    CASE WHEN level = 'province'
         THEN pg_catalog.format('SELECT c.district AS src, c.id, c.city, c.district, c.population '
                                'FROM cp.province_communities c WHERE true%s', cp._rollup_leave_out('c', missing))
         ELSE 'SELECT ''''::text AS src, c.id, c.city, CASE WHEN $1 = ''district'' THEN c.district END AS district, '
              'c.population FROM cp.communities c' END,
    CASE WHEN level = 'province'
         THEN 'SELECT iv.district AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.province_indicator_values iv'
         ELSE 'SELECT ''''::text AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.indicator_values iv' END,
    CASE WHEN stage IS NULL THEN 'true' ELSE pg_catalog.format('iv.period <= %L::date', pg_catalog.make_date(stage, 12, 31)) END
      || CASE WHEN level = 'province' THEN cp._rollup_leave_out('iv', missing) ELSE '' END,
    CASE WHEN level = 'province' THEN 'GROUPING SETS ((c.city, c.district), ()),' ELSE 'c.city, c.district,' END,
    CASE WHEN with_missing THEN ', $3' ELSE '' END,
    CASE WHEN level = 'province' THEN 'MATERIALIZED ' ELSE '' END,
    CASE WHEN level = 'province' THEN 'a.district IS NOT NULL,' ELSE '' END);
END
$$;
COMMENT ON FUNCTION cp._rollup_query(text, int, text[], boolean) IS
  'Internal: the text of the roll-up query of cp.scorecard_rollup and cp.province_rollup (one definition of the weighting for every level; $1 level, $2 stage applied, $3 districts left out)';

CREATE FUNCTION cp.scorecard_rollup(level text, stage int DEFAULT NULL)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
SET jit = off   -- at province level the foreign partitions' cost estimate would start JIT for a small query
AS $$
DECLARE
  st int := cp._rollup_stage(level, stage);
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF st IS NULL THEN
    RETURN;
  END IF;
  IF level <> 'province' THEN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
    RETURN;
  END IF;
  PERFORM cp._province_missing(false);   -- a district that cannot be read: an error naming it
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote error or cancel (a slow district): raised again naming it
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
END
$$;
COMMENT ON FUNCTION cp.scorecard_rollup(text, int) IS
  'Indicators per district (within its city), per city, or over the attached districts of a province database (province: a row per district as at district level, named by the district''s publication, and a row per indicator over all with city and district NULL) for a plan stage (NULL = today''s stage, latest values): for parking and childcare gaps and heritage protection computed with their denominators (cp.rollup_denominator), the mean weighted by them (weighting demand or listed); population-weighted mean of the communities'' values for other shares of residents (%) and per-resident quantities (m²/person); plain mean otherwise; target, met and score of the mean; communities, reporting communities, their population. Errors: unknown level or stage 22023; province: a district that cannot be read (unreachable: 08xxx naming it; publishing nothing: 55000; see cp.province_rollup)';

-- QGIS (issue 8) -------------------------------------------------------------------
-- The communities with their scores, one row each, for a map.

CREATE VIEW cp.community_scores AS
SELECT c.id, c.name, c.district, c.city, c.community_type, c.population,
       s.target_stage AS stage, s.overall, s.livability, s.smartness, s.resilience, s.humanity,
       s.scored, s.missing, s.dimensions, c.geom
  FROM cp.communities c
  CROSS JOIN LATERAL (
    SELECT min(x.target_stage) AS target_stage,
           min(x.score) FILTER (WHERE x.level = 'overall') AS overall,
           min(x.score) FILTER (WHERE x.code = 'livability' AND x.level = 'dimension') AS livability,
           min(x.score) FILTER (WHERE x.code = 'smartness' AND x.level = 'dimension') AS smartness,
           min(x.score) FILTER (WHERE x.code = 'resilience' AND x.level = 'dimension') AS resilience,
           min(x.score) FILTER (WHERE x.code = 'humanity' AND x.level = 'dimension') AS humanity,
           min(x.scored) FILTER (WHERE x.level = 'overall') AS scored,
           min(x.missing) FILTER (WHERE x.level = 'overall') AS missing,
           pg_catalog.jsonb_object_agg(x.code, x.score) FILTER (WHERE x.level = 'dimension') AS dimensions
      FROM cp.scorecard_summary(c.id) x) s;
COMMENT ON VIEW cp.community_scores IS
  'Communities with their outline and the scores of today''s plan stage (overall and the four dimensions, 0..100, NULL when nothing is scored) for QGIS graduated colours';
COMMENT ON COLUMN cp.community_scores.stage IS 'Plan stage whose targets apply (today''s)';
COMMENT ON COLUMN cp.community_scores.overall IS 'Overall weighted score 0..100';
COMMENT ON COLUMN cp.community_scores.scored IS 'Indicators with a value and a target';
COMMENT ON COLUMN cp.community_scores.missing IS 'Indicators without a value';
COMMENT ON COLUMN cp.community_scores.dimensions IS 'Every dimension''s score as jsonb (user-added dimensions too)';


-- Computed indicators (issue 8; ordinary functions since issue 14) ------------------
-- cp.compute_indicators() fills the computed indicators of cp.indicator_values
-- from the rows of cp.indicator_computations, each of which calls a function.

CREATE TABLE cp.indicator_computations (
  indicator         text PRIMARY KEY REFERENCES cp.indicators (code) ON UPDATE CASCADE ON DELETE CASCADE,
  sql_template      text NOT NULL CHECK (sql_template <> ''),
  scope             text NOT NULL DEFAULT 'community' CHECK (scope IN ('community', 'all')),
  settings_keys     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings_keys) = 'object'),
  settings_defaults jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings_defaults) = 'object'),
  note              text,
  shipped           boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.indicator_computations IS
  'How cp.compute_indicators computes an indicator: a query run once per community (scope community) or once for all communities (scope all) with the settings of the run';
COMMENT ON COLUMN cp.indicator_computations.indicator IS 'Computed indicator (obtained = computed in cp.indicators)';
COMMENT ON COLUMN cp.indicator_computations.sql_template IS
  'scope community: query with $1 community id (text), $2 outline (geometry), $3 period (date), $4 settings (jsonb) returning one row (value numeric, inputs jsonb); scope all: query with $1 communities query (text: id bigint key, geom, community_id text, community_type, population), $3, $4, returning rows (community_id bigint key, value numeric, inputs jsonb). No row or a NULL value: no value';
COMMENT ON COLUMN cp.indicator_computations.scope IS 'community: the query runs once per community; all: once for every community (coverage and parking functions compute all communities in one call)';
COMMENT ON COLUMN cp.indicator_computations.settings_keys IS 'Settings keys the query needs, each with its JSON type (string, number), e.g. {"network": "string"}; absent keys skip the computation (no_settings) unless it is asked for by name';
COMMENT ON COLUMN cp.indicator_computations.settings_defaults IS 'Optional settings keys with their default values; a given value must have the default''s JSON type';
COMMENT ON COLUMN cp.indicator_computations.note IS 'What the query measures';
COMMENT ON COLUMN cp.indicator_computations.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

-- Shipped rows, TRUNCATE and the shipped flag: cp.protect_shipped(), as for every catalogue.
-- This trigger adds the one rule of its own: a computation belongs to a computed indicator.
CREATE FUNCTION cp.check_indicator_computation() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT cp.catalogue_maintenance()
     AND NOT EXISTS (SELECT 1 FROM cp.indicators i WHERE i.code = NEW.indicator AND i.obtained = 'computed')
     AND EXISTS (SELECT 1 FROM cp.indicators i WHERE i.code = NEW.indicator) THEN
    RAISE EXCEPTION 'indicator "%" is not computed', NEW.indicator
      USING ERRCODE = '23514',
            DETAIL = 'Only indicators with obtained = computed get a computation; recorded ones are entered in cp.indicator_values.';
  END IF;   -- unknown indicator: the foreign key reports it
  IF EXISTS (SELECT 1 FROM jsonb_each(NEW.settings_keys) k
              WHERE k.value NOT IN ('"string"', '"number"', '"boolean"', '"array"', '"object"')) THEN
    RAISE EXCEPTION 'settings_keys of indicator "%" must map every key to a JSON type', NEW.indicator
      USING ERRCODE = '23514',
            DETAIL = pg_catalog.format('Given: %s.', NEW.settings_keys),
            HINT = 'Use string, number, boolean, array or object, e.g. {"network": "string"}.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_indicator_computation() IS
  'Trigger: a computation must belong to a computed indicator and name a JSON type for each settings key (23514); shipped rows are guarded by cp.protect_shipped() (55000)';

-- The radius of a category in a standard set, for the coverage computation's inputs;
-- 22023 naming the set's categories when it has none with a radius.
CREATE FUNCTION cp._compute_category_radius(standard text, category text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  r float8;
BEGIN
  PERFORM cp.check_standard(standard);
  SELECT c.radius_m INTO r FROM cp._coverage_categories(standard) c WHERE c.code = category;
  IF r IS NULL THEN
    RAISE EXCEPTION 'standard set "%" has no category "%" with a walking radius', standard, category
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s has: %s.', standard,
                            (SELECT pg_catalog.string_agg(c.code, ', ' ORDER BY c.code) FROM cp._coverage_categories(standard) c)),
            HINT = 'Name another category in the settings.';
  END IF;
  RETURN r;
END
$$;
COMMENT ON FUNCTION cp._compute_category_radius(text, text) IS
  'Internal: the walking radius cp.coverage uses for a category of a standard set; 22023 when the set has no such category with a radius';

-- The shipped computations are ordinary functions; each row's query only calls one.
-- Scope all: (communities_sql text: id bigint key, geom, community_id text,
-- community_type, population; settings jsonb) -> rows (community_id bigint key,
-- value numeric, inputs jsonb). Scope community: (id text, outline geometry).

CREATE FUNCTION cp.indicator_heritage_protection(community_id text, outline geometry,
                                                 OUT value numeric, OUT inputs jsonb)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
DECLARE
  area geometry := outline;
  r record;
BEGIN
  IF outline IS NULL THEN
    RETURN;
  END IF;
  -- the checked way into another CRS (SRID 0, NaN, curves: 22023 / 0A000, never XX000)
  area := cp._geometry_ewkb(outline, CASE WHEN ST_SRID(outline) <> cp.heritage_srid() THEN cp.heritage_srid() END)::geometry;
  SELECT * INTO r FROM cp.heritage_protection_rate(area);
  value := CASE WHEN r.listed > 0 THEN trim_scale(100 * r.protected::numeric / r.listed) END;
  inputs := pg_catalog.jsonb_build_object(
              'function', 'cp.heritage_protection_rate(area geometry)',
              'area', pg_catalog.jsonb_build_object('table', 'cp.communities', 'id', community_id, 'srid', ST_SRID(outline),
                                                    'transformed_to', CASE WHEN ST_SRID(area) <> ST_SRID(outline) THEN ST_SRID(area) END,
                                                    'md5', md5(ST_AsEWKB(outline))),
              'listed', r.listed, 'protected', r.protected, 'by_condition', r.by_condition);
END
$$;
COMMENT ON FUNCTION cp.indicator_heritage_protection(text, geometry) IS
  'Computed indicator heritage protection: listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in % (outline transformed to the register''s SRID); no value without listed sites';

CREATE FUNCTION cp.indicator_life_circle_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT l.community_id, 100 * l.ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.life_circle', 'life_circle', l.life_circle,
                                         'population', l.population, 'covered_population', l.covered_population,
                                         'crowfly_ratio', l.crowfly_ratio, 'missing_categories', pg_catalog.to_jsonb(l.missing_categories))
      FROM cp.life_circle(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'facilities_sql',
                          communities_sql, settings ->> 'standard', '15min', settings ->> 'profile') l;
END
$$;
COMMENT ON FUNCTION cp.indicator_life_circle_coverage(text, jsonb) IS
  'Computed indicator life_circle_15min_coverage for every community of a communities query: 100 × share of residents who reach every required category of the 15-minute life circle (cp.life_circle); settings network, residents_sql, facilities_sql, standard, profile';

CREATE FUNCTION cp.indicator_elderly_care_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := settings ->> 'elderly_care_category';
  radius float8 := cp._compute_category_radius(settings ->> 'standard', settings ->> 'elderly_care_category');
BEGIN
  RETURN QUERY
    SELECT c.community_id, 100 * c.ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'category', c.category, 'radius_m', radius,
                                         'population', c.population, 'covered_population', c.covered_population,
                                         'crowfly_ratio', c.crowfly_ratio)
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql',
                       pg_catalog.format('SELECT * FROM (%s) f WHERE category::text = %L',
                                         cp._coverage_query(settings ->> 'facilities_sql'), cat),
                       communities_sql, settings ->> 'standard', settings ->> 'profile') c
     WHERE c.category = cat;
END
$$;
COMMENT ON FUNCTION cp.indicator_elderly_care_coverage(text, jsonb) IS
  'Computed indicator elderly_care_coverage for every community of a communities query: 100 × share of residents with an elderly-care facility of the category (setting elderly_care_category) within its walking radius (cp.coverage)';

CREATE FUNCTION cp.indicator_childcare_place_gap(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT g.community_id, 100 * g.gap_ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.supply_gap', 'category', g.category,
                                         'per_1000', (settings ->> 'childcare_per_1000')::float8, 'population', g.population,
                                         'demand', g.demand, 'supply', g.supply, 'gap', g.gap)
      FROM cp.supply_gap(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'childcare_facilities_sql',
                         settings ->> 'childcare_category', communities_sql, (settings ->> 'childcare_per_1000')::float8,
                         settings ->> 'standard', settings ->> 'profile') g;
END
$$;
COMMENT ON FUNCTION cp.indicator_childcare_place_gap(text, jsonb) IS
  'Computed indicator childcare_place_gap for every community of a communities query: 100 × gap_ratio of cp.supply_gap for childcare places (settings childcare_category, childcare_per_1000, childcare_facilities_sql)';

CREATE FUNCTION cp.indicator_parking_gap_rate(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  types text[];
  t text;
BEGIN
  -- one allocation run per community type (its demand rules), each over the communities of that type
  EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT coalesce($1, c.community_type, ''old'')) FROM (%s) c',
                            cp._coverage_query(communities_sql))
     INTO types USING settings ->> 'parking_community_type';
  FOREACH t IN ARRAY coalesce(types, '{}') LOOP
    RETURN QUERY
      SELECT p.community_id, 100 * p.gap_ratio::numeric,
             pg_catalog.jsonb_build_object('function', 'cp.parking_gap', 'community_type', t,
                                           'demand', p.demand, 'supply_inside', p.supply_inside,
                                           'supply_allocated', p.supply_allocated, 'gap', p.gap)
        FROM cp.parking_gap(settings ->> 'network', settings ->> 'buildings_sql', settings ->> 'parking_sql',
                            pg_catalog.format('SELECT id, geom FROM (%s) c WHERE coalesce(%L, c.community_type, %L) = %L',
                                              cp._coverage_query(communities_sql), settings ->> 'parking_community_type', 'old', t),
                            (settings ->> 'walk_m')::float8, settings ->> 'parking_standard', t,
                            (settings ->> 'm2_per_space')::float8, (settings ->> 'max_snap_m')::float8) p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.indicator_parking_gap_rate(text, jsonb) IS
  'Computed indicator parking_gap_rate for every community of a communities query: 100 × gap_ratio of cp.parking_gap under the demand rules of the community''s type (or setting parking_community_type), one allocation run per type';

CREATE FUNCTION cp.indicator_cultural_space_per_capita(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT s.community_id, s.m2_per_resident::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.space_per_resident', 'category', s.category, 'population', s.population,
                                         'floor_area_m2', s.floor_area_m2,
                                         'accessible_m2_per_resident', s.accessible_m2_per_resident)
      FROM cp.space_per_resident(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'culture_facilities_sql',
                                 settings ->> 'culture_category', communities_sql, NULL, settings ->> 'standard',
                                 settings ->> 'profile') s;
END
$$;
COMMENT ON FUNCTION cp.indicator_cultural_space_per_capita(text, jsonb) IS
  'Computed indicator cultural_space_per_capita for every community of a communities query: floor area of the cultural activity facilities inside the community per resident (cp.space_per_resident)';

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped)
SELECT i.code, 'SELECT value, inputs FROM cp.indicator_heritage_protection($1, $2)', 'community', '{}', '{}',
       'Listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in %; no value without listed sites (cp.indicator_heritage_protection)',
       true
  FROM cp.indicators i
 WHERE i.obtained = 'computed' AND i.measure ILIKE '%heritage%';

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped) VALUES
('life_circle_15min_coverage', 'SELECT * FROM cp.indicator_life_circle_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk"}',
 '100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius on foot (cp.life_circle); no value without residents', true),
('elderly_care_coverage', 'SELECT * FROM cp.indicator_elderly_care_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk", "elderly_care_category": "elderly_day_care"}',
 '100 × share of residents with an elderly-care facility of the category (default elderly_day_care, 300 m in GB 50180-2018) within its walking radius (cp.coverage); no value without residents', true),
('childcare_place_gap', 'SELECT * FROM cp.indicator_childcare_place_gap($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "childcare_facilities_sql": "string", "childcare_per_1000": "number"}',
 '{"standard": "GB50180-2018", "profile": "walk", "childcare_category": "nursery"}',
 '100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed (residents × childcare_per_1000 / 1000), capacities shared by two-step floating catchment; no value without residents', true),
('parking_gap_rate', 'SELECT * FROM cp.indicator_parking_gap_rate($1, $4)', 'all',
 '{"network": "string", "buildings_sql": "string", "parking_sql": "string"}',
 '{"parking_standard": "CP-parking-default", "walk_m": 300, "m2_per_space": 30, "max_snap_m": 250, "parking_community_type": null}',
 '100 × gap_ratio of cp.parking_gap: parking demand not met by car parks within walk_m on foot / demand; demand rules of the community''s type (or parking_community_type), one allocation run per type; no value without demand', true),
('cultural_space_per_capita', 'SELECT * FROM cp.indicator_cultural_space_per_capita($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk", "culture_category": "culture_activity"}',
 'Floor area (m²) of the cultural activity facilities inside the community per resident (cp.space_per_resident, m2_per_resident); the floor area within walking reach per resident (2SFCA) is recorded in the inputs; no value without residents', true);

CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_computations
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_computations
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER check_computation BEFORE INSERT OR UPDATE ON cp.indicator_computations
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_computation();
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_computations', 'WHERE NOT shipped');
GRANT SELECT ON cp.indicator_computations TO PUBLIC;

-- The settings a computation runs with: its defaults overlaid by the run's settings,
-- checked (every needed key present, every key of the type declared or of its default).
-- Returns NULL when a needed key is absent and the computation was not asked for by name.
CREATE FUNCTION cp._compute_settings(indicator text, settings jsonb, keys jsonb, defaults jsonb, asked boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path FROM CURRENT
AS $$
DECLARE
  eff jsonb := defaults || (settings - 'compute');
  k record;
  missing text;
BEGIN
  SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', j.key), ', ' ORDER BY j.key) INTO missing
    FROM jsonb_each(keys) j
   WHERE NOT eff ? j.key OR jsonb_typeof(eff -> j.key) = 'null';
  IF missing IS NOT NULL THEN
    IF NOT asked THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION '% % for indicator "%"',
                    CASE WHEN missing LIKE '%,%' THEN 'settings keys' ELSE 'settings key' END, missing
                      || CASE WHEN missing LIKE '%,%' THEN ' are missing' ELSE ' is missing' END, indicator
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Indicator %s needs the settings keys %s.', indicator,
                            (SELECT pg_catalog.string_agg(j.key, ', ' ORDER BY j.key) FROM jsonb_each(keys) j)),
            HINT = 'Add the key to the settings, or leave the indicator out of "compute".';
  END IF;
  FOR k IN SELECT j.key, j.value #>> '{}' AS type FROM jsonb_each(keys) j
           UNION ALL
           SELECT d.key, jsonb_typeof(d.value) FROM jsonb_each(defaults) d WHERE jsonb_typeof(d.value) <> 'null'
  LOOP
    IF eff ? k.key AND jsonb_typeof(eff -> k.key) NOT IN (k.type, 'null') THEN
      RAISE EXCEPTION 'settings key "%" must be a %, not a %', k.key, k.type, jsonb_typeof(eff -> k.key)
        USING ERRCODE = '22023',
              DETAIL = pg_catalog.format('Indicator %s was given %s.', indicator, eff -> k.key),
              HINT = CASE k.type WHEN 'number' THEN 'Write numbers without quotes, e.g. 300.'
                                 ELSE 'Write text in double quotes.' END;
    END IF;
  END LOOP;
  FOR k IN SELECT d.key FROM jsonb_each(defaults) d WHERE NOT d.key IN (SELECT jsonb_object_keys(keys)) LOOP
    IF jsonb_typeof(eff -> k.key) = 'null' AND jsonb_typeof(defaults -> k.key) <> 'null' THEN
      eff := jsonb_set(eff, ARRAY[k.key], defaults -> k.key);   -- an explicit null takes the default
    END IF;
  END LOOP;
  RETURN eff;
END
$$;
COMMENT ON FUNCTION cp._compute_settings(text, jsonb, jsonb, jsonb, boolean) IS
  'Internal: the settings a computation runs with (its defaults overlaid by the run''s settings); NULL when a needed key is absent and the indicator was not asked for by name, else 22023 naming the missing key; 22023 for a key of the wrong JSON type';

CREATE FUNCTION cp.compute_indicators(period date DEFAULT current_date, settings jsonb DEFAULT '{}')
RETURNS TABLE (community_id text, indicator text, value numeric, action text)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  comp  record;
  com   record;
  asked text[];
  unknown text;
  eff   jsonb;
  used  jsonb;
  ids   text[];
  keys  bigint[];
  vals  numeric[];
  inps  jsonb[];
  v     numeric;
  inp   jsonb;
  n     bigint;
  nd    bigint;
  bad   bigint;
  i     int;
  old_source text;
  err_state text;
  err_msg   text;
  err_detail text;
  err_hint  text;
  all_ids text[];
  all_geoms geometry[];
  communities_sql text;
BEGIN
  IF jsonb_typeof(settings) <> 'object' THEN
    RAISE EXCEPTION 'settings must be a jsonb object'
      USING ERRCODE = '22023', HINT = 'Pass e.g. ''{"network": "gulou"}''::jsonb, or nothing.';
  END IF;
  IF settings ? 'compute' THEN
    IF jsonb_typeof(settings -> 'compute') <> 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(settings -> 'compute') e WHERE jsonb_typeof(e) <> 'string') THEN
      RAISE EXCEPTION 'settings key "compute" must be an array of indicator codes'
        USING ERRCODE = '22023', HINT = 'E.g. {"compute": ["parking_gap_rate"]}.';
    END IF;
    asked := ARRAY(SELECT jsonb_array_elements_text(settings -> 'compute'));
    SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', a), ', ') INTO unknown
      FROM unnest(asked) a WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = a);
    IF unknown IS NOT NULL THEN
      RAISE EXCEPTION 'no computation for indicator % in settings key "compute"', unknown
        USING ERRCODE = '22023',
              DETAIL = pg_catalog.format('Computations exist for: %s.',
                              (SELECT pg_catalog.string_agg(c.indicator, ', ' ORDER BY c.indicator) FROM cp.indicator_computations c)),
              HINT = 'cp.indicator_computations lists them.';
    END IF;
  END IF;

  -- the communities with an outline, read once for the whole run (no work table: this runs
  -- where temporary tables cannot be made); k, the bigint key the coverage and parking
  -- functions take, is the position in id order, and the computations' communities query
  -- names the ids read here, so keys mean the same communities throughout the run
  SELECT coalesce(pg_catalog.array_agg(c.id ORDER BY c.id), '{}'), coalesce(pg_catalog.array_agg(c.geom ORDER BY c.id), '{}')
    INTO all_ids, all_geoms
    FROM cp.communities c WHERE c.geom IS NOT NULL;
  communities_sql := pg_catalog.format(
    'SELECT s.k AS id, c.geom, c.id AS community_id, c.name, c.district, c.city, c.community_type, c.population
       FROM unnest(%L::text[]) WITH ORDINALITY AS s (id, k) JOIN cp.communities c ON c.id = s.id', all_ids);

  FOR comp IN SELECT c.indicator, c.sql_template, c.scope, c.settings_keys, c.settings_defaults
                FROM cp.indicator_computations c
               WHERE asked IS NULL OR c.indicator = ANY (asked)
               ORDER BY c.indicator LOOP
    eff := cp._compute_settings(comp.indicator, settings, comp.settings_keys, comp.settings_defaults, asked IS NOT NULL);
    IF eff IS NULL THEN   -- a needed key is absent: skipped, earlier values stay
      RETURN QUERY SELECT c.id, comp.indicator, NULL::numeric, 'no_settings'::text
                     FROM unnest(all_ids) AS c (id) ORDER BY c.id;
      CONTINUE;
    END IF;
    -- the settings recorded with each value: the keys the computation declares, or all
    IF comp.settings_keys = '{}' AND comp.settings_defaults = '{}' THEN
      used := settings - 'compute';
    ELSE
      SELECT coalesce(pg_catalog.jsonb_object_agg(e.key, e.value), '{}') INTO used
        FROM jsonb_each(eff) e
       WHERE comp.settings_keys ? e.key OR comp.settings_defaults ? e.key;
    END IF;

    IF comp.scope = 'community' THEN
      ids := '{}'; vals := '{}'; inps := '{}';
      FOR com IN SELECT c.id, c.geom FROM unnest(all_ids, all_geoms) AS c (id, geom) ORDER BY c.id LOOP
        v := NULL;
        inp := NULL;
        BEGIN
          EXECUTE comp.sql_template INTO v, inp USING com.id, com.geom, compute_indicators.period, eff;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT;
          RAISE EXCEPTION 'computing indicator "%" for community "%" failed: %', comp.indicator, com.id, err_msg
            USING ERRCODE = err_state,
                  HINT = 'See the row of cp.indicator_computations for this indicator.';
        END;
        ids := array_append(ids, com.id);
        vals := array_append(vals, v);
        inps := array_append(inps, inp);
      END LOOP;
    ELSE
      BEGIN
        EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(t.community_id::bigint), pg_catalog.array_agg(t.value::numeric), pg_catalog.array_agg(t.inputs::jsonb),
                               count(*), count(DISTINCT t.community_id),
                               count(*) FILTER (WHERE t.community_id IS NULL OR t.community_id::bigint NOT BETWEEN 1 AND %s)
                          FROM (%s) t',
                       pg_catalog.cardinality(all_ids), cp._coverage_query(comp.sql_template))
          INTO keys, vals, inps, n, nd, bad
          USING communities_sql, NULL::geometry, compute_indicators.period, eff;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT,
                                err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
        RAISE EXCEPTION 'computing indicator "%" for all communities failed: %', comp.indicator, err_msg
          USING ERRCODE = err_state,
                DETAIL = coalesce(nullif(err_detail, ''), pg_catalog.format('Settings used: %s.', used)),
                HINT = coalesce(nullif(err_hint, ''), 'See the row of cp.indicator_computations for this indicator, and the settings.');
      END;
      IF n <> nd OR bad > 0 THEN
        RAISE EXCEPTION 'computation of indicator "%" returned % duplicate and % unknown community keys', comp.indicator, n - nd, bad
          USING ERRCODE = '21000',
                DETAIL = 'A computation of scope all returns at most one row per id of the communities query ($1).';
      END IF;
      -- keys back to community ids, every community in id order
      SELECT pg_catalog.array_agg(c.id ORDER BY c.id), pg_catalog.array_agg(t.v ORDER BY c.id), pg_catalog.array_agg(t.inp ORDER BY c.id)
        INTO ids, vals, inps
        FROM unnest(all_ids) WITH ORDINALITY AS c (id, k)
        LEFT JOIN unnest(keys, vals, inps) AS t (k, v, inp) ON t.k = c.k;
    END IF;

    FOR i IN 1 .. coalesce(pg_catalog.cardinality(ids), 0) LOOP
      v := vals[i];
      inp := inps[i];
      community_id := ids[i];
      indicator := comp.indicator;
      value := v;
      old_source := NULL;
      SELECT iv.source INTO old_source FROM cp.indicator_values iv
       WHERE iv.community_id = ids[i] AND iv.indicator = comp.indicator AND iv.period = compute_indicators.period
       FOR UPDATE;
      IF FOUND AND old_source <> 'computed' THEN
        action := 'kept';   -- a value entered by hand for the same period is not overwritten
        value := NULL;
      ELSIF v IS NULL THEN
        DELETE FROM cp.indicator_values iv
         WHERE iv.community_id = ids[i] AND iv.indicator = comp.indicator
           AND iv.period = compute_indicators.period AND iv.source = 'computed';
        action := CASE WHEN FOUND THEN 'removed' ELSE 'no_value' END;
      ELSE
        inp := pg_catalog.jsonb_build_object('computation', comp.indicator, 'period', compute_indicators.period,
                                  'settings', used) || coalesce(inp, '{}'::jsonb);
        INSERT INTO cp.indicator_values AS iv (community_id, indicator, period, value, source, inputs)
        VALUES (ids[i], comp.indicator, compute_indicators.period, v, 'computed', inp)
        ON CONFLICT (community_id, indicator, period) DO UPDATE
           SET value = excluded.value, inputs = excluded.inputs,
               entered_by = excluded.entered_by, entered_at = excluded.entered_at
         WHERE iv.source = 'computed';
        action := CASE WHEN old_source IS NOT NULL THEN 'replaced' ELSE 'inserted' END;
      END IF;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.compute_indicators(date, jsonb) IS
  'Computes the indicators of cp.indicator_computations for every community with an outline into cp.indicator_values (source computed, inputs recorded) for a period, replacing earlier computed values of that period; settings (jsonb) give the computations'' inputs (network, queries, standard; key compute: only these indicators). Returns one row per community and computation with action inserted, replaced, removed, no_value, kept (a recorded value of the period is kept) or no_settings (a needed settings key is absent). 22023 settings not an object, a missing key of an indicator asked for by name, a key of the wrong type';

-- China's map coordinate systems: WGS84 <-> GCJ-02 <-> BD-09 ------------------
-- C rewrites every coordinate of the EWKB in a copy; SQL casts back (as h3-pg).
-- Input must be longitude/latitude: SRID 4326, or SRID 0 read as 4326 (the
-- SRID is kept as given). Outside China's bounding box nothing moves.

CREATE FUNCTION cp.chinacoord_ewkb(ewkb bytea, from_system text, to_system text) RETURNS bytea
AS 'MODULE_PATHNAME', 'cp_chinacoord_ewkb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp.chinacoord_ewkb(bytea, text, text) IS
  'EWKB of any geometry with every coordinate moved between wgs84, gcj02 and bd09 (used by cp.wgs84_to_gcj02 and friends)';

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

-- OSM tags -> the standard's facility categories, and import estimates -------
-- cp.osm_category_map is data the planner edits: rows shipped with the
-- extension have shipped = true; rows a user adds (shipped = false) win over
-- them and are kept by pg_dump (pg_extension_config_dump below).

CREATE TABLE cp.osm_category_map (
  key       text NOT NULL,
  value     text NOT NULL,
  and_key   text,
  and_value text,
  category  text CONSTRAINT osm_category_map_category_code CHECK (category ~ '^[a-z][a-z0-9_]*$'),
  priority  integer NOT NULL DEFAULT 100,
  shipped   boolean NOT NULL DEFAULT false,
  note      text,
  CONSTRAINT osm_category_map_condition_pair CHECK ((and_key IS NULL) = (and_value IS NULL)),
  UNIQUE NULLS NOT DISTINCT (key, value, and_key, and_value, shipped)
);
COMMENT ON TABLE cp.osm_category_map IS
  'Editable mapping of OSM tags to facility categories: a row matches when tags->>key = value and, if and_key is set, tags->>and_key matches the regular expression and_value; user rows (shipped = false) win, then conditional rows, then lower priority; category NULL means not a facility';
COMMENT ON COLUMN cp.osm_category_map.key IS 'OSM key (amenity, shop, healthcare, social_facility, leisure, ...)';
COMMENT ON COLUMN cp.osm_category_map.value IS 'OSM value, matched exactly';
COMMENT ON COLUMN cp.osm_category_map.and_key IS 'optional second OSM key that must also match';
COMMENT ON COLUMN cp.osm_category_map.and_value IS 'POSIX regular expression the value of and_key must match';
COMMENT ON COLUMN cp.osm_category_map.category IS 'facility category code (docs/import.md), or NULL to exclude the feature';
COMMENT ON COLUMN cp.osm_category_map.priority IS 'among equally specific matches, the lowest wins';
COMMENT ON COLUMN cp.osm_category_map.shipped IS 'true for rows installed by the extension; user rows (false) are dumped by pg_dump and win';
COMMENT ON COLUMN cp.osm_category_map.note IS 'why the row maps as it does';

INSERT INTO cp.osm_category_map (key, value, and_key, and_value, category, priority, note) VALUES
  -- children
  ('amenity', 'kindergarten', NULL, NULL, 'kindergarten', 100, '幼儿园'),
  ('amenity', 'kindergarten', 'name', '托儿所|托育', 'nursery', 100, 'a kindergarten named as a nursery'),
  ('amenity', 'childcare', NULL, NULL, 'nursery', 100, '托儿所 / 托育 (under-3 care)'),
  -- schools: the level from isced:level, then from the name, else primary
  ('amenity', 'school', 'isced:level', '(^|[;,])\s*1', 'primary_school', 10, 'ISCED 1 (a 9-year school counts as primary)'),
  ('amenity', 'school', 'isced:level', '(^|[;,])\s*[23]', 'middle_school', 20, 'ISCED 2-3'),
  ('amenity', 'school', 'name', '小学', 'primary_school', 30, 'name says 小学'),
  ('amenity', 'school', 'name', '中学|初中|高中', 'middle_school', 40, 'name says 中学/初中/高中'),
  ('amenity', 'school', 'name', '(?i)primary|elementary', 'primary_school', 50, 'name says primary or elementary'),
  ('amenity', 'school', 'name', '(?i)middle|secondary|high school', 'middle_school', 60, 'name says middle, secondary or high school'),
  ('amenity', 'school', NULL, NULL, 'primary_school', 200, 'level unknown: counted as primary (the most numerous)'),
  -- health
  ('amenity', 'doctors', NULL, NULL, 'health_station', 100, 'a doctor''s practice: 卫生服务站 level'),
  ('healthcare', 'doctor', NULL, NULL, 'health_station', 100, 'a doctor''s practice: 卫生服务站 level'),
  ('amenity', 'clinic', 'name', '卫生服务站|卫生室|卫生站', 'health_station', 100, 'name says 卫生服务站'),
  ('amenity', 'clinic', NULL, NULL, 'clinic', 100, '门诊部 / 社区卫生服务中心'),
  ('healthcare', 'clinic', NULL, NULL, 'clinic', 100, '门诊部 / 社区卫生服务中心'),
  ('healthcare', 'centre', NULL, NULL, 'clinic', 100, 'health centre'),
  ('amenity', 'dentist', NULL, NULL, 'clinic', 150, 'dental clinic'),
  ('healthcare', 'dentist', NULL, NULL, 'clinic', 150, 'dental clinic'),
  ('amenity', 'hospital', NULL, NULL, 'hospital', 100, '医院'),
  ('healthcare', 'hospital', NULL, NULL, 'hospital', 100, '医院'),
  ('amenity', 'pharmacy', NULL, NULL, 'pharmacy', 100, '药店'),
  ('healthcare', 'pharmacy', NULL, NULL, 'pharmacy', 100, '药店'),
  -- older people
  ('social_facility', 'nursing_home', NULL, NULL, 'elderly_care', 100, '养老院'),
  ('social_facility', 'assisted_living', NULL, NULL, 'elderly_care', 100, '养老院 (assisted living)'),
  ('social_facility', 'group_home', 'social_facility:for', '(^|;)\s*senior', 'elderly_care', 100, 'group home for seniors'),
  ('social_facility', 'day_care', 'social_facility:for', '(^|;)\s*senior', 'elderly_day_care', 100, '老年人日间照料中心'),
  ('amenity', 'nursing_home', NULL, NULL, 'elderly_care', 100, 'deprecated tag for a nursing home'),
  ('amenity', 'social_facility', 'social_facility:for', '(^|;)\s*senior', 'elderly_care', 150, 'other social facility for seniors'),
  ('amenity', 'social_facility', 'social_facility', '^(soup_kitchen)$', 'canteen', 120, '助餐点 / soup kitchen'),
  ('amenity', 'social_facility', NULL, NULL, 'community_service', 200, 'any other social facility'),
  -- community
  ('amenity', 'community_centre', NULL, NULL, 'community_service', 100, '社区服务中心/站'),
  ('amenity', 'townhall', NULL, NULL, 'community_service', 150, '街道/社区 office'),
  ('amenity', 'social_centre', NULL, NULL, 'culture_activity', 100, '文化活动站 (club rooms)'),
  ('amenity', 'arts_centre', NULL, NULL, 'culture_activity', 100, '文化活动中心'),
  ('amenity', 'theatre', NULL, NULL, 'culture_activity', 150, 'theatre'),
  ('amenity', 'library', NULL, NULL, 'library', 100, '图书馆 / 阅览室'),
  -- sport and green
  ('leisure', 'sports_centre', NULL, NULL, 'sports', 100, '体育馆 / 全民健身中心'),
  ('leisure', 'sports_hall', NULL, NULL, 'sports', 100, 'sports hall'),
  ('leisure', 'fitness_centre', NULL, NULL, 'sports', 100, 'gym'),
  ('leisure', 'fitness_station', NULL, NULL, 'sports', 100, '室外健身器材'),
  ('leisure', 'pitch', NULL, NULL, 'sports', 100, '球场'),
  ('leisure', 'stadium', NULL, NULL, 'sports', 100, 'stadium'),
  ('leisure', 'swimming_pool', NULL, NULL, 'sports', 100, 'swimming pool'),
  ('leisure', 'track', NULL, NULL, 'sports', 100, 'running track'),
  ('leisure', 'park', NULL, NULL, 'park', 100, '公园 / 社区游园'),
  ('leisure', 'playground', NULL, NULL, 'park', 150, '儿童活动场地, counted with parks'),
  -- daily needs
  ('shop', 'supermarket', NULL, NULL, 'supermarket', 100, '超市'),
  ('amenity', 'marketplace', NULL, NULL, 'market', 100, '菜市场 / 农贸市场'),
  ('amenity', 'parcel_locker', NULL, NULL, 'parcel', 100, '快递柜'),
  ('amenity', 'post_office', NULL, NULL, 'parcel', 100, '邮政 / 快递服务站'),
  ('amenity', 'canteen', NULL, NULL, 'canteen', 100, '社区食堂'),
  ('amenity', 'toilets', 'access', '^(private|no|customers)$', NULL, 100, 'toilets not open to the public'),
  ('amenity', 'toilets', NULL, NULL, 'public_toilet', 100, '公共厕所');
UPDATE cp.osm_category_map SET shipped = true;
ALTER TABLE cp.osm_category_map ALTER COLUMN shipped SET DEFAULT false;
SELECT pg_catalog.pg_extension_config_dump('cp.osm_category_map', 'WHERE NOT shipped');
GRANT SELECT ON cp.osm_category_map TO PUBLIC;

CREATE FUNCTION cp.osm_category(tags jsonb) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT m.category
    FROM cp.osm_category_map m
   WHERE tags ->> m.key = m.value
     AND (m.and_key IS NULL OR coalesce(tags ->> m.and_key, '') ~ m.and_value)
   ORDER BY m.shipped, m.and_key IS NULL, m.priority, m.key, m.value
   LIMIT 1
$$;
COMMENT ON FUNCTION cp.osm_category(jsonb) IS
  'Facility category of an OSM feature from its tags through cp.osm_category_map, or NULL when it is not a facility';

-- Estimates from floor area, households and car-park area --------------------

CREATE FUNCTION cp.building_floor_area(footprint geometry, levels integer DEFAULT 1) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF levels < 0 THEN
    RAISE EXCEPTION 'levels must not be negative'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', levels);
  END IF;
  IF ST_SRID(footprint) NOT IN (0, 4326) THEN
    RAISE EXCEPTION 'footprint must be in longitude/latitude, SRID 4326'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('The footprint has SRID %s.', ST_SRID(footprint)),
            HINT = 'Transform it first with ST_Transform(footprint, 4326).';
  END IF;
  RETURN ST_Area(ST_SetSRID(footprint, 4326)::geography) * levels;
END
$$;
COMMENT ON FUNCTION cp.building_floor_area(geometry, integer) IS
  'Gross floor area in square metres: the footprint''s area on the spheroid times the number of levels (pass coalesce(levels, 1) for untagged buildings)';

CREATE FUNCTION cp.estimate_population(floor_area_m2 float8, m2_per_person float8 DEFAULT 36.52) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (floor_area_m2 >= 0 AND floor_area_m2 < 'Infinity') THEN
    RAISE EXCEPTION 'floor area must be a finite number of square metres, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', floor_area_m2);
  END IF;
  IF NOT (m2_per_person > 0 AND m2_per_person < 'Infinity') THEN
    RAISE EXCEPTION 'floor area per person must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', m2_per_person);
  END IF;
  RETURN floor_area_m2 / m2_per_person;
END
$$;
COMMENT ON FUNCTION cp.estimate_population(float8, float8) IS
  'Residents estimated from residential floor area; default 36.52 m2 of housing per person in cities (2020 census, China); see docs/import.md';

CREATE FUNCTION cp.estimate_population_from_households(households float8, persons_per_household float8 DEFAULT 2.62)
RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (households >= 0 AND households < 'Infinity') THEN
    RAISE EXCEPTION 'households must be a finite number, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', households);
  END IF;
  IF NOT (persons_per_household > 0 AND persons_per_household < 'Infinity') THEN
    RAISE EXCEPTION 'persons per household must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', persons_per_household);
  END IF;
  RETURN households * persons_per_household;
END
$$;
COMMENT ON FUNCTION cp.estimate_population_from_households(float8, float8) IS
  'Residents estimated from dwellings (building:flats) or households; default 2.62 persons per household (2020 census, China)';

CREATE FUNCTION cp.estimate_parking_spaces(area_m2 float8, m2_per_space float8 DEFAULT 30) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (area_m2 >= 0 AND area_m2 < 'Infinity') THEN
    RAISE EXCEPTION 'car park area must be a finite number of square metres, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', area_m2);
  END IF;
  IF NOT (m2_per_space > 0 AND m2_per_space < 'Infinity') THEN
    RAISE EXCEPTION 'area per parking space must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', m2_per_space);
  END IF;
  RETURN floor(area_m2 / m2_per_space)::integer;
END
$$;
COMMENT ON FUNCTION cp.estimate_parking_spaces(float8, float8) IS
  'Car spaces of a car park without a capacity tag, from its area; default 30 m2 per surface space including aisles (upper end of the 25-30 m2 of GB/T 51149-2016)';

-- Every category code some standard set or the OSM mapping uses: a facilities
-- query may carry any of them (the others are ignored with a NOTICE); a code
-- outside this list is a typo (22023, src/units.c).
CREATE FUNCTION cp._known_categories() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce(pg_catalog.array_agg(k.code ORDER BY k.code), '{}')
    FROM (SELECT c.code FROM cp.facility_categories c
          UNION
          SELECT m.category FROM cp.osm_category_map m WHERE m.category IS NOT NULL) k
$$;
COMMENT ON FUNCTION cp._known_categories() IS
  'Internal: every facility category code a standard set or the OSM mapping uses (the facilities readers refuse other codes as typos)';

-- Roles of a district database (docs/security.md) -----------------------------
-- CREATE EXTENSION creates no role: roles are cluster-wide and would outlive
-- DROP EXTENSION. The DBA runs cp.setup_roles() once (it needs CREATEROLE),
-- then maps people and the district's own roles with plain GRANT, e.g.
--   GRANT cp_reader TO qgis_users;  GRANT cp_planner TO alice;
-- Capabilities, each a NOLOGIN group role:
--   cp_reader          reads every network, catalogue, indicator value and scorecard, runs every analysis
--   cp_planner         cp_reader + builds networks (each owned by its builder) and records indicator values
--   cp_heritage_editor edits the heritage register (its rules and audit still apply; its SRID is the admin's)
--   cp_auditor         reads the heritage audit cp.heritage_history
--   cp_admin           all of the above + edits catalogues and manages any network, publishes the district
--   cp_province_reader reads the published results only (cp.published_*, 75_province.sql): the role a
--                      province's user mapping logs in as; a member of nothing
-- Editing cp.indicator_computations (SQL templates that compute_indicators
-- runs as its caller) stays with the extension owner: a role that could write
-- them could run code as whoever computes the indicators next.

CREATE FUNCTION cp._role_privileges(OUT role_name name, OUT privilege text, OUT objects text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  VALUES
    ('cp_reader'::name, 'SELECT', 'cp.network_catalog, cp.networks, cp.indicator_values, cp.indicator_local, cp.community_scores'),
    -- also granted to PUBLIC; held here too, so a publishing district can revoke PUBLIC's (docs/province.md)
    ('cp_reader', 'SELECT', 'cp.communities, cp.heritage_site, cp.heritage_config'),
    ('cp_reader', 'SELECT', 'cp.province_districts, cp.province_info, cp.province_communities, cp.province_indicator_values, cp.province_community_scores'),
    ('cp_planner', 'INSERT, UPDATE, DELETE', 'cp.network_catalog, cp.communities, cp.indicator_values, cp.indicator_local'),
    ('cp_planner', 'USAGE', 'SEQUENCE cp.network_build_seq'),
    ('cp_heritage_editor', 'INSERT, UPDATE, DELETE', 'cp.heritage_site'),
    ('cp_auditor', 'SELECT', 'cp.heritage_history'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.walk_profiles, cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards, cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.osm_category_map, cp.heritage_config'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.publication'),
    ('cp_province_reader', 'SELECT', 'cp.published_info, cp.published_communities, cp.published_indicator_values')
$$;
COMMENT ON FUNCTION cp._role_privileges() IS
  'Internal: the privileges each capability role receives from cp.setup_roles() (memberships come on top: cp_planner and cp_admin are members of cp_reader, cp_admin of every role)';

CREATE FUNCTION cp._role_members(OUT member name, OUT of_role name)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  VALUES ('cp_planner'::name, 'cp_reader'::name), ('cp_heritage_editor', 'cp_reader'),
         ('cp_auditor', 'cp_reader'), ('cp_admin', 'cp_planner'), ('cp_admin', 'cp_heritage_editor'),
         ('cp_admin', 'cp_auditor')
$$;
COMMENT ON FUNCTION cp._role_members() IS
  'Internal: memberships between the capability roles that cp.setup_roles() grants';

-- Grants to the capability roles that exist (all of them after cp.setup_roles();
-- also run at CREATE EXTENSION, so a re-created extension finds its roles again).
CREATE FUNCTION cp._grant_roles() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  p record;
  granted integer := 0;
BEGIN
  FOR p IN SELECT * FROM cp._role_privileges() rp
            WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = rp.role_name) LOOP
    EXECUTE pg_catalog.format('GRANT %s ON %s TO %I', p.privilege, p.objects, p.role_name);
    granted := granted + 1;
  END LOOP;
  FOR p IN SELECT m.member, m.of_role FROM cp._role_members() m
              JOIN pg_catalog.pg_roles rm ON rm.rolname = m.member
              JOIN pg_catalog.pg_roles ro ON ro.rolname = m.of_role
             WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members a
                                WHERE a.member = rm.oid AND a.roleid = ro.oid) LOOP
    EXECUTE pg_catalog.format('GRANT %I TO %I', p.of_role, p.member);
    granted := granted + 1;
  END LOOP;
  RETURN granted;
END
$$;
REVOKE ALL ON FUNCTION cp._grant_roles() FROM PUBLIC;
COMMENT ON FUNCTION cp._grant_roles() IS
  'Internal: grants the capability roles that exist their privileges and memberships (cp.setup_roles(), CREATE EXTENSION)';

CREATE FUNCTION cp.setup_roles() RETURNS TABLE (role_name name, created boolean, description text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
      ('cp_reader'::name, 'reads every network, catalogue, indicator value and scorecard; runs every analysis'),
      ('cp_planner', 'builds walking networks (each owned by its builder), maintains communities and indicator values'),
      ('cp_heritage_editor', 'edits the heritage register cp.heritage_site (its rules and audit still apply)'),
      ('cp_auditor', 'reads the heritage audit cp.heritage_history'),
      ('cp_admin', 'all of the above; edits catalogues and standards; rebuilds or drops any network; publishes the district'),
      ('cp_province_reader', 'reads the published results (cp.published_*) only: the login of a province''s user mapping'))
      AS v(name, what) LOOP
    role_name := r.name;
    description := 'community_planning: ' || r.what;
    created := NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles pr WHERE pr.rolname = r.name);
    IF created THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.name);
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.name, description);
    END IF;
    RETURN NEXT;
  END LOOP;
  PERFORM cp._grant_roles();
  FOR r IN SELECT * FROM cp.schema_write_risks() LOOP
    RAISE WARNING 'role % may create objects in schema %, which the extension''s functions search', r.grantee, r.schema_name
      USING HINT = pg_catalog.format('Revoke it: REVOKE CREATE ON SCHEMA %I FROM %s; (docs/security.md).', r.schema_name, r.grantee);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION cp.setup_roles() FROM PUBLIC;
COMMENT ON FUNCTION cp.setup_roles() IS
  'Create the capability roles cp_reader, cp_planner, cp_heritage_editor, cp_auditor, cp_admin and cp_province_reader (NOLOGIN, when missing) and grant them their privileges; run by the DBA (needs CREATEROLE and ownership of the extension); then GRANT them to people or district roles';

-- cp._grant_roles() runs at the end of 75_province.sql, after the last object it grants.

-- Who, besides the schema's owner, may create objects where the extension's
-- functions look names up (cp, PostGIS's schema). A function planted there with
-- a better-matching signature than a built-in (format, concat, jsonb_build_object
-- take "any") would run as whoever calls the extension (docs/security.md).
CREATE FUNCTION cp.schema_write_risks() RETURNS TABLE (schema_name name, grantee text)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  SELECT n.nspname, CASE WHEN a.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END
    FROM pg_catalog.pg_namespace n
   CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
   WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE' AND a.grantee OPERATOR(pg_catalog.<>) n.nspowner
     AND (n.nspname OPERATOR(pg_catalog.=) 'cp'
          OR pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.=) cp._postgis_schema())
   ORDER BY 1, 2
$$;
COMMENT ON FUNCTION cp.schema_write_risks() IS
  'Roles other than the owner that may create objects in cp or in PostGIS''s schema (both on the extension''s search_path): each could plant a function that runs as whoever calls the extension; revoke their CREATE (docs/security.md)';

-- Province scale (issue 18) -------------------------------------------------------
-- Districts keep their own databases and publish results (communities and
-- indicator values) through read-only views; a province or city database
-- attaches each district with postgres_fdw as foreign partitions of
-- province-level partitioned tables and rolls them up (docs/province.md).
-- postgres_fdw is needed on the province side only: nothing here requires it
-- at install time; cp.attach_district checks for it.

-- Version of the published set (columns of the three published views). Bump it
-- whenever the published set changes: a province refuses a district whose
-- version differs (schema drift).
CREATE FUNCTION cp.publication_version() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT 1 $$;
COMMENT ON FUNCTION cp.publication_version() IS
  'Version of the published set (cp.published_info, cp.published_communities, cp.published_indicator_values): 1; a province attaches only districts publishing the same version';

-- The one rule for a district name: a lower-case identifier, usable in object names.
CREATE FUNCTION cp._check_district_name(district text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF district IS NULL OR district = '' THEN
    RAISE EXCEPTION 'district name must not be empty'
      USING ERRCODE = '22023',
            HINT = 'Give a lower-case name such as gulou.';
  END IF;
  IF district !~ '^[a-z][a-z0-9_]{0,40}$' THEN
    RAISE EXCEPTION 'invalid district name "%"', district
      USING ERRCODE = '22023',
            DETAIL = 'A district name starts with a lower-case letter and has at most 41 lower-case letters, digits and underscores.',
            HINT = 'Use a transliteration such as gulou or cangshan.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._check_district_name(text) IS
  'Internal: raises 22023 unless the district name is a lower-case identifier (^[a-z][a-z0-9_]{0,40}$)';

-- District side: what this database publishes ------------------------------------

CREATE TABLE cp.publication (
  district     text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX publication_one_row ON cp.publication ((true));
COMMENT ON TABLE cp.publication IS
  'The district name this database publishes its results under (one row at most; none = nothing published); set with cp.publish, cleared with cp.unpublish';
COMMENT ON COLUMN cp.publication.district IS 'District name in the province (the partition key there; not cp.communities.district)';
COMMENT ON COLUMN cp.publication.published_at IS 'When cp.publish was run';
SELECT pg_catalog.pg_extension_config_dump('cp.publication', '');

CREATE FUNCTION cp.publish(district text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_district_name(district);
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'INSERT, DELETE') THEN
    RAISE EXCEPTION 'permission denied to publish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.',
            HINT = 'Ask the district''s DBA to run cp.publish.';
  END IF;
  DELETE FROM cp.publication;
  INSERT INTO cp.publication (district, published_at) VALUES (publish.district, now());
END
$$;
COMMENT ON FUNCTION cp.publish(text) IS
  'Publish this database''s communities and indicator values under a district name (lower-case identifier, else 22023) through cp.published_*; replaces an earlier publication; owner or cp_admin only (42501)';

CREATE FUNCTION cp.unpublish() RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'DELETE') THEN
    RAISE EXCEPTION 'permission denied to unpublish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.';
  END IF;
  DELETE FROM cp.publication;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION cp.unpublish() IS
  'Stop publishing: the cp.published_* views become empty (a province then reports the district as publishing nothing); true when something was published; owner or cp_admin only (42501)';

-- The published views run with the rights of their owner (the extension owner):
-- a role with SELECT on them only (cp_province_reader) reads them without any
-- privilege on the tables behind them. They read nothing outside schema cp.
CREATE VIEW cp.published_info AS
SELECT p.district, e.extversion::text AS extension_version, cp.publication_version() AS publication_version,
       p.published_at
  FROM cp.publication p
  JOIN pg_catalog.pg_extension e ON e.extname OPERATOR(pg_catalog.=) 'community_planning';
COMMENT ON VIEW cp.published_info IS
  'What this district publishes: its district name, the installed extension version, the published set''s version (cp.publication_version()) and when; no row when nothing is published';

CREATE VIEW cp.published_communities AS
SELECT p.district, c.id, c.name, c.city, c.community_type, c.population, c.geom
  FROM cp.publication p CROSS JOIN cp.communities c;
COMMENT ON VIEW cp.published_communities IS
  'Published communities: every row of cp.communities under the publication''s district name (column district; the community''s own district column is not published); empty when nothing is published';
COMMENT ON COLUMN cp.published_communities.district IS 'The publication''s district name (cp.publication), not cp.communities.district';

CREATE VIEW cp.published_indicator_values AS
SELECT p.district, v.community_id, v.indicator, v.period, v.value, v.source, v.inputs
  FROM cp.publication p CROSS JOIN cp.indicator_values v;
COMMENT ON VIEW cp.published_indicator_values IS
  'Published indicator values: every row of cp.indicator_values (without entered_by/entered_at) under the publication''s district name; empty when nothing is published';
COMMENT ON COLUMN cp.published_indicator_values.district IS 'The publication''s district name (cp.publication)';

-- Province side: attached districts ------------------------------------------------

CREATE TABLE cp.province_districts (
  district            text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  server_name         name NOT NULL UNIQUE,
  attached_at         timestamptz NOT NULL DEFAULT now(),
  extension_version   text,
  publication_version int
);
COMMENT ON TABLE cp.province_districts IS
  'Districts attached to this province database by cp.attach_district: foreign server and what the district published when attached (no credentials: those live in the user mapping only)';
COMMENT ON COLUMN cp.province_districts.district IS 'District name: the partition key of the province tables';
COMMENT ON COLUMN cp.province_districts.server_name IS 'postgres_fdw foreign server (cp_district_<district>)';
COMMENT ON COLUMN cp.province_districts.attached_at IS 'When it was attached';
COMMENT ON COLUMN cp.province_districts.extension_version IS 'community_planning version of the district when attached';
COMMENT ON COLUMN cp.province_districts.publication_version IS 'Published set version of the district when attached';
SELECT pg_catalog.pg_extension_config_dump('cp.province_districts', '');

CREATE TABLE cp.province_info (
  district            text,
  extension_version   text,
  publication_version int,
  published_at        timestamptz
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_info IS
  'cp.published_info of every attached district (foreign partitions, one per district)';

CREATE TABLE cp.province_communities (
  district       text,
  id             text,
  name           text,
  city           text,
  community_type text,
  population     bigint,
  geom           geometry(MultiPolygon)
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_communities IS
  'cp.published_communities of every attached district (foreign partitions cp.province_communities__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_communities.district IS 'District name (the partition key, the district''s publication name)';

CREATE TABLE cp.province_indicator_values (
  district     text,
  community_id text,
  indicator    text,
  period       date,
  value        numeric,
  source       text,
  inputs       jsonb
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_indicator_values IS
  'cp.published_indicator_values of every attached district (foreign partitions cp.province_indicator_values__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_indicator_values.district IS 'District name (the partition key); with community_id the key of a community';

-- Name of a district's partition of a province table: table__district, shortened
-- with an md5 tag when it would exceed 63 bytes.
CREATE FUNCTION cp._province_partition(tbl text, district text) RETURNS name
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN pg_catalog.length(tbl || '__' || district) <= 63 THEN tbl || '__' || district
              ELSE tbl || '__' || pg_catalog.left(district, 63 - pg_catalog.length(tbl) - 2 - 9)
                   || '_' || pg_catalog.left(pg_catalog.md5(district), 8) END::name
$$;
COMMENT ON FUNCTION cp._province_partition(text, text) IS
  'Internal: name (in schema cp) of a district''s foreign partition of a province table: <table>__<district>, shortened with an md5 tag beyond 63 bytes';

-- One probe of a district: reachable, what it publishes; never raises (but for a cancel).
CREATE TYPE cp.district_probe AS (
  reachable           boolean,
  remote_district     text,
  extension_version   text,
  publication_version int,
  error_code          text,
  error               text
);
COMMENT ON TYPE cp.district_probe IS
  'Internal: what a probe of an attached district found (cp._province_probe)';

CREATE FUNCTION cp._province_probe(district text) RETURNS cp.district_probe
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  r cp.district_probe;
  msg text;
  det text;
BEGIN
  BEGIN
    EXECUTE pg_catalog.format('SELECT i.district, i.extension_version, i.publication_version FROM cp.%I i LIMIT 1',
                              cp._province_partition('province_info', district))
       INTO r.remote_district, r.extension_version, r.publication_version;
    r.reachable := true;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS r.error_code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    r.reachable := r.error_code NOT LIKE '08%' AND r.error_code NOT IN ('28P01', '28000', '2F003');
    r.error := msg || coalesce(': ' || nullif(det, ''), '');
  END;
  RETURN r;
END
$$;
COMMENT ON FUNCTION cp._province_probe(text) IS
  'Internal: reads an attached district''s cp.published_info: reachable (false on a connection or authentication error), the published district name and versions, or the error''s SQLSTATE and text; never raises';

-- What is wrong with an attached district, or NULL: unreachable, unpublished, ...
CREATE FUNCTION cp._province_drift(district text, p cp.district_probe) RETURNS text
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  IF p.error IS NOT NULL AND NOT p.reachable THEN
    RETURN 'unreachable';
  ELSIF p.error IS NOT NULL THEN
    RETURN 'not_published';   -- reachable, but the published views are missing or unreadable
  ELSIF p.remote_district IS NULL THEN
    RETURN 'unpublished';
  ELSIF p.remote_district <> district THEN
    RETURN 'district_name';
  ELSIF p.publication_version IS DISTINCT FROM cp.publication_version() THEN
    RETURN 'publication_version';
  ELSIF p.extension_version IS DISTINCT FROM
        (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning') THEN
    RETURN 'extension_version';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION cp._province_drift(text, cp.district_probe) IS
  'Internal: the state of a probed district: NULL (in order), unreachable, not_published, unpublished, district_name, publication_version or extension_version';

-- The error for a district that cannot be rolled up (unreachable, publishing
-- nothing or another published set).
CREATE FUNCTION cp._province_raise(district text, drift text, p cp.district_probe, attaching boolean) RETURNS void
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  hint text := CASE WHEN attaching THEN 'Check the host, port, database name and the district''s pg_hba.conf.'
                    ELSE 'Check the district, or call cp.province_rollup(stage, allow_missing => true) to roll up without it.' END;
BEGIN
  IF drift = 'unreachable' THEN
    RAISE EXCEPTION 'district "%" is unreachable', district
      USING ERRCODE = coalesce(p.error_code, '08006'), DETAIL = p.error, HINT = hint;
  ELSIF drift = 'not_published' THEN
    RAISE EXCEPTION 'district database "%" has no published results', district
      USING ERRCODE = '55000', DETAIL = p.error,
            HINT = 'Install community_planning 0.2.0 or later in the district and run cp.publish there.';
  ELSIF drift = 'unpublished' THEN
    RAISE EXCEPTION 'district database "%" publishes nothing', district
      USING ERRCODE = '55000',
            HINT = pg_catalog.format('Run SELECT cp.publish(%L) in the district database.', district);
  ELSIF drift = 'district_name' THEN
    RAISE EXCEPTION 'district database "%" publishes district "%"', district, p.remote_district
      USING ERRCODE = '22023',
            HINT = 'Attach it under its published name, or publish it under this name.';
  ELSIF drift = 'publication_version' THEN
    RAISE EXCEPTION 'district "%" publishes version % of the published set, this database reads version %',
                    district, p.publication_version, cp.publication_version()
      USING ERRCODE = '55000',
            DETAIL = pg_catalog.format('The district runs community_planning %s.', p.extension_version),
            HINT = 'Update the extension in the older database (ALTER EXTENSION community_planning UPDATE).';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_raise(text, text, cp.district_probe, boolean) IS
  'Internal: raises the error of a district that cannot be read (unreachable: the connection''s SQLSTATE; publishing nothing or no published views: 55000; another name: 22023; another published set: 55000); nothing for an extension version difference';

CREATE FUNCTION cp.attach_district(district text, host text, port int, dbname text, user_name text,
                                   password text DEFAULT NULL, fetch_size int DEFAULT 1000)
RETURNS cp.province_districts
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  srv name;
  p cp.district_probe;
  drift text;
  ours text;
  st text;
  msg text;
  result cp.province_districts;
BEGIN
  PERFORM cp._check_district_name(district);
  IF host IS NULL OR host !~ '^(/[^[:space:][:cntrl:]'',]{1,200}|[A-Za-z0-9][A-Za-z0-9.:-]{0,252})$' THEN
    RAISE EXCEPTION 'invalid host "%"', coalesce(pg_catalog.left(host, 100), 'NULL')
      USING ERRCODE = '22023',
            DETAIL = 'A host is a host name, an IP address or the directory of a unix socket (starting with /).';
  END IF;
  IF port IS NULL OR port NOT BETWEEN 1 AND 65535 THEN
    RAISE EXCEPTION 'invalid port %', coalesce(port::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'A port is a number from 1 to 65535.';
  END IF;
  IF dbname IS NULL OR dbname = '' OR user_name IS NULL OR user_name = '' THEN
    RAISE EXCEPTION 'dbname and user_name must not be empty'
      USING ERRCODE = '22023', HINT = 'Name the district database and the login role the province reads it as.';
  END IF;
  IF password = '' THEN
    RAISE EXCEPTION 'password must not be empty'
      USING ERRCODE = '22023', HINT = 'Pass NULL when the district does not ask for a password.';
  END IF;
  IF fetch_size IS NULL OR fetch_size NOT BETWEEN 1 AND 1000000 THEN
    RAISE EXCEPTION 'invalid fetch_size %', coalesce(fetch_size::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'fetch_size is the number of rows fetched per round trip, from 1 to 1000000.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.fdwname = 'postgres_fdw') THEN
    RAISE EXCEPTION 'postgres_fdw is not installed in this database'
      USING ERRCODE = '0A000',
            DETAIL = 'A province database reads its districts through postgres_fdw.',
            HINT = 'Run CREATE EXTENSION postgres_fdw; (a superuser, in the province database only).';
  END IF;
  IF NOT pg_catalog.has_foreign_data_wrapper_privilege('postgres_fdw', 'USAGE')
     OR NOT pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c
                                     WHERE c.oid = 'cp.province_communities'::regclass), 'USAGE') THEN
    RAISE EXCEPTION 'permission denied to attach a district'
      USING ERRCODE = '42501',
            DETAIL = 'Attaching creates a foreign server (USAGE on postgres_fdw) and partitions of the province tables (their owner, the extension''s owner).',
            HINT = 'Run it as the extension''s owner.';
  END IF;
  srv := ('cp_district_' || district)::name;
  IF EXISTS (SELECT 1 FROM cp.province_districts d WHERE d.district = attach_district.district) THEN
    RAISE EXCEPTION 'district "%" is already attached', district
      USING ERRCODE = '42710', HINT = 'Detach it first with cp.detach_district.';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = srv) THEN
    RAISE EXCEPTION 'foreign server "%" already exists', srv
      USING ERRCODE = '42710', HINT = 'Drop or rename that server; cp.attach_district creates its own.';
  END IF;

  EXECUTE pg_catalog.format(
    'CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, async_capable %L, '
    'fetch_size %L, connect_timeout %L, application_name %L)',
    srv, host, port::text, dbname, 'true', fetch_size::text, '5', 'community_planning province');
  EXECUTE pg_catalog.format('COMMENT ON SERVER %I IS %L', srv,
                            'community_planning: district ' || district || ' (cp.attach_district)');
  BEGIN   -- the password must never appear in an error's context
    EXECUTE pg_catalog.format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L%s)', srv, user_name,
                              CASE WHEN password IS NOT NULL THEN pg_catalog.format(', password %L', password) ELSE '' END);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RAISE EXCEPTION 'could not create the user mapping of district "%": %', district, msg USING ERRCODE = st;
  END;
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_info FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_info', district), district, srv, 'cp', 'published_info', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_communities FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_communities', district), district, srv, 'cp', 'published_communities', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_indicator_values FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_indicator_values', district), district, srv, 'cp', 'published_indicator_values', 'true');

  -- probe: an error undoes everything above (one transaction)
  p := cp._province_probe(district);
  drift := cp._province_drift(district, p);
  PERFORM cp._province_raise(district, drift, p, true);
  IF drift = 'extension_version' THEN
    SELECT e.extversion::text INTO ours FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning';
    RAISE NOTICE 'district "%" runs community_planning %, this database %', district, p.extension_version, ours
      USING DETAIL = 'Both publish the same set (version ' || p.publication_version || '); scores may differ where the versions compute differently.';
  END IF;
  INSERT INTO cp.province_districts (district, server_name, attached_at, extension_version, publication_version)
  VALUES (attach_district.district, srv, now(), p.extension_version, p.publication_version)
  RETURNING * INTO result;
  RETURN result;
END
$$;
COMMENT ON FUNCTION cp.attach_district(text, text, int, text, text, text, int) IS
  'Attach a district database: foreign server cp_district_<district> (postgres_fdw, async_capable, fetch_size, connect_timeout 5 s), a user mapping for the current user (password kept there only), foreign partitions of cp.province_info, cp.province_communities and cp.province_indicator_values; then checks what it publishes. Errors: bad argument 22023, no postgres_fdw 0A000, no privilege 42501, already attached 42710, unreachable 08xxx, publishes nothing 55000, another name 22023, another published set 55000; another extension version: NOTICE';

CREATE FUNCTION cp.detach_district(district text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  d cp.province_districts;
  um record;
  t text;
BEGIN
  SELECT * INTO d FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'district "%" is not attached', district
      USING ERRCODE = '42704', HINT = 'Attached districts are listed in cp.province_districts.';
  END IF;
  FOREACH t IN ARRAY ARRAY['province_info', 'province_communities', 'province_indicator_values'] LOOP
    EXECUTE pg_catalog.format('DROP FOREIGN TABLE IF EXISTS cp.%I', cp._province_partition(t, district));
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = d.server_name) THEN
    FOR um IN SELECT m.umuser FROM pg_catalog.pg_user_mapping m
                JOIN pg_catalog.pg_foreign_server s ON s.oid = m.umserver
               WHERE s.srvname = d.server_name LOOP
      EXECUTE pg_catalog.format('DROP USER MAPPING FOR %s SERVER %I',
                                CASE WHEN um.umuser = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(um.umuser::regrole::text) END, d.server_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP SERVER %I', d.server_name);
  END IF;
  DELETE FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.detach_district(text) IS
  'Detach a district: drops its foreign partitions, every user mapping of its server and the server (never CASCADE: an object of yours that uses a partition stops it), and its row of cp.province_districts; 42704 when not attached';

CREATE FUNCTION cp.province_status()
RETURNS TABLE (district text, reachable boolean, extension_version text, publication_version int,
               drift text, communities bigint, error text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  msg text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    district := d.district;
    reachable := p.reachable;
    extension_version := p.extension_version;
    publication_version := p.publication_version;
    drift := cp._province_drift(d.district, p);
    communities := NULL;
    error := p.error;
    IF p.error IS NULL THEN
      BEGIN
        EXECUTE pg_catalog.format('SELECT count(*) FROM cp.%I',
                                  cp._province_partition('province_communities', d.district)) INTO communities;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        error := msg;
      END;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.province_status() IS
  'Probe every attached district: reachable, its extension and published-set versions, drift (NULL, unreachable, not_published, unpublished, district_name, publication_version, extension_version), published communities, error text; a district that is down is a row with reachable false, never an error';

-- Probe the attached districts for a roll-up: the ones to leave out (allowed) or an error.
CREATE FUNCTION cp._province_missing(allow_missing boolean) RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  drift text;
  missing text[] := '{}';
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    drift := cp._province_drift(d.district, p);
    IF drift IS NULL OR drift = 'extension_version' THEN
      CONTINUE;
    END IF;
    IF NOT allow_missing THEN
      PERFORM cp._province_raise(d.district, drift, p, false);
    END IF;
    missing := missing || d.district;
  END LOOP;
  RETURN missing;
END
$$;
COMMENT ON FUNCTION cp._province_missing(boolean) IS
  'Internal: probes every attached district before a roll-up; one that cannot be read raises its error (cp._province_raise), or with allow_missing is returned in the list of districts left out';

-- After a remote error in a roll-up (a district too slow for its login's statement_timeout,
-- a connection lost mid-query): the districts whose published data cannot be read now, each
-- tried on its own, so the error can name them (the remote error itself names no server).
CREATE FUNCTION cp._province_failing() RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  failing text[] := '{}';
  ctx text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    BEGIN
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_communities', d.district));
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_indicator_values', d.district));
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      -- a remote cancel (the district's statement_timeout) counts against the district;
      -- a cancel of this statement (no remote context) must stop everything
      GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
      IF pg_catalog.strpos(coalesce(ctx, ''), 'remote SQL command') = 0 AND SQLSTATE = '57014' THEN
        RAISE;
      END IF;
      failing := failing || d.district::text;
    END;
  END LOOP;
  RETURN failing;
END
$$;
COMMENT ON FUNCTION cp._province_failing() IS
  'Internal: the attached districts whose published communities or values cannot be read now (each tried alone), to name them after a remote error';

-- A remote error of a roll-up raised again naming the district(s); a local cancel or any other
-- error passes through unchanged (the caller re-raises it).
CREATE FUNCTION cp._province_reraise(state text, msg text, context text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  failing text[];
BEGIN
  IF context IS NULL OR pg_catalog.strpos(context, 'remote SQL command') = 0 THEN
    RETURN;
  END IF;
  failing := cp._province_failing();
  IF pg_catalog.cardinality(failing) > 0 THEN
    RAISE EXCEPTION 'district % failed during the province roll-up: %',
                    pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format('"%s"', f) FROM unnest(failing) f), ', '), msg
      USING ERRCODE = state,
            HINT = 'cp.province_status() shows each district; cp.province_rollup(allow_missing => true) rolls up without the districts that cannot be read.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_reraise(text, text, text) IS
  'Internal: after a remote error in a province roll-up, raises it again with the SQLSTATE kept, naming the districts that cannot be read (cp._province_failing); returns for local errors';

CREATE FUNCTION cp.province_rollup(stage int DEFAULT NULL, allow_missing boolean DEFAULT false)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int, missing_districts text[])
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
SET jit = off   -- foreign partitions have no statistics: the cost estimate starts JIT, which costs more than the query
AS $$
DECLARE
  st int := cp._rollup_stage('province', stage);
  missing text[];
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF allow_missing IS NULL THEN
    RAISE EXCEPTION 'allow_missing must not be NULL'
      USING ERRCODE = '22004', HINT = 'Pass true to roll up without the districts that cannot be read, false for an error.';
  END IF;
  missing := cp._province_missing(allow_missing);
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query('province', stage, missing, true) USING 'province'::text, st, missing;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote cancel too: a district's statement_timeout
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
  IF NOT FOUND AND pg_catalog.cardinality(missing) > 0 THEN
    -- every district left out: the province rows still say so, with nothing rolled up
    RETURN QUERY
      SELECT NULL::text, NULL::text, i.code, i.unit, cp.rollup_weighting(i.unit), NULL::numeric,
             cp.indicator_target(i.code, st), NULL::boolean, NULL::numeric, 0, 0, NULL::bigint, 0, missing
        FROM cp.indicator_catalogue i ORDER BY i.code;
  END IF;
END
$$;
COMMENT ON FUNCTION cp.province_rollup(int, boolean) IS
  'cp.scorecard_rollup(''province'', stage) over the attached districts, with missing_districts: with allow_missing the districts that cannot be read (down, publishing nothing, another published set) are left out (partition pruning) and listed in every row; without, the error naming the first such district (unreachable: its connection SQLSTATE, 08xxx)';

-- QGIS: the province's communities ------------------------------------------------
-- The scores of cp.community_scores (today's stage, latest values), computed here
-- from the published values with the province's catalogue: the same normalisation
-- and the same renormalised weighting as cp.scorecard_summary (56_scorecard.sql).
CREATE VIEW cp.province_community_scores AS
WITH st AS (
  SELECT cp._current_stage() AS stage
), v AS (
  SELECT DISTINCT ON (iv.district, iv.community_id, iv.indicator) iv.district, iv.community_id, iv.indicator, iv.value
    FROM cp.province_indicator_values iv
   ORDER BY iv.district, iv.community_id, iv.indicator, iv.period DESC
), cat AS (
  SELECT i.code, i.dimension, i.domain, i.weight::numeric AS w, i.baseline, i.direction, i.valid_min, i.valid_max,
         cp.indicator_target(i.code, st.stage) AS target
    FROM cp.indicator_catalogue i, st
), sc AS (
  SELECT c.district, c.id, cat.dimension, cat.domain, cat.w, v.value,
         cp.normalised_score(v.value, cat.baseline, cat.target, cat.direction, cat.valid_min, cat.valid_max) AS score
    FROM cp.province_communities c CROSS JOIN cat
    LEFT JOIN v ON v.district = c.district AND v.community_id = c.id AND v.indicator = cat.code
), dom AS (
  SELECT sc.district, sc.id, sc.dimension, sc.domain,
         sum(sc.w * sc.score) FILTER (WHERE sc.score IS NOT NULL)
           / nullif(sum(sc.w) FILTER (WHERE sc.score IS NOT NULL), 0) AS score,
         count(*) AS n, count(sc.value) AS with_value, count(sc.score) AS scored
    FROM sc GROUP BY sc.district, sc.id, sc.dimension, sc.domain
), dim AS (
  SELECT dom.district, dom.id, dom.dimension,
         sum(d.weight::numeric * dom.score) FILTER (WHERE dom.score IS NOT NULL)
           / nullif(sum(d.weight::numeric) FILTER (WHERE dom.score IS NOT NULL), 0) AS score,
         sum(dom.n) AS n, sum(dom.with_value) AS with_value, sum(dom.scored) AS scored
    FROM dom JOIN cp.indicator_domains d ON d.code = dom.domain
   GROUP BY dom.district, dom.id, dom.dimension
), tot AS (
  SELECT dim.district, dim.id,
         trim_scale(sum(m.weight::numeric * dim.score) FILTER (WHERE dim.score IS NOT NULL)
           / nullif(sum(m.weight::numeric) FILTER (WHERE dim.score IS NOT NULL), 0)) AS overall,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'livability') AS livability,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'smartness') AS smartness,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'resilience') AS resilience,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'humanity') AS humanity,
         sum(dim.scored)::int AS scored, (sum(dim.n) - sum(dim.with_value))::int AS missing,
         pg_catalog.jsonb_object_agg(dim.dimension, trim_scale(dim.score)) AS dimensions
    FROM dim JOIN cp.indicator_dimensions m ON m.code = dim.dimension
   GROUP BY dim.district, dim.id
)
SELECT c.district, c.id, c.name, c.city, c.community_type, c.population, st.stage,
       t.overall, t.livability, t.smartness, t.resilience, t.humanity, t.scored, t.missing, t.dimensions,
       CASE WHEN ST_SRID(c.geom) = 4326 THEN c.geom ELSE ST_Transform(c.geom, 4326) END::geometry(MultiPolygon, 4326) AS geom
  FROM cp.province_communities c CROSS JOIN st
  LEFT JOIN tot t ON t.district = c.district AND t.id = c.id;
COMMENT ON VIEW cp.province_community_scores IS
  'Communities of every attached district with the scores of today''s plan stage, as cp.community_scores computes them (overall and the four dimensions 0..100, latest published values, this database''s catalogue and targets), outlines in WGS 84 (SRID 4326: districts may use different SRIDs); QGIS key (district, id)';
COMMENT ON COLUMN cp.province_community_scores.district IS 'District (its publication name)';
COMMENT ON COLUMN cp.province_community_scores.stage IS 'Plan stage whose targets apply (today''s)';
COMMENT ON COLUMN cp.province_community_scores.overall IS 'Overall weighted score 0..100';
COMMENT ON COLUMN cp.province_community_scores.scored IS 'Indicators with a value and a target';
COMMENT ON COLUMN cp.province_community_scores.missing IS 'Indicators without a value';
COMMENT ON COLUMN cp.province_community_scores.dimensions IS 'Every dimension''s score as jsonb';
COMMENT ON COLUMN cp.province_community_scores.geom IS 'Outline transformed to WGS 84';

GRANT SELECT ON cp.publication TO PUBLIC;

-- Last: the capability roles that exist get their grants (cp._role_privileges()
-- names objects of every part, up to this one).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;
