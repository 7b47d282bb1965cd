-- Scenarios on the Beijing extract (issue 17): a real street closed, a footbridge and two
-- kindergartens added; the scenario's answers equal the same analyses on the edited data
-- built from scratch, resident by resident; compare_scenarios' before/after/delta agree.
BEGIN;
SELECT plan(9);
SET LOCAL client_min_messages = warning;

CREATE TEMP TABLE res AS
SELECT area_id AS id, geom, cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 6))) AS population
  FROM beijing.buildings WHERE residential OR building IN ('apartments', 'dormitory', 'house');
CREATE TEMP TABLE fac AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, geom,
       NULL::float8 AS capacity
  FROM beijing.pois WHERE cp.osm_category(tags) IS NOT NULL;
CREATE TEMP TABLE cells AS
SELECT row_number() OVER (ORDER BY g.i, g.j) AS id, g.geom
  FROM ST_SquareGrid(500, (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom)::geometry, 4326), 32650) FROM res)) g
 WHERE EXISTS (SELECT 1 FROM res r WHERE ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(r.geom), 32650)));

-- the street closed: the way most resident buildings snap onto
CREATE TEMP TABLE closed AS
SELECT s.edge_id AS way_id FROM res r, LATERAL cp.snap('beijing', r.geom) s
 GROUP BY s.edge_id ORDER BY count(*) DESC, s.edge_id LIMIT 1;
-- the footbridge: between two ends of ways at most 60 m apart with the longest walk between them
CREATE TEMP TABLE ends AS
SELECT DISTINCT ON (p) p AS geom FROM (SELECT ST_StartPoint(geom) AS p FROM beijing.walk_edges
                                        UNION ALL SELECT ST_EndPoint(geom) FROM beijing.walk_edges) e;
CREATE TEMP TABLE bridge AS
SELECT ST_MakeLine(a.geom, b.geom) AS geom, cp.walk_distance('beijing', a.geom, b.geom) AS walk
  FROM ends a JOIN ends b ON ST_DWithin(a.geom::geography, b.geom::geography, 60) AND ST_AsText(a.geom) < ST_AsText(b.geom)
 ORDER BY coalesce(cp.walk_distance('beijing', a.geom, b.geom), 1e9) DESC, ST_AsText(a.geom), ST_AsText(b.geom) LIMIT 1;
-- two kindergartens at the resident buildings farthest from any
CREATE TEMP TABLE new_kg AS
SELECT 900000 + row_number() OVER (ORDER BY a.resident_id) AS id, 'kindergarten'::text AS category,
       ST_PointOnSurface(r.geom) AS geom, 90::float8 AS capacity
  FROM (SELECT resident_id FROM cp.access('beijing', 'SELECT * FROM res', 'SELECT * FROM fac')
         WHERE category = 'kindergarten' AND NOT covered ORDER BY population DESC, resident_id LIMIT 2) a
  JOIN res r ON r.id = a.resident_id;

SELECT lives_ok($$ SELECT cp.scenario_create('bj_plan', 'beijing', 'closed street, footbridge, two kindergartens') $$,
                'a scenario on the Beijing network');
CREATE TEMP TABLE timing AS SELECT clock_timestamp() AS t0;
INSERT INTO cp.scenario_edges (scenario, op, edge_id) SELECT 'bj_plan', 'close', way_id FROM closed;
INSERT INTO cp.scenario_edges (scenario, op, edge_id, geom) SELECT 'bj_plan', 'add', 1, geom FROM bridge;
INSERT INTO cp.scenario_facilities (scenario, op, facility_id, category, geom, capacity)
SELECT 'bj_plan', 'add', id, category, geom, capacity FROM new_kg;
SELECT diag('two edge edits (each recompiling the scenario network) and two facilities in '
            || round(extract(epoch FROM clock_timestamp() - t0)::numeric * 1000) || ' ms') FROM timing;
SELECT ok((SELECT NOT stale AND edges_closed = 1 AND edges_added = 1 AND facilities_added = 2
             FROM cp.scenario_status WHERE name = 'bj_plan'), 'the scenario network is compiled with its edits');

-- the same edits, from scratch
SELECT lives_ok($$ SELECT cp.network_build('bj_scratch', $q$
  SELECT way_id AS id, CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
         NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM beijing.walk_edges WHERE way_id NOT IN (SELECT way_id FROM closed)
  UNION ALL SELECT -1, geom, NULL, NULL FROM bridge $q$) $$, 'the edited network built from scratch');
