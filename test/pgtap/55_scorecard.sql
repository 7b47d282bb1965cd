-- Scorecard: contracts (objects, volatility, comments, search_path, dump
-- registration, privileges), invariants of scores and weights on a generated
-- set of communities, roll-up arithmetic, computed heritage rate across SRIDs,
-- errors and a NULL sweep of every argument.
BEGIN;
SELECT plan(122);

-- Contracts ---------------------------------------------------------------
SELECT has_table('cp', 'communities', 'table cp.communities exists');
SELECT has_table('cp', 'indicator_computations', 'table cp.indicator_computations exists');
SELECT has_view('cp', 'community_scores', 'view cp.community_scores exists');
SELECT columns_are('cp', 'communities', ARRAY['id', 'name', 'district', 'city', 'community_type', 'population', 'geom'],
                   'cp.communities columns');
SELECT col_is_pk('cp', 'communities', 'id', 'communities are keyed by id');
SELECT col_type_is('cp', 'communities', 'id', 'text', 'community ids are text');
SELECT col_type_is('cp', 'communities', 'geom', 'geometry(MultiPolygon)', 'outlines are MultiPolygons');
SELECT is((SELECT extcondition[array_position(extconfig, 'cp.communities'::regclass)] FROM pg_extension WHERE extname = 'community_planning'),
          '', 'cp.communities is dumped in full');
SELECT is((SELECT extcondition[array_position(extconfig, 'cp.indicator_computations'::regclass)] FROM pg_extension WHERE extname = 'community_planning'),
          'WHERE NOT shipped', 'cp.indicator_computations is dumped without shipped rows');
SELECT is((SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = 'cp'::regnamespace AND c.relname IN ('communities', 'indicator_computations')
              AND a.attnum > 0 AND NOT a.attisdropped AND col_description(c.oid, a.attnum) IS NULL),
          0::bigint, 'every column of the scorecard tables has a COMMENT');

-- every scorecard function: comment, pinned search_path, stated volatility
CREATE TEMP TABLE sc_functions (sig text, vol "char", strict boolean);
INSERT INTO sc_functions VALUES
  ('cp.scorecard(text,integer)', 's', false),
  ('cp.scorecard_summary(text,integer)', 's', false),
  ('cp.scorecard_json(text,integer)', 's', false),
  ('cp.scorecard_rollup(text,integer)', 's', false),
  ('cp.compute_indicators(date,jsonb)', 'v', true),
  ('cp.normalised_score(numeric,numeric,numeric,text,numeric,numeric)', 'i', false),
  ('cp.rollup_weighting(text)', 'i', true),
  ('cp.rollup_denominator(text)', 'i', true),
  ('cp.check_community()', 'v', false),
  ('cp.check_indicator_computation()', 'v', false),
  ('cp._scorecard_stage(text,integer)', 's', false),
  ('cp._rollup_stage(text,integer)', 's', false),
  ('cp._check_plan_stage(integer)', 'i', false),
  ('cp._current_stage()', 's', false),
  ('cp._dimension_rank(text)', 'i', true),
  ('cp._compute_settings(text,jsonb,jsonb,jsonb,boolean)', 'i', false),
  ('cp._compute_category_radius(text,text)', 's', true);
SELECT is((SELECT p.provolatile FROM pg_proc p WHERE p.oid = f.sig::regprocedure), f.vol, f.sig || ' volatility')
  FROM sc_functions f ORDER BY f.sig;
SELECT is((SELECT count(*) FROM sc_functions f JOIN pg_proc p ON p.oid = f.sig::regprocedure WHERE p.proisstrict <> f.strict),
          0::bigint, 'STRICT exactly where NULL in gives NULL out');
SELECT is((SELECT count(*) FROM sc_functions f WHERE obj_description(f.sig::regprocedure, 'pg_proc') IS NULL), 0::bigint,
          'every scorecard function has a COMMENT');
SELECT is((SELECT count(*) FROM sc_functions f JOIN pg_proc p ON p.oid = f.sig::regprocedure
            WHERE NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')),
          0::bigint, 'every scorecard function pins its search_path');

-- privileges: communities and computations readable by everyone, values and scores not
CREATE ROLE regress_sc_reader;
SELECT ok(has_table_privilege('regress_sc_reader', 'cp.communities', 'SELECT'), 'everyone reads cp.communities');
SELECT ok(NOT has_table_privilege('regress_sc_reader', 'cp.communities', 'INSERT'), 'nobody else writes cp.communities');
SELECT ok(has_table_privilege('regress_sc_reader', 'cp.indicator_computations', 'SELECT'), 'everyone reads the computations');
SELECT ok(NOT has_table_privilege('regress_sc_reader', 'cp.indicator_computations', 'INSERT'),
          'nobody else adds a computation (its SQL runs in compute_indicators)');
SELECT ok(NOT has_table_privilege('regress_sc_reader', 'cp.community_scores', 'SELECT'), 'scores are not public, like the values');

-- shipped computation
SELECT is((SELECT array_agg(indicator || ':' || scope ORDER BY indicator) FROM cp.indicator_computations),
          ARRAY['childcare_institution_coverage:all', 'childcare_place_gap:all', 'cultural_space_per_capita:all',
                'elderly_care_coverage:all', 'heritage_protection_rate:community', 'life_circle_15min_coverage:all',
                'parking_gap_rate:all', 'public_green_per_capita:all', 'public_service_facility_coverage:all',
                'rural_service_coverage_ratio:all'],
          'ten computations ship: heritage per community, the others for all communities at once');
SELECT is((SELECT count(*) FROM cp.indicator_computations c JOIN cp.indicators i ON i.code = c.indicator
            WHERE i.obtained = 'computed' AND c.shipped), 10::bigint,
          'they belong to computed indicators');
SELECT is((SELECT count(*) FROM cp.indicators i WHERE i.obtained = 'computed' AND i.shipped
              AND NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = i.code AND c.shipped)), 0::bigint,
          'every indicator the catalogue marks computed has a shipped computation');
