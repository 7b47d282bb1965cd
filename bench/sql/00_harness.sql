-- Benchmark harness: a results table, a timer and the synthetic grid generator.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;

-- One row per timed run. ms is wall-clock time measured inside the server
-- with clock_timestamp(), so client transfer is never part of a figure.
CREATE TABLE bench.results (
  section text NOT NULL,
  label   text NOT NULL,
  run     integer NOT NULL,
  ms      float8 NOT NULL,
  n       bigint,
  at      timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Facts that are not times (agreement rate, sizes, ...).
CREATE TABLE bench.facts (
  section text NOT NULL,
  key     text NOT NULL,
  value   text,
  PRIMARY KEY (section, key)
);

-- Run sql `runs` times (setup, untimed, before each run) and record each run.
-- Returns the median in milliseconds.
CREATE FUNCTION bench.timeit(section text, label text, sql text, runs integer DEFAULT 1,
                             setup text DEFAULT NULL, n bigint DEFAULT NULL)
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  first_run integer;
BEGIN
  SELECT coalesce(max(r.run), 0) INTO first_run
    FROM bench.results r WHERE r.section = timeit.section AND r.label = timeit.label;
  FOR i IN 1..runs LOOP
    IF setup IS NOT NULL THEN EXECUTE setup; END IF;
    t0 := clock_timestamp();
    EXECUTE sql;
    INSERT INTO bench.results (section, label, run, ms, n)
    VALUES (section, label, first_run + i,
            extract(epoch FROM clock_timestamp() - t0) * 1000, n);
  END LOOP;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms)
            FROM bench.results r WHERE r.section = timeit.section AND r.label = timeit.label);
END
$$;

CREATE FUNCTION bench.fact(section text, key text, value anycompatible) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO bench.facts VALUES (section, key, value::text)
  ON CONFLICT (section, key) DO UPDATE SET value = excluded.value
$$;

-- Synthetic street grid: n x n nodes, spacing 100 m, in EPSG:32650 (UTM 50N,
-- origin at 400000 E, 3300000 N). Node (x, y) has id y*n + x + 1.
-- Edges: every horizontal and vertical neighbour pair, 2 n (n - 1) in all,
-- straight 100 m LineStrings with given source/target (pgRouting convention).
--   cost         = 100 m * U(0.8, 1.2)          (jittered: detours, crossings)
--   reverse_cost = -1 (one-way) with p = 0.05, else 100 m * U(0.8, 1.2), drawn independently
-- Tables: <p>_edges (id, source, target, cost, reverse_cost, geom),
--         <p>_vertices (id, geom) with a GiST index,
--         <p>_buildings (id, geom): `buildings` uniform random points over the grid's extent,
--         <p>_facilities (id, geom): `facilities` uniform random points, ids from 1.
-- Deterministic for a given seed.
CREATE FUNCTION bench.make_grid(p text, n integer, buildings integer, facilities integer,
                                seed float8 DEFAULT 0.42)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  edges bigint;
