#!/usr/bin/env bash
# Runs inside pg_virtualenv (PGHOST/PGPORT/PGUSER set) from bench/run.sh:
# creates database cp_bench, imports the OSM extracts, runs the four benchmark
# sections and writes the report.
set -euo pipefail
cd "$CP_TOP"
out=bench/out
mkdir -p "$out"

grid_n=${BENCH_GRID_N:-300}
buildings=${BENCH_BUILDINGS:-90000}
facilities=${BENCH_FACILITIES:-300}
cutoff=${BENCH_CUTOFF:-1000}
runs_ours=${BENCH_RUNS_OURS:-3}
runs_pgr=${BENCH_RUNS_PGR:-5}
runs_build=${BENCH_RUNS_BUILD:-3}
scale_edges=${BENCH_SCALE_EDGES-10000 100000 1000000}
areas=${BENCH_AREAS-monaco krems andorra}
cold_sessions=${BENCH_COLD_SESSIONS:-3}

db=${BENCH_DB:-cp_bench}		# another name runs it beside an existing cp_bench (a private dev cluster)
P=(psql -qX -v ON_ERROR_STOP=1 -d "$db")
t0=$(date +%s)
step() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }

step "database $db"
createdb "$db"
"${P[@]}" -c 'CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;'
"${P[@]}" -f bench/sql/00_harness.sql
fact() { "${P[@]}" -c "SELECT bench.fact('env', '$1', \$v\$$2\$v\$)" >/dev/null; }
fact date "$(date -u '+%Y-%m-%d %H:%M UTC')"
fact cpu "$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
fact cores "$(nproc)"
fact commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
"${P[@]}" -c "SELECT bench.fact('env', 'postgres', 'PostgreSQL ' || current_setting('server_version')),
                     bench.fact('env', 'postgis', postgis_lib_version()),
                     bench.fact('env', 'pgrouting', pgr_version())" >/dev/null

step "1. nearest facility vs pgRouting (grid ${grid_n}x${grid_n}, $buildings buildings, $facilities facilities)"
"${P[@]}" -v grid_n="$grid_n" -v buildings="$buildings" -v facilities="$facilities" -v cutoff="$cutoff" \
  -v runs_ours="$runs_ours" -v runs_pgr="$runs_pgr" -f bench/sql/10_vs_pgrouting.sql >/dev/null

step "5. where cp.nearest spends its time"
"${P[@]}" -v cutoff="$cutoff" -v runs_ours="$runs_ours" -f bench/sql/50_breakdown.sql >/dev/null

step "2. compile time: grid and OSM extracts ($areas)"
list=""
for area in $areas; do
  pbf="$CP_SHARED/data/$area.osm.pbf"
  [ -f "$pbf" ] || { echo "missing $pbf" >&2; exit 1; }
  "${P[@]}" -c "DROP SCHEMA IF EXISTS osm CASCADE; CREATE SCHEMA osm;"
  osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d "$db" "$pbf" 2>&1 | grep -v '^\s*$' || true
  "${P[@]}" -c "DROP SCHEMA IF EXISTS $area CASCADE; ALTER SCHEMA osm RENAME TO $area; ANALYZE;"
  list="$list${list:+,}$area"
done
"${P[@]}" -v runs_build="$runs_build" -v areas="$list" -f bench/sql/20_compile.sql >/dev/null

for e in $scale_edges; do
  # n x n nodes give 2 n (n - 1) edges
  n=$(awk -v e="$e" 'BEGIN { printf "%d", (1 + sqrt(1 + 2 * e)) / 2 + 0.5 }')
  label=$(awk -v e="$e" 'BEGIN { if (e >= 1000000) printf "%gM", e / 1000000; else printf "%gk", e / 1000 }')
  b=$(( e / 2 )); f=$(( e / 600 > 0 ? e / 600 : 1 ))
  step "3. scaling: grid $label (${n}x${n} nodes), $b buildings, $f facilities"
  "${P[@]}" -v label="$label" -v grid_n="$n" -v buildings="$b" -v facilities="$f" -v cutoff="$cutoff" \
    -v runs_ours="$runs_ours" -f bench/sql/30_scaling.sql >/dev/null
done

step "4. cold vs warm ($cold_sessions fresh connections)"
for _ in $(seq "$cold_sessions"); do
  "${P[@]}" -v cutoff="$cutoff" -f bench/sql/40_cold_warm.sql >/dev/null
done

step "report"
"${P[@]}" -At -f bench/sql/90_report.sql > "$out/results.md"
echo
cat "$out/results.md"
step "done; report in $out/results.md"
