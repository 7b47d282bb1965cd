-- Walking network engine: hand-made networks with known answers, and every error.
SET client_min_messages = notice;
\set VERBOSITY default

-- A 3 x 3 grid of 100 m blocks (UTM 50N), 12 edges, 9 nodes.
CREATE TABLE grid AS
SELECT row_number() OVER (ORDER BY geom)::bigint AS id, geom FROM (
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint((x+1)*100, y*100)), 32650) geom
    FROM generate_series(0,1) x, generate_series(0,2) y
  UNION ALL
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint(x*100, (y+1)*100)), 32650)
    FROM generate_series(0,2) x, generate_series(0,1) y) s;
SELECT name, srid, nodes, edges, input_edges, components, largest_component_share, total_length_m
  FROM cp.network_build('grid', 'SELECT id, geom FROM grid');

-- snapping lands on the nearest edge, not the nearest node
SELECT edge_id, fraction, snap_distance_m, ST_AsText(geom) AS point
  FROM cp.snap('grid', ST_SetSRID(ST_MakePoint(50, 10), 32650));
-- any input SRID: a WGS84 point is transformed to the network's CRS first
SELECT round(snap_distance_m::numeric, 3) AS snapped_from_wgs84
  FROM cp.snap('grid', ST_Transform(ST_SetSRID(ST_MakePoint(50, 10), 32650), 4326));
-- beyond max_snap_m: no row
SELECT count(*) AS far_away FROM cp.snap('grid', ST_SetSRID(ST_MakePoint(5000, 5000), 32650));

-- partial edges count at both ends: 50 + 100 + 150 m
SELECT cp.walk_distance('grid', ST_SetSRID(ST_MakePoint(50, 10), 32650),
                                ST_SetSRID(ST_MakePoint(200, 150), 32650)) AS metres;
-- both points on one edge: the direct way along it
SELECT round(cp.walk_distance('grid', ST_SetSRID(ST_MakePoint(20, 0), 32650),
                                ST_SetSRID(ST_MakePoint(70, 0), 32650))::numeric, 9) AS same_edge;
-- minutes for the walk (5 km/h) and elderly (3.3 km/h) profiles
SELECT round(cp.walk_minutes('grid', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                             ST_SetSRID(ST_MakePoint(200, 200), 32650))::numeric, 3) AS walk_min,
       round(cp.walk_minutes('grid', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                             ST_SetSRID(ST_MakePoint(200, 200), 32650), 'elderly')::numeric, 3) AS elderly_min;

-- k nearest: two origins at opposite corners, targets along the bottom row
SELECT target_id, origin_id, rank, distance_m, round(minutes::numeric, 3) AS minutes
  FROM cp.nearest('grid',
    'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom
     UNION ALL SELECT 2, ST_SetSRID(ST_MakePoint(200, 200), 32650)',
    'SELECT i AS id, ST_SetSRID(ST_MakePoint(i * 50, 3), 32650) AS geom FROM generate_series(0, 4) i',
    1000, 2)
 ORDER BY target_id, rank;
-- bounded: beyond max_cost a target gets one row with NULL origin
SELECT target_id, origin_id, rank, distance_m
  FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
    'SELECT i AS id, ST_SetSRID(ST_MakePoint(i * 100, 200), 32650) AS geom FROM generate_series(0, 2) i', 300)
 ORDER BY target_id;
-- bounded by minutes: 3 minutes at 5 km/h is 250 m
SELECT target_id, origin_id, distance_m, round(minutes::numeric, 2) AS minutes
  FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
    'SELECT i AS id, ST_SetSRID(ST_MakePoint(i * 100, 100), 32650) AS geom FROM generate_series(0, 2) i',
    3, unit => 'min')
 ORDER BY target_id;
-- NULL geometries are skipped with a NOTICE; targets too far from the network get a NULL row
SELECT target_id, origin_id, distance_m
  FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom
                           UNION ALL SELECT 2, NULL::geometry',
    'SELECT 7 AS id, ST_SetSRID(ST_MakePoint(9000, 9000), 32650) AS geom', 1000)
 ORDER BY target_id;

