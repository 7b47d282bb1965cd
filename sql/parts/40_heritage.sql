
-- Heritage-building protection register (issue 7) ---------------------------
-- The rules are triggers on the tables, so no application, script or careless
-- UPDATE can get around them. See docs/heritage.md.

-- Roles are not created here: cp.setup_roles() (70_roles.sql), run by the DBA,
-- creates cp_heritage_editor and cp_auditor and grants them the register.

-- Settings of the register: one row at most; no row means the defaults.
CREATE TABLE cp.heritage_config (
  only_row          boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  srid              integer CHECK (srid > 0),
  review_distance_m float8 NOT NULL DEFAULT 50
                    CHECK (review_distance_m >= 0 AND review_distance_m < 'Infinity')
);
COMMENT ON TABLE cp.heritage_config IS
  'Settings of the heritage register (at most one row; no row means the defaults)';
COMMENT ON COLUMN cp.heritage_config.only_row IS 'Always true: the table holds at most one row';
COMMENT ON COLUMN cp.heritage_config.srid IS
  'SRID of every register geometry. NULL: the first site saved fixes it (and it is recorded here). Cannot change while sites of another SRID exist';
COMMENT ON COLUMN cp.heritage_config.review_distance_m IS
  'Proposals within this distance (metres) of a listed footprint need review in cp.check_development';

CREATE TABLE cp.heritage_site (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text NOT NULL UNIQUE CHECK (btrim(code) <> ''),
  name           text NOT NULL CHECK (btrim(name) <> ''),
  grade          text NOT NULL CHECK (grade IN ('national', 'provincial', 'municipal',
                                                'historic_building', 'traditional_style')),
  footprint      geometry(MultiPolygon) NOT NULL,
  protection_zone geometry(MultiPolygon),
  control_zone   geometry(MultiPolygon),
  height_limit_m float8 CHECK (height_limit_m > 0 AND height_limit_m < 'Infinity'),
  style_rules    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(style_rules) = 'object'),
  condition      text NOT NULL DEFAULT 'intact'
                 CHECK (condition IN ('intact', 'damaged', 'restored', 'lost')),
  status         text NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'deregistered')),
  decision_ref   text,
  listed_on      date NOT NULL DEFAULT CURRENT_DATE
);
COMMENT ON TABLE cp.heritage_site IS
  'Heritage-building protection register: one row per protected site, its zones, height and style controls; rules enforced by triggers, every change audited in cp.heritage_history';
COMMENT ON COLUMN cp.heritage_site.id IS 'Generated identifier (cannot be set or changed)';
COMMENT ON COLUMN cp.heritage_site.code IS 'Register code, unique';
COMMENT ON COLUMN cp.heritage_site.name IS 'Name of the site';
COMMENT ON COLUMN cp.heritage_site.grade IS
  'national, provincial, municipal (cultural-relic protection units; need both zones), historic_building 历史建筑 (needs a protection zone), traditional_style 传统风貌建筑';
COMMENT ON COLUMN cp.heritage_site.footprint IS
  'Outline of the building(s): valid, non-empty MultiPolygon in the register SRID, inside the protection zone; listed footprints do not overlap';
COMMENT ON COLUMN cp.heritage_site.protection_zone IS '保护范围: covers the footprint, inside the control zone';
COMMENT ON COLUMN cp.heritage_site.control_zone IS '建设控制地带: construction control zone, covers the protection zone';
COMMENT ON COLUMN cp.heritage_site.height_limit_m IS 'Height limit for new construction in the control zone, metres';
COMMENT ON COLUMN cp.heritage_site.style_rules IS
  'Style controls as a jsonb object, e.g. {"roof": "swallow-tail ridge", "walls": "red brick", "frontage": "arcade"}';
COMMENT ON COLUMN cp.heritage_site.condition IS 'intact, damaged, restored or lost (lost needs a decision reference)';
COMMENT ON COLUMN cp.heritage_site.status IS
  'listed or deregistered; a listed site cannot be deleted, deregistering needs a decision reference';
COMMENT ON COLUMN cp.heritage_site.decision_ref IS
  'Reference of the decision behind the latest change; deregistering, recording a loss and changing the protection of a listed site need a new one';
