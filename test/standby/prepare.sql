-- On the primary, after demo/steps/*.sql and demo/qgis_layers.sql (test/standby/run.sh): every
-- computed indicator of the extension, with every setting it can take, over the demo's tables. Writes
-- (cp.indicator_values), so it runs here and reaches the standby by streaming. Run as the analyst.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT action, count(*) AS values
  FROM cp.compute_indicators(current_date, jsonb_build_object(
         'network', 'demo',
         'residents_sql', 'SELECT id, geom, population FROM demo.residents',
         'facilities_sql', 'SELECT id, category, geom FROM demo.category_facilities',
         'childcare_facilities_sql', 'SELECT id, category, geom, 40 AS capacity FROM demo.category_facilities',
         'childcare_per_1000', 10,
         'culture_facilities_sql', 'SELECT id, category, geom, 300 AS floor_area FROM demo.category_facilities',
         'buildings_sql', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
         'parking_sql', 'SELECT id, geom, capacity FROM demo.car_parks'))
 GROUP BY 1 ORDER BY 1;
