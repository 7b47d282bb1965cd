-- Scorecard: three hand-made communities in two districts of one city, values
-- entered by hand, every score recomputed by hand next to the function's.
-- Outlines in CGCS2000 / Gauss-Kruger CM 120E (EPSG:4549), metres, 10 km east of
-- the heritage test's lane (the register uses EPSG:4549 in both tests).
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.box(x1 float8, y1 float8, x2 float8, y2 float8, srid int DEFAULT 4549)
RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_Multi(ST_MakeEnvelope(440000 + x1, 2883000 + y1, 440000 + x2, 2883000 + y2, srid)) $$;

INSERT INTO cp.communities (id, name, district, city, community_type, population, geom) VALUES
  ('SC-A', 'Sanfang',  'Gulou',    'Fuzhou', 'old',   3000, pg_temp.box(0, 0, 100, 100)),
  ('SC-B', 'Qixing',   'Gulou',    'Fuzhou', 'new',   1000, pg_temp.box(100, 0, 200, 100)),
  ('SC-C', 'Cangxia',  'Taijiang', 'Fuzhou', 'rural', 2000, pg_temp.box(200, 0, 300, 100));

-- Outlines: an SRID, valid, one SRID for all
INSERT INTO cp.communities (id, name, geom) VALUES ('BAD-1', 'other srid', ST_Multi(ST_MakeEnvelope(119.3, 26.0, 119.4, 26.1, 4326)));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.communities (id, name, geom) VALUES ('BAD-2', 'no srid', ST_SetSRID(pg_temp.box(0, 0, 1, 1), 0));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.communities (id, name, geom) VALUES ('BAD-3', 'bow tie',
  ST_GeomFromText('MULTIPOLYGON(((0 0,10 10,10 0,0 10,0 0)))', 4549));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.communities (id, name, community_type) VALUES ('BAD-4', 'unknown type', 'suburban');
\echo :LAST_ERROR_SQLSTATE

-- Values. SC-A: governance, elderly care (three periods), parking, smart services, a
-- neighbourhood indicator without target; childcare and most others are missing.
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source) VALUES
  ('SC-A', 'governance_participation', '2027-06-30', 46, 'survey 2027'),
  ('SC-A', 'owners_committee_rate',    '2027-06-30', 70, 'housing bureau'),
  ('SC-A', 'resident_satisfaction',    '2027-06-30', 72, 'survey 2027'),
  ('SC-A', 'elderly_care_coverage',    '2024-06-30', 70, 'civil affairs'),
  ('SC-A', 'elderly_care_coverage',    '2025-12-31', 76, 'civil affairs'),
  ('SC-A', 'elderly_care_coverage',    '2027-12-31', 81, 'civil affairs'),
  ('SC-A', 'parking_gap_rate',         '2026-12-31', 29, 'parking survey'),
  ('SC-A', 'smart_service_coverage',   '2026-12-31', 70, 'platform'),
  ('SC-A', 'neighbour_acquaintance_rate', '2026-12-31', 40, 'survey 2026'),
  ('SC-B', 'governance_participation', '2027-06-30', 60, 'survey 2027'),
  ('SC-B', 'elderly_care_coverage',    '2027-12-31', 90, 'civil affairs'),
  ('SC-B', 'smart_sensors',            '2027-12-31', 150, 'platform'),
  ('SC-C', 'governance_participation', '2027-06-30', 40, 'survey 2027'),
  ('SC-C', 'smart_sensors',            '2027-12-31', 250, 'platform');

-- Scorecard of SC-A at the 2028 stage: what has a value.
-- governance_participation: (46-32)/(60-32) = 50; owners_committee_rate: at the target, 100;
-- resident_satisfaction: no baseline, from 0: 72/90 = 80; elderly care: (81-58)/(90-58) = 71.875;
-- parking (lower): (29-38)/(20-38) = 50, gap 29-20 = 9; smart coverage 70 >= 60: 100, gap -10;
-- neighbour acquaintance: no target, not scored.
SELECT indicator, value, period, baseline, target, gap, met, score, round(effective_weight::numeric, 6) AS eff_weight, status
  FROM cp.scorecard('SC-A', 2028) WHERE status <> 'missing';