SELECT throws_ok($$DELETE FROM cp.indicator_computations$$, '55000', NULL, 'shipped computation cannot be deleted');
SELECT throws_ok($$TRUNCATE cp.indicator_computations$$, '55000', NULL, 'computations cannot be truncated');
SELECT throws_ok($$INSERT INTO cp.indicator_computations (indicator, sql_template) VALUES ('no_such', 'SELECT 1, NULL::jsonb')$$,
                 '23503', NULL, 'unknown indicator: foreign key');

-- Generated communities: 60 in 3 cities x 4 districts, random-looking but fixed values
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT 'G' || lpad(g::text, 3, '0'), 'generated ' || g, 'd' || (g % 4), 'c' || (g % 3), (ARRAY['old', 'new', 'rural'])[1 + g % 3],
       CASE WHEN g % 10 = 0 THEN NULL ELSE 500 + (g * 37) % 4000 END,
       ST_Multi(ST_MakeEnvelope(730000 + g * 100, 2885000, 730000 + g * 100 + 100, 2885100, 32650))
  FROM generate_series(1, 60) g;
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
SELECT c.id, i.code, make_date((2024 + n % 5)::int, 12, 31),
       i.valid_min + ((n * 7919) % 1000) / 1000.0 * least(i.valid_max - i.valid_min, 300), 'generated'
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS r FROM cp.communities WHERE id LIKE 'G%') c
  CROSS JOIN LATERAL (SELECT code, valid_min, valid_max, row_number() OVER (ORDER BY code) AS k FROM cp.indicators) i
  CROSS JOIN LATERAL (SELECT c.r * 36 + i.k AS n) x
 WHERE (c.r * 13 + i.k * 7) % 5 <> 0;   -- one value in five missing

SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s WHERE c.id LIKE 'G%'), 60 * 36::bigint,
          'every community gets every indicator');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND (s.score < 0 OR s.score > 100)), 0::bigint, 'scores stay within 0..100');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.value IS NULL AND (s.score IS NOT NULL OR s.met IS NOT NULL OR s.status <> 'missing')),
          0::bigint, 'a missing value has no score and no met, status missing');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2035) s
            WHERE c.id LIKE 'G%' AND s.value IS NOT NULL AND s.period > '2035-12-31'), 0::bigint,
          'no value after the stage year is used');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2025) s
            WHERE c.id LIKE 'G%' AND s.period > '2025-12-31'), 0::bigint, 'at 2025 only values up to 2025-12-31');
SELECT is((SELECT count(*) FROM (
             SELECT c.id, sum(s.effective_weight) AS w FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
              WHERE c.id LIKE 'G%' GROUP BY c.id) x WHERE abs(x.w - 1) > 1e-9), 0::bigint,
          'effective weights add up to 1 in every community');
SELECT is((SELECT count(*) FROM cp.communities c
             JOIN LATERAL (SELECT sum(s.effective_weight::numeric * s.score) AS w FROM cp.scorecard(c.id, 2028) s) a ON true
             JOIN LATERAL (SELECT score FROM cp.scorecard_summary(c.id, 2028) WHERE level = 'overall') b ON true
            WHERE c.id LIKE 'G%' AND abs(a.w - b.score) > 1e-9), 0::bigint,
          'overall = sum of effective weight x score');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard_summary(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.level = 'overall'
              AND (s.indicators <> 36 OR s.with_value + s.missing <> 36 OR s.scored + s.no_target <> s.with_value)),
          0::bigint, 'summary counts add up');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard_summary(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.level = 'domain'
              AND s.score IS DISTINCT FROM (SELECT sum(x.effective_weight::numeric * x.score) / sum(x.effective_weight::numeric)
                                              FROM cp.scorecard(c.id, 2028) x WHERE x.domain = s.code)
              AND abs(s.score - (SELECT sum(x.effective_weight::numeric * x.score) / sum(x.effective_weight::numeric)
                                   FROM cp.scorecard(c.id, 2028) x WHERE x.domain = s.code)) > 1e-9),
          0::bigint, 'domain scores agree with the effective weights of their indicators');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.met IS DISTINCT FROM
                  CASE WHEN s.value IS NULL OR s.target IS NULL THEN NULL
                       WHEN s.direction = 'higher' THEN s.value >= s.target ELSE s.value <= s.target END),
          0::bigint, 'met follows the direction');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.met AND s.score <> 100), 0::bigint, 'a met target scores 100');
