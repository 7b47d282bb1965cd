-- The Chinese district (issue #15): Beijing, Haidian, Zhongguancun / Peking and
-- Tsinghua universities / Wudaokou, ../shared/data/beijing-zhongguancun.osm.pbf
-- (an openstreetmap.org export, edits 2008-2017), imported by test/fixtures/load.sh
-- as schema beijing with import/community_planning.lua, network 'beijing' built by
-- test/fixtures/fixtures.sql as the other areas'.
-- Import counts were taken once from the import and cross-checked with osmium
-- (tags-count: 684 highway ways = 631 walk edges + 44 platforms, 2 motorways,
-- 2 pedestrian areas, 2 private service roads, 2 private footways, 1 steps;
-- 34 highway=crossing nodes).
-- What OSM maps there: universities, schools, sports grounds, parks, restaurants,
-- banks; of the facility categories it has sports 37, park 14, primary_school 5
-- (amenity=school without a level, among them a kindergarten and an attached
-- middle school by name), public_toilet 6, parcel 4, supermarket 4,
-- library 3, middle_school 3, culture_activity 2, hospital 2, pharmacy 2,
-- kindergarten 1, and NO clinic, health_station, market, community_service,
-- nursery, elderly_care or elderly_day_care at all (few shops or clinics are
-- mapped, as is common for OSM in China; shop=convenience, 9 of them, is not a
-- supermarket in the shipped mapping). Tests are not hiding that: the zeros are
-- asserted below.
-- The oracles are copied from 10_network_oracle.sql and 36_coverage_oracle.sql:
-- same edges (cp.network_edges), same snapped points, pgRouting's costs, relative
-- 1e-6. The coverage oracle keeps to categories whose target group is everyone
-- (clinic, community_service, culture_activity, health_station, market, park,
-- sports) and asserts no cohort, minutes, profile or target group.
BEGIN;
SELECT plan(48);
SET LOCAL client_min_messages = warning;

-- ---------------------------------------------------------------- import
SELECT has_table('beijing', t, 'beijing.' || t || ' exists')
  FROM unnest(ARRAY['walk_edges', 'buildings', 'pois', 'parking', 'heritage', 'crossings']) AS t;
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM beijing.walk_edges), (SELECT count(*) FROM beijing.buildings),
            (SELECT count(*) FROM beijing.pois), (SELECT count(*) FROM beijing.parking),
            (SELECT count(*) FROM beijing.heritage), (SELECT count(*) FROM beijing.crossings) $$,
  $$ VALUES (631::bigint, 521::bigint, 313::bigint, 26::bigint, 2::bigint, 34::bigint) $$,
  'beijing: 631 walk edges, 521 buildings, 313 POIs, 26 car parks, 2 heritage candidates, 34 crossings');
SELECT results_eq(
  $$ SELECT highway, count(*) FROM beijing.walk_edges GROUP BY 1 ORDER BY 2 DESC, 1 $$,
  $$ VALUES ('service', 279::bigint), ('footway', 92), ('cycleway', 60), ('residential', 47), ('living_street', 31),
            ('secondary', 29), ('secondary_link', 21), ('primary', 19), ('steps', 18), ('tertiary', 14),
            ('path', 6), ('pedestrian', 5), ('primary_link', 5), ('tertiary_link', 4), ('unclassified', 1) $$,
  'beijing: walk edges by highway type (no motorway, no platform)');
SELECT is((SELECT count(*) FROM beijing.walk_edges WHERE oneway_foot <> 0), 0::bigint,
          'beijing: no way is one-way for walkers');
SELECT results_eq(
  $$ SELECT building, residential, count(*) FROM beijing.buildings GROUP BY 1, 2 ORDER BY 3 DESC, 1 $$,
  $$ VALUES ('yes', false, 352::bigint), ('residential', true, 117), ('dormitory', true, 24), ('school', false, 15),
            ('apartments', true, 6), ('commercial', false, 4), ('university', false, 2), ('train_station', false, 1) $$,
  'beijing buildings by type: 147 residential (residential, dormitory, apartments)');