CREATE TEMP TABLE fac_edited AS SELECT * FROM fac UNION ALL SELECT * FROM new_kg;

CREATE TEMP TABLE acc_s AS SELECT * FROM cp.access('bj_plan', cp.scenario_residents_sql('bj_plan', 'SELECT * FROM res'),
                                                   cp.scenario_facilities_sql('bj_plan', 'SELECT * FROM fac'));
CREATE TEMP TABLE acc_x AS SELECT * FROM cp.access('bj_scratch', 'SELECT * FROM res', 'SELECT * FROM fac_edited');
CREATE TEMP TABLE acc_b AS SELECT * FROM cp.access('beijing', 'SELECT * FROM res', 'SELECT * FROM fac');
SELECT is((SELECT count(*) FROM acc_s s FULL JOIN acc_x x USING (resident_id, category)
            WHERE s.resident_id IS NULL OR x.resident_id IS NULL
               OR s.covered IS DISTINCT FROM x.covered OR s.crowfly_covered IS DISTINCT FROM x.crowfly_covered
               OR s.population IS DISTINCT FROM x.population
               OR (s.distance_m IS NULL) <> (x.distance_m IS NULL)
               OR abs(s.distance_m - x.distance_m) > 1e-6 * greatest(1, x.distance_m)), 0::bigint,
          'cp.access on the scenario equals the from-scratch analysis, resident by resident and category by category');
SELECT ok((SELECT count(*) FROM acc_s s JOIN acc_b b USING (resident_id, category)
            WHERE s.category <> 'kindergarten' AND s.distance_m IS DISTINCT FROM b.distance_m) > 0,
          'the closed street and the footbridge change walks of other categories');
SELECT ok((SELECT count(*) FILTER (WHERE covered) FROM acc_s WHERE category = 'kindergarten')
          > (SELECT count(*) FILTER (WHERE covered) FROM acc_b WHERE category = 'kindergarten'),
          'the two kindergartens cover more residents');

CREATE TEMP TABLE cov_x AS SELECT * FROM cp.coverage('bj_scratch', 'SELECT * FROM res', 'SELECT * FROM fac_edited', 'SELECT * FROM cells');
CREATE TEMP TABLE cov_b AS SELECT * FROM cp.coverage('beijing', 'SELECT * FROM res', 'SELECT * FROM fac', 'SELECT * FROM cells');
SELECT is((SELECT count(*) FROM cp.coverage('bj_plan', cp.scenario_residents_sql('bj_plan', 'SELECT * FROM res'),
                                            cp.scenario_facilities_sql('bj_plan', 'SELECT * FROM fac'), 'SELECT * FROM cells') s
             FULL JOIN cov_x x USING (community_id, category)
            WHERE s.category IS NULL OR x.category IS NULL OR abs(s.covered_population - x.covered_population) > 1e-6
               OR s.population <> x.population), 0::bigint,
          'cp.coverage per community on the scenario equals the from-scratch one');

CREATE TEMP TABLE cmp AS SELECT * FROM cp.compare_scenarios(NULL, 'bj_plan', 'SELECT * FROM res', 'SELECT * FROM fac',
                                                            'SELECT * FROM cells');
SELECT is((SELECT count(*) FROM cmp c
             LEFT JOIN cov_b b ON b.community_id = c.community_id AND b.category = c.category
             LEFT JOIN cov_x x ON x.community_id = c.community_id AND x.category = c.category
            WHERE c.indicator = 'coverage'
              AND (c.before IS DISTINCT FROM b.ratio OR abs(c.after - x.ratio) > 1e-9
                   OR abs(c.delta - (c.after - c.before)) > 1e-12)), 0::bigint,
          'compare_scenarios: coverage before = the base, after = from scratch, delta = after - before');
SELECT ok((SELECT count(*) FROM cmp WHERE indicator = 'life_circle') = (SELECT count(*) FROM cov_b WHERE category = 'kindergarten')
          AND (SELECT bool_and(geom IS NOT NULL) FROM cmp),
          'compare_scenarios: a life-circle row and an outline for every community');

SELECT * FROM finish();
ROLLBACK;
