-- Standards catalogue: tables, shipped figures, set ownership, pg_dump
-- registration, the lookup functions and their NULL/bad-input behaviour.
BEGIN;
SELECT plan(103);

-- tables and their keys
SELECT has_table('cp', t, 'table cp.' || t || ' exists')
  FROM unnest(ARRAY['facility_standards', 'life_circles', 'facility_categories', 'parking_standards']) t;
SELECT columns_are('cp', 'facility_categories',
  ARRAY['standard', 'code', 'name_zh', 'name_en', 'life_circle', 'radius_m', 'required', 'per_1000', 'per_1000_unit',
        'floor_area_min_m2', 'floor_area_max_m2', 'site_area_min_m2', 'site_area_max_m2', 'source', 'verified', 'note', 'shipped',
        'target_group', 'profile', 'walk_minutes'],
  'cp.facility_categories has the shared columns plus areas, verified, note, shipped, whom it serves and how they walk');
SELECT col_is_pk('cp', 'facility_categories', ARRAY['standard', 'code', 'life_circle'], 'a category is keyed by set, code and level');
SELECT col_is_pk('cp', 'parking_standards', ARRAY['standard', 'rule'], 'a parking rule is keyed by set and rule code');
SELECT has_view('cp', 'life_circle_categories', 'view cp.life_circle_categories exists');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'cp'::regnamespace
              AND c.relname IN ('facility_standards', 'life_circles', 'facility_categories', 'parking_standards')
              AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL),
          0::bigint, 'every column of the standards tables has a COMMENT');

-- configuration dump registration
SELECT ok((SELECT ('cp.' || t)::regclass = ANY (extconfig) FROM pg_extension WHERE extname = 'community_planning'),
          'cp.' || t || ' is registered with pg_extension_config_dump')
  FROM unnest(ARRAY['facility_standards', 'life_circles', 'facility_categories', 'parking_standards']) t;
SELECT is((SELECT extcondition[array_position(extconfig, ('cp.' || t)::regclass)]
             FROM pg_extension WHERE extname = 'community_planning'),
          'WHERE NOT shipped', 'cp.' || t || ' dumps only user rows')
  FROM unnest(ARRAY['facility_standards', 'life_circles', 'facility_categories', 'parking_standards']) t;

-- shipped sets
SELECT set_eq($$SELECT code FROM cp.facility_standards WHERE shipped$$,
              ARRAY['GB50180-2018', 'MOHURD-complete-community-2020', 'CP-parking-default', 'XM-parking-2020'],
              'four shipped standard sets');
SELECT is((SELECT count(*) FROM cp.facility_categories c JOIN cp.facility_standards s ON s.code = c.standard
            WHERE c.shipped <> s.shipped), 0::bigint, 'every category row is shipped exactly when its set is');
SELECT is((SELECT count(*) FROM cp.facility_categories
            WHERE code NOT IN ('kindergarten', 'nursery', 'primary_school', 'middle_school', 'health_station', 'clinic',
                               'hospital', 'pharmacy', 'elderly_care', 'elderly_day_care', 'community_service',
                               'culture_activity', 'library', 'sports', 'park', 'supermarket', 'market', 'parcel',
                               'canteen', 'public_toilet')),
          0::bigint, 'shipped categories use only the shared category vocabulary');
SELECT is((SELECT count(*) FROM cp.facility_categories WHERE source IS NULL OR source = ''), 0::bigint, 'every category row names its source');
SELECT is((SELECT count(*) FROM cp.facility_categories WHERE NOT verified AND (note IS NULL OR note = '')), 0::bigint,
          'every unverified category row says why in its note');

-- GB 50180-2018 figures
SELECT is((SELECT radius_m FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'kindergarten'), 300::float8,
          'kindergarten radius 300 m');
SELECT is((SELECT radius_m FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'primary_school'), 500::float8,
          'primary school radius 500 m');
SELECT is((SELECT radius_m FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'middle_school'), 1000::float8,
          'junior middle school radius 1000 m');
SELECT is((SELECT life_circle FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'primary_school'), '10min',
          'primary school belongs to the 10-minute level');
SELECT is((SELECT distance_max_m FROM cp.life_circles WHERE standard = 'GB50180-2018' AND life_circle = '15min'), 1000::float8,
          '15-minute life circle reaches 1000 m');
SELECT is((SELECT distance_min_m FROM cp.life_circles WHERE standard = 'GB50180-2018' AND life_circle = '15min'), 800::float8,
          '15-minute life circle starts at 800 m');
SELECT is((SELECT distance_max_m FROM cp.life_circles WHERE standard = 'GB50180-2018' AND life_circle = '10min'), 500::float8,
          '10-minute life circle 500 m');