SELECT is((SELECT count(*) FROM beijing.buildings WHERE levels IS NOT NULL), 11::bigint,
          'beijing: only 11 buildings tag building:levels');
SELECT results_eq(
  $$ SELECT cp.osm_category(tags), count(*) FROM beijing.pois
      WHERE cp.osm_category(tags) IS NOT NULL GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES ('culture_activity', 2::bigint), ('hospital', 2), ('kindergarten', 1), ('library', 3), ('middle_school', 3),
            ('parcel', 4), ('park', 14), ('pharmacy', 2), ('primary_school', 5), ('public_toilet', 6), ('sports', 37),
            ('supermarket', 4) $$,
  'beijing facilities by category (83 of 313 POIs)');
SELECT is((SELECT count(*) FROM beijing.pois
            WHERE cp.osm_category(tags) IN ('clinic', 'health_station', 'market', 'community_service', 'nursery',
                                            'elderly_care', 'elderly_day_care', 'canteen')), 0::bigint,
          'OSM maps no clinic, health station, market, community service, nursery, elderly care or canteen here');
SELECT is((SELECT count(*) FROM beijing.pois WHERE key = 'shop'), 77::bigint,
          'beijing: 77 shops of any kind (9 convenience stores, not a category in the shipped mapping)');
-- names: the name column, and every tag (name:zh, name:en) in pois.tags
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM beijing.pois WHERE name ~ '[一-鿿]'),
            (SELECT count(*) FROM beijing.buildings WHERE name ~ '[一-鿿]'),
            (SELECT count(*) FROM beijing.walk_edges WHERE name ~ '[一-鿿]') $$,
  $$ VALUES (161::bigint, 288::bigint, 97::bigint) $$,
  'Chinese names come through: 161 POIs, 288 buildings, 97 walk edges');
SELECT results_eq(
  $$ SELECT DISTINCT name FROM beijing.walk_edges WHERE highway IN ('primary', 'secondary') AND name IS NOT NULL ORDER BY 1 $$,
  $$ VALUES ('中关村东路'), ('中关村北大街'), ('成府路'), ('清华西路'), ('荷清路') $$,
  'the main roads by their Chinese names');
SELECT results_eq(
  $$ SELECT name, tags->>'name:en', cp.osm_category(tags) FROM beijing.pois
      WHERE cp.osm_category(tags) = 'hospital' ORDER BY 1 $$,
  $$ VALUES ('北京大学校医院', NULL, 'hospital'), ('清华大学医院', 'Tsinghua University Hospital', 'hospital') $$,
  'the two hospitals, with name:en where tagged');
SELECT results_eq(
  $$ SELECT count(*) FILTER (WHERE tags ? 'name:zh'), count(*) FILTER (WHERE tags ? 'name:en'),
            count(*) FILTER (WHERE name IS NULL AND tags ? 'name:zh') FROM beijing.pois $$,
  $$ VALUES (10::bigint, 72::bigint, 6::bigint) $$,
  'name:zh (10) and name:en (72) kept in pois.tags; 6 POIs have only name:zh');
SELECT is((SELECT tags->>'name:en' FROM beijing.pois WHERE name IS NULL AND tags->>'name:zh' = '麦当劳'),
          'McDonald''s', 'a POI named in name:zh only keeps it');

-- ---------------------------------------------------------------- CRS and bounds
SELECT results_eq(
  $$ SELECT srid, source_srid, nodes, edges, input_edges, components, round(total_length_m::numeric)
       FROM cp.networks WHERE name = 'beijing' $$,
  $$ VALUES (32650, 4326, 978::bigint, 1367::bigint, 631::bigint, 13, 123116::numeric) $$,
  'network beijing: EPSG:32650, 978 nodes, 1367 edges from 631 ways, 13 components, 123 km');
