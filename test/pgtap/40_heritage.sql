-- Heritage register: contracts, every rule tried and refused (as editor and as
-- reader), one audit row per allowed change, append-only audit, NULL/bad-input
-- sweep, pg_dump registration, and the development check on real OSM data
-- (Krems castles, EPSG:32633).
BEGIN;
SELECT plan(123);

-- Roles and a helper that runs one statement as a role (the SET is undone with
-- the statement's subtransaction when it fails).
DO $$ BEGIN PERFORM cp.setup_roles(); END $$;
CREATE ROLE regress_tap_editor IN ROLE cp_heritage_editor;
CREATE ROLE regress_tap_reader;
CREATE FUNCTION public.tap_as(r text, q text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE q;
  RESET ROLE;
END $$;
GRANT EXECUTE ON FUNCTION public.tap_as(text, text) TO PUBLIC;
CREATE FUNCTION public.tap_box(x1 float8, y1 float8, x2 float8, y2 float8, srid int DEFAULT 32633)
RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_Multi(ST_MakeEnvelope(540000 + x1, 5360000 + y1, 540000 + x2, 5360000 + y2, srid)) $$;
CREATE FUNCTION public.tap_audit() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM cp.heritage_history $$;

-- Contracts ---------------------------------------------------------------
SELECT has_table('cp', 'heritage_site', 'register table exists');
SELECT has_table('cp', 'heritage_history', 'audit table exists');
SELECT has_table('cp', 'heritage_config', 'settings table exists');
SELECT columns_are('cp', 'heritage_site',
  ARRAY['id', 'code', 'name', 'grade', 'footprint', 'protection_zone', 'control_zone', 'height_limit_m',
        'style_rules', 'condition', 'status', 'decision_ref', 'listed_on'],
  'cp.heritage_site has exactly the columns planning apps rely on');
SELECT col_type_is('cp', 'heritage_site', 'id', 'bigint', 'id is bigint');
SELECT col_type_is('cp', 'heritage_site', 'footprint', 'geometry(MultiPolygon)', 'footprint is MultiPolygon');
SELECT col_type_is('cp', 'heritage_site', 'protection_zone', 'geometry(MultiPolygon)', 'protection_zone is MultiPolygon');
SELECT col_type_is('cp', 'heritage_site', 'control_zone', 'geometry(MultiPolygon)', 'control_zone is MultiPolygon');
SELECT col_type_is('cp', 'heritage_site', 'height_limit_m', 'double precision', 'height_limit_m is float8');
SELECT col_type_is('cp', 'heritage_site', 'style_rules', 'jsonb', 'style_rules is jsonb');
SELECT col_type_is('cp', 'heritage_site', 'listed_on', 'date', 'listed_on is date');
SELECT col_is_unique('cp', 'heritage_site', 'code', 'code is unique');
SELECT is((SELECT attidentity::text FROM pg_attribute WHERE attrelid = 'cp.heritage_site'::regclass AND attname = 'id'),
          'a', 'id is GENERATED ALWAYS');
SELECT is((SELECT array_agg(c::regclass::text ORDER BY c::regclass::text)
             FROM pg_extension e, unnest(e.extconfig) c
            WHERE e.extname = 'community_planning' AND c::regclass::text LIKE 'cp.heritage%'),
          ARRAY['cp.heritage_config', 'cp.heritage_history', 'cp.heritage_history_id_seq',
                'cp.heritage_site', 'cp.heritage_site_id_seq'],
          'register, audit, settings and their sequences are configuration-dumped (pg_dump keeps them)');
SELECT is((SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
            WHERE i.indrelid = 'cp.heritage_site'::regclass AND a.amname = 'gist'), 3::bigint,
          'footprint and both zones have GiST indexes');
SELECT is((SELECT array_agg(tgname::text || ':' || tgenabled::text ORDER BY tgname)
             FROM pg_trigger WHERE tgrelid IN ('cp.heritage_site'::regclass, 'cp.heritage_history'::regclass)
              AND NOT tgisinternal),
          ARRAY['heritage_history_append_only:A', 'heritage_history_archive_record:O',
                'heritage_history_no_truncate:A', 'heritage_site_audit:A', 'heritage_site_guard:A',
                'heritage_site_no_truncate:A'],
          'rule and audit triggers fire always (also under session_replication_role = replica)');
SELECT has_function('cp', 'check_development', ARRAY['geometry', 'double precision', 'text']);
SELECT function_returns('cp', 'check_development', ARRAY['geometry', 'double precision', 'text'], 'setof record');
SELECT volatility_is('cp', 'check_development', ARRAY['geometry', 'double precision', 'text'], 'stable');
SELECT has_function('cp', 'heritage_protection_rate', ARRAY['geometry']);
SELECT volatility_is('cp', 'heritage_protection_rate', ARRAY['geometry'], 'stable');
SELECT has_function('cp', 'heritage_srid', ARRAY[]::text[]);
SELECT function_returns('cp', 'heritage_srid', ARRAY[]::text[], 'integer');
SELECT has_function('cp', 'heritage_proposal_guard', ARRAY[]::text[]);
SELECT function_returns('cp', 'heritage_proposal_guard', ARRAY[]::text[], 'trigger');
SELECT is_strict('cp', 'heritage_row_jsonb', ARRAY['cp.heritage_site'], 'heritage_row_jsonb is STRICT');
SELECT is_definer('cp', 'heritage_site_guard', ARRAY[]::text[], 'rule trigger runs as the register owner');
SELECT is_definer('cp', 'heritage_site_audit', ARRAY[]::text[], 'audit trigger runs as the register owner');
SELECT is((SELECT count(*) FROM pg_proc WHERE pronamespace = 'cp'::regnamespace
            AND (proname LIKE 'heritage%' OR proname = 'check_development')
            AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(proconfig, '{}')) c
                             WHERE c IN ('search_path=pg_catalog, cp, pg_temp', 'search_path=pg_catalog, cp, public, pg_temp'))),
          0::bigint, 'every heritage function pins search_path (pg_catalog, cp[, PostGIS''s schema], pg_temp)');
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY 1) FROM pg_proc p
            WHERE p.pronamespace = 'cp'::regnamespace AND (p.proname LIKE 'heritage%' OR p.proname = 'check_development')
              AND obj_description(p.oid, 'pg_proc') IS NULL), NULL, 'every heritage function has a COMMENT');
