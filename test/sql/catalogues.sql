-- Catalogues: standard sets, life circles, facility categories, parking rules,
-- indicator system. Key rows, the lookup functions and their errors, and a
-- pg_dump/restore round trip that keeps user rows.
\set VERBOSITY default
\set SHOW_CONTEXT never

SELECT code, year, scope, shipped FROM cp.facility_standards ORDER BY code;

SELECT standard, life_circle, walk_minutes, distance_min_m, distance_max_m, population_min, population_max, verified
  FROM cp.life_circles ORDER BY standard, cp.life_circle_rank(life_circle) DESC;

-- radii the coverage engine relies on
SELECT code, life_circle, radius_m, required, verified
  FROM cp.facility_categories
 WHERE standard = 'GB50180-2018' AND code IN ('kindergarten', 'primary_school', 'middle_school', 'nursery')
 ORDER BY radius_m, code;

-- a level contains every lower level's categories
SELECT life_circle, count(*) AS categories, count(DISTINCT code) AS codes, count(*) FILTER (WHERE NOT required) AS optional
  FROM cp.life_circle_categories WHERE standard = 'GB50180-2018'
 GROUP BY life_circle ORDER BY cp.life_circle_rank(life_circle);
SELECT code, from_level, radius_m, effective_radius_m
  FROM cp.life_circle_requirements('GB50180-2018', '10min');
SELECT code, effective_radius_m, required
  FROM cp.life_circle_requirements('MOHURD-complete-community-2020', '5min', include_optional => true);
SELECT count(*) FROM cp.life_circle_requirements('GB50180-2018', NULL);
SELECT * FROM cp.life_circle_requirements('GB50180-2019', '15min');
SELECT * FROM cp.life_circle_requirements('GB50180-2018', '20min');
SELECT * FROM cp.life_circle_requirements('MOHURD-complete-community-2020', '15min');

-- parking demand
SELECT cp.parking_demand('CP-parking-default', 'residential', 120, NULL, 'new') AS new_120_households,
       cp.parking_demand('CP-parking-default', 'residential', 120, NULL) AS old_120_households,
       cp.parking_demand('CP-parking-default', 'office', NULL, 2500) AS office_2500m2,
       cp.parking_demand('CP-parking-default', 'residential', NULL, 2500) AS no_households;
SELECT cp.parking_demand('XM-parking-2020', 'residential', 100, 100 * 60.0) AS flats_60m2,
       cp.parking_demand('XM-parking-2020', 'residential', 100, 100 * 144.0) AS flats_144m2,
       cp.parking_demand('XM-parking-2020', 'residential', 100, 100 * 160.0) AS flats_160m2,
       cp.parking_demand('XM-parking-2020', 'residential', 100, 100 * 190.0) AS flats_190m2,
       cp.parking_demand('XM-parking-2020', 'residential', 100, NULL) AS flats_unknown;
SELECT rule, basis, spaces, ev_share, verified FROM cp.parking_rule('CP-parking-default', 'residential', 10, NULL, 'new');
SELECT cp.parking_demand(NULL, 'residential', 1, 1) IS NULL AS null_standard,
       cp.parking_demand('CP-parking-default', NULL, 1, 1) IS NULL AS null_use,
       cp.parking_demand('CP-parking-default', 'residential', 1, 1, NULL) IS NULL AS null_type;
SELECT cp.parking_demand('nope', 'residential', 1, NULL);
SELECT cp.parking_demand('XM-parking-2020', 'office', NULL, 100);
SELECT cp.parking_demand('XM-parking-2020', 'clinic', NULL, 100);
SELECT cp.parking_demand('CP-parking-default', 'residential', 1, NULL, 'suburban');
SELECT cp.parking_demand('CP-parking-default', 'residential', -1, NULL);
SELECT cp.parking_demand('CP-parking-default', 'office', NULL, 'NaN');

-- shipped rows are read-only; a district copies a set and edits the copy
UPDATE cp.facility_categories SET radius_m = 400 WHERE standard = 'GB50180-2018' AND code = 'kindergarten';
INSERT INTO cp.parking_standards (standard, rule, use, basis, spaces, source)
VALUES ('CP-parking-default', 'hotel', 'hotel', 'floor_100m2', 0.5, 'local');
DELETE FROM cp.facility_standards WHERE code = 'XM-parking-2020';
SELECT cp.copy_standard('GB50180-2018', 'FZ-Gulou-2024', '鼓楼区社区生活圈配置标准', issuer => '福州市鼓楼区');
SELECT cp.copy_standard('CP-parking-default', 'FZ-Gulou-2024', 'again');
SELECT cp.copy_standard('CP-parking-default', NULL, 'x');
UPDATE cp.facility_categories SET radius_m = 400, note = 'local rule'
 WHERE standard = 'FZ-Gulou-2024' AND code = 'kindergarten';
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, source)
VALUES ('FZ-Gulou-2024', 'canteen', '长者食堂', 'seniors'' canteen', '5min', 500, true, '鼓楼区 2024');
SELECT code, effective_radius_m FROM cp.life_circle_requirements('FZ-Gulou-2024', '5min') WHERE code IN ('kindergarten', 'canteen');
INSERT INTO cp.parking_standards (standard, rule, use, community_type, basis, spaces, source)
VALUES ('FZ-Gulou-2024', 'residential-old', 'residential', 'old', 'household', 0.6, '鼓楼区 2024');
SELECT cp.parking_demand('FZ-Gulou-2024', 'residential', 100, NULL, 'old') AS gulou_old;
SELECT code, based_on, shipped FROM cp.facility_standards WHERE code = 'FZ-Gulou-2024';

