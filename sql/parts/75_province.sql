
-- Province scale (issue 18) -------------------------------------------------------
-- Districts keep their own databases and publish results (communities and
-- indicator values) through read-only views; a province or city database
-- attaches each district with postgres_fdw as foreign partitions of
-- province-level partitioned tables and rolls them up (docs/province.md).
-- postgres_fdw is needed on the province side only: nothing here requires it
-- at install time; cp.attach_district checks for it.

-- Version of the published set (columns of the three published views). Bump it
-- whenever the published set changes: a province refuses a district whose
-- version differs (schema drift).
CREATE FUNCTION cp.publication_version() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$ SELECT 1 $$;
COMMENT ON FUNCTION cp.publication_version() IS
  'Version of the published set (cp.published_info, cp.published_communities, cp.published_indicator_values): 1; a province attaches only districts publishing the same version';

-- The one rule for a district name: a lower-case identifier, usable in object names.
CREATE FUNCTION cp._check_district_name(district text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF district IS NULL OR district = '' THEN
    RAISE EXCEPTION 'district name must not be empty'
      USING ERRCODE = '22023',
            HINT = 'Give a lower-case name such as gulou.';
  END IF;
  IF district !~ '^[a-z][a-z0-9_]{0,40}$' THEN
    RAISE EXCEPTION 'invalid district name "%"', district
      USING ERRCODE = '22023',
            DETAIL = 'A district name starts with a lower-case letter and has at most 41 lower-case letters, digits and underscores.',
            HINT = 'Use a transliteration such as gulou or cangshan.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._check_district_name(text) IS
  'Internal: raises 22023 unless the district name is a lower-case identifier (^[a-z][a-z0-9_]{0,40}$)';

-- District side: what this database publishes ------------------------------------

CREATE TABLE cp.publication (
  district     text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  published_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX publication_one_row ON cp.publication ((true));
COMMENT ON TABLE cp.publication IS
  'The district name this database publishes its results under (one row at most; none = nothing published); set with cp.publish, cleared with cp.unpublish';
COMMENT ON COLUMN cp.publication.district IS 'District name in the province (the partition key there; not cp.communities.district)';
COMMENT ON COLUMN cp.publication.published_at IS 'When cp.publish was run';
SELECT pg_catalog.pg_extension_config_dump('cp.publication', '');

CREATE FUNCTION cp.publish(district text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  PERFORM cp._check_district_name(district);
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'INSERT, DELETE') THEN
    RAISE EXCEPTION 'permission denied to publish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.',
            HINT = 'Ask the district''s DBA to run cp.publish.';
  END IF;
  DELETE FROM cp.publication;
  INSERT INTO cp.publication (district, published_at) VALUES (publish.district, now());
END
$$;
COMMENT ON FUNCTION cp.publish(text) IS
  'Publish this database''s communities and indicator values under a district name (lower-case identifier, else 22023) through cp.published_*; replaces an earlier publication; owner or cp_admin only (42501)';

CREATE FUNCTION cp.unpublish() RETURNS boolean
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF NOT pg_catalog.has_table_privilege('cp.publication', 'DELETE') THEN
    RAISE EXCEPTION 'permission denied to unpublish this district'
      USING ERRCODE = '42501',
            DETAIL = 'Only the owner of the extension and members of cp_admin set what a district publishes.';
  END IF;
  DELETE FROM cp.publication;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION cp.unpublish() IS
  'Stop publishing: the cp.published_* views become empty (a province then reports the district as publishing nothing); true when something was published; owner or cp_admin only (42501)';

-- The published views run with the rights of their owner (the extension owner):
-- a role with SELECT on them only (cp_province_reader) reads them without any
-- privilege on the tables behind them. They read nothing outside schema cp.
CREATE VIEW cp.published_info AS
SELECT p.district, e.extversion::text AS extension_version, cp.publication_version() AS publication_version,
       p.published_at
  FROM cp.publication p
  JOIN pg_catalog.pg_extension e ON e.extname OPERATOR(pg_catalog.=) 'community_planning';
COMMENT ON VIEW cp.published_info IS
  'What this district publishes: its district name, the installed extension version, the published set''s version (cp.publication_version()) and when; no row when nothing is published';

CREATE VIEW cp.published_communities AS
SELECT p.district, c.id, c.name, c.city, c.community_type, c.population, c.geom
  FROM cp.publication p CROSS JOIN cp.communities c;
COMMENT ON VIEW cp.published_communities IS
  'Published communities: every row of cp.communities under the publication''s district name (column district; the community''s own district column is not published); empty when nothing is published';
COMMENT ON COLUMN cp.published_communities.district IS 'The publication''s district name (cp.publication), not cp.communities.district';

CREATE VIEW cp.published_indicator_values AS
SELECT p.district, v.community_id, v.indicator, v.period, v.value, v.source, v.inputs
  FROM cp.publication p CROSS JOIN cp.indicator_values v;
COMMENT ON VIEW cp.published_indicator_values IS
  'Published indicator values: every row of cp.indicator_values (without entered_by/entered_at) under the publication''s district name; empty when nothing is published';
COMMENT ON COLUMN cp.published_indicator_values.district IS 'The publication''s district name (cp.publication)';

-- Province side: attached districts ------------------------------------------------

CREATE TABLE cp.province_districts (
  district            text PRIMARY KEY CHECK (district ~ '^[a-z][a-z0-9_]{0,40}$'),
  server_name         name NOT NULL UNIQUE,
  attached_at         timestamptz NOT NULL DEFAULT now(),
  extension_version   text,
  publication_version int
);
COMMENT ON TABLE cp.province_districts IS
  'Districts attached to this province database by cp.attach_district: foreign server and what the district published when attached (no credentials: those live in the user mapping only)';
COMMENT ON COLUMN cp.province_districts.district IS 'District name: the partition key of the province tables';
COMMENT ON COLUMN cp.province_districts.server_name IS 'postgres_fdw foreign server (cp_district_<district>)';
COMMENT ON COLUMN cp.province_districts.attached_at IS 'When it was attached';
COMMENT ON COLUMN cp.province_districts.extension_version IS 'community_planning version of the district when attached';
COMMENT ON COLUMN cp.province_districts.publication_version IS 'Published set version of the district when attached';
SELECT pg_catalog.pg_extension_config_dump('cp.province_districts', '');

CREATE TABLE cp.province_info (
  district            text,
  extension_version   text,
  publication_version int,
  published_at        timestamptz
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_info IS
  'cp.published_info of every attached district (foreign partitions, one per district)';

CREATE TABLE cp.province_communities (
  district       text,
  id             text,
  name           text,
  city           text,
  community_type text,
  population     bigint,
  geom           geometry(MultiPolygon)
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_communities IS
  'cp.published_communities of every attached district (foreign partitions cp.province_communities__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_communities.district IS 'District name (the partition key, the district''s publication name)';

CREATE TABLE cp.province_indicator_values (
  district     text,
  community_id text,
  indicator    text,
  period       date,
  value        numeric,
  source       text,
  inputs       jsonb
) PARTITION BY LIST (district);
COMMENT ON TABLE cp.province_indicator_values IS
  'cp.published_indicator_values of every attached district (foreign partitions cp.province_indicator_values__<district>, asynchronous append)';
COMMENT ON COLUMN cp.province_indicator_values.district IS 'District name (the partition key); with community_id the key of a community';

-- Name of a district's partition of a province table: table__district, shortened
-- with an md5 tag when it would exceed 63 bytes.
CREATE FUNCTION cp._province_partition(tbl text, district text) RETURNS name
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
  SELECT CASE WHEN pg_catalog.length(tbl || '__' || district) <= 63 THEN tbl || '__' || district
              ELSE tbl || '__' || pg_catalog.left(district, 63 - pg_catalog.length(tbl) - 2 - 9)
                   || '_' || pg_catalog.left(pg_catalog.md5(district), 8) END::name
$$;
COMMENT ON FUNCTION cp._province_partition(text, text) IS
  'Internal: name (in schema cp) of a district''s foreign partition of a province table: <table>__<district>, shortened with an md5 tag beyond 63 bytes';

-- One probe of a district: reachable, what it publishes; never raises (but for a cancel).
CREATE TYPE cp.district_probe AS (
  reachable           boolean,
  remote_district     text,
  extension_version   text,
  publication_version int,
  error_code          text,
  error               text
);
COMMENT ON TYPE cp.district_probe IS
  'Internal: what a probe of an attached district found (cp._province_probe)';

CREATE FUNCTION cp._province_probe(district text) RETURNS cp.district_probe
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  r cp.district_probe;
  msg text;
  det text;
BEGIN
  BEGIN
    EXECUTE pg_catalog.format('SELECT i.district, i.extension_version, i.publication_version FROM cp.%I i LIMIT 1',
                              cp._province_partition('province_info', district))
       INTO r.remote_district, r.extension_version, r.publication_version;
    r.reachable := true;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS r.error_code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    r.reachable := r.error_code NOT LIKE '08%' AND r.error_code NOT IN ('28P01', '28000', '2F003');
    r.error := msg || coalesce(': ' || nullif(det, ''), '');
  END;
  RETURN r;
END
$$;
COMMENT ON FUNCTION cp._province_probe(text) IS
  'Internal: reads an attached district''s cp.published_info: reachable (false on a connection or authentication error), the published district name and versions, or the error''s SQLSTATE and text; never raises';

-- What is wrong with an attached district, or NULL: unreachable, unpublished, ...
CREATE FUNCTION cp._province_drift(district text, p cp.district_probe) RETURNS text
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
BEGIN
  IF p.error IS NOT NULL AND NOT p.reachable THEN
    RETURN 'unreachable';
  ELSIF p.error IS NOT NULL THEN
    RETURN 'not_published';   -- reachable, but the published views are missing or unreadable
  ELSIF p.remote_district IS NULL THEN
    RETURN 'unpublished';
  ELSIF p.remote_district <> district THEN
    RETURN 'district_name';
  ELSIF p.publication_version IS DISTINCT FROM cp.publication_version() THEN
    RETURN 'publication_version';
  ELSIF p.extension_version IS DISTINCT FROM
        (SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning') THEN
    RETURN 'extension_version';
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION cp._province_drift(text, cp.district_probe) IS
  'Internal: the state of a probed district: NULL (in order), unreachable, not_published, unpublished, district_name, publication_version or extension_version';

-- The error for a district that cannot be rolled up (unreachable, publishing
-- nothing or another published set).
CREATE FUNCTION cp._province_raise(district text, drift text, p cp.district_probe, attaching boolean) RETURNS void
LANGUAGE plpgsql STABLE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  hint text := CASE WHEN attaching THEN 'Check the host, port, database name and the district''s pg_hba.conf.'
                    ELSE 'Check the district, or call cp.province_rollup(stage, allow_missing => true) to roll up without it.' END;
BEGIN
  IF drift = 'unreachable' THEN
    RAISE EXCEPTION 'district "%" is unreachable', district
      USING ERRCODE = coalesce(p.error_code, '08006'), DETAIL = p.error, HINT = hint;
  ELSIF drift = 'not_published' THEN
    RAISE EXCEPTION 'district database "%" has no published results', district
      USING ERRCODE = '55000', DETAIL = p.error,
            HINT = 'Install community_planning 0.2.0 or later in the district and run cp.publish there.';
  ELSIF drift = 'unpublished' THEN
    RAISE EXCEPTION 'district database "%" publishes nothing', district
      USING ERRCODE = '55000',
            HINT = pg_catalog.format('Run SELECT cp.publish(%L) in the district database.', district);
  ELSIF drift = 'district_name' THEN
    RAISE EXCEPTION 'district database "%" publishes district "%"', district, p.remote_district
      USING ERRCODE = '22023',
            HINT = 'Attach it under its published name, or publish it under this name.';
  ELSIF drift = 'publication_version' THEN
    RAISE EXCEPTION 'district "%" publishes version % of the published set, this database reads version %',
                    district, p.publication_version, cp.publication_version()
      USING ERRCODE = '55000',
            DETAIL = pg_catalog.format('The district runs community_planning %s.', p.extension_version),
            HINT = 'Update the extension in the older database (ALTER EXTENSION community_planning UPDATE).';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_raise(text, text, cp.district_probe, boolean) IS
  'Internal: raises the error of a district that cannot be read (unreachable: the connection''s SQLSTATE; publishing nothing or no published views: 55000; another name: 22023; another published set: 55000); nothing for an extension version difference';

CREATE FUNCTION cp.attach_district(district text, host text, port int, dbname text, user_name text,
                                   password text DEFAULT NULL, fetch_size int DEFAULT 1000)
RETURNS cp.province_districts
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  srv name;
  p cp.district_probe;
  drift text;
  ours text;
  st text;
  msg text;
  result cp.province_districts;
BEGIN
  PERFORM cp._check_district_name(district);
  IF host IS NULL OR host !~ '^(/[^[:space:][:cntrl:]'',]{1,200}|[A-Za-z0-9][A-Za-z0-9.:-]{0,252})$' THEN
    RAISE EXCEPTION 'invalid host "%"', coalesce(pg_catalog.left(host, 100), 'NULL')
      USING ERRCODE = '22023',
            DETAIL = 'A host is a host name, an IP address or the directory of a unix socket (starting with /).';
  END IF;
  IF port IS NULL OR port NOT BETWEEN 1 AND 65535 THEN
    RAISE EXCEPTION 'invalid port %', coalesce(port::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'A port is a number from 1 to 65535.';
  END IF;
  IF dbname IS NULL OR dbname = '' OR user_name IS NULL OR user_name = '' THEN
    RAISE EXCEPTION 'dbname and user_name must not be empty'
      USING ERRCODE = '22023', HINT = 'Name the district database and the login role the province reads it as.';
  END IF;
  IF password = '' THEN
    RAISE EXCEPTION 'password must not be empty'
      USING ERRCODE = '22023', HINT = 'Pass NULL when the district does not ask for a password.';
  END IF;
  IF fetch_size IS NULL OR fetch_size NOT BETWEEN 1 AND 1000000 THEN
    RAISE EXCEPTION 'invalid fetch_size %', coalesce(fetch_size::text, 'NULL')
      USING ERRCODE = '22023', DETAIL = 'fetch_size is the number of rows fetched per round trip, from 1 to 1000000.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_data_wrapper w WHERE w.fdwname = 'postgres_fdw') THEN
    RAISE EXCEPTION 'postgres_fdw is not installed in this database'
      USING ERRCODE = '0A000',
            DETAIL = 'A province database reads its districts through postgres_fdw.',
            HINT = 'Run CREATE EXTENSION postgres_fdw; (a superuser, in the province database only).';
  END IF;
  IF NOT pg_catalog.has_foreign_data_wrapper_privilege('postgres_fdw', 'USAGE')
     OR NOT pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c
                                     WHERE c.oid = 'cp.province_communities'::regclass), 'USAGE') THEN
    RAISE EXCEPTION 'permission denied to attach a district'
      USING ERRCODE = '42501',
            DETAIL = 'Attaching creates a foreign server (USAGE on postgres_fdw) and partitions of the province tables (their owner, the extension''s owner).',
            HINT = 'Run it as the extension''s owner.';
  END IF;
  srv := ('cp_district_' || district)::name;
  IF EXISTS (SELECT 1 FROM cp.province_districts d WHERE d.district = attach_district.district) THEN
    RAISE EXCEPTION 'district "%" is already attached', district
      USING ERRCODE = '42710', HINT = 'Detach it first with cp.detach_district.';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = srv) THEN
    RAISE EXCEPTION 'foreign server "%" already exists', srv
      USING ERRCODE = '42710', HINT = 'Drop or rename that server; cp.attach_district creates its own.';
  END IF;

  EXECUTE pg_catalog.format(
    'CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, async_capable %L, '
    'fetch_size %L, connect_timeout %L, application_name %L)',
    srv, host, port::text, dbname, 'true', fetch_size::text, '5', 'community_planning province');
  EXECUTE pg_catalog.format('COMMENT ON SERVER %I IS %L', srv,
                            'community_planning: district ' || district || ' (cp.attach_district)');
  BEGIN   -- the password must never appear in an error's context
    EXECUTE pg_catalog.format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L%s)', srv, user_name,
                              CASE WHEN password IS NOT NULL THEN pg_catalog.format(', password %L', password) ELSE '' END);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RAISE EXCEPTION 'could not create the user mapping of district "%": %', district, msg USING ERRCODE = st;
  END;
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_info FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_info', district), district, srv, 'cp', 'published_info', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_communities FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_communities', district), district, srv, 'cp', 'published_communities', 'true');
  EXECUTE pg_catalog.format(
    'CREATE FOREIGN TABLE cp.%I PARTITION OF cp.province_indicator_values FOR VALUES IN (%L) SERVER %I '
    'OPTIONS (schema_name %L, table_name %L, async_capable %L)',
    cp._province_partition('province_indicator_values', district), district, srv, 'cp', 'published_indicator_values', 'true');

  -- probe: an error undoes everything above (one transaction)
  p := cp._province_probe(district);
  drift := cp._province_drift(district, p);
  PERFORM cp._province_raise(district, drift, p, true);
  IF drift = 'extension_version' THEN
    SELECT e.extversion::text INTO ours FROM pg_catalog.pg_extension e WHERE e.extname = 'community_planning';
    RAISE NOTICE 'district "%" runs community_planning %, this database %', district, p.extension_version, ours
      USING DETAIL = 'Both publish the same set (version ' || p.publication_version || '); scores may differ where the versions compute differently.';
  END IF;
  INSERT INTO cp.province_districts (district, server_name, attached_at, extension_version, publication_version)
  VALUES (attach_district.district, srv, now(), p.extension_version, p.publication_version)
  RETURNING * INTO result;
  RETURN result;