SELECT ok((SELECT auth_name = 'EPSG' AND srtext ~ 'UTM zone 50N' FROM spatial_ref_sys
            WHERE srid = (SELECT srid FROM cp.networks WHERE name = 'beijing')),
          'the network''s metric CRS is WGS 84 / UTM zone 50N');
SELECT is((SELECT count(*) FROM cp.network_edges('beijing') WHERE ST_SRID(geom) <> 32650), 0::bigint,
          'network edges are in EPSG:32650');
SELECT ok((SELECT ST_XMin(e) >= 116.30 AND ST_XMax(e) <= 116.34 AND ST_YMin(e) >= 39.98 AND ST_YMax(e) <= 40.02
             FROM (SELECT ST_Extent(geom) AS e FROM beijing.buildings) x),
          'the buildings lie within 116.30-116.34 E, 39.98-40.02 N');
SELECT ok((SELECT ST_X(c) BETWEEN 116.30 AND 116.34 AND ST_Y(c) BETWEEN 39.98 AND 40.02
             FROM (SELECT ST_Transform(ST_Centroid(ST_Collect(geom)), 4326) AS c FROM cp.network_edges('beijing')) x),
          'the network''s centroid lies within 116.30-116.34 E, 39.98-40.02 N');
-- whole ways cross the export's bounding box (116.308-116.332 E, 39.991-40.012 N)
SELECT results_eq(
  $$ SELECT round(ST_XMin(e)::numeric, 3), round(ST_XMax(e)::numeric, 3), round(ST_YMin(e)::numeric, 3), round(ST_YMax(e)::numeric, 3)
       FROM (SELECT ST_Extent(geom) AS e FROM beijing.walk_edges) x $$,
  $$ VALUES (116.298, 116.363, 39.985, 40.022) $$,
  'walk edges reach 116.298-116.363 E, 39.985-40.022 N (complete ways of the export)');

-- ---------------------------------------------------------------- pgRouting oracle
-- 400 random pairs of points on the streets, snapped onto pieces
SELECT setseed(0.15);
CREATE TEMP TABLE pts AS
WITH picked AS (
  SELECT row_number() OVER (ORDER BY random()) AS pid, ST_LineInterpolatePoint(geom, random()) AS geom
    FROM beijing.walk_edges, generate_series(1, 2))
SELECT p.pid, p.geom, s.piece, s.piece_fraction,
       CASE s.piece_fraction WHEN 0 THEN e.source WHEN 1 THEN e.target ELSE -p.pid END AS pgr_key
  FROM picked p, LATERAL cp.snap('beijing', p.geom) s,
       LATERAL (SELECT source, target FROM cp.network_edges('beijing') WHERE piece = s.piece) e
 WHERE p.pid <= 800;
SELECT is((SELECT count(*) FROM pts), 800::bigint, '800 points snapped onto the beijing network');

CREATE TEMP TABLE compared AS
SELECT u.a, u.d AS ours, CASE WHEN u.a_key = u.b_key THEN 0 ELSE o.agg_cost END AS pgr
  FROM (SELECT a.pid AS a, a.pgr_key AS a_key, b.pgr_key AS b_key, cp.walk_distance('beijing', a.geom, b.geom) AS d
          FROM pts a JOIN pts b ON b.pid = a.pid + 400 WHERE a.pid <= 400) u
  LEFT JOIN (SELECT DISTINCT start_pid, end_pid, agg_cost FROM pgr_withPointsCost(
         'SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(''beijing'')',
         'SELECT pid, piece AS edge_id, piece_fraction AS fraction FROM pts WHERE pgr_key < 0',
         'SELECT a.pgr_key AS source, b.pgr_key AS target FROM pts a JOIN pts b ON b.pid = a.pid + 400
           WHERE a.pid <= 400 AND a.pgr_key <> b.pgr_key',
         directed => true)) o ON o.start_pid = u.a_key AND o.end_pid = u.b_key;
