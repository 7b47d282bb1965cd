#!/usr/bin/env bash
# Every SQL example of the documentation runs (issue 16): each ```sql block of README.md and
# docs/*.md, verbatim, in a database holding the district the pages talk about (the Beijing
# extract imported into schema osm, the network 'district' and the tables of
# test/docs/fixture.sql). One database per page (copied from a template), blocks in page order,
# each as its own psql run with ON_ERROR_STOP, so a block may build on the ones before it.
# A block is skipped only when the line before it says <!-- docs-test: skip REASON --> and the
# reason names where else it is tested. TAP on stdout, one test per block.
#   CP_TOP=$PWD CP_SHARED=../shared bash test/docs/run.sh     (PGHOST/PGPORT/PGUSER: a superuser)
set -euo pipefail
cd "${CP_TOP:?set CP_TOP to the working copy}"
: "${CP_SHARED:?set CP_SHARED (the OSM extracts are in \$CP_SHARED/data)}"
out=${CP_DOCS_OUT:-test/out/docs}
template=cp_docs_template
rm -rf "$out"; mkdir -p "$out"; out=$(cd "$out" && pwd)
q() { psql -qX -v ON_ERROR_STOP=1 "$@"; }

dropdb --if-exists "$template" >/dev/null 2>&1 || true
createdb "$template"
q -d "$template" -c 'SET client_min_messages = warning; CREATE EXTENSION community_planning CASCADE' >"$out/setup.log" 2>&1
q -d "$template" -c 'CREATE SCHEMA osm' >>"$out/setup.log" 2>&1
osm2pgsql --log-level=warn -O flex -S import/community_planning.lua -d "$template" \
  "$CP_SHARED/data/beijing-zhongguancun.osm.pbf" >>"$out/setup.log" 2>&1
bash test/fixtures/poi_samples.sh "$template" >>"$out/setup.log" 2>&1
q -d "$template" -f test/docs/fixture.sql >>"$out/setup.log" 2>&1 || { echo "not ok 1 - docs fixture"; cat "$out/setup.log"; exit 1; }
# files the pages \copy from, in the directory the blocks run in: an Amap export (GCJ-02)
cp test/fixtures/amap_sample.csv "$out/amap_export.csv"

pages=(README.md $(ls docs/*.md | sort))
n=0; failed=0
for page in "${pages[@]}"; do
  name=$(basename "$page" .md)
  blocks=$(python3 test/docs/extract.py "$page" "$out/$name")
  [ -n "$blocks" ] || continue
  db=cp_docs_page
  dropdb --if-exists "$db" >/dev/null 2>&1 || true
  # a page that shows the installation starts from an empty database
  first=$(head -1 <<< "$blocks" | cut -f2)
  if [ -f "$first" ] && grep -qi '^CREATE EXTENSION community_planning' "$first"; then
    createdb "$db"
  else
    createdb -T "$template" "$db"
  fi
  roles_before=$(psql -XAt -d "$db" -c "SELECT string_agg(quote_literal(rolname), ',') FROM pg_roles")
  broken=""
  while IFS=$'\t' read -r line file; do
    n=$((n + 1))
    case $file in
      skip:*) echo "ok $n - $page:$line # SKIP ${file#skip: }"; continue ;;
    esac
    if [ -n "$broken" ]; then
      failed=$((failed + 1)); echo "not ok $n - $page:$line (not run: an earlier block of the page failed)"; continue
    fi
    if (cd "$out" && PGOPTIONS='-c client_min_messages=warning' psql -X -v ON_ERROR_STOP=1 -d "$db" \
          -f "$file") >"$file.out" 2>&1; then
      echo "ok $n - $page:$line"
    else
      failed=$((failed + 1)); broken=1
      echo "not ok $n - $page:$line"
      sed -e 's/^/# /' "$file" | head -30
      grep -E 'ERROR|DETAIL|HINT|psql:' "$file.out" | head -8 | sed -e 's/^/# /'
    fi
  done <<< "$blocks"
  # roles a page created (cluster-wide) go with its database
  for r in $(psql -XAt -d "$db" -c "SELECT quote_ident(rolname) FROM pg_roles WHERE rolname NOT IN ($roles_before)"); do
    psql -qX -d "$db" -c "DROP OWNED BY $r; DROP ROLE $r" >/dev/null 2>&1 || true
  done
  dropdb "$db"
done
dropdb "$template"
echo "1..$n"
[ "$failed" -eq 0 ]
