-- The user data of a district database and answers computed from it, one sorted line each:
--   userdata | table | rows N, md5 ...      what pg_dump would dump of every config-dumped table
--   userdata | sequence | last_value, is_called
--   probe | what | value                   a walk, a nearest search, the compiled networks, roles
-- Run before and after ALTER EXTENSION ... UPDATE (test/upgrade/run.sh, which sorts the lines): the two
-- outputs must be equal. Not ON_ERROR_STOP: a failing probe only loses its own line.
-- The first run records in public.cp_upgrade_spec which rows and columns are user data (the config-dump
-- conditions and the columns of 0.1.0), so a column the upgrade adds does not change the hashes.
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset footer off
\pset pager off
SET search_path = pg_catalog, public;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET extra_float_digits = 1;
SET client_min_messages = warning;

CREATE TABLE IF NOT EXISTS public.cp_upgrade_spec AS
SELECT c.rel::regclass::text AS rel, r.relkind::text AS relkind,
       coalesce(nullif(regexp_replace(coalesce(e.extcondition[c.ord], ''), '^\s*WHERE\s+', '', 'i'), ''), 'true') AS pred,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.rel AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS cols
  FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY AS c(rel, ord), pg_class r
 WHERE e.extname = 'community_planning' AND r.oid = c.rel;

-- user rows by the config-dump condition in force now: a release that ships new rows in a table whose
-- condition names its shipped rows (cp.walk_profiles) widens the condition, and those rows are not user data
WITH cur AS (
  SELECT c.rel::regclass::text AS rel,
         coalesce(nullif(regexp_replace(coalesce(e.extcondition[c.ord], ''), '^\s*WHERE\s+', '', 'i'), ''), 'true') AS pred
    FROM pg_extension e, unnest(e.extconfig) WITH ORDINALITY AS c(rel, ord)
   WHERE e.extname = 'community_planning'
), tabs AS (
  SELECT s.rel, s.relkind,
         (xpath('/row/n/text()', (xpath('/table/row', query_to_xml(format(
            $q$SELECT count(*) || ' rows, md5 ' || coalesce(md5(string_agg(j, E'\n' ORDER BY j)), '-') AS n
                 FROM (SELECT (SELECT jsonb_object_agg(k, v) FROM jsonb_each(to_jsonb(t)) x(k, v) WHERE k = ANY(%L))::text AS j
                         FROM %s t WHERE %s) r$q$, s.cols, s.rel, coalesce(c.pred, s.pred)), false, false, '')))[1]))[1]::text AS summary
    FROM public.cp_upgrade_spec s LEFT JOIN cur c ON c.rel = s.rel
   WHERE s.relkind = 'r' AND to_regclass(s.rel) IS NOT NULL
  UNION ALL
  SELECT s.rel, s.relkind,
         (xpath('/row/n/text()', (xpath('/table/row', query_to_xml(format(
            'SELECT last_value || '', is_called '' || is_called AS n FROM %s', s.rel), false, false, '')))[1]))[1]::text
    FROM public.cp_upgrade_spec s
   WHERE s.relkind = 'S' AND to_regclass(s.rel) IS NOT NULL
  UNION ALL
  SELECT s.rel, s.relkind, 'MISSING after the upgrade'
    FROM public.cp_upgrade_spec s
   WHERE to_regclass(s.rel) IS NULL
)
SELECT 'userdata | ' || rel || ' | ' || summary FROM tabs;

-- Answers, one statement each: a function the new version changed fails its own line only.
SELECT 'probe | network ' || name || ' build | ' || format('build_id %s, built_at %s, owner %s, edges %s, md5 %s',
                                                             build_id, built_at, owner, edges, md5(compiled))
  FROM cp.network_catalog ORDER BY name;
SELECT 'probe | walk_distance monaco (first building -> last building) | ' || cp.walk_distance('monaco', a.g, b.g)::text
  FROM (SELECT ST_PointOnSurface(geom) g FROM monaco.buildings ORDER BY ST_XMin(geom), ST_YMin(geom) LIMIT 1) a,
       (SELECT ST_PointOnSurface(geom) g FROM monaco.buildings ORDER BY ST_XMax(geom) DESC, ST_YMax(geom) DESC LIMIT 1) b;
SELECT 'probe | nearest monaco (40 buildings -> 2 nearest pois within 800 m) | '
       || format('%s rows, md5 %s', count(*), md5(string_agg(format('%s %s %s %s', target_id, origin_id, rank, round(distance_m::numeric, 3)),
                                                         ',' ORDER BY target_id, rank)))
  FROM cp.nearest('monaco',
                  'SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, geom FROM monaco.pois',
                  'SELECT row_number() OVER (ORDER BY ST_XMin(geom), ST_YMin(geom)) AS id, ST_PointOnSurface(geom) AS geom
                     FROM (SELECT geom FROM monaco.buildings ORDER BY ST_XMin(geom), ST_YMin(geom) LIMIT 40) b',
                  800, 2);
SELECT 'probe | heritage history | ' || format('%s rows, last %s %s', count(*), max(id), md5(string_agg(h::text, ',' ORDER BY id)))
  FROM cp.heritage_history h;
SELECT 'probe | heritage srid | ' || cp.heritage_srid();
SELECT 'probe | role cp_upgrade_planner member of cp_planner | ' || pg_has_role('cp_upgrade_planner', 'cp_planner', 'MEMBER');
SELECT 'probe | indicator catalogue (local weight and target applied) | ' || format('%s %s', round(weight_in_domain::numeric, 6), target_2028)
  FROM cp.indicator_catalogue WHERE code = 'parking_gap_rate';
SELECT 'probe | parking rule of the user set | ' || p.rule FROM cp.parking_rule('MC-2026', 'hotel', NULL, 1000) p;
