-- Parking gap on the real OSM extracts (monaco, krems, andorra): conservation of
-- demand and supply, ratios in range, allocation within walk_m and equal to
-- cp.walk_distance, greedy nearest-first and maximal, the what-if, contracts,
-- errors and NULLs; one C pass (each caller query run once, no temp table, a
-- read-only transaction is enough), capacity from area equal to PostGIS's
-- ST_Area, per-community figures equal to those of 0.1.0.
BEGIN;
SELECT plan(112);

-- contracts
SELECT has_function('cp', f, ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'])
  FROM unnest(ARRAY['parking_gap']) f;
SELECT has_function('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'])
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;
SELECT volatility_is('cp', 'parking_gap', ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'],
                     'volatile', 'cp.parking_gap is VOLATILE (runs the caller''s queries)');
SELECT is_strict('cp', 'parking_gap', ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'],
                 'cp.parking_gap is STRICT');
SELECT volatility_is('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'],
                     'volatile', 'cp.' || f || ' is VOLATILE (runs the caller''s queries)')
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;
SELECT is_strict('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision', 'double precision', 'text', 'text'],
                 'cp.' || f || ' is STRICT')
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'cp'::regnamespace
            AND (p.proname LIKE 'parking_gap%' OR p.proname IN ('parking_lots', 'parking_allocation') OR p.proname LIKE '\_parking\_%')
            AND (obj_description(p.oid, 'pg_proc') IS NULL
                 OR ((SELECT lanname FROM pg_language l WHERE l.oid = p.prolang) IN ('plpgsql', 'sql')
                     AND NOT EXISTS (SELECT 1 FROM unnest(coalesce(p.proconfig, '{}')) c WHERE c LIKE 'search_path=%')))),
          0::bigint, 'every parking function has a COMMENT, and every plpgsql one a fixed search_path');

-- inputs: buildings (building=yes counted as housing: the extracts tag no residential types),
-- public car parks, a 500 m grid of communities over buildings and car parks
CREATE TEMP TABLE bld AS
SELECT area, area_id AS id, geom,
       CASE WHEN residential OR building IN ('yes', 'residential', 'apartments', 'house') THEN 'residential'
            WHEN building IN ('office', 'commercial') THEN 'office'
            WHEN building IN ('retail', 'supermarket') THEN 'retail'
            WHEN building IN ('school', 'university', 'kindergarten') THEN 'school'
            WHEN building IN ('hospital', 'clinic') THEN 'clinic' END AS use,
       cp.estimate_population(cp.building_floor_area(geom, coalesce(levels, 4))) / 2.62 AS households,
       cp.building_floor_area(geom, coalesce(levels, 4)) AS floor_area
  FROM (SELECT 'monaco' AS area, * FROM monaco.buildings UNION ALL
        SELECT 'krems', * FROM krems.buildings UNION ALL
        SELECT 'andorra', * FROM andorra.buildings) b;
CREATE TEMP TABLE lots AS
SELECT area, row_number() OVER (PARTITION BY area ORDER BY osm_type, osm_id) AS id, geom, capacity
  FROM (SELECT 'monaco' AS area, * FROM monaco.parking UNION ALL
        SELECT 'krems', * FROM krems.parking UNION ALL
        SELECT 'andorra', * FROM andorra.parking) p
 WHERE access IS NULL OR access NOT IN ('private', 'no');
CREATE TEMP TABLE comm AS
SELECT a.area, row_number() OVER (PARTITION BY a.area ORDER BY g.i, g.j) AS id, g.geom
  FROM (SELECT n.name AS area, n.srid FROM cp.networks n WHERE n.name IN ('monaco', 'krems', 'andorra')) a,
       LATERAL ST_SquareGrid(500, ST_Transform(ST_SetSRID(
         (SELECT ST_Extent(geom) FROM (SELECT geom FROM bld WHERE bld.area = a.area
                                       UNION ALL SELECT geom FROM lots WHERE lots.area = a.area) x)::geometry, 4326), a.srid)) g;
DELETE FROM comm c WHERE NOT EXISTS (SELECT 1 FROM bld b WHERE b.area = c.area
                                      AND ST_Intersects(c.geom, ST_Transform(ST_PointOnSurface(b.geom), ST_SRID(c.geom))))
                     AND NOT EXISTS (SELECT 1 FROM lots p WHERE p.area = c.area
                                      AND ST_Intersects(c.geom, ST_Transform(ST_PointOnSurface(p.geom), ST_SRID(c.geom))));

CREATE TEMP TABLE r_gap (area text, community_id bigint, demand float8, supply_inside float8, supply_allocated float8,
                         gap float8, gap_ratio float8);
CREATE TEMP TABLE r_b (area text, building_id bigint, use text, demand float8, supplied float8, unmet float8, unmet_ratio float8);
CREATE TEMP TABLE r_l (area text, parking_id bigint, capacity float8, capacity_source text, allocated float8, spare float8);
CREATE TEMP TABLE r_a (area text, building_id bigint, parking_id bigint, distance_m float8, spaces float8);
CREATE TEMP TABLE r_pairs (area text, building_id bigint, parking_id bigint, distance_m float8);
DO $$
DECLARE
  a text;
  b text;
  p text;
