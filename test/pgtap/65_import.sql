-- OSM import (import/community_planning.lua) on the real extracts, the tag ->
-- category mapping, and the estimates. Counts were taken once from the import
-- and cross-checked with osmium where it can count the same thing
-- (osmium tags-count: highway=crossing nodes 223/58/46, one-way footways 4/1/1).
BEGIN;
SELECT plan(81);

-- the tables and columns other capabilities rely on
SELECT has_table(s, t, s || '.' || t || ' exists')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) AS s,
       unnest(ARRAY['walk_edges', 'buildings', 'pois', 'parking', 'heritage', 'crossings']) AS t;
SELECT columns_are('monaco', 'walk_edges',
  ARRAY['way_id', 'highway', 'name', 'foot', 'oneway_foot', 'geom', 'footway', 'crossing', 'sidewalk',
        'access', 'surface', 'incline', 'lit']);
SELECT columns_are('monaco', 'buildings',
  ARRAY['area_id', 'building', 'levels', 'height', 'name', 'geom', 'levels_underground', 'flats',
        'residential', 'building_use']);
SELECT columns_are('monaco', 'pois', ARRAY['osm_type', 'osm_id', 'key', 'value', 'name', 'tags', 'geom']);
SELECT columns_are('monaco', 'parking',
  ARRAY['osm_type', 'osm_id', 'parking', 'capacity', 'access', 'geom', 'name', 'fee', 'levels']);
SELECT columns_are('monaco', 'heritage',
  ARRAY['osm_type', 'osm_id', 'historic', 'heritage', 'name', 'tags', 'geom', 'start_date', 'wikidata']);

-- real counts per extract
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM monaco.walk_edges), (SELECT count(*) FROM monaco.buildings),
            (SELECT count(*) FROM monaco.pois), (SELECT count(*) FROM monaco.parking),
            (SELECT count(*) FROM monaco.heritage), (SELECT count(*) FROM monaco.crossings) $$,
  $$ VALUES (852::bigint, 966::bigint, 218::bigint, 29::bigint, 1::bigint, 223::bigint) $$,
  'monaco: 852 walk edges, 966 buildings, 218 POIs, 29 car parks, 1 heritage candidate, 223 crossings');
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM krems.walk_edges), (SELECT count(*) FROM krems.buildings),
            (SELECT count(*) FROM krems.pois), (SELECT count(*) FROM krems.parking),
            (SELECT count(*) FROM krems.heritage), (SELECT count(*) FROM krems.crossings) $$,
  $$ VALUES (725::bigint, 1195::bigint, 304::bigint, 60::bigint, 7::bigint, 58::bigint) $$,
  'krems: 725 walk edges, 1195 buildings, 304 POIs, 60 car parks, 7 heritage candidates, 58 crossings');
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM andorra.walk_edges), (SELECT count(*) FROM andorra.buildings),
            (SELECT count(*) FROM andorra.pois), (SELECT count(*) FROM andorra.parking),
            (SELECT count(*) FROM andorra.heritage), (SELECT count(*) FROM andorra.crossings) $$,
  $$ VALUES (1504::bigint, 292::bigint, 354::bigint, 104::bigint, 4::bigint, 46::bigint) $$,
  'andorra: 1504 walk edges, 292 buildings, 354 POIs, 104 car parks, 4 heritage candidates, 46 crossings');

-- the walkable network
SELECT is((SELECT count(*) FROM monaco.walk_edges WHERE highway = 'steps'), 82::bigint, 'monaco: 82 flights of steps');
SELECT is((SELECT count(*) FROM monaco.walk_edges WHERE footway = 'crossing'), 16::bigint,
          'monaco: 16 crossing ways (footway=crossing)');
SELECT is((SELECT count(*) FROM monaco.walk_edges WHERE highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link')
             AND foot IS DISTINCT FROM 'yes' AND sidewalk IS NULL), 0::bigint,
          'no motorway or trunk road without sidewalk or foot access');
SELECT results_eq(
  $$ SELECT (SELECT count(*) FROM monaco.walk_edges WHERE oneway_foot <> 0),
            (SELECT count(*) FROM krems.walk_edges WHERE oneway_foot <> 0),
            (SELECT count(*) FROM andorra.walk_edges WHERE oneway_foot <> 0) $$,
  $$ VALUES (4::bigint, 1::bigint, 1::bigint) $$,
  'one-way for walking only where tagged for walkers (4, 1, 1 one-way footways)');
SELECT is((SELECT count(*) FROM monaco.walk_edges WHERE oneway_foot <> 0
             AND highway NOT IN ('footway', 'pedestrian', 'steps')), 0::bigint,
          'a road''s plain oneway does not bind walkers');
