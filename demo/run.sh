#!/usr/bin/env bash
# The demo command (README): install packages, build and install the extension,
# start a throwaway cluster, load a real OSM area and run the planning analysis.
# Results are printed and written to demo/out/ (CSV, matplotlib and QGIS maps, summary.md).
#   bash demo/run.sh                  Krems from ../shared/data, or, without it, a generated sample area
#   bash demo/run.sh --osm FILE       any OSM extract (.osm.pbf or .osm)
#   CP_DEMO_AREA=krems|monaco|andorra  which extract of ../shared/data (default krems)
set -euo pipefail
if [ "${1:-}" = "--osm" ]; then
  [ -f "${2:-}" ] || { echo "usage: demo/run.sh [--osm FILE]" >&2; exit 2; }
  export CP_DEMO_OSM=$(realpath "$2")
  export CP_DEMO_AREA=$(basename "$2" | sed -E 's/\.osm(\.pbf)?$//')
fi
cd "$(dirname "$0")/.."
top=$PWD
source tools/prepare.sh
mkdir -p demo/out
chmod 777 demo/out
export CP_DEMO_AREA="${CP_DEMO_AREA:-krems}"
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o fsync=off bash "$top/demo/in-cluster.sh"
