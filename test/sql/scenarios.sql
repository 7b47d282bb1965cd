-- Scenarios (issue 17): edits to a base network and to facilities and residents,
-- applied without copying; results equal the same analysis on edited data
-- built from scratch.
SET client_min_messages = warning;

-- A river between a south street (y = 0, three ways) and a north street
-- (y = 200), crossed by one bridge at x = 900 (SRID 32650, metres).
CREATE TABLE sc_edges (id bigint, geom geometry);
INSERT INTO sc_edges VALUES
  (1, 'SRID=32650;LINESTRING(0 0, 100 0, 400 0)'),
  (2, 'SRID=32650;LINESTRING(400 0, 600 0)'),
  (3, 'SRID=32650;LINESTRING(600 0, 900 0, 1000 0)'),
  (4, 'SRID=32650;LINESTRING(900 0, 900 200)'),
  (5, 'SRID=32650;LINESTRING(0 200, 100 200, 900 200, 1000 200)');
-- kindergartens (radius 300 m in GB50180-2018), one with places
CREATE TABLE sc_facilities (id bigint, category text, geom geometry, capacity float8);
INSERT INTO sc_facilities VALUES
  (1, 'kindergarten', 'SRID=32650;POINT(50 -5)', 60),
  (2, 'kindergarten', 'SRID=32650;POINT(700 -5)', 40);
CREATE TABLE sc_homes (id bigint, geom geometry, population float8, age_3_6 float8);
INSERT INTO sc_homes VALUES
  (1, 'SRID=32650;POINT(120 205)', 300, 12),   -- across the river from kindergarten 1
  (2, 'SRID=32650;POINT(480 -5)', 200, 8);     -- on way 2, 220 m from kindergarten 2
CREATE TABLE sc_communities (id bigint, geom geometry);
INSERT INTO sc_communities VALUES (1, 'SRID=32650;POLYGON((-50 -50, 1050 -50, 1050 250, -50 250, -50 -50))');

SELECT name, nodes, edges FROM cp.network_build('sc_base', 'SELECT id, geom FROM sc_edges');

-- A scenario compiles its network under its own name, from the base's pieces
SELECT name, base_network, stale, edges_added, edges_closed, nodes, edges
  FROM cp.scenario_create('sc_plan', 'sc_base', 'footbridge and a closed street');
SELECT name, owner = current_user AS mine FROM cp.networks WHERE name = 'sc_plan';

-- Base: home 1 has no kindergarten within 300 m on foot (the bridge is far), home 2 has
SELECT resident_id, facility_id, round(distance_m::numeric, 1) AS distance_m, covered
  FROM cp.access('sc_base', 'SELECT * FROM sc_homes', 'SELECT * FROM sc_facilities')
 WHERE category = 'kindergarten' ORDER BY 1;

-- A footbridge from the south street's vertex (100, 0) to the north street's (100, 200) adds coverage
INSERT INTO cp.scenario_edges (scenario, op, edge_id, geom, note)
VALUES ('sc_plan', 'add', 10, 'SRID=32650;LINESTRING(100 0, 100 200)', 'footbridge');
SELECT name, stale, edges_added, nodes, edges FROM cp.scenario_status WHERE name = 'sc_plan';
SELECT resident_id, facility_id, round(distance_m::numeric, 1) AS distance_m, covered
  FROM cp.access('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                 cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'))
 WHERE category = 'kindergarten' ORDER BY 1;
SELECT edge_id, round(length_m::numeric, 1) AS length_m FROM cp.network_edges('sc_plan') WHERE edge_id < 0;

-- Closing way 2 removes home 2's coverage (it snaps onto way 1, cut off from kindergarten 2)
INSERT INTO cp.scenario_edges (scenario, op, edge_id) VALUES ('sc_plan', 'close', 2);
SELECT name, stale, edges_added, edges_closed, nodes, edges FROM cp.scenario_status WHERE name = 'sc_plan';
SELECT resident_id, facility_id, round(distance_m::numeric, 1) AS distance_m, covered
  FROM cp.access('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                 cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'))
 WHERE category = 'kindergarten' ORDER BY 1;

-- Facilities: one added on the east end, kindergarten 2 removed, kindergarten 1 resized;
-- residents: a new building beside the new kindergarten, home 1 with more children
INSERT INTO cp.scenario_facilities (scenario, op, facility_id, category, geom, capacity) VALUES
  ('sc_plan', 'add', 100, 'kindergarten', 'SRID=32650;POINT(950 5)', 90),
  ('sc_plan', 'remove', 2, NULL, NULL, NULL),
  ('sc_plan', 'resize', 1, NULL, NULL, 120);
