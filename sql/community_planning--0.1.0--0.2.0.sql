-- community_planning 0.1.0 -> 0.2.0 (issue 14: one analysis kernel).
-- Coverage, supply, parking and the computed indicators run as one C call each over the caller's
-- queries read once, with one membership rule and no work tables; the internal helpers of the
-- PL/pgSQL versions go, supply functions gain an optional distance decay, the shipped computations
-- become ordinary functions; districts publish results and a province database attaches them over
-- postgres_fdw (issue 18). Released: never edit; the next version adds its own script.
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

-- from sql/parts/57_rollup.sql
CREATE OR REPLACE FUNCTION cp._rollup_stage(level text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF level IS NULL THEN
    RETURN NULL;   -- no rows, as a STRICT function would
  END IF;
  IF level NOT IN ('district', 'city', 'province') THEN
    RAISE EXCEPTION 'unknown roll-up level "%"', level
      USING ERRCODE = '22023', HINT = 'Use district, city or province.';
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._rollup_stage(text, int) IS
  'Internal: checks a roll-up''s level (district, city, province) and stage (22023) and returns the stage to apply';
CREATE FUNCTION cp._rollup_leave_out(alias text, missing text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN coalesce(pg_catalog.cardinality(missing), 0) = 0 THEN ''
              ELSE pg_catalog.format(' AND %I.district <> ALL (%L::text[])', alias, missing) END
$$;
COMMENT ON FUNCTION cp._rollup_leave_out(text, text[]) IS
  'Internal: the WHERE clause that prunes the partitions of the districts a province roll-up leaves out (empty when none)';
CREATE FUNCTION cp._rollup_query(level text, stage int, missing text[], with_missing boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  RETURN pg_catalog.format($q$
  WITH c AS (
    %1$s
  ), iv AS %6$s(
    %2$s WHERE %3$s
  ), v AS (
    SELECT DISTINCT ON (iv.src, iv.community_id, iv.indicator) iv.src, iv.community_id, iv.indicator, iv.value,
           (iv.inputs ->> cp.rollup_denominator(iv.indicator))::numeric AS denominator
      FROM iv JOIN c ON c.src = iv.src AND c.id = iv.community_id
     ORDER BY iv.src, iv.community_id, iv.indicator, iv.period DESC
  ), cat AS (
    SELECT i.code, i.unit, i.direction, i.baseline, i.valid_min, i.valid_max,
           cp.rollup_weighting(i.unit) AS weighting, cp.indicator_target(i.code, $2) AS target
      FROM cp.indicator_catalogue i
  ), a AS (
    SELECT c.city, c.district, cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
           cat.valid_min, cat.valid_max, cat.target,
           count(v.value) > 0 AND count(v.value) = count(v.denominator) AS by_denominator,
           CASE WHEN count(v.value) > 0 AND count(v.value) = count(v.denominator)
                THEN sum(v.value * v.denominator) / nullif(sum(v.denominator), 0)
                WHEN cat.weighting = 'population'
                THEN sum(v.value * c.population) / nullif(sum(c.population) FILTER (WHERE v.value IS NOT NULL), 0)
                ELSE avg(v.value) END AS value,
           count(*)::int AS communities, count(v.value)::int AS reporting,
           sum(c.population) FILTER (WHERE v.value IS NOT NULL)::bigint AS population,
           count(*) FILTER (WHERE v.value IS NOT NULL AND c.population IS NULL)::int AS without_population
      FROM c CROSS JOIN cat
      LEFT JOIN v ON v.src = c.src AND v.community_id = c.id AND v.indicator = cat.code
     GROUP BY %4$s cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
              cat.valid_min, cat.valid_max, cat.target
  )
  SELECT a.city, a.district, a.code, a.unit,
         CASE WHEN a.by_denominator THEN cp.rollup_denominator(a.code) ELSE a.weighting END,
         trim_scale(a.value), a.target,
         CASE a.direction WHEN 'higher' THEN a.value >= a.target ELSE a.value <= a.target END,
         trim_scale(cp.normalised_score(a.value, a.baseline, a.target, a.direction, a.valid_min, a.valid_max)),
         a.communities, a.reporting, a.population, a.without_population%5$s
    FROM a
   ORDER BY %7$s a.city, a.district, a.code$q$,
    CASE WHEN level = 'province'
         THEN pg_catalog.format('SELECT c.district AS src, c.id, c.city, c.district, c.population '
                                'FROM cp.province_communities c WHERE true%s', cp._rollup_leave_out('c', missing))
         ELSE 'SELECT ''''::text AS src, c.id, c.city, CASE WHEN $1 = ''district'' THEN c.district END AS district, '
              'c.population FROM cp.communities c' END,
    CASE WHEN level = 'province'
         THEN 'SELECT iv.district AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.province_indicator_values iv'
         ELSE 'SELECT ''''::text AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.indicator_values iv' END,
    CASE WHEN stage IS NULL THEN 'true' ELSE pg_catalog.format('iv.period <= %L::date', pg_catalog.make_date(stage, 12, 31)) END
      || CASE WHEN level = 'province' THEN cp._rollup_leave_out('iv', missing) ELSE '' END,
    CASE WHEN level = 'province' THEN 'GROUPING SETS ((c.city, c.district), ()),' ELSE 'c.city, c.district,' END,
    CASE WHEN with_missing THEN ', $3' ELSE '' END,
    CASE WHEN level = 'province' THEN 'MATERIALIZED ' ELSE '' END,
    CASE WHEN level = 'province' THEN 'a.district IS NOT NULL,' ELSE '' END);
END
$$;
COMMENT ON FUNCTION cp._rollup_query(text, int, text[], boolean) IS
  'Internal: the text of the roll-up query of cp.scorecard_rollup and cp.province_rollup (one definition of the weighting for every level; $1 level, $2 stage applied, $3 districts left out)';
CREATE OR REPLACE FUNCTION cp.scorecard_rollup(level text, stage int DEFAULT NULL)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
SET jit = off   -- at province level the foreign partitions' cost estimate would start JIT for a small query
AS $$
DECLARE
  st int := cp._rollup_stage(level, stage);
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF st IS NULL THEN
    RETURN;
  END IF;
  IF level <> 'province' THEN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
    RETURN;
  END IF;
  PERFORM cp._province_missing(false);   -- a district that cannot be read: an error naming it
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote error or cancel (a slow district): raised again naming it
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
END
$$;
COMMENT ON FUNCTION cp.scorecard_rollup(text, int) IS
  'Indicators per district (within its city), per city, or over the attached districts of a province database (province: a row per district as at district level, named by the district''s publication, and a row per indicator over all with city and district NULL) for a plan stage (NULL = today''s stage, latest values): for parking and childcare gaps and heritage protection computed with their denominators (cp.rollup_denominator), the mean weighted by them (weighting demand or listed); population-weighted mean of the communities'' values for other shares of residents (%) and per-resident quantities (m²/person); plain mean otherwise; target, met and score of the mean; communities, reporting communities, their population. Errors: unknown level or stage 22023; province: a district that cannot be read (unreachable: 08xxx naming it; publishing nothing: 55000; see cp.province_rollup)';

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

-- from sql/parts/70_roles.sql
CREATE OR REPLACE FUNCTION cp._role_privileges(OUT role_name name, OUT privilege text, OUT objects text)
RETURNS SETOF record
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  VALUES
    ('cp_reader'::name, 'SELECT', 'cp.network_catalog, cp.networks, cp.indicator_values, cp.indicator_local, cp.community_scores'),
    -- also granted to PUBLIC; held here too, so a publishing district can revoke PUBLIC's (docs/province.md)
    ('cp_reader', 'SELECT', 'cp.communities, cp.heritage_site, cp.heritage_config'),
    ('cp_reader', 'SELECT', 'cp.province_districts, cp.province_info, cp.province_communities, cp.province_indicator_values, cp.province_community_scores'),
    ('cp_planner', 'INSERT, UPDATE, DELETE', 'cp.network_catalog, cp.communities, cp.indicator_values, cp.indicator_local'),
    ('cp_planner', 'USAGE', 'SEQUENCE cp.network_build_seq'),
    ('cp_heritage_editor', 'INSERT, UPDATE, DELETE', 'cp.heritage_site'),
    ('cp_auditor', 'SELECT', 'cp.heritage_history'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.walk_profiles, cp.facility_standards, cp.life_circles, cp.facility_categories, cp.parking_standards, cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.osm_category_map, cp.heritage_config'),
    ('cp_admin', 'INSERT, UPDATE, DELETE', 'cp.publication'),
    ('cp_province_reader', 'SELECT', 'cp.published_info, cp.published_communities, cp.published_indicator_values')
$$;
CREATE OR REPLACE FUNCTION cp.setup_roles() RETURNS TABLE (role_name name, created boolean, description text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
      ('cp_reader'::name, 'reads every network, catalogue, indicator value and scorecard; runs every analysis'),
      ('cp_planner', 'builds walking networks (each owned by its builder), maintains communities and indicator values'),
      ('cp_heritage_editor', 'edits the heritage register cp.heritage_site (its rules and audit still apply)'),
      ('cp_auditor', 'reads the heritage audit cp.heritage_history'),
      ('cp_admin', 'all of the above; edits catalogues and standards; rebuilds or drops any network; publishes the district'),
      ('cp_province_reader', 'reads the published results (cp.published_*) only: the login of a province''s user mapping'))
      AS v(name, what) LOOP
    role_name := r.name;
    description := 'community_planning: ' || r.what;
    created := NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles pr WHERE pr.rolname = r.name);
    IF created THEN
      EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r.name);
      EXECUTE pg_catalog.format('COMMENT ON ROLE %I IS %L', r.name, description);
    END IF;
    RETURN NEXT;
  END LOOP;
  PERFORM cp._grant_roles();
  FOR r IN SELECT * FROM cp.schema_write_risks() LOOP
    RAISE WARNING 'role % may create objects in schema %, which the extension''s functions search', r.grantee, r.schema_name
      USING HINT = pg_catalog.format('Revoke it: REVOKE CREATE ON SCHEMA %I FROM %s; (docs/security.md).', r.schema_name, r.grantee);
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.setup_roles() IS
  'Create the capability roles cp_reader, cp_planner, cp_heritage_editor, cp_auditor, cp_admin and cp_province_reader (NOLOGIN, when missing) and grant them their privileges; run by the DBA (needs CREATEROLE and ownership of the extension); then GRANT them to people or district roles';

-- from sql/parts/75_province.sql
CREATE FUNCTION cp.publication_version() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT 1 $$;
COMMENT ON FUNCTION cp.publication_version() IS
  'Version of the published set (cp.published_info, cp.published_communities, cp.published_indicator_values): 1; a province attaches only districts publishing the same version';
CREATE FUNCTION cp._check_district_name(district text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF district IS NULL OR district = '' THEN
    RAISE EXCEPTION 'district name must not be empty'
      USING ERRCODE = '22023',
            HINT = 'Give a lower-case name such as gulou.';
  END IF;
  IF district !~ '^[a-z][a-z0-9_]{0,40}$' THEN
    RAISE EXCEPTION 'invalid district name "%"', district
      USING ERRCODE = '22023',
            DETAIL = 'A district name starts with a lower-case letter and has at most 41 lower-case letters, digits and underscores.',
            HINT = 'Use a transliteration such as gulou or cangshan.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._check_district_name(text) IS
  'Internal: raises 22023 unless the district name is a lower-case identifier (^[a-z][a-z0-9_]{0,40}$)';
CREATE TABLE cp.publication (
  district     text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX publication_one_row ON cp.publication ((true));
COMMENT ON TABLE cp.publication IS
  'The district name this database publishes its results under (one row at most; none = nothing published); set with cp.publish, cleared with cp.unpublish';
COMMENT ON COLUMN cp.publication.district IS 'District name in the province (the partition key there; not cp.communities.district)';
COMMENT ON COLUMN cp.publication.published_at IS 'When cp.publish was run';
SELECT pg_catalog.pg_extension_config_dump('cp.publication', '');
CREATE FUNCTION cp.publish(district text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_district_name(district);
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'INSERT, DELETE') THEN
    RAISE EXCEPTION 'permission denied to publish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.',
            HINT = 'Ask the district''s DBA to run cp.publish.';
  END IF;
  DELETE FROM cp.publication;
  INSERT INTO cp.publication (district, published_at) VALUES (publish.district, now());
END
$$;
COMMENT ON FUNCTION cp.publish(text) IS
  'Publish this database''s communities and indicator values under a district name (lower-case identifier, else 22023) through cp.published_*; replaces an earlier publication; owner or cp_admin only (42501)';
CREATE FUNCTION cp.unpublish() RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'DELETE') THEN
    RAISE EXCEPTION 'permission denied to unpublish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.';
  END IF;
  DELETE FROM cp.publication;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION cp.unpublish() IS
  'Stop publishing: the cp.published_* views become empty (a province then reports the district as publishing nothing); true when something was published; owner or cp_admin only (42501)';
CREATE VIEW cp.published_info AS
SELECT p.district, e.extversion::text AS extension_version, cp.publication_version() AS publication_version,
       p.published_at
  FROM cp.publication p
  JOIN pg_catalog.pg_extension e ON e.extname OPERATOR(pg_catalog.=) 'community_planning';
COMMENT ON VIEW cp.published_info IS
  'What this district publishes: its district name, the installed extension version, the published set''s version (cp.publication_version()) and when; no row when nothing is published';
CREATE VIEW cp.published_communities AS
SELECT p.district, c.id, c.name, c.city, c.community_type, c.population, c.geom
  FROM cp.publication p CROSS JOIN cp.communities c;
COMMENT ON VIEW cp.published_communities IS
  'Published communities: every row of cp.communities under the publication''s district name (column district; the community''s own district column is not published); empty when nothing is published';
COMMENT ON COLUMN cp.published_communities.district IS 'The publication''s district name (cp.publication), not cp.communities.district';
CREATE VIEW cp.published_indicator_values AS
SELECT p.district, v.community_id, v.indicator, v.period, v.value, v.source, v.inputs
  FROM cp.publication p CROSS JOIN cp.indicator_values v;
COMMENT ON VIEW cp.published_indicator_values IS
  'Published indicator values: every row of cp.indicator_values (without entered_by/entered_at) under the publication''s district name; empty when nothing is published';
COMMENT ON COLUMN cp.published_indicator_values.district IS 'The publication''s district name (cp.publication)';
CREATE TABLE cp.province_districts (
  district            text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  server_name         name NOT NULL UNIQUE,
  attached_at         timestamptz NOT NULL DEFAULT now(),
  extension_version   text,
  publication_version int
);
COMMENT ON TABLE cp.province_districts IS
  'Districts attached to this province database by cp.attach_district: foreign server and what the district published when attached (no credentials: those live in the user mapping only)';
COMMENT ON COLUMN cp.province_districts.district IS 'District name: the partition key of the province tables';
COMMENT ON COLUMN cp.province_districts.server_name IS 'postgres_fdw foreign server (cp_district_<district>)';
COMMENT ON COLUMN cp.province_districts.attached_at IS 'When it was attached';
COMMENT ON COLUMN cp.province_districts.extension_version IS 'community_planning version of the district when attached';
COMMENT ON COLUMN cp.province_districts.publication_version IS 'Published set version of the district when attached';
SELECT pg_catalog.pg_extension_config_dump('cp.province_districts', '');
CREATE TABLE cp.province_info (
  district            text,
  extension_version   text,
  publication_version int,
  published_at        timestamptz
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_info IS
  'cp.published_info of every attached district (foreign partitions, one per district)';
CREATE TABLE cp.province_communities (
  district       text,
  id             text,
  name           text,
  city           text,
  community_type text,
  population     bigint,
  geom           geometry(MultiPolygon)
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_communities IS
  'cp.published_communities of every attached district (foreign partitions cp.province_communities__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_communities.district IS 'District name (the partition key, the district''s publication name)';
CREATE TABLE cp.province_indicator_values (
  district     text,
  community_id text,
  indicator    text,
  period       date,
  value        numeric,
  source       text,
  inputs       jsonb
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_indicator_values IS
  'cp.published_indicator_values of every attached district (foreign partitions cp.province_indicator_values__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_indicator_values.district IS 'District name (the partition key); with community_id the key of a community';
CREATE FUNCTION cp._province_partition(tbl text, district text) RETURNS name
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN pg_catalog.length(tbl || '__' || district) <= 63 THEN tbl || '__' || district
              ELSE tbl || '__' || pg_catalog.left(district, 63 - pg_catalog.length(tbl) - 2 - 9)
                   || '_' || pg_catalog.left(pg_catalog.md5(district), 8) END::name
$$;
COMMENT ON FUNCTION cp._province_partition(text, text) IS
  'Internal: name (in schema cp) of a district''s foreign partition of a province table: <table>__<district>, shortened with an md5 tag beyond 63 bytes';
CREATE TYPE cp.district_probe AS (
  reachable           boolean,
  remote_district     text,
  extension_version   text,
  publication_version int,
  error_code          text,
  error               text
);
COMMENT ON TYPE cp.district_probe IS
  'Internal: what a probe of an attached district found (cp._province_probe)';

CREATE FUNCTION cp._province_probe(district text) RETURNS cp.district_probe
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  r cp.district_probe;
  msg text;
  det text;
BEGIN
  BEGIN
    EXECUTE pg_catalog.format('SELECT i.district, i.extension_version, i.publication_version FROM cp.%I i LIMIT 1',
                              cp._province_partition('province_info', district))
       INTO r.remote_district, r.extension_version, r.publication_version;
    r.reachable := true;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS r.error_code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    r.reachable := r.error_code NOT LIKE '08%' AND r.error_code NOT IN ('28P01', '28000', '2F003');
    r.error := msg || coalesce(': ' || nullif(det, ''), '');
  END;
  RETURN r;
END
$$;
COMMENT ON FUNCTION cp._province_probe(text) IS
  'Internal: reads an attached district''s cp.published_info: reachable (false on a connection or authentication error), the published district name and versions, or the error''s SQLSTATE and text; never raises';
CREATE FUNCTION cp._province_drift(district text, p cp.district_probe) RETURNS text
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  IF p.error IS NOT NULL AND NOT p.reachable THEN
    RETURN 'unreachable';
  ELSIF p.error IS NOT NULL THEN
    RETURN 'not_published';   -- reachable, but the published views are missing or unreadable
  ELSIF p.remote_district IS NULL THEN
    RETURN 'unpublished';
  ELSIF p.remote_district <> district THEN
    RETURN 'district_name';
  ELSIF p.publication_version IS DISTINCT FROM cp.publication_version() THEN
    RETURN 'publication_version';
  ELSIF p.extension_version IS DISTINCT FROM
        (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning') THEN
    RETURN 'extension_version';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION cp._province_drift(text, cp.district_probe) IS
  'Internal: the state of a probed district: NULL (in order), unreachable, not_published, unpublished, district_name, publication_version or extension_version';
CREATE FUNCTION cp._province_raise(district text, drift text, p cp.district_probe, attaching boolean) RETURNS void
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  hint text := CASE WHEN attaching THEN 'Check the host, port, database name and the district''s pg_hba.conf.'
                    ELSE 'Check the district, or call cp.province_rollup(stage, allow_missing => true) to roll up without it.' END;
BEGIN
  IF drift = 'unreachable' THEN
    RAISE EXCEPTION 'district "%" is unreachable', district
      USING ERRCODE = coalesce(p.error_code, '08006'), DETAIL = p.error, HINT = hint;
  ELSIF drift = 'not_published' THEN
    RAISE EXCEPTION 'district database "%" has no published results', district
      USING ERRCODE = '55000', DETAIL = p.error,
            HINT = 'Install community_planning 0.2.0 or later in the district and run cp.publish there.';
  ELSIF drift = 'unpublished' THEN
    RAISE EXCEPTION 'district database "%" publishes nothing', district
      USING ERRCODE = '55000',
            HINT = pg_catalog.format('Run SELECT cp.publish(%L) in the district database.', district);
  ELSIF drift = 'district_name' THEN
    RAISE EXCEPTION 'district database "%" publishes district "%"', district, p.remote_district
      USING ERRCODE = '22023',
            HINT = 'Attach it under its published name, or publish it under this name.';
  ELSIF drift = 'publication_version' THEN
    RAISE EXCEPTION 'district "%" publishes version % of the published set, this database reads version %',
                    district, p.publication_version, cp.publication_version()
      USING ERRCODE = '55000',
            DETAIL = pg_catalog.format('The district runs community_planning %s.', p.extension_version),
            HINT = 'Update the extension in the older database (ALTER EXTENSION community_planning UPDATE).';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_raise(text, text, cp.district_probe, boolean) IS
  'Internal: raises the error of a district that cannot be read (unreachable: the connection''s SQLSTATE; publishing nothing or no published views: 55000; another name: 22023; another published set: 55000); nothing for an extension version difference';
CREATE FUNCTION cp.attach_district(district text, host text, port int, dbname text, user_name text,
                                   password text DEFAULT NULL, fetch_size int DEFAULT 1000)
RETURNS cp.province_districts
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  srv name;
  p cp.district_probe;
  drift text;
  ours text;
  st text;
  msg text;
  result cp.province_districts;
BEGIN
  PERFORM cp._check_district_name(district);
  IF host IS NULL OR host !~ '^(/[^[:space:][:cntrl:]'',]{1,200}|[A-Za-z0-9][A-Za-z0-9.:-]{0,252})$' THEN
    RAISE EXCEPTION 'invalid host "%"', coalesce(pg_catalog.left(host, 100), 'NULL')
      USING ERRCODE = '22023',
            DETAIL = 'A host is a host name, an IP address or the directory of a unix socket (starting with /).';
  END IF;
  IF port IS NULL OR port NOT BETWEEN 1 AND 65535 THEN
    RAISE EXCEPTION 'invalid port %', coalesce(port::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'A port is a number from 1 to 65535.';
  END IF;
  IF dbname IS NULL OR dbname = '' OR user_name IS NULL OR user_name = '' THEN
    RAISE EXCEPTION 'dbname and user_name must not be empty'
      USING ERRCODE = '22023', HINT = 'Name the district database and the login role the province reads it as.';
  END IF;
  IF password = '' THEN
    RAISE EXCEPTION 'password must not be empty'
      USING ERRCODE = '22023', HINT = 'Pass NULL when the district does not ask for a password.';
  END IF;
  IF fetch_size IS NULL OR fetch_size NOT BETWEEN 1 AND 1000000 THEN
    RAISE EXCEPTION 'invalid fetch_size %', coalesce(fetch_size::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'fetch_size is the number of rows fetched per round trip, from 1 to 1000000.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.fdwname = 'postgres_fdw') THEN
    RAISE EXCEPTION 'postgres_fdw is not installed in this database'
      USING ERRCODE = '0A000',
            DETAIL = 'A province database reads its districts through postgres_fdw.',
            HINT = 'Run CREATE EXTENSION postgres_fdw; (a superuser, in the province database only).';
  END IF;
  IF NOT pg_catalog.has_foreign_data_wrapper_privilege('postgres_fdw', 'USAGE')
     OR NOT pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c
                                     WHERE c.oid = 'cp.province_communities'::regclass), 'USAGE') THEN
    RAISE EXCEPTION 'permission denied to attach a district'
      USING ERRCODE = '42501',
            DETAIL = 'Attaching creates a foreign server (USAGE on postgres_fdw) and partitions of the province tables (their owner, the extension''s owner).',
            HINT = 'Run it as the extension''s owner.';
  END IF;
  srv := ('cp_district_' || district)::name;
  IF EXISTS (SELECT 1 FROM cp.province_districts d WHERE d.district = attach_district.district) THEN
    RAISE EXCEPTION 'district "%" is already attached', district
      USING ERRCODE = '42710', HINT = 'Detach it first with cp.detach_district.';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = srv) THEN
    RAISE EXCEPTION 'foreign server "%" already exists', srv
      USING ERRCODE = '42710', HINT = 'Drop or rename that server; cp.attach_district creates its own.';
  END IF;

  EXECUTE pg_catalog.format(
    'CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, async_capable %L, '
    'fetch_size %L, connect_timeout %L, application_name %L)',
    srv, host, port::text, dbname, 'true', fetch_size::text, '5', 'community_planning province');
  EXECUTE pg_catalog.format('COMMENT ON SERVER %I IS %L', srv,
                            'community_planning: district ' || district || ' (cp.attach_district)');
  BEGIN   -- the password must never appear in an error's context
    EXECUTE pg_catalog.format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L%s)', srv, user_name,
                              CASE WHEN password IS NOT NULL THEN pg_catalog.format(', password %L', password) ELSE '' END);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RAISE EXCEPTION 'could not create the user mapping of district "%": %', district, msg USING ERRCODE = st;
  END;
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_info FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_info', district), district, srv, 'cp', 'published_info', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_communities FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_communities', district), district, srv, 'cp', 'published_communities', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_indicator_values FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_indicator_values', district), district, srv, 'cp', 'published_indicator_values', 'true');

  -- probe: an error undoes everything above (one transaction)
  p := cp._province_probe(district);
  drift := cp._province_drift(district, p);
  PERFORM cp._province_raise(district, drift, p, true);
  IF drift = 'extension_version' THEN
    SELECT e.extversion::text INTO ours FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning';
    RAISE NOTICE 'district "%" runs community_planning %, this database %', district, p.extension_version, ours
      USING DETAIL = 'Both publish the same set (version ' || p.publication_version || '); scores may differ where the versions compute differently.';
  END IF;
  INSERT INTO cp.province_districts (district, server_name, attached_at, extension_version, publication_version)
  VALUES (attach_district.district, srv, now(), p.extension_version, p.publication_version)
  RETURNING * INTO result;
  RETURN result;
END
$$;
COMMENT ON FUNCTION cp.attach_district(text, text, int, text, text, text, int) IS
  'Attach a district database: foreign server cp_district_<district> (postgres_fdw, async_capable, fetch_size, connect_timeout 5 s), a user mapping for the current user (password kept there only), foreign partitions of cp.province_info, cp.province_communities and cp.province_indicator_values; then checks what it publishes. Errors: bad argument 22023, no postgres_fdw 0A000, no privilege 42501, already attached 42710, unreachable 08xxx, publishes nothing 55000, another name 22023, another published set 55000; another extension version: NOTICE';
CREATE FUNCTION cp.detach_district(district text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  d cp.province_districts;
  um record;
  t text;
BEGIN
  SELECT * INTO d FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'district "%" is not attached', district
      USING ERRCODE = '42704', HINT = 'Attached districts are listed in cp.province_districts.';
  END IF;
  FOREACH t IN ARRAY ARRAY['province_info', 'province_communities', 'province_indicator_values'] LOOP
    EXECUTE pg_catalog.format('DROP FOREIGN TABLE IF EXISTS cp.%I', cp._province_partition(t, district));
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = d.server_name) THEN
    FOR um IN SELECT m.umuser FROM pg_catalog.pg_user_mapping m
                JOIN pg_catalog.pg_foreign_server s ON s.oid = m.umserver
               WHERE s.srvname = d.server_name LOOP
      EXECUTE pg_catalog.format('DROP USER MAPPING FOR %s SERVER %I',
                                CASE WHEN um.umuser = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(um.umuser::regrole::text) END, d.server_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP SERVER %I', d.server_name);
  END IF;
  DELETE FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.detach_district(text) IS
  'Detach a district: drops its foreign partitions, every user mapping of its server and the server (never CASCADE: an object of yours that uses a partition stops it), and its row of cp.province_districts; 42704 when not attached';
CREATE FUNCTION cp.province_status()
RETURNS TABLE (district text, reachable boolean, extension_version text, publication_version int,
               drift text, communities bigint, error text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  msg text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    district := d.district;
    reachable := p.reachable;
    extension_version := p.extension_version;
    publication_version := p.publication_version;
    drift := cp._province_drift(d.district, p);
    communities := NULL;
    error := p.error;
    IF p.error IS NULL THEN
      BEGIN
        EXECUTE pg_catalog.format('SELECT count(*) FROM cp.%I',
                                  cp._province_partition('province_communities', d.district)) INTO communities;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        error := msg;
      END;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.province_status() IS
  'Probe every attached district: reachable, its extension and published-set versions, drift (NULL, unreachable, not_published, unpublished, district_name, publication_version, extension_version), published communities, error text; a district that is down is a row with reachable false, never an error';
CREATE FUNCTION cp._province_missing(allow_missing boolean) RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  drift text;
  missing text[] := '{}';
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    drift := cp._province_drift(d.district, p);
    IF drift IS NULL OR drift = 'extension_version' THEN
      CONTINUE;
    END IF;
    IF NOT allow_missing THEN
      PERFORM cp._province_raise(d.district, drift, p, false);
    END IF;
    missing := missing || d.district;
  END LOOP;
  RETURN missing;
END
$$;
COMMENT ON FUNCTION cp._province_missing(boolean) IS
  'Internal: probes every attached district before a roll-up; one that cannot be read raises its error (cp._province_raise), or with allow_missing is returned in the list of districts left out';
CREATE FUNCTION cp._province_failing() RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  failing text[] := '{}';
  ctx text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    BEGIN
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_communities', d.district));
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_indicator_values', d.district));
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      -- a remote cancel (the district's statement_timeout) counts against the district;
      -- a cancel of this statement (no remote context) must stop everything
      GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
      IF pg_catalog.strpos(coalesce(ctx, ''), 'remote SQL command') = 0 AND SQLSTATE = '57014' THEN
        RAISE;
      END IF;
      failing := failing || d.district::text;
    END;
  END LOOP;
  RETURN failing;
END
$$;
COMMENT ON FUNCTION cp._province_failing() IS
  'Internal: the attached districts whose published communities or values cannot be read now (each tried alone), to name them after a remote error';
CREATE FUNCTION cp._province_reraise(state text, msg text, context text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  failing text[];
BEGIN
  IF context IS NULL OR pg_catalog.strpos(context, 'remote SQL command') = 0 THEN
    RETURN;
  END IF;
  failing := cp._province_failing();
  IF pg_catalog.cardinality(failing) > 0 THEN
    RAISE EXCEPTION 'district % failed during the province roll-up: %',
                    pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format('"%s"', f) FROM unnest(failing) f), ', '), msg
      USING ERRCODE = state,
            HINT = 'cp.province_status() shows each district; cp.province_rollup(allow_missing => true) rolls up without the districts that cannot be read.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_reraise(text, text, text) IS
  'Internal: after a remote error in a province roll-up, raises it again with the SQLSTATE kept, naming the districts that cannot be read (cp._province_failing); returns for local errors';
CREATE FUNCTION cp.province_rollup(stage int DEFAULT NULL, allow_missing boolean DEFAULT false)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int, missing_districts text[])
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
SET jit = off   -- foreign partitions have no statistics: the cost estimate starts JIT, which costs more than the query
AS $$
DECLARE
  st int := cp._rollup_stage('province', stage);
  missing text[];
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF allow_missing IS NULL THEN
    RAISE EXCEPTION 'allow_missing must not be NULL'
      USING ERRCODE = '22004', HINT = 'Pass true to roll up without the districts that cannot be read, false for an error.';
  END IF;
  missing := cp._province_missing(allow_missing);
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query('province', stage, missing, true) USING 'province'::text, st, missing;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote cancel too: a district's statement_timeout
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
  IF NOT FOUND AND pg_catalog.cardinality(missing) > 0 THEN
    -- every district left out: the province rows still say so, with nothing rolled up
    RETURN QUERY
      SELECT NULL::text, NULL::text, i.code, i.unit, cp.rollup_weighting(i.unit), NULL::numeric,
             cp.indicator_target(i.code, st), NULL::boolean, NULL::numeric, 0, 0, NULL::bigint, 0, missing
        FROM cp.indicator_catalogue i ORDER BY i.code;
  END IF;
END
$$;
COMMENT ON FUNCTION cp.province_rollup(int, boolean) IS
  'cp.scorecard_rollup(''province'', stage) over the attached districts, with missing_districts: with allow_missing the districts that cannot be read (down, publishing nothing, another published set) are left out (partition pruning) and listed in every row; without, the error naming the first such district (unreachable: its connection SQLSTATE, 08xxx)';
CREATE VIEW cp.province_community_scores AS
WITH st AS (
  SELECT cp._current_stage() AS stage
), v AS (
  SELECT DISTINCT ON (iv.district, iv.community_id, iv.indicator) iv.district, iv.community_id, iv.indicator, iv.value
    FROM cp.province_indicator_values iv
   ORDER BY iv.district, iv.community_id, iv.indicator, iv.period DESC
), cat AS (
  SELECT i.code, i.dimension, i.domain, i.weight::numeric AS w, i.baseline, i.direction, i.valid_min, i.valid_max,
         cp.indicator_target(i.code, st.stage) AS target
    FROM cp.indicator_catalogue i, st
), sc AS (
  SELECT c.district, c.id, cat.dimension, cat.domain, cat.w, v.value,
         cp.normalised_score(v.value, cat.baseline, cat.target, cat.direction, cat.valid_min, cat.valid_max) AS score
    FROM cp.province_communities c CROSS JOIN cat
    LEFT JOIN v ON v.district = c.district AND v.community_id = c.id AND v.indicator = cat.code
), dom AS (
  SELECT sc.district, sc.id, sc.dimension, sc.domain,
         sum(sc.w * sc.score) FILTER (WHERE sc.score IS NOT NULL)
           / nullif(sum(sc.w) FILTER (WHERE sc.score IS NOT NULL), 0) AS score,
         count(*) AS n, count(sc.value) AS with_value, count(sc.score) AS scored
    FROM sc GROUP BY sc.district, sc.id, sc.dimension, sc.domain
), dim AS (
  SELECT dom.district, dom.id, dom.dimension,
         sum(d.weight::numeric * dom.score) FILTER (WHERE dom.score IS NOT NULL)
           / nullif(sum(d.weight::numeric) FILTER (WHERE dom.score IS NOT NULL), 0) AS score,
         sum(dom.n) AS n, sum(dom.with_value) AS with_value, sum(dom.scored) AS scored
    FROM dom JOIN cp.indicator_domains d ON d.code = dom.domain
   GROUP BY dom.district, dom.id, dom.dimension
), tot AS (
  SELECT dim.district, dim.id,
         trim_scale(sum(m.weight::numeric * dim.score) FILTER (WHERE dim.score IS NOT NULL)
           / nullif(sum(m.weight::numeric) FILTER (WHERE dim.score IS NOT NULL), 0)) AS overall,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'livability') AS livability,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'smartness') AS smartness,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'resilience') AS resilience,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'humanity') AS humanity,
         sum(dim.scored)::int AS scored, (sum(dim.n) - sum(dim.with_value))::int AS missing,
         pg_catalog.jsonb_object_agg(dim.dimension, trim_scale(dim.score)) AS dimensions
    FROM dim JOIN cp.indicator_dimensions m ON m.code = dim.dimension
   GROUP BY dim.district, dim.id
)
SELECT c.district, c.id, c.name, c.city, c.community_type, c.population, st.stage,
       t.overall, t.livability, t.smartness, t.resilience, t.humanity, t.scored, t.missing, t.dimensions,
       CASE WHEN ST_SRID(c.geom) = 4326 THEN c.geom ELSE ST_Transform(c.geom, 4326) END::geometry(MultiPolygon, 4326) AS geom
  FROM cp.province_communities c CROSS JOIN st
  LEFT JOIN tot t ON t.district = c.district AND t.id = c.id;
