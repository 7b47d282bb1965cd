-- Heritage register: OSM heritage candidates listed with illustrative zones (10 m protection,
-- 60 m control, 12 m height limit), the rules refusing what breaks them, and a development check
-- of every building of the area as if it were proposed at 20 m height.
\pset footer off
-- the register's SRID is fixed by the first site saved (the network's, as every footprint is transformed to it)
CREATE TABLE demo.heritage_attempts (osm_id bigint, name text, outcome text);
DO $$
DECLARE
  c record;
  srid int := (SELECT srid FROM cp.networks WHERE name = 'demo');
BEGIN
  FOR c IN SELECT osm_id, coalesce(tags ->> 'name:zh', name, historic, heritage) AS name, ST_Transform(geom, srid) AS g
             FROM osm.heritage WHERE ST_Dimension(geom) = 2 ORDER BY osm_id LOOP
    BEGIN
      INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone,
                                    height_limit_m, decision_ref, listed_on)
      VALUES ('OSM-' || c.osm_id, c.name, 'historic_building', ST_Multi(c.g),
              ST_Multi(ST_Buffer(c.g, 10)), ST_Multi(ST_Buffer(c.g, 60)), 12,
              'demo listing of OSM ' || c.osm_id, current_date);
      INSERT INTO demo.heritage_attempts VALUES (c.osm_id, c.name, 'listed');
    EXCEPTION WHEN integrity_constraint_violation OR check_violation OR exclusion_violation THEN
      INSERT INTO demo.heritage_attempts VALUES (c.osm_id, c.name, 'refused: ' || SQLERRM);
    END;
  END LOOP;
END $$;
-- only polygons can be listed (a register site needs a footprint); points and lines are counted, not listed
SELECT count(*) FILTER (WHERE ST_Dimension(geom) = 2) AS heritage_polygons,
       count(*) FILTER (WHERE ST_Dimension(geom) < 2) AS heritage_points_or_lines_not_listed
  FROM osm.heritage;
SELECT outcome, count(*) FROM demo.heritage_attempts GROUP BY 1 ORDER BY 1;
SELECT listed, protected, round(rate::numeric, 3) AS protection_rate, meets_target FROM cp.heritage_protection_rate();
-- every existing building, as if rebuilt 20 m tall
CREATE TABLE demo.heritage_review AS
SELECT b.id AS building_id, v.*
  FROM demo.buildings b,
       LATERAL cp.check_development(ST_Transform(b.geom, (SELECT srid FROM cp.networks WHERE name = 'demo')), 20) v;
SELECT rule, severity, count(DISTINCT building_id) AS buildings FROM demo.heritage_review GROUP BY 1, 2 ORDER BY 1, 2;
\copy (SELECT * FROM demo.heritage_review ORDER BY building_id, site_id) TO 'demo/out/heritage_review.csv' CSV HEADER
