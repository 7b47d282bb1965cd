-- Foundation contracts: schema, version function, clean drop and re-create.
BEGIN;
SELECT plan(9);

SELECT has_schema('cp');
SELECT has_function('cp', 'version', ARRAY[]::text[]);
SELECT function_returns('cp', 'version', ARRAY[]::text[], 'jsonb');
SELECT is(cp.version() ->> 'extension', '0.3.0', 'cp.version() names release 0.3.0');
SELECT is((SELECT extversion FROM pg_extension WHERE extname = 'community_planning'),
          (SELECT default_version FROM pg_available_extensions WHERE name = 'community_planning'),
          'installed version is the control file''s default_version');
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'community_planning'), false,
          'extension is not relocatable');
-- every function in cp has a comment and an explicit volatility matching its kind
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'cp' AND obj_description(p.oid, 'pg_proc') IS NULL), 0::bigint,
          'every cp function has a COMMENT');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'cp' AND p.prolang IN (SELECT oid FROM pg_language WHERE lanname IN ('sql','plpgsql'))
              AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c WHERE c LIKE 'search_path=%')),
          0::bigint, 'every SQL/plpgsql function in cp sets search_path');

-- DROP EXTENSION leaves nothing behind; CASCADE re-creates it (PostGIS stays)
DROP EXTENSION community_planning;
SELECT is((SELECT count(*) FROM pg_namespace WHERE nspname = 'cp'), 0::bigint,
          'DROP EXTENSION removes schema cp and everything in it');
CREATE EXTENSION community_planning CASCADE;
SELECT * FROM finish();
ROLLBACK;
