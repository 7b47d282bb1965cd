-- Foundation: the extension installs into schema cp and reports its wiring.
SELECT cp.version() ->> 'extension' AS extension;
SELECT (cp.version() ->> 'postgresql') LIKE '15.%' AS on_pg15,
       (cp.version() ->> 'geos') ~ '^3\.' AS geos_linked,
       (cp.version() ->> 'proj') ~ '^[0-9]+\.' AS proj_linked;
SELECT extname, extversion, extrelocatable,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = 'cp'::regnamespace) > 0 AS functions_in_cp
  FROM pg_extension e
 WHERE extname = 'community_planning';
SELECT cp.postgis_version() ~ '^3\.' AS postgis_3;
