-- Parking gap: hand-made network with known answers, the what-if, capacity estimates, every error.
SET client_min_messages = notice;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- South street y = 0 and north street y = 60, 0..1000 m, with a river between them:
-- the only bridge is at x = 1000 (UTM 50N).
SELECT nodes, edges, components FROM cp.network_build('pk', $$
  SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 1000 0)', 32650) AS geom
  UNION ALL SELECT 2, ST_GeomFromText('LINESTRING(0 60, 1000 60)', 32650)
  UNION ALL SELECT 3, ST_GeomFromText('LINESTRING(1000 0, 1000 60)', 32650)$$);
-- Buildings: B3 (150,-10) 3 households and B1 (100,-10) 6 households in community 1,
-- B2 (300,-10) 6 households in community 2, an office of 500 m² (300,70) on the north bank
-- (community 3, no residential building). Community 4 has no building at all.
CREATE TABLE pk_buildings AS
SELECT * FROM (VALUES
  (1, ST_SetSRID(ST_MakePoint(100, -10), 32650), 'residential', 6.0, NULL::float8),
  (2, ST_SetSRID(ST_MakePoint(300, -10), 32650), 'residential', 6.0, NULL),
  (3, ST_SetSRID(ST_MakePoint(150, -10), 32650), 'residential', 3.0, NULL),
  (4, ST_SetSRID(ST_MakePoint(300, 70), 32650), 'office', NULL, 500.0)
) b(id, geom, use, households, floor_area);
-- P1 (195,-10) 10 spaces in community 1; P3 (100,70) 3 spaces on the north bank,
-- 80 m from B1 by air but 1860 m on foot.
CREATE TABLE pk_parking AS
SELECT * FROM (VALUES
  (1, ST_SetSRID(ST_MakePoint(195, -10), 32650), 10),
  (3, ST_SetSRID(ST_MakePoint(100, 70), 32650), 3)
) p(id, geom, capacity);
CREATE TABLE pk_communities AS
SELECT * FROM (VALUES
  (1, ST_MakeEnvelope(0, -100, 200, 30, 32650)),
  (2, ST_MakeEnvelope(200, -100, 400, 30, 32650)),
  (3, ST_MakeEnvelope(0, 30, 400, 150, 32650)),
  (4, ST_MakeEnvelope(400, -100, 800, 30, 32650))
) c(id, geom);
-- demand: 9 and 6 households at 1 space each, the office 500 m² / 100 × 1;
-- P1 serves B3 (45 m), then B1 (95 m), and has 1 space left for B2 (105 m);
-- P3 serves the office (200 m) only: nobody on the south bank can walk to it.
SELECT community_id, demand, supply_inside, supply_allocated, gap, round(gap_ratio::numeric, 4) AS gap_ratio
  FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', 'SELECT * FROM pk_communities');
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp.parking_allocation('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking');
SELECT building_id, use, demand, supplied, unmet, round(unmet_ratio::numeric, 4) AS unmet_ratio, car_parks
  FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking');
SELECT parking_id, capacity, capacity_source, allocated, spare, buildings
  FROM cp.parking_lots('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking');
-- the car park across the river: close by air, out of reach on foot
SELECT round(ST_Distance(b.geom, p.geom)::numeric) AS air_m,
       cp.walk_distance('pk', b.geom, p.geom) AS walk_m
  FROM pk_buildings b, pk_parking p WHERE b.id = 1 AND p.id = 3;
SELECT count(*) AS pairs_across_river
  FROM cp.parking_allocation('pk', 'SELECT * FROM pk_buildings WHERE id = 1', 'SELECT * FROM pk_parking WHERE id = 3');
-- with 2 km of walking the bridge is in reach
SELECT * FROM cp.parking_allocation('pk', 'SELECT * FROM pk_buildings WHERE id = 1',
                                    'SELECT * FROM pk_parking WHERE id = 3', walk_m => 2000);
