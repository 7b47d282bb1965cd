-- Normalised description of everything the extension owns, one line per object and attribute:
--   section | object | attribute | value
-- sorted, so that a plain diff of two databases' outputs is the comparison (test/upgrade/run.sh,
-- tools/upgrade-diff.sh). Sections: member, extension, function, relation, trigger, type, comment,
-- acl, shipped; "uses" lines name the functions, views and row types a view, trigger, policy,
-- default, constraint or function depends on. Names are written schema-qualified
-- (search_path = pg_catalog), the extension owner as OWNER, so two databases of one cluster
-- compare equal whatever their OIDs.
-- psql variables: ext (default community_planning); full=on writes function bodies and view
-- definitions in full (newlines as \n) instead of their md5, for reading a difference.
\set ON_ERROR_STOP 1
\set QUIET on
\if :{?ext}
\else
\set ext community_planning
\endif
\if :{?full}
\else
\set full off
\endif
\pset format unaligned
\pset footer off
\pset tuples_only on
\pset pager off
SET search_path = pg_catalog;
SET DateStyle = ISO;
SET TimeZone = 'UTC';
SET IntervalStyle = postgres;
SET extra_float_digits = 1;
SET bytea_output = hex;

WITH ext AS (
  SELECT e.oid, e.extname, e.extowner, e.extversion, e.extrelocatable, e.extnamespace, e.extconfig, e.extcondition
    FROM pg_extension e WHERE e.extname = :'ext'
),
mem AS (        -- the extension's members: pg_depend deptype 'e'
  SELECT d.classid, d.objid, d.objsubid
    FROM pg_depend d, ext
   WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
),
nsp AS (SELECT n.* FROM pg_namespace n JOIN mem ON mem.classid = 'pg_namespace'::regclass AND mem.objid = n.oid),
rel AS (SELECT c.* FROM pg_class c JOIN mem ON mem.classid = 'pg_class'::regclass AND mem.objid = c.oid),
fn AS (SELECT p.* FROM pg_proc p JOIN mem ON mem.classid = 'pg_proc'::regclass AND mem.objid = p.oid),
typ AS (SELECT t.* FROM pg_type t JOIN mem ON mem.classid = 'pg_type'::regclass AND mem.objid = t.oid),
-- relations described column by column: member tables and views, and the composite types the extension owns
crel AS (
  SELECT c.* FROM rel c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
  UNION ALL
  SELECT c.* FROM pg_class c JOIN typ t ON t.typrelid = c.oid WHERE c.relkind = 'c'
),
col AS (
  SELECT a.*, c.relowner, row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS position
    FROM pg_attribute a JOIN crel c ON c.oid = a.attrelid
   WHERE a.attnum > 0 AND NOT a.attisdropped
),
con AS (
  SELECT k.* FROM pg_constraint k WHERE k.conrelid IN (SELECT oid FROM crel)
  UNION ALL
  SELECT k.* FROM pg_constraint k JOIN typ t ON t.oid = k.contypid
),
idx AS (SELECT i.*, c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN (SELECT oid FROM rel)),
trg AS (SELECT g.* FROM pg_trigger g WHERE g.tgrelid IN (SELECT oid FROM rel) AND NOT g.tgisinternal),
pol AS (SELECT p.* FROM pg_policy p WHERE p.polrelid IN (SELECT oid FROM rel)),
rul AS (SELECT r.* FROM pg_rewrite r WHERE r.ev_class IN (SELECT oid FROM rel) AND r.rulename <> '_RETURN'),
-- every object a comment or an ACL may sit on
obj AS (
  SELECT classid, objid FROM mem
  UNION SELECT 'pg_extension'::regclass, oid FROM ext
  UNION SELECT 'pg_class'::regclass, indexrelid FROM idx
  UNION SELECT 'pg_constraint'::regclass, oid FROM con
  UNION SELECT 'pg_trigger'::regclass, oid FROM trg
  UNION SELECT 'pg_policy'::regclass, oid FROM pol
  UNION SELECT 'pg_rewrite'::regclass, oid FROM rul
),
-- ACLs: NULL means the default, so compare the effective list
acls AS (
  SELECT 'pg_namespace'::regclass AS classid, n.oid AS objid, 0 AS objsubid, coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl, n.nspowner AS owner FROM nsp n
  UNION ALL
  SELECT 'pg_class', c.oid, 0, coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner)), c.relowner FROM rel c
  UNION ALL
  SELECT 'pg_class', a.attrelid, a.attnum, a.attacl, a.relowner FROM col a WHERE a.attacl IS NOT NULL
  UNION ALL
  SELECT 'pg_proc', p.oid, 0, coalesce(p.proacl, acldefault('f', p.proowner)), p.proowner FROM fn p
  UNION ALL
  SELECT 'pg_type', t.oid, 0, coalesce(t.typacl, acldefault('T', t.typowner)), t.typowner FROM typ t
),
-- only what the scripts grant to PUBLIC and the owner: grants to the capability roles are
-- recorded only when the roles existed at CREATE EXTENSION, which depends on the cluster
initacls AS (
  SELECT i.classoid AS classid, i.objoid AS objid, i.objsubid, i.initprivs AS acl, ext.extowner AS owner
    FROM pg_init_privs i, ext
   WHERE (i.classoid, i.objoid) IN (SELECT classid, objid FROM obj) AND i.privtype = 'e'
),
cfg AS (
  SELECT c.rel, c.ord, coalesce(ext.extcondition[c.ord], '') AS cond
    FROM ext, unnest(ext.extconfig) WITH ORDINALITY AS c(rel, ord)
),
-- shipped rows: what pg_dump leaves out, i.e. rows outside the config-dump condition
-- (every row of a member table that is not config-dumped at all)
shipped_src AS (
  SELECT c.oid AS rel,
         CASE WHEN f.rel IS NULL THEN 'true'
              WHEN btrim(f.cond) = '' THEN NULL
              ELSE 'NOT (' || regexp_replace(f.cond, '^\s*WHERE\s+', '', 'i') || ')' END AS pred
    FROM rel c LEFT JOIN cfg f ON f.rel = c.oid
   WHERE c.relkind IN ('r', 'p')
),
lines(section, object, attribute, value) AS (
  -- membership
  SELECT 'member', pg_describe_object(m.classid, m.objid, m.objsubid), 'member of extension', ext.extname::text
    FROM mem m, ext
  UNION ALL
  -- objects in the extension's schemas that are not members (created by hand or by a script without ALTER EXTENSION ADD)
  SELECT 'member', pg_describe_object('pg_class'::regclass, c.oid, 0), 'NOT a member of extension', ext.extname::text
    FROM pg_class c, ext
   WHERE c.relnamespace IN (SELECT oid FROM nsp) AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
     AND c.oid NOT IN (SELECT oid FROM rel)
  UNION ALL
  SELECT 'member', pg_describe_object('pg_proc'::regclass, p.oid, 0), 'NOT a member of extension', ext.extname::text
    FROM pg_proc p, ext
   WHERE p.pronamespace IN (SELECT oid FROM nsp) AND p.oid NOT IN (SELECT oid FROM fn)
  UNION ALL
  SELECT 'member', pg_describe_object('pg_type'::regclass, t.oid, 0), 'NOT a member of extension', ext.extname::text
    FROM pg_type t, ext
   WHERE t.typnamespace IN (SELECT oid FROM nsp) AND t.typrelid = 0 AND t.oid NOT IN (SELECT oid FROM typ)
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'i')
  UNION ALL

  -- the extension itself and its config-dump registration (pg_extension_config_dump)
  SELECT 'extension', 'extension ' || ext.extname, a.k, a.v
    FROM ext, LATERAL (VALUES ('version', ext.extversion),
                              ('relocatable', ext.extrelocatable::text),
                              ('schema', ext.extnamespace::regnamespace::text),
                              ('owner', CASE WHEN ext.extowner = (SELECT nspowner FROM nsp LIMIT 1) THEN 'OWNER' ELSE ext.extowner::regrole::text END)) a(k, v)
  UNION ALL
  SELECT 'extension', 'extension ' || ext.extname, 'config dump ' || f.rel::regclass::text, f.cond
    FROM ext, cfg f
  UNION ALL

  -- functions
  SELECT 'function', p.oid::regprocedure::text, a.k, a.v
    FROM fn p, ext,
         LATERAL (SELECT regexp_replace(regexp_replace(p.prosrc, '[ \t]+(\n|$)', '\1', 'g'), '^\s+|\s+$', '', 'g') AS src) s,
         LATERAL (VALUES
           ('arguments', pg_get_function_arguments(p.oid)),
           ('result', pg_get_function_result(p.oid)),
           ('kind', p.prokind::text),
           ('language', (SELECT lanname::text FROM pg_language l WHERE l.oid = p.prolang)),
           ('volatility', p.provolatile::text),
           ('strict', p.proisstrict::text),
           ('parallel', p.proparallel::text),
           ('security definer', p.prosecdef::text),
           ('leakproof', p.proleakproof::text),
           ('returns set', p.proretset::text),
           ('config', coalesce(array_to_string(p.proconfig, '; '), '-')),
           ('cost', p.procost::text),
           ('rows', p.prorows::text),
           ('support', p.prosupport::regproc::text),
           ('owner', CASE WHEN p.proowner = ext.extowner THEN 'OWNER' ELSE p.proowner::regrole::text END),
           ('module', coalesce(p.probin, '-')),
           ('body', CASE WHEN :'full' = 'on'
                         THEN replace(replace(replace(s.src, E'\\', E'\\\\'), E'\n', E'\\n'), E'\t', E'\\t')
                         ELSE 'md5 ' || md5(s.src) || ', ' || (length(s.src) - length(replace(s.src, E'\n', '')) + 1) || ' lines' END),
           ('sql body', coalesce(md5(pg_get_function_sqlbody(p.oid)), '-'))) a(k, v)
  UNION ALL

  -- relations: tables, views, sequences (composite types under type)
  SELECT 'relation', pg_describe_object('pg_class'::regclass, c.oid, 0), a.k, a.v
    FROM rel c, ext,
         LATERAL (VALUES
           ('kind', c.relkind::text),
           ('persistence', c.relpersistence::text),
           ('row level security', c.relrowsecurity::text),
           ('force row level security', c.relforcerowsecurity::text),
           ('options', coalesce(array_to_string(c.reloptions, ', '), '-')),
           ('replica identity', c.relreplident::text),
           ('owner', CASE WHEN c.relowner = ext.extowner THEN 'OWNER' ELSE c.relowner::regrole::text END),
           ('access method', coalesce((SELECT amname::text FROM pg_am WHERE oid = c.relam), '-'))) a(k, v)
  UNION ALL
  SELECT 'relation', pg_describe_object('pg_class'::regclass, c.oid, 0), 'definition',
         CASE WHEN :'full' = 'on' THEN replace(pg_get_viewdef(c.oid, true), E'\n', E'\\n')
              ELSE 'md5 ' || md5(pg_get_viewdef(c.oid, true)) END
    FROM rel c WHERE c.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'relation', pg_describe_object('pg_class'::regclass, s.seqrelid, 0), a.k, a.v
    FROM pg_sequence s JOIN rel c ON c.oid = s.seqrelid,
         LATERAL (VALUES ('type', s.seqtypid::regtype::text), ('start', s.seqstart::text), ('increment', s.seqincrement::text),
                         ('min', s.seqmin::text), ('max', s.seqmax::text), ('cache', s.seqcache::text), ('cycle', s.seqcycle::text),
                         ('owned by', coalesce((SELECT pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) || ' (' || d.deptype::text || ')'
                                                  FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                                   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '-'))) a(k, v)
  UNION ALL
  SELECT CASE WHEN c.relkind = 'c' THEN 'type' ELSE 'relation' END,
         pg_describe_object('pg_class'::regclass, a.attrelid, a.attnum), x.k, x.v
    FROM col a JOIN crel c ON c.oid = a.attrelid,
         LATERAL (VALUES
           ('position', a.position::text),
           ('type', format_type(a.atttypid, a.atttypmod)),
           ('not null', a.attnotnull::text),
           ('default', coalesce((SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
                                  WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum), '-')),
           ('identity', coalesce(nullif(a.attidentity::text, ''), '-')),
           ('generated', coalesce(nullif(a.attgenerated::text, ''), '-')),
           ('collation', CASE WHEN a.attcollation = 0 THEN '-' ELSE a.attcollation::regcollation::text END),
           ('storage', a.attstorage::text),
           ('compression', coalesce(nullif(a.attcompression::text, ''), '-')),
           ('statistics target', a.attstattarget::text),
           -- this server build stamps every column with a per-relation pg_attver=N option: not a property of the schema
           ('options', coalesce((SELECT string_agg(o, ', ' ORDER BY o) FROM unnest(a.attoptions) o
                                  WHERE o NOT LIKE 'pg\_attver=%'), '-'))) x(k, v)
  UNION ALL
  -- constraints of tables and domains
  SELECT CASE WHEN k.contypid <> 0 THEN 'type' ELSE 'relation' END,
         pg_describe_object('pg_constraint'::regclass, k.oid, 0), a.k, a.v
    FROM con k,
         LATERAL (VALUES ('definition', pg_get_constraintdef(k.oid, true)),
                         ('validated', k.convalidated::text),
                         ('no inherit', k.connoinherit::text)) a(k, v)
  UNION ALL
  SELECT 'relation', pg_describe_object('pg_class'::regclass, i.indexrelid, 0), a.k, a.v
    FROM idx i,
         LATERAL (VALUES ('definition', pg_get_indexdef(i.indexrelid)),
                         ('clustered', i.indisclustered::text),
                         ('replica identity', i.indisreplident::text),
                         ('options', coalesce((SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = i.indexrelid), '-'))) a(k, v)
  UNION ALL
  SELECT 'relation', pg_describe_object('pg_policy'::regclass, p.oid, 0), a.k, a.v
    FROM pol p,
         LATERAL (VALUES ('command', p.polcmd::text),
                         ('permissive', p.polpermissive::text),
                         ('roles', (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE r::regrole::text END, ', ' ORDER BY 1)
                                      FROM unnest(p.polroles) r)),
                         ('using', coalesce(pg_get_expr(p.polqual, p.polrelid), '-')),
                         ('with check', coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '-'))) a(k, v)
  UNION ALL
  SELECT 'relation', pg_describe_object('pg_rewrite'::regclass, r.oid, 0), 'definition', pg_get_ruledef(r.oid, true)
    FROM rul r
  UNION ALL

  -- what views, triggers, policies, defaults, constraints and functions use: functions, views and
  -- row types of the extension's (an upgrade must drop and re-create them around a changed one)
  SELECT DISTINCT u.* FROM (SELECT
         CASE d.classid WHEN 'pg_trigger'::regclass THEN 'trigger' WHEN 'pg_proc'::regclass THEN 'function' ELSE 'relation' END,
         CASE d.classid WHEN 'pg_rewrite'::regclass
                        THEN (SELECT pg_describe_object('pg_class'::regclass, r.ev_class, 0) FROM pg_rewrite r WHERE r.oid = d.objid)
                        WHEN 'pg_proc'::regclass THEN d.objid::regprocedure::text
                        ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END,
         'uses',
         CASE WHEN d.refclassid = 'pg_type'::regclass
              THEN (SELECT pg_describe_object('pg_class'::regclass, t.typrelid, 0) FROM pg_type t WHERE t.oid = d.refobjid)
              ELSE pg_describe_object(d.refclassid, d.refobjid, 0) END
    FROM pg_depend d
   WHERE d.deptype = 'n'
     AND (   (d.refclassid = 'pg_proc'::regclass AND d.refobjid IN (SELECT oid FROM fn))
          OR (d.refclassid = 'pg_class'::regclass AND d.refobjid IN (SELECT oid FROM rel WHERE relkind IN ('v', 'm')))
          OR (d.refclassid = 'pg_type'::regclass AND d.refobjid IN (SELECT reltype FROM rel)))
     AND (   (d.classid = 'pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_rewrite r JOIN rel c ON c.oid = r.ev_class))
          OR (d.classid = 'pg_trigger'::regclass AND d.objid IN (SELECT oid FROM trg))
          OR (d.classid = 'pg_policy'::regclass AND d.objid IN (SELECT oid FROM pol))
          OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM con))
          OR (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT ad.oid FROM pg_attrdef ad JOIN rel c ON c.oid = ad.adrelid))
          OR (d.classid = 'pg_proc'::regclass AND d.objid IN (SELECT oid FROM fn)))
  ) u(section, object, attribute, value)
   WHERE u.object <> u.value     -- a view's rule uses the view itself
  UNION ALL

  -- triggers
  SELECT 'trigger', pg_describe_object('pg_trigger'::regclass, g.oid, 0), a.k, a.v
    FROM trg g,
         LATERAL (VALUES ('definition', pg_get_triggerdef(g.oid, true)),
                         ('enabled', g.tgenabled::text)) a(k, v)
  UNION ALL

  -- types the extension owns (enums, domains, ranges, base and composite types)
  SELECT 'type', pg_describe_object('pg_type'::regclass, t.oid, 0), a.k, a.v
    FROM typ t, ext,
         LATERAL (VALUES
           ('kind', t.typtype::text),
           ('owner', CASE WHEN t.typowner = ext.extowner THEN 'OWNER' ELSE t.typowner::regrole::text END),
           ('base type', CASE WHEN t.typbasetype = 0 THEN '-' ELSE format_type(t.typbasetype, t.typtypmod) END),
           ('not null', t.typnotnull::text),
           ('default', coalesce(t.typdefault, '-')),
           ('labels', coalesce((SELECT string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '-')),
           ('range subtype', coalesce((SELECT format_type(r.rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid), '-'))) a(k, v)
  UNION ALL

  -- comments on every object: schema, functions, tables, columns, views, indexes, constraints,
  -- triggers, policies, rules, types, the extension
  SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), 'comment',
         replace(replace(d.description, E'\\', E'\\\\'), E'\n', E'\\n')
    FROM pg_description d
   WHERE (d.classoid, d.objoid) IN (SELECT classid, objid FROM obj)
  UNION ALL

  -- privileges: effective ACLs, ACLs recorded as the extension's initial ones, default privileges
  SELECT 'acl', pg_describe_object(g.classid, g.objid, g.objsubid), 'privileges',
         coalesce((SELECT string_agg(x.who || '=' || x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END, ', '
                                     ORDER BY x.who COLLATE "C", x.privilege_type)
                     FROM (SELECT CASE WHEN e.grantee = 0 THEN 'PUBLIC' WHEN e.grantee = g.owner THEN 'OWNER'
                                       ELSE e.grantee::regrole::text END AS who, e.privilege_type, e.is_grantable
                             FROM aclexplode(g.acl) e) x), 'none')
    FROM acls g
  UNION ALL
  SELECT 'acl', pg_describe_object(g.classid, g.objid, g.objsubid), 'initial privileges (PUBLIC and owner)',
         coalesce((SELECT string_agg(x.who || '=' || x.privilege_type || CASE WHEN x.is_grantable THEN '*' ELSE '' END, ', '
                                     ORDER BY x.who COLLATE "C", x.privilege_type)
                     FROM (SELECT CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE 'OWNER' END AS who, e.privilege_type, e.is_grantable
                             FROM aclexplode(g.acl) e
                            WHERE e.grantee IN (0, g.owner)) x), 'none')
    FROM initacls g
  UNION ALL
  SELECT 'acl', 'default privileges in schema ' || coalesce(a.defaclnamespace::regnamespace::text, '(all)') || ' for role '
                || a.defaclrole::regrole::text || ' on ' || a.defaclobjtype::text, 'privileges', a.defaclacl::text
    FROM pg_default_acl a
   WHERE a.defaclnamespace IN (SELECT oid FROM nsp)
  UNION ALL

  -- shipped catalogue rows, compared as data (jsonb: column order does not matter here, the
  -- relation section compares it); dynamic SQL through query_to_xml keeps this one query
  SELECT 'shipped', 'rows of ' || s.rel::regclass::text, 'row',
         replace(replace(replace(replace(replace((xpath('/row/j/text()', r))[1]::text,
                 '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&apos;', ''''), '&amp;', '&')
    FROM shipped_src s,
         LATERAL unnest(xpath('/table/row', query_to_xml(
           format('SELECT to_jsonb(t)::text AS j FROM %s t WHERE %s', s.rel::regclass, s.pred), false, false, ''))) r
   WHERE s.pred IS NOT NULL
  UNION ALL
  SELECT 'shipped', 'rows of ' || s.rel::regclass::text, 'count',
         (xpath('/row/n/text()', (xpath('/table/row', query_to_xml(
           format('SELECT count(*) AS n FROM %s t WHERE %s', s.rel::regclass, s.pred), false, false, '')))[1]))[1]::text
    FROM shipped_src s
   WHERE s.pred IS NOT NULL
)
SELECT l.line
  FROM (SELECT section || ' | ' || object || ' | ' || attribute || ' | ' || coalesce(value, 'NULL') AS line FROM lines) l
 ORDER BY l.line COLLATE "C";
