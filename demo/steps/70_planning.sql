-- The planning loop (issue #17): find the 15-minute life circle's gap, suggest sites for the categories
-- missing for most residents, apply them as a scenario and compare before and after per community.
-- Inputs are those of 30_coverage.sql and 60_communities.sql (demo.residents, demo.category_facilities,
-- demo.communities, demo.life_circles, demo.coverage); results: demo.plan_gap, demo.plan_candidates,
-- demo.plan_sites, scenario demo_plan (network 'demo'), demo.plan_compare and demo.plan_life_circle
-- (QGIS layers: community outlines in the network's CRS), demo/out/plan_sites.csv, plan_compare.csv.
-- On an area with no gap, or no candidate site, it says so (NOTICE) and leaves the tables empty.
\pset footer off
SET client_min_messages = warning;   -- categories the standard does not ask for are ignored

-- (a) The gap: every required category of the 15-minute life circle (and of its lower levels) that
-- some residents miss on foot, in the order cp.life_circle gives them (people of the category's target
-- group without one within its radius, most first: demo.life_circles, the whole area), with the
-- communities and residents where it is missing (demo.community_life_circle). placeable: the category
-- has a walking radius at its lowest level, so cp.suggest_sites can place it.
CREATE TABLE demo.plan_gap AS
WITH req AS (
  SELECT DISTINCT ON (code) code, name_zh, name_en, from_level, radius_m
    FROM cp.life_circle_requirements('GB50180-2018', '15min')
   WHERE required ORDER BY code, cp.life_circle_rank(from_level), radius_m NULLS LAST),
whole AS (SELECT missing_categories, missing_categories_zh FROM demo.life_circles WHERE life_circle = '15min')
SELECT m.ord::int AS gap_rank, m.code AS category, r.name_zh, r.name_en, r.from_level, r.radius_m,
       c.target_group, round(c.population::numeric) AS target_population,
       round((c.population - c.covered_population)::numeric) AS missing_people,
       round((1 - c.ratio)::numeric, 4) AS missing_share,
       (SELECT count(*) FROM demo.community_life_circle l WHERE m.code = ANY (l.missing_categories)) AS communities_missing,
       (SELECT round(coalesce(sum(l.population), 0)::numeric) FROM demo.community_life_circle l
         WHERE m.code = ANY (l.missing_categories)) AS residents_of_those_communities,
       (SELECT count(*) FROM demo.category_facilities f WHERE f.category = m.code) AS facilities_in_osm,
       r.radius_m IS NOT NULL AS placeable
  FROM whole w, unnest(w.missing_categories) WITH ORDINALITY m (code, ord)
  LEFT JOIN req r ON r.code = m.code
  LEFT JOIN demo.coverage c ON c.category = m.code;
\echo 'the gap: required categories of the 15-minute life circle that residents miss on foot (most first)'
SELECT gap_rank, category, name_zh, radius_m, target_group, missing_people, round(100 * missing_share, 1) AS missing_pct,
       communities_missing, facilities_in_osm, placeable
  FROM demo.plan_gap ORDER BY gap_rank;

-- The three categories missing for most people that can be placed.
CREATE TABLE demo.plan_choice AS
SELECT row_number() OVER (ORDER BY gap_rank) AS choice, category, name_zh, radius_m, missing_people
  FROM demo.plan_gap WHERE placeable AND missing_people > 0 ORDER BY gap_rank LIMIT 3;

-- (b) Candidate sites: the ground floors a district could rent or convert, here every building that is
-- not housing (not in demo.residents) with a footprint of at least 150 m² (a day-care centre or a
-- service station needs 350-1000 m² of floor area: GB 50180-2018), at its representative point, id =
-- its OSM area id. A district would list its vacant parcels and ground floors instead.
CREATE TABLE demo.plan_candidates AS
SELECT b.area_id AS id, b.building, b.name, ST_PointOnSurface(b.geom) AS geom
  FROM osm.buildings b
 WHERE NOT EXISTS (SELECT 1 FROM demo.residents r WHERE r.id = b.area_id)
   AND ST_Area(b.geom::geography) >= 150
 ORDER BY b.area_id;
SELECT (SELECT count(*) FROM demo.plan_choice) AS categories_chosen, count(*) AS candidate_sites FROM demo.plan_candidates;

CREATE TABLE demo.plan_sites (category text, name_zh text, rank int, candidate_id bigint, gain float8,
                              objective_value float8, covered_population float8, covered_share float8,
                              target_group text, estimated boolean, geom geometry);
CREATE TABLE demo.plan_compare (id bigserial PRIMARY KEY, community_id bigint, indicator text, category text,
                                before float8, after float8, delta float8, geom geometry);
CREATE TABLE demo.plan_life_circle (community_id bigint PRIMARY KEY, population float8,
                                    complete_before float8, complete_after float8,
                                    reach_before float8, reach_after float8,
                                    missing_before int, missing_after int, geom geometry);
SELECT EXISTS (SELECT 1 FROM demo.plan_choice) AND EXISTS (SELECT 1 FROM demo.plan_candidates) AS plan_runs \gset
\if :plan_runs
-- (c) Three sites per category, maximal covering of its target group on foot within its radius, given
-- the facilities of the category that exist: each pick with its gain (people newly within reach) and
-- the cumulative coverage: the returns diminish.
INSERT INTO demo.plan_sites
SELECT c.category, c.name_zh, s.rank, s.candidate_id, s.gain, s.objective_value, s.covered_population, s.covered_share,
       s.target_group, s.estimated, s.geom
  FROM demo.plan_choice c,
       LATERAL cp.suggest_sites('demo', 'SELECT id, geom, population FROM demo.residents',
                                'SELECT id, geom FROM demo.plan_candidates',
                                c.category, least(3, (SELECT count(*) FROM demo.plan_candidates)::int),
                                'SELECT id, category, geom FROM demo.category_facilities', objective => 'coverage') s
 ORDER BY c.choice, s.rank;
\echo 'suggested sites (cp.suggest_sites, coverage): people of the target group newly within reach, cumulative share'
SELECT p.category, p.rank, p.candidate_id, k.building, k.name, round(p.gain::numeric) AS gain,
       round(p.covered_population::numeric) AS covered, round(100 * p.covered_share::numeric, 1) AS covered_pct,
       p.target_group
  FROM demo.plan_sites p JOIN demo.plan_choice c USING (category) LEFT JOIN demo.plan_candidates k ON k.id = p.candidate_id
 ORDER BY c.choice, p.rank;

-- (d) The scenario: the picks that reach anyone new, added as facilities on the base network 'demo'
-- (ids above those of demo.category_facilities).
SELECT cp.scenario_drop(name) FROM cp.scenarios WHERE name = 'demo_plan';
SELECT name, base_network, nodes, edges FROM cp.scenario_create('demo_plan', 'demo', 'demo: the planning loop (demo/steps/70_planning.sql)');
INSERT INTO cp.scenario_facilities (scenario, op, facility_id, category, geom, name, note)
SELECT 'demo_plan', 'add', 1000000 + row_number() OVER (ORDER BY c.choice, p.rank), p.category, p.geom,
       format('规划 %s %s / suggested %s %s', p.name_zh, p.rank, p.category, p.rank),
       format('cp.suggest_sites pick %s, candidate %s, gain %s', p.rank, p.candidate_id, round(p.gain::numeric, 1))
  FROM demo.plan_sites p JOIN demo.plan_choice c USING (category)
 WHERE p.gain > 0;
SELECT name, facilities_added, nodes, edges, stale FROM cp.scenario_status WHERE name = 'demo_plan';

-- (e) Before (the base: network 'demo', the facilities as mapped) and after (demo_plan) per community:
-- coverage of the chosen categories and the complete 15-minute life circle; a QGIS layer of the delta.
CREATE TEMP TABLE plan_all AS
SELECT * FROM cp.compare_scenarios(NULL, 'demo_plan', 'SELECT id, geom, population FROM demo.residents',
                                   'SELECT id, category, geom FROM demo.category_facilities',
                                   'SELECT id, geom FROM demo.communities', life_circle => '15min');
INSERT INTO demo.plan_compare (community_id, indicator, category, before, after, delta, geom)
SELECT community_id, indicator, category, before, after, delta, geom
  FROM plan_all
 WHERE indicator = 'life_circle' OR category IN (SELECT category FROM demo.plan_choice)
 ORDER BY community_id, indicator <> 'life_circle', category;
-- per community: the complete life circle (every required category within reach) and, as the plan moves
-- it even where the circle stays incomplete, the mean coverage of the level's required categories, and
-- how many of them some residents still miss (cp.life_circle on the scenario)
CREATE TEMP TABLE plan_after AS
SELECT * FROM cp.life_circle('demo_plan', cp.scenario_residents_sql('demo_plan', 'SELECT id, geom, population FROM demo.residents'),
                             cp.scenario_facilities_sql('demo_plan', 'SELECT id, category, geom FROM demo.category_facilities'),
                             'SELECT id, geom FROM demo.communities', life_circle => '15min');
INSERT INTO demo.plan_life_circle
SELECT b.community_id, b.population, b.ratio, a.ratio,
       (SELECT avg(x.before) FROM plan_all x WHERE x.community_id = b.community_id AND x.indicator = 'coverage'
           AND x.category IN (SELECT code FROM cp.life_circle_requirements('GB50180-2018', '15min') WHERE required)),
       (SELECT avg(x.after) FROM plan_all x WHERE x.community_id = b.community_id AND x.indicator = 'coverage'
           AND x.category IN (SELECT code FROM cp.life_circle_requirements('GB50180-2018', '15min') WHERE required)),
       cardinality(b.missing_categories), cardinality(a.missing_categories), b.geom
  FROM demo.community_life_circle b JOIN plan_after a USING (community_id);
\else
SELECT set_config('cp_demo.plan_skipped', CASE WHEN NOT EXISTS (SELECT 1 FROM demo.plan_choice)
         THEN 'no placeable category of the 15-minute life circle is missing here'
         ELSE 'no candidate site (no building other than housing of 150 m² or more)' END, false) IS NOT NULL AS skipped;
SET client_min_messages = notice;
DO $$ BEGIN RAISE NOTICE 'planning loop skipped: %', current_setting('cp_demo.plan_skipped'); END $$;
\endif
RESET client_min_messages;

-- typed geometry columns (the network's CRS) and spatial indexes: QGIS layers
SELECT format('ALTER TABLE demo.%I ALTER COLUMN geom TYPE geometry(%s, %s) USING %s(ST_Transform(geom, %s))',
              t, k, n.srid, CASE WHEN k = 'MultiPolygon' THEN 'ST_Multi' END, n.srid), format('CREATE INDEX ON demo.%I USING gist (geom)', t)
  FROM cp.networks n, (VALUES ('plan_compare', 'MultiPolygon'), ('plan_life_circle', 'MultiPolygon'),
                              ('plan_sites', 'Point'), ('plan_candidates', 'Point')) v (t, k)
 WHERE n.name = 'demo' \gexec

\echo 'before and after per community: the complete 15-minute life circle, and the mean coverage of its required categories'
SELECT community_id, round(population) AS residents,
       round(100 * complete_before::numeric, 1) AS complete_before_pct, round(100 * complete_after::numeric, 1) AS complete_after_pct,
       round(100 * reach_before::numeric, 1) AS reach_before_pct, round(100 * reach_after::numeric, 1) AS reach_after_pct,
       missing_before, missing_after
  FROM demo.plan_life_circle WHERE population > 0 ORDER BY community_id;
\echo 'the district: coverage of the chosen categories (target group) and the complete life circle, before and after'
SELECT indicator, category, round(100 * (sum(before * w) / nullif(sum(w), 0))::numeric, 1) AS before_pct,
       round(100 * (sum(after * w) / nullif(sum(w), 0))::numeric, 1) AS after_pct
  FROM (SELECT p.*, l.population AS w FROM demo.plan_compare p JOIN demo.plan_life_circle l USING (community_id)) x
 GROUP BY 1, 2 ORDER BY indicator <> 'life_circle', category;

\copy (SELECT category, rank, candidate_id, round(gain::numeric, 1) AS gain, round(covered_population::numeric, 1) AS covered_population, round(covered_share::numeric, 4) AS covered_share, target_group, round(ST_X(ST_Transform(geom, 4326))::numeric, 6) AS lon, round(ST_Y(ST_Transform(geom, 4326))::numeric, 6) AS lat FROM demo.plan_sites ORDER BY 1, 2) TO 'demo/out/plan_sites.csv' CSV HEADER
\copy (SELECT community_id, indicator, category, round(before::numeric, 4) AS before, round(after::numeric, 4) AS after, round(delta::numeric, 4) AS delta FROM demo.plan_compare ORDER BY community_id, indicator, category) TO 'demo/out/plan_compare.csv' CSV HEADER
