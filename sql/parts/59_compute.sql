
-- Computed indicators (issue 8; ordinary functions since issue 14) ------------------
-- cp.compute_indicators() fills the computed indicators of cp.indicator_values
-- from the rows of cp.indicator_computations, each of which calls a function.

CREATE TABLE cp.indicator_computations (
  indicator         text PRIMARY KEY REFERENCES cp.indicators (code) ON UPDATE CASCADE ON DELETE CASCADE,
  sql_template      text NOT NULL CHECK (sql_template <> ''),
  scope             text NOT NULL DEFAULT 'community' CHECK (scope IN ('community', 'all')),
  settings_keys     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings_keys) = 'object'),
  settings_defaults jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings_defaults) = 'object'),
  note              text,
  shipped           boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.indicator_computations IS
  'How cp.compute_indicators computes an indicator: a query run once per community (scope community) or once for all communities (scope all) with the settings of the run';
COMMENT ON COLUMN cp.indicator_computations.indicator IS 'Computed indicator (obtained = computed in cp.indicators)';
COMMENT ON COLUMN cp.indicator_computations.sql_template IS
  'scope community: query with $1 community id (text), $2 outline (geometry), $3 period (date), $4 settings (jsonb) returning one row (value numeric, inputs jsonb); scope all: query with $1 communities query (text: id bigint key, geom, community_id text, community_type, population), $3, $4, returning rows (community_id bigint key, value numeric, inputs jsonb). No row or a NULL value: no value';
COMMENT ON COLUMN cp.indicator_computations.scope IS 'community: the query runs once per community; all: once for every community (coverage and parking functions compute all communities in one call)';
COMMENT ON COLUMN cp.indicator_computations.settings_keys IS 'Settings keys the query needs, each with its JSON type (string, number), e.g. {"network": "string"}; absent keys skip the computation (no_settings) unless it is asked for by name';
COMMENT ON COLUMN cp.indicator_computations.settings_defaults IS 'Optional settings keys with their default values; a given value must have the default''s JSON type';
COMMENT ON COLUMN cp.indicator_computations.note IS 'What the query measures';
COMMENT ON COLUMN cp.indicator_computations.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

-- Shipped rows, TRUNCATE and the shipped flag: cp.protect_shipped(), as for every catalogue.
-- This trigger adds the one rule of its own: a computation belongs to a computed indicator.
CREATE FUNCTION cp.check_indicator_computation() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT cp.catalogue_maintenance()
     AND NOT EXISTS (SELECT 1 FROM cp.indicators i WHERE i.code = NEW.indicator AND i.obtained = 'computed')
     AND EXISTS (SELECT 1 FROM cp.indicators i WHERE i.code = NEW.indicator) THEN
    RAISE EXCEPTION 'indicator "%" is not computed', NEW.indicator
      USING ERRCODE = '23514',
            DETAIL = 'Only indicators with obtained = computed get a computation; recorded ones are entered in cp.indicator_values.';
  END IF;   -- unknown indicator: the foreign key reports it
  IF EXISTS (SELECT 1 FROM jsonb_each(NEW.settings_keys) k
              WHERE k.value NOT IN ('"string"', '"number"', '"boolean"', '"array"', '"object"')) THEN
    RAISE EXCEPTION 'settings_keys of indicator "%" must map every key to a JSON type', NEW.indicator
      USING ERRCODE = '23514',
            DETAIL = pg_catalog.format('Given: %s.', NEW.settings_keys),
            HINT = 'Use string, number, boolean, array or object, e.g. {"network": "string"}.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_indicator_computation() IS
  'Trigger: a computation must belong to a computed indicator and name a JSON type for each settings key (23514); shipped rows are guarded by cp.protect_shipped() (55000)';