SELECT is(has_function_privilege('regress_tap_editor', 'cp.heritage_audit_write(cp.heritage_site,cp.heritage_site,text,text)', 'EXECUTE'),
          false, 'editors cannot call the audit writer (no forged audit rows)');
SELECT table_privs_are('cp', 'heritage_site', 'cp_heritage_editor', ARRAY['DELETE', 'INSERT', 'SELECT', 'UPDATE'],
                       'cp_heritage_editor may edit the register');
SELECT table_privs_are('cp', 'heritage_site', 'public', ARRAY['SELECT'], 'everyone may read the register');
SELECT table_privs_are('cp', 'heritage_history', 'public', ARRAY[]::text[], 'the audit is not public');
SELECT table_privs_are('cp', 'heritage_history', 'cp_auditor', ARRAY['SELECT'], 'auditors may only read the audit');

-- The first row fixes the SRID -----------------------------------------------
SELECT is(cp.heritage_srid(), NULL, 'empty register has no SRID yet');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m,
                                style_rules, decision_ref)
  VALUES ('T-001', 'Lane house', 'municipal', tap_box(0, 0, 20, 20), tap_box(-10, -10, 30, 30),
          tap_box(-60, -60, 90, 90), 12, '{"roof": "swallow-tail ridge"}', 'D-1')$q$)$$,
  'editor lists a municipal site with both zones');
