-- Life-circle coverage on the real OSM extracts: contracts, invariants, and an
-- oracle comparison of cp.access with cp.walk_distance.
BEGIN;
SELECT plan(41);
SET LOCAL client_min_messages = warning;

SELECT has_function('cp', 'access', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text']);
SELECT has_function('cp', 'coverage', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text']);
SELECT has_function('cp', 'life_circle', ARRAY['text', 'text', 'text', 'text', 'text', 'text', 'text', 'text', 'text']);
SELECT has_function('cp', 'supply_gap', ARRAY['text', 'text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'text', 'double precision', 'text', 'text']);
SELECT has_function('cp', 'space_per_resident', ARRAY['text', 'text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'text', 'double precision', 'text', 'text']);
SELECT ok((SELECT p.provolatile = 'v' AND array_to_string(p.proconfig, ',') LIKE 'search_path=%' FROM pg_proc p
            WHERE p.oid = 'cp.space_per_resident(text, text, text, text, text, float8, text, text, text, float8, text, text)'::regprocedure
              AND obj_description(p.oid, 'pg_proc') IS NOT NULL),
          'space_per_resident: VOLATILE, commented, fixed search_path');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'cp' AND p.proname IN ('access', 'coverage', 'life_circle', 'supply_gap')
              AND p.provolatile = 'v' AND obj_description(p.oid, 'pg_proc') IS NOT NULL
              AND array_to_string(p.proconfig, ',') LIKE 'search_path=%'), 4::bigint,
          'the four functions are VOLATILE, commented, with a fixed search_path');
SELECT is((SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'cp' AND p.proname IN ('access', 'coverage', 'life_circle', 'supply_gap') AND p.proisstrict),
          0::bigint, 'none is STRICT (a NULL profile is each category''s own; communities_sql may be NULL)');

-- Residents: the extracts tag few buildings as residential, so every building that is not plainly
-- something else is a resident unit, population from floor area; facilities: POIs mapped to categories.
CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE res AS
SELECT a.area, row_number() OVER (PARTITION BY a.area ORDER BY b.area_id) AS id, b.geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area),
       LATERAL (SELECT * FROM monaco.buildings WHERE a.area = 'monaco'
                UNION ALL SELECT * FROM krems.buildings WHERE a.area = 'krems'
                UNION ALL SELECT * FROM andorra.buildings WHERE a.area = 'andorra') b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM nonres);
CREATE TEMP TABLE fac AS
SELECT a.area, row_number() OVER (PARTITION BY a.area ORDER BY p.osm_type, p.osm_id) AS id,
       cp.osm_category(p.tags) AS category, p.geom
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area),
       LATERAL (SELECT * FROM monaco.pois WHERE a.area = 'monaco'
                UNION ALL SELECT * FROM krems.pois WHERE a.area = 'krems'
                UNION ALL SELECT * FROM andorra.pois WHERE a.area = 'andorra') p
 WHERE cp.osm_category(p.tags) IS NOT NULL;
SELECT cmp_ok((SELECT count(DISTINCT area) FROM res WHERE population > 0), '=', 3::bigint, 'residents in all three areas');

CREATE TEMP TABLE acc AS
SELECT a.area, x.* FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area),
  LATERAL cp.access(a.area, format('SELECT id, geom, population FROM res WHERE area = %L', a.area),
                    format('SELECT id, category, geom FROM fac WHERE area = %L', a.area)) x;
CREATE TEMP TABLE cov AS
SELECT a.area, x.* FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area),
  LATERAL cp.coverage(a.area, format('SELECT id, geom, population FROM res WHERE area = %L', a.area),
                      format('SELECT id, category, geom FROM fac WHERE area = %L', a.area)) x;
CREATE TEMP TABLE lc AS
SELECT a.area, x.* FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area), unnest(ARRAY['5min', '10min', '15min']) l (lvl),
  LATERAL cp.life_circle(a.area, format('SELECT id, geom, population FROM res WHERE area = %L', a.area),
                         format('SELECT id, category, geom FROM fac WHERE area = %L', a.area), life_circle => l.lvl) x;

-- access: one row per resident and category of the standard, radius from the catalogue
SELECT is((SELECT count(*) FROM acc), (SELECT count(*) * 13 FROM res), 'access: 13 GB 50180-2018 categories per resident');
SELECT is((SELECT count(*) FROM acc a WHERE a.radius_m <> (SELECT min(v.effective_radius_m) FROM cp.life_circle_categories v
                                                            WHERE v.standard = 'GB50180-2018' AND v.code = a.category
                                                              AND v.life_circle = v.from_level)), 0::bigint,
          'access: the radius is the category''s lowest-level effective radius');
SELECT is((SELECT count(*) FROM acc WHERE covered <> (distance_m IS NOT NULL AND distance_m <= radius_m + 0.001)
                                     OR (facility_id IS NULL) <> (distance_m IS NULL)), 0::bigint,
          'access: covered exactly when a facility is found within the radius');
