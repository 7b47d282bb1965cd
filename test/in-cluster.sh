#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST/PGPORT/PGUSER set): pg_regress, then pgTAP.
set -euo pipefail
cd "$CP_TOP"
status=0
mkdir -p test/out

echo "== pg_regress (make installcheck)"
if ! make -s installcheck; then
  status=1
  [ -f regression.diffs ] && cat regression.diffs
fi

echo "== fixtures: OSM extracts from $CP_SHARED/data"
createdb cp_tap
psql -qX -v ON_ERROR_STOP=1 -d cp_tap -c 'CREATE EXTENSION pgtap; CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;'
bash test/fixtures/load.sh cp_tap

echo "== pgTAP (pg_prove)"
if ! pg_prove -d cp_tap --ext .sql -r test/pgtap; then
  status=1
fi
echo "== pg_dump / restore: compiled networks and configuration survive"
psql -qX -v ON_ERROR_STOP=1 -d cp_tap -f test/fixtures/before_dump.sql
createdb cp_restored
pg_dump -d cp_tap > test/out/cp_tap.dump
psql -qX -v ON_ERROR_STOP=1 -d cp_restored -f test/out/cp_tap.dump > test/out/restore.log 2>&1 || {
  status=1; echo "restore failed:"; grep -i error test/out/restore.log | head -20; }
if ! pg_prove -d cp_restored --ext .sql test/restore; then
  status=1
fi
exit $status
