#!/usr/bin/env bash
# Differences between the community_planning schemas of two databases, and the statements of an
# upgrade script that close them (docs/development.md, "Making a release").
#
#   tools/upgrade-diff.sh OLD_DB NEW_DB               what differs ('-' OLD, '+' NEW), section by section,
#                                                     with function bodies and view definitions diffed in full
#   tools/upgrade-diff.sh --statements OLD_DB NEW_DB  the same, then a draft upgrade script assembled from
#                                                     sql/parts (tools/upgrade-statements.py)
#   tools/upgrade-diff.sh --from A [--upgraded] [--statements]
#       makes the two databases itself in the cluster of PGHOST/PGPORT: cp_udiff_old with
#       CREATE EXTENSION ... VERSION 'A' (and ALTER EXTENSION ... UPDATE with --upgraded, to check a
#       script you wrote and installed), cp_udiff_new with a fresh install of default_version.
#
# The comparison is test/upgrade/describe.sql, the one the upgrade test diffs. Exit 0 when equal,
# 1 when they differ. With --statements the draft goes to stdout after the differences; e.g.
#   tools/upgrade-diff.sh --from 0.1.0 --statements > /tmp/draft.sql
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
statements=""; from=""; upgraded=""
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --statements) statements=1 ;;
    --from) from=${2:?--from VERSION}; shift ;;
    --upgraded) upgraded=1 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done
to=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "$top/community_planning.control")
q() { psql -qX -v ON_ERROR_STOP=1 "$@"; }

if [ -n "$from" ]; then
  old=cp_udiff_old; new=cp_udiff_new
  for db in $old $new; do dropdb --if-exists "$db" 2>/dev/null; createdb "$db"; done
  q -d $old -c "SET client_min_messages = warning; CREATE EXTENSION community_planning VERSION '$from' CASCADE"
  [ -z "$upgraded" ] || q -d $old -c "ALTER EXTENSION community_planning UPDATE"
  q -d $new -c "SET client_min_messages = warning; CREATE EXTENSION community_planning CASCADE"
else
  [ ${#args[@]} -eq 2 ] || { sed -n '2,16p' "$0" >&2; exit 2; }
  old=${args[0]}; new=${args[1]}
  from=$(q -At -d "$old" -c "SELECT extversion FROM pg_extension WHERE extname = 'community_planning'")
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the version line differs by design when OLD was not upgraded
q -d "$old" -f "$top/test/upgrade/describe.sql" | grep -v '^extension | extension community_planning | version | ' > "$tmp/old.txt"
q -d "$new" -f "$top/test/upgrade/describe.sql" | grep -v '^extension | extension community_planning | version | ' > "$tmp/new.txt"
status=0
if diff -q "$tmp/old.txt" "$tmp/new.txt" > /dev/null; then
  echo "-- no difference between $old ($from) and $new ($to)"
else
  status=1
  echo "-- differences: '-' $old ($from), '+' $new ($to)"
  { diff "$tmp/old.txt" "$tmp/new.txt" || true; } | { grep -E '^[<>] ' || true; } | sed -e 's/^</-/' -e 's/^>/+/' \
    | sort -t'|' -k1,1 -k2,2 -s | sed -e 's/^/-- /'
  q -d "$old" -v full=on -f "$top/test/upgrade/describe.sql" > "$tmp/old_full.txt"
  q -d "$new" -v full=on -f "$top/test/upgrade/describe.sql" > "$tmp/new_full.txt"
  # bodies and view definitions that differ, in full
  python3 - "$tmp/old_full.txt" "$tmp/new_full.txt" <<'PY'
import difflib, sys
def bodies(p):
    out = {}
    for line in open(p, encoding='utf-8'):
        s = line.rstrip('\n').split(' | ', 3)
        if len(s) == 4 and ((s[0] == 'function' and s[2] == 'body') or (s[0] == 'relation' and s[2] == 'definition' and s[1].startswith('view '))):
            out[s[1]] = s[3].replace('\\n', '\n').replace('\\t', '\t').replace('\\\\', '\\')
    return out
a, b = bodies(sys.argv[1]), bodies(sys.argv[2])
for k in sorted(set(a) & set(b)):
    if a[k] != b[k]:
        print('-- body of %s:' % k)
        for l in difflib.unified_diff(a[k].split('\n'), b[k].split('\n'), 'old', 'new', lineterm='', n=2):
            print('--   ' + l)
PY
fi
if [ -n "$statements" ]; then
  [ -f "$tmp/old_full.txt" ] || q -d "$old" -v full=on -f "$top/test/upgrade/describe.sql" > "$tmp/old_full.txt"
  [ -f "$tmp/new_full.txt" ] || q -d "$new" -v full=on -f "$top/test/upgrade/describe.sql" > "$tmp/new_full.txt"
  echo
  python3 "$top/tools/upgrade-statements.py" --parts "$top/sql/parts" --from "$from" --to "$to" \
    "$tmp/old_full.txt" "$tmp/new_full.txt"
fi
exit $status