SELECT is((SELECT count(*) FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
            WHERE c.id LIKE 'G%' AND s.gap IS NOT NULL AND (s.gap > 0) = s.met), 0::bigint,
          'a positive gap means still to go');

-- JSON agrees with the table functions
SELECT is((SELECT count(*) FROM cp.communities c WHERE c.id LIKE 'G%'
              AND (cp.scorecard_json(c.id, 2028) -> 'overall' ->> 'score')::numeric IS DISTINCT FROM
                  (SELECT score FROM cp.scorecard_summary(c.id, 2028) WHERE level = 'overall')),
          0::bigint, 'JSON overall = summary overall');
SELECT is((SELECT count(*) FROM jsonb_array_elements(cp.scorecard_json('G001', 2028) -> 'dimensions') d,
                                jsonb_array_elements(d -> 'domains') m, jsonb_array_elements(m -> 'indicators') i),
          36::bigint, 'JSON holds all 36 indicators');
SELECT is((SELECT count(*) FROM cp.community_scores WHERE id LIKE 'G%'), 60::bigint, 'QGIS view: one row per community');

-- Roll-up by hand: population-weighted for %, plain for counts, unknown population left out
SELECT is((SELECT count(*) FROM cp.scorecard_rollup('district', 2028) r
             JOIN LATERAL (
               SELECT CASE WHEN r.weighting = 'population'
                           THEN sum(s.value * c.population) / nullif(sum(c.population) FILTER (WHERE s.value IS NOT NULL), 0)
                           ELSE avg(s.value) END AS v,
                      count(s.value) AS n
                 FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
                WHERE c.city = r.city AND c.district = r.district AND s.indicator = r.indicator) h ON true
            WHERE r.city LIKE 'c%' AND (h.n <> r.reporting OR abs(coalesce(h.v, -1) - coalesce(r.value, -1)) > 1e-9)),
          0::bigint, 'district roll-up = recomputed from the scorecards');
SELECT is((SELECT count(*) FROM cp.scorecard_rollup('city', 2028) WHERE city LIKE 'c%'), 3 * 36::bigint,
          'city roll-up: 3 cities x 36 indicators');
SELECT is((SELECT sum(communities) FROM cp.scorecard_rollup('district', 2028) WHERE indicator = 'smart_sensors' AND city LIKE 'c%'),
          60::bigint, 'every community is in one district');
SELECT ok((SELECT bool_and(without_population = (SELECT count(*) FROM cp.communities c, cp.indicator_values v
                                                  WHERE c.city = r.city AND c.population IS NULL AND v.community_id = c.id
                                                    AND v.indicator = r.indicator AND v.period <= '2028-12-31'
                                                    AND NOT EXISTS (SELECT 1 FROM cp.indicator_values w
                                                                     WHERE w.community_id = c.id AND w.indicator = v.indicator
                                                                       AND w.period > v.period AND w.period <= '2028-12-31')))
             FROM cp.scorecard_rollup('city', 2028) r WHERE r.city LIKE 'c%'),
          'communities without population are counted as such');

-- Computed heritage rate with communities in UTM 50N and the register in EPSG:4549
INSERT INTO cp.heritage_config (srid) VALUES (4549);
INSERT INTO cp.heritage_site (code, name, grade, footprint, condition, decision_ref)
SELECT 'T-' || g, 'tap site ' || g, 'traditional_style',
       ST_Multi(ST_Transform(ST_MakeEnvelope(730000 + g * 100 + 40, 2885040, 730000 + g * 100 + 60, 2885060, 32650), 4549)),
       CASE WHEN g % 3 = 0 THEN 'damaged' ELSE 'intact' END, 'T-D-' || g
  FROM generate_series(1, 6) g;
SELECT is((SELECT array_agg(action || ':' || coalesce(value::text, '-') ORDER BY community_id)
             FROM cp.compute_indicators('2027-06-30')
            WHERE community_id IN ('G001', 'G003', 'G007') AND indicator = 'heritage_protection_rate'),
          ARRAY['inserted:100', 'inserted:0', 'no_value:-'], 'heritage rate per community, across SRIDs');
SELECT is((SELECT (inputs -> 'area' ->> 'transformed_to')::int FROM cp.indicator_values
            WHERE community_id = 'G001' AND indicator = 'heritage_protection_rate' AND period = '2027-06-30'),
          4549, 'the outline was transformed to the register''s SRID, and the inputs say so');
SELECT is((SELECT count(*) FROM cp.compute_indicators('2027-06-30') WHERE action = 'replaced'), 6::bigint,
          'a second run replaces the six values');
SELECT is((SELECT count(*) FROM cp.indicator_values WHERE indicator = 'heritage_protection_rate' AND source = 'computed'),
          6::bigint, 'and adds none');

