-- community_planning 0.2.0 -> 0.3.0 (issue 15: plan-faithful life circles).
-- Facility categories name whom they serve (age cohorts; census shares where a data set has no
-- cohort column) and how their users walk; every analysis measures in metres or minutes;
-- minimum sizes apply; the plan's computed indicators all ship (public-service coverage, the
-- rural/urban ratio, elderly care and childcare institutions as shares of communities, childcare
-- places for under-3s, public green); the standards catalogue follows the second verification
-- pass. Released: never edit; the next version adds its own script.
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
DROP FUNCTION cp.space_per_resident(text,text,text,text,text,double precision,text,text,text,double precision);  -- removed
DROP FUNCTION cp.supply_access(text,text,text,text,text,text,text,double precision);  -- removed
DROP FUNCTION cp.supply_gap(text,text,text,text,text,double precision,text,text,text,double precision);  -- removed

-- table cp.facility_categories changed (from the descriptions; CREATE TABLE in sql/parts/30_standards.sql)
ALTER TABLE cp.facility_categories ADD COLUMN target_group text DEFAULT 'all'::text NOT NULL;
ALTER TABLE cp.facility_categories ADD COLUMN profile text DEFAULT 'walk'::text NOT NULL;
ALTER TABLE cp.facility_categories ADD COLUMN walk_minutes double precision;
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_profile_fkey FOREIGN KEY (profile) REFERENCES cp.walk_profiles(name) ON UPDATE CASCADE;
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_walk_minutes_check CHECK (walk_minutes > 0::double precision AND walk_minutes <= 600::double precision);

-- from sql/parts/30_standards.sql
CREATE OR REPLACE VIEW cp.life_circle_categories AS
SELECT l.standard, l.life_circle, c.code, c.name_zh, c.name_en, c.life_circle AS from_level,
       c.radius_m, coalesce(c.radius_m, lc.distance_max_m) AS effective_radius_m,
       c.required, c.per_1000, c.per_1000_unit, c.verified, c.source,
       c.target_group, c.profile,
       coalesce(c.walk_minutes,
                CASE WHEN c.radius_m IS NOT NULL AND lc.distance_max_m > 0
                     THEN c.radius_m * lc.walk_minutes / lc.distance_max_m END,
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
COMMENT ON COLUMN cp.life_circle_categories.effective_minutes IS 'Walking time of the category for analyses in minutes: its walk_minutes, else its radius at the pace of its level (radius × level minutes / level distance: 1000 m at the 15-minute level = 15 min), else the level''s minutes';
COMMENT ON COLUMN cp.life_circle_categories.target_group IS 'Whom the category serves (cp.population_groups)';
COMMENT ON COLUMN cp.life_circle_categories.profile IS 'Walking profile of the category''s users (cp.walk_profiles)';
COMMENT ON COLUMN cp.life_circle_categories.effective_radius_m IS 'Category radius, or the walking distance of the level it belongs to when the standard gives none; NULL for block facilities without a radius';
GRANT SELECT ON cp.life_circle_categories TO PUBLIC;
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
    RAISE EXCEPTION 'source, target and title_zh must not be null'
      USING ERRCODE = '22004',
            DETAIL = 'A copied set needs the code it is copied from, its own code and a title.',
            HINT = 'Pass all three arguments.';
  END IF;
  PERFORM cp.check_standard(src);
  IF EXISTS (SELECT 1 FROM cp.facility_standards s WHERE s.code = tgt) THEN
    RAISE EXCEPTION 'standard set "%" already exists', tgt
      USING ERRCODE = '42710',
            DETAIL = 'A copy never overwrites an existing set.',
            HINT = 'Choose another code, or delete your set first.';
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
    RAISE EXCEPTION 'population shares "%" do not exist', share_set
      USING ERRCODE = '42704',
            DETAIL = pg_catalog.format('Known share sets: %s.',
                       (SELECT pg_catalog.string_agg(DISTINCT s.region, ', ') FROM cp.population_shares s)),
            HINT = 'Add your region''s census shares to cp.population_shares, or pass population_shares => ''CN-2020''.';
  END IF;
  SELECT pg_catalog.string_agg(DISTINCT c.target_group, ', ') INTO missing
    FROM cp.facility_categories c
   WHERE c.standard = std AND c.target_group <> 'all'
     AND NOT EXISTS (SELECT 1 FROM cp.population_shares s WHERE s.region = share_set AND s.group_code = c.target_group);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'population shares "%" have no share for group %', share_set, missing
      USING ERRCODE = '22023',
            HINT = 'Add the group''s share to your own region in cp.population_shares.';
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
BEGIN
  PERFORM cp.check_standard(standard);
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
      JOIN (SELECT r.code, min(r.min_floor_m2) AS min_floor, min(r.min_site_m2) AS min_site
              FROM cp._category_reach($1, 'm', NULL, 'CN-2020') r GROUP BY r.code) m ON m.code = f.category
     ORDER BY 7, 2, 1$f$,
    CASE WHEN has_floor THEN 'f.floor_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_site THEN 'f.site_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_floor THEN 'f.floor_area::float8' ELSE 'NULL::float8' END,
    CASE WHEN has_site THEN 'f.site_area::float8' ELSE 'NULL::float8' END, q) USING standard;
