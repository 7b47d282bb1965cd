
-- Community scorecard (issue 8) ------------------------------------------------
-- Communities with their district, city, population and outline; the scorecard
-- of one community against the stage targets of the indicator catalogue
-- (normalised scores 0..100, weighted per domain, dimension and overall,
-- missing values reported as missing); roll-ups by district and city; JSON for
-- planning apps; a view for QGIS; and cp.compute_indicators(), which fills the
-- computed indicators from the rows of cp.indicator_computations.

CREATE TABLE cp.communities (
  id             text PRIMARY KEY CHECK (id <> ''),
  name           text NOT NULL CHECK (name <> ''),
  district       text,
  city           text,
  community_type text CHECK (community_type IN ('old', 'new', 'rural')),
  population     bigint CHECK (population >= 0),
  geom           geometry(MultiPolygon)
);
CREATE INDEX communities_geom ON cp.communities USING gist (geom);
CREATE INDEX communities_city_district ON cp.communities (city, district);
COMMENT ON TABLE cp.communities IS
  'Communities scored by cp.scorecard: administrative id, name, district, city, type, residents and outline (one SRID for all rows)';
COMMENT ON COLUMN cp.communities.id IS 'Community id as text, the community_id of cp.indicator_values (administrative codes keep leading zeros)';
COMMENT ON COLUMN cp.communities.name IS 'Name';
COMMENT ON COLUMN cp.communities.district IS 'District (区/县) for roll-ups; grouped together with the city';
COMMENT ON COLUMN cp.communities.city IS 'City (设区市) for roll-ups';
COMMENT ON COLUMN cp.communities.community_type IS 'old (micro-renewal), new (built to standard) or rural (urban-rural sharing), plan section 4.2';
COMMENT ON COLUMN cp.communities.population IS 'Residents: the weight of the community in population-weighted roll-ups (NULL = unknown)';
COMMENT ON COLUMN cp.communities.geom IS 'Outline (MultiPolygon); every outline carries the same SRID, not 0; computed indicators need it';

CREATE FUNCTION cp.check_community() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  other_id   text;
  other_srid integer;
BEGIN
  IF NEW.geom IS NULL THEN
    RETURN NEW;
  END IF;
  IF ST_SRID(NEW.geom) = 0 THEN
    RAISE EXCEPTION 'community "%" has a geometry without SRID', NEW.id
      USING ERRCODE = '23514',
            HINT = 'Set the SRID of the outline with ST_SetSRID(geom, srid).';
  END IF;
  IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
    RAISE EXCEPTION 'community "%" has an empty or invalid geometry', NEW.id
      USING ERRCODE = '23514',
            DETAIL = coalesce(nullif(ST_IsValidReason(NEW.geom), 'Valid Geometry'), 'The geometry is empty.'),
            HINT = 'Repair it with ST_MakeValid, or leave geom NULL.';
  END IF;
  -- one edit at a time, so two sessions cannot save two SRIDs (the same lock scheme as the heritage register)
  PERFORM pg_advisory_xact_lock(TG_RELID::int, 8);
  SELECT c.id, ST_SRID(c.geom) INTO other_id, other_srid
    FROM cp.communities c
   WHERE c.geom IS NOT NULL AND c.id <> NEW.id
     AND (TG_OP = 'INSERT' OR c.id <> OLD.id)
     AND ST_SRID(c.geom) <> ST_SRID(NEW.geom)
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'community "%" has SRID %, the communities use SRID %', NEW.id, ST_SRID(NEW.geom), other_srid
      USING ERRCODE = '23514',
            DETAIL = pg_catalog.format('Community %s has SRID %s; every outline in cp.communities carries the same SRID.', other_id, other_srid),
            HINT = pg_catalog.format('Transform it with ST_Transform(geom, %s).', other_srid);
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_community() IS
  'Trigger: a community outline must have an SRID (not 0), be valid and not empty, and share the SRID of the other outlines (SQLSTATE 23514)';
CREATE TRIGGER check_community BEFORE INSERT OR UPDATE ON cp.communities
  FOR EACH ROW EXECUTE FUNCTION cp.check_community();

SELECT pg_catalog.pg_extension_config_dump('cp.communities', '');
GRANT SELECT ON cp.communities TO PUBLIC;

-- Scoring ----------------------------------------------------------------------

