-- Walking catchments of the schools (300 / 500 / 1000 m) against crow-fly circles.
\pset footer off
CREATE TABLE demo.catchments AS
SELECT * FROM cp.catchments('demo', $$SELECT id, geom FROM demo.facilities WHERE kind = 'school'$$,
                            '{300,500,1000}');
SELECT cutoff, count(*) AS schools, round(avg(area_m2)) AS avg_walk_area_m2,
       round(pi() * cutoff * cutoff) AS circle_m2,
       round((avg(area_m2) / (pi() * cutoff * cutoff))::numeric, 2) AS walk_vs_circle
  FROM demo.catchments GROUP BY cutoff ORDER BY cutoff;
\copy (SELECT facility_id, cutoff, round(area_m2) AS area_m2, ST_AsText(ST_Transform(geom, 4326)) AS wkt FROM demo.catchments ORDER BY 1, 2) TO 'demo/out/catchments.csv' CSV HEADER