-- Computed coverage, childcare and parking indicators on a hand-made street ---------
-- One straight street of 1 km (UTM 50N, 10 km east of the generated communities); two
-- communities: H1 on x 0..400 (old) and H2 on x 400..1000 (new). Residents on the street:
-- R1 x=50 (100 people, 10 households), R2 x=250 (300, 20), R3 x=600 (200, 10), R4 x=900 (400, 30).
-- A user set reduced to four categories: elderly day care 300 m (5 min, required), primary
-- school 500 m (10 min, required), clinic 1000 m (15 min, required), nursery 300 m (optional).
CREATE FUNCTION pg_temp.hx(x float8, y float8 DEFAULT 0) RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_SetSRID(ST_MakePoint(740000 + x, 2886000 + y), 32650) $$;
SELECT is((SELECT edges FROM cp.network_build('tap_street', $$SELECT 1 AS id, ST_MakeLine(pg_temp.hx(0), pg_temp.hx(1000)) AS geom$$)),
          1::bigint, 'a one-edge street');
SELECT ok(cp.copy_standard('GB50180-2018', 'TAP-H', '测试') > 0, 'a user set copied from GB 50180-2018');
DELETE FROM cp.facility_categories WHERE standard = 'TAP-H' AND code NOT IN ('elderly_day_care', 'primary_school', 'clinic', 'nursery');
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom) VALUES
  ('H1', 'street west', 'hd', 'hc', 'old', 400, ST_Multi(ST_MakeEnvelope(740000, 2885900, 740400, 2886100, 32650))),
  ('H2', 'street east', 'hd', 'hc', 'new', 600, ST_Multi(ST_MakeEnvelope(740400, 2885900, 741000, 2886100, 32650)));
-- residents with their children under 3 and residents 60+ (issue 15: who a facility serves)
CREATE TEMP TABLE h_res (id int, geom geometry, population float8, households float8, age_0_3 float8, age_60_plus float8);
INSERT INTO h_res VALUES (1, pg_temp.hx(50), 100, 10, 5, 40), (2, pg_temp.hx(250), 300, 20, 15, 30),
                         (3, pg_temp.hx(600), 200, 10, 20, 100), (4, pg_temp.hx(900), 400, 30, 30, 40);
-- day care at 200 (R1 150 m, R2 50 m) and 950 (R4 50 m; R3 350 m: not covered); school at 700
-- (R1 650 m: not covered); clinic at 1000 (everyone within 1000 m); nurseries at 100 (3 places,
-- R1 and R2 within 300 m) and 750 (3 places, R3 and R4)
CREATE TEMP TABLE h_fac (id int, category text, geom geometry, capacity float8);
INSERT INTO h_fac VALUES (1, 'elderly_day_care', pg_temp.hx(200), NULL), (2, 'elderly_day_care', pg_temp.hx(950), NULL),
                         (3, 'primary_school', pg_temp.hx(700), NULL), (4, 'clinic', pg_temp.hx(1000), NULL),
                         (5, 'nursery', pg_temp.hx(100), 3), (6, 'nursery', pg_temp.hx(750), 3);
-- car parks at 150 (20 spaces: R1 and R2 at 100 m) and 800 (30 spaces: R4 at 100 m first, R3 at 200 m gets none)
CREATE TEMP TABLE h_lots (id int, geom geometry, capacity float8);
INSERT INTO h_lots VALUES (1, pg_temp.hx(150), 20), (2, pg_temp.hx(800), 30);
CREATE TEMP TABLE h_settings AS SELECT jsonb_build_object(
  'network', 'tap_street', 'standard', 'TAP-H',
  'residents_sql', 'SELECT id, geom, population, age_0_3, age_60_plus FROM pg_temp.h_res',
  'facilities_sql', 'SELECT id, category, geom FROM pg_temp.h_fac',
  'childcare_facilities_sql', 'SELECT id, category, geom, capacity FROM pg_temp.h_fac',
  'childcare_per_1000', 10, 'childcare_places_per_1000_children', 200,
  'buildings_sql', 'SELECT id, geom, ''residential'' AS use, households, NULL::float8 AS floor_area FROM pg_temp.h_res',
  'parking_sql', 'SELECT id, geom, capacity FROM pg_temp.h_lots') AS s;

SET LOCAL track_functions = 'all';   -- parking_gap is an SQL function, _parking_eval C
SET LOCAL client_min_messages = warning;
CREATE TEMP TABLE h_run AS SELECT * FROM cp.compute_indicators('2027-12-31', (SELECT s FROM h_settings));
SELECT is((SELECT string_agg(indicator || ' ' || action || ':' || community_id, ', ' ORDER BY indicator, community_id) FROM h_run
            WHERE community_id LIKE 'H%' AND indicator NOT IN ('heritage_protection_rate', 'cultural_space_per_capita')),
          'childcare_institution_coverage inserted:H1, childcare_institution_coverage inserted:H2, '
          'childcare_place_gap inserted:H1, childcare_place_gap inserted:H2, elderly_care_coverage inserted:H1, elderly_care_coverage inserted:H2, '
          'life_circle_15min_coverage inserted:H1, life_circle_15min_coverage inserted:H2, parking_gap_rate inserted:H1, parking_gap_rate inserted:H2, '
          'public_green_per_capita no_settings:H1, public_green_per_capita no_settings:H2, '
          'public_service_facility_coverage inserted:H1, public_service_facility_coverage inserted:H2, '
          'rural_service_coverage_ratio no_value:H1, rural_service_coverage_ratio no_value:H2',
          'six computed indicators inserted for both communities; green skipped (no green_sql); no rural community, no rural ratio');
