-- The layer tables of the QGIS project (docs/qgis/community_planning.qgs), built from a district's
-- own tables: psql variables name the target schema, the compiled walking network and one query per
-- input. The script runs the analyses itself (cp.nearest, cp.catchments, cp.coverage, cp.life_circle,
-- cp.parking_gap, cp.parking_gap_buildings, cp.check_development) and reads the heritage register
-- (cp.heritage_site) and the scorecard (cp.community_scores). docs/maps.md describes every layer.
--
--   psql service=community_planning -v schema=qgis -v network=haidian \
--     -v buildings='SELECT id, geom FROM district.buildings' \
--     -v schools="SELECT id, geom, name FROM district.facilities WHERE category IN ('primary_school', 'middle_school')" \
--     -v residents='SELECT id, geom, population FROM district.residents' \
--     -v facilities='SELECT id, category, geom FROM district.facilities' \
--     -v communities='SELECT id, geom FROM district.communities' \
--     -v parking_buildings='SELECT id, geom, use, households, floor_area FROM district.parking_buildings' \
--     -v car_parks='SELECT id, geom, capacity FROM district.car_parks' \
--     -f demo/qgis_layers.sql
--
-- variable           columns the query returns (any SRID: geometries are transformed to the network's)
--   schema           schema of the layer tables (created if missing; its 13 layer tables replaced); default demo
--   network          compiled network (cp.networks); its SRID types every geometry column; default demo
--   buildings        id, geom (outlines)                  walk to the nearest school, heritage review
--   schools          id, geom[, name]                     schools, their walking catchments
--   residents        id, geom, population                 coverage and life circle per community
--   facilities       id, category, geom                   (categories of cp.facility_categories)
--   communities      id, geom (outlines)                  coverage, life circle, parking gap per community
--   parking_buildings id, geom, use, households, floor_area  parking gap (docs/parking.md)
--   car_parks        id, geom, capacity                   parking gap
--   cutoffs '{300,500,1000}', school_search_m 2000, heritage_height_m 20, parking_walk_m 300
-- Every query defaults to the demo's table (demo/steps/*.sql), so in the demo database
-- `psql -f demo/qgis_layers.sql` needs no variable. A query that cannot run, or lacks a column,
-- stops the script with an error naming the variable; nothing is changed then (one transaction).
-- Each layer table has an integer primary key "id" and a geometry column "geom" typed
-- geometry(<type>, <network SRID>), so geometry_columns gives QGIS the exact type and SRID.
-- Then write the project for this database: python3 tools/qgis_project.py --schema SCHEMA --out my.qgs
\set ON_ERROR_STOP 1
\if :{?schema}
\else
  \set schema demo
\endif
\if :{?network}
\else
  \set network demo
\endif
\if :{?buildings}
\else
  \set buildings 'SELECT id, geom FROM demo.buildings'
\endif
\if :{?schools}
\else
  \set schools 'SELECT id, geom, name FROM demo.facilities WHERE kind = ''school'''
\endif
\if :{?residents}
\else
  \set residents 'SELECT id, geom, population FROM demo.residents'
\endif
\if :{?facilities}
\else
  \set facilities 'SELECT id, category, geom FROM demo.category_facilities'
\endif
\if :{?communities}
\else
  \set communities 'SELECT id, geom FROM demo.communities'
\endif
\if :{?parking_buildings}
\else
  \set parking_buildings 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings'
\endif
\if :{?car_parks}
\else
  \set car_parks 'SELECT id, geom, capacity FROM demo.car_parks'
\endif
\if :{?cutoffs}
\else
  \set cutoffs '{300,500,1000}'
\endif
\if :{?school_search_m}
\else
  \set school_search_m 2000
\endif
\if :{?heritage_height_m}
\else
  \set heritage_height_m 20
\endif
\if :{?parking_walk_m}
\else
  \set parking_walk_m 300
\endif
BEGIN;
SET LOCAL client_min_messages = warning;   -- categories the standard does not ask for are ignored
SELECT count(set_config('cp_qgis.' || k, v, true)) AS cp_qgis_settings
  FROM (VALUES ('schema', :'schema'), ('network', :'network'), ('buildings', :'buildings'),
               ('schools', :'schools'), ('residents', :'residents'), ('facilities', :'facilities'),
               ('communities', :'communities'), ('parking_buildings', :'parking_buildings'),
               ('car_parks', :'car_parks'), ('cutoffs', :'cutoffs'), ('school_search_m', :'school_search_m'),
               ('heritage_height_m', :'heritage_height_m'), ('parking_walk_m', :'parking_walk_m')) v (k, v)
\gset

DO $$
DECLARE
  sch  text := current_setting('cp_qgis.schema');
  net  text := current_setting('cp_qgis.network');
  srid int;
  need jsonb := jsonb_build_object(
    'buildings', '{id,geom}', 'schools', '{id,geom}', 'residents', '{id,geom,population}',
    'facilities', '{id,category,geom}', 'communities', '{id,geom}',
    'parking_buildings', '{id,geom,use,households,floor_area}', 'car_parks', '{id,geom,capacity}');
  layers text[] := ARRAY['network_islands', 'catchment_zones', 'schools', 'building_school_walk', 'building_heritage',
                         'heritage_footprints', 'heritage_protection_zones', 'heritage_control_zones',
                         'community_coverage_map', 'community_life_circle_map', 'community_parking_gap',
                         'building_parking_gap', 'community_scorecard'];
  k text;
  qry text;
  missing text[];
  r record;
  n bigint;
  school_name text := 'NULL::text';
  problems text[] := '{}';
  reg_srid int;
BEGIN
  SELECT nw.srid INTO srid FROM cp.networks nw WHERE nw.name = net;
  IF srid IS NULL THEN
    RAISE EXCEPTION 'qgis_layers: no compiled network "%"', net
      USING ERRCODE = 'undefined_object',
            HINT = 'Pass -v network=NAME, a network of cp.networks built by cp.network_build (docs/network.md).';
  END IF;
  -- every input query runs once, into a temporary table, and has its columns; else one error naming
  -- every variable at fault
  FOREACH k IN ARRAY ARRAY['buildings', 'schools', 'residents', 'facilities', 'communities', 'parking_buildings',
                           'car_parks'] LOOP
    qry := current_setting('cp_qgis.' || k);
    BEGIN
      EXECUTE format('DROP TABLE IF EXISTS pg_temp.cp_qgis_%s', k);
      EXECUTE format('CREATE TEMP TABLE cp_qgis_%s ON COMMIT DROP AS %s', k, qry);
    EXCEPTION WHEN OTHERS THEN
      problems := problems || format('-v %s: %s (query: %s)', k, SQLERRM, qry);
      CONTINUE;
    END;
    SELECT array_agg(c ORDER BY o) INTO missing
      FROM unnest((need->>k)::text[]) WITH ORDINALITY u (c, o)
     WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = format('pg_temp.cp_qgis_%s', k)::regclass
                                                        AND a.attname = u.c AND a.attnum > 0 AND NOT a.attisdropped);
    IF missing IS NOT NULL THEN
      problems := problems || format('-v %s: no column %s (query: %s)', k, array_to_string(missing, ', '), qry);
      CONTINUE;
    END IF;
    EXECUTE format('SELECT count(*) FROM pg_temp.cp_qgis_%s', k) INTO n;
    IF n = 0 THEN
      RAISE WARNING 'qgis_layers: the % query returns no rows: its layers will be empty', k;
    END IF;
  END LOOP;
  IF problems <> '{}' THEN
    RAISE EXCEPTION 'qgis_layers: % of the input queries cannot be used', cardinality(problems)
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = array_to_string(problems, E'\n'),
            HINT = 'Pass each input as a psql variable returning the columns named in demo/qgis_layers.sql, e.g. '
                   '-v buildings=''SELECT id, geom FROM district.buildings'' (docs/maps.md, "Layers over your own '
                   'tables"); without a variable the demo''s table in schema demo is read.';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'pg_temp.cp_qgis_schools'::regclass AND attname = 'name'
                                          AND NOT attisdropped) THEN
    school_name := 's.name::text';
  END IF;

  EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', sch);
  -- replace the layer tables (or the views of earlier versions) of this schema, nothing else
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = sch AND c.relname = ANY (layers) LOOP
    EXECUTE format('DROP %s %I.%I', CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                                   ELSE 'TABLE' END, sch, r.relname);
  END LOOP;

  -- the compiled walking network; island = not in the largest connected component
  EXECUTE format($v$
    CREATE TABLE %1$I.network_islands AS
    SELECT piece::int AS id, edge_id, component, component <> 1 AS island, round(length_m::numeric, 1) AS length_m,
           ST_Transform(geom, %2$s)::geometry(LineString, %2$s) AS geom
      FROM cp.network_edges(%3$L)$v$, sch, srid, net);

  -- the schools (areas by a point on their surface)
  EXECUTE format($v$
    CREATE TABLE %1$I.schools AS
    SELECT s.id::int AS id, 'school'::text AS kind, %3$s AS name,
           ST_Transform(ST_PointOnSurface(s.geom), %2$s)::geometry(Point, %2$s) AS geom
      FROM pg_temp.cp_qgis_schools s$v$, sch, srid, school_name);

  -- walking catchments of the schools, one polygon per school and cutoff
  EXECUTE format($v$
    CREATE TABLE %1$I.catchment_zones AS
    SELECT (row_number() OVER (ORDER BY facility_id, cutoff))::int AS id, facility_id, cutoff::int AS cutoff,
           round(area_m2::numeric) AS area_m2, ST_Multi(ST_Transform(geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.catchments(%3$L, 'SELECT id, geom FROM pg_temp.cp_qgis_schools', %4$L::float8[])
     WHERE NOT ST_IsEmpty(geom)$v$, sch, srid, net, current_setting('cp_qgis.cutoffs'));

  -- every building with its walking distance to the nearest school (NULL: none within the search)
  EXECUTE format($v$
    CREATE TABLE %1$I.building_school_walk AS
    SELECT b.id::int AS id, n.origin_id AS school_id,
           round(n.distance_m::numeric, 1)::float8 AS walk_m, round(n.minutes::numeric, 1)::float8 AS minutes,
           ST_Multi(ST_Transform(b.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM pg_temp.cp_qgis_buildings b
      LEFT JOIN cp.nearest(%3$L, 'SELECT id, geom FROM pg_temp.cp_qgis_schools',
                           'SELECT id, geom FROM pg_temp.cp_qgis_buildings', %4$s) n ON n.target_id = b.id$v$,
    sch, srid, net, current_setting('cp_qgis.school_search_m')::float8);

  -- every building with the heritage verdict of rebuilding it heritage_height_m tall
  -- (the register holds one SRID: the buildings are checked in it)
  reg_srid := coalesce((SELECT ST_SRID(footprint) FROM cp.heritage_site LIMIT 1), srid);
  CREATE TEMP TABLE cp_qgis_review ON COMMIT DROP AS
  SELECT b.id AS building_id, v.*
    FROM pg_temp.cp_qgis_buildings b,
         LATERAL cp.check_development(ST_Transform(b.geom, reg_srid),
                                      current_setting('cp_qgis.heritage_height_m')::float8) v;
  EXECUTE format($v$
    CREATE TABLE %1$I.building_heritage AS
    SELECT b.id::int AS id,
           coalesce((SELECT CASE WHEN count(*) = 0 THEN NULL WHEN bool_or(r.severity = 'forbidden') THEN 'forbidden'
                            ELSE 'needs_review' END
                       FROM pg_temp.cp_qgis_review r WHERE r.building_id = b.id), 'no rule') AS verdict,
           (SELECT string_agg(DISTINCT r.rule, ', ') FROM pg_temp.cp_qgis_review r WHERE r.building_id = b.id) AS rules,
           ST_Multi(ST_Transform(b.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM pg_temp.cp_qgis_buildings b$v$, sch, srid);

  -- the listed heritage sites of the register, one table per outline
  EXECUTE format($v$
    CREATE TABLE %1$I.heritage_footprints AS
    SELECT id::int AS id, code, name, grade, height_limit_m,
           ST_Multi(ST_Transform(footprint, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.heritage_site WHERE status = 'listed'$v$, sch, srid);
  EXECUTE format($v$
    CREATE TABLE %1$I.heritage_protection_zones AS
    SELECT id::int AS id, code, name, ST_Multi(ST_Transform(protection_zone, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.heritage_site WHERE status = 'listed' AND protection_zone IS NOT NULL$v$, sch, srid);
  EXECUTE format($v$
    CREATE TABLE %1$I.heritage_control_zones AS
    SELECT id::int AS id, code, name, height_limit_m,
           ST_Multi(ST_Transform(control_zone, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.heritage_site WHERE status = 'listed' AND control_zone IS NOT NULL$v$, sch, srid);

  -- coverage per community and category (cp.coverage): walking ratio, crow-fly ratio
  EXECUTE format($v$
    CREATE TABLE %1$I.community_coverage_map AS
    SELECT (row_number() OVER (ORDER BY c.community_id, c.category))::int AS id, c.community_id, c.category,
           round(c.population::numeric)::int AS population, round(c.covered_population::numeric)::int AS covered,
           round(c.ratio::numeric, 3)::float8 AS ratio, round(c.crowfly_ratio::numeric, 3)::float8 AS crowfly_ratio,
           ST_Multi(ST_Transform(c.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.coverage(%3$L, 'SELECT id, geom, population FROM pg_temp.cp_qgis_residents',
                       'SELECT id, category, geom FROM pg_temp.cp_qgis_facilities',
                       'SELECT id, geom FROM pg_temp.cp_qgis_communities') c
     WHERE c.geom IS NOT NULL$v$, sch, srid, net);

  -- the complete 15-minute life circle per community (cp.life_circle)
  EXECUTE format($v$
    CREATE TABLE %1$I.community_life_circle_map AS
    SELECT l.community_id::int AS id, l.life_circle, round(l.population::numeric)::int AS population,
           round(l.ratio::numeric, 3)::float8 AS ratio, round(l.crowfly_ratio::numeric, 3)::float8 AS crowfly_ratio,
           array_to_string(l.missing_categories[1:3], ', ') AS most_missing,
           ST_Multi(ST_Transform(l.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.life_circle(%3$L, 'SELECT id, geom, population FROM pg_temp.cp_qgis_residents',
                          'SELECT id, category, geom FROM pg_temp.cp_qgis_facilities',
                          'SELECT id, geom FROM pg_temp.cp_qgis_communities', life_circle => '15min') l
     WHERE l.geom IS NOT NULL$v$, sch, srid, net);

  -- parking supply-demand gap per community (cp.parking_gap); plan target: at most 20 %
  EXECUTE format($v$
    CREATE TABLE %1$I.community_parking_gap AS
    SELECT g.community_id::int AS id, round(g.demand::numeric, 1)::float8 AS demand,
           round(g.supply_inside::numeric, 1)::float8 AS supply_inside,
           round(g.supply_allocated::numeric, 1)::float8 AS supply_allocated, round(g.gap::numeric, 1)::float8 AS gap,
           round(g.gap_ratio::numeric, 3)::float8 AS gap_ratio,
           CASE WHEN g.gap_ratio IS NULL THEN 'no demand' WHEN g.gap_ratio <= 0.20 THEN 'meets target'
                ELSE 'over 20 %%' END AS plan,
           ST_Multi(ST_Transform(g.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.parking_gap(%3$L, 'SELECT id, geom, use, households, floor_area FROM pg_temp.cp_qgis_parking_buildings',
                          'SELECT id, geom, capacity FROM pg_temp.cp_qgis_car_parks',
                          'SELECT id, geom FROM pg_temp.cp_qgis_communities', %4$s) g
     WHERE g.geom IS NOT NULL$v$, sch, srid, net, current_setting('cp_qgis.parking_walk_m')::float8);

  -- unmet parking demand per building (cp.parking_gap_buildings), drawn with the building outline
  EXECUTE format($v$
    CREATE TABLE %1$I.building_parking_gap AS
    SELECT b.id::int AS id, p.use, round(p.demand::numeric, 2)::float8 AS demand,
           round(p.supplied::numeric, 2)::float8 AS supplied, round(p.unmet::numeric, 2)::float8 AS unmet,
           round(p.unmet_ratio::numeric, 3)::float8 AS unmet_ratio, p.car_parks,
           ST_Multi(ST_Transform(b.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM pg_temp.cp_qgis_parking_buildings b
      JOIN cp.parking_gap_buildings(%3$L, 'SELECT id, geom, use, households, floor_area FROM pg_temp.cp_qgis_parking_buildings',
                                    'SELECT id, geom, capacity FROM pg_temp.cp_qgis_car_parks', %4$s) p
        ON p.building_id = b.id$v$, sch, srid, net, current_setting('cp_qgis.parking_walk_m')::float8);

  -- the indicator scorecard per community (cp.community_scores: today's plan stage, scores 0..100)
  EXECUTE format($v$
    CREATE TABLE %1$I.community_scorecard AS
    SELECT (row_number() OVER (ORDER BY s.id))::int AS id, s.id AS community, s.name, s.district, s.city,
           s.population, s.stage, round(s.overall, 1)::float8 AS overall, round(s.livability, 1)::float8 AS livability,
           round(s.smartness, 1)::float8 AS smartness, round(s.resilience, 1)::float8 AS resilience,
           round(s.humanity, 1)::float8 AS humanity, s.scored, s.missing,
           ST_Multi(ST_Transform(s.geom, %2$s))::geometry(MultiPolygon, %2$s) AS geom
      FROM cp.community_scores s WHERE s.geom IS NOT NULL$v$, sch, srid);

  FOREACH k IN ARRAY layers LOOP
    EXECUTE format('ALTER TABLE %I.%I ADD PRIMARY KEY (id)', sch, k);
    EXECUTE format('CREATE INDEX ON %I.%I USING gist (geom)', sch, k);
    EXECUTE format('COMMENT ON TABLE %I.%I IS %L', sch, k,
                   format('community_planning QGIS layer (demo/qgis_layers.sql), network %s, SRID %s, built %s',
                          net, srid, now()::timestamp(0)));
    EXECUTE format('SELECT count(*) FROM %I.%I', sch, k) INTO n;
    IF n = 0 THEN
      RAISE WARNING 'qgis_layers: layer %.% is empty', sch, k;
    END IF;
  END LOOP;
  -- readers of the results (cp.setup_roles) may open the project
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cp_reader') THEN
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO cp_reader', sch);
  END IF;
END $$;
COMMIT;

SELECT format('%I.%I', f_table_schema, f_table_name) AS qgis_layer, type, srid,
       (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', f_table_schema, f_table_name),
                                            false, true, '')))[1]::text::int AS features
  FROM geometry_columns
 WHERE f_table_schema = :'schema'
   AND obj_description(format('%I.%I', f_table_schema, f_table_name)::regclass, 'pg_class') LIKE 'community_planning QGIS layer%'
 ORDER BY 1;
