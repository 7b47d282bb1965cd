
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
    RAISE EXCEPTION 'standard set "%" has no category "%" with a walking radius', standard, category
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s has: %s.', standard, (SELECT pg_catalog.string_agg(DISTINCT c.code, ', ') FROM cp.facility_categories c
                                                           WHERE c.standard = _supply_radius.standard));
  END IF;
  RETURN radius;
END
$$;
COMMENT ON FUNCTION cp._supply_radius(text, text) IS
  'Internal: the effective walking radius of a category at its lowest level in a standard set; 22023 when it has none';

-- Two-step floating catchment per resident: every facility's capacity is shared
-- among the population within its walking radius; a resident unit's supply is its
-- population times the sum of the shares of the facilities within reach (one
-- search with k = all facilities: at most 1000, the engine's limit).
CREATE FUNCTION cp._supply_persons(network text, residents_sql text, facilities_sql text, radius float8,
                                   profile text, srid int)
RETURNS TABLE (id bigint, population float8, supply float8, g geometry)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  nfac bigint;
BEGIN
  EXECUTE pg_catalog.format('SELECT count(*) FROM (%s) f', facilities_sql) INTO nfac;
  IF nfac > 1000 THEN
    RAISE EXCEPTION 'too many facilities of one category for one two-step floating catchment: %', nfac
      USING ERRCODE = '54000', DETAIL = 'One call handles at most 1000 facilities of the category.',
            HINT = 'Split the area into districts (a residents and facilities query per district).';
  END IF;
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH pairs AS MATERIALIZED (
      SELECT n.target_id AS rid, n.origin_id AS fid
        FROM cp.nearest($1, $2, pg_catalog.format('SELECT id, geom FROM (%%s) r', $3), $4 + 0.001, greatest($5, 1)::int, $6) n
       WHERE n.origin_id IS NOT NULL),
    res AS MATERIALIZED (
      SELECT r.id::bigint AS id, coalesce(r.population::float8, 0) AS population,
             cp._surface_point(r.geom, %1$s)::geometry AS g
        FROM (%2$s) r),
    fac AS (SELECT f.id::bigint AS id, coalesce(f.capacity::float8, 0) AS capacity FROM (%3$s) f),
    share AS (  -- capacity per resident in reach of each facility
      SELECT p.fid, fac.capacity / nullif(sum(res.population), 0) AS per_person
        FROM pairs p JOIN res ON res.id = p.rid JOIN fac ON fac.id = p.fid
       GROUP BY p.fid, fac.capacity),
    psup AS (SELECT p.rid, sum(s.per_person) AS per_person FROM pairs p JOIN share s ON s.fid = p.fid GROUP BY p.rid)
    SELECT res.id, res.population, res.population * coalesce(psup.per_person, 0), res.g
      FROM res LEFT JOIN psup ON psup.rid = res.id$q$, srid, residents_sql, facilities_sql)
    USING network, facilities_sql, residents_sql, radius, nfac, profile;
END
$$;
COMMENT ON FUNCTION cp._supply_persons(text, text, text, float8, text, int) IS
  'Internal: two-step floating catchment per resident unit (id, population, accessible supply, point in the network SRID); 54000 above 1000 facilities';