SELECT is(cp.heritage_srid(), 32633, 'the first row fixed the register SRID');
SELECT is((SELECT srid FROM cp.heritage_config), 32633, 'and recorded it in cp.heritage_config');
SELECT is(tap_audit(), 1::bigint, 'the insert left one audit row');
SELECT is((SELECT changed_by::text FROM cp.heritage_history ORDER BY id DESC LIMIT 1), 'regress_tap_editor',
          'the audit names the editor, not the owner the trigger runs as');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('T-002', 'Shophouse', 'traditional_style', tap_box(20, 0, 35, 20))$q$)$$,
  'a neighbour sharing a wall is allowed');
SELECT is(tap_audit(), 2::bigint, 'one more audit row');

-- Every rule, tried by the editor and refused ---------------------------------
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-1', 'x', 'traditional_style', ST_Transform(tap_box(200, 0, 210, 10), 4326))$q$)$$,
  '23514', 'heritage site "X-1" violates rule "srid"', 'srid: another SRID is refused');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-2', 'x', 'traditional_style', ST_SetSRID(tap_box(200, 0, 210, 10), 0))$q$)$$,
  '23514', 'heritage site "X-2" violates rule "srid"', 'srid: a geometry without SRID is refused');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-3', 'x', 'traditional_style',
          ST_Multi(ST_GeomFromText('POLYGON((540200 5360000,540210 5360010,540210 5360000,540200 5360010,540200 5360000))', 32633)))$q$)$$,
  '23514', 'heritage site "X-3" violates rule "footprint_valid"', 'footprint_valid: a bow tie is refused');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-4', 'x', 'traditional_style', 'SRID=32633;MULTIPOLYGON EMPTY')$q$)$$,
  '23514', 'heritage site "X-4" violates rule "footprint_valid"', 'footprint_valid: an empty footprint is refused');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone)
  VALUES ('X-5', 'x', 'municipal', tap_box(200, 0, 210, 10), tap_box(190, -10, 220, 20),
          ST_Multi(ST_GeomFromText('POLYGON((540100 5359900,540300 5360100,540300 5359900,540100 5360100,540100 5359900))', 32633)))$q$)$$,
  '23514', 'heritage site "X-5" violates rule "zone_valid"', 'zone_valid: an invalid control zone is refused');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-6', 'x', 'national', tap_box(200, 0, 210, 10))$q$)$$,
  '23514', 'heritage site "X-6" violates rule "zones_required"', 'zones_required: a national unit without zones');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-7', 'x', 'historic_building', tap_box(200, 0, 210, 10))$q$)$$,
  '23514', 'heritage site "X-7" violates rule "zones_required"', 'zones_required: a historic building without protection zone');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone)
  VALUES ('X-8', 'x', 'historic_building', tap_box(200, 0, 210, 10), tap_box(205, 0, 215, 10))$q$)$$,
  '23514', 'heritage site "X-8" violates rule "footprint_within_protection_zone"',
  'footprint_within_protection_zone');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone)
  VALUES ('X-9', 'x', 'provincial', tap_box(200, 0, 210, 10), tap_box(190, -10, 220, 20), tap_box(195, -50, 300, 50))$q$)$$,
  '23514', 'heritage site "X-9" violates rule "protection_zone_within_control_zone"',
  'protection_zone_within_control_zone');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, control_zone)
  VALUES ('X-10', 'x', 'traditional_style', tap_box(200, 0, 210, 10), tap_box(205, -50, 300, 50))$q$)$$,
  '23514', 'heritage site "X-10" violates rule "footprint_within_control_zone"',
  'footprint_within_control_zone');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint)
  VALUES ('X-11', 'x', 'traditional_style', tap_box(30, 10, 50, 30))$q$)$$,
  '23P01', 'heritage site "X-11" violates rule "no_overlap"', 'no_overlap: overlapping a listed footprint');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET footprint = tap_box(15, 0, 35, 20), decision_ref = 'D-9' WHERE code = 'T-002'$q$)$$,
  '23P01', 'heritage site "T-002" violates rule "no_overlap"', 'no_overlap: moving a footprint onto another');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  DELETE FROM cp.heritage_site WHERE code = 'T-001'$q$)$$,
  '23001', 'heritage site "T-001" violates rule "listed_not_deleted"', 'listed_not_deleted');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET status = 'deregistered' WHERE code = 'T-002'$q$)$$,
  '23000', 'heritage site "T-002" violates rule "decision_required"', 'decision_required: deregistering without decision');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'D-1' WHERE code = 'T-001'$q$)$$,
  '23000', 'heritage site "T-001" violates rule "decision_required"', 'decision_required: reusing the old decision');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET condition = 'lost' WHERE code = 'T-002'$q$)$$,
  '23000', 'heritage site "T-002" violates rule "decision_required"', 'decision_required: recording a loss');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET protection_zone = tap_box(-5, -5, 25, 25) WHERE code = 'T-001'$q$)$$,
  '23000', 'heritage site "T-001" violates rule "decision_required"', 'decision_required: shrinking a protection zone');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET grade = 'traditional_style' WHERE code = 'T-001'$q$)$$,
  '23000', 'heritage site "T-001" violates rule "decision_required"', 'decision_required: downgrading');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET id = 99 WHERE code = 'T-001'$q$)$$,
  '428C9', NULL, 'the id cannot be changed');