SELECT is((SELECT distance_max_m FROM cp.life_circles WHERE standard = 'GB50180-2018' AND life_circle = '5min'), 300::float8,
          '5-minute life circle 300 m');
SELECT is((SELECT array[population_min, population_max] FROM cp.life_circles WHERE standard = 'GB50180-2018' AND life_circle = '15min'),
          ARRAY[50000, 100000], '15-minute life circle serves 50 000–100 000 residents');
SELECT is((SELECT per_1000 FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'park' AND life_circle = '15min'),
          2000::float8, '15-minute public green 2.0 m²/person = 2000 m² per 1000 residents');
SELECT is((SELECT verified FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'kindergarten'), false,
          'the kindergarten row is marked unverified (Appendix B/C not read)');
SELECT is((SELECT required FROM cp.facility_categories WHERE standard = 'GB50180-2018' AND code = 'nursery'), false,
          'a nursery is optional (△) in GB 50180-2018');

-- 完整居住社区建设标准 figures
SELECT is((SELECT floor_area_min_m2 FROM cp.facility_categories WHERE standard = 'MOHURD-complete-community-2020' AND code = 'kindergarten'),
          2200::float8, 'complete community kindergarten ≥2200 m²');
SELECT is((SELECT floor_area_min_m2 FROM cp.facility_categories WHERE standard = 'MOHURD-complete-community-2020' AND code = 'health_station'),
          120::float8, 'complete community health station ≥120 m²');
SELECT is((SELECT floor_area_min_m2 FROM cp.facility_categories WHERE standard = 'MOHURD-complete-community-2020' AND code = 'community_service'),
          800::float8, 'complete community service station about 800 m²');
SELECT set_eq($$SELECT code FROM cp.facility_categories WHERE standard = 'MOHURD-complete-community-2020' AND required$$,
              ARRAY['community_service', 'kindergarten', 'nursery', 'elderly_care', 'health_station', 'supermarket', 'parcel', 'park'],
              'complete community requires service station, kindergarten, nursery, elderly station, health station, supermarket, parcels, activity ground');

-- life-circle expansion: each level contains every lower level
SELECT is((SELECT count(*) FROM cp.life_circle_categories hi
            WHERE hi.standard = 'GB50180-2018' AND cp.life_circle_rank(hi.from_level) > cp.life_circle_rank(hi.life_circle)),
          0::bigint, 'no level receives a higher level''s category');
SELECT is((SELECT count(*) FROM cp.facility_categories c, cp.life_circles l
            WHERE c.standard = 'GB50180-2018' AND l.standard = c.standard
              AND cp.life_circle_rank(l.life_circle) >= cp.life_circle_rank(c.life_circle)
              AND NOT EXISTS (SELECT 1 FROM cp.life_circle_categories v
                               WHERE v.standard = c.standard AND v.life_circle = l.life_circle
                                 AND v.code = c.code AND v.from_level = c.life_circle)),
          0::bigint, 'every category appears at its own level and every higher level');
SELECT set_eq($$SELECT DISTINCT code FROM cp.life_circle_requirements('GB50180-2018', '15min')$$,
              ARRAY['middle_school', 'clinic', 'elderly_care', 'culture_activity', 'sports', 'community_service', 'park',
                    'primary_school', 'market', 'kindergarten', 'elderly_day_care', 'parcel'],
              '15-minute level requires its own, 10-minute, 5-minute and block categories');
SELECT is((SELECT count(*) FROM cp.life_circle_requirements('GB50180-2018', '15min', true) WHERE code IN ('nursery', 'health_station')),
          2::bigint, 'include_optional adds the optional categories');
SELECT is((SELECT effective_radius_m FROM cp.life_circle_requirements('GB50180-2018', '15min') WHERE code = 'elderly_care'),
          1000::float8, 'a category without its own radius gets its level''s distance');
SELECT is((SELECT effective_radius_m FROM cp.life_circle_requirements('GB50180-2018', '15min') WHERE code = 'kindergarten'),
          300::float8, 'a lower-level category keeps its own radius inside a higher level');

-- parking rules
SELECT is(cp.parking_demand('CP-parking-default', 'residential', 1, NULL, 'new'), 1::float8,
          'new communities need 1.0 space per household (default set)');
SELECT is(cp.parking_demand('MOHURD-complete-community-2020', 'residential', 250, NULL, 'new'), 250::float8,
          'new communities need 1.0 space per household (完整居住社区建设标准)');
SELECT ok((SELECT bool_and(spaces >= 1.0) FROM cp.parking_standards WHERE use = 'residential' AND community_type = 'new'),
          'no shipped rule asks less than 1.0 per household of a new community');