SELECT is((SELECT array_agg(DISTINCT action) FROM h_run WHERE indicator = 'cultural_space_per_capita'), ARRAY['no_settings'],
          'cultural space is skipped: these settings have no culture_facilities_sql');
SELECT is((SELECT count(*) FROM h_run WHERE community_id LIKE 'G%'
                                      AND indicator NOT IN ('heritage_protection_rate', 'cultural_space_per_capita', 'public_green_per_capita')
                                      AND action NOT IN ('no_value', 'kept')),
          0::bigint, 'communities without residents or buildings get no value (generated values of the period are kept)');
-- by hand. Life circle: R2 (300) of H1's 400 and R4 (400) of H2's 600 reach all three required categories.
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'life_circle_15min_coverage' AND community_id = 'H1'),
          round(100 * 300 / 400.0, 10), 'life circle H1: 300 of 400 residents = 75 %');
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'life_circle_15min_coverage' AND community_id = 'H2'),
          round(100 * 400 / 600.0, 10), 'life circle H2: 400 of 600 residents');
-- elderly care as the plan counts it, a share of communities: day care within its time at the
-- elderly pace (300 m = 4.5 min at the standard's pace; at 3.3 km/h 247.5 m): R1 (150 m), R2 (50 m),
-- R4 (50 m); not R3 (350 m). H1: all 70 residents 60+ reach one: counts (100). H2: R4's 40 of 140 (R3 has 100 of them): 29 % < 50 %: 0.
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'elderly_care_coverage' AND community_id = 'H1'),
          100.0000000000, 'elderly care H1: all residents 60+ within 4.5 minutes of day care at their pace: the community counts');
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'elderly_care_coverage' AND community_id = 'H2'),
          0.0000000000, 'elderly care H2: 40 of 140 residents 60+: the community does not count');
-- childcare: 200 places per 1000 children under 3 -> demand 20 × 0.2 = 4 (H1) and 50 × 0.2 = 10 (H2);
-- each nursery's 3 places go to its community (R1 + R2: 20 children in reach of the west one, R3 + R4:
-- 50 of the east one): gaps 1 of 4, 7 of 10. Counted on all residents (10 per 1000) H2 would need 6.
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'childcare_place_gap' AND community_id = 'H1'),
          round(100 * (4 - 3) / 4.0, 10), 'childcare gap H1: 1 of 4 places missing');
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'childcare_place_gap' AND community_id = 'H2'),
          round(100 * (10 - 3) / 10.0, 10), 'childcare gap H2: 7 of 10 places missing (50 children under 3)');
-- public-service coverage: mean over the three required categories of the share of their target group:
-- H1 day care 70/70 (60+), primary school 300/400 (R1 650 m away), clinic 1 -> 91.67;
-- H2 day care 40/140, primary school 1, clinic 1 -> 76.19
SELECT is((SELECT round(value, 6) FROM h_run WHERE indicator = 'public_service_facility_coverage' AND community_id = 'H1'),
          round(100 * (1 + 0.75 + 1) / 3, 6), 'public-service coverage H1: (1 + 0.75 + 1) / 3');
SELECT is((SELECT round(value, 6) FROM h_run WHERE indicator = 'public_service_facility_coverage' AND community_id = 'H2'),
          round(100 * (40 / 140.0 + 1 + 1) / 3, 6), 'public-service coverage H2: (40/140 + 1 + 1) / 3');
-- childcare institutions: every child under 3 is within 300 m of a nursery in both
SELECT is((SELECT array_agg(round(value, 6) ORDER BY community_id) FROM h_run
            WHERE indicator = 'childcare_institution_coverage' AND community_id LIKE 'H%'),
          ARRAY[100.000000, 100.000000], 'childcare institutions: both communities have one within reach');
-- parking: demand 30 and 40 spaces; H1 gets the 20 spaces of the west car park, R4 the 30 of the east one
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'parking_gap_rate' AND community_id = 'H1'),
          round(100 * (30 - 20) / 30.0, 10), 'parking gap H1: 10 of 30 spaces missing');
SELECT is((SELECT round(value, 10) FROM h_run WHERE indicator = 'parking_gap_rate' AND community_id = 'H2'),
          round(100 * (40 - 30) / 40.0, 10), 'parking gap H2: 10 of 40 spaces missing');
SELECT is((SELECT count(*) FROM h_run r JOIN cp.indicator_values v ON v.community_id = r.community_id AND v.indicator = r.indicator
            WHERE v.period = '2027-12-31' AND v.value = r.value AND v.source = 'computed' AND r.community_id LIKE 'H%'
              AND r.indicator <> 'heritage_protection_rate'), 12::bigint, 'the returned values are the stored ones');