-- what-if: a proposed car park of 5 spaces at (320,-10) closes community 2's gap
SELECT community_id, demand, supply_inside, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings',
    $$SELECT * FROM pk_parking UNION ALL SELECT 9, ST_SetSRID(ST_MakePoint(320, -10), 32650), 5$$,
    'SELECT * FROM pk_communities')
 WHERE community_id IN (1, 2);
-- a shorter walk: P1 is 105 m from B2, so with 100 m community 2 gets nothing
SELECT community_id, supply_allocated, gap_ratio
  FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
                      'SELECT * FROM pk_communities', walk_m => 100)
 WHERE community_id IN (1, 2);
-- capacity: given, estimated from a polygon's area (600 m² / 30 = 20, or / 25 = 24; in the plane of
-- a projected CRS), unknown (a point without capacity)
SELECT parking_id, capacity, capacity_source
  FROM cp.parking_lots('pk', 'SELECT * FROM pk_buildings WHERE false', $$
    SELECT 1 AS id, ST_SetSRID(ST_MakePoint(195, -10), 32650) AS geom, 10 AS capacity
    UNION ALL SELECT 2, ST_MakeEnvelope(500, -40, 530, -20, 32650), NULL
    UNION ALL SELECT 3, ST_SetSRID(ST_MakePoint(600, -10), 32650), NULL$$);
SELECT parking_id, capacity FROM cp.parking_lots('pk', 'SELECT * FROM pk_buildings WHERE false',
  'SELECT 2 AS id, ST_MakeEnvelope(500, -40, 530, -20, 32650) AS geom, NULL::int AS capacity', m2_per_space => 25);
-- another set: the complete-community standard's new-community rule (1 per household)
SELECT community_id, demand FROM cp.parking_gap('pk', $$SELECT * FROM pk_buildings WHERE use = 'residential'$$,
  'SELECT * FROM pk_parking', 'SELECT * FROM pk_communities',
  standard => 'MOHURD-complete-community-2020', community_type => 'new');
-- ... which has no rule for old communities
SELECT community_id, demand FROM cp.parking_gap('pk', $$SELECT * FROM pk_buildings WHERE use = 'residential'$$,
  'SELECT * FROM pk_parking', 'SELECT * FROM pk_communities',
  standard => 'MOHURD-complete-community-2020', community_type => 'old');
-- NULL use and NULL households: no demand, with a NOTICE
SELECT building_id, demand FROM cp.parking_gap_buildings('pk', $$
  SELECT 1 AS id, ST_SetSRID(ST_MakePoint(100, -10), 32650) AS geom, NULL AS use, 1 AS households, NULL AS floor_area
  UNION ALL SELECT 2, ST_SetSRID(ST_MakePoint(120, -10), 32650), 'residential', NULL, NULL$$, 'SELECT * FROM pk_parking');
-- errors
SELECT * FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
  'SELECT * FROM pk_communities', standard => 'no-such-set');
SELECT * FROM cp.parking_gap_buildings('pk', $$SELECT 1 AS id, geom, 'factory' AS use, 1 AS households, 1 AS floor_area
  FROM pk_buildings LIMIT 1$$, 'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', walk_m => 0);
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', walk_m => 'NaN');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', walk_m => 'Infinity');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', m2_per_space => -1);
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT id, geom, use, floor_area FROM pk_buildings', 'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT id, geom FROM pk_parking');
SELECT * FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', 'SELECT id FROM pk_communities');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT id, geom, -1 AS capacity FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT id, geom, use, -2 AS households, floor_area FROM pk_buildings',
  'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings',
  'SELECT * FROM pk_parking UNION ALL SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings UNION ALL SELECT * FROM pk_buildings',
  'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT NULL::int AS id, geom, use, households, floor_area FROM pk_buildings',
  'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
  'SELECT 1 AS id, geom FROM pk_communities');
SELECT * FROM cp.parking_gap_buildings('nowhere', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
  community_type => 'suburban');
