#!/usr/bin/env bash
# The test command (README): install packages, build, install, then run
# pg_regress (make installcheck) and pgTAP (pg_prove) in a throwaway cluster, then the same
# pg_regress and the bad-input sweep with the module built with ASan + UBSan (test/sanitize.sh).
# Exits non-zero on any failure. Run as root on Debian 12.
#   CP_SKIP_DEPS=1  skip the package check (development loops)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
source tools/prepare.sh
make -s lint

mkdir -p test/out; rm -f test/out/main.counts test/out/sanitize.counts
status=0
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash "$top/test/in-cluster.sh" || status=1

# The module built with ASan + UBSan in its own throwaway cluster (test/sanitize.sh; inside this lock).
bash test/sanitize.sh || status=1

# One closing line over all runners: the main suite's counts (test/in-cluster.sh) plus the sanitizer run's.
read -r main_passed main_failed 2>/dev/null < test/out/main.counts || { main_passed=0; main_failed=1; }
read -r san_passed san_failed 2>/dev/null < test/out/sanitize.counts || { san_passed=0; san_failed=1; }
passed=$((main_passed + san_passed)); failed=$((main_failed + san_failed))
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "community_planning: $passed passed, $failed failed"
exit $status
