-- Import helpers: OSM tag -> category mapping and the estimates (no OSM data needed).
\pset null '(null)'
\set SHOW_CONTEXT never

-- the mapping, by example
SELECT t AS tags, cp.osm_category(t::jsonb) AS category
  FROM (VALUES ('{"amenity":"kindergarten"}'), ('{"amenity":"kindergarten","name":"阳光托儿所"}'),
               ('{"amenity":"childcare"}'), ('{"amenity":"school","isced:level":"1;2"}'),
               ('{"amenity":"school","isced:level":"3"}'), ('{"amenity":"school","name":"示例中学"}'),
               ('{"amenity":"school","name":"Springfield Elementary"}'), ('{"amenity":"school"}'),
               ('{"amenity":"doctors"}'), ('{"amenity":"clinic","name":"示例社区卫生服务站"}'),
               ('{"amenity":"clinic"}'), ('{"healthcare":"hospital"}'), ('{"amenity":"pharmacy"}'),
               ('{"amenity":"social_facility","social_facility":"nursing_home","social_facility:for":"senior"}'),
               ('{"amenity":"social_facility","social_facility":"day_care","social_facility:for":"senior"}'),
               ('{"amenity":"social_facility","social_facility":"day_care","social_facility:for":"child"}'),
               ('{"amenity":"social_facility","social_facility":"soup_kitchen"}'),
               ('{"amenity":"community_centre"}'), ('{"amenity":"arts_centre"}'), ('{"amenity":"library"}'),
               ('{"leisure":"fitness_station"}'), ('{"leisure":"park"}'), ('{"shop":"supermarket"}'),
               ('{"amenity":"marketplace"}'), ('{"amenity":"parcel_locker"}'), ('{"amenity":"canteen"}'),
               ('{"amenity":"toilets"}'), ('{"amenity":"toilets","access":"private"}'),
               ('{"amenity":"cafe"}'), ('{}')) AS v(t);
SELECT count(*) AS shipped_rows, count(DISTINCT category) AS categories FROM cp.osm_category_map WHERE shipped;

-- estimates
SELECT round(cp.estimate_population(10000)::numeric, 1) AS residents_in_10000_m2,
       cp.estimate_population(10000, 40) AS at_40_m2,
       round(cp.estimate_population_from_households(120)::numeric, 2) AS residents_of_120_flats,
       cp.estimate_parking_spaces(2500) AS spaces_in_2500_m2,
       cp.estimate_parking_spaces(2500, 35) AS spaces_at_35_m2,
       cp.estimate_population(0) AS nobody;
SELECT round(cp.building_floor_area('SRID=4326;POLYGON((116 39,116.001 39,116.001 39.001,116 39.001,116 39))')) AS one_level,
       round(cp.building_floor_area('POLYGON((116 39,116.001 39,116.001 39.001,116 39.001,116 39))', 6)) AS six_levels_srid0,
       cp.building_floor_area('SRID=4326;LINESTRING(116 39,116.001 39)', 3) AS line_has_none;

-- bad input
SELECT cp.estimate_population(-1);
SELECT cp.estimate_population('Infinity');
SELECT cp.estimate_population(100, 0);
SELECT cp.estimate_population(100, 'NaN');
SELECT cp.estimate_population_from_households(-3);
SELECT cp.estimate_population_from_households(3, -1);
SELECT cp.estimate_parking_spaces('NaN');
SELECT cp.estimate_parking_spaces(100, 0);
SELECT cp.building_floor_area('SRID=999999;POLYGON((0 0,1 0,1 1,0 0))');
SELECT cp.building_floor_area('POLYGON((441900 4429700,441910 4429700,441910 4429710,441900 4429700))');
SELECT cp.building_floor_area('SRID=4326;POLYGON((0 0,1 0,1 1,0 0))', -2);
INSERT INTO cp.osm_category_map (key, value, category) VALUES ('amenity', 'x', 'Bad Code');
INSERT INTO cp.osm_category_map (key, value, and_key, category) VALUES ('amenity', 'x', 'name', 'library');

-- NULL in, NULL out
SELECT cp.osm_category(NULL),
       cp.estimate_population(NULL), cp.estimate_population(1, NULL),
       cp.estimate_population_from_households(NULL), cp.estimate_population_from_households(1, NULL),
       cp.estimate_parking_spaces(NULL), cp.estimate_parking_spaces(1, NULL),
       cp.building_floor_area(NULL), cp.building_floor_area('SRID=4326;POINT(0 0)', NULL);