SELECT is((SELECT count(*) FROM compared), 400::bigint, '400 pairs compared');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE ours IS NOT NULL), '>', 350::bigint, 'most pairs are connected');
SELECT is((SELECT count(*) FROM compared WHERE (ours IS NULL) <> (pgr IS NULL)), 0::bigint,
          'reachable exactly where pgRouting says so');
SELECT is((SELECT count(*) FROM compared WHERE abs(ours - pgr) > 1e-6 * greatest(pgr, 1)), 0::bigint,
          'walk_distance equals pgr_withPointsCost on the same edges and snapped points (relative 1e-6)');
SELECT cmp_ok((SELECT max(ours) FROM compared), '>', 2000::float8, 'the comparison includes walks longer than 2 km');

-- 300 pairs of network vertices: walk_distance between the vertices equals pgr_dijkstraCost
CREATE TEMP TABLE verts AS
SELECT DISTINCT ON (vid) vid, geom FROM (
  SELECT source AS vid, ST_StartPoint(geom) AS geom FROM cp.network_edges('beijing')
  UNION ALL SELECT target, ST_EndPoint(geom) FROM cp.network_edges('beijing')) v ORDER BY vid;
CREATE TEMP TABLE vpairs AS
SELECT row_number() OVER () AS pair, a.vid AS a, b.vid AS b, a.geom AS ga, b.geom AS gb
  FROM (SELECT vid, geom, row_number() OVER (ORDER BY random()) AS r FROM verts) a
  JOIN (SELECT vid, geom, row_number() OVER (ORDER BY random()) AS r FROM verts) b ON b.r = a.r
 WHERE a.r <= 300 AND a.vid <> b.vid;
CREATE TEMP TABLE vcompared AS
SELECT p.pair, cp.walk_distance('beijing', ST_Transform(p.ga, 4326), ST_Transform(p.gb, 4326)) AS ours, o.agg_cost AS pgr
  FROM vpairs p
  LEFT JOIN (SELECT DISTINCT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
         'SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(''beijing'')',
         'SELECT a AS source, b AS target FROM vpairs', directed => true)) o ON o.start_vid = p.a AND o.end_vid = p.b;
SELECT cmp_ok((SELECT count(*) FROM vcompared), '>=', 290::bigint, 'at least 290 vertex pairs compared');
SELECT is((SELECT count(*) FROM vcompared WHERE (ours IS NULL) <> (pgr IS NULL)), 0::bigint,
          'vertex to vertex: reachable exactly where pgr_dijkstraCost says so');
SELECT is((SELECT count(*) FROM vcompared WHERE abs(ours - pgr) > 1e-6 * greatest(pgr, 1)), 0::bigint,
          'vertex to vertex: walk_distance equals pgr_dijkstraCost (relative 1e-6)');

-- Multi-source nearest, k = 3: 25 facilities, 300 targets, within 1500 m
CREATE TEMP TABLE nfac AS SELECT pid AS id, geom, piece, piece_fraction,
  CASE WHEN pgr_key < 0 THEN -pid ELSE pgr_key END AS k FROM pts WHERE pid BETWEEN 1 AND 25;
CREATE TEMP TABLE ntgt AS SELECT pid + 10000 AS id, geom, piece, piece_fraction,
  CASE WHEN pgr_key < 0 THEN -(pid + 10000) ELSE pgr_key END AS k FROM pts WHERE pid BETWEEN 401 AND 700;
CREATE TEMP TABLE near3 AS
SELECT * FROM cp.nearest('beijing', 'SELECT id, geom FROM nfac', 'SELECT id, geom FROM ntgt', 1500, 3);
CREATE TEMP TABLE ntruth AS
SELECT target_id, agg_cost, row_number() OVER (PARTITION BY target_id ORDER BY agg_cost) AS rank
  FROM (SELECT r.id AS target_id, CASE WHEN r.k = f.k THEN 0 ELSE o.agg_cost END AS agg_cost
          FROM ntgt r CROSS JOIN nfac f
          LEFT JOIN (SELECT DISTINCT start_pid, end_pid, agg_cost FROM pgr_withPointsCost(
                 'SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(''beijing'')',
                 'SELECT id AS pid, piece AS edge_id, piece_fraction AS fraction FROM nfac WHERE k < 0
                  UNION ALL SELECT id, piece, piece_fraction FROM ntgt WHERE k < 0',
                 'SELECT r.k AS source, f.k AS target FROM ntgt r, nfac f WHERE r.k <> f.k', directed => true)) o
            ON o.start_pid = r.k AND o.end_pid = f.k) x
 WHERE agg_cost <= 1500;
