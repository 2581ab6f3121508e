#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The programs run from the build folder through `meson devenv` with this
# build's schema and translations, and the app without its schema says so
# in one line instead of dying on GLib's trap.
set -eu
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/empty"
fail() { echo "FAIL: $*"; exit 1; }

# Nothing of the suite's own environment may help: only devenv's.
clean() {
  env -u GSETTINGS_SCHEMA_DIR -u SCIM_LOCALEDIR -u SCIM_CLI XDG_DATA_HOME="$tmp/empty" \
    XDG_DATA_DIRS="$tmp/empty" "$@"
}

# The CLI speaks Russian from the build's catalogue.
clean env LC_ALL=ru_RU.UTF-8 LANGUAGE=ru meson devenv -C "$build" scim-sales-cli --help >"$tmp/help" 2>&1 ||
  true
grep -q 'Использование: scim-sales-cli' "$tmp/help" || { cat "$tmp/help"; fail "the CLI is not translated under devenv"; }

# The compiled schema of this build is the one found.
clean meson devenv -C "$build" gsettings get ru.scim.Sales idle-days >"$tmp/get" 2>&1 ||
  { cat "$tmp/get"; fail "the schema is not exported by devenv"; }

# The programs on PATH are this build's.
found=$(clean meson devenv -C "$build" sh -c 'command -v scim-sales; command -v scim-sales-cli')
[ "$found" = "$(printf '%s\n%s' "$build/src/scim-sales" "$build/src/cli/scim-sales-cli")" ] ||
  fail "devenv's PATH gives: $found"

# No schema anywhere: one clear line and a non-zero exit, in English and in Russian.
for lang in en ru; do
  status=0
  clean env GSETTINGS_SCHEMA_DIR="$tmp/empty" SCIM_LOCALEDIR="$build/po/locale" LANGUAGE=$lang \
    LC_ALL=$( [ $lang = ru ] && echo ru_RU.UTF-8 || echo C.UTF-8 ) \
    "$build/src/scim-sales" >"$tmp/out" 2>"$tmp/err" || status=$?
  [ "$status" -ne 0 ] || fail "the app without its schema exited 0 ($lang)"
  [ "$status" -lt 128 ] || { cat "$tmp/err"; fail "the app without its schema died on signal $((status - 128)) ($lang)"; }
  [ "$(wc -l <"$tmp/err")" -eq 1 ] || { cat "$tmp/err"; fail "not one line on stderr ($lang)"; }
  grep -q 'ru.scim.Sales' "$tmp/err" && grep -q 'meson devenv -C build scim-sales' "$tmp/err" ||
    { cat "$tmp/err"; fail "the line does not say what is missing and what to do ($lang)"; }
  if [ $lang = ru ]; then
    grep -q 'Схема настроек' "$tmp/err" || { cat "$tmp/err"; fail "the line is not translated"; }
  fi
done
echo "ok: devenv runs the build's programs; a missing schema is one clear line"
