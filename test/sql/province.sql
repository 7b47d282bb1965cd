-- Province scale (issue 18): a district publishes results through read-only views,
-- a province attaches it over postgres_fdw (here: a loopback to this database
-- through the unix socket) and rolls it up. The multi-cluster test with three
-- districts is test/province/ (another runner).
\set VERBOSITY terse
SET client_min_messages = warning;

-- District side: publication ---------------------------------------------------------
SELECT count(*) AS published_rows FROM cp.published_info;
SELECT cp.publish('');                         -- 22023
SELECT cp.publish(NULL);                       -- 22023
SELECT cp.publish('Gulou');                    -- 22023: not a lower-case identifier
SELECT cp.publish('a' || repeat('b', 41));     -- 22023: 42 characters
SELECT cp.unpublish() AS was_published;
SELECT cp.publish('home');
SELECT cp.publish('home');                     -- again: replaces
SELECT district, extension_version = (SELECT extversion FROM pg_extension WHERE extname = 'community_planning') AS our_version,
       publication_version, published_at IS NOT NULL AS dated
  FROM cp.published_info;
SELECT count(*) AS publications FROM cp.publication;

INSERT INTO cp.communities (id, name, district, city, community_type, population, geom) VALUES
  ('PV-1', 'Sanfang', 'home', 'Fuzhou', 'old', 3000, 'SRID=4549;MULTIPOLYGON(((0 0,100 0,100 100,0 100,0 0)))'),
  ('PV-2', 'Qixiang', 'home', 'Fuzhou', 'new', 1000, 'SRID=4549;MULTIPOLYGON(((100 0,200 0,200 100,100 100,100 0)))'),
  ('PV-3', 'Wuyi',    'home', 'Fuzhou', NULL,  NULL, NULL);
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source, inputs) VALUES
  ('PV-1', 'governance_participation', '2025-06-30', 40, 'survey', NULL),
  ('PV-1', 'governance_participation', '2027-06-30', 50, 'survey', NULL),
  ('PV-2', 'governance_participation', '2027-06-30', 70, 'survey', NULL),
  ('PV-3', 'governance_participation', '2027-06-30', 90, 'survey', NULL),
  ('PV-1', 'parking_gap_rate', '2027-06-30', 30, 'computed', '{"demand": 100}'),
  ('PV-2', 'parking_gap_rate', '2027-06-30', 10, 'computed', '{"demand": 300}'),
  ('PV-2', 'smart_sensors', '2027-06-30', 150, 'count', NULL),
  ('PV-3', 'smart_sensors', '2024-06-30', 250, 'count', NULL);
SELECT district, id, name, city, community_type, population, ST_SRID(geom) AS srid
  FROM cp.published_communities ORDER BY id;
SELECT district, community_id, indicator, period, value, source, inputs
  FROM cp.published_indicator_values ORDER BY community_id, indicator, period;
-- the published columns, with the types of the tables behind them
SELECT c.relname, pg_catalog.string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) AS columns
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'cp'::regnamespace AND c.relname IN ('published_info', 'published_communities', 'published_indicator_values',
                                                            'province_communities', 'province_indicator_values')
 GROUP BY c.relname ORDER BY c.relname;

-- The reader role: the published views only ----------------------------------------------
SELECT count(*) AS capability_roles FROM cp.setup_roles();
SELECT r.rolcanlogin, pg_catalog.pg_has_role('cp_province_reader', 'cp_reader', 'MEMBER') AS reader_member
  FROM pg_roles r WHERE r.rolname = 'cp_province_reader';
SELECT c.relname, pg_catalog.has_table_privilege('cp_province_reader', c.oid, 'SELECT') AS can_select
  FROM pg_class c WHERE c.relnamespace = 'cp'::regnamespace AND c.relkind IN ('r', 'v', 'p', 'm', 'f')
   AND pg_catalog.has_table_privilege('cp_province_reader', c.oid, 'SELECT')
   AND NOT pg_catalog.has_table_privilege('public', c.oid, 'SELECT')
 ORDER BY 1;
CREATE ROLE regress_province_login LOGIN IN ROLE cp_province_reader;
SET ROLE regress_province_login;
SELECT district, publication_version FROM cp.published_info;
SELECT count(*) AS communities FROM cp.published_communities;
SELECT count(*) AS values FROM cp.published_indicator_values;
SELECT count(*) FROM cp.indicator_values;             -- 42501
SELECT count(*) FROM cp.network_catalog;              -- 42501
SELECT count(*) FROM cp.indicator_local;              -- 42501
SELECT cp.publish('other');                           -- 42501
SELECT cp.unpublish();                                -- 42501
RESET ROLE;

