#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST/PGPORT/PGUSER set): pg_regress, then pgTAP.
set -euo pipefail
cd "$CP_TOP"
status=0
mkdir -p test/out

echo "== pg_regress (make installcheck)"
set +o pipefail
if ! make -s installcheck 2>&1 | tee test/out/regress.log || grep -q FAILED test/out/regress.log; then
  status=1
  [ -f regression.diffs ] && cat regression.diffs
fi

echo "== fixtures: OSM extracts from $CP_SHARED/data"
createdb cp_tap
psql -qX -v ON_ERROR_STOP=1 -d cp_tap -c 'CREATE EXTENSION pgtap; CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;'
bash test/fixtures/load.sh cp_tap

echo "== pgTAP (pg_prove)"
pg_prove -d cp_tap --ext .sql -r test/pgtap 2>&1 | tee test/out/pgtap.log
if ! grep -q '^Result: PASS' test/out/pgtap.log; then
  status=1
fi
echo "== docs: every SQL example of README.md and docs/*.md, run verbatim on the Beijing district (test/docs)"
CP_DOCS_OUT=test/out/docs prove -v -e bash test/docs/run.sh 2>&1 | tee test/out/docs_tap.log
if ! grep -q '^Result: PASS' test/out/docs_tap.log; then
  status=1
fi
echo "== hot standby: a streaming replica (pg_basebackup -R) runs every read-only analysis of the demo (test/standby)"
# TAP, one test per call: the standby's rows equal the primary's; progress in test/out/standby.log
STANDBY_LOG=test/out/standby.log prove -v -e bash test/standby/run.sh 2>&1 | tee test/out/standby_tap.log
if ! grep -q '^Result: PASS' test/out/standby_tap.log; then
  status=1
fi
echo "== province: three district clusters rolled up through postgres_fdw by a province cluster (test/province)"
# TAP: attach, roll-up = union of the districts, a district down, roles, drift; measurements in
# test/out/province_measure.txt; progress and server logs in test/out/province.log
PROVINCE_LOG=test/out/province.log prove -v -e bash test/province/run.sh 2>&1 | tee test/out/province_tap.log
if ! grep -q '^Result: PASS' test/out/province_tap.log; then
  status=1
fi
echo "== bad-input sweep: every cp function with generated bad arguments (test/sweep, docs/development.md)"
# TAP, one test per function; crashes, hangs and XX000 fail it; progress in test/out/sweep_progress.log
SWEEP_DB=cp_sweep SWEEP_OUT=test/out/sweep prove -v -e bash test/sweep/run.sh \
  2>test/out/sweep_progress.log | tee test/out/sweep_tap.log
if ! grep -q '^Result: PASS' test/out/sweep_tap.log; then
  status=1
  tail -5 test/out/sweep_progress.log
fi
echo "== pg_dump / restore: compiled networks and configuration survive"
psql -qX -v ON_ERROR_STOP=1 -d cp_tap -f test/fixtures/before_dump.sql
createdb cp_restored
pg_dump -d cp_tap > test/out/cp_tap.dump
psql -qX -v ON_ERROR_STOP=1 -d cp_restored -f test/out/cp_tap.dump > test/out/restore.log 2>&1 || {
  status=1; echo "restore failed:"; grep -i error test/out/restore.log | head -20; }
pg_prove -d cp_restored --ext .sql test/restore 2>&1 | tee test/out/restore_tap.log
if ! grep -q '^Result: PASS' test/out/restore_tap.log; then
  status=1
fi

echo "== upgrade: the released version with a district's data, ALTER EXTENSION UPDATE (test/upgrade)"
# user data and answers kept, schema equal to a fresh install; differences in test/out/upgrade/
CP_UP_OUT=test/out/upgrade prove -v -e bash test/upgrade/run.sh 2>test/out/upgrade_progress.log \
  | tee test/out/upgrade_tap.log
if ! grep -q '^Result: PASS' test/out/upgrade_tap.log; then
  status=1
fi
# and from the last release alone (0.2.0 -> current)
CP_UP_FROM=0.2.0 CP_UP_OUT=test/out/upgrade-0.2.0 prove -v -e bash test/upgrade/run.sh 2>test/out/upgrade_0.2.0_progress.log \
  | tee test/out/upgrade_0.2.0_tap.log
