
-- Communities (issue 8) -----------------------------------------------------------
-- The district's communities with their district, city, type, population and
-- outline: the units every scorecard, roll-up and computed indicator is kept for.

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
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has a geometry without SRID'), NEW.id),
            ERRCODE = '23514',
            HINT = cp._t('Set the SRID of the outline with ST_SetSRID(geom, srid).');
  END IF;
  IF ST_IsEmpty(NEW.geom) OR NOT ST_IsValid(NEW.geom) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has an empty or invalid geometry'), NEW.id),
            ERRCODE = '23514',
            DETAIL = coalesce(nullif(ST_IsValidReason(NEW.geom), 'Valid Geometry'), cp._t('The geometry is empty.')),
            HINT = cp._t('Repair it with ST_MakeValid, or leave geom NULL.');
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
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('community "%s" has SRID %s, the communities use SRID %s'), NEW.id, ST_SRID(NEW.geom), other_srid),
            ERRCODE = '23514',
            DETAIL = pg_catalog.format(cp._t('Community %s has SRID %s; every outline in cp.communities carries the same SRID.'), other_id, other_srid),
            HINT = pg_catalog.format(cp._t('Transform it with ST_Transform(geom, %s).'), other_srid);
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

