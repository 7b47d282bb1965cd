
-- Scenarios (issue 17) ------------------------------------------------------------
-- A scenario is a named set of edits to a base network and to the caller's
-- facilities and residents: facilities added, removed or resized, network edges
-- added (a footbridge, a gate opened) or closed, residents added, removed or
-- changed (a new building). The edits are rows in four tables (dumped by
-- pg_dump); nothing of the base is copied:
-- * the network: the scenario is compiled into cp.network_catalog under its own
--   name (so every analysis takes the scenario's name wherever it takes a
--   network) from the base network's compiled pieces (cp.network_edges, data,
--   never the base owner's edges query) minus the closed edges plus the added
--   ones, each piece with its base cost; recompiled by a statement trigger when
--   the edge edits change, and on next use of cp.scenario_network /
--   cp.compare_scenarios when the base was rebuilt since;
-- * facilities and residents: cp.scenario_facilities_sql / cp.scenario_residents_sql
--   wrap the caller's own query in SQL that applies the edits as it runs.
-- Ownership as networks (10_network.sql): a scenario belongs to the role that
-- created it; its members and cp_admin edit or drop it; everyone with SELECT
-- reads it (row-level security).

CREATE TABLE cp.scenarios (
  name            text PRIMARY KEY CHECK (name <> ''),
  base_network    text NOT NULL CHECK (base_network <> ''),
  owner           name NOT NULL DEFAULT current_user,
  note            text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  stale           boolean NOT NULL DEFAULT true,
  base_build_id   bigint,
  network_build_id bigint,
  CHECK (name <> base_network)
);
COMMENT ON TABLE cp.scenarios IS
  'Scenarios: named sets of edits to a base network and to the caller''s facilities and residents (docs/scenarios.md); dumped by pg_dump. Row-level security as cp.network_catalog: everyone with SELECT reads every scenario; only its owner''s members and cp_admin edit or drop it';
COMMENT ON COLUMN cp.scenarios.base_network IS 'The network the scenario edits (a name of cp.network_catalog, possibly another scenario)';
COMMENT ON COLUMN cp.scenarios.owner IS 'Role that created the scenario; only its members and cp_admin edit or drop it';
COMMENT ON COLUMN cp.scenarios.stale IS 'The edge edits changed since the scenario''s network was compiled (it is recompiled by the edit statement itself when it can, else by cp.scenario_network)';
COMMENT ON COLUMN cp.scenarios.base_build_id IS 'build_id of the base network the scenario network was compiled from';
COMMENT ON COLUMN cp.scenarios.network_build_id IS 'build_id of the scenario''s compiled network';
SELECT pg_catalog.pg_extension_config_dump('cp.scenarios', '');

CREATE TABLE cp.scenario_edges (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'close')),
  edge_id       bigint NOT NULL,
  geom          geometry,
  cost          float8 CHECK (cost < 'Infinity'),
  reverse_cost  float8 CHECK (reverse_cost < 'Infinity'),
  note          text,
  PRIMARY KEY (scenario, op, edge_id),
  CHECK (op = 'close' OR (geom IS NOT NULL AND edge_id > 0
                          AND GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING') AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR (geom IS NULL AND cost IS NULL AND reverse_cost IS NULL))
);
COMMENT ON TABLE cp.scenario_edges IS
  'Network edits of a scenario: add (a new line, edge_id > 0 your own label, cost/reverse_cost as in an edges query: NULL = its length, negative = closed in that direction) or close (edge_id = an input edge id of the base network: every piece of it is left out)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_edges', '');

CREATE TABLE cp.scenario_facilities (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'remove', 'resize')),
  facility_id   bigint NOT NULL,
  category      text,
  geom          geometry,
  capacity      float8 CHECK (capacity >= 0 AND capacity < 'Infinity'),
  floor_area    float8 CHECK (floor_area >= 0 AND floor_area < 'Infinity'),
  site_area     float8 CHECK (site_area >= 0 AND site_area < 'Infinity'),
  name          text,
  note          text,
  PRIMARY KEY (scenario, facility_id),
  CHECK (op <> 'add' OR (category IS NOT NULL AND geom IS NOT NULL AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR (category IS NULL AND geom IS NULL)),
  CHECK (op <> 'remove' OR (capacity IS NULL AND floor_area IS NULL AND site_area IS NULL))
);
COMMENT ON TABLE cp.scenario_facilities IS
  'Facility edits of a scenario: add (a new facility: id of your own that the base query does not use, category, geom, optional capacity, floor_area, site_area, name), remove (facility_id of the base query), resize (its capacity, floor_area or site_area replaced where not NULL)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_facilities', '');

