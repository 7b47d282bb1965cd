-- Site-suggestion benchmark (bench/sites.sh): cp.suggest_sites (coverage, kindergarten,
-- 10 picks) against the same greedy done the pgRouting way, in the same run and session.
-- psql variables: grid_n, residents, candidates, picks
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;

-- The city: bench.make_grid's street grid with every street 100 m both ways (exact
-- costs: both ways measure the same walks to the last bit, so "same answer" is exact),
-- residents and candidates on grid vertices (pgRouting measures vertex to vertex; cp
-- snaps onto the edge, which at a vertex is the same point), children aged 3-6 as an
-- integer cohort column (sums exact in any order: ties break the same way, lowest id).
SELECT bench.fact('sites', 'edges', bench.make_grid('sg', :grid_n, 0, 0));
CREATE TABLE sg_net AS SELECT id, source, target, 100.0::float8 AS cost, 100.0::float8 AS reverse_cost, geom FROM sg_edges;
ALTER TABLE sg_net ADD PRIMARY KEY (id);
CREATE INDEX ON sg_net USING gist (geom);
SELECT setseed(0.17);
CREATE TABLE sg_res AS
SELECT i::bigint AS id, v.id AS vid, v.geom, p AS population, (p / 20)::int AS age_3_6
  FROM (SELECT i, 1 + floor(random() * (:grid_n * :grid_n))::bigint AS vid, (10 + floor(random() * 191))::int AS p
          FROM generate_series(1, :residents) i) r JOIN sg_vertices v ON v.id = r.vid;
ALTER TABLE sg_res ADD PRIMARY KEY (id);
CREATE TABLE sg_cand AS
SELECT row_number() OVER (ORDER BY s.vid)::bigint AS id, s.vid, s.geom
  FROM (SELECT v.id AS vid, v.geom
          FROM (SELECT DISTINCT 1 + floor(random() * (:grid_n * :grid_n))::bigint AS vid
                  FROM generate_series(1, :candidates * 2)) r JOIN sg_vertices v ON v.id = r.vid
         ORDER BY random() LIMIT :candidates) s;
ALTER TABLE sg_cand ADD PRIMARY KEY (id);
VACUUM ANALYZE sg_net, sg_res, sg_cand, sg_vertices;
SELECT bench.fact('sites', 'residents', (SELECT count(*) FROM sg_res));
SELECT bench.fact('sites', 'children_3_6', (SELECT sum(age_3_6) FROM sg_res));
SELECT bench.fact('sites', 'candidates', (SELECT count(*) FROM sg_cand));
SELECT bench.fact('sites', 'picks', :picks);
SELECT bench.fact('sites', 'cutoff_m', (SELECT cutoff FROM cp._category_reach('GB50180-2018', 'm', NULL, 'CN-2020')
                                         WHERE code = 'kindergarten' AND cutoff IS NOT NULL ORDER BY cutoff LIMIT 1));
SELECT cp.network_build('sg', 'SELECT id, source, target, cost, reverse_cost, geom FROM sg_net') IS NOT NULL AS built;