END
$$;
COMMENT ON FUNCTION cp.facility_sizes(text, text) IS
  'Every facility (id, category, geom and optionally floor_area, site_area in m²) of a category of the standard set against the category''s minimum floor and site area: counted is false for one below a minimum (analyses leave it out and say so in a NOTICE); a missing or NULL size counts';

-- the target groups exist now: the categories' foreign key to them
ALTER TABLE cp.facility_categories ADD CONSTRAINT facility_categories_target_group_fkey FOREIGN KEY (target_group) REFERENCES cp.population_groups(code) ON UPDATE CASCADE;

-- from sql/parts/35_coverage.sql
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
                                      OUT target_groups text[])
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
DECLARE
  skipped text;
BEGIN
  WITH r AS MATERIALIZED (SELECT * FROM cp._category_reach(standard, unit, profile, population_shares))
  SELECT (SELECT pg_catalog.string_agg(DISTINCT x.code, ', ') FROM r x
           WHERE NOT EXISTS (SELECT 1 FROM r y WHERE y.code = x.code AND y.cutoff IS NOT NULL)),
         pg_catalog.array_agg(b.code ORDER BY b.code), pg_catalog.array_agg(b.cutoff ORDER BY b.code),
         pg_catalog.array_agg(b.group_column ORDER BY b.code), pg_catalog.array_agg(b.share ORDER BY b.code),
         pg_catalog.array_agg(b.min_floor_m2 ORDER BY b.code), pg_catalog.array_agg(b.min_site_m2 ORDER BY b.code),
         pg_catalog.array_agg(b.target_group ORDER BY b.code)
    INTO skipped, codes, cutoffs, group_columns, shares, min_floor, min_site, target_groups
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL
           ORDER BY r.code, cp.life_circle_rank(r.from_level), r.cutoff) b;
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._coverage_settings(text, text, text, text) IS
  'Internal: the categories of a standard set each at its lowest level with a cut-off, as parallel arrays for cp._coverage_run (cut-off, target-group column and share, minimum sizes, target group); a NOTICE names categories without one';
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
                            'resident', NULL, cp._known_categories(), '{}', s.group_columns, s.shares,
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
                            'community', communities_sql, cp._known_categories(), '{}', s.group_columns, s.shares,
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
                               OUT crowfly_ratio float8, OUT missing_categories text[], OUT geom geometry)
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
  skipped text;
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
         (SELECT pg_catalog.string_agg(x.code || ' (' || x.from_level || ')', ', ' ORDER BY x.code)
            FROM r x WHERE x.cutoff IS NULL)
    INTO codes, cutoffs, cols, shares, minf, mins, skipped
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL ORDER BY r.code, r.cutoff) b;
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'required categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  IF codes IS NULL THEN
    RAISE EXCEPTION 'life circle "%" of standard set "%" has no required category with a walking radius', lvl, standard
      USING ERRCODE = '22023';
  END IF;
  RETURN QUERY
    WITH a AS MATERIALIZED (
      SELECT * FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, cutoffs, cp._unit_is_time(unit),
                                     250, 'community', communities_sql, cp._known_categories(),
                                     (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                       WHERE c.standard = std), cols, shares, minf, mins))
    SELECT t.community_id, lvl, t.population, t.covered, t.covered / nullif(t.population, 0),
           t.crowfly_covered / nullif(t.population, 0),
           coalesce((SELECT pg_catalog.array_agg(m.category ORDER BY m.population - m.covered DESC, m.category)
                       FROM a m WHERE m.community_id IS NOT DISTINCT FROM t.community_id AND m.category IS NOT NULL
                        AND m.covered < m.population), '{}'),
           t.geom::geometry
      FROM a t WHERE t.category IS NULL
     ORDER BY t.community_id;
END
$$;
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own), on foot and as the crow flies, and the missing categories ordered by the people of their target group missing them. Each query runs once. Errors: unknown set 42704, unknown level, profile or unit 22023, missing column 42703';

-- from sql/parts/37_supply.sql
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
                                    OUT min_floor_m2 float8, OUT min_site_m2 float8)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
