-- community_planning 0.2.0 -> 0.3.0 (issues 15, 16 and 17: plan-faithful life circles; a Chinese
-- bureau's own data end to end; where to build). Facility categories name whom they serve (age
-- cohorts; census shares where a data set has no cohort column) and how their users walk; every
-- analysis of coverage and supply measures in metres or minutes; minimum sizes apply; the plan's
-- computed indicators all ship (public-service coverage, the rural/urban ratio, elderly care and
-- childcare institutions as shares of communities, childcare places for under-3s, public green);
-- the standards catalogue follows the second verification pass. CGCS2000 input everywhere;
-- Amap/Baidu POI types mapped; parking from points and building uses in Chinese; one Chinese name
-- per category and Chinese messages (gettext); caller queries planned under the caller's
-- search_path. Accessibility surfaces, site suggestions, scenarios. Released: never edit; the next
-- version adds its own script.
-- Assembled with tools/upgrade-diff.sh --from 0.2.0 --statements and checked by test/upgrade/run.sh
-- (the upgraded schema equals a fresh 0.3.0 install; user data intact).

\echo Use "ALTER EXTENSION community_planning UPDATE TO '0.3.0'" to load this file. \quit

-- The install script's search_path convention (00_header.sql): functions created below with
-- SET search_path FROM CURRENT pin the same trusted path as a fresh install.
SELECT pg_catalog.set_config('search_path', 'pg_catalog, cp, ' || cp._postgis_schema() || ', pg_temp', true);

-- What went away, or cannot be replaced in place (re-created below).
DROP FUNCTION cp._coverage_run(text,text,text,text[],double precision[],boolean,double precision,text,text,text[],text[]);  -- removed
DROP FUNCTION cp._supply_eval(text,text,text,text,text[],text[],double precision,text,text,text,double precision,double precision,boolean,text);  -- removed
DROP FUNCTION cp.access(text,text,text,text,text);  -- removed
DROP FUNCTION cp.coverage(text,text,text,text,text,text);  -- removed
DROP FUNCTION cp.life_circle(text,text,text,text,text,text,text);  -- removed
DROP FUNCTION cp.parking_allocation(text,text,text,double precision,text,text,double precision,double precision);  -- removed
DROP FUNCTION cp.parking_gap(text,text,text,text,double precision,text,text,double precision,double precision);  -- removed
DROP FUNCTION cp.parking_gap_buildings(text,text,text,double precision,text,text,double precision,double precision);  -- removed
DROP FUNCTION cp.parking_lots(text,text,text,double precision,text,text,double precision,double precision);  -- removed
DROP FUNCTION cp.space_per_resident(text,text,text,text,text,double precision,text,text,text,double precision);  -- removed
DROP FUNCTION cp.supply_access(text,text,text,text,text,text,text,double precision);  -- removed
DROP FUNCTION cp.supply_gap(text,text,text,text,text,double precision,text,text,text,double precision);  -- removed


-- from sql/parts/05_caller.sql
CREATE FUNCTION cp._caller_search_path() RETURNS text
AS 'MODULE_PATHNAME', 'cp_caller_search_path_sql'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cp._caller_search_path() IS
  'Internal: the search_path of the session that called into the extension (the value before cp''s own functions pinned theirs), under which caller queries are planned';

-- from sql/parts/10_network.sql
COMMENT ON FUNCTION cp.network_build(text, text, float8) IS
  'Compile a walking network from an edges query (id, geom[, source, target, cost, reverse_cost]) and store it; returns its summary. Edges in a projected CRS in metres (UTM, CGCS2000 Gauss-Kruger EPSG:4534-4554) are measured in its plane and it is the network SRID; edges in longitude/latitude are measured on the spheroid and projected to UTM (EPSG:4326) or the CGCS2000 3-degree Gauss-Kruger zone (EPSG:4490)';

-- from sql/parts/30_standards.sql
CREATE OR REPLACE FUNCTION cp.protect_shipped() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  set_shipped boolean;
  set_code    text;
BEGIN
  IF cp.catalogue_maintenance() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF TG_OP = 'TRUNCATE' THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('cannot truncate %s.%s'), TG_TABLE_SCHEMA, TG_TABLE_NAME),
            ERRCODE = '55000',
            DETAIL = cp._t('The table holds rows shipped with the extension, which are read-only.'),
            HINT = cp._t('Delete your own rows with DELETE ... WHERE NOT shipped.');
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.shipped THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(CASE TG_OP WHEN 'UPDATE' THEN cp._t('cannot update a shipped row of %s')
                                                     ELSE cp._t('cannot delete a shipped row of %s') END,
                                                     TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME),
            ERRCODE = '55000',
            DETAIL = cp._t('Rows shipped with the extension are read-only so that upgrades and pg_dump/restore stay consistent.'),
            HINT = CASE WHEN TG_TABLE_NAME IN ('indicators', 'indicator_dimensions', 'indicator_domains')
                        THEN cp._t('Change weight, baseline or targets of a shipped indicator in cp.indicator_local, or add your own indicator.')
                        WHEN TG_TABLE_NAME = 'indicator_computations'
                        THEN cp._t('Add your own indicator with its own computation.')
                        WHEN TG_TABLE_NAME = 'category_names'
                        THEN cp._t('Insert your own row for the code (shipped = false): it takes precedence over the shipped one.')
                        WHEN TG_TABLE_NAME = 'population_shares'
                        THEN cp._t('Add your region''s own shares as rows of your own region code (shipped = false).')
                        WHEN TG_TABLE_NAME IN ('facility_standards', 'life_circles', 'facility_categories', 'parking_standards')
                        THEN cp._t('Copy the set with cp.copy_standard(source, target, title_zh) and edit the copy.')
                        ELSE cp._t('Add a row of your own (shipped = false): pg_dump keeps it, and it is used before the shipped one where the table says so.') END;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF TG_TABLE_NAME IN ('facility_categories', 'life_circles', 'parking_standards') THEN
    -- a row belongs to its set: it is shipped exactly when its set is
    set_code := NEW.standard;
    SELECT s.shipped INTO set_shipped FROM cp.facility_standards s WHERE s.code = set_code;
    IF set_shipped THEN
      RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('cannot add or move rows into shipped standard set "%s"'), set_code),
              ERRCODE = '55000',
              DETAIL = cp._t('Rows shipped with the extension are read-only so that upgrades and pg_dump/restore stay consistent.'),
              HINT = cp._t('Copy the set with cp.copy_standard(source, target, title_zh) and edit the copy.');
    END IF;
    NEW.shipped := false;   -- unknown set: the foreign key reports it
  ELSIF NEW.shipped THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('cannot mark a row of %s.%s as shipped'), TG_TABLE_SCHEMA, TG_TABLE_NAME),
            ERRCODE = '55000',
            DETAIL = cp._t('Only the extension install and upgrade scripts add shipped rows.'),
            HINT = cp._t('Insert the row with shipped = false (the default).');
  END IF;
  RETURN NEW;
END
$$;
-- A walking profile for the standard's pace: the default of every category whose users are not the elderly.
INSERT INTO cp.walk_profiles VALUES
  ('standard_pace', 4.0, true, 'the pace GB 50180-2018 implies for its life circles: 1000 m in 15 minutes (1.11 m/s)',
   'Derived: GB 50180-2018 table 3.0.4 and clause 2.0.2 give the 15-minute life circle 800-1000 m; 1000 m / 15 min = 4.0 km/h. The default profile of facility categories whose users are not the elderly, so that minutes reproduce the standard''s distances on flat ground')
  ON CONFLICT (name) DO NOTHING;
SELECT pg_catalog.pg_extension_config_dump('cp.walk_profiles',
  $$WHERE name NOT IN ('walk', 'elderly', 'wheelchair', 'standard_pace')$$);

-- table cp.facility_categories changed (from the descriptions; CREATE TABLE in sql/parts/30_standards.sql)
ALTER TABLE cp.facility_categories ADD COLUMN target_group text DEFAULT 'all'::text NOT NULL;
ALTER TABLE cp.facility_categories ADD COLUMN profile text DEFAULT 'standard_pace'::text NOT NULL;
ALTER TABLE cp.facility_categories ADD COLUMN walk_minutes double precision;
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_profile_fkey FOREIGN KEY (profile) REFERENCES cp.walk_profiles(name) ON UPDATE CASCADE;
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_walk_minutes_check CHECK (walk_minutes > 0::double precision AND walk_minutes <= 600::double precision);
CREATE OR REPLACE FUNCTION cp.check_standard(standard text) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM cp.facility_standards s WHERE s.code = standard) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" does not exist'), standard),
            ERRCODE = '42704',
            DETAIL = pg_catalog.format(cp._t('Known sets: %s.'), (SELECT pg_catalog.string_agg(code, ', ' ORDER BY code) FROM cp.facility_standards)),
            HINT = cp._t('Add your own set to cp.facility_standards, or copy one with cp.copy_standard().');
  END IF;
END
$$;
CREATE OR REPLACE VIEW cp.life_circle_categories AS
SELECT l.standard, l.life_circle, c.code, c.name_zh, c.name_en, c.life_circle AS from_level,
       c.radius_m, coalesce(c.radius_m, lc.distance_max_m) AS effective_radius_m,
       c.required, c.per_1000, c.per_1000_unit, c.verified, c.source,
       c.target_group, c.profile,
       coalesce(c.walk_minutes,
                coalesce(c.radius_m, lc.distance_max_m)
                  / (SELECT p.speed_kmh * 1000.0 / 60.0 FROM cp.walk_profiles p WHERE p.name = 'standard_pace'),
                lc.walk_minutes::float8) AS effective_minutes,
       c.floor_area_min_m2, c.site_area_min_m2
  FROM cp.life_circles l
  JOIN cp.facility_categories c
    ON c.standard = l.standard AND cp.life_circle_rank(c.life_circle) <= cp.life_circle_rank(l.life_circle)
  JOIN cp.life_circles lc ON lc.standard = c.standard AND lc.life_circle = c.life_circle;
COMMENT ON VIEW cp.life_circle_categories IS
  'Every facility category each life-circle level of a set must contain: its own and every lower level''s (GB 50180-2018: levels are not inclusive of each other''s populations, but each provides all lower-level facilities)';
COMMENT ON COLUMN cp.life_circle_categories.life_circle IS 'Level asked for';
COMMENT ON COLUMN cp.life_circle_categories.from_level IS 'Level at which the standard places the category (the asked level or a lower one)';
COMMENT ON COLUMN cp.life_circle_categories.effective_minutes IS 'Walking time of the category for analyses in minutes: its walk_minutes, else its radius (or its level''s distance) at the standard''s pace (walk profile standard_pace, 4.0 km/h: 1000 m = 15 min, 300 m = 4.5 min), else the level''s minutes; at the standard''s pace minutes reach exactly the standard''s metres, at the elderly pace (3.3 km/h) 82.5 % of them';
COMMENT ON COLUMN cp.life_circle_categories.target_group IS 'Whom the category serves (cp.population_groups)';
COMMENT ON COLUMN cp.life_circle_categories.profile IS 'Walking profile of the category''s users (cp.walk_profiles)';
COMMENT ON COLUMN cp.life_circle_categories.effective_radius_m IS 'Category radius, or the walking distance of the level it belongs to when the standard gives none; NULL for block facilities without a radius';
GRANT SELECT ON cp.life_circle_categories TO PUBLIC;
CREATE OR REPLACE FUNCTION cp.life_circle_requirements(standard text, life_circle text, include_optional boolean DEFAULT false)
RETURNS TABLE (code text, name_zh text, name_en text, from_level text, radius_m float8, effective_radius_m float8,
               required boolean, per_1000 float8, per_1000_unit text, verified boolean, source text)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  lvl text := life_circle;
BEGIN
  PERFORM cp.check_standard(std);
  IF cp.life_circle_rank(lvl) IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown life circle "%s"'), lvl),
            ERRCODE = '22023',
            DETAIL = cp._t('A life circle is one of 5min, 10min, 15min, block.'),
            HINT = cp._t('Use the level codes of GB 50180-2018 table 3.0.4 as written in cp.life_circles.');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.life_circles l WHERE l.standard = std AND l.life_circle = lvl) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" has no life circle "%s"'), std, lvl),
            ERRCODE = '22023',
            DETAIL = pg_catalog.format(cp._t('Set %s defines: %s.'), std,
                            (SELECT pg_catalog.string_agg(l.life_circle, ', ' ORDER BY cp.life_circle_rank(l.life_circle))
                               FROM cp.life_circles l WHERE l.standard = std)),
            HINT = cp._t('Ask for a level the set defines, or add it to cp.life_circles in your own set.');
  END IF;
  RETURN QUERY
    SELECT v.code, v.name_zh, v.name_en, v.from_level, v.radius_m, v.effective_radius_m,
           v.required, v.per_1000, v.per_1000_unit, v.verified, v.source
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = lvl AND (v.required OR include_optional)
     ORDER BY cp.life_circle_rank(v.from_level) DESC, v.code;
END
$$;
CREATE OR REPLACE FUNCTION cp.copy_standard(source text, target text, title_zh text, title_en text DEFAULT NULL,
                                 issuer text DEFAULT NULL, year int DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  src text := copy_standard.source;
  tgt text := copy_standard.target;
  tzh text := copy_standard.title_zh;
  ten text := copy_standard.title_en;
  iss text := copy_standard.issuer;
  yr  int  := copy_standard.year;
  n int;
  m int;
BEGIN
  IF src IS NULL OR tgt IS NULL OR tzh IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('source, target and title_zh must not be null'),
            ERRCODE = '22004',
            DETAIL = cp._t('A copied set needs the code it is copied from, its own code and a title.'),
            HINT = cp._t('Pass all three arguments.');
  END IF;
  PERFORM cp.check_standard(src);
  IF EXISTS (SELECT 1 FROM cp.facility_standards s WHERE s.code = tgt) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" already exists'), tgt),
            ERRCODE = '42710',
            DETAIL = cp._t('A copy never overwrites an existing set.'),
            HINT = cp._t('Choose another code, or delete your set first.');
  END IF;
  INSERT INTO cp.facility_standards (code, title_zh, title_en, issuer, year, based_on, scope, source, note)
  SELECT tgt, tzh, ten, iss, yr, s.code, s.scope, s.source, s.note
    FROM cp.facility_standards s WHERE s.code = src;
  INSERT INTO cp.life_circles (standard, life_circle, name_zh, name_en, walk_minutes, distance_min_m, distance_max_m,
                               population_min, population_max, dwellings_min, dwellings_max, source, verified, note)
  SELECT tgt, l.life_circle, l.name_zh, l.name_en, l.walk_minutes, l.distance_min_m, l.distance_max_m,
         l.population_min, l.population_max, l.dwellings_min, l.dwellings_max, l.source, l.verified, l.note
    FROM cp.life_circles l WHERE l.standard = src;
  INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000,
                                      per_1000_unit, floor_area_min_m2, floor_area_max_m2, site_area_min_m2,
                                      site_area_max_m2, source, verified, note, target_group, profile, walk_minutes)
  SELECT tgt, c.code, c.name_zh, c.name_en, c.life_circle, c.radius_m, c.required, c.per_1000,
         c.per_1000_unit, c.floor_area_min_m2, c.floor_area_max_m2, c.site_area_min_m2,
         c.site_area_max_m2, c.source, c.verified, c.note, c.target_group, c.profile, c.walk_minutes
    FROM cp.facility_categories c WHERE c.standard = src;
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO cp.parking_standards (standard, rule, use, community_type, flat_area_min_m2, flat_area_max_m2, basis,
                                    spaces, ev_share, source, verified, note)
  SELECT tgt, p.rule, p.use, p.community_type, p.flat_area_min_m2, p.flat_area_max_m2, p.basis,
         p.spaces, p.ev_share, p.source, p.verified, p.note
    FROM cp.parking_standards p WHERE p.standard = src;
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END
$$;
CREATE OR REPLACE FUNCTION cp.parking_no_rule(standard text, use text, community_type text) RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  u   text := use;
  ct  text := community_type;
BEGIN
  PERFORM cp.check_standard(std);
  IF NOT EXISTS (SELECT 1 FROM cp.parking_standards p WHERE p.standard = std AND p.use = u) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" has no parking rule for use "%s"'), std, u),
            ERRCODE = '22023',
            DETAIL = pg_catalog.format(cp._t('Set %s has rules for: %s.'), std,
                            coalesce((SELECT pg_catalog.string_agg(DISTINCT p.use, ', ') FROM cp.parking_standards p WHERE p.standard = std),
                                     cp._t('no use at all'))),
            HINT = cp._t('Map the building use to one of these codes, or add a rule to your own set.');
  END IF;
  RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" has no parking rule for use "%s" in %s communities'), std, u, ct),
          ERRCODE = '22023',
          DETAIL = cp._t('Every rule of this use names another community type or a flat-size bin that does not match.'),
          HINT = cp._t('Add a rule with community_type any (and no flat-size bin) to your own set.');
END
$$;
CREATE OR REPLACE FUNCTION cp.parking_check_input(community_type text, households float8, floor_area_m2 float8) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF community_type NOT IN ('new', 'old', 'rural') THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown community type "%s"'), community_type),
            ERRCODE = '22023',
            DETAIL = cp._t('A community type is one of new, old, rural.'),
            HINT = cp._t('Use new for communities built to the current standard, old for existing ones.');
  END IF;
  IF households < 0 OR households = 'NaN' OR households = 'Infinity'
     OR floor_area_m2 < 0 OR floor_area_m2 = 'NaN' OR floor_area_m2 = 'Infinity' THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('households and floor area must be finite and not negative'),
            ERRCODE = '22023',
            DETAIL = pg_catalog.format(cp._t('Got households %s and floor area %s m².'), coalesce(households::text, 'NULL'), coalesce(floor_area_m2::text, 'NULL')),
            HINT = cp._t('Pass NULL for an unknown quantity.');
  END IF;
END
$$;

-- from sql/parts/32_population.sql
CREATE TABLE cp.population_groups (
  code         text PRIMARY KEY CHECK (code ~ '^(all|[0-9]+(-[0-9]+|[+]))$'),
  column_name  text NOT NULL UNIQUE CHECK (column_name ~ '^[a-z][a-z0-9_]*$'),
  name_zh      text NOT NULL,
  name_en      text NOT NULL,
  age_from     int CHECK (age_from >= 0),
  age_to       int CHECK (age_to > age_from),
  note         text
);
COMMENT ON TABLE cp.population_groups IS
  'Target groups of facility categories: everyone, or an age cohort counted by a column of a residents query (age_0_3, ...)';
