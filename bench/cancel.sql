-- Cancellation bench (bench/cancel.sh): a ~1 M-edge grid, the inputs of every
-- long-running function, and cancel.cancel_and_wait(), which cancels the one
-- active backend named by application_name and returns the milliseconds until
-- that backend has left its statement (the error is on its way to the client).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
\i bench/sql/00_harness.sql
SET client_min_messages = warning;
-- 700 x 700 nodes: 978 600 edges; 200 000 buildings, 2 000 facilities
SELECT bench.make_grid('cgrid', :grid_n, 200000, 2000) AS edges;
SELECT edges FROM cp.network_build('cgrid', 'SELECT id, source, target, cost, reverse_cost, geom FROM cgrid_edges');

-- residents with a population, facilities in the standard's categories (a few per category
-- for the two-step floating catchment, whose k is the number of facilities), car parks
DROP TABLE IF EXISTS cgrid_residents, cgrid_cat_facilities, cgrid_demand, cgrid_lots;
CREATE TABLE cgrid_residents AS SELECT id, geom, 1 + id % 7 AS population FROM cgrid_buildings;
CREATE TABLE cgrid_cat_facilities AS
SELECT f.id, (ARRAY['clinic','community_service','culture_activity','elderly_care','kindergarten','market',
                    'middle_school','nursery','park','primary_school','sports'])[1 + f.id % 11] AS category,
       f.geom, 50 AS capacity
  FROM cgrid_facilities f;
CREATE TABLE cgrid_demand AS SELECT id, geom, 1 + id % 5 AS demand FROM cgrid_buildings;
CREATE TABLE cgrid_lots AS SELECT id, geom, 200 AS capacity FROM cgrid_facilities;
ANALYZE cgrid_residents, cgrid_cat_facilities, cgrid_demand, cgrid_lots;

DROP SCHEMA IF EXISTS cancel CASCADE;
CREATE SCHEMA cancel;
CREATE TABLE cancel.results (fn text, delay_s float8, mode text, latency_ms float8, outcome text);
CREATE FUNCTION cancel.cancel_and_wait(app text, timeout_s float8 DEFAULT 60)
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  victim int;
  started timestamptz;
  t0 timestamptz;
BEGIN
  SELECT pid, query_start INTO victim, started FROM pg_stat_activity
   WHERE application_name = app AND state = 'active' AND pid <> pg_backend_pid();
  IF victim IS NULL THEN
    RETURN NULL;                 -- finished before the cancel
  END IF;
  t0 := clock_timestamp();
  PERFORM pg_cancel_backend(victim);
  LOOP
    PERFORM pg_stat_clear_snapshot();
    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity
                           WHERE pid = victim AND state = 'active' AND query_start = started);
    IF clock_timestamp() - t0 > make_interval(secs => timeout_s) THEN
      RETURN 'Infinity';
    END IF;
    PERFORM pg_sleep(0.001);
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
$$;

-- Run sql; when it ends by statement_timeout, the milliseconds from the start
-- of the statement to the cancel arriving (NULL when it finished or failed otherwise).
CREATE FUNCTION cancel.until_timeout(sql text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := statement_timestamp();
BEGIN
  EXECUTE sql;
  RETURN NULL;
EXCEPTION WHEN query_canceled THEN
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END
$$;
