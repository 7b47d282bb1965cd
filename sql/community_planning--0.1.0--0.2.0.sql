-- community_planning 0.1.0 -> 0.2.0 (issue 14: one analysis kernel).
-- Coverage, supply, parking and the computed indicators run as one C call each over the caller's
-- queries read once, with one membership rule and no work tables; the internal helpers of the
-- PL/pgSQL versions go, supply functions gain an optional distance decay, the shipped computations
-- become ordinary functions. Released: never edit; the next version adds its own script.
-- Assembled with tools/upgrade-diff.sh --from 0.1.0 --statements and checked by test/upgrade/run.sh
-- (the upgraded schema equals a fresh 0.2.0 install; user data intact).

\echo Use "ALTER EXTENSION community_planning UPDATE TO '0.2.0'" to load this file. \quit

-- The install script's search_path convention (00_header.sql): functions created below with
-- SET search_path FROM CURRENT pin the same trusted path as a fresh install.
SELECT pg_catalog.set_config('search_path', 'pg_catalog, cp, ' || cp._postgis_schema() || ', pg_temp', true);

-- What went away, or cannot be replaced in place (re-created below).
DROP FUNCTION cp._coverage_check_facilities(text,text[],boolean);  -- removed
DROP FUNCTION cp._coverage_check_residents(text);  -- removed
DROP FUNCTION cp._coverage_communities(text);  -- removed
DROP FUNCTION cp._coverage_eval(text,text,text,text[],double precision[],boolean,double precision,text,text);  -- removed
DROP FUNCTION cp._coverage_members_cte();  -- removed
DROP FUNCTION cp._coverage_rows(text);  -- removed
DROP FUNCTION cp._coverage_srid(text);  -- removed
DROP FUNCTION cp._parking_check_ids(regclass,text,text,text);  -- removed
DROP FUNCTION cp._parking_drop_temp();  -- removed
DROP FUNCTION cp._parking_run(text,text,text,double precision,text,text,double precision,double precision);  -- removed
DROP FUNCTION cp._space_inside(text,text,text);  -- removed
DROP FUNCTION cp._supply_persons(text,text,text,double precision,text,integer);  -- removed
DROP FUNCTION cp.space_per_resident(text,text,text,text,text,double precision,text,text);  -- removed
DROP FUNCTION cp.supply_access(text,text,text,text,text,text);  -- removed
DROP FUNCTION cp.supply_gap(text,text,text,text,text,double precision,text,text);  -- removed


-- from sql/parts/10_network.sql
CREATE FUNCTION cp._network_missing(name text) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
BEGIN
  RAISE EXCEPTION 'network "%" does not exist', name
    USING ERRCODE = '42704', HINT = 'Build it with cp.network_build(); cp.networks lists the built ones.';
END
$$;
COMMENT ON FUNCTION cp._network_missing(text) IS 'Internal: raises 42704 "network does not exist", as the engine does';
CREATE OR REPLACE FUNCTION cp.network_rebuild(name text) RETURNS SETOF cp.networks
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  def record;
BEGIN
  SELECT c.edges_sql, c.tolerance_m, c.owner INTO def FROM cp.network_catalog c WHERE c.name = network_rebuild.name;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(name);
  END IF;
  PERFORM cp._network_check_manage(name, 'rebuild');
  -- The stored edges query is the owner's code: it runs only in the owner's own
  -- session. Switching role is no sandbox (the query could switch back to the
  -- session user), so a superuser, an admin or a member acting through SET ROLE
  -- builds with an edges query of their own instead.
  IF def.owner IS DISTINCT FROM current_user OR current_user IS DISTINCT FROM session_user THEN
    RAISE EXCEPTION 'cannot rebuild network "%" of role % from its stored definition', name, def.owner
      USING ERRCODE = '42501',
            DETAIL = pg_catalog.format('The stored edges query runs only in a session of role %I itself (this is role %I in a session of %I).',
                            def.owner, current_user, session_user),
            HINT = 'Build it again with an edges query of your own: cp.network_build(name, edges_sql).';
  END IF;
  RETURN QUERY SELECT * FROM cp.network_build(name, def.edges_sql, def.tolerance_m);
