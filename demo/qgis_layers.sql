-- Views the QGIS project (docs/qgis/community_planning.qgs) reads, over the demo's result tables.
-- Every view has a unique integer "id" (QGIS needs a key for views) and a geometry column typed with
-- the network SRID (so QGIS finds type and SRID in geometry_columns without scanning).
-- Run after demo/steps/*.sql (the scorecard layer reads cp.community_scores); in a district
-- database, after the same tables exist:
--   psql -v network=demo -f demo/qgis_layers.sql
\set ON_ERROR_STOP 1
\if :{?network}
\else
  \set network demo
\endif
SELECT set_config('cp_qgis.network', :'network', false);

DO $$
DECLARE
  net  text := current_setting('cp_qgis.network');
  srid int  := (SELECT srid FROM cp.networks WHERE name = net);
BEGIN
  IF srid IS NULL THEN
    RAISE EXCEPTION 'no compiled network %', net;
  END IF;

  -- the compiled walking network; island = not in the largest connected component
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.network_islands AS
    SELECT piece AS id, edge_id, component, component <> 1 AS island, round(length_m::numeric, 1) AS length_m,
           geom::geometry(LineString, %s) AS geom
      FROM cp.network_edges(%L)$v$, srid, net);
  COMMENT ON VIEW demo.network_islands IS
    'Compiled walking network pieces; component 1 is the largest connected part, island = true elsewhere';

  -- walking catchments of the schools, one polygon per school and cutoff
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.catchment_zones AS
    SELECT (row_number() OVER (ORDER BY facility_id, cutoff))::int AS id, facility_id, cutoff::int AS cutoff,
           round(area_m2::numeric) AS area_m2, ST_Multi(geom)::geometry(MultiPolygon, %s) AS geom
      FROM demo.catchments$v$, srid);

  -- the schools themselves, in the network SRID
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.schools AS
    SELECT id::int AS id, kind, name, ST_Transform(geom, %s)::geometry(Point, %s) AS geom
      FROM demo.facilities WHERE kind = 'school' AND GeometryType(geom) = 'POINT'$v$, srid, srid);

  -- every building with its walking distance to the nearest school (NULL: none within the search radius)
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.building_school_walk AS
    SELECT b.id::int AS id, b.building, n.origin_id AS school_id,
           round(n.distance_m::numeric, 1)::float8 AS walk_m, round(n.minutes::numeric, 1)::float8 AS minutes,
           ST_Transform(b.geom, %s)::geometry(MultiPolygon, %s) AS geom
      FROM demo.buildings b LEFT JOIN demo.nearest_school n ON n.target_id = b.id$v$, srid, srid);

  -- every building with the heritage verdict of rebuilding it 20 m tall
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.building_heritage AS
    SELECT b.id::int AS id,
           coalesce((SELECT CASE WHEN count(*) = 0 THEN NULL WHEN bool_or(r.severity = 'forbidden') THEN 'forbidden'
                            ELSE 'needs_review' END
                       FROM demo.heritage_review r WHERE r.building_id = b.id), 'no rule') AS verdict,
           (SELECT string_agg(DISTINCT r.rule, ', ') FROM demo.heritage_review r WHERE r.building_id = b.id) AS rules,
           ST_Transform(b.geom, %s)::geometry(MultiPolygon, %s) AS geom
      FROM demo.buildings b$v$, srid, srid);

  -- the listed heritage sites, one view per outline (the register's columns are not SRID-typed)
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.heritage_footprints AS
    SELECT id::int AS id, code, name, grade, height_limit_m, footprint::geometry(MultiPolygon, %s) AS geom
      FROM cp.heritage_site WHERE status = 'listed'$v$, srid);
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.heritage_protection_zones AS
    SELECT id::int AS id, code, name, protection_zone::geometry(MultiPolygon, %s) AS geom
      FROM cp.heritage_site WHERE status = 'listed' AND protection_zone IS NOT NULL$v$, srid);
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.heritage_control_zones AS
    SELECT id::int AS id, code, name, height_limit_m, control_zone::geometry(MultiPolygon, %s) AS geom
      FROM cp.heritage_site WHERE status = 'listed' AND control_zone IS NOT NULL$v$, srid);

  -- coverage per community and category (cp.coverage): walking ratio, crow-fly ratio
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.community_coverage_map AS
    SELECT (row_number() OVER (ORDER BY c.community_id, c.category))::int AS id, c.community_id, c.category,
           round(c.population::numeric)::int AS population, round(c.covered_population::numeric)::int AS covered,
           round(c.ratio::numeric, 3)::float8 AS ratio, round(c.crowfly_ratio::numeric, 3)::float8 AS crowfly_ratio,
           ST_Multi(ST_Transform(c.geom, %s))::geometry(MultiPolygon, %s) AS geom
      FROM demo.community_coverage c WHERE c.geom IS NOT NULL$v$, srid, srid);

  -- the complete 15-minute life circle per community (cp.life_circle)
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.community_life_circle_map AS
    SELECT l.community_id::int AS id, l.life_circle, round(l.population::numeric)::int AS population,
           round(l.ratio::numeric, 3)::float8 AS ratio, round(l.crowfly_ratio::numeric, 3)::float8 AS crowfly_ratio,
           array_to_string(l.missing_categories[1:3], ', ') AS most_missing,
           ST_Multi(ST_Transform(l.geom, %s))::geometry(MultiPolygon, %s) AS geom
      FROM demo.community_life_circle l WHERE l.geom IS NOT NULL$v$, srid, srid);

  -- parking supply-demand gap per community (cp.parking_gap); plan target: at most 20 %
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.community_parking_gap AS
    SELECT g.community_id::int AS id, round(g.demand::numeric, 1)::float8 AS demand,
           round(g.supply_inside::numeric, 1)::float8 AS supply_inside,
           round(g.supply_allocated::numeric, 1)::float8 AS supply_allocated, round(g.gap::numeric, 1)::float8 AS gap,
           round(g.gap_ratio::numeric, 3)::float8 AS gap_ratio,
           CASE WHEN g.gap_ratio IS NULL THEN 'no demand' WHEN g.gap_ratio <= 0.20 THEN 'meets target'
                ELSE 'over 20 %%' END AS plan,
           ST_Multi(ST_Transform(g.geom, %s))::geometry(MultiPolygon, %s) AS geom
      FROM demo.parking_gap g WHERE g.geom IS NOT NULL$v$, srid, srid);

  -- unmet parking demand per building (cp.parking_gap_buildings), drawn with the building outline
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.building_parking_gap AS
    SELECT b.id::int AS id, p.use, round(p.demand::numeric, 2)::float8 AS demand,
           round(p.supplied::numeric, 2)::float8 AS supplied, round(p.unmet::numeric, 2)::float8 AS unmet,
           round(p.unmet_ratio::numeric, 3)::float8 AS unmet_ratio, p.car_parks,
           ST_Transform(b.geom, %s)::geometry(MultiPolygon, %s) AS geom
      FROM demo.buildings b JOIN demo.parking_gap_buildings p ON p.building_id = b.id$v$, srid, srid);

  -- the indicator scorecard per community (cp.community_scores: today's plan stage, scores 0..100)
  EXECUTE format($v$
    CREATE OR REPLACE VIEW demo.community_scorecard AS
    SELECT (row_number() OVER (ORDER BY s.id))::int AS id, s.id AS community, s.name, s.district, s.city,
           s.population, s.stage, round(s.overall, 1)::float8 AS overall, round(s.livability, 1)::float8 AS livability,
           round(s.smartness, 1)::float8 AS smartness, round(s.resilience, 1)::float8 AS resilience,
           round(s.humanity, 1)::float8 AS humanity, s.scored, s.missing,
           ST_Transform(s.geom, %s)::geometry(MultiPolygon, %s) AS geom
      FROM cp.community_scores s WHERE s.geom IS NOT NULL$v$, srid, srid);
END $$;

SELECT 'demo.' || viewname AS qgis_layer FROM pg_views
 WHERE schemaname = 'demo' ORDER BY 1;
