-- Per-community results for the maps (demo/qgis_layers.sql) and the indicator scorecard.
-- The communities are the 500 m grid cells of 40_parking.sql (the extract has no community
-- boundaries); the residents, facilities and buildings are those of 30_coverage.sql and 40_parking.sql.
\pset footer off
SET client_min_messages = warning;   -- categories the standard does not ask for are ignored
-- coverage per community and category (GB 50180-2018 radii, walking vs crow-fly)
CREATE TABLE demo.community_coverage AS
SELECT * FROM cp.coverage('demo', 'SELECT id, geom, population FROM demo.residents',
                          'SELECT id, category, geom FROM demo.category_facilities',
                          'SELECT id, geom FROM demo.communities');
-- the complete 15-minute life circle per community
CREATE TABLE demo.community_life_circle AS
SELECT * FROM cp.life_circle('demo', 'SELECT id, geom, population FROM demo.residents',
                             'SELECT id, category, geom FROM demo.category_facilities',
                             'SELECT id, geom FROM demo.communities', life_circle => '15min');
RESET client_min_messages;
-- unmet parking demand per building (the same inputs as demo.parking_gap)
CREATE TABLE demo.parking_gap_buildings AS
SELECT * FROM cp.parking_gap_buildings('demo', 'SELECT id, geom, use, households, floor_area FROM demo.parking_buildings',
                                       'SELECT id, geom, capacity FROM demo.car_parks');

\echo 'communities (500 m cells): residents, 15-minute life circle, parking gap'
SELECT count(*) AS communities, count(*) FILTER (WHERE l.population > 0) AS with_residents,
       round(100 * percentile_cont(0.5) WITHIN GROUP (ORDER BY l.ratio)::numeric, 1) AS median_life_circle_pct,
       count(*) FILTER (WHERE g.gap_ratio > 0.20) AS parking_gap_over_20pct
  FROM demo.community_life_circle l JOIN demo.parking_gap g USING (community_id);

-- The scorecard: the grid cells as communities, the indicators the demo computes as their values
-- (today's period); indicators that need surveys or records stay missing.
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT c.id::text, 'cell ' || c.id, 'demo', 'demo', 'old', round(l.population)::bigint, ST_Multi(c.geom)
  FROM demo.communities c JOIN demo.community_life_circle l ON l.community_id = c.id;
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source, inputs)
SELECT community_id::text, 'life_circle_15min_coverage', current_date, round(100 * ratio::numeric, 2),
       'demo: cp.life_circle', jsonb_build_object('network', 'demo', 'life_circle', '15min')
  FROM demo.community_life_circle WHERE ratio IS NOT NULL
UNION ALL
SELECT community_id::text, 'public_service_facility_coverage', current_date,
       round(100 * (sum(covered_population) / sum(population))::numeric, 2), 'demo: cp.coverage',
       jsonb_build_object('network', 'demo', 'standard', 'GB50180-2018')
  FROM demo.community_coverage GROUP BY community_id HAVING sum(population) > 0
UNION ALL
SELECT community_id::text, 'elderly_care_coverage', current_date,
       round(100 * (sum(covered_population) / sum(population))::numeric, 2), 'demo: cp.coverage',
       jsonb_build_object('network', 'demo', 'categories', '{elderly_care,elderly_day_care}'::text[])
  FROM demo.community_coverage WHERE category IN ('elderly_care', 'elderly_day_care')
 GROUP BY community_id HAVING sum(population) > 0
UNION ALL
SELECT community_id::text, 'parking_gap_rate', current_date,
       round(greatest(0, least(100, 100 * gap_ratio))::numeric, 2), 'demo: cp.parking_gap',
       jsonb_build_object('network', 'demo', 'walk_m', 300)
  FROM demo.parking_gap WHERE gap_ratio IS NOT NULL;
-- the computed indicators of the extension (heritage protection rate per community)
SELECT action, count(*) AS communities FROM cp.compute_indicators() GROUP BY 1 ORDER BY 1;

\echo 'scorecard per community (today''s plan stage; smartness and resilience need recorded values)'
SELECT stage, count(*) AS communities, count(overall) AS scored,
       round(avg(overall), 1) AS mean_overall, round(avg(livability), 1) AS mean_livability,
       round(avg(humanity), 1) AS mean_humanity
  FROM cp.community_scores GROUP BY stage;

\copy (SELECT community_id, category, round(population::numeric) AS population, round(covered_population::numeric) AS covered_population, round(ratio::numeric, 4) AS walking_ratio, round(crowfly_ratio::numeric, 4) AS crowfly_ratio FROM demo.community_coverage ORDER BY 1, 2) TO 'demo/out/community_coverage.csv' CSV HEADER
\copy (SELECT id AS community_id, stage, overall, livability, smartness, resilience, humanity, scored, missing FROM cp.community_scores ORDER BY id::bigint) TO 'demo/out/community_scores.csv' CSV HEADER