COMMENT ON COLUMN cp.population_groups.code IS 'Group code used by cp.facility_categories.target_group and cp.population_shares: all, 0-3, 3-6, 6-12, 12-15, 60+';
COMMENT ON COLUMN cp.population_groups.column_name IS 'Column of a residents query that counts the group in each unit (population for all)';
COMMENT ON COLUMN cp.population_groups.age_from IS 'Lowest age in completed years (inclusive)';
COMMENT ON COLUMN cp.population_groups.age_to IS 'Age the group ends before (exclusive); NULL = no upper bound';
INSERT INTO cp.population_groups (code, column_name, name_zh, name_en, age_from, age_to, note) VALUES
('all',   'population',  '全体居民',        'all residents', NULL, NULL, NULL),
('0-3',   'age_0_3',     '3岁以下婴幼儿',   'children under 3 (nursery age)', 0, 3, 'Served by nurseries (托育): the plan''s 一小 and its childcare place gap'),
('3-6',   'age_3_6',     '3-6岁幼儿',       'children 3 to 5 (kindergarten age)', 3, 6, NULL),
('6-12',  'age_6_12',    '6-12岁儿童',      'children 6 to 11 (primary school age)', 6, 12, NULL),
('12-15', 'age_12_15',   '12-15岁少年',     'children 12 to 14 (junior middle school age)', 12, 15, NULL),
('60+',   'age_60_plus', '60岁及以上老年人', 'residents 60 and over', 60, NULL, 'The plan''s 一老: elderly care and day care'),
('0-14',  'age_0_14',    '0-14岁少年儿童',  'children under 15', 0, 15, 'Census broad group'),
('15-59', 'age_15_59',   '15-59岁人口',     'residents 15 to 59', 15, 60, 'Census broad group'),
('65+',   'age_65_plus', '65岁及以上老年人', 'residents 65 and over', 65, NULL, 'Census broad group (part of 60+)');
GRANT SELECT ON cp.population_groups TO PUBLIC;
CREATE TABLE cp.population_shares (
  region      text NOT NULL CHECK (region ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
  group_code  text NOT NULL REFERENCES cp.population_groups (code) ON UPDATE CASCADE,
  share       float8 NOT NULL CHECK (share >= 0 AND share <= 1),
  year        int CHECK (year BETWEEN 1949 AND 2100),
  source      text NOT NULL,
  verified    boolean NOT NULL DEFAULT false,
  note        text,
  shipped     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (region, group_code),
  CHECK (group_code <> 'all')
);
COMMENT ON TABLE cp.population_shares IS
  'Share of each age cohort in the population of a region (census), used where a residents query has no cohort column: the cohort is then population × share and results are marked estimated. Shipped rows are read-only; add your district''s own region';
COMMENT ON COLUMN cp.population_shares.region IS 'Code of the share set, passed as population_shares => ... (CN-2020: China, 2020 census; CN-FJ-2020: Fujian)';
COMMENT ON COLUMN cp.population_shares.share IS 'Share of the population in the group, 0..1';
COMMENT ON COLUMN cp.population_shares.verified IS 'True when the figure was read in the source; false when derived or not read (see note)';
COMMENT ON COLUMN cp.population_shares.note IS 'How the figure was read or derived';
COMMENT ON COLUMN cp.population_shares.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';
INSERT INTO cp.population_shares (region, group_code, share, year, source, verified, note, shipped) VALUES
('CN-2020', '0-14',  0.1795, 2020, '第七次全国人口普查公报(第五号) (NBS 2021-05-11), read in reprints: https://view.inews.qq.com/a/FIN2021051100225000 ; http://www.techbow.cn/a/guonaxinwen/2021/0518/163870.html ; http://zyrm.com/xingming/news/3968.html', true, '253 383 938 of 1 411 778 724 residents (preliminary aggregate data).', true),
('CN-2020', '15-59', 0.6335, 2020, '第七次全国人口普查公报(第五号) (NBS 2021-05-11), read in reprints: https://view.inews.qq.com/a/FIN2021051100225000 ; http://www.techbow.cn/a/guonaxinwen/2021/0518/163870.html ; http://zyrm.com/xingming/news/3968.html', true, '894 376 020 residents.', true),
('CN-2020', '60+',   0.1870, 2020, '第七次全国人口普查公报(第五号) (NBS 2021-05-11), read in reprints: https://view.inews.qq.com/a/FIN2021051100225000 ; http://www.techbow.cn/a/guonaxinwen/2021/0518/163870.html ; http://zyrm.com/xingming/news/3968.html', true, '264 018 766 residents. The plan''s 19.8 % is the 2022 national figure (2022 statistical bulletin), not the census and not Fujian''s.', true),
('CN-2020', '65+',   0.1350, 2020, '第七次全国人口普查公报(第五号) (NBS 2021-05-11), read in reprints: https://view.inews.qq.com/a/FIN2021051100225000 ; http://www.techbow.cn/a/guonaxinwen/2021/0518/163870.html ; http://zyrm.com/xingming/news/3968.html', true, '190 635 280 residents.', true),
('CN-2020', '0-3',   0.0297, 2020, 'NHC press conference 2021-07-21: about 42 million children aged 0-3 (Xinhua, https://gzdaily.dayoo.com/pc/html/2021-07/22/content_868_762971.htm); births 2018-2020 1523 + 1465 + 1200 万 (NBS, reprints)', false,
 'Not a census share: about 42 million / 1 411.78 million = 2.97 %; births of 2018-2020 (41.88 million) give the same. Replace with the census yearbook''s single-year table (中国人口普查年鉴-2020) where available.', true),
('CN-2020', '3-6',   0.03745, 2020, 'Derived from the census 0-14 share and the 0-3 estimate', false,
 'Not read: (17.95 % - 2.97 %) spread evenly over the 12 single years 3-14, times 3 years. The census yearbook''s single-year table was not available.', true),
('CN-2020', '6-12',  0.0749, 2020, 'Derived from the census 0-14 share and the 0-3 estimate', false,
 'Not read: (17.95 % - 2.97 %) / 12 single years × 6 years (ages 6-11).', true),
('CN-2020', '12-15', 0.03745, 2020, 'Derived from the census 0-14 share and the 0-3 estimate', false,
 'Not read: (17.95 % - 2.97 %) / 12 × 3 years (ages 12-14).', true),
('CN-FJ-2020', '0-14',  0.1932, 2020, '福建省第七次全国人口普查主要数据 (2021-05-20), read in a portal reprint (address not recorded) and http://m.gxscse.com/ShuJuXiangGuan/951534.html (60+)', true, 'Weak source: 802.52 万 of 4154.01 万; re-check on the Fujian statistics bureau site.', true),
('CN-FJ-2020', '15-59', 0.6470, 2020, '福建省第七次全国人口普查主要数据 (2021-05-20), read in a portal reprint (address not recorded) and http://m.gxscse.com/ShuJuXiangGuan/951534.html (60+)', true, 'Weak source: 2687.70 万.', true),
('CN-FJ-2020', '60+',   0.1598, 2020, '福建省第七次全国人口普查主要数据 (2021-05-20), read in a portal reprint (address not recorded) and http://m.gxscse.com/ShuJuXiangGuan/951534.html (60+)', true, 'Weak source, two pages agree: 663.79 万.', true),
('CN-FJ-2020', '65+',   0.1110, 2020, '福建省第七次全国人口普查主要数据 (2021-05-20), read in a portal reprint (address not recorded) and http://m.gxscse.com/ShuJuXiangGuan/951534.html (60+)', true, 'Weak source: 461.00 万.', true),
('CN-FJ-2020', '0-3',   0.0320, 2020, 'Derived from the national 0-3 estimate and Fujian''s census 0-14 share', false,
 'Not read: 2.97 % × 19.32 / 17.95 (Fujian''s young share relative to China''s). Replace with Fujian''s census single-year table.', true),
('CN-FJ-2020', '3-6',   0.0403, 2020, 'Derived from Fujian''s census 0-14 share and the 0-3 estimate', false,
 'Not read: (19.32 % - 3.20 %) / 12 single years × 3.', true),
('CN-FJ-2020', '6-12',  0.0806, 2020, 'Derived from Fujian''s census 0-14 share and the 0-3 estimate', false,
 'Not read: (19.32 % - 3.20 %) / 12 × 6.', true),
('CN-FJ-2020', '12-15', 0.0403, 2020, 'Derived from Fujian''s census 0-14 share and the 0-3 estimate', false,
 'Not read: (19.32 % - 3.20 %) / 12 × 3.', true);
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.population_shares
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.population_shares
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.population_shares', 'WHERE NOT shipped');
GRANT SELECT ON cp.population_shares TO PUBLIC;
CREATE FUNCTION cp._category_reach(standard text, unit text, profile text, population_shares text,
                                   OUT code text, OUT from_level text, OUT required boolean,
                                   OUT radius_m float8, OUT minutes float8, OUT walk_profile text,
                                   OUT cutoff float8, OUT target_group text, OUT group_column text,
                                   OUT share float8, OUT min_floor_m2 float8, OUT min_site_m2 float8)
RETURNS SETOF record
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  by_time boolean := cp._unit_is_time(unit);
  share_set text := population_shares;
  walk_as text := _category_reach.profile;
  missing text;
BEGIN
  PERFORM cp.check_standard(std);
  IF walk_as IS NOT NULL THEN
    PERFORM cp._profile_speed(walk_as);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.population_shares s WHERE s.region = share_set) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('population shares "%s" do not exist'), share_set),
            ERRCODE = '42704',
            DETAIL = pg_catalog.format(cp._t('Known share sets: %s.'),
                       (SELECT pg_catalog.string_agg(DISTINCT s.region, ', ') FROM cp.population_shares s)),
            HINT = cp._t('Add your region''s census shares to cp.population_shares, or pass population_shares => ''CN-2020''.');
  END IF;
  SELECT pg_catalog.string_agg(DISTINCT c.target_group, ', ') INTO missing
    FROM cp.facility_categories c
   WHERE c.standard = std AND c.target_group <> 'all'
     AND NOT EXISTS (SELECT 1 FROM cp.population_shares s WHERE s.region = share_set AND s.group_code = c.target_group);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('population shares "%s" have no share for group %s'), share_set, missing),
            ERRCODE = '22023',
            HINT = cp._t('Add the group''s share to your own region in cp.population_shares.');
  END IF;
  RETURN QUERY
    SELECT v.code, v.from_level, v.required, v.effective_radius_m, v.effective_minutes,
           coalesce(walk_as, v.profile),
           CASE WHEN by_time THEN v.effective_minutes * cp._profile_speed(coalesce(walk_as, v.profile))
                ELSE v.effective_radius_m END,
           v.target_group, g.column_name,
           CASE WHEN v.target_group = 'all' THEN 1.0
                ELSE (SELECT s.share FROM cp.population_shares s WHERE s.region = share_set AND s.group_code = v.target_group) END,
           coalesce(v.floor_area_min_m2, 0), coalesce(v.site_area_min_m2, 0)
      FROM cp.life_circle_categories v
      JOIN cp.population_groups g ON g.code = v.target_group
     WHERE v.standard = std AND v.life_circle = v.from_level;
END
$$;
COMMENT ON FUNCTION cp._category_reach(text, text, text, text) IS
  'Internal: per category and level of a standard set, the cut-off to search to (unit m: the effective radius; unit min: effective minutes × metres per minute of the category''s profile, or of the profile given), the target group, its residents column and share in a share set, minimum floor and site area (0 = none)';
CREATE FUNCTION cp.facility_sizes(facilities_sql text, standard text DEFAULT 'GB50180-2018')
RETURNS TABLE (facility_id bigint, category text, floor_area_m2 float8, floor_area_min_m2 float8,
               site_area_m2 float8, site_area_min_m2 float8, counted boolean)
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  q text := cp._coverage_query(facilities_sql);
  has_floor boolean;
  has_site boolean;
  codes text[];
  min_floor float8[];
  min_site float8[];
BEGIN
  PERFORM cp.check_standard(standard);
  -- the minimums while cp's own search_path is in force
  SELECT pg_catalog.array_agg(m.code), pg_catalog.array_agg(m.min_floor), pg_catalog.array_agg(m.min_site)
    INTO codes, min_floor, min_site
    FROM (SELECT r.code, min(r.min_floor_m2) AS min_floor, min(r.min_site_m2) AS min_site
            FROM cp._category_reach(standard, 'm', NULL, 'CN-2020') r GROUP BY r.code) m;
  -- the caller's query under the caller's search_path (sql/parts/05_caller.sql)
  PERFORM pg_catalog.set_config('search_path', cp._caller_search_path(), true);
  -- which size columns the query has: planned, never run (LIMIT 0)
  BEGIN
    EXECUTE pg_catalog.format('SELECT f.floor_area FROM (%s) f LIMIT 0', q);
    has_floor := true;
  EXCEPTION WHEN undefined_column THEN
    has_floor := false;
  END;
  BEGIN
    EXECUTE pg_catalog.format('SELECT f.site_area FROM (%s) f LIMIT 0', q);
    has_site := true;
  EXCEPTION WHEN undefined_column THEN
    has_site := false;
  END;
  RETURN QUERY EXECUTE pg_catalog.format($f$
    SELECT f.id::bigint, f.category::text, %s, nullif(m.min_floor, 0), %s, nullif(m.min_site, 0),
           NOT (coalesce(%s < nullif(m.min_floor, 0), false) OR coalesce(%s < nullif(m.min_site, 0), false))
      FROM (%s) f
      JOIN ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3), pg_catalog.unnest($4)) AS m (code, min_floor, min_site)
        ON m.code = f.category
     ORDER BY 7, 2, 1$f$,
    CASE WHEN has_floor THEN 'f.floor_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_site THEN 'f.site_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_floor THEN 'f.floor_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_site THEN 'f.site_area::float8' ELSE 'NULL::float8' END, q) USING standard, codes, min_floor, min_site;
END
$$;
COMMENT ON FUNCTION cp.facility_sizes(text, text) IS
  'Every facility (id, category, geom and optionally floor_area, site_area in m²) of a category of the standard set against the category''s minimum floor and site area: counted is false for one below a minimum (analyses leave it out and say so in a NOTICE); a missing or NULL size counts';

-- the target groups exist now: the categories' foreign key to them
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_target_group_fkey FOREIGN KEY (target_group) REFERENCES cp.population_groups(code) ON UPDATE CASCADE;

