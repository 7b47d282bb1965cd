-- Coverage benchmark (bench/coverage.sh): a city coverage report, every category
-- of GB50180-2018 per community, by cp.coverage and the pgRouting way.
-- psql variables: grid_n, residents, facilities, community_m, runs_ours, pgr_categories
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;

-- The city: bench.make_grid's street grid and resident points, a population per
-- unit, facilities of every category with a radius, square communities.
SELECT bench.fact('coverage', 'edges', bench.make_grid('cov', :grid_n, :residents, 0, 0.17));
CREATE TABLE cov_residents AS
SELECT b.id, b.geom, (10 + floor(random() * 191))::int AS population FROM cov_buildings b;
ALTER TABLE cov_residents ADD PRIMARY KEY (id);
DROP TABLE cov_facilities;  -- make_grid's (empty): ours carry a category
CREATE TABLE cov_categories AS
SELECT row_number() OVER (ORDER BY c.code) AS n, c.code, c.radius_m FROM cp._coverage_categories('GB50180-2018') c;
CREATE TABLE cov_facilities AS
SELECT row_number() OVER (ORDER BY c.code, i)::bigint AS id, c.code AS category,
       ST_SetSRID(ST_MakePoint(400000 + random() * (:grid_n - 1) * 100,
                               3300000 + random() * (:grid_n - 1) * 100), 32650) AS geom
  FROM cov_categories c, generate_series(1, :facilities) i;
ALTER TABLE cov_facilities ADD PRIMARY KEY (id);
CREATE TABLE cov_communities AS
SELECT row_number() OVER (ORDER BY y, x)::bigint AS id,
       ST_MakeEnvelope(400000 + x * :community_m, 3300000 + y * :community_m,
                       400000 + (x + 1) * :community_m, 3300000 + (y + 1) * :community_m, 32650) AS geom
  FROM generate_series(0, ceil((:grid_n - 1) * 100.0 / :community_m)::int - 1) x,
       generate_series(0, ceil((:grid_n - 1) * 100.0 / :community_m)::int - 1) y;
