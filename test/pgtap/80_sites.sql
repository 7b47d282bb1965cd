-- Site suggestions (cp.suggest_sites) on the real Krems extract: 20 candidate sites
-- (representative points of 20 residential buildings), choose 3, for each objective
-- against the exact optimum found by exhaustive search over all C(20,3) = 1140 triples,
-- each evaluated in SQL from an independent walk matrix (cp.nearest: candidate ->
-- resident walks within the cut-off; the existing facilities' 2SFCA from
-- cp.supply_access). Greedy's gain must be at least 1 - 1/e of the optimum's (all three
-- objectives are monotone submodular, docs/sites.md); its objective values must equal
-- the SQL evaluation of its own picks. The achieved share of the optimum is printed.
BEGIN;
SELECT plan(13);
SET LOCAL client_min_messages = warning;

-- contracts
SELECT has_function('cp', 'suggest_sites', ARRAY['text', 'text', 'text', 'text', 'integer', 'text', 'text', 'text', 'text', 'text', 'text', 'double precision', 'double precision', 'double precision']);
SELECT is((SELECT count(*) FROM pg_proc p
            WHERE p.oid IN ('cp.suggest_sites(text, text, text, text, integer, text, text, text, text, text, text, float8, float8, float8)'::regprocedure,
                            'cp._suggest_sites_run(text, text, text, text, text, integer, text, float8, boolean, text, float8, text[], text[], float8, float8, float8, float8, float8, float8)'::regprocedure)
              AND p.provolatile = 'v' AND NOT p.proisstrict AND obj_description(p.oid, 'pg_proc') IS NOT NULL
              AND (p.prolang = 13 OR array_to_string(p.proconfig, ',') LIKE 'search_path=%')), 2::bigint,
          'suggest_sites: VOLATILE, not STRICT, commented, fixed search_path on the SQL function');

-- Krems residents as in 37_supply.sql (kindergarten: the 3-6, estimated as 3.745 % of the population)
CREATE TEMP TABLE nonres (building text);
INSERT INTO nonres VALUES ('garage'), ('garages'), ('shed'), ('church'), ('chapel'), ('cathedral'), ('industrial'),
  ('commercial'), ('retail'), ('office'), ('warehouse'), ('school'), ('kindergarten'), ('hospital'), ('roof'), ('hut'),
  ('public'), ('civic'), ('service'), ('transportation'), ('train_station'), ('hotel'), ('university'), ('stadium');
CREATE TEMP TABLE kres AS
SELECT row_number() OVER (ORDER BY b.area_id) AS id, b.geom,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, 1))) AS population
  FROM krems.buildings b
 WHERE b.residential OR b.building NOT IN (SELECT building FROM nonres);
-- existing kindergartens: the extract's, 30 places each
CREATE TEMP TABLE kfac AS
SELECT row_number() OVER (ORDER BY p.osm_type, p.osm_id) AS id, cp.osm_category(p.tags) AS category, p.geom, 30.0::float8 AS capacity
  FROM krems.pois p WHERE cp.osm_category(p.tags) = 'kindergarten';
-- 20 candidates: every 50th building from the 7th, at a point on its surface; capacity 20..50
CREATE TEMP TABLE kcand AS
SELECT r.id, ST_PointOnSurface(r.geom) AS geom, (20 + 5 * (r.id % 7))::float8 AS capacity
  FROM kres r WHERE r.id % 50 = 7 ORDER BY r.id LIMIT 20;

CREATE TEMP TABLE st AS
SELECT r.cutoff, r.share FROM cp._category_reach('GB50180-2018', 'm', NULL, 'CN-2020') r
 WHERE r.code = 'kindergarten' AND r.cutoff IS NOT NULL ORDER BY cp.life_circle_rank(r.from_level), r.cutoff LIMIT 1;
-- the target group per unit; 1000 places per 1000 children (every child a place)
CREATE TEMP TABLE w AS SELECT r.id, r.population * st.share AS w FROM kres r, st;

-- the independent walk matrix: every candidate -> resident walk within the cut-off (+ 1 mm, as the engines)
CREATE TEMP TABLE m AS
SELECT n.origin_id AS cand, n.target_id AS res, n.distance_m AS d
  FROM st, cp.nearest('krems', 'SELECT id, geom FROM kcand', 'SELECT id, geom FROM kres', st.cutoff + 0.001, 20) n
 WHERE n.distance_m IS NOT NULL;
-- the walk from each resident to its nearest existing kindergarten within the cut-off
CREATE TEMP TABLE e AS
SELECT n.target_id AS res, n.distance_m AS d
  FROM st, cp.nearest('krems', 'SELECT id, geom FROM kfac', 'SELECT id, geom FROM kres', st.cutoff + 0.001, 1) n
 WHERE n.distance_m IS NOT NULL;
-- the existing 2SFCA supply per unit (supply.c, step decay)
CREATE TEMP TABLE sup AS
SELECT s.resident_id AS res, s.supply FROM cp.supply_access('krems', 'SELECT id, geom, population FROM kres',
                                                            'SELECT * FROM kfac', 'kindergarten') s;
-- per resident: w, covered by the existing, D0 = min(P, nearest existing), need0 = places needed - supply
CREATE TEMP TABLE base AS
SELECT w.id AS res, w.w, e.d IS NOT NULL AS covered0, least(st.cutoff, coalesce(e.d, st.cutoff)) AS d0,
       w.w * 1.0 - coalesce(s.supply, 0) AS need0
  FROM st, w LEFT JOIN e ON e.res = w.id LEFT JOIN sup s ON s.res = w.id;