-- roll-up of a rate that is not a share of residents: parking gaps weighted by demand
-- (10 of 30 and 10 of 40 spaces missing: 20 of 70 for the city), not by population
SELECT is((SELECT weighting || ' ' || round(value, 6) FROM cp.scorecard_rollup('city', 2028) WHERE city = 'hc' AND indicator = 'parking_gap_rate'),
          'demand ' || round(100 * 20 / 70.0, 6), 'city roll-up of the parking gap: 20 of 70 spaces, weighted by demand');
SELECT is((SELECT weighting || ' ' || round(value, 6) FROM cp.scorecard_rollup('city', 2028) WHERE city = 'hc' AND indicator = 'childcare_place_gap'),
          'demand ' || round(100 * 8 / 14.0, 6), 'city roll-up of the childcare gap: 8 of 14 places, weighted by demand');
SELECT is((SELECT weighting || ' ' || round(value, 6) FROM cp.scorecard_rollup('city', 2028) WHERE city = 'hc' AND indicator = 'elderly_care_coverage'),
          'communities ' || round(100 * 1 / 2.0, 6), 'city roll-up of elderly care: 1 of 2 communities, not weighted by residents');
-- one call for all communities (scope all), parking once per community type (old, new, rural)
SELECT is((SELECT array_agg(funcname || ':' || calls ORDER BY funcname) FROM pg_stat_xact_user_functions
            WHERE schemaname = 'cp' AND funcname IN ('life_circle', 'coverage', 'supply_gap', 'parking_gap')),
          ARRAY['coverage:4', 'life_circle:1', 'parking_gap:3', 'supply_gap:1'],
          'scope all: each computation runs once for every community (four call cp.coverage), parking once per community type');
-- inputs: the function, the settings the computation reads, the counts
SELECT is((SELECT inputs - 'settings' FROM cp.indicator_values WHERE community_id = 'H1' AND indicator = 'life_circle_15min_coverage'),
          '{"computation": "life_circle_15min_coverage", "period": "2027-12-31", "function": "cp.life_circle", "life_circle": "15min",
            "population": 400, "covered_population": 300, "crowfly_ratio": 0.75, "missing_categories": ["primary_school"]}'::jsonb,
          'life circle inputs: function, level, counts, missing categories');
SELECT is((SELECT inputs -> 'settings' FROM cp.indicator_values WHERE community_id = 'H1' AND indicator = 'life_circle_15min_coverage'),
          (SELECT jsonb_build_object('network', s ->> 'network', 'residents_sql', s ->> 'residents_sql', 'facilities_sql', s ->> 'facilities_sql',
                                     'standard', 'TAP-H', 'profile', NULL, 'unit', 'm', 'population_shares', 'CN-2020') FROM h_settings),
          'life circle inputs: the settings it read, defaults included');
SELECT is((SELECT inputs - 'settings' - 'computation' - 'period' FROM cp.indicator_values WHERE community_id = 'H2' AND indicator = 'elderly_care_coverage'),
          '{"function": "cp.coverage", "category": "elderly_day_care", "target_group": "60+", "unit": "min", "profile": null,
            "reach_share": 0.5, "population": 140, "covered_population": 40, "resident_share": 0.2857142857142857,
            "crowfly_ratio": 0.2857142857142857, "estimated": false, "communities": 1}'::jsonb, 'elderly care inputs: the share of residents 60+ beside the community''s count');
SELECT is((SELECT inputs - 'settings' - 'computation' - 'period' FROM cp.indicator_values WHERE community_id = 'H1' AND indicator = 'childcare_place_gap'),
          '{"function": "cp.supply_gap", "category": "nursery", "target_group": "0-3", "per_1000": 10, "per_1000_of_group": 200,
            "group_share": 0.0297, "group_population": 20, "estimated": false, "demand": 4, "supply": 3, "gap": 1}'::jsonb,
          'childcare inputs: demand from the children under 3');
SELECT is((SELECT inputs - 'settings' - 'computation' - 'period' FROM cp.indicator_values WHERE community_id = 'H2' AND indicator = 'parking_gap_rate'),
          '{"function": "cp.parking_gap", "community_type": "new", "demand": 40, "supply_inside": 30, "supply_allocated": 30, "gap": 10}'::jsonb,
          'parking inputs: the community''s own type');
SELECT is((SELECT inputs -> 'settings' FROM cp.indicator_values WHERE community_id = 'H2' AND indicator = 'parking_gap_rate'),
          (SELECT jsonb_build_object('network', 'tap_street', 'buildings_sql', s ->> 'buildings_sql', 'parking_sql', s ->> 'parking_sql',
                                     'parking_standard', 'CP-parking-default', 'walk_m', 300, 'm2_per_space', 30, 'max_snap_m', 250,
                                     'parking_community_type', NULL, 'unit', 'm', 'profile', 'walk') FROM h_settings),
          'parking inputs: the settings it read, defaults included');