-- a missing indicator is missing: no value, no score, met unknown
SELECT indicator, value, period, target, gap, met, score, effective_weight, status
  FROM cp.scorecard('SC-A', 2028) WHERE indicator IN ('childcare_place_gap', 'pipe_ageing_rate');
SELECT status, count(*) FROM cp.scorecard('SC-A', 2028) GROUP BY status ORDER BY status;

-- Summary at 2028. governance = 0.4*50 + 0.3*100 + 0.3*80 = 74; elderly_childcare = 71.875 alone
-- (its two missing indicators are not counted); infrastructure = 50; livability = (50 + 71.875)/2;
-- smartness = 100; resilience = 74; humanity: nothing scored; overall = (60.9375 + 100 + 74)/3.
SELECT level, code, score, round(weight::numeric, 6) AS weight, indicators, with_value, scored, missing, no_target
  FROM cp.scorecard_summary('SC-A', 2028) WHERE score IS NOT NULL OR level <> 'domain';
SELECT (SELECT score FROM cp.scorecard_summary('SC-A', 2028) WHERE level = 'overall')
       = round((((50 + 71.875) / 2) + 100 + (0.4 * 50 + 0.3 * 100 + 0.3 * 80)) / 3, 4) AS overall_by_hand,
       (SELECT round(sum(effective_weight::numeric * score), 10) FROM cp.scorecard('SC-A', 2028))
       = round(78.3125, 10) AS effective_weights_add_up,
       (SELECT round(sum(effective_weight)::numeric, 12) FROM cp.scorecard('SC-A', 2028)) AS effective_weight_sum;

-- Stages: at 2025 only values up to 2025-12-31 count (elderly care 76, against 85:
-- (76-58)/(85-58) = 66.67); governance and parking have no 2025 target or a later value.
SELECT indicator, value, period, target, met, score, status
  FROM cp.scorecard('SC-A', 2025)
 WHERE indicator IN ('elderly_care_coverage', 'governance_participation', 'parking_gap_rate', 'smart_service_coverage');
SELECT level, code, score FROM cp.scorecard_summary('SC-A', 2025) WHERE level IN ('overall', 'dimension');
-- at 2035 smart-service coverage 70 no longer meets the target 80: 70/80 = 87.5
SELECT s.target_stage, s.target, s.met, s.score
  FROM unnest(ARRAY[2025, 2028, 2035]) st, cp.scorecard('SC-A', st) s
 WHERE s.indicator = 'smart_service_coverage';
-- no stage: today's stage, latest values
SELECT (SELECT min(target_stage) FROM cp.scorecard('SC-A')) = cp.plan_stage(least(extract(year FROM current_date)::int, 2035)) AS todays_stage,
       (SELECT value FROM cp.scorecard('SC-A') WHERE indicator = 'elderly_care_coverage') AS latest_elderly;

-- Local settings apply: a local 2028 target of 80 for elderly care -> (81-58)/(80-58) clamped to 100
INSERT INTO cp.indicator_local (indicator, target_2028, note) VALUES ('elderly_care_coverage', 80, 'Gulou 2026');
SELECT indicator, target, met, score FROM cp.scorecard('SC-A', 2028) WHERE indicator = 'elderly_care_coverage';
DELETE FROM cp.indicator_local WHERE indicator = 'elderly_care_coverage';

-- Normalisation rule by itself
SELECT cp.normalised_score(46, 32, 60, 'higher', 0, 100) AS half_way,
       cp.normalised_score(20, 32, 60, 'higher', 0, 100) AS below_baseline,
       cp.normalised_score(99, 32, 60, 'higher', 0, 100) AS beyond_target,
       cp.normalised_score(1, NULL, 0.1, 'lower', 0, 100) AS lower_without_baseline,
       cp.normalised_score(70, 80, 70, 'higher', 0, 100) AS baseline_past_target,
       cp.normalised_score(50, 32, NULL, 'higher', 0, 100) AS no_target;