-- one C pass (cp._parking_eval): the rule of every building is cp.parking_demand's, flat-size
-- bins included (XM-parking-2020 for new communities: <= 70, 70-144 and 180-200 m² per flat, and a
-- rule for any flat size)
SELECT b.building_id, b.demand, cp.parking_demand('XM-parking-2020', 'residential', x.households, x.floor_area, 'new') AS parking_demand
  FROM cp.parking_gap_buildings('pk', $$
    SELECT i AS id, ST_SetSRID(ST_MakePoint(100 + i, -10), 32650) AS geom, 'residential' AS use,
           CASE WHEN i = 6 THEN NULL ELSE 10 END AS households, CASE WHEN i = 7 THEN NULL WHEN i = 8 THEN 1900 ELSE i * 300.0 END AS floor_area
      FROM generate_series(1, 8) i$$, 'SELECT * FROM pk_parking', standard => 'XM-parking-2020', community_type => 'new') b
  JOIN (SELECT i AS id, CASE WHEN i = 6 THEN NULL ELSE 10 END::float8 AS households,
               CASE WHEN i = 7 THEN NULL WHEN i = 8 THEN 1900 ELSE i * 300.0 END::float8 AS floor_area FROM generate_series(1, 8) i) x
    ON x.id = b.building_id;
-- the rules of a set as the C pass gets them, in the order they are tried
SELECT * FROM cp._parking_rules('XM-parking-2020', 'new');
-- capacity from the area of a longitude/latitude polygon: on the WGS 84 spheroid, as PostGIS's
-- ST_Area(geography) (GeographicLib); 40 x 40 m near the pk network
SELECT l.parking_id, l.capacity, l.capacity_source,
       l.capacity = floor(ST_Area(ST_Transform(ST_MakeEnvelope(500, -60, 540, -20, 32650), 4326)::geography) / 30) AS as_postgis
  FROM cp.parking_lots('pk', 'SELECT * FROM pk_buildings WHERE false',
    'SELECT 5 AS id, ST_Transform(ST_MakeEnvelope(500, -60, 540, -20, 32650), 4326) AS geom, NULL::int AS capacity') l;
SELECT e.parking_id, e.capacity, round(e.area_m2::numeric, 6) = round(ST_Area(ST_Transform(ST_MakeEnvelope(500, -60, 540, -20, 32650), 4326)::geography)::numeric, 6) AS area_as_postgis
  FROM cp._parking_rules('CP-parking-default', 'old') r,
       cp._parking_eval('pk', 'SELECT * FROM pk_buildings WHERE false',
         'SELECT 5 AS id, ST_Transform(ST_MakeEnvelope(500, -60, 540, -20, 32650), 4326) AS geom, NULL::int AS capacity',
         NULL, 300, 30, 250, 'CP-parking-default', 'old', r.uses, r.bases, r.spaces, r.flat_min, r.flat_max, 'lots') e;
-- communities in another SRID, or in several: each polygon is brought into the network's CRS
SELECT community_id, demand, supply_allocated
  FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
    'SELECT id, CASE WHEN id = 2 THEN ST_Transform(geom, 4326) ELSE geom END AS geom FROM pk_communities');
-- buildings outside every community take part in the allocation, in no community's figures (NOTICE)
SELECT community_id, demand, supply_inside, supply_allocated
  FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', 'SELECT * FROM pk_communities WHERE id = 1');
-- per community without a communities query: the whole area in one row
SELECT community_id, demand, capacity, spaces_shared, geom IS NULL AS no_geom
  FROM cp._parking_rules('CP-parking-default', 'old') r,
       cp._parking_eval('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', NULL, 300, 30, 250,
                        'CP-parking-default', 'old', r.uses, r.bases, r.spaces, r.flat_min, r.flat_max, 'communities') e;
-- more errors: m2_per_space out of range, a NULL community id, a bad per, a NULL argument
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', m2_per_space => 0.5);
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', max_snap_m => -1);
SELECT * FROM cp.parking_gap('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking',
  'SELECT NULL::int AS id, geom FROM pk_communities');
