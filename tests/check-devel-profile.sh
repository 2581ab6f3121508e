#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Configures a build with the development manifest's meson options and checks
# what makes it a separate install: its desktop entry, metainfo, icon and
# settings schema under ru.scim.Sales.Devel, valid, with their own path.
set -eu
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

opts=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(o for o in m["modules"][-1].get("config-opts", []) if o.startswith("-D")))' \
  "$src/flatpak/ru.scim.Sales.Devel.json")
# shellcheck disable=SC2086
meson setup "$tmp/build" "$src" $opts >"$tmp/setup.log" 2>&1 || { cat "$tmp/setup.log"; exit 1; }
ninja -C "$tmp/build" data/ru.scim.Sales.Devel.desktop data/ru.scim.Sales.Devel.metainfo.xml \
  data/gschemas.compiled >"$tmp/ninja.log" 2>&1 || { tail -n 40 "$tmp/ninja.log"; exit 1; }

desktop-file-validate "$tmp/build/data/ru.scim.Sales.Devel.desktop"
grep -qx 'Icon=ru.scim.Sales.Devel' "$tmp/build/data/ru.scim.Sales.Devel.desktop"
grep -q '<id>ru.scim.Sales.Devel</id>' "$tmp/build/data/ru.scim.Sales.Devel.metainfo.xml"
grep -q 'ru.scim.Sales.Devel.desktop' "$tmp/build/data/ru.scim.Sales.Devel.metainfo.xml"
if command -v appstreamcli >/dev/null 2>&1; then
  appstreamcli validate --no-net "$tmp/build/data/ru.scim.Sales.Devel.metainfo.xml" >"$tmp/as.log" 2>&1 ||
    { cat "$tmp/as.log"; exit 1; }
fi
# Its own settings: the Devel id at /ru/scim/Sales/Devel/, and no schema of the release.
GSETTINGS_SCHEMA_DIR="$tmp/build/data" GSETTINGS_BACKEND=memory gsettings list-keys ru.scim.Sales.Devel | grep -qx 'last-file'
path=$(GSETTINGS_SCHEMA_DIR="$tmp/build/data" gsettings list-schemas --print-paths |
  awk '$1 == "ru.scim.Sales.Devel" { print $2 }')
[ "$path" = /ru/scim/Sales/Devel/ ] || { echo "the Devel schema's path is “$path”"; exit 1; }
if GSETTINGS_SCHEMA_DIR="$tmp/build/data" gsettings list-schemas | grep -qx 'ru.scim.Sales'; then
  echo "the development build also compiles the release's schema"
  exit 1
fi
# The striped icon of the development build is the one it installs.
grep -q 'devel-stripes' "$src/data/icons/hicolor/scalable/apps/ru.scim.Sales.Devel.svg"
echo "ok: the development profile builds its own desktop entry, metainfo, icon and settings"
