-- Indicator catalogue: 4 dimensions -> 12 domains -> 36 indicators, the plan's
-- baselines and targets, weights, value checks, local settings, pg_dump
-- registration, and the helper functions' NULL/bad-input behaviour.
BEGIN;
SELECT plan(90);

SELECT has_table('cp', t, 'table cp.' || t || ' exists')
  FROM unnest(ARRAY['indicator_dimensions', 'indicator_domains', 'indicators', 'indicator_local', 'indicator_values']) t;
SELECT has_view('cp', 'indicator_catalogue', 'view cp.indicator_catalogue exists');
SELECT has_column('cp', 'indicators', c, 'cp.indicators has column ' || c)
  FROM unnest(ARRAY['code', 'name_zh', 'name_en', 'dimension', 'domain', 'unit', 'direction', 'weight', 'baseline',
                    'target_2025', 'target_2028', 'target_2035', 'valid_min', 'valid_max', 'source', 'obtained', 'origin', 'measure']) c;
SELECT col_is_pk('cp', 'indicator_values', ARRAY['community_id', 'indicator', 'period'], 'one value per community, indicator and period');
SELECT col_type_is('cp', 'indicator_values', 'community_id', 'text', 'community ids are text');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'cp'::regnamespace
              AND c.relname IN ('indicator_dimensions', 'indicator_domains', 'indicators', 'indicator_local', 'indicator_values')
              AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL),
          0::bigint, 'every column of the indicator tables has a COMMENT');

-- configuration dump registration
SELECT is((SELECT extcondition[array_position(extconfig, ('cp.' || t)::regclass)] FROM pg_extension WHERE extname = 'community_planning'),
          'WHERE NOT shipped', 'cp.' || t || ' is dumped without shipped rows')
  FROM unnest(ARRAY['indicator_dimensions', 'indicator_domains', 'indicators']) t;
SELECT is((SELECT extcondition[array_position(extconfig, ('cp.' || t)::regclass)] FROM pg_extension WHERE extname = 'community_planning'),
          '', 'cp.' || t || ' is dumped in full')
  FROM unnest(ARRAY['indicator_local', 'indicator_values']) t;

-- the three levels
SELECT set_eq($$SELECT code FROM cp.indicator_dimensions$$, ARRAY['livability', 'smartness', 'resilience', 'humanity'], '4 dimensions');
SELECT is((SELECT count(*) FROM cp.indicator_domains), 12::bigint, '12 domains');
SELECT is((SELECT count(*) FROM cp.indicators), 36::bigint, '36 indicators');
SELECT is((SELECT count(*) FROM (SELECT dimension FROM cp.indicator_domains GROUP BY dimension HAVING count(*) = 3) x), 4::bigint,
          'every dimension has 3 domains');
SELECT is((SELECT count(*) FROM (SELECT domain FROM cp.indicators GROUP BY domain HAVING count(*) = 3) x), 12::bigint,
          'every domain has 3 indicators');
SELECT ok((SELECT count(*) FROM cp.indicator_domains WHERE origin = 'plan') = 6
          AND (SELECT array_agg(code ORDER BY code) FROM cp.indicator_domains WHERE origin = 'plan')
              = ARRAY['cultural_heritage', 'governance', 'green_low_carbon', 'infrastructure', 'public_services', 'smart_applications'],
          'the six domains the plan names are marked plan');
SELECT is((SELECT count(*) FROM cp.indicators WHERE origin = 'plan'), 25::bigint, '25 indicators are the plan''s own');
SELECT is((SELECT count(*) FROM cp.indicators WHERE origin = 'ours'), 11::bigint, '11 indicators completed by us');
SELECT set_eq($$SELECT code FROM cp.indicators WHERE core$$,
              ARRAY['life_circle_15min_coverage', 'smart_service_usage', 'resident_satisfaction', 'governance_participation'],
              'the four core indicators of section 3.4');
SELECT is((SELECT count(*) FROM cp.indicators WHERE (obtained = 'computed') <> (measure IS NOT NULL)), 0::bigint,
          'computed indicators, and only they, name their measure');
SELECT set_eq($$SELECT code FROM cp.indicators WHERE obtained = 'computed'$$,
              ARRAY['parking_gap_rate', 'life_circle_15min_coverage', 'public_service_facility_coverage', 'elderly_care_coverage',
                    'childcare_place_gap', 'childcare_institution_coverage', 'public_green_per_capita', 'heritage_protection_rate',
                    'cultural_space_per_capita', 'rural_service_coverage_ratio'],
              'the spatial indicators are computed');