-- from sql/parts/35_coverage.sql
CREATE FUNCTION cp._notice_no_radius(codes text[], labels text[], required boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  fresh text[];
  said text;
BEGIN
  IF codes IS NULL OR pg_catalog.cardinality(codes) = 0 THEN
    RETURN;
  END IF;
  fresh := cp._first_in_statement('no_radius', ARRAY(SELECT DISTINCT c FROM unnest(codes) c ORDER BY c));
  SELECT pg_catalog.string_agg(u.label, ', ' ORDER BY u.n) INTO said
    FROM unnest(codes, labels) WITH ORDINALITY AS u (code, label, n) WHERE u.code = ANY (fresh);
  IF said IS NULL THEN
    RETURN;
  END IF;
  IF required THEN
    RAISE NOTICE USING MESSAGE = pg_catalog.format(cp._t('required categories without a walking radius are not checked: %s'), said),
      HINT = cp._t('Give them a radius_m in your own copy of the set.');
  ELSE
    RAISE NOTICE USING MESSAGE = pg_catalog.format(cp._t('categories without a walking radius are not checked: %s'), said),
      HINT = cp._t('Give them a radius_m in your own copy of the set.');
  END IF;
END
$$;
COMMENT ON FUNCTION cp._notice_no_radius(text[], text[], boolean) IS
  'Internal: the NOTICE that names the categories of a standard set left unchecked for lack of a walking radius, each code once per client statement';
CREATE OR REPLACE FUNCTION cp._coverage_categories(standard text, OUT code text, OUT radius_m float8)
RETURNS SETOF record
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  skipped text[];
BEGIN
  PERFORM cp.check_standard(std);
  SELECT pg_catalog.array_agg(DISTINCT v.code) INTO skipped
    FROM cp.facility_categories v
   WHERE v.standard = std
     AND NOT EXISTS (SELECT 1 FROM cp.life_circle_categories w
                      WHERE w.standard = std AND w.code = v.code AND w.effective_radius_m IS NOT NULL);
  PERFORM cp._notice_no_radius(skipped, skipped);
  RETURN QUERY
    SELECT DISTINCT ON (v.code) v.code, v.effective_radius_m
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = v.from_level AND v.effective_radius_m IS NOT NULL
     ORDER BY v.code, cp.life_circle_rank(v.from_level), v.effective_radius_m;
END
$$;
COMMENT ON FUNCTION cp._coverage_categories(text) IS
  'Internal: every category of a standard set with the effective radius of its lowest level; categories without any radius are left out with a NOTICE (once per statement)';
CREATE FUNCTION cp._coverage_run(network text, residents_sql text, facilities_sql text,
                                 codes text[], radii float8[], by_time boolean, max_snap_m float8,
                                 per text, communities_sql text, known text[], quiet text[],
                                 group_columns text[], shares float8[], min_floor_m2 float8[], min_site_m2 float8[],
                                 OUT resident_id bigint, OUT community_id bigint, OUT category text,
                                 OUT population float8, OUT facility_id bigint, OUT distance_m float8,
                                 OUT crowfly_m float8, OUT covered float8, OUT crowfly_covered float8,
                                 OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_coverage_groups_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._coverage_run(text, text, text, text[], float8[], boolean, float8, text, text, text[], text[], text[], float8[], float8[], float8[]) IS
  'Internal: nearest facility on foot (one search per category) and crow-fly within the cut-off per resident (id, geom, population, age cohort columns) and category (per = resident), or sums of each category''s target group per community (id, geom query; NULL = the whole area) and category (per = community), category NULL = every category at once (everyone); each query read once; geom = the community as given (EWKB); estimated = a target group came from its share';
CREATE FUNCTION cp._coverage_settings(standard text, unit text, profile text, population_shares text,
                                      OUT codes text[], OUT cutoffs float8[], OUT group_columns text[],
                                      OUT shares float8[], OUT min_floor float8[], OUT min_site float8[],
                                      OUT target_groups text[], OUT unchecked text[])
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
BEGIN
  WITH r AS MATERIALIZED (SELECT * FROM cp._category_reach(standard, unit, profile, population_shares))
  SELECT (SELECT coalesce(pg_catalog.array_agg(DISTINCT x.code), '{}') FROM r x
           WHERE NOT EXISTS (SELECT 1 FROM r y WHERE y.code = x.code AND y.cutoff IS NOT NULL)),
         pg_catalog.array_agg(b.code ORDER BY b.code), pg_catalog.array_agg(b.cutoff ORDER BY b.code),
         pg_catalog.array_agg(b.group_column ORDER BY b.code), pg_catalog.array_agg(b.share ORDER BY b.code),
         pg_catalog.array_agg(b.min_floor_m2 ORDER BY b.code), pg_catalog.array_agg(b.min_site_m2 ORDER BY b.code),
         pg_catalog.array_agg(b.target_group ORDER BY b.code)
    INTO unchecked, codes, cutoffs, group_columns, shares, min_floor, min_site, target_groups
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL
           ORDER BY r.code, cp.life_circle_rank(r.from_level), r.cutoff) b;
  PERFORM cp._notice_no_radius(unchecked, unchecked);
END
$$;
COMMENT ON FUNCTION cp._coverage_settings(text, text, text, text) IS
  'Internal: the categories of a standard set each at its lowest level with a cut-off, as parallel arrays for cp._coverage_run (cut-off, target-group column and share, minimum sizes, target group); unchecked: the set''s categories without one, named in a NOTICE (once per statement) and passed as quiet (their facilities are expected, not "not in the standard")';
CREATE FUNCTION cp.access(network text, residents_sql text, facilities_sql text,
                          standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                          unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (resident_id bigint, category text, facility_id bigint, distance_m float8, radius_m float8,
               covered boolean, crowfly_covered boolean, target_group text, population float8, estimated boolean)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  s record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO s FROM cp._coverage_settings(standard, unit, profile, population_shares);
  RETURN QUERY
    SELECT a.resident_id, a.category, a.facility_id, a.distance_m, r.cutoff,
           a.distance_m IS NOT NULL, a.crowfly_m IS NOT NULL, r.grp, a.population, a.estimated
      FROM cp._coverage_run(network, residents_sql, facilities_sql, s.codes, s.cutoffs, cp._unit_is_time(unit), 250,
                            'resident', NULL, cp._known_categories(), s.unchecked, s.group_columns, s.shares,
                            s.min_floor, s.min_site) a
      JOIN unnest(s.codes, s.cutoffs, s.target_groups) AS r (code, cutoff, grp) ON r.code = a.category
     ORDER BY a.resident_id, a.category;
END
$$;
COMMENT ON FUNCTION cp.access(text, text, text, text, text, text, text) IS
  'Per resident unit (id, geom, population and optional age-cohort columns) and facility category of a standard set: the nearest facility (id, category, geom, optional floor_area/site_area) on foot within the category''s radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own), its walking distance in metres, the cut-off (radius_m: metres; with unit min the flat-ground metres of the time), whether it is covered on foot and as the crow flies, the target group and its people in the unit (estimated from population_shares when the query has no cohort column). Errors: unknown network, set or share set 42704, missing column 42703, duplicate id 23505, unknown category, profile or unit 22023';
CREATE FUNCTION cp.coverage(network text, residents_sql text, facilities_sql text, communities_sql text DEFAULT NULL,
                            standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                            unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (community_id bigint, category text, target_group text, population float8, covered_population float8,
               ratio float8, crowfly_ratio float8, estimated boolean, geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  s record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO s FROM cp._coverage_settings(standard, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.community_id, e.category, r.grp, e.population, e.covered, e.covered / nullif(e.population, 0),
           e.crowfly_covered / nullif(e.population, 0), e.estimated, e.geom::geometry
      FROM cp._coverage_run(network, residents_sql, facilities_sql, s.codes, s.cutoffs, cp._unit_is_time(unit), 250,
                            'community', communities_sql, cp._known_categories(), s.unchecked, s.group_columns, s.shares,
                            s.min_floor, s.min_site) e
      JOIN unnest(s.codes, s.target_groups) AS r (code, grp) ON r.code = e.category
     ORDER BY e.community_id, e.category;
END
$$;
COMMENT ON FUNCTION cp.coverage(text, text, text, text, text, text, text, text) IS
  'Coverage per community (id, geom polygon query; NULL = whole area) and category of a standard set, weighted by the category''s target group (cp.facility_categories.target_group: the residents query''s age-cohort column, else population × the group''s share in population_shares, estimated = true): the group''s people, those with the category within its walking radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own, e.g. elderly for elderly care), ratio on foot and as the crow flies (NULL without people), community polygon. Facilities below their category''s minimum size (floor_area, site_area columns) are not counted. A resident belongs to the community containing its point (lowest id where communities overlap; docs/coverage.md). Each query runs once';
CREATE FUNCTION cp.life_circle(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                               communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                               INOUT life_circle text DEFAULT '15min', profile text DEFAULT NULL,
                               unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                               OUT population float8, OUT covered_population float8, OUT ratio float8,
                               OUT crowfly_ratio float8, OUT missing_categories text[], OUT missing_categories_zh text[],
                               OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  lvl text := life_circle;
  std text := standard;
  codes text[];
  cutoffs float8[];
  cols text[];
  shares float8[];
  minf float8[];
  mins float8[];
  skipped text[];
  skipped_levels text[];
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL
     OR lvl IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.life_circle_requirements(std, lvl);   -- unknown level: its errors
  -- every required row (code, level) of the level and the levels below; a code
  -- required at several levels must be met at the tightest cut-off
  WITH r AS MATERIALIZED (
    SELECT * FROM cp._category_reach(std, unit, profile, population_shares) r
     WHERE r.required AND cp.life_circle_rank(r.from_level) <= cp.life_circle_rank(lvl))
  SELECT pg_catalog.array_agg(b.code ORDER BY b.code), pg_catalog.array_agg(b.cutoff ORDER BY b.code),
         pg_catalog.array_agg(b.group_column ORDER BY b.code), pg_catalog.array_agg(b.share ORDER BY b.code),
         pg_catalog.array_agg(b.min_floor_m2 ORDER BY b.code), pg_catalog.array_agg(b.min_site_m2 ORDER BY b.code),
         (SELECT pg_catalog.array_agg(x.code ORDER BY x.code) FROM r x WHERE x.cutoff IS NULL),
         (SELECT pg_catalog.array_agg(x.code || ' (' || x.from_level || ')' ORDER BY x.code) FROM r x WHERE x.cutoff IS NULL)
    INTO codes, cutoffs, cols, shares, minf, mins, skipped, skipped_levels
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL ORDER BY r.code, r.cutoff) b;
  PERFORM cp._notice_no_radius(skipped, skipped_levels, true);
  IF codes IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = pg_catalog.format(cp._t('life circle "%s" of standard set "%s" has no required category with a walking radius'), lvl, standard);
  END IF;
  RETURN QUERY
    WITH a AS MATERIALIZED (
      SELECT * FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, cutoffs, cp._unit_is_time(unit),
                                     250, 'community', communities_sql, cp._known_categories(),
                                     (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                       WHERE c.standard = std), cols, shares, minf, mins))
    SELECT t.community_id, lvl, t.population, t.covered, t.covered / nullif(t.population, 0),
           t.crowfly_covered / nullif(t.population, 0),
           x.missing, cp.category_names(x.missing), t.geom::geometry
      FROM a t,
           LATERAL (SELECT coalesce(pg_catalog.array_agg(m.category ORDER BY m.population - m.covered DESC, m.category), '{}')
                      FROM a m WHERE m.community_id IS NOT DISTINCT FROM t.community_id AND m.category IS NOT NULL
                       AND m.covered < m.population) x (missing)
     WHERE t.category IS NULL
     ORDER BY t.community_id;
END
$$;
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own), on foot and as the crow flies, and the missing categories ordered by the people of their target group missing them (missing_categories_zh: their Chinese names, cp.category_name, in the same order). Each query runs once. Errors: unknown set 42704, unknown level, profile or unit 22023, missing column 42703';

-- from sql/parts/37_supply.sql
CREATE OR REPLACE FUNCTION cp._supply_radius(standard text, category text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
BEGIN
  SELECT v.effective_radius_m INTO radius
    FROM cp.life_circle_categories v
   WHERE v.standard = _supply_radius.standard AND v.code = _supply_radius.category AND v.life_circle = v.from_level
     AND v.effective_radius_m IS NOT NULL
   ORDER BY cp.life_circle_rank(v.from_level), v.effective_radius_m
   LIMIT 1;
  IF radius IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" has no category "%s" with a walking radius'), standard, category),
            ERRCODE = '22023',
            DETAIL = pg_catalog.format(cp._t('Set %s has: %s.'), standard, (SELECT pg_catalog.string_agg(DISTINCT c.code, ', ') FROM cp.facility_categories c
                                                           WHERE c.standard = _supply_radius.standard));
  END IF;
  RETURN radius;
END
$$;
CREATE FUNCTION cp._supply_eval(network text, residents_sql text, facilities_sql text, category text,
                                quiet text[], known text[], radius_m float8, amount_column text, amount_hint text,
                                decay text, decay_param float8, max_snap_m float8, per_resident boolean,
                                communities_sql text, group_column text, share float8, min_floor_m2 float8,
                                min_site_m2 float8, by_time boolean,
                                OUT resident_id bigint, OUT community_id bigint, OUT population float8,
                                OUT supply float8, OUT amount_inside float8, OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_supply_groups_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._supply_eval(text, text, text, text, text[], text[], float8, text, text, text, float8, float8, boolean, text, text, float8, float8, float8, boolean) IS
  'Internal: two-step floating catchment (optional distance decay) of one category''s amount (capacity, floor_area) within radius_m (by_time: slope-weighted metres = minutes × the profile''s metres per minute; quiet: the set''s other categories, left out without a NOTICE), demand = the target group (group_column of the residents query, else population × share: estimated), facilities below min_floor_m2/min_site_m2 left out; per resident unit (supply = demand x accessible amount per person) or summed per community (id, geom; NULL = whole area) with the amount inside each';
CREATE FUNCTION cp._supply_settings(standard text, category text, unit text, profile text, population_shares text,
                                    OUT cutoff float8, OUT target_group text, OUT group_column text, OUT share float8,
                                    OUT min_floor_m2 float8, OUT min_site_m2 float8, OUT minutes float8,
                                    OUT walk_profile text)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
BEGIN
  SELECT r.cutoff, r.target_group, r.group_column, r.share, r.min_floor_m2, r.min_site_m2, r.minutes, r.walk_profile
    INTO cutoff, target_group, group_column, share, min_floor_m2, min_site_m2, minutes, walk_profile
    FROM cp._category_reach(standard, unit, profile, population_shares) r
   WHERE r.code = _supply_settings.category AND r.cutoff IS NOT NULL
   ORDER BY cp.life_circle_rank(r.from_level), r.cutoff
   LIMIT 1;
  IF cutoff IS NULL THEN
    PERFORM cp._supply_radius(standard, category);   -- its error names the set's categories
  END IF;
END
$$;
COMMENT ON FUNCTION cp._supply_settings(text, text, text, text, text) IS
  'Internal: cut-off, target group (column and share), minimum sizes, minutes and walking profile of a category at its lowest level in a standard set (supply, surfaces, site suggestions); 22023 when it has no walking radius';
CREATE FUNCTION cp.supply_gap(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                              INOUT category text, communities_sql text DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                              standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                              decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                              unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                              OUT target_group text, OUT population float8, OUT demand float8, OUT supply float8,
                              OUT gap float8, OUT gap_ratio float8, OUT estimated boolean, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  rate float8 := per_1000;
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  IF rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = supply_gap.standard AND c.code = cat;
  END IF;
  IF rate IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" gives no per-1000-resident figure for "%s"'), standard, cat),
      ERRCODE = '22004', HINT = cp._t('Pass the places per 1000 residents as per_1000 => ..., with its source.');
  END IF;
  IF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('per_1000 must be a finite number above zero'), ERRCODE = '22023';
  END IF;
  RETURN QUERY
    SELECT e.community_id, cat, st.target_group, e.population, e.population * rate / 1000.0, e.supply,
           greatest(e.population * rate / 1000.0 - e.supply, 0),
           greatest(e.population * rate / 1000.0 - e.supply, 0) / nullif(e.population * rate / 1000.0, 0),
           e.estimated, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_gap.standard AND c.code <> cat),
                           cp._known_categories(), st.cutoff, 'capacity', NULL, decay, decay_param, 250, false,
                           cp._coverage_query(communities_sql), st.group_column, st.share, 0, 0,
                           cp._unit_is_time(unit)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.supply_gap(text, text, text, text, text, float8, text, text, text, float8, text, text) IS
  'Supply against demand for a capacity-bound category per community (NULL = whole area), by two-step floating catchment within the category''s walking radius (unit m) or time at its users'' pace (unit min) (docs/supply.md): demand = the category''s target group (its age-cohort column, else population × its share in population_shares: estimated) × per_1000 / 1000 (per 1000 people of the target group; from the set or given), supply = capacity shares reaching the residents, gap = max(0, demand - supply), gap_ratio = gap / demand; decay ''step'' (the classic 2SFCA), ''gaussian'' or ''exponential'' (decay_param = beta). No limit on the number of facilities. Errors: unknown set 42704, category without radius 22023, no per_1000 22004, missing column 42703, negative capacity, unknown category or bad decay 22023';
CREATE FUNCTION cp.supply_access(network text, residents_sql text, facilities_sql text, category text,
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                 decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                 unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (resident_id bigint, population float8, supply float8, supply_per_1000 float8, estimated boolean)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR category IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, category, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.resident_id, e.population, e.supply, 1000.0 * e.supply / nullif(e.population, 0), e.estimated
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), category,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_access.standard AND c.code <> supply_access.category),
                           cp._known_categories(), st.cutoff, 'capacity', NULL, decay, decay_param, 250, true, NULL,
                           st.group_column, st.share, 0, 0, cp._unit_is_time(unit)) e
     ORDER BY e.resident_id;
END
$$;
COMMENT ON FUNCTION cp.supply_access(text, text, text, text, text, text, text, float8, text, text) IS
  'Two-step floating catchment per resident unit for one capacity-bound category (docs/supply.md): the capacity (places, beds) within walking reach (unit m) or time (unit min) shared among the category''s target group who reach it (population = the unit''s people of the group, estimated from population_shares without a cohort column), and the same per 1000 of them (NULL without people); the per-resident view of cp.supply_gap; decay ''step'', ''gaussian'' or ''exponential'' (decay_param = beta). Errors: unknown set 42704, category without radius 22023, missing column 42703, negative capacity, unknown category or bad decay 22023';
CREATE FUNCTION cp.space_per_resident(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                                      INOUT category text, communities_sql text DEFAULT NULL,
                                      target_m2_per_resident float8 DEFAULT NULL,
                                      standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                      decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                      unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                                      OUT population float8, OUT floor_area_m2 float8, OUT m2_per_resident float8,
                                      OUT accessible_m2_per_resident float8, OUT target float8, OUT gap_m2_per_resident float8,
                                      OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  tgt float8 := target_m2_per_resident;
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  IF tgt IS NULL THEN  -- the set's figure when it gives one in m² per 1000 residents
    SELECT min(c.per_1000) / 1000.0 INTO tgt FROM cp.facility_categories c
     WHERE c.standard = space_per_resident.standard AND c.code = cat AND c.per_1000_unit LIKE 'm²%';
  END IF;
  IF tgt IS NOT NULL AND NOT (tgt > 0 AND tgt < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('target_m2_per_resident must be a finite number above zero'),
      ERRCODE = '22023', DETAIL = pg_catalog.format(cp._t('The value given is %s.'), tgt);
  END IF;
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.amount_inside, e.amount_inside / nullif(e.population, 0),
           e.supply / nullif(e.population, 0), tgt,
           CASE WHEN e.population > 0 THEN greatest(tgt - e.supply / e.population, 0) END, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = space_per_resident.standard AND c.code <> cat),
                           cp._known_categories(), st.cutoff, 'floor_area',
                           'floor_area is the facility''s usable floor space in m²; cp.building_floor_area(geom, levels) estimates it from a footprint.',
                           decay, decay_param, 250, false, cp._coverage_query(communities_sql),
                           st.group_column, st.share, 0, 0, cp._unit_is_time(unit)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.space_per_resident(text, text, text, text, text, float8, text, text, text, float8, text, text) IS
  'Floor space of one facility category per resident and community (NULL = whole area): floor area of the category''s facilities (id, category, geom, floor_area query) inside the community (the one membership rule) per resident, and the floor area within walking reach per resident by two-step floating catchment within the category''s radius (docs/supply.md; decay as cp.supply_gap); target from the argument or the set''s per_1000 in m², gap = max(0, target - accessible). Errors: missing column 42703, negative floor area 22023, category without radius 22023, unknown category or bad decay 22023';

-- from sql/parts/40_heritage.sql
CREATE OR REPLACE FUNCTION cp.check_development(geom geometry, height_m float8 DEFAULT NULL,
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

-- from sql/parts/45_parking.sql
CREATE TABLE cp.parking_use_map (
  word     text NOT NULL CONSTRAINT parking_use_map_word CHECK (btrim(word) <> ''),
  use      text NOT NULL CONSTRAINT parking_use_map_use CHECK (use ~ '^[a-z][a-z0-9_-]*$'),
  note     text,
  shipped  boolean NOT NULL DEFAULT false,
  UNIQUE NULLS NOT DISTINCT (word, shipped)
);
COMMENT ON TABLE cp.parking_use_map IS
  'Editable mapping of building-use words (住宅, 商业, office, ...) to the use codes of the parking rules (cp.parking_standards.use); a use that has rules of its own in the set is taken as it is, any other is looked up here (case and surrounding blanks ignored; user rows win)';
COMMENT ON COLUMN cp.parking_use_map.word IS 'a building use as the data say it (住宅, 居住, 商业, Residential, ...)';
COMMENT ON COLUMN cp.parking_use_map.use IS 'the parking use code of the rule sets: residential, office, retail, clinic, school (or a code of your own set)';
COMMENT ON COLUMN cp.parking_use_map.note IS 'why the word maps as it does';
COMMENT ON COLUMN cp.parking_use_map.shipped IS 'true for rows installed by the extension (read-only, not dumped); user rows (false) are dumped by pg_dump and win';
INSERT INTO cp.parking_use_map (word, use, note) VALUES
  ('住宅', 'residential', NULL), ('居住', 'residential', NULL), ('住宅区', 'residential', NULL),
  ('住宅小区', 'residential', NULL), ('居住区', 'residential', NULL), ('小区', 'residential', NULL),
  ('公寓', 'residential', NULL), ('宿舍', 'residential', 'dormitories counted as housing'),
  ('R', 'residential', 'land-use class R (居住用地, GB 50137-2011)'),
  ('housing', 'residential', NULL), ('house', 'residential', NULL), ('apartments', 'residential', NULL),
  ('dwelling', 'residential', NULL),
  ('商业', 'retail', NULL), ('零售', 'retail', NULL), ('商店', 'retail', NULL), ('商场', 'retail', NULL),
  ('商铺', 'retail', NULL), ('商服', 'retail', NULL), ('commercial', 'retail', 'commercial as shops; map it to office in your own rows where it means offices'),
  ('shop', 'retail', NULL), ('shops', 'retail', NULL), ('store', 'retail', NULL),
  ('办公', 'office', NULL), ('写字楼', 'office', NULL), ('商务办公', 'office', NULL), ('行政办公', 'office', NULL),
  ('offices', 'office', NULL),
  ('教育', 'school', NULL), ('学校', 'school', NULL), ('中小学', 'school', NULL), ('小学', 'school', NULL),
  ('中学', 'school', NULL), ('初中', 'school', NULL), ('幼儿园', 'school', 'kindergartens take the school rule'),
  ('education', 'school', NULL), ('kindergarten', 'school', 'kindergartens take the school rule'),
  ('医疗', 'clinic', NULL), ('医院', 'clinic', 'hospitals take the clinic rule: the sets have no hospital rule'),
  ('诊所', 'clinic', NULL), ('卫生', 'clinic', NULL), ('社区卫生服务中心', 'clinic', NULL),
  ('hospital', 'clinic', 'hospitals take the clinic rule: the sets have no hospital rule'),
  ('healthcare', 'clinic', NULL), ('medical', 'clinic', NULL);
UPDATE cp.parking_use_map SET shipped = true;   -- the rows above are the shipped ones
ALTER TABLE cp.parking_use_map ALTER COLUMN shipped SET DEFAULT false;
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.parking_use_map
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.parking_use_map
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.parking_use_map', 'WHERE NOT shipped');
GRANT SELECT ON cp.parking_use_map TO PUBLIC;
CREATE TABLE cp.parking_type_capacity (
  type     text NOT NULL CONSTRAINT parking_type_capacity_type CHECK (btrim(type) <> ''),
  capacity float8 NOT NULL CONSTRAINT parking_type_capacity_capacity CHECK (capacity >= 0 AND capacity <= 100000),
  verified boolean NOT NULL DEFAULT false,
  note     text,
  shipped  boolean NOT NULL DEFAULT false,
  UNIQUE NULLS NOT DISTINCT (type, shipped)
);
COMMENT ON TABLE cp.parking_type_capacity IS
  'Editable typical capacities (spaces) of car parks by type, for car parks whose query returns a type column and that have neither a capacity nor an area: matched on the whole type, then on its last word after ";" (交通设施服务;停车场;公共停车场 -> 公共停车场), case and surrounding blanks ignored, user rows first; reported as capacity_source type (estimated)';
COMMENT ON COLUMN cp.parking_type_capacity.type IS 'a car park type as the data say it: an Amap or Baidu type word, its type code, or an OSM parking=* value';
COMMENT ON COLUMN cp.parking_type_capacity.capacity IS 'spaces assumed for a car park of this type without a capacity or an area';
COMMENT ON COLUMN cp.parking_type_capacity.verified IS 'true when the figure was read in a standard or survey; the shipped figures are assumptions';
COMMENT ON COLUMN cp.parking_type_capacity.note IS 'where the figure comes from';
COMMENT ON COLUMN cp.parking_type_capacity.shipped IS 'true for rows installed by the extension (read-only, not dumped); user rows (false) are dumped by pg_dump and win';
INSERT INTO cp.parking_type_capacity (type, capacity, note) VALUES
  ('停车场', 50, 'assumption, not read in a standard: a small public surface car park; count your car parks and add your own rows'),
  ('150900', 50, 'Amap 停车场 (code not verified); assumption as 停车场'),
  ('公共停车场', 50, 'assumption, not read in a standard: a small public surface car park'),
  ('150904', 50, 'Amap 公共停车场; assumption as 公共停车场'),
  ('路边停车场', 10, 'assumption: about 60 m of kerb at 6 m per space'),
  ('路侧停车场', 10, 'assumption: about 60 m of kerb at 6 m per space'),
  ('临时停车场', 20, 'assumption, not read in a standard'),
  ('地下停车场', 100, 'assumption, not read in a standard: one basement level under a residential block'),
  ('立体停车场', 100, 'assumption, not read in a standard: a small multi-storey or mechanical car park'),
  ('surface', 50, 'OSM parking=surface; assumption as 停车场'),
  ('street_side', 10, 'OSM parking=street_side; assumption as 路边停车场'),
  ('lane', 10, 'OSM parking=lane; assumption as 路边停车场'),
  ('underground', 100, 'OSM parking=underground; assumption as 地下停车场'),
  ('multi-storey', 100, 'OSM parking=multi-storey; assumption as 立体停车场');
UPDATE cp.parking_type_capacity SET shipped = true;   -- the rows above are the shipped ones
ALTER TABLE cp.parking_type_capacity ALTER COLUMN shipped SET DEFAULT false;
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.parking_type_capacity
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.parking_type_capacity
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.parking_type_capacity', 'WHERE NOT shipped');
GRANT SELECT ON cp.parking_type_capacity TO PUBLIC;
CREATE FUNCTION cp._parking_maps(OUT use_words text[], OUT use_codes text[],
                                 OUT type_words text[], OUT type_capacities float8[])
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT (SELECT coalesce(pg_catalog.array_agg(u.k ORDER BY u.k), '{}') FROM
            (SELECT DISTINCT ON (lower(btrim(m.word))) lower(btrim(m.word)) AS k, m.use
               FROM cp.parking_use_map m ORDER BY lower(btrim(m.word)), m.shipped) u),
         (SELECT coalesce(pg_catalog.array_agg(u.use ORDER BY u.k), '{}') FROM
            (SELECT DISTINCT ON (lower(btrim(m.word))) lower(btrim(m.word)) AS k, m.use
               FROM cp.parking_use_map m ORDER BY lower(btrim(m.word)), m.shipped) u),
         (SELECT coalesce(pg_catalog.array_agg(t.k ORDER BY t.k), '{}') FROM
            (SELECT DISTINCT ON (lower(btrim(c.type))) lower(btrim(c.type)) AS k, c.capacity
               FROM cp.parking_type_capacity c ORDER BY lower(btrim(c.type)), c.shipped) t),
         (SELECT coalesce(pg_catalog.array_agg(t.capacity ORDER BY t.k), '{}') FROM
            (SELECT DISTINCT ON (lower(btrim(c.type))) lower(btrim(c.type)) AS k, c.capacity
               FROM cp.parking_type_capacity c ORDER BY lower(btrim(c.type)), c.shipped) t)
$$;
COMMENT ON FUNCTION cp._parking_maps() IS
  'Internal: cp.parking_use_map and cp.parking_type_capacity as arrays for cp._parking_eval (keys lower-cased and trimmed, one per key, user rows winning)';
CREATE FUNCTION cp._parking_no_rule(standard text, use text, community_type text, mapped text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  msg    text;
  detail text;
  hint   text;
  state  text;
BEGIN
  PERFORM cp.parking_no_rule(standard, coalesce(mapped, use), community_type);
EXCEPTION WHEN invalid_parameter_value THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT,
                          state = RETURNED_SQLSTATE;
  IF EXISTS (SELECT 1 FROM cp.parking_standards p WHERE p.standard = _parking_no_rule.standard
                                                    AND p.use = coalesce(mapped, _parking_no_rule.use)) THEN
    NULL;   -- the use has rules, none for this community type: the hint stands
  ELSIF mapped IS NULL THEN
    hint := 'Map the word to one of these codes in cp.parking_use_map (INSERT INTO cp.parking_use_map (word, use) VALUES (...)), or add a rule to your own set.';
  END IF;
  IF mapped IS NOT NULL THEN
    detail := pg_catalog.format('cp.parking_use_map maps use "%s" to "%s". %s', use, mapped, detail);
  END IF;
  RAISE EXCEPTION USING ERRCODE = state, MESSAGE = msg, DETAIL = detail, HINT = hint;
END
$$;
COMMENT ON FUNCTION cp._parking_no_rule(text, text, text, text) IS
  'Internal: raises cp.parking_no_rule''s error for a building use without a rule (22023), saying what cp.parking_use_map mapped it to, or pointing to cp.parking_use_map when it has no entry';
CREATE FUNCTION cp._parking_eval(network text, buildings_sql text, parking_sql text, communities_sql text,
                                 walk_m float8, m2_per_space float8, max_snap_m float8,
                                 standard text, community_type text,
                                 uses text[], bases text[], spaces float8[], flat_min float8[], flat_max float8[],
                                 per text, use_words text[], use_codes text[], type_words text[],
                                 type_capacities float8[], default_capacity float8, by_time boolean,
                                 OUT building_id bigint, OUT parking_id bigint, OUT community_id bigint,
                                 OUT use text, OUT capacity_source text, OUT distance_m float8,
                                 OUT demand float8, OUT capacity float8, OUT spaces_shared float8,
                                 OUT pairs integer, OUT area_m2 float8, OUT geom bytea, OUT estimated float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_parking_eval_v2_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._parking_eval(text, text, text, text, float8, float8, float8, text, text, text[], text[], float8[], float8[], float8[], text, text[], text[], text[], float8[], float8, boolean) IS
  'Internal: the parking analysis in one pass (as the 15-argument form) with building uses mapped through use_words/use_codes (cp.parking_use_map) when the set has no rule for them, car parks without capacity or area given the capacity of their type (optional type column; type_words/type_capacities from cp.parking_type_capacity) or default_capacity (0: none); capacity_source given, area, type, default or unknown; estimated = spaces not given; by_time: walk_m and distance_m are slope-weighted metres (minutes × the profile''s metres per minute), the search measures walking time';
CREATE FUNCTION cp._parking_walk(walk_m float8, unit text, profile text, OUT cutoff float8, OUT by_time boolean)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  speed float8;
BEGIN
  by_time := cp._unit_is_time(unit);
  speed := cp._profile_speed(profile);
  -- a time beyond any range stays out of range (never an overflow error): C names walk_m in minutes
  cutoff := CASE WHEN NOT by_time THEN walk_m
                 WHEN abs(walk_m) > 1e300 THEN sign(walk_m) * 'Infinity'::float8
                 ELSE walk_m * speed END;
END
$$;
COMMENT ON FUNCTION cp._parking_walk(float8, text, text) IS
  'Internal: the parking cut-off for cp._parking_eval: walk_m metres (unit m), or walk_m minutes × the profile''s metres per minute with by_time (unit min); unknown unit or profile 22023';
CREATE FUNCTION cp.parking_allocation(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250, default_capacity float8 DEFAULT 0,
  unit text DEFAULT 'm', profile text DEFAULT 'walk')
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.building_id, e.parking_id, e.distance_m, e.spaces_shared
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN cp._parking_maps() m
   CROSS JOIN cp._parking_walk(walk_m, unit, profile) w
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, w.cutoff, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'allocation', m.use_words, m.use_codes, m.type_words,
                                       m.type_capacities, default_capacity, w.by_time) e
   ORDER BY e.building_id, e.distance_m, e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_allocation(text, text, text, float8, text, text, float8, float8, float8, text, text) IS
  'Parking spaces allocated to buildings (id, geom, use, households, floor_area) from car parks (id, geom, capacity) within walk_m metres along the network (unit min: walk_m minutes at the profile''s pace, default walk, distance_m then slope-weighted metres), greedily by ascending walking distance; one row per (building, car park) that shares spaces';
CREATE FUNCTION cp.parking_gap_buildings(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250, default_capacity float8 DEFAULT 0,
  unit text DEFAULT 'm', profile text DEFAULT 'walk')
RETURNS TABLE (building_id bigint, use text, demand float8, supplied float8, unmet float8,
               unmet_ratio float8, car_parks integer, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.building_id, e.use, e.demand, e.spaces_shared, greatest(e.demand - e.spaces_shared, 0),
         CASE WHEN e.demand > 0 THEN greatest(e.demand - e.spaces_shared, 0) / e.demand END,
         e.pairs, e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN cp._parking_maps() m
   CROSS JOIN cp._parking_walk(walk_m, unit, profile) w
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, w.cutoff, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'buildings', m.use_words, m.use_codes, m.type_words,
                                       m.type_capacities, default_capacity, w.by_time) e
   ORDER BY e.building_id
$$;
COMMENT ON FUNCTION cp.parking_gap_buildings(text, text, text, float8, text, text, float8, float8, float8, text, text) IS
  'Per building: parking demand under the standard, spaces allocated within walk_m (metres, or minutes at the profile''s pace with unit min), unmet demand and its share (NULL without demand), number of car parks used; for heat maps';
CREATE FUNCTION cp.parking_lots(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250, default_capacity float8 DEFAULT 0,
  unit text DEFAULT 'm', profile text DEFAULT 'walk')
RETURNS TABLE (parking_id bigint, capacity float8, capacity_source text, allocated float8, spare float8,
               buildings integer, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.parking_id, e.capacity, e.capacity_source, e.spaces_shared, greatest(e.capacity - e.spaces_shared, 0),
         e.pairs, e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN cp._parking_maps() m
   CROSS JOIN cp._parking_walk(walk_m, unit, profile) w
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, w.cutoff, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'lots', m.use_words, m.use_codes, m.type_words,
                                       m.type_capacities, default_capacity, w.by_time) e
   ORDER BY e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_lots(text, text, text, float8, text, text, float8, float8, float8, text, text) IS
  'Per car park: capacity (given, estimated from area at m2_per_space, or unknown = 0), spaces allocated to buildings within walk_m (metres, or minutes at the profile''s pace with unit min), spare spaces, buildings served';
CREATE FUNCTION cp.parking_gap(network text, buildings_sql text, parking_sql text, communities_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250, default_capacity float8 DEFAULT 0,
  unit text DEFAULT 'm', profile text DEFAULT 'walk')
RETURNS TABLE (community_id bigint, demand float8, supply_inside float8, supply_allocated float8,
               gap float8, gap_ratio float8, geom geometry, supply_estimated float8)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  -- a building or car park belongs to the lowest-id community containing its
  -- representative point (communities.h); buildings without demand and car
  -- parks without spaces add nothing
  SELECT e.community_id, e.demand, e.capacity, e.spaces_shared, greatest(e.demand - e.spaces_shared, 0),
         CASE WHEN e.demand > 0 THEN greatest(e.demand - e.spaces_shared, 0) / e.demand END,
         e.geom::geometry, e.estimated
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN cp._parking_maps() m
   CROSS JOIN cp._parking_walk(walk_m, unit, profile) w
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, communities_sql, w.cutoff, m2_per_space,
                                       max_snap_m, standard, community_type, r.uses, r.bases, r.spaces, r.flat_min,
                                       r.flat_max, 'communities', m.use_words, m.use_codes, m.type_words,
                                       m.type_capacities, default_capacity, w.by_time) e
   ORDER BY e.community_id
$$;
COMMENT ON FUNCTION cp.parking_gap(text, text, text, text, float8, text, text, float8, float8, float8, text, text) IS
  'Parking gap per community (id, geom query): demand of its buildings under the standard, capacity of the car parks inside it, spaces allocated to its buildings within walk_m along the network (metres, or with unit min minutes at the profile''s pace, default walk: the driver walking from the car park) (from car parks inside or outside, none counted twice), gap and gap_ratio = gap / demand (NULL without demand); supply_estimated: the part of supply_inside that is estimated (from area, type or default_capacity)';

-- from sql/parts/50_indicators.sql
CREATE OR REPLACE FUNCTION cp.check_indicator_value() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind record;
BEGIN
  IF TG_TABLE_NAME = 'indicator_values' THEN
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF NOT FOUND THEN
      RETURN NEW;   -- the foreign key reports the unknown indicator
    END IF;
    IF NEW.value = 'NaN' OR NEW.value < ind.valid_min OR NEW.value > ind.valid_max THEN
      RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('value %s is out of range for indicator "%s"'), NEW.value, NEW.indicator),
              ERRCODE = '22003',
              DETAIL = pg_catalog.format(cp._t('Indicator %s accepts values from %s to %s (%s).'), NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = cp._t('Enter shares as percentages (0 to 100), in the indicator''s unit.');
    END IF;
  ELSE
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF FOUND AND EXISTS (SELECT 1 FROM unnest(ARRAY[NEW.baseline, NEW.target_2025, NEW.target_2028, NEW.target_2035]) v
                          WHERE v = 'NaN' OR v < ind.valid_min OR v > ind.valid_max) THEN
      RAISE EXCEPTION 'local baseline or target is out of range for indicator "%"', NEW.indicator
        USING ERRCODE = '22003',
              DETAIL = pg_catalog.format('Indicator %s accepts values from %s to %s (%s).', NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = 'Enter shares as percentages (0 to 100), in the indicator''s unit.';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
CREATE OR REPLACE FUNCTION cp.indicator_target(indicator text, stage int) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind text := indicator;
  r record;
BEGIN
  SELECT c.target_2025, c.target_2028, c.target_2035 INTO r FROM cp.indicator_catalogue c WHERE c.code = ind;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('indicator "%s" does not exist'), ind),
            ERRCODE = '42704',
            DETAIL = cp._t('Indicators are listed in cp.indicators.'),
            HINT = cp._t('Check the code, or add your own indicator.');
  END IF;
  IF stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown plan stage %s'), stage),
            ERRCODE = '22023',
            DETAIL = cp._t('The plan''s stages end in 2025, 2028 and 2035.'),
            HINT = cp._t('Map a year to its stage with cp.plan_stage(year).');
  END IF;
  RETURN CASE stage WHEN 2025 THEN r.target_2025 WHEN 2028 THEN r.target_2028 ELSE r.target_2035 END;
END
$$;

-- from sql/parts/55_communities.sql
CREATE OR REPLACE FUNCTION cp.check_community() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  other_id   text;
  other_srid integer;
BEGIN
  IF NEW.geom IS NULL THEN
    RETURN NEW;
  END IF;
  IF ST_SRID(NEW.geom) = 0 THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has a geometry without SRID'), NEW.id),
            ERRCODE = '23514',
            HINT = cp._t('Set the SRID of the outline with ST_SetSRID(geom, srid).');
  END IF;
  IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has an empty or invalid geometry'), NEW.id),
            ERRCODE = '23514',
            DETAIL = coalesce(nullif(ST_IsValidReason(NEW.geom), 'Valid Geometry'), cp._t('The geometry is empty.')),
            HINT = cp._t('Repair it with ST_MakeValid, or leave geom NULL.');
  END IF;
  -- one edit at a time, so two sessions cannot save two SRIDs (the same lock scheme as the heritage register)
  PERFORM pg_advisory_xact_lock(TG_RELID::int, 8);
  SELECT c.id, ST_SRID(c.geom) INTO other_id, other_srid
    FROM cp.communities c
   WHERE c.geom IS NOT NULL AND c.id <> NEW.id
     AND (TG_OP = 'INSERT' OR c.id <> OLD.id)
     AND ST_SRID(c.geom) <> ST_SRID(NEW.geom)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has SRID %s, the communities use SRID %s'), NEW.id, ST_SRID(NEW.geom), other_srid),
            ERRCODE = '23514',
            DETAIL = pg_catalog.format(cp._t('Community %s has SRID %s; every outline in cp.communities carries the same SRID.'), other_id, other_srid),
            HINT = pg_catalog.format(cp._t('Transform it with ST_Transform(geom, %s).'), other_srid);
  END IF;
  RETURN NEW;
END
$$;

-- from sql/parts/56_scorecard.sql
CREATE OR REPLACE FUNCTION cp._check_plan_stage(stage int) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF stage IS NOT NULL AND stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown plan stage %s'), stage),
            ERRCODE = '22023',
            DETAIL = cp._t('The plan''s stages end in 2025, 2028 and 2035.'),
            HINT = cp._t('Map a year to its stage with cp.plan_stage(year), or pass NULL for the current stage.');
  END IF;
END
$$;
CREATE OR REPLACE FUNCTION cp._scorecard_stage(community_id text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF community_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.communities c WHERE c.id = _scorecard_stage.community_id) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" does not exist'), community_id),
            ERRCODE = '42704',
            DETAIL = cp._t('Communities are listed in cp.communities.'),
            HINT = cp._t('Add the community to cp.communities first.');
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;

-- from sql/parts/57_rollup.sql
CREATE OR REPLACE FUNCTION cp.rollup_denominator(indicator text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE indicator WHEN 'parking_gap_rate' THEN 'demand' WHEN 'childcare_place_gap' THEN 'demand'
                            WHEN 'heritage_protection_rate' THEN 'listed'
                            WHEN 'elderly_care_coverage' THEN 'communities'
                            WHEN 'childcare_institution_coverage' THEN 'communities' END $$;
COMMENT ON FUNCTION cp.rollup_denominator(text) IS
  'The key of cp.indicator_values.inputs holding the denominator of a rate that is not a share of residents (parking and childcare gaps: demand; heritage protection: listed sites; elderly-care and childcare-institution coverage: communities, 1 each, so the mean is the share of communities); cp.scorecard_rollup weights by it when every reporting value carries it, by population otherwise; NULL for the other indicators';
CREATE OR REPLACE FUNCTION cp._rollup_stage(level text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF level IS NULL THEN
    RETURN NULL;   -- no rows, as a STRICT function would
  END IF;
  IF level NOT IN ('district', 'city', 'province') THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown roll-up level "%s"'), level),
      ERRCODE = '22023', HINT = cp._t('Use district, city or province.');
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;

-- from sql/parts/59_compute.sql
CREATE OR REPLACE FUNCTION cp.indicator_life_circle_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT l.community_id, 100 * l.ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.life_circle', 'life_circle', l.life_circle,
                                         'population', l.population, 'covered_population', l.covered_population,
                                         'crowfly_ratio', l.crowfly_ratio, 'missing_categories', pg_catalog.to_jsonb(l.missing_categories))
      FROM cp.life_circle(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'facilities_sql',
                          communities_sql, settings ->> 'standard', '15min', settings ->> 'profile',
                          coalesce(settings ->> 'unit', 'm'), coalesce(settings ->> 'population_shares', 'CN-2020')) l;
END
$$;
COMMENT ON FUNCTION cp.indicator_life_circle_coverage(text, jsonb) IS
  'Computed indicator life_circle_15min_coverage for every community of a communities query: 100 × share of residents who reach every required category of the 15-minute life circle (cp.life_circle); settings network, residents_sql, facilities_sql, standard, profile, unit, population_shares';
CREATE FUNCTION cp._indicator_community_has(communities_sql text, settings jsonb, category text,
                                            OUT community_id bigint, OUT has boolean, OUT inputs jsonb)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := category;
  reach_share float8 := coalesce((settings ->> 'community_reach_share')::float8, 0.5);
BEGIN
  IF NOT (reach_share > 0 AND reach_share <= 1) THEN
    RAISE EXCEPTION 'settings key "community_reach_share" must be above 0 and at most 1'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('The value given is %s.', reach_share),
            HINT = 'A community counts when at least this share of the category''s target group in it reaches one; 0.5 is a majority.';
  END IF;
  RETURN QUERY
    SELECT c.community_id,
           CASE WHEN c.population > 0 THEN c.covered_population >= reach_share * c.population END,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'category', c.category, 'target_group', c.target_group,
                                         'unit', coalesce(settings ->> 'unit', 'm'), 'profile', settings ->> 'profile',
                                         'reach_share', reach_share, 'population', c.population,
                                         'covered_population', c.covered_population, 'resident_share', c.ratio,
                                         'crowfly_ratio', c.crowfly_ratio, 'estimated', c.estimated, 'communities', 1)
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql',
                       pg_catalog.format('SELECT * FROM (%s) f WHERE category::text = %L',
                                         cp._coverage_query(settings ->> 'facilities_sql'), cat),
                       communities_sql, settings ->> 'standard', settings ->> 'profile',
                       coalesce(settings ->> 'unit', 'm'), coalesce(settings ->> 'population_shares', 'CN-2020')) c
     WHERE c.category = cat;
  IF NOT FOUND THEN
    PERFORM cp._compute_category_radius(settings ->> 'standard', cat);   -- names the set's categories
  END IF;
END
$$;
COMMENT ON FUNCTION cp._indicator_community_has(text, jsonb, text) IS
  'Internal: per community whether at least community_reach_share (setting, default 0.5) of the category''s target group reaches one of its facilities (cp.coverage with the settings'' unit, profile and population_shares); NULL without people of the group; inputs record the resident share';
CREATE OR REPLACE FUNCTION cp.indicator_elderly_care_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT h.community_id, CASE WHEN h.has THEN 100 WHEN NOT h.has THEN 0 END::numeric, h.inputs
    FROM cp._indicator_community_has(communities_sql, settings, settings ->> 'elderly_care_category') h
$$;
COMMENT ON FUNCTION cp.indicator_elderly_care_coverage(text, jsonb) IS
  'Computed indicator elderly_care_coverage as the plan counts it, a share of communities: 100 for a community where at least community_reach_share (default 0.5) of its residents 60+ reach an elderly-care facility of the category (setting elderly_care_category) within its walking time at the elderly pace (unit min, the category''s profile), else 0; the roll-up''s mean is the share of communities. The share of residents 60+ who reach one is in the inputs (resident_share)';
CREATE FUNCTION cp.indicator_childcare_institution_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT h.community_id, CASE WHEN h.has THEN 100 WHEN NOT h.has THEN 0 END::numeric, h.inputs
    FROM cp._indicator_community_has(communities_sql, settings, settings ->> 'childcare_category') h
$$;
COMMENT ON FUNCTION cp.indicator_childcare_institution_coverage(text, jsonb) IS
  'Computed indicator childcare_institution_coverage, a share of communities: 100 for a community where at least community_reach_share (default 0.5) of its children under 3 reach a childcare institution (setting childcare_category, default nursery) within its walking radius, else 0; the roll-up''s mean is the share of communities with one within reach';
CREATE FUNCTION cp._public_service_coverage(communities_sql text, settings jsonb,
                                            OUT community_id bigint, OUT value float8, OUT population float8,
                                            OUT categories jsonb)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  std text := settings ->> 'standard';
  lvl text := coalesce(settings ->> 'public_service_level', '15min');
  needed text[];
BEGIN
  SELECT pg_catalog.array_agg(r.code) INTO needed
    FROM cp.life_circle_requirements(std, lvl) r WHERE r.effective_radius_m IS NOT NULL;
  RETURN QUERY
    SELECT c.community_id, avg(c.ratio), max(c.population) FILTER (WHERE c.target_group = 'all'),
           pg_catalog.jsonb_object_agg(c.category, pg_catalog.jsonb_build_object('target_group', c.target_group,
                                        'population', c.population, 'ratio', c.ratio, 'estimated', c.estimated))
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'facilities_sql',
                       communities_sql, std, settings ->> 'profile', coalesce(settings ->> 'unit', 'm'),
                       coalesce(settings ->> 'population_shares', 'CN-2020')) c
     WHERE c.category = ANY (needed)
     GROUP BY c.community_id;
END
$$;
COMMENT ON FUNCTION cp._public_service_coverage(text, jsonb) IS
  'Internal: per community the mean over the required categories of a life-circle level (setting public_service_level, default 15min) of the share of each category''s target group within its walking radius or time (cp.coverage), with the per-category shares';
CREATE FUNCTION cp.indicator_public_service_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT p.community_id, (100 * p.value)::numeric,
         pg_catalog.jsonb_build_object('function', 'cp.coverage', 'level', coalesce(settings ->> 'public_service_level', '15min'),
                                       'unit', coalesce(settings ->> 'unit', 'm'), 'categories', p.categories)
    FROM cp._public_service_coverage(communities_sql, settings) p
   WHERE p.value IS NOT NULL
$$;
COMMENT ON FUNCTION cp.indicator_public_service_coverage(text, jsonb) IS
  'Computed indicator public_service_facility_coverage: 100 × the mean, over the required categories of the 15-minute life circle and the levels below (setting public_service_level), of the share of each category''s target group that reaches one (cp.coverage); per-category shares in the inputs';
CREATE FUNCTION cp.indicator_rural_service_ratio(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  -- one coverage run; the communities query is read once more for the community types,
  -- under the caller's search_path (sql/parts/05_caller.sql; ours is back when this returns)
  PERFORM pg_catalog.set_config('search_path', cp._caller_search_path(), true);
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH p AS MATERIALIZED (SELECT * FROM cp._public_service_coverage($1, $2) x WHERE x.value IS NOT NULL),
         t AS MATERIALIZED (SELECT c.id::bigint AS id, c.community_type::text AS community_type FROM (%s) c),
         u AS (SELECT sum(p.value * p.population) / nullif(sum(p.population), 0) AS urban,
                      count(*) AS urban_communities
                 FROM p JOIN t ON t.id = p.community_id
                WHERE t.community_type IS DISTINCT FROM 'rural')
    SELECT p.community_id, (100 * p.value / u.urban)::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'rural_coverage', p.value, 'urban_coverage', u.urban,
                                         'urban_communities', u.urban_communities,
                                         'level', coalesce($2 ->> 'public_service_level', '15min'), 'categories', p.categories)
      FROM p JOIN t ON t.id = p.community_id CROSS JOIN u
     WHERE t.community_type = 'rural' AND u.urban > 0$q$, cp._coverage_query(communities_sql))
    USING communities_sql, settings;
END
$$;
COMMENT ON FUNCTION cp.indicator_rural_service_ratio(text, jsonb) IS
  'Computed indicator rural_service_coverage_ratio: for each rural community (community_type rural), 100 × its public-service facility coverage / the population-weighted public-service coverage of the other (urban) communities of the same run; no value for urban communities or when no urban community has a value';
CREATE FUNCTION cp.indicator_public_green_per_capita(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  -- the green's area plays the floor area of cp.space_per_resident: the area inside per resident
  SELECT s.community_id, s.m2_per_resident::numeric,
         pg_catalog.jsonb_build_object('function', 'cp.space_per_resident', 'category', s.category, 'population', s.population,
                                       'green_area_m2', s.floor_area_m2, 'target_m2_per_resident', s.target,
                                       'accessible_m2_per_resident', s.accessible_m2_per_resident)
    FROM cp.space_per_resident(settings ->> 'network', settings ->> 'residents_sql',
                               pg_catalog.format('SELECT g.id, %L::text AS category, g.geom, cp.building_floor_area(g.geom, 1) AS floor_area FROM (%s) g',
                                                 coalesce(settings ->> 'green_category', 'park'), cp._coverage_query(settings ->> 'green_sql')),
                               coalesce(settings ->> 'green_category', 'park'), communities_sql, NULL, settings ->> 'standard',
                               settings ->> 'profile', 'step', NULL, coalesce(settings ->> 'unit', 'm'),
                               coalesce(settings ->> 'population_shares', 'CN-2020')) s
$$;
COMMENT ON FUNCTION cp.indicator_public_green_per_capita(text, jsonb) IS
  'Computed indicator public_green_per_capita: area (m², geodesic) of the public green polygons of setting green_sql (id, geom) whose point lies in the community, per resident (cp.space_per_resident with the area as floor area); the green area within walking reach per resident and the set''s target (GB 50180-2018 4.0.4: 2.0 m²/person at the 15-minute level) in the inputs';
CREATE OR REPLACE FUNCTION cp.indicator_childcare_place_gap(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := settings ->> 'childcare_category';
  shares text := coalesce(settings ->> 'population_shares', 'CN-2020');
  per_child float8 := (settings ->> 'childcare_places_per_1000_children')::float8;
  grp text;
  grp_share float8;
BEGIN
  -- demand comes from the category's target group (under-3s for nurseries); a rate per
  -- 1000 residents (the national 4.5) becomes a rate per 1000 of the group by the group's share
  SELECT r.target_group, r.share INTO grp, grp_share
    FROM cp._category_reach(settings ->> 'standard', 'm', NULL, shares) r
   WHERE r.code = cat ORDER BY cp.life_circle_rank(r.from_level) LIMIT 1;
  IF per_child IS NULL THEN
    per_child := (settings ->> 'childcare_per_1000')::float8 / nullif(grp_share, 0);
  END IF;
  RETURN QUERY
    SELECT g.community_id, 100 * g.gap_ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.supply_gap', 'category', g.category, 'target_group', g.target_group,
                                         'per_1000', (settings ->> 'childcare_per_1000')::float8,
                                         'per_1000_of_group', per_child, 'group_share', grp_share,
                                         'group_population', g.population, 'estimated', g.estimated,
                                         'demand', g.demand, 'supply', g.supply, 'gap', g.gap)
      FROM cp.supply_gap(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'childcare_facilities_sql',
                         cat, communities_sql, per_child, settings ->> 'standard', settings ->> 'profile',
                         'step', NULL, coalesce(settings ->> 'unit', 'm'), shares) g;
END
$$;
COMMENT ON FUNCTION cp.indicator_childcare_place_gap(text, jsonb) IS
  'Computed indicator childcare_place_gap for every community of a communities query: 100 × gap_ratio of cp.supply_gap for childcare places (setting childcare_category, default nursery), demand from the category''s target group (children under 3: the residents query''s age_0_3, else population × the group''s share): childcare_places_per_1000_children when given, else childcare_per_1000 (places per 1000 residents, the national 4.5) divided by the group''s share in population_shares';
CREATE OR REPLACE FUNCTION cp.indicator_parking_gap_rate(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  types text[];
  t text;
  saved_path text;
BEGIN
  -- one allocation run per community type (its demand rules), each over the communities of that
  -- type; the caller's query under the caller's search_path (sql/parts/05_caller.sql)
  saved_path := pg_catalog.current_setting('search_path');
  PERFORM pg_catalog.set_config('search_path', cp._caller_search_path(), true);
  EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT coalesce($1, c.community_type, ''old'')) FROM (%s) c',
                            cp._coverage_query(communities_sql))
     INTO types USING settings ->> 'parking_community_type';
  PERFORM pg_catalog.set_config('search_path', saved_path, true);
  FOREACH t IN ARRAY coalesce(types, '{}') LOOP
    RETURN QUERY
      SELECT p.community_id, 100 * p.gap_ratio::numeric,
             pg_catalog.jsonb_build_object('function', 'cp.parking_gap', 'community_type', t,
                                           'demand', p.demand, 'supply_inside', p.supply_inside,
                                           'supply_allocated', p.supply_allocated, 'gap', p.gap)
        FROM cp.parking_gap(settings ->> 'network', settings ->> 'buildings_sql', settings ->> 'parking_sql',
                            pg_catalog.format('SELECT id, geom FROM (%s) c WHERE coalesce(%L, c.community_type, %L) = %L',
                                              cp._coverage_query(communities_sql), settings ->> 'parking_community_type', 'old', t),
                            (settings ->> 'walk_m')::float8, settings ->> 'parking_standard', t,
                            (settings ->> 'm2_per_space')::float8, (settings ->> 'max_snap_m')::float8,
                            unit => coalesce(settings ->> 'unit', 'm'), profile => coalesce(settings ->> 'profile', 'walk')) p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.indicator_parking_gap_rate(text, jsonb) IS
  'Computed indicator parking_gap_rate for every community of a communities query: 100 × gap_ratio of cp.parking_gap under the demand rules of the community''s type (or setting parking_community_type), one allocation run per type; settings unit (m, or min: walk_m in minutes) and profile (default walk)';
CREATE OR REPLACE FUNCTION cp.indicator_cultural_space_per_capita(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT s.community_id, s.m2_per_resident::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.space_per_resident', 'category', s.category, 'population', s.population,
                                         'floor_area_m2', s.floor_area_m2,
                                         'accessible_m2_per_resident', s.accessible_m2_per_resident)
      FROM cp.space_per_resident(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'culture_facilities_sql',
                                 settings ->> 'culture_category', communities_sql, NULL, settings ->> 'standard',
                                 settings ->> 'profile', 'step', NULL, coalesce(settings ->> 'unit', 'm'),
                                 coalesce(settings ->> 'population_shares', 'CN-2020')) s;
END
$$;

-- from sql/parts/60_chinacoord.sql
COMMENT ON FUNCTION cp.chinacoord_ewkb(bytea, text, text) IS
  'EWKB of any geometry with every coordinate moved between wgs84, gcj02 and bd09, in its own SRID (EPSG:4326, 0 and 4490 as they are, any other through longitude/latitude and back; used by cp.wgs84_to_gcj02 and friends)';

-- from sql/parts/65_osm_mapping.sql
CREATE OR REPLACE FUNCTION cp.building_floor_area(footprint geometry, levels integer DEFAULT 1) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF levels < 0 THEN
    RAISE EXCEPTION 'levels must not be negative'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', levels);
  END IF;
  IF ST_SRID(footprint) = 0 AND NOT ST_IsEmpty(footprint)
     AND NOT (ST_XMin(footprint) >= -180 AND ST_XMax(footprint) <= 180
              AND ST_YMin(footprint) >= -90 AND ST_YMax(footprint) <= 90) THEN
    RAISE EXCEPTION 'footprint without SRID is not in longitude/latitude'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = pg_catalog.format('A footprint without SRID is read as EPSG:4326, but its coordinates reach (%s %s).',
                                       ST_XMax(footprint), ST_YMax(footprint)),
            HINT = 'Give it the SRID of its data, e.g. ST_SetSRID(footprint, 4548) for CGCS2000 / 3-degree Gauss-Kruger CM 117E.';
  END IF;
  IF ST_SRID(footprint) IN (0, 4326) THEN
    RETURN ST_Area(ST_SetSRID(footprint, 4326)::geography) * levels;
  END IF;
  -- Any other SRID PostGIS knows (EPSG:4490, the CGCS2000 Gauss-Kruger zones, UTM, ...): the
  -- vertices to longitude/latitude through PROJ (the checked way: 22023 for an unknown SRID or
  -- a point outside the CRS's area, never XX000), then the same area on the spheroid.
  RETURN ST_Area(cp._geometry_ewkb(footprint, 4326)::geometry::geography) * levels;
END
$$;
COMMENT ON FUNCTION cp.building_floor_area(geometry, integer) IS
  'Gross floor area in square metres: the footprint''s area on the WGS 84 spheroid (any SRID: EPSG:4326, 4490, CGCS2000 Gauss-Kruger, UTM; SRID 0 read as 4326) times the number of levels (pass coalesce(levels, 1) for untagged buildings)';

-- from sql/parts/66_poi_types.sql
CREATE TABLE cp.poi_type_mapping (
  provider  text NOT NULL CONSTRAINT poi_type_mapping_provider CHECK (provider IN ('amap', 'baidu', 'any')),
  type_name text NOT NULL CONSTRAINT poi_type_mapping_type_name CHECK (btrim(type_name) <> ''),
  type_code text CONSTRAINT poi_type_mapping_type_code CHECK (type_code ~ '^[0-9A-Za-z]+$'),
  category  text CONSTRAINT poi_type_mapping_category_code CHECK (category ~ '^[a-z][a-z0-9_]*$'),
  verified  boolean NOT NULL DEFAULT false,
  note      text,
  shipped   boolean NOT NULL DEFAULT false,
  UNIQUE NULLS NOT DISTINCT (provider, type_name, shipped)
);
CREATE INDEX poi_type_mapping_code ON cp.poi_type_mapping (provider, type_code) WHERE type_code IS NOT NULL;
COMMENT ON TABLE cp.poi_type_mapping IS
  'Editable mapping of Amap (高德) and Baidu POI types to facility categories: a type code, a full type path (科教文化服务;学校;幼儿园) or one word of it (幼儿园); user rows (shipped = false) win; category NULL means known but not a facility of the life circle (a car park, a university); applied by cp.poi_category and cp.poi_facilities';
COMMENT ON COLUMN cp.poi_type_mapping.provider IS 'amap, baidu, or any (a plain word either provider or an analyst writes)';
COMMENT ON COLUMN cp.poi_type_mapping.type_name IS 'a full type path with ; between its levels, or one word of it; matched without regard to case and surrounding blanks';
COMMENT ON COLUMN cp.poi_type_mapping.type_code IS 'the provider''s type code (Amap: 6 digits, big class 2, middle class 2, small class 2), NULL where none is public';
COMMENT ON COLUMN cp.poi_type_mapping.category IS 'facility category code (cp.facility_categories.code or cp._known_categories()), or NULL for a known type that is not a facility';
COMMENT ON COLUMN cp.poi_type_mapping.verified IS 'true when the type path and code were read in a public Amap response or classification table; false: from secondary sources or the usual words of exports';
COMMENT ON COLUMN cp.poi_type_mapping.note IS 'why the row maps as it does; for a category the standard does not count, which standards do not';
COMMENT ON COLUMN cp.poi_type_mapping.shipped IS 'true for rows installed by the extension (read-only, not dumped); user rows (false) are dumped by pg_dump and win';
INSERT INTO cp.poi_type_mapping (provider, type_name, type_code, category, verified, note) VALUES
  -- Amap: type paths and codes. verified: the path and code read together in
  -- public Amap place/text responses (kindergarten 141204, primary 141203,
  -- university 141201, public car park 150904, pharmacy 090601, general
  -- hospital 090100, park 110101, public toilet 200300); the other codes are
  -- from the classification's pattern and secondary sources (not verified).
  ('amap', '科教文化服务;学校;幼儿园', '141204', 'kindergarten', true, '幼儿园'),
  ('amap', '科教文化服务;学校;小学', '141203', 'primary_school', true, '小学'),
  ('amap', '科教文化服务;学校;中学', '141202', 'middle_school', false, '中学: counted as a junior middle school (初中); Amap does not separate 初中 and 高中 here'),
  ('amap', '科教文化服务;学校;高等院校', '141201', NULL, true, 'a university is not a facility of the life circle'),
  ('amap', '科教文化服务;学校;成人教育', '141205', NULL, false, 'adult education is not a facility of the life circle'),
  ('amap', '科教文化服务;学校;职业技术学校', '141206', NULL, false, 'a vocational school is not a facility of the life circle'),
  ('amap', '科教文化服务;学校;学校内部设施', '141207', NULL, false, 'a building inside a school, not a school of its own'),
  ('amap', '科教文化服务;学校', '141200', NULL, false, 'a school of unknown level: give it 小学 or 初中 (a row of your own for its name) to count it'),
  ('amap', '科教文化服务;图书馆', '140500', 'library', false, '图书馆'),
  ('amap', '医疗保健服务;综合医院', '090100', 'hospital', true, '医院: GB 50180-2018 does not count hospitals at the life-circle level (they are planned for the city and district); kept as hospital, not counted'),
  ('amap', '医疗保健服务;综合医院;卫生院', '090102', 'clinic', false, '乡镇卫生院: the rural counterpart of a 社区卫生服务中心'),
  ('amap', '医疗保健服务;专科医院', '090200', 'hospital', false, '专科医院: GB 50180-2018 does not count hospitals at the life-circle level; kept as hospital, not counted'),
  ('amap', '医疗保健服务;诊所', '090300', 'clinic', false, '诊所: a clinic or outpatient department (门诊部), counted with 社区卫生服务中心 as the OSM mapping does; check private practices by name'),
  ('amap', '医疗保健服务;医药保健销售店', '090600', 'pharmacy', false, '药店: GB 50180-2018 does not count pharmacies; 完整居住社区建设标准 counts them among 其他便民商业网点'),
  ('amap', '医疗保健服务;医药保健销售店;药房', '090601', 'pharmacy', true, '药房: GB 50180-2018 does not count pharmacies; 完整居住社区建设标准 counts them among 其他便民商业网点'),
  ('amap', '交通设施服务;停车场', '150900', NULL, false, 'a car park: not a facility category; give it to cp.parking_gap as parking_sql'),
  ('amap', '交通设施服务;停车场;公共停车场', '150904', NULL, true, 'a car park: not a facility category; give it to cp.parking_gap as parking_sql'),
  ('amap', '风景名胜;公园广场', '110100', 'park', false, '公园广场'),
  ('amap', '风景名胜;公园广场;公园', '110101', 'park', true, '公园'),
  ('amap', '购物服务;超级市场', '060400', 'supermarket', false, '超级市场'),
  ('amap', '购物服务;综合市场', NULL, 'market', false, '综合市场 / 农贸市场 (code not verified)'),
  ('amap', '公共设施;公共厕所', '200300', 'public_toilet', true, '公共厕所'),
  ('amap', '体育休闲服务;运动场馆', '080100', 'sports', false, '运动场馆'),
  -- Baidu: industry types as first;second level words (行业分类); Baidu
  -- publishes no type codes. Paths from its Place API documentation as quoted
  -- in secondary sources: not verified.
  ('baidu', '教育培训;幼儿园', NULL, 'kindergarten', false, '幼儿园'),
  ('baidu', '教育培训;小学', NULL, 'primary_school', false, '小学'),
  ('baidu', '教育培训;中学', NULL, 'middle_school', false, '中学: counted as a junior middle school (初中)'),
  ('baidu', '教育培训;高等院校', NULL, NULL, false, 'a university is not a facility of the life circle'),
  ('baidu', '教育培训;图书馆', NULL, 'library', false, '图书馆'),
  ('baidu', '医疗;综合医院', NULL, 'hospital', false, '医院: GB 50180-2018 does not count hospitals at the life-circle level; kept as hospital, not counted'),
  ('baidu', '医疗;专科医院', NULL, 'hospital', false, '专科医院: not counted by GB 50180-2018'),
  ('baidu', '医疗;诊所', NULL, 'clinic', false, '诊所'),
  ('baidu', '医疗;药店', NULL, 'pharmacy', false, '药店: GB 50180-2018 does not count pharmacies; 完整居住社区建设标准 counts them among 其他便民商业网点'),
  ('baidu', '交通设施;停车场', NULL, NULL, false, 'a car park: not a facility category; give it to cp.parking_gap as parking_sql'),
  ('baidu', '旅游景点;公园', NULL, 'park', false, '公园'),
  ('baidu', '购物;超市', NULL, 'supermarket', false, '超市'),
  ('baidu', '购物;市场', NULL, 'market', false, '市场'),
  ('baidu', '运动健身;体育场馆', NULL, 'sports', false, '体育场馆'),
  ('baidu', '运动健身;健身中心', NULL, 'sports', false, '健身中心'),
  -- plain words, as exports and analysts write them (either provider)
  ('any', '幼儿园', NULL, 'kindergarten', false, '幼儿园'),
  ('any', '托儿所', NULL, 'nursery', false, '托儿所 (ages 0-3)'),
  ('any', '托育', NULL, 'nursery', false, '托育机构 (ages 0-3)'),
  ('any', '托育机构', NULL, 'nursery', false, '托育机构 (ages 0-3)'),
  ('any', '小学', NULL, 'primary_school', false, '小学'),
  ('any', '初中', NULL, 'middle_school', false, '初中'),
  ('any', '初级中学', NULL, 'middle_school', false, '初中'),
  ('any', '中学', NULL, 'middle_school', false, '中学: counted as a junior middle school (初中)'),
  ('any', '九年一贯制学校', NULL, 'primary_school', false, 'a 9-year school counts as primary, as the OSM mapping does'),
  ('any', '高中', NULL, NULL, false, 'a senior high school is not a facility of the life circle'),
  ('any', '高等院校', NULL, NULL, false, 'a university is not a facility of the life circle'),
  ('any', '学校', NULL, NULL, false, 'a school of unknown level: give it 小学 or 初中 (a row of your own) to count it'),
  ('any', '医院', NULL, 'hospital', false, '医院: GB 50180-2018 does not count hospitals at the life-circle level (they are planned for the city and district); kept as hospital, not counted'),
  ('any', '综合医院', NULL, 'hospital', false, '综合医院: not counted by GB 50180-2018 at the life-circle level'),
  ('any', '专科医院', NULL, 'hospital', false, '专科医院: not counted by GB 50180-2018 at the life-circle level'),
  ('any', '药店', NULL, 'pharmacy', false, '药店: GB 50180-2018 does not count pharmacies; 完整居住社区建设标准 counts them among 其他便民商业网点'),
  ('any', '药房', NULL, 'pharmacy', false, '药房: GB 50180-2018 does not count pharmacies; 完整居住社区建设标准 counts them among 其他便民商业网点'),
  ('any', '社区卫生服务中心', NULL, 'clinic', false, '社区卫生服务中心 (社区医院)'),
  ('any', '社区医院', NULL, 'clinic', false, '社区卫生服务中心 (社区医院)'),
  ('any', '卫生院', NULL, 'clinic', false, '乡镇卫生院'),
  ('any', '诊所', NULL, 'clinic', false, '诊所 / 门诊部'),
  ('any', '社区卫生服务站', NULL, 'health_station', false, '社区卫生服务站'),
  ('any', '卫生服务站', NULL, 'health_station', false, '社区卫生服务站'),
  ('any', '卫生室', NULL, 'health_station', false, '村卫生室'),
  ('any', '养老院', NULL, 'elderly_care', false, '养老院'),
  ('any', '敬老院', NULL, 'elderly_care', false, '敬老院'),
  ('any', '老年养护院', NULL, 'elderly_care', false, '老年养护院'),
  ('any', '老年服务站', NULL, 'elderly_care', false, '老年服务站 (完整居住社区建设标准)'),
  ('any', '老年人日间照料中心', NULL, 'elderly_day_care', false, '老年人日间照料中心'),
  ('any', '日间照料中心', NULL, 'elderly_day_care', false, '老年人日间照料中心'),
  ('any', '托老所', NULL, 'elderly_day_care', false, '托老所'),
  ('any', '社区服务中心', NULL, 'community_service', false, '社区服务中心'),
  ('any', '社区服务站', NULL, 'community_service', false, '社区服务站'),
  ('any', '社区综合服务站', NULL, 'community_service', false, '社区综合服务站'),
  ('any', '居委会', NULL, 'community_service', false, '居民委员会'),
  ('any', '文化活动中心', NULL, 'culture_activity', false, '文化活动中心'),
  ('any', '文化活动站', NULL, 'culture_activity', false, '文化活动站'),
  ('any', '文化宫', NULL, 'culture_activity', false, '文化宫'),
  ('any', '图书馆', NULL, 'library', false, '图书馆'),
  ('any', '公园', NULL, 'park', false, '公园'),
  ('any', '社区公园', NULL, 'park', false, '社区公园'),
  ('any', '游园', NULL, 'park', false, '社区游园'),
  ('any', '体育场馆', NULL, 'sports', false, '体育场馆'),
  ('any', '运动场馆', NULL, 'sports', false, '运动场馆'),
  ('any', '健身中心', NULL, 'sports', false, '健身中心'),
  ('any', '全民健身中心', NULL, 'sports', false, '全民健身中心'),
  ('any', '超市', NULL, 'supermarket', false, '超市'),
  ('any', '超级市场', NULL, 'supermarket', false, '超市'),
  ('any', '菜市场', NULL, 'market', false, '菜市场'),
  ('any', '农贸市场', NULL, 'market', false, '农贸市场'),
  ('any', '生鲜超市', NULL, 'market', false, '生鲜超市 (counted with 菜市场, GB 50180-2018)'),
  ('any', '快递', NULL, 'parcel', false, '快递服务站'),
  ('any', '快递柜', NULL, 'parcel', false, '快递柜'),
  ('any', '邮局', NULL, 'parcel', false, '邮局'),
  ('any', '社区食堂', NULL, 'canteen', false, '社区食堂'),
  ('any', '助餐点', NULL, 'canteen', false, '老年助餐点'),
  ('any', '公共厕所', NULL, 'public_toilet', false, '公共厕所'),
  ('any', '停车场', NULL, NULL, false, 'a car park: not a facility category; give it to cp.parking_gap as parking_sql'),
  ('any', '公共停车场', NULL, NULL, false, 'a car park: not a facility category; give it to cp.parking_gap as parking_sql');
UPDATE cp.poi_type_mapping SET shipped = true;   -- the rows above are the shipped ones
ALTER TABLE cp.poi_type_mapping ALTER COLUMN shipped SET DEFAULT false;
CREATE FUNCTION cp.poi_type_mapping_check() RETURNS trigger
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NEW.category IS NOT NULL AND NOT NEW.category = ANY (cp._known_categories()) THEN
    RAISE EXCEPTION 'unknown facility category "%"', NEW.category
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Known categories: %s.', pg_catalog.array_to_string(cp._known_categories(), ', ')),
            HINT = 'Use a code of cp.facility_categories, or NULL for a type that is not a facility.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.poi_type_mapping_check() IS
  'Trigger: a cp.poi_type_mapping row names a known facility category or NULL (22023 naming the known codes)';
CREATE TRIGGER category_check BEFORE INSERT OR UPDATE ON cp.poi_type_mapping
  FOR EACH ROW EXECUTE FUNCTION cp.poi_type_mapping_check();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.poi_type_mapping
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.poi_type_mapping
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.poi_type_mapping', 'WHERE NOT shipped');
GRANT SELECT ON cp.poi_type_mapping TO PUBLIC;
CREATE FUNCTION cp.poi_category(provider text, type_text text, type_code text DEFAULT NULL,
                                standard text DEFAULT 'GB50180-2018',
                                OUT category text, OUT counted boolean, OUT matched text, OUT reason text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_variable
DECLARE
  prov  text := lower(btrim(provider));
  std   text := standard;
  code  text := nullif(btrim(type_code), '');
  t     text := nullif(btrim(pg_catalog.translate(type_text, '；｜', ';|')), '');
  m     record;
BEGIN
  IF prov IS NULL THEN
    RAISE EXCEPTION 'provider must not be NULL' USING ERRCODE = '22004', HINT = 'Name the provider: amap or baidu.';
  END IF;
  IF prov NOT IN ('amap', 'baidu') THEN
    RAISE EXCEPTION 'unknown POI provider "%"', provider
      USING ERRCODE = '22023',
            DETAIL = 'A provider is amap (高德, GCJ-02) or baidu (BD-09).',
            HINT = 'Map other providers'' types with rows of provider any in cp.poi_type_mapping.';
  END IF;
  IF std IS NULL THEN
    RAISE EXCEPTION 'standard must not be NULL' USING ERRCODE = '22004';
  END IF;
  PERFORM cp.check_standard(std);                                  -- 42704 naming the known sets
  -- candidates, best first: the code, each alternative (a|b) by its full path,
  -- then its words from the leaf up, then the code's middle class
  SELECT x.category, x.type_name, x.note, x.provider INTO m
    FROM (SELECT 0 AS alt, 0 AS rank, code AS word, true AS by_code WHERE code IS NOT NULL
          UNION ALL
          SELECT a.n, 1, btrim(a.path), false
            FROM pg_catalog.unnest(pg_catalog.string_to_array(t, '|')) WITH ORDINALITY a(path, n)
          UNION ALL
          SELECT a.n, 2 + (pg_catalog.array_length(w.words, 1) - s.k), btrim(w.words[s.k]), false
            FROM pg_catalog.unnest(pg_catalog.string_to_array(t, '|')) WITH ORDINALITY a(path, n)
           CROSS JOIN LATERAL (SELECT pg_catalog.string_to_array(a.path, ';') AS words) w
           CROSS JOIN LATERAL pg_catalog.generate_subscripts(w.words, 1) s(k)
          UNION ALL
          SELECT 1000, 0, pg_catalog.left(code, 4) || '00', true
           WHERE code ~ '^[0-9]{6}$' AND pg_catalog.right(code, 2) <> '00') c
    JOIN LATERAL (SELECT p.*
                    FROM cp.poi_type_mapping p
                   WHERE p.provider IN (prov, 'any')
                     AND CASE WHEN c.by_code THEN p.type_code = c.word
                              ELSE lower(btrim(p.type_name)) = lower(c.word) END
                   ORDER BY p.shipped, p.provider = 'any'
                   LIMIT 1) x ON true
   WHERE c.word <> ''
   ORDER BY c.alt, c.rank, x.shipped, x.provider = 'any'
   LIMIT 1;
  IF NOT FOUND THEN
    reason := pg_catalog.format('unknown %s type %s%s: add a row to cp.poi_type_mapping', prov,
                                coalesce(pg_catalog.quote_literal(type_text), 'NULL'),
                                CASE WHEN code IS NOT NULL THEN pg_catalog.format(' (code %s)', code) ELSE '' END);
    counted := false;
    RETURN;
  END IF;
  category := m.category;
  matched := m.type_name;
  IF category IS NULL THEN
    counted := false;
    reason := coalesce(m.note, 'not a facility of the life circle');
    RETURN;
  END IF;
  counted := EXISTS (SELECT 1 FROM cp.facility_categories f WHERE f.standard = std AND f.code = category);
  IF NOT counted THEN
    reason := pg_catalog.format('%s is not counted by standard set %s%s', category, std,
                                coalesce(': ' || m.note, ''));
  END IF;
END
$$;
COMMENT ON FUNCTION cp.poi_category(text, text, text, text) IS
  'Facility category of an Amap or Baidu POI through cp.poi_type_mapping (type code, full type path, then each word of the path from the leaf up, then the code''s middle class; user rows first); counted: the category is one of the standard set''s; reason says why a POI is not counted (a hospital or pharmacy the standard does not count, a type that is not a facility, an unknown type). Errors: unknown provider 22023, unknown set 42704';
CREATE FUNCTION cp.poi_facilities(provider text, pois_sql text, srid integer DEFAULT 4326,
                                  standard text DEFAULT 'GB50180-2018', coordinates text DEFAULT NULL)
RETURNS TABLE (id bigint, poi_id text, name text, type text, type_code text, category text, counted boolean,
               matched text, reason text, geom geometry)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  prov  text := lower(btrim(provider));
  sys   text;
  r     record;
  j     jsonb;
  c     record;
  lon   float8;
  lat   float8;
  p     geometry;
  n     bigint := 0;
BEGIN
  IF prov IS NULL OR prov NOT IN ('amap', 'baidu') THEN
    PERFORM cp.poi_category(provider, NULL, NULL, standard);          -- its 22023
  END IF;
  IF pois_sql IS NULL OR srid IS NULL OR standard IS NULL THEN
    RAISE EXCEPTION 'pois_sql, srid and standard must not be NULL' USING ERRCODE = '22004';
  END IF;
  sys := lower(coalesce(coordinates, CASE prov WHEN 'amap' THEN 'gcj02' ELSE 'bd09' END));
  IF sys NOT IN ('gcj02', 'bd09', 'wgs84') THEN
    RAISE EXCEPTION 'unknown coordinate system "%"', coordinates
      USING ERRCODE = '22023',
            DETAIL = 'The coordinates of a POI export are gcj02 (Amap, Tencent), bd09 (Baidu) or wgs84.',
            HINT = 'Leave coordinates NULL for the provider''s own system.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM spatial_ref_sys s WHERE s.srid = poi_facilities.srid) THEN
    RAISE EXCEPTION 'unknown SRID %', srid
      USING ERRCODE = '22023', HINT = 'Give the SRID of the analysis (the network''s), e.g. 4548 or 32650.';
  END IF;
  PERFORM cp.check_standard(standard);
  FOR r IN EXECUTE pg_catalog.format('SELECT pg_catalog.to_jsonb(q) AS j FROM (%s) q', pois_sql) LOOP
    n := n + 1;
    j := r.j;
    IF NOT (j ? 'type' AND j ? 'lon' AND j ? 'lat') THEN
      RAISE EXCEPTION 'pois query: column "%" does not exist',
                      CASE WHEN NOT j ? 'type' THEN 'type' WHEN NOT j ? 'lon' THEN 'lon' ELSE 'lat' END
        USING ERRCODE = '42703',
              DETAIL = 'It must return the columns type, lon, lat (id, name and typecode are optional).',
              HINT = 'Rename the export''s columns in the query, e.g. SELECT lng AS lon, ...';
    END IF;
    BEGIN
      lon := (j ->> 'lon')::float8;
      lat := (j ->> 'lat')::float8;
    EXCEPTION WHEN invalid_text_representation THEN
      RAISE EXCEPTION 'pois query: lon and lat must be numbers'
        USING ERRCODE = '22P02',
              DETAIL = pg_catalog.format('Row %s has lon %s and lat %s.', n, j ->> 'lon', j ->> 'lat');
    END;
    id := n;
    poi_id := j ->> 'id';
    name := j ->> 'name';
    type := j ->> 'type';
    type_code := coalesce(j ->> 'typecode', j ->> 'type_code');
    SELECT * INTO c FROM cp.poi_category(prov, type, type_code, standard) x;
    category := c.category;
    counted := c.counted;
    matched := c.matched;
    reason := c.reason;
    geom := NULL;
    IF lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90 THEN
      p := ST_SetSRID(ST_MakePoint(lon, lat), 4326);
      p := CASE sys WHEN 'gcj02' THEN cp.gcj02_to_wgs84(p) WHEN 'bd09' THEN cp.bd09_to_wgs84(p) ELSE p END;
      geom := CASE WHEN srid = 4326 THEN p ELSE ST_Transform(p, srid) END;
    ELSIF lon IS NOT NULL OR lat IS NOT NULL THEN
      reason := coalesce(reason || '; ', '') || 'no position: lon/lat outside the globe';
    ELSE
      reason := coalesce(reason || '; ', '') || 'no position: lon or lat is NULL';
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.poi_facilities(text, text, integer, text, text) IS
  'An Amap or Baidu POI export (pois_sql returning type, lon, lat; optional id, name, typecode) as facilities: id (row number in the query''s order), the export''s id as poi_id, category through cp.poi_category, counted by the standard set, the reason a POI is not counted, the point moved from GCJ-02 (amap) or BD-09 (baidu) to WGS84 and into srid. Errors: unknown provider or coordinate system 22023, missing column 42703, lon/lat not numbers 22P02, unknown set 42704';

-- from sql/parts/68_names.sql
CREATE FUNCTION cp._t(msgid text) RETURNS text
AS 'MODULE_PATHNAME', 'cp_translate'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cp._t(text) IS
  'Internal: the translation of an English message of the extension in the session''s lc_messages (gettext catalogue community_planning, po/LANG.po), the message itself when there is none (lc_messages C)';
CREATE FUNCTION cp._first_in_statement(kind text, items text[]) RETURNS text[]
AS 'MODULE_PATHNAME', 'cp_first_in_statement_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._first_in_statement(text, text[]) IS
  'Internal: the items (in order, NULLs dropped) not yet reported under kind in the current client statement, which count as reported from now on; a NOTICE built from them is given once per statement, however many analyses the statement runs';
CREATE TABLE cp.category_names (
  code     text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh  text NOT NULL CHECK (name_zh <> ''),
  name_en  text NOT NULL CHECK (name_en <> ''),
  note     text,
  shipped  boolean NOT NULL DEFAULT false,
  PRIMARY KEY (code, shipped)
);
COMMENT ON TABLE cp.category_names IS
  'One Chinese and one English name per shared facility category code, for results (cp.category_name, missing_categories_zh of cp.life_circle); a row of your own (shipped = false) renames a shipped code or names a code of your own';
COMMENT ON COLUMN cp.category_names.code IS 'Shared category code, as in cp.facility_categories and facilities_sql rows';
COMMENT ON COLUMN cp.category_names.name_zh IS 'Short Chinese name used in results (the standards'' full names per level are in cp.facility_categories.name_zh)';
COMMENT ON COLUMN cp.category_names.name_en IS 'Short English name used in results';
COMMENT ON COLUMN cp.category_names.note IS 'Which names of the standards the name stands for';
COMMENT ON COLUMN cp.category_names.shipped IS 'True for rows shipped with the extension (read-only, not dumped); false for your own rows, which take precedence';
INSERT INTO cp.category_names (code, name_zh, name_en, note, shipped) VALUES
('kindergarten',      '幼儿园',           'kindergarten',                'GB 50180-2018 and 完整居住社区建设标准: 幼儿园', true),
('nursery',           '托儿所',           'nursery',                     'GB 50180-2018 and 完整居住社区建设标准: 托儿所 (ages 0–3)', true),
('primary_school',    '小学',             'primary school',              'GB 50180-2018: 小学', true),
('middle_school',     '初中',             'junior middle school',        'GB 50180-2018: 初中', true),
('health_station',    '社区卫生服务站',   'community health station',    'GB 50180-2018 5min: 社区卫生服务站', true),
('clinic',            '社区卫生服务中心', 'community health centre',     'GB 50180-2018 15min: 社区卫生服务中心(社区医院)', true),
('hospital',          '医院',             'hospital',                    'Not counted by the shipped standards; OSM mapping only', true),
('pharmacy',          '药店',             'pharmacy',                    '完整居住社区建设标准: 其他便民商业网点(药店等)', true),
('elderly_care',      '养老服务设施',     'elderly care',                'GB 50180-2018 15min: 养老院, 老年养护院; 完整居住社区建设标准: 老年服务站', true),
('elderly_day_care',  '老年人日间照料中心', 'elderly day care',          'GB 50180-2018 5min: 老年人日间照料中心(托老所)', true),
('community_service', '社区服务中心(站)', 'community service',           'GB 50180-2018: 社区服务中心(街道级), 社区服务站; 完整居住社区建设标准: 社区综合服务站', true),
('culture_activity',  '文化活动中心(站)', 'cultural activities',         'GB 50180-2018: 文化活动中心 (15min), 文化活动站 (5min)', true),
('library',           '图书馆',           'library',                     'OSM mapping only', true),
('sports',            '体育运动场地',     'sports ground',               'GB 50180-2018: 大型, 中型, 小型多功能运动场地, 室外综合健身场地', true),
('park',              '公共绿地',         'public green space',          'GB 50180-2018: 公共绿地(居住区公园); 完整居住社区建设标准: 公共活动场地, 公共绿地', true),
('supermarket',       '综合超市',         'supermarket',                 '完整居住社区建设标准: 综合超市', true),
('market',            '菜市场',           'food market',                 'GB 50180-2018 10min: 菜市场或生鲜超市', true),
('parcel',            '邮件和快件送达设施', 'parcel delivery',           'GB 50180-2018 block: 邮件和快件送达设施; 完整居住社区建设标准: 邮件和快件寄递服务设施', true),
('canteen',           '社区食堂',         'community canteen',           'OSM mapping only', true),
('public_toilet',     '公共厕所',         'public toilet',               'OSM mapping only', true);
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.category_names
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.category_names
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.category_names', 'WHERE NOT shipped');
GRANT SELECT ON cp.category_names TO PUBLIC;
CREATE FUNCTION cp.category_name(code text, lang text DEFAULT 'zh') RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce((SELECT CASE WHEN lang LIKE 'en%' THEN n.name_en ELSE n.name_zh END
                     FROM cp.category_names n WHERE n.code = category_name.code
                    ORDER BY n.shipped LIMIT 1), code)
$$;
COMMENT ON FUNCTION cp.category_name(text, text) IS
  'One name per facility category code (cp.category_names: your own row first, then the shipped one; the code itself when neither names it): lang zh (default) Chinese, en English';
CREATE FUNCTION cp.category_names(codes text[], lang text DEFAULT 'zh') RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce(pg_catalog.array_agg(cp.category_name(c.code, lang) ORDER BY c.n), '{}')
    FROM unnest(codes) WITH ORDINALITY AS c (code, n)
$$;
COMMENT ON FUNCTION cp.category_names(text[], text) IS
  'The names (cp.category_name) of an array of category codes, in the same order';

-- from sql/parts/70_roles.sql
CREATE OR REPLACE FUNCTION cp._role_privileges(OUT role_name name, OUT privilege text, OUT objects text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  VALUES
    ('cp_reader'::name, 'SELECT', 'cp.network_catalog, cp.networks, cp.indicator_values, cp.indicator_local, cp.community_scores'),
    -- also granted to PUBLIC; held here too, so a publishing district can revoke PUBLIC's (docs/province.md)
    ('cp_reader', 'SELECT', 'cp.communities, cp.heritage_site, cp.heritage_config'),
    ('cp_reader', 'SELECT', 'cp.province_districts, cp.province_info, cp.province_communities, cp.province_indicator_values, cp.province_community_scores'),
    ('cp_planner', 'INSERT, UPDATE, DELETE', 'cp.network_catalog, cp.communities, cp.indicator_values, cp.indicator_local'),
    ('cp_planner', 'USAGE', 'SEQUENCE cp.network_build_seq'),
    ('cp_reader', 'SELECT', 'cp.scenarios, cp.scenario_edges, cp.scenario_facilities, cp.scenario_residents, cp.scenario_status'),
    ('cp_planner', 'INSERT, UPDATE, DELETE', 'cp.scenarios, cp.scenario_edges, cp.scenario_facilities, cp.scenario_residents'),
    ('cp_heritage_editor', 'INSERT, UPDATE, DELETE', 'cp.heritage_site'),
    ('cp_auditor', 'SELECT', 'cp.heritage_history'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.walk_profiles, cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards, cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.osm_category_map, cp.heritage_config, cp.population_shares, cp.poi_type_mapping, cp.parking_use_map, cp.parking_type_capacity, cp.category_names'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.publication'),
    ('cp_province_reader', 'SELECT', 'cp.published_info, cp.published_communities, cp.published_indicator_values')
$$;

-- from sql/parts/80_sites.sql
CREATE FUNCTION cp._suggest_sites_run(network text, residents_sql text, candidates_sql text, facilities_sql text,
                                      category text, n integer, objective text, cutoff float8, by_time boolean,
                                      group_column text, share float8, known text[], quiet text[],
                                      min_floor_m2 float8, min_site_m2 float8, per_1000 float8, capacity float8,
                                      penalty float8, max_snap_m float8,
                                      OUT rank integer, OUT candidate_id bigint, OUT gain float8, OUT value float8,
                                      OUT covered float8, OUT target float8, OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_suggest_sites_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._suggest_sites_run(text, text, text, text, text, integer, text, float8, boolean, text, float8, text[], text[], float8, float8, float8, float8, float8, float8) IS
  'Internal: greedy site choice with lazy evaluation (CELF) for one category: residents (id, geom, population, cohort columns), candidates (id, geom, optional capacity) and facilities (id, category, geom, capacity; NULL = none) read once, one bounded search per facility and candidate; per pick its rank, marginal gain, the objective after it (covered people, person-metres, remaining gap in places), the target group covered within the cut-off and in total, the candidate''s geometry as given (EWKB)';
CREATE FUNCTION cp.suggest_sites(network text, residents_sql text, candidates_sql text, category text, n integer,
                                 facilities_sql text DEFAULT NULL, objective text DEFAULT 'coverage',
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                 unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                                 capacity float8 DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                                 max_walk float8 DEFAULT NULL)
RETURNS TABLE (rank integer, candidate_id bigint, gain float8, objective_value float8,
               covered_population float8, covered_share float8, target_group text, estimated boolean,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  obj text := objective;
  rate float8 := per_1000;
  st record;
  speed float8 := 1;       -- bounded-metric metres per unit of the result (1 for metres)
  penalty float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR candidates_sql IS NULL OR cat IS NULL OR n IS NULL
     OR obj IS NULL OR standard IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  IF obj NOT IN ('coverage', 'capacity_gap', 'p_median') THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown objective "%s"'), obj), ERRCODE = '22023',
      HINT = cp._t('Use ''coverage'', ''capacity_gap'' or ''p_median''.');
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  IF cp._unit_is_time(unit) THEN
    speed := st.cutoff / st.minutes;
  END IF;
  IF max_walk IS NOT NULL THEN
    IF obj <> 'p_median' THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('max_walk applies to objective p_median only'), ERRCODE = '22023';
    END IF;
    IF NOT (max_walk > 0 AND max_walk < 'Infinity') THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('max_walk must be a finite number above zero'), ERRCODE = '22023';
    END IF;
    penalty := max_walk * speed;
  END IF;
  IF obj = 'capacity_gap' AND rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = suggest_sites.standard AND c.code = cat;
    IF rate IS NULL THEN
      RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" gives no per-1000-resident figure for "%s"'), standard, cat),
        ERRCODE = '22004', HINT = cp._t('Pass the places per 1000 residents as per_1000 => ..., with its source.');
    END IF;
  END IF;
  RETURN QUERY
    SELECT e.rank, e.candidate_id,
           CASE WHEN obj = 'p_median' THEN e.gain / speed ELSE e.gain END,
           CASE WHEN obj = 'p_median' THEN e.value / speed ELSE e.value END,
           e.covered, e.covered / nullif(e.target, 0), st.target_group, e.estimated, e.geom::geometry
      FROM cp._suggest_sites_run(network, cp._coverage_query(residents_sql), cp._coverage_query(candidates_sql),
                                 cp._coverage_query(facilities_sql), cat, n, obj, st.cutoff, cp._unit_is_time(unit),
                                 st.group_column, st.share, cp._known_categories(),
                                 (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                                   WHERE c.standard = suggest_sites.standard AND c.code <> cat),
                                 coalesce(st.min_floor_m2, 0), coalesce(st.min_site_m2, 0), rate, capacity, penalty, 250) e
     ORDER BY e.rank;
END
$$;
COMMENT ON FUNCTION cp.suggest_sites(text, text, text, text, integer, text, text, text, text, text, text, float8, float8, float8) IS
  'Site suggestions (docs/sites.md): n of the candidate sites (candidates_sql: id, geom, optional capacity) that best serve a category''s target group (the residents query''s age-cohort column, else population × its share in population_shares: estimated), given the existing facilities of the category (facilities_sql: id, category, geom, capacity for capacity_gap; NULL = none), on foot within the category''s cut-off (unit m) or walking time at its users'' pace (unit min). objective ''coverage'': people of the group newly within the cut-off; ''capacity_gap'': the 2SFCA gap closed, gap = sum of max(0, demand - accessible places) with demand = people × per_1000 / 1000 (per_1000 from the set or given; capacity = places of candidates without a capacity column); ''p_median'': reduction of the group''s total walk to the nearest facility, people beyond reach counted at max_walk (default the cut-off; metres or minutes). Greedy with lazy evaluation (CELF) over one bounded search per candidate; one row per pick in order: rank, marginal gain, objective_value after the pick (people covered; total walk in person-metres or person-minutes; remaining gap in places), the group covered within the cut-off and its share, the candidate''s geometry. Ties: lowest id. Errors: n below 1 or above the candidates 22023, unknown objective 22023, duplicate ids 23505, missing column 42703, unknown network or set 42704, no per_1000 22004, candidate without capacity 23502';

-- from sql/parts/81_surface.sql
CREATE FUNCTION cp._surface_eval(network text, residents_sql text, facilities_sql text, category text,
                                 quiet text[], known text[], cutoff float8, by_time boolean,
                                 group_column text, share float8, min_floor_m2 float8, min_site_m2 float8,
                                 decay text, decay_param float8, max_snap_m float8, cell_m float8,
                                 postgis_schema text,
                                 OUT cell bigint, OUT geom bytea, OUT units integer, OUT population float8,
                                 OUT target_population float8, OUT estimated boolean, OUT covered float8,
                                 OUT reached float8, OUT walk_mean_m float8, OUT walk_max_m float8,
                                 OUT walk_mean_t float8, OUT walk_max_t float8, OUT supply float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_surface_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._surface_eval(text, text, text, text, text[], text[], float8, boolean, text, float8, float8, float8, text, float8, float8, float8, text) IS
  'Internal: per hexagon (ST_HexagonGrid of edge cell_m over the residents, in the network''s CRS; cell = ((i + 2^30) * 2^31 + j + 2^30)) with residents: units, population, target group (group_column, else population × share: estimated, per cell), the group within the cut-off (covered) and within 3 cut-offs (reached), the walk to the nearest facility over the reached units weighted by the group (metres; _t: slope-weighted metres), the 2SFCA accessible capacity of the group (decay as cp._supply_eval); residents and facilities read once each';
CREATE FUNCTION cp.access_surface(network text, residents_sql text, facilities_sql text, category text, cell_m float8,
                                  standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                  unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                                  decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                  per_1000 float8 DEFAULT NULL)
RETURNS TABLE (cell_id bigint, cell_i integer, cell_j integer, target_group text, units integer,
               population float8, target_population float8, estimated boolean,
               covered_population float8, covered_ratio float8, reached_population float8,
               walk_mean_m float8, walk_max_m float8, walk_mean_min float8, walk_max_min float8,
               supply float8, supply_per_1000 float8, demand float8, unmet_demand float8,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  std text := standard;
  rate float8 := per_1000;
  st record;
  speed float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR cell_m IS NULL
     OR std IS NULL OR unit IS NULL OR population_shares IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  IF NOT (cell_m >= 1 AND cell_m <= 10000) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('cell_m must be between 1 and 10000 metres'), ERRCODE = '22023',
      DETAIL = pg_catalog.format(cp._t('The value given is %s.'), cell_m),
      HINT = cp._t('cell_m is the edge of a hexagon (ST_HexagonGrid''s size): 100 m makes cells of 2.6 ha.');
  END IF;
  PERFORM cp.check_standard(std);
  SELECT * INTO st FROM cp._supply_settings(std, cat, unit, profile, population_shares);
  speed := cp._profile_speed(st.walk_profile);
  IF rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = std AND c.code = cat;
  ELSIF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('per_1000 must be a finite number above zero'), ERRCODE = '22023';
  END IF;
  RETURN QUERY
    SELECT e.cell, (e.cell / 2147483648 - 1073741824)::integer, (e.cell % 2147483648 - 1073741824)::integer,
           st.target_group, e.units, e.population, e.target_population, e.estimated,
           e.covered, e.covered / nullif(e.target_population, 0), e.reached,
           e.walk_mean_m, e.walk_max_m, e.walk_mean_t / speed, e.walk_max_t / speed,
           e.supply, 1000.0 * e.supply / nullif(e.target_population, 0),
           e.target_population * rate / 1000.0,
           CASE WHEN rate IS NOT NULL THEN greatest(e.target_population * rate / 1000.0 - e.supply, 0) END,
           e.geom::geometry
      FROM cp._surface_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                            (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                              WHERE c.standard = std AND c.code <> cat),
                            cp._known_categories(), st.cutoff, cp._unit_is_time(unit), st.group_column, st.share,
                            st.min_floor_m2, st.min_site_m2, decay, decay_param, 250, cell_m,
                            cp._postgis_schema()) e
     ORDER BY e.cell;
END
$$;
COMMENT ON FUNCTION cp.access_surface(text, text, text, text, float8, text, text, text, text, text, float8, float8) IS
  'Accessibility surface of one facility category (docs/surface.md): a hexagon grid (ST_HexagonGrid, cell_m = the hexagon''s edge, 1 to 10000 m) over the residents (id, geom, population, optional age cohorts) in the network''s CRS; per cell with residents (a unit is in the cell containing its point, lowest id on an edge): population, the category''s target group (its cohort column, else population × its share: estimated), covered_population within the walking radius (unit m) or time (unit min) and its ratio, the walk to the nearest facility (id, category, geom, capacity) searched to 3 cut-offs, mean (weighted by the group) and max over the units that reach one (reached_population), in metres and minutes at the users'' pace, the two-step floating catchment''s accessible capacity (decay ''step'', ''gaussian'', ''exponential'' as cp.supply_access) and per 1000 of the group, demand = group × per_1000 / 1000 (the set''s or given; NULL when neither) and unmet_demand = max(demand - supply, 0) (NULL without demand). Each query runs once. Errors: cell_m out of range or too many cells 22023, unknown set 42704, category without radius 22023, missing column 42703';

-- from sql/parts/82_scenarios.sql
CREATE TABLE cp.scenarios (
  name            text PRIMARY KEY CHECK (name <> ''),
  base_network    text NOT NULL CHECK (base_network <> ''),
  owner           name NOT NULL DEFAULT current_user,
  note            text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  stale           boolean NOT NULL DEFAULT true,
  base_build_id   bigint,
  network_build_id bigint,
  CHECK (name <> base_network)
);
COMMENT ON TABLE cp.scenarios IS
  'Scenarios: named sets of edits to a base network and to the caller''s facilities and residents (docs/scenarios.md); dumped by pg_dump. Row-level security as cp.network_catalog: everyone with SELECT reads every scenario; only its owner''s members and cp_admin edit or drop it';
COMMENT ON COLUMN cp.scenarios.base_network IS 'The network the scenario edits (a name of cp.network_catalog, possibly another scenario)';
COMMENT ON COLUMN cp.scenarios.owner IS 'Role that created the scenario; only its members and cp_admin edit or drop it';
COMMENT ON COLUMN cp.scenarios.stale IS 'The edge edits changed since the scenario''s network was compiled (it is recompiled by the edit statement itself when it can, else by cp.scenario_network)';
COMMENT ON COLUMN cp.scenarios.base_build_id IS 'build_id of the base network the scenario network was compiled from';
COMMENT ON COLUMN cp.scenarios.network_build_id IS 'build_id of the scenario''s compiled network';
SELECT pg_catalog.pg_extension_config_dump('cp.scenarios', '');
CREATE TABLE cp.scenario_edges (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'close')),
  edge_id       bigint NOT NULL,
  geom          geometry,
  cost          float8 CHECK (cost < 'Infinity'),
  reverse_cost  float8 CHECK (reverse_cost < 'Infinity'),
  note          text,
  PRIMARY KEY (scenario, op, edge_id),
  CHECK (op = 'close' OR (geom IS NOT NULL AND edge_id > 0
                          AND GeometryType(geom) IN ('LINESTRING', 'MULTILINESTRING') AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR (geom IS NULL AND cost IS NULL AND reverse_cost IS NULL))
);
COMMENT ON TABLE cp.scenario_edges IS
  'Network edits of a scenario: add (a new line, edge_id > 0 your own label, cost/reverse_cost as in an edges query: NULL = its length, negative = closed in that direction) or close (edge_id = an input edge id of the base network: every piece of it is left out)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_edges', '');
CREATE TABLE cp.scenario_facilities (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'remove', 'resize')),
  facility_id   bigint NOT NULL,
  category      text,
  geom          geometry,
  capacity      float8 CHECK (capacity >= 0 AND capacity < 'Infinity'),
  floor_area    float8 CHECK (floor_area >= 0 AND floor_area < 'Infinity'),
  site_area     float8 CHECK (site_area >= 0 AND site_area < 'Infinity'),
  name          text,
  note          text,
  PRIMARY KEY (scenario, facility_id),
  CHECK (op <> 'add' OR (category IS NOT NULL AND geom IS NOT NULL AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR (category IS NULL AND geom IS NULL)),
  CHECK (op <> 'remove' OR (capacity IS NULL AND floor_area IS NULL AND site_area IS NULL))
);
COMMENT ON TABLE cp.scenario_facilities IS
  'Facility edits of a scenario: add (a new facility: id of your own that the base query does not use, category, geom, optional capacity, floor_area, site_area, name), remove (facility_id of the base query), resize (its capacity, floor_area or site_area replaced where not NULL)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_facilities', '');
CREATE TABLE cp.scenario_residents (
  scenario      text NOT NULL REFERENCES cp.scenarios (name) ON DELETE CASCADE,
  op            text NOT NULL CHECK (op IN ('add', 'remove', 'resize')),
  resident_id   bigint NOT NULL,
  geom          geometry,
  population    float8 CHECK (population >= 0 AND population < 'Infinity'),
  cohorts       jsonb CHECK (cohorts IS NULL OR jsonb_typeof(cohorts) = 'object'),
  note          text,
  PRIMARY KEY (scenario, resident_id),
  CHECK (op <> 'add' OR (geom IS NOT NULL AND population IS NOT NULL AND ST_SRID(geom) <> 0)),
  CHECK (op = 'add' OR geom IS NULL),
  CHECK (op <> 'remove' OR (population IS NULL AND cohorts IS NULL))
);
COMMENT ON TABLE cp.scenario_residents IS
  'Resident edits of a scenario: add (a new building: id of your own, geom, population, optional cohorts as {"age_3_6": 40, ...} filling the residents query''s cohort columns), remove (resident_id of the base query), resize (its population and cohorts replaced where given)';
SELECT pg_catalog.pg_extension_config_dump('cp.scenario_residents', '');
CREATE VIEW cp.scenario_status AS
SELECT s.name, s.base_network, s.owner, s.note, s.created_at,
       s.stale OR c.build_id IS DISTINCT FROM s.network_build_id
               OR b.build_id IS DISTINCT FROM s.base_build_id AS stale,
       (SELECT count(*) FROM cp.scenario_edges e WHERE e.scenario = s.name AND e.op = 'add') AS edges_added,
       (SELECT count(*) FROM cp.scenario_edges e WHERE e.scenario = s.name AND e.op = 'close') AS edges_closed,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'add') AS facilities_added,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'remove') AS facilities_removed,
       (SELECT count(*) FROM cp.scenario_facilities f WHERE f.scenario = s.name AND f.op = 'resize') AS facilities_resized,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'add') AS residents_added,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'remove') AS residents_removed,
       (SELECT count(*) FROM cp.scenario_residents r WHERE r.scenario = s.name AND r.op = 'resize') AS residents_changed,
       c.nodes, c.edges, c.built_at
  FROM cp.scenarios s
  LEFT JOIN cp.network_catalog c ON c.name = s.name
  LEFT JOIN cp.network_catalog b ON b.name = s.base_network;