DELETE FROM ntruth WHERE rank > 3;
SELECT cmp_ok((SELECT count(*) FROM ntruth), '>', 600::bigint, 'pgRouting ranks more than 600 nearest facilities within 1500 m');
SELECT is((SELECT count(*) FROM near3 n FULL JOIN ntruth t USING (target_id, rank)
            WHERE n.distance_m IS NULL AND t.agg_cost IS NOT NULL
               OR t.agg_cost IS NULL AND n.distance_m IS NOT NULL), 0::bigint,
          'nearest returns a rank exactly where pgRouting has one within max_cost');
SELECT is((SELECT count(*) FROM near3 n JOIN ntruth t USING (target_id, rank)
            WHERE abs(n.distance_m - t.agg_cost) > 1e-6 * greatest(t.agg_cost, 1)), 0::bigint,
          'k = 3 nearest distances equal pgr_withPointsCost''s ranked costs');
SELECT diag(format('beijing oracle: %s point pairs, %s vertex pairs, %s nearest ranks; max abs diff %s m, %s m, %s m',
  (SELECT count(*) FROM compared), (SELECT count(*) FROM vcompared), (SELECT count(*) FROM near3),
  (SELECT max(abs(ours - pgr)) FROM compared), (SELECT max(abs(ours - pgr)) FROM vcompared),
  (SELECT max(abs(n.distance_m - t.agg_cost)) FROM near3 n JOIN ntruth t USING (target_id, rank))));

-- ---------------------------------------------------------------- coverage oracle
-- Residents as in 36_coverage_oracle.sql: buildings that are residential or of a
-- type not known to be non-residential, population from floor area (1 storey
-- where building:levels is missing, as it is for all but 11).
CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE res AS
SELECT row_number() OVER (ORDER BY area_id) AS id, geom,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) AS population
  FROM beijing.buildings
 WHERE residential OR building NOT IN (SELECT building FROM nonres);
-- categories whose target group is everyone (no kindergarten, nursery, schools, elderly care)
CREATE TEMP TABLE cats AS
SELECT code, radius_m FROM cp._coverage_categories('GB50180-2018')
 WHERE code IN ('clinic', 'community_service', 'culture_activity', 'health_station', 'market', 'park', 'sports');
CREATE TEMP TABLE fac AS
SELECT 1000000 + row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom
  FROM beijing.pois
 WHERE cp.osm_category(tags) IN (SELECT code FROM cats);
SELECT results_eq(
  $$ SELECT count(*), round(sum(population)::numeric, 1) FROM res $$,
  $$ VALUES (499::bigint, 24213.6::numeric) $$,
  'beijing: 499 resident buildings, about 24 214 residents at one storey where untagged');
SELECT results_eq(
  $$ SELECT c.code, count(f.id) FROM cats c LEFT JOIN fac f ON f.category = c.code GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES ('clinic', 0::bigint), ('community_service', 0), ('culture_activity', 2), ('health_station', 0),
            ('market', 0), ('park', 14), ('sports', 37) $$,
  'everyone''s categories: culture_activity 2, park 14, sports 37; clinic, community service, health station, market 0');

