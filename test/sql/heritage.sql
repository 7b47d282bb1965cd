-- Heritage register: every rule broken once, with its exact error and SQLSTATE.
-- Hand-made lane in CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549), metres.
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.box(x1 float8, y1 float8, x2 float8, y2 float8, srid int DEFAULT 4549)
RETURNS geometry LANGUAGE sql IMMUTABLE
AS $$ SELECT ST_Multi(ST_MakeEnvelope(430000 + x1, 2883000 + y1, 430000 + x2, 2883000 + y2, srid)) $$;

-- The first row fixes the register SRID (no setting yet).
SELECT count(*) AS config_rows FROM cp.heritage_config;
SELECT cp.heritage_srid() AS srid_before;
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone,
                              height_limit_m, style_rules, decision_ref, listed_on)
VALUES ('FZ-001', 'Lin family residence', 'national',
        pg_temp.box(0, 0, 20, 20), pg_temp.box(-10, -10, 30, 30), pg_temp.box(-50, -50, 80, 80),
        12, '{"roof": "swallow-tail ridge", "walls": "red brick"}', 'FZ-2001-01', '2001-06-25');
SELECT srid FROM cp.heritage_config;
SELECT cp.heritage_srid() AS srid_after;
-- A neighbour sharing a wall is fine (footprints touch, interiors do not meet).
INSERT INTO cp.heritage_site (code, name, grade, footprint, decision_ref)
VALUES ('FZ-002', 'Arcade shophouse', 'traditional_style', pg_temp.box(20, 0, 40, 20), 'FZ-2019-07');
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, decision_ref)
VALUES ('FZ-003', 'Guild hall', 'historic_building', pg_temp.box(100, 0, 120, 20),
        pg_temp.box(95, -5, 125, 25), 'FZ-2012-03');

-- srid: another SRID, and no SRID at all
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-1', 'wrong srid', 'traditional_style',
        ST_Multi(ST_MakeEnvelope(119.30, 26.08, 119.31, 26.09, 4326)));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-2', 'no srid', 'traditional_style', ST_SetSRID(pg_temp.box(200, 0, 210, 10), 0));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint, control_zone)
VALUES ('BAD-3', 'zone in another srid', 'traditional_style', pg_temp.box(200, 0, 210, 10),
        ST_Transform(pg_temp.box(190, -10, 220, 20), 4326));
\echo :LAST_ERROR_SQLSTATE
-- footprint_valid: self-intersecting (bow tie), then empty
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-4', 'bow tie', 'traditional_style',
        ST_GeomFromText('MULTIPOLYGON(((430200 2883000,430210 2883010,430210 2883000,430200 2883010,430200 2883000)))', 4549));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-5', 'empty', 'traditional_style', 'SRID=4549;MULTIPOLYGON EMPTY');
\echo :LAST_ERROR_SQLSTATE
-- zone_valid: an empty protection zone
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone)
VALUES ('BAD-6', 'empty zone', 'traditional_style', pg_temp.box(200, 0, 210, 10), 'SRID=4549;MULTIPOLYGON EMPTY');
\echo :LAST_ERROR_SQLSTATE
-- only MultiPolygons (PostGIS's own typmod check)
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-7', 'polygon', 'traditional_style', ST_MakeEnvelope(430200, 2883000, 430210, 2883010, 4549));
\echo :LAST_ERROR_SQLSTATE
-- zones_required: relic units need both zones, historic buildings a protection zone
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone)
VALUES ('BAD-8', 'provincial without control zone', 'provincial', pg_temp.box(200, 0, 210, 10),
        pg_temp.box(195, -5, 215, 15));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-9', 'historic building without zone', 'historic_building', pg_temp.box(200, 0, 210, 10));
\echo :LAST_ERROR_SQLSTATE
-- footprint within protection zone within control zone
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone)
VALUES ('BAD-10', 'footprint outside', 'municipal', pg_temp.box(200, 0, 210, 10),
        pg_temp.box(205, -5, 215, 15), pg_temp.box(150, -50, 250, 50));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone)
VALUES ('BAD-11', 'zone outside', 'municipal', pg_temp.box(200, 0, 210, 10),
        pg_temp.box(195, -5, 215, 15), pg_temp.box(200, -50, 250, 50));
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint, control_zone)
VALUES ('BAD-12', 'footprint outside control zone', 'traditional_style', pg_temp.box(200, 0, 210, 10),
        pg_temp.box(205, -50, 250, 50));