-- Province side: argument checks ---------------------------------------------------------------
SELECT cp.attach_district('Home', '/tmp', 5432, 'db', 'u');                 -- 22023 district
SELECT cp.attach_district(NULL, '/tmp', 5432, 'db', 'u');                   -- 22023 district
SELECT cp.attach_district('home', '', 5432, 'db', 'u');                     -- 22023 host
SELECT cp.attach_district('home', 'x; DROP TABLE t', 5432, 'db', 'u');      -- 22023 host
SELECT cp.attach_district('home', '/tmp', 0, 'db', 'u');                    -- 22023 port
SELECT cp.attach_district('home', '/tmp', 70000, 'db', 'u');                -- 22023 port
SELECT cp.attach_district('home', '/tmp', 5432, '', 'u');                   -- 22023 dbname
SELECT cp.attach_district('home', '/tmp', 5432, 'db', NULL);                -- 22023 user_name
SELECT cp.attach_district('home', '/tmp', 5432, 'db', 'u', '');             -- 22023 password
SELECT cp.attach_district('home', '/tmp', 5432, 'db', 'u', NULL, 0);        -- 22023 fetch_size
SELECT cp.attach_district('home', '127.0.0.1', 1, 'db', 'u');               -- 0A000: no postgres_fdw
SELECT cp.detach_district('home');                                          -- 42704
SELECT count(*) FROM cp.detach_district(NULL);                              -- STRICT
SELECT * FROM cp.province_status();
SELECT count(*) AS rows FROM cp.scorecard_rollup('province', 2028);         -- nothing attached: no rows
SELECT count(*) AS rows, min(missing_districts::text) FROM cp.province_rollup(2028);
SELECT cp.scorecard_rollup('county', 2028);                                 -- 22023
SELECT cp.province_rollup(2030);                                            -- 22023
SELECT cp.province_rollup(2028, NULL);                                      -- 22004

CREATE EXTENSION postgres_fdw;
-- unreachable: nothing stays behind, the password is in no message
SELECT cp.attach_district('nowhere', '127.0.0.1', 1, 'db', 'u', 'regress-secret');
SELECT (SELECT count(*) FROM pg_foreign_server WHERE srvname LIKE 'cp_district_%') AS servers,
       (SELECT count(*) FROM pg_user_mappings WHERE srvname LIKE 'cp_district_%') AS mappings,
       (SELECT count(*) FROM cp.province_districts) AS districts;

-- Loopback: this database is the district "home" and the province ---------------------------
SELECT pg_catalog.btrim(pg_catalog.split_part(current_setting('unix_socket_directories'), ',', 1)) AS sockdir,
       current_setting('port')::int AS port, current_database() AS db, current_user AS me \gset
SELECT cp.attach_district('away', :'sockdir', :port, :'db', :'me');         -- 22023: publishes "home"
SELECT district, server_name, extension_version = (SELECT extversion FROM pg_extension WHERE extname = 'community_planning') AS same_version,
       publication_version
  FROM cp.attach_district('home', :'sockdir', :port, :'db', :'me');
SELECT cp.attach_district('home', :'sockdir', :port, :'db', :'me');         -- 42710
SELECT s.srvname, o.option_name, o.option_value
  FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
 WHERE s.srvname = 'cp_district_home' AND o.option_name NOT IN ('host', 'port', 'dbname') ORDER BY 2;
SELECT c.relname, pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bound, t.ftoptions
  FROM pg_class c JOIN pg_foreign_table t ON t.ftrelid = c.oid
 WHERE c.relnamespace = 'cp'::regnamespace ORDER BY 1;
SELECT district, reachable, publication_version, drift, communities, error FROM cp.province_status();
SELECT district, id, name, city, population FROM cp.province_communities ORDER BY id;
SELECT district, id, stage = cp._current_stage() AS today, overall IS NOT NULL AS scored, ST_SRID(geom) AS srid
  FROM cp.province_community_scores ORDER BY id;
-- the province map's scores are the district's own (cp.community_scores)
SELECT count(*) AS differences FROM (
  (SELECT id, name, city, community_type, population, stage, overall, livability, smartness, resilience, humanity, scored, missing, dimensions
     FROM cp.province_community_scores
   EXCEPT SELECT id, name, city, community_type, population, stage, overall, livability, smartness, resilience, humanity, scored, missing, dimensions
     FROM cp.community_scores)
  UNION ALL
  (SELECT id, name, city, community_type, population, stage, overall, livability, smartness, resilience, humanity, scored, missing, dimensions
     FROM cp.community_scores
   EXCEPT SELECT id, name, city, community_type, population, stage, overall, livability, smartness, resilience, humanity, scored, missing, dimensions
     FROM cp.province_community_scores)) d;