CREATE FUNCTION cp.normalised_score(value numeric, baseline numeric, target numeric, direction text,
                                    valid_min numeric, valid_max numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  zero numeric;
  met  boolean;
BEGIN
  IF direction IS NULL OR direction NOT IN ('higher', 'lower') THEN
    RAISE EXCEPTION 'unknown direction "%"', direction
      USING ERRCODE = '22023', HINT = 'Use higher or lower.';
  END IF;
  IF 'NaN'::numeric IN (value, baseline, target, valid_min, valid_max)
     OR 'Infinity'::numeric IN (abs(value), abs(baseline), abs(target), abs(valid_min), abs(valid_max)) THEN
    RAISE EXCEPTION 'score inputs must be finite numbers'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Got value %s, baseline %s, target %s, valid range %s to %s.',
                            value, baseline, target, valid_min, valid_max);
  END IF;
  IF value IS NULL OR target IS NULL THEN
    RETURN NULL;
  END IF;
  -- 0 points: the baseline, or without one the worst end of the valid range
  zero := coalesce(baseline, CASE direction WHEN 'higher' THEN valid_min ELSE valid_max END);
  met := CASE direction WHEN 'higher' THEN value >= target ELSE value <= target END;
  IF zero IS NULL OR (direction = 'higher' AND zero >= target) OR (direction = 'lower' AND zero <= target) THEN
    RETURN CASE WHEN met THEN 100 ELSE 0 END;   -- no distance to scale on: met or not
  END IF;
  RETURN trim_scale(greatest(0, least(100, 100 * (value - zero) / (target - zero))));
END
$$;
COMMENT ON FUNCTION cp.normalised_score(numeric, numeric, numeric, text, numeric, numeric) IS
  'Score 0..100 of a value: linear from the baseline (0) to the target (100), clamped; without baseline from the worst end of the valid range (valid_min for higher, valid_max for lower); 100 or 0 (met or not) when the baseline is not short of the target; NULL without value or target; 22023 unknown direction';

-- A plan stage (2025, 2028, 2035) or NULL; 22023 for any other year.
CREATE FUNCTION cp._check_plan_stage(stage int) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF stage IS NOT NULL AND stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION 'unknown plan stage %', stage
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages end in 2025, 2028 and 2035.',
            HINT = 'Map a year to its stage with cp.plan_stage(year), or pass NULL for the current stage.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._check_plan_stage(int) IS
  'Internal: raises 22023 unless the stage is NULL or one of the plan''s stages (2025, 2028, 2035)';

-- Shared argument checks: effective stage, or NULL for a NULL community.
CREATE FUNCTION cp._scorecard_stage(community_id text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF community_id IS NULL THEN
    RETURN NULL;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.communities c WHERE c.id = _scorecard_stage.community_id) THEN
    RAISE EXCEPTION 'community "%" does not exist', community_id
      USING ERRCODE = '42704',
            DETAIL = 'Communities are listed in cp.communities.',
            HINT = 'Add the community to cp.communities first.';
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._scorecard_stage(text, int) IS
  'Internal: checks a scorecard''s community (42704) and stage (22023) and returns the stage to apply';

CREATE FUNCTION cp._current_stage() RETURNS int
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT cp.plan_stage(least(extract(year FROM current_date)::int, 2035)) $$;
COMMENT ON FUNCTION cp._current_stage() IS
  'Internal: stage of today''s date (2035 after 2035): the stage a scorecard uses when none is given';

-- Plan order of the four shipped dimensions, then user dimensions by code.
CREATE FUNCTION cp._dimension_rank(dimension text) RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT coalesce(pg_catalog.array_position(ARRAY['livability', 'smartness', 'resilience', 'humanity'], dimension), 99) $$;
COMMENT ON FUNCTION cp._dimension_rank(text) IS
  'Internal: the plan''s order of the dimensions (livability, smartness, resilience, humanity; user dimensions after)';