CREATE TABLE cp.scenario_residents (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'remove', 'resize')),
  resident_id   bigint NOT NULL,
  geom          geometry,
  population    float8 CHECK (population >= 0 AND population < 'Infinity'),
  cohorts       jsonb CHECK (cohorts IS NULL OR jsonb_typeof(cohorts) = 'object'),
  note          text,
  PRIMARY KEY (scenario, resident_id),
  CHECK (op <> 'add' OR (geom IS NOT NULL AND population IS NOT NULL AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR geom IS NULL),
  CHECK (op <> 'remove' OR (population IS NULL AND cohorts IS NULL))
);
COMMENT ON TABLE cp.scenario_residents IS
  'Resident edits of a scenario: add (a new building: id of your own, geom, population, optional cohorts as {"age_3_6": 40, ...} filling the residents query''s cohort columns), remove (resident_id of the base query), resize (its population and cohorts replaced where given)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_residents', '');

CREATE VIEW cp.scenario_status AS
SELECT s.name, s.base_network, s.owner, s.note, s.created_at,
       s.stale OR c.build_id IS DISTINCT FROM s.network_build_id
               OR b.build_id IS DISTINCT FROM s.base_build_id AS stale,
       (SELECT count(*) FROM cp.scenario_edges e WHERE e.scenario = s.name AND e.op = 'add') AS edges_added,
       (SELECT count(*) FROM cp.scenario_edges e WHERE e.scenario = s.name AND e.op = 'close') AS edges_closed,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'add') AS facilities_added,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'remove') AS facilities_removed,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'resize') AS facilities_resized,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'add') AS residents_added,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'remove') AS residents_removed,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'resize') AS residents_changed,
       c.nodes, c.edges, c.built_at
  FROM cp.scenarios s
  LEFT JOIN cp.network_catalog c ON c.name = s.name
  LEFT JOIN cp.network_catalog b ON b.name = s.base_network;
COMMENT ON VIEW cp.scenario_status IS
  'Scenarios with their edit counts and whether the compiled network is stale (edge edits since, the base rebuilt, or the network missing or replaced): cp.scenario_network(name) recompiles it';

-- Row-level security: as cp.network_catalog.
ALTER TABLE cp.scenarios ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_read ON cp.scenarios FOR SELECT USING (true);
CREATE POLICY scenario_insert ON cp.scenarios FOR INSERT WITH CHECK (owner OPERATOR(pg_catalog.=) current_user);
CREATE POLICY scenario_update ON cp.scenarios FOR UPDATE
  USING (cp._network_may_manage(owner)) WITH CHECK (cp._network_may_manage(owner));
CREATE POLICY scenario_delete ON cp.scenarios FOR DELETE USING (cp._network_may_manage(owner));

-- Who may edit a scenario's rows: its owner's members and cp_admin's.
CREATE FUNCTION cp._scenario_may_manage(scenario text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT EXISTS (SELECT 1 FROM cp.scenarios s
                  WHERE s.name OPERATOR(pg_catalog.=) scenario AND cp._network_may_manage(s.owner))
$$;
COMMENT ON FUNCTION cp._scenario_may_manage(text) IS
  'Internal: true when the current role may edit the scenario (a member of its owner or of cp_admin)';

ALTER TABLE cp.scenario_edges ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_edges_read ON cp.scenario_edges FOR SELECT USING (true);
CREATE POLICY scenario_edges_write ON cp.scenario_edges FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));
ALTER TABLE cp.scenario_facilities ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_facilities_read ON cp.scenario_facilities FOR SELECT USING (true);
CREATE POLICY scenario_facilities_write ON cp.scenario_facilities FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));
ALTER TABLE cp.scenario_residents ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_residents_read ON cp.scenario_residents FOR SELECT USING (true);
CREATE POLICY scenario_residents_write ON cp.scenario_residents FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));

-- The one "no such scenario" error.
CREATE FUNCTION cp._scenario_get(scenario text) RETURNS cp.scenarios
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
BEGIN
  SELECT * INTO s FROM cp.scenarios x WHERE x.name = scenario;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('scenario "%s" does not exist'), scenario),
      ERRCODE = '42704', HINT = cp._t('Create it with cp.scenario_create(); cp.scenario_status lists the scenarios.');
  END IF;
  RETURN s;