BEGIN
  FOREACH a IN ARRAY ARRAY['monaco', 'krems', 'andorra'] LOOP
    b := format('SELECT id, geom, use, households, floor_area FROM pg_temp.bld WHERE area = %L', a);
    p := format('SELECT id, geom, capacity FROM pg_temp.lots WHERE area = %L', a);
    INSERT INTO r_gap SELECT a, g.community_id, g.demand, g.supply_inside, g.supply_allocated, g.gap, g.gap_ratio
      FROM cp.parking_gap(a, b, p, format('SELECT id, geom FROM pg_temp.comm WHERE area = %L', a)) g;
    INSERT INTO r_b SELECT a, x.building_id, x.use, x.demand, x.supplied, x.unmet, x.unmet_ratio
      FROM cp.parking_gap_buildings(a, b, p) x;
    INSERT INTO r_l SELECT a, x.parking_id, x.capacity, x.capacity_source, x.allocated, x.spare FROM cp.parking_lots(a, b, p) x;
    INSERT INTO r_a SELECT a, x.* FROM cp.parking_allocation(a, b, p) x;
    -- every (building, car park) pair within 300 m, for the greedy's properties
    INSERT INTO r_pairs SELECT a, n.target_id, n.origin_id, n.distance_m
      FROM cp.nearest(a, format('SELECT id, geom FROM pg_temp.lots WHERE area = %L', a),
                      format('SELECT id, geom FROM pg_temp.bld WHERE area = %L', a), 300, 1000) n
     WHERE n.origin_id IS NOT NULL;
  END LOOP;
END
$$;
-- the per-area numbers, for the record
SELECT diag(area || ': demand ' || round(sum(demand)) || ', allocated ' || round(sum(supply_allocated))
            || ', gap ratio ' || round((sum(gap) / nullif(sum(demand), 0))::numeric, 3)
            || ', communities ' || count(*) || ', worst community ' || round(max(gap_ratio)::numeric, 3))
  FROM r_gap GROUP BY area ORDER BY area;

SELECT is((SELECT count(*) FROM r_gap g WHERE g.area = a), (SELECT count(*) FROM comm c WHERE c.area = a),
          a || ': one row per community')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT cmp_ok((SELECT count(*) FROM r_a WHERE area = a), '>', 0::bigint, a || ': some spaces are allocated')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT ok((SELECT abs((SELECT sum(demand) FROM r_gap WHERE area = a) - (SELECT sum(demand) FROM r_b WHERE area = a))
                  < 1e-6 * (SELECT sum(demand) FROM r_b WHERE area = a)),
          a || ': community demand adds up to the buildings'' demand (the grid covers every building)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT ok((SELECT abs((SELECT sum(supply_inside) FROM r_gap WHERE area = a) - (SELECT sum(capacity) FROM r_l WHERE area = a)) < 1e-6),
          a || ': supply inside adds up to the total capacity (each car park in one community)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT ok((SELECT sum(supply_allocated) FROM r_gap WHERE area = a) <= (SELECT sum(capacity) FROM r_l WHERE area = a) + 1e-6
          AND (SELECT sum(supply_allocated) FROM r_gap WHERE area = a) <= (SELECT sum(demand) FROM r_gap WHERE area = a) + 1e-6,
          a || ': allocated ≤ total capacity and ≤ total demand')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT ok(abs((SELECT sum(spaces) FROM r_a WHERE area = a) - (SELECT sum(supplied) FROM r_b WHERE area = a)) < 1e-6
          AND abs((SELECT sum(spaces) FROM r_a WHERE area = a) - (SELECT sum(allocated) FROM r_l WHERE area = a)) < 1e-6
          AND abs((SELECT sum(spaces) FROM r_a WHERE area = a) - (SELECT sum(supply_allocated) FROM r_gap WHERE area = a)) < 1e-6,
          a || ': spaces conserved: pairs = buildings served = car parks used = communities allocated')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM r_b WHERE area = a AND supplied > demand + 1e-9)
          + (SELECT count(*) FROM r_l WHERE area = a AND allocated > capacity + 1e-9), 0::bigint,
          a || ': no building gets more than its demand, no car park gives more than its capacity')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM r_gap WHERE area = a
            AND NOT ((demand > 0 AND gap_ratio BETWEEN 0 AND 1 AND abs(gap - (demand - supply_allocated)) < 1e-9
                      AND abs(gap_ratio - gap / demand) < 1e-12)
                     OR (demand = 0 AND gap_ratio IS NULL))), 0::bigint,
          a || ': gap = demand − allocated, gap_ratio in [0, 1], NULL exactly without demand')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM r_a WHERE area = a AND NOT distance_m <= 300), 0::bigint,
          a || ': every allocated pair is within walk_m (300 m)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM (SELECT * FROM r_a s WHERE s.area = a ORDER BY s.building_id, s.parking_id LIMIT 25) s
             JOIN bld b ON b.area = a AND b.id = s.building_id
             JOIN lots p ON p.area = a AND p.id = s.parking_id
            WHERE NOT abs(cp.walk_distance(a, b.geom, p.geom) - s.distance_m) <= 1e-6 * greatest(s.distance_m, 1)),
          0::bigint, a || ': 25 allocated distances equal cp.walk_distance')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