COMMENT ON COLUMN cp.heritage_site.listed_on IS 'Date of listing';

CREATE INDEX heritage_site_footprint_gist ON cp.heritage_site USING gist (footprint);
CREATE INDEX heritage_site_protection_zone_gist ON cp.heritage_site USING gist (protection_zone);
CREATE INDEX heritage_site_control_zone_gist ON cp.heritage_site USING gist (control_zone);
COMMENT ON INDEX cp.heritage_site_footprint_gist IS 'Overlap check and development check on footprints';
COMMENT ON INDEX cp.heritage_site_protection_zone_gist IS 'Development check on protection zones';
COMMENT ON INDEX cp.heritage_site_control_zone_gist IS 'Development check on control zones';

CREATE TABLE cp.heritage_history (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id         bigint,
  site_code       text,
  operation       text NOT NULL CHECK (operation IN ('insert', 'update', 'delete', 'archive')),
  changed_at      timestamptz NOT NULL DEFAULT now(),
  changed_by      name NOT NULL,
  session_role    name NOT NULL DEFAULT session_user,
  xact_id         xid8 NOT NULL DEFAULT pg_current_xact_id(),
  old_row         jsonb,
  new_row         jsonb,
  changed_columns text[],
  decision_ref    text
);
COMMENT ON TABLE cp.heritage_history IS
  'Append-only audit of every change of cp.heritage_site (UPDATE, DELETE and TRUNCATE are refused, also for the owner; see docs/heritage.md for the supervised archive)';
COMMENT ON COLUMN cp.heritage_history.id IS 'Order of the changes';
COMMENT ON COLUMN cp.heritage_history.site_id IS 'cp.heritage_site.id of the changed site (NULL for an archive record)';
COMMENT ON COLUMN cp.heritage_history.site_code IS 'Register code of the site after (or, for a delete, before) the change';
COMMENT ON COLUMN cp.heritage_history.operation IS 'insert, update, delete, or archive (rows moved out under a decision)';
COMMENT ON COLUMN cp.heritage_history.changed_at IS 'Start of the transaction that made the change';
COMMENT ON COLUMN cp.heritage_history.changed_by IS 'Role that made the change (after SET ROLE)';
COMMENT ON COLUMN cp.heritage_history.session_role IS 'Role the session logged in as';
COMMENT ON COLUMN cp.heritage_history.xact_id IS 'Transaction that made the change';
COMMENT ON COLUMN cp.heritage_history.old_row IS 'Row before the change (geometries as EWKT); NULL for an insert';
COMMENT ON COLUMN cp.heritage_history.new_row IS 'Row after the change (geometries as EWKT); NULL for a delete';
COMMENT ON COLUMN cp.heritage_history.changed_columns IS 'Columns whose value changed (updates only)';
COMMENT ON COLUMN cp.heritage_history.decision_ref IS 'Decision reference given with the change';
CREATE INDEX heritage_history_site_idx ON cp.heritage_history (site_id, id);
COMMENT ON INDEX cp.heritage_history_site_idx IS 'History of one site in order';

SELECT pg_catalog.pg_extension_config_dump('cp.heritage_config', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_site', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_site_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_history', '');
SELECT pg_catalog.pg_extension_config_dump('cp.heritage_history_id_seq', '');

-- Audit helpers -------------------------------------------------------------

-- The audit runs inside the SECURITY DEFINER trigger, as the extension owner:
-- its search_path holds no schema that other roles can create objects in, and
-- PostGIS is named by the schema it has at install time (hence EXECUTE format).
DO $do$
DECLARE
  postgis_schema text := cp._postgis_schema();
BEGIN
  EXECUTE pg_catalog.format($f$
CREATE FUNCTION cp.heritage_row_jsonb(site cp.heritage_site) RETURNS jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, cp, pg_temp
AS $$
  SELECT pg_catalog.to_jsonb(site) OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object(
           'footprint', %1$s.ST_AsEWKT((site).footprint),
           'protection_zone', %1$s.ST_AsEWKT((site).protection_zone),
           'control_zone', %1$s.ST_AsEWKT((site).control_zone))
$$$f$, postgis_schema);
END
$do$;
COMMENT ON FUNCTION cp.heritage_row_jsonb(cp.heritage_site) IS
  'A register row as jsonb with its geometries as EWKT, the form kept in cp.heritage_history';