-- the plan's baselines and targets
SELECT is((SELECT array[baseline, target_2025, target_2028] FROM cp.indicators WHERE code = 'elderly_care_coverage'),
          ARRAY[58, 85, 90]::numeric[], 'elderly-care coverage 58 % -> 85 % (2025) -> 90 % (2027)');
SELECT is((SELECT array[baseline, target_2028] FROM cp.indicators WHERE code = 'parking_gap_rate'),
          ARRAY[38, 20]::numeric[], 'parking gap 38 % -> 20 %');
SELECT is((SELECT direction FROM cp.indicators WHERE code = 'parking_gap_rate'), 'lower', 'a lower parking gap is better');
SELECT is((SELECT array[baseline, target_2035] FROM cp.indicators WHERE code = 'cultural_space_per_capita'),
          ARRAY[0.8, 1.2]::numeric[], 'cultural space 0.8 -> 1.2 m² per resident');
SELECT is((SELECT array[baseline, target_2025] FROM cp.indicators WHERE code = 'childcare_place_gap'),
          ARRAY[65, 30]::numeric[], 'childcare place gap 65 % -> 30 %');
SELECT is((SELECT target_2028 FROM cp.indicators WHERE code = 'life_circle_15min_coverage'), 90::numeric, '15-minute life circle >= 90 %');
SELECT is((SELECT array[target_2028, target_2035] FROM cp.indicators WHERE code = 'smart_service_coverage'),
          ARRAY[60, 80]::numeric[], 'smart-service coverage 60 % -> 80 %');
SELECT is((SELECT array[baseline, target_2028] FROM cp.indicators WHERE code = 'owners_committee_rate'),
          ARRAY[45, 70]::numeric[], 'owners'' committees 45 % -> 70 %');
SELECT is((SELECT array[baseline, target_2028] FROM cp.indicators WHERE code = 'governance_participation'),
          ARRAY[32, 60]::numeric[], 'governance participation 32 % -> 60 %');
SELECT is((SELECT array[target_2028, target_2035] FROM cp.indicators WHERE code = 'heritage_protection_rate'),
          ARRAY[90, 95]::numeric[], 'traditional-building protection 90 % -> 95 %');
SELECT is((SELECT array[baseline, target_2028] FROM cp.indicators WHERE code = 'community_identity_index'),
          ARRAY[65, 85]::numeric[], 'community identity index 65 -> 85');
SELECT is((SELECT array[baseline, target_2025] FROM cp.indicators WHERE code = 'pipe_ageing_rate'),
          ARRAY[45, 15]::numeric[], 'pipe ageing 45 % -> 15 %');
SELECT is((SELECT array[baseline, target_2025] FROM cp.indicators WHERE code = 'care_worker_shortfall'),
          ARRAY[30000, 10000]::numeric[], 'care-worker shortfall 30 000 -> 10 000');
SELECT is((SELECT count(*) FROM cp.indicators
            WHERE (direction = 'higher' AND (target_2025 > target_2028 OR target_2028 > target_2035 OR target_2025 > target_2035))
               OR (direction = 'lower' AND (target_2025 < target_2028 OR target_2028 < target_2035 OR target_2025 < target_2035))),
          0::bigint, 'stage targets never relax');
SELECT is((SELECT count(*) FROM cp.indicators
            WHERE (direction = 'higher' AND baseline > least(target_2025, target_2028, target_2035))
               OR (direction = 'lower' AND baseline < greatest(target_2025, target_2028, target_2035))),
          0::bigint, 'every target improves on its baseline');
SELECT is((SELECT count(*) FROM cp.indicators WHERE origin = 'plan' AND source NOT LIKE 'plan %'), 0::bigint,
          'every plan indicator cites plan sections');

-- weights
SELECT is((SELECT count(*) FROM (SELECT domain FROM cp.indicators GROUP BY domain HAVING abs(sum(weight) - 1) > 1e-9) x), 0::bigint,
          'shipped indicator weights sum to 1 in every domain');
SELECT is((SELECT count(*) FROM (SELECT dimension FROM cp.indicator_domains GROUP BY dimension HAVING abs(sum(weight) - 1) > 1e-9) x),
          0::bigint, 'shipped domain weights sum to 1 in every dimension');
SELECT ok(abs((SELECT sum(weight_in_total) FROM cp.indicator_catalogue) - 1) < 1e-9, 'overall weights sum to 1');

