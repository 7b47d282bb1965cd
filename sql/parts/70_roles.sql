
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
    ('cp_reader', 'SELECT', 'cp.scenarios, cp.scenario_edges, cp.scenario_facilities, cp.scenario_residents, cp.scenario_status'),
    ('cp_planner', 'INSERT, UPDATE, DELETE', 'cp.scenarios, cp.scenario_edges, cp.scenario_facilities, cp.scenario_residents'),
    ('cp_heritage_editor', 'INSERT, UPDATE, DELETE', 'cp.heritage_site'),
    ('cp_auditor', 'SELECT', 'cp.heritage_history'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.walk_profiles, cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards, cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.osm_category_map, cp.heritage_config, cp.population_shares, cp.poi_type_mapping, cp.parking_use_map, cp.parking_type_capacity, cp.category_names'),
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

-- cp._grant_roles() runs at the end of 82_scenarios.sql, after the last object it grants.

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