CREATE FUNCTION cp.scorecard(community_id text, stage int DEFAULT NULL)
RETURNS TABLE (target_stage int, dimension text, domain text, indicator text, name_zh text, name_en text,
               unit text, direction text, core boolean, value numeric, period date, source text,
               baseline numeric, target numeric, gap numeric, met boolean, score numeric,
               weight float8, effective_weight float8, status text)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH s AS (
    SELECT cp._scorecard_stage(scorecard.community_id, scorecard.stage) AS st
  ), v AS (
    SELECT DISTINCT ON (iv.indicator) iv.indicator, iv.value, iv.period, iv.source
      FROM cp.indicator_values iv
     WHERE iv.community_id = scorecard.community_id
       AND (scorecard.stage IS NULL OR iv.period <= make_date(scorecard.stage, 12, 31))
     ORDER BY iv.indicator, iv.period DESC
  ), r AS (
    SELECT c.code, c.dimension, c.domain, c.name_zh, c.name_en, c.unit, c.direction, c.core,
           c.baseline, c.valid_min, c.valid_max, c.weight AS raw_weight, c.weight_in_total,
           c.domain_weight, c.dimension_weight, s.st,
           v.value, v.period, v.source, cp.indicator_target(c.code, s.st) AS target
      FROM s CROSS JOIN cp.indicator_catalogue c
      LEFT JOIN v ON v.indicator = c.code
     WHERE s.st IS NOT NULL
  ), x AS (
    SELECT r.*, cp.normalised_score(r.value, r.baseline, r.target, r.direction, r.valid_min, r.valid_max) AS score
      FROM r
  ), d AS (   -- weights renormalised over what is scored: within the domain, the dimension, overall
    SELECT x.*,
           x.raw_weight / nullif(sum(x.raw_weight) FILTER (WHERE x.score IS NOT NULL) OVER (PARTITION BY x.domain), 0) AS w_domain
      FROM x
  ), dom AS (
    SELECT d.domain, d.dimension, min(d.domain_weight) AS dw, min(d.dimension_weight) AS mw,
           bool_or(d.score IS NOT NULL) AS scored
      FROM d GROUP BY d.domain, d.dimension
  ), dom2 AS (
    SELECT dom.*,
           CASE WHEN dom.scored THEN dom.dw / sum(dom.dw) FILTER (WHERE dom.scored) OVER (PARTITION BY dom.dimension) END AS w_dim,
           bool_or(dom.scored) OVER (PARTITION BY dom.dimension) AS dim_scored
      FROM dom
  ), dim AS (
    SELECT DISTINCT dom2.dimension, dom2.mw, dom2.dim_scored FROM dom2
  ), dim2 AS (
    SELECT dim.dimension,
           CASE WHEN dim.dim_scored THEN dim.mw / sum(dim.mw) FILTER (WHERE dim.dim_scored) OVER () END AS w_total
      FROM dim
  )
  SELECT d.st, d.dimension, d.domain, d.code, d.name_zh, d.name_en, d.unit, d.direction, d.core,
         d.value, d.period, d.source, d.baseline, d.target,
         CASE d.direction WHEN 'higher' THEN d.target - d.value ELSE d.value - d.target END,
         CASE d.direction WHEN 'higher' THEN d.value >= d.target ELSE d.value <= d.target END,
         trim_scale(d.score), d.weight_in_total,
         CASE WHEN d.score IS NOT NULL THEN d.w_domain * dom2.w_dim * dim2.w_total END,
         CASE WHEN d.value IS NULL THEN 'missing' WHEN d.target IS NULL THEN 'no_target' ELSE 'scored' END
    FROM d
    JOIN dom2 ON dom2.domain = d.domain
    JOIN dim2 ON dim2.dimension = d.dimension
   ORDER BY cp._dimension_rank(d.dimension), d.dimension, d.domain, d.code
$$;
COMMENT ON FUNCTION cp.scorecard(text, int) IS
  'Scorecard of one community against the targets of a plan stage (2025, 2028, 2035; NULL = today''s stage, latest values): per indicator value, baseline, target, gap (positive = still to go), met, score 0..100, weight and effective weight; status scored, missing or no_target. Errors: unknown community 42704, unknown stage 22023';

