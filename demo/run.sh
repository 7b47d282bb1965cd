#!/usr/bin/env bash
# The demo command (README): install packages, build and install the extension,
# start a throwaway cluster, load a real OSM area and run the planning analysis.
# Results are printed and written to demo/out/.
#   CP_DEMO_AREA=krems|monaco|andorra  (default krems)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
exec 9>/tmp/community_planning-test.lock
flock 9
[ -n "${CP_SKIP_DEPS:-}" ] || bash tools/install-deps.sh
make -s -j2 >/dev/null
make -s install >/dev/null
mkdir -p demo/out
chmod 777 demo/out
export CP_TOP="$top"
export CP_SHARED="${CP_SHARED:-$(cd "$top/.." && pwd)/shared}"
export CP_DEMO_AREA="${CP_DEMO_AREA:-krems}"
pg_virtualenv -v 15 -o shared_buffers=256MB -o fsync=off bash "$top/demo/in-cluster.sh"
