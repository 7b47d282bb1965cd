-- Life-circle coverage (GB 50180-2018 radii): population-weighted, walking vs crow-fly.
-- Residents: buildings tagged residential, or any building not plainly something else (OSM tags
-- few buildings as residential), population estimated from floor area; facilities:
-- POIs mapped to categories by cp.osm_category(tags).
\pset footer off
CREATE TABLE demo.residents AS
SELECT area_id AS id, geom, cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))) AS population
  FROM osm.buildings
 WHERE residential OR building NOT IN ('garage', 'garages', 'shed', 'church', 'chapel', 'cathedral', 'industrial', 'commercial',
         'retail', 'office', 'warehouse', 'school', 'kindergarten', 'hospital', 'roof', 'hut', 'public', 'civic', 'service',
         'transportation', 'train_station', 'hotel', 'university', 'stadium');
CREATE TABLE demo.category_facilities AS
SELECT row_number() OVER (ORDER BY osm_type, osm_id) AS id, cp.osm_category(tags) AS category, name, geom
  FROM osm.pois WHERE cp.osm_category(tags) IS NOT NULL;
SELECT count(*) AS resident_buildings, round(sum(population)) AS estimated_residents FROM demo.residents;

SET client_min_messages = warning;   -- categories the standard does not ask for (hospital, library, ...) are ignored
CREATE TABLE demo.coverage AS
SELECT * FROM cp.coverage('demo', 'SELECT id, geom, population FROM demo.residents',
                          'SELECT id, category, geom FROM demo.category_facilities');
SELECT c.category, (SELECT count(*) FROM demo.category_facilities f WHERE f.category = c.category) AS facilities,
       round(c.population) AS population, round(100 * c.ratio::numeric, 1) AS walking_pct,
       round(100 * c.crowfly_ratio::numeric, 1) AS crowfly_pct,
       round(100 * (c.crowfly_ratio - c.ratio)::numeric, 1) AS overstated_by_circles
  FROM demo.coverage c ORDER BY c.category;

-- Complete life circles: every required category of the level and of the lower levels within its radius.
CREATE TABLE demo.life_circles AS
SELECT x.* FROM unnest(ARRAY['5min', '10min', '15min']) l (lvl),
  LATERAL cp.life_circle('demo', 'SELECT id, geom, population FROM demo.residents',
                         'SELECT id, category, geom FROM demo.category_facilities', life_circle => l.lvl) x;
SELECT life_circle, round(population) AS population, round(100 * ratio::numeric, 1) AS walking_pct,
       round(100 * crowfly_ratio::numeric, 1) AS crowfly_pct, missing_categories[1:3] AS most_missing
  FROM demo.life_circles ORDER BY cp.life_circle_rank(life_circle);
RESET client_min_messages;

\copy (SELECT category, round(population::numeric) AS population, round(covered_population::numeric) AS covered_population, round(ratio::numeric, 4) AS walking_ratio, round(crowfly_ratio::numeric, 4) AS crowfly_ratio FROM demo.coverage ORDER BY category) TO 'demo/out/coverage.csv' CSV HEADER
\copy (SELECT life_circle, round(population::numeric) AS population, round(covered_population::numeric) AS covered_population, round(ratio::numeric, 4) AS walking_ratio, round(crowfly_ratio::numeric, 4) AS crowfly_ratio, array_to_string(missing_categories, ' ') AS missing FROM demo.life_circles ORDER BY cp.life_circle_rank(life_circle)) TO 'demo/out/life_circles.csv' CSV HEADER
