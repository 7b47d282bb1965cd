-- CGCS2000 on the real Beijing extract (issue #16): the same walk edges given to
-- cp.network_build in CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548) and in
-- CGCS2000 longitude/latitude (EPSG:4490) give the answers of network 'beijing'
-- (test/fixtures/fixtures.sql: EPSG:4326 edges, lengths on the WGS 84 spheroid, UTM 50N plane).
--
-- The scale-factor difference: network 'beijing_4548' measures lengths in the plane of
-- EPSG:4548, whose scale is 1 on 117 E and 1 + x^2 / 2R^2 at x metres from it; the extract
-- lies 54-60 km west of 117 E (eastings 440 077-445 584), so its lengths are those on the
-- spheroid times 1 + 3.6e-5 .. 1 + 4.5e-5. Every distance of 'beijing_4548' is asserted within
-- relative [3.5e-5, 4.6e-5] of the one of 'beijing' (measured: 4.06e-5 .. 4.24e-5, at most
-- 3.4 cm); 'beijing_4490' measures on the CGCS2000 spheroid (GRS 80, the WGS 84 one to 0.1 mm)
-- and is asserted within 1e-9. Residents and facilities go in as the same points in each CRS.
BEGIN;
SELECT plan(15);
SET LOCAL client_min_messages = warning;

SELECT is((SELECT srid FROM cp.networks WHERE name = 'beijing'), 32650, 'network beijing (EPSG:4326 edges) measures in UTM 50N');
CREATE TEMP TABLE b4548 AS
SELECT * FROM cp.network_build('beijing_4548', $q$
  SELECT way_id AS id, ST_Transform(CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END, 4548) AS geom,
         NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM beijing.walk_edges$q$);
CREATE TEMP TABLE b4490 AS
SELECT * FROM cp.network_build('beijing_4490', $q$
  SELECT way_id AS id, ST_Transform(CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END, 4490) AS geom,
         NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM beijing.walk_edges$q$);
SELECT results_eq(
  $$ SELECT name, srid, source_srid, nodes, edges, components FROM cp.networks
      WHERE name IN ('beijing', 'beijing_4548', 'beijing_4490') ORDER BY name $$,
  $$ VALUES ('beijing'::text, 32650, 4326, 978::bigint, 1367::bigint, 13),
            ('beijing_4490', 4548, 4490, 978, 1367, 13),
            ('beijing_4548', 4548, 4548, 978, 1367, 13) $$,
  'EPSG:4548 edges build a network in EPSG:4548, EPSG:4490 edges one in their Gauss-Kruger zone 4548; the same graph as beijing');
SELECT ok((SELECT g.total_length_m / b.total_length_m - 1 BETWEEN 3.5e-5 AND 4.6e-5
             FROM cp.networks g, cp.networks b WHERE g.name = 'beijing_4548' AND b.name = 'beijing'),
          'beijing_4548 is longer than beijing by the Gauss-Kruger scale factor (3.5e-5 .. 4.6e-5)');
SELECT ok((SELECT abs(g.total_length_m / b.total_length_m - 1) < 1e-9
             FROM cp.networks g, cp.networks b WHERE g.name = 'beijing_4490' AND b.name = 'beijing'),
          'beijing_4490 measures on the spheroid as beijing (1e-9)');

-- residents (a point on each residential footprint, population from its floor area) and facilities
CREATE TEMP TABLE fac AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id)::int AS id, cp.osm_category(tags) AS category, geom
  FROM beijing.pois WHERE cp.osm_category(tags) IS NOT NULL;
CREATE TEMP TABLE res AS
SELECT area_id AS id, ST_PointOnSurface(geom) AS geom,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) AS population
  FROM beijing.buildings WHERE residential;

-- nearest: 3 nearest facilities of every resident building within 1500 m
CREATE TEMP TABLE n_wgs AS SELECT * FROM cp.nearest('beijing', 'SELECT id, geom FROM fac', 'SELECT id, geom FROM res', 1500, 3);
CREATE TEMP TABLE n_gk AS SELECT * FROM cp.nearest('beijing_4548', 'SELECT id, ST_Transform(geom, 4548) AS geom FROM fac',
                                                   'SELECT id, ST_Transform(geom, 4548) AS geom FROM res', 1500, 3);
CREATE TEMP TABLE n_gk_wgs AS SELECT * FROM cp.nearest('beijing_4548', 'SELECT id, geom FROM fac', 'SELECT id, geom FROM res', 1500, 3);
CREATE TEMP TABLE n_cgcs AS SELECT * FROM cp.nearest('beijing_4490', 'SELECT id, ST_Transform(geom, 4490) AS geom FROM fac',
                                                     'SELECT id, ST_Transform(geom, 4490) AS geom FROM res', 1500, 3);
SELECT cmp_ok((SELECT count(*) FROM n_wgs), '>', 400::bigint, 'beijing: more than 400 nearest ranks within 1500 m');
SELECT is((SELECT count(*) FROM n_wgs a FULL JOIN n_gk b USING (target_id, rank)
            WHERE a.origin_id IS DISTINCT FROM b.origin_id), 0::bigint,
          'nearest on beijing_4548 (inputs in EPSG:4548): the same facility at every rank as on beijing');