-- each candidate's places per child R_c = capacity / children within the cut-off
CREATE TEMP TABLE ratio AS
SELECT c.id AS cand, coalesce(c.capacity / nullif((SELECT sum(b.w) FROM m JOIN base b ON b.res = m.res WHERE m.cand = c.id), 0), 0) AS r
  FROM kcand c;

-- the SQL value of a set of candidates for each objective (after the set: the C function's objective_value)
CREATE FUNCTION pg_temp.value_of(obj text, s bigint[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT CASE obj
    WHEN 'coverage' THEN
      (SELECT sum(b.w) FROM base b WHERE b.covered0 OR EXISTS (SELECT 1 FROM m WHERE m.res = b.res AND m.cand = ANY (s)))
    WHEN 'p_median' THEN
      (SELECT sum(b.w * least(b.d0, coalesce((SELECT min(m.d) FROM m WHERE m.res = b.res AND m.cand = ANY (s)), b.d0))) FROM base b)
    ELSE
      (SELECT sum(greatest(0, b.need0 - coalesce((SELECT sum(b.w * ratio.r) FROM m JOIN ratio USING (cand)
                                                   WHERE m.res = b.res AND m.cand = ANY (s)), 0))) FROM base b)
  END $$;

-- all C(20,3) = 1140 triples, each evaluated in SQL (new coverage, walk saved, gap closed)
CREATE TEMP TABLE triples AS
SELECT a.id AS a, b.id AS b, c.id AS c FROM kcand a JOIN kcand b ON b.id > a.id JOIN kcand c ON c.id > b.id;
CREATE TEMP TABLE pairs_in AS
SELECT t.a, t.b, t.c, m.res, min(m.d) AS d, sum(ratio.r) AS r
  FROM triples t JOIN m ON m.cand IN (t.a, t.b, t.c) JOIN ratio ON ratio.cand = m.cand
 GROUP BY t.a, t.b, t.c, m.res;
CREATE TEMP TABLE exhaustive AS
SELECT p.a, p.b, p.c,
       sum(b.w) FILTER (WHERE NOT b.covered0) AS coverage,
       sum(b.w * greatest(0, b.d0 - p.d)) AS p_median,
       sum(least(greatest(b.need0, 0), b.w * p.r)) AS capacity_gap
  FROM pairs_in p JOIN base b ON b.res = p.res
 GROUP BY p.a, p.b, p.c;

CREATE TEMP TABLE greedy AS
SELECT o.obj, g.*
  FROM unnest(ARRAY['coverage', 'p_median', 'capacity_gap']) o (obj),
       LATERAL cp.suggest_sites('krems', 'SELECT id, geom, population FROM kres', 'SELECT * FROM kcand', 'kindergarten', 3,
                                'SELECT * FROM kfac', o.obj, per_1000 => 1000) g;

SELECT is((SELECT count(*) FROM triples), 1140::bigint, 'Krems: 1140 triples of 20 candidates');
SELECT is((SELECT count(*) FROM greedy), 9::bigint, 'three picks per objective');

-- greedy's objective values equal the SQL evaluation of its own picks (after 1, 2, 3 picks)
SELECT ok((SELECT bool_and(abs(g.objective_value - pg_temp.value_of(g.obj, (SELECT array_agg(h.candidate_id) FROM greedy h WHERE h.obj = g.obj AND h.rank <= g.rank)))
                           <= 1e-6 * greatest(1, abs(g.objective_value)))
             FROM greedy g WHERE g.obj = o.obj),
          'Krems ' || o.obj || ': each objective_value = the SQL evaluation of the picks so far')
  FROM unnest(ARRAY['coverage', 'p_median', 'capacity_gap']) o (obj);
-- gains are the marginal steps of the objective, never increasing (submodular)
SELECT ok((SELECT bool_and(g.gain >= 0 AND (g.rank = 1 OR g.gain <= (SELECT h.gain FROM greedy h WHERE h.obj = g.obj AND h.rank = g.rank - 1) + 1e-9))
             FROM greedy g WHERE g.obj = o.obj),
          'Krems ' || o.obj || ': gains non-negative and diminishing')
  FROM unnest(ARRAY['coverage', 'p_median', 'capacity_gap']) o (obj);

-- against the exhaustive optimum: greedy's total gain >= (1 - 1/e) of the optimum's
CREATE TEMP TABLE quality AS
SELECT o.obj, (SELECT sum(g.gain) FROM greedy g WHERE g.obj = o.obj) AS greedy,
       (SELECT max(CASE o.obj WHEN 'coverage' THEN x.coverage WHEN 'p_median' THEN x.p_median ELSE x.capacity_gap END)
          FROM exhaustive x) AS optimum
  FROM unnest(ARRAY['coverage', 'p_median', 'capacity_gap']) o (obj);
SELECT diag(format('Krems kindergarten, 20 candidates, choose 3, %s: greedy %s, exhaustive optimum %s, share %s',
                   q.obj, round(q.greedy::numeric, 3), round(q.optimum::numeric, 3),
                   round((q.greedy / nullif(q.optimum, 0))::numeric, 4)))
  FROM quality q ORDER BY q.obj;
SELECT ok(q.greedy >= (1 - exp(-1.0)) * q.optimum - 1e-9 AND q.greedy <= q.optimum * (1 + 1e-9) + 1e-9,
          'Krems ' || q.obj || ': greedy within [1 - 1/e, 1] of the exhaustive optimum')
  FROM quality q ORDER BY q.obj;

SELECT * FROM finish();
ROLLBACK;
