#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The MIME type installs and names our databases: a *.scim file, and an
# SQLite file of ours under any name (the application_id in its header);
# a foreign SQLite file stays plain SQLite.
set -eu
src=$1
cli=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/data/mime/packages"
if command -v xmllint >/dev/null 2>&1; then
  xmllint --noout "$src/data/ru.scim.Sales.mime.xml"
fi
cp "$src/data/ru.scim.Sales.mime.xml" "$tmp/data/mime/packages/ru.scim.Sales.xml"
update-mime-database "$tmp/data/mime" 2>/dev/null

"$cli" --db "$tmp/sales" init >/dev/null
cp "$tmp/sales" "$tmp/team.scim"
sqlite3 "$tmp/foreign" 'CREATE TABLE t (x)'

type_of () {
  XDG_DATA_HOME="$tmp/data" XDG_DATA_DIRS="$tmp/data:/usr/share" gio info -a standard::content-type "$1" |
    sed -n 's/^ *standard::content-type: //p'
}
for f in team.scim sales; do
  t=$(type_of "$tmp/$f")
  [ "$t" = application/x-scim-sales ] || { echo "$f is “$t”, not application/x-scim-sales"; exit 1; }
done
t=$(type_of "$tmp/foreign")
[ "$t" != application/x-scim-sales ] || { echo "a foreign SQLite file is taken for ours"; exit 1; }
grep -q '^MimeType=application/x-scim-sales;$' "$src/data/ru.scim.Sales.desktop.in.in"
echo "ok: *.scim and our SQLite files are application/x-scim-sales"