SELECT cp.normalised_score(1, 0, 2, 'sideways', 0, 10);
SELECT cp.normalised_score('NaN', 0, 2, 'higher', 0, 10);
SELECT cp.normalised_score(1, 0, 'Infinity', 'higher', 0, 10);

-- Roll-up by district at 2028. Gulou governance: population-weighted (46*3000 + 60*1000)/4000 = 49.5
-- (the plain mean would be 53); Gulou smart sensors (a count): plain mean of SC-B alone, 150.
SELECT city, district, indicator, weighting, value, target, met, score, communities, reporting, population
  FROM cp.scorecard_rollup('district', 2028)
 WHERE indicator IN ('governance_participation', 'elderly_care_coverage', 'smart_sensors', 'childcare_place_gap');
-- by city: governance (46*3000 + 60*1000 + 40*2000)/6000; elderly (81*3000 + 90*1000)/4000 = 83.25;
-- sensors plain (150 + 250)/2 = 200
SELECT city, district, indicator, weighting, value, met, score, communities, reporting, population
  FROM cp.scorecard_rollup('city', 2028)
 WHERE indicator IN ('governance_participation', 'elderly_care_coverage', 'smart_sensors');
SELECT value = round(278000 / 6000.0, 16) AS city_governance_by_hand
  FROM cp.scorecard_rollup('city', 2028) WHERE indicator = 'governance_participation';
SELECT count(*) AS rows, count(*) FILTER (WHERE reporting = 0) AS no_community_reporting
  FROM cp.scorecard_rollup('city', 2028);
SELECT unit, cp.rollup_weighting(unit) FROM (SELECT DISTINCT unit FROM cp.indicators) u ORDER BY 1;

-- JSON for planning apps
SELECT jsonb_typeof(j) AS type, (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(j) k) AS keys,
       j -> 'community' AS community, j -> 'stage' AS stage, j -> 'overall' AS overall
  FROM cp.scorecard_json('SC-A', 2028) j;
SELECT jsonb_array_length(j -> 'dimensions') AS dimensions,
       (SELECT array_agg(d ->> 'code') FROM jsonb_array_elements(j -> 'dimensions') d) AS order,
       (SELECT count(*) FROM jsonb_array_elements(j -> 'dimensions') d, jsonb_array_elements(d -> 'domains') m) AS domains,
       (SELECT count(*) FROM jsonb_array_elements(j -> 'dimensions') d, jsonb_array_elements(d -> 'domains') m,
                             jsonb_array_elements(m -> 'indicators') i) AS indicators
  FROM cp.scorecard_json('SC-A', 2028) j;
SELECT jsonb_pretty(m - 'indicators') AS governance,
       jsonb_pretty((SELECT i FROM jsonb_array_elements(m -> 'indicators') i WHERE i ->> 'code' = 'governance_participation')) AS indicator
  FROM cp.scorecard_json('SC-A', 2028) j, jsonb_array_elements(j -> 'dimensions') d, jsonb_array_elements(d -> 'domains') m
 WHERE m ->> 'code' = 'governance';

