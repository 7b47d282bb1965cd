-- Parking from points (issue 16): car parks without capacity (Amap points) get the capacity
-- of their type (cp.parking_type_capacity) or default_capacity, reported as estimated;
-- building uses in Chinese through cp.parking_use_map. Numbers worked by hand below.
SET client_min_messages = notice;
\set VERBOSITY default
\set SHOW_CONTEXT never
-- one street y = 0 from x = 0 to 1000 (UTM 50N): walking distances are the differences in x
SELECT nodes, edges FROM cp.network_build('pp', $$
  SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 1000 0)', 32650) AS geom$$);
-- B1 住宅 20 households (20 spaces), B2 商业 1000 m² (10), B3 ' Residential ' 5 households (5),
-- B4 办公 500 m² (5): CP-parking-default, 1 per household, 1 per 100 m²
CREATE TABLE pp_buildings AS
SELECT * FROM (VALUES
  (1, ST_SetSRID(ST_MakePoint(100, -10), 32650), '住宅', 20.0, NULL::float8),
  (2, ST_SetSRID(ST_MakePoint(300, -10), 32650), '商业', NULL, 1000.0),
  (3, ST_SetSRID(ST_MakePoint(500, -10), 32650), ' Residential ', 5.0, NULL),
  (4, ST_SetSRID(ST_MakePoint(700, -10), 32650), '办公', NULL, 500.0)
) b(id, geom, use, households, floor_area);
-- Amap car parks, points: P1 公共停车场 (50 by type), P2 路边停车场 (10 by type),
-- P3 a type the table does not know (0, or default_capacity), P4 停车场 with a given capacity 3
CREATE TABLE pp_parking AS
SELECT * FROM (VALUES
  (1, ST_SetSRID(ST_MakePoint(120, -10), 32650), NULL::int, '交通设施服务;停车场;公共停车场'),
  (2, ST_SetSRID(ST_MakePoint(320, -10), 32650), NULL, '路边停车场'),
  (3, ST_SetSRID(ST_MakePoint(520, -10), 32650), NULL, '汽车服务;洗车场'),
  (4, ST_SetSRID(ST_MakePoint(720, -10), 32650), 3, '停车场')
) p(id, geom, capacity, type);
CREATE TABLE pp_communities AS
SELECT * FROM (VALUES (1, ST_MakeEnvelope(0, -100, 400, 30, 32650)),
                      (2, ST_MakeEnvelope(400, -100, 800, 30, 32650))) c(id, geom);
-- the uses resolve through cp.parking_use_map: 住宅 and Residential -> residential, 商业 -> retail, 办公 -> office
SELECT building_id, use, demand FROM cp.parking_gap_buildings('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking');
-- by type: pairs at 20 m first: B1-P1 20 (P1 30 left), B2-P2 10 (P2 empty), B4-P4 3 (B4 short of 2);
-- P3 has 0 spaces; B3 (x 500) reaches only P2 and P4 (both empty) within 300 m:
-- C1 demand 30 all served, inside 60 estimated; C2 demand 10, 3 served, gap 7 (0.7)
SELECT parking_id, capacity, capacity_source, allocated, spare
  FROM cp.parking_lots('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking');
SELECT community_id, demand, supply_inside, supply_estimated, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities');
-- plus default_capacity 8 for P3: B3 takes 5 at 20 m, B4 the 2 it lacks at 180 m: no gap left
SELECT community_id, demand, supply_inside, supply_estimated, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities',
                      default_capacity => 8);
-- without the type column and without a default (as in 0.2.0): only P4's 3 given spaces, gap 37 of 40
SELECT community_id, demand, supply_inside, supply_estimated, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT id, geom, capacity FROM pp_parking', 'SELECT * FROM pp_communities');
-- without the type column, default_capacity 10 for P1-P3: at 20 m B1 10 (P1 empty), B2 10, B3 5, B4 3;
-- at 180 m B4 2 from P3; B1 stays 10 short: C1 20 of 30 (gap 1/3), C2 all 10 (30 of 40 in all)
SELECT community_id, demand, supply_inside, supply_estimated, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT id, geom, capacity FROM pp_parking', 'SELECT * FROM pp_communities',
                      default_capacity => 10);
SELECT parking_id, capacity, capacity_source
  FROM cp.parking_lots('pp', 'SELECT * FROM pp_buildings WHERE false', 'SELECT id, geom, capacity FROM pp_parking',
                       default_capacity => 10);
-- a district's own row wins over the shipped one: 公共停车场 30
INSERT INTO cp.parking_type_capacity (type, capacity, note) VALUES ('公共停车场', 30, 'our survey');
SELECT parking_id, capacity, capacity_source
  FROM cp.parking_lots('pp', 'SELECT * FROM pp_buildings WHERE false', 'SELECT * FROM pp_parking WHERE id = 1');
