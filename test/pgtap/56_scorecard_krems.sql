-- The computed indicators end to end on the real Krems extract: communities are 1 km grid
-- cells over the town; cp.compute_indicators fills life circle, elderly care, childcare gap,
-- parking gap and heritage rate from the coverage, parking and heritage functions; every value
-- equals what the function returns when called directly with the same inputs; and the
-- scorecard of one community is recomputed by hand from those values.
BEGIN;
SELECT plan(18);
SET LOCAL client_min_messages = warning;

-- Inputs, as in the coverage and parking suites: residents are the buildings that are not
-- plainly something else (population from floor area), facilities the POIs cp.osm_category maps,
-- buildings with a use and households, public car parks.
CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE k_res AS
SELECT row_number() OVER (ORDER BY b.area_id) AS id, b.geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM krems.buildings b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM nonres);
CREATE TEMP TABLE k_fac AS
SELECT row_number() OVER (ORDER BY p.osm_type, p.osm_id) AS id, cp.osm_category(p.tags) AS category, p.geom,
       NULL::float8 AS capacity
  FROM krems.pois p WHERE cp.osm_category(p.tags) IS NOT NULL;
CREATE TEMP TABLE k_bld AS
SELECT area_id AS id, geom,
       CASE WHEN residential OR building IN ('yes', 'residential', 'apartments', 'house') THEN 'residential'
            WHEN building IN ('office', 'commercial') THEN 'office'
            WHEN building IN ('retail', 'supermarket') THEN 'retail'
            WHEN building IN ('school', 'university', 'kindergarten') THEN 'school'
            WHEN building IN ('hospital', 'clinic') THEN 'clinic' END AS use,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 4))) / 2.62 AS households,
       cp.building_floor_area(geom, coalesce(levels, 4)) AS floor_area
  FROM krems.buildings;
CREATE TEMP TABLE k_lots AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, geom, capacity
  FROM krems.parking WHERE access IS NULL OR access NOT IN ('private', 'no');

-- Communities: 1 km cells (UTM 33N, the network's CRS) with residents, ids KR-01, KR-02, ...
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT 'KR-' || lpad(row_number() OVER (ORDER BY g.i, g.j)::text, 2, '0'), 'Krems cell ' || g.i || '/' || g.j,
       'Krems', 'Krems an der Donau', 'old',
       (SELECT round(sum(r.population)) FROM k_res r WHERE ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(r.geom), 32633))),
       ST_Multi(g.geom)
  FROM ST_SquareGrid(1000, (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 4326), 32633) FROM k_res)) g
 WHERE EXISTS (SELECT 1 FROM k_res r WHERE r.population > 0
                 AND ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(r.geom), 32633)));
SELECT cmp_ok((SELECT count(*) FROM cp.communities WHERE id LIKE 'KR-%'), '>=', 4::bigint, 'Krems: at least four cells with residents');

-- Heritage: the mapped Krems castles as municipal sites, the first one damaged
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m, decision_ref)
SELECT 'OSM-' || osm_id, coalesce(name, historic), 'municipal', f, ST_Multi(ST_Buffer(f, 15)), ST_Multi(ST_Buffer(f, 80)), 10, 'OSM import'
  FROM (SELECT osm_id, name, historic, ST_Multi(ST_Transform(geom, 32633)) AS f
          FROM krems.heritage WHERE GeometryType(geom) = 'POLYGON') k;
UPDATE cp.heritage_site SET condition = 'damaged' WHERE id = (SELECT min(id) FROM cp.heritage_site WHERE code LIKE 'OSM-%');

CREATE TEMP TABLE k_settings AS SELECT jsonb_build_object(
  'network', 'krems',
  'residents_sql', 'SELECT id, geom, population FROM pg_temp.k_res',
  'facilities_sql', 'SELECT id, category, geom FROM pg_temp.k_fac',
  'childcare_facilities_sql', 'SELECT id, category, geom, capacity FROM pg_temp.k_fac',
  'childcare_per_1000', 10,
  'culture_facilities_sql', 'SELECT id, category, geom, NULL::float8 AS floor_area FROM pg_temp.k_fac',
  'buildings_sql', 'SELECT id, geom, use, households, floor_area FROM pg_temp.k_bld',
  'parking_sql', 'SELECT id, geom, capacity FROM pg_temp.k_lots') AS s;
