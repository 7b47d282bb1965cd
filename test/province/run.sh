#!/usr/bin/env bash
# Province scale (issue #18): three district clusters and one province cluster on loopback, TAP on stdout.
# Each district imports its own real extract (Monaco, Krems, Andorra from $CP_SHARED/data), computes its
# indicators (test/province/district.sql) and publishes them (cp.publish); the province attaches the three
# through postgres_fdw (cp.attach_district) and its roll-up must equal the same roll-up over the union of
# the districts' data in one database. Then: a district down (the error names it; allow_missing lists it),
# the read-only role on the districts, schema drift, and the measurements (asynchronous append on/off, rows
# over the wire, connection set-up) into test/out/province_measure.txt.
# Runs inside the test cluster (PGHOST/PGPORT/PGUSER: test/in-cluster.sh, or tools/dev-cluster.sh), as root
# (the clusters run as postgres) or as the cluster's owner. The extra clusters run the test cluster's own
# binaries (found from its postmaster, as test/standby/run.sh), so a private layout's module is loaded.
#   PROVINCE_LOG   progress and the server logs (test/out/province.log)
#   PROVINCE_RUNS  timed roll-ups per asynchronous-append setting (7)
set -euo pipefail
cd "$CP_TOP"
mkdir -p test/out
log=$(realpath -m "${PROVINCE_LOG:-test/out/province.log}")
measure=$PWD/test/out/province_measure.txt
: > "$log"
runs=${PROVINCE_RUNS:-7}
owner=$(id -un) as_pg=()
if [ "$(id -u)" -eq 0 ]; then owner=postgres as_pg=(runuser -u postgres --); fi
# province_reader's password on the districts (scram over TCP): made up per run, given to attach_district
reader_pw="pr${RANDOM}x${RANDOM}q$$"

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {  # not_ok NAME [DIAGNOSTIC...]
  n=$((n + 1)); failed=$((failed + 1))
  echo "not ok $n - $1"; shift
  [ $# -eq 0 ] || printf '%s\n' "$@" | sed 's/^/#   /'
}
check() {  # check NAME GOT WANT [DIAGNOSTIC...]: ok when GOT = WANT
  local name=$1 got=$2 want=$3; shift 3
  if [ "$got" = "$want" ]; then ok "$name"; else not_ok "$name" "got:  $got" "want: $want" "$@"; fi
}
note() { printf '%s\n' "$@" | sed 's/^/# /'; }
elapsed() { echo "$(date +%s.%N) $1" | awk '{printf "%.1f", $1 - $2}'; }

# The test cluster's postmaster binary: its initdb, pg_ctl and postgres (and module) run the extra clusters.
datadir=$(psql -qXAt -d postgres -c "SELECT current_setting('data_directory')")
pid=$(head -1 "$datadir/postmaster.pid" 2>/dev/null) || true
if ! server=$(readlink "/proc/${pid:-0}/exe"); then
  echo "not ok 1 - found the test cluster's postgres binary (no /proc/PID/exe for $datadir: run as root or its owner)"
  echo "1..1"; exit 1
fi
server=${server% (deleted)}   # a reinstall while it runs replaces the file
bindir=$(dirname "$server")

base=$(mktemp -d /tmp/cp-province.XXXXXX)
chown "$owner" "$base"
chmod 711 "$base"
# published names (lower-case identifiers: the partition keys in the province) = the extracts' names
districts=(monaco krems andorra)
declare -A label=([monaco]=Monaco [krems]=Krems [andorra]=Andorra)
declare -A city=([monaco]=Monaco [krems]='Krems an der Donau' [andorra]='Andorra la Vella')
declare -A prefix=([monaco]=MC [krems]=KR [andorra]=AD)
declare -A port=()
clusters=()

finish() {
  local rc=$? c
  set +e
  for c in "${clusters[@]}"; do
    if [ -f "$base/$c/data/postmaster.pid" ]; then
      "${as_pg[@]}" "$bindir/pg_ctl" -D "$base/$c/data" -m immediate -w stop >> "$log" 2>&1
    fi
    [ -f "$base/$c/log" ] && { echo "== server log of $c"; cat "$base/$c/log"; } >> "$log"
  done
  rm -rf "$base"
  echo "1..$n"
  [ "$failed" -eq 0 ] || rc=1
  exit "$rc"
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
# stops the run after a failed set-up step: what follows would only repeat it
give_up() { not_ok "$@"; exit 1; }

# psql on one cluster, as its superuser over its unix socket
on() {  # on CLUSTER psql-args...
  local c=$1; shift
  PGHOST=$base/$c/sock PGPORT=${port[$c]} PGUSER=$owner PGDATABASE=district psql -qXAt -v ON_ERROR_STOP=1 "$@"
}
pv() { on province -d province "$@"; }
# psql on a district as the province's read-only role, over TCP as the province's user mapping connects
as_reader() {  # as_reader DISTRICT psql-args...
  local c=$1; shift
  PGHOST=127.0.0.1 PGPORT=${port[$c]} PGUSER=province_reader PGPASSWORD=$reader_pw PGDATABASE=district \
    psql -qXAt "$@"
}
# an error's SQLSTATE and message from psql -v VERBOSITY=verbose output
sqlstate() { sed -nE 's/^(psql:[^ ]* )?ERROR: +([0-9A-Z]{5}):.*/\2/p' "$1" | head -1; }
errline() { grep -m1 -E 'ERROR:' "$1" | sed -E 's/^psql:[^ ]* //'; }

# a port nobody listens on (TCP or our sockets); spread by PID so concurrent runs start apart
next_port=$((20000 + $$ % 20000))
free_port() {
  while ss -Htln "sport = :$next_port" 2>/dev/null | grep -q . || [ -e "$base/.s.PGSQL.$next_port" ]; do
    next_port=$((next_port + 1))
  done
  echo "$next_port"
}
start_cluster() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$base/$1/data" -l "$base/$1/log" -w -t 60 start >> "$log" 2>&1
}
stop_cluster() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$base/$1/data" -m fast -w stop >> "$log" 2>&1
}
init_cluster() {  # init_cluster NAME: initdb only (run in parallel; ports are picked by the parent after)
  local c=$1
  mkdir -p "$base/$c/sock"
  chown -R "$owner" "$base/$c"
  chmod 700 "$base/$c/sock"
  "${as_pg[@]}" "$bindir/initdb" -D "$base/$c/data" -A trust -U "$owner" -E UTF8 --locale=C.UTF-8 --no-sync \
    > "$base/$c/initdb.log" 2>&1
}
configure_cluster() {  # configure_cluster NAME LISTEN: settings, pg_hba, start (a port taken meanwhile: the next)
  local c=$1 listen=$2 try
  # the province's reader comes in over TCP with its password; the superuser only over the socket
  printf '%s\n' "local all all trust" "host all province_reader 127.0.0.1/32 scram-sha-256" > "$base/$c/data/pg_hba.conf"
  for try in 1 2 3 4 5; do
    port[$c]=$(free_port)
    next_port=$((next_port + 1))
    printf '%s\n' "listen_addresses = '$listen'" "port = ${port[$c]}" "unix_socket_directories = '$base/$c/sock'" \
      "fsync = off" "synchronous_commit = off" "full_page_writes = off" "shared_buffers = 32MB" \
      "max_connections = 30" "logging_collector = off" "lc_messages = 'C'" "password_encryption = 'scram-sha-256'" \
      > "$base/$c/data/postgresql.auto.conf"
    chown "$owner" "$base/$c/data/postgresql.auto.conf" "$base/$c/data/pg_hba.conf"
    start_cluster "$c" && return 0
  done
  return 1
}