END
$$;
COMMENT ON FUNCTION cp.attach_district(text, text, int, text, text, text, int) IS
  'Attach a district database: foreign server cp_district_<district> (postgres_fdw, async_capable, fetch_size, connect_timeout 5 s), a user mapping for the current user (password kept there only), foreign partitions of cp.province_info, cp.province_communities and cp.province_indicator_values; then checks what it publishes. Errors: bad argument 22023, no postgres_fdw 0A000, no privilege 42501, already attached 42710, unreachable 08xxx, publishes nothing 55000, another name 22023, another published set 55000; another extension version: NOTICE';

CREATE FUNCTION cp.detach_district(district text) RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
AS $$
DECLARE
  d cp.province_districts;
  um record;
  t text;
BEGIN
  SELECT * INTO d FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'district "%" is not attached', district
      USING ERRCODE = '42704', HINT = 'Attached districts are listed in cp.province_districts.';
  END IF;
  FOREACH t IN ARRAY ARRAY['province_info', 'province_communities', 'province_indicator_values'] LOOP
    EXECUTE pg_catalog.format('DROP FOREIGN TABLE IF EXISTS cp.%I', cp._province_partition(t, district));
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s WHERE s.srvname = d.server_name) THEN
    FOR um IN SELECT m.umuser FROM pg_catalog.pg_user_mapping m
                JOIN pg_catalog.pg_foreign_server s ON s.oid = m.umserver
               WHERE s.srvname = d.server_name LOOP
      EXECUTE pg_catalog.format('DROP USER MAPPING FOR %s SERVER %I',
                                CASE WHEN um.umuser = 0 THEN 'PUBLIC'
                                     ELSE pg_catalog.quote_ident(um.umuser::regrole::text) END, d.server_name);
    END LOOP;
    EXECUTE pg_catalog.format('DROP SERVER %I', d.server_name);
  END IF;
  DELETE FROM cp.province_districts pd WHERE pd.district = detach_district.district;
  RETURN true;
