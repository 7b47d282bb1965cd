
-- Accessibility surfaces (issue 17) -------------------------------------------
-- One facility category on a hexagon grid over the residents: per cell with
-- residents, its people and target group, the walk to the nearest facility,
-- the share within the cut-off, the two-step floating catchment's accessible
-- supply (decay as cp.supply_access) and the unmet demand. C does the work
-- (src/surface.c): residents and facilities read once each, the cells
-- (ST_HexagonGrid) read as a communities query, so a unit is in the cell
-- containing its point by the one membership rule. docs/surface.md.

CREATE FUNCTION cp._surface_eval(network text, residents_sql text, facilities_sql text, category text,
                                 quiet text[], known text[], cutoff float8, by_time boolean,
                                 group_column text, share float8, min_floor_m2 float8, min_site_m2 float8,
                                 decay text, decay_param float8, max_snap_m float8, cell_m float8,
                                 postgis_schema text,
                                 OUT cell bigint, OUT geom bytea, OUT units integer, OUT population float8,
                                 OUT target_population float8, OUT estimated boolean, OUT covered float8,
                                 OUT reached float8, OUT walk_mean_m float8, OUT walk_max_m float8,
                                 OUT walk_mean_t float8, OUT walk_max_t float8, OUT supply float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_surface_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._surface_eval(text, text, text, text, text[], text[], float8, boolean, text, float8, float8, float8, text, float8, float8, float8, text) IS
  'Internal: per hexagon (ST_HexagonGrid of edge cell_m over the residents, in the network''s CRS; cell = ((i + 2^30) * 2^31 + j + 2^30)) with residents: units, population, target group (group_column, else population × share: estimated, per cell), the group within the cut-off (covered) and within 3 cut-offs (reached), the walk to the nearest facility over the reached units weighted by the group (metres; _t: slope-weighted metres), the 2SFCA accessible capacity of the group (decay as cp._supply_eval); residents and facilities read once each';

CREATE FUNCTION cp.access_surface(network text, residents_sql text, facilities_sql text, category text, cell_m float8,
                                  standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                  unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                                  decay text DEFAULT 'step', decay_param float8 DEFAULT NULL,
                                  per_1000 float8 DEFAULT NULL)
RETURNS TABLE (cell_id bigint, cell_i integer, cell_j integer, target_group text, units integer,
               population float8, target_population float8, estimated boolean,
               covered_population float8, covered_ratio float8, reached_population float8,
               walk_mean_m float8, walk_max_m float8, walk_mean_min float8, walk_max_min float8,
               supply float8, supply_per_1000 float8, demand float8, unmet_demand float8,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  std text := standard;
  rate float8 := per_1000;
  st record;
  speed float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR cell_m IS NULL
     OR std IS NULL OR unit IS NULL OR population_shares IS NULL OR decay IS NULL THEN
    RETURN;
  END IF;
  IF NOT (cell_m >= 1 AND cell_m <= 10000) THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('cell_m must be between 1 and 10000 metres'), ERRCODE = '22023',
      DETAIL = pg_catalog.format(cp._t('The value given is %s.'), cell_m),
      HINT = cp._t('cell_m is the edge of a hexagon (ST_HexagonGrid''s size): 100 m makes cells of 2.6 ha.');
  END IF;
  PERFORM cp.check_standard(std);
  SELECT * INTO st FROM cp._supply_settings(std, cat, unit, profile, population_shares);
  speed := cp._profile_speed(st.walk_profile);
  IF rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = std AND c.code = cat;
  ELSIF NOT (rate > 0 AND rate < 'Infinity') THEN
    RAISE EXCEPTION USING MESSAGE = cp._t('per_1000 must be a finite number above zero'), ERRCODE = '22023';
  END IF;
  RETURN QUERY
    SELECT e.cell, (e.cell / 2147483648 - 1073741824)::integer, (e.cell % 2147483648 - 1073741824)::integer,
           st.target_group, e.units, e.population, e.target_population, e.estimated,
           e.covered, e.covered / nullif(e.target_population, 0), e.reached,
           e.walk_mean_m, e.walk_max_m, e.walk_mean_t / speed, e.walk_max_t / speed,
           e.supply, 1000.0 * e.supply / nullif(e.target_population, 0),
           e.target_population * rate / 1000.0,
           CASE WHEN rate IS NOT NULL THEN greatest(e.target_population * rate / 1000.0 - e.supply, 0) END,
           e.geom::geometry
      FROM cp._surface_eval(network, cp._coverage_query(residents_sql), cp._coverage_query(facilities_sql), cat,
                            (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                              WHERE c.standard = std AND c.code <> cat),
                            cp._known_categories(), st.cutoff, cp._unit_is_time(unit), st.group_column, st.share,
                            st.min_floor_m2, st.min_site_m2, decay, decay_param, 250, cell_m,
                            cp._postgis_schema()) e
     ORDER BY e.cell;
END
$$;
COMMENT ON FUNCTION cp.access_surface(text, text, text, text, float8, text, text, text, text, text, float8, float8) IS
  'Accessibility surface of one facility category (docs/surface.md): a hexagon grid (ST_HexagonGrid, cell_m = the hexagon''s edge, 1 to 10000 m) over the residents (id, geom, population, optional age cohorts) in the network''s CRS; per cell with residents (a unit is in the cell containing its point, lowest id on an edge): population, the category''s target group (its cohort column, else population × its share: estimated), covered_population within the walking radius (unit m) or time (unit min) and its ratio, the walk to the nearest facility (id, category, geom, capacity) searched to 3 cut-offs, mean (weighted by the group) and max over the units that reach one (reached_population), in metres and minutes at the users'' pace, the two-step floating catchment''s accessible capacity (decay ''step'', ''gaussian'', ''exponential'' as cp.supply_access) and per 1000 of the group, demand = group × per_1000 / 1000 (the set''s or given; NULL when neither) and unmet_demand = max(demand - supply, 0) (NULL without demand). Each query runs once. Errors: cell_m out of range or too many cells 22023, unknown set 42704, category without radius 22023, missing column 42703';