INSERT INTO cp.scenario_residents (scenario, op, resident_id, geom, population, cohorts) VALUES
  ('sc_plan', 'add', 100, 'SRID=32650;POINT(960 -5)', 400, '{"age_3_6": 20}'),
  ('sc_plan', 'resize', 1, NULL, 320, '{"age_3_6": 15}');
SELECT cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities');
SELECT id, category, capacity FROM sc_facilities ORDER BY id;
SELECT r.* FROM cp._query_columns(cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities')) r;
SELECT resident_id, facility_id, round(distance_m::numeric, 1) AS distance_m, covered, population
  FROM cp.access('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                 cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'))
 WHERE category = 'kindergarten' ORDER BY 1;
-- the resized capacity reaches the supply analyses (2SFCA: 120 places for home 1's 15 children)
SELECT resident_id, population, round(supply::numeric, 2) AS supply
  FROM cp.supply_access('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                        cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'), 'kindergarten')
 ORDER BY 1;

-- The key property: the scenario equals the same analyses on the edited data built from scratch
CREATE TABLE sc_edges_edited AS
SELECT * FROM sc_edges WHERE id <> 2 UNION ALL SELECT 10, 'SRID=32650;LINESTRING(100 0, 100 200)'::geometry;
CREATE TABLE sc_facilities_edited AS
SELECT id, category, geom, CASE WHEN id = 1 THEN 120 ELSE capacity END AS capacity FROM sc_facilities WHERE id <> 2
UNION ALL SELECT 100, 'kindergarten', 'SRID=32650;POINT(950 5)', 90;
CREATE TABLE sc_homes_edited AS
SELECT id, geom, CASE WHEN id = 1 THEN 320 ELSE population END AS population,
       CASE WHEN id = 1 THEN 15 ELSE age_3_6 END AS age_3_6 FROM sc_homes
UNION ALL SELECT 100, 'SRID=32650;POINT(960 -5)', 400, 20;
SELECT name, nodes, edges FROM cp.network_build('sc_scratch', 'SELECT id, geom FROM sc_edges_edited');
CREATE TEMP TABLE sc_a AS SELECT * FROM cp.access('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                                                  cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'));
CREATE TEMP TABLE sc_b AS SELECT * FROM cp.access('sc_scratch', 'SELECT * FROM sc_homes_edited', 'SELECT * FROM sc_facilities_edited');
SELECT (SELECT count(*) FROM sc_a) AS rows,
       (SELECT count(*) FROM sc_a a FULL JOIN sc_b b USING (resident_id, category)
         WHERE a.facility_id IS DISTINCT FROM b.facility_id OR a.covered IS DISTINCT FROM b.covered
            OR a.population IS DISTINCT FROM b.population OR abs(a.distance_m - b.distance_m) > 1e-6
            OR (a.distance_m IS NULL) <> (b.distance_m IS NULL) OR a.resident_id IS NULL OR b.resident_id IS NULL) AS differ;
SELECT count(*) AS differ FROM (
  (SELECT community_id, category, population, round(covered_population::numeric, 6), round(ratio::numeric, 6)
     FROM cp.coverage('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                      cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'), 'SELECT * FROM sc_communities')
   EXCEPT
   SELECT community_id, category, population, round(covered_population::numeric, 6), round(ratio::numeric, 6)
     FROM cp.coverage('sc_scratch', 'SELECT * FROM sc_homes_edited', 'SELECT * FROM sc_facilities_edited', 'SELECT * FROM sc_communities'))
  UNION ALL
  (SELECT community_id, category, population, round(covered_population::numeric, 6), round(ratio::numeric, 6)
     FROM cp.coverage('sc_scratch', 'SELECT * FROM sc_homes_edited', 'SELECT * FROM sc_facilities_edited', 'SELECT * FROM sc_communities')
   EXCEPT
   SELECT community_id, category, population, round(covered_population::numeric, 6), round(ratio::numeric, 6)
     FROM cp.coverage('sc_plan', cp.scenario_residents_sql('sc_plan', 'SELECT * FROM sc_homes'),
                      cp.scenario_facilities_sql('sc_plan', 'SELECT * FROM sc_facilities'), 'SELECT * FROM sc_communities'))) d;