CREATE TEMP TABLE k_run AS SELECT * FROM cp.compute_indicators('2026-12-31', (SELECT s FROM k_settings));
-- OSM maps the Krems parks as points: no green area to measure, so no green_sql is given
SELECT is((SELECT array_agg(DISTINCT indicator) FROM k_run WHERE action = 'no_settings'), ARRAY['public_green_per_capita'],
          'every computation had its settings but public green (no green_sql)');
SELECT is((SELECT count(DISTINCT indicator) FROM k_run), 10::bigint, 'ten computations ran');
SELECT is((SELECT count(*) FROM k_run WHERE community_id LIKE 'KR-%'),
          10 * (SELECT count(*) FROM cp.communities WHERE id LIKE 'KR-%'), 'one row per cell and computation');

-- The same inputs straight into the functions; the communities query keys cells by id order
CREATE TEMP TABLE k_cells AS
SELECT row_number() OVER (ORDER BY id) AS k, id, geom FROM cp.communities WHERE geom IS NOT NULL;
CREATE TEMP TABLE k_direct AS
SELECT 'life_circle_15min_coverage' AS indicator, c.id, 100 * l.ratio::numeric AS value
  FROM cp.life_circle('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom FROM pg_temp.k_fac',
                      'SELECT k AS id, geom FROM pg_temp.k_cells') l JOIN k_cells c ON c.k = l.community_id
UNION ALL
SELECT 'elderly_care_coverage', c.id,   -- a share of communities: most residents 60+ within 5 minutes at the elderly pace
       CASE WHEN v.population > 0 THEN CASE WHEN v.covered_population >= 0.5 * v.population THEN 100 ELSE 0 END END
  FROM cp.coverage('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom FROM pg_temp.k_fac',
                   'SELECT k AS id, geom FROM pg_temp.k_cells', unit => 'min') v JOIN k_cells c ON c.k = v.community_id
 WHERE v.category = 'elderly_day_care'
UNION ALL
SELECT 'childcare_institution_coverage', c.id,
       CASE WHEN v.population > 0 THEN CASE WHEN v.covered_population >= 0.5 * v.population THEN 100 ELSE 0 END END
  FROM cp.coverage('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom FROM pg_temp.k_fac',
                   'SELECT k AS id, geom FROM pg_temp.k_cells') v JOIN k_cells c ON c.k = v.community_id
 WHERE v.category = 'nursery'
UNION ALL
SELECT 'public_service_facility_coverage', c.id, 100 * avg(v.ratio)::numeric
  FROM cp.coverage('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom FROM pg_temp.k_fac',
                   'SELECT k AS id, geom FROM pg_temp.k_cells') v JOIN k_cells c ON c.k = v.community_id
 WHERE v.category IN (SELECT code FROM cp.life_circle_requirements('GB50180-2018', '15min'))
 GROUP BY c.id HAVING avg(v.ratio) IS NOT NULL
UNION ALL
SELECT 'childcare_place_gap', c.id, 100 * g.gap_ratio::numeric   -- 10 per 1000 residents = 10 / 0.0297 per 1000 under-3s
  FROM cp.supply_gap('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom, capacity FROM pg_temp.k_fac',
                     'nursery', 'SELECT k AS id, geom FROM pg_temp.k_cells', 10 / 0.0297) g JOIN k_cells c ON c.k = g.community_id
UNION ALL
SELECT 'parking_gap_rate', c.id, 100 * p.gap_ratio::numeric
  FROM cp.parking_gap('krems', 'SELECT id, geom, use, households, floor_area FROM pg_temp.k_bld',
                      'SELECT id, geom, capacity FROM pg_temp.k_lots', 'SELECT k AS id, geom FROM pg_temp.k_cells') p
  JOIN k_cells c ON c.k = p.community_id
UNION ALL
SELECT 'heritage_protection_rate', c.id, CASE WHEN h.listed > 0 THEN 100 * h.protected::numeric / h.listed END
  FROM k_cells c, cp.heritage_protection_rate(c.geom) h;