SELECT is((SELECT count(*) FROM monaco.walk_edges WHERE GeometryType(geom) <> 'LINESTRING' OR ST_SRID(geom) <> 4326),
          0::bigint, 'walk edges are EPSG:4326 linestrings');
SELECT cmp_ok((SELECT sum(ST_Length(geom::geography)) FROM monaco.walk_edges)::numeric, '>', 80000::numeric,
              'monaco: over 80 km of walkable ways');

-- buildings
SELECT is((SELECT count(*) FROM monaco.buildings WHERE NOT ST_IsValid(geom) OR ST_Area(geom) = 0), 0::bigint,
          'monaco buildings are valid non-empty polygons');
SELECT is((SELECT round(sum(cp.building_floor_area(geom, coalesce(levels, 1)))::numeric / 1000)
             FROM monaco.buildings), 615::numeric,
          'monaco: 615 thousand m2 of footprint (no building:levels in this extract)');

-- facilities: categories through the mapping table
SELECT results_eq(
  $$ SELECT cp.osm_category(tags), count(*) FROM monaco.pois
      WHERE cp.osm_category(tags) IS NOT NULL GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES ('community_service', 1::bigint), ('hospital', 3), ('library', 1), ('parcel', 5), ('park', 11),
            ('pharmacy', 6), ('primary_school', 2), ('public_toilet', 8), ('sports', 4), ('supermarket', 3) $$,
  'monaco facilities by category');
SELECT results_eq(
  $$ SELECT cp.osm_category(tags), count(*) FROM krems.pois
      WHERE cp.osm_category(tags) IS NOT NULL GROUP BY 1 ORDER BY 1 $$,
  $$ VALUES ('clinic', 1::bigint), ('community_service', 1), ('health_station', 6), ('hospital', 2), ('parcel', 1),
            ('park', 8), ('pharmacy', 5), ('primary_school', 9), ('public_toilet', 4), ('sports', 15),
            ('supermarket', 9) $$,
  'krems facilities by category');
SELECT is((SELECT count(*) FROM andorra.pois WHERE cp.osm_category(tags) IS NOT NULL), 71::bigint,
          'andorra: 71 POIs are facilities');
SELECT is((SELECT array_agg(DISTINCT category ORDER BY category) FROM cp.osm_category_map
            WHERE category IS NOT NULL
              AND category <> ALL (ARRAY['kindergarten', 'nursery', 'primary_school', 'middle_school',
                'health_station', 'clinic', 'hospital', 'pharmacy', 'elderly_care', 'elderly_day_care',
                'community_service', 'culture_activity', 'library', 'sports', 'park', 'supermarket',
                'market', 'parcel', 'canteen', 'public_toilet'])), NULL,
          'the mapping uses only the 20 documented category codes');
SELECT is((SELECT count(DISTINCT category) FROM cp.osm_category_map), 20::bigint,
          'every one of the 20 categories has at least one mapping');
-- specific rules
SELECT is(cp.osm_category('{"amenity":"school","isced:level":"2"}'), 'middle_school', 'isced:level 2 is a middle school');
SELECT is(cp.osm_category('{"amenity":"school","name":"北京市第一六一中学"}'), 'middle_school', '中学 by name');
SELECT is(cp.osm_category('{"amenity":"school","name":"史家胡同小学"}'), 'primary_school', '小学 by name');
SELECT is(cp.osm_category('{"amenity":"school"}'), 'primary_school', 'a school of unknown level counts as primary');
SELECT is(cp.osm_category('{"amenity":"social_facility","social_facility":"day_care","social_facility:for":"senior"}'),
          'elderly_day_care', 'day care for seniors');
SELECT is(cp.osm_category('{"amenity":"social_facility","social_facility":"nursing_home"}'), 'elderly_care',
          'nursing home');
SELECT is(cp.osm_category('{"amenity":"toilets","access":"customers"}'), NULL, 'customers-only toilets are not public');
SELECT is(cp.osm_category('{"amenity":"cafe"}'), NULL, 'a cafe is not a facility');
SELECT is(cp.osm_category('{}'), NULL, 'no tags, no category');
-- the table is editable: a user row wins over the shipped one, and is what pg_dump keeps
INSERT INTO cp.osm_category_map (key, value, category, note) VALUES ('shop', 'convenience', 'supermarket', 'test');
SELECT is(cp.osm_category('{"shop":"convenience"}'), 'supermarket', 'a user row adds a mapping');
INSERT INTO cp.osm_category_map (key, value, category, note) VALUES ('leisure', 'playground', NULL, 'test');
SELECT is(cp.osm_category('{"leisure":"playground"}'), NULL, 'a user row overrides a shipped one');
SELECT is((SELECT extcondition[array_position(extconfig, 'cp.osm_category_map'::regclass::oid)]
             FROM pg_extension WHERE extname = 'community_planning'), 'WHERE NOT shipped',
          'pg_dump keeps the user rows of cp.osm_category_map');
