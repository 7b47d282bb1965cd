-- Coverage against an independent computation with pgRouting and plain SQL on the
-- real Krems and Monaco extracts, to the resident: residents and facilities
-- snapped with the same rule (cp.snap: nearest point on the nearest edge), every
-- walk from home to facility costed by pgr_withPointsCost on the same edges, the
-- nearest facility, the radius test and the population sums done in SQL.
-- A point snapped onto the end of a piece is given to pgRouting as that vertex
-- (pgr_withPoints cannot reach a point at fraction 0/1 against a one-way edge).
BEGIN;
SELECT plan(13);
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE res AS
SELECT a.area, row_number() OVER (PARTITION BY a.area ORDER BY b.area_id) AS id, b.geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM unnest(ARRAY['monaco', 'krems']) a (area),
       LATERAL (SELECT * FROM monaco.buildings WHERE a.area = 'monaco'
                UNION ALL SELECT * FROM krems.buildings WHERE a.area = 'krems') b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM nonres);
CREATE TEMP TABLE cats AS SELECT code, radius_m FROM cp._coverage_categories('GB50180-2018');
CREATE TEMP TABLE fac AS
SELECT a.area, 1000000 + row_number() OVER (PARTITION BY a.area ORDER BY p.osm_type, p.osm_id) AS id,
       cp.osm_category(p.tags) AS category, p.geom
  FROM unnest(ARRAY['monaco', 'krems']) a (area),
       LATERAL (SELECT * FROM monaco.pois WHERE a.area = 'monaco'
                UNION ALL SELECT * FROM krems.pois WHERE a.area = 'krems') p
 WHERE cp.osm_category(p.tags) IN (SELECT code FROM cats);

-- The snapping rule, point by point (cp.snap), and the key pgRouting knows the point by.
CREATE TEMP TABLE pts AS
SELECT x.area, x.id, x.kind, s.piece, s.piece_fraction,
       CASE s.piece_fraction WHEN 0 THEN e.source WHEN 1 THEN e.target ELSE -x.id END AS pgr_key
  FROM (SELECT area, id, geom, 'resident' AS kind FROM res
        UNION ALL SELECT area, id, geom, 'facility' FROM fac) x,
       LATERAL cp.snap(x.area, x.geom) s,
       LATERAL (SELECT source, target FROM cp.network_edges(x.area) WHERE piece = s.piece) e;
SELECT cmp_ok((SELECT count(*) FROM pts WHERE kind = 'resident'), '>', 2000::bigint, 'more than 2000 resident units snapped');
SELECT cmp_ok((SELECT count(DISTINCT category) FROM fac), '>=', 5::bigint, 'facilities of at least five categories');

-- pgRouting: every facility to every resident on the reversed edges (= every
-- resident to every facility on the real ones), one Dijkstra per facility.
CREATE TEMP TABLE walks AS
SELECT a.area, o.start_pid AS fac_key, o.end_pid AS res_key, o.agg_cost
  FROM unnest(ARRAY['monaco', 'krems']) a (area),
       LATERAL pgr_withPointsCost(
         format('SELECT piece AS id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM cp.network_edges(%L)', a.area),
         format('SELECT id AS pid, piece AS edge_id, piece_fraction AS fraction FROM pts WHERE area = %L AND pgr_key < 0', a.area),
         (SELECT array_agg(DISTINCT pgr_key) FROM pts WHERE area = a.area AND kind = 'facility'),
         (SELECT array_agg(DISTINCT pgr_key) FROM pts WHERE area = a.area AND kind = 'resident'),
         directed => true) o;

