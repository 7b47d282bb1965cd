
-- Names and messages in the reader's language (issue 16) ---------------------
-- One Chinese and one English name per shared facility category code, for
-- results (cp.life_circle's missing_categories_zh): cp.facility_categories
-- names a category as each standard writes it at each level, which gives a
-- code several names. Shipped rows are read-only and not dumped; a district
-- renames a category by inserting its own row for the code (shipped = false),
-- which takes precedence and is kept by pg_dump (the pattern of
-- 30_standards.sql). Messages: cp._t() translates an English message of the
-- extension through its gettext catalogue (po/, installed as
-- <localedir>/LANG/LC_MESSAGES/community_planning.mo) in the session's
-- lc_messages, for the PL/pgSQL parts, whose RAISE texts PostgreSQL does not
-- translate; the C messages are translated by ereport itself (TEXTDOMAIN).

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

-- The name of a category code: your own row, else the shipped one, else the code.
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