SELECT * FROM cp.parking_gap_buildings('pk', 'SELECT * FROM pk_buildings', 'SELECT NULL::int AS id, geom, capacity FROM pk_parking');
SELECT * FROM cp._parking_rules('CP-parking-default', 'old') r,
  cp._parking_eval('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', NULL, 300, 30, 250,
                   'CP-parking-default', 'old', r.uses, r.bases, r.spaces, r.flat_min, r.flat_max, 'districts') e;
SELECT * FROM cp._parking_eval('pk', 'SELECT * FROM pk_buildings', NULL, NULL, 300, 30, 250,
                   'CP-parking-default', 'old', '{}', '{}', '{}', '{}', '{}', 'lots');
SELECT * FROM cp._parking_eval('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', NULL, 300, 30, 250,
                   'CP-parking-default', 'old', '{residential}', '{household}', '{1, 2}', '{NULL}', '{NULL}', 'lots');
-- the internal allocation (cp._parking_allocate): buildings (id, geom, demand), car parks
-- (id, geom, capacity), rows in allocation order. Distances 45, 95, 105 and 200 m fall in
-- different distance bands (18.75, 37.5, 75, 150, 300 m): the order is still the global one.
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp._parking_allocate('pk',
    $$SELECT id, geom, coalesce(households, floor_area / 100) AS demand FROM pk_buildings$$,
    'SELECT * FROM pk_parking', 300, 250);
-- exact ties (positions at eighths of the 1000 m street, so the distances are exact): two
-- buildings 125 m from a 1-space car park (the smaller building id is served), and a building
-- 125 m from two car parks of 1 space (the smaller car park id serves it first)
SELECT building_id, parking_id, distance_m, spaces
  FROM cp._parking_allocate('pk', $$
    SELECT 8 AS id, ST_SetSRID(ST_MakePoint(125, -10), 32650) AS geom, 1 AS demand
    UNION ALL SELECT 7, ST_SetSRID(ST_MakePoint(375, -10), 32650), 1$$,
    'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(250, -10), 32650) AS geom, 1 AS capacity', 300, 250);
SELECT building_id, parking_id, distance_m, spaces
  FROM cp._parking_allocate('pk',
    'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(500, -10), 32650) AS geom, 1.5 AS demand', $$
    SELECT 5 AS id, ST_SetSRID(ST_MakePoint(625, 5), 32650) AS geom, 1 AS capacity
    UNION ALL SELECT 4, ST_SetSRID(ST_MakePoint(375, -5), 32650), 1$$, 300, 250);
-- a car park on a piece whose ends are both beyond walk_m still serves a building on that piece
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp._parking_allocate('pk', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(500, 70), 32650) AS geom, 2 AS demand',
    'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(520, 70), 32650) AS geom, 5 AS capacity', 30, 250);
-- rows without demand, capacity or geometry take no part; a building too far from the network
-- takes no part either (NOTICE)
SELECT building_id, parking_id, spaces
  FROM cp._parking_allocate('pk', $$
    SELECT 1 AS id, ST_SetSRID(ST_MakePoint(100, -10), 32650) AS geom, 0 AS demand
    UNION ALL SELECT 2, NULL, 3
    UNION ALL SELECT 3, ST_SetSRID(ST_MakePoint(150, -10), 32650), NULL
    UNION ALL SELECT 4, ST_SetSRID(ST_MakePoint(150, -900), 32650), 2
    UNION ALL SELECT 5, ST_SetSRID(ST_MakePoint(160, -10), 32650), 2$$,
    'SELECT * FROM pk_parking', 300, 250);
-- bad input to the internal function
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, -1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 300, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, 1 AS demand FROM pk_buildings',
  $$SELECT id, geom, 'NaN'::float8 AS capacity FROM pk_parking$$, 300, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT NULL::int AS id, geom, 1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 300, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, 1 AS demand FROM pk_buildings',
  'SELECT * FROM pk_parking UNION ALL SELECT * FROM pk_parking', 300, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT * FROM pk_buildings', 'SELECT * FROM pk_parking', 300, 250);
