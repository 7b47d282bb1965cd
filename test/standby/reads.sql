-- The read-only calls test/standby/run.sh runs on the hot standby and on the primary, each one TAP test:
-- the standby's rows must equal the primary's (count and md5 of the sorted rows). The same calls as
-- demo/steps/*.sql, over the demo's tables (schema demo, network 'demo': the Krems extract), run as the
-- demo's analyst. Format: a "-- test: NAME" line, then one SELECT without a semicolon; or a
-- "-- refused: NAME" line, then a write that the standby must refuse as read-only (SQLSTATE 25006).

-- test: cp.nearest: the nearest school of every building (demo 10_network)
SELECT * FROM cp.nearest('demo', $$SELECT id, geom FROM demo.facilities WHERE kind = 'school'$$,
                         'SELECT id, geom FROM demo.buildings', 2000)

-- test: cp.nearest: three nearest facilities of any kind, in minutes for the elderly profile
SELECT * FROM cp.nearest('demo', 'SELECT id, geom FROM demo.facilities', 'SELECT id, geom FROM demo.buildings WHERE id % 10 = 0',
                         30, k => 3, profile => 'elderly', unit => 'min')

-- test: cp.walk_distance and cp.walk_minutes from the first school to every 20th building
SELECT b.id, cp.walk_distance('demo', s.geom, b.geom) AS metres, cp.walk_minutes('demo', s.geom, b.geom, 'elderly') AS minutes
  FROM demo.buildings b, (SELECT geom FROM demo.facilities WHERE kind = 'school' ORDER BY id LIMIT 1) s
 WHERE b.id % 20 = 0

-- test: cp.snap: every 20th building onto the network
SELECT b.id, s.* FROM demo.buildings b, LATERAL cp.snap('demo', ST_PointOnSurface(b.geom)) s WHERE b.id % 20 = 0

-- test: cp.network_edges: the compiled network
SELECT * FROM cp.network_edges('demo')

-- test: cp.networks: the catalogue view
SELECT name, srid, nodes, edges, components, largest_component_share, total_length_m, edges_sql, owner FROM cp.networks

-- test: cp.catchment: one school, 300/500/1000 m, methods edges and hull
SELECT m, c.* FROM (SELECT geom FROM demo.facilities WHERE kind = 'school' ORDER BY id LIMIT 1) s,
       unnest(ARRAY['edges', 'hull']) m, LATERAL cp.catchment('demo', s.geom, '{300,500,1000}', m) c

-- test: cp.catchments: every school, 300/500/1000 m (demo 20_catchments)
SELECT * FROM cp.catchments('demo', $$SELECT id, geom FROM demo.facilities WHERE kind = 'school'$$, '{300,500,1000}')

-- test: cp.access: per resident and category (GB 50180-2018)
SELECT * FROM cp.access('demo', 'SELECT id, geom, population FROM demo.residents',
                        'SELECT id, category, geom FROM demo.category_facilities')

-- test: cp.coverage: the whole area (demo 30_coverage)
SELECT * FROM cp.coverage('demo', 'SELECT id, geom, population FROM demo.residents',
                          'SELECT id, category, geom FROM demo.category_facilities')

-- test: cp.coverage: per community (demo 60_communities)
SELECT * FROM cp.coverage('demo', 'SELECT id, geom, population FROM demo.residents',
                          'SELECT id, category, geom FROM demo.category_facilities', 'SELECT id, geom FROM demo.communities')

-- test: cp.life_circle: 5, 10 and 15 minutes, the whole area (demo 30_coverage)
SELECT x.* FROM unnest(ARRAY['5min', '10min', '15min']) l (lvl),
  LATERAL cp.life_circle('demo', 'SELECT id, geom, population FROM demo.residents',
                         'SELECT id, category, geom FROM demo.category_facilities', life_circle => l.lvl) x

-- test: cp.life_circle: 15 minutes per community (demo 60_communities)
SELECT * FROM cp.life_circle('demo', 'SELECT id, geom, population FROM demo.residents',
                             'SELECT id, category, geom FROM demo.category_facilities',
                             'SELECT id, geom FROM demo.communities', life_circle => '15min')

-- test: cp.supply_gap: primary-school places per community (400 per school, 60 per 1000)
SELECT * FROM cp.supply_gap('demo', 'SELECT id, geom, population FROM demo.residents',
                            'SELECT id, category, geom, 400 AS capacity FROM demo.category_facilities', 'primary_school',
                            'SELECT id, geom FROM demo.communities', 60)

-- test: cp.supply_access: primary-school places per resident unit
SELECT * FROM cp.supply_access('demo', 'SELECT id, geom, population FROM demo.residents',
                               'SELECT id, category, geom, 400 AS capacity FROM demo.category_facilities', 'primary_school')

-- test: cp.space_per_resident: school floor space per resident per community (600 m² each, target 1 m²)
SELECT * FROM cp.space_per_resident('demo', 'SELECT id, geom, population FROM demo.residents',
                                    'SELECT id, category, geom, 600 AS floor_area FROM demo.category_facilities',
                                    'primary_school', 'SELECT id, geom FROM demo.communities', 1.0)

-- test: cp.parking_lots: car parks and capacity sources (demo 40_parking)
SELECT * FROM cp.parking_lots('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                              'SELECT id, geom, capacity FROM demo.car_parks')

-- test: cp.parking_allocation: the greedy walking-distance allocation
SELECT * FROM cp.parking_allocation('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                                    'SELECT id, geom, capacity FROM demo.car_parks')

-- test: cp.parking_gap: per community (demo 40_parking)
SELECT * FROM cp.parking_gap('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                             'SELECT id, geom, capacity FROM demo.car_parks', 'SELECT id, geom FROM demo.communities')

-- test: cp.parking_gap_buildings: unmet demand per building (demo 60_communities)
SELECT * FROM cp.parking_gap_buildings('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                                       'SELECT id, geom, capacity FROM demo.car_parks')

-- test: cp.heritage_protection_rate: the whole register and per community
SELECT NULL::bigint AS community_id, h.* FROM cp.heritage_protection_rate() h
UNION ALL
SELECT c.id, h.* FROM demo.communities c, LATERAL cp.heritage_protection_rate(c.geom) h

-- test: cp.check_development: every building as if rebuilt 20 m tall (demo 50_heritage)
SELECT b.id AS building_id, v.*
  FROM demo.buildings b,
       LATERAL cp.check_development(ST_Transform(b.geom, (SELECT srid FROM cp.networks WHERE name = 'demo')), 20) v

-- test: heritage register: cp.heritage_row_jsonb of every site, cp.heritage_srid
SELECT cp.heritage_row_jsonb(s) AS site, cp.heritage_srid() AS srid FROM cp.heritage_site s

-- test: cp.scorecard: every community at the 2028 stage and at today's
SELECT c.id, s.* FROM cp.communities c, LATERAL cp.scorecard(c.id, 2028) s
UNION ALL
SELECT c.id, s.* FROM cp.communities c, LATERAL cp.scorecard(c.id) s

-- test: cp.scorecard_summary: every community at the 2028 stage
SELECT c.id, s.* FROM cp.communities c, LATERAL cp.scorecard_summary(c.id, 2028) s

-- test: cp.scorecard_json: every community at the 2028 stage
SELECT c.id, cp.scorecard_json(c.id, 2028) AS card FROM cp.communities c

-- test: cp.scorecard_rollup: district and city at the 2028 stage
SELECT 'district' AS level, r.* FROM cp.scorecard_rollup('district', 2028) r
UNION ALL
SELECT 'city', r.* FROM cp.scorecard_rollup('city', 2028) r

-- test: cp.community_scores: the scorecard view for QGIS
SELECT * FROM cp.community_scores

-- test: indicator values, the one computed by cp.compute_indicators on the primary among them
SELECT community_id, indicator, period, value, source, inputs FROM cp.indicator_values

-- test: catalogues: cp.life_circle_requirements, cp.parking_demand, cp.indicator_catalogue
SELECT l, to_jsonb(r) AS row FROM unnest(ARRAY['5min', '10min', '15min']) l, LATERAL cp.life_circle_requirements('GB50180-2018', l, true) r
UNION ALL
SELECT u, jsonb_build_object('demand', cp.parking_demand('CP-parking-default', u, 100, 8000))
  FROM unnest(ARRAY['residential', 'office', 'retail', 'school', 'clinic']) u
UNION ALL
SELECT 'catalogue', to_jsonb(i) FROM cp.indicator_catalogue i

-- test: QGIS layer demo.network_islands (cp.network_edges; demo/qgis_layers.sql)
SELECT * FROM demo.network_islands

-- test: QGIS layer demo.catchment_zones
SELECT * FROM demo.catchment_zones

-- test: QGIS layer demo.schools
SELECT * FROM demo.schools

-- test: QGIS layer demo.building_school_walk
SELECT * FROM demo.building_school_walk

-- test: QGIS layer demo.building_heritage
SELECT * FROM demo.building_heritage

-- test: QGIS layers demo.heritage_footprints, demo.heritage_protection_zones, demo.heritage_control_zones
SELECT 'footprint' AS layer, to_jsonb(f) AS row FROM demo.heritage_footprints f
UNION ALL SELECT 'protection', to_jsonb(p) FROM demo.heritage_protection_zones p
UNION ALL SELECT 'control', to_jsonb(c) FROM demo.heritage_control_zones c

-- test: QGIS layer demo.community_coverage_map
SELECT * FROM demo.community_coverage_map

-- test: QGIS layer demo.community_life_circle_map
SELECT * FROM demo.community_life_circle_map

-- test: QGIS layer demo.community_parking_gap
SELECT * FROM demo.community_parking_gap

-- test: QGIS layer demo.building_parking_gap
SELECT * FROM demo.building_parking_gap

-- test: QGIS layer demo.community_scorecard (cp.community_scores)
SELECT * FROM demo.community_scorecard

-- test: cp.category_names and missing categories in Chinese (issue 16)
SELECT l.community_id, l.missing_categories, l.missing_categories_zh, cp.category_name('kindergarten', 'zh') AS kindergarten
  FROM cp.life_circle('demo', 'SELECT id, geom, population FROM demo.residents', 'SELECT id, category, geom FROM demo.category_facilities',
                      'SELECT id, geom FROM demo.communities') l

-- test: cp.coverage in minutes at each category's users' pace (issue 15)
SELECT * FROM cp.coverage('demo', 'SELECT id, geom, population FROM demo.residents',
                          'SELECT id, category, geom FROM demo.category_facilities', 'SELECT id, geom FROM demo.communities',
                          unit => 'min')

-- test: cp.access_surface: kindergartens on 150 m hexagons (issue 17)
SELECT * FROM cp.access_surface('demo', 'SELECT id, geom, population FROM demo.residents',
                                'SELECT id, category, geom, 100 AS capacity FROM demo.category_facilities', 'kindergarten', 150,
                                per_1000 => 500)

-- test: cp.suggest_sites: three kindergartens among the buildings (issue 17)
SELECT * FROM cp.suggest_sites('demo', 'SELECT id, geom, population FROM demo.residents',
                               'SELECT id, geom FROM demo.buildings WHERE id % 25 = 0', 'kindergarten', 3,
                               'SELECT id, category, geom FROM demo.category_facilities')

-- The writes: they run on the primary (docs/install.md), a standby refuses them as read-only.

-- refused: cp.compute_indicators writes cp.indicator_values
SELECT * FROM cp.compute_indicators()

-- refused: cp.network_build writes cp.network_catalog
SELECT * FROM cp.network_build('demo_again', 'SELECT way_id AS id, geom FROM osm.walk_edges')
