-- Scorecard: contracts (objects, volatility, comments, search_path, dump
-- registration, privileges), invariants of scores and weights on a generated
-- set of communities, roll-up arithmetic, computed heritage rate across SRIDs,
-- errors and a NULL sweep of every argument.
BEGIN;
SELECT plan(76);

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
  ('cp.check_community()', 'v', false),
  ('cp.check_indicator_computation()', 'v', false),
  ('cp._scorecard_stage(text,integer)', 's', false),
  ('cp._rollup_stage(text,integer)', 's', false),
  ('cp._current_stage()', 's', false),
  ('cp._dimension_rank(text)', 'i', true);
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
SELECT is((SELECT array_agg(indicator) FROM cp.indicator_computations), ARRAY['heritage_protection_rate'],
          'only the heritage computation ships');
SELECT is((SELECT count(*) FROM cp.indicator_computations c JOIN cp.indicators i ON i.code = c.indicator
            WHERE i.obtained = 'computed' AND i.measure ILIKE '%heritage%'), 1::bigint,
          'it belongs to the computed heritage indicator');
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
             FROM cp.compute_indicators('2027-06-30') WHERE community_id IN ('G001', 'G003', 'G007')),
          ARRAY['inserted:100', 'inserted:0', 'no_value:-'], 'heritage rate per community, across SRIDs');
SELECT is((SELECT (inputs -> 'area' ->> 'transformed_to')::int FROM cp.indicator_values
            WHERE community_id = 'G001' AND indicator = 'heritage_protection_rate' AND period = '2027-06-30'),
          4549, 'the outline was transformed to the register''s SRID, and the inputs say so');
SELECT is((SELECT count(*) FROM cp.compute_indicators('2027-06-30') WHERE action = 'replaced'), 6::bigint,
          'a second run replaces the six values');
SELECT is((SELECT count(*) FROM cp.indicator_values WHERE indicator = 'heritage_protection_rate' AND source = 'computed'),
          6::bigint, 'and adds none');

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