-- the province roll-up per district equals the district roll-up of the same data (district column = the publication's name)
SELECT count(*) AS province_rows, count(*) FILTER (WHERE district IS NULL) AS total_rows FROM cp.scorecard_rollup('province', 2028);
SELECT count(*) AS differences FROM (
  (SELECT * FROM cp.scorecard_rollup('province', 2028) WHERE district IS NOT NULL
   EXCEPT SELECT * FROM cp.scorecard_rollup('district', 2028))
  UNION ALL
  (SELECT * FROM cp.scorecard_rollup('district', 2028)
   EXCEPT SELECT * FROM cp.scorecard_rollup('province', 2028) WHERE district IS NOT NULL)) d;
SELECT count(*) AS differences FROM (
  (SELECT * FROM cp.scorecard_rollup('province', NULL) WHERE district IS NOT NULL
   EXCEPT SELECT * FROM cp.scorecard_rollup('district', NULL))
  UNION ALL
  (SELECT * FROM cp.scorecard_rollup('district', NULL)
   EXCEPT SELECT * FROM cp.scorecard_rollup('province', NULL) WHERE district IS NOT NULL)) d;
-- the province rows (city and district NULL): one district, so the same numbers
SELECT city, district, indicator, weighting, value, target, met, score, communities, reporting, population, without_population
  FROM cp.scorecard_rollup('province', 2028) WHERE reporting > 0 ORDER BY district NULLS FIRST, indicator;
SELECT indicator, value, missing_districts FROM cp.province_rollup(2028) WHERE reporting > 0 AND district IS NULL ORDER BY indicator;

-- unpublished: an error, or left out and listed
SELECT cp.unpublish();
SELECT district, reachable, drift, communities FROM cp.province_status();
SELECT count(*) FROM cp.scorecard_rollup('province', 2028);                 -- 55000
DO $$ BEGIN PERFORM cp.province_rollup(2028); EXCEPTION WHEN OTHERS THEN RAISE WARNING 'SQLSTATE %: %', SQLSTATE, SQLERRM; END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE district IS NULL AND communities = 0) AS empty_province_rows,
       min(missing_districts::text) AS missing FROM cp.province_rollup(2028, true);
SELECT cp.publish('home');

-- a district that is down: the error names it; allow_missing lists it
ALTER SERVER cp_district_home OPTIONS (SET port '1');
SELECT district, reachable, drift, communities, error IS NOT NULL AS has_error FROM cp.province_status();
SELECT count(*) FROM cp.scorecard_rollup('province', 2028);                 -- 08xxx
DO $$ BEGIN PERFORM cp.province_rollup(2028); EXCEPTION WHEN OTHERS THEN RAISE WARNING 'SQLSTATE class %: %', left(SQLSTATE, 2), SQLERRM; END $$;
SELECT count(*) AS rows, count(*) FILTER (WHERE district IS NULL) AS total_rows, sum(reporting) AS reporting,
       min(missing_districts::text) AS missing
  FROM cp.province_rollup(2028, allow_missing => true);
ALTER SERVER cp_district_home OPTIONS (SET port :'port');
SELECT district, reachable, drift FROM cp.province_status();

-- detach: partitions, user mapping, server and row gone
SELECT cp.detach_district('home');
SELECT cp.detach_district('home');                                          -- 42704
SELECT (SELECT count(*) FROM pg_foreign_server WHERE srvname LIKE 'cp_district_%') AS servers,
       (SELECT count(*) FROM pg_user_mappings WHERE srvname LIKE 'cp_district_%') AS mappings,
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'cp'::regnamespace AND relkind = 'f') AS partitions,
       (SELECT count(*) FROM cp.province_districts) AS districts;
SELECT cp._province_partition('province_indicator_values', 'a' || repeat('b', 40)) AS long_name,
       length(cp._province_partition('province_indicator_values', 'a' || repeat('b', 40))) AS length;

-- clean up
DROP EXTENSION postgres_fdw;
DROP ROLE regress_province_login;
SELECT cp.unpublish();
DELETE FROM cp.indicator_values WHERE community_id LIKE 'PV-%';
DELETE FROM cp.communities WHERE id LIKE 'PV-%';
