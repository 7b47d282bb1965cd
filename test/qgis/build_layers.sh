#!/usr/bin/env bash
# Build the demo's result layers in database $1 for test/qgis/open_project.py: the generated sample
# neighbourhood (demo/sample_area.py, a few seconds), every demo step, then the QGIS views.
# Runs inside pg_virtualenv; $2 is a scratch folder (the steps' CSV files land in $2/demo/out).
set -euo pipefail
db=$1
work=$2
cd "$CP_TOP"
rm -rf "$work"
mkdir -p "$work/demo/out"
/usr/bin/python3 demo/sample_area.py "$work/sample.osm"
createdb "$db"
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION community_planning CASCADE;' 2>/dev/null
psql -qX -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE SCHEMA osm;'
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d "$db" "$work/sample.osm"
# every step runs as a non-owner analyst (cp_planner + cp_heritage_editor), not as the superuser
psql -qX -d "$db" -v analyst=cp_demo_analyst -f tools/analyst-role.sql >> "$work/steps.log"
export PGOPTIONS='-c role=cp_demo_analyst'
for step in demo/steps/*.sql; do
  # the steps write their CSV files relative to the working folder: keep them out of demo/out
  (cd "$work" && psql -X -v ON_ERROR_STOP=1 -d "$db" -f "$CP_TOP/$step") >> "$work/steps.log"
done
psql -X -v ON_ERROR_STOP=1 -d "$db" -f demo/qgis_layers.sql >> "$work/steps.log"
unset PGOPTIONS
