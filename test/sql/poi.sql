-- POI exports (issue 16): an Amap CSV (GCJ-02) loaded with \copy, its types mapped to facility
-- categories through cp.poi_type_mapping, moved to WGS84 and into the network's CRS, used as facilities.
SET client_min_messages = notice;
\set VERBOSITY default
\set SHOW_CONTEXT never
CREATE TABLE amap_pois (id text, name text, type text, typecode text, lon float8, lat float8);
\copy amap_pois FROM 'test/fixtures/amap_sample.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS pois FROM amap_pois;
-- the 14 type words of the issue all match; hospital and pharmacy are kept but not counted by GB 50180
SELECT w AS type_word, c.category, c.counted, c.matched, c.reason
  FROM unnest(ARRAY['幼儿园', '小学', '初中', '医院', '药店', '停车场', '公园', '社区卫生服务中心', '养老院',
                    '托儿所', '超市', '菜市场', '公共厕所', '社区服务中心']) WITH ORDINALITY u(w, n),
       cp.poi_category('amap', w) c
 ORDER BY n;
SELECT count(*) FILTER (WHERE c.matched IS NOT NULL) AS matched_of_14
  FROM unnest(ARRAY['幼儿园', '小学', '初中', '医院', '药店', '停车场', '公园', '社区卫生服务中心', '养老院',
                    '托儿所', '超市', '菜市场', '公共厕所', '社区服务中心']) w, cp.poi_category('amap', w) c;
-- by code, by full path, by a word of the path, by the code's middle class; Baidu; another standard
SELECT (cp.poi_category('amap', NULL, '141204')).category AS by_code,
       (cp.poi_category('amap', '科教文化服务;学校;小学')).category AS by_path,
       (cp.poi_category('amap', '医疗保健服务;综合医院;三级甲等医院')).matched AS by_word,
       (cp.poi_category('amap', 'x', '090102')).matched AS by_code_then_class,
       (cp.poi_category('baidu', '教育培训;幼儿园')).category AS baidu,
       (cp.poi_category('amap', '药店', NULL, 'MOHURD-complete-community-2020')).counted AS pharmacy_counted_by_mohurd;
-- the whole export: every POI with its category, or why it is not counted
SELECT id, poi_id, name, category, counted, matched, reason
  FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois ORDER BY id COLLATE "C"', 32650);
SELECT count(*) FILTER (WHERE counted) AS counted, count(*) FILTER (WHERE category IN ('hospital', 'pharmacy')) AS not_counted_health,
       count(*) FILTER (WHERE matched IS NOT NULL AND category IS NULL) AS not_facilities,
       count(*) FILTER (WHERE matched IS NULL) AS unknown
  FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois', 32650);
-- GCJ-02 -> WGS84: the fixture was made with cp.wgs84_to_gcj02 from these WGS84 points (offset ~ 500 m)
SELECT p.poi_id, round(ST_X(ST_Transform(p.geom, 4326))::numeric, 6) AS lon_wgs84,
       round(ST_Y(ST_Transform(p.geom, 4326))::numeric, 6) AS lat_wgs84,
       round(ST_Distance(p.geom, ST_Transform(ST_SetSRID(ST_MakePoint(a.lon, a.lat), 4326), 32650))::numeric, -1) AS shift_m
  FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois', 32650) p JOIN amap_pois a ON a.id = p.poi_id
 WHERE p.poi_id IN ('B0FFPOI1', 'B0FFPOI3', 'B0FFPOI16') ORDER BY p.poi_id;
-- a street grid every 0.005° over 116.31-116.33 E, 39.99-40.01 N, in UTM 50N
SELECT nodes > 0 AS built FROM cp.network_build('poi_grid', $$
  SELECT row_number() OVER () AS id, ST_Transform(geom, 32650) AS geom FROM (
    SELECT ST_MakeLine(ST_SetSRID(ST_MakePoint(116.31, y), 4326), ST_SetSRID(ST_MakePoint(116.33, y), 4326)) AS geom
      FROM generate_series(39.99, 40.01, 0.005) y
    UNION ALL
    SELECT ST_MakeLine(ST_SetSRID(ST_MakePoint(x, 39.99), 4326), ST_SetSRID(ST_MakePoint(x, 40.01), 4326))
      FROM generate_series(116.31, 116.33, 0.005) x) g$$);
-- residents at the grid's nine inner crossings, 100 each; the counted POIs as facilities
CREATE TABLE poi_residents AS
SELECT row_number() OVER (ORDER BY x, y) AS id,
       ST_Transform(ST_SetSRID(ST_MakePoint(x, y), 4326), 32650) AS geom, 100.0 AS population
  FROM generate_series(116.315, 116.325, 0.005) x, generate_series(39.995, 40.005, 0.005) y;
SELECT category, round(population::numeric, 3) AS population, round(covered_population::numeric, 3) AS covered, round(ratio::numeric, 3) AS ratio
  FROM cp.coverage('poi_grid', 'SELECT * FROM poi_residents',
                   $$SELECT id, category, geom FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois', 32650) WHERE counted$$)
 ORDER BY category;
-- a district's own row: 住宅小区 is not a facility (so it is no longer reported as unknown)
INSERT INTO cp.poi_type_mapping (provider, type_name, category, note) VALUES ('any', '住宅小区', NULL, 'housing, not a facility');
SELECT poi_id, category, matched, reason FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois', 32650) WHERE name LIKE '%小区' ORDER BY poi_id;
-- errors: a category nobody knows, shipped rows, an unknown provider, a missing column
INSERT INTO cp.poi_type_mapping (provider, type_name, category) VALUES ('amap', '加油站', 'petrol');
DELETE FROM cp.poi_type_mapping WHERE type_name = '医院';
SELECT * FROM cp.poi_category('tencent', '幼儿园');
SELECT * FROM cp.poi_facilities('amap', 'SELECT id, name, type, lon AS lng, lat FROM amap_pois', 32650);
SELECT * FROM cp.poi_facilities('amap', 'SELECT * FROM amap_pois', 32650, coordinates => 'cgcs2000');
DELETE FROM cp.poi_type_mapping WHERE NOT shipped;
SELECT cp.network_drop('poi_grid');