-- The radius of a category in a standard set, for the coverage computation's inputs;
-- 22023 naming the set's categories when it has none with a radius.
CREATE FUNCTION cp._compute_category_radius(standard text, category text) RETURNS float8
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  r float8;
BEGIN
  PERFORM cp.check_standard(standard);
  SELECT c.radius_m INTO r FROM cp._coverage_categories(standard) c WHERE c.code = category;
  IF r IS NULL THEN
    RAISE EXCEPTION 'standard set "%" has no category "%" with a walking radius', standard, category
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Set %s has: %s.', standard,
                            (SELECT pg_catalog.string_agg(c.code, ', ' ORDER BY c.code) FROM cp._coverage_categories(standard) c)),
            HINT = 'Name another category in the settings.';
  END IF;
  RETURN r;
END
$$;
COMMENT ON FUNCTION cp._compute_category_radius(text, text) IS
  'Internal: the walking radius cp.coverage uses for a category of a standard set; 22023 when the set has no such category with a radius';

-- The shipped computations are ordinary functions; each row's query only calls one.
-- Scope all: (communities_sql text: id bigint key, geom, community_id text,
-- community_type, population; settings jsonb) -> rows (community_id bigint key,
-- value numeric, inputs jsonb). Scope community: (id text, outline geometry).

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
                          communities_sql, settings ->> 'standard', '15min', settings ->> 'profile',
                          coalesce(settings ->> 'unit', 'm'), coalesce(settings ->> 'population_shares', 'CN-2020')) l;
END
$$;
COMMENT ON FUNCTION cp.indicator_life_circle_coverage(text, jsonb) IS
  'Computed indicator life_circle_15min_coverage for every community of a communities query: 100 × share of residents who reach every required category of the 15-minute life circle (cp.life_circle); settings network, residents_sql, facilities_sql, standard, profile, unit, population_shares';

-- Whether each community "has" a category (issue 15): at least reach_share of
-- the category's target group in it reaches one (cp.coverage, the category's
-- own target group, profile and unit). No people of the group: no answer.
CREATE FUNCTION cp._indicator_community_has(communities_sql text, settings jsonb, category text,
                                            OUT community_id bigint, OUT has boolean, OUT inputs jsonb)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := category;
  reach_share float8 := coalesce((settings ->> 'community_reach_share')::float8, 0.5);
BEGIN
  IF NOT (reach_share > 0 AND reach_share <= 1) THEN
    RAISE EXCEPTION 'settings key "community_reach_share" must be above 0 and at most 1'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('The value given is %s.', reach_share),
            HINT = 'A community counts when at least this share of the category''s target group in it reaches one; 0.5 is a majority.';
  END IF;
  RETURN QUERY
    SELECT c.community_id,
           CASE WHEN c.population > 0 THEN c.covered_population >= reach_share * c.population END,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'category', c.category, 'target_group', c.target_group,
                                         'unit', coalesce(settings ->> 'unit', 'm'), 'profile', settings ->> 'profile',
                                         'reach_share', reach_share, 'population', c.population,
                                         'covered_population', c.covered_population, 'resident_share', c.ratio,
                                         'crowfly_ratio', c.crowfly_ratio, 'estimated', c.estimated, 'communities', 1)
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql',
                       pg_catalog.format('SELECT * FROM (%s) f WHERE category::text = %L',
                                         cp._coverage_query(settings ->> 'facilities_sql'), cat),
                       communities_sql, settings ->> 'standard', settings ->> 'profile',
                       coalesce(settings ->> 'unit', 'm'), coalesce(settings ->> 'population_shares', 'CN-2020')) c
     WHERE c.category = cat;
  IF NOT FOUND THEN
    PERFORM cp._compute_category_radius(settings ->> 'standard', cat);   -- names the set's categories
  END IF;
END
$$;
COMMENT ON FUNCTION cp._indicator_community_has(text, jsonb, text) IS
  'Internal: per community whether at least community_reach_share (setting, default 0.5) of the category''s target group reaches one of its facilities (cp.coverage with the settings'' unit, profile and population_shares); NULL without people of the group; inputs record the resident share';