COMMENT ON VIEW cp.scenario_status IS
  'Scenarios with their edit counts and whether the compiled network is stale (edge edits since, the base rebuilt, or the network missing or replaced): cp.scenario_network(name) recompiles it';
ALTER TABLE cp.scenarios ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_read ON cp.scenarios FOR SELECT USING (true);
CREATE POLICY scenario_insert ON cp.scenarios FOR INSERT WITH CHECK (owner OPERATOR(pg_catalog.=) current_user);
CREATE POLICY scenario_update ON cp.scenarios FOR UPDATE
  USING (cp._network_may_manage(owner)) WITH CHECK (cp._network_may_manage(owner));
CREATE POLICY scenario_delete ON cp.scenarios FOR DELETE USING (cp._network_may_manage(owner));
CREATE FUNCTION cp._scenario_may_manage(scenario text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT EXISTS (SELECT 1 FROM cp.scenarios s
                  WHERE s.name OPERATOR(pg_catalog.=) scenario AND cp._network_may_manage(s.owner))
$$;
COMMENT ON FUNCTION cp._scenario_may_manage(text) IS
  'Internal: true when the current role may edit the scenario (a member of its owner or of cp_admin)';
ALTER TABLE cp.scenario_edges ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_edges_read ON cp.scenario_edges FOR SELECT USING (true);
CREATE POLICY scenario_edges_write ON cp.scenario_edges FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));
ALTER TABLE cp.scenario_facilities ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_facilities_read ON cp.scenario_facilities FOR SELECT USING (true);
CREATE POLICY scenario_facilities_write ON cp.scenario_facilities FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));
ALTER TABLE cp.scenario_residents ENABLE ROW LEVEL SECURITY;
CREATE POLICY scenario_residents_read ON cp.scenario_residents FOR SELECT USING (true);
CREATE POLICY scenario_residents_write ON cp.scenario_residents FOR ALL
  USING (cp._scenario_may_manage(scenario)) WITH CHECK (cp._scenario_may_manage(scenario));
