
-- Life-circle coverage (issue 5; one kernel since issue 14) ----------------------
-- Population-weighted facility coverage along the walking network against the
-- radii of a standard set, the same figure as the crow flies, the complete
-- life-circle share. C does the work (src/coverage.c): each caller query is run
-- once, every check of it is made while reading (src/units.c), residents go
-- into communities by the one membership rule (src/communities.c: the lowest id
-- containing the unit's point). SQL resolves the standard's settings and
-- returns rows.

-- A caller's query made fit to be a subquery (trailing semicolons dropped).
CREATE FUNCTION cp._coverage_query(query text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT regexp_replace(query, '[;[:space:]]+$', '') $$;
COMMENT ON FUNCTION cp._coverage_query(text) IS 'Internal: a caller''s query without trailing semicolons, to be wrapped as a subquery';


-- The NOTICE naming categories without a walking radius (not checked): each
-- code once per client statement, however many analyses it runs
-- (cp.compute_indicators); labels: what to print for each code (the code, or
-- "code (level)" with required, for cp.life_circle's required categories).
CREATE FUNCTION cp._notice_no_radius(codes text[], labels text[], required boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  fresh text[];
  said text;
BEGIN
  IF codes IS NULL OR pg_catalog.cardinality(codes) = 0 THEN
    RETURN;
  END IF;
  fresh := cp._first_in_statement('no_radius', ARRAY(SELECT DISTINCT c FROM unnest(codes) c ORDER BY c));
  SELECT pg_catalog.string_agg(u.label, ', ' ORDER BY u.n) INTO said
    FROM unnest(codes, labels) WITH ORDINALITY AS u (code, label, n) WHERE u.code = ANY (fresh);
  IF said IS NULL THEN
    RETURN;
  END IF;
  IF required THEN
    RAISE NOTICE USING MESSAGE = pg_catalog.format(cp._t('required categories without a walking radius are not checked: %s'), said),
      HINT = cp._t('Give them a radius_m in your own copy of the set.');
  ELSE
    RAISE NOTICE USING MESSAGE = pg_catalog.format(cp._t('categories without a walking radius are not checked: %s'), said),
      HINT = cp._t('Give them a radius_m in your own copy of the set.');
  END IF;
END
$$;
COMMENT ON FUNCTION cp._notice_no_radius(text[], text[], boolean) IS
  'Internal: the NOTICE that names the categories of a standard set left unchecked for lack of a walking radius, each code once per client statement';

-- The categories of a standard with one radius each: the effective radius of the
-- category's lowest level (the facility nearest to home). No radius: left out.
CREATE FUNCTION cp._coverage_categories(standard text, OUT code text, OUT radius_m float8)
RETURNS SETOF record
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  std text := standard;
  skipped text[];
BEGIN
  PERFORM cp.check_standard(std);
  SELECT pg_catalog.array_agg(DISTINCT v.code) INTO skipped
    FROM cp.facility_categories v
   WHERE v.standard = std
     AND NOT EXISTS (SELECT 1 FROM cp.life_circle_categories w
                      WHERE w.standard = std AND w.code = v.code AND w.effective_radius_m IS NOT NULL);
  PERFORM cp._notice_no_radius(skipped, skipped);
  RETURN QUERY
    SELECT DISTINCT ON (v.code) v.code, v.effective_radius_m
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = v.from_level AND v.effective_radius_m IS NOT NULL
     ORDER BY v.code, cp.life_circle_rank(v.from_level), v.effective_radius_m;
END
$$;
COMMENT ON FUNCTION cp._coverage_categories(text) IS
  'Internal: every category of a standard set with the effective radius of its lowest level; categories without any radius are left out with a NOTICE (once per statement)';

-- The engine room (src/coverage.c): facilities, residents and communities read
-- once each, one bounded search per category, the crow-fly check on a grid of
-- the cut-off, residents put into communities by the one membership rule. Per
-- resident row and category, or population sums per community (or the whole
-- area: communities_sql NULL) and category, with category NULL for every
-- category at once. known: every category code a set or the OSM mapping uses;
-- quiet: categories expected in the facilities but not analysed (no NOTICE).
-- Per category: the cut-off (metres, or with by_time slope-weighted metres =
-- minutes × the profile's metres per minute), the residents column of its
-- target group and the group's share where that column is absent or NULL, the
-- minimum floor and site area (0 = none). population: the target group's.
CREATE FUNCTION cp._coverage_run(network text, residents_sql text, facilities_sql text,
                                 codes text[], radii float8[], by_time boolean, max_snap_m float8,
                                 per text, communities_sql text, known text[], quiet text[],
                                 group_columns text[], shares float8[], min_floor_m2 float8[], min_site_m2 float8[],
                                 OUT resident_id bigint, OUT community_id bigint, OUT category text,
                                 OUT population float8, OUT facility_id bigint, OUT distance_m float8,
                                 OUT crowfly_m float8, OUT covered float8, OUT crowfly_covered float8,
                                 OUT geom bytea, OUT estimated boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_coverage_groups_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._coverage_run(text, text, text, text[], float8[], boolean, float8, text, text, text[], text[], text[], float8[], float8[], float8[]) IS
  'Internal: nearest facility on foot (one search per category) and crow-fly within the cut-off per resident (id, geom, population, age cohort columns) and category (per = resident), or sums of each category''s target group per community (id, geom query; NULL = the whole area) and category (per = community), category NULL = every category at once (everyone); each query read once; geom = the community as given (EWKB); estimated = a target group came from its share';

-- The per-category settings of one analysis: each category at its lowest level
-- (the facility nearest to home) with a cut-off; categories without one are
-- named in a NOTICE.
CREATE FUNCTION cp._coverage_settings(standard text, unit text, profile text, population_shares text,
                                      OUT codes text[], OUT cutoffs float8[], OUT group_columns text[],
                                      OUT shares float8[], OUT min_floor float8[], OUT min_site float8[],
                                      OUT target_groups text[], OUT unchecked text[])
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
AS $$
BEGIN
  WITH r AS MATERIALIZED (SELECT * FROM cp._category_reach(standard, unit, profile, population_shares))
  SELECT (SELECT coalesce(pg_catalog.array_agg(DISTINCT x.code), '{}') FROM r x
           WHERE NOT EXISTS (SELECT 1 FROM r y WHERE y.code = x.code AND y.cutoff IS NOT NULL)),
         pg_catalog.array_agg(b.code ORDER BY b.code), pg_catalog.array_agg(b.cutoff ORDER BY b.code),
         pg_catalog.array_agg(b.group_column ORDER BY b.code), pg_catalog.array_agg(b.share ORDER BY b.code),
         pg_catalog.array_agg(b.min_floor_m2 ORDER BY b.code), pg_catalog.array_agg(b.min_site_m2 ORDER BY b.code),
         pg_catalog.array_agg(b.target_group ORDER BY b.code)
    INTO unchecked, codes, cutoffs, group_columns, shares, min_floor, min_site, target_groups
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL
           ORDER BY r.code, cp.life_circle_rank(r.from_level), r.cutoff) b;
  PERFORM cp._notice_no_radius(unchecked, unchecked);
END
$$;
COMMENT ON FUNCTION cp._coverage_settings(text, text, text, text) IS
  'Internal: the categories of a standard set each at its lowest level with a cut-off, as parallel arrays for cp._coverage_run (cut-off, target-group column and share, minimum sizes, target group); unchecked: the set''s categories without one, named in a NOTICE (once per statement) and passed as quiet (their facilities are expected, not "not in the standard")';

CREATE FUNCTION cp.access(network text, residents_sql text, facilities_sql text,
                          standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                          unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (resident_id bigint, category text, facility_id bigint, distance_m float8, radius_m float8,
               covered boolean, crowfly_covered boolean, target_group text, population float8, estimated boolean)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  s record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO s FROM cp._coverage_settings(standard, unit, profile, population_shares);
  RETURN QUERY
    SELECT a.resident_id, a.category, a.facility_id, a.distance_m, r.cutoff,
           a.distance_m IS NOT NULL, a.crowfly_m IS NOT NULL, r.grp, a.population, a.estimated
      FROM cp._coverage_run(network, residents_sql, facilities_sql, s.codes, s.cutoffs, cp._unit_is_time(unit), 250,
                            'resident', NULL, cp._known_categories(), s.unchecked, s.group_columns, s.shares,
                            s.min_floor, s.min_site) a
      JOIN unnest(s.codes, s.cutoffs, s.target_groups) AS r (code, cutoff, grp) ON r.code = a.category
     ORDER BY a.resident_id, a.category;
END
$$;
COMMENT ON FUNCTION cp.access(text, text, text, text, text, text, text) IS
  'Per resident unit (id, geom, population and optional age-cohort columns) and facility category of a standard set: the nearest facility (id, category, geom, optional floor_area/site_area) on foot within the category''s radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own), its walking distance in metres, the cut-off (radius_m: metres; with unit min the flat-ground metres of the time), whether it is covered on foot and as the crow flies, the target group and its people in the unit (estimated from population_shares when the query has no cohort column). Errors: unknown network, set or share set 42704, missing column 42703, duplicate id 23505, unknown category, profile or unit 22023';

CREATE FUNCTION cp.coverage(network text, residents_sql text, facilities_sql text, communities_sql text DEFAULT NULL,
                            standard text DEFAULT 'GB50180-2018', profile text DEFAULT NULL,
                            unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020')
RETURNS TABLE (community_id bigint, category text, target_group text, population float8, covered_population float8,
               ratio float8, crowfly_ratio float8, estimated boolean, geom geometry)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  s record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR unit IS NULL
     OR population_shares IS NULL THEN
    RETURN;
  END IF;
  SELECT * INTO s FROM cp._coverage_settings(standard, unit, profile, population_shares);
  RETURN QUERY
    SELECT e.community_id, e.category, r.grp, e.population, e.covered, e.covered / nullif(e.population, 0),
           e.crowfly_covered / nullif(e.population, 0), e.estimated, e.geom::geometry
      FROM cp._coverage_run(network, residents_sql, facilities_sql, s.codes, s.cutoffs, cp._unit_is_time(unit), 250,
                            'community', communities_sql, cp._known_categories(), s.unchecked, s.group_columns, s.shares,
                            s.min_floor, s.min_site) e
      JOIN unnest(s.codes, s.target_groups) AS r (code, grp) ON r.code = e.category
     ORDER BY e.community_id, e.category;
END
$$;
COMMENT ON FUNCTION cp.coverage(text, text, text, text, text, text, text, text) IS
  'Coverage per community (id, geom polygon query; NULL = whole area) and category of a standard set, weighted by the category''s target group (cp.facility_categories.target_group: the residents query''s age-cohort column, else population × the group''s share in population_shares, estimated = true): the group''s people, those with the category within its walking radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own, e.g. elderly for elderly care), ratio on foot and as the crow flies (NULL without people), community polygon. Facilities below their category''s minimum size (floor_area, site_area columns) are not counted. A resident belongs to the community containing its point (lowest id where communities overlap; docs/coverage.md). Each query runs once';

-- life_circle is both an argument and a result column (INOUT); community_id
-- comes first among the result columns, so it is declared first.
CREATE FUNCTION cp.life_circle(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                               communities_sql text DEFAULT NULL, standard text DEFAULT 'GB50180-2018',
                               INOUT life_circle text DEFAULT '15min', profile text DEFAULT NULL,
                               unit text DEFAULT 'm', population_shares text DEFAULT 'CN-2020',
                               OUT population float8, OUT covered_population float8, OUT ratio float8,
                               OUT crowfly_ratio float8, OUT missing_categories text[], OUT missing_categories_zh text[],
                               OUT geom geometry)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
#variable_conflict use_column
DECLARE
  lvl text := life_circle;
  std text := standard;
  codes text[];
  cutoffs float8[];
  cols text[];
  shares float8[];
  minf float8[];
  mins float8[];
  skipped text[];
  skipped_levels text[];
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL
     OR lvl IS NULL OR unit IS NULL OR population_shares IS NULL THEN
    RETURN;
  END IF;
  PERFORM cp.life_circle_requirements(std, lvl);   -- unknown level: its errors
  -- every required row (code, level) of the level and the levels below; a code
  -- required at several levels must be met at the tightest cut-off
  WITH r AS MATERIALIZED (
    SELECT * FROM cp._category_reach(std, unit, profile, population_shares) r
     WHERE r.required AND cp.life_circle_rank(r.from_level) <= cp.life_circle_rank(lvl))
  SELECT pg_catalog.array_agg(b.code ORDER BY b.code), pg_catalog.array_agg(b.cutoff ORDER BY b.code),
         pg_catalog.array_agg(b.group_column ORDER BY b.code), pg_catalog.array_agg(b.share ORDER BY b.code),
         pg_catalog.array_agg(b.min_floor_m2 ORDER BY b.code), pg_catalog.array_agg(b.min_site_m2 ORDER BY b.code),
         (SELECT pg_catalog.array_agg(x.code ORDER BY x.code) FROM r x WHERE x.cutoff IS NULL),
         (SELECT pg_catalog.array_agg(x.code || ' (' || x.from_level || ')' ORDER BY x.code) FROM r x WHERE x.cutoff IS NULL)
    INTO codes, cutoffs, cols, shares, minf, mins, skipped, skipped_levels
    FROM (SELECT DISTINCT ON (r.code) r.* FROM r WHERE r.cutoff IS NOT NULL ORDER BY r.code, r.cutoff) b;
  PERFORM cp._notice_no_radius(skipped, skipped_levels, true);
  IF codes IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = pg_catalog.format(cp._t('life circle "%s" of standard set "%s" has no required category with a walking radius'), lvl, standard);
  END IF;
  RETURN QUERY
    WITH a AS MATERIALIZED (
      SELECT * FROM cp._coverage_run(network, residents_sql, facilities_sql, codes, cutoffs, cp._unit_is_time(unit),
                                     250, 'community', communities_sql, cp._known_categories(),
                                     (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                       WHERE c.standard = std), cols, shares, minf, mins))
    SELECT t.community_id, lvl, t.population, t.covered, t.covered / nullif(t.population, 0),
           t.crowfly_covered / nullif(t.population, 0),
           x.missing, cp.category_names(x.missing), t.geom::geometry
      FROM a t,
           LATERAL (SELECT coalesce(pg_catalog.array_agg(m.category ORDER BY m.population - m.covered DESC, m.category), '{}')
                      FROM a m WHERE m.community_id IS NOT DISTINCT FROM t.community_id AND m.category IS NOT NULL
                       AND m.covered < m.population) x (missing)
     WHERE t.category IS NULL
     ORDER BY t.community_id;
END
$$;
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius (unit m) or walking time at its users'' pace (unit min; profile NULL = each category''s own), on foot and as the crow flies, and the missing categories ordered by the people of their target group missing them (missing_categories_zh: their Chinese names, cp.category_name, in the same order). Each query runs once. Errors: unknown set 42704, unknown level, profile or unit 22023, missing column 42703';