CREATE FUNCTION cp.indicator_elderly_care_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT h.community_id, CASE WHEN h.has THEN 100 WHEN NOT h.has THEN 0 END::numeric, h.inputs
    FROM cp._indicator_community_has(communities_sql, settings, settings ->> 'elderly_care_category') h
$$;
COMMENT ON FUNCTION cp.indicator_elderly_care_coverage(text, jsonb) IS
  'Computed indicator elderly_care_coverage as the plan counts it, a share of communities: 100 for a community where at least community_reach_share (default 0.5) of its residents 60+ reach an elderly-care facility of the category (setting elderly_care_category) within its walking time at the elderly pace (unit min, the category''s profile), else 0; the roll-up''s mean is the share of communities. The share of residents 60+ who reach one is in the inputs (resident_share)';

CREATE FUNCTION cp.indicator_childcare_institution_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT h.community_id, CASE WHEN h.has THEN 100 WHEN NOT h.has THEN 0 END::numeric, h.inputs
    FROM cp._indicator_community_has(communities_sql, settings, settings ->> 'childcare_category') h
$$;
COMMENT ON FUNCTION cp.indicator_childcare_institution_coverage(text, jsonb) IS
  'Computed indicator childcare_institution_coverage, a share of communities: 100 for a community where at least community_reach_share (default 0.5) of its children under 3 reach a childcare institution (setting childcare_category, default nursery) within its walking radius, else 0; the roll-up''s mean is the share of communities with one within reach';

-- Public-service facility coverage per community: the mean over the required
-- categories of a life-circle level of the share of each category's target
-- group that reaches it.
CREATE FUNCTION cp._public_service_coverage(communities_sql text, settings jsonb,
                                            OUT community_id bigint, OUT value float8, OUT population float8,
                                            OUT categories jsonb)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  std text := settings ->> 'standard';
  lvl text := coalesce(settings ->> 'public_service_level', '15min');
  needed text[];
BEGIN
  SELECT pg_catalog.array_agg(r.code) INTO needed
    FROM cp.life_circle_requirements(std, lvl) r WHERE r.effective_radius_m IS NOT NULL;
  RETURN QUERY
    SELECT c.community_id, avg(c.ratio), max(c.population) FILTER (WHERE c.target_group = 'all'),
           pg_catalog.jsonb_object_agg(c.category, pg_catalog.jsonb_build_object('target_group', c.target_group,
                                        'population', c.population, 'ratio', c.ratio, 'estimated', c.estimated))
      FROM cp.coverage(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'facilities_sql',
                       communities_sql, std, settings ->> 'profile', coalesce(settings ->> 'unit', 'm'),
                       coalesce(settings ->> 'population_shares', 'CN-2020')) c
     WHERE c.category = ANY (needed)
     GROUP BY c.community_id;
END
$$;
COMMENT ON FUNCTION cp._public_service_coverage(text, jsonb) IS
  'Internal: per community the mean over the required categories of a life-circle level (setting public_service_level, default 15min) of the share of each category''s target group within its walking radius or time (cp.coverage), with the per-category shares';