END
$$;
COMMENT ON FUNCTION cp.detach_district(text) IS
  'Detach a district: drops its foreign partitions, every user mapping of its server and the server (never CASCADE: an object of yours that uses a partition stops it), and its row of cp.province_districts; 42704 when not attached';

CREATE FUNCTION cp.province_status()
RETURNS TABLE (district text, reachable boolean, extension_version text, publication_version int,
               drift text, communities bigint, error text)
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  msg text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    district := d.district;
    reachable := p.reachable;
    extension_version := p.extension_version;
    publication_version := p.publication_version;
    drift := cp._province_drift(d.district, p);
    communities := NULL;
    error := p.error;
    IF p.error IS NULL THEN
      BEGIN
        EXECUTE pg_catalog.format('SELECT count(*) FROM cp.%I',
                                  cp._province_partition('province_communities', d.district)) INTO communities;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        error := msg;
      END;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp.province_status() IS
  'Probe every attached district: reachable, its extension and published-set versions, drift (NULL, unreachable, not_published, unpublished, district_name, publication_version, extension_version), published communities, error text; a district that is down is a row with reachable false, never an error';

-- Probe the attached districts for a roll-up: the ones to leave out (allowed) or an error.
CREATE FUNCTION cp._province_missing(allow_missing boolean) RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  p cp.district_probe;
  drift text;
  missing text[] := '{}';
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    p := cp._province_probe(d.district);
    drift := cp._province_drift(d.district, p);
    IF drift IS NULL OR drift = 'extension_version' THEN
      CONTINUE;
    END IF;
    IF NOT allow_missing THEN
      PERFORM cp._province_raise(d.district, drift, p, false);
    END IF;
    missing := missing || d.district;
  END LOOP;
  RETURN missing;