\echo :LAST_ERROR_SQLSTATE
-- no_overlap between listed footprints
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('BAD-13', 'overlaps FZ-001', 'traditional_style', pg_temp.box(10, 10, 25, 25));
\echo :LAST_ERROR_SQLSTATE
-- plain column checks
INSERT INTO cp.heritage_site (code, name, grade, footprint, listed_on)
VALUES ('BAD-14', 'unknown grade', 'world', pg_temp.box(200, 0, 210, 10), '2020-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint, height_limit_m, listed_on)
VALUES ('BAD-15', 'NaN height', 'traditional_style', pg_temp.box(200, 0, 210, 10), 'NaN', '2020-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_site (code, name, grade, footprint)
VALUES ('FZ-002', 'duplicate code', 'traditional_style', pg_temp.box(200, 0, 210, 10));
\echo :LAST_ERROR_SQLSTATE
-- decision_required on insert: a site recorded as lost
INSERT INTO cp.heritage_site (code, name, grade, footprint, condition)
VALUES ('BAD-16', 'lost without decision', 'traditional_style', pg_temp.box(200, 0, 210, 10), 'lost');
\echo :LAST_ERROR_SQLSTATE

-- listed_not_deleted
DELETE FROM cp.heritage_site WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
-- decision_required: deregistering without a decision, or with the old one
UPDATE cp.heritage_site SET status = 'deregistered' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'FZ-2019-07' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = '   ' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
-- decision_required: recording a loss, relaxing the height limit
UPDATE cp.heritage_site SET condition = 'lost' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_site SET height_limit_m = 30 WHERE code = 'FZ-001';
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_site SET control_zone = pg_temp.box(-40, -40, 70, 70) WHERE code = 'FZ-001';
\echo :LAST_ERROR_SQLSTATE
-- allowed: condition damaged needs no decision; loss and deregistration with a new one
UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'FZ-003';
UPDATE cp.heritage_site SET condition = 'lost', decision_ref = 'FZ-2024-11' WHERE code = 'FZ-002';
UPDATE cp.heritage_site SET status = 'deregistered', decision_ref = 'FZ-2025-02' WHERE code = 'FZ-002';
-- a deregistered footprint no longer blocks a listed one
INSERT INTO cp.heritage_site (code, name, grade, footprint, decision_ref)
VALUES ('FZ-004', 'Rebuilt shophouse', 'traditional_style', pg_temp.box(25, 0, 40, 20), 'FZ-2025-03');
-- re-listing needs a decision too, and FZ-002 now overlaps FZ-004
UPDATE cp.heritage_site SET status = 'listed' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_site SET status = 'listed', decision_ref = 'FZ-2025-04' WHERE code = 'FZ-002';
\echo :LAST_ERROR_SQLSTATE
-- a deregistered site may be deleted (the audit keeps it)
DELETE FROM cp.heritage_site WHERE code = 'FZ-002';
SELECT code, grade, condition, status, decision_ref FROM cp.heritage_site ORDER BY code;

-- The register cannot be truncated, not even by its owner
TRUNCATE cp.heritage_site;
\echo :LAST_ERROR_SQLSTATE
-- Edits need READ COMMITTED or SERIALIZABLE (a repeatable-read snapshot misses concurrent edits)
BEGIN ISOLATION LEVEL REPEATABLE READ;
UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'FZ-004';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
UPDATE cp.heritage_site SET name = 'Rebuilt arcade shophouse' WHERE code = 'FZ-004';
ROLLBACK;

-- The register SRID is chosen once
UPDATE cp.heritage_config SET srid = 4326;
\echo :LAST_ERROR_SQLSTATE
UPDATE cp.heritage_config SET srid = 999999;
\echo :LAST_ERROR_SQLSTATE

-- Audit: one row per change, old and new rows, who, decision
SELECT id, site_code, operation, changed_by, changed_columns, decision_ref,
       old_row ->> 'status' AS old_status, new_row ->> 'status' AS new_status
  FROM cp.heritage_history ORDER BY id;
SELECT new_row ->> 'footprint' AS footprint_ewkt FROM cp.heritage_history WHERE id = 1;
-- append-only, also for the owner (this session is superuser)
UPDATE cp.heritage_history SET decision_ref = 'forged';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM cp.heritage_history WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE cp.heritage_history;
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS audit_rows FROM cp.heritage_history;

-- Development check on a proposed tower next to the lane
SELECT * FROM cp.check_development(pg_temp.box(40, 40, 60, 60), 30);      -- control zone, too high
SELECT * FROM cp.check_development(pg_temp.box(40, 40, 60, 60), 9);       -- control zone, within
SELECT * FROM cp.check_development(pg_temp.box(40, 40, 60, 60));          -- height unknown
SELECT * FROM cp.check_development(pg_temp.box(25, 25, 35, 35), 6);       -- protection zone
SELECT * FROM cp.check_development(pg_temp.box(40, 0, 50, 20), NULL, 'demolish');  -- touches FZ-004
SELECT * FROM cp.check_development(pg_temp.box(130, 0, 140, 10), 6);      -- 5 m from FZ-003's zone
SELECT * FROM cp.check_development(pg_temp.box(500, 500, 510, 510), 100); -- far away
SELECT * FROM cp.check_development(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.check_development(pg_temp.box(40, 40, 60, 60), -1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.check_development(pg_temp.box(40, 40, 60, 60), 9, 'renovate');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cp.check_development(ST_Transform(pg_temp.box(40, 40, 60, 60), 4326));
\echo :LAST_ERROR_SQLSTATE

-- A district's proposals table guarded by the register
CREATE TABLE proposals (id int PRIMARY KEY, geom geometry, height_m float8, kind text);
CREATE TRIGGER heritage BEFORE INSERT OR UPDATE ON proposals
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_proposal_guard('geom', 'height_m', 'kind');
INSERT INTO proposals VALUES (1, pg_temp.box(40, 40, 60, 60), 9, 'build');
INSERT INTO proposals VALUES (2, pg_temp.box(40, 40, 60, 60), 30, 'build');
\echo :LAST_ERROR_SQLSTATE
UPDATE proposals SET height_m = 45 WHERE id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO proposals VALUES (3, pg_temp.box(40, 0, 50, 20), NULL, 'demolish');
\echo :LAST_ERROR_SQLSTATE
-- lateral join over the whole table
INSERT INTO proposals VALUES (4, pg_temp.box(130, 0, 140, 10), 6, 'build');
SELECT p.id, d.site_id, d.rule, d.severity
  FROM proposals p CROSS JOIN LATERAL cp.check_development(p.geom, p.height_m, p.kind) d
 ORDER BY p.id, d.site_id, d.rule;

-- Protection rate: 3 listed (FZ-001 intact, FZ-003 damaged, FZ-004 intact)
SELECT * FROM cp.heritage_protection_rate();
SELECT listed, protected, rate FROM cp.heritage_protection_rate(pg_temp.box(90, -10, 200, 30));
SELECT * FROM cp.heritage_protection_rate(ST_Transform(pg_temp.box(0, 0, 1, 1), 4326));
\echo :LAST_ERROR_SQLSTATE

-- Roles: an editor may edit (rules still apply), a reader may only read
SELECT count(*) AS capability_roles FROM cp.setup_roles();
CREATE ROLE regress_heritage_editor IN ROLE cp_heritage_editor;
CREATE ROLE regress_heritage_reader;
SET ROLE regress_heritage_editor;
UPDATE cp.heritage_site SET condition = 'restored' WHERE code = 'FZ-003';
DELETE FROM cp.heritage_site WHERE code = 'FZ-001';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO cp.heritage_history (operation, changed_by) VALUES ('insert', 'forged');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE regress_heritage_reader;
SELECT count(*) AS visible_sites FROM cp.heritage_site;
UPDATE cp.heritage_site SET condition = 'intact' WHERE code = 'FZ-003';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT site_code, operation, changed_by, session_role, changed_columns
  FROM cp.heritage_history ORDER BY id DESC LIMIT 1;

-- Supervised archive: a superuser names the decision, the archive is itself recorded
BEGIN;
SET LOCAL cp_heritage.archive_ref = 'FZ-ARCH-2026-1';
DELETE FROM cp.heritage_history WHERE id <= 3;
SELECT operation, decision_ref, new_row ->> 'rows' AS rows_archived
  FROM cp.heritage_history ORDER BY id DESC LIMIT 1;
ROLLBACK;
-- the same DELETE without the decision is refused
DELETE FROM cp.heritage_history WHERE id <= 3;
\echo :LAST_ERROR_SQLSTATE

DROP TABLE proposals;
DROP ROLE regress_heritage_editor;
DROP ROLE regress_heritage_reader;