-- the allocation itself (same pairs as above, with the district's 30)
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp.parking_allocation('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking');
-- shipped rows are read-only; pg_dump keeps the district's rows
DELETE FROM cp.parking_type_capacity WHERE type = '停车场';
DELETE FROM cp.parking_use_map WHERE word = '住宅';
SELECT type, capacity FROM cp.parking_type_capacity WHERE NOT shipped;
-- a use neither the set nor the map knows: 22023, the hint names the map
SELECT * FROM cp.parking_gap_buildings('pp', $$SELECT 1 AS id, ST_SetSRID(ST_MakePoint(100, -10), 32650) AS geom,
  '仓储' AS use, NULL::float8 AS households, 800 AS floor_area$$, 'SELECT * FROM pp_parking');
-- mapped by the district, it works (warehouses at the office rule: 8 spaces)
INSERT INTO cp.parking_use_map (word, use, note) VALUES ('仓储', 'office', 'our rule');
SELECT building_id, use, demand FROM cp.parking_gap_buildings('pp', $$SELECT 1 AS id, ST_SetSRID(ST_MakePoint(100, -10), 32650) AS geom,
  '仓储' AS use, NULL::float8 AS households, 800 AS floor_area$$, 'SELECT * FROM pp_parking');
-- mapped to a code the set has no rule for: the detail says what the map gave
INSERT INTO cp.parking_use_map (word, use) VALUES ('酒店', 'hotel');
SELECT * FROM cp.parking_gap_buildings('pp', $$SELECT 1 AS id, ST_SetSRID(ST_MakePoint(100, -10), 32650) AS geom,
  '酒店' AS use, NULL::float8 AS households, 800 AS floor_area$$, 'SELECT * FROM pp_parking');
-- 住宅 in a set without a rule for old communities: the community-type error
SELECT community_id, demand FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings WHERE id = 1', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities',
                             standard => 'MOHURD-complete-community-2020', community_type => 'old');
-- default_capacity out of range
SELECT community_id FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities', default_capacity => -1);
SELECT community_id FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities', default_capacity => 'NaN');
DELETE FROM cp.parking_use_map WHERE NOT shipped;
DELETE FROM cp.parking_type_capacity WHERE NOT shipped;
-- walk_m in minutes at a profile's pace (issue 15), with the shipped capacities and default_capacity 8
-- for P3. Pairs: at 20 m B1-P1 20, B2-P2 10, B3-P3 5, B4-P4 3 (P4 full, B4 short of 2, P3 3 left);
-- next B4-P3 at 180 m (B4 x 700, P3 x 520). 3 minutes at walk (5 km/h = 83.33 m/min) = 250 m:
-- B4 gets its 2 from P3, exactly as walk_m 250 metres (flat street: time in slope-weighted metres = metres)
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp.parking_allocation('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                             walk_m => 3, default_capacity => 8, unit => 'min');
SELECT (SELECT array_agg(a ORDER BY a.building_id, a.parking_id)
          FROM cp.parking_allocation('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                                     walk_m => 3, default_capacity => 8, unit => 'min', profile => 'walk') a)
     = (SELECT array_agg(a ORDER BY a.building_id, a.parking_id)
          FROM cp.parking_allocation('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                                     walk_m => 3 * 5000.0 / 60, default_capacity => 8) a) AS minutes_at_walk_equal_metres;
-- 3 minutes at elderly (3.3 km/h = 55 m/min) = 165 m < 180 m: P3 is out of B4's reach, which
-- 250 m (3 minutes at walk) include. B4 stays 2 short: C2 demand 10, 8 served, gap 2 (0.2)
SELECT building_id, parking_id, round(distance_m::numeric, 6) AS distance_m, spaces
  FROM cp.parking_allocation('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                             walk_m => 3, default_capacity => 8, unit => 'min', profile => 'elderly');
SELECT community_id, demand, supply_allocated, gap, gap_ratio
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities',
                      walk_m => 3, default_capacity => 8, unit => 'min', profile => 'elderly');
SELECT building_id, demand, supplied, unmet, car_parks
  FROM cp.parking_gap_buildings('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                                walk_m => 3, default_capacity => 8, unit => 'min', profile => 'elderly')
 WHERE building_id = 4;
SELECT parking_id, capacity, allocated, spare
  FROM cp.parking_lots('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking',
                       walk_m => 3, default_capacity => 8, unit => 'min', profile => 'elderly')
 WHERE parking_id = 3;
-- 4 minutes at elderly = 220 m: B4 reaches P3 again
SELECT community_id, supply_allocated, gap
  FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities',
                      walk_m => 4, default_capacity => 8, unit => 'min', profile => 'elderly');
-- errors: an unknown unit or profile (22023), a time that comes to more than 100 km or to nothing
SELECT community_id FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities', unit => 'km');
SELECT community_id FROM cp.parking_gap('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', 'SELECT * FROM pp_communities', profile => 'runner');
SELECT parking_id FROM cp.parking_lots('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', walk_m => 2000, unit => 'min');
SELECT building_id FROM cp.parking_gap_buildings('pp', 'SELECT * FROM pp_buildings', 'SELECT * FROM pp_parking', walk_m => 0, unit => 'min');
SELECT cp.network_drop('pp');