END
$$;
CREATE OR REPLACE FUNCTION cp.network_drop(name text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._network_check_manage(name, 'drop');
  DELETE FROM cp.network_catalog c WHERE c.name = network_drop.name;
  IF NOT FOUND THEN
    PERFORM cp._network_missing(name);
  END IF;
  RETURN true;
END
$$;

-- from sql/parts/35_coverage.sql
CREATE FUNCTION cp._coverage_run(network text, residents_sql text, facilities_sql text,
                                 codes text[], radii float8[], by_time boolean, max_snap_m float8,
                                 per text, communities_sql text, known text[], quiet text[],
                                 OUT resident_id bigint, OUT community_id bigint, OUT category text,
                                 OUT population float8, OUT facility_id bigint, OUT distance_m float8,
                                 OUT crowfly_m float8, OUT covered float8, OUT crowfly_covered float8,
                                 OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_coverage_run_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._coverage_run(text, text, text, text[], float8[], boolean, float8, text, text, text[], text[]) IS
  'Internal: nearest facility on foot (one search per category) and crow-fly within the radius per resident (id, geom, population) and category (per = resident), or population sums per community (id, geom query; NULL = the whole area) and category (per = community), category NULL = every category at once; each query read once; geom = the community as given (EWKB)';
CREATE OR REPLACE FUNCTION cp.access(network text, residents_sql text, facilities_sql text,
                          standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk')
RETURNS TABLE (resident_id bigint, category text, facility_id bigint, distance_m float8, radius_m float8,
               covered boolean, crowfly_covered boolean)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  codes text[];
  radii float8[];
BEGIN
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code), pg_catalog.array_agg(c.radius_m ORDER BY c.code)
    INTO codes, radii FROM cp._coverage_categories(standard) c;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT a.resident_id, a.category, a.facility_id, a.distance_m, r.radius,
           a.distance_m IS NOT NULL, a.crowfly_m IS NOT NULL
      FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'resident',
                            NULL, cp._known_categories(), '{}') a
      JOIN unnest(codes, radii) AS r (code, radius) ON r.code = a.category
     ORDER BY a.resident_id, a.category;
END
$$;
COMMENT ON FUNCTION cp.access(text, text, text, text, text) IS
  'Per resident unit (id, geom, population query) and facility category of a standard set: the nearest facility (id, category, geom query) on foot within the category''s radius, its walking distance, and whether it is covered on foot and as the crow flies. Errors: unknown network or set 42704, missing column 42703, duplicate id 23505, unknown category or profile 22023';
CREATE OR REPLACE FUNCTION cp.coverage(network text, residents_sql text, facilities_sql text, communities_sql text DEFAULT NULL,
                            standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk')
RETURNS TABLE (community_id bigint, category text, population float8, covered_population float8,
               ratio float8, crowfly_ratio float8, geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  codes text[];
  radii float8[];
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code), pg_catalog.array_agg(c.radius_m ORDER BY c.code)
    INTO codes, radii FROM cp._coverage_categories(standard) c;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, e.category, e.population, e.covered, e.covered / nullif(e.population, 0),
           e.crowfly_covered / nullif(e.population, 0), e.geom::geometry
      FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'community',
                            communities_sql, cp._known_categories(), '{}') e
     WHERE e.category IS NOT NULL
     ORDER BY e.community_id, e.category;
END
$$;
COMMENT ON FUNCTION cp.coverage(text, text, text, text, text, text) IS
  'Population-weighted coverage per community (id, geom polygon query; NULL = whole area) and category of a standard set: population, population with the category within its walking radius, ratio on foot and as the crow flies (NULL for a community without residents), community polygon. A resident belongs to the community containing its point (lowest id where communities overlap; docs/coverage.md). Each query runs once';
CREATE OR REPLACE FUNCTION cp.life_circle(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                               communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                               INOUT life_circle text DEFAULT '15min', profile text DEFAULT 'walk',
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
  radii float8[];
  skipped text;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL
     OR lvl IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  -- every required row (code, level) with its radius; a code required at several levels
  -- must be met at the tightest radius, so each code is searched to its smallest
  SELECT pg_catalog.array_agg(x.code ORDER BY x.code), pg_catalog.array_agg(x.radius ORDER BY x.code),
         (SELECT pg_catalog.string_agg(q.code || ' (' || q.from_level || ')', ', ')
            FROM cp.life_circle_requirements(standard, lvl) q WHERE q.effective_radius_m IS NULL)
    INTO codes, radii, skipped
    FROM (SELECT q.code, min(q.effective_radius_m) AS radius FROM cp.life_circle_requirements(standard, lvl) q
           WHERE q.effective_radius_m IS NOT NULL GROUP BY q.code) x;
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'required categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  IF codes IS NULL THEN
    RAISE EXCEPTION 'life circle "%" of standard set "%" has no required category with a walking radius', lvl, standard
      USING ERRCODE = '22023';
  END IF;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    WITH a AS MATERIALIZED (
      SELECT * FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, radii, false, 250, 'community',
                                     communities_sql, cp._known_categories(),
                                     (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                       WHERE c.standard = std)))
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
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius, on foot and as the crow flies, and the missing categories ordered by the population missing them. Each query runs once. Errors: unknown set 42704, unknown level 22023, missing column 42703';

-- from sql/parts/37_supply.sql
CREATE FUNCTION cp._supply_eval(network text, residents_sql text, facilities_sql text, category text,
                                quiet text[], known text[], radius_m float8, amount_column text, amount_hint text,
                                decay text, decay_param float8, max_snap_m float8, per_resident boolean,
                                communities_sql text,
                                OUT resident_id bigint, OUT community_id bigint, OUT population float8,
                                OUT supply float8, OUT amount_inside float8, OUT geom bytea)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_supply_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._supply_eval(text, text, text, text, text[], text[], float8, text, text, text, float8, float8, boolean, text) IS
  'Internal: two-step floating catchment (optional distance decay) of one category''s amount (capacity, floor_area) within radius_m (quiet: the set''s other categories, left out without a NOTICE), per resident unit (supply = population x accessible amount per person) or summed per community (id, geom query; NULL = whole area) with the amount inside each; every caller query read once';
CREATE FUNCTION cp.supply_gap(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                              INOUT category text, communities_sql text DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                              standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                              decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                              OUT population float8, OUT demand float8, OUT supply float8, OUT gap float8,
                              OUT gap_ratio float8, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  rate float8 := per_1000;
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  radius := cp._supply_radius(standard, cat);
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
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.population * rate / 1000.0, e.supply,
           greatest(e.population * rate / 1000.0 - e.supply, 0),
           greatest(e.population * rate / 1000.0 - e.supply, 0) / nullif(e.population * rate / 1000.0, 0),
           e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_gap.standard AND c.code <> cat),
                           cp._known_categories(), radius, 'capacity', NULL, decay, decay_param, 250, false,
                           cp._coverage_query(communities_sql)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.supply_gap(text, text, text, text, text, float8, text, text, text, float8) IS
  'Supply against demand for a capacity-bound category per community (NULL = whole area), by two-step floating catchment over walking distance within the category''s radius (docs/supply.md): demand = population × per_1000 / 1000 (per_1000 from the set or given), supply = capacity shares reaching the residents, gap = max(0, demand - supply), gap_ratio = gap / demand; decay ''step'' (the classic 2SFCA), ''gaussian'' or ''exponential'' (decay_param = beta). No limit on the number of facilities. Errors: unknown set 42704, category without radius 22023, no per_1000 22004, missing column 42703, negative capacity, unknown category or bad decay 22023';
CREATE FUNCTION cp.supply_access(network text, residents_sql text, facilities_sql text, category text,
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                                 decay text DEFAULT 'step', decay_param float8 DEFAULT NULL)
RETURNS TABLE (resident_id bigint, population float8, supply float8, supply_per_1000 float8)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR category IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  radius := cp._supply_radius(standard, category);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.resident_id, e.population, e.supply, 1000.0 * e.supply / nullif(e.population, 0)
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), category,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_access.standard AND c.code <> supply_access.category),
                           cp._known_categories(), radius, 'capacity', NULL, decay, decay_param, 250, true, NULL) e
     ORDER BY e.resident_id;