# 1. Four clusters (initdb in parallel: a couple of seconds each).
t0=$(date +%s.%N)
declare -A pids=()
for c in "${districts[@]}" province; do
  clusters+=("$c")
  init_cluster "$c" & pids[$c]=$!
done
for c in "${districts[@]}" province; do
  wait "${pids[$c]}" || give_up "initdb of cluster $c ($bindir/initdb)" "$(tail -5 "$base/$c/initdb.log")"
done
for c in "${districts[@]}" province; do
  listen=127.0.0.1; [ "$c" = province ] && listen=
  configure_cluster "$c" "$listen" || give_up "cluster $c started ($server)" "$(tail -5 "$base/$c/log" 2>/dev/null)"
done
ok "four clusters started with $server ($(for c in "${districts[@]}" province; do printf '%s :%s, ' "$c" "${port[$c]}"; done)$(elapsed "$t0") s)"

# 2. Each district: its extract, network, communities and computed indicators (in parallel, 2 cores).
build_district() {
  local d=$1 pbf="$CP_SHARED/data/$1.osm.pbf"
  [ -f "$pbf" ] || { echo "missing $pbf"; return 1; }
  on "$d" -d postgres -c 'CREATE DATABASE district' &&
  on "$d" -c 'CREATE EXTENSION community_planning CASCADE' -c 'CREATE SCHEMA osm' &&
  PGHOST=$base/$d/sock PGPORT=${port[$d]} PGUSER=$owner \
    osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d district "$pbf" &&
  on "$d" -v area="$d" -v district="${label[$d]}" -v city="${city[$d]}" -v prefix="${prefix[$d]}" -f test/province/district.sql > "$base/$d.summary"
}
t0=$(date +%s.%N)
for d in "${districts[@]}"; do
  build_district "$d" > "$base/$d.build" 2>&1 & pids[$d]=$!
done
built=0
for d in "${districts[@]}"; do
  if wait "${pids[$d]}"; then
    ok "district $d: $(tail -1 "$base/$d.summary")"; built=$((built + 1))
  else
    not_ok "district $d imported and computed" "$(grep -v '^\s*$' "$base/$d.build" | tail -8)"
  fi
  cat "$base/$d.build" >> "$log"
done
[ "$built" -eq 3 ] || exit 1
note "districts built in $(elapsed "$t0") s"

# 3. Publication: roles, cp.publish, the province's login role (a member of cp_province_reader only).
for d in "${districts[@]}"; do
  if ! out=$(on "$d" -v VERBOSITY=verbose -v pw="$reader_pw" -v d="$d" 2>&1 <<'SQL'
SELECT count(*) FROM cp.setup_roles();
SELECT cp.publish(:'d');
-- docs/province.md, district set-up: the district's own tables closed to PUBLIC (the cp_* roles keep theirs)
REVOKE SELECT ON cp.communities, cp.heritage_site, cp.heritage_config FROM PUBLIC;
CREATE ROLE province_reader LOGIN PASSWORD :'pw';
GRANT cp_province_reader TO province_reader;
SELECT format('published as %s (extension %s, publication %s)', district, extension_version, publication_version)
  FROM cp.published_info;
SQL
  ); then
    give_up "district $d published (cp.setup_roles, cp.publish, role province_reader)" "$out"
  fi
  ok "district $d: $(tail -1 <<< "$out")"
done

# What each district holds, read as its superuser: the truth the province is checked against.
declare -A ncomm=() nvals=()
for d in "${districts[@]}"; do
  ncomm[$d]=$(on "$d" -c 'SELECT count(*) FROM cp.communities')
  nvals[$d]=$(on "$d" -c 'SELECT count(*) FROM cp.indicator_values')
done

# 4. The province: postgres_fdw, the three districts attached as the read-only role.
pv_setup=$(on province -d postgres -c 'CREATE DATABASE province' 2>&1 &&
           pv -c 'CREATE EXTENSION community_planning CASCADE' -c 'CREATE EXTENSION postgres_fdw' 2>&1) ||
  give_up "province database with community_planning and postgres_fdw" "$pv_setup"