-- the same figures as the functions called directly
SELECT is((SELECT array_agg(round(100 * ratio::numeric, 10) ORDER BY community_id)
             FROM cp.life_circle('tap_street', 'SELECT id, geom, population FROM pg_temp.h_res', 'SELECT id, category, geom FROM pg_temp.h_fac',
                                 'SELECT row_number() OVER (ORDER BY id) AS id, geom FROM cp.communities WHERE id LIKE ''H%''', 'TAP-H')),
          (SELECT array_agg(round(value, 10) ORDER BY community_id) FROM h_run WHERE indicator = 'life_circle_15min_coverage' AND community_id LIKE 'H%'),
          'life circle = cp.life_circle called directly');

-- cultural space per resident, by hand: a 500 m² centre at x = 1000 (the clinic's place; category
-- clinic, radius 1000 m, so every resident reaches it) lies in H2: inside, 500 m² for H2's 600
-- residents and none for H1; within reach, 500 m² shared by 1000 residents = 0.5 m² each.
CREATE TEMP TABLE h_culture AS SELECT * FROM cp.compute_indicators('2027-12-31',
  (SELECT s || jsonb_build_object('compute', jsonb_build_array('cultural_space_per_capita'), 'culture_category', 'clinic',
                                  'culture_facilities_sql', 'SELECT id, category, geom, CASE WHEN id = 4 THEN 500 END AS floor_area FROM pg_temp.h_fac')
     FROM h_settings));
SELECT is((SELECT array_agg(round(value, 10) ORDER BY community_id) FROM h_culture WHERE community_id LIKE 'H%'),
          ARRAY[0, round(500 / 600.0, 10)], 'cultural space H1 0 m², H2 500 m² / 600 residents');
SELECT is((SELECT (inputs ->> 'accessible_m2_per_resident')::numeric FROM cp.indicator_values
            WHERE community_id = 'H1' AND indicator = 'cultural_space_per_capita' AND period = '2027-12-31'),
          0.5, 'cultural space inputs: 0.5 m² within walking reach per resident in H1');

-- public green per resident, by hand: one green of 100 m × 60 m (UTM 50N; given in lon/lat) in H2,
-- none in H1: H2 gets its geodesic area / 600 residents, H1 0.
CREATE TEMP TABLE h_green AS
SELECT 1 AS id, ST_Transform(ST_MakeEnvelope(740500, 2886020, 740600, 2886080, 32650), 4326) AS geom;
CREATE TEMP TABLE h_green_run AS SELECT * FROM cp.compute_indicators('2027-12-31',
  (SELECT s || '{"compute": ["public_green_per_capita"], "standard": "GB50180-2018", "green_sql": "SELECT id, geom FROM pg_temp.h_green"}' FROM h_settings));
SELECT is((SELECT array_agg(round(value, 6) ORDER BY community_id) FROM h_green_run WHERE community_id LIKE 'H%'),
          ARRAY[0, round((SELECT ST_Area(geom::geography) FROM h_green)::numeric / 600, 6)],
          'public green H1 0, H2 the green''s geodesic area / 600 residents');
-- the rural/urban ratio, by hand: H2 made rural: its public-service coverage (40/140 + 1 + 1) / 3
-- over the urban H1's (1 + 0.75 + 1) / 3 = 83.12 %; no value for the urban H1
UPDATE cp.communities SET community_type = 'rural' WHERE id = 'H2';
CREATE TEMP TABLE h_rural_run AS SELECT * FROM cp.compute_indicators('2027-12-31',
  (SELECT s || '{"compute": ["rural_service_coverage_ratio"]}' FROM h_settings));
SELECT is((SELECT string_agg(community_id || ' ' || action || ' ' || coalesce(round(value, 6)::text, '-'), ', ' ORDER BY community_id)
             FROM h_rural_run WHERE community_id LIKE 'H%'),
          'H1 no_value -, H2 inserted ' || round(100 * ((40 / 140.0 + 2) / 3) / ((1 + 0.75 + 1) / 3), 6),
          'rural ratio: the rural H2''s coverage over the urban H1''s');
UPDATE cp.communities SET community_type = 'new' WHERE id = 'H2';
DELETE FROM cp.indicator_values WHERE indicator IN ('public_green_per_capita', 'rural_service_coverage_ratio') AND period = '2027-12-31';
-- childcare institutions without the east nursery: H2's 50 children under 3 are 650 m and 350 m from
-- the west one (beyond 300 m): H2 does not count; H1 still does
CREATE TEMP TABLE h_inst_run AS SELECT * FROM cp.compute_indicators('2027-06-30',
  (SELECT s || '{"compute": ["childcare_institution_coverage"], "facilities_sql": "SELECT id, category, geom FROM pg_temp.h_fac WHERE id <> 6"}' FROM h_settings));
SELECT is((SELECT array_agg(round(value, 6) ORDER BY community_id) FROM h_inst_run WHERE community_id LIKE 'H%'),
          ARRAY[100.000000, 0.000000], 'childcare institutions: without the east nursery H2 has none within reach');
DELETE FROM cp.indicator_values WHERE indicator = 'childcare_institution_coverage' AND period = '2027-06-30';

