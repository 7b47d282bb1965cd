-- Issue #13: a runaway call stops at statement_timeout (57014), and pathological
-- but legal sizes are refused (22023 for arguments, 54000 for sizes, 23505 for
-- repeated target ids) instead of running away. Not a timing test: the bound is generous.
\set VERBOSITY terse
-- a 120 x 120 grid of 100 m blocks: 28 560 edges
CREATE TABLE kgrid AS
SELECT row_number() OVER (ORDER BY geom)::bigint AS id, geom FROM (
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint((x+1)*100, y*100)), 32650) geom
    FROM generate_series(0,118) x, generate_series(0,119) y
  UNION ALL
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint(x*100, (y+1)*100)), 32650)
    FROM generate_series(0,119) x, generate_series(0,118) y) s;
SELECT nodes, edges FROM cp.network_build('kgrid', 'SELECT id, geom FROM kgrid');

-- runs the statement, reports how it ended
CREATE FUNCTION pg_temp.ends(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE sql;
  RETURN 'finished';
EXCEPTION WHEN query_canceled THEN
  RETURN format('%s within 10 s: %s', SQLSTATE, clock_timestamp() - t0 < interval '10 s');
END
$$;

-- a GEOS buffer-union of the whole grid (many seconds): stopped inside GEOS
SET statement_timeout = '500ms';
SELECT pg_temp.ends($$SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{100000}', 'exact', 25)$$);
RESET statement_timeout;
SET statement_timeout = '200ms';
SELECT pg_temp.ends($$SELECT count(*) FROM cp.catchments('kgrid', 'SELECT i AS id, ST_SetSRID(ST_MakePoint(i * 10, 5000), 32650) AS geom FROM generate_series(1, 1000) i', '{3000,6000}')$$);
RESET statement_timeout;

-- huge cutoffs are fast with 'edges', and bounded
SELECT cutoff, round(area_m2 / 1e6) AS km2 FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{1e7}');
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{1e7}', buffer_m => 1);
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{1e7}', 'hull');
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', array(SELECT generate_series(1, 20000)::float8));

-- arguments out of range: 22023 naming the argument
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{1e8}');
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{5e-324}');
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', buffer_m => 5e-324);
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', buffer_m => 'Infinity');
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', max_snap_m => 1e300);
SELECT count(*) FROM cp._catchment('kgrid', ST_AsEWKB('SRID=32650;POINT(6000 6000)'::geometry), '{300}', 'edges', 25, 5e-324, true, 250);
SELECT count(*) FROM cp.nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom', 'Infinity');
SELECT count(*) FROM cp.nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom', 100, max_snap_m => 'Infinity');
SELECT count(*) FROM cp._nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom', 100, 1, 1e300, false, 250);
SELECT cp.walk_distance('kgrid', 'SRID=32650;POINT(0 0)', 'SRID=32650;POINT(100 0)', max_snap_m => 'NaN');
SELECT count(*) FROM cp.network_build('kgrid_tol', 'SELECT id, geom FROM kgrid WHERE id < 10', 5e-324);
-- parking: a subnormal walk_m looped forever (walk_m / 16 underflowed to 0)
SELECT count(*) FROM cp._parking_allocate('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(50, 0), 32650) AS geom, 1 AS demand',
                                          'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 50), 32650) AS geom, 1 AS capacity', 5e-324, 250);
SELECT count(*) FROM cp._parking_allocate('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(50, 0), 32650) AS geom, 1 AS demand',
                                          'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 50), 32650) AS geom, 1 AS capacity', 1e9, 250);
SELECT count(*) FROM cp._coverage_run('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(50, 0), 32650) AS geom, 1 AS population',
                                       'SELECT 1 AS id, ''park'' AS category, ST_SetSRID(ST_MakePoint(0, 50), 32650) AS geom',
                                       '{park}', '{1e300}', false, 250, 'community', NULL, cp._known_categories(), '{}', '{population}', '{1}', '{0}', '{0}');

-- repeated target ids: 23505 instead of two sets of rows for one id
SELECT count(*) FROM cp.nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom UNION ALL SELECT 2, ST_SetSRID(ST_MakePoint(200, 0), 32650)', 1000);

-- memory: refused before allocating, under community_planning.max_call_memory
SET community_planning.max_call_memory = '16MB';
SELECT count(*) FROM cp.nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom', 1000, 1000);
SELECT count(*) FROM cp.catchment('kgrid', 'SRID=32650;POINT(6000 6000)', '{1e7}', buffer_m => 1);
RESET community_planning.max_call_memory;
SELECT count(*) FROM cp.nearest('kgrid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                'SELECT 2 AS id, ST_SetSRID(ST_MakePoint(100, 0), 32650) AS geom', 1000, 1000);
SELECT cp.network_drop('kgrid');
DROP TABLE kgrid;
