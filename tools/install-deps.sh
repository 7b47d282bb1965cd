#!/usr/bin/env bash
# Install the Debian packages community_planning needs (run as root).
#   tools/install-deps.sh        build + run + tests (pgTAP, pgRouting oracle, OSM import, ogr2ogr POI import,
#                                demo maps, headless QGIS for test/qgis/open_project.py and demo/qgis_render.py)
#   tools/install-deps.sh demo   the same (kept for demo/run.sh: QGIS is in the default list now)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  build-essential pkg-config
  postgresql-15 postgresql-server-dev-15 postgresql-15-postgis-3 postgresql-15-postgis-3-scripts
  libgeos-dev libproj-dev proj-data
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  postgresql-15-pgrouting osm2pgsql osmium-tool gdal-bin
  cppcheck
  python3-matplotlib python3-psycopg2 fonts-wqy-zenhei
  # PyQGIS (QGIS 3.22 on Debian 12), its PostgreSQL data provider and the Qt offscreen platform:
  # the test opens docs/qgis/community_planning.qgs headless (about 170 packages, 135 MB download, 510 MB)
  python3-qgis qgis-providers libqt5gui5
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
