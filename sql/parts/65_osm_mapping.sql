
-- OSM tags -> the standard's facility categories, and import estimates -------
-- cp.osm_category_map is data the planner edits: rows shipped with the
-- extension have shipped = true; rows a user adds (shipped = false) win over
-- them and are kept by pg_dump (pg_extension_config_dump below).

CREATE TABLE cp.osm_category_map (
  key       text NOT NULL,
  value     text NOT NULL,
  and_key   text,
  and_value text,
  category  text CONSTRAINT osm_category_map_category_code CHECK (category ~ '^[a-z][a-z0-9_]*$'),
  priority  integer NOT NULL DEFAULT 100,
  shipped   boolean NOT NULL DEFAULT false,
  note      text,
  CONSTRAINT osm_category_map_condition_pair CHECK ((and_key IS NULL) = (and_value IS NULL)),
  UNIQUE NULLS NOT DISTINCT (key, value, and_key, and_value, shipped)
);
COMMENT ON TABLE cp.osm_category_map IS
  'Editable mapping of OSM tags to facility categories: a row matches when tags->>key = value and, if and_key is set, tags->>and_key matches the regular expression and_value; user rows (shipped = false) win, then conditional rows, then lower priority; category NULL means not a facility';
COMMENT ON COLUMN cp.osm_category_map.key IS 'OSM key (amenity, shop, healthcare, social_facility, leisure, ...)';
COMMENT ON COLUMN cp.osm_category_map.value IS 'OSM value, matched exactly';
COMMENT ON COLUMN cp.osm_category_map.and_key IS 'optional second OSM key that must also match';
COMMENT ON COLUMN cp.osm_category_map.and_value IS 'POSIX regular expression the value of and_key must match';
COMMENT ON COLUMN cp.osm_category_map.category IS 'facility category code (docs/import.md), or NULL to exclude the feature';
COMMENT ON COLUMN cp.osm_category_map.priority IS 'among equally specific matches, the lowest wins';
COMMENT ON COLUMN cp.osm_category_map.shipped IS 'true for rows installed by the extension; user rows (false) are dumped by pg_dump and win';
COMMENT ON COLUMN cp.osm_category_map.note IS 'why the row maps as it does';