CREATE FUNCTION cp.scorecard_summary(community_id text, stage int DEFAULT NULL)
RETURNS TABLE (level text, code text, dimension text, name_zh text, name_en text, target_stage int,
               score numeric, weight float8, indicators int, with_value int, scored int, missing int, no_target int)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH sc AS (
    SELECT s.*, i.weight AS raw_weight
      FROM cp.scorecard(scorecard_summary.community_id, scorecard_summary.stage) s
      JOIN cp.indicator_catalogue i ON i.code = s.indicator
  ), dom AS (
    SELECT sc.domain, sc.dimension, min(sc.target_stage) AS st,
           sum(sc.raw_weight::numeric * sc.score) FILTER (WHERE sc.score IS NOT NULL)
             / nullif(sum(sc.raw_weight::numeric) FILTER (WHERE sc.score IS NOT NULL), 0) AS score,
           count(*)::int AS n, count(sc.value)::int AS with_value,
           count(sc.score)::int AS scored, (count(*) - count(sc.value))::int AS missing,
           count(*) FILTER (WHERE sc.status = 'no_target')::int AS no_target
      FROM sc GROUP BY sc.domain, sc.dimension
  ), dom2 AS (
    SELECT dom.*, d.name_zh, d.name_en, d.weight::numeric AS raw_weight,
           CASE WHEN dom.score IS NOT NULL
                THEN d.weight / sum(d.weight) FILTER (WHERE dom.score IS NOT NULL) OVER (PARTITION BY dom.dimension) END AS w
      FROM dom JOIN cp.indicator_domains d ON d.code = dom.domain
  ), dim AS (
    SELECT dom2.dimension, min(dom2.st) AS st,
           sum(dom2.raw_weight * dom2.score) FILTER (WHERE dom2.score IS NOT NULL)
             / nullif(sum(dom2.raw_weight) FILTER (WHERE dom2.score IS NOT NULL), 0) AS score,
           sum(dom2.n)::int AS n, sum(dom2.with_value)::int AS with_value, sum(dom2.scored)::int AS scored,
           sum(dom2.missing)::int AS missing, sum(dom2.no_target)::int AS no_target
      FROM dom2 GROUP BY dom2.dimension
  ), dim2 AS (
    SELECT dim.*, m.name_zh, m.name_en, m.weight::numeric AS raw_weight,
           CASE WHEN dim.score IS NOT NULL
                THEN m.weight / sum(m.weight) FILTER (WHERE dim.score IS NOT NULL) OVER () END AS w
      FROM dim JOIN cp.indicator_dimensions m ON m.code = dim.dimension
  )
  SELECT u.level, u.code, u.dimension, u.name_zh, u.name_en, u.st, u.score, u.w,
         u.n, u.with_value, u.scored, u.missing, u.no_target
    FROM (
      SELECT 0 AS o1, 0 AS o2, ''::text AS o3, 'overall'::text AS level, 'overall'::text AS code,
             NULL::text AS dimension, '总体'::text AS name_zh, 'overall'::text AS name_en, min(dim2.st) AS st,
             trim_scale(sum(dim2.raw_weight * dim2.score) FILTER (WHERE dim2.score IS NOT NULL)
               / nullif(sum(dim2.raw_weight) FILTER (WHERE dim2.score IS NOT NULL), 0)) AS score,
             1::float8 AS w, sum(dim2.n)::int AS n, sum(dim2.with_value)::int AS with_value,
             sum(dim2.scored)::int AS scored, sum(dim2.missing)::int AS missing, sum(dim2.no_target)::int AS no_target
        FROM dim2 HAVING count(*) > 0
      UNION ALL
      SELECT 1, cp._dimension_rank(dim2.dimension), dim2.dimension, 'dimension', dim2.dimension, dim2.dimension,
             dim2.name_zh, dim2.name_en, dim2.st, trim_scale(dim2.score), dim2.w,
             dim2.n, dim2.with_value, dim2.scored, dim2.missing, dim2.no_target
        FROM dim2
      UNION ALL
      SELECT 2, cp._dimension_rank(dom2.dimension), dom2.dimension || ' ' || dom2.domain, 'domain', dom2.domain,
             dom2.dimension, dom2.name_zh, dom2.name_en, dom2.st, trim_scale(dom2.score), dom2.w,
             dom2.n, dom2.with_value, dom2.scored, dom2.missing, dom2.no_target
        FROM dom2
    ) u
   ORDER BY u.o1, u.o2, u.o3
$$;
COMMENT ON FUNCTION cp.scorecard_summary(text, int) IS
  'Weighted scores of one community per domain, per dimension and overall (rows level overall, dimension, domain): weights renormalised over the parts that have a score; counts of indicators with a value, scored, missing and without target. Errors as cp.scorecard';