CREATE FUNCTION cp._scenario_get(scenario text) RETURNS cp.scenarios
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
BEGIN
  SELECT * INTO s FROM cp.scenarios x WHERE x.name = scenario;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('scenario "%s" does not exist'), scenario),
      ERRCODE = '42704', HINT = cp._t('Create it with cp.scenario_create(); cp.scenario_status lists the scenarios.');
  END IF;
  RETURN s;
END
$$;
COMMENT ON FUNCTION cp._scenario_get(text) IS 'Internal: the scenario''s row; 42704 when there is none';
CREATE FUNCTION cp._scenario_edges_input(scenario text)
RETURNS TABLE (id bigint, geom geometry, cost float8, reverse_cost float8)
LANGUAGE sql STABLE STRICT
SET search_path FROM CURRENT
AS $$
  WITH s AS (SELECT x.name, x.base_network, c.srid FROM cp.scenarios x
               JOIN cp.network_catalog c ON c.name = x.base_network WHERE x.name = scenario)
  SELECT e.piece, e.geom, e.cost, e.reverse_cost
    FROM s CROSS JOIN LATERAL cp.network_edges(s.base_network) e
   WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_edges x
                      WHERE x.scenario = s.name AND x.op = 'close' AND x.edge_id = e.edge_id)
  UNION ALL
  SELECT -x.edge_id, ST_Transform(x.geom, s.srid),
         coalesce(x.cost, CASE WHEN EXISTS (SELECT 1 FROM spatial_ref_sys r
                                             WHERE r.srid = ST_SRID(x.geom) AND r.proj4text LIKE '%+proj=longlat%')
                               THEN ST_Length(x.geom::geography) ELSE ST_Length(x.geom) END),
         x.reverse_cost
    FROM s JOIN cp.scenario_edges x ON x.scenario = s.name AND x.op = 'add'