attach() {  # attach DISTRICT [ERRFILE]: cp.attach_district over TCP as province_reader
  pv -v VERBOSITY=verbose -v d="$1" -v p="${port[$1]}" -v pw="$reader_pw" \
     > /dev/null 2> "${2:-$base/err}" <<< "SELECT cp.attach_district(:'d', '127.0.0.1', :p, 'district', 'province_reader', :'pw')"
}
t0=$(date +%s.%N)
for d in "${districts[@]}"; do
  attach "$d" || give_up "cp.attach_district('$d', '127.0.0.1', ${port[$d]}, 'district', 'province_reader', ...)" "$(cat "$base/err")"
done
ok "three districts attached with cp.attach_district ($(elapsed "$t0") s)"

status() { pv -F '|' -c 'SELECT district, reachable, extension_version, publication_version, drift, communities, error
                              FROM cp.province_status() ORDER BY district'; }
# drift as a yes/no whatever its type (boolean, or text naming the difference)
drifting() { [ -n "$1" ] && [ "$1" != f ] && [ "$1" != false ]; }
check_status_all_up() {  # check_status_all_up NAME
  local out bad=0 line dd re ev pver dr cm er
  if ! out=$(status 2>&1); then not_ok "$1" "$out"; return; fi
  [ "$(wc -l <<< "$out")" -eq 3 ] || bad=1
  while IFS='|' read -r dd re ev pver dr cm er; do
    if [ "$re" != t ] || drifting "$dr" || [ -n "$er" ] || [ "$cm" != "${ncomm[$dd]:-x}" ]; then bad=1; fi
  done <<< "$out"
  if [ "$bad" -eq 0 ]; then ok "$1: $(tr '\n' ';' <<< "$out" | sed 's/;$//')"; else not_ok "$1" "$out"; fi
}
check_status_all_up "cp.province_status(): three reachable, no drift, each with its communities"

# The province's tables hold every district's published rows, no more.
want_c=$((ncomm[monaco] + ncomm[krems] + ncomm[andorra]))
want_v=$((nvals[monaco] + nvals[krems] + nvals[andorra]))
got=$(pv -F ' ' -c 'SELECT (SELECT count(*) FROM cp.province_communities), (SELECT count(*) FROM cp.province_indicator_values)' 2>&1) || true
check "cp.province_communities and cp.province_indicator_values hold the districts' $want_c communities and $want_v values" \
  "$got" "$want_c $want_v"
got=$(pv -F ' ' -c "SELECT count(*) FILTER (WHERE c.relkind = 'f' AND ft.ftoptions::text LIKE '%async_capable=true%'
                                                  OR s.srvoptions::text LIKE '%async_capable=true%'), count(*)
                      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                      LEFT JOIN pg_foreign_table ft ON ft.ftrelid = c.oid
                      LEFT JOIN pg_foreign_server s ON s.oid = ft.ftserver
                     WHERE i.inhparent IN ('cp.province_communities'::regclass, 'cp.province_indicator_values'::regclass)" 2>&1) || true
check "every partition of the two province tables is a foreign table with async_capable on (foreign table or server)" \
  "$got" "6 6"

# 5. The union database: the districts' own rows (read as their superuser, not through the publication),
# district set to the published name, one city for all (so the union's 'city' level is the province's
# total row), outlines in 4326 (the districts use three UTM zones).
make_union() {  # make_union DB DISTRICT...
  local db=$1 d; shift
  on province -d postgres -c "CREATE DATABASE $db" &&
  on province -d "$db" -c 'CREATE EXTENSION community_planning CASCADE' || return 1
  for d in "$@"; do
    on "$d" -c "\\copy (SELECT id, name, '$d', 'province', community_type, population, ST_Transform(geom, 4326) FROM cp.communities) TO STDOUT" |
      on province -d "$db" -c '\copy cp.communities (id, name, district, city, community_type, population, geom) FROM STDIN' || return 1
    on "$d" -c '\copy (SELECT community_id, indicator, period, value, source, inputs, entered_by, entered_at FROM cp.indicator_values) TO STDOUT' |
      on province -d "$db" -c '\copy cp.indicator_values (community_id, indicator, period, value, source, inputs, entered_by, entered_at) FROM STDIN' || return 1
  done
  on province -d "$db" -c 'ANALYZE'
}
if out=$(make_union union3 "${districts[@]}" 2>&1) && out2=$(make_union union2 monaco andorra 2>&1); then
  ok "union databases: union3 (the three districts' communities and values in one database), union2 (Monaco, Andorra)"
else
  give_up "union databases built from the districts' tables" "$out" "${out2:-}"
fi

# The grouping (cp.scorecard_rollup's comment, docs/province.md): at province level a row per district (its
# communities' city, the published district name) and per indicator a total row with city and district NULL.
# They are compared with the union's 'district' level (key: the district) and its 'city' level (one city:
# the total).
cols="indicator, unit, weighting, value, target, met, score, communities, reporting, population, without_population"
prov_key="coalesce(district, '(all)')"
union_key="coalesce(district, '(all)')"
compare() {  # compare NAME PROVINCE_SQL UNION_DB UNION_SQL: row by row, values to 1e-9
  local name=$1 psql_=$2 udb=$3 usql=$4 out
  rm -f "$base/p.csv" "$base/u.csv"
  if ! out=$(pv -v VERBOSITY=verbose -c "\\copy (SELECT $prov_key, $cols FROM ($psql_) r) TO '$base/p.csv' CSV" 2>&1); then
    not_ok "$name" "the province roll-up failed:" "$out"; return
  fi
  if ! out=$(on province -d "$udb" -c "\\copy (SELECT $union_key, $cols FROM ($usql) r) TO '$base/u.csv' CSV" 2>&1); then
    not_ok "$name" "the union roll-up failed:" "$out"; return
  fi
  out=$(pv -F ' ' 2>&1 <<SQL
CREATE TEMP TABLE p (grp text, indicator text, unit text, weighting text, value numeric, target numeric, met boolean,
                     score numeric, communities int, reporting int, population bigint, without_population int);
CREATE TEMP TABLE u (LIKE p);
\\copy p FROM '$base/p.csv' CSV
\\copy u FROM '$base/u.csv' CSV
CREATE TEMP VIEW diff AS
SELECT coalesce(p.grp, u.grp) AS grp, coalesce(p.indicator, u.indicator) AS indicator, p AS province, u AS "union"
  FROM p FULL JOIN u ON u.grp = p.grp AND u.indicator = p.indicator
 WHERE p.grp IS NULL OR u.grp IS NULL
    OR (p.unit, p.weighting, p.target, p.met, p.communities, p.reporting, p.population, p.without_population)
       IS DISTINCT FROM (u.unit, u.weighting, u.target, u.met, u.communities, u.reporting, u.population, u.without_population)
    OR (p.value IS NULL) <> (u.value IS NULL) OR abs(p.value - u.value) > 1e-9
    OR (p.score IS NULL) <> (u.score IS NULL) OR abs(p.score - u.score) > 1e-9;
SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM u), (SELECT count(*) FROM diff),
       (SELECT count(DISTINCT grp) FROM p), (SELECT count(*) FROM p WHERE value IS NOT NULL);
SELECT format('%s %s: province %s, union %s', grp, indicator, province, "union") FROM diff ORDER BY 1 LIMIT 6;
SQL
  ) || { not_ok "$name" "$out"; return; }
  local prow urow ndiff ngrp nval
  read -r prow urow ndiff ngrp nval <<< "$(head -1 <<< "$out")"
  if [ "$ndiff" -eq 0 ] && [ "$prow" -gt 0 ] && [ "$nval" -gt 0 ]; then
    ok "$name: $prow rows ($ngrp groups, $nval with a value) equal to 1e-9"
  else
    not_ok "$name" "province $prow rows, union $urow rows, $ndiff differ ($nval with a value):" "$(tail -n +2 <<< "$out")"
  fi
}
union_of() {  # union_of STAGE: the union database's rows matching the province level
  echo "SELECT * FROM cp.scorecard_rollup('district', $1) UNION ALL SELECT * FROM cp.scorecard_rollup('city', $1)"
}
rollup_u=$(union_of 2028)
compare "cp.scorecard_rollup('province', 2028) equals the union of the three (its district level, and city level for the total)" \
  "SELECT * FROM cp.scorecard_rollup('province', 2028)" union3 "$rollup_u"