END
$$;
COMMENT ON FUNCTION cp._province_missing(boolean) IS
  'Internal: probes every attached district before a roll-up; one that cannot be read raises its error (cp._province_raise), or with allow_missing is returned in the list of districts left out';

-- After a remote error in a roll-up (a district too slow for its login's statement_timeout,
-- a connection lost mid-query): the districts whose published data cannot be read now, each
-- tried on its own, so the error can name them (the remote error itself names no server).
CREATE FUNCTION cp._province_failing() RETURNS text[]
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  d record;
  failing text[] := '{}';
  ctx text;
BEGIN
  FOR d IN SELECT pd.district FROM cp.province_districts pd ORDER BY pd.district LOOP
    BEGIN
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_communities', d.district));
      EXECUTE pg_catalog.format('SELECT 1 FROM cp.%I LIMIT 1', cp._province_partition('province_indicator_values', d.district));
    EXCEPTION WHEN OTHERS OR query_canceled THEN
      -- a remote cancel (the district's statement_timeout) counts against the district;
      -- a cancel of this statement (no remote context) must stop everything
      GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
      IF pg_catalog.strpos(coalesce(ctx, ''), 'remote SQL command') = 0 AND SQLSTATE = '57014' THEN
        RAISE;
      END IF;
      failing := failing || d.district::text;
    END;
  END LOOP;
  RETURN failing;
END
$$;
COMMENT ON FUNCTION cp._province_failing() IS
  'Internal: the attached districts whose published communities or values cannot be read now (each tried alone), to name them after a remote error';

-- A remote error of a roll-up raised again naming the district(s); a local cancel or any other
-- error passes through unchanged (the caller re-raises it).
CREATE FUNCTION cp._province_reraise(state text, msg text, context text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  failing text[];
BEGIN
  IF context IS NULL OR pg_catalog.strpos(context, 'remote SQL command') = 0 THEN
    RETURN;
  END IF;
  failing := cp._province_failing();
  IF pg_catalog.cardinality(failing) > 0 THEN
    RAISE EXCEPTION 'district % failed during the province roll-up: %',
                    pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.format('"%s"', f) FROM unnest(failing) f), ', '), msg
      USING ERRCODE = state,
            HINT = 'cp.province_status() shows each district; cp.province_rollup(allow_missing => true) rolls up without the districts that cannot be read.';
  END IF;
