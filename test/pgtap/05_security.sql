-- Safe in a shared district database (issue 13): no privilege escalation
-- through the SECURITY DEFINER heritage triggers, one search_path convention,
-- the capability roles of cp.setup_roles() with real roles, network ownership
-- enforced by row-level security, a forged compiled network refused, a
-- non-owner reader running the analyses on real data (Krems), and CREATE
-- EXTENSION creating no role.
BEGIN;
SELECT plan(60);
SET LOCAL client_min_messages = warning;

-- Runs one statement as a role; the SET is undone with the statement's subtransaction when it fails.
CREATE FUNCTION public.sec_as(r text, q text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE q;
  RESET ROLE;
END $$;
GRANT EXECUTE ON FUNCTION public.sec_as(text, text) TO PUBLIC;
-- rows a statement changes when run as a role
CREATE FUNCTION public.sec_rows(r text, q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE q;
  GET DIAGNOSTICS n = ROW_COUNT;
  RESET ROLE;
  RETURN n;
END $$;
GRANT EXECUTE ON FUNCTION public.sec_rows(text, text) TO PUBLIC;
-- rows of a query run as a role
CREATE FUNCTION public.sec_count(r text, q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE format('SELECT count(*) FROM (%s) q', q) INTO n;
  RESET ROLE;
  RETURN n;
END $$;
GRANT EXECUTE ON FUNCTION public.sec_count(text, text) TO PUBLIC;

-- Roles -----------------------------------------------------------------------
SELECT is((SELECT array_agg(role_name::text ORDER BY role_name) FROM cp.setup_roles()),
          ARRAY['cp_admin', 'cp_auditor', 'cp_heritage_editor', 'cp_planner', 'cp_province_reader', 'cp_reader']::text[],
          'cp.setup_roles() creates (or finds) the six capability roles');
SELECT is((SELECT count(*) FROM cp.setup_roles() WHERE created), 0::bigint, 'cp.setup_roles() is idempotent');
SELECT is((SELECT count(*) FROM pg_roles WHERE rolname LIKE 'cp\_%' AND (rolcanlogin OR rolsuper OR rolcreaterole)),
          0::bigint, 'the capability roles cannot log in and hold no attribute');
CREATE ROLE regress_sec_reader IN ROLE cp_reader;
CREATE ROLE regress_sec_planner IN ROLE cp_planner;
CREATE ROLE regress_sec_planner2 IN ROLE cp_planner;
CREATE ROLE regress_sec_auditor IN ROLE cp_auditor;
CREATE ROLE regress_sec_admin IN ROLE cp_admin;
CREATE ROLE regress_sec_nobody;
CREATE ROLE regress_mallory IN ROLE cp_heritage_editor;

-- privileges by capability
SELECT ok(has_table_privilege('regress_sec_reader', 'cp.network_catalog', 'SELECT')
          AND has_table_privilege('regress_sec_reader', 'cp.networks', 'SELECT')
          AND has_table_privilege('regress_sec_reader', 'cp.indicator_values', 'SELECT')
          AND has_table_privilege('regress_sec_reader', 'cp.community_scores', 'SELECT'),
          'a reader reads networks, indicator values and scores');
SELECT ok(NOT has_table_privilege('regress_sec_reader', 'cp.network_catalog', 'INSERT')
          AND NOT has_table_privilege('regress_sec_reader', 'cp.facility_categories', 'INSERT')
          AND NOT has_table_privilege('regress_sec_reader', 'cp.heritage_site', 'UPDATE'),
          'a reader writes nothing');
SELECT ok(NOT has_table_privilege('regress_sec_reader', 'cp.heritage_history', 'SELECT')
          AND has_table_privilege('regress_sec_auditor', 'cp.heritage_history', 'SELECT'),
          'only auditors read the heritage audit');
SELECT ok(NOT has_table_privilege('regress_sec_nobody', 'cp.network_catalog', 'SELECT')
          AND has_table_privilege('regress_sec_nobody', 'cp.walk_profiles', 'SELECT')
          AND has_table_privilege('regress_sec_nobody', 'cp.facility_categories', 'SELECT'),
          'a role without a capability reads the published catalogues but no network');
SELECT ok(has_table_privilege('regress_sec_planner', 'cp.network_catalog', 'INSERT')
          AND has_table_privilege('regress_sec_planner', 'cp.indicator_values', 'INSERT')
          AND NOT has_table_privilege('regress_sec_planner', 'cp.facility_categories', 'INSERT'),
          'a planner writes networks and indicator values, not catalogues');
SELECT ok(has_table_privilege('regress_sec_admin', 'cp.facility_categories', 'INSERT')
          AND has_table_privilege('regress_sec_admin', 'cp.heritage_site', 'INSERT'),
          'an admin edits catalogues and (as heritage editor) the register');
SELECT ok(NOT has_table_privilege('regress_sec_admin', 'cp.indicator_computations', 'INSERT')
          AND NOT has_table_privilege('regress_sec_admin', 'cp.indicator_computations', 'UPDATE'),
          'nobody but the owner writes indicator computations (their SQL runs as whoever computes)');
SELECT ok(NOT has_function_privilege('regress_sec_admin', 'cp.setup_roles()', 'EXECUTE')
          AND NOT has_function_privilege('regress_sec_admin', 'cp._grant_roles()', 'EXECUTE')
          AND NOT has_function_privilege('regress_sec_admin',
                'cp.heritage_audit_write(cp.heritage_site, cp.heritage_site, text, text)', 'EXECUTE'),
          'role set-up and the audit writer are not executable by PUBLIC');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'cp'::regnamespace
             AND 'bytea'::regtype = ANY (p.proargtypes) AND p.proname IN ('_snap', '_walk', '_catchment')),
          0::bigint, 'the internal point functions take geometry, never raw bytes');

-- search_path convention ------------------------------------------------------
SELECT is(cp._postgis_schema(), (SELECT quote_ident(n.nspname) FROM pg_extension e
            JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'),
          'cp._postgis_schema() names the schema PostGIS is installed in');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'cp'::regnamespace AND p.prosecdef
             AND coalesce(array_to_string(p.proconfig, ','), '') <> 'search_path=pg_catalog, cp, pg_temp'),
          0::bigint, 'every SECURITY DEFINER function has search_path = pg_catalog, cp, pg_temp');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'cp'::regnamespace AND p.prosecdef), 2::bigint,
          'two SECURITY DEFINER functions: the heritage guard and audit triggers');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = 'cp'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
              AND coalesce((SELECT c FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%'), '') NOT IN
                  ('search_path=pg_catalog, cp, pg_temp',
                   'search_path=pg_catalog, cp, ' || quote_ident((SELECT n.nspname FROM pg_extension e
                      JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis')) || ', pg_temp')),
          0::bigint, 'every SQL and PL/pgSQL function pins search_path to pg_catalog, cp, PostGIS''s schema, pg_temp');

-- The escalation reproducer: a role with CREATE on public plants functions that
-- the audit trigger (SECURITY DEFINER, run as the extension owner) would have
-- resolved to; then edits the register as an ordinary heritage editor.
SELECT is((SELECT count(*) FROM cp.schema_write_risks() WHERE grantee = 'regress_mallory'), 0::bigint,
          'before the grant, mallory cannot create objects on the extension''s path');
GRANT CREATE ON SCHEMA public TO regress_mallory;
SELECT is((SELECT array_agg(schema_name::text) FROM cp.schema_write_risks() WHERE grantee = 'regress_mallory'),
          ARRAY['public'], 'cp.schema_write_risks() names the role that may plant objects in PostGIS''s schema');
CREATE TABLE public.sec_planted_calls (who name, fn text);
GRANT INSERT ON public.sec_planted_calls TO PUBLIC;
SET LOCAL ROLE regress_mallory;
CREATE FUNCTION public.jsonb_build_object(text, text, text, text, text, text) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.sec_planted_calls VALUES (current_user, 'jsonb_build_object');
  EXECUTE 'ALTER ROLE regress_mallory SUPERUSER';
  RETURN '{}'::jsonb;
END $$;
CREATE FUNCTION public.to_jsonb(cp.heritage_site) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.sec_planted_calls VALUES (current_user, 'to_jsonb');
  EXECUTE 'ALTER ROLE regress_mallory SUPERUSER';
  RETURN '{}'::jsonb;
END $$;
-- reached from the definer guard through the register-SRID trigger on cp.heritage_config
CREATE FUNCTION public.format(text, integer, integer) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public.sec_planted_calls VALUES (current_user, 'format');
  EXECUTE 'ALTER ROLE regress_mallory SUPERUSER';
  RETURN 'planted';
END $$;
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('SEC-1', 'planted', 'traditional_style',
        ST_Multi(ST_MakeEnvelope(541000, 5361000, 541010, 5361010, 32633)));
UPDATE cp.heritage_site SET name = 'planted again' WHERE code = 'SEC-1';
RESET ROLE;
UPDATE cp.heritage_config SET srid = NULL;
SELECT throws_ok($$SELECT public.sec_as('regress_mallory', $q$UPDATE cp.heritage_site
    SET footprint = ST_Multi(ST_MakeEnvelope(400000, 3300000, 400010, 3300010, 32650)), decision_ref = 'D-SEC'
  WHERE code = 'SEC-1'$q$)$$, '23514', 'heritage register already uses SRID 32633',
  'the register-SRID trigger, fired from the definer guard, refuses the new SRID');
SELECT throws_ok($$SELECT public.sec_as('regress_mallory', $q$UPDATE cp.heritage_site SET id = DEFAULT WHERE code = 'SEC-1'$q$)$$,
  '23000', 'the id of heritage site "SEC-1" cannot change', 'a site cannot be renumbered (the audit follows ids)');
SELECT is((SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_mallory'), false,
          'the escalation reproducer fails: mallory is not a superuser after editing the register');
SELECT is((SELECT count(*) FROM public.sec_planted_calls), 0::bigint,
          'no planted function in public was called by the SECURITY DEFINER audit');
SELECT is((SELECT count(*) FROM cp.heritage_history WHERE site_code = 'SEC-1'), 2::bigint,
          'the edits were audited as usual');
SELECT is((SELECT new_row ->> 'footprint' FROM cp.heritage_history WHERE site_code = 'SEC-1' ORDER BY id DESC LIMIT 1),
          'SRID=32633;MULTIPOLYGON(((541000 5361000,541000 5361010,541010 5361010,541010 5361000,541000 5361000)))',
          'the audit keeps geometries as EWKT through the schema-qualified PostGIS call');
SELECT is((SELECT changed_by::text FROM cp.heritage_history WHERE site_code = 'SEC-1' ORDER BY id DESC LIMIT 1),
          'regress_mallory', 'the audit names the editor');

-- Network ownership -------------------------------------------------------------
SELECT lives_ok($$SELECT * FROM cp.network_build('sec_own', $e$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 10 0)'::geometry AS geom$e$)$$,
  'the superuser builds a network of its own');
SELECT lives_ok($$SELECT public.sec_as('regress_sec_planner',
  $q$SELECT * FROM cp.network_build('sec_a', $e$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 100 0)'::geometry AS geom$e$)$q$)$$,
  'a planner builds a network');
SELECT is((SELECT owner::text FROM cp.networks WHERE name = 'sec_a'), 'regress_sec_planner', 'the network belongs to its builder');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner2',
  $q$SELECT * FROM cp.network_build('sec_a', $e$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 9 0)'::geometry AS geom$e$)$q$)$$,
  '42501', 'permission denied to rebuild network "sec_a"', 'another planner cannot replace it');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner2', 'SELECT cp.network_drop(''sec_a'')')$$,
  '42501', 'permission denied to drop network "sec_a"', 'another planner cannot drop it');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner2', 'SELECT * FROM cp.network_rebuild(''sec_a'')')$$,
  '42501', NULL, 'another planner cannot rebuild it');
SELECT is(public.sec_rows('regress_sec_planner2',
  $q$UPDATE cp.network_catalog SET edges_sql = 'SELECT 1' WHERE name = 'sec_a'$q$),
  0::bigint, 'row-level security: a direct UPDATE of someone else''s network changes nothing');
SELECT is(public.sec_rows('regress_sec_planner2',
  $q$DELETE FROM cp.network_catalog WHERE name = 'sec_a'$q$),
  0::bigint, 'row-level security: a direct DELETE of someone else''s network deletes nothing');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner2',
  $q$INSERT INTO cp.network_catalog (name, edges_sql, tolerance_m, srid, source_srid, nodes, edges, input_edges,
       components, largest_component_share, total_length_m, compiled_bytes, geometry_bytes, has_z, compiled, owner)
     SELECT 'sec_forged', edges_sql, tolerance_m, srid, source_srid, nodes, edges, input_edges, components,
            largest_component_share, total_length_m, compiled_bytes, geometry_bytes, has_z, compiled, 'regress_sec_planner'
       FROM cp.network_catalog WHERE name = 'sec_a'$q$)$$,
  '42501', NULL, 'row-level security: a planner cannot insert a network in another role''s name');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner',
  $q$UPDATE cp.network_catalog SET owner = 'cp_planner' WHERE name = 'sec_a'$q$)$$,
  '42501', NULL, 'row-level security: an owner cannot hand its network (and its stored query) to another role');