COMMENT ON VIEW cp.province_community_scores IS
  'Communities of every attached district with the scores of today''s plan stage, as cp.community_scores computes them (overall and the four dimensions 0..100, latest published values, this database''s catalogue and targets), outlines in WGS 84 (SRID 4326: districts may use different SRIDs); QGIS key (district, id)';
COMMENT ON COLUMN cp.province_community_scores.district IS 'District (its publication name)';
COMMENT ON COLUMN cp.province_community_scores.stage IS 'Plan stage whose targets apply (today''s)';
COMMENT ON COLUMN cp.province_community_scores.overall IS 'Overall weighted score 0..100';
COMMENT ON COLUMN cp.province_community_scores.scored IS 'Indicators with a value and a target';
COMMENT ON COLUMN cp.province_community_scores.missing IS 'Indicators without a value';
COMMENT ON COLUMN cp.province_community_scores.dimensions IS 'Every dimension''s score as jsonb';
COMMENT ON COLUMN cp.province_community_scores.geom IS 'Outline transformed to WGS 84';
GRANT SELECT ON cp.publication TO PUBLIC;

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

-- Comments and privileges that differ otherwise (from the fresh install)
COMMENT ON TYPE cp.district_probe IS 'Internal: what a probe of an attached district found (cp._province_probe)';
-- GRANT SELECT ON TABLE cp.communities TO cp_reader;  -- capability role: cp._grant_roles() below grants; revoke only if the role exists
-- GRANT SELECT ON TABLE cp.heritage_config TO cp_reader;  -- capability role: cp._grant_roles() below grants; revoke only if the role exists
-- GRANT SELECT ON TABLE cp.heritage_site TO cp_reader;  -- capability role: cp._grant_roles() below grants; revoke only if the role exists

-- Objects created above get the capability roles' privileges, as at CREATE EXTENSION (70_roles.sql).
DO $$ BEGIN PERFORM cp._grant_roles(); END $$;