END
$$;
COMMENT ON FUNCTION cp._province_reraise(text, text, text) IS
  'Internal: after a remote error in a province roll-up, raises it again with the SQLSTATE kept, naming the districts that cannot be read (cp._province_failing); returns for local errors';

CREATE FUNCTION cp.province_rollup(stage int DEFAULT NULL, allow_missing boolean DEFAULT false)
RETURNS TABLE (city text, district text, indicator text, unit text, weighting text, value numeric,
               target numeric, met boolean, score numeric, communities int, reporting int,
               population bigint, without_population int, missing_districts text[])
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
SET jit = off   -- foreign partitions have no statistics: the cost estimate starts JIT, which costs more than the query
AS $$
DECLARE
  st int := cp._rollup_stage('province', stage);
  missing text[];
  err_state text;
  err_msg text;
  err_context text;
BEGIN
  IF allow_missing IS NULL THEN
    RAISE EXCEPTION 'allow_missing must not be NULL'
      USING ERRCODE = '22004', HINT = 'Pass true to roll up without the districts that cannot be read, false for an error.';
  END IF;
  missing := cp._province_missing(allow_missing);
  BEGIN
    RETURN QUERY EXECUTE cp._rollup_query('province', stage, missing, true) USING 'province'::text, st, missing;
  EXCEPTION WHEN OTHERS OR query_canceled THEN   -- a remote cancel too: a district's statement_timeout
    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_msg = MESSAGE_TEXT, err_context = PG_EXCEPTION_CONTEXT;
    PERFORM cp._province_reraise(err_state, err_msg, err_context);
    RAISE;
  END;
  IF NOT FOUND AND pg_catalog.cardinality(missing) > 0 THEN
    -- every district left out: the province rows still say so, with nothing rolled up
    RETURN QUERY
      SELECT NULL::text, NULL::text, i.code, i.unit, cp.rollup_weighting(i.unit), NULL::numeric,
             cp.indicator_target(i.code, st), NULL::boolean, NULL::numeric, 0, 0, NULL::bigint, 0, missing
        FROM cp.indicator_catalogue i ORDER BY i.code;
  END IF;