-- oracle: the C allocation (distance bands, one bounded search per car park) equals the plain
-- greedy over every pair within 300 m as cp.nearest gives them (one multi-source search, k = 1000),
-- sorted by (distance, building id, car park id) and served in a PL/pgSQL loop
CREATE TEMP TABLE r_oracle (area text, building_id bigint, parking_id bigint, distance_m float8, spaces float8);
DO $$
DECLARE
  a     text;
  need  float8[];
  left_ float8[];
  take  float8;
  r     record;
BEGIN
  FOREACH a IN ARRAY ARRAY['monaco', 'krems', 'andorra'] LOOP
    need := ARRAY(SELECT b.demand FROM r_b b WHERE b.area = a ORDER BY b.building_id);
    left_ := ARRAY(SELECT l.capacity FROM r_l l WHERE l.area = a ORDER BY l.parking_id);
    FOR r IN SELECT q.building_id, q.parking_id, q.distance_m, bi.n AS bi, li.n AS li
               FROM r_pairs q
               JOIN (SELECT b.building_id, row_number() OVER (ORDER BY b.building_id) AS n FROM r_b b WHERE b.area = a) bi
                 USING (building_id)
               JOIN (SELECT l.parking_id, row_number() OVER (ORDER BY l.parking_id) AS n FROM r_l l WHERE l.area = a) li
                 USING (parking_id)
              WHERE q.area = a AND q.distance_m <= 300
              ORDER BY q.distance_m, q.building_id, q.parking_id LOOP
      take := least(need[r.bi], left_[r.li]);
      IF take > 0 THEN
        need[r.bi] := need[r.bi] - take;
        left_[r.li] := left_[r.li] - take;
        INSERT INTO r_oracle VALUES (a, r.building_id, r.parking_id, r.distance_m, take);
      END IF;
    END LOOP;
  END LOOP;
END
$$;
SELECT is((SELECT count(*) FROM (SELECT * FROM r_oracle WHERE area = a) o
             FULL JOIN (SELECT * FROM r_a WHERE area = a) x USING (building_id, parking_id)
            WHERE o.spaces IS NULL OR x.spaces IS NULL OR abs(o.spaces - x.spaces) > 1e-9),
          0::bigint, a || ': the allocation equals the plain greedy over cp.nearest''s pairs ('
                     || (SELECT count(*) FROM r_oracle WHERE area = a) || ' pairs share spaces)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM r_a x JOIN r_pairs q USING (area, building_id, parking_id)
            WHERE x.area = a AND x.distance_m <> q.distance_m)
          + (SELECT count(*) FROM r_a x WHERE x.area = a
                AND NOT EXISTS (SELECT 1 FROM r_pairs q WHERE q.area = x.area AND q.building_id = x.building_id
                                   AND q.parking_id = x.parking_id)),
          0::bigint, a || ': every allocated distance is exactly cp.nearest''s')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;

