#!/usr/bin/env bash
# Regenerates docs/img/coverage_krems.png: walking coverage of one category per
# 500 m cell on the Krems extract (../shared/data/krems.osm.pbf), rendered by
# demo/render_coverage.py. Usage: bash docs/img/coverage_krems.sh [category]
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/prepare.sh
export CP_MAP_CATEGORY="${1:-park}"
pg_virtualenv -t -v 15 bash -c '
set -euo pipefail
cd "$CP_TOP"
createdb cpmap
psql -qX -v ON_ERROR_STOP=1 -d cpmap -c "CREATE EXTENSION community_planning CASCADE; CREATE SCHEMA osm;"
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d cpmap "$CP_SHARED/data/krems.osm.pbf"
psql -X -d cpmap -v category="$CP_MAP_CATEGORY" -f docs/img/coverage_krems.sql
PGDATABASE=cpmap /usr/bin/python3 demo/render_coverage.py docs/img/coverage_krems.png krems "$CP_MAP_CATEGORY" \
  "Krems an der Donau: homes within the GB 50180-2018 walking radius of a $CP_MAP_CATEGORY, per 500 m cell"
'
