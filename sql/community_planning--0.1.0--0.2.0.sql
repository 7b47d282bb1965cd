-- DRAFT (issue 14): upgrade community_planning 0.1.0 -> 0.2.0.
-- DRAFT: written against sql/parts as of the start of the 0.2.0 work, where the only differences
-- DRAFT: from 0.1.0 were comments in the script text (the header; the supply functions moved to
-- DRAFT: 37_supply.sql unchanged). The main engineer completes it from the final sql/parts with
-- DRAFT: tools/upgrade-diff.sh --from 0.1.0 --statements, then removes these DRAFT lines; the upgrade
-- DRAFT: test (test/upgrade/run.sh) must report no difference against a fresh 0.2.0.

\echo Use "ALTER EXTENSION community_planning UPDATE TO '0.2.0'" to load this file. \quit

-- The install script's search_path convention (00_header.sql): functions created below with
-- SET search_path FROM CURRENT pin the same trusted path as a fresh install.
SELECT pg_catalog.set_config('search_path', 'pg_catalog, cp, ' || cp._postgis_schema() || ', pg_temp', true);

-- (no changes yet)

-- Objects created above get the capability roles' privileges, as at CREATE EXTENSION (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;
