-- Site suggestions (cp.suggest_sites) on a hand-made river, each objective worked
-- by hand (docs/sites.md has the same example), ties, a candidate that covers
-- nobody new, and the errors.
\set VERBOSITY default
SET client_min_messages = notice;

-- A set of our own: kindergarten for everyone, radius 300 m, 150 places per 1000;
-- elderly care for the 60+ (column age_60_plus, else 18.7 % of the population).
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('SITES', '选址测试');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES
  ('SITES', '5min', '五分钟', 300, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit, source, target_group) VALUES
  ('SITES', 'kindergarten', '幼儿园', 'kindergarten', '5min', 300, true, 150, 'places', 'test', 'all'),
  ('SITES', 'elderly_care', '养老', 'elderly care', '5min', 300, true, NULL, NULL, 'test', '60+'),
  ('SITES', 'pharmacy', '药店', 'pharmacy', '5min', NULL, false, NULL, NULL, 'test', 'all');

-- A river between two banks: the north street along y = 100, the south street along
-- y = 0, both from x = 0 to x = 1000, joined by one bridge at x = 900 (edges meet at
-- their ends only, so each street is two edges, split at the bridge).
SELECT nodes, edges FROM cp.network_build('river', $$
  SELECT id, ST_SetSRID(ST_MakeLine(ST_MakePoint(x0, y0), ST_MakePoint(x1, y1)), 32650) AS geom
    FROM (VALUES (1, 0, 100, 900, 100), (2, 900, 100, 1000, 100), (3, 0, 0, 900, 0), (4, 900, 0, 1000, 0),
                 (5, 900, 0, 900, 100)) e (id, x0, y0, x1, y1)$$);

-- Residents: N1 (100, 100), N2 (200, 100), N3 (300, 100) on the north bank, 100 people
-- each; S1 (200, 0) on the south bank, 50 people.
CREATE TABLE wres (id int, geom geometry, population float8, age_60_plus float8);
INSERT INTO wres VALUES (1, 'SRID=32650;POINT(100 100)', 100, 10), (2, 'SRID=32650;POINT(200 100)', 100, NULL),
                        (3, 'SRID=32650;POINT(300 100)', 100, 30), (4, 'SRID=32650;POINT(200 0)', 50, 5);
-- Candidates: A (1) on the south bank at (200, 0), right across the river from the
-- north bank's people; B (2) on the north bank at (450, 100); D (4) on the south bank
-- at (850, 0) near the bridge; E (5) at B's place (a tie with B).
CREATE TABLE wcand (id int, geom geometry, capacity float8);
INSERT INTO wcand VALUES (1, 'SRID=32650;POINT(200 0)', 10), (2, 'SRID=32650;POINT(450 100)', 30),
                         (4, 'SRID=32650;POINT(850 0)', 20), (5, 'SRID=32650;POINT(450 100)', NULL);
-- An existing kindergarten at (300, 100) with 15 places; a pharmacy (another category).
CREATE TABLE wfac (id int, category text, geom geometry, capacity float8);
INSERT INTO wfac VALUES (1, 'kindergarten', 'SRID=32650;POINT(300 100)', 15), (2, 'pharmacy', 'SRID=32650;POINT(400 100)', NULL);

-- Walks within the cut-off (metres; the river makes the north bank 1400-1600 m from A):
--        N1    N2    N3    S1
--   A   1600  1500  1400    0
--   B    350   250   150  1250
--   D    950   850   750   650
--   E  = B
-- As the crow flies A has everyone within 300 m (141, 100, 141, 0: 350 people) and
-- would be the best site; on foot A reaches S1 only.
SELECT c.id, coalesce(sum(r.population) FILTER (WHERE ST_DWithin(c.geom, r.geom, 300)), 0) AS crowfly_people
  FROM wcand c, wres r GROUP BY c.id ORDER BY crowfly_people DESC, c.id;

