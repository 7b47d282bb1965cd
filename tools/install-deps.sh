#!/usr/bin/env bash
# Install the Debian packages community_planning needs (run as root).
#   tools/install-deps.sh        build + run + tests (pgTAP, pgRouting oracle, OSM import, ogr2ogr POI import, demo maps)
#   tools/install-deps.sh demo   the above plus headless QGIS for the demo's QGIS maps (demo/qgis_render.py);
#                                the test command never needs these
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
if [ "${1:-}" = demo ]; then
  # PyQGIS (QGIS 3.22 on Debian 12), the PostgreSQL data provider, and the Qt offscreen platform
  packages+=(python3-qgis qgis-providers libqt5gui5)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