$$;
COMMENT ON FUNCTION cp._scenario_edges_input(text) IS
  'Internal: the edges query of a scenario network: the base network''s pieces (id = piece, their costs) without the closed input edges, plus the added lines in the base''s CRS (id = -edge_id; NULL cost = geodesic length for longitude/latitude, planar otherwise)';
CREATE FUNCTION cp._scenario_compile(scenario text, force boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  base record;
  cur record;
  q text;
  blob bytea;
  bid bigint;
BEGIN
  s := cp._scenario_get(scenario);
  SELECT c.build_id, c.tolerance_m INTO base FROM cp.network_catalog c WHERE c.name = s.base_network;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(s.base_network);
  END IF;
  SELECT c.build_id, c.owner INTO cur FROM cp.network_catalog c WHERE c.name = s.name;
  IF FOUND AND cur.owner IS DISTINCT FROM s.owner AND NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('network "%s" belongs to role %s, not to the scenario''s owner'), s.name, cur.owner),
      ERRCODE = '42501', HINT = cp._t('A scenario''s network carries its name; drop that network or choose another scenario name.');
  END IF;
  IF NOT force AND NOT s.stale AND cur.build_id IS NOT DISTINCT FROM s.network_build_id
     AND base.build_id IS NOT DISTINCT FROM s.base_build_id THEN
    RETURN cur.build_id;    -- up to date
  END IF;
  IF NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('permission denied to rebuild scenario "%s"'), s.name),
      ERRCODE = '42501', DETAIL = pg_catalog.format(cp._t('The scenario belongs to role %s.'), s.owner),
      HINT = cp._t('Its network is out of date (its edits or its base changed): a member of the owning role or of cp_admin runs cp.scenario_network(name).');
  END IF;
  q := pg_catalog.format('SELECT id, geom, cost, reverse_cost FROM cp._scenario_edges_input(%L)', s.name);
  blob := cp._network_compile(q, base.tolerance_m);
  INSERT INTO cp.network_catalog AS c
         (name, edges_sql, tolerance_m, srid, source_srid, nodes, edges, input_edges, components,
          largest_component_share, total_length_m, compiled_bytes, geometry_bytes, has_z, compiled, owner)
  SELECT s.name, q, base.tolerance_m, m.srid, m.source_srid, m.nodes, m.edges, m.input_edges, m.components,
         m.largest_component_share, m.total_length_m, m.compiled_bytes, m.geometry_bytes, m.has_z, blob, s.owner
    FROM cp._network_summary(blob) m
  ON CONFLICT ON CONSTRAINT network_catalog_pkey DO UPDATE
     SET edges_sql = excluded.edges_sql, tolerance_m = excluded.tolerance_m, srid = excluded.srid,
         source_srid = excluded.source_srid, nodes = excluded.nodes, edges = excluded.edges,
         input_edges = excluded.input_edges, components = excluded.components,
         largest_component_share = excluded.largest_component_share,
         total_length_m = excluded.total_length_m, compiled_bytes = excluded.compiled_bytes,
         geometry_bytes = excluded.geometry_bytes, has_z = excluded.has_z, compiled = excluded.compiled,
         owner = excluded.owner, build_id = nextval('cp.network_build_seq'), built_at = now()
  RETURNING c.build_id INTO bid;
  UPDATE cp.scenarios x SET stale = false, base_build_id = base.build_id, network_build_id = bid
   WHERE x.name = s.name;
  RETURN bid;
