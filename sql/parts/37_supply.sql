-- Supply against demand (issue 5; kernel issue 14) -------------------------------
-- Two-step floating catchment: capacity-bound categories (places, beds, floor
-- space) shared among the residents who reach them on foot.

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
