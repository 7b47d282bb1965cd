-- Supply against demand (issue 5; kernel issue 14) -------------------------------
-- Two-step floating catchment: capacity-bound categories (places, beds, floor
-- space) shared among the residents who reach them on foot, with an optional
-- distance decay (docs/supply.md). C does the work (src/supply.c, one bounded
-- search per facility, no cap on their number); SQL resolves the standard's
-- settings (radius, per_1000, target, categories) once and returns rows.

-- The walking radius of a capacity-bound category: its lowest level's; 22023 without one.
CREATE FUNCTION cp._supply_radius(standard text, category text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
BEGIN
  SELECT v.effective_radius_m INTO radius
    FROM cp.life_circle_categories v
   WHERE v.standard = _supply_radius.standard AND v.code = _supply_radius.category AND v.life_circle = v.from_level
     AND v.effective_radius_m IS NOT NULL
   ORDER BY cp.life_circle_rank(v.from_level), v.effective_radius_m
   LIMIT 1;
  IF radius IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" has no category "%s" with a walking radius'), standard, category),
            ERRCODE = '22023',
            DETAIL = pg_catalog.format(cp._t('Set %s has: %s.'), standard, (SELECT pg_catalog.string_agg(DISTINCT c.code, ', ') FROM cp.facility_categories c
                                                           WHERE c.standard = _supply_radius.standard));
  END IF;
  RETURN radius;
END
$$;
COMMENT ON FUNCTION cp._supply_radius(text, text) IS
  'Internal: the effective walking radius of a category at its lowest level in a standard set; 22023 when it has none';

-- The engine room (src/supply.c): residents and facilities read once each (every
-- check of them there), one bounded search per facility, no cap on their number;
-- per resident unit or summed per community (the one membership rule) or for the
-- whole area (communities_sql NULL).
CREATE FUNCTION cp._supply_eval(network text, residents_sql text, facilities_sql text, category text,
                                quiet text[], known text[], radius_m float8, amount_column text, amount_hint text,
                                decay text, decay_param float8, max_snap_m float8, per_resident boolean,
                                communities_sql text, group_column text, share float8, min_floor_m2 float8,
                                min_site_m2 float8, by_time boolean,
                                OUT resident_id bigint, OUT community_id bigint, OUT population float8,
                                OUT supply float8, OUT amount_inside float8, OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_supply_groups_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._supply_eval(text, text, text, text, text[], text[], float8, text, text, text, float8, float8, boolean, text, text, float8, float8, float8, boolean) IS
  'Internal: two-step floating catchment (optional distance decay) of one category''s amount (capacity, floor_area) within radius_m (by_time: slope-weighted metres = minutes × the profile''s metres per minute; quiet: the set''s other categories, left out without a NOTICE), demand = the target group (group_column of the residents query, else population × share: estimated), facilities below min_floor_m2/min_site_m2 left out; per resident unit (supply = demand x accessible amount per person) or summed per community (id, geom; NULL = whole area) with the amount inside each';

-- The settings of one capacity-bound category: its lowest level's cut-off (metres,
-- or minutes × its users' walking speed), target group, share, minimum sizes;
-- 22023 when it has no cut-off. Supply counts every place and square metre a
-- facility offers, so the analyses here pass no minimum size (coverage does:
-- a facility below the standard's size is not the standard's facility).
CREATE FUNCTION cp._supply_settings(standard text, category text, unit text, profile text, population_shares text,
                                    OUT cutoff float8, OUT target_group text, OUT group_column text, OUT share float8,
                                    OUT min_floor_m2 float8, OUT min_site_m2 float8, OUT minutes float8,
                                    OUT walk_profile text)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
BEGIN
  SELECT r.cutoff, r.target_group, r.group_column, r.share, r.min_floor_m2, r.min_site_m2, r.minutes, r.walk_profile
    INTO cutoff, target_group, group_column, share, min_floor_m2, min_site_m2, minutes, walk_profile
    FROM cp._category_reach(standard, unit, profile, population_shares) r
   WHERE r.code = _supply_settings.category AND r.cutoff IS NOT NULL
   ORDER BY cp.life_circle_rank(r.from_level), r.cutoff
   LIMIT 1;
  IF cutoff IS NULL THEN
    PERFORM cp._supply_radius(standard, category);   -- its error names the set's categories
  END IF;
END
$$;
COMMENT ON FUNCTION cp._supply_settings(text, text, text, text, text) IS
  'Internal: cut-off, target group (column and share), minimum sizes, minutes and walking profile of a category at its lowest level in a standard set (supply, surfaces, site suggestions); 22023 when it has no walking radius';

-- category is both an argument and a result column (INOUT), as life_circle above.
CREATE FUNCTION cp.supply_gap(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                              INOUT category text, communities_sql text DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                              standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                              decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                              unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                              OUT target_group text, OUT population float8, OUT demand float8, OUT supply float8,
                              OUT gap float8, OUT gap_ratio float8, OUT estimated boolean, OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  rate float8 := per_1000;
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  IF rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = supply_gap.standard AND c.code = cat;
  END IF;
  IF rate IS NULL THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" gives no per-1000-resident figure for "%s"'), standard, cat),
      ERRCODE = '22004', HINT = cp._t('Pass the places per 1000 residents as per_1000 => ..., with its source.');
  END IF;
  IF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('per_1000 must be a finite number above zero'), ERRCODE = '22023';
  END IF;
  RETURN QUERY
    SELECT e.community_id, cat, st.target_group, e.population, e.population * rate / 1000.0, e.supply,
           greatest(e.population * rate / 1000.0 - e.supply, 0),
           greatest(e.population * rate / 1000.0 - e.supply, 0) / nullif(e.population * rate / 1000.0, 0),
           e.estimated, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_gap.standard AND c.code <> cat),
                           cp._known_categories(), st.cutoff, 'capacity', NULL, decay, decay_param, 250, false,
                           cp._coverage_query(communities_sql), st.group_column, st.share, 0, 0,
                           cp._unit_is_time(unit)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.supply_gap(text, text, text, text, text, float8, text, text, text, float8, text, text) IS
  'Supply against demand for a capacity-bound category per community (NULL = whole area), by two-step floating catchment within the category''s walking radius (unit m) or time at its users'' pace (unit min) (docs/supply.md): demand = the category''s target group (its age-cohort column, else population × its share in population_shares: estimated) × per_1000 / 1000 (per 1000 people of the target group; from the set or given), supply = capacity shares reaching the residents, gap = max(0, demand - supply), gap_ratio = gap / demand; decay ''step'' (the classic 2SFCA), ''gaussian'' or ''exponential'' (decay_param = beta). No limit on the number of facilities. Errors: unknown set 42704, category without radius 22023, no per_1000 22004, missing column 42703, negative capacity, unknown category or bad decay 22023';

-- The 2SFCA per resident unit: the accessible supply of a capacity-bound category
-- (places, beds) and the same per 1000 residents, for a heat map of who lacks it.
-- Not STRICT (decay_param may be NULL): a NULL in any other argument returns no rows.
CREATE FUNCTION cp.supply_access(network text, residents_sql text, facilities_sql text, category text,
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                 decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                 unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (resident_id bigint, population float8, supply float8, supply_per_1000 float8, estimated boolean)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR category IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, category, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.resident_id, e.population, e.supply, 1000.0 * e.supply / nullif(e.population, 0), e.estimated
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), category,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = supply_access.standard AND c.code <> supply_access.category),
                           cp._known_categories(), st.cutoff, 'capacity', NULL, decay, decay_param, 250, true, NULL,
                           st.group_column, st.share, 0, 0, cp._unit_is_time(unit)) e
     ORDER BY e.resident_id;