if ! grep -q '^Result: PASS' test/out/upgrade_0.2.0_tap.log; then
  status=1
fi

echo "== concurrency: pgbench clients editing the heritage register at once (bounded: 8 s)"
createdb cp_conc
psql -qX -v ON_ERROR_STOP=1 -d cp_conc -c 'CREATE EXTENSION pgtap' -f test/concurrency/setup.sql >/dev/null
if pgbench -n -d cp_conc -c 4 -j 2 -T 8 -f test/concurrency/insert.pgbench@5 -f test/concurrency/update.pgbench@4 \
     -f test/concurrency/delete.pgbench@1 -f test/concurrency/check.pgbench@5 > test/out/pgbench.log 2>&1; then
  grep -E '^(number of transactions actually processed|tps)' test/out/pgbench.log || true
else
  status=1; tail -20 test/out/pgbench.log
fi
pg_prove -d cp_conc --ext .sql test/concurrency/invariants.sql 2>&1 | tee test/out/conc_tap.log
if ! grep -q '^Result: PASS' test/out/conc_tap.log; then
  status=1
fi

echo "== QGIS: the project written for two district databases (EPSG:4548, EPSG:32650), opened by real QGIS (headless)"
# each database: the Beijing extract as a bureau's own tables in that CRS, the layers built from them by
# demo/qgis_layers.sql as a non-owner analyst, the project written by tools/qgis_project.py; the TAP test
# checks every layer's CRS and that every layer and layout lies in Haidian (test/qgis/open_project.py)
qgis_cases=()
for srid in 4548 32650; do
  if bash test/qgis/build_layers.sh "cp_qgis_$srid" "$srid" "test/out/qgis_$srid" > "test/out/qgis_build_$srid.log" 2>&1; then
    qgis_cases+=("cp_qgis_$srid:$srid:test/out/qgis_$srid/community_planning.qgs")
  else
    status=1; echo "building the QGIS layers in EPSG:$srid failed:"; tail -20 "test/out/qgis_build_$srid.log"
  fi
done
if [ ${#qgis_cases[@]} -eq 2 ]; then
  QT_QPA_PLATFORM=offscreen prove -v -e /usr/bin/python3 test/qgis/open_project.py :: "${qgis_cases[@]}" \
    2>&1 | grep -vE '^(Warning|QStandardPaths|QSqlDatabasePrivate|Application path)' | tee test/out/qgis_tap.log
  if ! grep -q '^Result: PASS' test/out/qgis_tap.log; then
    status=1
  fi
else
  echo "not ok 1 - build the QGIS layers (test/qgis/build_layers.sh)" > test/out/qgis_tap.log
fi

# One closing line over all runners: pg_regress files and pgTAP assertions (pg_prove, prove).
regress_ok=$(grep -cE '^(ok|test) .*\.\.\. +ok' test/out/regress.log || true)
regress_failed=$(grep -cE '\.\.\. +FAILED' test/out/regress.log || true)
tap_logs=(test/out/pgtap.log test/out/docs_tap.log test/out/restore_tap.log test/out/conc_tap.log test/out/qgis_tap.log
          test/out/sweep_tap.log test/out/standby_tap.log test/out/upgrade_tap.log test/out/upgrade_0.2.0_tap.log test/out/province_tap.log)
tap_total=$(grep -hoE 'Tests=[0-9]+' "${tap_logs[@]}" | awk -F= '{s+=$2} END {print s+0}')
tap_failed=$(grep -hoE 'Failed [0-9]+/[0-9]+ subtests' "${tap_logs[@]}" | awk '{split($2,a,"/"); s+=a[1]} END {print s+0}')
if [ "$status" -ne 0 ] && [ $((regress_failed + tap_failed)) -eq 0 ]; then tap_failed=1; fi
# test/run.sh adds the sanitizer run (test/sanitize.sh) to these counts and prints the closing line.
echo "$((regress_ok + tap_total - tap_failed)) $((regress_failed + tap_failed))" > test/out/main.counts
echo "main suite: $((regress_ok + tap_total - tap_failed)) passed, $((regress_failed + tap_failed)) failed"
exit $status
