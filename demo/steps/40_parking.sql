-- Parking supply-demand gap per community (a 500 m grid: the extract has no community boundaries).
-- Assumptions of this demo, not of the extension (demo.settings, per area): buildings tagged
-- residential/apartments/house/... are housing, and so is building=yes unless demo.settings.housing is
-- 'tagged' (Beijing: there building=yes is mostly campus and office blocks, of unknown use, no demand);
-- untagged storeys demo.settings.parking_levels (4; Beijing 6); households from floor area
-- (36.52 m² per person, 2.62 persons per household); public car parks only (access not private/no).
\pset footer off
CREATE TABLE demo.parking_buildings AS
SELECT b.id, b.geom,
       CASE WHEN b.building IN ('residential', 'apartments', 'house', 'detached', 'terrace', 'dormitory') THEN 'residential'
            WHEN b.building = 'yes' AND s.housing = 'untagged_too' THEN 'residential'
            WHEN b.building IN ('office', 'commercial') THEN 'office'
            WHEN b.building IN ('retail', 'supermarket') THEN 'retail'
            WHEN b.building IN ('school', 'university', 'kindergarten') THEN 'school'
            WHEN b.building IN ('hospital', 'clinic') THEN 'clinic' END AS use,
       cp.estimate_population(cp.building_floor_area(b.geom, coalesce(b.levels, s.parking_levels)), s.m2_per_person)
         / s.persons_per_household AS households,
       cp.building_floor_area(b.geom, coalesce(b.levels, s.parking_levels)) AS floor_area
  FROM demo.buildings b, demo.settings s;
CREATE TABLE demo.car_parks AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, osm_type, osm_id, parking, capacity, geom
  FROM osm.parking WHERE access IS NULL OR access NOT IN ('private', 'no');
CREATE TABLE demo.communities AS
SELECT row_number() OVER (ORDER BY g.i, g.j) AS id, g.geom
  FROM cp.networks n,
       LATERAL ST_SquareGrid(500, ST_Transform(ST_SetSRID((SELECT ST_Extent(geom) FROM demo.buildings)::geometry, 4326), n.srid)) g
 WHERE n.name = 'demo'
   AND EXISTS (SELECT 1 FROM demo.buildings b
                WHERE ST_Intersects(g.geom, ST_Transform(ST_PointOnSurface(b.geom), n.srid)));

\echo 'car parks: capacity given, estimated from area (30 m² per space), unknown (point without capacity: 0)'
SELECT capacity_source, count(*) AS car_parks, sum(capacity) AS spaces
  FROM cp.parking_lots('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                       'SELECT id, geom, capacity FROM demo.car_parks')
 GROUP BY 1 ORDER BY 1;

CREATE TABLE demo.parking_gap AS
SELECT * FROM cp.parking_gap('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                             'SELECT id, geom, capacity FROM demo.car_parks', 'SELECT id, geom FROM demo.communities');
\echo 'gap per 500 m community, 300 m walk (plan: baseline 38 %, target at most 20 %)'
SELECT community_id, round(demand) AS demand, round(supply_inside) AS inside, round(supply_allocated) AS allocated,
       round(gap) AS gap, round(100 * gap_ratio) AS gap_pct,
       CASE WHEN gap_ratio <= 0.20 THEN 'meets target' WHEN gap_ratio IS NULL THEN 'no demand' ELSE 'over 20 %' END AS plan
  FROM demo.parking_gap ORDER BY community_id;
SELECT round(sum(demand)) AS demand, round(sum(supply_allocated)) AS allocated,
       round((100 * sum(gap) / nullif(sum(demand), 0))::numeric, 1) AS gap_pct_overall,
       count(*) FILTER (WHERE gap_ratio <= 0.20) AS communities_meeting_target,
       count(*) FILTER (WHERE gap_ratio > 0.20) AS communities_over_target
  FROM demo.parking_gap;

\echo 'what-if: a proposed 150-space car park in the community with the largest gap'
SELECT w.community_id, round(g.gap) AS gap_before, round(w.gap) AS gap_after,
       round(100 * g.gap_ratio) AS pct_before, round(100 * w.gap_ratio) AS pct_after
  FROM cp.parking_gap('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
         $$SELECT id, geom, capacity FROM demo.car_parks
           UNION ALL (SELECT 0, ST_PointOnSurface(geom), 150
                        FROM demo.parking_gap ORDER BY gap DESC NULLS LAST, community_id LIMIT 1)$$,
         'SELECT id, geom FROM demo.communities') w
  JOIN demo.parking_gap g USING (community_id)
 WHERE w.gap <> g.gap ORDER BY w.community_id;

\copy (SELECT community_id, round(demand::numeric, 1) AS demand, round(supply_inside::numeric, 1) AS supply_inside, round(supply_allocated::numeric, 1) AS supply_allocated, round(gap::numeric, 1) AS gap, round(gap_ratio::numeric, 3) AS gap_ratio, ST_AsText(ST_Transform(geom, 4326)) AS wkt FROM demo.parking_gap ORDER BY 1) TO 'demo/out/parking_gap.csv' CSV HEADER