INSERT INTO cp.osm_category_map (key, value, and_key, and_value, category, priority, note) VALUES
  -- children
  ('amenity', 'kindergarten', NULL, NULL, 'kindergarten', 100, '幼儿园'),
  ('amenity', 'kindergarten', 'name', '托儿所|托育', 'nursery', 100, 'a kindergarten named as a nursery'),
  ('amenity', 'childcare', NULL, NULL, 'nursery', 100, '托儿所 / 托育 (under-3 care)'),
  -- schools: the level from isced:level, then from the name, else primary
  ('amenity', 'school', 'isced:level', '(^|[;,])\s*1', 'primary_school', 10, 'ISCED 1 (a 9-year school counts as primary)'),
  ('amenity', 'school', 'isced:level', '(^|[;,])\s*[23]', 'middle_school', 20, 'ISCED 2-3'),
  ('amenity', 'school', 'name', '小学', 'primary_school', 30, 'name says 小学'),
  ('amenity', 'school', 'name', '中学|初中|高中', 'middle_school', 40, 'name says 中学/初中/高中'),
  ('amenity', 'school', 'name', '(?i)primary|elementary', 'primary_school', 50, 'name says primary or elementary'),
  ('amenity', 'school', 'name', '(?i)middle|secondary|high school', 'middle_school', 60, 'name says middle, secondary or high school'),
  ('amenity', 'school', NULL, NULL, 'primary_school', 200, 'level unknown: counted as primary (the most numerous)'),
  -- health
  ('amenity', 'doctors', NULL, NULL, 'health_station', 100, 'a doctor''s practice: 卫生服务站 level'),
  ('healthcare', 'doctor', NULL, NULL, 'health_station', 100, 'a doctor''s practice: 卫生服务站 level'),
  ('amenity', 'clinic', 'name', '卫生服务站|卫生室|卫生站', 'health_station', 100, 'name says 卫生服务站'),
  ('amenity', 'clinic', NULL, NULL, 'clinic', 100, '门诊部 / 社区卫生服务中心'),
  ('healthcare', 'clinic', NULL, NULL, 'clinic', 100, '门诊部 / 社区卫生服务中心'),
  ('healthcare', 'centre', NULL, NULL, 'clinic', 100, 'health centre'),
  ('amenity', 'dentist', NULL, NULL, 'clinic', 150, 'dental clinic'),
  ('healthcare', 'dentist', NULL, NULL, 'clinic', 150, 'dental clinic'),
  ('amenity', 'hospital', NULL, NULL, 'hospital', 100, '医院'),
  ('healthcare', 'hospital', NULL, NULL, 'hospital', 100, '医院'),
  ('amenity', 'pharmacy', NULL, NULL, 'pharmacy', 100, '药店'),
  ('healthcare', 'pharmacy', NULL, NULL, 'pharmacy', 100, '药店'),
  -- older people
  ('social_facility', 'nursing_home', NULL, NULL, 'elderly_care', 100, '养老院'),
  ('social_facility', 'assisted_living', NULL, NULL, 'elderly_care', 100, '养老院 (assisted living)'),
  ('social_facility', 'group_home', 'social_facility:for', '(^|;)\s*senior', 'elderly_care', 100, 'group home for seniors'),
  ('social_facility', 'day_care', 'social_facility:for', '(^|;)\s*senior', 'elderly_day_care', 100, '老年人日间照料中心'),
  ('amenity', 'nursing_home', NULL, NULL, 'elderly_care', 100, 'deprecated tag for a nursing home'),
  ('amenity', 'social_facility', 'social_facility:for', '(^|;)\s*senior', 'elderly_care', 150, 'other social facility for seniors'),
  ('amenity', 'social_facility', 'social_facility', '^(soup_kitchen)$', 'canteen', 120, '助餐点 / soup kitchen'),
  ('amenity', 'social_facility', NULL, NULL, 'community_service', 200, 'any other social facility'),
  -- community
  ('amenity', 'community_centre', NULL, NULL, 'community_service', 100, '社区服务中心/站'),
  ('amenity', 'townhall', NULL, NULL, 'community_service', 150, '街道/社区 office'),
  ('amenity', 'social_centre', NULL, NULL, 'culture_activity', 100, '文化活动站 (club rooms)'),
  ('amenity', 'arts_centre', NULL, NULL, 'culture_activity', 100, '文化活动中心'),
  ('amenity', 'theatre', NULL, NULL, 'culture_activity', 150, 'theatre'),
  ('amenity', 'library', NULL, NULL, 'library', 100, '图书馆 / 阅览室'),
  -- sport and green
  ('leisure', 'sports_centre', NULL, NULL, 'sports', 100, '体育馆 / 全民健身中心'),
  ('leisure', 'sports_hall', NULL, NULL, 'sports', 100, 'sports hall'),
  ('leisure', 'fitness_centre', NULL, NULL, 'sports', 100, 'gym'),
  ('leisure', 'fitness_station', NULL, NULL, 'sports', 100, '室外健身器材'),
  ('leisure', 'pitch', NULL, NULL, 'sports', 100, '球场'),
  ('leisure', 'stadium', NULL, NULL, 'sports', 100, 'stadium'),
  ('leisure', 'swimming_pool', NULL, NULL, 'sports', 100, 'swimming pool'),
  ('leisure', 'track', NULL, NULL, 'sports', 100, 'running track'),
  ('leisure', 'park', NULL, NULL, 'park', 100, '公园 / 社区游园'),
  ('leisure', 'playground', NULL, NULL, 'park', 150, '儿童活动场地, counted with parks'),
  -- daily needs
  ('shop', 'supermarket', NULL, NULL, 'supermarket', 100, '超市'),
  ('amenity', 'marketplace', NULL, NULL, 'market', 100, '菜市场 / 农贸市场'),
  ('amenity', 'parcel_locker', NULL, NULL, 'parcel', 100, '快递柜'),
  ('amenity', 'post_office', NULL, NULL, 'parcel', 100, '邮政 / 快递服务站'),
  ('amenity', 'canteen', NULL, NULL, 'canteen', 100, '社区食堂'),
  ('amenity', 'toilets', 'access', '^(private|no|customers)$', NULL, 100, 'toilets not open to the public'),
  ('amenity', 'toilets', NULL, NULL, 'public_toilet', 100, '公共厕所');