compare "cp.scorecard_rollup('province') (today's stage) equals the union's" \
  "SELECT * FROM cp.scorecard_rollup('province')" union3 "$(union_of NULL)"
compare "cp.province_rollup(2028) equals the union's roll-up" \
  "SELECT * FROM cp.province_rollup(2028)" union3 "$rollup_u"
got=$(pv -F '|' -c "SELECT DISTINCT coalesce(district, '-'), coalesce(city, '-') FROM cp.scorecard_rollup('province', 2028) ORDER BY 1" 2>&1 | tr '\n' ' ') || true
check "province rows: one group per district under its communities' city, and the total (city, district NULL)" \
  "$got" "-|- andorra|Andorra la Vella krems|Krems an der Donau monaco|Monaco "
got=$(pv -c "SELECT count(*) FILTER (WHERE missing_districts IS DISTINCT FROM '{}'::text[]) || ' of ' || count(*) FROM cp.province_rollup(2028)" 2>&1) || true
check "cp.province_rollup with every district up: missing_districts empty in every row" "${got%% *}" 0 "$got"
# The province map's layer: each community's scores as the union database's cp.community_scores gives
# them (the same communities, values and catalogue), its outline in WGS 84 of the same area.
scols="district, id, stage, overall, livability, smartness, resilience, humanity, scored, missing, ST_SRID(geom), ST_Area(geom::geography)"
if out=$(pv -c "\\copy (SELECT $scols FROM cp.province_community_scores) TO '$base/ps.csv' CSV" 2>&1) &&
   out=$(on province -d union3 -c "\\copy (SELECT $scols FROM cp.community_scores) TO '$base/us.csv' CSV" 2>&1) &&
   out=$(pv -F ' ' 2>&1 <<SQL
CREATE TEMP TABLE p (district text, id text, stage int, overall numeric, livability numeric, smartness numeric,
                     resilience numeric, humanity numeric, scored int, missing int, srid int, area float8);
CREATE TEMP TABLE u (LIKE p);
\\copy p FROM '$base/ps.csv' CSV
\\copy u FROM '$base/us.csv' CSV
CREATE TEMP VIEW diff AS
SELECT coalesce(p.district, u.district) AS district, coalesce(p.id, u.id) AS id, p AS province, u AS "union"
  FROM p FULL JOIN u USING (district, id)
 WHERE p.id IS NULL OR u.id IS NULL OR p.srid <> 4326
    OR (p.stage, p.scored, p.missing) IS DISTINCT FROM (u.stage, u.scored, u.missing)
    OR abs(p.area - u.area) > 0.01
    OR EXISTS (SELECT FROM (VALUES (p.overall, u.overall), (p.livability, u.livability), (p.smartness, u.smartness),
                                   (p.resilience, u.resilience), (p.humanity, u.humanity)) x (a, b)
                WHERE (x.a IS NULL) <> (x.b IS NULL) OR abs(x.a - x.b) > 1e-9);
SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM u), (SELECT count(*) FROM diff), (SELECT count(overall) FROM p);
SELECT format('%s %s: province %s, union %s', district, id, province, "union") FROM diff ORDER BY district, id LIMIT 5;
SQL
   ); then
  read -r prow urow ndiff nscored <<< "$(head -1 <<< "$out")"
  if [ "$ndiff" -eq 0 ] && [ "$prow" -eq "$want_c" ] && [ "$nscored" -gt 0 ]; then
    ok "cp.province_community_scores equals the union's cp.community_scores: $prow communities ($nscored with an overall score), outlines in 4326"
  else
    not_ok "cp.province_community_scores equals the union's cp.community_scores" \
      "province $prow rows, union $urow, $ndiff differ, $nscored with an overall score:" "$(tail -n +2 <<< "$out")"
  fi
