
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

CREATE FUNCTION cp.parking_allocation(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.building_id, e.parking_id, e.distance_m, e.spaces_shared
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'allocation') e
   ORDER BY e.building_id, e.distance_m, e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_allocation(text, text, text, float8, text, text, float8, float8) IS
  'Parking spaces allocated to buildings (id, geom, use, households, floor_area) from car parks (id, geom, capacity) within walk_m metres along the network, greedily by ascending walking distance; one row per (building, car park) that shares spaces';

CREATE FUNCTION cp.parking_gap_buildings(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
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
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'buildings') e
   ORDER BY e.building_id
$$;
COMMENT ON FUNCTION cp.parking_gap_buildings(text, text, text, float8, text, text, float8, float8) IS
  'Per building: parking demand under the standard, spaces allocated within walk_m, unmet demand and its share (NULL without demand), number of car parks used; for heat maps';

CREATE FUNCTION cp.parking_lots(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (parking_id bigint, capacity float8, capacity_source text, allocated float8, spare float8,
               buildings integer, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  SELECT e.parking_id, e.capacity, e.capacity_source, e.spaces_shared, greatest(e.capacity - e.spaces_shared, 0),
         e.pairs, e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, NULL, walk_m, m2_per_space, max_snap_m,
                                       standard, community_type, r.uses, r.bases, r.spaces, r.flat_min, r.flat_max,
                                       'lots') e
   ORDER BY e.parking_id
$$;
COMMENT ON FUNCTION cp.parking_lots(text, text, text, float8, text, text, float8, float8) IS
  'Per car park: capacity (given, estimated from area at m2_per_space, or unknown = 0), spaces allocated to buildings within walk_m, spare spaces, buildings served';

CREATE FUNCTION cp.parking_gap(network text, buildings_sql text, parking_sql text, communities_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (community_id bigint, demand float8, supply_inside float8, supply_allocated float8,
               gap float8, gap_ratio float8, geom geometry)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
  -- a building or car park belongs to the lowest-id community containing its
  -- representative point (communities.h); buildings without demand and car
  -- parks without spaces add nothing
  SELECT e.community_id, e.demand, e.capacity, e.spaces_shared, greatest(e.demand - e.spaces_shared, 0),
         CASE WHEN e.demand > 0 THEN greatest(e.demand - e.spaces_shared, 0) / e.demand END,
         e.geom::geometry
    FROM cp._parking_rules(standard, community_type) r
   CROSS JOIN LATERAL cp._parking_eval(network, buildings_sql, parking_sql, communities_sql, walk_m, m2_per_space,
                                       max_snap_m, standard, community_type, r.uses, r.bases, r.spaces, r.flat_min,
                                       r.flat_max, 'communities') e
   ORDER BY e.community_id
$$;
COMMENT ON FUNCTION cp.parking_gap(text, text, text, text, float8, text, text, float8, float8) IS
  'Parking gap per community (id, geom query): demand of its buildings under the standard, capacity of the car parks inside it, spaces allocated to its buildings within walk_m along the network (from car parks inside or outside, none counted twice), gap and gap_ratio = gap / demand (NULL without demand)';