UPDATE cp.osm_category_map SET shipped = true;
ALTER TABLE cp.osm_category_map ALTER COLUMN shipped SET DEFAULT false;
SELECT pg_catalog.pg_extension_config_dump('cp.osm_category_map', 'WHERE NOT shipped');
GRANT SELECT ON cp.osm_category_map TO PUBLIC;

CREATE FUNCTION cp.osm_category(tags jsonb) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT m.category
    FROM cp.osm_category_map m
   WHERE tags ->> m.key = m.value
     AND (m.and_key IS NULL OR coalesce(tags ->> m.and_key, '') ~ m.and_value)
   ORDER BY m.shipped, m.and_key IS NULL, m.priority, m.key, m.value
   LIMIT 1
$$;
COMMENT ON FUNCTION cp.osm_category(jsonb) IS
  'Facility category of an OSM feature from its tags through cp.osm_category_map, or NULL when it is not a facility';

-- Estimates from floor area, households and car-park area --------------------

CREATE FUNCTION cp.building_floor_area(footprint geometry, levels integer DEFAULT 1) RETURNS float8
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

CREATE FUNCTION cp.estimate_population(floor_area_m2 float8, m2_per_person float8 DEFAULT 36.52) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (floor_area_m2 >= 0 AND floor_area_m2 < 'Infinity') THEN
    RAISE EXCEPTION 'floor area must be a finite number of square metres, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', floor_area_m2);
  END IF;
  IF NOT (m2_per_person > 0 AND m2_per_person < 'Infinity') THEN
    RAISE EXCEPTION 'floor area per person must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', m2_per_person);
  END IF;
  RETURN floor_area_m2 / m2_per_person;
END
$$;
COMMENT ON FUNCTION cp.estimate_population(float8, float8) IS
  'Residents estimated from residential floor area; default 36.52 m2 of housing per person in cities (2020 census, China); see docs/import.md';

CREATE FUNCTION cp.estimate_population_from_households(households float8, persons_per_household float8 DEFAULT 2.62)
RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (households >= 0 AND households < 'Infinity') THEN
    RAISE EXCEPTION 'households must be a finite number, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', households);
  END IF;
  IF NOT (persons_per_household > 0 AND persons_per_household < 'Infinity') THEN
    RAISE EXCEPTION 'persons per household must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', persons_per_household);
  END IF;
  RETURN households * persons_per_household;
END
$$;
COMMENT ON FUNCTION cp.estimate_population_from_households(float8, float8) IS
  'Residents estimated from dwellings (building:flats) or households; default 2.62 persons per household (2020 census, China)';

CREATE FUNCTION cp.estimate_parking_spaces(area_m2 float8, m2_per_space float8 DEFAULT 30) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT (area_m2 >= 0 AND area_m2 < 'Infinity') THEN
    RAISE EXCEPTION 'car park area must be a finite number of square metres, zero or more'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', area_m2);
  END IF;
  IF NOT (m2_per_space > 0 AND m2_per_space < 'Infinity') THEN
    RAISE EXCEPTION 'area per parking space must be a finite number above zero'
      USING ERRCODE = 'invalid_parameter_value', DETAIL = pg_catalog.format('The value given is %s.', m2_per_space);
  END IF;
  RETURN floor(area_m2 / m2_per_space)::integer;
END
$$;
COMMENT ON FUNCTION cp.estimate_parking_spaces(float8, float8) IS
  'Car spaces of a car park without a capacity tag, from its area; default 30 m2 per surface space including aisles (upper end of the 25-30 m2 of GB/T 51149-2016)';

-- Every category code some standard set or the OSM mapping uses: a facilities
-- query may carry any of them (the others are ignored with a NOTICE); a code
-- outside this list is a typo (22023, src/units.c).
CREATE FUNCTION cp._known_categories() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT coalesce(pg_catalog.array_agg(k.code ORDER BY k.code), '{}')
    FROM (SELECT c.code FROM cp.facility_categories c
          UNION
          SELECT m.category FROM cp.osm_category_map m WHERE m.category IS NOT NULL) k
$$;
COMMENT ON FUNCTION cp._known_categories() IS
  'Internal: every facility category code a standard set or the OSM mapping uses (the facilities readers refuse other codes as typos)';