SELECT * FROM cp._parking_allocate('pk', $$SELECT id, geom, 'x' AS demand FROM pk_buildings$$, 'SELECT * FROM pk_parking', 300, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, 1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 0, 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, 1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 'Infinity', 250);
SELECT * FROM cp._parking_allocate('pk', 'SELECT id, geom, 1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 300, -1);
SELECT * FROM cp._parking_allocate('nowhere', 'SELECT id, geom, 1 AS demand FROM pk_buildings', 'SELECT * FROM pk_parking', 300, 250);
SELECT count(*) AS null_argument_rows FROM cp._parking_allocate('pk', NULL, 'SELECT * FROM pk_parking', 300, 250);
-- NULL sweep: every function is STRICT, a NULL argument gives no rows
-- (argument 4, communities_sql, only exists for cp.parking_gap)
SELECT i AS null_argument,
       (SELECT count(*) FROM cp.parking_gap(
          CASE WHEN i = 1 THEN NULL ELSE 'pk' END,
          CASE WHEN i = 2 THEN NULL ELSE 'SELECT * FROM pk_buildings' END,
          CASE WHEN i = 3 THEN NULL ELSE 'SELECT * FROM pk_parking' END,
          CASE WHEN i = 4 THEN NULL ELSE 'SELECT * FROM pk_communities' END,
          CASE WHEN i = 5 THEN NULL ELSE 300 END,
          CASE WHEN i = 6 THEN NULL ELSE 'CP-parking-default' END,
          CASE WHEN i = 7 THEN NULL ELSE 'old' END,
          CASE WHEN i = 8 THEN NULL ELSE 30 END,
          CASE WHEN i = 9 THEN NULL ELSE 250 END)) AS gap,
       CASE WHEN i <> 4 THEN (SELECT count(*) FROM cp.parking_gap_buildings(
          CASE WHEN i = 1 THEN NULL ELSE 'pk' END,
          CASE WHEN i = 2 THEN NULL ELSE 'SELECT * FROM pk_buildings' END,
          CASE WHEN i = 3 THEN NULL ELSE 'SELECT * FROM pk_parking' END,
          CASE WHEN i = 5 THEN NULL ELSE 300 END,
          CASE WHEN i = 6 THEN NULL ELSE 'CP-parking-default' END,
          CASE WHEN i = 7 THEN NULL ELSE 'old' END,
          CASE WHEN i = 8 THEN NULL ELSE 30 END,
          CASE WHEN i = 9 THEN NULL ELSE 250 END)) END AS buildings,
       CASE WHEN i <> 4 THEN (SELECT count(*) FROM cp.parking_allocation(
          CASE WHEN i = 1 THEN NULL ELSE 'pk' END,
          CASE WHEN i = 2 THEN NULL ELSE 'SELECT * FROM pk_buildings' END,
          CASE WHEN i = 3 THEN NULL ELSE 'SELECT * FROM pk_parking' END,
          CASE WHEN i = 5 THEN NULL ELSE 300 END,
          CASE WHEN i = 6 THEN NULL ELSE 'CP-parking-default' END,
          CASE WHEN i = 7 THEN NULL ELSE 'old' END,
          CASE WHEN i = 8 THEN NULL ELSE 30 END,
          CASE WHEN i = 9 THEN NULL ELSE 250 END)) END AS allocation,
       CASE WHEN i <> 4 THEN (SELECT count(*) FROM cp.parking_lots(
          CASE WHEN i = 1 THEN NULL ELSE 'pk' END,
          CASE WHEN i = 2 THEN NULL ELSE 'SELECT * FROM pk_buildings' END,
          CASE WHEN i = 3 THEN NULL ELSE 'SELECT * FROM pk_parking' END,
          CASE WHEN i = 5 THEN NULL ELSE 300 END,
          CASE WHEN i = 6 THEN NULL ELSE 'CP-parking-default' END,
          CASE WHEN i = 7 THEN NULL ELSE 'old' END,
          CASE WHEN i = 8 THEN NULL ELSE 30 END,
          CASE WHEN i = 9 THEN NULL ELSE 250 END)) END AS lots
  FROM generate_series(1, 9) i;
SELECT cp.network_drop('pk');
