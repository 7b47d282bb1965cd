
-- Site suggestions (issue 17) ------------------------------------------------------
-- Choose n of a district's candidate sites for one category: maximal covering,
-- 2SFCA capacity gap closed, or p-median total walk, greedy with lazy
-- evaluation over one bounded search per candidate (docs/sites.md). C does the
-- work (src/sites.c); SQL resolves the category's cut-off, target group and
-- rate from the standard set once and returns rows.

-- The engine room: each query read once, one bounded search per existing
-- facility and per candidate, then CELF rounds. cutoff (and penalty) in metres,
-- or with by_time in slope-weighted metres (minutes × the profile's metres per
-- minute); value: people covered (coverage), total walk in person-metres of
-- the bounded metric (p_median), remaining gap in places (capacity_gap).
CREATE FUNCTION cp._suggest_sites_run(network text, residents_sql text, candidates_sql text, facilities_sql text,
                                      category text, n integer, objective text, cutoff float8, by_time boolean,
                                      group_column text, share float8, known text[], quiet text[],
                                      min_floor_m2 float8, min_site_m2 float8, per_1000 float8, capacity float8,
                                      penalty float8, max_snap_m float8,
                                      OUT rank integer, OUT candidate_id bigint, OUT gain float8, OUT value float8,
                                      OUT covered float8, OUT target float8, OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_suggest_sites_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._suggest_sites_run(text, text, text, text, text, integer, text, float8, boolean, text, float8, text[], text[], float8, float8, float8, float8, float8, float8) IS
  'Internal: greedy site choice with lazy evaluation (CELF) for one category: residents (id, geom, population, cohort columns), candidates (id, geom, optional capacity) and facilities (id, category, geom, capacity; NULL = none) read once, one bounded search per facility and candidate; per pick its rank, marginal gain, the objective after it (covered people, person-metres, remaining gap in places), the target group covered within the cut-off and in total, the candidate''s geometry as given (EWKB)';

CREATE FUNCTION cp.suggest_sites(network text, residents_sql text, candidates_sql text, category text, n integer,
                                 facilities_sql text DEFAULT NULL, objective text DEFAULT 'coverage',
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                                 unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                                 capacity float8 DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                                 max_walk float8 DEFAULT NULL)
RETURNS TABLE (rank integer, candidate_id bigint, gain float8, objective_value float8,
               covered_population float8, covered_share float8, target_group text, estimated boolean,
               geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  cat text := category;
  obj text := objective;
  rate float8 := per_1000;
  st record;
  speed float8 := 1;       -- bounded-metric metres per unit of the result (1 for metres)
  penalty float8;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR candidates_sql IS NULL OR cat IS NULL OR n IS NULL
     OR obj IS NULL OR standard IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  IF obj NOT IN ('coverage', 'capacity_gap', 'p_median') THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown objective "%s"'), obj), ERRCODE = '22023',
      HINT = cp._t('Use ''coverage'', ''capacity_gap'' or ''p_median''.');
  END IF;
  PERFORM cp.check_standard(standard);
  SELECT * INTO st FROM cp._supply_settings(standard, cat, unit, profile, population_shares);
  IF cp._unit_is_time(unit) THEN
    speed := st.cutoff / st.minutes;
  END IF;
  IF max_walk IS NOT NULL THEN
    IF obj <> 'p_median' THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('max_walk applies to objective p_median only'), ERRCODE = '22023';
    END IF;
    IF NOT (max_walk > 0 AND max_walk < 'Infinity') THEN
      RAISE EXCEPTION USING MESSAGE = cp._t('max_walk must be a finite number above zero'), ERRCODE = '22023';
    END IF;
    penalty := max_walk * speed;
  END IF;
  IF obj = 'capacity_gap' AND rate IS NULL THEN
    SELECT min(c.per_1000) INTO rate FROM cp.facility_categories c WHERE c.standard = suggest_sites.standard AND c.code = cat;
    IF rate IS NULL THEN
      RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('standard set "%s" gives no per-1000-resident figure for "%s"'), standard, cat),
        ERRCODE = '22004', HINT = cp._t('Pass the places per 1000 residents as per_1000 => ..., with its source.');
    END IF;
  END IF;
  RETURN QUERY
    SELECT e.rank, e.candidate_id,
           CASE WHEN obj = 'p_median' THEN e.gain / speed ELSE e.gain END,
           CASE WHEN obj = 'p_median' THEN e.value / speed ELSE e.value END,
           e.covered, e.covered / nullif(e.target, 0), st.target_group, e.estimated, e.geom::geometry
      FROM cp._suggest_sites_run(network, cp._coverage_query(residents_sql), cp._coverage_query(candidates_sql),
                                 cp._coverage_query(facilities_sql), cat, n, obj, st.cutoff, cp._unit_is_time(unit),
                                 st.group_column, st.share, cp._known_categories(),
                                 (SELECT coalesce(pg_catalog.array_agg(DISTINCT c.code), '{}') FROM cp.facility_categories c
                                   WHERE c.standard = suggest_sites.standard AND c.code <> cat),
                                 coalesce(st.min_floor_m2, 0), coalesce(st.min_site_m2, 0), rate, capacity, penalty, 250) e
     ORDER BY e.rank;
END
$$;
COMMENT ON FUNCTION cp.suggest_sites(text, text, text, text, integer, text, text, text, text, text, text, float8, float8, float8) IS
  'Site suggestions (docs/sites.md): n of the candidate sites (candidates_sql: id, geom, optional capacity) that best serve a category''s target group (the residents query''s age-cohort column, else population × its share in population_shares: estimated), given the existing facilities of the category (facilities_sql: id, category, geom, capacity for capacity_gap; NULL = none), on foot within the category''s cut-off (unit m) or walking time at its users'' pace (unit min). objective ''coverage'': people of the group newly within the cut-off; ''capacity_gap'': the 2SFCA gap closed, gap = sum of max(0, demand - accessible places) with demand = people × per_1000 / 1000 (per_1000 from the set or given; capacity = places of candidates without a capacity column); ''p_median'': reduction of the group''s total walk to the nearest facility, people beyond reach counted at max_walk (default the cut-off; metres or minutes). Greedy with lazy evaluation (CELF) over one bounded search per candidate; one row per pick in order: rank, marginal gain, objective_value after the pick (people covered; total walk in person-metres or person-minutes; remaining gap in places), the group covered within the cut-off and its share, the candidate''s geometry. Ties: lowest id. Errors: n below 1 or above the candidates 22023, unknown objective 22023, duplicate ids 23505, missing column 42703, unknown network or set 42704, no per_1000 22004, candidate without capacity 23502';