-- Plain SQL: every facility within its category's radius of every resident, then
-- per resident and category the nearest one (ties: lowest id).
CREATE TEMP TABLE all_d AS
SELECT r.area, r.id AS resident_id, f.category, f.id AS facility_id,
       CASE WHEN fp.pgr_key = rp.pgr_key THEN 0 ELSE w.agg_cost END AS d
  FROM res r
  JOIN pts rp ON rp.area = r.area AND rp.kind = 'resident' AND rp.id = r.id
  JOIN fac f ON f.area = r.area
  JOIN pts fp ON fp.area = f.area AND fp.kind = 'facility' AND fp.id = f.id
  JOIN cats c ON c.code = f.category
  LEFT JOIN walks w ON w.area = r.area AND w.fac_key = fp.pgr_key AND w.res_key = rp.pgr_key
 WHERE CASE WHEN fp.pgr_key = rp.pgr_key THEN 0 ELSE w.agg_cost END <= c.radius_m + 0.001;
CREATE TEMP TABLE truth AS
SELECT r.area, r.id AS resident_id, c.code AS category, n.facility_id, n.d AS distance_m
  FROM res r CROSS JOIN cats c
  LEFT JOIN LATERAL (SELECT d.facility_id, d.d FROM all_d d
                      WHERE d.area = r.area AND d.resident_id = r.id AND d.category = c.code
                      ORDER BY d.d, d.facility_id LIMIT 1) n ON true;

CREATE TEMP TABLE acc AS
SELECT a.area, x.* FROM unnest(ARRAY['monaco', 'krems']) a (area),
  LATERAL cp.access(a.area, format('SELECT id, geom, population FROM res WHERE area = %L', a.area),
                    format('SELECT id, category, geom FROM fac WHERE area = %L', a.area)) x;
CREATE TEMP TABLE cmp AS
SELECT t.area, t.resident_id, t.category, t.distance_m AS pgr_d, t.facility_id AS pgr_f,
       a.distance_m AS our_d, a.facility_id AS our_f
  FROM truth t FULL JOIN acc a USING (area, resident_id, category);

SELECT is((SELECT count(*) FROM cmp), (SELECT count(*) FROM res) * (SELECT count(*) FROM cats),
          'one answer per resident and category on both sides (a full join adds no row)');
SELECT cmp_ok((SELECT count(*) FROM cmp WHERE pgr_d IS NOT NULL), '>', 3000::bigint, 'more than 3000 resident/category pairs covered');
SELECT is((SELECT count(*) FROM cmp WHERE (pgr_d IS NULL) <> (our_d IS NULL)), 0::bigint,
          'covered exactly where pgRouting + SQL says so, to the resident');
SELECT is((SELECT count(*) FROM cmp WHERE abs(pgr_d - our_d) > 1e-6 * greatest(pgr_d, 1)), 0::bigint,
          'walking distance to the nearest facility equals pgr_withPointsCost (relative 1e-6)');
SELECT is((SELECT count(*) FROM cmp c WHERE c.pgr_f <> c.our_f
             AND NOT EXISTS (SELECT 1 FROM all_d d  -- a tie: ours is as near
                              WHERE d.area = c.area AND d.resident_id = c.resident_id AND d.facility_id = c.our_f
                                AND abs(d.d - c.pgr_d) <= 1e-6 * greatest(c.pgr_d, 1))), 0::bigint,
          'the same nearest facility (or one exactly as near)');

-- Population sums per category and per 500 m cell, in plain SQL from the oracle.
CREATE TEMP TABLE cells AS
SELECT row_number() OVER () AS id, ST_Transform(g.geom, 4326) AS geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_Envelope(ST_Collect(r.geom)), n.srid) FROM res r, cp.networks n
                            WHERE r.area = 'krems' AND n.name = 'krems' GROUP BY n.srid)) g;
-- each category counts its target group: without age columns, population × the group's census share
CREATE TEMP TABLE group_share AS
SELECT DISTINCT c.code, coalesce(p.share, 1) AS share
  FROM cp.facility_categories c
  LEFT JOIN cp.population_shares p ON p.region = 'CN-2020' AND p.group_code = c.target_group
 WHERE c.standard = 'GB50180-2018';