-- the indexes a planner has on such tables (the pgRouting way's spatial join uses them)
CREATE INDEX ON cov_residents USING gist (geom);
CREATE INDEX ON cov_communities USING gist (geom);
VACUUM ANALYZE cov_residents, cov_facilities, cov_communities, cov_edges, cov_vertices;
SELECT bench.fact('coverage', 'residents', (SELECT count(*) FROM cov_residents));
SELECT bench.fact('coverage', 'population', (SELECT sum(population) FROM cov_residents));
SELECT bench.fact('coverage', 'categories', (SELECT count(*) FROM cov_categories));
SELECT bench.fact('coverage', 'facilities', (SELECT count(*) FROM cov_facilities));
SELECT bench.fact('coverage', 'communities', (SELECT count(*) FROM cov_communities));
SELECT bench.fact('coverage', 'radii_m', (SELECT string_agg(DISTINCT radius_m::text, ', ') FROM cov_categories));
SELECT cp.network_build('cov', 'SELECT id, source, target, cost, reverse_cost, geom FROM cov_edges') IS NOT NULL AS built;

-- The pgRouting way, as a planner scripts it: residents KNN-snapped to the nearest
-- vertex once; per category the facilities snapped, one equicost
-- pgr_drivingDistance from all of them to the category's radius (edges reversed:
-- the walk goes from home to the facility), residents on a reached vertex covered;
-- then one join of residents to communities and the population sums.
CREATE FUNCTION bench.pgr_coverage(max_categories integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  cat record;
  run integer;
BEGIN
  SELECT coalesce(max(r.run), 0) + 1 INTO run FROM bench.results r
   WHERE r.section = 'coverage' AND r.label = 'pgr snap residents (KNN)';
  DROP TABLE IF EXISTS pgr_rsnap, pgr_covered, pgr_report;
  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_rsnap AS
  SELECT r.id, r.population, (SELECT v.id FROM cov_vertices v ORDER BY v.geom <-> r.geom LIMIT 1) AS vid
    FROM cov_residents r;
  INSERT INTO bench.results (section, label, run, ms)
  VALUES ('coverage', 'pgr snap residents (KNN)', run, extract(epoch FROM clock_timestamp() - t0) * 1000);
  CREATE TEMP TABLE pgr_covered (category text, resident_id bigint);
  FOR cat IN SELECT * FROM cov_categories WHERE n <= max_categories ORDER BY n LOOP
    t0 := clock_timestamp();
    INSERT INTO pgr_covered
    SELECT cat.code, s.id
      FROM pgr_rsnap s
     WHERE s.vid IN (
       SELECT d.node
         FROM pgr_drivingDistance(
                'SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost FROM cov_edges',
                (SELECT array_agg(DISTINCT (SELECT v.id FROM cov_vertices v ORDER BY v.geom <-> f.geom LIMIT 1))
                   FROM cov_facilities f WHERE f.category = cat.code),
                cat.radius_m + 0.001, directed => true, equicost => true) d);
    INSERT INTO bench.results (section, label, run, ms)
    VALUES ('coverage', 'pgr category', run, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  t0 := clock_timestamp();
  CREATE TEMP TABLE pgr_report AS
  WITH memb AS (SELECT c.id AS community_id, r.id, r.population
                  FROM cov_communities c JOIN cov_residents r ON ST_Intersects(c.geom, r.geom))
  SELECT m.community_id, k.code AS category, sum(m.population) AS population,
         coalesce(sum(m.population) FILTER (WHERE p.resident_id IS NOT NULL), 0) AS covered_population
    FROM memb m CROSS JOIN cov_categories k
    LEFT JOIN pgr_covered p ON p.category = k.code AND p.resident_id = m.id
   WHERE k.n <= max_categories
   GROUP BY 1, 2;
  INSERT INTO bench.results (section, label, run, ms)
  VALUES ('coverage', 'pgr join and sums', run, extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;

-- Timed part in a fresh backend, as a planner's session.
\c
SET client_min_messages = warning;
SET jit = off;
\set ours 'CREATE TEMP TABLE ours AS SELECT * FROM cp.coverage(''cov'', ''SELECT id, geom, population FROM cov_residents'', ''SELECT id, category, geom FROM cov_facilities'', ''SELECT id, geom FROM cov_communities'')'
SELECT bench.timeit('coverage', 'ours first call (loads the network)', :'ours', setup => 'DROP TABLE IF EXISTS ours');
SELECT bench.timeit('coverage', 'ours (cp.coverage, every category)', :'ours', :runs_ours, setup => 'DROP TABLE IF EXISTS ours');
SELECT bench.timeit('coverage', 'ours, per resident (cp.access, every category)',
  'CREATE TEMP TABLE ours_access AS SELECT * FROM cp.access(''cov'', ''SELECT id, geom, population FROM cov_residents'', ''SELECT id, category, geom FROM cov_facilities'')',
  1, setup => 'DROP TABLE IF EXISTS ours_access');
-- supply against demand for one category (two-step floating catchment, one bounded search per facility)
SELECT bench.timeit('coverage', 'ours, 2SFCA (cp.supply_gap, kindergarten, per community)',
  'SELECT count(*) FROM cp.supply_gap(''cov'', ''SELECT id, geom, population FROM cov_residents'', ''SELECT id, category, geom, 100 AS capacity FROM cov_facilities'', ''kindergarten'', ''SELECT id, geom FROM cov_communities'', 30)',
  :runs_ours);
SELECT least(:pgr_categories, (SELECT count(*) FROM cov_categories)) AS pgr_n \gset
SELECT bench.pgr_coverage(:pgr_n);

-- Agreement of the whole-area coverage per category (the two differ by design:
-- pgRouting snaps homes and facilities to the nearest vertex, cp onto the edge).
CREATE TEMP TABLE agree AS
SELECT o.category, sum(o.covered_population) / sum(o.population) AS ours,
       sum(p.covered_population) / sum(p.population) AS pgr
  FROM ours o JOIN pgr_report p ON p.community_id = o.community_id AND p.category = o.category
 GROUP BY o.category;

\pset format aligned
\pset footer off
SELECT f.key, f.value FROM bench.facts f WHERE f.section = 'coverage' ORDER BY f.key;
SELECT r.label, count(*) AS runs, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)::numeric, 0) AS median_ms,
       round(sum(r.ms)::numeric, 0) AS sum_ms
  FROM bench.results r WHERE r.section = 'coverage' GROUP BY r.label ORDER BY min(r.at);
SELECT category, round(100 * ours::numeric, 2) AS ours_pct, round(100 * pgr::numeric, 2) AS pgrouting_pct,
       round(100 * (ours - pgr)::numeric, 2) AS diff_points
  FROM agree ORDER BY category;
WITH o AS (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench.results
            WHERE section = 'coverage' AND label = 'ours (cp.coverage, every category)'),
     p AS (SELECT (SELECT sum(ms) FROM bench.results WHERE section = 'coverage' AND label = 'pgr category')
                    * (SELECT count(*) FROM cov_categories) / :pgr_n
                  + (SELECT sum(ms) FROM bench.results WHERE section = 'coverage' AND label <> 'pgr category' AND label LIKE 'pgr %') AS ms)
SELECT round(o.ms::numeric, 0) AS ours_ms,
       round((SELECT count(*) FROM cov_residents) / (o.ms / 1000.0)) AS residents_per_s,
       round(p.ms::numeric, 0) AS pgrouting_way_ms,
       CASE WHEN :pgr_n < (SELECT count(*) FROM cov_categories)
            THEN format('extrapolated from %s of %s categories', :pgr_n, (SELECT count(*) FROM cov_categories))
            ELSE 'measured, every category' END AS pgrouting_figure,
       round((p.ms / o.ms)::numeric, 1) AS speedup
  FROM o, p;