CREATE FUNCTION cp.indicator_public_service_coverage(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  SELECT p.community_id, (100 * p.value)::numeric,
         pg_catalog.jsonb_build_object('function', 'cp.coverage', 'level', coalesce(settings ->> 'public_service_level', '15min'),
                                       'unit', coalesce(settings ->> 'unit', 'm'), 'categories', p.categories)
    FROM cp._public_service_coverage(communities_sql, settings) p
   WHERE p.value IS NOT NULL
$$;
COMMENT ON FUNCTION cp.indicator_public_service_coverage(text, jsonb) IS
  'Computed indicator public_service_facility_coverage: 100 × the mean, over the required categories of the 15-minute life circle and the levels below (setting public_service_level), of the share of each category''s target group that reaches one (cp.coverage); per-category shares in the inputs';

CREATE FUNCTION cp.indicator_rural_service_ratio(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  -- one coverage run; the communities query is read once more for the community types,
  -- under the caller's search_path (sql/parts/05_caller.sql; ours is back when this returns)
  PERFORM pg_catalog.set_config('search_path', cp._caller_search_path(), true);
  RETURN QUERY EXECUTE pg_catalog.format($q$
    WITH p AS MATERIALIZED (SELECT * FROM cp._public_service_coverage($1, $2) x WHERE x.value IS NOT NULL),
         t AS MATERIALIZED (SELECT c.id::bigint AS id, c.community_type::text AS community_type FROM (%s) c),
         u AS (SELECT sum(p.value * p.population) / nullif(sum(p.population), 0) AS urban,
                      count(*) AS urban_communities
                 FROM p JOIN t ON t.id = p.community_id
                WHERE t.community_type IS DISTINCT FROM 'rural')
    SELECT p.community_id, (100 * p.value / u.urban)::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.coverage', 'rural_coverage', p.value, 'urban_coverage', u.urban,
                                         'urban_communities', u.urban_communities,
                                         'level', coalesce($2 ->> 'public_service_level', '15min'), 'categories', p.categories)
      FROM p JOIN t ON t.id = p.community_id CROSS JOIN u
     WHERE t.community_type = 'rural' AND u.urban > 0$q$, cp._coverage_query(communities_sql))
    USING communities_sql, settings;
END
$$;
COMMENT ON FUNCTION cp.indicator_rural_service_ratio(text, jsonb) IS
  'Computed indicator rural_service_coverage_ratio: for each rural community (community_type rural), 100 × its public-service facility coverage / the population-weighted public-service coverage of the other (urban) communities of the same run; no value for urban communities or when no urban community has a value';

CREATE FUNCTION cp.indicator_public_green_per_capita(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE sql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
  -- the green's area plays the floor area of cp.space_per_resident: the area inside per resident
  SELECT s.community_id, s.m2_per_resident::numeric,
         pg_catalog.jsonb_build_object('function', 'cp.space_per_resident', 'category', s.category, 'population', s.population,
                                       'green_area_m2', s.floor_area_m2, 'target_m2_per_resident', s.target,
                                       'accessible_m2_per_resident', s.accessible_m2_per_resident)
    FROM cp.space_per_resident(settings ->> 'network', settings ->> 'residents_sql',
                               pg_catalog.format('SELECT g.id, %L::text AS category, g.geom, cp.building_floor_area(g.geom, 1) AS floor_area FROM (%s) g',
                                                 coalesce(settings ->> 'green_category', 'park'), cp._coverage_query(settings ->> 'green_sql')),
                               coalesce(settings ->> 'green_category', 'park'), communities_sql, NULL, settings ->> 'standard',
                               settings ->> 'profile', 'step', NULL, coalesce(settings ->> 'unit', 'm'),
                               coalesce(settings ->> 'population_shares', 'CN-2020')) s
$$;
COMMENT ON FUNCTION cp.indicator_public_green_per_capita(text, jsonb) IS
  'Computed indicator public_green_per_capita: area (m², geodesic) of the public green polygons of setting green_sql (id, geom) whose point lies in the community, per resident (cp.space_per_resident with the area as floor area); the green area within walking reach per resident and the set''s target (GB 50180-2018 4.0.4: 2.0 m²/person at the 15-minute level) in the inputs';

CREATE FUNCTION cp.indicator_childcare_place_gap(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  cat text := settings ->> 'childcare_category';
  shares text := coalesce(settings ->> 'population_shares', 'CN-2020');
  per_child float8 := (settings ->> 'childcare_places_per_1000_children')::float8;
  grp text;
  grp_share float8;
BEGIN
  -- demand comes from the category's target group (under-3s for nurseries); a rate per
  -- 1000 residents (the national 4.5) becomes a rate per 1000 of the group by the group's share
  SELECT r.target_group, r.share INTO grp, grp_share
    FROM cp._category_reach(settings ->> 'standard', 'm', NULL, shares) r
   WHERE r.code = cat ORDER BY cp.life_circle_rank(r.from_level) LIMIT 1;
  IF per_child IS NULL THEN
    per_child := (settings ->> 'childcare_per_1000')::float8 / nullif(grp_share, 0);
  END IF;
  RETURN QUERY
    SELECT g.community_id, 100 * g.gap_ratio::numeric,
           pg_catalog.jsonb_build_object('function', 'cp.supply_gap', 'category', g.category, 'target_group', g.target_group,
                                         'per_1000', (settings ->> 'childcare_per_1000')::float8,
                                         'per_1000_of_group', per_child, 'group_share', grp_share,
                                         'group_population', g.population, 'estimated', g.estimated,
                                         'demand', g.demand, 'supply', g.supply, 'gap', g.gap)
      FROM cp.supply_gap(settings ->> 'network', settings ->> 'residents_sql', settings ->> 'childcare_facilities_sql',
                         cat, communities_sql, per_child, settings ->> 'standard', settings ->> 'profile',
                         'step', NULL, coalesce(settings ->> 'unit', 'm'), shares) g;
END
$$;
COMMENT ON FUNCTION cp.indicator_childcare_place_gap(text, jsonb) IS
  'Computed indicator childcare_place_gap for every community of a communities query: 100 × gap_ratio of cp.supply_gap for childcare places (setting childcare_category, default nursery), demand from the category''s target group (children under 3: the residents query''s age_0_3, else population × the group''s share): childcare_places_per_1000_children when given, else childcare_per_1000 (places per 1000 residents, the national 4.5) divided by the group''s share in population_shares';

CREATE FUNCTION cp.indicator_parking_gap_rate(communities_sql text, settings jsonb)
RETURNS TABLE (community_id bigint, value numeric, inputs jsonb)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  types text[];
  t text;
  saved_path text;
BEGIN
  -- one allocation run per community type (its demand rules), each over the communities of that
  -- type; the caller's query under the caller's search_path (sql/parts/05_caller.sql)
  saved_path := pg_catalog.current_setting('search_path');
  PERFORM pg_catalog.set_config('search_path', cp._caller_search_path(), true);
  EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT coalesce($1, c.community_type, ''old'')) FROM (%s) c',
                            cp._coverage_query(communities_sql))
     INTO types USING settings ->> 'parking_community_type';
  PERFORM pg_catalog.set_config('search_path', saved_path, true);
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
                            (settings ->> 'm2_per_space')::float8, (settings ->> 'max_snap_m')::float8,
                            unit => coalesce(settings ->> 'unit', 'm'), profile => coalesce(settings ->> 'profile', 'walk')) p;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.indicator_parking_gap_rate(text, jsonb) IS
  'Computed indicator parking_gap_rate for every community of a communities query: 100 × gap_ratio of cp.parking_gap under the demand rules of the community''s type (or setting parking_community_type), one allocation run per type; settings unit (m, or min: walk_m in minutes) and profile (default walk)';

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
                                 settings ->> 'profile', 'step', NULL, coalesce(settings ->> 'unit', 'm'),
                                 coalesce(settings ->> 'population_shares', 'CN-2020')) s;