-- The pgRouting way, as a planner scripts it: per candidate one pgr_drivingDistance to the
-- cut-off on the streets around it (edges reversed: the walk goes from home to the site;
-- only the edges within the cut-off's box, found by the GiST index), the reached
-- vertices joined to the residents on them: the candidate x resident matrix; then the
-- greedy in PL/pgSQL, each round the gain of every candidate over the residents not yet
-- covered (ties: lowest id).
CREATE FUNCTION bench.pgr_matrix(max_candidates integer, cutoff float8) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  c record;
BEGIN
  DROP TABLE IF EXISTS pgr_pairs;
  CREATE TEMP TABLE pgr_pairs (cand bigint, res bigint);
  FOR c IN SELECT * FROM sg_cand WHERE id <= max_candidates ORDER BY id LOOP
    INSERT INTO pgr_pairs
    SELECT c.id, r.id
      FROM pgr_drivingDistance(
             format('SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM sg_net WHERE geom && ST_Expand(%L::geometry, %s)',
                    c.geom, cutoff + 0.001),
             c.vid, cutoff + 0.001, directed => true) d
      JOIN sg_res r ON r.vid = d.node;
  END LOOP;
END
$$;
CREATE FUNCTION bench.pgr_greedy(picks integer) RETURNS TABLE (rank integer, candidate_id bigint, gain bigint) LANGUAGE plpgsql AS $$
DECLARE
  best record;
BEGIN
  DROP TABLE IF EXISTS pgr_covered, pgr_picked;
  CREATE TEMP TABLE pgr_covered (res bigint PRIMARY KEY);
  CREATE TEMP TABLE pgr_picked (rank integer, cand bigint, gain bigint);
  FOR k IN 1..picks LOOP
    SELECT c.id, coalesce(g.gain, 0) AS gain INTO best
      FROM sg_cand c
      LEFT JOIN (SELECT p.cand, sum(r.age_3_6) AS gain FROM pgr_pairs p JOIN sg_res r ON r.id = p.res
                  WHERE NOT EXISTS (SELECT 1 FROM pgr_covered v WHERE v.res = p.res) GROUP BY p.cand) g ON g.cand = c.id
     WHERE c.id NOT IN (SELECT cand FROM pgr_picked)
     ORDER BY 2 DESC, 1 LIMIT 1;
    INSERT INTO pgr_picked VALUES (k, best.id, best.gain);
    INSERT INTO pgr_covered SELECT DISTINCT p.res FROM pgr_pairs p WHERE p.cand = best.id ON CONFLICT DO NOTHING;
  END LOOP;
  RETURN QUERY SELECT * FROM pgr_picked ORDER BY 1;
END
$$;

-- Timed part in a fresh backend, as a planner's session.
\c
SET client_min_messages = warning;
SET jit = off;
SELECT cutoff FROM cp._category_reach('GB50180-2018', 'm', NULL, 'CN-2020')
 WHERE code = 'kindergarten' AND cutoff IS NOT NULL ORDER BY cutoff LIMIT 1 \gset
\set ours 'CREATE TEMP TABLE ours AS SELECT * FROM cp.suggest_sites(''sg'', ''SELECT id, geom, population, age_3_6 FROM sg_res'', ''SELECT id, geom FROM sg_cand'', ''kindergarten'', ' :picks ')'
SELECT bench.timeit('sites', 'ours first call (loads the network)', :'ours', setup => 'DROP TABLE IF EXISTS ours');
SELECT bench.timeit('sites', 'ours (cp.suggest_sites)', :'ours', 3, setup => 'DROP TABLE IF EXISTS ours');
-- the pgRouting way on the first :pgr_candidates candidates (timed), then the rest (untimed) for the answer
SELECT bench.timeit('sites', 'pgr matrix, per candidate (measured part)', format('SELECT bench.pgr_matrix(%s, %s)', :pgr_candidates, :cutoff),
                    n => :pgr_candidates);
CREATE TEMP TABLE pgr_pairs_part AS SELECT * FROM pgr_pairs;
SELECT :pgr_candidates < :candidates AS partial \gset
\if :partial
SELECT bench.pgr_matrix(:candidates, :cutoff);
\endif
SELECT bench.timeit('sites', 'pgr greedy in PL/pgSQL', format('CREATE TEMP TABLE pgr_answer AS SELECT * FROM bench.pgr_greedy(%s)', :picks),
                    setup => 'DROP TABLE IF EXISTS pgr_answer');
-- a stronger peer: one multi-source pgr_drivingDistance over the whole grid (every candidate at once)
SELECT bench.timeit('sites', 'pgr matrix, one multi-source call',
  format($q$CREATE TEMP TABLE pgr_multi AS SELECT d.node, r.id FROM pgr_drivingDistance(
           'SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM sg_net',
           (SELECT array_agg(vid) FROM sg_cand), %s, directed => true) d JOIN sg_res r ON r.vid = d.node$q$, :cutoff + 0.001),
  setup => 'DROP TABLE IF EXISTS pgr_multi');

\pset format aligned
\pset footer off
SELECT f.key, f.value FROM bench.facts f WHERE f.section = 'sites' ORDER BY f.key;
SELECT r.label, count(*) AS runs, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)::numeric, 0) AS median_ms
  FROM bench.results r WHERE r.section = 'sites' GROUP BY r.label ORDER BY min(r.at);
SELECT o.rank, o.candidate_id AS ours, p.candidate_id AS pgrouting, o.gain AS ours_gain, p.gain AS pgrouting_gain,
       o.candidate_id = p.candidate_id AND o.gain = p.gain AS same
  FROM ours o FULL JOIN pgr_answer p ON p.rank = o.rank ORDER BY 1;
SELECT (SELECT count(*) FROM ours o JOIN pgr_answer p ON p.rank = o.rank AND p.candidate_id = o.candidate_id
                                                  AND p.gain = o.gain) = :picks AS same \gset
\if :same
  \echo 'same answer: every pick, in the same order, with the same gain'
\else
  \echo 'DIFFERENT ANSWER'
  SELECT 1 / 0 AS different_answer;
\endif
WITH o AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench.results
            WHERE section = 'sites' AND label = 'ours (cp.suggest_sites)'),
     m AS (SELECT ms * :candidates / :pgr_candidates AS ms FROM bench.results
            WHERE section = 'sites' AND label = 'pgr matrix, per candidate (measured part)'),
     g AS (SELECT ms FROM bench.results WHERE section = 'sites' AND label = 'pgr greedy in PL/pgSQL'),
     mm AS (SELECT ms FROM bench.results WHERE section = 'sites' AND label = 'pgr matrix, one multi-source call')
SELECT round(o.ms::numeric, 0) AS ours_ms,
       round((m.ms + g.ms)::numeric, 0) AS pgrouting_way_ms,
       CASE WHEN :pgr_candidates < :candidates
            THEN format('matrix extrapolated from %s of %s candidates', :pgr_candidates, :candidates)
            ELSE 'measured, every candidate' END AS pgrouting_figure,
       round(((m.ms + g.ms) / o.ms)::numeric, 1) AS speedup,
       round((mm.ms + g.ms)::numeric, 0) AS pgrouting_multi_source_ms,
       round(((mm.ms + g.ms) / o.ms)::numeric, 1) AS speedup_vs_multi_source
  FROM o, m, g, mm;
