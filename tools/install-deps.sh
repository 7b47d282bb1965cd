#!/usr/bin/env bash
# Install the Debian packages community_planning needs (run as root).
#   tools/install-deps.sh        build + run + tests (pgTAP, pgRouting oracle, OSM import, ogr2ogr POI import, demo maps)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential pkg-config
  postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3 postgresql-15-postgis-3-scripts
  libgeos-dev libproj-dev proj-data
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  postgresql-15-pgrouting osm2pgsql osmium-tool gdal-bin
  cppcheck
  python3-matplotlib python3-psycopg2
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