SELECT is((SELECT count(*) FROM k_direct d LEFT JOIN k_run r ON r.community_id = d.id AND r.indicator = d.indicator
            WHERE d.id LIKE 'KR-%' AND r.value IS DISTINCT FROM d.value), 0::bigint,
          'Krems: every computed value equals the function called directly (NULL where it gives none)');
SELECT is((SELECT count(*) FROM k_direct d LEFT JOIN cp.indicator_values v ON v.community_id = d.id AND v.indicator = d.indicator
                                                                       AND v.period = '2026-12-31'
            WHERE d.id LIKE 'KR-%' AND v.value IS DISTINCT FROM d.value), 0::bigint, 'and so does every stored value');
SELECT cmp_ok((SELECT count(*) FROM k_run WHERE community_id LIKE 'KR-%' AND indicator = 'parking_gap_rate' AND value > 0), '>', 0::bigint,
              'parking gaps are computed (not vacuous)');
SELECT cmp_ok((SELECT count(*) FROM k_run WHERE indicator = 'heritage_protection_rate' AND value IS NOT NULL), '>', 0::bigint,
              'a cell holds the castles: heritage rate computed');
SELECT is((SELECT count(*) FROM k_run WHERE community_id LIKE 'KR-%' AND indicator = 'life_circle_15min_coverage' AND value > 0), 0::bigint,
          'the complete GB 50180-2018 life circle is 0 % in every cell (OSM maps no kindergarten, day care or cultural centre)');
SELECT is((SELECT count(*) FROM k_run WHERE community_id LIKE 'KR-%' AND indicator = 'childcare_place_gap' AND value <> 100), 0::bigint,
          'no nursery mapped: the childcare place gap is 100 % wherever people live');
SELECT is((SELECT count(*) FROM cp.indicator_values WHERE community_id LIKE 'KR-%' AND period = '2026-12-31'
              AND (inputs ->> 'function' IS NULL OR inputs -> 'settings' IS NULL OR inputs ->> 'period' <> '2026-12-31')),
          0::bigint, 'every stored value records function, settings and period');
SELECT is((SELECT count(*) FROM cp.indicator_values v JOIN cp.communities c ON c.id = v.community_id
            WHERE v.community_id LIKE 'KR-%' AND v.indicator = 'life_circle_15min_coverage'
              AND abs((v.inputs ->> 'population')::float8 - c.population) > 1), 0::bigint,
          'the life-circle inputs count the cell''s residents');

-- With a set reduced to what Krems maps (park, primary school, sports, clinic) the life circle is
-- not empty: computed for that indicator alone, into another period, again equal to the function
SELECT ok(cp.copy_standard('GB50180-2018', 'TAP-K', '测试') > 0, 'a reduced user set');
DELETE FROM cp.facility_categories WHERE standard = 'TAP-K' AND code NOT IN ('park', 'primary_school', 'sports', 'clinic');
CREATE TEMP TABLE k_lite AS
SELECT * FROM cp.compute_indicators('2026-06-30',
  (SELECT s || '{"standard": "TAP-K", "compute": ["life_circle_15min_coverage"]}' FROM k_settings));
SELECT is((SELECT count(*) FROM k_lite l
             JOIN k_cells c ON c.id = l.community_id
             LEFT JOIN cp.life_circle('krems', 'SELECT id, geom, population FROM pg_temp.k_res', 'SELECT id, category, geom FROM pg_temp.k_fac',
                                      'SELECT k AS id, geom FROM pg_temp.k_cells', 'TAP-K') d ON d.community_id = c.k
            WHERE l.value IS DISTINCT FROM 100 * d.ratio::numeric), 0::bigint,
          'reduced life circle: computed = cp.life_circle');
SELECT cmp_ok((SELECT max(value) FROM k_lite), '>', 0::numeric, 'reduced life circle: some cell has residents inside one');
SELECT diag(format('Krems %s: %s', l.community_id, round(l.value, 1))) FROM k_lite l ORDER BY l.community_id;

