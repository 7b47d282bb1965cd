
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
  skipped text;
BEGIN
  PERFORM cp.check_standard(std);
  SELECT pg_catalog.string_agg(DISTINCT v.code, ', ') INTO skipped
    FROM cp.facility_categories v
   WHERE v.standard = std
     AND NOT EXISTS (SELECT 1 FROM cp.life_circle_categories w
                      WHERE w.standard = std AND w.code = v.code AND w.effective_radius_m IS NOT NULL);
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  RETURN QUERY
    SELECT DISTINCT ON (v.code) v.code, v.effective_radius_m
      FROM cp.life_circle_categories v
     WHERE v.standard = std AND v.life_circle = v.from_level AND v.effective_radius_m IS NOT NULL
     ORDER BY v.code, cp.life_circle_rank(v.from_level), v.effective_radius_m;
END
$$;
COMMENT ON FUNCTION cp._coverage_categories(text) IS
  'Internal: every category of a standard set with the effective radius of its lowest level; categories without any radius are left out with a NOTICE';

-- The engine room (src/coverage.c): facilities, residents and communities read
-- once each, one bounded search per category, the crow-fly check on a grid of
-- the radius, residents put into communities by the one membership rule. Per
-- resident row and category, or population sums per community (or the whole
-- area: communities_sql NULL) and category, with category NULL for every
-- category at once. known: every category code a set or the OSM mapping uses;
-- quiet: categories expected in the facilities but not analysed (no NOTICE).
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

CREATE FUNCTION cp.access(network text, residents_sql text, facilities_sql text,
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

CREATE FUNCTION cp.coverage(network text, residents_sql text, facilities_sql text, communities_sql text DEFAULT NULL,
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

-- life_circle is both an argument and a result column (INOUT); community_id
-- comes first among the result columns, so it is declared first.
CREATE FUNCTION cp.life_circle(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
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