-- coverage, no existing facility, n = 3:
--   round 1: A 50, B 200 (N2, N3), D 0, E 200 -> B (the tie with E goes to the lower id)
--   round 2: A 50, D 0, E 0 -> A; covered 250 of 350
--   round 3: D 0, E 0 -> D (lowest id): gain 0, nothing more covered
SELECT rank, candidate_id, gain, objective_value, covered_population, round(covered_share::numeric, 4) AS share,
       target_group, estimated, ST_AsText(geom) AS geom
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 3,
                        standard => 'SITES');

-- with the existing kindergarten at (300, 100) (N1 200 m, N2 100 m, N3 0 m: 300 covered),
-- B covers nobody new: A 50 first, then B, D, E all gain 0 -> B (lowest id)
SELECT rank, candidate_id, gain, objective_value, covered_population
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        'SELECT * FROM wfac', standard => 'SITES');

-- p_median, penalty = the cut-off (300 m): at first everyone counts 300 m,
-- 350 x 300 = 105 000 person-metres.
--   A: S1 300 -> 0: 50 x 300 = 15 000; B: N2 300 -> 250, N3 300 -> 150: 5 000 + 15 000
--   = 20 000 (N1 at 350 stays at the penalty); D 0; E = B.
--   round 1: B (tie with E, lower id): 85 000; round 2: A 15 000 (E, D 0): 70 000
SELECT rank, candidate_id, round(gain::numeric, 6) AS gain, round(objective_value::numeric, 6) AS objective_value, covered_population
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        objective => 'p_median', standard => 'SITES');
-- the same in minutes (standard_pace, 4 km/h = 66.67 m/min): 85 000 m = 1275 person-minutes
SELECT rank, candidate_id, round(gain::numeric, 3) AS gain, round(objective_value::numeric, 3) AS objective_value
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        objective => 'p_median', standard => 'SITES', unit => 'min');
-- penalty 2000 m (max_walk): 350 x 2000 = 700 000 at first.
--   A: S1 2000 -> 0 (100 000), N1 1600, N2 1500, N3 1400 (40 000 + 50 000 + 60 000) = 250 000
--   B: N1 350, N2 250, N3 150 (165 000 + 175 000 + 185 000), S1 1250 (37 500) = 562 500
--   D: S1 650 (67 500), N1 950, N2 850, N3 750 (105 000 + 115 000 + 125 000) = 412 500
--   round 1: B 562 500 -> 137 500; round 2: A: S1 1250 -> 0 = 62 500 (D: S1 1250 -> 650
--   = 30 000; the north bank is nearer B) -> 75 000
SELECT rank, candidate_id, round(gain::numeric, 6) AS gain, round(objective_value::numeric, 6) AS objective_value
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        objective => 'p_median', standard => 'SITES', max_walk => 2000);
-- the walks as cp.nearest measures them (resident -> candidate): A's north bank over the bridge
SELECT target_id AS resident, origin_id AS candidate, round(distance_m::numeric, 3) AS walk_m
  FROM cp.nearest('river', 'SELECT id, geom FROM wcand WHERE id IN (1, 2)', 'SELECT id, geom FROM wres', 5000, 2)
 ORDER BY 1, 2;