BEGIN
  SELECT r.cutoff, r.target_group, r.group_column, r.share, r.min_floor_m2, r.min_site_m2
    INTO cutoff, target_group, group_column, share, min_floor_m2, min_site_m2
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
  'Internal: cut-off, target group (column and share) and minimum sizes of a capacity-bound category at its lowest level in a standard set; 22023 when it has no walking radius';
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
    RAISE EXCEPTION 'standard set "%" gives no per-1000-resident figure for "%"', standard, cat
      USING ERRCODE = '22004', HINT = 'Pass the places per 1000 residents as per_1000 => ..., with its source.';
  END IF;
  IF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION 'per_1000 must be a finite number above zero' USING ERRCODE = '22023';
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
    RAISE EXCEPTION 'target_m2_per_resident must be a finite number above zero'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('The value given is %s.', tgt);
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
  -- one coverage run; the communities query is read once more for the community types
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
UPDATE cp.facility_categories t SET (note) = (SELECT r.note FROM jsonb_populate_record(NULL::cp.facility_categories, $r${"code": "clinic", "note": "Radius and areas recalled, not read. The 1000 m radius is supported indirectly by the GB 50442 draft explanatory note 6.3.2 (a community health service centre serves 30 000–100 000 people within 1000 m, said to align with GB 50180); still unverified.", "source": "GB 50180-2018 附录B/C", "name_en": "community health service centre", "name_zh": "社区卫生服务中心(社区医院)", "profile": "walk", "shipped": true, "per_1000": null, "radius_m": 1000, "required": true, "standard": "GB50180-2018", "verified": false, "life_circle": "15min", "target_group": "all", "walk_minutes": null, "per_1000_unit": null, "site_area_max_m2": 2860, "site_area_min_m2": 1420, "floor_area_max_m2": 2000, "floor_area_min_m2": 1700}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.facility_categories, $r${"standard": "GB50180-2018", "code": "clinic", "life_circle": "15min"}$r$) r WHERE t.standard IS NOT DISTINCT FROM r.standard AND t.code IS NOT DISTINCT FROM r.code AND t.life_circle IS NOT DISTINCT FROM r.life_circle);
-- Whom each category serves and how its users walk (new columns): by category code, for the
-- shipped rows and for a district's own copies alike (a copy of GB 50180-2018's nursery serves
-- children under 3 as the original does); a district changes its copies afterwards.
UPDATE cp.facility_categories
   SET target_group = CASE code WHEN 'nursery' THEN '0-3' WHEN 'kindergarten' THEN '3-6'
                                WHEN 'primary_school' THEN '6-12' WHEN 'middle_school' THEN '12-15'
                                WHEN 'elderly_care' THEN '60+' WHEN 'elderly_day_care' THEN '60+' ELSE 'all' END,
       profile = CASE WHEN code IN ('elderly_care', 'elderly_day_care') THEN 'elderly' ELSE 'walk' END;
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
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed by the children under 3 (age_0_3, else population × their share), at childcare_places_per_1000_children or childcare_per_1000 residents / the under-3 share; capacities shared by two-step floating catchment; no value without children", "scope": "all", "shipped": true, "indicator": "childcare_place_gap", "sql_template": "SELECT * FROM cp.indicator_childcare_place_gap($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "childcare_per_1000": "number", "childcare_facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "childcare_category": "nursery", "childcare_places_per_1000_children": null}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "childcare_place_gap"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius (unit m) or walking time at its users' pace (unit min) (cp.life_circle); no value without residents", "scope": "all", "shipped": true, "indicator": "life_circle_15min_coverage", "sql_template": "SELECT * FROM cp.indicator_life_circle_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "life_circle_15min_coverage"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (settings_defaults) = (SELECT r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Floor area (m²) of the cultural activity facilities inside the community per resident (cp.space_per_resident, m2_per_resident); the floor area within walking reach per resident (2SFCA) is recorded in the inputs; no value without residents", "scope": "all", "shipped": true, "indicator": "cultural_space_per_capita", "sql_template": "SELECT * FROM cp.indicator_cultural_space_per_capita($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}, "settings_defaults": {"unit": "m", "profile": null, "standard": "GB50180-2018", "culture_category": "culture_activity", "population_shares": "CN-2020"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "cultural_space_per_capita"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, settings_defaults) = (SELECT r.note, r.settings_defaults FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Share of communities, as the plan counts it: 100 where at least community_reach_share of the residents 60+ reach an elderly-care facility of the category (default elderly_day_care) within its walking time at the elderly pace (GB 50180-2018: 5 minutes, 275 m at 3.3 km/h), else 0; the share of residents 60+ who reach one is in the inputs", "scope": "all", "shipped": true, "indicator": "elderly_care_coverage", "sql_template": "SELECT * FROM cp.indicator_elderly_care_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"unit": "min", "profile": null, "standard": "GB50180-2018", "population_shares": "CN-2020", "community_reach_share": 0.5, "elderly_care_category": "elderly_day_care"}}$r$) r)
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
      USING HINT = 'Delete your row of cp.indicator_computations and run ALTER EXTENSION community_planning UPDATE again from 0.2.0 to use the shipped one.';
  END IF;
END
$$;

-- Comments and privileges that differ otherwise (from the fresh install)
COMMENT ON COLUMN cp.facility_categories.profile IS 'Walking profile (cp.walk_profiles) the category''s users walk with when an analysis measures minutes (elderly facilities: elderly); a call''s profile argument overrides it';
COMMENT ON COLUMN cp.facility_categories.target_group IS 'Whom the category serves (cp.population_groups): coverage, life circles and supply gaps weight residents by this group (nursery 0-3, kindergarten 3-6, primary school 6-12, junior middle school 12-15, elderly care 60+, the rest all)';
COMMENT ON COLUMN cp.facility_categories.walk_minutes IS 'Walking time in minutes for analyses in minutes; NULL: radius_m at the level''s pace (radius × level minutes / level distance), or the level''s minutes without a radius';

-- Objects created above get the capability roles' privileges, as at CREATE EXTENSION (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;

