#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when the Russian catalogue is broken or misses a string of the sources.
set -eu
src=$1
build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$src"
msgfmt --check --check-format -o /dev/null po/ru.po

# Every file with gettext calls or translatable attributes must be listed.
missing=0
for f in $(grep -rlE '_\(|N_\(|translatable="yes"|g_dngettext' src ui data --include='*.c' --include='*.ui' --include='*.in.in' --include='*.xml' | sort); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

grep -v '^#' po/POTFILES.in | grep -v '^$' > "$tmp/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --add-comments=Translators \
  --files-from="$tmp/files" -o "$tmp/scim-sales.pot" 2>"$tmp/xgettext.log" || { cat "$tmp/xgettext.log"; exit 1; }

# msgcmp fails on every msgid of the sources that ru.po lacks.
msgcmp --use-untranslated po/ru.po "$tmp/scim-sales.pot"

untranslated=$(msgattrib --untranslated --no-obsolete po/ru.po | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete po/ru.po | grep -c '^msgid ' || true)
if [ "$untranslated" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
  echo "po/ru.po: $untranslated untranslated, $fuzzy fuzzy"
  msgattrib --untranslated --only-fuzzy --no-obsolete po/ru.po | head -40
  exit 1
fi
echo "ok: po/ru.po is complete"