SELECT is((SELECT ev_share FROM cp.parking_rule('CP-parking-default', 'residential', 1, NULL, 'new')), 1::float8,
          'new communities: every space EV-ready');
SELECT is(cp.parking_demand('CP-parking-default', 'office', NULL, 1234), 12.34::float8, 'office: 1 space per 100 m²');
SELECT is(cp.parking_demand('XM-parking-2020', 'residential', 10, 500), 8::float8, 'Xiamen: flats ≤70 m² 0.8 per household');
SELECT is(cp.parking_demand('XM-parking-2020', 'residential', 10, 1900), 20::float8, 'Xiamen: flats 180–200 m² 2.0 per household');
SELECT is(cp.parking_demand('XM-parking-2020', 'residential', 10, 1600), 10::float8, 'Xiamen: flats without a bin fall back to 1 per household');
SELECT is(cp.parking_demand('CP-parking-default', 'residential', 0, NULL), 0::float8, 'no households, no demand');
SELECT set_eq($$SELECT DISTINCT use FROM cp.parking_standards WHERE standard = 'CP-parking-default'$$,
              ARRAY['residential', 'office', 'retail', 'clinic', 'school'], 'the default set covers the uses of issue 6');

-- NULL and bad input, function by function
SELECT is(cp.parking_demand(NULL, 'residential', 1, 1), NULL, 'parking_demand: NULL standard gives NULL');
SELECT is(cp.parking_demand('CP-parking-default', NULL, 1, 1), NULL, 'parking_demand: NULL use gives NULL');
SELECT is(cp.parking_demand('CP-parking-default', 'residential', NULL, 1), NULL, 'parking_demand: NULL households gives NULL for residential');
SELECT is(cp.parking_demand('CP-parking-default', 'office', 1, NULL), NULL, 'parking_demand: NULL floor area gives NULL for offices');
SELECT is(cp.parking_demand('CP-parking-default', 'residential', 1, 1, NULL), NULL, 'parking_demand: NULL community type gives NULL');
SELECT throws_ok($$SELECT cp.parking_demand('no-such-set', 'residential', 1, 1)$$, '42704', NULL, 'parking_demand: unknown set is 42704');
SELECT throws_ok($$SELECT cp.parking_demand('CP-parking-default', 'spaceport', 1, 1)$$, '22023', NULL, 'parking_demand: unknown use is 22023');
SELECT throws_ok($$SELECT cp.parking_demand('CP-parking-default', 'residential', 1, 1, 'suburb')$$, '22023', NULL,
                 'parking_demand: unknown community type is 22023');
SELECT throws_ok($$SELECT cp.parking_demand('CP-parking-default', 'residential', -3, NULL)$$, '22023', NULL,
                 'parking_demand: negative households is 22023');
SELECT throws_ok($$SELECT cp.parking_demand('CP-parking-default', 'office', NULL, 'Infinity')$$, '22023', NULL,
                 'parking_demand: infinite floor area is 22023');
SELECT is((SELECT count(*) FROM cp.parking_rule(NULL, 'residential', 1, 1)), 0::bigint, 'parking_rule: NULL standard gives no row');
SELECT is((SELECT count(*) FROM cp.life_circle_requirements(NULL, '15min')), 0::bigint, 'life_circle_requirements: NULL standard gives no row');
SELECT is((SELECT count(*) FROM cp.life_circle_requirements('GB50180-2018', NULL)), 0::bigint, 'life_circle_requirements: NULL level gives no row');
SELECT is((SELECT count(*) FROM cp.life_circle_requirements('GB50180-2018', '15min', NULL)), 0::bigint,
          'life_circle_requirements: NULL include_optional gives no row');
SELECT throws_ok($$SELECT * FROM cp.life_circle_requirements('GB 50180', '15min')$$, '42704', NULL,
                 'life_circle_requirements: unknown set is 42704');
SELECT throws_ok($$SELECT * FROM cp.life_circle_requirements('GB50180-2018', '30min')$$, '22023', NULL,
                 'life_circle_requirements: unknown level is 22023');
SELECT is(cp.life_circle_rank(NULL), NULL, 'life_circle_rank: NULL gives NULL');
SELECT is(cp.life_circle_rank('1h'), NULL, 'life_circle_rank: unknown level gives NULL');
SELECT throws_ok($$SELECT cp.copy_standard(NULL, 'x', 'x')$$, '22004', NULL, 'copy_standard: NULL source is 22004');
SELECT throws_ok($$SELECT cp.copy_standard('nope', 'x', 'x')$$, '42704', NULL, 'copy_standard: unknown source is 42704');
SELECT throws_ok($$SELECT cp.copy_standard('GB50180-2018', 'XM-parking-2020', 'x')$$, '42710', NULL, 'copy_standard: existing target is 42710');

