
-- Parking supply-demand gap (issue 6) -------------------------------------------
-- Demand per building from a cp.parking_standards set; supply from car parks
-- (given capacity, else estimated from area); spaces allocated along the
-- streets within walk_m by one global greedy pass in ascending walking
-- distance (docs/parking.md). One internal run fills session temp tables that
-- the public functions read; the pairs and the greedy pass are C
-- (cp._parking_allocate, src/parking.c). jit is off in these functions: with
-- 100 000 buildings the planner's estimates start JIT compilation that costs
-- more (0.1-0.25 s a query) than it saves on one-pass queries.

CREATE FUNCTION cp._parking_allocate(network text, buildings_sql text, parking_sql text, walk_m float8,
                                     max_snap_m float8)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
AS 'MODULE_PATHNAME', 'cp_parking_allocate_sql'
LANGUAGE C VOLATILE STRICT;
COMMENT ON FUNCTION cp._parking_allocate(text, text, text, float8, float8) IS
  'Internal: the greedy walking-distance allocation of buildings (id, geom, demand) to car parks (id, geom, capacity) within walk_m; one row per pair that shares spaces, in allocation order';

CREATE FUNCTION cp._parking_drop_temp() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['_cp_parking_buildings', '_cp_parking_lots', '_cp_parking_alloc',
                           '_cp_parking_communities'] LOOP
    IF to_regclass('pg_temp.' || t) IS NOT NULL THEN
      EXECUTE pg_catalog.format('DROP TABLE pg_temp.%I', t);
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION cp._parking_drop_temp() IS 'Internal: drop the session temp tables of the last parking run';

