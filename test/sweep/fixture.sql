-- Fixture of the bad-input sweep (test/sweep/run.sh): a tiny walking network and small valid data
-- sets in UTM 50N (SRID 32650), so that every *_sql argument has a valid baseline. Idempotent.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS community_planning CASCADE;
DROP SCHEMA IF EXISTS sweep_fx CASCADE;
CREATE SCHEMA sweep_fx;

-- 11 x 11 street grid, 100 m blocks, x 400000..401000, y 3300000..3301000
CREATE TABLE sweep_fx.edges AS
SELECT row_number() OVER ()::bigint AS id, geom FROM (
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + 100 * i, 3300000 + 100 * j),
                                ST_MakePoint(400000 + 100 * (i + 1), 3300000 + 100 * j)), 32650) AS geom
    FROM generate_series(0, 9) i, generate_series(0, 10) j
  UNION ALL
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(400000 + 100 * i, 3300000 + 100 * j),
                                ST_MakePoint(400000 + 100 * i, 3300000 + 100 * (j + 1))), 32650)
    FROM generate_series(0, 10) i, generate_series(0, 9) j) e;

-- residents: 25 points between the streets
CREATE TABLE sweep_fx.residents AS
SELECT (5 * i + j + 1)::bigint AS id,
       ST_SetSRID(ST_MakePoint(400050 + 200 * i, 3300050 + 200 * j), 32650) AS geom,
       (10 + 7 * i + j)::float8 AS population
  FROM generate_series(0, 4) i, generate_series(0, 4) j;

CREATE TABLE sweep_fx.facilities (id bigint, category text, geom geometry, capacity float8, floor_area float8);
INSERT INTO sweep_fx.facilities VALUES
  (1, 'kindergarten',     'SRID=32650;POINT(400250 3300250)', 30, 800),
  (2, 'kindergarten',     'SRID=32650;POINT(400750 3300750)', 20, 600),
  (3, 'primary_school',   'SRID=32650;POINT(400500 3300500)', NULL, 3000),
  (4, 'elderly_day_care', 'SRID=32650;POINT(400150 3300850)', 10, 300),
  (5, 'clinic',           'SRID=32650;POINT(400850 3300150)', NULL, 500),
  (6, 'nursery',          'SRID=32650;POINT(400450 3300650)', 15, 200),
  (7, 'culture_activity', 'SRID=32650;POLYGON((400300 3300300,400340 3300300,400340 3300340,400300 3300340,400300 3300300))', NULL, 1200);

CREATE TABLE sweep_fx.communities AS
SELECT (2 * i + j + 1)::bigint AS id,
       ST_MakeEnvelope(400000 + 500 * i, 3300000 + 500 * j, 400500 + 500 * i, 3300500 + 500 * j, 32650) AS geom
  FROM generate_series(0, 1) i, generate_series(0, 1) j;

CREATE TABLE sweep_fx.buildings (id bigint, geom geometry, use text, households float8, floor_area float8, demand float8);
INSERT INTO sweep_fx.buildings VALUES
  (1, 'SRID=32650;POLYGON((400020 3300020,400080 3300020,400080 3300080,400020 3300080,400020 3300020))', 'residential', 40, NULL, 40),
  (2, 'SRID=32650;POINT(400350 3300450)', 'residential', 25, NULL, 25),
  (3, 'SRID=32650;POINT(400650 3300150)', 'office', NULL, 2000, 20),
  (4, 'SRID=32650;POINT(400850 3300850)', 'retail', NULL, 900, 9),
  (5, 'SRID=32650;POINT(400150 3300650)', 'residential', 12, NULL, 12);

CREATE TABLE sweep_fx.car_parks (id bigint, geom geometry, capacity float8);
INSERT INTO sweep_fx.car_parks VALUES
  (1, 'SRID=32650;POINT(400120 3300030)', 30),
  (2, 'SRID=32650;POLYGON((400600 3300600,400650 3300600,400650 3300650,400600 3300650,400600 3300600))', NULL),
  (3, 'SRID=32650;LINESTRING(400700 3300210,400800 3300210)', 8);


-- scorecard communities and heritage sites (registers: kept across runs, inserted once)
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT 'SW' || id, 'sweep ' || id, 'sweep district', 'sweep city', 'old', 1000 * id, ST_Multi(geom)
  FROM sweep_fx.communities
ON CONFLICT (id) DO NOTHING;
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m, decision_ref)
SELECT 'SWEEP-1', 'sweep hall', 'national',
       ST_Multi(ST_MakeEnvelope(400210, 3300210, 400230, 3300230, 32650)),
       ST_Multi(ST_MakeEnvelope(400200, 3300200, 400240, 3300240, 32650)),
       ST_Multi(ST_MakeEnvelope(400150, 3300150, 400290, 3300290, 32650)), 12, 'SW-2020-01'
 WHERE NOT EXISTS (SELECT FROM cp.heritage_site WHERE code = 'SWEEP-1');
INSERT INTO cp.heritage_site (code, name, grade, footprint, decision_ref)
SELECT 'SWEEP-2', 'sweep shophouse', 'traditional_style',
       ST_Multi(ST_MakeEnvelope(400610, 3300610, 400630, 3300630, 32650)), 'SW-2021-02'
 WHERE NOT EXISTS (SELECT FROM cp.heritage_site WHERE code = 'SWEEP-2');
