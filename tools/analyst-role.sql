-- The DBA's part before a non-owner analyst runs the demo (psql -v analyst=NAME):
-- the capability roles (cp.setup_roles), one analyst who builds networks
-- (cp_planner, includes cp_reader) and lists heritage sites (cp_heritage_editor),
-- allowed to create its own result schema and to read the imported OSM tables.
-- The demo steps then run with PGOPTIONS='-c role=NAME': every privilege check
-- is made against that role, not the superuser (docs/security.md).
\set ON_ERROR_STOP 1
SELECT count(*) AS capability_roles FROM cp.setup_roles();
SELECT format('CREATE ROLE %I NOLOGIN IN ROLE cp_planner, cp_heritage_editor', :'analyst')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'analyst') \gexec
SELECT format('GRANT CREATE ON DATABASE %I TO %I', current_database(), :'analyst') \gexec
SELECT format('GRANT USAGE ON SCHEMA osm TO %I', :'analyst') \gexec
SELECT format('GRANT SELECT ON ALL TABLES IN SCHEMA osm TO %I', :'analyst') \gexec
