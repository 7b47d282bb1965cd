-- Markdown report from bench.results and bench.facts (psql -At).
\set ON_ERROR_STOP 1
CREATE FUNCTION bench.med(s text, l text) RETURNS float8 LANGUAGE sql STABLE AS
$$ SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM bench.results WHERE section = s AND label = l $$;
CREATE FUNCTION bench.best(s text, l text) RETURNS float8 LANGUAGE sql STABLE AS
$$ SELECT min(ms) FROM bench.results WHERE section = s AND label = l $$;
CREATE FUNCTION bench.f(s text, k text) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT value FROM bench.facts WHERE section = s AND key = k $$;
CREATE FUNCTION bench.ms(x float8) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN x IS NULL THEN '-' WHEN x < 10 THEN to_char(x, 'FM990.00') WHEN x < 100 THEN to_char(x, 'FM990.0')
               ELSE to_char(x, 'FM999G999G990') END $$;

SELECT '# community_planning benchmark results' || E'\n\n' ||
       'Run ' || bench.f('env', 'date') || ' on ' || bench.f('env', 'cpu') || ' (' || bench.f('env', 'cores') ||
       ' cores), ' || bench.f('env', 'postgres') || ', PostGIS ' || bench.f('env', 'postgis') ||
       ', pgRouting ' || bench.f('env', 'pgrouting') || ', extension commit ' || bench.f('env', 'commit') || '.' || E'\n' ||
       'All times are wall-clock milliseconds measured inside the server (clock_timestamp()), median of the runs ' ||
       'unless marked otherwise; jit = off. Synthetic grids: see docs/benchmarks.md for the generator.' || E'\n';

-- 1 ------------------------------------------------------------------------------
SELECT '## 1. Nearest facility for every building: cp.nearest vs the pgRouting pipeline' || E'\n\n' ||
       'Synthetic grid: ' || bench.f('grid', 'nodes') || ' nodes (' || sqrt(bench.f('grid', 'nodes')::int)::int ||
       ' x ' || sqrt(bench.f('grid', 'nodes')::int)::int || ', 100 m), ' || bench.f('grid', 'edges') ||
       ' edges (' || bench.f('grid', 'oneway_edges') || ' one-way), ' || bench.f('grid', 'buildings') ||
       ' buildings, ' || bench.f('grid', 'facilities') || ' facilities, cutoff ' || bench.f('grid', 'cutoff_m') ||
       ' m, k = 1. Both write their answer (one row per building) to a temp table.' || E'\n\n' ||
       '| step | median ms | best ms | runs |' || E'\n' || '|---|---:|---:|---:|' || E'\n' ||
       string_agg(format('| %s | %s | %s | %s |', label, bench.ms(med), bench.ms(best), runs), E'\n' ORDER BY ord)
  FROM (SELECT label, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med, min(ms) AS best, count(*) AS runs,
               array_position(ARRAY['pgr snap buildings (KNN)', 'pgr snap facilities (KNN)',
                 'pgr search (pgr_drivingDistance)', 'pgr join', 'pgr total', 'ours first call (cache load)',
                 'ours total (cp.nearest, k = 1)', 'floor: plain SQL, same rows in and out', 'ours, count(*) only',
                 'floor, count(*) only'], label) AS ord
          FROM bench.results WHERE section = 'vs_pgrouting' GROUP BY label) r;

