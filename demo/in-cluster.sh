#!/usr/bin/env bash
# Runs inside pg_virtualenv: load the area, run every analysis that has landed.
set -euo pipefail
cd "$CP_TOP"
area=$CP_DEMO_AREA
# the input: --osm FILE, else the real extract of ../shared/data, else the generated sample area
if [ -n "${CP_DEMO_OSM:-}" ]; then
  pbf=$CP_DEMO_OSM
elif [ -f "$CP_SHARED/data/$area.osm.pbf" ]; then
  pbf="$CP_SHARED/data/$area.osm.pbf"
else
  area=sample
  pbf=demo/out/sample.osm
  /usr/bin/python3 demo/sample_area.py "$pbf"
  export CP_ATTRIBUTION="Synthetic sample neighbourhood (demo/sample_area.py)"
  echo "== no ../shared/data: generated the sample neighbourhood $pbf (synthetic)"
fi
createdb cp_demo
psql -qX -v ON_ERROR_STOP=1 -d cp_demo -c 'CREATE EXTENSION community_planning CASCADE;' 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -d cp_demo -c 'CREATE SCHEMA osm;'
echo "== importing $pbf (OSM extracts: data (c) OpenStreetMap contributors, ODbL)"
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d cp_demo "$pbf"
echo "== roles: every analysis below runs as cp_demo_analyst (cp_planner + cp_heritage_editor), not the owner"
psql -qX -d cp_demo -v analyst=cp_demo_analyst -f tools/analyst-role.sql
export PGOPTIONS='-c role=cp_demo_analyst'
for step in demo/steps/*.sql; do
  echo "== $(basename "$step" .sql)"
  psql -X -v ON_ERROR_STOP=1 -d cp_demo -f "$step"
done
echo "== map: demo/out/catchments_$area.png"
CP_NETWORK=demo PGDATABASE=cp_demo /usr/bin/python3 demo/render_map.py "demo/out/catchments_$area.png" \
  "Walking catchments of schools in $area vs crow-fly circles"
echo "== map: demo/out/heritage_$area.png"
PGDATABASE=cp_demo /usr/bin/python3 demo/render_heritage.py "demo/out/heritage_$area.png" \
  "Heritage register of $area: every building checked as if rebuilt 20 m tall"
echo "== QGIS layers: demo/qgis_layers.sql"
psql -X -v ON_ERROR_STOP=1 -d cp_demo -f demo/qgis_layers.sql
unset PGOPTIONS
echo "== QGIS maps (headless): demo/out/qgis_*.png and demo/out/summary.md"
PGDATABASE=cp_demo QT_QPA_PLATFORM=offscreen /usr/bin/python3 demo/qgis_render.py --area "$area" --out demo/out
echo "== results written to demo/out/"