CREATE FUNCTION cp.scorecard_json(community_id text, stage int DEFAULT NULL) RETURNS jsonb
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH sc AS (
    SELECT * FROM cp.scorecard(scorecard_json.community_id, scorecard_json.stage)
  ), su AS (
    SELECT * FROM cp.scorecard_summary(scorecard_json.community_id, scorecard_json.stage)
  ), ind AS (
    SELECT sc.domain,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', sc.indicator, 'name_zh', sc.name_zh, 'name_en', sc.name_en, 'unit', sc.unit,
             'direction', sc.direction, 'core', sc.core, 'value', sc.value, 'period', sc.period,
             'source', sc.source, 'baseline', sc.baseline, 'target', sc.target, 'gap', sc.gap,
             'met', sc.met, 'score', sc.score, 'weight', sc.weight, 'effective_weight', sc.effective_weight,
             'status', sc.status) ORDER BY sc.indicator) AS indicators
      FROM sc GROUP BY sc.domain
  ), dom AS (
    SELECT su.dimension,
           pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', su.code, 'name_zh', su.name_zh, 'name_en', su.name_en, 'score', su.score,
             'weight', su.weight, 'missing', su.missing, 'indicators', ind.indicators) ORDER BY su.code) AS domains
      FROM su JOIN ind ON ind.domain = su.code
     WHERE su.level = 'domain'
     GROUP BY su.dimension
  ), dims AS (
    SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
             'code', su.code, 'name_zh', su.name_zh, 'name_en', su.name_en, 'score', su.score,
             'weight', su.weight, 'missing', su.missing, 'domains', dom.domains)
             ORDER BY cp._dimension_rank(su.code), su.code) AS dimensions
      FROM su JOIN dom ON dom.dimension = su.code
     WHERE su.level = 'dimension'
  )
  SELECT pg_catalog.jsonb_build_object(
           'community', (SELECT pg_catalog.jsonb_build_object('id', c.id, 'name', c.name, 'district', c.district,
                                                   'city', c.city, 'community_type', c.community_type,
                                                   'population', c.population)
                           FROM cp.communities c WHERE c.id = scorecard_json.community_id),
           'stage', su.target_stage,
           'overall', pg_catalog.jsonb_build_object('score', su.score, 'indicators', su.indicators,
                                         'with_value', su.with_value, 'scored', su.scored,
                                         'missing', su.missing, 'no_target', su.no_target),
           'dimensions', (SELECT dims.dimensions FROM dims))
    FROM su WHERE su.level = 'overall'
$$;
COMMENT ON FUNCTION cp.scorecard_json(text, int) IS
  'Scorecard of one community as jsonb for planning apps: community, stage, overall, dimensions -> domains -> indicators (NULL for a NULL community). Errors as cp.scorecard';

-- Roll-up ------------------------------------------------------------------------

