-- User data of a district database on the released version, before the upgrade (test/upgrade/run.sh).
-- Uses only what 0.1.0 offers; Monaco's real OSM extract is imported in schema monaco.
\set ON_ERROR_STOP 1
\set QUIET on
SET client_min_messages = warning;

-- A walking network, as test/fixtures/fixtures.sql builds them.
SELECT n.name FROM cp.network_build('monaco', $q$
  SELECT way_id AS id,
         CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
         NULL::float8 AS cost,
         CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM monaco.walk_edges$q$) n;
INSERT INTO cp.walk_profiles VALUES ('district_slow', 3.0, true, 'a district''s own profile', 'upgrade test');

-- A district's own standard set: a copy with edited, removed and added rows, and its own parking rule.
SELECT cp.copy_standard('GB50180-2018', 'MC-2026', '摩纳哥测试标准', 'Monaco test set', 'upgrade test', 2026);
UPDATE cp.facility_categories SET radius_m = 420, note = 'edited by the district'
 WHERE standard = 'MC-2026' AND code = 'clinic';
DELETE FROM cp.facility_categories WHERE standard = 'MC-2026' AND code = 'culture_activity' AND life_circle = '5min';
UPDATE cp.life_circles SET distance_max_m = 330 WHERE standard = 'MC-2026' AND life_circle = '5min';
INSERT INTO cp.parking_standards (standard, rule, use, basis, spaces, ev_share, source, note)
VALUES ('MC-2026', 'hotel', 'hotel', 'floor_100m2', 0.8, 0.2, 'district decision 2026/1', 'user rule');
INSERT INTO cp.facility_standards (code, title_zh, scope, source)
VALUES ('MC-parking', '摩纳哥停车', 'parking', 'district decision 2026/2');
INSERT INTO cp.parking_standards (standard, rule, use, community_type, basis, spaces, source)
VALUES ('MC-parking', 'residential-old', 'residential', 'old', 'household', 0.9, 'district decision 2026/2');

-- Indicators: a local weight and target, user indicators (one computed, with its computation).
INSERT INTO cp.indicator_local (indicator, weight, target_2028, note, set_at)
VALUES ('parking_gap_rate', 0.6, 10, 'district plan 2026', '2026-01-15 10:00+00');
INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, valid_min, valid_max,
                           source, obtained, origin)
VALUES ('mc_benches', '每公里座椅', 'benches per km of street', 'humanity', 'neighbourhood', 'count', 'higher', 0.5, 0, 1000,
        'district survey', 'recorded', 'user');
INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, valid_min, valid_max,
                           source, obtained, origin, measure)
VALUES ('mc_one', '常数', 'constant one', 'humanity', 'neighbourhood', 'count', 'higher', 0.2, 0, 10,
        'upgrade test', 'computed', 'user', 'a constant');
INSERT INTO cp.indicator_computations (indicator, sql_template, note)
VALUES ('mc_one', 'SELECT 1::numeric AS value, NULL::jsonb AS inputs', 'user computation');
INSERT INTO cp.osm_category_map (key, value, category, priority, note)
VALUES ('amenity', 'townhall', 'community_service', 50, 'a district''s own mapping');

-- Communities and their indicator values (fixed timestamps, so hashes are repeatable).
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT 'MC-' || q, 'quarter ' || q, 'Monaco', 'Monaco', 'old', 2000 + q * 100,
       ST_Multi(ST_MakeEnvelope(x0 + (q - 1) * (x1 - x0) / 3, y0, x0 + q * (x1 - x0) / 3, y1, 32632))
  FROM (SELECT ST_XMin(e) x0, ST_YMin(e) y0, ST_XMax(e) x1, ST_YMax(e) y1
          FROM (SELECT ST_Extent(ST_Transform(geom, 32632))::geometry e FROM monaco.buildings) b) b,
       generate_series(1, 3) q;
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source, entered_at)
SELECT c.id, i.code, '2025-12-31', 10 + length(c.id) + length(i.code), 'district survey', '2026-01-20 09:00+00'
  FROM cp.communities c, (VALUES ('elderly_care_coverage'), ('parking_gap_rate'), ('mc_benches')) i(code);

-- The heritage register: two real buildings, one listed with zones; edits leave audit history.
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m,
                              style_rules, decision_ref, listed_on)
SELECT 'MC-H1', 'first building', 'municipal', f, ST_Multi(ST_Buffer(f, 10)), ST_Multi(ST_Buffer(f, 60)), 12,
       '{"roof": "tiles"}', 'D-2026-1', '2026-01-10'
  FROM (SELECT ST_Multi(ST_Transform(geom, 32632)) f FROM monaco.buildings
         WHERE ST_IsValid(geom) ORDER BY ST_XMin(geom), ST_YMin(geom) LIMIT 1) b;
INSERT INTO cp.heritage_site (code, name, grade, footprint, listed_on)
SELECT 'MC-H2', 'last building', 'traditional_style', ST_Multi(ST_Transform(geom, 32632)), '2026-01-11'
  FROM monaco.buildings WHERE ST_IsValid(geom) ORDER BY ST_XMax(geom) DESC, ST_YMax(geom) DESC LIMIT 1;
UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'MC-H2';
UPDATE cp.heritage_site SET condition = 'restored', decision_ref = 'D-2026-7' WHERE code = 'MC-H2';
UPDATE cp.heritage_config SET review_distance_m = 80;

-- Roles: the capability roles, a district member of one, and a network built (owned) by that member.
SELECT count(*) FROM cp.setup_roles();
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cp_upgrade_planner') THEN
    CREATE ROLE cp_upgrade_planner NOLOGIN;
  END IF;
END
$$;
GRANT cp_planner TO cp_upgrade_planner;
GRANT USAGE ON SCHEMA monaco TO cp_upgrade_planner;
GRANT SELECT ON ALL TABLES IN SCHEMA monaco TO cp_upgrade_planner;
SET ROLE cp_upgrade_planner;
SELECT n.name FROM cp.network_build('monaco_planner', 'SELECT way_id AS id, geom FROM monaco.walk_edges') n;
RESET ROLE;