SELECT is((SELECT count(*) FROM acc a JOIN fac f ON f.area = a.area AND f.id = a.facility_id WHERE f.category <> a.category), 0::bigint,
          'access: the facility found is of the row''s category');

-- oracle: the walking distance of 150 covered resident/category pairs per area equals cp.walk_distance
SELECT setseed(0.35);
CREATE TEMP TABLE sample AS
SELECT * FROM (SELECT a.*, row_number() OVER (PARTITION BY a.area ORDER BY random()) AS n FROM acc a WHERE covered) s WHERE n <= 150;
SELECT is((SELECT count(*) FROM sample s JOIN res r ON r.area = s.area AND r.id = s.resident_id
                                         JOIN fac f ON f.area = s.area AND f.id = s.facility_id
            WHERE abs(cp.walk_distance(s.area, r.geom, f.geom) - s.distance_m) > 1e-6 * greatest(s.distance_m, 1)), 0::bigint,
          'oracle: cp.access distance = cp.walk_distance for the sampled covered pairs');
SELECT is((SELECT count(*) FROM sample), (SELECT sum(least(n, 150)) FROM (SELECT count(*) AS n FROM acc WHERE covered GROUP BY area) x)::bigint,
          'up to 150 pairs sampled in each area (Andorra''s extract has fewer)');
-- oracle for the uncovered: no facility of the category within the radius by cp.walk_distance
CREATE TEMP TABLE usample AS
SELECT * FROM (SELECT a.*, row_number() OVER (PARTITION BY a.area ORDER BY random()) AS n FROM acc a
                WHERE NOT covered AND a.category IN ('kindergarten', 'primary_school', 'clinic')) s WHERE n <= 40;
SELECT is((SELECT count(*) FROM usample s JOIN res r ON r.area = s.area AND r.id = s.resident_id
                                          JOIN fac f ON f.area = s.area AND f.category = s.category
            WHERE cp.walk_distance(s.area, r.geom, f.geom) <= s.radius_m), 0::bigint,
          'oracle: uncovered residents have no facility of the category within the radius by cp.walk_distance');

-- crow-fly: the grid-cell join finds exactly the pairs a brute-force ST_DWithin finds
SELECT is((SELECT count(*) FROM acc a JOIN res r ON r.area = a.area AND r.id = a.resident_id JOIN cp.networks n ON n.name = a.area
            WHERE a.crowfly_covered <> EXISTS (SELECT 1 FROM fac f WHERE f.area = a.area AND f.category = a.category
                                                 AND ST_DWithin(ST_Transform(ST_PointOnSurface(r.geom), n.srid),
                                                                ST_Transform(f.geom, n.srid), a.radius_m + 0.001))), 0::bigint,
          'crow-fly coverage equals a brute-force ST_DWithin in the network CRS for every resident and category');

-- walking vs crow-fly, per resident: covered on foot but not as the crow flies only through snapping
CREATE TEMP TABLE walk_not_crow AS
SELECT a.*, ST_Distance(ST_Transform(ST_PointOnSurface(r.geom), n.srid), ST_Transform(f.geom, n.srid)) AS crow_m
  FROM acc a JOIN res r ON r.area = a.area AND r.id = a.resident_id
  JOIN fac f ON f.area = a.area AND f.id = a.facility_id JOIN cp.networks n ON n.name = a.area
 WHERE a.covered AND NOT a.crowfly_covered;
SELECT is((SELECT count(*) FROM walk_not_crow w
            WHERE w.crow_m > w.distance_m + 0.01
                  + (SELECT s.snap_distance_m FROM res r, cp.snap(w.area, r.geom) s WHERE r.area = w.area AND r.id = w.resident_id)
                  + (SELECT s.snap_distance_m FROM fac f, cp.snap(w.area, f.geom) s WHERE f.area = w.area AND f.id = w.facility_id)),
          0::bigint, 'covered on foot but not as the crow flies: only by the snap offsets (walks are measured between snapped points)');
SELECT diag(format('%s: %s of %s covered resident/category rows are covered on foot but not as the crow flies', area, n, m))
  FROM (SELECT a.area, count(*) FILTER (WHERE covered AND NOT crowfly_covered) AS n, count(*) FILTER (WHERE covered) AS m
          FROM acc a GROUP BY a.area ORDER BY a.area) x;

