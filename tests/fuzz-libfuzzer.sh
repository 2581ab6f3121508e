#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The CSV reader's fuzz target under libFuzzer: builds tests/fuzz-csv.c with
# the reader itself instrumented (clang, AddressSanitizer and UBSan) and
# fuzzes it, coverage-guided, for FUZZ_SECONDS (10 by default) from the
# seeds in tests/fuzz/csv.  A crash, a leak or undefined behaviour fails the
# test, and libFuzzer writes the input as crash-* in the build's tests folder.
set -eu
src=$1
build=$2
cc=${CLANG:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "$cc is not installed: ./build-aux/dev test installs it"
  # In CI a missing tool fails the run; elsewhere it is a reported skip.
  if [ "${CI:-}" = true ]; then exit 1; fi
  exit 77
fi

out="$build/tests/fuzz-csv-libfuzzer"
corpus="$build/tests/fuzz-corpus"
mkdir -p "$corpus"
# shellcheck disable=SC2046 # pkg-config prints several words on purpose.
"$cc" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -DSCIM_FUZZ_LIBFUZZER \
  -I"$build" -I"$src/src/core" "$src/tests/fuzz-csv.c" "$src/src/core/scim-csv.c" \
  "$src/src/core/scim-format.c" \
  $(pkg-config --cflags --libs gio-2.0) -o "$out"
cd "$build/tests"
exec "$out" -max_total_time="${FUZZ_SECONDS:-10}" -max_len=4096 -timeout=10 -print_final_stats=1 \
  "$corpus" "$src/tests/fuzz/csv"
