-- Catchment benchmark body (run by bench/catchment.sh). Times come from
-- clock_timestamp() inside one session; every figure is warm (second run).
\pset footer off
\set QUIET on
CREATE TEMP TABLE results (area text, what text, facilities int, ms_total float8, ms_per_facility float8, note text);

CREATE FUNCTION pg_temp.bench_area(area text, nf int) RETURNS void LANGUAGE plpgsql AS $body$
DECLARE
  t0 timestamptz; t float8; srid int; edges_sql text; r record; n int;
BEGIN
  PERFORM cp.network_build(area, format('SELECT way_id AS id, geom FROM %I.walk_edges', area));
  SELECT s.srid INTO srid FROM cp.networks s WHERE name = area;
  -- the same pieces for pgRouting, with a vertex table for KNN snapping
  EXECUTE format('CREATE TEMP TABLE e_%s AS SELECT piece AS id, source, target, cost, reverse_cost, geom FROM cp.network_edges(%L)', area, area);
  EXECUTE format('CREATE TEMP TABLE v_%s AS SELECT DISTINCT ON (source) source AS id, ST_StartPoint(geom) AS geom FROM e_%s ORDER BY source', area, area);
  EXECUTE format('INSERT INTO v_%s SELECT DISTINCT ON (target) target, ST_EndPoint(geom) FROM e_%s WHERE target NOT IN (SELECT id FROM v_%s) ORDER BY target', area, area, area);
  EXECUTE format('CREATE INDEX ON v_%s USING gist (geom)', area);
  EXECUTE format('ANALYZE e_%s; ANALYZE v_%s', area, area);
  -- facilities: POIs of the area (repeated street points if there are too few)
  EXECUTE format($q$CREATE TEMP TABLE f_%s AS
    SELECT row_number() OVER () AS id, ST_Transform(geom, %s) AS geom FROM (
      SELECT geom FROM %I.pois UNION ALL
      SELECT ST_LineInterpolatePoint(geom, 0.5) FROM %I.walk_edges) p LIMIT %s$q$, area, srid, area, area, nf);
  edges_sql := format('SELECT id, source, target, cost, reverse_cost FROM e_%s', area);

  -- warm-up of both
  EXECUTE format('SELECT count(*) FROM cp.catchments(%L, %L, ''{1000}'')', area, format('SELECT id, geom FROM f_%s', area));

  -- ours: one 1000 m catchment per facility (traced contour, the default)
  t0 := clock_timestamp();
  EXECUTE format('SELECT count(*) FROM cp.catchments(%L, %L, ''{1000}'')', area, format('SELECT id, geom FROM f_%s', area)) INTO n;
  t := extract(epoch FROM clock_timestamp() - t0) * 1000;
  INSERT INTO results VALUES (area, 'cp.catchments edges (traced), 1000 m', n, t, t / nf, '');
  t0 := clock_timestamp();
  EXECUTE format('SELECT count(*) FROM cp.catchments(%L, %L, ''{1000}'', ''exact'')', area, format('SELECT id, geom FROM f_%s', area)) INTO n;
  t := extract(epoch FROM clock_timestamp() - t0) * 1000;
  INSERT INTO results VALUES (area, 'cp.catchments exact (GEOS), 1000 m', n, t, t / nf, '');

  -- pgRouting: snap to the nearest vertex, drivingDistance, then a polygon per facility
  t0 := clock_timestamp();
  FOR r IN EXECUTE format('SELECT f.id, (SELECT v.id FROM v_%s v ORDER BY v.geom <-> f.geom LIMIT 1) AS vid FROM f_%s f', area, area) LOOP
    PERFORM count(*) FROM pgr_drivingDistance(edges_sql, r.vid, 1000, true);
  END LOOP;
  t := extract(epoch FROM clock_timestamp() - t0) * 1000;
  INSERT INTO results VALUES (area, 'pgr_drivingDistance alone', nf, t, t / nf, 'no polygon');

  t0 := clock_timestamp();
  FOR r IN EXECUTE format('SELECT f.id, (SELECT v.id FROM v_%s v ORDER BY v.geom <-> f.geom LIMIT 1) AS vid FROM f_%s f', area, area) LOOP
    EXECUTE format($q$SELECT ST_Buffer(ST_Collect(e.geom), 25) FROM pgr_drivingDistance(%L, %s, 1000, true) d
                      JOIN e_%s e ON e.source = d.node AND e.target IN (SELECT node FROM pgr_drivingDistance(%L, %s, 1000, true))$q$,
                   edges_sql, r.vid, area, edges_sql, r.vid);
  END LOOP;
  t := extract(epoch FROM clock_timestamp() - t0) * 1000;
  INSERT INTO results VALUES (area, 'pgRouting + ST_Buffer(ST_Collect(reached edges), 25)', nf, t, t / nf, 'drops partly reached edges');

  t0 := clock_timestamp();
  FOR r IN EXECUTE format('SELECT f.id, (SELECT v.id FROM v_%s v ORDER BY v.geom <-> f.geom LIMIT 1) AS vid FROM f_%s f', area, area) LOOP
    EXECUTE format($q$SELECT ST_ConcaveHull(ST_Collect(v.geom), 0.3) FROM pgr_drivingDistance(%L, %s, 1000, true) d
                      JOIN v_%s v ON v.id = d.node$q$, edges_sql, r.vid, area);
  END LOOP;
  t := extract(epoch FROM clock_timestamp() - t0) * 1000;
  INSERT INTO results VALUES (area, 'pgRouting + ST_ConcaveHull(reached nodes, 0.3)', nf, t, t / nf, '');
