#!/usr/bin/env bash
# Upgrade test (issue 14): a district database on the released version, upgraded in place with
# ALTER EXTENSION ... UPDATE, keeps every user row and answer, and ends up with exactly the schema
# of a fresh install of the current version. TAP on stdout; details in $CP_UP_OUT (test/out/upgrade).
# Runs with whatever PGHOST/PGPORT/PGUSER it is given (a superuser: it creates roles), e.g.
#   CP_TOP=$PWD CP_SHARED=/work/shared bash test/upgrade/run.sh
# Databases cp_up_old (CP_UP_FROM, then updated), cp_up_restored (its dump) and cp_up_new (fresh)
# are re-created each run.
set -euo pipefail
cd "${CP_TOP:?set CP_TOP to the working copy}"
: "${CP_SHARED:?set CP_SHARED (the OSM extracts are in \$CP_SHARED/data)}"
out=${CP_UP_OUT:-test/out/upgrade}
from=${CP_UP_FROM:-0.1.0}
to=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" community_planning.control)
old=cp_up_old
new=cp_up_new
pbf=$CP_SHARED/data/monaco.osm.pbf
mkdir -p "$out"
rm -f "$out"/*.txt "$out"/*.diff "$out"/*.log "$out"/*.dump "$out"/*.part "$out"/*.err
log=$out/run.log

n=0
failed=0
broken=""   # set when a step the later checks need has failed: they are reported, not run

q() { psql -qX -v ON_ERROR_STOP=1 "$@"; }
diag() {   # the first 40 lines of a file as TAP comments (head on the file: no SIGPIPE under pipefail)
  local lines
  lines=$(wc -l < "$1")
  head -40 "$1" | sed -e 's/^/# /'
  [ "$lines" -le 40 ] || echo "# ... $((lines - 40)) more lines in $1"
}
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {   # fail NAME [FILE with the evidence]
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then diag "$2"; fi
}
# step NAME CRITICAL CMD...: run CMD (output to the log); a failed critical step stops what depends on it
step() {
  local name=$1 critical=$2; shift 2
  if [ -n "$broken" ]; then
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $name # not run: $broken"; return 0
  fi
  echo "== $name" >> "$log"
  local rc=0
  # not in an if: errexit must hold inside the step's function
  set +e
  (set -e; "$@") > "$out/step.log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    cat "$out/step.log" >> "$log"; pass "$name"
  else
    cat "$out/step.log" >> "$log"; fail "$name" "$out/step.log"
    if [ "$critical" = critical ]; then broken="'$name' failed"; fi
  fi
}
# same NAME PATTERN: the lines matching PATTERN are equal before and after the upgrade
same() {
  local name=$1 pattern=$2
  if [ -n "$broken" ]; then
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $name # not run: $broken"; return 0
  fi
  grep -E "$pattern" "$out/before.txt" > "$out/before.part" || true
  grep -E "$pattern" "$out/after.txt" > "$out/after.part" || true
  if [ ! -s "$out/before.part" ]; then
    echo "nothing recorded for /$pattern/" > "$out/step.log"; fail "$name" "$out/step.log"
  elif diff -u --label "before the upgrade" --label "after the upgrade" "$out/before.part" "$out/after.part" > "$out/step.log"; then
    pass "$name"
  else
    fail "$name" "$out/step.log"
  fi
}

# --- the module serves every shipped script -----------------------------------------------------
if bash test/upgrade/symbols.sh > "$out/symbols.txt" 2>&1; then :; fi
while read -r verdict script rest; do
  script=${script%:}
  if [ "$verdict" = ok ]; then
    pass "every C symbol $script names is exported by the module"
  else
    echo "$verdict $script $rest" > "$out/step.log"; fail "every C symbol $script names is exported by the module" "$out/step.log"
  fi
done < <(grep -E '^(ok|missing) ' "$out/symbols.txt")
grep -qE '^(ok|missing) ' "$out/symbols.txt" || fail "symbols check ran" "$out/symbols.txt"

# --- a district database on the released version ------------------------------------------------
create_old() {
  dropdb --if-exists "$old"
  createdb "$old"
  q -d "$old" -c "CREATE EXTENSION community_planning VERSION '$from' CASCADE"
  [ "$(q -At -d "$old" -c "SELECT extversion FROM pg_extension WHERE extname = 'community_planning'")" = "$from" ]
}
step "CREATE EXTENSION community_planning VERSION '$from' (the released install script)" critical create_old

fill_old() {
  [ -f "$pbf" ] || { echo "missing $pbf"; return 1; }
  q -d "$old" -c "CREATE SCHEMA osm"
  osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d "$old" "$pbf"
  q -d "$old" -c "ALTER SCHEMA osm RENAME TO monaco"
  q -d "$old" -f test/upgrade/fill.sql
}
step "user data on $from: Monaco network, own standard set and parking rules, local indicator settings, heritage sites with history, communities, values, roles" critical fill_old
# snapshot DB FILE: user data and answers, sorted; a failing probe is reported and loses only its line
snapshot() {
  psql -qX -d "$1" -f test/upgrade/snapshot.sql 2> "$2.err" | LC_ALL=C sort > "$2"
  cat "$2.err"
  [ ! -s "$2.err" ]
}
step "user data and reference answers recorded" normal snapshot "$old" "$out/before.txt"

# --- the upgrade --------------------------------------------------------------------------------
update_old() {
  q -d "$old" -c "ALTER EXTENSION community_planning UPDATE"
  local v
  v=$(q -At -d "$old" -c "SELECT extversion FROM pg_extension WHERE extname = 'community_planning'")
  [ "$v" = "$to" ] || { echo "extversion is $v after the update, expected $to (default_version)"; return 1; }
  # the module reports the version of the control file
  v=$(q -At -d "$old" -c "SELECT cp.version()->>'extension'")
  [ "$v" = "$to" ] || { echo "cp.version() reports $v after the update, expected $to"; return 1; }
}
step "ALTER EXTENSION community_planning UPDATE: $from -> $to" critical update_old
step "user data and reference answers recorded again" normal snapshot "$old" "$out/after.txt"

same "user data intact: every config-dumped table (same rows, same md5) and sequence" '^userdata \|'
same "compiled networks kept, not rebuilt: same build_id, built_at, owner and compiled bytes" '^probe \| network '
same "the same walk distance without a rebuild" '^probe \| walk_distance '
same "the same cp.nearest answer without a rebuild" '^probe \| nearest '
same "heritage history intact" '^probe \| heritage '
same "local indicator settings, the user standard set and role membership still apply" \
  '^probe \| (indicator catalogue|parking rule|role )'

audit_after() {
  q -At -d "$old" <<'SQL'
\set ON_ERROR_STOP 1
CREATE TEMP TABLE h0 AS SELECT count(*) AS n, max(id) AS last FROM cp.heritage_history;
UPDATE cp.heritage_site SET condition = 'damaged' WHERE code = 'MC-H1';
DO $$
DECLARE r record;
BEGIN
  SELECT h.* INTO r FROM cp.heritage_history h WHERE h.id > (SELECT last FROM h0) ORDER BY h.id;
  IF (SELECT count(*) FROM cp.heritage_history) <> (SELECT n + 1 FROM h0)
     OR r.operation <> 'update' OR r.site_code <> 'MC-H1' OR r.changed_columns <> ARRAY['condition'] THEN
    RAISE EXCEPTION 'the edit was not audited as one update of condition: %', row_to_json(r);
  END IF;
END
$$;
SQL
}
step "the heritage audit records a new edit after the upgrade" normal audit_after

shipped_guarded() {
  local msg
  if msg=$(q -d "$old" -c "UPDATE cp.facility_categories SET radius_m = 1 WHERE standard = 'GB50180-2018'" 2>&1); then
    echo "a shipped row was updated"; return 1
  fi
  echo "$msg"
  grep -q 'cannot update a shipped row' <<<"$msg"
}
step "shipped catalogue rows are still read-only after the upgrade" normal shipped_guarded

groups_after() {   # 0.3.0's new columns, filled for the district's own copy of a set as for the original
  local got
  got=$(q -At -d "$old" -c "SELECT string_agg(DISTINCT code || ':' || target_group || ':' || profile, ',')
                             FROM cp.facility_categories
                            WHERE standard = 'MC-2026' AND code IN ('nursery', 'elderly_day_care', 'clinic')")
  echo "$got"
  case $from in
    0.1.0|0.2.0) [ "$got" = "clinic:all:standard_pace,elderly_day_care:60+:elderly,nursery:0-3:standard_pace" ] ;;
    *) true ;;
  esac
}
step "the district's copied standard set serves the same target groups, at the same pace, as the original" normal groups_after

planner_after() {
  local got
  got=$(q -At -d "$old" <<'SQL'
\set ON_ERROR_STOP 1
SET ROLE cp_upgrade_planner;
SELECT cp.walk_distance('monaco', a.g, b.g) > 0
  FROM (SELECT ST_PointOnSurface(geom) g FROM monaco.buildings ORDER BY ST_XMin(geom), ST_YMin(geom) LIMIT 1) a,
       (SELECT ST_PointOnSurface(geom) g FROM monaco.buildings ORDER BY ST_XMax(geom) DESC LIMIT 1) b;
SELECT n.name FROM cp.network_build('monaco_planner', 'SELECT way_id AS id, geom FROM monaco.walk_edges') n;
SQL
)
  echo "$got"
  [ "$got" = "$(printf 't\nmonaco_planner')" ]
}
step "a member of cp_planner still walks on the network and replaces the one it owns (row-level security)" normal planner_after

# the upgraded database dumps and restores into a fresh install of the new version: its config-dump
# registrations and shipped rows fit together (a user row colliding with a new shipped row fails here)
restore_upgraded() {
  snapshot "$old" "$out/final.txt"
  dropdb --if-exists cp_up_restored
  createdb cp_up_restored
  pg_dump -d "$old" > "$out/upgraded.dump"
  q -d cp_up_restored -f "$out/upgraded.dump" > "$out/restore.log" 2>&1 || { tail -20 "$out/restore.log"; return 1; }
  snapshot cp_up_restored "$out/restored.txt"
  diff -u --label "upgraded" --label "dumped and restored" "$out/final.txt" "$out/restored.txt"
}
step "pg_dump of the upgraded database restores with the same user data and answers" normal restore_upgraded

# --- the upgraded schema is the fresh schema ----------------------------------------------------
create_new() {
  dropdb --if-exists "$new"
  createdb "$new"
  q -d "$new" -c "CREATE EXTENSION community_planning CASCADE"
}
# the cluster's capability roles exist by now, so the fresh install grants them as cp.setup_roles() did
step "CREATE EXTENSION community_planning (fresh $to, for comparison)" critical create_new
describe() {
  q -d "$old" -f test/upgrade/describe.sql > "$out/schema_upgraded.txt"
  q -d "$new" -f test/upgrade/describe.sql > "$out/schema_fresh.txt"
}
step "schema described (test/upgrade/describe.sql) in both databases" critical describe

if [ -z "$broken" ]; then
  diff -u --label "upgraded $from -> $to ($old)" --label "fresh $to ($new)" \
    "$out/schema_upgraded.txt" "$out/schema_fresh.txt" > "$out/schema.diff" || true
fi
for section in member:"extension membership (pg_depend 'e'; nothing unowned in the schema)" \
               extension:"extension version and config-dump registration (extconfig, extcondition)" \
               function:"functions (signature, result, language, volatility, strict, parallel, security, config, cost, body)" \
               relation:"tables, views, sequences, columns, defaults, constraints, indexes, policies, RLS" \
               trigger:"triggers (definition, enabled)" \
               type:"types" \
               comment:"comments on every object" \
               acl:"privileges (ACLs, initial privileges, default privileges)" \
               shipped:"shipped catalogue rows"; do
  key=${section%%:*}
  name="upgraded schema equals a fresh install: ${section#*:}"
  if [ -n "$broken" ]; then
    n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $name # not run: $broken"; continue
  fi
  if grep -E "^[-+]$key \| " "$out/schema.diff" > "$out/step.log"; then
    fail "$name" "$out/step.log"
  else
    pass "$name"
  fi
done

if [ -s "$out/schema.diff" ]; then
  # bodies and view definitions in full, and the statements that would close the gap
  q -d "$old" -v full=on -f test/upgrade/describe.sql > "$out/schema_upgraded_full.txt" || true
  q -d "$new" -v full=on -f test/upgrade/describe.sql > "$out/schema_fresh_full.txt" || true
  tools/upgrade-diff.sh --statements "$old" "$new" > "$out/upgrade-diff.txt" 2>&1 || true
  echo "# schema differences: $out/schema.diff; statements that would close them: $out/upgrade-diff.txt"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
