#!/usr/bin/env bash
# Bad-input sweep (issue #13): every function of schema cp called with generated bad arguments.
#   bash test/sweep/run.sh DBNAME      (or SWEEP_DB=DBNAME; PGHOST/PGPORT/PGUSER point at the cluster)
# Creates the database and the extension when missing, builds its fixture (schema sweep_fx, network
# sweep_net), prints TAP on stdout (one test per function), progress and failures on stderr, and
# writes summary.txt, sqlstates.txt, failures.sql, distinct_failures.sql and calls.tsv to
# $SWEEP_OUT (test/out/sweep).
# Exits non-zero on any crash, hang (statement timeout) or XX000.
#   SWEEP_TIMEOUT_MS=5000               statement_timeout of each call
#   SWEEP_MAX_CALLS_PER_FUNCTION=0      cap per function (0: every generated call; known crashers always run)
#   SWEEP_ONLY=regex                    only functions whose name matches
#   SWEEP_KILL_GRACE_S=10               after timeout + grace a call is terminated (then SIGKILLed) as a hang
#   SWEEP_MAX_CRASHES_PER_FUNCTION=10   stop a function after this many crashes (each restarts the cluster)
#   SWEEP_MAX_HANGS_PER_FUNCTION=3      stop a function after this many hangs
#   SWEEP_SERVER_LOG=path               server log to count backends killed by a signal (default: pg_current_logfile())
#   SWEEP_ERRORS_MD=path                the SQLSTATE table every SQLSTATE seen must be listed in (docs/errors.md)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
db="${1:-${SWEEP_DB:-}}"
if [ -z "$db" ]; then echo "usage: $0 DBNAME (or SWEEP_DB=DBNAME)" >&2; exit 2; fi
export SWEEP_OUT="${SWEEP_OUT:-$here/../out/sweep}"
mkdir -p "$SWEEP_OUT"
if ! psql -XAtq -d "$db" -c 'SELECT 1' >/dev/null 2>&1; then
  createdb "$db"
fi
psql -XAtq -v ON_ERROR_STOP=1 -d "$db" -c 'SET client_min_messages = warning' \
  -c 'CREATE EXTENSION IF NOT EXISTS community_planning CASCADE' >/dev/null
py=python3
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import psycopg2' 2>/dev/null; then py=$candidate; break; fi
done
exec "$py" -u "$here/sweep.py" "$db"