END
$body$;

SELECT FROM pg_temp.bench_area('andorra', :nf);
SELECT FROM pg_temp.bench_area('krems', :nf);
SELECT FROM pg_temp.bench_area('monaco', :nf);

-- accuracy of the traced contour against the exact GEOS buffer (same reached network)
CREATE TEMP TABLE acc AS
SELECT 'krems' AS area, a.facility_id, a.area_m2 AS traced, b.area_m2 AS exact,
       ST_Area(ST_SymDifference(a.geom, b.geom)) AS symdiff
  FROM cp.catchments('krems', 'SELECT id, geom FROM f_krems', '{1000}') a
  JOIN cp.catchments('krems', 'SELECT id, geom FROM f_krems', '{1000}', 'exact') b USING (facility_id);

\echo
\echo Catchments, 1000 m, per facility (warm; same edges for both tools)
SELECT area, what, facilities, round(ms_total::numeric, 1) AS ms_total, round(ms_per_facility::numeric, 2) AS ms_each, note
  FROM results ORDER BY area, ms_per_facility;
\echo
\echo Speed-up of cp.catchments (traced) over each pgRouting pipeline
SELECT r.area, r.what AS peer, round((r.ms_per_facility / o.ms_per_facility)::numeric, 1) AS times_faster
  FROM results r JOIN results o ON o.area = r.area AND o.what LIKE 'cp.catchments edges%'
 WHERE r.what LIKE 'pg%' ORDER BY 1, 2;
\echo
\echo Accuracy of the traced contour vs the exact GEOS buffer, Krems, 1000 m
SELECT count(*) AS catchments,
       round(avg(abs(traced - exact) / exact)::numeric, 4) AS mean_rel_area_diff,
       round(max(abs(traced - exact) / exact)::numeric, 4) AS max_rel_area_diff,
       round(avg(symdiff / exact)::numeric, 4) AS mean_symdiff_share
  FROM acc;

-- many facilities x 3 cutoffs
CREATE TEMP TABLE many AS
SELECT row_number() OVER () AS id, ST_LineInterpolatePoint(geom, f) AS geom
  FROM krems.walk_edges, unnest(ARRAY[0.25, 0.5, 0.75]) f LIMIT :many;
-- ours (one call, 3 cutoffs) against pgr_drivingDistance alone for the same facilities
-- (KNN-snapped, one call each at 1000 m, the largest cutoff, no polygon), warm,
-- interleaved rounds in one session
CREATE FUNCTION pg_temp.many_ours() RETURNS float8 LANGUAGE plpgsql AS $body$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM count(*) FROM cp.catchments('krems', 'SELECT id, geom FROM many', '{300,500,1000}');
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $body$;
CREATE FUNCTION pg_temp.many_pgr() RETURNS float8 LANGUAGE plpgsql AS $body$
DECLARE t0 timestamptz := clock_timestamp(); r record;
BEGIN
  FOR r IN SELECT f.id, (SELECT v.id FROM v_krems v
                          ORDER BY v.geom <-> ST_Transform(f.geom, (SELECT srid FROM cp.networks WHERE name = 'krems'))
                          LIMIT 1) AS vid FROM many f LOOP
    PERFORM count(*) FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM e_krems', r.vid, 1000, true);
  END LOOP;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $body$;
CREATE TEMP TABLE many_runs (round int, ours_ms float8, pgr_ms float8);
SELECT pg_temp.many_ours(), pg_temp.many_pgr() \g /dev/null
INSERT INTO many_runs SELECT i, pg_temp.many_ours(), pg_temp.many_pgr() FROM generate_series(1, 3) i;
\echo
\echo :many facilities x 3 cutoffs (300, 500, 1000 m), Krems
SELECT count(*) AS polygons, round((sum(area_m2) / 1e6)::numeric, 1) AS km2 FROM cp.catchments('krems', 'SELECT id, geom FROM many', '{300,500,1000}');
\echo ... against pgr_drivingDistance alone for the same facilities (1000 m), 3 interleaved rounds
SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ours_ms)::numeric) AS cp_catchments_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY pgr_ms)::numeric) AS pgr_drivingdistance_alone_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ours_ms) /
              percentile_cont(0.5) WITHIN GROUP (ORDER BY pgr_ms))::numeric, 2) AS ratio_medians,
       string_agg(round(ours_ms)::text || ' / ' || round(pgr_ms)::text, ', ' ORDER BY round) AS each_round
  FROM many_runs;