CREATE TEMP TABLE cpts AS
SELECT x.id, x.kind, s.piece, s.piece_fraction,
       CASE s.piece_fraction WHEN 0 THEN e.source WHEN 1 THEN e.target ELSE -x.id END AS pgr_key
  FROM (SELECT id, geom, 'resident' AS kind FROM res UNION ALL SELECT id, geom, 'facility' FROM fac) x,
       LATERAL cp.snap('beijing', x.geom) s,
       LATERAL (SELECT source, target FROM cp.network_edges('beijing') WHERE piece = s.piece) e;
-- pgRouting: every facility to every resident on the reversed edges
CREATE TEMP TABLE walks AS
SELECT o.start_pid AS fac_key, o.end_pid AS res_key, o.agg_cost
  FROM pgr_withPointsCost(
         'SELECT piece AS id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM cp.network_edges(''beijing'')',
         'SELECT id AS pid, piece AS edge_id, piece_fraction AS fraction FROM cpts WHERE pgr_key < 0',
         (SELECT array_agg(DISTINCT pgr_key) FROM cpts WHERE kind = 'facility'),
         (SELECT array_agg(DISTINCT pgr_key) FROM cpts WHERE kind = 'resident'),
         directed => true) o;
CREATE TEMP TABLE all_d AS
SELECT r.id AS resident_id, f.category, f.id AS facility_id,
       CASE WHEN fp.pgr_key = rp.pgr_key THEN 0 ELSE w.agg_cost END AS d
  FROM res r
  JOIN cpts rp ON rp.kind = 'resident' AND rp.id = r.id
  CROSS JOIN fac f
  JOIN cpts fp ON fp.kind = 'facility' AND fp.id = f.id
  JOIN cats c ON c.code = f.category
  LEFT JOIN walks w ON w.fac_key = fp.pgr_key AND w.res_key = rp.pgr_key
 WHERE CASE WHEN fp.pgr_key = rp.pgr_key THEN 0 ELSE w.agg_cost END <= c.radius_m + 0.001;
CREATE TEMP TABLE truth AS
SELECT r.id AS resident_id, c.code AS category, n.facility_id, n.d AS distance_m
  FROM res r CROSS JOIN cats c
  LEFT JOIN LATERAL (SELECT d.facility_id, d.d FROM all_d d
                      WHERE d.resident_id = r.id AND d.category = c.code
                      ORDER BY d.d, d.facility_id LIMIT 1) n ON true;
CREATE TEMP TABLE cmp AS
SELECT t.resident_id, t.category, t.distance_m AS pgr_d, t.facility_id AS pgr_f, a.distance_m AS our_d, a.facility_id AS our_f
  FROM truth t
  FULL JOIN (SELECT * FROM cp.access('beijing', 'SELECT id, geom, population FROM res', 'SELECT id, category, geom FROM fac')
              WHERE category IN (SELECT code FROM cats)) a USING (resident_id, category);
SELECT is((SELECT count(*) FROM cmp), 499::bigint * 7, 'one answer per resident and category on both sides (499 x 7)');
SELECT is((SELECT count(*) FROM cmp WHERE (pgr_d IS NULL) <> (our_d IS NULL)), 0::bigint,
          'covered exactly where pgRouting + SQL says so, to the resident');
SELECT is((SELECT count(*) FROM cmp WHERE abs(pgr_d - our_d) > 1e-6 * greatest(pgr_d, 1)), 0::bigint,
          'walking distance to the nearest facility equals pgr_withPointsCost (relative 1e-6)');
SELECT is((SELECT count(*) FROM cmp c WHERE c.pgr_f <> c.our_f
             AND NOT EXISTS (SELECT 1 FROM all_d d
                              WHERE d.resident_id = c.resident_id AND d.facility_id = c.our_f
                                AND abs(d.d - c.pgr_d) <= 1e-6 * greatest(c.pgr_d, 1))), 0::bigint,
          'the same nearest facility (or one exactly as near)');
