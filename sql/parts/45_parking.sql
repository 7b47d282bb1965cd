
-- Parking supply-demand gap (issue 6) -------------------------------------------
-- Demand per building from a cp.parking_standards set; supply from car parks
-- (given capacity, else estimated from area); spaces allocated along the
-- streets within walk_m by one global greedy pass in ascending walking
-- distance (docs/parking.md). The four public functions resolve the set's
-- rules once (cp._parking_rules) and make one call of cp._parking_eval (C,
-- src/parking_eval.c), which reads each caller query once, checks it, computes
-- demand, capacity and the allocation and returns what the function reports.
-- Nothing is written: no temp table, no catalogue row (they run on a hot
-- standby). jit is off in these functions: with 100 000 buildings the
-- planner's estimates start JIT compilation of the caller's queries that
-- costs more than it saves on one-pass queries.

-- Building uses in other words (Chinese, synonyms) -> the parking use codes of
-- the rule sets, and typical capacities of car parks by type for points
-- without a capacity (issue 16). Both are data the planner edits: shipped rows
-- are read-only (cp.protect_shipped()), user rows (shipped = false) win and
-- are kept by pg_dump.
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
UPDATE cp.parking_use_map SET shipped = true;
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
UPDATE cp.parking_type_capacity SET shipped = true;
ALTER TABLE cp.parking_type_capacity ALTER COLUMN shipped SET DEFAULT false;
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.parking_type_capacity
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.parking_type_capacity
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('cp.parking_type_capacity', 'WHERE NOT shipped');
GRANT SELECT ON cp.parking_type_capacity TO PUBLIC;

-- The two mappings as arrays for the C pass: normalised keys (lower, trimmed),
-- one row per key, user rows before shipped ones.
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

-- The no-rule error of cp.parking_no_rule, with the use map in its hint.
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

CREATE FUNCTION cp._parking_allocate(network text, buildings_sql text, parking_sql text, walk_m float8,
                                     max_snap_m float8)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
AS 'MODULE_PATHNAME', 'cp_parking_allocate_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._parking_allocate(text, text, text, float8, float8) IS
  'Internal: the greedy walking-distance allocation of buildings (id, geom, demand) to car parks (id, geom, capacity) within walk_m; one row per pair that shares spaces, in allocation order';

-- The demand rules of a set for a community type, in the order cp.parking_rule
-- prefers them: per use, the community type's rules before 'any' rules, rules
-- with a flat-size bin before rules for any flat size (then by rule code).
CREATE FUNCTION cp._parking_rules(standard text, community_type text,
                                  OUT uses text[], OUT bases text[], OUT spaces float8[],
                                  OUT flat_min float8[], OUT flat_max float8[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  ct  text := community_type;
BEGIN
  PERFORM cp.check_standard(std);                       -- 42704 naming the known sets
  PERFORM cp.parking_check_input(ct, NULL, NULL);       -- 22023 for an unknown community type
  SELECT coalesce(pg_catalog.array_agg(r.use ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.basis ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.spaces ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.flat_area_min_m2 ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}'),
         coalesce(pg_catalog.array_agg(r.flat_area_max_m2 ORDER BY r.use, r.own DESC, r.banded DESC, r.rule), '{}')
    INTO uses, bases, spaces, flat_min, flat_max
    FROM (SELECT p.use, p.rule, p.basis, p.spaces, p.flat_area_min_m2, p.flat_area_max_m2,
                 p.community_type = ct AS own,
                 (p.flat_area_min_m2 IS NOT NULL OR p.flat_area_max_m2 IS NOT NULL) AS banded
            FROM cp.parking_standards p
           WHERE p.standard = std AND p.community_type IN (ct, 'any')) r;
END
$$;
COMMENT ON FUNCTION cp._parking_rules(text, text) IS
  'Internal: the parking demand rules of a standard set for a community type as arrays (use, basis, spaces, flat-size bin) in the order cp.parking_rule prefers them; errors: unknown set 42704, unknown community type 22023';

CREATE FUNCTION cp._parking_eval(network text, buildings_sql text, parking_sql text, communities_sql text,
                                 walk_m float8, m2_per_space float8, max_snap_m float8,
                                 standard text, community_type text,
                                 uses text[], bases text[], spaces float8[], flat_min float8[], flat_max float8[],
                                 per text,
                                 OUT building_id bigint, OUT parking_id bigint, OUT community_id bigint,
                                 OUT use text, OUT capacity_source text, OUT distance_m float8,
                                 OUT demand float8, OUT capacity float8, OUT spaces_shared float8,
                                 OUT pairs integer, OUT area_m2 float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_parking_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._parking_eval(text, text, text, text, float8, float8, float8, text, text, text[], text[], float8[], float8[], float8[], text) IS
  'Internal: the parking analysis in one pass: buildings (id, geom, use, households, floor_area), car parks (id, geom, capacity) and communities (id, geom) read once each; demand from the rules (cp._parking_rules), capacity given or from area, the greedy walking-distance allocation; per = allocation (one row per pair that shares spaces), buildings, lots or communities (communities_sql NULL: the whole area); geom as given (EWKB)';

-- 0.3.0: the same pass with the building-use map, capacities by car-park type
-- (an optional type column of parking_sql) and a default capacity for car
-- parks without capacity or area; estimated: the spaces of a car park (or of a
-- community's car parks) that are estimated (area, type or default); by_time
-- (issue 15): walk_m is slope-weighted metres, minutes × the profile's metres
-- per minute, and the search measures time, as in cp.coverage
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

-- The cut-off of the walk from a car park to a building (issue 15): walk_m
-- metres, or with unit 'min' walk_m minutes at the profile's pace, i.e.
-- minutes × metres per minute in slope-weighted metres, searched by time as
-- cp.coverage does. Unit and profile are both checked (22023) whatever the unit.
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