END
$$;
COMMENT ON FUNCTION cp.supply_access(text, text, text, text, text, text, text, float8) IS
  'Two-step floating catchment per resident unit for one capacity-bound category (docs/supply.md): the capacity (places, beds) within walking reach shared among everyone who reaches it, and the same per 1000 residents (NULL without population); the per-resident view of cp.supply_gap; decay ''step'', ''gaussian'' or ''exponential'' (decay_param = beta). Errors: unknown set 42704, category without radius 22023, missing column 42703, negative capacity, unknown category or bad decay 22023';
CREATE FUNCTION cp.space_per_resident(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                                      INOUT category text, communities_sql text DEFAULT NULL,
                                      target_m2_per_resident float8 DEFAULT NULL,
                                      standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
                                      decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
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
  radius float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL OR decay IS NULL THEN
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
  radius := cp._supply_radius(standard, cat);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.amount_inside, e.amount_inside / nullif(e.population, 0),
           e.supply / nullif(e.population, 0), tgt,
           CASE WHEN e.population > 0 THEN greatest(tgt - e.supply / e.population, 0) END, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = space_per_resident.standard AND c.code <> cat),
                           cp._known_categories(), radius, 'floor_area',
                           'floor_area is the facility''s usable floor space in m²; cp.building_floor_area(geom, levels) estimates it from a footprint.',
                           decay, decay_param, 250, false, cp._coverage_query(communities_sql)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.space_per_resident(text, text, text, text, text, float8, text, text, text, float8) IS
  'Floor space of one facility category per resident and community (NULL = whole area): floor area of the category''s facilities (id, category, geom, floor_area query) inside the community (the one membership rule) per resident, and the floor area within walking reach per resident by two-step floating catchment within the category''s radius (docs/supply.md; decay as cp.supply_gap); target from the argument or the set''s per_1000 in m², gap = max(0, target - accessible). Errors: missing column 42703, negative floor area 22023, category without radius 22023, unknown category or bad decay 22023';