SELECT is(tap_audit(), 2::bigint, 'refused changes left no audit rows');

-- The same changes as a plain reader: refused before any rule
SELECT throws_ok($$SELECT tap_as('regress_tap_reader', $q$
  INSERT INTO cp.heritage_site (code, name, grade, footprint) VALUES ('R-1', 'x', 'traditional_style', tap_box(300, 0, 310, 10))$q$)$$,
  '42501', 'permission denied for table heritage_site', 'reader cannot insert');
SELECT throws_ok($$SELECT tap_as('regress_tap_reader', $q$
  UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'T-002'$q$)$$,
  '42501', 'permission denied for table heritage_site', 'reader cannot update');
SELECT throws_ok($$SELECT tap_as('regress_tap_reader', $q$
  DELETE FROM cp.heritage_site WHERE code = 'T-002'$q$)$$,
  '42501', 'permission denied for table heritage_site', 'reader cannot delete');
SELECT throws_ok($$SELECT tap_as('regress_tap_reader', $q$
  INSERT INTO cp.heritage_history (operation, changed_by) VALUES ('insert', 'forged')$q$)$$,
  '42501', 'permission denied for table heritage_history', 'reader cannot forge audit rows');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  INSERT INTO cp.heritage_history (operation, changed_by) VALUES ('insert', 'forged')$q$)$$,
  '42501', 'permission denied for table heritage_history', 'editor cannot forge audit rows');
SELECT throws_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_config SET srid = 4326$q$)$$,
  '42501', 'permission denied for table heritage_config', 'editor cannot change the register SRID');
SELECT is((SELECT count(*) FROM cp.heritage_site), 2::bigint, 'reader sees the register');

-- Allowed changes: exactly one audit row each ---------------------------------
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'T-002'$q$)$$, 'damage needs no decision');
SELECT is(tap_audit(), 3::bigint, 'one audit row for the condition change');
SELECT is((SELECT changed_columns FROM cp.heritage_history ORDER BY id DESC LIMIT 1), ARRAY['condition'],
          'the audit names the changed column');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET height_limit_m = 9, decision_ref = 'D-2' WHERE code = 'T-001'$q$)$$,
  'a protection change with a new decision');
SELECT is(tap_audit(), 4::bigint, 'one audit row for the protection change');
SELECT is((SELECT (old_row ->> 'height_limit_m')::float8 || '->' || (new_row ->> 'height_limit_m')::float8 || ' ' || decision_ref
             FROM cp.heritage_history ORDER BY id DESC LIMIT 1), '12->9 D-2',
          'old and new values and the decision are audited');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET condition = 'lost', decision_ref = 'D-3' WHERE code = 'T-002'$q$)$$, 'loss with a decision');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'D-4' WHERE code = 'T-002'$q$)$$,
  'deregistration with a decision');