-- category is both an argument and a result column (INOUT), as life_circle above.
CREATE FUNCTION cp.supply_gap(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                              INOUT category text, communities_sql text DEFAULT NULL, per_1000 float8 DEFAULT NULL,
                              standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
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
  cq text;
  srid int;
  fq text;
  rq text;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL THEN
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
  srid := cp._coverage_srid(network);
  PERFORM cp._profile_speed(profile);
  PERFORM cp._coverage_check_residents(residents_sql);
  PERFORM cp._coverage_check_facilities(facilities_sql, (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c WHERE c.standard = supply_gap.standard), true);
  cq := cp._coverage_communities(communities_sql);
  rq := cp._coverage_query(residents_sql);
  fq := pg_catalog.format('SELECT id, geom, capacity FROM (%s) f WHERE category::text = %L', cp._coverage_query(facilities_sql), cat);
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH person AS MATERIALIZED (SELECT * FROM cp._supply_persons($1, $2, $3, $4, $5, %1$s)),
    pts AS MATERIALIZED (SELECT person.id, person.g FROM person),
    com AS MATERIALIZED (SELECT row_number() OVER () AS k, c.id, c.geom,
                                cp._geometry_ewkb(c.geom, %1$s)::geometry AS g
                           FROM (%2$s) c),
    %3$s,
    agg AS (SELECT m.k, sum(p.population) AS population, sum(p.supply) AS supply
              FROM memb m JOIN person p ON p.id = m.rid GROUP BY m.k)
    SELECT com.id, $6, coalesce(agg.population, 0), coalesce(agg.population, 0) * $7 / 1000.0, coalesce(agg.supply, 0),
           greatest(coalesce(agg.population, 0) * $7 / 1000.0 - coalesce(agg.supply, 0), 0),
           greatest(coalesce(agg.population, 0) * $7 / 1000.0 - coalesce(agg.supply, 0), 0)
             / nullif(coalesce(agg.population, 0) * $7 / 1000.0, 0),
           com.geom
      FROM com LEFT JOIN agg ON agg.k = com.k
     ORDER BY com.id$q$, srid, cq, cp._coverage_members_cte())
    USING network, rq, fq, radius, profile, cat, rate;
END
$$;
COMMENT ON FUNCTION cp.supply_gap(text, text, text, text, text, float8, text, text) IS
  'Supply against demand for a capacity-bound category per community (NULL = whole area), by two-step floating catchment over walking distance within the category''s radius: demand = population × per_1000 / 1000 (per_1000 from the set or given), supply = capacity shares reaching the residents, gap = max(0, demand - supply), gap_ratio = gap / demand. Errors: unknown set 42704, category without radius 22023, no per_1000 22004, missing column 42703';

