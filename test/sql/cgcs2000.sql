-- CGCS2000 everywhere (issue #16): a district's own data in CGCS2000, as longitude/latitude
-- (EPSG:4490) or in its 3-degree Gauss-Kruger zone (EPSG:4548, CM 117E), goes into every function
-- as it is, and gives the answers of the same data in UTM 50N (EPSG:32650) or EPSG:4326.
--
-- A synthetic neighbourhood in Haidian, 116.315-116.330 E, 40.000-40.008 N (about 58 km west of
-- 117 E), written once in longitude/latitude and converted with ST_Transform; EPSG:4326 -> 4490
-- is the identity (CGCS2000 and WGS 84 agree to centimetres, PROJ's ballpark transformation).
--
-- Which plane a network measures in (its metric CRS, cp.networks.srid):
--   edges in EPSG:32650 -> 32650, lengths in that plane;
--   edges in EPSG:4548  -> 4548, lengths in that plane;
--   edges in EPSG:4490  -> 4548 (the CGCS2000 zone of the edges' centre), lengths on the spheroid;
--   edges in EPSG:4326  -> 32650 (the UTM zone), lengths on the spheroid.
-- EPSG:4548 and EPSG:32650 are both transverse Mercator on 117 E (GRS 80 and WGS 84 differ by
-- 0.1 mm in the semi-minor axis), with scale 1 and 0.9996 on the meridian and the same false
-- easting: a 4548 coordinate is the 32650 one divided by 0.9996 about (500000, 0), so every length
-- in 4548 is the 32650 one / 0.9996 (0.04 % longer). At 58 km from the meridian the plane of
-- 4548 is about 1 + 4.1e-5 longer than the spheroid, that of 32650 0.99964.
-- Within one network, the inputs of an analysis are the same points in whatever CRS they come:
-- the answers must be equal, to 1e-6 m for points (PROJ round trips) and 1e-4 m for polygons
-- (a polygon's representative point, GEOS's point on surface, is found in the input CRS and
-- moves by micrometres between CRSs). Between networks they differ by the scale of the plane
-- the network measures in: 4548 = 32650 / 0.9996 to 1e-7; 4490 = 4326 to 1e-7.
\set VERBOSITY default
SET client_min_messages = warning;
\pset null '(null)'

-- the data in longitude/latitude; pg_temp.q() writes the query of a table in any SRID
CREATE FUNCTION pg_temp.q(cols text, tbl text, srid int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT pg_catalog.format('SELECT %s, %s AS geom FROM %s', cols,
                           CASE srid WHEN 4326 THEN 'geom' ELSE pg_catalog.format('ST_Transform(geom, %s)', srid) END, tbl)
$$;
CREATE TABLE crs (srid int PRIMARY KEY, name text);
INSERT INTO crs VALUES (32650, 'UTM 50N'), (4548, 'CGCS2000 GK CM 117E'), (4490, 'CGCS2000'), (4326, 'WGS 84');

-- streets: 4 north-south (116.315 + 0.005 i), 3 east-west (40.000 + 0.004 j), one edge per block
CREATE TABLE cg_road (id int, geom geometry(LineString, 4326));
INSERT INTO cg_road
SELECT row_number() OVER (ORDER BY kind, i, j), geom FROM (
  SELECT 'ew' AS kind, i, j, ST_MakeLine(ST_MakePoint(116.315 + 0.005 * i, 40 + 0.004 * j),
                                         ST_MakePoint(116.315 + 0.005 * (i + 1), 40 + 0.004 * j)) AS geom
    FROM generate_series(0, 2) i, generate_series(0, 2) j
  UNION ALL
  SELECT 'ns', i, j, ST_MakeLine(ST_MakePoint(116.315 + 0.005 * i, 40 + 0.004 * j),
                                 ST_MakePoint(116.315 + 0.005 * i, 40 + 0.004 * (j + 1)))
    FROM generate_series(0, 3) i, generate_series(0, 1) j) s;
UPDATE cg_road SET geom = ST_SetSRID(geom, 4326);
-- EPSG:4326 -> 4490 moves nothing; a 4548 point is the 32650 one scaled by 1 / 0.9996
SELECT bool_and(ST_Equals(ST_SetSRID(ST_Transform(geom, 4490), 4326), geom)) AS lonlat_4490_identical,
       max(abs((ST_X(ST_StartPoint(ST_Transform(geom, 4548))) - 500000) * 0.9996
               - (ST_X(ST_StartPoint(ST_Transform(geom, 32650))) - 500000))) < 1e-3 AS easting_scaled,
       max(abs(ST_Y(ST_StartPoint(ST_Transform(geom, 4548))) * 0.9996
               - ST_Y(ST_StartPoint(ST_Transform(geom, 32650))))) < 1e-3 AS northing_scaled
  FROM cg_road;

-- Networks from the same streets in each CRS
SELECT c.srid AS edges_srid, n.srid AS network_srid, n.source_srid, n.nodes, n.edges, n.components,
       round(n.total_length_m::numeric, 3) AS length_m
  FROM crs c, cp.network_build('cg_' || c.srid, pg_temp.q('id', 'cg_road', c.srid)) n
 ORDER BY c.srid DESC;
-- lengths: 4548 plane = 32650 plane / 0.9996 (to 1e-9); on the spheroid (4490, 4326) the same
-- (CGCS2000 and WGS 84 ellipsoids), 4548's plane about 1 + 4.1e-5 longer than the spheroid
SELECT round((g.total_length_m * 0.9996 / u.total_length_m)::numeric, 9) AS gk_times_0_9996_over_utm,
       round((c.total_length_m / w.total_length_m)::numeric, 9) AS cgcs2000_over_wgs84_spheroid,
       round(((g.total_length_m / c.total_length_m - 1) * 1e5)::numeric, 2) AS gk_over_spheroid_minus_1_e5
  FROM cp.networks u, cp.networks g, cp.networks c, cp.networks w
 WHERE u.name = 'cg_32650' AND g.name = 'cg_4548' AND c.name = 'cg_4490' AND w.name = 'cg_4326';

-- Two places: A on the south street, B near the middle of the north-east block
CREATE TABLE cg_place (id int, geom geometry(Point, 4326));
INSERT INTO cg_place VALUES (1, 'SRID=4326;POINT(116.3162 40.0002)'), (2, 'SRID=4326;POINT(116.3271 40.0061)');
-- walk_distance on each network with A and B in each CRS: one answer per network
CREATE TABLE cg_walk AS
SELECT n.srid AS network, c.srid AS input,
       cp.walk_distance('cg_' || n.srid, ST_Transform(a.geom, c.srid), ST_Transform(b.geom, c.srid)) AS walk_m,
       cp.walk_minutes('cg_' || n.srid, ST_Transform(a.geom, c.srid), ST_Transform(b.geom, c.srid)) AS minutes
  FROM crs n, crs c, cg_place a, cg_place b WHERE a.id = 1 AND b.id = 2;
SELECT network, round(min(walk_m)::numeric, 3) AS walk_m, max(walk_m) - min(walk_m) < 1e-6 AS same_for_every_input_crs,
       max(minutes) - min(minutes) < 1e-7 AS same_minutes
  FROM cg_walk GROUP BY network ORDER BY network DESC;
SELECT round((g.walk_m * 0.9996 / u.walk_m)::numeric, 7) AS gk_times_0_9996_over_utm,
       round((c.walk_m / w.walk_m)::numeric, 7) AS cgcs2000_over_wgs84
  FROM cg_walk u, cg_walk g, cg_walk c, cg_walk w
 WHERE u.network = 32650 AND g.network = 4548 AND c.network = 4490 AND w.network = 4326
   AND u.input = 4548 AND g.input = 4548 AND c.input = 4548 AND w.input = 4548;

-- Buildings of the district: footprints, levels, households; residents estimated from them
CREATE TABLE cg_building (id int, use text, levels int, households int, geom geometry(Polygon, 4326));
INSERT INTO cg_building
SELECT id, use, levels, households,
       ST_Expand(ST_SetSRID(ST_MakePoint(lon, lat), 4326), 0.00012, 0.0001)
  FROM (VALUES (1, 'residential', 6, 60, 116.3170, 40.0005), (2, 'residential', 12, 140, 116.3235, 40.0036),
               (3, 'residential', 3, 20, 116.3280, 40.0075), (4, 'residential', 18, 210, 116.3155, 40.0062),
               (5, 'office', 8, NULL, 116.3262, 40.0013)) b (id, use, levels, households, lon, lat);
-- floor area on the spheroid from the footprint in every CRS: the same to 1e-9 (relative)
SELECT b.id, round(cp.building_floor_area(b.geom, b.levels)::numeric, 1) AS floor_area_m2,
       bool_and(abs(cp.building_floor_area(ST_Transform(b.geom, c.srid), b.levels)
                    / cp.building_floor_area(b.geom, b.levels) - 1) < 1e-9) AS same_in_every_crs,
       round(cp.estimate_population(cp.building_floor_area(ST_Transform(b.geom, 4548), b.levels))::numeric, 1) AS residents_from_area_4548,
       round(cp.estimate_population_from_households(b.households)::numeric, 1) AS residents_from_households
  FROM cg_building b, crs c GROUP BY b.id, b.geom, b.levels, b.households ORDER BY b.id;
-- what rejected EPSG:4548 before ("must be in longitude/latitude, SRID 4326"); UTM and
-- Web Mercator are measured on the spheroid too, not in their plane
SELECT c.srid, round(cp.building_floor_area(ST_Transform(b.geom, c.srid))::numeric, 4) AS one_level_m2,
       round(ST_Area(ST_Transform(b.geom, c.srid))::numeric, 4) AS plane_m2
  FROM cg_building b, (SELECT srid FROM crs UNION ALL SELECT 3857) c WHERE b.id = 1 ORDER BY c.srid DESC;
-- a footprint in 4548 without its SRID is not read as longitude/latitude
SELECT cp.building_floor_area(ST_SetSRID(ST_Transform(geom, 4548), 0)) FROM cg_building WHERE id = 1;
SELECT cp.building_floor_area(ST_SetSRID(geom, 999999)) FROM cg_building WHERE id = 1;
CREATE TABLE cg_res AS
SELECT id, geom, cp.estimate_population_from_households(households) AS population
  FROM cg_building WHERE use = 'residential';

-- Facilities and communities (a standard set of our own, radii 300 and 600 m)
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('CG', 'CGCS2000 测试');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES
  ('CG', '5min', '五分钟', 300, 'test'), ('CG', '10min', '十分钟', 600, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit, source) VALUES
  ('CG', 'kindergarten',   '幼儿园', 'kindergarten',   '5min',  300, true, 100, 'places', 'test'),
  ('CG', 'primary_school', '小学',   'primary school', '10min', 600, true, NULL, NULL,    'test');
CREATE TABLE cg_fac (id int, category text, capacity float8, geom geometry(Point, 4326));
INSERT INTO cg_fac VALUES
  (1, 'kindergarten',   30, 'SRID=4326;POINT(116.3166 40.0001)'),
  (2, 'kindergarten',   20, 'SRID=4326;POINT(116.3262 40.0078)'),
  (3, 'primary_school', NULL, 'SRID=4326;POINT(116.3226 40.0041)'),
  (4, 'kindergarten',   25, 'SRID=4326;POINT(116.3240 40.0041)');
CREATE TABLE cg_com (id int, geom geometry(Polygon, 4326));
INSERT INTO cg_com VALUES (1, ST_MakeEnvelope(116.314, 39.999, 116.3225, 40.009, 4326)),
                          (2, ST_MakeEnvelope(116.3225, 39.999, 116.331, 40.009, 4326));

-- nearest facility of each building: the same ids, ranks and distances from inputs in every CRS
CREATE TABLE cg_nearest AS
SELECT n.srid AS network, c.srid AS input, x.*
  FROM crs n, crs c,
       cp.nearest('cg_' || n.srid, pg_temp.q('id', 'cg_fac', c.srid), pg_temp.q('id', 'cg_building', c.srid), 2000, 2) x;
SELECT network, target_id, origin_id, rank, round(min(distance_m)::numeric, 3) AS distance_m,
       count(*) AS inputs, max(distance_m) - min(distance_m) < 1e-4 AS same
  FROM cg_nearest WHERE network = 4548 GROUP BY 1, 2, 3, 4 ORDER BY 2, 4;
SELECT g.network, count(*) AS pairs, bool_and(g.origin_id = u.origin_id) AS same_facilities,
       max(abs(g.distance_m * CASE g.network WHEN 4548 THEN 0.9996 ELSE 1 END / u.distance_m - 1)) < 1e-7 AS within_1e_7
  FROM cg_nearest g JOIN cg_nearest u ON u.network = CASE g.network WHEN 4548 THEN 32650 ELSE 4326 END
       AND u.input = g.input AND u.target_id = g.target_id AND u.rank = g.rank
 WHERE g.network IN (4548, 4490) GROUP BY g.network ORDER BY 1 DESC;

-- catchment of kindergarten 1: in the network SRID, the same polygons from the origin in every CRS
CREATE TABLE cg_catch AS
SELECT n.srid AS network, c.srid AS input, x.cutoff, x.area_m2, x.geom
  FROM crs n, crs c, cg_fac f, cp.catchment('cg_' || n.srid, ST_Transform(f.geom, c.srid), '{300,600}') x
 WHERE f.id = 1;
SELECT network, cutoff, min(ST_SRID(geom)) AS out_srid, round(min(area_m2)::numeric) AS area_m2,
       count(*) AS inputs, max(area_m2) - min(area_m2) < 1e-3 AS same_area,
       bool_and(ST_Equals(geom, (SELECT geom FROM cg_catch f WHERE f.network = x.network AND f.cutoff = x.cutoff AND f.input = 4548))) AS same_polygon
  FROM cg_catch x GROUP BY 1, 2 ORDER BY 1 DESC, 2;
-- between networks: the cutoffs are metres of each network's plane (or the spheroid), so the
-- areas differ by a few hundredths of a per cent
SELECT x.network, x.cutoff, round((100 * (x.area_m2 / u.area_m2 - 1))::numeric, 2) AS area_vs_utm_pct
  FROM cg_catch x JOIN cg_catch u ON u.network = 32650 AND u.input = x.input AND u.cutoff = x.cutoff
 WHERE x.input = 4548 AND x.network <> 32650 ORDER BY 1 DESC, 2;

-- coverage and life circles: residents, facilities and communities in each CRS
SELECT n.srid AS network, x.community_id, x.category, x.population, x.covered_population,
       round(x.ratio::numeric, 4) AS ratio, round(x.crowfly_ratio::numeric, 4) AS crowfly_ratio,
       count(*) AS inputs
  FROM crs n, crs c,
       cp.coverage('cg_' || n.srid, pg_temp.q('id, population', 'cg_res', c.srid),
                   pg_temp.q('id, category', 'cg_fac', c.srid), pg_temp.q('id', 'cg_com', c.srid), 'CG') x
 GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 2, 3, 1 DESC;
-- (the outline comes back as given, in the communities' CRS)
SELECT n.srid AS network, x.community_id, x.life_circle, x.population, x.covered_population,
       round(x.ratio::numeric, 4) AS ratio, x.missing_categories, count(*) AS inputs,
       bool_and(ST_SRID(x.geom) = c.srid) AS outline_in_input_srid
  FROM crs n, crs c,
       cp.life_circle('cg_' || n.srid, pg_temp.q('id, population', 'cg_res', c.srid),
                      pg_temp.q('id, category', 'cg_fac', c.srid), pg_temp.q('id', 'cg_com', c.srid), 'CG', '10min') x
 GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 2, 1 DESC;

-- supply against demand (2SFCA), kindergarten places
SELECT n.srid AS network, x.community_id, x.population, x.demand, round(x.supply::numeric, 6) AS supply,
       round(x.gap::numeric, 6) AS gap, count(*) AS inputs
  FROM crs n, crs c,
       cp.supply_gap('cg_' || n.srid, pg_temp.q('id, population', 'cg_res', c.srid),
                     pg_temp.q('id, category, capacity', 'cg_fac', c.srid), 'kindergarten',
                     pg_temp.q('id', 'cg_com', c.srid), standard => 'CG') x
 GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 1 DESC;

-- parking: a car park with a capacity and one from its area (a 36 m x 41 m polygon of 4548:
-- 1476 m² in that plane, 1474.8 in 32650's, 1475.9 on the spheroid for 4490 and 4326: 49
-- spaces of 30 m² in each)
CREATE TABLE cg_parking (id int, capacity int, geom geometry(Geometry, 4326));
INSERT INTO cg_parking VALUES
  (1, 40, 'SRID=4326;POINT(116.3168 40.0003)'),
  (2, NULL, ST_Transform(ST_MakeEnvelope(441700, 4429800, 441736, 4429841, 4548), 4326));
SELECT n.srid AS network, x.community_id, x.demand, x.supply_inside, round(x.supply_allocated::numeric, 6) AS supply_allocated,
       round(x.gap::numeric, 6) AS gap, count(*) AS inputs
  FROM crs n, crs c,
       cp.parking_gap('cg_' || n.srid, pg_temp.q('id, use, households, levels * 1000.0 AS floor_area', 'cg_building', c.srid),
                      pg_temp.q('id, capacity', 'cg_parking', c.srid), pg_temp.q('id', 'cg_com', c.srid)) x
 GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 2, 1 DESC;
SELECT c.srid AS input, x.parking_id, x.capacity, x.capacity_source, x.allocated
  FROM crs c, cp.parking_lots('cg_4548', pg_temp.q('id, use, households, levels * 1000.0 AS floor_area', 'cg_building', c.srid),
                              pg_temp.q('id, capacity', 'cg_parking', c.srid)) x
 ORDER BY 2, 1 DESC;

-- GCJ-02 / BD-09: EPSG:4490 is shifted as EPSG:4326 and keeps its SRID; a projected geometry is
-- shifted through longitude/latitude and comes back in its own SRID
SELECT ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4490;POINT(116.404 39.915)'), 9) AS gcj02_4490,
       ST_AsEWKT(cp.wgs84_to_gcj02('SRID=4326;POINT(116.404 39.915)'), 9) AS gcj02_4326,
       ST_AsEWKT(cp.wgs84_to_bd09('SRID=4490;POINT(116.404 39.915)'), 9) AS bd09_4490;
SELECT f, c.srid, ST_SRID(g) AS out_srid,
       round(ST_Distance(g, ST_Transform(ref, c.srid))::numeric, 6) AS from_lonlat_route_m,
       round(ST_Distance(ST_Transform(g, 4326)::geography, ref::geography)::numeric, 6) AS on_ground_m
  FROM cg_place p, crs c,
       LATERAL (VALUES ('wgs84_to_gcj02', cp.wgs84_to_gcj02(ST_Transform(p.geom, c.srid)), cp.wgs84_to_gcj02(p.geom)),
                       ('gcj02_to_wgs84', cp.gcj02_to_wgs84(ST_Transform(p.geom, c.srid)), cp.gcj02_to_wgs84(p.geom)),
                       ('wgs84_to_bd09',  cp.wgs84_to_bd09(ST_Transform(p.geom, c.srid)),  cp.wgs84_to_bd09(p.geom)),
                       ('bd09_to_wgs84',  cp.bd09_to_wgs84(ST_Transform(p.geom, c.srid)),  cp.bd09_to_wgs84(p.geom)),
                       ('gcj02_to_bd09',  cp.gcj02_to_bd09(ST_Transform(p.geom, c.srid)),  cp.gcj02_to_bd09(p.geom)),
                       ('bd09_to_gcj02',  cp.bd09_to_gcj02(ST_Transform(p.geom, c.srid)),  cp.bd09_to_gcj02(p.geom))) t (f, g, ref)
 WHERE p.id = 1 ORDER BY 1, 2 DESC;
-- an Amap (GCJ-02) point to the district's CRS and back, within a millimetre; a whole footprint
SELECT round(ST_Distance(cp.wgs84_to_gcj02(cp.gcj02_to_wgs84(ST_Transform(geom, 4548))), ST_Transform(geom, 4548))::numeric, 3) AS round_trip_4548_m,
       round(ST_Distance(ST_Transform(geom, 4548), cp.gcj02_to_wgs84(ST_Transform(geom, 4548)))::numeric) AS shift_m
  FROM cg_place WHERE id = 2;
-- (GCJ-02's offset is not a translation: its fast sine terms stretch shapes by up to about 0.5 %)
SELECT ST_SRID(g) AS srid, ST_NPoints(g) AS points,
       abs(ST_Area(g) / ST_Area(ST_Transform(geom, 4548)) - 1) < 0.01 AS area_within_1_pct
  FROM cg_building, cp.gcj02_to_wgs84(ST_Transform(geom, 4548)) g WHERE id = 1;
-- an SRID PostGIS does not know, and one outside the zone's area
SELECT cp.wgs84_to_gcj02('SRID=999999;POINT(1 1)');
SELECT cp.wgs84_to_gcj02('SRID=4548;POINT(1e9 1e9)');

-- Heritage register in EPSG:4548, then in EPSG:4490, then in EPSG:32650 (each rolled back): the
-- same findings for the same proposals; the review distance (50 m) is metres in each
-- (on the spheroid for 4490). Proposals: on the footprint, 30 m and 80 m east of it.
SELECT last_value AS site_seq, is_called AS site_seq_called FROM cp.heritage_site_id_seq \gset
SELECT last_value AS hist_seq, is_called AS hist_seq_called FROM cp.heritage_history_id_seq \gset
CREATE FUNCTION pg_temp.heritage_run(reg int) RETURNS TABLE (proposal text, rule text, severity text)
LANGUAGE plpgsql AS $$
DECLARE
  fp geometry := ST_Multi(ST_Transform(ST_MakeEnvelope(441500, 4429900, 441520, 4429920, 4548), reg));
  prop record;
BEGIN
  INSERT INTO cp.heritage_site (code, name, grade, footprint) VALUES ('CG-1', '四合院', 'traditional_style', fp);
  FOR prop IN SELECT * FROM (VALUES ('on it', 441505.0), ('30 m east', 441550.0), ('80 m east', 441600.0)) v (name, x) LOOP
    RETURN QUERY
    SELECT prop.name, coalesce(d.rule, '-'), coalesce(d.severity, '-')
      FROM (SELECT 1) one
      LEFT JOIN cp.check_development(ST_Transform(ST_MakeEnvelope(prop.x, 4429905, prop.x + 10, 4429915, 4548), reg), 12) d ON true;
  END LOOP;
  RETURN QUERY
  SELECT 'protection rate of community 1', r.listed || ' listed, ' || r.protected || ' protected', r.rate::text
    FROM cp.heritage_protection_rate(ST_Transform((SELECT geom FROM cg_com WHERE id = 1), reg)) r;
END
$$;
BEGIN;
SELECT * FROM pg_temp.heritage_run(4548);
SELECT srid FROM cp.heritage_config;
ROLLBACK;
BEGIN;
SELECT * FROM pg_temp.heritage_run(4490);
SELECT srid FROM cp.heritage_config;
ROLLBACK;
BEGIN;
SELECT * FROM pg_temp.heritage_run(32650);
SELECT srid FROM cp.heritage_config;
ROLLBACK;
-- the register's identity sequences as they were (pg_regress's heritage test counts from 1)
SELECT setval('cp.heritage_site_id_seq', :site_seq, :'site_seq_called') IS NOT NULL AS site_seq_restored,
       setval('cp.heritage_history_id_seq', :hist_seq, :'hist_seq_called') IS NOT NULL AS history_seq_restored;

-- clean up: networks, the standard set, tables
SELECT count(*) AS dropped FROM crs c, cp.network_drop('cg_' || c.srid);
DELETE FROM cp.facility_categories WHERE standard = 'CG';
DELETE FROM cp.life_circles WHERE standard = 'CG';
DELETE FROM cp.facility_standards WHERE code = 'CG';
DROP TABLE crs, cg_road, cg_place, cg_walk, cg_building, cg_res, cg_fac, cg_com, cg_nearest, cg_catch, cg_parking;
