#!/usr/bin/env bash
# Cancellation bench (issue #13): every long-running function on a ~1 M-edge grid
# (700 x 700 nodes, 978 600 edges) is started, cancelled with pg_cancel_backend
# after several delays, and the time from the cancel to the backend leaving the
# statement is measured server-side (pg_stat_activity, 1 ms polling). One run per
# function also ends by statement_timeout (latency = run time - timeout).
# Prints per function the worst latency and writes bench/out/cancel.md.
# A script, never a timed test: it reports, it does not pass or fail.
#   CANCEL_GRID_N=700  CANCEL_DELAYS="0.3 1 2"  CANCEL_TIMEOUT_MS=1500
# About 3 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
if [ -z "${CP_CANCEL_IN_CLUSTER:-}" ]; then
  source tools/prepare.sh
  export CP_CANCEL_IN_CLUSTER=1
  exec pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
    -o synchronous_commit=off -o full_page_writes=off bash "$top/bench/cancel.sh"
fi

grid_n=${CANCEL_GRID_N:-700}
delays=${CANCEL_DELAYS:-0.3 1 2}
timeout_ms=${CANCEL_TIMEOUT_MS:-1500}
psql="psql -X -q -v ON_ERROR_STOP=1"
mkdir -p bench/out
if [ -z "${CANCEL_KEEP_DB:-}" ]; then
  export PGDATABASE=cp_cancel
  dropdb --if-exists "$PGDATABASE"
  createdb "$PGDATABASE"
fi
$psql -c "CREATE EXTENSION IF NOT EXISTS community_planning CASCADE"
echo "preparing the ${grid_n} x ${grid_n} grid..."
$psql -v grid_n="$grid_n" -f bench/cancel.sql >/dev/null

# label | SQL (each runs several seconds on the default grid)
cases=(
  "network_build|SELECT count(*) FROM cp.network_build('cgrid2', 'SELECT id, source, target, cost, reverse_cost, geom FROM cgrid_edges')"
  "nearest|SELECT count(*) FROM cp.nearest('cgrid', 'SELECT id, geom FROM cgrid_buildings', 'SELECT id, geom FROM cgrid_facilities', 1e6, 4)"
  "catchment edges|SELECT count(*) FROM cp.catchment('cgrid', 'SRID=32650;POINT(435000 3335000)', '{1000,2000,3000,4000,5000,6000,7000,8000}', 'edges', 25)"
  "catchment exact|SELECT count(*) FROM cp.catchment('cgrid', 'SRID=32650;POINT(435000 3335000)', '{1000,2000,3000,4000}', 'exact', 25)"
  "catchments|SELECT count(*) FROM cp.catchments('cgrid', 'SELECT id, geom FROM cgrid_facilities WHERE id <= 200', '{500,1000,2000}')"
  "coverage (access)|SELECT count(*) FROM cp.access('cgrid', 'SELECT id, geom, population FROM cgrid_residents', 'SELECT id, category, geom FROM cgrid_cat_facilities')"
  "supply_gap|SELECT count(*) FROM cp.supply_gap('cgrid', 'SELECT id, geom, population FROM cgrid_residents', 'SELECT id, category, geom, capacity FROM cgrid_cat_facilities', 'clinic', per_1000 => 1)"
  "parking|SELECT count(*) FROM cp._parking_allocate('cgrid', 'SELECT id, geom, demand FROM cgrid_demand', 'SELECT id, geom, capacity FROM cgrid_lots', 6000, 250)"
)

now_ms() { date +%s%3N; }
for c in "${cases[@]}"; do
  label=${c%%|*}
  sql=${c#*|}
  # an uncancelled run first, for its length
  t0=$(now_ms)
  out=$($psql -Atc "$sql" 2>&1 || true)
  full=$(( $(now_ms) - t0 ))
  echo "$label: full run ${full} ms ($(echo "$out" | tail -1 | cut -c1-90))"
  $psql -c "INSERT INTO cancel.results VALUES ('$label', NULL, 'full', $full, \$\$$(echo "$out" | tail -1 | cut -c1-200)\$\$)"
  for d in $delays; do
    PGAPPNAME=cp_cancel $psql -c "$sql" >/tmp/cp_cancel.$$ 2>&1 &
    bg=$!
    sleep "$d"
    lat=$($psql -Atc "SELECT cancel.cancel_and_wait('cp_cancel')")
    wait $bg || true
    outcome=$(grep -o 'ERROR: .*' /tmp/cp_cancel.$$ | head -1 || true)
    [ -n "$lat" ] || { lat=NULL; outcome="finished before the cancel"; }
    $psql -c "INSERT INTO cancel.results VALUES ('$label', $d, 'cancel', $lat, \$\$${outcome}\$\$)"
    echo "  cancel after ${d} s: ${lat} ms  ${outcome}"
  done
  # statement_timeout: measured in the server from the start of the statement
  el=$($psql -Atc "SET statement_timeout = ${timeout_ms}" -c "SELECT cancel.until_timeout(\$cancel\$${sql}\$cancel\$)" 2>&1 | tail -1 || true)
  if [[ "$el" =~ ^[0-9.]+$ ]]; then
    lat=$(echo "$el - $timeout_ms" | bc -l); outcome="canceled by statement_timeout"
  else
    lat=NULL; outcome="finished before the timeout ${el}"
  fi
  $psql -c "INSERT INTO cancel.results VALUES ('$label', $timeout_ms / 1000.0, 'statement_timeout', $lat, \$\$${outcome}\$\$)"
  echo "  statement_timeout ${timeout_ms} ms: +${lat} ms  ${outcome}"
done
rm -f /tmp/cp_cancel.$$

report=$($psql -At <<'SQL'
SELECT '| function | full run ms | cancels | worst cancel ms | statement_timeout +ms |' || E'\n' ||
       '|---|---:|---:|---:|---:|' || E'\n' ||
       string_agg(format('| %s | %s | %s | %s | %s |', fn, full_ms, n, coalesce(round(worst::numeric, 1)::text, '-'),
                         coalesce(round(st::numeric, 1)::text, '-')), E'\n' ORDER BY ord)
  FROM (SELECT fn, min(ctid::text) AS ord,
               max(latency_ms) FILTER (WHERE mode = 'full') AS full_ms,
               count(latency_ms) FILTER (WHERE mode = 'cancel') AS n,
               max(latency_ms) FILTER (WHERE mode = 'cancel') AS worst,
               max(latency_ms) FILTER (WHERE mode = 'statement_timeout') AS st
          FROM cancel.results GROUP BY fn) s;
SELECT E'\nworst latency over all functions: ' ||
       round(max(latency_ms)::numeric, 1) || ' ms (' || count(*) || ' cancels and timeouts measured)'
  FROM cancel.results WHERE mode <> 'full' AND latency_ms IS NOT NULL;
SQL
)
{ echo "# Cancellation latency on a ${grid_n} x ${grid_n} grid"; echo; echo "$report"; } > bench/out/cancel.md
echo
echo "$report"