SELECT lives_ok($$SELECT cp.check_standard(NULL)$$, 'check_standard: NULL passes (STRICT)');
SELECT throws_ok($$SELECT cp.check_standard('GB 50180-2018')$$, '42704', 'standard set "GB 50180-2018" does not exist',
                 'check_standard: unknown set is 42704 with its name');
SELECT is(cp.catalogue_maintenance(), false, 'catalogue_maintenance: off by default');
SELECT lives_ok($$SELECT cp.parking_check_input(NULL, NULL, NULL)$$, 'parking_check_input: NULLs pass');
SELECT throws_ok($$SELECT cp.parking_check_input('old', 'NaN', NULL)$$, '22023', NULL, 'parking_check_input: NaN households is 22023');
SELECT lives_ok($$SELECT cp.parking_no_rule(NULL, 'office', 'old')$$, 'parking_no_rule: NULL passes (STRICT)');
SELECT throws_ok($$SELECT cp.parking_no_rule('CP-parking-default', 'office', 'old')$$, '22023',
                 'standard set "CP-parking-default" has no parking rule for use "office" in old communities',
                 'parking_no_rule: a use without a matching rule is 22023');
SELECT throws_ok($$SELECT cp.parking_no_rule('nope', 'office', 'old')$$, '42704', NULL, 'parking_no_rule: unknown set is 42704');

-- function contracts: volatility, strictness
SELECT volatility_is('cp', f, args, v, 'cp.' || f || ' is ' || v)
  FROM (VALUES ('life_circle_requirements', ARRAY['text', 'text', 'boolean'], 'stable'),
               ('parking_demand', ARRAY['text', 'text', 'double precision', 'double precision', 'text'], 'stable'),
               ('parking_rule', ARRAY['text', 'text', 'double precision', 'double precision', 'text'], 'stable'),
               ('copy_standard', ARRAY['text', 'text', 'text', 'text', 'text', 'integer'], 'volatile'),
               ('check_standard', ARRAY['text'], 'stable'),
               ('life_circle_rank', ARRAY['text'], 'immutable'),
               ('parking_check_input', ARRAY['text', 'double precision', 'double precision'], 'immutable'),
               ('parking_no_rule', ARRAY['text', 'text', 'text'], 'stable')) t(f, args, v);
SELECT is_strict('cp', f, args, 'cp.' || f || ' is STRICT')
  FROM (VALUES ('life_circle_requirements', ARRAY['text', 'text', 'boolean']),
               ('check_standard', ARRAY['text']),
               ('life_circle_rank', ARRAY['text'])) t(f, args);
SELECT isnt_strict('cp', 'parking_demand', ARRAY['text', 'text', 'double precision', 'double precision', 'text'],
                   'cp.parking_demand is not STRICT (one of the two quantities is normally NULL)');

-- shipped rows are read-only; user sets are editable
SELECT throws_ok($$TRUNCATE cp.facility_categories$$, '55000', NULL, 'shipped tables cannot be truncated');
SELECT throws_ok($$UPDATE cp.life_circles SET distance_max_m = 900 WHERE standard = 'GB50180-2018' AND life_circle = '15min'$$,
                 '55000', NULL, 'a shipped life-circle row cannot be changed');
SELECT throws_ok($$INSERT INTO cp.facility_standards (code, title_zh, shipped) VALUES ('fake', 'fake', true)$$,
                 '55000', NULL, 'a user row cannot claim to be shipped');
SELECT lives_ok($$SELECT cp.copy_standard('MOHURD-complete-community-2020', 'FJ-test', '福建测试')$$, 'a set can be copied');
SELECT lives_ok($$UPDATE cp.parking_standards SET spaces = 1.2 WHERE standard = 'FJ-test'$$, 'rows of a user set can be edited');
SELECT is(cp.parking_demand('FJ-test', 'residential', 10, NULL, 'new'), 12::float8, 'the edited copy is used');
SELECT is((SELECT bool_and(NOT shipped) FROM cp.facility_categories WHERE standard = 'FJ-test'), true, 'copied rows are user rows');
SELECT set_config('cp.catalogue_maintenance', 'on', true);
SELECT lives_ok($$UPDATE cp.facility_standards SET note = note WHERE code = 'GB50180-2018'$$,
                'upgrade scripts may change shipped rows in maintenance mode');
SELECT set_config('cp.catalogue_maintenance', 'off', true);

SELECT * FROM finish();
ROLLBACK;