SELECT throws_ok($$ INSERT INTO cp.osm_category_map (key, value, category) VALUES ('amenity', 'x', 'Not A Code') $$,
                 '23514', NULL, 'category codes are lower-case identifiers');

-- parking: capacity where tagged, else estimated from area
SELECT results_eq(
  $$ SELECT count(*) FILTER (WHERE capacity IS NOT NULL), sum(capacity),
            count(*) FILTER (WHERE GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')) FROM krems.parking $$,
  $$ VALUES (8::bigint, 52::bigint, 52::bigint) $$,
  'krems: 8 car parks tagged with capacity (52 spaces), 52 mapped as areas');
SELECT is((SELECT sum(cp.estimate_parking_spaces(ST_Area(geom::geography))) FROM krems.parking
            WHERE capacity IS NULL AND GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON')), 5407::bigint,
          'krems: 5407 spaces estimated from area where capacity is not tagged');

-- heritage candidates
SELECT is((SELECT count(*) FROM krems.heritage WHERE historic IS NOT NULL), 7::bigint, 'krems: 7 historic=* features');

-- estimates
SELECT is(round(cp.estimate_population(3652)::numeric, 6), 100::numeric, '3652 m2 at 36.52 m2 per person house 100 people');
SELECT is(cp.estimate_population(1000, 25), 40::float8, 'the figure per person can be given');
SELECT is(cp.estimate_population_from_households(100), 262::float8, '100 households at 2.62 persons');
SELECT is(cp.estimate_parking_spaces(1000), 33, '1000 m2 at 30 m2 a space hold 33 cars');
SELECT is(round(cp.building_floor_area('SRID=4326;POLYGON((116 39,116.001 39,116.001 39.001,116 39.001,116 39))', 6)),
          57701::float8, 'floor area: footprint on the spheroid times levels');
SELECT throws_ok($$ SELECT cp.estimate_population(-1) $$, '22023',
                 'floor area must be a finite number of square metres, zero or more', 'negative floor area is 22023');
SELECT throws_ok($$ SELECT cp.estimate_population(100, 0) $$, '22023',
                 'floor area per person must be a finite number above zero', 'zero m2 per person is 22023');
SELECT throws_ok($$ SELECT cp.estimate_population_from_households('NaN') $$, '22023',
                 'households must be a finite number, zero or more', 'NaN households is 22023');
SELECT throws_ok($$ SELECT cp.estimate_parking_spaces(100, -5) $$, '22023',
                 'area per parking space must be a finite number above zero', 'negative area per space is 22023');
SELECT ok(abs(cp.building_floor_area(ST_Transform('SRID=4326;POLYGON((116.31 40.0,116.311 40.0,116.311 40.001,116.31 40.0))'::geometry, 4548), 2)
              - 2 * ST_Area('SRID=4326;POLYGON((116.31 40.0,116.311 40.0,116.311 40.001,116.31 40.0))'::geography))
          < 1e-6 * 2 * ST_Area('SRID=4326;POLYGON((116.31 40.0,116.311 40.0,116.311 40.001,116.31 40.0))'::geography),
          'a projected footprint (EPSG:4548) is measured on the spheroid, as in lon/lat (relative 1e-6)');
SELECT throws_ok($$ SELECT cp.building_floor_area('SRID=4326;POLYGON((0 0,1 0,1 1,0 0))', -1) $$, '22023',
                 'levels must not be negative', 'negative levels is 22023');
-- NULL sweep: every argument NULL in turn
SELECT ok(cp.osm_category(NULL) IS NULL
      AND cp.estimate_population(NULL) IS NULL AND cp.estimate_population(1, NULL) IS NULL
      AND cp.estimate_population_from_households(NULL) IS NULL AND cp.estimate_population_from_households(1, NULL) IS NULL
      AND cp.estimate_parking_spaces(NULL) IS NULL AND cp.estimate_parking_spaces(1, NULL) IS NULL
      AND cp.building_floor_area(NULL) IS NULL AND cp.building_floor_area('SRID=4326;POINT(0 0)', NULL) IS NULL,
          'NULL in, NULL out for every import function');

-- the tag rules, on hand-made cases (test/fixtures/import_cases.osm.xml, schema import_cases)
SELECT results_eq(
  $$ SELECT name, oneway_foot FROM import_cases.walk_edges ORDER BY way_id $$,
  $$ VALUES ('trunk with sidewalks', 0::int2), ('motorway with foot=yes', 0::int2), ('one-way street', 0::int2),
            ('one-way footway', 1::int2), ('street one-way for walkers, backwards', -1::int2),
            ('private with foot=yes', 0::int2), ('zebra crossing', 0::int2),
            ('trunk link with a left sidewalk', 0::int2) $$,
  'walkable: trunks only with sidewalks, foot=yes overrides access, one-way only where tagged for walkers');
SELECT is((SELECT crossing FROM import_cases.walk_edges WHERE footway = 'crossing'), 'marked',
          'crossing ways keep their crossing type');
SELECT results_eq(
  $$ SELECT crossing, traffic_signals FROM import_cases.crossings ORDER BY node_id $$,
  $$ VALUES ('traffic_signals', true), ('uncontrolled', false) $$,
  'crossing nodes with their signals');
SELECT results_eq(
  $$ SELECT name, residential, levels, flats FROM import_cases.buildings ORDER BY area_id $$,
  $$ VALUES ('flats', true, 6, 24), ('used as housing', true, NULL, NULL), ('shop', false, 2, NULL) $$,
  'buildings: residential from building=* or building:use, levels and flats; building=no skipped');
SELECT results_eq(
  $$ SELECT parking, capacity, GeometryType(geom) FROM import_cases.parking $$,
  $$ VALUES ('surface', 40, 'POLYGON') $$, 'a car park area with its capacity');
SELECT is((SELECT cp.osm_category(tags) FROM import_cases.pois), 'elderly_day_care', 'day care for seniors');
SELECT is((SELECT historic FROM import_cases.heritage), 'memorial', 'historic=* is a heritage candidate');

DELETE FROM cp.osm_category_map WHERE NOT shipped AND note = 'test';

-- POIs from Amap (GCJ-02 CSV) and Baidu (BD-09 GeoJSON) loaded with ogr2ogr exactly as
-- docs/import.md says (test/fixtures/poi_samples.sh), then the documented SQL
SELECT is((SELECT count(*) FROM import.amap_pois WHERE ST_SRID(geom) = 4326 AND GeometryType(geom) = 'POINT'),
          3::bigint, 'ogr2ogr loaded the 3 Amap CSV rows as points');
SELECT is((SELECT count(*) FROM import.baidu_pois WHERE ST_SRID(geom) = 4326 AND GeometryType(geom) = 'POINT'),
          2::bigint, 'ogr2ogr loaded the 2 Baidu GeoJSON features as points');
CREATE TABLE import.facilities (
  id        bigserial PRIMARY KEY,
  source    text NOT NULL,
  source_id text NOT NULL,
  name      text,
  category  text,
  geom      geometry(Point, 4326) NOT NULL,
  UNIQUE (source, source_id)
);
INSERT INTO import.facilities (source, source_id, name, category, geom)
SELECT 'amap', id, name,
       CASE WHEN type ~ '幼儿园' THEN 'kindergarten' WHEN type ~ '小学' THEN 'primary_school'
            WHEN type ~ '中学' THEN 'middle_school' WHEN type ~ '卫生服务站|诊所' THEN 'health_station'
            WHEN type ~ '超市' THEN 'supermarket' END,
       cp.gcj02_to_wgs84(geom)
  FROM import.amap_pois;
INSERT INTO import.facilities (source, source_id, name, category, geom)
SELECT 'baidu', uid, name,
       CASE WHEN tag ~ '养老' THEN 'elderly_care' WHEN tag ~ '图书馆' THEN 'library' END,
       cp.bd09_to_wgs84(geom)
  FROM import.baidu_pois;
INSERT INTO import.facilities (source, source_id, name, category, geom)
SELECT 'osm', osm_type || osm_id, name, cp.osm_category(tags), geom
  FROM monaco.pois
 WHERE cp.osm_category(tags) IS NOT NULL;
SELECT results_eq(
  $$ SELECT source, category FROM import.facilities WHERE source <> 'osm' ORDER BY source, source_id $$,
  $$ VALUES ('amap', 'primary_school'), ('amap', 'health_station'), ('amap', 'supermarket'),
            ('baidu', 'elderly_care'), ('baidu', 'library') $$,
  'provider POIs get category codes');
SELECT is((SELECT count(*) FROM import.facilities WHERE source = 'osm'), 44::bigint, 'monaco OSM facilities join them');
SELECT is((SELECT array_agg(round(ST_Distance(f.geom::geography, a.geom::geography))::int)
             FROM import.facilities f JOIN import.amap_pois a ON a.id = f.source_id AND f.source = 'amap'),
          ARRAY[556, 556, 556], 'GCJ-02 -> WGS84 moved the Amap points 556 m (as docs/import.md says)');
SELECT ok((SELECT bool_and(ST_Distance(cp.wgs84_to_bd09(f.geom)::geography, b.geom::geography) < 0.001)
             FROM import.facilities f JOIN import.baidu_pois b ON b.uid = f.source_id AND f.source = 'baidu'),
          'the Baidu points go back to their BD-09 within 1 mm');

SELECT * FROM finish();
ROLLBACK;
