
-- Life-circle coverage (issue 5) -------------------------------------------------
-- Population-weighted facility coverage along the walking network against the
-- radii of a standard set, the same figure as the crow flies, the complete
-- life-circle share, and a two-step floating catchment supply/demand gap.
-- One cp.nearest search per category serves every resident.

-- A caller's query made fit to be a subquery (trailing semicolons dropped).
CREATE FUNCTION cp._coverage_query(query text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT regexp_replace(query, '[;[:space:]]+$', '') $$;
COMMENT ON FUNCTION cp._coverage_query(text) IS 'Internal: a caller''s query without trailing semicolons, to be wrapped as a subquery';

-- Metric SRID of a network; the engine's error for an unknown one.
CREATE FUNCTION cp._coverage_srid(network text) RETURNS int
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  s int;
BEGIN
  SELECT n.srid INTO s FROM cp.networks n WHERE n.name = network;
  IF s IS NULL THEN
    RAISE EXCEPTION 'network "%" does not exist', network
      USING ERRCODE = '42704', HINT = 'cp.networks lists the built networks; build one with cp.network_build().';
  END IF;
  RETURN s;
END
$$;
COMMENT ON FUNCTION cp._coverage_srid(text) IS 'Internal: the metric SRID of a network; 42704 when it does not exist';

-- Checks a residents query: columns id, geom, population; unique ids; population finite and >= 0.
CREATE FUNCTION cp._coverage_check_residents(residents_sql text) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  n bigint; nd bigint; bad bigint;
BEGIN
  BEGIN
    EXECUTE pg_catalog.format('SELECT count(*), count(DISTINCT id), count(*) FILTER (WHERE NOT (population::float8 >= 0 AND population::float8 < ''Infinity''))
                      FROM (SELECT id, geom, population FROM (%s) r) r', cp._coverage_query(residents_sql))
      INTO n, nd, bad;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'residents query must return columns id, geom and population'
      USING ERRCODE = '42703', DETAIL = SQLERRM,
            HINT = 'population may be estimated: cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 1))).';
  END;
  IF n <> nd THEN
    RAISE EXCEPTION 'residents query returns % duplicate ids', n - nd
      USING ERRCODE = '23505', HINT = 'Every resident unit (building, grid cell) needs its own id.';
  END IF;
  IF bad > 0 THEN
    RAISE EXCEPTION 'population must be a finite number, zero or more'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('%s residents have a negative, NaN or infinite population.', bad),
            HINT = 'NULL population counts as 0.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._coverage_check_residents(text) IS
  'Internal: raises 42703 when the residents query lacks id, geom or population, 23505 for duplicate ids, 22023 for a negative or non-finite population';

-- Categories outside the standard's list: a NOTICE for codes some set or the OSM
-- mapping knows (ignored), an error for codes nothing knows (a typo).
CREATE FUNCTION cp._coverage_check_facilities(facilities_sql text, codes text[], need_capacity boolean) RETURNS void
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  outside text;
  unknown text;
BEGIN
  -- outside the list but a code some set or the OSM mapping uses (hospital under GB 50180-2018):
  -- ignored with a NOTICE; a code nothing knows (a typo): an error naming it
  BEGIN
    EXECUTE pg_catalog.format('SELECT pg_catalog.string_agg(pg_catalog.format(''%%s (%%s)'', c, n), '', '' ORDER BY c) FILTER (WHERE known),
                           pg_catalog.string_agg(pg_catalog.format(''"%%s" (%%s)'', c, n), '', '' ORDER BY c) FILTER (WHERE NOT known)
                      FROM (SELECT u.c, u.n,
                                   EXISTS (SELECT 1 FROM cp.facility_categories k WHERE k.code = u.c)
                                   OR EXISTS (SELECT 1 FROM cp.osm_category_map m WHERE m.category = u.c) AS known
                              FROM (SELECT f.category::text AS c, count(*) AS n
                                      FROM (SELECT id, geom, category%s FROM (%s) f) f
                                     WHERE f.category IS NOT NULL AND NOT (f.category::text = ANY ($1))
                                     GROUP BY 1) u) v',
                   CASE WHEN need_capacity THEN ', capacity' ELSE '' END, cp._coverage_query(facilities_sql))
      INTO outside, unknown USING codes;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'facilities query must return columns id, category and geom%',
                    CASE WHEN need_capacity THEN ' and capacity' ELSE '' END
      USING ERRCODE = '42703', DETAIL = SQLERRM,
            HINT = 'Map OSM features to categories with cp.osm_category(tags).';
  END;
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'unknown facility category: %', unknown
      USING ERRCODE = '22023',
            DETAIL = 'No standard set and no OSM mapping row uses it (facilities per category in brackets).',
            HINT = 'The categories of this set are: ' || array_to_string(codes, ', ')
                   || '. A category of your own needs a row in cp.facility_categories (a set of your own, see cp.copy_standard).';
  END IF;
  IF outside IS NOT NULL THEN
    RAISE NOTICE 'facility categories not in the standard are ignored: %', outside
      USING HINT = 'Categories asked for: ' || array_to_string(codes, ', ') || '.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._coverage_check_facilities(text, text[], boolean) IS
  'Internal: raises 42703 when the facilities query lacks id, category, geom (or capacity), 22023 naming a category no set and no OSM mapping row knows (a typo); NOTICE naming known categories outside the list, which are ignored';

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

-- The engine room (src/coverage.c): residents read and snapped once, one bounded
-- search per category, the crow-fly check on a grid of the radius, residents put
-- into communities by GEOS. Per resident row and category, or population sums per
-- community (or the whole area) and category.
CREATE FUNCTION cp._coverage_eval(network text, residents_sql text, facilities_sql text,
                                  codes text[], radii float8[], by_time boolean, max_snap_m float8,
                                  per text, communities_sql text,
                                  OUT resident_id bigint, OUT community_id bigint, OUT category text,
                                  OUT population float8, OUT facility_id bigint, OUT distance_m float8,
                                  OUT crowfly_m float8, OUT covered float8, OUT crowfly_covered float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'cp_coverage_eval_sql'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION cp._coverage_eval(text, text, text, text[], float8[], boolean, float8, text, text) IS
  'Internal: nearest facility on foot (one search per category) and crow-fly within the radius per resident (id, geom, population) and category (per = resident), or population sums per community (id, geom query; per = community) or for the whole area (per = area) and category, category NULL = every category at once';

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
  PERFORM cp._coverage_srid(network);
  PERFORM cp._coverage_check_residents(residents_sql);
  PERFORM cp._coverage_check_facilities(facilities_sql, codes, false);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    SELECT a.resident_id, a.category, a.facility_id, a.distance_m, r.radius,
           a.distance_m IS NOT NULL, a.crowfly_m IS NOT NULL
      FROM cp._coverage_eval(network,
                             pg_catalog.format('SELECT id, geom, population FROM (%s) r', cp._coverage_query(residents_sql)),
                             cp._coverage_query(facilities_sql), codes, radii, false, 250, 'resident', NULL) a
      JOIN unnest(codes, radii) AS r (code, radius) ON r.code = a.category
     ORDER BY a.resident_id, a.category;
END
$$;
COMMENT ON FUNCTION cp.access(text, text, text, text, text) IS
  'Per resident unit (id, geom, population query) and facility category of a standard set: the nearest facility (id, category, geom query) on foot within the category''s radius, its walking distance, and whether it is covered on foot and as the crow flies. Errors: unknown network or set 42704, missing column 42703, unknown profile 22023';

-- Communities query checked and wrapped; NULL = the whole area.
CREATE FUNCTION cp._coverage_communities(communities_sql text) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  n bigint; nd bigint;
BEGIN
  IF communities_sql IS NULL THEN
    RETURN 'SELECT NULL::bigint AS id, NULL::geometry AS geom';
  END IF;
  BEGIN
    EXECUTE pg_catalog.format('SELECT count(*), count(DISTINCT id) FROM (SELECT id::bigint, cp._geometry_ewkb(geom)::geometry FROM (%s) c) c',
                   cp._coverage_query(communities_sql)) INTO n, nd;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'communities query must return columns id and geom'
      USING ERRCODE = '42703', DETAIL = SQLERRM;
  END;
  IF n <> nd THEN
    RAISE EXCEPTION 'communities query returns % duplicate ids', n - nd USING ERRCODE = '23505';
  END IF;
  RETURN pg_catalog.format('SELECT id::bigint AS id, cp._geometry_ewkb(geom)::geometry AS geom FROM (%s) c', cp._coverage_query(communities_sql));
END
$$;
COMMENT ON FUNCTION cp._coverage_communities(text) IS
  'Internal: the communities query checked (id, geom; unique ids) and wrapped; a single whole-area row for NULL';

-- The rows of a checked communities query (cp._coverage_communities).
CREATE FUNCTION cp._coverage_rows(communities_sql text) RETURNS TABLE (id bigint, geom geometry)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY EXECUTE communities_sql;
END
$$;
COMMENT ON FUNCTION cp._coverage_rows(text) IS 'Internal: the rows (id, geom) of a communities query wrapped by cp._coverage_communities';

-- SQL of the CTEs that put residents (CTE pts: id, g point in the network SRID) into
-- communities (CTE com: k, id, geom, g): a hash join on grid cells of about one community's
-- size, then ST_Intersects; the single whole-area row (id and geom NULL) takes everyone.
CREATE FUNCTION cp._coverage_members_cte() RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $f$ SELECT $t$
    cs AS (SELECT greatest(sqrt(avg(ST_Area(ST_Envelope(com.g)))), 1.0) AS s FROM com WHERE com.g IS NOT NULL),
    com_cells AS (
      SELECT com.k, com.g, ix, iy
        FROM com CROSS JOIN cs,
             generate_series(floor(ST_XMin(com.g) / cs.s)::int, floor(ST_XMax(com.g) / cs.s)::int) ix,
             generate_series(floor(ST_YMin(com.g) / cs.s)::int, floor(ST_YMax(com.g) / cs.s)::int) iy
       WHERE com.g IS NOT NULL AND NOT ST_IsEmpty(com.g)),
    memb AS MATERIALIZED (
      SELECT cc.k, p.id AS rid
        FROM pts p CROSS JOIN cs
        JOIN com_cells cc ON cc.ix = floor(ST_X(p.g) / cs.s)::int AND cc.iy = floor(ST_Y(p.g) / cs.s)::int
       WHERE ST_Intersects(cc.g, p.g)
      UNION ALL
      SELECT com.k, p.id FROM com CROSS JOIN pts p WHERE com.g IS NULL AND com.id IS NULL)$t$ $f$;
COMMENT ON FUNCTION cp._coverage_members_cte() IS
  'Internal: SQL of the CTEs assigning residents to communities by a grid-cell hash join and ST_Intersects';

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
  cq text;
  srid int;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code), pg_catalog.array_agg(c.radius_m ORDER BY c.code)
    INTO codes, radii FROM cp._coverage_categories(standard) c;
  srid := cp._coverage_srid(network);
  PERFORM cp._coverage_check_residents(residents_sql);
  PERFORM cp._coverage_check_facilities(facilities_sql, codes, false);
  cq := cp._coverage_communities(communities_sql);
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    WITH com AS (SELECT c.id, c.geom FROM cp._coverage_rows(cq) c),
    a AS (SELECT * FROM cp._coverage_eval(network,
                                          pg_catalog.format('SELECT id, geom, population FROM (%s) r', cp._coverage_query(residents_sql)),
                                          cp._coverage_query(facilities_sql), codes, radii, false, 250,
                                          CASE WHEN communities_sql IS NULL THEN 'area' ELSE 'community' END, cq) e
           WHERE e.category IS NOT NULL)
    SELECT com.id, r.code, coalesce(a.population, 0), coalesce(a.covered, 0),
           a.covered / nullif(a.population, 0), a.crowfly_covered / nullif(a.population, 0), com.geom
      FROM com CROSS JOIN unnest(codes) AS r (code)
      LEFT JOIN a ON a.community_id IS NOT DISTINCT FROM com.id AND a.category = r.code
     ORDER BY com.id, r.code;
END
$$;
COMMENT ON FUNCTION cp.coverage(text, text, text, text, text, text) IS
  'Population-weighted coverage per community (id, geom polygon query; NULL = whole area) and category of a standard set: population, population with the category within its walking radius, ratio on foot and as the crow flies (NULL for a community without residents), community polygon';

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
  req_codes text[];
  req_radii float8[];
  skipped text;
  cq text;
  srid int;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR standard IS NULL
     OR lvl IS NULL OR profile IS NULL THEN
    RETURN;
  END IF;
  -- every required row (code, level) with its radius; a code required at several levels
  -- must be met at the tightest radius, so each code is searched to its smallest
  SELECT pg_catalog.array_agg(q.code ORDER BY q.code, q.effective_radius_m), pg_catalog.array_agg(q.effective_radius_m ORDER BY q.code, q.effective_radius_m),
         pg_catalog.string_agg(q.code || ' (' || q.from_level || ')', ', ') FILTER (WHERE q.effective_radius_m IS NULL)
    INTO req_codes, req_radii, skipped
    FROM cp.life_circle_requirements(standard, lvl) q;
  IF skipped IS NOT NULL THEN
    RAISE NOTICE 'required categories without a walking radius are not checked: %', skipped
      USING HINT = 'Give them a radius_m in your own copy of the set.';
  END IF;
  SELECT pg_catalog.array_agg(x.code ORDER BY x.code), pg_catalog.array_agg(x.radius ORDER BY x.code) INTO codes, radii
    FROM (SELECT q.code, min(q.radius) AS radius FROM unnest(req_codes, req_radii) AS q (code, radius)
           WHERE q.radius IS NOT NULL GROUP BY q.code) x;
  srid := cp._coverage_srid(network);
  PERFORM cp._coverage_check_residents(residents_sql);
  PERFORM cp._coverage_check_facilities(facilities_sql, (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c WHERE c.standard = std), false);
  cq := cp._coverage_communities(communities_sql);
  IF codes IS NULL THEN
    RAISE EXCEPTION 'life circle "%" of standard set "%" has no required category with a walking radius', lvl, standard
      USING ERRCODE = '22023';
  END IF;
  PERFORM cp._profile_speed(profile);
  RETURN QUERY
    WITH com AS (SELECT c.id, c.geom FROM cp._coverage_rows(cq) c),
    a AS MATERIALIZED (SELECT * FROM cp._coverage_eval(network,
                                                       pg_catalog.format('SELECT id, geom, population FROM (%s) r', cp._coverage_query(residents_sql)),
                                                       cp._coverage_query(facilities_sql), codes, radii, false, 250,
                                                       CASE WHEN communities_sql IS NULL THEN 'area' ELSE 'community' END, cq))
    SELECT com.id, lvl, coalesce(t.population, 0), coalesce(t.covered, 0),
           t.covered / nullif(t.population, 0), t.crowfly_covered / nullif(t.population, 0),
           coalesce((SELECT pg_catalog.array_agg(m.category ORDER BY m.population - m.covered DESC, m.category)
                       FROM a m WHERE m.community_id IS NOT DISTINCT FROM com.id AND m.category IS NOT NULL AND m.covered < m.population), '{}'),
           com.geom
      FROM com LEFT JOIN a t ON t.community_id IS NOT DISTINCT FROM com.id AND t.category IS NULL
     ORDER BY com.id;
END
$$;
COMMENT ON FUNCTION cp.life_circle(text, text, text, text, text, text, text) IS
  'Share of residents per community (NULL = whole area) who reach every required category of a life-circle level and of every lower level within its radius, on foot and as the crow flies, and the missing categories ordered by the population missing them. Errors: unknown set 42704, unknown level 22023, missing column 42703';

