#!/usr/bin/env bash
# Parking benchmark (issue 6): cp.parking_gap end to end on a synthetic city,
# against the pgRouting way of producing and serving the same pairs, measured
# in the same run. A script, never a timed test: it prints figures and a ratio,
# it does not pass or fail on them. Prints a report and writes bench/out/parking.txt.
#   PARKING_GRID_N=300     grid nodes per side (300: 179 400 edges)
#   PARKING_SPACING=20     metres between grid nodes (20: a 6 x 6 km city)
#   PARKING_BUILDINGS=100000 PARKING_LOTS=5000
#   PARKING_CAPACITY_SCALE=1  multiplies the given capacities (20: supply above demand, so car
#                          parks stay open and more pairs are made)
#   PARKING_RUNS=3         warm runs of ours (median reported)
#   PARKING_PEER_LOTS=all  car parks the pgRouting way is run for (the first n by id: the rest of
#                          its time is then extrapolated, and labelled so; all: about 20 s)
# bash bench/parking.sh --map: instead, import the Krems extract and draw docs/img/parking_krems.png
# (demo/render_parking.py).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/prepare.sh
if [ "${1:-}" = "--map" ]; then
  pg_virtualenv -t -v 15 -o fsync=off bash -c '
  set -euo pipefail
  cd "$CP_TOP"
  createdb cpmap
  export PGDATABASE=cpmap
  psql -qX -v ON_ERROR_STOP=1 -c "CREATE EXTENSION community_planning CASCADE; CREATE SCHEMA osm;" 2>/dev/null
  osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d cpmap "$CP_SHARED/data/krems.osm.pbf"
  /usr/bin/python3 demo/render_parking.py docs/img/parking_krems.png osm
  ls -l docs/img/parking_krems.png
  '
  exit 0
fi
mkdir -p bench/out && chmod 777 bench/out
export PARKING_GRID_N="${PARKING_GRID_N:-300}" PARKING_SPACING="${PARKING_SPACING:-20}" \
  PARKING_BUILDINGS="${PARKING_BUILDINGS:-100000}" PARKING_LOTS="${PARKING_LOTS:-5000}" \
  PARKING_CAPACITY_SCALE="${PARKING_CAPACITY_SCALE:-1}" \
  PARKING_RUNS="${PARKING_RUNS:-3}" PARKING_PEER_LOTS="${PARKING_PEER_LOTS:-all}"
[ "$PARKING_PEER_LOTS" != all ] || PARKING_PEER_LOTS=$PARKING_LOTS
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o work_mem=64MB -o fsync=off -o synchronous_commit=off bash -c '
set -euo pipefail
cd "$CP_TOP"
createdb cpbench
psql -qX -v ON_ERROR_STOP=1 -d cpbench -c "CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;" 2>/dev/null
{
  echo "parking benchmark, $(date -u "+%Y-%m-%d %H:%M UTC"), $(nproc) CPUs, commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), capacity x $PARKING_CAPACITY_SCALE"
  psql -X -v ON_ERROR_STOP=1 -d cpbench -v grid_n="$PARKING_GRID_N" -v spacing="$PARKING_SPACING" \
    -v buildings="$PARKING_BUILDINGS" -v lots="$PARKING_LOTS" -v capacity_scale="$PARKING_CAPACITY_SCALE" -v runs="$PARKING_RUNS" \
    -v peer_lots="$PARKING_PEER_LOTS" -f bench/parking.sql 2>&1 | sed "/DEBUG/{/DEBUG:  parking/!d; s/^.*DEBUG:  /  /}"
} | tee bench/out/parking.txt
'
