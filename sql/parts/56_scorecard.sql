
-- Scorecard (issue 8) -------------------------------------------------------------
-- The scorecard of one community against the stage targets of the indicator
-- catalogue: normalised scores 0..100, weighted per domain, dimension and overall,
-- missing values reported as missing; a summary and JSON for planning apps.

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
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown plan stage %s'), stage),
            ERRCODE = '22023',
            DETAIL = cp._t('The plan''s stages end in 2025, 2028 and 2035.'),
            HINT = cp._t('Map a year to its stage with cp.plan_stage(year), or pass NULL for the current stage.');
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
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" does not exist'), community_id),
            ERRCODE = '42704',
            DETAIL = cp._t('Communities are listed in cp.communities.'),
            HINT = cp._t('Add the community to cp.communities first.');
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

