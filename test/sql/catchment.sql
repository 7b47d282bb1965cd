-- Service catchments on hand-made networks with known answers, and errors.
-- A 10 x 10 grid of 100 m blocks.
CREATE TABLE cgrid AS
SELECT row_number() OVER (ORDER BY geom)::bigint AS id, geom FROM (
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint((x+1)*100, y*100)), 32650) geom
    FROM generate_series(0,9) x, generate_series(0,10) y
  UNION ALL
  SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x*100, y*100), ST_MakePoint(x*100, (y+1)*100)), 32650)
    FROM generate_series(0,10) x, generate_series(0,9) y) s;
SELECT nodes, edges FROM cp.network_build('cgrid', 'SELECT id, geom FROM cgrid');

-- one row per cutoff, sorted, valid MultiPolygons in the network SRID, nested
CREATE TEMP TABLE c AS SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(500 500)', '{500,150,300}');
SELECT cutoff, round(area_m2) AS area_m2, ST_GeometryType(geom) AS type, ST_SRID(geom) AS srid,
       ST_IsValid(geom) AS valid, round(ST_Area(geom)) = round(area_m2) AS area_is_geom_area
  FROM c ORDER BY cutoff;
SELECT a.cutoff AS inner_cutoff, b.cutoff AS outer_cutoff, ST_Covers(ST_Buffer(b.geom, 0.001), a.geom) AS nested
  FROM c a JOIN c b ON b.cutoff > a.cutoff ORDER BY 1, 2;
-- 150 m from a crossing: four 100 m arms, each going on 50 m three ways (1000 m reached),
-- plus the first 25 m (the buffer) beyond each of the 12 reached ends: 1300 m of street
SELECT round(ST_Length(ST_Intersection(ST_Union(geom), (SELECT geom FROM c WHERE cutoff = 150)))) AS street_m_inside_150
  FROM cgrid;
-- a street corner 150 m away walks in, one 160 m away (crow-fly 113 m) does not
SELECT ST_Covers(geom, 'SRID=32650;POINT(600 550)'::geometry) AS at_150m,
       ST_Covers(geom, 'SRID=32650;POINT(580 580)'::geometry) AS off_street_160m
  FROM c WHERE cutoff = 150;

-- partly reached edges count: a cutoff in the middle of a 1000 m edge
SELECT edges FROM cp.network_build('cline', $$SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom$$);
SELECT round(area_m2) AS area_m2, round(ST_XMax(geom)) AS reaches_x
  FROM cp.catchment('cline', 'SRID=32650;POINT(0 0)', '{400}');
-- the traced contour against the exact disc-and-rectangle area 400 * 50 + pi * 25^2 = 21963 m2
-- and against GEOS's buffer (arcs as chords, quad_segs 4)
SELECT method, round(area_m2) AS area_m2, round((abs(area_m2 - (400 * 50 + pi() * 625)) / (400 * 50 + pi() * 625))::numeric, 4) AS rel_error
  FROM unnest(ARRAY['edges', 'exact']) method,
       LATERAL cp.catchment('cline', 'SRID=32650;POINT(0 0)', '{400}', method);

-- a river with one bridge: the far bank is close as the crow flies but far on foot
SELECT nodes, components FROM cp.network_build('river', $$
  SELECT 1 AS id, 'SRID=32650;LINESTRING(0 0, 1000 0)'::geometry AS geom       -- south bank street
  UNION ALL SELECT 2, 'SRID=32650;LINESTRING(0 200, 1000 200)'::geometry        -- north bank street
  UNION ALL SELECT 3, 'SRID=32650;LINESTRING(1000 0, 1000 200)'::geometry$$);    -- the bridge, 1 km east
SELECT ST_Covers(geom, 'SRID=32650;POINT(100 200)'::geometry) AS across_the_river,
       ST_Covers(geom, 'SRID=32650;POINT(400 0)'::geometry) AS same_bank_300m,
       ST_DWithin('SRID=32650;POINT(100 0)'::geometry, 'SRID=32650;POINT(100 200)'::geometry, 500) AS circle_would_cover
  FROM cp.catchment('river', 'SRID=32650;POINT(100 0)', '{500}');

-- by minutes: the elderly profile gives a smaller catchment
SELECT profile, cutoff, round(area_m2) AS area_m2
  FROM unnest(ARRAY['walk', 'elderly']) profile,
       LATERAL cp.catchment('cgrid', 'SRID=32650;POINT(500 500)', '{5}', profile => profile, unit => 'min')
 ORDER BY area_m2 DESC;

-- hull method: valid, nested, and at least the reached network
SELECT cutoff, ST_IsValid(geom) AS valid, area_m2 >= (SELECT area_m2 FROM c WHERE c.cutoff = h.cutoff) AS covers_edges_method
  FROM cp.catchment('cgrid', 'SRID=32650;POINT(500 500)', '{150,300}', 'hull') h ORDER BY cutoff;

-- many facilities at once; an origin beyond max_snap_m gets no polygon and a NOTICE
SELECT facility_id, cutoff, round(area_m2) AS area_m2
  FROM cp.catchments('cgrid', $$SELECT 1 AS id, 'SRID=32650;POINT(0 0)'::geometry AS geom
                                UNION ALL SELECT 2, 'SRID=32650;POINT(5000 5000)'::geometry
                                UNION ALL SELECT 3, NULL::geometry$$, '{100,200}')
 ORDER BY 1, 2;
SELECT count(*) AS rows_for_far_origin FROM cp.catchment('cgrid', 'SRID=32650;POINT(5000 5000)');

-- errors
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', '{}');
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', '{300,-1}');
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', '{300,NULL}');
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', '{NaN}');
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', method => 'alpha');
SELECT * FROM cp.catchment('cgrid', 'SRID=32650;POINT(0 0)', buffer_m => 0);
SELECT * FROM cp.catchment('cgrid', 'POINT(0 0)');
SELECT * FROM cp.catchment('nowhere', 'SRID=32650;POINT(0 0)');
SELECT * FROM cp.catchments('cgrid', 'SELECT 1 AS fid, geom FROM cgrid');
-- NULL in, no rows out
SELECT count(*) FROM cp.catchment('cgrid', NULL);
SELECT count(*) FROM cp.catchments('cgrid', NULL);
