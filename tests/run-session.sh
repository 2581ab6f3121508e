#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs inside `xvfb-run dbus-run-session`: starts the real desktop services
# the app talks to on this private bus, then the meson test suite.
set -u
build=$1
shift

# The keyring, unlocked, so libsecret stores without a prompt.
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)"
  export GNOME_KEYRING_CONTROL
  export SCIM_TEST_KEYRING=1
fi

meson test -C "$build" --print-errorlogs "$@"