END
$$;
COMMENT ON FUNCTION cp._scenario_compile(text, boolean) IS
  'Internal: compile a scenario''s network from its base''s pieces and its edge edits, stored in cp.network_catalog under the scenario''s name and owned by the scenario''s owner; does nothing when it is up to date (unless force); returns its build_id';
CREATE FUNCTION cp._scenario_edges_changed() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  names text[];
  n text;
BEGIN
  -- each branch names only the transition tables its event has
  IF TG_OP = 'INSERT' THEN
    names := ARRAY(SELECT DISTINCT r.scenario FROM new_rows r);
  ELSIF TG_OP = 'DELETE' THEN
    names := ARRAY(SELECT DISTINCT r.scenario FROM old_rows r);
  ELSE
    names := ARRAY(SELECT r.scenario FROM new_rows r UNION SELECT r.scenario FROM old_rows r);
  END IF;
  FOREACH n IN ARRAY names LOOP
    UPDATE cp.scenarios s SET stale = true WHERE s.name = n;
    IF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = n)
       AND EXISTS (SELECT 1 FROM cp.scenarios s JOIN cp.network_catalog b ON b.name = s.base_network
                    WHERE s.name = n) THEN
      PERFORM cp._scenario_compile(n);
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION cp._scenario_edges_changed() IS
  'Internal: statement trigger of cp.scenario_edges: marks the edited scenarios stale and recompiles each network once';
CREATE TRIGGER scenario_edges_insert AFTER INSERT ON cp.scenario_edges
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();
CREATE TRIGGER scenario_edges_update AFTER UPDATE ON cp.scenario_edges
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();
CREATE TRIGGER scenario_edges_delete AFTER DELETE ON cp.scenario_edges
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cp._scenario_edges_changed();
CREATE FUNCTION cp.scenario_create(name text, base_network text, note text DEFAULT NULL)
RETURNS SETOF cp.scenario_status
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF name IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('scenario name must not be NULL'), ERRCODE = '22004';
  END IF;
  IF name = '' THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('scenario name must not be empty'), ERRCODE = '22023';
  END IF;
  IF base_network IS NULL OR NOT EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = scenario_create.base_network) THEN
    PERFORM cp._network_missing(coalesce(base_network, ''));
  END IF;
  IF EXISTS (SELECT 1 FROM cp.scenarios s WHERE s.name = scenario_create.name) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('scenario "%s" already exists'), name),
      ERRCODE = '42710', HINT = cp._t('Edit its rows, or drop it with cp.scenario_drop() first.');
  END IF;
  IF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = scenario_create.name) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('a network called "%s" already exists'), name),
      ERRCODE = '42710', HINT = cp._t('A scenario''s network carries the scenario''s name: choose another name.');
  END IF;
  INSERT INTO cp.scenarios (name, base_network, note) VALUES (scenario_create.name, scenario_create.base_network, note);
  PERFORM cp._scenario_compile(name);
  RETURN QUERY SELECT * FROM cp.scenario_status s WHERE s.name = scenario_create.name;
END
$$;
COMMENT ON FUNCTION cp.scenario_create(text, text, text) IS
  'Create a scenario (owned by the current role) on a base network and compile its network under the scenario''s name; then add its edits as rows of cp.scenario_edges, cp.scenario_facilities and cp.scenario_residents. Errors: empty name 22023, unknown base network 42704, the name taken by a scenario or a network 42710';
CREATE FUNCTION cp.scenario_network(name text) RETURNS SETOF cp.scenario_status
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._scenario_compile(name);
  RETURN QUERY SELECT * FROM cp.scenario_status s WHERE s.name = scenario_network.name;
END
$$;
COMMENT ON FUNCTION cp.scenario_network(text) IS
  'Bring a scenario''s network up to date (compiled from the base network''s pieces minus closed edges plus added ones, registered under the scenario''s name so every analysis takes it) when its edges or its base changed; returns its status. Errors: unknown scenario or base network 42704';
CREATE FUNCTION cp.scenario_drop(name text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
BEGIN
  s := cp._scenario_get(name);
  IF NOT cp._network_may_manage(s.owner) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('permission denied to drop scenario "%s"'), name),
      ERRCODE = '42501', DETAIL = pg_catalog.format(cp._t('The scenario belongs to role %s.'), s.owner),
      HINT = cp._t('Only members of the owning role and of cp_admin may edit or drop a scenario.');
  END IF;
  DELETE FROM cp.scenarios x WHERE x.name = scenario_drop.name;
  DELETE FROM cp.network_catalog c WHERE c.name = scenario_drop.name AND cp._network_may_manage(c.owner);
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.scenario_drop(text) IS
  'Drop a scenario, its edits and its network. Errors: unknown scenario 42704, not its owner''s member nor cp_admin 42501';
CREATE FUNCTION cp._query_columns(query text, OUT name text, OUT type text) RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  names text[];
  types text[];
BEGIN
  EXECUTE pg_catalog.format(
    'SELECT ARRAY(SELECT pg_catalog.json_object_keys(pg_catalog.to_json(z))) FROM (SELECT 1) d LEFT JOIN (%s) y ON false, LATERAL (SELECT y.*) z',
    cp._coverage_query(query)) INTO names;
  EXECUTE pg_catalog.format('SELECT ARRAY[%s]::text[] FROM (SELECT 1) d LEFT JOIN (%s) y ON false',
    (SELECT pg_catalog.string_agg(pg_catalog.format('pg_catalog.format_type(pg_catalog.pg_typeof(y.%I)::oid, NULL)', n), ', ')
       FROM unnest(names) n),
    cp._coverage_query(query)) INTO types;
  RETURN QUERY SELECT u.n, u.t FROM unnest(names, types) AS u (n, t);
END
$$;
COMMENT ON FUNCTION cp._query_columns(text) IS
  'Internal: the result columns (name, type) of a caller''s query, found without reading its rows';