-- greedy, nearest first: a building served from a car park at d had no nearer car park with spaces left
SELECT is((SELECT count(*) FROM r_a s
             JOIN r_pairs q ON q.area = s.area AND q.building_id = s.building_id AND q.distance_m < s.distance_m - 1e-9
             JOIN r_l l ON l.area = q.area AND l.parking_id = q.parking_id AND l.spare > 1e-9
            WHERE s.area = a), 0::bigint,
          a || ': nearest first (no nearer car park was left with spare spaces)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
-- maximal: no building with unmet demand can walk to a car park with spare spaces
SELECT is((SELECT count(*) FROM r_pairs q
             JOIN r_b b ON b.area = q.area AND b.building_id = q.building_id AND b.unmet > 1e-9
             JOIN r_l l ON l.area = q.area AND l.parking_id = q.parking_id AND l.spare > 1e-9
            WHERE q.area = a), 0::bigint,
          a || ': maximal (no unmet building within walk_m of a car park with spare spaces)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;
SELECT is((SELECT count(*) FROM r_l l JOIN lots p ON p.area = l.area AND p.id = l.parking_id
            WHERE l.area = a AND l.capacity_source <> CASE WHEN p.capacity IS NOT NULL THEN 'given'
                                                           WHEN ST_Dimension(p.geom) = 2 THEN 'area' ELSE 'unknown' END),
          0::bigint, a || ': capacity flagged given, estimated from area, or unknown')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;

-- what-if on Krems: a proposed car park of 200 spaces at the building with the largest unmet demand
CREATE TEMP TABLE worst AS
SELECT b.building_id, ST_PointOnSurface(x.geom) AS geom
  FROM r_b b JOIN bld x ON x.area = b.area AND x.id = b.building_id
 WHERE b.area = 'krems' ORDER BY b.unmet DESC, b.building_id LIMIT 1;
CREATE TEMP TABLE whatif AS
SELECT * FROM cp.parking_gap('krems', $$SELECT id, geom, use, households, floor_area FROM pg_temp.bld WHERE area = 'krems'$$,
  $$SELECT id, geom, capacity FROM pg_temp.lots WHERE area = 'krems'
    UNION ALL SELECT 1000000, geom, 200 FROM pg_temp.worst$$,
  $$SELECT id, geom FROM pg_temp.comm WHERE area = 'krems'$$);
CREATE TEMP TABLE worst_comm AS
SELECT c.id FROM comm c, worst w
 WHERE c.area = 'krems' AND ST_Intersects(c.geom, ST_Transform(w.geom, ST_SRID(c.geom))) ORDER BY c.id LIMIT 1;
SELECT cmp_ok((SELECT gap FROM whatif WHERE community_id = (SELECT id FROM worst_comm)), '<',
              (SELECT gap FROM r_gap WHERE area = 'krems' AND community_id = (SELECT id FROM worst_comm)),
              'what-if: the proposed car park lowers its community''s gap');
SELECT cmp_ok((SELECT sum(supply_allocated) FROM whatif), '>', (SELECT sum(supply_allocated) FROM r_gap WHERE area = 'krems'),
              'what-if: more spaces allocated in total');
SELECT is((SELECT supply_inside FROM whatif WHERE community_id = (SELECT id FROM worst_comm))
          - (SELECT supply_inside FROM r_gap WHERE area = 'krems' AND community_id = (SELECT id FROM worst_comm)),
          200::float8, 'what-if: the proposed 200 spaces count inside its community');

-- one C pass: each caller query runs exactly once per call (a counter in a session
-- setting, bumped by a materialized CTE of the query: once per execution of it)
CREATE FUNCTION pg_temp.tick(tag text) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('cp_test.calls_' || tag,
                     (coalesce(nullif(current_setting('cp_test.calls_' || tag, true), ''), '0')::int + 1)::text, false);
  RETURN true;
END
$$;
CREATE FUNCTION pg_temp.calls(call text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('cp_test.calls_' || t, '0', false) FROM unnest(ARRAY['b', 'p', 'c']) t;
  EXECUTE 'SELECT count(*) FROM ' || call;
  RETURN pg_catalog.format('buildings %s, parking %s, communities %s', current_setting('cp_test.calls_b'),
                           current_setting('cp_test.calls_p'), current_setting('cp_test.calls_c'));
END
$$;
\set cb '$$WITH t AS MATERIALIZED (SELECT pg_temp.tick(''b'')) SELECT id, geom, use, households, floor_area FROM pg_temp.bld, t WHERE area = ''krems''$$'
\set cpk '$$WITH t AS MATERIALIZED (SELECT pg_temp.tick(''p'')) SELECT id, geom, capacity FROM pg_temp.lots, t WHERE area = ''krems''$$'
\set cc '$$WITH t AS MATERIALIZED (SELECT pg_temp.tick(''c'')) SELECT id, geom FROM pg_temp.comm, t WHERE area = ''krems''$$'
SELECT is(pg_temp.calls(format('cp.parking_gap(%L, %L, %L, %L)', 'krems', :cb, :cpk, :cc)),
          'buildings 1, parking 1, communities 1', 'cp.parking_gap runs each caller query once');
SELECT is(pg_temp.calls(format('cp.%s(%L, %L, %L)', f, 'krems', :cb, :cpk)),
          'buildings 1, parking 1, communities 0', 'cp.' || f || ' runs each caller query once')
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;

-- no temp table, no catalogue write: the same number of temporary relations before and
-- after, and every function runs in a read-only transaction (which refuses CREATE TEMP TABLE)
SELECT count(*) AS temp_rels_before FROM pg_class WHERE relpersistence = 't' \gset
SELECT count(*) FROM cp.parking_gap('krems', :cb, :cpk, :cc) \g /dev/null
SELECT count(*) FROM cp.parking_gap_buildings('krems', :cb, :cpk) \g /dev/null
SELECT count(*) FROM cp.parking_lots('krems', :cb, :cpk) \g /dev/null
SELECT count(*) FROM cp.parking_allocation('krems', :cb, :cpk) \g /dev/null
SELECT is((SELECT count(*) FROM pg_class WHERE relpersistence = 't'), :temp_rels_before::bigint,
          'the parking functions create no temporary relation');
CREATE FUNCTION pg_temp.read_only_rows(q text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  n bigint;
BEGIN
  BEGIN
    PERFORM set_config('transaction_read_only', 'on', true);
    EXECUTE 'SELECT count(*) FROM ' || q INTO n;
    RAISE EXCEPTION 'rows %', n;             -- rolls the read-only subtransaction back
  EXCEPTION WHEN raise_exception THEN
    RETURN SQLERRM;
  WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
  END;
END
$$;
SELECT is(pg_temp.read_only_rows(format('cp.parking_gap(%L, %L, %L, %L)', 'krems', :cb, :cpk, :cc)),
          'rows ' || (SELECT count(*) FROM comm WHERE area = 'krems'), 'cp.parking_gap runs in a read-only transaction');
SELECT is(pg_temp.read_only_rows(format('cp.%s(%L, %L, %L)', f, 'krems', :cb, :cpk)),
          'rows ' || (SELECT count(*) FROM r_b WHERE area = 'krems' AND f = 'parking_gap_buildings')
                   + (SELECT count(*) FROM r_l WHERE area = 'krems' AND f = 'parking_lots')
                   + (SELECT count(*) FROM r_a WHERE area = 'krems' AND f = 'parking_allocation'),
          'cp.' || f || ' runs in a read-only transaction')
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;

-- capacity from area equals PostGIS's: ST_Area(ST_Transform(geom, 4326)::geography) for
-- longitude/latitude (4326 as given, ETRS89 4258 transformed in C), ST_Area(geom) in a projected CRS
CREATE TEMP TABLE area_check AS
SELECT v.crs, e.parking_id, e.area_m2, e.capacity, e.capacity_source,
       CASE v.crs WHEN 'planar' THEN ST_Area(ST_Transform(l.geom, 32633))
                  WHEN '4258' THEN ST_Area(ST_Transform(ST_Transform(l.geom, 4258), 4326)::geography)
                  ELSE ST_Area(l.geom::geography) END AS postgis_m2
  FROM (VALUES ('4326', 'geom'), ('4258', 'ST_Transform(geom, 4258)'), ('planar', 'ST_Transform(geom, 32633)')) v (crs, g)
 CROSS JOIN LATERAL (SELECT e.* FROM cp._parking_rules('CP-parking-default', 'old') r,
                       cp._parking_eval('krems', 'SELECT id, geom, use, households, floor_area FROM pg_temp.bld WHERE false',
                                        format('SELECT id, %s AS geom, NULL::float8 AS capacity FROM pg_temp.lots WHERE area = %L', v.g, 'krems'),
                                        NULL, 300, 30, 250, 'CP-parking-default', 'old',
                                        r.uses, r.bases, r.spaces, r.flat_min, r.flat_max, 'lots') e) e
  JOIN lots l ON l.area = 'krems' AND l.id = e.parking_id;
SELECT cmp_ok((SELECT count(*) FROM area_check WHERE crs = c AND capacity_source = 'area'), '>=', 40::bigint,
              c || ': the Krems car-park polygons get an area')
  FROM unnest(ARRAY['4326', '4258', 'planar']) c;
SELECT is((SELECT count(*) FROM area_check WHERE crs = c AND capacity_source = 'area'
            AND NOT abs(area_m2 - postgis_m2) <= 1e-9 * postgis_m2), 0::bigint,
          c || ': capacity area equals PostGIS''s ST_Area (relative difference below 1e-9; largest '
            || (SELECT max(abs(area_m2 - postgis_m2) / postgis_m2) FROM area_check WHERE crs = c AND capacity_source = 'area') || ')')
  FROM unnest(ARRAY['4326', '4258', 'planar']) c;
SELECT is((SELECT count(*) FROM area_check a JOIN r_l l ON l.area = 'krems' AND l.parking_id = a.parking_id
            WHERE a.crs = '4326' AND l.capacity_source = 'area'
              AND l.capacity IS DISTINCT FROM cp.estimate_parking_spaces(a.postgis_m2, 30)::float8), 0::bigint,
          'capacity from area equals cp.estimate_parking_spaces(ST_Area(geom::geography), 30)');
SELECT is((SELECT count(*) FROM area_check WHERE capacity_source <> 'area' AND area_m2 IS NOT NULL)
          + (SELECT count(*) FROM area_check a JOIN lots l ON l.area = 'krems' AND l.id = a.parking_id
              WHERE (ST_Dimension(l.geom) = 2) <> (a.capacity_source = 'area')), 0::bigint,
          'an area exactly for the polygons (points count as unknown)');

-- per community: the figures of 0.1.0 (temp tables, SQL membership), written down from it on this fixture
CREATE TEMP TABLE r_old (area text, community_id bigint, demand float8, supply_inside float8, supply_allocated float8);
INSERT INTO r_old VALUES
  ('monaco',2,94.51988547669177,0,0), ('monaco',3,171.28222468465773,0,0), ('monaco',10,1333.4152108058852,0,0),
  ('monaco',11,2531.2457601914175,21,21), ('monaco',12,1404.497724525504,0,0), ('monaco',17,116.11126061665165,0,0),
  ('monaco',18,1340.6825264143547,0,0), ('monaco',19,1469.3214975239262,0,0),
  ('monaco',20,2891.110301243792,115,89.96548229208338), ('monaco',21,1592.3073399126233,0,0),
  ('monaco',26,15.011555938480276,0,0), ('monaco',27,1311.5778822225034,0,0),
  ('monaco',28,599.6850796113051,0,25.03451770791662), ('monaco',29,3444.9961385188517,0,0),
  ('monaco',30,826.9257148602992,0,0), ('monaco',36,159.18283631124288,0,0), ('monaco',37,908.7118400506636,0,0),
  ('monaco',38,2157.6405332408276,0,0), ('monaco',39,1047.362768680788,0,0), ('monaco',46,271.68250541308026,0,0),
  ('monaco',47,1215.3764929733436,0,0), ('krems',4,140.60777531752666,0,0), ('krems',5,1066.8205263349664,0,0),
  ('krems',6,1435.248471823045,68,68), ('krems',7,20.365312409074214,0,0), ('krems',12,1786.1823247514196,279,279),
  ('krems',13,3402.1570987183645,170,170), ('krems',14,327.9395847168339,0,0), ('krems',15,0,41,0),
  ('krems',17,3.836894443535743,0,0), ('krems',18,58.49833846206557,0,0),
  ('krems',19,1688.4283092098087,16,22.87554563269407), ('krems',20,1575.8750389847917,151,179.337998716514),
  ('krems',21,345.93553299154536,58,59.33851505423236), ('krems',25,17.537829544008577,0,0),
  ('krems',26,802.409276795266,75,76.40062941049293), ('krems',27,1552.189483885674,410,316.7153131271459),
  ('krems',28,71.2643846235531,0,13.987835033724238), ('krems',33,237.71888161641178,0,0),
  ('krems',34,1138.4508135934234,368,271.5387207578872), ('krems',35,177.90875931628463,0,33.59244499686119),
  ('krems',40,590.5826460412974,123,12.140921123734039), ('krems',41,1061.0198560802219,0,0),
  ('krems',42,290.2063597056134,0,0), ('krems',46,71.53711337477974,0,0),
  ('krems',47,2770.4945780257835,109,219.85907887626595), ('krems',48,1797.8516898510172,393,183.75719588681665),
  ('krems',49,477.38246000371817,0,23.199999757206317), ('krems',53,392.48832562340317,0,0),
  ('krems',54,1452.3239717585075,0,0), ('krems',55,4158.01450250859,11,48.41624067912714),
  ('krems',56,46.544285648106,0,10.693525457407517), ('krems',60,187.97002315748176,0,0),
  ('krems',61,1892.5661228766457,124,439.54486522305393), ('krems',62,594.6951494442906,0,0),
  ('krems',66,8.958932416365986,0,0), ('krems',67,429.78779147198384,0,26.458340069020565),
  ('krems',68,1352.49799836567,1343,1230.4025200722517), ('krems',69,52.46706905714588,0,0),
  ('krems',70,25.639378467043606,2,2), ('krems',74,240.21141990127285,0,0),
  ('krems',75,744.0681142683045,1011,646.1900879703817), ('krems',76,94.53700175993117,0,0),
  ('krems',77,8.761471571019223,0,0), ('krems',82,46.188679012088755,0,0), ('andorra',72,0,0,0),
  ('andorra',171,32.193491499355126,0,0), ('andorra',211,8.4688163240043,0,0), ('andorra',216,0,201,0),
  ('andorra',218,15.15554722876036,0,0), ('andorra',235,274.011731546426,0,0), ('andorra',262,0,114,0),
  ('andorra',263,64.16462181346114,0,64.16462181346114), ('andorra',264,201.76643915864665,128,63.83537818653886),
  ('andorra',282,0,163,0), ('andorra',308,7.585499672661741,360,7.585499672661741), ('andorra',322,0,40,0),
  ('andorra',331,64.06866705750383,361,0), ('andorra',341,26.180992270070867,0,0), ('andorra',347,0,370,0),
  ('andorra',371,0,132,0), ('andorra',383,7.2381053285818595,235,7.2381053285818595), ('andorra',429,0,123,0),
  ('andorra',430,63.1343904375999,0,0), ('andorra',477,0,125,0), ('andorra',483,9.392388239127271,0,0),
  ('andorra',487,31.510870738650596,12,0), ('andorra',508,6.175962056024833,137,6.175962056024833),
  ('andorra',524,62.25406906096405,0,4.383914974637364), ('andorra',532,0,29,0), ('andorra',533,0,0,0),
  ('andorra',539,34.822865862949676,0,0), ('andorra',569,122.61608502536264,0,122.61608502536264),
  ('andorra',570,24.563411583821264,127,0), ('andorra',576,9.14609275836944,0,0),
  ('andorra',578,17.50583934591745,29,0), ('andorra',579,0,84,0), ('andorra',614,6.536043243861286,0,0),
  ('andorra',615,0,221,0), ('andorra',616,56.932728211052385,617,53.17594899443861), ('andorra',626,0,15,0),
  ('andorra',627,2.3064082476659578,93,0), ('andorra',628,0,9,0), ('andorra',635,0,11,0), ('andorra',636,0,4,0),
  ('andorra',659,2.710972842723202,0,0), ('andorra',662,564.1558600680613,898,564.1558600680613),
  ('andorra',663,199.48366574082732,35,63), ('andorra',666,3.8604978612623686,0,0),
  ('andorra',672,10.11822586842614,77,10.11822586842614), ('andorra',673,35.02833577135312,0,16.622819490368208),
  ('andorra',708,52.84231265546207,20,30.32798926441368), ('andorra',709,0,63,0),
  ('andorra',801,116.40377781548457,0,0), ('andorra',826,0,62,0), ('andorra',837,4.690261345625221,0,0),
  ('andorra',847,5.208329470971,0,0), ('andorra',894,56.38592062019818,70,30.946671848599372),
  ('andorra',897,2.9899016977559776,0,0), ('andorra',900,7.60893980994482,0,0), ('andorra',917,0,0,0),
  ('andorra',940,0,22,0), ('andorra',941,10.615658506607907,0,0), ('andorra',943,56.72308465375856,0,0),
  ('andorra',944,72.11357042930103,0,0), ('andorra',989,388.57682358798473,162,197.78735067857775),
  ('andorra',990,185.66323190360166,146,91.23182458168455), ('andorra',1035,227.40368752028854,0,0),
  ('andorra',1036,542.2849404907365,127,173.9274374184642), ('andorra',1037,3.8290685421721626,0,0),
  ('andorra',1081,341.10244215098163,10,0), ('andorra',1082,500.9514329476001,157,132.06139791807533),
  ('andorra',1083,0,0,0), ('andorra',1086,0,42,0), ('andorra',1089,0,0,0), ('andorra',1110,5.243439012271666,0,0),
  -- 1127/1128: one building on the cell border with 9.37 spaces of demand counts in 1127 since 0.3.0,
  -- which takes a footprint's point on its surface in the network's CRS (UTM), not in lon/lat
  -- (0.1.0 and 0.2.0: 36.103956010274466 and 204.81547237884374; the answer no longer depends on
  -- the CRS the footprints come in, test/pgtap/66_cgcs2000.sql)
  ('andorra',1127,45.47051845589107,0,0), ('andorra',1128,195.44890993322713,0,0),
  ('andorra',1135,175.22934173502426,0,0), ('andorra',1173,60.71886191453237,0,0),
  ('andorra',1174,3.6645677933587786,0,0), ('andorra',1181,25.679651793473507,0,0),
  ('andorra',1220,59.17219508436837,0,0), ('andorra',1228,0,0,0), ('andorra',1266,79.13684771830327,0,0),
  ('andorra',1267,4.51085707758551,0,0), ('andorra',1270,94.16767616756952,0,0), ('andorra',1274,0,0,0),
  ('andorra',1312,15.256186584416955,0,0), ('andorra',1358,5.12094934411406,0,0),
  ('andorra',1362,10.916676587338209,0,0), ('andorra',1392,2.4079708580894517,0,0),
  ('andorra',1405,67.57343167028475,0,0), ('andorra',1408,10.42400857259494,0,0),
  ('andorra',1454,1.6947696536691985,0,0), ('andorra',1460,3.41724528454865,0,0), ('andorra',1467,0,0,0),
  ('andorra',1505,0,724,0), ('andorra',1551,5.897768072927659,80,0), ('andorra',1552,19.442847133018937,0,0),
  ('andorra',1579,10.030241743784531,0,0), ('andorra',1688,6.015625309754478,0,0),
  ('andorra',1689,20.972459599558928,166,20.972459599558928), ('andorra',1735,14.911512558917853,0,0),
  ('andorra',1739,5.898454775903174,0,0), ('andorra',1786,5.347615118413886,0,0),
  ('andorra',1787,6.369143039843164,0,0), ('andorra',1832,19.80194851956247,75,11.919638038643525),
  ('andorra',1863,0,360,0), ('andorra',1909,0,319,0), ('andorra',1999,3.0989959842348496,0,0),
  ('andorra',2052,12.618702223927603,0,0), ('andorra',2064,11.581986992218585,0,0);
SELECT is((SELECT count(*) FROM r_gap g FULL JOIN (SELECT * FROM r_old WHERE area = a) o USING (area, community_id)
            WHERE coalesce(g.area, o.area) = a
              AND (o.area IS NULL OR g.area IS NULL
                   OR NOT abs(g.demand - o.demand) <= 1e-9 * greatest(o.demand, 1)
                   OR NOT abs(g.supply_inside - o.supply_inside) <= 1e-9 * greatest(o.supply_inside, 1)
                   OR NOT abs(g.supply_allocated - o.supply_allocated) <= 1e-9 * greatest(o.supply_allocated, 1))),
          0::bigint, a || ': per-community demand, supply inside and allocated equal 0.1.0''s ('
                     || (SELECT count(*) FROM r_old WHERE area = a) || ' communities)')
  FROM unnest(ARRAY['monaco', 'krems', 'andorra']) a;

-- errors
\set b '$$SELECT id, geom, use, households, floor_area FROM pg_temp.bld WHERE area = ''monaco''$$'
\set p '$$SELECT id, geom, capacity FROM pg_temp.lots WHERE area = ''monaco''$$'
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L, standard => %L)', 'monaco', :b, :p, 'nope'),
                 '42704', NULL, 'unknown standard set: 42704');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'nowhere', :b, :p),
                 '42704', 'network "nowhere" does not exist', 'unknown network: 42704');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco',
                        $$SELECT id, geom, 'factory' AS use, 1 AS households, 1 AS floor_area FROM pg_temp.bld LIMIT 1$$, :p),
                 '22023', NULL, 'unknown use: 22023');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L, community_type => %L)', 'monaco', :b, :p, 'x'),
                 '22023', NULL, 'unknown community type: 22023');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L, walk_m => %s)', 'monaco', :b, :p, w),
                 '22023', 'walk_m must be a finite number of metres above zero', 'walk_m ' || w || ': 22023')
  FROM unnest(ARRAY['0', '-5', $$'NaN'$$, $$'Infinity'$$]) w;
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco',
                        'SELECT id, geom, use FROM pg_temp.bld', :p),
                 '42703', NULL, 'buildings query without households: 42703');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco', :b, 'SELECT id, geom FROM pg_temp.lots'),
                 '42703', NULL, 'parking query without capacity: 42703');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap(%L, %L, %L, %L)', 'monaco', :b, :p, 'SELECT id FROM pg_temp.comm'),
                 '42703', NULL, 'communities query without geom: 42703');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco', :b,
                        'SELECT id, geom, -capacity AS capacity FROM pg_temp.lots WHERE capacity > 0'),
                 '22023', 'parking capacity must be finite and not negative', 'negative capacity: 22023');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco',
                        'SELECT id, geom, use, -1 AS households, floor_area FROM pg_temp.bld', :p),
                 '22023', 'households and floor area must be finite and not negative', 'negative households: 22023');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco', :b,
                        'SELECT 1 AS id, geom, capacity FROM pg_temp.lots'),
                 '23505', 'parking query returned duplicate ids', 'duplicate car park id: 23505');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L)', 'monaco',
                        'SELECT NULL::bigint AS id, geom, use, households, floor_area FROM pg_temp.bld', :p),
                 '23502', NULL, 'NULL building id: 23502');
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L, m2_per_space => %s)', 'monaco', :b, :p, m),
                 '22023', NULL, 'm2_per_space ' || m || ': 22023')
  FROM unnest(ARRAY['0', '0.5', '1e5', $$'NaN'$$]) m;