-- indicators
SELECT count(*) AS dimensions FROM cp.indicator_dimensions;
SELECT dimension, count(*) AS domains FROM cp.indicator_domains GROUP BY dimension ORDER BY dimension;
SELECT origin, obtained, count(*) FROM cp.indicators GROUP BY origin, obtained ORDER BY origin, obtained;
SELECT code, unit, direction, baseline, target_2025, target_2028, target_2035
  FROM cp.indicators WHERE core OR code IN ('elderly_care_coverage', 'parking_gap_rate', 'cultural_space_per_capita', 'childcare_place_gap')
 ORDER BY code;
SELECT round(sum(weight_in_total)::numeric, 9) AS total_weight FROM cp.indicator_catalogue;
SELECT cp.plan_stage(2024), cp.plan_stage(2027), cp.plan_stage(2030);
SELECT cp.indicator_target('elderly_care_coverage', 2028);
SELECT cp.plan_stage(2040);
SELECT cp.plan_stage(-5);
SELECT cp.indicator_target('nope', 2025);
SELECT cp.indicator_target('elderly_care_coverage', 2030);

INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
VALUES ('350102001', 'elderly_care_coverage', '2024-12-31', 61.5, '鼓楼区民政局');
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
VALUES ('350102001', 'elderly_care_coverage', '2025-12-31', 101, '鼓楼区民政局');
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
VALUES ('350102001', 'cultural_space_per_capita', '2024-12-31', -0.5, 'survey');
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
VALUES ('350102001', 'no_such_indicator', '2024-12-31', 1, 'survey');
INSERT INTO cp.indicator_local (indicator, target_2028, note) VALUES ('parking_gap_rate', 15, 'district decision');
INSERT INTO cp.indicator_local (indicator, target_2028) VALUES ('elderly_care_coverage', 150);
SELECT code, target_2028, local FROM cp.indicator_catalogue WHERE code = 'parking_gap_rate';
UPDATE cp.indicators SET weight = 0.5 WHERE code = 'parking_gap_rate';

-- pg_dump/restore keeps user sets, local settings and values, and restores the shipped rows once.
-- Done in a database of its own, so that other tests' objects cannot disturb it.
\! createdb cp_catalogues_src && psql -XAtq -v ON_ERROR_STOP=1 -d cp_catalogues_src -c "CREATE EXTENSION community_planning CASCADE" -c "SELECT cp.copy_standard('GB50180-2018', 'FZ-Gulou-2024', '鼓楼区')" -c "UPDATE cp.facility_categories SET radius_m = 400 WHERE standard = 'FZ-Gulou-2024' AND code = 'kindergarten'" -c "INSERT INTO cp.indicator_local (indicator, target_2028) VALUES ('parking_gap_rate', 15)" -c "INSERT INTO cp.indicator_values (community_id, indicator, period, value, source) VALUES ('350102001', 'elderly_care_coverage', '2024-12-31', 61.5, 'survey')" -c "INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, valid_min, valid_max, source, obtained, origin) VALUES ('fz_tea_houses', '社区茶馆数', 'community tea houses', 'humanity', 'neighbourhood', 'count', 'higher', 0.2, 0, 100, 'Gulou 2024', 'recorded', 'user')" -c "INSERT INTO cp.indicator_values (community_id, indicator, period, value, source) VALUES ('350102001', 'fz_tea_houses', '2024-12-31', 3, 'survey')" 2>&1 | grep -v NOTICE
\! pg_dump -Fc -d cp_catalogues_src -f results/catalogues.dump && createdb cp_catalogues_restore && pg_restore -d cp_catalogues_restore results/catalogues.dump && echo restored
\! psql -XAtq -d cp_catalogues_restore -c "SELECT code || ' shipped=' || shipped FROM cp.facility_standards ORDER BY code"
\! psql -XAtq -d cp_catalogues_restore -c "SELECT format('%s %s %s', standard, code, radius_m) FROM cp.facility_categories WHERE code = 'kindergarten' ORDER BY 1"
\! psql -XAtq -d cp_catalogues_restore -c "SELECT indicator || ' ' || target_2028 FROM cp.indicator_local" -c "SELECT community_id || ' ' || indicator || ' ' || value FROM cp.indicator_values ORDER BY indicator" -c "SELECT count(*) FROM cp.indicators"
\! dropdb cp_catalogues_restore && dropdb cp_catalogues_src && rm -f results/catalogues.dump

-- leave the database as the install left it
DELETE FROM cp.indicator_values;
DELETE FROM cp.indicator_local;
DELETE FROM cp.facility_standards WHERE NOT shipped;
SELECT (SELECT count(*) FROM cp.facility_categories) AS categories, (SELECT count(*) FROM cp.parking_standards) AS parking_rules;