-- OSM ways meet at shared vertices, not only at endpoints: a cross of two lines
-- sharing their middle vertex becomes 4 pieces around 5 nodes.
SELECT nodes, edges, input_edges FROM cp.network_build('cross',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 100 0, 200 0)', 32650) AS geom
    UNION ALL SELECT 2, ST_GeomFromText('LINESTRING(100 -100, 100 0, 100 100)', 32650)$$);
SELECT edge_id, part, source, target, length_m FROM cp.network_edges('cross') ORDER BY piece;
SELECT cp.walk_distance('cross', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                                 ST_SetSRID(ST_MakePoint(100, 100), 32650)) AS via_shared_vertex;
-- fraction along the whole input edge, not the piece
SELECT edge_id, part, fraction, piece_fraction
  FROM cp.snap('cross', ST_SetSRID(ST_MakePoint(150, 5), 32650));

-- coordinates closer than tolerance_m merge into one node
SELECT components FROM cp.network_build('gap',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 100 0)', 32650) AS geom
    UNION ALL SELECT 2, ST_GeomFromText('LINESTRING(100.3 0, 200 0)', 32650)$$, 0.5);
SELECT components FROM cp.network_build('gap',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 100 0)', 32650) AS geom
    UNION ALL SELECT 2, ST_GeomFromText('LINESTRING(100.3 0, 200 0)', 32650)$$, 0.1);
SELECT cp.walk_distance('gap', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                               ST_SetSRID(ST_MakePoint(200, 0), 32650)) AS across_gap_unreachable;

-- one-way for walking (negative reverse_cost), given topology (source/target), costs
SELECT nodes, edges FROM cp.network_build('oneway',
  $$SELECT 1 AS id, 10 AS source, 20 AS target, 100 AS cost, -1 AS reverse_cost,
           ST_GeomFromText('LINESTRING(0 0, 100 0)', 32650) AS geom
    UNION ALL SELECT 2, 20, 30, 100, 100, ST_GeomFromText('LINESTRING(100 0, 100 100)', 32650)
    UNION ALL SELECT 3, 30, 10, 300, 300, ST_GeomFromText('LINESTRING(100 100, 0 0)', 32650)$$);
SELECT cp.walk_distance('oneway', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                                  ST_SetSRID(ST_MakePoint(100, 0), 32650)) AS with_the_arrow,
       cp.walk_distance('oneway', ST_SetSRID(ST_MakePoint(100, 0), 32650),
                                  ST_SetSRID(ST_MakePoint(0, 0), 32650)) AS against_it;
SELECT edge_id, source, target, cost, reverse_cost FROM cp.network_edges('oneway') ORDER BY edge_id;