END
$$;
COMMENT ON FUNCTION cp.province_rollup(int, boolean) IS
  'cp.scorecard_rollup(''province'', stage) over the attached districts, with missing_districts: with allow_missing the districts that cannot be read (down, publishing nothing, another published set) are left out (partition pruning) and listed in every row; without, the error naming the first such district (unreachable: its connection SQLSTATE, 08xxx)';

-- QGIS: the province's communities ------------------------------------------------
-- The scores of cp.community_scores (today's stage, latest values), computed here
-- from the published values with the province's catalogue: the same normalisation
-- and the same renormalised weighting as cp.scorecard_summary (56_scorecard.sql).
CREATE VIEW cp.province_community_scores AS
WITH st AS (
  SELECT cp._current_stage() AS stage
), v AS (
  SELECT DISTINCT ON (iv.district, iv.community_id, iv.indicator) iv.district, iv.community_id, iv.indicator, iv.value
    FROM cp.province_indicator_values iv
   ORDER BY iv.district, iv.community_id, iv.indicator, iv.period DESC
), cat AS (
  SELECT i.code, i.dimension, i.domain, i.weight::numeric AS w, i.baseline, i.direction, i.valid_min, i.valid_max,
         cp.indicator_target(i.code, st.stage) AS target
    FROM cp.indicator_catalogue i, st
), sc AS (
  SELECT c.district, c.id, cat.dimension, cat.domain, cat.w, v.value,
         cp.normalised_score(v.value, cat.baseline, cat.target, cat.direction, cat.valid_min, cat.valid_max) AS score
    FROM cp.province_communities c CROSS JOIN cat
    LEFT JOIN v ON v.district = c.district AND v.community_id = c.id AND v.indicator = cat.code
), dom AS (
  SELECT sc.district, sc.id, sc.dimension, sc.domain,
         sum(sc.w * sc.score) FILTER (WHERE sc.score IS NOT NULL)
           / nullif(sum(sc.w) FILTER (WHERE sc.score IS NOT NULL), 0) AS score,
         count(*) AS n, count(sc.value) AS with_value, count(sc.score) AS scored
    FROM sc GROUP BY sc.district, sc.id, sc.dimension, sc.domain
), dim AS (
  SELECT dom.district, dom.id, dom.dimension,
         sum(d.weight::numeric * dom.score) FILTER (WHERE dom.score IS NOT NULL)
           / nullif(sum(d.weight::numeric) FILTER (WHERE dom.score IS NOT NULL), 0) AS score,
         sum(dom.n) AS n, sum(dom.with_value) AS with_value, sum(dom.scored) AS scored
    FROM dom JOIN cp.indicator_domains d ON d.code = dom.domain
   GROUP BY dom.district, dom.id, dom.dimension
), tot AS (
  SELECT dim.district, dim.id,
         trim_scale(sum(m.weight::numeric * dim.score) FILTER (WHERE dim.score IS NOT NULL)
           / nullif(sum(m.weight::numeric) FILTER (WHERE dim.score IS NOT NULL), 0)) AS overall,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'livability') AS livability,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'smartness') AS smartness,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'resilience') AS resilience,
         min(trim_scale(dim.score)) FILTER (WHERE dim.dimension = 'humanity') AS humanity,
         sum(dim.scored)::int AS scored, (sum(dim.n) - sum(dim.with_value))::int AS missing,
         pg_catalog.jsonb_object_agg(dim.dimension, trim_scale(dim.score)) AS dimensions
    FROM dim JOIN cp.indicator_dimensions m ON m.code = dim.dimension
   GROUP BY dim.district, dim.id
)
SELECT c.district, c.id, c.name, c.city, c.community_type, c.population, st.stage,
       t.overall, t.livability, t.smartness, t.resilience, t.humanity, t.scored, t.missing, t.dimensions,
       CASE WHEN ST_SRID(c.geom) = 4326 THEN c.geom ELSE ST_Transform(c.geom, 4326) END::geometry(MultiPolygon, 4326) AS geom
  FROM cp.province_communities c CROSS JOIN st
  LEFT JOIN tot t ON t.district = c.district AND t.id = c.id;