-- from sql/parts/45_parking.sql
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
CREATE OR REPLACE FUNCTION cp.parking_allocation(network text, buildings_sql text, parking_sql text,
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
CREATE OR REPLACE FUNCTION cp.parking_gap_buildings(network text, buildings_sql text, parking_sql text,
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
CREATE OR REPLACE FUNCTION cp.parking_lots(network text, buildings_sql text, parking_sql text,
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
CREATE OR REPLACE FUNCTION cp.parking_gap(network text, buildings_sql text, parking_sql text, communities_sql text,
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

-- from sql/parts/59_compute.sql
CREATE FUNCTION cp.indicator_heritage_protection(community_id text, outline geometry,
                                                 OUT value numeric, OUT inputs jsonb)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
DECLARE
  area geometry := outline;
  r record;
BEGIN
  IF outline IS NULL THEN
    RETURN;
  END IF;
  -- the checked way into another CRS (SRID 0, NaN, curves: 22023 / 0A000, never XX000)
  area := cp._geometry_ewkb(outline, CASE WHEN ST_SRID(outline) <> cp.heritage_srid() THEN cp.heritage_srid() END)::geometry;
  SELECT * INTO r FROM cp.heritage_protection_rate(area);
  value := CASE WHEN r.listed > 0 THEN trim_scale(100 * r.protected::numeric / r.listed) END;
  inputs := pg_catalog.jsonb_build_object(
              'function', 'cp.heritage_protection_rate(area geometry)',
              'area', pg_catalog.jsonb_build_object('table', 'cp.communities', 'id', community_id, 'srid', ST_SRID(outline),
                                                    'transformed_to', CASE WHEN ST_SRID(area) <> ST_SRID(outline) THEN ST_SRID(area) END,
                                                    'md5', md5(ST_AsEWKB(outline))),
              'listed', r.listed, 'protected', r.protected, 'by_condition', r.by_condition);
END
$$;
COMMENT ON FUNCTION cp.indicator_heritage_protection(text, geometry) IS
  'Computed indicator heritage protection: listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in % (outline transformed to the register''s SRID); no value without listed sites';
CREATE FUNCTION cp.indicator_life_circle_coverage(communities_sql text, settings jsonb)
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
                          communities_sql, settings ->> 'standard', '15min', settings ->> 'profile') l;
END
$$;
COMMENT ON FUNCTION cp.indicator_life_circle_coverage(text, jsonb) IS
  'Computed indicator life_circle_15min_coverage for every community of a communities query: 100 × share of residents who reach every required category of the 15-minute life circle (cp.life_circle); settings network, residents_sql, facilities_sql, standard, profile';
CREATE FUNCTION cp.indicator_elderly_care_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := settings ->> 'elderly_care_category';
  radius float8 := cp._compute_category_radius(settings ->> 'standard', settings ->> 'elderly_care_category');
BEGIN
  RETURN QUERY
    SELECT c.community_id, 100 * c.ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'category', c.category, 'radius_m', radius,
                                         'population', c.population, 'covered_population', c.covered_population,
                                         'crowfly_ratio', c.crowfly_ratio)
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql',
                       pg_catalog.format('SELECT * FROM (%s) f WHERE category::text = %L',
                                         cp._coverage_query(settings ->> 'facilities_sql'), cat),
                       communities_sql, settings ->> 'standard', settings ->> 'profile') c
     WHERE c.category = cat;
END
$$;
COMMENT ON FUNCTION cp.indicator_elderly_care_coverage(text, jsonb) IS
  'Computed indicator elderly_care_coverage for every community of a communities query: 100 × share of residents with an elderly-care facility of the category (setting elderly_care_category) within its walking radius (cp.coverage)';
CREATE FUNCTION cp.indicator_childcare_place_gap(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY
    SELECT g.community_id, 100 * g.gap_ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.supply_gap', 'category', g.category,
                                         'per_1000', (settings ->> 'childcare_per_1000')::float8, 'population', g.population,
                                         'demand', g.demand, 'supply', g.supply, 'gap', g.gap)
      FROM cp.supply_gap(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'childcare_facilities_sql',
                         settings ->> 'childcare_category', communities_sql, (settings ->> 'childcare_per_1000')::float8,
                         settings ->> 'standard', settings ->> 'profile') g;
END
$$;
COMMENT ON FUNCTION cp.indicator_childcare_place_gap(text, jsonb) IS
  'Computed indicator childcare_place_gap for every community of a communities query: 100 × gap_ratio of cp.supply_gap for childcare places (settings childcare_category, childcare_per_1000, childcare_facilities_sql)';
CREATE FUNCTION cp.indicator_parking_gap_rate(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  types text[];
  t text;
BEGIN
  -- one allocation run per community type (its demand rules), each over the communities of that type
  EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT coalesce($1, c.community_type, ''old'')) FROM (%s) c',
                            cp._coverage_query(communities_sql))
     INTO types USING settings ->> 'parking_community_type';
  FOREACH t IN ARRAY coalesce(types, '{}') LOOP
    RETURN QUERY
      SELECT p.community_id, 100 * p.gap_ratio::numeric,
             pg_catalog.jsonb_build_object('function', 'cp.parking_gap', 'community_type', t,
                                           'demand', p.demand, 'supply_inside', p.supply_inside,
                                           'supply_allocated', p.supply_allocated, 'gap', p.gap)
        FROM cp.parking_gap(settings ->> 'network', settings ->> 'buildings_sql', settings ->> 'parking_sql',
                            pg_catalog.format('SELECT id, geom FROM (%s) c WHERE coalesce(%L, c.community_type, %L) = %L',
                                              cp._coverage_query(communities_sql), settings ->> 'parking_community_type', 'old', t),
                            (settings ->> 'walk_m')::float8, settings ->> 'parking_standard', t,
                            (settings ->> 'm2_per_space')::float8, (settings ->> 'max_snap_m')::float8) p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.indicator_parking_gap_rate(text, jsonb) IS
  'Computed indicator parking_gap_rate for every community of a communities query: 100 × gap_ratio of cp.parking_gap under the demand rules of the community''s type (or setting parking_community_type), one allocation run per type';
