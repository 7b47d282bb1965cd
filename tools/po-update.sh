#!/usr/bin/env bash
# Bring the message catalogues up to date (docs/development.md "Translations"):
# a template (community_planning.pot, in a temporary folder) from the C messages (errmsg, errdetail, errhint and their _plural forms)
# and from the PL/pgSQL messages raised through cp._t('...') in sql/parts/*.sql, then msgmerge
# into every po/LANG.po (new messages untranslated, changed ones marked fuzzy: translate them and
# drop the fuzzy flag, or msgfmt ignores them). Needs gettext (xgettext, msgmerge) and perl.
#   tools/po-update.sh          update po/*.po
#   tools/po-update.sh --check  fail when a catalogue lacks a message or has a fuzzy or untranslated one
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# cp._t('it''s %s') in SQL becomes _t("it's %s") in a C-like file xgettext reads, with the
# place of each string kept as a comment (#line would make xgettext report the .sql file).
for f in sql/parts/*.sql; do
  perl -ne 'while (/cp\._t\(\x27((?:[^\x27]|\x27\x27)*)\x27\)/g) { my $s = $1; $s =~ s/\x27\x27/\x27/g;
              $s =~ s/\\/\\\\/g; $s =~ s/"/\\"/g; print "/* $ARGV:$. */ _t(\"$s\");\n" }' "$f"
done > "$tmp/sql_messages.c"
xgettext --language=C --from-code=UTF-8 --no-wrap --sort-by-file --add-comments=' ' \
  --keyword=errmsg --keyword=errdetail --keyword=errhint --keyword=errmsg_plural:1,2 \
  --keyword=errdetail_plural:1,2 --keyword=_t \
  --flag=errmsg:1:c-format --flag=errdetail:1:c-format --flag=errhint:1:c-format \
  --package-name=community_planning --msgid-bugs-address='see docs/development.md' \
  -o "$tmp/community_planning.pot" src/*.c "$tmp/sql_messages.c"
# the SQL messages' places are their extracted comments (#. sql/parts/NN_x.sql:LINE)
sed -i -e "s| $tmp/sql_messages.c:[0-9]*||g" -e "/^#: $(printf %s "$tmp" | sed 's|/|\\/|g')\/sql_messages.c:[0-9]*\$/d" \
  "$tmp/community_planning.pot"
if [ "${1:-}" = --check ]; then
  rc=0
  for po in po/*.po; do
    msgmerge --quiet --no-wrap -o "$tmp/merged.po" "$po" "$tmp/community_planning.pot"
    stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/merged.po" 2>&1)
    echo "$po: $stats"
    case $stats in *fuzzy*|*untranslated*) rc=1 ;; esac
  done
  exit $rc
fi
for po in po/*.po; do
  msgmerge --quiet --no-wrap --update --backup=none "$po" "$tmp/community_planning.pot"
  LC_ALL=C msgfmt --statistics -o /dev/null "$po"
done