CREATE FUNCTION cp.rollup_weighting(unit text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE WHEN unit IN ('%', 'm²/person') THEN 'population' ELSE 'plain' END $$;
COMMENT ON FUNCTION cp.rollup_weighting(text) IS
  'How cp.scorecard_rollup averages an indicator of this unit: population (shares of residents in %, and per-resident quantities in m²/person) or plain (every other unit)';

-- Rates whose denominator is not residents: the key of the computed value's inputs
-- that holds it (spaces or places needed, listed sites). A roll-up weights by it
-- when every reporting value carries it.
CREATE FUNCTION cp.rollup_denominator(indicator text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT CASE indicator WHEN 'parking_gap_rate' THEN 'demand' WHEN 'childcare_place_gap' THEN 'demand'
                            WHEN 'heritage_protection_rate' THEN 'listed' END $$;
COMMENT ON FUNCTION cp.rollup_denominator(text) IS
  'The key of cp.indicator_values.inputs holding the denominator of a rate that is not a share of residents (parking and childcare gaps: demand; heritage protection: listed sites); cp.scorecard_rollup weights by it when every reporting value carries it, by population otherwise; NULL for the other indicators';

CREATE FUNCTION cp._rollup_stage(level text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF level IS NULL THEN
    RETURN NULL;   -- no rows, as a STRICT function would
  END IF;
  IF level NOT IN ('district', 'city') THEN
    RAISE EXCEPTION 'unknown roll-up level "%"', level
      USING ERRCODE = '22023', HINT = 'Use district or city.';
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._rollup_stage(text, int) IS
  'Internal: checks a roll-up''s level and stage (22023) and returns the stage to apply';

CREATE FUNCTION cp.scorecard_rollup(level text, stage int DEFAULT NULL)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int)
LANGUAGE sql STABLE
SET search_path FROM CURRENT
AS $$
  WITH s AS (
    SELECT cp._rollup_stage(scorecard_rollup.level, scorecard_rollup.stage) AS st
  ), c AS (
    SELECT c.id, c.city, CASE WHEN scorecard_rollup.level = 'district' THEN c.district END AS district,
           c.population
      FROM cp.communities c, s WHERE s.st IS NOT NULL
  ), v AS (
    SELECT DISTINCT ON (iv.community_id, iv.indicator) iv.community_id, iv.indicator, iv.value,
           (iv.inputs ->> cp.rollup_denominator(iv.indicator))::numeric AS denominator
      FROM cp.indicator_values iv JOIN c ON c.id = iv.community_id
     WHERE scorecard_rollup.stage IS NULL OR iv.period <= make_date(scorecard_rollup.stage, 12, 31)
     ORDER BY iv.community_id, iv.indicator, iv.period DESC
  ), cat AS (
    SELECT i.code, i.unit, i.direction, i.baseline, i.valid_min, i.valid_max,
           cp.rollup_weighting(i.unit) AS weighting, cp.indicator_target(i.code, s.st) AS target
      FROM cp.indicator_catalogue i, s WHERE s.st IS NOT NULL
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
      LEFT JOIN v ON v.community_id = c.id AND v.indicator = cat.code
     GROUP BY c.city, c.district, cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
              cat.valid_min, cat.valid_max, cat.target
  )
  SELECT a.city, a.district, a.code, a.unit,
         CASE WHEN a.by_denominator THEN cp.rollup_denominator(a.code) ELSE a.weighting END,
         trim_scale(a.value), a.target,
         CASE a.direction WHEN 'higher' THEN a.value >= a.target ELSE a.value <= a.target END,
         trim_scale(cp.normalised_score(a.value, a.baseline, a.target, a.direction, a.valid_min, a.valid_max)),
         a.communities, a.reporting, a.population, a.without_population
    FROM a
   ORDER BY a.city, a.district, a.code
$$;
COMMENT ON FUNCTION cp.scorecard_rollup(text, int) IS
  'Indicators per district (within its city) or per city for a plan stage (NULL = today''s stage, latest values): for parking and childcare gaps and heritage protection computed with their denominators (cp.rollup_denominator), the mean weighted by them (weighting demand or listed); population-weighted mean of the communities'' values for other shares of residents (%) and per-resident quantities (m²/person); plain mean otherwise; target, met and score of the mean; communities, reporting communities, their population. Errors: unknown level or stage 22023';

-- QGIS ---------------------------------------------------------------------------

CREATE VIEW cp.community_scores AS
SELECT c.id, c.name, c.district, c.city, c.community_type, c.population,
       s.target_stage AS stage, s.overall, s.livability, s.smartness, s.resilience, s.humanity,
       s.scored, s.missing, s.dimensions, c.geom
  FROM cp.communities c
  CROSS JOIN LATERAL (
    SELECT min(x.target_stage) AS target_stage,
           min(x.score) FILTER (WHERE x.level = 'overall') AS overall,
           min(x.score) FILTER (WHERE x.code = 'livability' AND x.level = 'dimension') AS livability,
           min(x.score) FILTER (WHERE x.code = 'smartness' AND x.level = 'dimension') AS smartness,
           min(x.score) FILTER (WHERE x.code = 'resilience' AND x.level = 'dimension') AS resilience,
           min(x.score) FILTER (WHERE x.code = 'humanity' AND x.level = 'dimension') AS humanity,
           min(x.scored) FILTER (WHERE x.level = 'overall') AS scored,
           min(x.missing) FILTER (WHERE x.level = 'overall') AS missing,
           pg_catalog.jsonb_object_agg(x.code, x.score) FILTER (WHERE x.level = 'dimension') AS dimensions
      FROM cp.scorecard_summary(c.id) x) s;
COMMENT ON VIEW cp.community_scores IS
  'Communities with their outline and the scores of today''s plan stage (overall and the four dimensions, 0..100, NULL when nothing is scored) for QGIS graduated colours';
COMMENT ON COLUMN cp.community_scores.stage IS 'Plan stage whose targets apply (today''s)';
COMMENT ON COLUMN cp.community_scores.overall IS 'Overall weighted score 0..100';
COMMENT ON COLUMN cp.community_scores.scored IS 'Indicators with a value and a target';
COMMENT ON COLUMN cp.community_scores.missing IS 'Indicators without a value';
COMMENT ON COLUMN cp.community_scores.dimensions IS 'Every dimension''s score as jsonb (user-added dimensions too)';

-- Computed indicators ------------------------------------------------------------

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

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped)
SELECT i.code, $sql$
SELECT CASE WHEN r.listed > 0 THEN trim_scale(100 * r.protected::numeric / r.listed) END AS value,
       pg_catalog.jsonb_build_object(
         'function', 'cp.heritage_protection_rate(area geometry)',
         'area', pg_catalog.jsonb_build_object('table', 'cp.communities', 'id', $1, 'srid', ST_SRID($2),
                                    'transformed_to', CASE WHEN ST_SRID(a.area) <> ST_SRID($2) THEN ST_SRID(a.area) END,
                                    'md5', md5(ST_AsEWKB($2))),
         'listed', r.listed, 'protected', r.protected, 'by_condition', r.by_condition) AS inputs
  FROM (SELECT CASE WHEN cp.heritage_srid() IS NOT NULL AND ST_SRID($2) <> cp.heritage_srid()
                    THEN ST_Transform($2, cp.heritage_srid()) ELSE $2 END AS area) a
 CROSS JOIN LATERAL cp.heritage_protection_rate(a.area) r
$sql$, 'community', '{}', '{}',
       'Listed heritage sites in condition intact or restored / listed sites whose footprint meets the community outline, in %; no value without listed sites',
       true
  FROM cp.indicators i
 WHERE i.obtained = 'computed' AND i.measure ILIKE '%heritage%';

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped) VALUES
('life_circle_15min_coverage', $sql$
SELECT l.community_id, 100 * l.ratio::numeric AS value,
       pg_catalog.jsonb_build_object('function', 'cp.life_circle', 'life_circle', l.life_circle,
                          'population', l.population, 'covered_population', l.covered_population,
                          'crowfly_ratio', l.crowfly_ratio, 'missing_categories', pg_catalog.to_jsonb(l.missing_categories)) AS inputs
  FROM cp.life_circle($4 ->> 'network', $4 ->> 'residents_sql', $4 ->> 'facilities_sql', $1,
                      $4 ->> 'standard', '15min', $4 ->> 'profile') l
$sql$, 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk"}',
 '100 × share of residents who reach every required category of the 15-minute life circle and of every lower level within its radius on foot (cp.life_circle); no value without residents', true),