-- Computed indicators: a hand-made heritage register. SC-A holds four listed sites, three
-- intact or restored and one damaged, plus a deregistered one (not counted): 3/4 = 75 %.
-- SC-B holds one listed site, lost: 0 %. SC-C holds none: no value.
SELECT indicator, scope, shipped, settings_keys, settings_defaults FROM cp.indicator_computations ORDER BY indicator;
INSERT INTO cp.heritage_site (code, name, grade, footprint, condition, status, decision_ref) VALUES
  ('SC-H1', 'Huang residence',  'traditional_style', pg_temp.box(10, 10, 20, 20), 'intact',   'listed', 'SC-D-1'),
  ('SC-H2', 'Lin ancestral hall', 'traditional_style', pg_temp.box(30, 10, 40, 20), 'restored', 'listed', 'SC-D-2'),
  ('SC-H3', 'Arcade row',       'traditional_style', pg_temp.box(50, 10, 60, 20), 'intact',   'listed', 'SC-D-3'),
  ('SC-H4', 'Old well house',   'traditional_style', pg_temp.box(70, 10, 80, 20), 'damaged',  'listed', 'SC-D-4'),
  ('SC-H5', 'Demolished shop',  'traditional_style', pg_temp.box(10, 50, 20, 60), 'intact',   'deregistered', 'SC-D-5'),
  ('SC-H6', 'Burnt granary',    'traditional_style', pg_temp.box(150, 50, 160, 60), 'lost',   'listed', 'SC-D-6');
SELECT listed, protected, rate FROM cp.heritage_protection_rate(pg_temp.box(0, 0, 100, 100));
SELECT * FROM cp.compute_indicators('2026-06-30');
SELECT community_id, indicator, period, value, source,
       (inputs - 'area'::text) - 'by_condition'::text AS inputs, (inputs -> 'area') - 'md5'::text AS area,
       length(inputs -> 'area' ->> 'md5') AS md5_length
  FROM cp.indicator_values WHERE indicator = 'heritage_protection_rate' ORDER BY community_id;
-- run again: the computed values of the period are replaced, not duplicated
SELECT * FROM cp.compute_indicators('2026-06-30');
SELECT count(*) FROM cp.indicator_values WHERE indicator = 'heritage_protection_rate';
-- SC-B's site is deregistered: its computed value goes; a value recorded by hand is kept
UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'SC-D-7' WHERE code = 'SC-H6';
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
VALUES ('SC-C', 'heritage_protection_rate', '2026-06-30', 100, 'district survey');
SELECT * FROM cp.compute_indicators('2026-06-30');
SELECT community_id, value, source FROM cp.indicator_values WHERE indicator = 'heritage_protection_rate' ORDER BY 1;

-- With the heritage value SC-A's humanity dimension is scored: 75/90 at 2028, 75/95 at 2035
SELECT indicator, value, target, met, score FROM cp.scorecard('SC-A', 2028) WHERE indicator = 'heritage_protection_rate';
SELECT level, code, score FROM cp.scorecard_summary('SC-A', 2028) WHERE level IN ('overall', 'dimension');
SELECT (SELECT round(score, 10) FROM cp.scorecard_summary('SC-A', 2028) WHERE level = 'overall')
       = round((60.9375 + 100 + 74 + 7500 / 90.0) / 4, 10) AS overall_2028_by_hand,
       (SELECT round(score, 10) FROM cp.scorecard_summary('SC-A', 2035) WHERE level = 'overall')
       = round((60.9375 + 87.5 + 74 + 7500 / 95.0) / 4, 10) AS overall_2035_by_hand;

-- QGIS view: one row per community, outline and the scores of today's stage (the same as the
-- summary without a stage; the values themselves are those checked above for 2028)
SELECT v.id, v.district, v.stage = cp.plan_stage(least(extract(year FROM current_date)::int, 2035)) AS todays_stage,
       v.overall IS NOT DISTINCT FROM (SELECT score FROM cp.scorecard_summary(v.id) WHERE level = 'overall') AS overall_ok,
       v.humanity IS NOT DISTINCT FROM (SELECT score FROM cp.scorecard_summary(v.id) WHERE code = 'humanity') AS humanity_ok,
       v.dimensions ->> 'smartness' IS NOT DISTINCT FROM v.smartness::text AS jsonb_ok,
       v.missing = (SELECT count(*) FROM cp.scorecard(v.id) WHERE status = 'missing') AS missing_ok,
       GeometryType(v.geom) AS geom
  FROM cp.community_scores v ORDER BY v.id;