SELECT throws_ok(format('SELECT * FROM cp.parking_gap_buildings(%L, %L, %L, max_snap_m => %s)', 'monaco', :b, :p, m),
                 '22023', NULL, 'max_snap_m ' || m || ': 22023')
  FROM unnest(ARRAY['-1', '1e6']) m;
SELECT lives_ok(format('SELECT * FROM cp.parking_gap(%L, %L, %L, %L)', 'monaco', :b, :p,
                        $$SELECT id, geom FROM pg_temp.comm WHERE area = 'monaco' UNION ALL SELECT 1000000, ST_Transform(geom, 3857) FROM pg_temp.comm WHERE area = 'monaco' AND id = 2$$),
                 'communities in several SRIDs are fine now (each polygon is transformed)');

-- NULL sweep: a NULL argument gives no rows (STRICT), never an error
SELECT is((SELECT count(*) FROM cp.parking_gap(
             CASE WHEN i = 1 THEN NULL ELSE 'monaco' END,
             CASE WHEN i = 2 THEN NULL ELSE $$SELECT id, geom, use, households, floor_area FROM pg_temp.bld WHERE area = 'monaco'$$ END,
             CASE WHEN i = 3 THEN NULL ELSE $$SELECT id, geom, capacity FROM pg_temp.lots WHERE area = 'monaco'$$ END,
             CASE WHEN i = 4 THEN NULL ELSE $$SELECT id, geom FROM pg_temp.comm WHERE area = 'monaco'$$ END,
             CASE WHEN i = 5 THEN NULL ELSE 300 END, CASE WHEN i = 6 THEN NULL ELSE 'CP-parking-default' END,
             CASE WHEN i = 7 THEN NULL ELSE 'old' END, CASE WHEN i = 8 THEN NULL ELSE 30 END,
             CASE WHEN i = 9 THEN NULL ELSE 250 END)), 0::bigint, 'cp.parking_gap with argument ' || i || ' NULL: no rows')
  FROM generate_series(1, 9) i;

SELECT * FROM finish();
ROLLBACK;