-- a second run replaces; a run without settings skips them and keeps the values
SELECT is((SELECT count(*) FROM cp.compute_indicators('2027-12-31', (SELECT s FROM h_settings))
            WHERE community_id LIKE 'H%' AND action = 'replaced'), 12::bigint, 'a second run replaces the twelve values');
SELECT is((SELECT array_agg(DISTINCT action) FROM cp.compute_indicators('2027-12-31') WHERE indicator <> 'heritage_protection_rate'),
          ARRAY['no_settings'], 'without settings the computations are skipped (no_settings)');
SELECT is((SELECT count(*) FROM cp.indicator_values WHERE community_id LIKE 'H%' AND period = '2027-12-31'), 14::bigint,
          'and their values stay (twelve, and the two cultural-space values)');
-- only the indicators named in "compute"; one parking type for all
SELECT is((SELECT array_agg(DISTINCT indicator) FROM cp.compute_indicators('2027-12-31',
             (SELECT s || '{"compute": ["parking_gap_rate"], "parking_community_type": "old"}' FROM h_settings))),
          ARRAY['parking_gap_rate'], 'compute: only the indicators named');
SELECT is((SELECT inputs ->> 'community_type' FROM cp.indicator_values WHERE community_id = 'H2' AND indicator = 'parking_gap_rate'),
          'old', 'parking_community_type applies one type to every community');
-- errors: a missing key of an indicator asked for, a key of the wrong type
SELECT throws_ok($$SELECT * FROM cp.compute_indicators('2027-12-31', '{"compute": ["childcare_place_gap"], "network": "tap_street"}')$$,
                 '22023', 'settings keys "childcare_facilities_sql", "childcare_per_1000", "residents_sql" are missing for indicator "childcare_place_gap"',
                 'a missing key of an indicator asked for by name');
SELECT throws_ok($$SELECT * FROM cp.compute_indicators('2027-12-31', (SELECT s || '{"walk_m": "300"}' FROM h_settings))$$,
                 '22023', 'settings key "walk_m" must be a number, not a string', 'a key of the wrong type');
SELECT throws_ok($$SELECT * FROM cp.compute_indicators('2027-12-31', (SELECT s || '{"network": "nowhere"}' FROM h_settings))$$,
                 '42704', 'computing indicator "childcare_institution_coverage" for all communities failed: network "nowhere" does not exist',
                 'an unknown network, named with the indicator');
RESET client_min_messages;

-- Errors -----------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM cp.scorecard('nope')$$, '42704', 'community "nope" does not exist', 'unknown community');
SELECT throws_ok($$SELECT cp.scorecard_json('nope')$$, '42704', NULL, 'unknown community (JSON)');
SELECT throws_ok($$SELECT * FROM cp.scorecard('G001', 2026)$$, '22023', 'unknown plan stage 2026', 'unknown stage');
SELECT throws_ok($$SELECT * FROM cp.scorecard_summary('G001', 0)$$, '22023', NULL, 'unknown stage (summary)');
SELECT throws_ok($$SELECT * FROM cp.scorecard_rollup('street')$$, '22023', 'unknown roll-up level "street"', 'unknown level');
SELECT throws_ok($$SELECT * FROM cp.scorecard_rollup('district', 2020)$$, '22023', NULL, 'unknown stage (roll-up)');
SELECT throws_ok($$INSERT INTO cp.communities (id, name, geom) VALUES ('X', 'x', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326)))$$,
                 '23514', NULL, 'an outline in another SRID');
SELECT throws_ok($$UPDATE cp.communities SET geom = ST_SetSRID(geom, 0) WHERE id = 'G001'$$, '23514', NULL, 'an outline without SRID');
SELECT lives_ok($$UPDATE cp.communities SET geom = ST_Multi(ST_MakeEnvelope(730100, 2885000, 730150, 2885100, 32650)) WHERE id = 'G001'$$,
                'an outline in the same SRID is fine');

-- NULL sweep: every argument NULL in turn
SELECT is((SELECT count(*) FROM cp.scorecard(NULL, 2028)), 0::bigint, 'scorecard(NULL, stage): no rows');
SELECT is((SELECT count(*) FROM cp.scorecard('G001', NULL)), 36::bigint, 'scorecard(id, NULL): today''s stage');
SELECT is((SELECT count(*) FROM cp.scorecard_summary(NULL, NULL)), 0::bigint, 'scorecard_summary(NULL, NULL): no rows');
SELECT is(cp.scorecard_json(NULL, 2028), NULL, 'scorecard_json(NULL): NULL');
SELECT is((SELECT count(*) FROM cp.scorecard_rollup(NULL, 2028)), 0::bigint, 'scorecard_rollup(NULL, stage): no rows');
SELECT ok((SELECT count(*) FROM cp.scorecard_rollup('city', NULL)) > 0, 'scorecard_rollup(level, NULL): today''s stage');
SELECT is((SELECT count(*) FROM cp.compute_indicators(NULL, '{}')), 0::bigint, 'compute_indicators(NULL period): nothing');
SELECT is(cp.normalised_score(NULL, 1, 2, 'higher', 0, 10), NULL, 'normalised_score without value: NULL');

SELECT * FROM finish();
ROLLBACK;