SELECT lives_ok($$SELECT tap_as('regress_tap_editor', $q$
  DELETE FROM cp.heritage_site WHERE code = 'T-002'$q$)$$, 'a deregistered site may be deleted');
SELECT is(tap_audit(), 7::bigint, 'three changes, three audit rows');
SELECT is((SELECT old_row ->> 'status' FROM cp.heritage_history WHERE operation = 'delete'), 'deregistered',
          'the deleted row is kept in the audit');

-- Audit append-only, also for the owner (this session is a superuser) ---------
SELECT throws_ok('UPDATE cp.heritage_history SET decision_ref = ''forged''', '42501',
                 'heritage audit cp.heritage_history is append-only', 'owner cannot update the audit');
SELECT throws_ok('DELETE FROM cp.heritage_history', '42501',
                 'heritage audit cp.heritage_history is append-only', 'owner cannot delete from the audit');
SELECT throws_ok('TRUNCATE cp.heritage_history', '42501',
                 'heritage audit cp.heritage_history is append-only', 'owner cannot truncate the audit');
SELECT throws_ok($t$DO $d$ BEGIN SET LOCAL session_replication_role = replica; DELETE FROM cp.heritage_history; END $d$$t$, '42501',
                 'heritage audit cp.heritage_history is append-only', 'replica mode does not bypass it');
RESET session_replication_role;
SELECT throws_ok($t$SELECT tap_as('regress_tap_editor', $q$
  DO $d$ BEGIN PERFORM set_config('cp_heritage.archive_ref', 'D-X', true); DELETE FROM cp.heritage_history; END $d$ $q$)$t$,
  '42501', NULL, 'a non-superuser cannot archive, even naming a decision');
SELECT throws_ok('TRUNCATE cp.heritage_site', '23001',
                 'heritage register cp.heritage_site cannot be truncated', 'owner cannot truncate the register');
SELECT is(tap_audit(), 7::bigint, 'the audit is unchanged');

-- NULL and bad-input sweep ----------------------------------------------------
SELECT throws_ok('SELECT * FROM cp.check_development(NULL, 10, ''build'')', '22004',
                 'proposal geometry must not be null', 'check_development: NULL geometry');
SELECT lives_ok('SELECT * FROM cp.check_development(tap_box(40, 40, 50, 50), NULL, ''build'')',
                'check_development: NULL height is allowed (unknown)');
SELECT throws_ok('SELECT * FROM cp.check_development(tap_box(40, 40, 50, 50), 10, NULL)', '22023',
                 'unknown development action NULL', 'check_development: NULL action');
SELECT throws_ok('SELECT * FROM cp.check_development(tap_box(40, 40, 50, 50), ''NaN'')', '22023',
                 'proposal height NaN is not a height', 'check_development: NaN height');
SELECT throws_ok('SELECT * FROM cp.check_development(tap_box(40, 40, 50, 50), ''Infinity'')', '22023',
                 'proposal height Infinity is not a height', 'check_development: infinite height');
SELECT throws_ok('SELECT * FROM cp.check_development(''SRID=32633;POLYGON EMPTY'')', '22023',
                 'proposal geometry is empty', 'check_development: empty geometry');
SELECT throws_ok('SELECT * FROM cp.check_development(ST_Transform(tap_box(40, 40, 50, 50), 4326))', '22023',
                 'proposal has SRID 4326, the heritage register uses SRID 32633', 'check_development: other SRID');
SELECT is((SELECT listed FROM cp.heritage_protection_rate(NULL)), 1::bigint,
          'heritage_protection_rate(NULL) covers the whole register');
SELECT is((SELECT row(listed, protected, rate)::text FROM cp.heritage_protection_rate('SRID=32633;POLYGON EMPTY')),
          '(0,0,)', 'heritage_protection_rate: an empty area has no rate');
SELECT throws_ok('SELECT * FROM cp.heritage_protection_rate(''SRID=4326;POINT(15 48)'')', '22023',
                 'area has SRID 4326, the heritage register uses SRID 32633', 'heritage_protection_rate: other SRID');
