#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST/PGPORT/PGUSER set): pg_regress, then pgTAP.
set -euo pipefail
cd "$CP_TOP"
status=0

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
exit $status