BEGIN
  PERFORM setseed(seed);
  EXECUTE format('DROP TABLE IF EXISTS %1$I, %2$I, %3$I, %4$I',
                 p || '_edges', p || '_vertices', p || '_buildings', p || '_facilities');
  EXECUTE format($q$
    CREATE TABLE %1$I AS
    SELECT row_number() OVER (ORDER BY dir, y, x)::bigint AS id, source::bigint, target::bigint,
           100 * (0.8 + 0.4 * random()) AS cost,
           CASE WHEN random() < 0.05 THEN -1 ELSE 100 * (0.8 + 0.4 * random()) END AS reverse_cost,
           ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + x * 100, 3300000 + y * 100),
                                  ST_MakePoint(400000 + x2 * 100, 3300000 + y2 * 100)), 32650) AS geom
      FROM (SELECT 0 AS dir, x, y, x + 1 AS x2, y AS y2, y * %2$s + x + 1 AS source, y * %2$s + x + 2 AS target
              FROM generate_series(0, %2$s - 2) x, generate_series(0, %2$s - 1) y
            UNION ALL
            SELECT 1, x, y, x, y + 1, y * %2$s + x + 1, (y + 1) * %2$s + x + 1
              FROM generate_series(0, %2$s - 1) x, generate_series(0, %2$s - 2) y) s$q$,
    p || '_edges', n);
  GET DIAGNOSTICS edges = ROW_COUNT;
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', p || '_edges');
  EXECUTE format($q$
    CREATE TABLE %1$I AS
    SELECT (y * %2$s + x + 1)::bigint AS id,
           ST_SetSRID(ST_MakePoint(400000 + x * 100, 3300000 + y * 100), 32650) AS geom
      FROM generate_series(0, %2$s - 1) x, generate_series(0, %2$s - 1) y$q$, p || '_vertices', n);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', p || '_vertices');
  EXECUTE format('CREATE INDEX ON %I USING gist (geom)', p || '_vertices');
  EXECUTE format($q$
    CREATE TABLE %1$I AS
    SELECT i::bigint AS id,
           ST_SetSRID(ST_MakePoint(400000 + random() * %2$s, 3300000 + random() * %2$s), 32650) AS geom
      FROM generate_series(1, %3$s) i$q$, p || '_buildings', (n - 1) * 100, buildings);
  EXECUTE format($q$
    CREATE TABLE %1$I AS
    SELECT i::bigint AS id,
           ST_SetSRID(ST_MakePoint(400000 + random() * %2$s, 3300000 + random() * %2$s), 32650) AS geom
      FROM generate_series(1, %3$s) i$q$, p || '_facilities', (n - 1) * 100, facilities);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', p || '_buildings');
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', p || '_facilities');
  EXECUTE format('ANALYZE %I, %I, %I, %I',
                 p || '_edges', p || '_vertices', p || '_buildings', p || '_facilities');
  RETURN edges;
END
$$;

-- A set of n rows returned through a LANGUAGE sql VOLATILE wrapper (the shape of
-- cp.nearest over cp._nearest), to price the wrapper alone.
CREATE FUNCTION bench.rows_inner(n bigint, OUT a bigint, OUT b bigint, OUT c integer, OUT d float8, OUT e float8)
RETURNS SETOF record LANGUAGE sql STABLE AS $$ SELECT i, i, 1, 1.0::float8, 1.0::float8 FROM generate_series(1, n) i $$;
CREATE FUNCTION bench.rows_via_sql_fn(n bigint)
RETURNS TABLE (a bigint, b bigint, c integer, d float8, e float8) LANGUAGE sql VOLATILE AS
$$ SELECT * FROM bench.rows_inner(n) $$;

-- The floor of cp.nearest: what any implementation with its API pays, in plain SQL.
-- It reads the same target rows through the caller's query text (id and the
-- geometry's EWKB, as cp.nearest reads them) and returns one row per target of
-- cp.nearest's shape through the same kind of wrapper (a LANGUAGE sql function
-- with cp.nearest's attributes over a set-returning function). No snapping, no search.
CREATE FUNCTION bench.floor_inner(targets_sql text)
RETURNS TABLE (target_id bigint, origin_id bigint, rank integer, distance_m float8, minutes float8)
LANGUAGE plpgsql VOLATILE STRICT AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT t.id::bigint, t.id::bigint, 1, length(ST_AsEWKB(t.geom))::float8, 0::float8 FROM (%s) t',
                              targets_sql);
END
$$;
CREATE FUNCTION bench.floor_nearest(targets_sql text)
RETURNS TABLE (target_id bigint, origin_id bigint, rank integer, distance_m float8, minutes float8)
LANGUAGE sql VOLATILE STRICT SET search_path FROM CURRENT AS
$$ SELECT * FROM bench.floor_inner(targets_sql) $$;