-- The other two at 2028. SC-B: elderly care 90 = target -> 100, 150 of 200 sensors -> 75, governance
-- 60 -> 100: (100 + 75 + 100)/3. SC-C: 250 sensors -> 100, governance (40-32)/(60-32) = 28.57, heritage
-- 100 (recorded) -> 100: (100 + 28.5714 + 100)/3.
SELECT c.id, round(s.score, 4) AS overall,
       round(s.score, 10) = round(CASE c.id WHEN 'SC-B' THEN (100 + 75 + 100) / 3.0
                                            ELSE (100 + 800 / 28.0 + 100) / 3 END, 10) AS by_hand
  FROM unnest(ARRAY['SC-B', 'SC-C']) c(id), cp.scorecard_summary(c.id, 2028) s
 WHERE s.level = 'overall';

-- The extension point: a user indicator with its own computation (settings reach it as $4)
INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight,
                           valid_min, valid_max, source, obtained, origin, measure)
VALUES ('sc_outline_ha', '社区面积', 'community area', 'humanity', 'neighbourhood', 'ha', 'higher', 0.1,
        0, 100000, 'test', 'computed', 'user', 'ST_Area of the outline');
INSERT INTO cp.indicator_computations (indicator, sql_template, note)
VALUES ('sc_outline_ha', $$SELECT (ST_Area($2) / 10000 * ($4 ->> 'scale')::numeric)::numeric, jsonb_build_object('function', 'ST_Area', 'scale', $4 -> 'scale')$$, 'test');
SELECT * FROM cp.compute_indicators('2026-06-30', '{"scale": 2}') WHERE indicator = 'sc_outline_ha';
SELECT community_id, value, inputs FROM cp.indicator_values WHERE indicator = 'sc_outline_ha' ORDER BY 1;
-- a failing computation names the indicator and the community
UPDATE cp.indicator_computations SET sql_template = 'SELECT 1 / 0, NULL::jsonb' WHERE indicator = 'sc_outline_ha';
SELECT * FROM cp.compute_indicators('2026-06-30');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM cp.indicator_values WHERE indicator = 'sc_outline_ha';
DELETE FROM cp.indicator_computations WHERE indicator = 'sc_outline_ha';
DELETE FROM cp.indicators WHERE code = 'sc_outline_ha';
-- only computed indicators get a computation; shipped computations are read-only
INSERT INTO cp.indicator_computations (indicator, sql_template) VALUES ('resident_satisfaction', 'SELECT 1, NULL::jsonb');
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.indicator_computations SET sql_template = 'SELECT 100, NULL::jsonb' WHERE indicator = 'heritage_protection_rate';
\echo :LAST_ERROR_SQLSTATE

-- Errors
SELECT * FROM cp.scorecard('SC-Z');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scorecard('SC-A', 2030);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scorecard_summary('SC-Z', 2028);
\echo :LAST_ERROR_SQLSTATE
SELECT cp.scorecard_json('SC-A', 2024);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scorecard_rollup('county');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.scorecard_rollup('city', 2029);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '[1]');
\echo :LAST_ERROR_SQLSTATE

-- Settings of the computed indicators. Without "compute", a computation whose keys are absent
-- is skipped (no_settings); named in "compute", a missing key is an error naming it.
SELECT indicator, action, count(*) FROM cp.compute_indicators('2026-06-30', '{"network": "gulou"}')
 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["parking_gap_rate"], "network": "gulou"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["childcare_place_gap"], "network": "gulou", "residents_sql": "SELECT 1",
  "childcare_facilities_sql": "SELECT 1", "childcare_per_1000": null}');
\echo :LAST_ERROR_SQLSTATE
-- "compute" must list indicators that have a computation
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": "parking_gap_rate"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["resident_satisfaction", "no_such"]}');
\echo :LAST_ERROR_SQLSTATE
-- keys of the wrong JSON type
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["parking_gap_rate"], "network": "gulou",
  "buildings_sql": "SELECT 1", "parking_sql": "SELECT 1", "walk_m": "300 m"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["childcare_place_gap"], "network": "gulou", "residents_sql": "SELECT 1",
  "childcare_facilities_sql": "SELECT 1", "childcare_per_1000": "4.5"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '{"network": 7, "residents_sql": "SELECT 1", "facilities_sql": "SELECT 1"}');
