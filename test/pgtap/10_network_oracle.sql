-- The network engine against pgRouting, the shortest-path oracle, on the real
-- OSM extracts and on random graphs with one-way edges: same edges, same
-- snapped points, distances equal to a relative 1e-6.
-- A point snapped onto the end of a piece (fraction 0 or 1) is that node; it
-- is given to pgRouting as the vertex, because pgr_withPoints keeps such a
-- point on its edge and cannot reach it against a one-way edge.
BEGIN;
SELECT plan(17);

SELECT is((SELECT count(*) FROM cp.networks WHERE name IN ('monaco', 'krems', 'andorra')), 3::bigint,
          'the three OSM networks are built');
SELECT cmp_ok((SELECT min(edges) FROM cp.networks WHERE name IN ('monaco', 'krems', 'andorra')), '>', 1000::bigint,
              'each OSM network has more than 1000 edges after splitting at shared vertices');

-- 400 random pairs of points on each area's streets (1200 in all), snapped onto pieces
SELECT setseed(0.2026);
CREATE TEMP TABLE pts AS
WITH picked AS (
  SELECT area, row_number() OVER (PARTITION BY area ORDER BY random()) AS pid,
         ST_LineInterpolatePoint(geom, random()) AS geom
    FROM (SELECT 'monaco' AS area, geom FROM monaco.walk_edges
          UNION ALL SELECT 'krems', geom FROM krems.walk_edges
          UNION ALL SELECT 'andorra', geom FROM andorra.walk_edges) e,
         generate_series(1, 2))
SELECT p.area, p.pid, p.geom, s.piece, s.piece_fraction,
       CASE s.piece_fraction WHEN 0 THEN e.source WHEN 1 THEN e.target ELSE -p.pid END AS pgr_key
  FROM picked p, LATERAL cp.snap(p.area, p.geom) s,
       LATERAL (SELECT source, target FROM cp.network_edges(p.area) WHERE piece = s.piece) e
 WHERE p.pid <= 800;
SELECT is((SELECT count(*) FROM pts), 2400::bigint, '2400 points snapped onto the three networks');

CREATE TEMP TABLE ours AS
SELECT a.area, a.pgr_key AS a_key, b.pgr_key AS b_key, cp.walk_distance(a.area, a.geom, b.geom) AS d
  FROM pts a JOIN pts b ON b.area = a.area AND b.pid = a.pid + 400
 WHERE a.pid <= 400;