-- Ids of a work table: none NULL (23502), none twice (23505, naming the first).
CREATE FUNCTION cp._parking_check_ids(tbl regclass, query_name text, row_name text, hint text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  nulls bigint;
  dup bigint;
BEGIN
  EXECUTE pg_catalog.format('SELECT count(*) FILTER (WHERE id IS NULL), (SELECT id FROM %1$s GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1)
                    FROM %1$s', tbl) INTO nulls, dup;
  IF nulls > 0 THEN
    RAISE EXCEPTION '% query returned % rows with a NULL id', query_name, nulls USING ERRCODE = '23502';
  END IF;
  IF dup IS NOT NULL AND hint IS NOT NULL THEN
    RAISE EXCEPTION '% query returned duplicate ids', query_name
      USING ERRCODE = '23505', DETAIL = pg_catalog.format('%s %s appears more than once.', row_name, dup), HINT = hint;
  ELSIF dup IS NOT NULL THEN
    RAISE EXCEPTION '% query returned duplicate ids', query_name
      USING ERRCODE = '23505', DETAIL = pg_catalog.format('%s %s appears more than once.', row_name, dup);
  END IF;
END
$$;
COMMENT ON FUNCTION cp._parking_check_ids(regclass, text, text, text) IS
  'Internal: raises 23502 for NULL ids and 23505 naming the first duplicate id of a parking work table';

CREATE FUNCTION cp._parking_run(network text, buildings_sql text, parking_sql text, walk_m float8,
                                standard text, community_type text, m2_per_space float8, max_snap_m float8)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
SET jit = off
AS $$
DECLARE
  bad      record;
  cnt      bigint;
  t0       timestamptz := clock_timestamp();
BEGIN
  IF walk_m IS NULL OR NOT (walk_m > 0 AND walk_m < 'Infinity') THEN
    RAISE EXCEPTION 'walk_m must be a finite number of metres above zero'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('The value given is %s.', coalesce(walk_m::text, 'NULL'));
  END IF;
  IF m2_per_space IS NULL OR NOT (m2_per_space > 0 AND m2_per_space < 'Infinity') THEN
    RAISE EXCEPTION 'area per parking space must be a finite number above zero'
      USING ERRCODE = '22023', DETAIL = pg_catalog.format('The value given is %s.', coalesce(m2_per_space::text, 'NULL'));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM cp.network_catalog c WHERE c.name = network) THEN
    RAISE EXCEPTION 'network "%" does not exist', network
      USING ERRCODE = '42704', HINT = 'cp.networks lists the built networks.';
  END IF;
  PERFORM cp.check_standard(standard);
  PERFORM cp.parking_check_input(community_type, NULL, NULL);

  PERFORM cp._parking_drop_temp();

  -- buildings and their demand in one pass: the rule of cp.parking_rule, read
  -- in one join (an UPDATE per derived column costs more than the join)
  BEGIN
    EXECUTE pg_catalog.format($q$
      CREATE TEMP TABLE _cp_parking_buildings ON COMMIT DROP AS
      SELECT b.id, b.geom, b.use, b.households, b.floor_area, r.basis,
             coalesce(CASE r.basis WHEN 'household' THEN b.households * r.spaces
                                   ELSE b.floor_area / 100.0 * r.spaces END, 0) AS demand
        FROM (SELECT id::bigint AS id, cp._geometry_ewkb(geom)::geometry AS geom, use::text AS use,
                     households::float8 AS households, floor_area::float8 AS floor_area
                FROM (%s) q) b
        LEFT JOIN LATERAL (
              SELECT p.basis, p.spaces FROM cp.parking_standards p
               WHERE p.standard = $1 AND p.use = b.use
                 AND p.community_type IN ($2, 'any')
                 AND ((p.flat_area_min_m2 IS NULL AND p.flat_area_max_m2 IS NULL)
                      OR (b.households > 0 AND b.floor_area > 0
                          AND b.floor_area / b.households > coalesce(p.flat_area_min_m2, '-Infinity')
                          AND b.floor_area / b.households <= coalesce(p.flat_area_max_m2, 'Infinity')))
               ORDER BY (p.community_type = $2) DESC,
                        (p.flat_area_min_m2 IS NOT NULL OR p.flat_area_max_m2 IS NOT NULL) DESC
               LIMIT 1) r ON true$q$, buildings_sql) USING standard, community_type;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'buildings query: %', SQLERRM
      USING ERRCODE = '42703', DETAIL = 'It must return the columns id, geom, use, households, floor_area.';
  END;
  PERFORM cp._parking_check_ids('pg_temp._cp_parking_buildings', 'buildings', 'Building', NULL);
  SELECT b.id, b.households, b.floor_area INTO bad FROM pg_temp._cp_parking_buildings b
   WHERE b.households < 0 OR b.households IN ('NaN', 'Infinity')
      OR b.floor_area < 0 OR b.floor_area IN ('NaN', 'Infinity')
   ORDER BY b.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'households and floor area must be finite and not negative'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Building %s has households %s and floor area %s m².', bad.id,
                            coalesce(bad.households::text, 'NULL'), coalesce(bad.floor_area::text, 'NULL')),
            HINT = 'Pass NULL for an unknown quantity.';
  END IF;
  SELECT b.use INTO bad FROM pg_temp._cp_parking_buildings b
   WHERE b.use IS NOT NULL AND b.basis IS NULL ORDER BY b.use LIMIT 1;
  IF FOUND THEN
    PERFORM cp.parking_no_rule(standard, bad.use, community_type);   -- raises 22023 naming the set's uses
  END IF;
  SELECT count(*) FILTER (WHERE b.use IS NULL) AS no_use,
         count(*) FILTER (WHERE b.basis IS NOT NULL
                            AND CASE b.basis WHEN 'household' THEN b.households ELSE b.floor_area END IS NULL) AS no_qty
    INTO bad FROM pg_temp._cp_parking_buildings b;
  IF bad.no_use > 0 THEN
    RAISE NOTICE '% buildings with a NULL use have no parking demand', bad.no_use;
  END IF;
  IF bad.no_qty > 0 THEN
    RAISE NOTICE '% buildings lack the quantity their rule needs (households or floor area) and have no parking demand', bad.no_qty;
  END IF;

  -- car parks: given capacity, else from the area of a polygon (on the
  -- spheroid for longitude/latitude, in the plane of a projected CRS)
  BEGIN
    EXECUTE pg_catalog.format($q$
      CREATE TEMP TABLE _cp_parking_lots ON COMMIT DROP AS
      SELECT p.id, p.geom, p.capacity_given,
             CASE WHEN p.capacity_given IS NOT NULL THEN p.capacity_given
                  WHEN ST_Dimension(p.geom) = 2 THEN
                    cp.estimate_parking_spaces(
                      CASE WHEN coalesce((SELECT r.proj4text LIKE '%%+proj=longlat%%' FROM spatial_ref_sys r
                                           WHERE r.srid = ST_SRID(p.geom)), false)
                           THEN ST_Area(ST_Transform(p.geom, 4326)::geography)
                           ELSE ST_Area(p.geom) END, $1)
                  ELSE 0 END AS capacity,
             CASE WHEN p.capacity_given IS NOT NULL THEN 'given'
                  WHEN ST_Dimension(p.geom) = 2 THEN 'area'
                  ELSE 'unknown' END AS capacity_source
        FROM (SELECT id::bigint AS id, cp._geometry_ewkb(geom)::geometry AS geom, capacity::float8 AS capacity_given
                FROM (%s) q) p$q$, parking_sql) USING m2_per_space;
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'parking query: %', SQLERRM
      USING ERRCODE = '42703', DETAIL = 'It must return the columns id, geom, capacity (NULL where unknown).';
  END;
  PERFORM cp._parking_check_ids('pg_temp._cp_parking_lots', 'parking', 'Car park',
                                 'A proposed car park added with UNION ALL needs an id of its own.');
  SELECT p.id, p.capacity_given INTO bad FROM pg_temp._cp_parking_lots p
   WHERE p.capacity_given < 0 OR p.capacity_given IN ('NaN', 'Infinity') ORDER BY p.id LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'parking capacity must be finite and not negative'
      USING ERRCODE = '22023',
            DETAIL = pg_catalog.format('Car park %s has capacity %s.', bad.id, bad.capacity_given),
            HINT = 'Pass NULL to estimate the capacity from the car park''s area.';
  END IF;
  SELECT count(*) INTO cnt FROM pg_temp._cp_parking_lots p WHERE p.capacity_source = 'unknown';
  IF cnt > 0 THEN
    RAISE NOTICE '% car parks without capacity or area count as 0 spaces', cnt;
  END IF;
  RAISE DEBUG 'parking: inputs, demand and capacity read in % ms', round(extract(epoch FROM clock_timestamp() - t0) * 1000);

  -- the pairs, their sort and the greedy pass stay in C (cp._parking_allocate)
  CREATE TEMP TABLE _cp_parking_alloc ON COMMIT DROP AS
  SELECT a.building_id, a.parking_id, a.distance_m, a.spaces
    FROM cp._parking_allocate(network,
           'SELECT id, geom, demand FROM pg_temp._cp_parking_buildings WHERE demand > 0 AND geom IS NOT NULL',
           'SELECT id, geom, capacity FROM pg_temp._cp_parking_lots WHERE capacity > 0 AND geom IS NOT NULL',
           walk_m, max_snap_m) a;
  RAISE DEBUG 'parking: done in % ms', round(extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;
COMMENT ON FUNCTION cp._parking_run(text, text, text, float8, text, text, float8, float8) IS
  'Internal: demand, supply and the greedy walking-distance allocation into session temp tables (_cp_parking_buildings, _cp_parking_lots, _cp_parking_alloc)';

CREATE FUNCTION cp.parking_allocation(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (building_id bigint, parking_id bigint, distance_m float8, spaces float8)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
BEGIN
  PERFORM cp._parking_run(network, buildings_sql, parking_sql, walk_m, standard, community_type, m2_per_space, max_snap_m);
  RETURN QUERY SELECT a.building_id, a.parking_id, a.distance_m, a.spaces
                 FROM pg_temp._cp_parking_alloc a ORDER BY a.building_id, a.distance_m, a.parking_id;
END
$$;
COMMENT ON FUNCTION cp.parking_allocation(text, text, text, float8, text, text, float8, float8) IS
  'Parking spaces allocated to buildings (id, geom, use, households, floor_area) from car parks (id, geom, capacity) within walk_m metres along the network, greedily by ascending walking distance; one row per (building, car park) that shares spaces';

CREATE FUNCTION cp.parking_gap_buildings(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (building_id bigint, use text, demand float8, supplied float8, unmet float8,
               unmet_ratio float8, car_parks integer, geom geometry)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
BEGIN
  PERFORM cp._parking_run(network, buildings_sql, parking_sql, walk_m, standard, community_type, m2_per_space, max_snap_m);
  RETURN QUERY
  SELECT b.id, b.use, b.demand, coalesce(n.supplied, 0), greatest(b.demand - coalesce(n.supplied, 0), 0),
         CASE WHEN b.demand > 0 THEN greatest(b.demand - coalesce(n.supplied, 0), 0) / b.demand END,
         coalesce(n.car_parks, 0)::integer, b.geom
    FROM pg_temp._cp_parking_buildings b
    LEFT JOIN (SELECT a.building_id, count(*) AS car_parks, sum(a.spaces) AS supplied
                 FROM pg_temp._cp_parking_alloc a GROUP BY 1) n
           ON n.building_id = b.id
   ORDER BY b.id;
END
$$;
COMMENT ON FUNCTION cp.parking_gap_buildings(text, text, text, float8, text, text, float8, float8) IS
  'Per building: parking demand under the standard, spaces allocated within walk_m, unmet demand and its share (NULL without demand), number of car parks used; for heat maps';

CREATE FUNCTION cp.parking_lots(network text, buildings_sql text, parking_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (parking_id bigint, capacity float8, capacity_source text, allocated float8, spare float8,
               buildings integer, geom geometry)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
BEGIN
  PERFORM cp._parking_run(network, buildings_sql, parking_sql, walk_m, standard, community_type, m2_per_space, max_snap_m);
  RETURN QUERY
  SELECT p.id, p.capacity, p.capacity_source, coalesce(n.allocated, 0),
         greatest(p.capacity - coalesce(n.allocated, 0), 0), coalesce(n.buildings, 0)::integer, p.geom
    FROM pg_temp._cp_parking_lots p
    LEFT JOIN (SELECT a.parking_id, count(*) AS buildings, sum(a.spaces) AS allocated
                 FROM pg_temp._cp_parking_alloc a GROUP BY 1) n
           ON n.parking_id = p.id
   ORDER BY p.id;
END
$$;
COMMENT ON FUNCTION cp.parking_lots(text, text, text, float8, text, text, float8, float8) IS
  'Per car park: capacity (given, estimated from area at m2_per_space, or unknown = 0), spaces allocated to buildings within walk_m, spare spaces, buildings served';

CREATE FUNCTION cp.parking_gap(network text, buildings_sql text, parking_sql text, communities_sql text,
  walk_m float8 DEFAULT 300, standard text DEFAULT 'CP-parking-default', community_type text DEFAULT 'old',
  m2_per_space float8 DEFAULT 30, max_snap_m float8 DEFAULT 250)
RETURNS TABLE (community_id bigint, demand float8, supply_inside float8, supply_allocated float8,
               gap float8, gap_ratio float8, geom geometry)
LANGUAGE plpgsql VOLATILE STRICT
SET search_path FROM CURRENT
SET jit = off
AS $$
DECLARE
  bad  record;
  csrid integer;
  t0   timestamptz := clock_timestamp();
BEGIN
  PERFORM cp._parking_run(network, buildings_sql, parking_sql, walk_m, standard, community_type, m2_per_space, max_snap_m);
  BEGIN
    EXECUTE pg_catalog.format($q$
      CREATE TEMP TABLE _cp_parking_communities ON COMMIT DROP AS
      SELECT id::bigint AS id, cp._geometry_ewkb(geom)::geometry AS geom FROM (%s) q$q$, communities_sql);
  EXCEPTION WHEN undefined_column THEN
    RAISE EXCEPTION 'communities query: %', SQLERRM
      USING ERRCODE = '42703', DETAIL = 'It must return the columns id, geom.';
  END;
  PERFORM cp._parking_check_ids('pg_temp._cp_parking_communities', 'communities', 'Community', NULL);
  SELECT count(DISTINCT ST_SRID(c.geom)) AS srids, min(ST_SRID(c.geom)) AS srid INTO bad
    FROM pg_temp._cp_parking_communities c;
  IF bad.srids > 1 THEN
    RAISE EXCEPTION 'community geometries have mixed SRIDs' USING ERRCODE = '22023',
      HINT = 'Transform them to one SRID in the communities query.';
  END IF;
  csrid := bad.srid;
  CREATE INDEX ON pg_temp._cp_parking_communities USING gist (geom);
  ANALYZE pg_temp._cp_parking_communities;
  RETURN QUERY
  -- the lowest community id containing a point on the surface; buildings
  -- without demand and car parks without spaces add nothing
  WITH bc AS (
    SELECT b.id, c.cid, b.demand
      FROM pg_temp._cp_parking_buildings b
     CROSS JOIN LATERAL (
           SELECT c.id AS cid FROM pg_temp._cp_parking_communities c
            WHERE ST_Intersects(c.geom, cp._surface_point(b.geom, csrid)::geometry)
            ORDER BY c.id LIMIT 1) c
     WHERE b.geom IS NOT NULL AND b.demand > 0),
  pc AS (
    SELECT p.id, c.cid, p.capacity
      FROM pg_temp._cp_parking_lots p
     CROSS JOIN LATERAL (
           SELECT c.id AS cid FROM pg_temp._cp_parking_communities c
            WHERE ST_Intersects(c.geom, cp._surface_point(p.geom, csrid)::geometry)
            ORDER BY c.id LIMIT 1) c
     WHERE p.geom IS NOT NULL AND p.capacity > 0),
  sb AS (SELECT a.building_id, sum(a.spaces) AS supplied FROM pg_temp._cp_parking_alloc a GROUP BY 1),
  d AS (SELECT bc.cid, sum(bc.demand) AS demand, sum(coalesce(sb.supplied, 0)) AS supplied
          FROM bc LEFT JOIN sb ON sb.building_id = bc.id GROUP BY bc.cid),
  s AS (SELECT pc.cid, sum(pc.capacity) AS inside FROM pc GROUP BY pc.cid)
  SELECT c.id, coalesce(d.demand, 0), coalesce(s.inside, 0), coalesce(d.supplied, 0),
         greatest(coalesce(d.demand, 0) - coalesce(d.supplied, 0), 0),
         CASE WHEN d.demand > 0 THEN greatest(d.demand - d.supplied, 0) / d.demand END,
         c.geom
    FROM pg_temp._cp_parking_communities c
    LEFT JOIN d ON d.cid = c.id
    LEFT JOIN s ON s.cid = c.id
   ORDER BY c.id;
  RAISE DEBUG 'parking: per community in % ms', round(extract(epoch FROM clock_timestamp() - t0) * 1000);
END
$$;
COMMENT ON FUNCTION cp.parking_gap(text, text, text, text, float8, text, text, float8, float8) IS
  'Parking gap per community (id, geom query): demand of its buildings under the standard, capacity of the car parks inside it, spaces allocated to its buildings within walk_m along the network (from car parks inside or outside, none counted twice), gap and gap_ratio = gap / demand (NULL without demand)';