-- capacity_gap, 150 places per 1000 (the set's): demand N1..N3 15 each, S1 7.5: gap 52.5.
-- Capacities A 10, B 30, D 20, E none (capacity => 30).
--   R_A = 10 / 50 = 0.2 (S1 only): S1 gets 50 x 0.2 = 10, needs 7.5: closes 7.5
--   R_B = 30 / 200 = 0.15 (N2, N3): 15 each, needs 15 each: closes 30; R_E the same
--   R_D = 20 / 0: nobody within 300 m, closes 0
--   round 1: B 30 -> gap 22.5; round 2: A 7.5 (E 0 now: N2, N3 are served) -> gap 15
SELECT rank, candidate_id, round(gain::numeric, 9) AS gain, round(objective_value::numeric, 9) AS objective_value, covered_population
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        objective => 'capacity_gap', standard => 'SITES', capacity => 30);
-- with the existing kindergarten (15 places for N1, N2, N3: R = 15 / 300 = 0.05, 5 each):
-- gap 10 + 10 + 10 + 7.5 = 37.5; B gives N2, N3 15 each (needs 10): closes 20 -> 17.5;
-- then A closes 7.5 -> 10 (N1's 10 remain)
SELECT rank, candidate_id, round(gain::numeric, 9) AS gain, round(objective_value::numeric, 9) AS objective_value
  FROM cp.suggest_sites('river', 'SELECT id, geom, population FROM wres', 'SELECT * FROM wcand', 'kindergarten', 2,
                        'SELECT * FROM wfac', objective => 'capacity_gap', standard => 'SITES', capacity => 30);

-- The target group: elderly care serves the 60+ (column age_60_plus: N1 10, N2 NULL ->
-- 100 x 0.187 = 18.7 estimated, N3 30, S1 5; total 63.7): B covers N2 + N3 = 48.7
SELECT rank, candidate_id, round(gain::numeric, 9) AS gain, round(objective_value::numeric, 9) AS objective_value, round(covered_share::numeric, 4) AS share, target_group, estimated
  FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT id, geom FROM wcand', 'elderly_care', 2, standard => 'SITES');

-- NULL arguments: no rows
SELECT count(*) FROM cp.suggest_sites('river', NULL, 'SELECT * FROM wcand', 'kindergarten', 1, standard => 'SITES');
SELECT count(*) FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', NULL, standard => 'SITES');

-- Errors
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 0, standard => 'SITES')$$) AS n_zero;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 5, standard => 'SITES')$$) AS n_above_candidates;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, objective => 'maxcover', standard => 'SITES')$$) AS unknown_objective;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand UNION ALL SELECT * FROM wcand WHERE id = 4', 'kindergarten', 1, standard => 'SITES')$$) AS duplicate_candidate;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT NULL::int AS id, geom FROM wcand', 'kindergarten', 1, standard => 'SITES')$$) AS null_candidate_id;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT id FROM wcand', 'kindergarten', 1, standard => 'SITES')$$) AS candidates_without_geom;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT id, geom FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, standard => 'SITES')$$) AS residents_without_population;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, 'SELECT id, geom FROM wfac', standard => 'SITES')$$) AS facilities_without_category;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, objective => 'capacity_gap', standard => 'SITES')$$) AS candidate_without_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT id, geom, -1 AS capacity FROM wcand', 'kindergarten', 1, objective => 'capacity_gap', standard => 'SITES')$$) AS negative_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, 'SELECT id, category, geom FROM wfac', objective => 'capacity_gap', standard => 'SITES', capacity => 10)$$) AS facilities_without_capacity;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'elderly_care', 1, objective => 'capacity_gap', standard => 'SITES', capacity => 10)$$) AS no_per_1000;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, standard => 'SITES', max_walk => 500)$$) AS max_walk_for_coverage;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, objective => 'p_median', standard => 'SITES', max_walk => 'NaN')$$) AS max_walk_nan;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'bakery', 1, standard => 'SITES')$$) AS unknown_category;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, standard => 'NOPE')$$) AS unknown_standard;
SELECT pg_temp.err($$SELECT * FROM cp.suggest_sites('nowhere', 'SELECT * FROM wres', 'SELECT * FROM wcand', 'kindergarten', 1, standard => 'SITES')$$) AS unknown_network;
SELECT pg_temp.err($$SELECT * FROM cp._suggest_sites_run('river', 'SELECT * FROM wres', 'SELECT * FROM wcand', NULL, 'kindergarten', 1, 'coverage', -1, false, 'population', 1, '{}', '{}', 0, 0, NULL, NULL, NULL, 250)$$) AS engine_cutoff;

SELECT cp.network_drop('river');
DROP TABLE wres, wcand, wfac;
DELETE FROM cp.facility_categories WHERE standard = 'SITES';
DELETE FROM cp.life_circles WHERE standard = 'SITES';
DELETE FROM cp.facility_standards WHERE code = 'SITES';
