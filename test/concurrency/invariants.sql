-- After the concurrent pgbench run: every invariant of the register still holds,
-- and the audit has exactly one row per committed change.
BEGIN;
SELECT plan(8);
SELECT cmp_ok((SELECT count(*) FROM bench_log WHERE ok), '>', 50::bigint, 'the clients committed changes');
SELECT cmp_ok((SELECT count(*) FROM bench_log WHERE NOT ok), '>', 0::bigint, 'and had changes refused by the rules');
SELECT is((SELECT count(*) FROM cp.heritage_history), (SELECT count(*) FROM bench_log WHERE ok),
          'one audit row per committed change');
SELECT is((SELECT count(*) FROM cp.heritage_site a JOIN cp.heritage_site b
            ON a.id < b.id AND a.status = 'listed' AND b.status = 'listed' AND a.footprint && b.footprint
           AND ST_Intersects(a.footprint, b.footprint) AND NOT ST_Touches(a.footprint, b.footprint)), 0::bigint,
          'no two listed footprints overlap');
SELECT is((SELECT count(*) FROM cp.heritage_site
            WHERE NOT ST_CoveredBy(footprint, protection_zone) OR NOT ST_CoveredBy(protection_zone, control_zone)), 0::bigint,
          'footprint inside protection zone inside control zone, for every site');
SELECT is((SELECT count(*) FROM cp.heritage_site WHERE NOT ST_IsValid(footprint) OR ST_SRID(footprint) <> 32633), 0::bigint,
          'every footprint valid and in the register SRID');
SELECT is((SELECT count(*) FROM cp.heritage_site WHERE status = 'deregistered' AND decision_ref IS NULL), 0::bigint,
          'no deregistration without a decision');
SELECT is((SELECT count(*) FROM cp.heritage_site s
             JOIN LATERAL (SELECT new_row FROM cp.heritage_history h WHERE h.site_id = s.id ORDER BY id DESC LIMIT 1) t ON true
            WHERE t.new_row IS DISTINCT FROM cp.heritage_row_jsonb(s)), 0::bigint,
          'the last audit row of every site is the site');
SELECT * FROM finish();
ROLLBACK;
