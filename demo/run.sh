#!/usr/bin/env bash
# The demo command (README): install packages, build and install the extension,
# start a throwaway cluster, load a real OSM area and run the planning analysis.
# Results are printed and written to demo/out/ (CSV, matplotlib and QGIS maps, summary.md in
# Chinese with English beside it).
#   bash demo/run.sh                  Beijing (Haidian: Zhongguancun) from ../shared/data, or, without it,
#                                     a generated sample area
#   bash demo/run.sh --osm FILE       any OSM extract (.osm.pbf or .osm)
#   CP_DEMO_AREA=beijing|krems|monaco|andorra  which extract of ../shared/data (default beijing)
#   CP_DEMO_LEVELS=N                  storeys of buildings without building:levels (Beijing: 6)
#   CP_DEMO_HOUSING=tagged|untagged_too  whether building=yes counts as housing (Beijing: tagged, no)
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
export CP_DEMO_AREA="${CP_DEMO_AREA:-beijing}"
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o fsync=off bash "$top/demo/in-cluster.sh"
