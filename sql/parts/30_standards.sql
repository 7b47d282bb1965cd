
-- Standards catalogue (issues 5 and 6) ---------------------------------------
-- Named standard sets with their life-circle levels, facility categories and
-- parking demand rules. Shipped sets are read-only: a district copies a set
-- with cp.copy_standard() (or starts an empty one) and edits its copy. Only
-- rows of non-shipped sets are dumped by pg_dump (pg_extension_config_dump
-- with "WHERE NOT shipped"), so every user row and every user edit survives
-- dump and restore, and a restore never collides with the shipped rows that
-- CREATE EXTENSION inserts again.

-- Guard for shipped rows, shared by every catalogue table. Extension upgrade
-- scripts that must change shipped rows run
--   SELECT set_config('cp.catalogue_maintenance', 'on', true);
CREATE FUNCTION cp.catalogue_maintenance() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT coalesce(current_setting('cp.catalogue_maintenance', true), '') = 'on' $$;
COMMENT ON FUNCTION cp.catalogue_maintenance() IS
  'True when setting cp.catalogue_maintenance is on: only extension upgrade scripts may then change shipped catalogue rows';

CREATE FUNCTION cp.protect_shipped() RETURNS trigger
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
COMMENT ON FUNCTION cp.protect_shipped() IS
  'Trigger: rejects changes to rows shipped with the extension and TRUNCATE (SQLSTATE 55000) and keeps the shipped flag of set members equal to their set''s';