SELECT E'\n' || '| ratio (pgRouting pipeline total / cp.nearest) | value |' || E'\n' || '|---|---:|' || E'\n' ||
       format('| **warm, same session as the pgRouting runs (interleaved rounds), medians** | **%s x** |', round((p / o)::numeric, 1)) || E'\n' ||
       format('| same, best runs | %s x |', round((pb / ob)::numeric, 1)) || E'\n' ||
       format('| **warm, in a session where pgRouting never ran (section 5 a.), medians** | **%s x** |', round((p / f)::numeric, 1)) || E'\n' ||
       format('| first call of a session (loads the network; cold cache) | %s x |', round((p / c)::numeric, 1)) || E'\n' ||
       format('| pgRouting search alone (pgr_drivingDistance) / cp.nearest total, same session | %s x |', round((s / o)::numeric, 1)) || E'\n\n' ||
       '| cp.nearest / the floor (plain SQL reading the same rows and returning as many; target ≤ 2 x) | value |' || E'\n' || '|---|---:|' || E'\n' ||
       format('| **into a temp table, medians** | **%s x** (%s / %s ms) |', round((o / fl)::numeric, 2), bench.ms(o), bench.ms(fl)) || E'\n' ||
       format('| into a temp table, best runs | %s x |', round((ob / flb)::numeric, 2)) || E'\n' ||
       format('| count(*) only, medians | %s x (%s / %s ms) |', round((oc / flc)::numeric, 2), bench.ms(oc), bench.ms(flc)) || E'\n\n' ||
       'The floor is measured in the same rounds, the same way (section 5 l. and m. show it with and without ' ||
       'its SQL wrapper); section 5 j./k. repeat a. and c. in a backend where pgRouting ran before.' || E'\n'
  FROM (SELECT bench.med('vs_pgrouting', 'pgr total') p, bench.best('vs_pgrouting', 'pgr total') pb,
               bench.med('vs_pgrouting', 'pgr search (pgr_drivingDistance)') s,
               bench.med('vs_pgrouting', 'ours total (cp.nearest, k = 1)') o,
               bench.best('vs_pgrouting', 'ours total (cp.nearest, k = 1)') ob,
               bench.med('breakdown', 'a. full call: cp.nearest(all facilities, all buildings, cutoff)') f,
               bench.med('vs_pgrouting', 'ours first call (cache load)') c,
               bench.med('vs_pgrouting', 'floor: plain SQL, same rows in and out') fl,
               bench.best('vs_pgrouting', 'floor: plain SQL, same rows in and out') flb,
               bench.med('vs_pgrouting', 'ours, count(*) only') oc,
               bench.med('vs_pgrouting', 'floor, count(*) only') flc) x;

SELECT 'Agreement (pgRouting snaps to the nearest node, cp.nearest onto the nearest edge, so they differ by design):' || E'\n\n' ||
       '| measure | value |' || E'\n' || '|---|---:|' || E'\n' ||
       format('| buildings compared | %s |', bench.f('agreement', 'buildings')) || E'\n' ||
       format('| rows returned by cp.nearest | %s |', bench.f('agreement', 'result_rows_ours')) || E'\n' ||
       format('| covered within the cutoff: cp.nearest / pgRouting | %s / %s |', bench.f('agreement', 'covered_ours'), bench.f('agreement', 'covered_pgr')) || E'\n' ||
       format('| same covered/uncovered verdict | %s %% |', bench.f('agreement', 'same_coverage_pct')) || E'\n' ||
       format('| same nearest facility (buildings covered by both: %s) | %s %% |', bench.f('agreement', 'covered_both'), bench.f('agreement', 'same_facility_pct')) || E'\n' ||
       format('| median / 90th percentile absolute distance difference | %s m / %s m |', bench.f('agreement', 'median_abs_diff_m'), bench.f('agreement', 'p90_abs_diff_m')) || E'\n' ||
       format('| median signed difference (ours - pgRouting) | %s m |', bench.f('agreement', 'median_signed_diff_m')) || E'\n' ||
       format('| check: both given the same node-snapped points, same coverage | %s |', bench.f('agreement', 'node_snapped_equal_coverage')) || E'\n' ||
       format('| check: both given the same node-snapped points, distance equal (1e-6) | %s (max diff %s m) |', bench.f('agreement', 'node_snapped_equal_distance'), bench.f('agreement', 'node_snapped_max_abs_diff_m')) || E'\n' ||
       format('| check: of %s such disagreements re-checked with pgr_dijkstraCost (exact, no cutoff), cp.nearest right / pgr_drivingDistance right | %s / %s |',
              bench.f('agreement', 'node_mismatch_checked'), bench.f('agreement', 'node_mismatch_ours_right'), bench.f('agreement', 'node_mismatch_pgr_right')) || E'\n' ||
       coalesce(E'\nExamples: ' || bench.f('agreement', 'node_mismatch_examples') || E'\n', '');

-- 2 ------------------------------------------------------------------------------
SELECT '## 2. Compile time and size (cp.network_build)' || E'\n\n' ||
       '| network | input edges | edges (pieces) | nodes | build ms (median) | runs | µs per input edge | compiled bytes | bytes/edge |' || E'\n' ||
       '|---|---:|---:|---:|---:|---:|---:|---:|---:|' || E'\n' ||
       string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s |',
                         CASE n.name WHEN 'grid' THEN 'grid (source/target given)'
                                     WHEN 'grid_geom' THEN 'grid (topology from geometry)'
                                     ELSE n.name || ' (OSM)' END,
                         n.input_edges, n.edges, n.nodes, bench.ms(r.med), r.runs,
                         round((1000 * r.med / n.input_edges)::numeric, 2), n.compiled_bytes, n.bytes_per_edge),
                  E'\n' ORDER BY n.edges DESC) || E'\n'
  FROM cp.networks n
  JOIN (SELECT label, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med, count(*) AS runs
          FROM bench.results WHERE section = 'compile' GROUP BY label) r ON r.label = n.name;

