#!/bin/sh
# check-translations.sh SRCDIR — every translatable string of the sources is in po/POTFILES.in,
# and every language of po/LINGUAS translates all of them, with nothing fuzzy.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
status=0

# 1. Files that mark strings but are missing from POTFILES.in.
grep -rlE '(\b_|\bN_|C_|NC_)\(|translatable="yes"' src resources data --include='*.c' \
  --include='*.ui' --include='*.in' 2>/dev/null | sort >"$tmp/marked"
grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort >"$tmp/listed"
missing=$(comm -23 "$tmp/marked" "$tmp/listed")
if [ -n "$missing" ]; then
  echo "not ok 1 - files with translatable strings missing from po/POTFILES.in:"
  echo "$missing" | sed 's/^/#   /'
  status=1
else
  echo "ok 1 - po/POTFILES.in lists every file with translatable strings"
fi

# 2. Each language is complete against a template extracted now.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
  --add-comments --files-from=po/POTFILES.in --output="$tmp/carilab.pot" --package-name=carilab \
  --its=/usr/share/gettext/its/glade2.its 2>/dev/null ||
  xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 \
    --files-from=po/POTFILES.in --output="$tmp/carilab.pot"
n=1
for lang in $(grep -v '^#' po/LINGUAS); do
  n=$((n + 1))
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/carilab.pot" -o "$tmp/$lang.po"
  untranslated=$(msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep -c '^msgid ' || true)
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "po/$lang.po" | grep -c '^msgid ' || true)
  # msgattrib prints the header entry too when anything is printed.
  [ "$untranslated" -gt 0 ] && untranslated=$((untranslated - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ] && msgfmt --check -o /dev/null "po/$lang.po"; then
    echo "ok $n - $lang is complete"
  else
    echo "not ok $n - $lang: $untranslated untranslated, $fuzzy fuzzy"
    msgattrib --untranslated --no-obsolete "$tmp/$lang.po" | grep '^msgid ' | sed 's/^/#   /' | head -40
    status=1
  fi
done
echo "1..$n"
exit $status
