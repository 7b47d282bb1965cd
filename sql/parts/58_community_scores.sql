
-- QGIS (issue 8) -------------------------------------------------------------------
-- The communities with their scores, one row each, for a map.

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