-- a slope: Tobler makes the climb slower than the descent (EPSG:32650 with Z)
SELECT has_z FROM cp.network_build('hill',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING Z(0 0 0, 100 0 10)', 32650) AS geom$$);
SELECT round(cp.walk_minutes('hill', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                             ST_SetSRID(ST_MakePoint(100, 0), 32650))::numeric, 3) AS uphill_min,
       round(cp.walk_minutes('hill', ST_SetSRID(ST_MakePoint(100, 0), 32650),
                             ST_SetSRID(ST_MakePoint(0, 0), 32650))::numeric, 3) AS downhill_min,
       cp.walk_distance('hill', ST_SetSRID(ST_MakePoint(0, 0), 32650),
                        ST_SetSRID(ST_MakePoint(100, 0), 32650)) AS metres;

-- geographic input is measured geodesically and stored in a UTM zone
SELECT srid, source_srid,
       abs(total_length_m - ST_Length(ST_GeomFromText('LINESTRING(116.39 39.90, 116.40 39.90, 116.40 39.91)', 4326)::geography)) < 0.001 AS geodesic
  FROM cp.network_build('beijing',
    $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(116.39 39.90, 116.40 39.90, 116.40 39.91)', 4326) AS geom$$);
-- CGCS2000 goes to its 3-degree Gauss-Kruger zone (CM 120E: EPSG:4549)
SELECT srid, source_srid FROM cp.network_build('fuzhou',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(119.29 26.07, 119.30 26.08)', 4490) AS geom$$);

-- rebuilding replaces the network, also in a backend that has it cached
SELECT cp.walk_distance('gap', ST_SetSRID(ST_MakePoint(0, 0), 32650), ST_SetSRID(ST_MakePoint(200, 0), 32650)) AS before_rebuild;
SELECT components FROM cp.network_build('gap',
  $$SELECT 1 AS id, ST_GeomFromText('LINESTRING(0 0, 100 0)', 32650) AS geom
    UNION ALL SELECT 2, ST_GeomFromText('LINESTRING(100.3 0, 200 0)', 32650)$$, 1);
SELECT round(cp.walk_distance('gap', ST_SetSRID(ST_MakePoint(0, 0), 32650), ST_SetSRID(ST_MakePoint(200, 0), 32650))::numeric, 1) AS after_rebuild;
SELECT name, nodes, edges, components FROM cp.networks
 WHERE name IN ('beijing', 'cross', 'fuzhou', 'gap', 'grid', 'hill', 'oneway') ORDER BY name;

-- Errors: each with its own SQLSTATE.
\set VERBOSITY sqlstate
SELECT * FROM cp.snap('nowhere', ST_SetSRID(ST_MakePoint(0, 0), 32650));
\set VERBOSITY default
SELECT * FROM cp.snap('nowhere', ST_SetSRID(ST_MakePoint(0, 0), 32650));
SELECT * FROM cp.network_build('bad', 'SELECT id FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT id::text AS id, geom FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT 1 AS id, geom FROM grid');
SELECT * FROM cp.network_build('bad', $$SELECT 1 AS id, ST_GeomFromText('POINT(0 0)', 32650) AS geom$$);
SELECT * FROM cp.network_build('bad', $$SELECT id, CASE WHEN id = 1 THEN ST_SetSRID(geom, 32651) ELSE geom END AS geom FROM grid$$);
SELECT * FROM cp.network_build('bad', $$SELECT id, geom, 'NaN'::float8 AS cost FROM grid$$);
SELECT * FROM cp.network_build('bad', $$SELECT id, geom, 'Infinity'::float8 AS reverse_cost, 1 AS cost FROM grid$$);
SELECT * FROM cp.network_build('bad', 'SELECT id, geom FROM grid WHERE false');
SELECT * FROM cp.network_build('bad', 'SELECT id, geom, 1 AS source FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT id, geom, 1 AS reverse_cost FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT id, ST_SetSRID(geom, 0) AS geom FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT id, ST_SetSRID(geom, 2227) AS geom FROM grid');
SELECT * FROM cp.network_build('bad', 'DELETE FROM grid');
SELECT * FROM cp.network_build('bad', 'SELECT id, geom FROM grid', -1);
SELECT * FROM cp.network_build('', 'SELECT id, geom FROM grid');
SELECT * FROM cp.network_build('bad', $$SELECT NULL::bigint AS id, geom FROM grid$$);
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', 100, 0);
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', -5);
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', 'NaN');
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', 100, profile => 'jogger');
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', 100, unit => 'km');
SELECT * FROM cp.nearest('grid', 'SELECT 1 AS id, ST_MakePoint(0, 0) AS geom',
                                 'SELECT 1 AS id, ST_SetSRID(ST_MakePoint(0, 0), 32650) AS geom', 100);
SELECT * FROM cp.snap('grid', ST_SetSRID(ST_MakePoint(0, 0), 32650), -1);
SELECT cp.network_drop('nowhere');
SELECT cp.network_drop('gap');
SELECT cp.walk_distance('gap', ST_SetSRID(ST_MakePoint(0, 0), 32650), ST_SetSRID(ST_MakePoint(1, 0), 32650));

-- NULL in, NULL out (STRICT)
SELECT cp.walk_distance(NULL, ST_SetSRID(ST_MakePoint(0, 0), 32650), ST_SetSRID(ST_MakePoint(1, 0), 32650)) IS NULL AS null_network,
       cp.walk_distance('grid', NULL, ST_SetSRID(ST_MakePoint(1, 0), 32650)) IS NULL AS null_point,
       (SELECT count(*) FROM cp.nearest('grid', NULL, 'SELECT 1', 100)) AS null_query_rows,
       (SELECT count(*) FROM cp.snap('grid', NULL)) AS null_snap_rows,
       (SELECT count(*) FROM cp.network_build(NULL, 'SELECT 1')) AS null_build_rows;