-- The 2SFCA per resident unit: the accessible supply of a capacity-bound category
-- (places, beds) and the same per 1000 residents, for a heat map of who lacks it.
CREATE FUNCTION cp.supply_access(network text, residents_sql text, facilities_sql text, category text,
                                 standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk')
RETURNS TABLE (resident_id bigint, population float8, supply float8, supply_per_1000 float8)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  radius float8;
  srid int;
BEGIN
  PERFORM cp.check_standard(standard);
  radius := cp._supply_radius(standard, category);
  srid := cp._coverage_srid(network);
  PERFORM cp._profile_speed(profile);
  PERFORM cp._coverage_check_residents(residents_sql);
  PERFORM cp._coverage_check_facilities(facilities_sql, (SELECT pg_catalog.array_agg(DISTINCT c.code) FROM cp.facility_categories c
                                                          WHERE c.standard = supply_access.standard), true);
  RETURN QUERY
    SELECT p.id, p.population, p.supply, 1000.0 * p.supply / nullif(p.population, 0)
      FROM cp._supply_persons(network, cp._coverage_query(residents_sql),
                              pg_catalog.format('SELECT id, geom, capacity FROM (%s) f WHERE category::text = %L',
                                     cp._coverage_query(facilities_sql), category),
                              radius, profile, srid) p
     ORDER BY p.id;
END
$$;
COMMENT ON FUNCTION cp.supply_access(text, text, text, text, text, text) IS
  'Two-step floating catchment per resident unit for one capacity-bound category: the capacity (places, beds) within walking reach shared among everyone who reaches it, and the same per 1000 residents (NULL without population); the per-resident view of cp.supply_gap. Errors: unknown set 42704, category without radius 22023, missing column 42703, more than 1000 facilities 54000';

-- Floor space of a category per resident (e.g. cultural activity space, m²/person;
-- plan target 0.8 -> 1.2): inside each community, and within walking reach by the
-- same two-step floating catchment as cp.supply_gap with floor area as capacity.
-- category is both an argument and a result column (INOUT), as cp.supply_gap.
CREATE FUNCTION cp.space_per_resident(OUT community_id bigint, network text, residents_sql text, facilities_sql text,
                                      INOUT category text, communities_sql text DEFAULT NULL,
                                      target_m2_per_resident float8 DEFAULT NULL,
                                      standard text DEFAULT 'GB50180-2018', profile text DEFAULT 'walk',
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
  fq text;
  cq text;
  bad record;
BEGIN
  IF network IS NULL OR residents_sql IS NULL OR facilities_sql IS NULL OR cat IS NULL OR standard IS NULL
     OR profile IS NULL THEN
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
  fq := cp._coverage_query(facilities_sql);
  BEGIN
    EXECUTE pg_catalog.format('SELECT f.id, f.floor_area FROM (%s) f WHERE f.category::text = %L
                       AND NOT (f.floor_area::float8 >= 0 AND f.floor_area::float8 < ''Infinity'') LIMIT 1', fq, cat)
      INTO bad;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'facilities query must return columns id, category, geom and floor_area'
      USING ERRCODE = '42703', DETAIL = SQLERRM,
            HINT = 'floor_area is the facility''s usable floor space in m²; cp.building_floor_area(geom, levels) estimates it from a footprint.';
  END;
  IF bad.id IS NOT NULL THEN
    RAISE EXCEPTION 'floor area must be a finite number of m², zero or more'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('Facility %s has floor area %s.', bad.id, coalesce(bad.floor_area::text, 'NULL'));
  END IF;
  cq := cp._coverage_communities(communities_sql);
  RETURN QUERY
    WITH s AS (
      SELECT * FROM cp.supply_gap(network, residents_sql,
                                  pg_catalog.format('SELECT id, category, geom, floor_area AS capacity FROM (%s) f', fq),
                                  cat, communities_sql, coalesce(tgt, 1) * 1000, standard, profile)),
    inside AS (SELECT * FROM cp._space_inside(fq, cat, cq))
    SELECT s.community_id, cat, s.population, coalesce(i.floor_area, 0),
           coalesce(i.floor_area, 0) / nullif(s.population, 0), s.supply / nullif(s.population, 0), tgt,
           CASE WHEN s.population > 0 THEN greatest(tgt - s.supply / s.population, 0) END, s.geom
      FROM s LEFT JOIN inside i ON i.community_id IS NOT DISTINCT FROM s.community_id
     ORDER BY s.community_id;
END
$$;
COMMENT ON FUNCTION cp.space_per_resident(text, text, text, text, text, float8, text, text) IS
  'Floor space of one facility category per resident and community (NULL = whole area): floor area of the category''s facilities (id, category, geom, floor_area query) inside the community per resident, and the floor area within walking reach per resident by two-step floating catchment within the category''s radius; target from the argument or the set''s per_1000 in m², gap = max(0, target - accessible). Errors: missing column 42703, negative floor area 22023, category without radius 22023';

-- Floor area of a category's facilities per community (point on surface inside
-- the polygon; NULL communities query = the whole area).
CREATE FUNCTION cp._space_inside(facilities_sql text, category text, communities_sql text)
RETURNS TABLE (community_id bigint, floor_area float8)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  RETURN QUERY EXECUTE pg_catalog.format($q$
    SELECT c.id, sum(coalesce(f.floor_area::float8, 0))
      FROM (%s) c
      JOIN (SELECT * FROM (%s) f WHERE f.category::text = %L AND f.geom IS NOT NULL) f
        ON c.geom IS NULL OR ST_Intersects(c.geom, cp._surface_point(f.geom, ST_SRID(c.geom))::geometry)
     GROUP BY c.id$q$, communities_sql, facilities_sql, category);
END
$$;
COMMENT ON FUNCTION cp._space_inside(text, text, text) IS
  'Internal: floor area of one category''s facilities per community (point on surface within the polygon)';