-- values: range checks
SELECT lives_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                  VALUES ('c1', 'elderly_care_coverage', '2024-12-31', 100, 'test')$$, 'a rate of 100 % is accepted');
SELECT is((SELECT entered_by FROM cp.indicator_values WHERE community_id = 'c1'), current_user::text, 'entered_by defaults to the user');
SELECT throws_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                   VALUES ('c1', 'elderly_care_coverage', '2025-12-31', 100.5, 'test')$$, '22003', NULL, 'a rate above 100 % is rejected');
SELECT throws_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                   VALUES ('c1', 'parking_gap_rate', '2025-12-31', -1, 'test')$$, '22003', NULL, 'a negative rate is rejected');
SELECT throws_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                   VALUES ('c1', 'digital_twin', '2025-12-31', 'NaN', 'test')$$, '22003', NULL, 'NaN is rejected');
SELECT throws_ok($$UPDATE cp.indicator_values SET value = 101 WHERE community_id = 'c1'$$, '22003', NULL, 'updates are checked too');
SELECT throws_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                   VALUES ('c1', 'unknown', '2025-12-31', 1, 'test')$$, '23503', NULL, 'an unknown indicator is rejected');
SELECT throws_ok($$INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
                   VALUES ('c1', 'mutual_aid_rate', '2025-12-31', NULL, 'test')$$, '23502', NULL, 'a missing value is a missing row, not NULL');

-- local settings and user indicators
SELECT throws_ok($$UPDATE cp.indicators SET target_2028 = 10 WHERE code = 'parking_gap_rate'$$, '55000', NULL,
                 'shipped indicators are read-only');
SELECT lives_ok($$INSERT INTO cp.indicator_local (indicator, weight, target_2028) VALUES ('parking_gap_rate', 0.6, 10)$$,
                'a local target and weight can be set');
SELECT is((SELECT target_2028 FROM cp.indicator_catalogue WHERE code = 'parking_gap_rate'), 10::numeric, 'the catalogue shows the local target');
SELECT is((SELECT round(weight_in_domain::numeric, 4) FROM cp.indicator_catalogue WHERE code = 'parking_gap_rate'), 0.5::numeric,
          'weights are normalised within the domain (0.6 / 1.2)');
SELECT throws_ok($$INSERT INTO cp.indicator_local (indicator, baseline) VALUES ('elderly_care_coverage', 140)$$, '22003', NULL,
                 'a local baseline outside the range is rejected');
SELECT lives_ok($$INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, valid_min, valid_max,
                                             source, obtained, origin)
                  VALUES ('fz_test', '测试', 'test', 'humanity', 'neighbourhood', '%', 'higher', 0.5, 0, 100, 'local', 'recorded', 'user')$$,
                'a user indicator can be added');
SELECT throws_ok($$INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, valid_min, valid_max,
                                              source, obtained, origin)
                   VALUES ('fz_bad', 'x', 'x', 'smartness', 'neighbourhood', '%', 'higher', 0.5, 0, 100, 'local', 'recorded', 'user')$$,
                 '23503', NULL, 'an indicator''s dimension must be its domain''s');
SELECT ok(abs((SELECT sum(weight_in_total) FROM cp.indicator_catalogue) - 1) < 1e-9, 'overall weights still sum to 1');

-- helper functions: NULL and bad input
SELECT is(cp.plan_stage(2023), 2025, 'plan_stage: 2023 is the pilot stage');
SELECT is(cp.plan_stage(2028), 2028, 'plan_stage: 2028 closes the roll-out stage');
SELECT is(cp.plan_stage(2035), 2035, 'plan_stage: 2035 closes the deepening stage');
SELECT is(cp.plan_stage(NULL), NULL, 'plan_stage: NULL gives NULL');
SELECT throws_ok($$SELECT cp.plan_stage(2036)$$, '22023', NULL, 'plan_stage: after 2035 is 22023');
SELECT is(cp.indicator_target(NULL, 2025), NULL, 'indicator_target: NULL indicator gives NULL');
SELECT is(cp.indicator_target('elderly_care_coverage', NULL), NULL, 'indicator_target: NULL stage gives NULL');
SELECT throws_ok($$SELECT cp.indicator_target('nope', 2025)$$, '42704', NULL, 'indicator_target: unknown indicator is 42704');
SELECT throws_ok($$SELECT cp.indicator_target('elderly_care_coverage', 2026)$$, '22023', NULL, 'indicator_target: unknown stage is 22023');

SELECT volatility_is('cp', 'plan_stage', ARRAY['integer'], 'immutable', 'cp.plan_stage is IMMUTABLE');
SELECT volatility_is('cp', 'indicator_target', ARRAY['text', 'integer'], 'stable', 'cp.indicator_target is STABLE');
SELECT throws_ok($$TRUNCATE cp.indicators CASCADE$$, '55000', NULL, 'the indicator catalogue cannot be truncated');

SELECT * FROM finish();
ROLLBACK;