CREATE FUNCTION cp.heritage_audit_write(old_row cp.heritage_site, new_row cp.heritage_site,
                                        operation text, changed_by text) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
  WITH j AS (SELECT cp.heritage_row_jsonb(old_row) AS o, cp.heritage_row_jsonb(new_row) AS n)
  INSERT INTO cp.heritage_history
    (site_id, site_code, operation, changed_by, old_row, new_row, changed_columns, decision_ref)
  SELECT coalesce((new_row).id, (old_row).id), coalesce((new_row).code, (old_row).code),
         operation, changed_by, j.o, j.n,
         CASE WHEN j.o IS NOT NULL AND j.n IS NOT NULL THEN
           ARRAY(SELECT k.key FROM pg_catalog.jsonb_each(j.n) k
                  WHERE k.value IS DISTINCT FROM j.o OPERATOR(pg_catalog.->) k.key ORDER BY 1)
         END,
         coalesce((new_row).decision_ref, (old_row).decision_ref)
    FROM j
   -- A restore (pg_dump data of this configuration table, run by a superuser)
   -- re-inserts rows whose latest audit row already records exactly this state:
   -- not a new change. Anyone else's insert is always audited.
   WHERE NOT (operation OPERATOR(pg_catalog.=) 'insert'
              AND coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r
                             WHERE r.rolname OPERATOR(pg_catalog.=) session_user), false)
              AND coalesce(
           j.n OPERATOR(pg_catalog.=) (SELECT h.new_row FROM cp.heritage_history h
                   WHERE h.site_id OPERATOR(pg_catalog.=) (heritage_audit_write.new_row).id
                   ORDER BY h.id DESC LIMIT 1), false))
$$;
REVOKE ALL ON FUNCTION cp.heritage_audit_write(cp.heritage_site, cp.heritage_site, text, text) FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_audit_write(cp.heritage_site, cp.heritage_site, text, text) IS
  'Internal: appends one audit row (none when a restore re-inserts a row exactly as last audited); called only by the audit trigger of cp.heritage_site (no EXECUTE for PUBLIC)';

-- Register triggers (C) -----------------------------------------------------

CREATE FUNCTION cp.heritage_site_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_site_guard'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, cp, pg_temp;
REVOKE ALL ON FUNCTION cp.heritage_site_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_site_guard() IS
  'Trigger: enforces the rules of cp.heritage_site (SRID, validity, zones, containment, no overlap, decisions, no deletion of listed sites)';

CREATE FUNCTION cp.heritage_site_audit() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_site_audit'
LANGUAGE C VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, cp, pg_temp;
REVOKE ALL ON FUNCTION cp.heritage_site_audit() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_site_audit() IS
  'Trigger: writes one cp.heritage_history row per inserted, updated or deleted register row';

CREATE FUNCTION cp.heritage_history_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'cp_heritage_history_guard'
LANGUAGE C VOLATILE
SET search_path FROM CURRENT;
REVOKE ALL ON FUNCTION cp.heritage_history_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_history_guard() IS
  'Trigger: keeps cp.heritage_history append-only (UPDATE, DELETE, TRUNCATE refused with 42501, except the supervised archive)';

CREATE FUNCTION cp.heritage_history_archived() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
BEGIN
  INSERT INTO cp.heritage_history (operation, changed_by, new_row, decision_ref)
  SELECT 'archive', current_user,
         pg_catalog.jsonb_build_object('rows', count(*), 'first_id', min(a.id), 'last_id', max(a.id),
                            'from', min(a.changed_at), 'to', max(a.changed_at)),
         current_setting('cp_heritage.archive_ref', true)
    FROM archived a
  HAVING count(*) > 0;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION cp.heritage_history_archived() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_history_archived() IS
  'Trigger: after a supervised archive, records how many audit rows were moved out and under which decision';