SELECT is(cp.heritage_row_jsonb(NULL), NULL, 'heritage_row_jsonb(NULL) is NULL');
SELECT throws_ok('SELECT cp.heritage_site_guard()', '39P01', 'cp_heritage_site_guard must be called as a trigger', 'the rule trigger cannot be called directly');

-- Development check: tower next to the lane house -----------------------------
SELECT results_eq($$SELECT rule, severity FROM cp.check_development(tap_box(40, 40, 60, 60), 30) WHERE site_id =
                     (SELECT id FROM cp.heritage_site WHERE code = 'T-001')$$,
                  $$VALUES ('height_limit', 'forbidden')$$, 'tower above the 9 m limit in the control zone: forbidden');
SELECT results_eq($$SELECT rule, severity FROM cp.check_development(tap_box(40, 40, 60, 60), 9)$$,
                  $$VALUES ('control_zone', 'needs_review')$$, 'at the height limit: needs review');
SELECT results_eq($$SELECT rule, severity FROM cp.check_development(tap_box(25, 25, 35, 35), 3)$$,
                  $$VALUES ('protection_zone', 'forbidden'), ('control_zone', 'needs_review')$$,
                  'inside the protection zone: forbidden');
SELECT results_eq($$SELECT rule, severity FROM cp.check_development(tap_box(20, 0, 30, 20), NULL, 'demolish')$$,
                  $$VALUES ('listed_footprint', 'forbidden'), ('protection_zone', 'needs_review')$$,
                  'demolishing next to a listed footprint: forbidden');
INSERT INTO cp.heritage_config (srid, review_distance_m) VALUES (32633, 100)
  ON CONFLICT (only_row) DO UPDATE SET review_distance_m = 100;
SELECT results_eq($$SELECT rule, severity FROM cp.check_development(tap_box(100, 0, 110, 10), 30)$$,
                  $$VALUES ('proximity', 'needs_review')$$, '80 m from the footprint with a 100 m review distance: needs review');
UPDATE cp.heritage_config SET review_distance_m = 50;
SELECT is((SELECT count(*) FROM cp.check_development(tap_box(100, 0, 110, 10), 30)), 0::bigint,
          'the review distance is a setting (50 m: nothing to review)');

-- Proposal guard on a district's table
CREATE TABLE public.tap_proposals (id int PRIMARY KEY, outline geometry, storeys_m float8);
CREATE TRIGGER heritage BEFORE INSERT OR UPDATE ON public.tap_proposals
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_proposal_guard('outline', 'storeys_m');
SELECT lives_ok($$INSERT INTO public.tap_proposals VALUES (1, tap_box(40, 40, 60, 60), 9)$$,
                'a proposal within the rules is saved');
SELECT throws_ok($$INSERT INTO public.tap_proposals VALUES (2, tap_box(40, 40, 60, 60), 24)$$, '23514',
                 'proposal violates heritage rule "height_limit" of site "T-001"', 'a forbidden proposal cannot be saved');
SELECT throws_ok($$UPDATE public.tap_proposals SET outline = tap_box(5, 5, 10, 10)$$, '23514',
                 'proposal violates heritage rule "listed_footprint" of site "T-001"', 'nor changed into one');

SELECT lives_ok($$INSERT INTO public.tap_proposals VALUES (3, NULL, 100)$$,
                'a proposal without outline is saved unchecked');
SELECT throws_ok('SELECT cp.heritage_proposal_guard()', '0A000', NULL, 'the proposal guard is only a trigger');
CREATE TABLE public.tap_proposals2 (id int, geom geometry);
CREATE TRIGGER heritage BEFORE INSERT ON public.tap_proposals2
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_proposal_guard('geom', 'no_such_column');
SELECT throws_ok($$INSERT INTO public.tap_proposals2 VALUES (1, tap_box(40, 40, 60, 60))$$, '42703', NULL,
                 'a height column named but missing is an error, not skipped');
