-- NULL arguments of the functions added in 0.3.0 (issues 15-17), one position at a time:
-- what a call returns (rows) or raises (SQLSTATE) when that argument is NULL. STRICT
-- functions give no row or NULL; the others say which arguments may be NULL.
\set VERBOSITY terse
SET client_min_messages = warning;

SELECT nodes, edges FROM cp.network_build('nstreet', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom$$);
CREATE TABLE nres (id int, geom geometry, population float8);
INSERT INTO nres VALUES (1, 'SRID=32650;POINT(100 0)', 100), (2, 'SRID=32650;POINT(800 0)', 50);
CREATE TABLE nfac (id int, category text, geom geometry, capacity float8, floor_area float8);
INSERT INTO nfac VALUES (1, 'kindergarten', 'SRID=32650;POINT(200 0)', 30, 4000);
CREATE TABLE ncom (id int, geom geometry);
INSERT INTO ncom VALUES (1, 'SRID=32650;POLYGON((-10 -10, 1010 -10, 1010 10, -10 10, -10 -10))');
CREATE TABLE npoi (id text, name text, type text, lon float8, lat float8);
INSERT INTO npoi VALUES ('A1', '幼儿园一', '幼儿园', 116.32, 40.0);
SELECT cp.scenario_create('nplan', 'nstreet', 'for the NULL test') IS NOT NULL AS scenario;

-- each argument in turn replaced by NULL; rows returned or the SQLSTATE raised
CREATE FUNCTION pg_temp.nulls(fn text, args text[]) RETURNS TABLE (f text, result text)
LANGUAGE plpgsql AS $$
DECLARE a text[]; n bigint; parts text[] := '{}';
BEGIN
  FOR i IN 1..cardinality(args) LOOP
    a := args; a[i] := 'NULL';
    BEGIN
      EXECUTE format('SELECT count(*) FROM %s(%s) r WHERE NOT (r IS NULL)', fn, array_to_string(a, ', ')) INTO n;
      parts := parts || (i || ':' || n);
    EXCEPTION WHEN OTHERS THEN
      parts := parts || (i || ':' || SQLSTATE);
    END;
  END LOOP;
  f := fn; result := array_to_string(parts, ' ');
  RETURN NEXT;
END $$;

SELECT * FROM pg_temp.nulls('cp.facility_sizes', ARRAY['''SELECT * FROM nfac''', '''GB50180-2018''']);
SELECT * FROM pg_temp.nulls('cp.category_name', ARRAY['''kindergarten''', '''zh''']);
SELECT * FROM pg_temp.nulls('cp.category_names', ARRAY['''{kindergarten,clinic}''::text[]', '''zh''']);
SELECT * FROM pg_temp.nulls('cp.poi_category', ARRAY['''amap''', '''幼儿园''', '''141204''', '''GB50180-2018''']);
SELECT * FROM pg_temp.nulls('cp.poi_facilities', ARRAY['''amap''', '''SELECT * FROM npoi''', '32650', '''GB50180-2018''', '''gcj02''']);
SELECT * FROM pg_temp.nulls('cp.access_surface', ARRAY['''nstreet''', '''SELECT * FROM nres''', '''SELECT * FROM nfac''',
                                                      '''kindergarten''', '200', '''GB50180-2018''', '''walk''', '''m''',
                                                      '''CN-2020''', '''step''', 'NULL', '500']);
SELECT * FROM pg_temp.nulls('cp.suggest_sites', ARRAY['''nstreet''', '''SELECT * FROM nres''',
                                                     '''SELECT 7 AS id, ST_SetSRID(ST_MakePoint(700, 0), 32650) AS geom''',
                                                     '''kindergarten''', '1', '''SELECT * FROM nfac''', '''coverage''',
                                                     '''GB50180-2018''', '''walk''', '''m''', '''CN-2020''', 'NULL', 'NULL', 'NULL']);
SELECT * FROM pg_temp.nulls('cp.scenario_network', ARRAY['''nplan''']);
SELECT * FROM pg_temp.nulls('cp.scenario_facilities_sql', ARRAY['''nplan''', '''SELECT * FROM nfac''']);
SELECT * FROM pg_temp.nulls('cp.scenario_residents_sql', ARRAY['''nplan''', '''SELECT * FROM nres''']);
SELECT * FROM pg_temp.nulls('cp.compare_scenarios', ARRAY['''nstreet''', '''nplan''', '''SELECT * FROM nres''',
                                                         '''SELECT id, category, geom FROM nfac''', '''SELECT * FROM ncom''']);
SELECT * FROM pg_temp.nulls('cp.indicator_public_service_coverage',
  ARRAY['''SELECT id::bigint AS id, geom FROM ncom''',
        $q$'{"network": "nstreet", "residents_sql": "SELECT * FROM nres", "facilities_sql": "SELECT id, category, geom FROM nfac", "standard": "GB50180-2018"}'::jsonb$q$]);
SELECT * FROM pg_temp.nulls('cp.indicator_childcare_institution_coverage',
  ARRAY['''SELECT id::bigint AS id, geom FROM ncom''',
        $q$'{"network": "nstreet", "residents_sql": "SELECT * FROM nres", "facilities_sql": "SELECT id, category, geom FROM nfac", "standard": "GB50180-2018", "childcare_category": "kindergarten"}'::jsonb$q$]);
-- scenario_create names its NULL: 22004; scenario_drop of NULL: nothing
SELECT * FROM pg_temp.nulls('cp.scenario_create', ARRAY['''nplan2''', '''nstreet''', '''note''']);
SELECT cp.scenario_drop(NULL) IS NULL AS drop_null;

SELECT cp.scenario_drop('nplan');
SELECT cp.scenario_drop('nplan2') WHERE EXISTS (SELECT 1 FROM cp.scenarios WHERE name = 'nplan2');
SELECT cp.network_drop('nstreet');
DROP TABLE nres, nfac, ncom, npoi;
