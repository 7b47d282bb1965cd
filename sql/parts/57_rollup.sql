
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
                            WHEN 'heritage_protection_rate' THEN 'listed'
                            WHEN 'elderly_care_coverage' THEN 'communities'
                            WHEN 'childcare_institution_coverage' THEN 'communities' END $$;
COMMENT ON FUNCTION cp.rollup_denominator(text) IS
  'The key of cp.indicator_values.inputs holding the denominator of a rate that is not a share of residents (parking and childcare gaps: demand; heritage protection: listed sites; elderly-care and childcare-institution coverage: communities, 1 each, so the mean is the share of communities); cp.scorecard_rollup weights by it when every reporting value carries it, by population otherwise; NULL for the other indicators';

CREATE FUNCTION cp._rollup_stage(level text, stage int) RETURNS int
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  IF level IS NULL THEN
    RETURN NULL;   -- no rows, as a STRICT function would
  END IF;
  IF level NOT IN ('district', 'city', 'province') THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown roll-up level "%s"'), level),
      ERRCODE = '22023', HINT = cp._t('Use district, city or province.');
  END IF;
  RETURN coalesce(stage, cp._current_stage());
END
$$;
COMMENT ON FUNCTION cp._rollup_stage(text, int) IS
  'Internal: checks a roll-up''s level (district, city, province) and stage (22023) and returns the stage to apply';

-- The districts a province roll-up leaves out, as a WHERE clause on the partition key.
CREATE FUNCTION cp._rollup_leave_out(alias text, missing text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN coalesce(pg_catalog.cardinality(missing), 0) = 0 THEN ''
              ELSE pg_catalog.format(' AND %I.district <> ALL (%L::text[])', alias, missing) END
$$;
COMMENT ON FUNCTION cp._rollup_leave_out(text, text[]) IS
  'Internal: the WHERE clause that prunes the partitions of the districts a province roll-up leaves out (empty when none)';

-- The one roll-up query, for the local tables (district, city) or the province's
-- foreign partitions (province: communities keyed by (district, id), rows per
-- district and one province row per indicator). Parameters: $1 level, $2 the
-- stage applied (targets), $3 the districts left out (with_missing: returned as
-- the last column). At province level the values are read into a materialized
-- CTE, so the partitions are scanned by one unordered, asynchronous Append
-- (all districts at once) and sorted here. The stage's period bound and the districts left out are
-- written in as literals, so they are pushed to the districts and prune partitions.
CREATE FUNCTION cp._rollup_query(level text, stage int, missing text[], with_missing boolean) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_plan_stage(stage);
  RETURN pg_catalog.format($q$
  WITH c AS (
    %1$s
  ), iv AS %6$s(
    %2$s WHERE %3$s
  ), v AS (
    SELECT DISTINCT ON (iv.src, iv.community_id, iv.indicator) iv.src, iv.community_id, iv.indicator, iv.value,
           (iv.inputs ->> cp.rollup_denominator(iv.indicator))::numeric AS denominator
      FROM iv JOIN c ON c.src = iv.src AND c.id = iv.community_id
     ORDER BY iv.src, iv.community_id, iv.indicator, iv.period DESC
  ), cat AS (
    SELECT i.code, i.unit, i.direction, i.baseline, i.valid_min, i.valid_max,
           cp.rollup_weighting(i.unit) AS weighting, cp.indicator_target(i.code, $2) AS target
      FROM cp.indicator_catalogue i
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
      LEFT JOIN v ON v.src = c.src AND v.community_id = c.id AND v.indicator = cat.code
     GROUP BY %4$s cat.code, cat.unit, cat.weighting, cat.direction, cat.baseline,
              cat.valid_min, cat.valid_max, cat.target
  )
  SELECT a.city, a.district, a.code, a.unit,
         CASE WHEN a.by_denominator THEN cp.rollup_denominator(a.code) ELSE a.weighting END,
         trim_scale(a.value), a.target,
         CASE a.direction WHEN 'higher' THEN a.value >= a.target ELSE a.value <= a.target END,
         trim_scale(cp.normalised_score(a.value, a.baseline, a.target, a.direction, a.valid_min, a.valid_max)),
         a.communities, a.reporting, a.population, a.without_population%5$s
    FROM a
   ORDER BY %7$s a.city, a.district, a.code$q$,
    CASE WHEN level = 'province'
         THEN pg_catalog.format('SELECT c.district AS src, c.id, c.city, c.district, c.population '
                                'FROM cp.province_communities c WHERE true%s', cp._rollup_leave_out('c', missing))
         ELSE 'SELECT ''''::text AS src, c.id, c.city, CASE WHEN $1 = ''district'' THEN c.district END AS district, '
              'c.population FROM cp.communities c' END,
    CASE WHEN level = 'province'
         THEN 'SELECT iv.district AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.province_indicator_values iv'
         ELSE 'SELECT ''''::text AS src, iv.community_id, iv.indicator, iv.period, iv.value, iv.inputs '
              'FROM cp.indicator_values iv' END,
    CASE WHEN stage IS NULL THEN 'true' ELSE pg_catalog.format('iv.period <= %L::date', pg_catalog.make_date(stage, 12, 31)) END
      || CASE WHEN level = 'province' THEN cp._rollup_leave_out('iv', missing) ELSE '' END,
    CASE WHEN level = 'province' THEN 'GROUPING SETS ((c.city, c.district), ()),' ELSE 'c.city, c.district,' END,
    CASE WHEN with_missing THEN ', $3' ELSE '' END,
    CASE WHEN level = 'province' THEN 'MATERIALIZED ' ELSE '' END,
    CASE WHEN level = 'province' THEN 'a.district IS NOT NULL,' ELSE '' END);
END
$$;
COMMENT ON FUNCTION cp._rollup_query(text, int, text[], boolean) IS
  'Internal: the text of the roll-up query of cp.scorecard_rollup and cp.province_rollup (one definition of the weighting for every level; $1 level, $2 stage applied, $3 districts left out)';

CREATE FUNCTION cp.scorecard_rollup(level text, stage int DEFAULT NULL)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int)
LANGUAGE plpgsql STABLE
SET search_path FROM CURRENT
SET jit = off   -- at province level the foreign partitions' cost estimate would start JIT for a small query
AS $$
DECLARE
  st int := cp._rollup_stage(level, stage);
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF st IS NULL THEN
    RETURN;
  END IF;
  IF level <> 'province' THEN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
    RETURN;
  END IF;
  PERFORM cp._province_missing(false);   -- a district that cannot be read: an error naming it
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query(level, stage, NULL, false) USING level, st;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote error or cancel (a slow district): raised again naming it
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
END
$$;
COMMENT ON FUNCTION cp.scorecard_rollup(text, int) IS
  'Indicators per district (within its city), per city, or over the attached districts of a province database (province: a row per district as at district level, named by the district''s publication, and a row per indicator over all with city and district NULL) for a plan stage (NULL = today''s stage, latest values): for parking and childcare gaps and heritage protection computed with their denominators (cp.rollup_denominator), the mean weighted by them (weighting demand or listed); population-weighted mean of the communities'' values for other shares of residents (%) and per-resident quantities (m²/person); plain mean otherwise; target, met and score of the mean; communities, reporting communities, their population. Errors: unknown level or stage 22023; province: a district that cannot be read (unreachable: 08xxx naming it; publishing nothing: 55000; see cp.province_rollup)';
