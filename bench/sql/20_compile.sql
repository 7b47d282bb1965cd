-- 2. Compile time and compiled size: the synthetic grid and the real OSM extracts.
-- psql variables: runs_build, areas (comma-separated list of imported schemas, may be empty)
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET jit = off;

-- The grid again (section 1 did the first build): given topology (source/target).
SELECT bench.timeit('compile', 'grid', $$SELECT cp.network_build('grid',
         'SELECT id, source, target, cost, reverse_cost, geom FROM grid_edges')$$, :runs_build - 1,
         n => (SELECT count(*) FROM grid_edges));
-- The grid with topology derived from the geometry (no source/target): the OSM path.
SELECT bench.timeit('compile', 'grid_geom', $$SELECT cp.network_build('grid_geom',
         'SELECT id, geom FROM grid_edges')$$, :runs_build,
         n => (SELECT count(*) FROM grid_edges));

-- Real OSM extracts (osm2pgsql flex import, EPSG:4326; measured geodesically,
-- stored in UTM). One-way-for-walking ways as in test/fixtures/fixtures.sql.
CREATE FUNCTION bench.build_osm(area text, runs integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM bench.timeit('compile', area, format($b$SELECT cp.network_build(%L, %L)$b$, area, format($q$
          SELECT way_id AS id,
                 CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
                 NULL::float8 AS cost,
                 CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
            FROM %I.walk_edges$q$, area)), runs);
END
$$;
SELECT bench.build_osm(a, :runs_build)
  FROM unnest(string_to_array(:'areas', ',')) a WHERE a <> '';
