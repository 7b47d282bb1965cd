-- Parking gap on the real OSM extracts (monaco, krems, andorra): conservation of
-- demand and supply, ratios in range, allocation within walk_m and equal to
-- cp.walk_distance, greedy nearest-first and maximal, the what-if, contracts,
-- errors and NULLs.
BEGIN;
SELECT plan(85);

-- contracts
SELECT has_function('cp', f, ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'])
  FROM unnest(ARRAY['parking_gap']) f;
SELECT has_function('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'])
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;
SELECT volatility_is('cp', 'parking_gap', ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'],
                     'volatile', 'cp.parking_gap is VOLATILE (temp tables)');
SELECT is_strict('cp', 'parking_gap', ARRAY['text', 'text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'],
                 'cp.parking_gap is STRICT');
SELECT volatility_is('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'],
                     'volatile', 'cp.' || f || ' is VOLATILE (temp tables)')
  FROM unnest(ARRAY['parking_gap_buildings', 'parking_lots', 'parking_allocation']) f;
SELECT is_strict('cp', f, ARRAY['text', 'text', 'text', 'double precision', 'text', 'text', 'double precision', 'double precision'],
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
