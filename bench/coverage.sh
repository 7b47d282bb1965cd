#!/usr/bin/env bash
# Coverage benchmark: a city coverage report (every category of a standard set,
# population-weighted per community) by cp.coverage, against the same report
# done the pgRouting way in the same run, database and session. A script, never
# a timed test: it prints ratios, it does not pass or fail on them.
#   BENCH_GRID_N=300          grid of n x n nodes, 100 m apart (2 n (n - 1) edges: 179 400)
#   BENCH_RESIDENTS=100000    resident units (random points, population 10-200)
#   BENCH_FACILITIES=300      facilities per category (random points)
#   BENCH_COMMUNITY_M=2000    communities: squares of this side over the grid
#   BENCH_RUNS_OURS=3         timed runs of ours (after one that loads the network)
#   BENCH_PGR_CATEGORIES=all  categories the pgRouting way runs (a number n: the first n,
#                             the total then extrapolated and marked as such)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
source tools/prepare.sh
mkdir -p bench/out && chmod 777 bench/out
export BENCH_GRID_N="${BENCH_GRID_N:-300}" BENCH_RESIDENTS="${BENCH_RESIDENTS:-100000}" \
  BENCH_FACILITIES="${BENCH_FACILITIES:-300}" BENCH_COMMUNITY_M="${BENCH_COMMUNITY_M:-2000}" \
  BENCH_RUNS_OURS="${BENCH_RUNS_OURS:-3}" BENCH_PGR_CATEGORIES="${BENCH_PGR_CATEGORIES:-all}"
[ "$BENCH_PGR_CATEGORIES" = all ] && BENCH_PGR_CATEGORIES=100000
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash -c '
set -euo pipefail
cd "$CP_TOP"
createdb cpbench
psql -qX -v ON_ERROR_STOP=1 -d cpbench -c "CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;"
psql -qX -v ON_ERROR_STOP=1 -d cpbench -f bench/sql/00_harness.sql
psql -X -v ON_ERROR_STOP=1 -d cpbench -v grid_n="$BENCH_GRID_N" -v residents="$BENCH_RESIDENTS" \
  -v facilities="$BENCH_FACILITIES" -v community_m="$BENCH_COMMUNITY_M" -v runs_ours="$BENCH_RUNS_OURS" \
  -v pgr_categories="$BENCH_PGR_CATEGORIES" -f bench/coverage.sql | tee bench/out/coverage.txt
'