else
  not_ok "cp.province_community_scores equals the union's cp.community_scores" "$out"
fi

# 6. A district down: the error names it; allow_missing gives the other two and says which is missing.
stop_cluster krems || give_up "pg_ctl stop of district Krems"
if pv -v VERBOSITY=verbose -c "SELECT count(*) FROM cp.scorecard_rollup('province')" > /dev/null 2> "$base/err"; then
  not_ok "Krems down: cp.scorecard_rollup('province') fails" "it returned rows: a silently smaller total"
elif grep -q krems "$base/err"; then
  ok "Krems down: cp.scorecard_rollup('province') fails naming it ($(errline "$base/err"))"
else
  not_ok "Krems down: the error of cp.scorecard_rollup('province') names Krems" "$(cat "$base/err")"
fi
if pv -v VERBOSITY=verbose -c "SELECT count(*) FROM cp.province_rollup()" > /dev/null 2> "$base/err"; then
  not_ok "Krems down: cp.province_rollup() without allow_missing fails" "it returned rows"
elif grep -q krems "$base/err"; then
  ok "Krems down: cp.province_rollup() without allow_missing fails naming it"
else
  not_ok "Krems down: the error of cp.province_rollup() names Krems" "$(cat "$base/err")"
fi
got=$(pv -c "SELECT string_agg(DISTINCT missing_districts::text, ' ') FROM cp.province_rollup(2028, allow_missing => true)" 2>&1) || true
check "Krems down: cp.province_rollup(allow_missing => true) lists missing_districts {krems} in every row" "$got" "{krems}"
compare "Krems down: the allow_missing roll-up equals the union roll-up of Monaco and Andorra" \
  "SELECT * FROM cp.province_rollup(2028, allow_missing => true)" union2 "$rollup_u"
out=$(status 2>&1) || true
if grep -qE '^krems\|f\|.*\|.+$' <<< "$out" && [ "$(grep -c '|t|' <<< "$out")" -eq 2 ]; then
  ok "Krems down: cp.province_status() shows it unreachable with the error ($(grep '^krems' <<< "$out" | awk -F'|' '{print $NF}' | head -c 160))"
else
  not_ok "Krems down: cp.province_status() shows it unreachable with its error, the two others reachable" "$out"
fi
start_cluster krems || give_up "district Krems restarted"
check_status_all_up "Krems restarted: cp.province_status() three reachable again"
compare "Krems restarted: the province roll-up equals the union of the three again" \
  "SELECT * FROM cp.scorecard_rollup('province', 2028)" union3 "$rollup_u"