END
$$;
COMMENT ON FUNCTION cp._scenario_get(text) IS 'Internal: the scenario''s row; 42704 when there is none';

-- The edges a scenario network is compiled from: the base's pieces (with their
-- costs, so lengths stay the base's geodesic ones) minus every piece of a closed
-- input edge, plus the added lines in the base's metric CRS (id = -edge_id),
-- NULL cost = the length as the engine measures it (geodesic for
-- longitude/latitude, planar otherwise).
CREATE FUNCTION cp._scenario_edges_input(scenario text)
RETURNS TABLE (id bigint, geom geometry, cost float8, reverse_cost float8)
LANGUAGE sql STABLE STRICT
SET search_path FROM CURRENT
AS $$
  WITH s AS (SELECT x.name, x.base_network, c.srid FROM cp.scenarios x
               JOIN cp.network_catalog c ON c.name = x.base_network WHERE x.name = scenario)
  SELECT e.piece, e.geom, e.cost, e.reverse_cost
    FROM s CROSS JOIN LATERAL cp.network_edges(s.base_network) e
   WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_edges x
                      WHERE x.scenario = s.name AND x.op = 'close' AND x.edge_id = e.edge_id)
  UNION ALL
  SELECT -x.edge_id, ST_Transform(x.geom, s.srid),
         coalesce(x.cost, CASE WHEN EXISTS (SELECT 1 FROM spatial_ref_sys r
                                             WHERE r.srid = ST_SRID(x.geom) AND r.proj4text LIKE '%+proj=longlat%')
                               THEN ST_Length(x.geom::geography) ELSE ST_Length(x.geom) END),
         x.reverse_cost
    FROM s JOIN cp.scenario_edges x ON x.scenario = s.name AND x.op = 'add'
$$;
COMMENT ON FUNCTION cp._scenario_edges_input(text) IS
  'Internal: the edges query of a scenario network: the base network''s pieces (id = piece, their costs) without the closed input edges, plus the added lines in the base''s CRS (id = -edge_id; NULL cost = geodesic length for longitude/latitude, planar otherwise)';

-- Compile a scenario's network and register it under the scenario's name,
-- owned by the scenario's owner. It runs with the caller's rights (no SECURITY
-- DEFINER: nothing on the way may resolve a name in a schema others can write),
-- so it is the scenario's owner (or cp_admin) who brings a stale network up to
-- date; the compiled query reads stored data only (the base's compiled pieces
-- and the edit rows), never a role's own SQL.
CREATE FUNCTION cp._scenario_compile(scenario text, force boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  base record;
  cur record;
  q text;
  blob bytea;
  bid bigint;
BEGIN
  s := cp._scenario_get(scenario);
  SELECT c.build_id, c.tolerance_m INTO base FROM cp.network_catalog c WHERE c.name = s.base_network;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(s.base_network);
  END IF;
  SELECT c.build_id, c.owner INTO cur FROM cp.network_catalog c WHERE c.name = s.name;
  IF FOUND AND cur.owner IS DISTINCT FROM s.owner AND NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('network "%s" belongs to role %s, not to the scenario''s owner'), s.name, cur.owner),
      ERRCODE = '42501', HINT = cp._t('A scenario''s network carries its name; drop that network or choose another scenario name.');
  END IF;
  IF NOT force AND NOT s.stale AND cur.build_id IS NOT DISTINCT FROM s.network_build_id
     AND base.build_id IS NOT DISTINCT FROM s.base_build_id THEN
    RETURN cur.build_id;    -- up to date
  END IF;
  IF NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('permission denied to rebuild scenario "%s"'), s.name),
      ERRCODE = '42501', DETAIL = pg_catalog.format(cp._t('The scenario belongs to role %s.'), s.owner),
      HINT = cp._t('Its network is out of date (its edits or its base changed): a member of the owning role or of cp_admin runs cp.scenario_network(name).');
  END IF;
  q := pg_catalog.format('SELECT id, geom, cost, reverse_cost FROM cp._scenario_edges_input(%L)', s.name);
  blob := cp._network_compile(q, base.tolerance_m);
  INSERT INTO cp.network_catalog AS c
         (name, edges_sql, tolerance_m, srid, source_srid, nodes, edges, input_edges, components,
          largest_component_share, total_length_m, compiled_bytes, geometry_bytes, has_z, compiled, owner)
  SELECT s.name, q, base.tolerance_m, m.srid, m.source_srid, m.nodes, m.edges, m.input_edges, m.components,
         m.largest_component_share, m.total_length_m, m.compiled_bytes, m.geometry_bytes, m.has_z, blob, s.owner
    FROM cp._network_summary(blob) m
  ON CONFLICT ON CONSTRAINT network_catalog_pkey DO UPDATE
     SET edges_sql = excluded.edges_sql, tolerance_m = excluded.tolerance_m, srid = excluded.srid,
         source_srid = excluded.source_srid, nodes = excluded.nodes, edges = excluded.edges,
         input_edges = excluded.input_edges, components = excluded.components,
         largest_component_share = excluded.largest_component_share,
         total_length_m = excluded.total_length_m, compiled_bytes = excluded.compiled_bytes,
         geometry_bytes = excluded.geometry_bytes, has_z = excluded.has_z, compiled = excluded.compiled,
         owner = excluded.owner, build_id = nextval('cp.network_build_seq'), built_at = now()
  RETURNING c.build_id INTO bid;
  UPDATE cp.scenarios x SET stale = false, base_build_id = base.build_id, network_build_id = bid
   WHERE x.name = s.name;
  RETURN bid;