END
$$;
COMMENT ON FUNCTION cp.supply_access(text, text, text, text, text, text, text, float8, text, text) IS
  'Two-step floating catchment per resident unit for one capacity-bound category (docs/supply.md): the capacity (places, beds) within walking reach (unit m) or time (unit min) shared among the category''s target group who reach it (population = the unit''s people of the group, estimated from population_shares without a cohort column), and the same per 1000 of them (NULL without people); the per-resident view of cp.supply_gap; decay ''step'', ''gaussian'' or ''exponential'' (decay_param = beta). Errors: unknown set 42704, category without radius 22023, missing column 42703, negative capacity, unknown category or bad decay 22023';

-- Floor space of a category per resident (e.g. cultural activity space, m²/person;
-- plan target 0.8 -> 1.2): inside each community (the one membership rule), and
-- within walking reach by the same two-step floating catchment as cp.supply_gap
-- with floor area as capacity. category is both an argument and a result column
-- (INOUT), as cp.supply_gap.
CREATE FUNCTION cp.space_per_resident(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                                      INOUT category text, communities_sql text DEFAULT NULL,
                                      target_m2_per_resident float8 DEFAULT NULL,
                                      standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                      decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                      unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
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
  st record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR decay IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.check_standard(standard);
  IF tgt IS NULL THEN  -- the set's figure when it gives one in m² per 1000 residents
    SELECT min(c.per_1000) / 1000.0 INTO tgt FROM cp.facility_categories c
     WHERE c.standard = space_per_resident.standard AND c.code = cat AND c.per_1000_unit LIKE 'm²%';
  END IF;
  IF tgt IS NOT NULL AND NOT (tgt > 0 AND tgt < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('target_m2_per_resident must be a finite number above zero'),
      ERRCODE = '22023', DETAIL = pg_catalog.format(cp._t('The value given is %s.'), tgt);
  END IF;
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.community_id, cat, e.population, e.amount_inside, e.amount_inside / nullif(e.population, 0),
           e.supply / nullif(e.population, 0), tgt,
           CASE WHEN e.population > 0 THEN greatest(tgt - e.supply / e.population, 0) END, e.geom::geometry
      FROM cp._supply_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                           (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                             WHERE c.standard = space_per_resident.standard AND c.code <> cat),
                           cp._known_categories(), st.cutoff, 'floor_area',
                           'floor_area is the facility''s usable floor space in m²; cp.building_floor_area(geom, levels) estimates it from a footprint.',
                           decay, decay_param, 250, false, cp._coverage_query(communities_sql),
                           st.group_column, st.share, 0, 0, cp._unit_is_time(unit)) e
     ORDER BY e.community_id;
END
$$;
COMMENT ON FUNCTION cp.space_per_resident(text, text, text, text, text, float8, text, text, text, float8, text, text) IS
  'Floor space of one facility category per resident and community (NULL = whole area): floor area of the category''s facilities (id, category, geom, floor_area query) inside the community (the one membership rule) per resident, and the floor area within walking reach per resident by two-step floating catchment within the category''s radius (docs/supply.md; decay as cp.supply_gap); target from the argument or the set''s per_1000 in m², gap = max(0, target - accessible). Errors: missing column 42703, negative floor area 22023, category without radius 22023, unknown category or bad decay 22023';