CREATE FUNCTION cp._scenario_cast(expr text, type text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN type = 'bytea' THEN 'ST_AsEWKB(' || expr || ')' ELSE '(' || expr || ')::' || type END
$$;
COMMENT ON FUNCTION cp._scenario_cast(text, text) IS 'Internal: SQL casting an edit value to a base column''s type (geometry to EWKB for bytea)';
CREATE FUNCTION cp.scenario_facilities_sql(name text, base_facilities_sql text) RETURNS text
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  cols record;
  base_list text[] := '{}';
  add_list text[] := '{}';
  extra text;
  lit text;
BEGIN
  s := cp._scenario_get(name);
  lit := pg_catalog.quote_literal(s.name);
  FOR cols IN SELECT * FROM cp._query_columns(base_facilities_sql) LOOP
    IF cols.name IN ('capacity', 'floor_area', 'site_area') THEN
      base_list := base_list || pg_catalog.format('coalesce(%s, b.%I) AS %I',
                     cp._scenario_cast('r.' || cols.name, cols.type), cols.name, cols.name);
    ELSE
      base_list := base_list || pg_catalog.format('b.%I', cols.name);
    END IF;
    add_list := add_list || CASE
      WHEN cols.name = 'id' THEN cp._scenario_cast('a.facility_id', cols.type)
      WHEN cols.name IN ('category', 'geom', 'capacity', 'floor_area', 'site_area', 'name')
        THEN cp._scenario_cast('a.' || cols.name, cols.type)
      ELSE 'NULL::' || cols.type END;
  END LOOP;
  IF NOT ('b.id' = ANY (base_list) AND 'b.category' = ANY (base_list) AND 'b.geom' = ANY (base_list)) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('the facilities query must return columns id, category and geom'),
      ERRCODE = '42703';
  END IF;
  -- amounts the edits give that the base query lacks
  FOREACH extra IN ARRAY ARRAY['capacity', 'floor_area', 'site_area'] LOOP
    IF NOT EXISTS (SELECT 1 FROM cp._query_columns(base_facilities_sql) c WHERE c.name = extra)
       AND EXISTS (SELECT 1 FROM cp.scenario_facilities f WHERE f.scenario = s.name
                     AND pg_catalog.to_jsonb(f) ->> extra IS NOT NULL) THEN
      base_list := base_list || pg_catalog.format('r.%I', extra);
      add_list := add_list || pg_catalog.format('a.%I', extra);
    END IF;
  END LOOP;
  RETURN pg_catalog.format(
    'SELECT %s FROM (%s) b LEFT JOIN cp.scenario_facilities r ON r.scenario = %s AND r.op = ''resize'' AND r.facility_id = b.id'
    ' WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_facilities x WHERE x.scenario = %s AND x.op = ''remove'' AND x.facility_id = b.id)'
    ' UNION ALL SELECT %s FROM cp.scenario_facilities a WHERE a.scenario = %s AND a.op = ''add''',
    pg_catalog.array_to_string(base_list, ', '), cp._coverage_query(base_facilities_sql), lit, lit,
    pg_catalog.array_to_string(add_list, ', '), lit);
END
$$;
COMMENT ON FUNCTION cp.scenario_facilities_sql(text, text) IS
  'The caller''s facilities query (id, category, geom, optional capacity, floor_area, site_area, ...) with a scenario''s facility edits applied as it runs: removed ids left out, resized amounts replaced, added facilities appended (columns the base lacks NULL; capacity, floor_area, site_area added when the edits give them); pass the text to any analysis. Errors: unknown scenario 42704, no id, category or geom column 42703';
CREATE FUNCTION cp.scenario_residents_sql(name text, base_residents_sql text) RETURNS text
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s cp.scenarios;
  cols record;
  base_list text[] := '{}';
  add_list text[] := '{}';
  lit text;
BEGIN
  s := cp._scenario_get(name);
  lit := pg_catalog.quote_literal(s.name);
  FOR cols IN SELECT * FROM cp._query_columns(base_residents_sql) LOOP
    IF cols.name = 'population' THEN
      base_list := base_list || pg_catalog.format('coalesce(%s, b.population) AS population',
                                                  cp._scenario_cast('r.population', cols.type));
      add_list := add_list || cp._scenario_cast('a.population', cols.type);
    ELSIF EXISTS (SELECT 1 FROM cp.population_groups g WHERE g.column_name = cols.name) THEN
      base_list := base_list || pg_catalog.format('CASE WHEN r.cohorts ? %L THEN %s ELSE b.%I END AS %I', cols.name,
                     cp._scenario_cast(pg_catalog.format('r.cohorts ->> %L', cols.name), cols.type), cols.name, cols.name);
      add_list := add_list || cp._scenario_cast(pg_catalog.format('a.cohorts ->> %L', cols.name), cols.type);
    ELSE
      base_list := base_list || pg_catalog.format('b.%I', cols.name);
      add_list := add_list || CASE
        WHEN cols.name = 'id' THEN cp._scenario_cast('a.resident_id', cols.type)
        WHEN cols.name = 'geom' THEN cp._scenario_cast('a.geom', cols.type)
        ELSE 'NULL::' || cols.type END;
    END IF;
  END LOOP;
  IF NOT ('b.id' = ANY (base_list) AND 'b.geom' = ANY (base_list)) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('the residents query must return columns id, geom and population'),
      ERRCODE = '42703';
  END IF;
  RETURN pg_catalog.format(
    'SELECT %s FROM (%s) b LEFT JOIN cp.scenario_residents r ON r.scenario = %s AND r.op = ''resize'' AND r.resident_id = b.id'
    ' WHERE NOT EXISTS (SELECT 1 FROM cp.scenario_residents x WHERE x.scenario = %s AND x.op = ''remove'' AND x.resident_id = b.id)'
    ' UNION ALL SELECT %s FROM cp.scenario_residents a WHERE a.scenario = %s AND a.op = ''add''',
    pg_catalog.array_to_string(base_list, ', '), cp._coverage_query(base_residents_sql), lit, lit,
    pg_catalog.array_to_string(add_list, ', '), lit);
END
$$;
COMMENT ON FUNCTION cp.scenario_residents_sql(text, text) IS
  'The caller''s residents query (id, geom, population, optional age-cohort columns, ...) with a scenario''s resident edits applied as it runs: removed ids left out, changed population and cohorts replaced, added residents appended (cohort columns from their cohorts jsonb, other columns NULL); pass the text to any analysis. Errors: unknown scenario 42704, no id or geom column 42703';
CREATE FUNCTION cp._scenario_side(side text, other text, residents_sql text, facilities_sql text,
                                  OUT network text, OUT residents text, OUT facilities text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF side IS NULL THEN
    IF other IS NULL THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('compare_scenarios needs at least one scenario'), ERRCODE = '22004';
    END IF;
    network := (cp._scenario_get(other)).base_network;
    residents := residents_sql;
    facilities := facilities_sql;
  ELSIF EXISTS (SELECT 1 FROM cp.scenarios s WHERE s.name = side) THEN
    IF NOT pg_catalog.pg_is_in_recovery() THEN
      PERFORM cp._scenario_compile(side);
    END IF;
    network := side;
    residents := cp.scenario_residents_sql(side, residents_sql);
    facilities := cp.scenario_facilities_sql(side, facilities_sql);
  ELSIF EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = side) THEN
    network := side;
    residents := residents_sql;
    facilities := facilities_sql;
  ELSE
    PERFORM cp._scenario_get(side);
  END IF;
END
$$;
COMMENT ON FUNCTION cp._scenario_side(text, text, text, text) IS
  'Internal: network and queries of one side of cp.compare_scenarios (a scenario with its edits, NULL = the other''s base, or a plain network)';
CREATE FUNCTION cp._scenario_indicators(network text, residents_sql text, facilities_sql text, communities_sql text,
                                        standard text, buildings_sql text, parking_sql text, life_circle text,
                                        unit text, profile text, population_shares text, supply_per_1000 jsonb,
                                        OUT community_id bigint, OUT indicator text, OUT category text,
                                        OUT value float8, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text;
BEGIN
  RETURN QUERY
    SELECT c.community_id, 'coverage'::text, c.category, c.ratio, c.geom
      FROM cp.coverage(network, residents_sql, facilities_sql, communities_sql, standard, profile, unit, population_shares) c;
  RETURN QUERY
    SELECT l.community_id, 'life_circle'::text, l.life_circle, l.ratio, l.geom
      FROM cp.life_circle(network, residents_sql, facilities_sql, communities_sql, standard, life_circle, profile,
                          unit, population_shares) l;
  IF EXISTS (SELECT 1 FROM cp._query_columns(facilities_sql) q WHERE q.name = 'capacity') THEN
    FOR cat IN SELECT f.code FROM cp.facility_categories f
                WHERE f.standard = _scenario_indicators.standard AND f.code IN ('nursery', 'kindergarten')
                  AND f.per_1000 IS NOT NULL
               UNION SELECT k FROM pg_catalog.jsonb_object_keys(coalesce(supply_per_1000, '{}')) k ORDER BY 1 LOOP
      RETURN QUERY
        SELECT g.community_id, 'supply_gap'::text, g.category, g.gap, g.geom
          FROM cp.supply_gap(network, residents_sql, facilities_sql, cat, communities_sql,
                             (supply_per_1000 ->> cat)::float8, standard, profile,
                             unit => unit, population_shares => population_shares) g;
    END LOOP;
  END IF;
  IF buildings_sql IS NOT NULL AND parking_sql IS NOT NULL AND communities_sql IS NOT NULL THEN
    RETURN QUERY
      SELECT p.community_id, 'parking_gap'::text, NULL::text, p.gap, p.geom
        FROM cp.parking_gap(network, buildings_sql, parking_sql, communities_sql) p;
  END IF;
END
$$;
COMMENT ON FUNCTION cp._scenario_indicators(text, text, text, text, text, text, text, text, text, text, text, jsonb) IS
  'Internal: the indicators cp.compare_scenarios compares, for one network and its queries';
CREATE FUNCTION cp.compare_scenarios(a text, b text, residents_sql text, facilities_sql text,
                                     communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                                     buildings_sql text DEFAULT NULL, parking_sql text DEFAULT NULL,
                                     life_circle text DEFAULT '15min', unit text DEFAULT 'm', profile text DEFAULT NULL,
                                     population_shares text DEFAULT 'CN-2020', supply_per_1000 jsonb DEFAULT NULL)
RETURNS TABLE (community_id bigint, indicator text, category text, before float8, after float8, delta float8,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  x record;
  y record;
BEGIN
  IF residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR life_circle IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO x FROM cp._scenario_side(a, b, residents_sql, facilities_sql);
  SELECT * INTO y FROM cp._scenario_side(b, a, residents_sql, facilities_sql);
  RETURN QUERY
    WITH v AS (
      SELECT false AS after_side, i.* FROM cp._scenario_indicators(x.network, x.residents, x.facilities, communities_sql,
             standard, buildings_sql, parking_sql, life_circle, unit, profile, population_shares, supply_per_1000) i
      UNION ALL
      SELECT true, i.* FROM cp._scenario_indicators(y.network, y.residents, y.facilities, communities_sql,
             standard, buildings_sql, parking_sql, life_circle, unit, profile, population_shares, supply_per_1000) i)
    , w AS (
      SELECT v.community_id, v.indicator, v.category,
             max(v.value) FILTER (WHERE NOT v.after_side) AS before, max(v.value) FILTER (WHERE v.after_side) AS after,
             (pg_catalog.array_agg(v.geom) FILTER (WHERE v.geom IS NOT NULL))[1] AS geom
        FROM v
       GROUP BY v.community_id, v.indicator, v.category)
    SELECT w.community_id, w.indicator, w.category, w.before, w.after, w.after - w.before, w.geom FROM w
    UNION ALL
    -- the scorecard's view of the 15-minute life circle: its score (0-100) against the plan's
    -- target of today's stage, as cp.scorecard scores the indicator life_circle_15min_coverage
    SELECT w.community_id, 'score', c.code, sb.score, sa.score, sa.score - sb.score, w.geom
      FROM w
      JOIN cp.indicator_catalogue c ON c.code = 'life_circle_15min_coverage'
      CROSS JOIN LATERAL (SELECT cp.indicator_target(c.code, cp.plan_stage(extract(year FROM current_date)::int)) AS target) t
      CROSS JOIN LATERAL (SELECT cp.normalised_score((100 * w.before)::numeric, c.baseline, t.target, c.direction,
                                                     c.valid_min, c.valid_max)::float8 AS score) sb
      CROSS JOIN LATERAL (SELECT cp.normalised_score((100 * w.after)::numeric, c.baseline, t.target, c.direction,
                                                     c.valid_min, c.valid_max)::float8 AS score) sa
     WHERE w.indicator = 'life_circle' AND compare_scenarios.life_circle = '15min'
     ORDER BY 1, 2, 3;
END
$$;
COMMENT ON FUNCTION cp.compare_scenarios(text, text, text, text, text, text, text, text, text, text, text, text, jsonb) IS
  'Before (scenario or network a; NULL = the base network of b with the queries as given) and after (scenario or network b) per community (id, geom query; NULL = the whole area) and indicator: coverage (share of each category''s target group within reach, cp.coverage), life_circle (share reaching every required category of the level, cp.life_circle), supply_gap (places short, cp.supply_gap, when the facilities query has a capacity column: nursery and kindergarten where the set gives per_1000, and every category of supply_per_1000, e.g. {"kindergarten": 30}, places per 1000 of its target group), parking_gap (spaces short, cp.parking_gap, when buildings_sql, parking_sql and communities_sql are given), score (the scorecard''s 0-100 score of life_circle_15min_coverage against the target of today''s plan stage, for life_circle 15min); delta = after - before; geom = the community outline for a QGIS layer of the delta. Scenario edits apply to both the network and the queries. Errors: unknown scenario or network 42704, both NULL 22004';

-- Config-dump registrations (pg_extension_config_dump: what pg_dump keeps)
SELECT pg_catalog.pg_extension_config_dump('cp.walk_profiles', 'WHERE name NOT IN (''walk'', ''elderly'', ''wheelchair'', ''standard_pace'')');

-- Shipped catalogue rows: the guard cp.protect_shipped() lets the script change them while
-- cp.catalogue_maintenance is on (30_standards.sql); every statement names shipped rows only,
-- so user rows are never touched.
SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'on', true);
UPDATE cp.facility_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "CP-parking-default", "note": "Only the new-community residential figure is verified. Every other figure is a documented default to be replaced by the local rule (copy the set). GB 50180-2018 clause 5.0.6 sets no national residential parking ratio: ratios for existing and rural communities and for other uses are local.", "year": 2026, "scope": "parking", "issuer": "community_planning", "source": "Compiled by community_planning: residential from 完整居住社区建设标准 (2020); other uses from the common local rule of 1 space per 100 m²; EV shares from Hainan provincial policy.", "shipped": true, "based_on": null, "title_en": "community_planning default parking demand rules", "title_zh": "community_planning 默认停车需求规则"}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "CP-parking-default"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.facility_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "GB50180-2018", "note": "Appendix B/C and table 5.0.3 were not available: radii and areas of facility rows are recalled and marked unverified; per-1000 figures are empty except public green (table 4.0.4). Clause 5.0.6 sets no national residential parking ratio (motor-vehicle parking is decided by local motorisation, the area's location, land and public transport; read in OCR chunks quoted by a standards Q&A code repository, weak): parking ratios are local rules, see cp.parking_standards.", "year": 2018, "scope": "facilities", "issuer": "住房和城乡建设部 (MOHURD); 国家市场监督管理总局", "source": "Published 2018-07-10, in force 2018-12-01 (MOHURD interpretation reprinted at http://www.52vpn.com/thread/20200914/4796608.html). No official PDF was available: figures come from secondary sources named per row.", "shipped": true, "based_on": null, "title_en": "Standard for urban residential area planning and design", "title_zh": "城市居住区规划设计标准 GB 50180-2018"}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "GB50180-2018"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.facility_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "XM-parking-2020", "note": "Residential, office and retail rules. The flat-size, office and commercial figures come from scrambled mirror copies whose fragments were re-ordered (reconstructed, unverified); the 144–180 m² and >200 m² flat bins are \"unchanged\" with no value given. Hospital and school figures could not be recovered and are not shipped.", "year": 2020, "scope": "parking", "issuer": "厦门市", "source": "海西晨报 article in mirror copies: http://www.iigxncc.cn/html/455c44299102.html, http://www.huichangtu.com/html/344a33199324.html, http://www.dlxhcy.cn/html/899d88698214.html.", "shipped": true, "based_on": null, "title_en": "Xiamen parking provision standard for construction projects (2020)", "title_zh": "厦门市建设项目停车设施配建标准(2020版)"}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.facility_standards, $r${"code": "XM-parking-2020"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.life_circles t SET (note, source) = (SELECT r.note, r.source FROM jsonb_populate_record(NULL::cp.life_circles, $r${"note": "Every figure read: clause 2.0.2 (50 000–100 000 people, about 17 000–32 000 dwellings, 800–1000 m) and the China Planning journal.", "source": "GB 50180-2018 表3.0.4 and clause 2.0.2 (quoted in OCR chunks of a standards Q&A code repository); population and dwellings http://ccprjournal.com.cn/news/9923.htm; distance https://fx361.cc/page/2021/1202/9330949.shtml", "name_en": "15-minute life-circle residential area", "name_zh": "十五分钟生活圈居住区", "shipped": true, "standard": "GB50180-2018", "verified": true, "life_circle": "15min", "walk_minutes": 15, "dwellings_max": 32000, "dwellings_min": 17000, "distance_max_m": 1000, "distance_min_m": 800, "population_max": 100000, "population_min": 50000}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.life_circles, $r${"standard": "GB50180-2018", "life_circle": "15min"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.life_circle IS NOT DISTINCT FROM r.life_circle);
UPDATE cp.life_circles t SET (note, source) = (SELECT r.note, r.source FROM jsonb_populate_record(NULL::cp.life_circles, $r${"note": "Population 5 000–12 000 (about 1 500–4 000 dwellings) read in clause 2.0.3 as quoted by a weak source; the 300 m distance read only in a code-repository comment (unverified).", "source": "GB 50180-2018 表3.0.4; population and dwellings clause 2.0.3 (quoted in OCR chunks of a standards Q&A code repository, weak); distance only in a code-repository comment", "name_en": "5-minute life-circle residential area", "name_zh": "五分钟生活圈居住区", "shipped": true, "standard": "GB50180-2018", "verified": false, "life_circle": "5min", "walk_minutes": 5, "dwellings_max": 4000, "dwellings_min": 1500, "distance_max_m": 300, "distance_min_m": 300, "population_max": 12000, "population_min": 5000}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.life_circles, $r${"standard": "GB50180-2018", "life_circle": "5min"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.life_circle IS NOT DISTINCT FROM r.life_circle);
UPDATE cp.life_circles t SET (note, source) = (SELECT r.note, r.source FROM jsonb_populate_record(NULL::cp.life_circles, $r${"note": "Population confirmed from weak sources; dwellings 300–1000 not found in any source (recalled). No walking distance: block facilities are inside the block (typically 250 m × 250 m).", "source": "GB 50180-2018 表3.0.4; population in a code-repository comment (\"2.0.5=居住街坊(1000~3000人)\") and in OCR chunks of a standards Q&A code repository (weak)", "name_en": "residential block", "name_zh": "居住街坊", "shipped": true, "standard": "GB50180-2018", "verified": false, "life_circle": "block", "walk_minutes": null, "dwellings_max": 1000, "dwellings_min": 300, "distance_max_m": null, "distance_min_m": null, "population_max": 3000, "population_min": 1000}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.life_circles, $r${"standard": "GB50180-2018", "life_circle": "block"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.life_circle IS NOT DISTINCT FROM r.life_circle);
UPDATE cp.facility_categories t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.facility_categories, $r${"code": "clinic", "note": "Radius and areas recalled, not read. The 1000 m radius is supported indirectly by the GB 50442 draft explanatory note 6.3.2 (a community health service centre serves 30 000–100 000 people within 1000 m, said to align with GB 50180); still unverified.", "source": "GB 50180-2018 附录B/C", "name_en": "community health service centre", "name_zh": "社区卫生服务中心(社区医院)", "profile": "standard_pace", "shipped": true, "per_1000": null, "radius_m": 1000, "required": true, "standard": "GB50180-2018", "verified": false, "life_circle": "15min", "target_group": "all", "walk_minutes": null, "per_1000_unit": null, "site_area_max_m2": 2860, "site_area_min_m2": 1420, "floor_area_max_m2": 2000, "floor_area_min_m2": 1700}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.facility_categories, $r${"standard": "GB50180-2018", "code": "clinic", "life_circle": "15min"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.code IS NOT DISTINCT FROM r.code AND t.life_circle IS NOT DISTINCT FROM r.life_circle);
-- Whom each category serves and how its users walk (new columns): by category code, for the
-- shipped rows and for a district's own copies alike (a copy of GB 50180-2018's nursery serves
-- children under 3 as the original does); a district changes its copies afterwards.
UPDATE cp.facility_categories
   SET target_group = CASE code WHEN 'nursery' THEN '0-3' WHEN 'kindergarten' THEN '3-6'
                                WHEN 'primary_school' THEN '6-12' WHEN 'middle_school' THEN '12-15'
                                WHEN 'elderly_care' THEN '60+' WHEN 'elderly_day_care' THEN '60+' ELSE 'all' END,
       profile = CASE WHEN code IN ('elderly_care', 'elderly_day_care') THEN 'elderly' ELSE 'standard_pace' END;
UPDATE cp.parking_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"use": "office", "note": "Xiamen 2020 (reconstructed): foreign-facing offices 2.0, city-level government offices 1.2–1.5, other offices 0.8–1.0 per 100 m² (XM-parking-2020).", "rule": "office", "basis": "floor_100m2", "source": "Common local rule of 1 space per 100 m² (anchors.md, not read in a standard); EV share from Hainan provincial policy (office ≥25 %)", "spaces": 1, "shipped": true, "ev_share": 0.25, "standard": "CP-parking-default", "verified": false, "community_type": "any", "flat_area_max_m2": null, "flat_area_min_m2": null}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"standard": "CP-parking-default", "rule": "office"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.rule IS NOT DISTINCT FROM r.rule);
UPDATE cp.parking_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"use": "residential", "note": "Assumption: demand in old and rural communities equals the new-community ratio of 1 space per household. Replace it with the local rule: GB 50180-2018 5.0.6 sets no national ratio (local motorisation, location, land and public transport decide).", "rule": "residential-any", "basis": "household", "source": "community_planning default (no national figure for existing or rural communities)", "spaces": 1, "shipped": true, "ev_share": null, "standard": "CP-parking-default", "verified": false, "community_type": "any", "flat_area_max_m2": null, "flat_area_min_m2": null}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"standard": "CP-parking-default", "rule": "residential-any"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.rule IS NOT DISTINCT FROM r.rule);
UPDATE cp.parking_standards t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"use": "retail", "note": "Xiamen before 2020: retail 0.6, catering and entertainment 1.2 per 100 m²; Xiamen 2020 merges them at 0.6–1.2 per 100 m² (XM-parking-2020).", "rule": "retail", "basis": "floor_100m2", "source": "Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (commercial ≥20 %)", "spaces": 1, "shipped": true, "ev_share": 0.2, "standard": "CP-parking-default", "verified": false, "community_type": "any", "flat_area_max_m2": null, "flat_area_min_m2": null}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"standard": "CP-parking-default", "rule": "retail"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.rule IS NOT DISTINCT FROM r.rule);
UPDATE cp.indicators t SET (measure) = (SELECT r.measure FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "childcare_institution_coverage", "core": false, "note": null, "unit": "%", "domain": "elderly_childcare", "origin": "plan", "source": "plan 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2", "weight": 0.3, "measure": "cp.indicator_childcare_institution_coverage: share of communities where most children under 3 reach a nursery within its walking radius", "name_en": "community childcare institution coverage", "name_zh": "社区托育机构覆盖率", "shipped": true, "baseline": 30, "obtained": "computed", "dimension": "livability", "direction": "higher", "valid_max": 100, "valid_min": 0, "target_2025": 50, "target_2028": 100, "target_2035": 100, "target_note": "50 % by 2025 (3.2); one per community in 2027 (8.2), i.e. 100 %.", "baseline_note": null, "baseline_year": 2023}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "childcare_institution_coverage"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicators t SET (measure) = (SELECT r.measure FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "childcare_place_gap", "core": false, "note": null, "unit": "%", "domain": "elderly_childcare", "origin": "plan", "source": "plan 2.2, 3.2, 8.2", "weight": 0.3, "measure": "cp.indicator_childcare_place_gap: 2SFCA place gap for category nursery, demand from children under 3: 100 × max(0, demand − accessible supply) / demand", "name_en": "childcare place gap for children under 3", "name_zh": "3岁以下婴幼儿托位缺口率", "shipped": true, "baseline": 65, "obtained": "computed", "dimension": "livability", "direction": "lower", "valid_max": 100, "valid_min": 0, "target_2025": 30, "target_2028": 30, "target_2035": 30, "target_note": "30 % (3.2, by 2025; 8.2 restates it for 2027).", "baseline_note": null, "baseline_year": 2023}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "childcare_place_gap"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicators t SET (measure) = (SELECT r.measure FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "elderly_care_coverage", "core": false, "note": null, "unit": "%", "domain": "elderly_childcare", "origin": "plan", "source": "plan 1.2, 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2", "weight": 0.4, "measure": "cp.indicator_elderly_care_coverage: share of communities where most residents 60+ reach elderly care (default elderly_day_care) at the elderly pace; the share of residents 60+ in the inputs", "name_en": "community elderly-care facility coverage", "name_zh": "社区养老设施覆盖率", "shipped": true, "baseline": 58, "obtained": "computed", "dimension": "livability", "direction": "higher", "valid_max": 100, "valid_min": 0, "target_2025": 85, "target_2028": 90, "target_2035": 90, "target_note": "85 % by 2025 (3.2); 90 % in 2027 (8.2).", "baseline_note": "Fuzhou Gulou district: 60+ share 22.3 %; developed countries about 80 %.", "baseline_year": 2023}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "elderly_care_coverage"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicators t SET (measure) = (SELECT r.measure FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "public_green_per_capita", "core": false, "note": null, "unit": "m²/person", "domain": "green_low_carbon", "origin": "ours", "source": "GB 50180-2018 4.0.4 (not in the plan)", "weight": 0.3, "measure": "cp.indicator_public_green_per_capita: area of the public green lying in the community / residents (cp.space_per_resident)", "name_en": "public green space per resident", "name_zh": "人均公共绿地面积", "shipped": true, "baseline": null, "obtained": "computed", "dimension": "resilience", "direction": "higher", "valid_max": 1000, "valid_min": 0, "target_2025": 2.0, "target_2028": 2.0, "target_2035": 2.0, "target_note": "GB 50180-2018 表4.0.4: ≥2.0 m²/person at the 15-minute level (old-district renewal ≥70 % of it, 4.0.5).", "baseline_note": null, "baseline_year": null}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "public_green_per_capita"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicators t SET (measure) = (SELECT r.measure FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "public_service_facility_coverage", "core": false, "note": null, "unit": "%", "domain": "public_services", "origin": "plan", "source": "plan 3.3, 8.2", "weight": 0.3, "measure": "cp.indicator_public_service_coverage: mean over the required categories of the 15-minute life circle of the share of each category's target group within reach (cp.coverage)", "name_en": "public-service facility coverage", "name_zh": "社区公共服务设施覆盖率", "shipped": true, "baseline": null, "obtained": "computed", "dimension": "livability", "direction": "higher", "valid_max": 100, "valid_min": 0, "target_2025": null, "target_2028": 85, "target_2035": 85, "target_note": "85 % in 2026 (8.2).", "baseline_note": null, "baseline_year": null}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "public_service_facility_coverage"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicators t SET (measure, obtained) = (SELECT r.measure, r.obtained FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "rural_service_coverage_ratio", "core": false, "note": "A ratio of two coverages: may exceed 100 where rural coverage is better.", "unit": "%", "domain": "public_services", "origin": "plan", "source": "plan 2.1, 3.2", "weight": 0.3, "measure": "cp.indicator_rural_service_ratio: public-service facility coverage of each rural community / that of the urban communities (community_type)", "name_en": "rural public-service facility coverage relative to urban communities", "name_zh": "农村社区公共服务设施覆盖率(相对城市社区)", "shipped": true, "baseline": 60, "obtained": "computed", "dimension": "livability", "direction": "higher", "valid_max": 200, "valid_min": 0, "target_2025": null, "target_2028": 80, "target_2035": 80, "target_note": "80 % of the urban level (3.2, undated: placed in the 2026–2028 stage).", "baseline_note": null, "baseline_year": 2023}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicators, $r${"code": "rural_service_coverage_ratio"}$r$) r WHERE t.code IS NOT DISTINCT FROM r.code);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × gap_ratio of cp.parking_gap: parking demand not met by car parks within walk_m on foot (metres, or minutes at the profile's pace with unit min) / demand; demand rules of the community's type (or parking_community_type), one allocation run per type; no value without demand", "scope": "all", "shipped": true, "indicator": "parking_gap_rate", "sql_template": "SELECT * FROM cp.indicator_parking_gap_rate($1, $4)", "settings_keys": {"network": "string", "parking_sql": "string", "buildings_sql": "string"}, "settings_defaults": {"unit": "m", "walk_m": 300, "profile": "walk", "max_snap_m": 250, "m2_per_space": 30, "parking_standard": "CP-parking-default", "parking_community_type": null}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "parking_gap_rate"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed by the children under 3 (age_0_3, else population × their share), at childcare_places_per_1000_children or childcare_per_1000 residents / the under-3 share; capacities shared by two-step floating catchment; no value without children", "scope": "all", "shipped": true, "indicator": "childcare_place_gap", "sql_template": "SELECT * FROM cp.indicator_childcare_place_gap($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "childcare_per_1000": "number", "childcare_facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "childcare_category": "nursery", "childcare_places_per_1000_children": null}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "childcare_place_gap"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius (unit m) or walking time at its users' pace (unit min) (cp.life_circle); no value without residents", "scope": "all", "shipped": true, "indicator": "life_circle_15min_coverage", "sql_template": "SELECT * FROM cp.indicator_life_circle_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "life_circle_15min_coverage"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (settings_defaults) = (SELECT r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Floor area (m²) of the cultural activity facilities inside the community per resident (cp.space_per_resident, m2_per_resident); the floor area within walking reach per resident (2SFCA) is recorded in the inputs; no value without residents", "scope": "all", "shipped": true, "indicator": "cultural_space_per_capita", "sql_template": "SELECT * FROM cp.indicator_cultural_space_per_capita($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "culture_category": "culture_activity", "population_shares": "CN-2020"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "cultural_space_per_capita"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Share of communities, as the plan counts it: 100 where at least community_reach_share of the residents 60+ reach an elderly-care facility of the category (default elderly_day_care) within its walking time at the elderly pace (GB 50180-2018's 300 m are 4.5 minutes at the standard's pace: 247.5 m at 3.3 km/h), else 0; the share of residents 60+ who reach one is in the inputs", "scope": "all", "shipped": true, "indicator": "elderly_care_coverage", "sql_template": "SELECT * FROM cp.indicator_elderly_care_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "min", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "community_reach_share": 0.5, "elderly_care_category": "elderly_day_care"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "elderly_care_coverage"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
INSERT INTO cp.parking_standards SELECT * FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"use": "office", "note": "Reconstructed from mirror copies (fragments re-ordered to pair figures with categories). Other office kinds, not shipped as rules: 涉外窗口 foreign-facing offices 2.0 and 市级 city-level government offices 1.2–1.5 (lower bound 1.2) per 100 m²; copy the set for such buildings.", "rule": "office", "basis": "floor_100m2", "source": "厦门 2020: 其它行政办公 (other offices) 0.8–1.0 spaces per 100 m²; the lower bound is shipped", "spaces": 0.8, "shipped": true, "ev_share": null, "standard": "XM-parking-2020", "verified": false, "community_type": "any", "flat_area_max_m2": null, "flat_area_min_m2": null}$r$);
INSERT INTO cp.parking_standards SELECT * FROM jsonb_populate_record(NULL::cp.parking_standards, $r${"use": "retail", "note": "Reconstructed from mirror copies. Before 2020: 零售商业 0.6, 餐饮娱乐 1.2 per 100 m².", "rule": "retail", "basis": "floor_100m2", "source": "厦门 2020: 商业 (retail and catering merged) 0.6–1.2 spaces per 100 m²; the lower bound is shipped", "spaces": 0.6, "shipped": true, "ev_share": null, "standard": "XM-parking-2020", "verified": false, "community_type": "any", "flat_area_max_m2": null, "flat_area_min_m2": null}$r$);
INSERT INTO cp.indicator_computations SELECT * FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × mean over the required categories of the 15-minute life circle (and the levels below) of the share of each category's target group that reaches one (cp.coverage); no value without residents", "scope": "all", "shipped": true, "indicator": "public_service_facility_coverage", "sql_template": "SELECT * FROM cp.indicator_public_service_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "public_service_level": "15min"}}$r$) r
 WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = r.indicator);
INSERT INTO cp.indicator_computations SELECT * FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Area (m²) of the public green polygons (green_sql: id, geom) lying in the community per resident (cp.space_per_resident); no value without residents", "scope": "all", "shipped": true, "indicator": "public_green_per_capita", "sql_template": "SELECT * FROM cp.indicator_public_green_per_capita($1, $4)", "settings_keys": {"network": "string", "green_sql": "string", "residents_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "green_category": "park", "population_shares": "CN-2020"}}$r$) r
 WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = r.indicator);
INSERT INTO cp.indicator_computations SELECT * FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "For each rural community (community_type rural): 100 × its public-service facility coverage / the population-weighted coverage of the urban communities of the same run; no value for urban communities", "scope": "all", "shipped": true, "indicator": "rural_service_coverage_ratio", "sql_template": "SELECT * FROM cp.indicator_rural_service_ratio($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "public_service_level": "15min"}}$r$) r
 WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = r.indicator);
INSERT INTO cp.indicator_computations SELECT * FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Share of communities with a childcare institution within reach: 100 where at least community_reach_share of the children under 3 reach a facility of the category (default nursery) within its walking radius, else 0", "scope": "all", "shipped": true, "indicator": "childcare_institution_coverage", "sql_template": "SELECT * FROM cp.indicator_childcare_institution_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "childcare_category": "nursery", "community_reach_share": 0.5}}$r$) r
 WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = r.indicator);
SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'off', true);
-- A district that wrote its own computation for one of the new shipped ones keeps its own.
DO $$
DECLARE
  kept text;
BEGIN
  SELECT pg_catalog.string_agg(indicator, ', ' ORDER BY indicator) INTO kept FROM cp.indicator_computations
   WHERE NOT shipped AND indicator IN ('public_service_facility_coverage', 'rural_service_coverage_ratio',
                                       'childcare_institution_coverage', 'public_green_per_capita');
  IF kept IS NOT NULL THEN
    RAISE NOTICE 'your own computations are kept; the shipped ones of 0.3.0 for the same indicators are not installed: %', kept
      USING HINT = 'Delete your row of cp.indicator_computations and add the shipped one''s definition (docs/indicators.md) as your own.';
  END IF;
END
$$;

-- Comments and privileges that differ otherwise (from the fresh install)
COMMENT ON COLUMN cp.facility_categories.profile IS 'Walking profile (cp.walk_profiles) the category''s users walk with when an analysis measures minutes: standard_pace (4.0 km/h, the pace of GB 50180-2018''s 1000 m in 15 minutes) or elderly (3.3 km/h) for elderly facilities; a call''s profile argument overrides it';
COMMENT ON COLUMN cp.facility_categories.target_group IS 'Whom the category serves (cp.population_groups): coverage, life circles and supply gaps weight residents by this group (nursery 0-3, kindergarten 3-6, primary school 6-12, junior middle school 12-15, elderly care 60+, the rest all)';
COMMENT ON COLUMN cp.facility_categories.walk_minutes IS 'Walking time in minutes for analyses in minutes; NULL: radius_m (or the level''s distance) at the standard''s pace (walk profile standard_pace: 1000 m in 15 minutes), or the level''s minutes without any distance';

-- Objects created above get the capability roles' privileges, as at CREATE EXTENSION (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;