SELECT is((SELECT count(*) FROM n_wgs a JOIN n_gk b USING (target_id, rank)
            WHERE a.distance_m > 0 AND NOT (b.distance_m / a.distance_m - 1 BETWEEN 3.5e-5 AND 4.6e-5)), 0::bigint,
          'nearest on beijing_4548: every distance that of beijing times the scale factor (1 + 3.5e-5 .. 1 + 4.6e-5)');
SELECT is((SELECT count(*) FROM n_gk a FULL JOIN n_gk_wgs b USING (target_id, rank)
            WHERE a.origin_id IS DISTINCT FROM b.origin_id OR NOT abs(a.distance_m - b.distance_m) < 1e-6), 0::bigint,
          'nearest on beijing_4548: inputs in EPSG:4548 and in EPSG:4326 give the same answers (1e-6 m)');
SELECT is((SELECT count(*) FROM n_wgs a FULL JOIN n_cgcs b USING (target_id, rank)
            WHERE a.origin_id IS DISTINCT FROM b.origin_id OR NOT abs(b.distance_m - a.distance_m) <= 1e-9 * a.distance_m + 1e-6), 0::bigint,
          'nearest on beijing_4490 (inputs in EPSG:4490) equals beijing (relative 1e-9)');

-- Footprints (polygons) rather than points: a polygon's representative point is GEOS's point on
-- its surface, taken after the polygon is transformed into the network CRS (src/network_snap.c,
-- cp_geom_point_in_srid). Taken in the input CRS, it differed for 29 of the 147 footprints between
-- EPSG:4326 and EPSG:4548 input (a nearest distance up to 114 m apart).
SELECT is((SELECT count(*)
             FROM cp.nearest('beijing_4548', 'SELECT id, geom FROM fac',
                             'SELECT area_id AS id, geom FROM beijing.buildings WHERE residential', 1500, 3) a
             FULL JOIN cp.nearest('beijing_4548', 'SELECT id, geom FROM fac',
                                  'SELECT area_id AS id, ST_Transform(geom, 4548) AS geom FROM beijing.buildings WHERE residential',
                                  1500, 3) b USING (target_id, rank)
            WHERE a.origin_id IS DISTINCT FROM b.origin_id OR NOT abs(a.distance_m - b.distance_m) < 1e-4), 0::bigint,
          'nearest from footprints in EPSG:4548 and in EPSG:4326 on one network: the same answers (1e-4 m)');

-- coverage of the whole area, per category (shipped GB 50180-2018 radii)
CREATE TEMP TABLE c_wgs AS SELECT * FROM cp.coverage('beijing', 'SELECT id, geom, population FROM res', 'SELECT id, category, geom FROM fac');
CREATE TEMP TABLE c_gk AS SELECT * FROM cp.coverage('beijing_4548', 'SELECT id, ST_Transform(geom, 4548) AS geom, population FROM res',
                                                   'SELECT id, category, ST_Transform(geom, 4548) AS geom FROM fac');
CREATE TEMP TABLE c_cgcs AS SELECT * FROM cp.coverage('beijing_4490', 'SELECT id, ST_Transform(geom, 4490) AS geom, population FROM res',
                                                     'SELECT id, category, ST_Transform(geom, 4490) AS geom FROM fac');
SELECT cmp_ok((SELECT count(*) FROM c_wgs WHERE covered_population > 0), '>=', 5::bigint,
              'beijing: covered residents in at least 5 categories');
SELECT is((SELECT count(*) FROM c_wgs a FULL JOIN c_gk b USING (category)
            WHERE NOT (abs(a.population - b.population) < 1e-6 AND abs(a.covered_population - b.covered_population) < 1e-6
                       AND abs(a.crowfly_ratio - b.crowfly_ratio) < 1e-12)), 0::bigint,
          'coverage on beijing_4548 (EPSG:4548 inputs): the same population covered in every category as on beijing');
SELECT is((SELECT count(*) FROM c_wgs a FULL JOIN c_cgcs b USING (category)
            WHERE NOT (abs(a.population - b.population) < 1e-6 AND abs(a.covered_population - b.covered_population) < 1e-6)), 0::bigint,
          'coverage on beijing_4490 (EPSG:4490 inputs): the same as on beijing');

-- floor area from footprints in EPSG:4548 and 4490: the EPSG:4326 one on the spheroid (1e-6 relative)
SELECT is((SELECT count(*) FROM beijing.buildings b
            WHERE NOT abs(cp.building_floor_area(ST_Transform(b.geom, 4548), coalesce(b.levels, 1))
                          / cp.building_floor_area(b.geom, coalesce(b.levels, 1)) - 1) < 1e-6), 0::bigint,
          'building_floor_area of the 521 footprints in EPSG:4548 equals the EPSG:4326 one (relative 1e-6)');
SELECT is((SELECT count(*) FROM beijing.buildings b
            WHERE NOT abs(cp.building_floor_area(ST_Transform(b.geom, 4490), coalesce(b.levels, 1))
                          / cp.building_floor_area(b.geom, coalesce(b.levels, 1)) - 1) < 1e-6), 0::bigint,
          'building_floor_area of the footprints in EPSG:4490 equals the EPSG:4326 one (relative 1e-6)');

SELECT * FROM finish();
ROLLBACK;