END
$$;
COMMENT ON FUNCTION cp.indicator_cultural_space_per_capita(text, jsonb) IS
  'Computed indicator cultural_space_per_capita for every community of a communities query: floor area of the cultural activity facilities inside the community per resident (cp.space_per_resident)';

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped)
SELECT i.code, 'SELECT value, inputs FROM cp.indicator_heritage_protection($1, $2)', 'community', '{}', '{}',
       'Listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in %; no value without listed sites (cp.indicator_heritage_protection)',
       true
  FROM cp.indicators i
 WHERE i.obtained = 'computed' AND i.measure ILIKE '%heritage%';

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped) VALUES
('life_circle_15min_coverage', 'SELECT * FROM cp.indicator_life_circle_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020"}',
 '100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius (unit m) or walking time at its users'' pace (unit min) (cp.life_circle); no value without residents', true),
('public_service_facility_coverage', 'SELECT * FROM cp.indicator_public_service_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "public_service_level": "15min"}',
 '100 × mean over the required categories of the 15-minute life circle (and the levels below) of the share of each category''s target group that reaches one (cp.coverage); no value without residents', true),
('rural_service_coverage_ratio', 'SELECT * FROM cp.indicator_rural_service_ratio($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "public_service_level": "15min"}',
 'For each rural community (community_type rural): 100 × its public-service facility coverage / the population-weighted coverage of the urban communities of the same run; no value for urban communities', true),
