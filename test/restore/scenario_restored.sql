-- After pg_dump and restore: a scenario comes back with its edits, its compiled network
-- (the same compiled bytes; the edits' statement trigger recompiles it as they are loaded,
-- in milliseconds) and the same answers.
BEGIN;
SELECT plan(4);
SELECT results_eq($$ SELECT base_network, edges_closed, edges_added, facilities_added FROM cp.scenario_status WHERE name = 'krems_plan' $$,
                  $$ VALUES ('krems'::text, 1::bigint, 1::bigint, 1::bigint) $$, 'the scenario and its edits are restored');
SELECT results_eq($$ SELECT md5(compiled), edges, compiled_bytes FROM cp.network_catalog WHERE name = 'krems_plan' $$,
                  $$ SELECT compiled_md5, edges, compiled_bytes FROM restore_scenario_reference $$,
                  'its compiled network is restored as it was');
SELECT is((SELECT stale FROM cp.scenario_status WHERE name = 'krems_plan'), false, 'and is not stale');
SELECT is((SELECT md5(string_agg(concat_ws(',', resident_id, category, facility_id, round(distance_m::numeric, 6)), ';'
                              ORDER BY resident_id, category))
             FROM cp.access('krems_plan',
                            cp.scenario_residents_sql('krems_plan', 'SELECT area_id AS id, geom, 10 AS population FROM krems.buildings'),
                            cp.scenario_facilities_sql('krems_plan', 'SELECT row_number() OVER (ORDER BY osm_id) + 100 AS id, cp.osm_category(tags) AS category, geom FROM krems.pois WHERE cp.osm_category(tags) IS NOT NULL'))),
          (SELECT answers FROM restore_scenario_reference), 'the scenario answers as before the dump');
SELECT * FROM finish();
ROLLBACK;