('elderly_care_coverage', $sql$
SELECT c.community_id, 100 * c.ratio::numeric AS value,
       pg_catalog.jsonb_build_object('function', 'cp.coverage', 'category', c.category, 'radius_m', r.radius_m,
                          'population', c.population, 'covered_population', c.covered_population,
                          'crowfly_ratio', c.crowfly_ratio) AS inputs
  FROM cp._compute_category_radius($4 ->> 'standard', $4 ->> 'elderly_care_category') r (radius_m)
 CROSS JOIN LATERAL cp.coverage($4 ->> 'network', $4 ->> 'residents_sql',
                                pg_catalog.format('SELECT * FROM (%s) f WHERE category::text = %L',
                                       cp._coverage_query($4 ->> 'facilities_sql'), $4 ->> 'elderly_care_category'),
                                $1, $4 ->> 'standard', $4 ->> 'profile') c
 WHERE c.category = $4 ->> 'elderly_care_category'
$sql$, 'all',
 '{"network": "string", "residents_sql": "string", "facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk", "elderly_care_category": "elderly_day_care"}',
 '100 × share of residents with an elderly-care facility of the category (default elderly_day_care, 300 m in GB 50180-2018) within its walking radius (cp.coverage); no value without residents', true),
('childcare_place_gap', $sql$
SELECT g.community_id, 100 * g.gap_ratio::numeric AS value,
       pg_catalog.jsonb_build_object('function', 'cp.supply_gap', 'category', g.category,
                          'per_1000', ($4 ->> 'childcare_per_1000')::float8, 'population', g.population,
                          'demand', g.demand, 'supply', g.supply, 'gap', g.gap) AS inputs
  FROM cp.supply_gap($4 ->> 'network', $4 ->> 'residents_sql', $4 ->> 'childcare_facilities_sql',
                     $4 ->> 'childcare_category', $1, ($4 ->> 'childcare_per_1000')::float8,
                     $4 ->> 'standard', $4 ->> 'profile') g
$sql$, 'all',
 '{"network": "string", "residents_sql": "string", "childcare_facilities_sql": "string", "childcare_per_1000": "number"}',
 '{"standard": "GB50180-2018", "profile": "walk", "childcare_category": "nursery"}',
 '100 × gap_ratio of cp.supply_gap for childcare places (category nursery): places missing / places needed (residents × childcare_per_1000 / 1000), capacities shared by two-step floating catchment; no value without residents', true),