END
$$;
COMMENT ON FUNCTION cp._scenario_compile(text, boolean) IS
  'Internal: compile a scenario''s network from its base''s pieces and its edge edits, stored in cp.network_catalog under the scenario''s name and owned by the scenario''s owner; does nothing when it is up to date (unless force); returns its build_id';

-- Edge edits change the network: mark the scenarios stale and recompile each
-- once per statement, when its network is registered (a restore by pg_dump
-- loads the compiled network itself: its edits only mark it stale until then).
CREATE FUNCTION cp._scenario_edges_changed() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  names text[];
  n text;
BEGIN
  -- each branch names only the transition tables its event has
  IF TG_OP = 'INSERT' THEN
    names := ARRAY(SELECT DISTINCT r.scenario FROM new_rows r);
  ELSIF TG_OP = 'DELETE' THEN
    names := ARRAY(SELECT DISTINCT r.scenario FROM old_rows r);
  ELSE
    names := ARRAY(SELECT r.scenario FROM new_rows r UNION SELECT r.scenario FROM old_rows r);
  END IF;
  FOREACH n IN ARRAY names LOOP
    UPDATE cp.scenarios s SET stale = true WHERE s.name = n;
    IF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = n)
       AND EXISTS (SELECT 1 FROM cp.scenarios s JOIN cp.network_catalog b ON b.name = s.base_network
                    WHERE s.name = n) THEN
      PERFORM cp._scenario_compile(n);
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION cp._scenario_edges_changed() IS
  'Internal: statement trigger of cp.scenario_edges: marks the edited scenarios stale and recompiles each network once';
-- transition tables allow one event per trigger; the function reads both names
CREATE TRIGGER scenario_edges_insert AFTER INSERT ON cp.scenario_edges
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();
CREATE TRIGGER scenario_edges_update AFTER UPDATE ON cp.scenario_edges
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();
CREATE TRIGGER scenario_edges_delete AFTER DELETE ON cp.scenario_edges
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();

CREATE FUNCTION cp.scenario_create(name text, base_network text, note text DEFAULT NULL)
RETURNS SETOF cp.scenario_status
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF name IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('scenario name must not be NULL'), ERRCODE = '22004';
  END IF;
  IF name = '' THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('scenario name must not be empty'), ERRCODE = '22023';
  END IF;
  IF base_network IS NULL OR NOT EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = scenario_create.base_network) THEN
    PERFORM cp._network_missing(coalesce(base_network, ''));
  END IF;
  IF EXISTS (SELECT 1 FROM cp.scenarios s WHERE s.name = scenario_create.name) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('scenario "%s" already exists'), name),
      ERRCODE = '42710', HINT = cp._t('Edit its rows, or drop it with cp.scenario_drop() first.');
  END IF;
  IF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = scenario_create.name) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('a network called "%s" already exists'), name),
      ERRCODE = '42710', HINT = cp._t('A scenario''s network carries the scenario''s name: choose another name.');
  END IF;
  INSERT INTO cp.scenarios (name, base_network, note) VALUES (scenario_create.name, scenario_create.base_network, note);
  PERFORM cp._scenario_compile(name);
  RETURN QUERY SELECT * FROM cp.scenario_status s WHERE s.name = scenario_create.name;