-- coverage: weighted by each category's target group, one row per category; without age
-- columns a group is the residents' total times its share in CN-2020 (estimated)
SELECT is((SELECT count(*) FROM cov), 39::bigint, 'coverage: 13 categories per area, whole area');
SELECT is((SELECT count(*) FROM cov c
            WHERE abs(c.population - (SELECT sum(r.population) FROM res r WHERE r.area = c.area)
                                     * coalesce((SELECT s.share FROM cp.population_shares s
                                                  WHERE s.region = 'CN-2020' AND s.group_code = c.target_group), 1))
                  > 1e-6 * c.population OR c.estimated <> (c.target_group <> 'all')), 0::bigint,
          'coverage: every category''s population is the residents'' total times its target group''s share (estimated)');
SELECT is((SELECT count(*) FROM cov c WHERE abs(c.covered_population - (SELECT coalesce(sum(a.population), 0) FROM acc a
                                          WHERE a.area = c.area AND a.category = c.category AND a.covered)) > 1e-6 * c.population),
          0::bigint, 'coverage: covered population is the target group of the residents cp.access covers');
SELECT is((SELECT count(*) FROM cov WHERE NOT (ratio BETWEEN 0 AND 1 AND crowfly_ratio BETWEEN 0 AND 1)), 0::bigint,
          'coverage: ratios between 0 and 1');
SELECT is((SELECT count(*) FROM cov WHERE ratio > crowfly_ratio + 0.005), 0::bigint,
          'coverage: walking ratio <= crow-fly ratio for every area and category (0.5 point for the snap offsets)');
SELECT cmp_ok((SELECT count(*) FROM cov WHERE ratio < crowfly_ratio - 0.05), '>', 5::bigint,
              'coverage: walking is clearly lower than crow-fly somewhere (rivers, hills, dead ends)');
SELECT diag(format('%-8s %-18s population %8s walking %5s %% crow-fly %5s %%', area, category, round(population::numeric),
                   round(100 * ratio::numeric, 1), round(100 * crowfly_ratio::numeric, 1)))
  FROM cov ORDER BY area, category;

-- communities: a 500 m grid over Krems adds up to the whole area
CREATE TEMP TABLE cells AS
SELECT row_number() OVER () AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_Envelope(ST_Collect(r.geom)), n.srid) FROM res r, cp.networks n
                            WHERE r.area = 'krems' AND n.name = 'krems' GROUP BY n.srid)) g;
CREATE TEMP TABLE covc AS
SELECT * FROM cp.coverage('krems', 'SELECT id, geom, population FROM res WHERE area = ''krems''',
                          'SELECT id, category, geom FROM fac WHERE area = ''krems''', 'SELECT id, geom FROM cells');
SELECT is((SELECT count(*) FROM (SELECT c.category FROM covc c JOIN cov w ON w.area = 'krems' AND w.category = c.category
                                  GROUP BY c.category, w.population, w.covered_population
                                 HAVING abs(sum(c.population) - w.population) > 1e-6 * w.population
                                     OR abs(sum(c.covered_population) - w.covered_population) > 1e-6 * w.population) x),
          0::bigint, 'communities: the grid cells add up to the whole area, per category');
SELECT is((SELECT count(*) FROM covc WHERE population = 0 AND ratio IS NOT NULL), 0::bigint, 'communities: empty cells have a NULL ratio');

-- life circles: one row per area and level, nested, bounded by each required category
SELECT is((SELECT count(*) FROM lc), 9::bigint, 'life_circle: one row per area and level');
SELECT is((SELECT count(*) FROM lc l WHERE abs(l.population - (SELECT sum(r.population) FROM res r WHERE r.area = l.area))
                                         > 1e-6 * l.population), 0::bigint, 'life_circle: population is the residents'' total');
SELECT is((SELECT count(*) FROM lc WHERE NOT (ratio BETWEEN 0 AND 1 AND crowfly_ratio BETWEEN 0 AND 1)), 0::bigint,
          'life_circle: ratios between 0 and 1');
SELECT is((SELECT count(*) FROM lc a JOIN lc b ON b.area = a.area
            WHERE cp.life_circle_rank(b.life_circle) > cp.life_circle_rank(a.life_circle) AND b.ratio > a.ratio), 0::bigint,
          'life_circle: a higher level never has a larger share (it needs every lower level''s categories)');
SELECT is((SELECT count(*) FROM lc l
             JOIN cp.life_circle_categories q ON q.standard = 'GB50180-2018' AND q.life_circle = l.life_circle AND q.required
             JOIN cov c ON c.area = l.area AND c.category = q.code
            WHERE q.effective_radius_m = (SELECT min(v.effective_radius_m) FROM cp.life_circle_categories v
                                           WHERE v.standard = 'GB50180-2018' AND v.code = q.code AND v.life_circle = v.from_level)
              AND l.covered_population > c.covered_population + 1e-6), 0::bigint,
          'life_circle: never more residents covered than by any required category at the same radius');
SELECT is((SELECT count(*) FROM lc l, unnest(l.missing_categories) m
            WHERE m NOT IN (SELECT q.code FROM cp.life_circle_requirements('GB50180-2018', l.life_circle) q)), 0::bigint,
          'life_circle: missing categories are required categories');