-- Also fired by the SECURITY DEFINER guard (the first site records the register
-- SRID), so it follows the definer rules: no schema others can write to on its
-- path, PostGIS named by its schema at install time.
DO $do$
DECLARE
  postgis_schema text := cp._postgis_schema();
BEGIN
  EXECUTE pg_catalog.format($f$
CREATE FUNCTION cp.heritage_config_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, cp, pg_temp
AS $$
DECLARE
  used integer;
BEGIN
  IF NEW.srid IS NOT NULL THEN
    IF NOT EXISTS (SELECT 1 FROM %1$s.spatial_ref_sys r WHERE r.srid OPERATOR(pg_catalog.=) NEW.srid) THEN
      RAISE EXCEPTION 'heritage register SRID %% is unknown', NEW.srid
        USING ERRCODE = 'check_violation',
              DETAIL = 'The SRID is not in spatial_ref_sys.',
              HINT = 'Choose a projected SRID in metres that PostGIS knows, e.g. the district''s CGCS2000 zone.';
    END IF;
    SELECT %1$s.ST_SRID(s.footprint) INTO used FROM cp.heritage_site s
     WHERE %1$s.ST_SRID(s.footprint) OPERATOR(pg_catalog.<>) NEW.srid LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'heritage register already uses SRID %%', used
        USING ERRCODE = 'check_violation',
              DETAIL = pg_catalog.format('Sites with SRID %%s exist, so the register cannot switch to SRID %%s.', used, NEW.srid),
              HINT = 'The SRID is chosen once; transform every site in one decision before changing it.';
    END IF;
  END IF;
  RETURN NEW;
END
$$$f$, postgis_schema);
END
$do$;
REVOKE ALL ON FUNCTION cp.heritage_config_guard() FROM PUBLIC;
COMMENT ON FUNCTION cp.heritage_config_guard() IS
  'Trigger: the register SRID must be known to PostGIS and match the sites already saved';

CREATE TRIGGER heritage_site_guard
  BEFORE INSERT OR UPDATE OR DELETE ON cp.heritage_site
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_site_guard();
CREATE TRIGGER heritage_site_no_truncate
  BEFORE TRUNCATE ON cp.heritage_site
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_site_guard();
CREATE TRIGGER heritage_site_audit
  AFTER INSERT OR UPDATE OR DELETE ON cp.heritage_site
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_site_audit();
CREATE TRIGGER heritage_history_append_only
  BEFORE UPDATE OR DELETE ON cp.heritage_history
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_history_guard();
CREATE TRIGGER heritage_history_no_truncate
  BEFORE TRUNCATE ON cp.heritage_history
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_history_guard();
CREATE TRIGGER heritage_history_archive_record
  AFTER DELETE ON cp.heritage_history
  REFERENCING OLD TABLE AS archived
  FOR EACH STATEMENT EXECUTE FUNCTION cp.heritage_history_archived();
CREATE TRIGGER heritage_config_guard
  BEFORE INSERT OR UPDATE ON cp.heritage_config
  FOR EACH ROW EXECUTE FUNCTION cp.heritage_config_guard();
-- Also when a replica applies changes (session_replication_role = replica).
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_guard;
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_audit;
ALTER TABLE cp.heritage_site ENABLE ALWAYS TRIGGER heritage_site_no_truncate;
ALTER TABLE cp.heritage_history ENABLE ALWAYS TRIGGER heritage_history_append_only;
ALTER TABLE cp.heritage_history ENABLE ALWAYS TRIGGER heritage_history_no_truncate;
COMMENT ON TRIGGER heritage_site_guard ON cp.heritage_site IS 'Rules of the register, see cp.heritage_site_guard()';
COMMENT ON TRIGGER heritage_site_no_truncate ON cp.heritage_site IS 'The register cannot be truncated';
COMMENT ON TRIGGER heritage_site_audit ON cp.heritage_site IS 'One audit row per change, see cp.heritage_site_audit()';
COMMENT ON TRIGGER heritage_history_append_only ON cp.heritage_history IS 'Audit rows cannot be updated or deleted';
COMMENT ON TRIGGER heritage_history_no_truncate ON cp.heritage_history IS 'The audit cannot be truncated';
COMMENT ON TRIGGER heritage_history_archive_record ON cp.heritage_history IS 'Records a supervised archive';
COMMENT ON TRIGGER heritage_config_guard ON cp.heritage_config IS 'The register SRID is chosen once';