-- The scorecard of the cell with the castles, by hand at the 2028 stage. Targets and baselines
-- from the catalogue: life circle ≥ 90 (no baseline: scored from 0), elderly care 58 → 90,
-- childcare gap 65 → 30 (lower), parking gap 38 → 20 (lower), heritage ≥ 90 (no baseline).
CREATE TEMP TABLE k_one AS
SELECT min(community_id) AS id FROM k_run WHERE indicator = 'heritage_protection_rate' AND value IS NOT NULL;
CREATE TEMP TABLE k_hand AS
SELECT v.indicator, v.value, h.target, h.met, h.gap,
       greatest(0, least(100, 100 * (v.value - h.zero) / (h.target - h.zero))) AS score
  FROM cp.indicator_values v
  JOIN (VALUES ('life_circle_15min_coverage', 0, 90, 'higher'), ('elderly_care_coverage', 58, 90, 'higher'),
               ('childcare_place_gap', 65, 30, 'lower'), ('parking_gap_rate', 38, 20, 'lower'),
               ('heritage_protection_rate', 0, 90, 'higher'), ('public_service_facility_coverage', 0, 85, 'higher'),
               ('childcare_institution_coverage', 30, 100, 'higher')) t (indicator, zero, target, direction) ON t.indicator = v.indicator
  CROSS JOIN LATERAL (SELECT t.zero::numeric AS zero, t.target::numeric AS target,
                             CASE t.direction WHEN 'higher' THEN v.value >= t.target ELSE v.value <= t.target END AS met,
                             CASE t.direction WHEN 'higher' THEN t.target - v.value ELSE v.value - t.target END AS gap) h
 WHERE v.community_id = (SELECT id FROM k_one) AND v.period = '2026-12-31';
SELECT is((SELECT count(*) FROM k_hand), 7::bigint, 'the castle cell has all seven computed values');
SELECT is((SELECT count(*) FROM k_hand h JOIN cp.scorecard((SELECT id FROM k_one), 2028) s ON s.indicator = h.indicator
            WHERE s.target = h.target AND s.met = h.met AND s.gap = h.gap AND round(s.score, 10) = round(h.score, 10)),
          7::bigint, 'scorecard: target, met, gap and score of the seven as computed by hand');
-- domains: infrastructure = parking, public services = (0.4 life circle + 0.3 public services) / 0.7
-- (the rural ratio has no value: no rural cell), elderly/childcare = 0.4 elderly + 0.3 childcare gap
-- + 0.3 institutions, cultural heritage = heritage; livability = mean of its three domains;
-- humanity = heritage; overall = mean of the two scored dimensions
SELECT is((SELECT round(score, 10) FROM cp.scorecard_summary((SELECT id FROM k_one), 2028) WHERE level = 'overall'),
          (SELECT round(((p.score + (0.4 * l.score + 0.3 * ps.score) / 0.7 + 0.4 * e.score + 0.3 * c.score + 0.3 * ci.score) / 3
                         + hr.score) / 2, 10)
             FROM k_hand p, k_hand l, k_hand e, k_hand c, k_hand hr, k_hand ps, k_hand ci
            WHERE p.indicator = 'parking_gap_rate' AND l.indicator = 'life_circle_15min_coverage'
              AND e.indicator = 'elderly_care_coverage' AND c.indicator = 'childcare_place_gap'
              AND hr.indicator = 'heritage_protection_rate' AND ps.indicator = 'public_service_facility_coverage'
              AND ci.indicator = 'childcare_institution_coverage'),
          'overall score of the castle cell by hand');
SELECT diag(format('%s %-28s value %8s target %3s met %-5s gap %8s score %6s', (SELECT id FROM k_one), s.indicator,
                   round(s.value, 2), s.target, s.met, round(s.gap, 2), round(s.score, 2)))
  FROM cp.scorecard((SELECT id FROM k_one), 2028) s WHERE s.status = 'scored';
SELECT diag(format('%s %-9s %-18s score %6s scored %s missing %s', (SELECT id FROM k_one), level, code, round(score, 2), scored, missing))
  FROM cp.scorecard_summary((SELECT id FROM k_one), 2028) WHERE score IS NOT NULL;

SELECT * FROM finish();
ROLLBACK;
