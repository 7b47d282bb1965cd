
-- Roll-up (issue 8) ----------------------------------------------------------------
-- Scorecards rolled up by district and city, weighted by residents or by each
-- rate's own denominator.

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