\echo :LAST_ERROR_SQLSTATE
-- a computation for all communities that fails names the indicator and keeps the function's error
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["life_circle_15min_coverage"], "network": "gulou",
  "residents_sql": "SELECT 1", "facilities_sql": "SELECT 1"}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["elderly_care_coverage"], "network": "gulou",
  "residents_sql": "SELECT 1", "facilities_sql": "SELECT 1", "elderly_care_category": "nursing_home"}');
\echo :LAST_ERROR_SQLSTATE
-- user computations must name a JSON type for each settings key
INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight,
                           valid_min, valid_max, source, obtained, origin, measure)
VALUES ('sc_user', '测试', 'test', 'humanity', 'neighbourhood', '%', 'higher', 0.1, 0, 100, 'test', 'computed', 'user', 'test');
INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys)
VALUES ('sc_user', 'SELECT 1 AS community_id, 50 AS value, NULL::jsonb AS inputs', 'all', '{"network": "text"}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.indicator_computations (indicator, sql_template, scope)
VALUES ('sc_user', 'SELECT 1 AS community_id, 50 AS value, NULL::jsonb AS inputs', 'everyone');
\echo :LAST_ERROR_SQLSTATE
-- a user computation of scope all: rows keyed by the communities query's id ($1), here the first
-- community by id (SC-A); a key twice is an error
INSERT INTO cp.indicator_computations (indicator, sql_template, scope)
VALUES ('sc_user', $$SELECT 1 AS community_id, 50 AS value, jsonb_build_object('n', count(*)) AS inputs FROM cp.communities$$, 'all');
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["sc_user"]}');
SELECT community_id, value, inputs FROM cp.indicator_values WHERE indicator = 'sc_user';
UPDATE cp.indicator_computations SET sql_template = 'SELECT 1 AS community_id, 50 AS value, NULL::jsonb AS inputs FROM generate_series(1, 2)'
 WHERE indicator = 'sc_user';
SELECT * FROM cp.compute_indicators('2026-06-30', '{"compute": ["sc_user"]}');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM cp.indicator_values WHERE indicator = 'sc_user';
DELETE FROM cp.indicator_computations WHERE indicator = 'sc_user';
DELETE FROM cp.indicators WHERE code = 'sc_user';

-- NULL sweep: a NULL community, level or period gives nothing
SELECT (SELECT count(*) FROM cp.scorecard(NULL)) AS scorecard,
       (SELECT count(*) FROM cp.scorecard(NULL, 2028)) AS scorecard_stage,
       (SELECT count(*) FROM cp.scorecard_summary(NULL)) AS summary,
       cp.scorecard_json(NULL) AS json,
       (SELECT count(*) FROM cp.scorecard_rollup(NULL)) AS rollup,
       (SELECT count(*) FROM cp.compute_indicators(NULL)) AS compute_period,
       (SELECT count(*) FROM cp.compute_indicators('2026-06-30', NULL)) AS compute_settings,
       cp.rollup_weighting(NULL) AS weighting,
       cp.rollup_denominator(NULL) AS denominator;
-- denominators: gap rates by demand, heritage by listed sites, every other indicator none
SELECT code, cp.rollup_denominator(code) FROM cp.indicators WHERE cp.rollup_denominator(code) IS NOT NULL ORDER BY code;

-- Clean up: the register keeps its audit; the sites leave through deregistration
UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'SC-D-9' || code
 WHERE code LIKE 'SC-H%' AND status = 'listed';
DELETE FROM cp.heritage_site WHERE code LIKE 'SC-H%';
DELETE FROM cp.indicator_values WHERE community_id LIKE 'SC-%';
DELETE FROM cp.communities WHERE id LIKE 'SC-%';
