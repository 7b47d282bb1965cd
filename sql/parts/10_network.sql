
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
   'Approximate: 1.0 m/s, within the 0.7-1.3 m/s range reported for manual wheelchair users; editable'),
  ('standard_pace', 4.0, true, 'the pace GB 50180-2018 implies for its life circles: 1000 m in 15 minutes (1.11 m/s)',
   'Derived: GB 50180-2018 table 3.0.4 and clause 2.0.2 give the 15-minute life circle 800-1000 m; 1000 m / 15 min = 4.0 km/h. The default profile of facility categories whose users are not the elderly, so that minutes reproduce the standard''s distances on flat ground');
-- The shipped profiles come back with CREATE EXTENSION; pg_dump keeps the district's own.
SELECT pg_catalog.pg_extension_config_dump('cp.walk_profiles',
  $$WHERE name NOT IN ('walk', 'elderly', 'wheelchair', 'standard_pace')$$);
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
  'Compile a walking network from an edges query (id, geom[, source, target, cost, reverse_cost]) and store it; returns its summary. Edges in a projected CRS in metres (UTM, CGCS2000 Gauss-Kruger EPSG:4534-4554) are measured in its plane and it is the network SRID; edges in longitude/latitude are measured on the spheroid and projected to UTM (EPSG:4326) or the CGCS2000 3-degree Gauss-Kruger zone (EPSG:4490)';

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