CREATE FUNCTION cp.indicator_cultural_space_per_capita(communities_sql text, settings jsonb)
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
                                 settings ->> 'profile') s;
END
$$;
COMMENT ON FUNCTION cp.indicator_cultural_space_per_capita(text, jsonb) IS
  'Computed indicator cultural_space_per_capita for every community of a communities query: floor area of the cultural activity facilities inside the community per resident (cp.space_per_resident)';
CREATE OR REPLACE FUNCTION cp.compute_indicators(period date DEFAULT current_date, settings jsonb DEFAULT '{}')
RETURNS TABLE (community_id text, indicator text, value numeric, action text)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  comp  record;
  com   record;
  asked text[];
  unknown text;
  eff   jsonb;
  used  jsonb;
  ids   text[];
  keys  bigint[];
  vals  numeric[];
  inps  jsonb[];
  v     numeric;
  inp   jsonb;
  n     bigint;
  nd    bigint;
  bad   bigint;
  i     int;
  old_source text;
  err_state text;
  err_msg   text;
  err_detail text;
  err_hint  text;
  all_ids text[];
  all_geoms geometry[];
  communities_sql text;
BEGIN
  IF jsonb_typeof(settings) <> 'object' THEN
    RAISE EXCEPTION 'settings must be a jsonb object'
      USING ERRCODE = '22023', HINT = 'Pass e.g. ''{"network": "gulou"}''::jsonb, or nothing.';
  END IF;
  IF settings ? 'compute' THEN
    IF jsonb_typeof(settings -> 'compute') <> 'array'
       OR EXISTS (SELECT 1 FROM jsonb_array_elements(settings -> 'compute') e WHERE jsonb_typeof(e) <> 'string') THEN
      RAISE EXCEPTION 'settings key "compute" must be an array of indicator codes'
        USING ERRCODE = '22023', HINT = 'E.g. {"compute": ["parking_gap_rate"]}.';
    END IF;
    asked := ARRAY(SELECT jsonb_array_elements_text(settings -> 'compute'));
    SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', a), ', ') INTO unknown
      FROM unnest(asked) a WHERE NOT EXISTS (SELECT 1 FROM cp.indicator_computations c WHERE c.indicator = a);
    IF unknown IS NOT NULL THEN
      RAISE EXCEPTION 'no computation for indicator % in settings key "compute"', unknown
        USING ERRCODE = '22023',
              DETAIL = pg_catalog.format('Computations exist for: %s.',
                              (SELECT pg_catalog.string_agg(c.indicator, ', ' ORDER BY c.indicator) FROM cp.indicator_computations c)),
              HINT = 'cp.indicator_computations lists them.';
    END IF;
  END IF;

  -- the communities with an outline, read once for the whole run (no work table: this runs
  -- where temporary tables cannot be made); k, the bigint key the coverage and parking
  -- functions take, is the position in id order, and the computations' communities query
  -- names the ids read here, so keys mean the same communities throughout the run
  SELECT coalesce(pg_catalog.array_agg(c.id ORDER BY c.id), '{}'), coalesce(pg_catalog.array_agg(c.geom ORDER BY c.id), '{}')
    INTO all_ids, all_geoms
    FROM cp.communities c WHERE c.geom IS NOT NULL;
  communities_sql := pg_catalog.format(
    'SELECT s.k AS id, c.geom, c.id AS community_id, c.name, c.district, c.city, c.community_type, c.population
       FROM unnest(%L::text[]) WITH ORDINALITY AS s (id, k) JOIN cp.communities c ON c.id = s.id', all_ids);

  FOR comp IN SELECT c.indicator, c.sql_template, c.scope, c.settings_keys, c.settings_defaults
                FROM cp.indicator_computations c
               WHERE asked IS NULL OR c.indicator = ANY (asked)
               ORDER BY c.indicator LOOP
    eff := cp._compute_settings(comp.indicator, settings, comp.settings_keys, comp.settings_defaults, asked IS NOT NULL);
    IF eff IS NULL THEN   -- a needed key is absent: skipped, earlier values stay
      RETURN QUERY SELECT c.id, comp.indicator, NULL::numeric, 'no_settings'::text
                     FROM unnest(all_ids) AS c (id) ORDER BY c.id;
      CONTINUE;
    END IF;
    -- the settings recorded with each value: the keys the computation declares, or all
    IF comp.settings_keys = '{}' AND comp.settings_defaults = '{}' THEN
      used := settings - 'compute';
    ELSE
      SELECT coalesce(pg_catalog.jsonb_object_agg(e.key, e.value), '{}') INTO used
        FROM jsonb_each(eff) e
       WHERE comp.settings_keys ? e.key OR comp.settings_defaults ? e.key;
    END IF;

    IF comp.scope = 'community' THEN
      ids := '{}'; vals := '{}'; inps := '{}';
      FOR com IN SELECT c.id, c.geom FROM unnest(all_ids, all_geoms) AS c (id, geom) ORDER BY c.id LOOP
        v := NULL;
        inp := NULL;
        BEGIN
          EXECUTE comp.sql_template INTO v, inp USING com.id, com.geom, compute_indicators.period, eff;
        EXCEPTION WHEN OTHERS THEN
          GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT;
          RAISE EXCEPTION 'computing indicator "%" for community "%" failed: %', comp.indicator, com.id, err_msg
            USING ERRCODE = err_state,
                  HINT = 'See the row of cp.indicator_computations for this indicator.';
        END;
        ids := array_append(ids, com.id);
        vals := array_append(vals, v);
        inps := array_append(inps, inp);
      END LOOP;
    ELSE
      BEGIN
        EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(t.community_id::bigint), pg_catalog.array_agg(t.value::numeric), pg_catalog.array_agg(t.inputs::jsonb),
                               count(*), count(DISTINCT t.community_id),
                               count(*) FILTER (WHERE t.community_id IS NULL OR t.community_id::bigint NOT BETWEEN 1 AND %s)
                          FROM (%s) t',
                       pg_catalog.cardinality(all_ids), cp._coverage_query(comp.sql_template))
          INTO keys, vals, inps, n, nd, bad
          USING communities_sql, NULL::geometry, compute_indicators.period, eff;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT,
                                err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT;
        RAISE EXCEPTION 'computing indicator "%" for all communities failed: %', comp.indicator, err_msg
          USING ERRCODE = err_state,
                DETAIL = coalesce(nullif(err_detail, ''), pg_catalog.format('Settings used: %s.', used)),
                HINT = coalesce(nullif(err_hint, ''), 'See the row of cp.indicator_computations for this indicator, and the settings.');
      END;
      IF n <> nd OR bad > 0 THEN
        RAISE EXCEPTION 'computation of indicator "%" returned % duplicate and % unknown community keys', comp.indicator, n - nd, bad
          USING ERRCODE = '21000',
                DETAIL = 'A computation of scope all returns at most one row per id of the communities query ($1).';
      END IF;
      -- keys back to community ids, every community in id order
      SELECT pg_catalog.array_agg(c.id ORDER BY c.id), pg_catalog.array_agg(t.v ORDER BY c.id), pg_catalog.array_agg(t.inp ORDER BY c.id)
        INTO ids, vals, inps
        FROM unnest(all_ids) WITH ORDINALITY AS c (id, k)
        LEFT JOIN unnest(keys, vals, inps) AS t (k, v, inp) ON t.k = c.k;
    END IF;

    FOR i IN 1 .. coalesce(pg_catalog.cardinality(ids), 0) LOOP
      v := vals[i];
      inp := inps[i];
      community_id := ids[i];
      indicator := comp.indicator;
      value := v;
      old_source := NULL;
      SELECT iv.source INTO old_source FROM cp.indicator_values iv
       WHERE iv.community_id = ids[i] AND iv.indicator = comp.indicator AND iv.period = compute_indicators.period
       FOR UPDATE;
      IF FOUND AND old_source <> 'computed' THEN
        action := 'kept';   -- a value entered by hand for the same period is not overwritten
        value := NULL;
      ELSIF v IS NULL THEN
        DELETE FROM cp.indicator_values iv
         WHERE iv.community_id = ids[i] AND iv.indicator = comp.indicator
           AND iv.period = compute_indicators.period AND iv.source = 'computed';
        action := CASE WHEN FOUND THEN 'removed' ELSE 'no_value' END;
      ELSE
        inp := pg_catalog.jsonb_build_object('computation', comp.indicator, 'period', compute_indicators.period,
                                  'settings', used) || coalesce(inp, '{}'::jsonb);
        INSERT INTO cp.indicator_values AS iv (community_id, indicator, period, value, source, inputs)
        VALUES (ids[i], comp.indicator, compute_indicators.period, v, 'computed', inp)
        ON CONFLICT (community_id, indicator, period) DO UPDATE
           SET value = excluded.value, inputs = excluded.inputs,
               entered_by = excluded.entered_by, entered_at = excluded.entered_at
         WHERE iv.source = 'computed';
        action := CASE WHEN old_source IS NOT NULL THEN 'replaced' ELSE 'inserted' END;
      END IF;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END
