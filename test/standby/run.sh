#!/usr/bin/env bash
# The read-only analyses on a real hot standby (issue #14), TAP on stdout. A streaming replica of the
# test cluster (pg_basebackup -R, its own replication slot) is started; then, on the primary, the demo
# (demo/steps/*.sql, demo/qgis_layers.sql, test/standby/prepare.sql) runs over the Krems extract in a
# copy of the fixture database and reaches the standby by streaming; then every call of
# test/standby/reads.sql runs on both, and the standby's rows must equal the primary's.
# Runs inside the test cluster (PGHOST/PGPORT/PGUSER of the primary: test/in-cluster.sh, or
# tools/dev-cluster.sh), as root (the standby runs as postgres) or as the cluster's owner.
#   STANDBY_DB (cp_standby)   database made on the primary from STANDBY_FROM (cp_tap, test/fixtures/load.sh)
#   STANDBY_LOG               the primary's demo run, then the standby's server log (test/out/standby.log)
set -euo pipefail
cd "$CP_TOP"
db=${STANDBY_DB:-cp_standby}
from=${STANDBY_FROM:-cp_tap}
mkdir -p test/out
log=$(realpath -m "${STANDBY_LOG:-test/out/standby.log}")
: > "$log"
slot=cp_standby_$$
analyst=cp_demo_analyst
clientbin=$(pg_config --bindir)
owner=$(id -un) as_pg=()
if [ "$(id -u)" -eq 0 ]; then owner=postgres as_pg=(runuser -u postgres --); fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {  # not_ok NAME [DIAGNOSTIC...]
  n=$((n + 1)); failed=$((failed + 1))
  echo "not ok $n - $1"; shift
  [ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/#   /'
}
# primary SQL (psql on the libpq environment), quiet, stopping at the first error
pq() { psql -qXAt -v ON_ERROR_STOP=1 "$@"; }

base=$(mktemp -d /tmp/cp-standby.XXXXXX)
chown "$owner" "$base"
chmod 700 "$base"
data=$base/data sock=$base/sock
server=
finish() {
  local rc=$? i
  set +e
  unset PGOPTIONS
  if [ -n "$server" ] && [ -f "$data/postmaster.pid" ]; then
    "${as_pg[@]}" "$clientbin/pg_ctl" -D "$data" -m fast -w stop >> "$log" 2>&1
  fi
  [ -f "$data/log" ] && { echo "== standby server log"; cat "$data/log"; } >> "$log"
  # the slot holds WAL on the primary until dropped; its walsender may take a moment to go
  for i in 1 2 3 4 5 6 7 8 9 10; do
    pq -d postgres -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$slot'" \
      >> "$log" 2>&1 && break
    sleep 0.5
  done
  rm -rf "$base"
  echo "1..$n"
  [ "$failed" -eq 0 ] || rc=1
  exit "$rc"
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
# stops the run after a failed set-up step: the calls would only repeat it
give_up() {
  not_ok "$@"
  if [ -f "$data/log" ]; then echo "# standby server log (tail):"; tail -15 "$data/log" | sed 's/^/#   /'; fi
  exit 1
}

# 1. The primary must stream: wal_level and max_wal_senders need a restart, so they are only checked
# (a pg_virtualenv or tools/dev-cluster.sh cluster has replica / 10); pg_hba is tried by pg_basebackup.
settings=$(pq -d postgres -F ' ' \
  -c "SELECT current_setting('wal_level'), current_setting('max_wal_senders'), current_setting('data_directory')" 2>&1) ||
  give_up "connected to the primary" "$settings"
read -r wal_level senders datadir <<< "$settings"
if [ "$wal_level" = minimal ] || [ "$senders" -lt 2 ]; then
  give_up "the primary can stream (wal_level $wal_level, max_wal_senders $senders)" \
    "set wal_level = replica and max_wal_senders >= 2 and restart the cluster"
fi
# The standby must run the primary's own binary: a private layout (tools/dev-cluster.sh, test/sanitize.sh)
# finds its module relative to a copied postgres, not in the system's $libdir.
pid=$(head -1 "$datadir/postmaster.pid" 2>/dev/null) || true
server=$(readlink "/proc/${pid:-0}/exe") ||
  give_up "found the primary's postgres binary" "no /proc/PID/exe for the postmaster of $datadir: run as root or as its owner"
server=${server% (deleted)}   # a reinstall while it runs (tools/dev-cluster.sh install) replaces the file
ok "the primary can stream (wal_level $wal_level, max_wal_senders $senders; binary $server)"

# 2. The base backup, with a slot of its own so no WAL the standby needs is recycled meanwhile.
if ! err=$("${as_pg[@]}" "$clientbin/pg_basebackup" -D "$data" -R -X stream -C -S "$slot" -c fast --no-sync 2>&1); then
  give_up "pg_basebackup -R -X stream took a base backup of the primary" "$err"
fi
ok "pg_basebackup -R -X stream took a base backup ($(du -sm "$data" | cut -f1) MB, slot $slot)"

# 3. The standby: own socket folder, no TCP, the primary's settings that a hot standby needs at least
# as large (else it refuses to start) and those that shape query output.
mkdir -m 700 "$sock"
chown "$owner" "$sock"
sport=$((${PGPORT:-5432} + 1))
pq -d postgres -c "SELECT format('%s = %L', name, current_setting(name)) FROM pg_settings
                    WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions',
                                   'max_locks_per_transaction', 'shared_preload_libraries', 'TimeZone', 'DateStyle',
                                   'IntervalStyle', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time',
                                   'default_text_search_config', 'extra_float_digits')
                       OR (name LIKE 'community_planning.%' AND source NOT IN ('default', 'override'))
                    ORDER BY name" > "$base/primary.conf"
{
  echo "# test/standby/run.sh: a hot standby of the test cluster"
  cat "$base/primary.conf"
  cat <<EOF
hot_standby = on
shared_buffers = 64MB
fsync = off
full_page_writes = off
logging_collector = off
EOF
} > "$data/postgresql.conf"
echo "local all all trust" > "$data/pg_hba.conf"
chown "$owner" "$data/postgresql.conf" "$data/pg_hba.conf"
if ! err=$("${as_pg[@]}" "$clientbin/pg_ctl" -D "$data" -p "$server" -l "$data/log" -w -t 60 \
             -o "-p $sport -c listen_addresses='' -c unix_socket_directories='$sock'" start 2>&1); then
  give_up "the standby started" "$err"
fi
sq() { PGHOST=$sock PGPORT=$sport psql -qXAt -v ON_ERROR_STOP=1 "$@"; }
recovery=$(sq -d postgres -c 'SELECT pg_is_in_recovery()' 2>&1) || true
if [ "$recovery" != t ]; then
  give_up "the standby started in recovery on $sock port $sport" "pg_is_in_recovery(): $recovery"
fi
ok "the standby started in recovery, hot_standby on, on $sock port $sport"

# 4. On the primary, after the backup: the demo over the Krems extract (schema osm, as the demo
# imports it), as its analyst; then the computed indicators. All of it reaches the standby as WAL.
work=$base/work
mkdir -p "$work/demo/out"
# each command checked by itself: set -e does not act inside a list ending in ||
on_primary() {
  "$@" >> "$log" 2>&1 || give_up "the demo's analyses ran on the primary and wrote their results" "$(tail -12 "$log")"
}
echo "== primary: $db from $from, the demo's steps" >> "$log"
on_primary dropdb --if-exists "$db"
on_primary createdb -T "$from" "$db"
on_primary pq -d "$db" -c 'ALTER SCHEMA krems RENAME TO osm'
on_primary pq -d "$db" -v analyst=$analyst -f tools/analyst-role.sql
for step in demo/steps/*.sql demo/qgis_layers.sql; do
  echo "== $step" >> "$log"
  # the steps write their CSV files relative to the working folder: keep them out of demo/out
  on_primary env -C "$work" PGOPTIONS="-c role=$analyst" psql -X -v ON_ERROR_STOP=1 -d "$db" -f "$CP_TOP/$step"
done
ok "the demo's analyses ran on the primary and wrote their results ($db, network demo: Krems)"
# the reads do not depend on it: a failure is reported and the run goes on
echo "== test/standby/prepare.sql" >> "$log"
if PGOPTIONS="-c role=$analyst" pq -F ' ' -d "$db" -f test/standby/prepare.sql > "$base/err" 2>&1; then
  cat "$base/err" >> "$log"
  ok "cp.compute_indicators with every setting ran on the primary (values: $(paste -sd, - < "$base/err" | sed 's/,/, /g'))"
else
  cat "$base/err" >> "$log"
  not_ok "cp.compute_indicators with every setting ran on the primary (test/standby/prepare.sql)" "$(grep -E '(^|: )(ERROR|DETAIL|HINT|CONTEXT):' "$base/err")"
fi
on_primary pq -d "$db" -c 'ANALYZE'

# 5. The standby has replayed everything the primary wrote.
lsn=$(pq -d postgres -c 'SELECT pg_current_wal_lsn()')
caught_up=
for _ in $(seq 1 120); do
  caught_up=$(sq -d postgres -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn" 2>>"$log") || true
  [ "$caught_up" = t ] && break
  sleep 0.25
done
[ "$caught_up" = t ] || give_up "the standby replayed up to the primary's $lsn" \
  "replayed: $(sq -d postgres -c 'SELECT pg_last_wal_replay_lsn()' 2>&1)"
ok "the standby streamed and replayed up to the primary's $lsn"

# 6. Each read: the same call on both, as the demo's analyst, summarised as in-recovery flag, row count
# and md5 of the sorted rows; the standby must succeed and match the primary (which must find rows).
export PGOPTIONS="-c role=$analyst -c client_min_messages=warning -c statement_timeout=60s"
# what an error says: message, detail, hint and the chain of functions, not the statement text
why() { grep -E '^(ERROR|DETAIL|HINT):|function ' "$base/err" | head -8; }
digest() {  # digest SQL
  printf "SELECT pg_is_in_recovery(), count(*), coalesce(md5(string_agg(r::text, chr(10) ORDER BY r::text)), '-') FROM (%s) r" "$1"
}
check() {  # check NAME SQL
  local name=$1 q p s
  q=$(digest "$2")
  if ! p=$(pq -d "$db" -F ' ' -c "$q" 2>"$base/err"); then
    not_ok "$name" "failed on the primary:" "$(why)"; return
  fi
  if ! s=$(sq -d "$db" -F ' ' -c "$q" 2>"$base/err"); then
    not_ok "$name" "failed on the standby:" "$(why)"; return
  fi
  read -r p_rec p_rows p_md5 <<< "$p"
  read -r s_rec s_rows s_md5 <<< "$s"
  if [ "$p_rec" != f ] || [ "$s_rec" != t ]; then
    not_ok "$name" "pg_is_in_recovery(): primary $p_rec, standby $s_rec"
  elif [ "$p_rows" -eq 0 ]; then
    not_ok "$name" "no rows on the primary: the comparison would be vacuous"
  elif [ "$s_rows $s_md5" != "$p_rows $p_md5" ]; then
    not_ok "$name" "standby: $s_rows rows, md5 $s_md5" "primary: $p_rows rows, md5 $p_md5"
  else
    ok "$name: on the standby, $s_rows rows as on the primary (md5 ${s_md5:0:12})"
  fi
}
# a write, refused on the standby as in any read-only transaction (25006), nothing else
refused() {  # refused NAME SQL
  local name=$1 error state
  if sq -d "$db" -v VERBOSITY=verbose -c "$2" > /dev/null 2>"$base/err"; then
    not_ok "$name" "it ran on the standby: a write must be refused there"; return
  fi
  error=$(grep -m1 '^ERROR:' "$base/err") || true
  state=$(sed -E 's/^ERROR: +([0-9A-Z]{5}):.*/\1/' <<< "$error")
  if [ "$state" = 25006 ]; then
    ok "$name: refused on the standby (${error#*25006: })"
  else
    not_ok "$name" "refused with $state, not 25006 (read-only transaction):" "$(why)"
  fi
}
kinds=() names=() sqls=()
while IFS= read -r line; do
  if [[ $line =~ ^--\ (test|refused):\ (.*)$ ]]; then
    kinds+=("${BASH_REMATCH[1]}"); names+=("${BASH_REMATCH[2]}"); sqls+=("")
  elif [ ${#names[@]} -gt 0 ] && [[ $line != --* ]]; then
    sqls[-1]+="$line"$'\n'
  fi
done < test/standby/reads.sql
for i in "${!names[@]}"; do
  if [ "${kinds[$i]}" = test ]; then check "${names[$i]}" "${sqls[$i]}"; else refused "${names[$i]}" "${sqls[$i]}"; fi
done
