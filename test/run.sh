#!/usr/bin/env bash
# The test command (README): install packages, build, install, then run
# pg_regress (make installcheck) and pgTAP (pg_prove) in a throwaway cluster.
# Exits non-zero on any failure. Run as root on Debian 12.
#   CP_SKIP_DEPS=1  skip the package check (development loops)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

# One build+install+test at a time on this machine: the extension is
# installed system-wide, so concurrent runs would test each other's builds.
exec 9>/tmp/community_planning-test.lock
flock 9

[ -n "${CP_SKIP_DEPS:-}" ] || bash tools/install-deps.sh
make -s -j2 >/dev/null
make -s install >/dev/null
make -s lint

# pg_virtualenv runs the server as postgres; test outputs go to a folder it can read.
export CP_TOP="$top"
export CP_SHARED="${CP_SHARED:-$(cd "$top/.." && pwd)/shared}"
pg_virtualenv -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash "$top/test/in-cluster.sh"