END
$$;
COMMENT ON FUNCTION cp.scenario_create(text, text, text) IS
  'Create a scenario (owned by the current role) on a base network and compile its network under the scenario''s name; then add its edits as rows of cp.scenario_edges, cp.scenario_facilities and cp.scenario_residents. Errors: empty name 22023, unknown base network 42704, the name taken by a scenario or a network 42710';

CREATE FUNCTION cp.scenario_network(name text) RETURNS SETOF cp.scenario_status
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._scenario_compile(name);
  RETURN QUERY SELECT * FROM cp.scenario_status s WHERE s.name = scenario_network.name;
END
$$;
COMMENT ON FUNCTION cp.scenario_network(text) IS
  'Bring a scenario''s network up to date (compiled from the base network''s pieces minus closed edges plus added ones, registered under the scenario''s name so every analysis takes it) when its edges or its base changed; returns its status. Errors: unknown scenario or base network 42704';

CREATE FUNCTION cp.scenario_drop(name text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
BEGIN
  s := cp._scenario_get(name);
  IF NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('permission denied to drop scenario "%s"'), name),
      ERRCODE = '42501', DETAIL = pg_catalog.format(cp._t('The scenario belongs to role %s.'), s.owner),
      HINT = cp._t('Only members of the owning role and of cp_admin may edit or drop a scenario.');
  END IF;
  DELETE FROM cp.scenarios x WHERE x.name = scenario_drop.name;
  DELETE FROM cp.network_catalog c WHERE c.name = scenario_drop.name AND cp._network_may_manage(c.owner);
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.scenario_drop(text) IS
  'Drop a scenario, its edits and its network. Errors: unknown scenario 42704, not its owner''s member nor cp_admin 42501';

-- The columns of a caller's query (name and type, in order), read without
-- running it: the query is joined on false under a one-row select, and the
-- null-extended row's columns named and typed.
CREATE FUNCTION cp._query_columns(query text, OUT name text, OUT type text) RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  names text[];
  types text[];
BEGIN
  EXECUTE pg_catalog.format(
    'SELECT ARRAY(SELECT pg_catalog.json_object_keys(pg_catalog.to_json(z))) FROM (SELECT 1) d LEFT JOIN (%s) y ON false, LATERAL (SELECT y.*) z',
    cp._coverage_query(query)) INTO names;
  EXECUTE pg_catalog.format('SELECT ARRAY[%s]::text[] FROM (SELECT 1) d LEFT JOIN (%s) y ON false',
    (SELECT pg_catalog.string_agg(pg_catalog.format('pg_catalog.format_type(pg_catalog.pg_typeof(y.%I)::oid, NULL)', n), ', ')
       FROM unnest(names) n),
    cp._coverage_query(query)) INTO types;
  RETURN QUERY SELECT u.n, u.t FROM unnest(names, types) AS u (n, t);
END
$$;
COMMENT ON FUNCTION cp._query_columns(text) IS
  'Internal: the result columns (name, type) of a caller''s query, found without reading its rows';

