#!/usr/bin/env bash
# The benchmark (README): run as root on Debian 12, after test/run.sh has
# installed the packages. Builds and installs the extension, starts a throwaway
# PostgreSQL 15 cluster and measures cp.nearest against the pgRouting pipeline
# in the same database and session, plus compile time, size, scaling and the
# per-backend cache. Prints a report and writes bench/out/results.md.
# A script, never a timed test: it prints ratios, it does not pass or fail on them.
# Site suggestions (cp.suggest_sites vs the same greedy the pgRouting way): bash bench/sites.sh
# Sizes (defaults give the issue's grid; about 2 minutes on 2 cores):
#   BENCH_GRID_N=300 BENCH_BUILDINGS=90000 BENCH_FACILITIES=300 BENCH_CUTOFF=1000
#   BENCH_RUNS_PGR=5 (rounds: one pgRouting pipeline, then BENCH_RUNS_OURS=3 calls of ours)
#   BENCH_RUNS_BUILD=3 BENCH_COLD_SESSIONS=3
#   BENCH_SCALE_EDGES="10000 100000 1000000"   (empty: skip the scaling section)
#   BENCH_AREAS="monaco krems andorra"         (OSM extracts in ../shared/data; empty: skip)
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
# lock, packages (CP_SKIP_DEPS=1 skips), build, install; held until exit so timings are undisturbed
source tools/prepare.sh
pg_virtualenv -t -v 15 -o shared_buffers=256MB -o max_wal_size=2GB -o fsync=off \
  -o synchronous_commit=off -o full_page_writes=off bash "$top/bench/in-cluster.sh"