SELECT lives_ok($$SELECT tap_as('regress_tap_reader', 'SELECT * FROM cp.check_development(tap_box(40, 40, 60, 60), 30)')$$,
                'a plain reader may run the development check');

-- Real OSM data: the Krems castles as municipal sites -------------------------
SELECT lives_ok($$
  INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m, decision_ref)
  SELECT 'OSM-' || osm_id, coalesce(name, historic), 'municipal', f,
         ST_Multi(ST_Buffer(f, 15)), ST_Multi(ST_Buffer(f, 80)), 10, 'OSM import'
    FROM (SELECT osm_id, name, historic, ST_Multi(ST_Transform(geom, 32633)) AS f
            FROM krems.heritage WHERE GeometryType(geom) = 'POLYGON') k$$,
  'the real Krems heritage polygons pass every rule');
SELECT is((SELECT count(*) FROM cp.heritage_site WHERE code LIKE 'OSM-%'),
          (SELECT count(*) FROM krems.heritage WHERE GeometryType(geom) = 'POLYGON'), 'all of them were listed');
CREATE TEMP TABLE tap_b AS SELECT row_number() OVER () AS id, ST_Transform(geom, 32633) AS g FROM krems.buildings;
-- oracle: demolishing a building is forbidden exactly when it touches a listed footprint
SELECT set_eq($$SELECT b.id, d.site_id FROM tap_b b CROSS JOIN LATERAL cp.check_development(b.g, NULL, 'demolish') d
                 WHERE d.rule = 'listed_footprint'$$,
              $$SELECT b.id, s.id AS site_id FROM tap_b b JOIN cp.heritage_site s
                    ON s.code LIKE 'OSM-%' AND ST_Intersects(s.footprint, b.g)$$,
              'check_development(demolish) agrees with ST_Intersects on the real buildings');
-- oracle: new construction is forbidden in a protection zone exactly when the interiors meet
SELECT set_eq($$SELECT b.id, d.site_id FROM tap_b b CROSS JOIN LATERAL cp.check_development(b.g, 5) d
                 WHERE d.rule = 'protection_zone'$$,
              $$SELECT b.id, s.id AS site_id FROM tap_b b JOIN cp.heritage_site s
                    ON s.code LIKE 'OSM-%' AND ST_Relate(s.protection_zone, b.g, 'T********')$$,
              'check_development(build) agrees with ST_Relate on protection zones');
SELECT cmp_ok((SELECT count(*) FROM krems.buildings b JOIN cp.heritage_site s
                 ON s.code LIKE 'OSM-%' AND ST_Relate(s.protection_zone, ST_Transform(b.geom, 32633), 'T********')),
              '>', 0::bigint, 'the oracle is not vacuous: real buildings stand in the castles'' protection zones');

-- Protection rate with the real sites: T-001 intact, both castles intact, then one damaged
SELECT is((SELECT row(listed, protected, rate, meets_target)::text FROM cp.heritage_protection_rate()),
          '(3,3,1,t)', 'all three listed sites intact: rate 1');
UPDATE cp.heritage_site SET condition = 'damaged'
 WHERE id = (SELECT min(id) FROM cp.heritage_site WHERE code LIKE 'OSM-%');
SELECT is((SELECT row(listed, protected, round(rate::numeric, 4), meets_target)::text FROM cp.heritage_protection_rate()),
          '(3,2,0.6667,f)', 'one damaged: rate 2/3, target 90 % missed');
SELECT is((SELECT by_condition FROM cp.heritage_protection_rate()),
          '{"intact": 2, "damaged": 1, "restored": 0, "lost": 0}'::jsonb, 'counts by condition');
SELECT is((SELECT by_grade ->> 'municipal' FROM cp.heritage_protection_rate()), '3', 'counts by grade');

-- Every committed change in this file is audited exactly once
SELECT is(tap_audit(), (SELECT 7 + count(*) + 1 FROM cp.heritage_site WHERE code LIKE 'OSM-%'),
          'audit rows = changes made (7 by the editor, the imports, one condition change)');

SELECT * FROM finish();
ROLLBACK;
