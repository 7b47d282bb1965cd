#!/usr/bin/env bash
# The test command (README): install packages, build, install, then run
# pg_regress (make installcheck) and pgTAP (pg_prove) in a throwaway cluster.
# Exits non-zero on any failure. Run as root on Debian 12.
#   CP_SKIP_DEPS=1  skip the package check (development loops)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
source tools/prepare.sh
make -s lint

pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash "$top/test/in-cluster.sh"
