
-- Amap (高德) and Baidu POI types -> facility categories (issue 16) ------------
-- cp.poi_type_mapping is data the planner edits, as cp.osm_category_map: rows
-- shipped with the extension (shipped = true) are read-only
-- (cp.protect_shipped()); a district's own rows (shipped = false) win over
-- them and are kept by pg_dump (pg_extension_config_dump below).
-- A POI's type is matched by its provider type code, then by its full type
-- path ('科教文化服务;学校;幼儿园'), then by each word of the path from the leaf
-- up ('幼儿园', '学校', ...), then by the code's middle class (090102 ->
-- 090100); rows of provider 'any' hold the plain words both providers and
-- analysts write (幼儿园, 医院, 药店).

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
UPDATE cp.poi_type_mapping SET shipped = true;
ALTER TABLE cp.poi_type_mapping ALTER COLUMN shipped SET DEFAULT false;

-- A row's category must be one the facilities readers know (a typo would make
-- every analysis refuse the facilities query later, far from the cause).
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

-- One POI type -> its category. standard: the set whose categories count.
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

-- A POI export (CSV loaded with \copy, or any table) -> facilities rows.
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
