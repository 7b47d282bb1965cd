-- Chinese messages (issue 16): with lc_messages zh_CN the extension's errors come out in Chinese,
-- the C ones through ereport's TEXTDOMAIN and the PL/pgSQL ones through cp._t(), both from the
-- catalogue po/zh_CN.po installed as <localedir>/zh_CN/LC_MESSAGES/community_planning.mo. Every
-- other test runs with lc_messages = C (English). The machine needs the zh_CN.UTF-8 locale
-- (tools/prepare.sh generates it). Messages are read in a handler, so the severity label, which
-- PostgreSQL's own catalogue translates, plays no part.
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  st text; m text; h text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT, h = PG_EXCEPTION_HINT;
  RETURN st || ': ' || m || ' / ' || h;
END
$$;
INSERT INTO cp.facility_standards (code, title_zh) VALUES ('I18N', '测试标准');
INSERT INTO cp.life_circles (standard, life_circle, name_zh, distance_max_m, source) VALUES
  ('I18N', 'block', '街坊', NULL, 'test'), ('I18N', '5min', '五分钟', 300, 'test');
INSERT INTO cp.facility_categories (standard, code, name_zh, name_en, life_circle, radius_m, required, source) VALUES
  ('I18N', 'kindergarten', '幼儿园', 'kindergarten', '5min', 300, true, 'test'),
  ('I18N', 'parcel', '快件', 'parcel', 'block', NULL, true, 'test');

SET lc_messages = 'zh_CN.UTF-8';
-- an error of the C code (src/chinacoord.c)
SELECT pg_temp.err($$SELECT cp.chinacoord_ewkb(ST_AsEWKB('SRID=4326;POINT(116.3 39.9)'::geometry), 'mars', 'wgs84')$$);
-- errors of the PL/pgSQL parts, raised through cp._t()
SELECT pg_temp.err($$SELECT cp.check_standard('nope')$$);
SELECT pg_temp.err($$SELECT * FROM cp.life_circle_requirements('I18N', '20min')$$);
SELECT cp._t('categories without a walking radius are not checked: %s') AS notice_text;
RESET lc_messages;
-- the same in English
SELECT pg_temp.err($$SELECT cp.check_standard('nope')$$);
SELECT cp._t('categories without a walking radius are not checked: %s') AS notice_text, cp._t('no such message') AS untranslated;

-- a NOTICE is given once per statement, however many analyses the statement runs
SELECT count(*) FROM cp._coverage_categories('I18N') a, cp._coverage_categories('I18N') b;
SELECT count(*) FROM cp._coverage_settings('I18N', 'm', NULL, 'CN-2020') a, cp._coverage_categories('I18N') b;
-- and again in the next statement
SELECT count(*) FROM cp._coverage_categories('I18N');

-- facilities of a category the set has but cannot check (no radius) are named once, as not
-- checked, never also as "not in the standard"; a category the set lacks is (hospital)
SELECT nodes FROM cp.network_build('i18n_street', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom$$);
SELECT category, round(ratio::numeric, 2) AS ratio
  FROM cp.coverage('i18n_street', $$SELECT 1 AS id, 'SRID=32650;POINT(0 0)'::geometry AS geom, 100 AS population$$,
                   $$SELECT * FROM (VALUES (1, 'kindergarten', 'SRID=32650;POINT(100 0)'::geometry),
                                           (2, 'parcel', 'SRID=32650;POINT(50 0)'::geometry),
                                           (3, 'hospital', 'SRID=32650;POINT(60 0)'::geometry)) f (id, category, geom)$$,
                   NULL, 'I18N');
SELECT life_circle, round(ratio::numeric, 2) AS ratio, missing_categories, missing_categories_zh
  FROM cp.life_circle('i18n_street', $$SELECT 1 AS id, 'SRID=32650;POINT(0 0)'::geometry AS geom, 100 AS population$$,
                      $$SELECT 2 AS id, 'parcel' AS category, 'SRID=32650;POINT(50 0)'::geometry AS geom$$, NULL, 'I18N', '5min');
SELECT cp.network_drop('i18n_street');

-- one Chinese and one English name per category code; a row of your own takes precedence
SELECT cp.category_name('parcel') AS zh, cp.category_name('parcel', 'en') AS en, cp.category_name('my_code') AS unnamed;
SELECT cp.category_names('{primary_school,kindergarten,elderly_care}') AS zh,
       cp.category_names('{primary_school,kindergarten,elderly_care}', 'en') AS en;
SELECT count(*) = count(DISTINCT code) AS one_name_per_code,
       (SELECT count(*) FROM (SELECT code FROM cp.facility_categories UNION SELECT category FROM cp.osm_category_map
                               WHERE category IS NOT NULL) k
         WHERE NOT EXISTS (SELECT 1 FROM cp.category_names n WHERE n.code = k.code)) AS codes_without_name
  FROM cp.category_names WHERE shipped;
INSERT INTO cp.category_names (code, name_zh, name_en) VALUES ('parcel', '快递柜', 'parcel lockers');
SELECT cp.category_name('parcel') AS zh, cp.category_name('parcel', 'en') AS en;
UPDATE cp.category_names SET name_zh = '快递' WHERE code = 'parcel' AND shipped;
DELETE FROM cp.category_names WHERE code = 'parcel' AND NOT shipped;

DELETE FROM cp.facility_standards WHERE code = 'I18N';