-- Before / after / delta per community and indicator (a NULL: the base network, unedited queries)
SELECT community_id, indicator, category, round(before::numeric, 3) AS before, round(after::numeric, 3) AS after,
       round(delta::numeric, 3) AS delta, ST_Area(geom) AS area
  FROM cp.compare_scenarios(NULL, 'sc_plan', 'SELECT * FROM sc_homes', 'SELECT * FROM sc_facilities',
                            'SELECT * FROM sc_communities', supply_per_1000 => '{"kindergarten": 5000}')
 WHERE indicator <> 'coverage' OR category = 'kindergarten';

-- Rebuilt base: the scenario is stale until its next use
SELECT name, nodes FROM cp.network_build('sc_base', 'SELECT id, geom FROM sc_edges');
SELECT name, stale FROM cp.scenario_status WHERE name = 'sc_plan';
SELECT name, stale, nodes, edges FROM cp.scenario_network('sc_plan');
-- removing the closure recompiles at once
DELETE FROM cp.scenario_edges WHERE scenario = 'sc_plan' AND op = 'close';
SELECT name, stale, edges_closed, nodes, edges FROM cp.scenario_status WHERE name = 'sc_plan';

-- Errors
SELECT * FROM cp.scenario_create('sc_plan', 'sc_base');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scenario_create('sc_scratch', 'sc_base');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scenario_create('sc_other', 'no_such_network');
\echo :LAST_ERROR_SQLSTATE
SELECT cp.scenario_facilities_sql('no_such_scenario', 'SELECT * FROM sc_facilities');
\echo :LAST_ERROR_SQLSTATE
SELECT cp.scenario_facilities_sql('sc_plan', 'SELECT id, geom FROM sc_facilities');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.scenario_edges (scenario, op, edge_id) VALUES ('sc_plan', 'add', 11);
\echo :LAST_ERROR_SQLSTATE

-- Ownership: a planner edits only their own scenarios; a reader reads them
SELECT count(*) > 0 AS roles FROM cp.setup_roles();
CREATE ROLE regress_scen_alice IN ROLE cp_planner;
CREATE ROLE regress_scen_bob IN ROLE cp_planner;
CREATE ROLE regress_scen_reader IN ROLE cp_reader;
GRANT SELECT ON sc_edges, sc_facilities, sc_homes TO regress_scen_alice, regress_scen_bob, regress_scen_reader;
SET ROLE regress_scen_alice;
SELECT name, owner FROM cp.scenario_create('sc_alice', 'sc_base');
INSERT INTO cp.scenario_edges (scenario, op, edge_id) VALUES ('sc_alice', 'close', 4);
SELECT name, owner, edges FROM cp.networks WHERE name = 'sc_alice';
RESET ROLE;
SET ROLE regress_scen_bob;
INSERT INTO cp.scenario_edges (scenario, op, edge_id) VALUES ('sc_alice', 'close', 5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.scenario_facilities (scenario, op, facility_id) VALUES ('sc_alice', 'remove', 1);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM cp.scenario_edges WHERE scenario = 'sc_alice';   -- row-level security: nothing to delete
SELECT cp.scenario_drop('sc_alice');
\echo :LAST_ERROR_SQLSTATE
SELECT cp.network_drop('sc_alice');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE regress_scen_reader;
SELECT name, edges_closed, stale FROM cp.scenario_status WHERE name = 'sc_alice';
SELECT count(*) AS rows FROM cp.access('sc_alice', cp.scenario_residents_sql('sc_alice', 'SELECT * FROM sc_homes'),
                                       cp.scenario_facilities_sql('sc_alice', 'SELECT * FROM sc_facilities'));
INSERT INTO cp.scenario_edges (scenario, op, edge_id) VALUES ('sc_alice', 'close', 5);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE regress_scen_alice;
SELECT cp.scenario_drop('sc_alice');
RESET ROLE;
SELECT count(*) AS left_over FROM cp.networks WHERE name = 'sc_alice';
DROP OWNED BY regress_scen_alice, regress_scen_bob, regress_scen_reader;
DROP ROLE regress_scen_alice;
DROP ROLE regress_scen_bob;
DROP ROLE regress_scen_reader;

SELECT cp.scenario_drop('sc_plan');
SELECT count(*) AS left_over FROM cp.scenario_edges;
SELECT cp.network_drop('sc_scratch'), cp.network_drop('sc_base');
DROP TABLE sc_edges, sc_facilities, sc_homes, sc_communities, sc_edges_edited, sc_facilities_edited, sc_homes_edited;