SELECT is((SELECT count(*) FROM lc l
            WHERE l.missing_categories_zh IS DISTINCT FROM
                  ARRAY(SELECT cp.category_name(m.code) FROM unnest(l.missing_categories) WITH ORDINALITY m (code, n) ORDER BY m.n)),
          0::bigint, 'life_circle: missing_categories_zh names the missing categories in Chinese, in the same order');
SELECT is((SELECT count(*) FROM lc WHERE ratio > crowfly_ratio + 0.005), 0::bigint, 'life_circle: walking <= crow-fly');
SELECT diag(format('%-8s %-6s life circle: walking %5s %% crow-fly %5s %% of %s residents; most missing: %s', area, life_circle,
                   round(100 * ratio::numeric, 1), round(100 * crowfly_ratio::numeric, 1), round(population::numeric),
                   array_to_string(missing_categories[1:4], ', ')))
  FROM lc ORDER BY area, cp.life_circle_rank(life_circle);

-- supply and demand (2SFCA): 400 places per primary school, 60 places per 1000 residents (the
-- extracts map no kindergarten)
CREATE TEMP TABLE gap AS
SELECT * FROM cp.supply_gap('krems', 'SELECT id, geom, population FROM res WHERE area = ''krems''',
                            'SELECT id, category, geom, 400 AS capacity FROM fac WHERE area = ''krems''', 'primary_school',
                            per_1000 => 60);
SELECT is((SELECT count(*) FROM gap WHERE community_id IS NULL AND gap_ratio BETWEEN 0 AND 1
                                      AND abs(demand - population * 0.06) < 1e-6), 1::bigint,
          'supply_gap: one whole-area row, demand = population x 60 / 1000, gap ratio in [0, 1]');
SELECT is((SELECT round(supply::numeric, 6) FROM gap),
          (SELECT round(400.0 * count(*), 6) FROM fac f WHERE f.area = 'krems' AND f.category = 'primary_school'
              AND EXISTS (SELECT 1 FROM cp.nearest('krems', format('SELECT id, geom FROM fac WHERE area = ''krems'' AND id = %s', f.id),
                                                   'SELECT id, geom FROM res WHERE area = ''krems'' AND population > 0', 500.001) n
                           WHERE n.origin_id IS NOT NULL)),
          'supply_gap: the supply is the capacity of every school with residents within 500 m (nothing lost or doubled)');
SELECT cmp_ok((SELECT supply FROM gap), '>', 0::float8, 'supply_gap: Krems schools supply places');
CREATE TEMP TABLE gapc AS
SELECT * FROM cp.supply_gap('krems', 'SELECT id, geom, population FROM res WHERE area = ''krems''',
                            'SELECT id, category, geom, 400 AS capacity FROM fac WHERE area = ''krems''', 'primary_school',
                            'SELECT id, geom FROM cells', 60);
SELECT is((SELECT round(sum(supply)::numeric, 6) FROM gapc), (SELECT round(supply::numeric, 6) FROM gap),
          'supply_gap: the communities'' supplies add up to the whole area''s');
SELECT diag(format('krems primary-school places (400 per school, 60 per 1000): demand %s, supply %s, gap %s %%',
                   round(demand::numeric), round(supply::numeric), round(100 * gap_ratio::numeric, 1))) FROM gap;

-- a set reduced to what the extracts map (park, primary school, sports, clinic): complete life circles exist
SELECT ok(cp.copy_standard('GB50180-2018', 'TAP-lite', '测试') > 0, 'a user set copied from GB 50180-2018');
DELETE FROM cp.facility_categories WHERE standard = 'TAP-lite' AND code NOT IN ('park', 'primary_school', 'sports', 'clinic');
CREATE TEMP TABLE lite AS
SELECT a.area, x.* FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a (area),
  LATERAL cp.life_circle(a.area, format('SELECT id, geom, population FROM res WHERE area = %L', a.area),
                         format('SELECT id, category, geom FROM fac WHERE area = %L', a.area), NULL, 'TAP-lite') x;
SELECT cmp_ok((SELECT ratio FROM lite WHERE area = 'krems'), '>', 0::float8, 'TAP-lite: some Krems residents live in a complete 15-minute circle');
SELECT is((SELECT count(*) FROM lite WHERE ratio > crowfly_ratio + 0.005), 0::bigint, 'TAP-lite: walking <= crow-fly in every area');
SELECT diag(format('%-8s reduced 15-min life circle (park, primary school, sports, clinic): walking %5s %% crow-fly %5s %%; most missing: %s',
                   area, round(100 * ratio::numeric, 1), round(100 * crowfly_ratio::numeric, 1), array_to_string(missing_categories, ', ')))
  FROM lite ORDER BY area;

SELECT * FROM finish();
ROLLBACK;
