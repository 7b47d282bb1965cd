#!/usr/bin/env bash
# Build a district database for test/qgis/open_project.py: database $1 holds the Beijing extract
# (Haidian, Zhongguancun) as a bureau's own tables in EPSG:$2 (schema district, test/qgis/district.sql),
# a walking network built from them, two listed heritage sites and a scored community register;
# then demo/qgis_layers.sql builds the QGIS layers in schema qgis from those tables, as a non-owner
# analyst, and tools/qgis_project.py writes the project for that database to $3/community_planning.qgs.
# Runs inside pg_virtualenv (or with PGHOST/PGPORT/PGUSER of a dev cluster); $3 is a scratch folder.
set -euo pipefail
db=$1
srid=$2
work=$3
cd "$CP_TOP"
pbf=${CP_SHARED:-../shared}/data/beijing-zhongguancun.osm.pbf
rm -rf "$work"
mkdir -p "$work"
dropdb --if-exists "$db"
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION community_planning CASCADE;' 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE SCHEMA osm;'
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d "$db" "$pbf"
psql -qX -d "$db" -v analyst=cp_qgis_analyst -f tools/analyst-role.sql > "$work/build.log"
psql -X -v ON_ERROR_STOP=1 -d "$db" -v srid="$srid" -f test/qgis/district.sql >> "$work/build.log"
# from here on a non-owner analyst (cp_planner + cp_heritage_editor), not the superuser
export PGOPTIONS='-c role=cp_qgis_analyst'
psql -X -v ON_ERROR_STOP=1 -d "$db" >> "$work/build.log" <<'SQL'
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SELECT name, srid, nodes, edges FROM cp.network_build('haidian', $$
  SELECT id, CASE WHEN oneway_foot = -1 THEN ST_Reverse(geom) ELSE geom END AS geom,
         NULL::float8 AS cost, CASE WHEN oneway_foot <> 0 THEN -1 END AS reverse_cost
    FROM district.roads $$);
-- two listed sites: the two largest non-residential buildings, 10 m protection, 60 m control zone
INSERT INTO cp.heritage_site (code, name, grade, footprint, protection_zone, control_zone, height_limit_m,
                              decision_ref, listed_on)
SELECT 'TEST-' || id, coalesce(name, 'building ' || id), 'historic_building', geom, ST_Multi(ST_Buffer(geom, 10)),
       ST_Multi(ST_Buffer(geom, 60)), 12, 'QGIS test listing', current_date
  FROM (SELECT * FROM district.buildings WHERE NOT residential ORDER BY ST_Area(geom) DESC LIMIT 2) b;
-- the community register and one indicator per community, so the scorecard layer has scores
CREATE TEMP TABLE lc AS
SELECT * FROM cp.life_circle('haidian', $$SELECT id, ST_PointOnSurface(geom) AS geom, ST_Area(geom) * floors / 36.52 AS population
                                          FROM district.buildings WHERE residential$$,
                             'SELECT id, category, geom FROM district.facilities',
                             'SELECT id, geom FROM district.communities', life_circle => '15min');
INSERT INTO cp.communities (id, name, district, city, community_type, population, geom)
SELECT c.id::text, '社区 ' || c.id, '海淀区', '北京市', 'old', round(l.population)::bigint, c.geom
  FROM district.communities c JOIN lc l ON l.community_id = c.id;
INSERT INTO cp.indicator_values (community_id, indicator, period, value, source)
SELECT community_id::text, 'life_circle_15min_coverage', current_date, round(100 * ratio::numeric, 2), 'QGIS test'
  FROM lc WHERE ratio IS NOT NULL;
SQL
# the layers, from the district's own tables (no schema demo anywhere)
psql -X -v ON_ERROR_STOP=1 -d "$db" -v schema=qgis -v network=haidian \
  -v buildings='SELECT id, geom FROM district.buildings' \
  -v schools="SELECT id, geom, name FROM district.facilities WHERE category IN ('primary_school', 'middle_school')" \
  -v residents='SELECT id, ST_PointOnSurface(geom) AS geom, ST_Area(geom) * floors / 36.52 AS population FROM district.buildings WHERE residential' \
  -v facilities='SELECT id, category, geom FROM district.facilities' \
  -v communities='SELECT id, geom FROM district.communities' \
  -v parking_buildings="SELECT id, geom, CASE WHEN residential THEN 'residential' WHEN building IN ('school', 'university') THEN 'school' WHEN building = 'commercial' THEN 'office' END AS use, ST_Area(geom) * floors / 36.52 / 2.62 AS households, ST_Area(geom) * floors AS floor_area FROM district.buildings" \
  -v car_parks='SELECT id, geom, capacity FROM district.car_parks' \
  -f demo/qgis_layers.sql >> "$work/build.log"
unset PGOPTIONS
# the project for this database: every layer's CRS and every layout's frame from the data
/usr/bin/python3 tools/qgis_project.py --db "dbname=$db" --schema qgis --out "$work/community_planning.qgs" >> "$work/build.log"
