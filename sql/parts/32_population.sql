
-- Who a facility serves (issue 15) -----------------------------------------------
-- Residents data sets may count age cohorts beside their population (columns
-- age_0_3, age_3_6, age_6_12, age_12_15, age_60_plus). Each facility category
-- names the cohort it serves (cp.facility_categories.target_group); coverage,
-- life circles and supply gaps weight residents by it. Where a data set has no
-- cohort column (or a NULL in it), the cohort is estimated as population ×
-- the cohort's share in a shipped, sourced, editable table of census shares,
-- and results say so (estimated).

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

ALTER TABLE cp.facility_categories
  ADD CONSTRAINT facility_categories_target_group_fkey FOREIGN KEY (target_group)
      REFERENCES cp.population_groups (code) ON UPDATE CASCADE;

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

-- How far each category of a standard reaches for whom ------------------------
-- One row per category and level of a set: the cut-off the engine searches to
-- (metres, or minutes × the walking speed of the category's profile in
-- slope-weighted metres), the residents column of its target group and the
-- group's share, the minimum sizes. Every analysis reads its settings here.
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

-- Minimum sizes, facility by facility -------------------------------------------
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