-- A value of the edit tables cast to a base query's column type.
CREATE FUNCTION cp._scenario_cast(expr text, type text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN type = 'bytea' THEN 'ST_AsEWKB(' || expr || ')' ELSE '(' || expr || ')::' || type END
$$;
COMMENT ON FUNCTION cp._scenario_cast(text, text) IS 'Internal: SQL casting an edit value to a base column''s type (geometry to EWKB for bytea)';

CREATE FUNCTION cp.scenario_facilities_sql(name text, base_facilities_sql text) RETURNS text
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  cols record;
  base_list text[] := '{}';
  add_list text[] := '{}';
  extra text;
  lit text;
BEGIN
  s := cp._scenario_get(name);
  lit := pg_catalog.quote_literal(s.name);
  FOR cols IN SELECT * FROM cp._query_columns(base_facilities_sql) LOOP
    IF cols.name IN ('capacity', 'floor_area', 'site_area') THEN
      base_list := base_list || pg_catalog.format('coalesce(%s, b.%I) AS %I',
                     cp._scenario_cast('r.' || cols.name, cols.type), cols.name, cols.name);
    ELSE
      base_list := base_list || pg_catalog.format('b.%I', cols.name);
    END IF;
    add_list := add_list || CASE
      WHEN cols.name = 'id' THEN cp._scenario_cast('a.facility_id', cols.type)
      WHEN cols.name IN ('category', 'geom', 'capacity', 'floor_area', 'site_area', 'name')
        THEN cp._scenario_cast('a.' || cols.name, cols.type)
      ELSE 'NULL::' || cols.type END;
  END LOOP;
  IF NOT ('b.id' = ANY (base_list) AND 'b.category' = ANY (base_list) AND 'b.geom' = ANY (base_list)) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('the facilities query must return columns id, category and geom'),
      ERRCODE = '42703';
  END IF;
  -- amounts the edits give that the base query lacks
  FOREACH extra IN ARRAY ARRAY['capacity', 'floor_area', 'site_area'] LOOP
    IF NOT EXISTS (SELECT 1 FROM cp._query_columns(base_facilities_sql) c WHERE c.name = extra)
       AND EXISTS (SELECT 1 FROM cp.scenario_facilities f WHERE f.scenario = s.name
                     AND pg_catalog.to_jsonb(f) ->> extra IS NOT NULL) THEN
      base_list := base_list || pg_catalog.format('r.%I', extra);
      add_list := add_list || pg_catalog.format('a.%I', extra);
    END IF;
  END LOOP;
  RETURN pg_catalog.format(
    'SELECT %s FROM (%s) b LEFT JOIN cp.scenario_facilities r ON r.scenario = %s AND r.op = ''resize'' AND r.facility_id = b.id'
    ' WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_facilities x WHERE x.scenario = %s AND x.op = ''remove'' AND x.facility_id = b.id)'
    ' UNION ALL SELECT %s FROM cp.scenario_facilities a WHERE a.scenario = %s AND a.op = ''add''',
    pg_catalog.array_to_string(base_list, ', '), cp._coverage_query(base_facilities_sql), lit, lit,
    pg_catalog.array_to_string(add_list, ', '), lit);
END
$$;
COMMENT ON FUNCTION cp.scenario_facilities_sql(text, text) IS
  'The caller''s facilities query (id, category, geom, optional capacity, floor_area, site_area, ...) with a scenario''s facility edits applied as it runs: removed ids left out, resized amounts replaced, added facilities appended (columns the base lacks NULL; capacity, floor_area, site_area added when the edits give them); pass the text to any analysis. Errors: unknown scenario 42704, no id, category or geom column 42703';

CREATE FUNCTION cp.scenario_residents_sql(name text, base_residents_sql text) RETURNS text
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  cols record;
  base_list text[] := '{}';
  add_list text[] := '{}';
  lit text;
BEGIN
  s := cp._scenario_get(name);
  lit := pg_catalog.quote_literal(s.name);
  FOR cols IN SELECT * FROM cp._query_columns(base_residents_sql) LOOP
    IF cols.name = 'population' THEN
      base_list := base_list || pg_catalog.format('coalesce(%s, b.population) AS population',
                                                  cp._scenario_cast('r.population', cols.type));
      add_list := add_list || cp._scenario_cast('a.population', cols.type);
    ELSIF EXISTS (SELECT 1 FROM cp.population_groups g WHERE g.column_name = cols.name) THEN
      base_list := base_list || pg_catalog.format('CASE WHEN r.cohorts ? %L THEN %s ELSE b.%I END AS %I', cols.name,
                     cp._scenario_cast(pg_catalog.format('r.cohorts ->> %L', cols.name), cols.type), cols.name, cols.name);
      add_list := add_list || cp._scenario_cast(pg_catalog.format('a.cohorts ->> %L', cols.name), cols.type);
    ELSE
      base_list := base_list || pg_catalog.format('b.%I', cols.name);
      add_list := add_list || CASE
        WHEN cols.name = 'id' THEN cp._scenario_cast('a.resident_id', cols.type)
        WHEN cols.name = 'geom' THEN cp._scenario_cast('a.geom', cols.type)
        ELSE 'NULL::' || cols.type END;
    END IF;
  END LOOP;
  IF NOT ('b.id' = ANY (base_list) AND 'b.geom' = ANY (base_list)) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('the residents query must return columns id, geom and population'),
      ERRCODE = '42703';
  END IF;
  RETURN pg_catalog.format(
    'SELECT %s FROM (%s) b LEFT JOIN cp.scenario_residents r ON r.scenario = %s AND r.op = ''resize'' AND r.resident_id = b.id'
    ' WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_residents x WHERE x.scenario = %s AND x.op = ''remove'' AND x.resident_id = b.id)'
    ' UNION ALL SELECT %s FROM cp.scenario_residents a WHERE a.scenario = %s AND a.op = ''add''',
    pg_catalog.array_to_string(base_list, ', '), cp._coverage_query(base_residents_sql), lit, lit,
    pg_catalog.array_to_string(add_list, ', '), lit);
END
$$;
COMMENT ON FUNCTION cp.scenario_residents_sql(text, text) IS
  'The caller''s residents query (id, geom, population, optional age-cohort columns, ...) with a scenario''s resident edits applied as it runs: removed ids left out, changed population and cohorts replaced, added residents appended (cohort columns from their cohorts jsonb, other columns NULL); pass the text to any analysis. Errors: unknown scenario 42704, no id or geom column 42703';

-- One side of a comparison: a scenario (its network brought up to date, the
-- caller's queries with its edits), NULL (the base of the other side, the
-- queries as given) or a plain network (the queries as given).
CREATE FUNCTION cp._scenario_side(side text, other text, residents_sql text, facilities_sql text,
                                  OUT network text, OUT residents text, OUT facilities text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF side IS NULL THEN
    IF other IS NULL THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('compare_scenarios needs at least one scenario'), ERRCODE = '22004';
    END IF;
    network := (cp._scenario_get(other)).base_network;
    residents := residents_sql;
    facilities := facilities_sql;
  ELSIF EXISTS (SELECT 1 FROM cp.scenarios s WHERE s.name = side) THEN
    IF NOT pg_catalog.pg_is_in_recovery() THEN
      PERFORM cp._scenario_compile(side);
    END IF;
    network := side;
    residents := cp.scenario_residents_sql(side, residents_sql);
    facilities := cp.scenario_facilities_sql(side, facilities_sql);
  ELSIF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = side) THEN
    network := side;
    residents := residents_sql;
    facilities := facilities_sql;
  ELSE
    PERFORM cp._scenario_get(side);
  END IF;
END
$$;
COMMENT ON FUNCTION cp._scenario_side(text, text, text, text) IS
  'Internal: network and queries of one side of cp.compare_scenarios (a scenario with its edits, NULL = the other''s base, or a plain network)';

-- The indicators of one side, one row per community × indicator × category.
CREATE FUNCTION cp._scenario_indicators(network text, residents_sql text, facilities_sql text, communities_sql text,
                                        standard text, buildings_sql text, parking_sql text, life_circle text,
                                        unit text, profile text, population_shares text, supply_per_1000 jsonb,
                                        OUT community_id bigint, OUT indicator text, OUT category text,
                                        OUT value float8, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text;
BEGIN
  RETURN QUERY
    SELECT c.community_id, 'coverage'::text, c.category, c.ratio, c.geom
      FROM cp.coverage(network, residents_sql, facilities_sql, communities_sql, standard, profile, unit, population_shares) c;
  RETURN QUERY
    SELECT l.community_id, 'life_circle'::text, l.life_circle, l.ratio, l.geom
      FROM cp.life_circle(network, residents_sql, facilities_sql, communities_sql, standard, life_circle, profile,
                          unit, population_shares) l;
  IF EXISTS (SELECT 1 FROM cp._query_columns(facilities_sql) q WHERE q.name = 'capacity') THEN
    FOR cat IN SELECT f.code FROM cp.facility_categories f
                WHERE f.standard = _scenario_indicators.standard AND f.code IN ('nursery', 'kindergarten')
                  AND f.per_1000 IS NOT NULL
               UNION SELECT k FROM pg_catalog.jsonb_object_keys(coalesce(supply_per_1000, '{}')) k ORDER BY 1 LOOP
      RETURN QUERY
        SELECT g.community_id, 'supply_gap'::text, g.category, g.gap, g.geom
          FROM cp.supply_gap(network, residents_sql, facilities_sql, cat, communities_sql,
                             (supply_per_1000 ->> cat)::float8, standard, profile,
                             unit => unit, population_shares => population_shares) g;
    END LOOP;
  END IF;
  IF buildings_sql IS NOT NULL AND parking_sql IS NOT NULL AND communities_sql IS NOT NULL THEN
    RETURN QUERY
      SELECT p.community_id, 'parking_gap'::text, NULL::text, p.gap, p.geom
        FROM cp.parking_gap(network, buildings_sql, parking_sql, communities_sql) p;
  END IF;
END
$$;
COMMENT ON FUNCTION cp._scenario_indicators(text, text, text, text, text, text, text, text, text, text, text, jsonb) IS
  'Internal: the indicators cp.compare_scenarios compares, for one network and its queries';

CREATE FUNCTION cp.compare_scenarios(a text, b text, residents_sql text, facilities_sql text,
                                     communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                                     buildings_sql text DEFAULT NULL, parking_sql text DEFAULT NULL,
                                     life_circle text DEFAULT '15min', unit text DEFAULT 'm', profile text DEFAULT NULL,
                                     population_shares text DEFAULT 'CN-2020', supply_per_1000 jsonb DEFAULT NULL)
RETURNS TABLE (community_id bigint, indicator text, category text, before float8, after float8, delta float8,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  x record;
  y record;
BEGIN
  IF residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR life_circle IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO x FROM cp._scenario_side(a, b, residents_sql, facilities_sql);
  SELECT * INTO y FROM cp._scenario_side(b, a, residents_sql, facilities_sql);
  RETURN QUERY
    WITH v AS (
      SELECT false AS after_side, i.* FROM cp._scenario_indicators(x.network, x.residents, x.facilities, communities_sql,
             standard, buildings_sql, parking_sql, life_circle, unit, profile, population_shares, supply_per_1000) i
      UNION ALL
      SELECT true, i.* FROM cp._scenario_indicators(y.network, y.residents, y.facilities, communities_sql,
             standard, buildings_sql, parking_sql, life_circle, unit, profile, population_shares, supply_per_1000) i)
    , w AS (
      SELECT v.community_id, v.indicator, v.category,
             max(v.value) FILTER (WHERE NOT v.after_side) AS before, max(v.value) FILTER (WHERE v.after_side) AS after,
             (pg_catalog.array_agg(v.geom) FILTER (WHERE v.geom IS NOT NULL))[1] AS geom
        FROM v
       GROUP BY v.community_id, v.indicator, v.category)
    SELECT w.community_id, w.indicator, w.category, w.before, w.after, w.after - w.before, w.geom FROM w
    UNION ALL
    -- the scorecard's view of the 15-minute life circle: its score (0-100) against the plan's
    -- target of today's stage, as cp.scorecard scores the indicator life_circle_15min_coverage
    SELECT w.community_id, 'score', c.code, sb.score, sa.score, sa.score - sb.score, w.geom
      FROM w
      JOIN cp.indicator_catalogue c ON c.code = 'life_circle_15min_coverage'
      CROSS JOIN LATERAL (SELECT cp.indicator_target(c.code, cp.plan_stage(extract(year FROM current_date)::int)) AS target) t
      CROSS JOIN LATERAL (SELECT cp.normalised_score((100 * w.before)::numeric, c.baseline, t.target, c.direction,
                                                     c.valid_min, c.valid_max)::float8 AS score) sb
      CROSS JOIN LATERAL (SELECT cp.normalised_score((100 * w.after)::numeric, c.baseline, t.target, c.direction,
                                                     c.valid_min, c.valid_max)::float8 AS score) sa
     WHERE w.indicator = 'life_circle' AND compare_scenarios.life_circle = '15min'
     ORDER BY 1, 2, 3;
END
$$;
COMMENT ON FUNCTION cp.compare_scenarios(text, text, text, text, text, text, text, text, text, text, text, text, jsonb) IS
  'Before (scenario or network a; NULL = the base network of b with the queries as given) and after (scenario or network b) per community (id, geom query; NULL = the whole area) and indicator: coverage (share of each category''s target group within reach, cp.coverage), life_circle (share reaching every required category of the level, cp.life_circle), supply_gap (places short, cp.supply_gap, when the facilities query has a capacity column: nursery and kindergarten where the set gives per_1000, and every category of supply_per_1000, e.g. {"kindergarten": 30}, places per 1000 of its target group), parking_gap (spaces short, cp.parking_gap, when buildings_sql, parking_sql and communities_sql are given), score (the scorecard''s 0-100 score of life_circle_15min_coverage against the target of today''s plan stage, for life_circle 15min); delta = after - before; geom = the community outline for a QGIS layer of the delta. Scenario edits apply to both the network and the queries. Errors: unknown scenario or network 42704, both NULL 22004';

-- Grants to the capability roles that exist, after the last object they name (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;