SELECT results_eq(
  $$ SELECT c.category, count(*) FILTER (WHERE c.pgr_d IS NOT NULL),
            coalesce(round(sum(r.population) FILTER (WHERE c.pgr_d IS NOT NULL)), 0)
       FROM cmp c JOIN res r ON r.id = c.resident_id GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES ('clinic', 0::bigint, 0::float8), ('community_service', 0, 0), ('culture_activity', 61, 3720),
            ('health_station', 0, 0), ('market', 0, 0), ('park', 196, 11766), ('sports', 163, 9427) $$,
  'resident buildings and residents covered per category (pgRouting + SQL): culture 61/3720, park 196/11766, sports 163/9427');
SELECT diag(format('beijing coverage oracle: %s resident/category pairs, %s covered, max abs diff %s m',
  (SELECT count(*) FROM cmp), (SELECT count(*) FROM cmp WHERE pgr_d IS NOT NULL), (SELECT max(abs(pgr_d - our_d)) FROM cmp)));

-- Population sums per 500 m cell of UTM 50N and per category, in SQL from the oracle
CREATE TEMP TABLE cells AS
SELECT row_number() OVER () AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_Envelope(ST_Collect(geom)), 32650) FROM res)) g;
CREATE TEMP TABLE sql_cov AS
SELECT c.id AS community_id, t.category, sum(r.population) AS population,
       coalesce(sum(r.population) FILTER (WHERE t.distance_m IS NOT NULL), 0) AS covered_population
  FROM cells c
  JOIN res r ON ST_Intersects(c.geom, ST_Transform(ST_PointOnSurface(r.geom), 4326))
  JOIN truth t ON t.resident_id = r.id
 GROUP BY 1, 2;
CREATE TEMP TABLE our_cov AS
SELECT * FROM cp.coverage('beijing', 'SELECT id, geom, population FROM res', 'SELECT id, category, geom FROM fac',
                          'SELECT id, geom FROM cells')
 WHERE category IN (SELECT code FROM cats);
SELECT cmp_ok((SELECT count(*) FROM sql_cov WHERE covered_population > 0), '>', 10::bigint,
              'cells with covered residents in the SQL computation');
SELECT is((SELECT count(*) FROM our_cov o FULL JOIN sql_cov s USING (community_id, category)
            WHERE coalesce(s.population, 0) > 0
              AND (o.community_id IS NULL OR abs(o.population - s.population) > 1e-6 * s.population
                   OR abs(o.covered_population - s.covered_population) > 1e-6 * s.population
                   OR abs(o.ratio - s.covered_population / s.population) > 1e-9)), 0::bigint,
          'cp.coverage per 500 m cell and category equals the pgRouting + SQL sums and ratios');
SELECT is((SELECT count(*) FROM our_cov o WHERE o.population > 0
              AND NOT EXISTS (SELECT 1 FROM sql_cov s WHERE s.community_id = o.community_id AND s.category = o.category)), 0::bigint,
          'no populated cell that the SQL computation does not have');
-- the whole area (no communities query): covered share per category
SELECT is((SELECT count(*) FROM cp.coverage('beijing', 'SELECT id, geom, population FROM res', 'SELECT id, category, geom FROM fac') o
             JOIN (SELECT t.category, coalesce(sum(r.population) FILTER (WHERE t.distance_m IS NOT NULL), 0) / sum(r.population) AS ratio
                     FROM truth t JOIN res r ON r.id = t.resident_id GROUP BY 1) s USING (category)
            WHERE abs(o.ratio - s.ratio) <= 1e-9), 7::bigint,
          'cp.coverage of the whole area: the 7 covered shares equal the pgRouting + SQL ones');
SELECT diag(format('beijing coverage: %s %s of %s residents covered (%s %%)', t.category,
                   coalesce(round(sum(r.population) FILTER (WHERE t.distance_m IS NOT NULL)), 0), round(sum(r.population)),
                   round((100 * coalesce(sum(r.population) FILTER (WHERE t.distance_m IS NOT NULL), 0) / sum(r.population))::numeric, 1)))
  FROM truth t JOIN res r ON r.id = t.resident_id GROUP BY t.category ORDER BY t.category;

SELECT * FROM finish();
ROLLBACK;