('elderly_care_coverage', 'SELECT * FROM cp.indicator_elderly_care_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "min", "population_shares": "CN-2020", "elderly_care_category": "elderly_day_care", "community_reach_share": 0.5}',
 'Share of communities, as the plan counts it: 100 where at least community_reach_share of the residents 60+ reach an elderly-care facility of the category (default elderly_day_care) within its walking time at the elderly pace (GB 50180-2018''s 300 m are 4.5 minutes at the standard''s pace: 247.5 m at 3.3 km/h), else 0; the share of residents 60+ who reach one is in the inputs', true),
('childcare_place_gap', 'SELECT * FROM cp.indicator_childcare_place_gap($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "childcare_facilities_sql": "string", "childcare_per_1000": "number"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "childcare_category": "nursery", "childcare_places_per_1000_children": null}',
 '100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed by the children under 3 (age_0_3, else population × their share), at childcare_places_per_1000_children or childcare_per_1000 residents / the under-3 share; capacities shared by two-step floating catchment; no value without children', true),
('childcare_institution_coverage', 'SELECT * FROM cp.indicator_childcare_institution_coverage($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "childcare_category": "nursery", "community_reach_share": 0.5}',
 'Share of communities with a childcare institution within reach: 100 where at least community_reach_share of the children under 3 reach a facility of the category (default nursery) within its walking radius, else 0', true),
('parking_gap_rate', 'SELECT * FROM cp.indicator_parking_gap_rate($1, $4)', 'all',
 '{"network": "string", "buildings_sql": "string", "parking_sql": "string"}',
 '{"parking_standard": "CP-parking-default", "walk_m": 300, "m2_per_space": 30, "max_snap_m": 250, "parking_community_type": null, "unit": "m", "profile": "walk"}',
 '100 × gap_ratio of cp.parking_gap: parking demand not met by car parks within walk_m on foot (metres, or minutes at the profile''s pace with unit min) / demand; demand rules of the community''s type (or parking_community_type), one allocation run per type; no value without demand', true),
('public_green_per_capita', 'SELECT * FROM cp.indicator_public_green_per_capita($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "green_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "green_category": "park"}',
 'Area (m²) of the public green polygons (green_sql: id, geom) lying in the community per resident (cp.space_per_resident); no value without residents', true),
('cultural_space_per_capita', 'SELECT * FROM cp.indicator_cultural_space_per_capita($1, $4)', 'all',
 '{"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": null, "unit": "m", "population_shares": "CN-2020", "culture_category": "culture_activity"}',
 'Floor area (m²) of the cultural activity facilities inside the community per resident (cp.space_per_resident, m2_per_resident); the floor area within walking reach per resident (2SFCA) is recorded in the inputs; no value without residents', true);

CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_computations
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_computations
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER check_computation BEFORE INSERT OR UPDATE ON cp.indicator_computations
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_computation();
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_computations', 'WHERE NOT shipped');
GRANT SELECT ON cp.indicator_computations TO PUBLIC;