COMMENT ON VIEW cp.province_community_scores IS
  'Communities of every attached district with the scores of today''s plan stage, as cp.community_scores computes them (overall and the four dimensions 0..100, latest published values, this database''s catalogue and targets), outlines in WGS 84 (SRID 4326: districts may use different SRIDs); QGIS key (district, id)';
COMMENT ON COLUMN cp.province_community_scores.district IS 'District (its publication name)';
COMMENT ON COLUMN cp.province_community_scores.stage IS 'Plan stage whose targets apply (today''s)';
COMMENT ON COLUMN cp.province_community_scores.overall IS 'Overall weighted score 0..100';
COMMENT ON COLUMN cp.province_community_scores.scored IS 'Indicators with a value and a target';
COMMENT ON COLUMN cp.province_community_scores.missing IS 'Indicators without a value';
COMMENT ON COLUMN cp.province_community_scores.dimensions IS 'Every dimension''s score as jsonb';
COMMENT ON COLUMN cp.province_community_scores.geom IS 'Outline transformed to WGS 84';

GRANT SELECT ON cp.publication TO PUBLIC;

-- Last: the capability roles that exist get their grants (cp._role_privileges()
-- names objects of every part, up to this one).
-- cp._grant_roles() runs at the end of 82_scenarios.sql, after the last object it grants.