-- The stored edges query runs only in a session of its owner: switching role is no sandbox (the
-- red-team reproducer: a stored query that switches back to the session user and takes its rights)
CREATE TABLE public.sec_built_by (who name, session_who name);
GRANT INSERT ON public.sec_built_by TO PUBLIC;
CREATE FUNCTION public.sec_record_builder() RETURNS boolean LANGUAGE sql
AS $$ INSERT INTO public.sec_built_by VALUES (current_user, session_user) RETURNING true $$;
SELECT lives_ok($$SELECT public.sec_as('regress_sec_planner',
  $q$UPDATE cp.network_catalog SET edges_sql = $e$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 100 0)'::geometry AS geom
                                                  WHERE public.sec_record_builder()$e$ WHERE name = 'sec_a'$q$)$$,
  'the owner stores a definition that records who runs it');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_planner', 'SELECT * FROM cp.network_rebuild(''sec_a'')')$$,
  '42501', 'cannot rebuild network "sec_a" of role regress_sec_planner from its stored definition',
  'the owner acting through SET ROLE in a superuser''s session does not run its stored query there');
SELECT throws_ok($$SELECT * FROM cp.network_rebuild('sec_a')$$,
  '42501', 'cannot rebuild network "sec_a" of role regress_sec_planner from its stored definition',
  'a superuser does not run a planner''s stored query');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_admin', 'SELECT * FROM cp.network_rebuild(''sec_a'')')$$,
  '42501', 'cannot rebuild network "sec_a" of role regress_sec_planner from its stored definition',
  'an admin does not run the owner''s stored query');