CREATE TEMP TABLE sql_cov AS
SELECT c.id AS community_id, t.category, sum(r.population * g.share) AS population,
       coalesce(sum(r.population * g.share) FILTER (WHERE t.distance_m IS NOT NULL), 0) AS covered_population
  FROM cells c
  JOIN res r ON r.area = 'krems' AND ST_Intersects(c.geom, ST_Transform(ST_PointOnSurface(r.geom), 4326))
  JOIN truth t ON t.area = 'krems' AND t.resident_id = r.id
  JOIN group_share g ON g.code = t.category
 GROUP BY 1, 2;
CREATE TEMP TABLE our_cov AS
SELECT * FROM cp.coverage('krems', 'SELECT id, geom, population FROM res WHERE area = ''krems''',
                          'SELECT id, category, geom FROM fac WHERE area = ''krems''', 'SELECT id, geom FROM cells');
SELECT cmp_ok((SELECT count(*) FROM sql_cov WHERE covered_population > 0), '>', 20::bigint,
              'cells with covered residents in the SQL computation');
SELECT is((SELECT count(*) FROM our_cov o FULL JOIN sql_cov s USING (community_id, category)
            WHERE coalesce(s.population, 0) > 0
              AND (o.community_id IS NULL OR abs(o.population - s.population) > 1e-6 * s.population
                   OR abs(o.covered_population - s.covered_population) > 1e-6 * s.population)), 0::bigint,
          'cp.coverage per 500 m cell and category equals the pgRouting + SQL sums');
SELECT is((SELECT count(*) FROM our_cov o WHERE o.population > 0
              AND NOT EXISTS (SELECT 1 FROM sql_cov s WHERE s.community_id = o.community_id AND s.category = o.category)), 0::bigint,
          'no populated cell that the SQL computation does not have');

-- The 15-minute life circle of a set reduced to what Krems maps (so that some
-- residents do live in a complete circle): every required category within its
-- tightest radius.
SELECT ok(cp.copy_standard('GB50180-2018', 'TAP-oracle', '测试') > 0, 'a reduced set copied from GB 50180-2018');
DELETE FROM cp.facility_categories WHERE standard = 'TAP-oracle' AND code NOT IN ('park', 'primary_school', 'sports', 'clinic');
CREATE TEMP TABLE req AS
SELECT code, min(effective_radius_m) AS radius FROM cp.life_circle_requirements('TAP-oracle', '15min')
 WHERE effective_radius_m IS NOT NULL GROUP BY code;
CREATE TEMP TABLE lc_sql AS
SELECT coalesce(sum(r.population) FILTER (WHERE ok), 0) / sum(r.population) AS ratio
  FROM (SELECT r.id, r.population, bool_and(t.distance_m IS NOT NULL AND t.distance_m <= q.radius + 0.001) AS ok
          FROM res r CROSS JOIN req q
          LEFT JOIN truth t ON t.area = r.area AND t.resident_id = r.id AND t.category = q.code
         WHERE r.area = 'krems' GROUP BY r.id, r.population) r;
SELECT cmp_ok((SELECT ratio FROM lc_sql), '>', 0::float8, 'some Krems residents reach park, primary school, sports and clinic');
SELECT is((SELECT round((ratio * 1e9)::numeric) FROM cp.life_circle('krems',
             'SELECT id, geom, population FROM res WHERE area = ''krems''',
             'SELECT id, category, geom FROM fac WHERE area = ''krems''', NULL, 'TAP-oracle')),
          (SELECT round((ratio * 1e9)::numeric) FROM lc_sql),
          'Krems 15-minute life-circle share (reduced set) equals the pgRouting + SQL figure');
SELECT diag(format('%s %-18s pgRouting+SQL covered %s of %s residents', area, category,
                   count(*) FILTER (WHERE pgr_d IS NOT NULL), count(*)))
  FROM cmp GROUP BY area, category ORDER BY area, category;

SELECT * FROM finish();
ROLLBACK;