CREATE TEMP TABLE oracle AS
SELECT DISTINCT area, o.start_pid, o.end_pid, o.agg_cost
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) area,
       LATERAL pgr_withPointsCost(
         format('SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(%L)', area),
         format('SELECT pid, piece AS edge_id, piece_fraction AS fraction FROM pts WHERE area = %L AND pgr_key < 0', area),
         format('SELECT a.pgr_key AS source, b.pgr_key AS target FROM pts a JOIN pts b ON b.area = a.area AND b.pid = a.pid + 400
                  WHERE a.area = %L AND a.pid <= 400 AND a.pgr_key <> b.pgr_key', area),
         directed => true) o;

CREATE TEMP TABLE compared AS
SELECT u.area, u.d AS ours, CASE WHEN u.a_key = u.b_key THEN 0 ELSE o.agg_cost END AS pgr
  FROM ours u LEFT JOIN oracle o ON o.area = u.area AND o.start_pid = u.a_key AND o.end_pid = u.b_key;

SELECT is((SELECT count(*) FROM compared), 1200::bigint, '1200 pairs compared');
SELECT cmp_ok((SELECT count(*) FROM compared WHERE ours IS NOT NULL), '>', 900::bigint,
              'most pairs are connected');
SELECT is((SELECT count(*) FROM compared WHERE (ours IS NULL) <> (pgr IS NULL)), 0::bigint,
          'reachable exactly where pgRouting says so');
SELECT is((SELECT count(*) FROM compared WHERE abs(ours - pgr) > 1e-6 * greatest(pgr, 1)), 0::bigint,
          'walk_distance equals pgr_withPointsCost on the same edges and snapped points (relative 1e-6)');
SELECT cmp_ok((SELECT max(ours) FROM compared), '>', 1000::float8,
              'the comparison includes walks longer than a kilometre');

-- Multi-source nearest (k = 1 and k = 3) equals the minimum over pgRouting's costs.
CREATE TEMP TABLE fac AS SELECT pid AS id, geom, piece, piece_fraction,
  CASE WHEN pgr_key < 0 THEN -pid ELSE pgr_key END AS k FROM pts WHERE area = 'krems' AND pid BETWEEN 1 AND 25;
CREATE TEMP TABLE res AS SELECT pid + 10000 AS id, geom, piece, piece_fraction,
  CASE WHEN pgr_key < 0 THEN -(pid + 10000) ELSE pgr_key END AS k FROM pts WHERE area = 'krems' AND pid BETWEEN 401 AND 700;
CREATE TEMP TABLE near3 AS
SELECT * FROM cp.nearest('krems', 'SELECT id, geom FROM fac', 'SELECT id, geom FROM res', 1500, 3);
CREATE TEMP TABLE oracle_nn AS
SELECT DISTINCT start_pid, end_pid, agg_cost FROM pgr_withPointsCost(
         'SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(''krems'')',
         'SELECT id AS pid, piece AS edge_id, piece_fraction AS fraction FROM fac WHERE k < 0
          UNION ALL SELECT id, piece, piece_fraction FROM res WHERE k < 0',
         'SELECT r.k AS source, f.k AS target FROM res r, fac f WHERE r.k <> f.k', directed => true);
CREATE TEMP TABLE truth AS
SELECT target_id, agg_cost, row_number() OVER (PARTITION BY target_id ORDER BY agg_cost) AS rank
  FROM (SELECT r.id AS target_id, f.id AS fac_id,
               CASE WHEN r.k = f.k THEN 0 ELSE o.agg_cost END AS agg_cost
          FROM res r CROSS JOIN fac f
          LEFT JOIN oracle_nn o ON o.start_pid = r.k AND o.end_pid = f.k) x
 WHERE agg_cost <= 1500;
DELETE FROM truth WHERE rank > 3;
SELECT is((SELECT count(DISTINCT target_id) FROM near3), 300::bigint, 'every target gets at least one row');
SELECT is((SELECT count(*) FROM near3 n FULL JOIN truth t USING (target_id, rank)
            WHERE n.distance_m IS NULL AND t.agg_cost IS NOT NULL
               OR t.agg_cost IS NULL AND n.distance_m IS NOT NULL), 0::bigint,
          'nearest returns a rank exactly where pgRouting has one within max_cost');
SELECT is((SELECT count(*) FROM near3 n JOIN truth t USING (target_id, rank)
            WHERE abs(n.distance_m - t.agg_cost) > 1e-6 * greatest(t.agg_cost, 1)), 0::bigint,
          'k = 3 nearest distances equal pgRouting''s ranked costs');
SELECT is((SELECT count(*) FROM cp.nearest('krems', 'SELECT id, geom FROM fac', 'SELECT id, geom FROM res', 1500) n
             JOIN near3 m ON m.target_id = n.target_id AND m.rank = 1
            WHERE n.distance_m IS DISTINCT FROM m.distance_m), 0::bigint,
          'k = 1 equals the first rank of k = 3');

-- Random graphs with one-way edges and given topology (source/target columns).
SELECT setseed(0.77);
CREATE TEMP TABLE rnodes AS
SELECT 5000 + i AS nid, ST_SetSRID(ST_MakePoint(random() * 3000, random() * 3000), 32650) AS geom
  FROM generate_series(1, 600) i;
CREATE TEMP TABLE redges AS
SELECT row_number() OVER () AS id, a.nid AS source, b.nid AS target,
       ST_MakeLine(a.geom, b.geom) AS geom,
       ST_Distance(a.geom, b.geom) * (1 + random()) AS cost,
       CASE WHEN random() < 0.25 THEN -1 ELSE ST_Distance(a.geom, b.geom) * (1 + random()) END AS reverse_cost
  FROM rnodes a CROSS JOIN LATERAL (
         SELECT nid, geom FROM rnodes b WHERE b.nid <> a.nid ORDER BY a.geom <-> b.geom LIMIT 3) b;
SELECT is((SELECT nodes FROM cp.network_build('random',
             'SELECT id, source, target, cost, reverse_cost, geom FROM redges')), 600::bigint,
          'random graph keeps its 600 given nodes');
CREATE TEMP TABLE rpts AS
SELECT i AS pid, p.geom, s.piece, s.piece_fraction,
       CASE s.piece_fraction WHEN 0 THEN e.source WHEN 1 THEN e.target ELSE -i END AS k
  FROM generate_series(1, 800) i,
       LATERAL (SELECT ST_SetSRID(ST_MakePoint(random() * 3000 + i * 0, random() * 3000), 32650) AS geom) p,
       LATERAL cp.snap('random', p.geom, 5000) s,
       LATERAL (SELECT source, target FROM cp.network_edges('random') WHERE piece = s.piece) e;
CREATE TEMP TABLE rcompared AS
SELECT a.pid, cp.walk_distance('random', a.geom, b.geom, max_snap_m => 5000) AS ours,
       CASE WHEN a.k = b.k THEN 0 ELSE o.agg_cost END AS pgr
  FROM rpts a JOIN rpts b ON b.pid = a.pid + 400
  LEFT JOIN (SELECT DISTINCT start_pid, end_pid, agg_cost FROM pgr_withPointsCost(
         'SELECT piece AS id, source, target, cost, reverse_cost FROM cp.network_edges(''random'')',
         'SELECT pid, piece AS edge_id, piece_fraction AS fraction FROM rpts WHERE k < 0',
         'SELECT a.k AS source, b.k AS target FROM rpts a JOIN rpts b ON b.pid = a.pid + 400
           WHERE a.pid <= 400 AND a.k <> b.k',
         directed => true)) o ON o.start_pid = a.k AND o.end_pid = b.k
 WHERE a.pid <= 400;
SELECT is((SELECT count(*) FROM rcompared), 400::bigint, '400 random-graph pairs compared');
SELECT is((SELECT count(*) FROM rcompared WHERE (ours IS NULL) <> (pgr IS NULL)), 0::bigint,
          'one-way reachability equals pgRouting''s');
SELECT is((SELECT count(*) FROM rcompared WHERE abs(ours - pgr) > 1e-6 * greatest(pgr, 1)), 0::bigint,
          'random one-way graph: distances equal pgRouting (relative 1e-6)');
SELECT cmp_ok((SELECT count(*) FROM rcompared
                WHERE ours IS NOT NULL AND ours <> cp.walk_distance('random',
                      (SELECT geom FROM rpts WHERE pid = rcompared.pid + 400),
                      (SELECT geom FROM rpts WHERE pid = rcompared.pid), max_snap_m => 5000)), '>', 0::bigint,
              'one-way edges make some walks longer one way than the other');

SELECT * FROM finish();
ROLLBACK;