-- The settings a computation runs with: its defaults overlaid by the run's settings,
-- checked (every needed key present, every key of the type declared or of its default).
-- Returns NULL when a needed key is absent and the computation was not asked for by name.
CREATE FUNCTION cp._compute_settings(indicator text, settings jsonb, keys jsonb, defaults jsonb, asked boolean)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path FROM CURRENT
AS $$
DECLARE
  eff jsonb := defaults || (settings - 'compute');
  k record;
  missing text;
BEGIN
  SELECT pg_catalog.string_agg(pg_catalog.format('"%s"', j.key), ', ' ORDER BY j.key) INTO missing
    FROM jsonb_each(keys) j
   WHERE NOT eff ? j.key OR jsonb_typeof(eff -> j.key) = 'null';
  IF missing IS NOT NULL THEN
    IF NOT asked THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION '% % for indicator "%"',
                    CASE WHEN missing LIKE '%,%' THEN 'settings keys' ELSE 'settings key' END, missing
                      || CASE WHEN missing LIKE '%,%' THEN ' are missing' ELSE ' is missing' END, indicator
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Indicator %s needs the settings keys %s.', indicator,
                            (SELECT pg_catalog.string_agg(j.key, ', ' ORDER BY j.key) FROM jsonb_each(keys) j)),
            HINT = 'Add the key to the settings, or leave the indicator out of "compute".';
  END IF;
  FOR k IN SELECT j.key, j.value #>> '{}' AS type FROM jsonb_each(keys) j
           UNION ALL
           SELECT d.key, jsonb_typeof(d.value) FROM jsonb_each(defaults) d WHERE jsonb_typeof(d.value) <> 'null'
  LOOP
    IF eff ? k.key AND jsonb_typeof(eff -> k.key) NOT IN (k.type, 'null') THEN
      RAISE EXCEPTION 'settings key "%" must be a %, not a %', k.key, k.type, jsonb_typeof(eff -> k.key)
        USING ERRCODE = '22023',
              DETAIL = pg_catalog.format('Indicator %s was given %s.', indicator, eff -> k.key),
              HINT = CASE k.type WHEN 'number' THEN 'Write numbers without quotes, e.g. 300.'
                                 ELSE 'Write text in double quotes.' END;
    END IF;
  END LOOP;
  FOR k IN SELECT d.key FROM jsonb_each(defaults) d WHERE NOT d.key IN (SELECT jsonb_object_keys(keys)) LOOP
    IF jsonb_typeof(eff -> k.key) = 'null' AND jsonb_typeof(defaults -> k.key) <> 'null' THEN
      eff := jsonb_set(eff, ARRAY[k.key], defaults -> k.key);   -- an explicit null takes the default
    END IF;
  END LOOP;
  RETURN eff;
END
$$;
COMMENT ON FUNCTION cp._compute_settings(text, jsonb, jsonb, jsonb, boolean) IS
  'Internal: the settings a computation runs with (its defaults overlaid by the run''s settings); NULL when a needed key is absent and the indicator was not asked for by name, else 22023 naming the missing key; 22023 for a key of the wrong JSON type';

CREATE FUNCTION cp.compute_indicators(period date DEFAULT current_date, settings jsonb DEFAULT '{}')
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
COMMENT ON FUNCTION cp.compute_indicators(date, jsonb) IS
  'Computes the indicators of cp.indicator_computations for every community with an outline into cp.indicator_values (source computed, inputs recorded) for a period, replacing earlier computed values of that period; settings (jsonb) give the computations'' inputs (network, queries, standard; key compute: only these indicators). Returns one row per community and computation with action inserted, replaced, removed, no_value, kept (a recorded value of the period is kept) or no_settings (a needed settings key is absent). 22023 settings not an object, a missing key of an indicator asked for by name, a key of the wrong type';
