#!/usr/bin/env bash
# Site-suggestion benchmark: cp.suggest_sites (coverage, 10 picks of 2 000 candidates for
# 100 000 residents) against the same greedy done the pgRouting way (candidate x resident
# walks from pgr_drivingDistance per candidate + greedy in PL/pgSQL) in the same run,
# database and session; the same answer is asserted. A script, never a timed test: it
# prints ratios, it does not pass or fail on them.
#   BENCH_GRID_N=300           grid of n x n nodes, 100 m apart (179 400 edges)
#   BENCH_RESIDENTS=100000     resident units on random vertices (population 10-200, age_3_6 = population / 20)
#   BENCH_CANDIDATES=2000      candidate sites on distinct random vertices
#   BENCH_PICKS=10
#   BENCH_PGR_CANDIDATES=all   candidates whose pgRouting searches are timed (a number n: the
#                              first n, the matrix time then extrapolated and marked as such;
#                              the answer always uses every candidate)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
source tools/prepare.sh
mkdir -p bench/out && chmod 777 bench/out
export BENCH_GRID_N="${BENCH_GRID_N:-300}" BENCH_RESIDENTS="${BENCH_RESIDENTS:-100000}" \
  BENCH_CANDIDATES="${BENCH_CANDIDATES:-2000}" BENCH_PICKS="${BENCH_PICKS:-10}" \
  BENCH_PGR_CANDIDATES="${BENCH_PGR_CANDIDATES:-all}"
[ "$BENCH_PGR_CANDIDATES" = all ] && BENCH_PGR_CANDIDATES=$BENCH_CANDIDATES
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash -c '
set -euo pipefail
cd "$CP_TOP"
createdb cpbench
psql -qX -v ON_ERROR_STOP=1 -d cpbench -c "CREATE EXTENSION community_planning CASCADE; CREATE EXTENSION pgrouting;"
psql -qX -v ON_ERROR_STOP=1 -d cpbench -f bench/sql/00_harness.sql
psql -X -v ON_ERROR_STOP=1 -d cpbench -v grid_n="$BENCH_GRID_N" -v residents="$BENCH_RESIDENTS" \
  -v candidates="$BENCH_CANDIDATES" -v picks="$BENCH_PICKS" -v pgr_candidates="$BENCH_PGR_CANDIDATES" \
  -f bench/sites.sql | tee bench/out/sites.txt
'