-- 3 ------------------------------------------------------------------------------
SELECT '## 3. Scaling (synthetic grids, buildings = edges / 2, facilities = edges / 600, cutoff ' ||
       bench.f('grid', 'cutoff_m') || ' m)' || E'\n\n' ||
       'bytes/edge: the compiled blob per edge (piece); graph bytes/edge: the same without the edge geometry ' ||
       '(`cp.networks.graph_bytes_per_edge`, target ≤ 64 at 1 M edges). µs/edge vs smallest: nearest µs/edge ' ||
       'over that of the smallest grid (target: flat within 1.5 x). The floor is bench.floor_nearest on the same ' ||
       'buildings, timed the same way.' || E'\n\n' ||
       '| grid | edges | buildings | facilities | build ms | build µs/edge | bytes/edge | graph bytes/edge | nearest first call ms | nearest warm ms | nearest µs/edge | µs/edge vs smallest | nearest µs/building | floor ms | nearest / floor | covered |' || E'\n' ||
       '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|' || E'\n' ||
       coalesce(string_agg(format('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s x | %s | %s | %s x | %s %% |', l, e, b, f,
         bench.ms(bench.med('scaling', l || ' build')),
         round((1000 * bench.med('scaling', l || ' build') / e)::numeric, 2),
         bench.f('scaling', l || ' bytes_per_edge'),
         bench.f('scaling', l || ' graph_bytes_per_edge'),
         bench.ms(bench.med('scaling', l || ' nearest first call')),
         bench.ms(bench.med('scaling', l || ' nearest')),
         round((1000 * bench.med('scaling', l || ' nearest') / e)::numeric, 3),
         round(((bench.med('scaling', l || ' nearest') / e) / smallest)::numeric, 2),
         round((1000 * bench.med('scaling', l || ' nearest') / b)::numeric, 3),
         bench.ms(bench.med('scaling', l || ' floor')),
         round((bench.med('scaling', l || ' nearest') / bench.med('scaling', l || ' floor'))::numeric, 2),
         bench.f('scaling', l || ' covered_pct')), E'\n' ORDER BY e), '(not run)') || E'\n'
  FROM (SELECT replace(key, ' edges', '') AS l, value::bigint AS e,
               bench.f('scaling', replace(key, ' edges', ' buildings'))::bigint AS b,
               bench.f('scaling', replace(key, ' edges', ' facilities'))::bigint AS f,
               first_value(bench.med('scaling', replace(key, ' edges', '') || ' nearest') / value::bigint)
                 OVER (ORDER BY value::bigint) AS smallest
          FROM bench.facts WHERE section = 'scaling' AND key LIKE '% edges') s;

-- 4 ------------------------------------------------------------------------------
SELECT '## 4. Cold vs warm (per-backend cache of the compiled network, grid of section 1)' || E'\n\n' ||
       '| call | runs | median ms | each run ms |' || E'\n' || '|---|---:|---:|---|' || E'\n' ||
       string_agg(format('| %s | %s | %s | %s |', label, count, bench.ms(med), runs), E'\n' ORDER BY first_at) || E'\n'
  FROM (SELECT label, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med, min(at) AS first_at,
               string_agg(bench.ms(ms), ', ' ORDER BY at) AS runs
          FROM bench.results WHERE section = 'cold_warm' GROUP BY label) r
HAVING count(*) > 0;

-- 5 ------------------------------------------------------------------------------
SELECT '## 5. Where cp.nearest spends its time (grid of section 1, warm, count(*) only)' || E'\n\n' ||
       '| measurement | median ms | best ms | runs |' || E'\n' || '|---|---:|---:|---:|' || E'\n' ||
       string_agg(format('| %s | %s | %s | %s |', label, bench.ms(med), bench.ms(best), runs), E'\n' ORDER BY label) || E'\n'
  FROM (SELECT label, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med, min(ms) AS best, count(*) AS runs
          FROM bench.results WHERE section = 'breakdown' GROUP BY label) r
HAVING count(*) > 0;