-- Life-circle level ranks: block < 5min < 10min < 15min (GB 50180-2018 3.0.4).
CREATE FUNCTION cp.life_circle_rank(life_circle text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE life_circle WHEN 'block' THEN 0 WHEN '5min' THEN 1 WHEN '10min' THEN 2 WHEN '15min' THEN 3 END $$;
COMMENT ON FUNCTION cp.life_circle_rank(text) IS
  'Rank of a life-circle level (block 0, 5min 1, 10min 2, 15min 3; NULL for anything else): a level contains every lower-ranked level';

-- Standard sets ---------------------------------------------------------------
CREATE TABLE cp.facility_standards (
  code       text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
  title_zh   text NOT NULL,
  title_en   text,
  issuer     text,
  year       int CHECK (year BETWEEN 1949 AND 2100),
  based_on   text,
  scope      text NOT NULL DEFAULT 'facilities'
             CHECK (scope IN ('facilities', 'parking', 'facilities+parking')),
  source     text,
  note       text,
  shipped    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.facility_standards IS
  'Named standard sets (national, local or a district''s own): facility categories, life-circle levels and parking demand rules refer to a set by code';
COMMENT ON COLUMN cp.facility_standards.code IS 'Stable ASCII code of the set, e.g. GB50180-2018; functions take it as their standard argument';
COMMENT ON COLUMN cp.facility_standards.title_zh IS 'Official Chinese title';
COMMENT ON COLUMN cp.facility_standards.title_en IS 'English title';
COMMENT ON COLUMN cp.facility_standards.issuer IS 'Issuing body';
COMMENT ON COLUMN cp.facility_standards.year IS 'Year of issue';
COMMENT ON COLUMN cp.facility_standards.based_on IS 'Set this one was copied from (provenance only: a set never inherits rows at run time)';
COMMENT ON COLUMN cp.facility_standards.scope IS 'What the set defines: facilities (categories and life circles), parking (demand rules) or both';
COMMENT ON COLUMN cp.facility_standards.source IS 'Where the set''s text was read';
COMMENT ON COLUMN cp.facility_standards.note IS 'Caveats, e.g. which figures could not be verified';
COMMENT ON COLUMN cp.facility_standards.shipped IS 'True for sets shipped with the extension (read-only, not dumped); false for user sets (editable, dumped by pg_dump)';

CREATE TABLE cp.life_circles (
  standard        text NOT NULL REFERENCES cp.facility_standards (code) ON UPDATE CASCADE ON DELETE CASCADE,
  life_circle     text NOT NULL CHECK (life_circle IN ('5min', '10min', '15min', 'block')),
  name_zh         text NOT NULL,
  name_en         text,
  walk_minutes    int CHECK (walk_minutes > 0),
  distance_min_m  float8 CHECK (distance_min_m > 0),
  distance_max_m  float8 CHECK (distance_max_m > 0),
  population_min  int CHECK (population_min > 0),
  population_max  int CHECK (population_max >= population_min),
  dwellings_min   int CHECK (dwellings_min > 0),
  dwellings_max   int CHECK (dwellings_max >= dwellings_min),
  source          text NOT NULL,
  verified        boolean NOT NULL DEFAULT false,
  note            text,
  shipped         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (standard, life_circle),
  CHECK (distance_max_m >= distance_min_m)
);
COMMENT ON TABLE cp.life_circles IS
  'Life-circle levels of a standard set: walking time and distance, resident population and dwellings (GB 50180-2018 table 3.0.4)';
COMMENT ON COLUMN cp.life_circles.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.life_circles.life_circle IS 'Level: 5min, 10min, 15min or block (居住街坊)';
COMMENT ON COLUMN cp.life_circles.name_zh IS 'Chinese name of the level';
COMMENT ON COLUMN cp.life_circles.name_en IS 'English name of the level';
COMMENT ON COLUMN cp.life_circles.walk_minutes IS 'Walking time that names the level';
COMMENT ON COLUMN cp.life_circles.distance_min_m IS 'Lower end of the walking distance of the level, metres';
COMMENT ON COLUMN cp.life_circles.distance_max_m IS 'Walking distance of the level, metres: the radius used for a category without its own radius';
COMMENT ON COLUMN cp.life_circles.population_min IS 'Lower end of the resident population of one unit of this level';
COMMENT ON COLUMN cp.life_circles.population_max IS 'Upper end of the resident population';
COMMENT ON COLUMN cp.life_circles.dwellings_min IS 'Lower end of the number of dwellings (套)';
COMMENT ON COLUMN cp.life_circles.dwellings_max IS 'Upper end of the number of dwellings';
COMMENT ON COLUMN cp.life_circles.source IS 'Clause and where it was read';
COMMENT ON COLUMN cp.life_circles.verified IS 'False when a figure of the row was not read in a source (see note)';
COMMENT ON COLUMN cp.life_circles.note IS 'Which figures are unverified and why';
COMMENT ON COLUMN cp.life_circles.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';

CREATE TABLE cp.facility_categories (
  standard           text NOT NULL,
  code               text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  life_circle        text NOT NULL CHECK (life_circle IN ('5min', '10min', '15min', 'block')),
  radius_m           float8 CHECK (radius_m > 0),
  required           boolean NOT NULL,
  per_1000           float8 CHECK (per_1000 >= 0),
  per_1000_unit      text,
  floor_area_min_m2  float8 CHECK (floor_area_min_m2 >= 0),
  floor_area_max_m2  float8 CHECK (floor_area_max_m2 >= floor_area_min_m2),
  site_area_min_m2   float8 CHECK (site_area_min_m2 >= 0),
  site_area_max_m2   float8 CHECK (site_area_max_m2 >= site_area_min_m2),
  source             text NOT NULL,
  verified           boolean NOT NULL DEFAULT false,
  note               text,
  shipped            boolean NOT NULL DEFAULT false,
  target_group       text NOT NULL DEFAULT 'all',
  profile            text NOT NULL DEFAULT 'standard_pace' REFERENCES cp.walk_profiles (name) ON UPDATE CASCADE,
  walk_minutes       float8 CHECK (walk_minutes > 0 AND walk_minutes <= 600),
  PRIMARY KEY (standard, code, life_circle),
  FOREIGN KEY (standard, life_circle) REFERENCES cp.life_circles (standard, life_circle)
    ON UPDATE CASCADE ON DELETE CASCADE,
  CHECK ((per_1000 IS NULL) = (per_1000_unit IS NULL))
);
COMMENT ON TABLE cp.facility_categories IS
  'Facility categories a standard set requires (or recommends) at each life-circle level, with walking radius and per-1000-resident figures';
COMMENT ON COLUMN cp.facility_categories.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.facility_categories.code IS 'Shared category code (kindergarten, nursery, primary_school, middle_school, health_station, clinic, hospital, pharmacy, elderly_care, elderly_day_care, community_service, culture_activity, library, sports, park, supermarket, market, parcel, canteen, public_toilet); facilities_sql rows carry the same codes';
COMMENT ON COLUMN cp.facility_categories.name_zh IS 'Facility name as the standard writes it';
COMMENT ON COLUMN cp.facility_categories.name_en IS 'English name';
COMMENT ON COLUMN cp.facility_categories.life_circle IS 'Level at which the standard places the facility: 5min, 10min, 15min or block; a level also needs every lower level''s facilities';
COMMENT ON COLUMN cp.facility_categories.radius_m IS 'Walking service radius in metres; NULL when the standard gives none (cp.life_circle_requirements then uses the level''s distance)';
COMMENT ON COLUMN cp.facility_categories.required IS 'True when the standard requires the facility at the level (▲ 应配建); false when it is recommended (△ 宜配建)';
COMMENT ON COLUMN cp.facility_categories.per_1000 IS 'Amount per 1000 residents where the standard gives one';
COMMENT ON COLUMN cp.facility_categories.per_1000_unit IS 'Unit of per_1000, e.g. m² land, places, beds';
COMMENT ON COLUMN cp.facility_categories.floor_area_min_m2 IS 'Minimum building floor area of one facility, m²';
COMMENT ON COLUMN cp.facility_categories.floor_area_max_m2 IS 'Upper end of the building floor area range, m²';
COMMENT ON COLUMN cp.facility_categories.site_area_min_m2 IS 'Minimum site (land) area of one facility, m²';
COMMENT ON COLUMN cp.facility_categories.site_area_max_m2 IS 'Upper end of the site area range, m²';
COMMENT ON COLUMN cp.facility_categories.source IS 'Clause of the standard and where it was read';
COMMENT ON COLUMN cp.facility_categories.verified IS 'False when a figure of the row was not read in a source: check it against the official text before relying on it';
COMMENT ON COLUMN cp.facility_categories.note IS 'Which figures are unverified, merged facilities, caveats';
COMMENT ON COLUMN cp.facility_categories.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';
COMMENT ON COLUMN cp.facility_categories.target_group IS 'Whom the category serves (cp.population_groups): coverage, life circles and supply gaps weight residents by this group (nursery 0-3, kindergarten 3-6, primary school 6-12, junior middle school 12-15, elderly care 60+, the rest all)';
COMMENT ON COLUMN cp.facility_categories.profile IS 'Walking profile (cp.walk_profiles) the category''s users walk with when an analysis measures minutes: standard_pace (4.0 km/h, the pace of GB 50180-2018''s 1000 m in 15 minutes) or elderly (3.3 km/h) for elderly facilities; a call''s profile argument overrides it';
COMMENT ON COLUMN cp.facility_categories.walk_minutes IS 'Walking time in minutes for analyses in minutes; NULL: radius_m (or the level''s distance) at the standard''s pace (walk profile standard_pace: 1000 m in 15 minutes), or the level''s minutes without any distance';

CREATE TABLE cp.parking_standards (
  standard          text NOT NULL REFERENCES cp.facility_standards (code) ON UPDATE CASCADE ON DELETE CASCADE,
  rule              text NOT NULL CHECK (rule ~ '^[a-z0-9][a-z0-9_.-]*$'),
  use               text NOT NULL CHECK (use ~ '^[a-z][a-z0-9_]*$'),
  community_type    text NOT NULL DEFAULT 'any' CHECK (community_type IN ('any', 'new', 'old', 'rural')),
  flat_area_min_m2  float8 CHECK (flat_area_min_m2 >= 0),
  flat_area_max_m2  float8 CHECK (flat_area_max_m2 > flat_area_min_m2 OR (flat_area_min_m2 IS NULL AND flat_area_max_m2 > 0)),
  basis             text NOT NULL CHECK (basis IN ('household', 'floor_100m2')),
  spaces            float8 NOT NULL CHECK (spaces >= 0 AND spaces < 'Infinity'),
  ev_share          float8 CHECK (ev_share BETWEEN 0 AND 1),
  source            text NOT NULL,
  verified          boolean NOT NULL DEFAULT false,
  note              text,
  shipped           boolean NOT NULL DEFAULT false,
  PRIMARY KEY (standard, rule),
  CHECK (basis = 'household' OR (flat_area_min_m2 IS NULL AND flat_area_max_m2 IS NULL))
);
CREATE UNIQUE INDEX parking_standards_match_key ON cp.parking_standards
  (standard, use, community_type, coalesce(flat_area_min_m2, -1), coalesce(flat_area_max_m2, -1));
COMMENT ON TABLE cp.parking_standards IS
  'Parking demand rules of a standard set: spaces per household (residential, optionally by community type and flat size) or per 100 m² floor area (other uses), EV-charging share';
COMMENT ON COLUMN cp.parking_standards.standard IS 'Standard set code (cp.facility_standards)';
COMMENT ON COLUMN cp.parking_standards.rule IS 'Code of the rule, unique within the set';
COMMENT ON COLUMN cp.parking_standards.use IS 'Building use the rule applies to: residential, office, retail, clinic, school, ... (buildings_sql use codes)';
COMMENT ON COLUMN cp.parking_standards.community_type IS 'new, old, rural, or any (applies when no rule names the community type)';
COMMENT ON COLUMN cp.parking_standards.flat_area_min_m2 IS 'Flat-size bin, exclusive lower bound in m² (average flat = floor area / households); NULL = no lower bound';
COMMENT ON COLUMN cp.parking_standards.flat_area_max_m2 IS 'Flat-size bin, inclusive upper bound in m²; NULL with a NULL lower bound = rule for any flat size';
COMMENT ON COLUMN cp.parking_standards.basis IS 'household: spaces per household; floor_100m2: spaces per 100 m² of floor area';
COMMENT ON COLUMN cp.parking_standards.spaces IS 'Spaces per basis unit (a lower bound where the source says so)';
COMMENT ON COLUMN cp.parking_standards.ev_share IS 'Share (0..1) of spaces that must have EV chargers built or prepared; NULL when the source gives none';
COMMENT ON COLUMN cp.parking_standards.source IS 'Clause and where it was read';
COMMENT ON COLUMN cp.parking_standards.verified IS 'False when the figure was not read in a source, or its category could not be recovered';
COMMENT ON COLUMN cp.parking_standards.note IS 'Caveats';
COMMENT ON COLUMN cp.parking_standards.shipped IS 'Equal to the set''s shipped flag (kept by a trigger)';

-- Shipped data ----------------------------------------------------------------
INSERT INTO cp.facility_standards (code, title_zh, title_en, issuer, year, scope, source, note, shipped) VALUES
('GB50180-2018', '城市居住区规划设计标准 GB 50180-2018',
 'Standard for urban residential area planning and design',
 '住房和城乡建设部 (MOHURD); 国家市场监督管理总局', 2018, 'facilities',
 'Published 2018-07-10, in force 2018-12-01 (MOHURD interpretation reprinted at http://www.52vpn.com/thread/20200914/4796608.html). No official PDF was available: figures come from secondary sources named per row.',
 'Appendix B/C and table 5.0.3 were not available: radii and areas of facility rows are recalled and marked unverified; per-1000 figures are empty except public green (table 4.0.4). Clause 5.0.6 sets no national residential parking ratio (motor-vehicle parking is decided by local motorisation, the area''s location, land and public transport; read in OCR chunks quoted by a standards Q&A code repository, weak): parking ratios are local rules, see cp.parking_standards.',
 true),
('MOHURD-complete-community-2020', '完整居住社区建设标准(试行)',
 'Construction standard for complete residential communities (trial)',
 '住房和城乡建设部等13部门', 2020, 'facilities+parking',
 'Reprint of the standard at http://beihai.jiwu.com/news/4233388.html (2020-09-03); parking from the MOHURD 补短板 opinion reprinted at http://hrhny.com/1729.html.',
 'The community scale (0.5–1.2 万人, 5–10 min walk) and the 300 m level distance are not verified.',
 true),
('CP-parking-default', 'community_planning 默认停车需求规则',
 'community_planning default parking demand rules',
 'community_planning', 2026, 'parking',
 'Compiled by community_planning: residential from 完整居住社区建设标准 (2020); other uses from the common local rule of 1 space per 100 m²; EV shares from Hainan provincial policy.',
 'Only the new-community residential figure is verified. Every other figure is a documented default to be replaced by the local rule (copy the set). GB 50180-2018 clause 5.0.6 sets no national residential parking ratio: ratios for existing and rural communities and for other uses are local.',
 true),
('XM-parking-2020', '厦门市建设项目停车设施配建标准(2020版)',
 'Xiamen parking provision standard for construction projects (2020)',
 '厦门市', 2020, 'parking',
 '海西晨报 article in mirror copies: http://www.iigxncc.cn/html/455c44299102.html, http://www.huichangtu.com/html/344a33199324.html, http://www.dlxhcy.cn/html/899d88698214.html.',
 'Residential, office and retail rules. The flat-size, office and commercial figures come from scrambled mirror copies whose fragments were re-ordered (reconstructed, unverified); the 144–180 m² and >200 m² flat bins are "unchanged" with no value given. Hospital and school figures could not be recovered and are not shipped.',
 true);

INSERT INTO cp.life_circles (standard, life_circle, name_zh, name_en, walk_minutes, distance_min_m, distance_max_m,
                             population_min, population_max, dwellings_min, dwellings_max, source, verified, note, shipped) VALUES
('GB50180-2018', '15min', '十五分钟生活圈居住区', '15-minute life-circle residential area', 15, 800, 1000, 50000, 100000, 17000, 32000,
 'GB 50180-2018 表3.0.4 and clause 2.0.2 (quoted in OCR chunks of a standards Q&A code repository); population and dwellings http://ccprjournal.com.cn/news/9923.htm; distance https://fx361.cc/page/2021/1202/9330949.shtml',
 true, 'Every figure read: clause 2.0.2 (50 000–100 000 people, about 17 000–32 000 dwellings, 800–1000 m) and the China Planning journal.', true),
('GB50180-2018', '10min', '十分钟生活圈居住区', '10-minute life-circle residential area', 10, 500, 500, 15000, 25000, 5000, 8000,
 'GB 50180-2018 表3.0.4; https://zgbk.com/ecph/words?ID=491601&SiteID=1&SubID=217393 (中国大百科)',
 true, 'The source gives the distance as about 500 m.', true),
('GB50180-2018', '5min', '五分钟生活圈居住区', '5-minute life-circle residential area', 5, 300, 300, 5000, 12000, 1500, 4000,
 'GB 50180-2018 表3.0.4; population and dwellings clause 2.0.3 (quoted in OCR chunks of a standards Q&A code repository, weak); distance only in a code-repository comment',
 false, 'Population 5 000–12 000 (about 1 500–4 000 dwellings) read in clause 2.0.3 as quoted by a weak source; the 300 m distance read only in a code-repository comment (unverified).', true),
('GB50180-2018', 'block', '居住街坊', 'residential block', NULL, NULL, NULL, 1000, 3000, 300, 1000,
 'GB 50180-2018 表3.0.4; population in a code-repository comment ("2.0.5=居住街坊(1000~3000人)") and in OCR chunks of a standards Q&A code repository (weak)',
 false, 'Population confirmed from weak sources; dwellings 300–1000 not found in any source (recalled). No walking distance: block facilities are inside the block (typically 250 m × 250 m).', true),
('MOHURD-complete-community-2020', '5min', '完整居住社区', 'complete residential community', 5, 300, 300, 5000, 12000, NULL, NULL,
 '完整居住社区建设标准(试行) 2020: community unit; distance from the GB 50180-2018 5-minute level it corresponds to',
 false, 'Scale 0.5–1.2 万人 and 5–10 min walk recalled, not read; 300 m taken from the GB 50180-2018 5-minute level (itself unverified).', true);

INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, per_1000, per_1000_unit,
  floor_area_min_m2, floor_area_max_m2, site_area_min_m2, site_area_max_m2, source, verified, note, shipped) VALUES
-- GB 50180-2018, 15-minute level
('GB50180-2018', 'middle_school', '初中', 'junior middle school', '15min', 1000, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled (practice: ≤1000 m; GB 50180-93 附录A read ≤1000 m); not read in the 2018 text.', true),
('GB50180-2018', 'clinic', '社区卫生服务中心(社区医院)', 'community health service centre', '15min', 1000, true, NULL, NULL, 1700, 2000, 1420, 2860,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. The 1000 m radius is supported indirectly by the GB 50442 draft explanatory note 6.3.2 (a community health service centre serves 30 000–100 000 people within 1000 m, said to align with GB 50180); still unverified.', true),
('GB50180-2018', 'elderly_care', '养老院; 老年养护院', 'nursing home; elderly care home', '15min', NULL, true, NULL, NULL, 7000, 17500, 3500, 22000,
 'GB 50180-2018 附录B/C', false, 'Areas recalled, not read (养老院 7000–17500 m² floor, 3500–22000 m² site; 老年养护院 3500–17500 m² floor, 1750–22000 m² site). No radius.', true),
('GB50180-2018', 'culture_activity', '文化活动中心(含青少年、老年活动中心)', 'cultural activity centre (incl. youth and senior centres)', '15min', 1000, true, NULL, NULL, 3000, 6000, 3000, 12000,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. The facility itself is confirmed for the 15-minute level (ccprjournal.com.cn).', true),
('GB50180-2018', 'sports', '大型多功能运动场地', 'large multi-purpose sports ground', '15min', 1000, true, NULL, NULL, NULL, NULL, 3150, 5620,
 'GB 50180-2018 附录B/C', false, 'Radius and site area recalled, not read.', true),
('GB50180-2018', 'community_service', '社区服务中心(街道级)', 'community service centre (sub-district)', '15min', 1000, true, NULL, NULL, 700, 1500, 600, 1200,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. The facility itself is confirmed for the 15-minute level (ccprjournal.com.cn). 街道办事处 (also required) has no shared category code.', true),
('GB50180-2018', 'park', '公共绿地(居住区公园)', 'public green space (residential park)', '15min', NULL, true, 2000, 'm² public green land',
 NULL, NULL, NULL, NULL,
 'GB 50180-2018 表4.0.4: 15-minute public green ≥2.0 m²/person; https://tihaiku.com/jzgc/2511126.html', true,
 'Per-capita figure read (2.0 m²/person = 2000 m² per 1000 residents); old-district renewal may use ≥70 % of it (4.0.5). No radius in the source.', true),
-- 10-minute level
('GB50180-2018', 'primary_school', '小学', 'primary school', '10min', 500, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled (practice: ≤500 m; GB 50180-93 附录A read ≤500 m); not read in the 2018 text.', true),
('GB50180-2018', 'sports', '中型多功能运动场地', 'medium multi-purpose sports ground', '10min', 500, true, NULL, NULL, NULL, NULL, 1310, 2460,
 'GB 50180-2018 附录B/C', false, 'Radius and site area recalled, not read.', true),
('GB50180-2018', 'market', '菜市场或生鲜超市', 'food market or fresh-food supermarket', '10min', 500, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius recalled, not read.', true),
('GB50180-2018', 'park', '公共绿地(居住区公园)', 'public green space (residential park)', '10min', NULL, true, 1000, 'm² public green land',
 NULL, NULL, 10000, NULL,
 'GB 50180-2018 表4.0.4: 10-minute public green ≥1.0 m²/person, 居住区公园 ≥1.0 hm², width ≥50 m; https://tihaiku.com/jzgc/2511126.html; zgbk.com', true,
 'Figures read (1.0 m²/person = 1000 m² per 1000 residents; park ≥1.0 hm²). No radius in the source.', true),
-- 5-minute level
('GB50180-2018', 'kindergarten', '幼儿园', 'kindergarten', '5min', 300, true, NULL, NULL, 3150, 4550, 5240, 7580,
 'GB 50180-2018 附录B/C, 表5.0.3', false, 'Radius 300 m read only in a code-repository comment (GB 50180-93 also reads ≤300 m); areas recalled, not read.', true),
('GB50180-2018', 'nursery', '托儿所', 'nursery (ages 0–3)', '5min', 300, false, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Optional (△); radius recalled, not read.', true),
('GB50180-2018', 'health_station', '社区卫生服务站', 'community health station', '5min', 300, false, NULL, NULL, 120, 270, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Optional (△); radius and area recalled, not read.', true),
('GB50180-2018', 'elderly_day_care', '老年人日间照料中心(托老所)', 'elderly day-care centre', '5min', 300, true, NULL, NULL, 350, 750, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius and area recalled, not read.', true),
('GB50180-2018', 'culture_activity', '文化活动站(含青少年、老年活动站)', 'cultural activity station (incl. youth and senior rooms)', '5min', 500, true, NULL, NULL, 250, 1200, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Radius and area recalled, not read.', true),
('GB50180-2018', 'sports', '小型多功能运动(球类)场地; 室外综合健身场地(含老年户外活动场地)', 'small ball-games ground; outdoor fitness ground (incl. seniors)', '5min', 300, true, NULL, NULL, NULL, NULL, 150, 1310,
 'GB 50180-2018 附录B/C', false, 'Two required facilities merged: ball-games ground 770–1310 m² and fitness ground 150–750 m² site. Radius and areas recalled, not read.', true),
('GB50180-2018', 'community_service', '社区服务站(含居委会、治安联防站、残疾人康复室)', 'community service station (incl. residents'' committee)', '5min', 300, true, NULL, NULL, 600, 1000, 500, 800,
 'GB 50180-2018 附录B/C', false, 'Radius and areas recalled, not read. 生活垃圾收集站 (also required) has no shared category code.', true),
-- residential block
('GB50180-2018', 'parcel', '邮件和快件送达设施', 'mail and parcel delivery facility', 'block', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 'GB 50180-2018 附录B/C', false, 'Recalled, not read. 物业管理, 生活垃圾收集点 and residents'' parking (also required) have no shared category code; parking demand is in cp.parking_standards.', true),
-- 完整居住社区建设标准(试行) 2020: one complete community
('MOHURD-complete-community-2020', 'community_service', '社区综合服务站', 'community integrated service station', '5min', NULL, true, NULL, NULL, 800, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.1; http://beihai.jiwu.com/news/4233388.html', true,
 'Floor area 以800 m²为宜 (about 800 m², not a hard minimum): service hall, police room, residents'' committee, activity rooms, reading room.', true),
('MOHURD-complete-community-2020', 'kindergarten', '幼儿园', 'kindergarten', '5min', NULL, true, NULL, NULL, 2200, NULL, 3500, NULL,
 '完整居住社区建设标准(试行) 一.2; http://beihai.jiwu.com/news/4233388.html', true, 'At least 6 classes, ages 3–6.', true),
('MOHURD-complete-community-2020', 'nursery', '托儿所', 'nursery (ages 0–3)', '5min', NULL, true, NULL, NULL, 200, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.3; http://beihai.jiwu.com/news/4233388.html', true, 'May share a building with the service station, the health station, housing or offices.', true),
('MOHURD-complete-community-2020', 'elderly_care', '老年服务站', 'elderly service station', '5min', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.4; http://beihai.jiwu.com/news/4233388.html', true, 'Built together with the community integrated service station.', true),
('MOHURD-complete-community-2020', 'elderly_day_care', '老年人日间照料中心', 'elderly day-care centre', '5min', NULL, false, NULL, NULL, 350, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.4; http://beihai.jiwu.com/news/4233388.html', true, 'Optional: one day-care centre of ≥350 m² where conditions allow.', true),
('MOHURD-complete-community-2020', 'health_station', '社区卫生服务站', 'community health station', '5min', NULL, true, NULL, NULL, 120, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 一.5; http://beihai.jiwu.com/news/4233388.html', true, NULL, true),
('MOHURD-complete-community-2020', 'supermarket', '综合超市', 'general supermarket', '5min', NULL, true, NULL, NULL, 300, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.6; http://beihai.jiwu.com/news/4233388.html', true, 'Vegetables, fruit, fresh food and daily goods.', true),
('MOHURD-complete-community-2020', 'parcel', '邮件和快件寄递服务设施', 'mail and parcel delivery facilities', '5min', NULL, true, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.7; sleeper012/Optimization-of-urban-facilities README.md', false, 'Several (多个) per community. Read only in a code repository''s README, not in the standard.', true),
('MOHURD-complete-community-2020', 'pharmacy', '其他便民商业网点(药店等)', 'other convenience shops (pharmacy etc.)', '5min', NULL, false, NULL, NULL, NULL, NULL, NULL, NULL,
 '完整居住社区建设标准(试行) 二.8; sleeper012/Optimization-of-urban-facilities README.md', false, 'Barber, pharmacy, repair, catering and similar shops; pharmacy is the one with a shared code. Read only in a code repository''s README, not in the standard.', true),
('MOHURD-complete-community-2020', 'park', '公共活动场地; 公共绿地', 'public activity ground; public green space', '5min', NULL, true, NULL, NULL, NULL, NULL, 150, NULL,
 '完整居住社区建设标准(试行) 四.14, 四.15; sleeper012/Optimization-of-urban-facilities README.md', false,
 'Public activity ground ≥150 m² read only in a code-repository README (weak source); mapped to park for want of a shared code.', true);

INSERT INTO cp.parking_standards (standard, rule, use, community_type, flat_area_min_m2, flat_area_max_m2, basis, spaces, ev_share,
                                  source, verified, note, shipped) VALUES
('MOHURD-complete-community-2020', 'residential-new', 'residential', 'new', NULL, NULL, 'household', 1.0, 1.0,
 '完整居住社区建设标准(试行) 三.10 停车及充电设施; MOHURD 补短板 opinion reprinted at http://hrhny.com/1729.html', true,
 'New communities: ≥1 space per household; 100 % of spaces with chargers built or installation conditions reserved. Existing communities: the standard asks for non-motor sheds and e-bike charging, no car ratio.', true),
('CP-parking-default', 'residential-new', 'residential', 'new', NULL, NULL, 'household', 1.0, 1.0,
 '完整居住社区建设标准(试行) 三.10; http://hrhny.com/1729.html', true,
 '≥1 space per household, 100 % EV-ready.', true),
('CP-parking-default', 'residential-any', 'residential', 'any', NULL, NULL, 'household', 1.0, NULL,
 'community_planning default (no national figure for existing or rural communities)', false,
 'Assumption: demand in old and rural communities equals the new-community ratio of 1 space per household. Replace it with the local rule: GB 50180-2018 5.0.6 sets no national ratio (local motorisation, location, land and public transport decide).', true),
('CP-parking-default', 'office', 'office', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.25,
 'Common local rule of 1 space per 100 m² (anchors.md, not read in a standard); EV share from Hainan provincial policy (office ≥25 %)', false,
 'Xiamen 2020 (reconstructed): foreign-facing offices 2.0, city-level government offices 1.2–1.5, other offices 0.8–1.0 per 100 m² (XM-parking-2020).', true),
('CP-parking-default', 'retail', 'retail', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.20,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (commercial ≥20 %)', false,
 'Xiamen before 2020: retail 0.6, catering and entertainment 1.2 per 100 m²; Xiamen 2020 merges them at 0.6–1.2 per 100 m² (XM-parking-2020).', true),
('CP-parking-default', 'clinic', 'clinic', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.15,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (other public buildings ≥15 %)', false,
 'No hospital or clinic ratio was found in any source.', true),
('CP-parking-default', 'school', 'school', 'any', NULL, NULL, 'floor_100m2', 1.0, 0.15,
 'Common local rule of 1 space per 100 m² (not read in a standard); EV share from Hainan provincial policy (other public buildings ≥15 %)', false,
 'No school ratio was found in any source.', true),
('XM-parking-2020', 'residential', 'residential', 'any', NULL, NULL, 'household', 1.0, NULL,
 '厦门 2020: 普通商品住宅 project total ≥1 space per household (一户一车位); 安置房 and 保障性商品房 the same', true,
 'Applies to flat sizes without their own rule (144–180 m² and >200 m²: "unchanged", value not given).', true),
('XM-parking-2020', 'residential-le70', 'residential', 'any', NULL, 70, 'household', 0.8, NULL,
 '厦门 2020: flat ≤70 m², 1.2 → 0.8 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true),
('XM-parking-2020', 'residential-70-144', 'residential', 'any', 70, 144, 'household', 1.0, NULL,
 '厦门 2020: flat 70–144 m² (含144), 1.2 → 1.0 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true),
('XM-parking-2020', 'residential-180-200', 'residential', 'any', 180, 200, 'household', 2.0, NULL,
 '厦门 2020: flat 180–200 m² (含200), 1.5 → 2.0 spaces per household (lower bound)', false,
 'Numbers read in scrambled mirror copies; the bin they belong to was reconstructed.', true),
('XM-parking-2020', 'office', 'office', 'any', NULL, NULL, 'floor_100m2', 0.8, NULL,
 '厦门 2020: 其它行政办公 (other offices) 0.8–1.0 spaces per 100 m²; the lower bound is shipped', false,
 'Reconstructed from mirror copies (fragments re-ordered to pair figures with categories). Other office kinds, not shipped as rules: 涉外窗口 foreign-facing offices 2.0 and 市级 city-level government offices 1.2–1.5 (lower bound 1.2) per 100 m²; copy the set for such buildings.', true),
('XM-parking-2020', 'retail', 'retail', 'any', NULL, NULL, 'floor_100m2', 0.6, NULL,
 '厦门 2020: 商业 (retail and catering merged) 0.6–1.2 spaces per 100 m²; the lower bound is shipped', false,
 'Reconstructed from mirror copies. Before 2020: 零售商业 0.6, 餐饮娱乐 1.2 per 100 m².', true);

-- Whom each shipped category serves and how they walk (issue 15): the age
-- cohort of its users, and the elderly profile for elderly facilities.
UPDATE cp.facility_categories
   SET target_group = CASE code WHEN 'nursery' THEN '0-3' WHEN 'kindergarten' THEN '3-6'
                                WHEN 'primary_school' THEN '6-12' WHEN 'middle_school' THEN '12-15'
                                WHEN 'elderly_care' THEN '60+' WHEN 'elderly_day_care' THEN '60+' ELSE 'all' END,
       profile = CASE WHEN code IN ('elderly_care', 'elderly_day_care') THEN 'elderly' ELSE 'standard_pace' END;

-- Guards go on after the shipped rows are in.
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.facility_standards
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.facility_standards
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.life_circles
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.life_circles
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.facility_categories
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.facility_categories
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.parking_standards
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.parking_standards
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('cp.facility_standards', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.life_circles', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.facility_categories', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.parking_standards', 'WHERE NOT shipped');

GRANT SELECT ON cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards TO PUBLIC;

-- Functions -------------------------------------------------------------------
CREATE FUNCTION cp.check_standard(standard text) RETURNS void
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
COMMENT ON FUNCTION cp.check_standard(text) IS
  'Raises undefined_object (42704) naming the known sets when a standard set code does not exist';

CREATE VIEW cp.life_circle_categories AS
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

CREATE FUNCTION cp.life_circle_requirements(standard text, life_circle text, include_optional boolean DEFAULT false)
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
COMMENT ON FUNCTION cp.life_circle_requirements(text, text, boolean) IS
  'Facility categories a life-circle level of a standard set must contain, its own and every lower level''s, with the walking radius to test (effective_radius_m); optional (△) categories too when include_optional. Errors: unknown set 42704, unknown level 22023';

CREATE FUNCTION cp.copy_standard(source text, target text, title_zh text, title_en text DEFAULT NULL,
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
COMMENT ON FUNCTION cp.copy_standard(text, text, text, text, text, int) IS
  'Copies a standard set (life circles, facility categories, parking rules) into a new editable user set and returns the number of category and parking rows copied. Errors: NULL argument 22004, unknown source 42704, existing target 42710';

CREATE FUNCTION cp.parking_no_rule(standard text, use text, community_type text) RETURNS void
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
COMMENT ON FUNCTION cp.parking_no_rule(text, text, text) IS
  'Raises the error that explains why no parking rule matched: unknown set 42704, unknown use for the set 22023 (listing its uses), or no rule for the community type 22023';

CREATE FUNCTION cp.parking_check_input(community_type text, households float8, floor_area_m2 float8) RETURNS void
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
COMMENT ON FUNCTION cp.parking_check_input(text, float8, float8) IS
  'Raises invalid_parameter_value (22023) for an unknown community type or a negative, NaN or infinite quantity; NULL quantities pass';

CREATE FUNCTION cp.parking_rule(standard text, use text, households float8, floor_area_m2 float8,
                                community_type text DEFAULT 'old')
RETURNS SETOF cp.parking_standards
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std  text := standard;
  u    text := use;
  ct   text := community_type;
  flat float8;
  r    cp.parking_standards;
BEGIN
  IF std IS NULL OR u IS NULL OR ct IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.parking_check_input(ct, households, floor_area_m2);
  IF households > 0 AND floor_area_m2 > 0 THEN
    flat := floor_area_m2 / households;
  END IF;
  SELECT p.* INTO r
    FROM cp.parking_standards p
   WHERE p.standard = std AND p.use = u
     AND p.community_type IN (ct, 'any')
     AND ((p.flat_area_min_m2 IS NULL AND p.flat_area_max_m2 IS NULL)
          OR (flat > coalesce(p.flat_area_min_m2, '-Infinity') AND flat <= coalesce(p.flat_area_max_m2, 'Infinity')))
   ORDER BY (p.community_type = ct) DESC,
            (p.flat_area_min_m2 IS NOT NULL OR p.flat_area_max_m2 IS NOT NULL) DESC
   LIMIT 1;
  IF NOT FOUND THEN
    PERFORM cp.parking_no_rule(std, u, ct);
  END IF;
  RETURN NEXT r;
END
$$;
COMMENT ON FUNCTION cp.parking_rule(text, text, float8, float8, text) IS
  'The parking rule of a set that applies to a building: same use; the rule naming the community type before an any rule; a matching flat-size bin (floor area / households) before a rule for any flat size. No row for a NULL standard, use or community type. Errors: unknown set 42704; unknown use or community type, negative or non-finite quantity 22023';

CREATE FUNCTION cp.parking_demand(standard text, use text, households float8, floor_area_m2 float8,
                                  community_type text DEFAULT 'old')
RETURNS float8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  -- the rule is cp.parking_rule's (one place for the precedence and the errors)
  SELECT CASE r.basis WHEN 'household' THEN households * r.spaces ELSE floor_area_m2 / 100.0 * r.spaces END
    FROM cp.parking_rule(standard, use, households, floor_area_m2, community_type) r
$$;
COMMENT ON FUNCTION cp.parking_demand(text, text, float8, float8, text) IS
  'Parking spaces a building needs under a set (the rule of cp.parking_rule): households × spaces per household, or floor area / 100 × spaces per 100 m². NULL when the standard, use or community type is NULL or the quantity the rule needs is NULL. Errors as cp.parking_rule';
