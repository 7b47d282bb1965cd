#!/usr/bin/env bash
# Catchment benchmark: cp.catchments against the pgRouting + PostGIS pipeline a
# planner uses today, measured in the same run on the same database and edges.
# Real OSM extracts from ../shared/data. Prints a table and writes bench/out/catchment.md.
#   CP_BENCH_FACILITIES  facilities per area for the per-facility comparison (default 50)
#   CP_BENCH_MANY        facilities for the many-facility run (default 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/prepare.sh
mkdir -p bench/out && chmod 777 bench/out
export CP_BENCH_FACILITIES="${CP_BENCH_FACILITIES:-50}" CP_BENCH_MANY="${CP_BENCH_MANY:-1000}"
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o fsync=off bash -c '
set -euo pipefail
cd "$CP_TOP"
createdb cpbench
psql -qX -v ON_ERROR_STOP=1 -d cpbench -c "CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;" 2>/dev/null
for area in andorra krems monaco; do
  psql -qX -d cpbench -c "CREATE SCHEMA osm" >/dev/null
  osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d cpbench "$CP_SHARED/data/$area.osm.pbf"
  psql -qX -d cpbench -c "ALTER SCHEMA osm RENAME TO $area" >/dev/null
done
psql -X -v ON_ERROR_STOP=1 -d cpbench -v nf="$CP_BENCH_FACILITIES" -v many="$CP_BENCH_MANY" -f bench/catchment.sql | tee bench/out/catchment.txt
'
