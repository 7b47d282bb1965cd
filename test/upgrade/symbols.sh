#!/usr/bin/env bash
# Every C symbol a shipped script names (AS 'MODULE_PATHNAME', 'sym') must be exported by the module,
# with its pg_finfo_ record: the install scripts of earlier versions and every upgrade script run
# against today's module (CREATE EXTENSION ... VERSION '0.1.0', ALTER EXTENSION ... UPDATE), so a C
# function removed or renamed breaks them. Give a changed function a new symbol and keep the old one.
#
#   test/upgrade/symbols.sh [MODULE.so]
# One line per script: "ok SCRIPT: N symbols" or "missing SCRIPT: sym ...". Exit 1 when any is missing.
# The module is the one the server loads (pg_config() of the server, so a private cluster's copy),
# else the one built in the working copy.
set -euo pipefail
cd "${CP_TOP:-$(dirname "$0")/../..}"
module=${1:-}
if [ -z "$module" ]; then
  libdir=$(psql -qXAt -d postgres -c "SELECT setting FROM pg_config() WHERE name = 'PKGLIBDIR'" 2>/dev/null || true)
  for m in "$libdir/community_planning.so" "$(pg_config --pkglibdir)/community_planning.so" community_planning.so; do
    if [ -f "$m" ]; then module=$m; break; fi
  done
fi
[ -f "$module" ] || { echo "missing module: no community_planning.so found (build it first)"; exit 1; }
exported=$(nm -D --defined-only "$module" | awk '{print $NF}' | sort -u)

# the scripts in sql/ (released installs, upgrade diffs, the built current one) and the parts
scripts=(sql/community_planning--*.sql sql/parts)
status=0
for s in "${scripts[@]}"; do
  [ -e "$s" ] || continue
  if [ -d "$s" ]; then text=$(cat "$s"/*.sql); else text=$(cat "$s"); fi
  # a C function without a symbol name would use its SQL name; the project always names it
  syms=$(printf '%s' "$text" | perl -0777 -ne \
    'while (/AS\s+\x27(?:MODULE_PATHNAME|\$libdir\/community_planning)\x27\s*,\s*\x27([A-Za-z_][A-Za-z0-9_]*)\x27/gi) { print "$1\n" }' | sort -u)
  bare=$(printf '%s' "$text" | perl -0777 -ne \
    'while (/AS\s+\x27(?:MODULE_PATHNAME|\$libdir\/community_planning)\x27(?!\s*,)/gi) { print "x\n" }' | wc -l)
  missing=()
  for sym in $syms; do
    grep -qx "$sym" <<<"$exported" || missing+=("$sym")
    grep -qx "pg_finfo_$sym" <<<"$exported" || missing+=("pg_finfo_$sym")
  done
  [ "$bare" -eq 0 ] || missing+=("($bare C functions without a symbol name)")
  if [ ${#missing[@]} -eq 0 ]; then
    echo "ok $s: $(wc -w <<<"$syms") symbols exported by $module"
  else
    echo "missing $s: ${missing[*]} (module $module)"
    status=1
  fi
done
exit $status