('parking_gap_rate', $sql$
SELECT p.community_id, 100 * p.gap_ratio::numeric AS value,
       pg_catalog.jsonb_build_object('function', 'cp.parking_gap', 'community_type', t.community_type,
                          'demand', p.demand, 'supply_inside', p.supply_inside,
                          'supply_allocated', p.supply_allocated, 'gap', p.gap) AS inputs
  FROM (SELECT DISTINCT coalesce($4 ->> 'parking_community_type', c.community_type, 'old') AS community_type
          FROM pg_temp._cp_compute_communities c) t
 CROSS JOIN LATERAL cp.parking_gap($4 ->> 'network', $4 ->> 'buildings_sql', $4 ->> 'parking_sql',
                                   pg_catalog.format('SELECT id, geom FROM (%s) c WHERE coalesce(%L, c.community_type, %L) = %L',
                                          $1, $4 ->> 'parking_community_type', 'old', t.community_type),
                                   ($4 ->> 'walk_m')::float8, $4 ->> 'parking_standard', t.community_type,
                                   ($4 ->> 'm2_per_space')::float8, ($4 ->> 'max_snap_m')::float8) p
$sql$, 'all',
 '{"network": "string", "buildings_sql": "string", "parking_sql": "string"}',
 '{"parking_standard": "CP-parking-default", "walk_m": 300, "m2_per_space": 30, "max_snap_m": 250, "parking_community_type": null}',
 '100 × gap_ratio of cp.parking_gap: parking demand not met by car parks within walk_m on foot / demand; demand rules of the community''s type (or parking_community_type), one allocation run per type; no value without demand', true);

INSERT INTO cp.indicator_computations (indicator, sql_template, scope, settings_keys, settings_defaults, note, shipped) VALUES
('cultural_space_per_capita', $sql$
SELECT s.community_id, s.m2_per_resident::numeric AS value,
       pg_catalog.jsonb_build_object('function', 'cp.space_per_resident', 'category', s.category, 'population', s.population,
                          'floor_area_m2', s.floor_area_m2,
                          'accessible_m2_per_resident', s.accessible_m2_per_resident) AS inputs
  FROM cp.space_per_resident($4 ->> 'network', $4 ->> 'residents_sql', $4 ->> 'culture_facilities_sql',
                             $4 ->> 'culture_category', $1, NULL, $4 ->> 'standard', $4 ->> 'profile') s
$sql$, 'all',
 '{"network": "string", "residents_sql": "string", "culture_facilities_sql": "string"}',
 '{"standard": "GB50180-2018", "profile": "walk", "culture_category": "culture_activity"}',
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
  communities_sql constant text :=
    'SELECT k AS id, geom, id AS community_id, name, district, city, community_type, population FROM pg_temp._cp_compute_communities';
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

  -- one snapshot of the communities with an outline for the whole run; k is the bigint
  -- key the coverage and parking functions take (row_number by id)
  IF to_regclass('pg_temp._cp_compute_communities') IS NOT NULL THEN
    DROP TABLE pg_temp._cp_compute_communities;
  END IF;
  CREATE TEMP TABLE _cp_compute_communities ON COMMIT DROP AS
  SELECT row_number() OVER (ORDER BY c.id)::bigint AS k, c.id, c.name, c.district, c.city,
         c.community_type, c.population, c.geom
    FROM cp.communities c WHERE c.geom IS NOT NULL;
  ALTER TABLE pg_temp._cp_compute_communities ADD PRIMARY KEY (k);
  ANALYZE pg_temp._cp_compute_communities;

  FOR comp IN SELECT c.indicator, c.sql_template, c.scope, c.settings_keys, c.settings_defaults
                FROM cp.indicator_computations c
               WHERE asked IS NULL OR c.indicator = ANY (asked)
               ORDER BY c.indicator LOOP
    eff := cp._compute_settings(comp.indicator, settings, comp.settings_keys, comp.settings_defaults, asked IS NOT NULL);
    IF eff IS NULL THEN   -- a needed key is absent: skipped, earlier values stay
      RETURN QUERY SELECT c.id, comp.indicator, NULL::numeric, 'no_settings'::text
                     FROM pg_temp._cp_compute_communities c ORDER BY c.id;
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
      FOR com IN SELECT c.id, c.geom FROM pg_temp._cp_compute_communities c ORDER BY c.id LOOP
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
                       (SELECT count(*) FROM pg_temp._cp_compute_communities), cp._coverage_query(comp.sql_template))
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
        FROM pg_temp._cp_compute_communities c
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