-- Privileges: everyone reads the register; editing it (cp_heritage_editor) and
-- reading its audit (cp_auditor) are granted by cp.setup_roles() (70_roles.sql).
GRANT SELECT ON cp.heritage_site, cp.heritage_config TO PUBLIC;

-- Register SRID -------------------------------------------------------------

CREATE FUNCTION cp.heritage_srid() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce((SELECT srid FROM cp.heritage_config),
                  (SELECT ST_SRID(footprint) FROM cp.heritage_site LIMIT 1))
$$;
COMMENT ON FUNCTION cp.heritage_srid() IS
  'SRID of the heritage register: the setting in cp.heritage_config, else that of the saved sites; NULL while neither exists';

-- Development check ---------------------------------------------------------

CREATE FUNCTION cp.check_development(geom geometry, height_m float8 DEFAULT NULL,
                                     action text DEFAULT 'build')
RETURNS TABLE (site_id bigint, rule text, severity text, message text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  reg_srid integer;
  lonlat boolean;
  review float8;
  dx float8;
  dy float8;
BEGIN
  IF geom IS NULL THEN
    RAISE EXCEPTION 'proposal geometry must not be null'
      USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass the outline of the proposed building or works.';
  END IF;
  IF action IS NULL OR action NOT IN ('build', 'demolish') THEN
    RAISE EXCEPTION 'unknown development action %', coalesce(quote_literal(action), 'NULL')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The action is ''build'' or ''demolish''.';
  END IF;
  IF height_m IS NOT NULL AND NOT (height_m >= 0 AND height_m < 'Infinity') THEN
    RAISE EXCEPTION 'proposal height % is not a height', height_m
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the height in metres as a finite number >= 0, or NULL if unknown.';
  END IF;
  IF ST_IsEmpty(geom) THEN
    RAISE EXCEPTION 'proposal geometry is empty'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass the outline of the proposed building or works.';
  END IF;
  reg_srid := cp.heritage_srid();
  IF reg_srid IS NULL THEN
    RETURN;   -- empty register: nothing is protected yet
  END IF;
  IF ST_SRID(geom) <> reg_srid THEN
    RAISE EXCEPTION 'proposal has SRID %, the heritage register uses SRID %', ST_SRID(geom), reg_srid
      USING ERRCODE = 'invalid_parameter_value',
            HINT = pg_catalog.format('Transform it with ST_Transform(geom, %s).', reg_srid);
  END IF;
  review := coalesce((SELECT c.review_distance_m FROM cp.heritage_config c), 50);
  -- A register in longitude/latitude (EPSG:4326, CGCS2000's EPSG:4490, any other geographic SRID)
  -- measures the review distance on the spheroid; a projected one (UTM, the CGCS2000 Gauss-Kruger
  -- zones EPSG:4534-4554) in its own metres.
  lonlat := reg_srid = 4326 OR reg_srid = 4490 OR EXISTS (
    SELECT 1 FROM spatial_ref_sys r
     WHERE r.srid = reg_srid
       AND (r.srtext ~ '^\s*(GEOGCS|GEOGCRS|GEOGRAPHICCRS)\[' OR r.proj4text ~ '\+proj=(longlat|latlong)\M'));
  -- Search box for the review distance; in degrees for longitude/latitude, else in CRS units (metres).
  IF lonlat THEN
    dy := review / 110000.0;
    dx := review / (111320.0 * greatest(cos(radians(least(greatest(abs(ST_YMin(geom)), abs(ST_YMax(geom))) + 0.01, 89.0))), 0.01));
  ELSE
    dx := review;
    dy := review;
  END IF;

  RETURN QUERY
  WITH cand AS (
    SELECT h.id, h.code, h.name, h.grade, h.footprint, h.protection_zone, h.control_zone,
           h.height_limit_m, h.style_rules
      FROM cp.heritage_site h
     WHERE h.status = 'listed'
       AND (h.footprint && ST_Expand(geom, dx, dy)
            OR h.protection_zone && geom
            OR h.control_zone && geom)
  ), hits AS (
    -- demolition touching a listed footprint; construction on one
    SELECT c.id, 'listed_footprint'::text AS rule, 'forbidden'::text AS severity,
           pg_catalog.format('%s of listed %s site %s "%s" is %s', CASE action WHEN 'demolish' THEN 'demolition' ELSE 'construction' END,
                  c.grade, c.code, c.name,
                  CASE action WHEN 'demolish' THEN 'touching its footprint' ELSE 'on its footprint' END) AS message
      FROM cand c
     WHERE ST_Intersects(c.footprint, geom)
       AND (action = 'demolish' OR NOT ST_Touches(c.footprint, geom))
    UNION ALL
    SELECT c.id, 'protection_zone',
           CASE action WHEN 'build' THEN 'forbidden' ELSE 'needs_review' END,
           pg_catalog.format('%s inside the protection zone of %s site %s "%s"',
                  CASE action WHEN 'build' THEN 'new construction' ELSE 'demolition' END,
                  c.grade, c.code, c.name)
      FROM cand c
     WHERE c.protection_zone IS NOT NULL
       AND ST_Intersects(c.protection_zone, geom) AND NOT ST_Touches(c.protection_zone, geom)
    UNION ALL
    SELECT c.id,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN 'height_limit' ELSE 'control_zone' END,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN 'forbidden' ELSE 'needs_review' END,
           CASE WHEN height_m IS NOT NULL AND c.height_limit_m IS NOT NULL AND height_m > c.height_limit_m
                THEN pg_catalog.format('height %s m exceeds the limit of %s m in the control zone of %s site %s "%s"',
                            height_m, c.height_limit_m, c.grade, c.code, c.name)
                ELSE pg_catalog.format('construction in the control zone of %s site %s "%s": %s%s',
                            c.grade, c.code, c.name,
                            CASE WHEN c.height_limit_m IS NULL THEN 'no height limit recorded'
                                 WHEN height_m IS NULL THEN pg_catalog.format('height not given (limit %s m)', c.height_limit_m)
                                 ELSE pg_catalog.format('height %s m within the limit of %s m', height_m, c.height_limit_m) END,
                            CASE WHEN c.style_rules <> '{}'::jsonb
                                 THEN pg_catalog.format(', style rules %s apply', c.style_rules::text) ELSE '' END)
           END
      FROM cand c
     WHERE action = 'build' AND c.control_zone IS NOT NULL
       AND ST_Intersects(c.control_zone, geom) AND NOT ST_Touches(c.control_zone, geom)
  )
  SELECT x.id, x.rule, x.severity, x.message FROM hits x
  UNION ALL
  SELECT c.id, 'proximity', 'needs_review',
         pg_catalog.format('within %s m of listed %s site %s "%s"', review, c.grade, c.code, c.name)
    FROM cand c
   WHERE NOT EXISTS (SELECT 1 FROM hits x WHERE x.id = c.id)
     AND CASE WHEN lonlat
              THEN ST_DWithin(c.footprint::geography, geom::geography, review)
              ELSE ST_DWithin(c.footprint, geom, review) END
  ORDER BY 3, 1, 2;
END
$$;
COMMENT ON FUNCTION cp.check_development(geometry, float8, text) IS
  'Heritage check of a proposal (action build or demolish, in the register SRID): one row per violation (site_id, rule, severity forbidden|needs_review, message) against the listed sites of the register; the review distance is metres, on the spheroid for a register in longitude/latitude (EPSG:4326, 4490), in the plane of a projected one (UTM, CGCS2000 Gauss-Kruger)';

-- Proposal guard: a district attaches it to its own proposals table.
CREATE FUNCTION cp.heritage_proposal_guard() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  geom_col text := coalesce(TG_ARGV[0], 'geom');
  height_col text := coalesce(TG_ARGV[1], 'height_m');
  action_col text := TG_ARGV[2];
  g geometry;
  h float8;
  a text := 'build';
  v record;
BEGIN
  IF TG_WHEN <> 'BEFORE' OR TG_LEVEL <> 'ROW' OR TG_OP NOT IN ('INSERT', 'UPDATE') THEN
    RAISE EXCEPTION 'cp.heritage_proposal_guard() must be a BEFORE INSERT OR UPDATE row trigger'
      USING ERRCODE = 'E0001';
  END IF;
  EXECUTE pg_catalog.format('SELECT ($1).%I::geometry', geom_col) INTO g USING NEW;
  IF TG_NARGS >= 2 OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID
                                 AND attname = height_col AND attnum > 0 AND NOT attisdropped) THEN
    EXECUTE pg_catalog.format('SELECT ($1).%I::float8', height_col) INTO h USING NEW;
  END IF;
  IF action_col IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT ($1).%I::text', action_col) INTO a USING NEW;
  END IF;
  IF g IS NULL THEN
    RETURN NEW;   -- nothing to check until the proposal has an outline
  END IF;
  FOR v IN SELECT d.*, s.code FROM cp.check_development(g, h, a) d
             JOIN cp.heritage_site s ON s.id = d.site_id
            WHERE d.severity = 'forbidden' ORDER BY d.site_id, d.rule LIMIT 1
  LOOP
    RAISE EXCEPTION 'proposal violates heritage rule "%" of site "%"', v.rule, v.code
      USING ERRCODE = 'check_violation',
            DETAIL = upper(left(v.message, 1)) || substr(v.message, 2) || '.',
            HINT = 'See cp.check_development() for every finding on this proposal.';
  END LOOP;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.heritage_proposal_guard() IS
  'Trigger for a district''s proposals table: refuses a row that cp.check_development finds forbidden. Arguments: geometry column (default geom), height column (default height_m, optional), action column (default: every row is build)';

-- Indicator -----------------------------------------------------------------

CREATE FUNCTION cp.heritage_protection_rate(area geometry DEFAULT NULL)
RETURNS TABLE (listed bigint, protected bigint, rate float8, target float8, meets_target boolean,
               by_grade jsonb, by_condition jsonb)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  reg_srid integer := cp.heritage_srid();
BEGIN
  IF area IS NOT NULL AND reg_srid IS NOT NULL AND ST_SRID(area) <> reg_srid THEN
    RAISE EXCEPTION 'area has SRID %, the heritage register uses SRID %', ST_SRID(area), reg_srid
      USING ERRCODE = 'invalid_parameter_value',
            HINT = pg_catalog.format('Transform it with ST_Transform(area, %s).', reg_srid);
  END IF;
  RETURN QUERY
  WITH s AS (
    SELECT h.grade, h.condition FROM cp.heritage_site h
     WHERE h.status = 'listed'
       AND (area IS NULL OR (h.footprint && area AND ST_Intersects(h.footprint, area)))
  )
  SELECT (SELECT count(*) FROM s),
         (SELECT count(*) FROM s WHERE s.condition IN ('intact', 'restored')),
         (SELECT count(*) FILTER (WHERE s.condition IN ('intact', 'restored'))::float8
                 / nullif(count(*), 0) FROM s),
         0.9::float8,
         (SELECT count(*) FILTER (WHERE s.condition IN ('intact', 'restored'))::float8
                 / nullif(count(*), 0) >= 0.9 FROM s),
         (SELECT pg_catalog.jsonb_object_agg(g.grade, (SELECT count(*) FROM s WHERE s.grade = g.grade))
            FROM unnest(ARRAY['national', 'provincial', 'municipal', 'historic_building',
                              'traditional_style']) AS g(grade)),
         (SELECT pg_catalog.jsonb_object_agg(c.cond, (SELECT count(*) FROM s WHERE s.condition = c.cond))
            FROM unnest(ARRAY['intact', 'damaged', 'restored', 'lost']) AS c(cond));
END
$$;
COMMENT ON FUNCTION cp.heritage_protection_rate(geometry) IS
  'Traditional-building protection rate (传统建筑保护率): share of listed sites (footprint meeting area, or all when NULL) that are intact or restored, against the 90 % target, with counts by grade and condition';