$$;

-- from sql/parts/65_osm_mapping.sql
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

-- Shipped catalogue rows: the guard cp.protect_shipped() lets the script change them while
-- cp.catalogue_maintenance is on (30_standards.sql); every statement names shipped rows only,
-- so user rows are never touched.
SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'on', true);
UPDATE cp.indicator_computations t SET (sql_template) = (SELECT r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × gap_ratio of cp.parking_gap: parking demand not met by car parks within walk_m on foot / demand; demand rules of the community's type (or parking_community_type), one allocation run per type; no value without demand", "scope": "all", "shipped": true, "indicator": "parking_gap_rate", "sql_template": "SELECT * FROM cp.indicator_parking_gap_rate($1, $4)", "settings_keys": {"network": "string", "parking_sql": "string", "buildings_sql": "string"}, "settings_defaults": {"walk_m": 300, "max_snap_m": 250, "m2_per_space": 30, "parking_standard": "CP-parking-default", "parking_community_type": null}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "parking_gap_rate"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (sql_template) = (SELECT r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed (residents × childcare_per_1000 / 1000), capacities shared by two-step floating catchment; no value without residents", "scope": "all", "shipped": true, "indicator": "childcare_place_gap", "sql_template": "SELECT * FROM cp.indicator_childcare_place_gap($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "childcare_per_1000": "number", "childcare_facilities_sql": "string"}, "settings_defaults": {"profile": "walk", "standard": "GB50180-2018", "childcare_category": "nursery"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "childcare_place_gap"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (sql_template) = (SELECT r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius on foot (cp.life_circle); no value without residents", "scope": "all", "shipped": true, "indicator": "life_circle_15min_coverage", "sql_template": "SELECT * FROM cp.indicator_life_circle_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"profile": "walk", "standard": "GB50180-2018"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "life_circle_15min_coverage"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (sql_template) = (SELECT r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "100 × share of residents with an elderly-care facility of the category (default elderly_day_care, 300 m in GB 50180-2018) within its walking radius (cp.coverage); no value without residents", "scope": "all", "shipped": true, "indicator": "elderly_care_coverage", "sql_template": "SELECT * FROM cp.indicator_elderly_care_coverage($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "facilities_sql": "string"}, "settings_defaults": {"profile": "walk", "standard": "GB50180-2018", "elderly_care_category": "elderly_day_care"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "elderly_care_coverage"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (sql_template) = (SELECT r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Floor area (m²) of the cultural activity facilities inside the community per resident (cp.space_per_resident, m2_per_resident); the floor area within walking reach per resident (2SFCA) is recorded in the inputs; no value without residents", "scope": "all", "shipped": true, "indicator": "cultural_space_per_capita", "sql_template": "SELECT * FROM cp.indicator_cultural_space_per_capita($1, $4)", "settings_keys": {"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}, "settings_defaults": {"profile": "walk", "standard": "GB50180-2018", "culture_category": "culture_activity"}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "cultural_space_per_capita"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
UPDATE cp.indicator_computations t SET (note, sql_template) = (SELECT r.note, r.sql_template FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"note": "Listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in %; no value without listed sites (cp.indicator_heritage_protection)", "scope": "community", "shipped": true, "indicator": "heritage_protection_rate", "sql_template": "SELECT value, inputs FROM cp.indicator_heritage_protection($1, $2)", "settings_keys": {}, "settings_defaults": {}}$r$) r)
 WHERE NOT (NOT shipped) AND EXISTS (SELECT 1 FROM jsonb_populate_record(NULL::cp.indicator_computations, $r${"indicator": "heritage_protection_rate"}$r$) r WHERE t.indicator IS NOT DISTINCT FROM r.indicator);
SELECT pg_catalog.set_config('cp.catalogue_maintenance', 'off', true);

-- Objects created above get the capability roles' privileges, as at CREATE EXTENSION (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;