# A district slowed: its published data views wrapped in one that sleeps once per query (as the
# district's own latency or load would); the measurements below use it too.
slow_views() {  # slow_views on|off [SECONDS [DISTRICT...]]
  local mode=$1 secs=${2:-0.05} d v targets
  shift; [ $# -eq 0 ] || shift
  targets=("$@"); [ $# -gt 0 ] || targets=("${districts[@]}")
  for d in "${targets[@]}"; do
    for v in published_communities published_indicator_values; do
      if [ "$mode" = on ]; then
        on "$d" -c "ALTER VIEW cp.$v RENAME TO ${v}_fast" \
          -c "CREATE VIEW cp.$v AS WITH s AS MATERIALIZED (SELECT pg_sleep($secs)) SELECT f.* FROM cp.${v}_fast f WHERE EXISTS (SELECT FROM s)" \
          -c "GRANT SELECT ON cp.$v TO cp_province_reader" || return 1
      else
        on "$d" -c "DROP VIEW cp.$v" -c "ALTER VIEW cp.${v}_fast RENAME TO $v" || return 1
      fi
    done
  done
}
# Krems slow (3 s a query), bounded as docs/province.md says: the district's login role gets a
# statement_timeout (1 s), whose error must name the district; the province's own statement_timeout is
# only reported (its error names no district: docs/province.md, "Slow districts").
if slow_views on 3 krems >> "$log" 2>&1 && on krems -c "ALTER ROLE province_reader SET statement_timeout = '1s'" >> "$log" 2>&1; then
  if pv -v VERBOSITY=verbose -c "SELECT count(*) FROM cp.scorecard_rollup('province')" > /dev/null 2> "$base/err"; then
    not_ok "Krems slow, its login bounded by statement_timeout 1 s: the province roll-up fails" "it returned rows"
  elif grep -qiE 'krems' "$base/err"; then
    ok "Krems slow, its login bounded by statement_timeout 1 s: the roll-up fails naming it ($(errline "$base/err"))"
  else
    not_ok "Krems slow, its login bounded by statement_timeout 1 s: the roll-up's error names krems" \
      "$(grep -E '^(ERROR|DETAIL|HINT|CONTEXT):' "$base/err" | cut -c1-200)"
  fi
  on krems -c "ALTER ROLE province_reader RESET statement_timeout" >> "$log" 2>&1
  PGOPTIONS="-c statement_timeout=1s" pv -v VERBOSITY=verbose -c "SELECT count(*) FROM cp.scorecard_rollup('province')" \
    > /dev/null 2> "$base/err" || true
  note "Krems slow, the province's statement_timeout 1 s instead: $(errline "$base/err" || echo 'no error')$(grep -qi krems "$base/err" && echo ' (names krems)' || echo ' (does not name krems)')"
  slow_views off 3 krems >> "$log" 2>&1 || give_up "Krems's published views restored"
else
  not_ok "Krems's published views slowed by 3 s a query" "$(tail -5 "$log")"
fi

# 7. Security. The province's user mappings connect as province_reader, and its password is nowhere else.
got=$(pv -F ' ' -c "SELECT count(*) FILTER (WHERE 'user=province_reader' = ANY (umoptions)), count(*)
                      FROM pg_user_mappings m JOIN pg_foreign_server s ON s.oid = m.srvid
                      JOIN pg_foreign_data_wrapper w ON w.oid = s.srvfdw WHERE w.fdwname = 'postgres_fdw'" 2>&1) || true
check "the province's three user mappings connect as province_reader" "$got" "3 3"
got=$(pv -v pw="$reader_pw" 2>&1 <<'SQL'
CREATE TEMP TABLE hits (rel text);
SELECT format('INSERT INTO hits SELECT %L FROM %s t WHERE t::text LIKE %L', c.oid::regclass, c.oid::regclass, '%' || :'pw' || '%')
  FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
 WHERE ns.nspname = 'cp' AND c.relkind IN ('r', 'p', 'm') \gexec
SELECT count(*) || coalesce(' in ' || string_agg(DISTINCT rel, ', '), '') FROM hits;
SELECT count(*) FROM pg_foreign_server WHERE srvoptions::text LIKE '%' || :'pw' || '%';
SQL
) || true
check "the password is stored only in the user mapping (no cp table, no server option holds it)" "$(tr '\n' ' ' <<< "$got")" "0 0 "
for d in "${districts[@]}"; do
  refused=() readable=()
  for t in osm.buildings osm.pois osm.walk_edges inputs.residents inputs.lots cp.network_catalog cp.networks \
           cp.heritage_site cp.heritage_config cp.heritage_history cp.indicator_values cp.communities; do
    if as_reader "$d" -v VERBOSITY=verbose -c "SELECT 1 FROM $t LIMIT 1" > /dev/null 2> "$base/err"; then
      readable+=("$t")
    elif [ "$(sqlstate "$base/err")" = 42501 ]; then
      refused+=("$t")
    else
      readable+=("$t ($(errline "$base/err"))")
    fi
  done
  if [ "${#readable[@]}" -eq 0 ]; then
    ok "as province_reader on $d: ${#refused[@]} raw tables refused with 42501 (${refused[*]})"
  else
    # say where the access comes from: a grant to PUBLIC (docs/province.md's caveat) or another
    public=$(on "$d" -c "SELECT string_agg(DISTINCT c.oid::regclass::text, ', ') FROM pg_class c, aclexplode(c.relacl) a
                          WHERE a.grantee = 0 AND a.privilege_type = 'SELECT'
                            AND c.oid::regclass::text IN ($(printf "'%s'," "${readable[@]%% *}" | sed 's/,$//'))")
    not_ok "as province_reader on $d: every raw table refused with 42501" "read or failed otherwise: ${readable[*]}" \
      "SELECT granted to PUBLIC by the extension on: ${public:-none of them}"
  fi
  got=$(as_reader "$d" -F ' ' -v ON_ERROR_STOP=1 -v d="$d" \
          <<< "SELECT (SELECT count(*) FROM cp.published_info WHERE district = :'d'),
                      (SELECT count(*) || ' ' || count(*) FILTER (WHERE district <> :'d') FROM cp.published_communities),
                      (SELECT count(*) || ' ' || count(*) FILTER (WHERE district <> :'d') FROM cp.published_indicator_values)" 2>&1) || true
  check "as province_reader on $d: the published views show its own rows only (info, ${ncomm[$d]} communities, ${nvals[$d]} values)" \
    "$got" "1 ${ncomm[$d]} 0 ${nvals[$d]} 0"
done
got=$(for d in "${districts[@]}"; do
        on "$d" -F ' ' -c "SELECT '$d', (SELECT count(*) FROM pg_foreign_server), (SELECT count(*) FROM pg_user_mapping),
                                 (SELECT count(*) FROM pg_extension WHERE extname IN ('postgres_fdw', 'dblink'))"
      done | tr '\n' ' ')
check "no district can reach another: no foreign server, user mapping, postgres_fdw or dblink in a district" \
  "$got" "monaco 0 0 0 krems 0 0 0 andorra 0 0 0 "

# 8. Schema drift: Andorra's publication turned into version 0 (its published_info view replaced, as its
# superuser); the province reports drift, and attaching it again fails naming both versions.
pubver=$(on andorra -c 'SELECT publication_version FROM cp.published_info')
pubtype=$(on andorra -c "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                          WHERE attrelid = 'cp.published_info'::regclass AND attname = 'publication_version'")
on andorra -c 'ALTER VIEW cp.published_info RENAME TO published_info_real' \
  -c "CREATE VIEW cp.published_info AS SELECT district, extension_version, 0::$pubtype AS publication_version, published_at
        FROM cp.published_info_real" \
  -c 'GRANT SELECT ON cp.published_info TO cp_province_reader' 2>> "$log" ||
  give_up "Andorra's cp.published_info replaced by one saying publication_version 0"
out=$(status 2>&1) || true
dr=$(grep '^andorra|' <<< "$out" | cut -d'|' -f5)
if drifting "$dr" && ! grep -vE '^andorra\|' <<< "$out" | cut -d'|' -f5 | grep -qvE '^(f|false|)$'; then
  ok "Andorra at publication 0: cp.province_status() reports its drift ($(grep '^andorra|' <<< "$out"))"
else
  not_ok "Andorra at publication 0: cp.province_status() reports drift for it alone" "$out"
fi
pv -c "SELECT cp.detach_district('andorra')" > /dev/null 2> "$base/err" || not_ok "cp.detach_district('andorra')" "$(cat "$base/err")"
if attach andorra "$base/err"; then
  not_ok "Andorra at publication 0: cp.attach_district fails" "it attached a district on another publication version"
elif grep -qP '(?<![\d.])0(?![\d.])' "$base/err" && grep -qP "(?<![\\d.])$pubver(?![\\d.])" "$base/err" &&
     grep -q andorra "$base/err"; then
  ok "Andorra at publication 0: cp.attach_district fails naming it and both versions ($(errline "$base/err"))"
else
  not_ok "Andorra at publication 0: the attach error names Andorra, version 0 and version $pubver" "$(cat "$base/err")"
fi
on andorra -c 'DROP VIEW cp.published_info' -c 'ALTER VIEW cp.published_info_real RENAME TO published_info' 2>> "$log" ||
  give_up "Andorra's published_info restored"
pv -c "SELECT cp.detach_district('andorra')" > /dev/null 2>&1 || true   # in case the failed attach left a part
if attach andorra "$base/err"; then ok "Andorra restored: attached again"; else not_ok "Andorra restored: attached again" "$(cat "$base/err")"; fi
check_status_all_up "Andorra restored: cp.province_status() three reachable, no drift"

# 9. Measurements. Asynchronous append on/off (and on without JIT: the planner's estimates for foreign
# tables without statistics can exceed jit_above_cost), interleaved so other load on the machine hits all
# alike; each run its own transaction (connections stay open: set-up is measured apart below).
pv -c "SELECT count(*) FROM cp.scorecard_rollup('province')" > /dev/null 2>> "$log" || true
timing=$(pv -v runs="$runs" 2>&1 <<'SQL'
CREATE TEMP TABLE t (mode text, run int, ms float8);
SET cp.runs = :'runs';
DO $$
DECLARE
  t0 timestamptz;
  m text;
BEGIN
  FOR r IN 1 .. current_setting('cp.runs')::int LOOP
    FOREACH m IN ARRAY ARRAY['on', 'off', 'on, jit off'] LOOP
      PERFORM set_config('enable_async_append', split_part(m, ',', 1), false);
      PERFORM set_config('jit', CASE WHEN m LIKE '%jit off' THEN 'off' ELSE 'on' END, false);
      t0 := clock_timestamp();
      PERFORM count(*) FROM cp.scorecard_rollup('province');
      INSERT INTO t VALUES (m, r, 1000 * extract(epoch FROM clock_timestamp() - t0));
      COMMIT;
    END LOOP;
  END LOOP;
END
$$;
SELECT format('%s %s %s %s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE mode = 'on')::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE mode = 'off')::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE mode = 'on, jit off')::numeric, 1),
              max(run))
  FROM t;
SELECT format('  async %-12s %s', m.mode || ':', string_agg(round(ms::numeric, 1)::text, ' ' ORDER BY run))
  FROM t JOIN (VALUES ('on', 1), ('off', 2), ('on, jit off', 3)) m (mode, k) USING (mode) GROUP BY m.mode, m.k ORDER BY m.k;
SQL
) || true
read -r med_on med_off med_nojit nrun <<< "$(head -1 <<< "$timing")"
if [[ ${med_on:-} =~ ^[0-9.]+$ ]] && [[ ${med_off:-} =~ ^[0-9.]+$ ]]; then
  ratio=$(awk -v a="$med_on" -v b="$med_off" 'BEGIN {printf "%.2f", b / a}')
  ok "timed: cp.scorecard_rollup('province') median $med_on ms with asynchronous append, $med_off ms without (off/on = $ratio), $med_nojit ms with it and JIT off ($nrun runs each)"
else
  not_ok "timed the province roll-up with asynchronous append on and off" "$timing"
fi

# The plans inside the roll-up (auto_explain: the function's own statement), with async on and off.
explain() {  # explain on|off FILE [JIT]
  pv -v a="$1" -v jit="${3:-on}" > /dev/null 2> "$2" <<'SQL'
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_analyze = on;
SET auto_explain.log_verbose = on;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_level = notice;
SET client_min_messages = notice;
SET enable_async_append = :a;
SET jit = :jit;
SELECT count(*) FROM cp.scorecard_rollup('province');
SQL
}
# The same with every district slowed by a simulated 50 ms per published data query (each district's
# published_communities and published_indicator_values wrapped in a view that sleeps once per query),
# as a remote district's latency would: what asynchronous append overlaps. JIT off in both, to see it.
if slow_views on >> "$log" 2>&1; then
  slow=$(pv 2>&1 <<'SQL'
SET jit = off;
CREATE TEMP TABLE t (q text, async boolean, run int, ms float8);
DO $$
DECLARE
  t0 timestamptz;
  a boolean;
  q text;
BEGIN
  FOR r IN 1 .. 5 LOOP
    FOREACH q IN ARRAY ARRAY['SELECT count(*) FROM cp.scorecard_rollup(''province'')',
                             'SELECT count(*) FROM cp.province_indicator_values'] LOOP
      FOREACH a IN ARRAY ARRAY[true, false] LOOP
        PERFORM set_config('enable_async_append', a::text, false);
        t0 := clock_timestamp();
        EXECUTE q;
        INSERT INTO t VALUES (q, a, r, 1000 * extract(epoch FROM clock_timestamp() - t0));
        COMMIT;
      END LOOP;
    END LOOP;
  END LOOP;
END
$$;
SELECT format('%s %s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE async)::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE NOT async)::numeric, 1))
  FROM t GROUP BY q ORDER BY q DESC;
SELECT format('  %s, async %-4s %s', q, CASE WHEN async THEN 'on:' ELSE 'off:' END,
              string_agg(round(ms::numeric, 1)::text, ' ' ORDER BY run))
  FROM t GROUP BY q, async ORDER BY q DESC, async DESC;
SQL
  ) || true
  explain on "$base/plan_slow" off || true
  cp "$base/plan_slow" test/out/province_explain_slow.txt
  slow_views off >> "$log" 2>&1 || give_up "the districts' published views restored after the latency measurement" "$(tail -5 "$log")"
  read -r slow_on slow_off <<< "$(head -1 <<< "$slow")"
  read -r scan_on scan_off <<< "$(sed -n 2p <<< "$slow")"
  if [[ ${slow_on:-} =~ ^[0-9.]+$ ]] && [[ ${slow_off:-} =~ ^[0-9.]+$ ]]; then
    slow_ratio=$(awk -v a="$slow_on" -v b="$slow_off" 'BEGIN {printf "%.2f", b / a}')
    ok "timed with 50 ms simulated per district query: median $slow_on ms with asynchronous append, $slow_off ms without (off/on = $slow_ratio, 5 runs each, JIT off; a plain count of cp.province_indicator_values: $scan_on / $scan_off ms)"
  else
    not_ok "timed the roll-up with simulated district latency" "$slow"
  fi
else
  not_ok "the districts' published views slowed by 50 ms a query" "$(tail -5 "$log")"
fi
check_status_all_up "after the measurements: cp.province_status() three reachable, no drift"

explain on "$base/plan_on" || true
explain off "$base/plan_off" || true
cp "$base/plan_on" test/out/province_explain.txt
scans=$(grep -cE 'Foreign Scan' "$base/plan_on" || true)
asyncs=$(grep -cE 'Async Foreign Scan' "$base/plan_on" || true)
asyncs_off=$(grep -cE 'Async Foreign Scan' "$base/plan_off" || true)
pushed=$(grep -cE 'Relations: Aggregate on|Remote SQL: SELECT .*(count|sum|avg)\(' "$base/plan_on" || true)
rows=$(grep -E 'Foreign Scan' "$base/plan_on" | sed -nE 's/.*actual time=[^ ]* rows=([0-9]+) loops=([0-9]+).*/\1 \2/p' | awk '{s += $1 * $2} END {print s + 0}')
if [ "$scans" -gt 0 ] && [ "$asyncs" -gt 0 ] && [ "$asyncs_off" -eq 0 ]; then
  ok "EXPLAIN of the roll-up: $scans foreign scans ($asyncs asynchronous; none with enable_async_append off), $rows rows over the wire, $pushed with aggregates pushed down"
else
  not_ok "EXPLAIN of the roll-up shows asynchronous foreign scans (off: none)" \
    "foreign scans $scans, async $asyncs, async with it off $asyncs_off" "$(grep -E 'ERROR|Foreign Scan|Remote SQL' "$base/plan_on" | head -12)"
fi

# Connection set-up per district: a query's first run in a transaction after the connection is closed,
# less its second run on the open one (median of 5), through each district's indicator partition.
setup=$(pv 2>&1 <<'SQL'
CREATE TEMP TABLE parts AS
SELECT s.srvname AS server, c.oid::regclass::text AS rel
  FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_foreign_table ft ON ft.ftrelid = c.oid JOIN pg_foreign_server s ON s.oid = ft.ftserver
 WHERE i.inhparent = 'cp.province_indicator_values'::regclass;
CREATE TEMP TABLE conn (server text, first_ms float8, second_ms float8);
DO $$
DECLARE
  p record;
  t0 timestamptz; t1 timestamptz; t2 timestamptz;
BEGIN
  FOR r IN 1 .. 5 LOOP
    FOR p IN SELECT * FROM parts ORDER BY server LOOP
      PERFORM postgres_fdw_disconnect_all();
      COMMIT;
      t0 := clock_timestamp();
      EXECUTE format('SELECT 1 FROM %s LIMIT 1', p.rel);
      t1 := clock_timestamp();
      EXECUTE format('SELECT 1 FROM %s LIMIT 1', p.rel);
      t2 := clock_timestamp();
      INSERT INTO conn VALUES (p.server, 1000 * extract(epoch FROM t1 - t0), 1000 * extract(epoch FROM t2 - t1));
      COMMIT;
    END LOOP;
  END LOOP;
END
$$;
SELECT format('%s: set-up %s ms (first query %s ms, second %s ms)', server,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY first_ms - second_ms)::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY first_ms)::numeric, 1),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY second_ms)::numeric, 1))
  FROM conn GROUP BY server ORDER BY server;
SQL
) || true
if [ "$(grep -c 'set-up' <<< "$setup")" -eq 3 ]; then
  ok "connection set-up measured per district: $(tr '\n' ';' <<< "$setup" | sed 's/;$//; s/;/; /g')"
else
  not_ok "connection set-up measured per district" "$setup"
fi

{
  echo "# test/province/run.sh measurements, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, PostgreSQL $(pv -c 'SHOW server_version')"
  echo "districts: $(for d in "${districts[@]}"; do printf '%s %s communities / %s values; ' "$d" "${ncomm[$d]}" "${nvals[$d]}"; done)"
  echo
  echo "## cp.scorecard_rollup('province') over the three districts, ms per call ($nrun runs each, interleaved)"
  echo "median with asynchronous append: $med_on ms; without: $med_off ms; off/on = ${ratio:-?}; with it and JIT off: $med_nojit ms"
  tail -n +2 <<< "$timing"
  echo
  echo "## the same with a simulated 50 ms per published data query in every district (JIT off; 5 runs each)"
  echo "roll-up median with asynchronous append: ${slow_on:-?} ms; without: ${slow_off:-?} ms; off/on = ${slow_ratio:-?}"
  echo "SELECT count(*) FROM cp.province_indicator_values: ${scan_on:-?} ms with, ${scan_off:-?} ms without"
  tail -n +3 <<< "${slow:-}"
  echo
  echo "## rows over the wire (EXPLAIN ANALYZE VERBOSE inside the roll-up, auto_explain; async on)"
  echo "foreign scans: $scans ($asyncs asynchronous), rows fetched: $rows, scans with aggregates pushed down: $pushed"
  grep -E 'Foreign Scan|Remote SQL|Relations:|^ *Timing: Generation' "$base/plan_on" | sed -E 's/^[^ ]*NOTICE: *//; s/^ +/  /' || true
  echo
  echo "## connection set-up per district (median of 5; first query on a new connection less the second)"
  echo "$setup"
} > "$measure"
note "measurements in test/out/province_measure.txt (full plan: test/out/province_explain.txt):"
sed 's/^/#   /' "$measure"

# The province's QGIS layer drawn: every district's communities by overall score (demo/render_province.py).
map=$PWD/test/out/province_scores.png
rm -f "$map"
if out=$(PGHOST=$base/province/sock PGPORT=${port[province]} PGUSER=$owner PGDATABASE=province \
           /usr/bin/python3 demo/render_province.py "$map" 2>&1) && [ "$(stat -c %s "$map" 2>/dev/null || echo 0)" -gt 20000 ]; then
  ok "the province map rendered from cp.province_community_scores ($out)"
else
  not_ok "the province map rendered from cp.province_community_scores" "$out"
fi