SELECT is((SELECT count(*) FROM public.sec_built_by), 0::bigint, 'the stored query never ran');
SELECT lives_ok($$SELECT public.sec_as('regress_sec_admin',
  $q$SELECT * FROM cp.network_build('sec_a', $e$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 50 0)'::geometry AS geom$e$)$q$)$$,
  'an admin rebuilds it with an edges query of its own');
SELECT is((SELECT owner::text FROM cp.networks WHERE name = 'sec_a'), 'regress_sec_admin',
          'a network belongs to whoever last stored its edges query');
SELECT lives_ok($$SELECT * FROM cp.network_rebuild('sec_own')$$, 'a superuser rebuilds a network of its own');
SELECT is(current_user::text, session_user::text, 'no role is left switched');
-- the admin may drop any network
SELECT lives_ok($$SELECT public.sec_as('regress_sec_admin', 'SELECT cp.network_drop(''sec_a'')')$$, 'an admin drops any network');

-- A forged compiled network is refused, not read --------------------------------
SELECT lives_ok($$SELECT public.sec_as('regress_sec_planner2',
  $q$SELECT * FROM cp.network_build('sec_b', $e$SELECT i AS id, ST_SetSRID(ST_MakeLine(ST_MakePoint(i * 10, 0), ST_MakePoint(i * 10 + 10, 0)), 32650) AS geom
       FROM generate_series(0, 20) i$e$, 0.5)$q$)$$, 'a planner builds a network of its own');
SELECT lives_ok($$SELECT public.sec_as('regress_sec_planner2',
  $q$UPDATE cp.network_catalog SET compiled = overlay(compiled placing '\xff7fffff'::bytea from 300), build_id = build_id + 1000000
      WHERE name = 'sec_b'$q$)$$, 'it overwrites its own compiled blob with forged offsets');
SELECT throws_ok($$SELECT * FROM cp.snap('sec_b', 'SRID=32650;POINT(5 1)')$$, 'XX001',
  'compiled network is damaged or of another format', 'a forged blob is refused when loaded, not followed');

-- A non-owner reader runs the analyses on real data (Krems) ----------------------
GRANT USAGE ON SCHEMA krems TO regress_sec_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA krems TO regress_sec_reader;
SELECT is(public.sec_count('regress_sec_reader',
  $q$SELECT * FROM cp.nearest('krems', 'SELECT row_number() OVER () AS id, geom FROM krems.pois WHERE cp.osm_category(tags) = ''primary_school''',
                              'SELECT area_id AS id, geom FROM krems.buildings', 1000)$q$),
  (SELECT count(*) FROM krems.buildings), 'a reader runs cp.nearest: one row per building');
SELECT ok(public.sec_count('regress_sec_reader',
  $q$SELECT * FROM cp.catchments('krems', 'SELECT row_number() OVER () AS id, geom FROM krems.pois WHERE cp.osm_category(tags) = ''primary_school''', '{500}')$q$) > 0,
  'a reader runs cp.catchments');
SELECT ok(public.sec_count('regress_sec_reader',
  $q$SELECT * FROM cp.coverage('krems', 'SELECT area_id AS id, geom, 10 AS population FROM krems.buildings',
        'SELECT row_number() OVER () AS id, cp.osm_category(tags) AS category, geom FROM krems.pois WHERE cp.osm_category(tags) IS NOT NULL')$q$) > 0,
  'a reader runs cp.coverage');
SELECT ok(public.sec_count('regress_sec_reader',
  $q$SELECT * FROM cp.life_circle('krems', 'SELECT area_id AS id, geom, 10 AS population FROM krems.buildings',
        'SELECT row_number() OVER () AS id, cp.osm_category(tags) AS category, geom FROM krems.pois WHERE cp.osm_category(tags) IS NOT NULL')$q$) > 0,
  'a reader runs cp.life_circle');
SELECT ok(public.sec_count('regress_sec_reader',
  $q$SELECT * FROM cp.parking_gap('krems', 'SELECT area_id AS id, geom, ''residential'' AS use, 10 AS households, 500 AS floor_area FROM krems.buildings',
        'SELECT row_number() OVER () AS id, geom, coalesce(capacity, 20) AS capacity FROM krems.parking',
        $c$SELECT 1 AS id, ST_Transform(ST_MakeEnvelope(15.5, 48.3, 15.7, 48.5, 4326), 32633) AS geom$c$)$q$) > 0,
  'a reader runs cp.parking_gap');
SELECT is(public.sec_count('regress_sec_reader', $q$SELECT * FROM cp.networks WHERE name = 'krems'$q$), 1::bigint,
          'a reader lists the networks');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_reader', 'SELECT * FROM cp.network_rebuild(''krems'')')$$, '42501', NULL,
                 'a reader cannot rebuild a network');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_reader', 'SELECT count(*) FROM cp.heritage_history')$$, '42501', NULL,
                 'a reader cannot read the heritage audit');
SELECT lives_ok($$SELECT public.sec_as('regress_sec_auditor', 'SELECT count(*) FROM cp.heritage_history')$$,
                'an auditor reads the heritage audit');
SELECT throws_ok($$SELECT public.sec_as('regress_sec_nobody', 'SELECT * FROM cp.networks')$$, '42501', NULL,
                 'a role without a capability reads no network');

-- CREATE EXTENSION creates no role (last: the extension is re-created inside this transaction)
CREATE TEMP TABLE roles_before AS SELECT count(*) AS n FROM pg_roles;
DROP EXTENSION community_planning CASCADE;
CREATE EXTENSION community_planning;
SELECT is((SELECT count(*) FROM pg_roles), (SELECT n FROM roles_before), 'CREATE EXTENSION creates no role');
SELECT ok(has_table_privilege('cp_reader', 'cp.network_catalog', 'SELECT'),
          'a re-created extension grants the capability roles that exist');

SELECT * FROM finish();
ROLLBACK;
