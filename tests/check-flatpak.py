#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lints the Flatpak manifests offline: ids, runtime, permissions, pinned
sources, the meson options they pass, and that README.md explains every
permission.  Then flatpak-builder itself reads each one (--show-manifest,
warnings fatal) when it is installed; CI=true makes its absence a failure.

Usage: check-flatpak.py SOURCE_DIR
"""

import json
import os
import re
import shutil
import subprocess
import sys

# Grants that would reach far beyond the job: the whole home, the host, every mount,
# and the raw bus names of services that the portals serve inside the sandbox.
FORBIDDEN = {
    "--filesystem=home", "--filesystem=home:rw", "--filesystem=host", "--filesystem=host:rw",
    "--filesystem=host-os", "--filesystem=host-etc", "--filesystem=/mnt", "--filesystem=/media",
    "--filesystem=/run/media", "--socket=session-bus", "--socket=system-bus",
    "--talk-name=org.freedesktop.secrets", "--talk-name=org.freedesktop.Notifications",
    "--device=all",
}
REQUIRED = {"--share=network", "--socket=wayland", "--socket=fallback-x11", "--share=ipc"}


def fail(errors, message):
    errors.append(message)


def meson_options(src):
    """The options meson_options.txt declares, with their choices."""
    text = open(os.path.join(src, "meson_options.txt"), encoding="utf-8").read()
    options = {}
    for m in re.finditer(r"option\('([^']+)',\s*type:\s*'(\w+)'(.*?)\)\s*$", text, re.S | re.M):
        choices = re.search(r"choices:\s*\[([^\]]*)\]", m.group(3))
        options[m.group(1)] = [c.strip().strip("'") for c in choices.group(1).split(",")] if choices else None
    return options


def check_manifest(src, path, app_id, profile, readme, errors):
    name = os.path.basename(path)
    manifest = json.load(open(path, encoding="utf-8"))
    if manifest.get("id", manifest.get("app-id")) != app_id:
        fail(errors, f"{name}: the id is not {app_id}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        fail(errors, f"{name}: the runtime and SDK must be GNOME's")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        fail(errors, f"{name}: the runtime version must be a stable GNOME release")
    if manifest.get("command") != "scim-sales":
        fail(errors, f"{name}: the command must be scim-sales")
    args = manifest.get("finish-args", [])
    for arg in args:
        if arg in FORBIDDEN:
            fail(errors, f"{name}: {arg} grants more than the app needs")
        if f"`{arg}`" not in readme:
            fail(errors, f"{name}: README.md does not explain {arg}")
    for arg in REQUIRED - set(args):
        fail(errors, f"{name}: {arg} is missing")
    if len(set(args)) != len(args):
        fail(errors, f"{name}: a permission is listed twice")

    options = meson_options(src)
    modules = manifest.get("modules", [])
    if not modules or modules[-1].get("name") != "scim-sales":
        fail(errors, f"{name}: the app must be the last module")
    for module in modules:
        if isinstance(module, str):
            fail(errors, f"{name}: module {module} is a file of its own; keep every module in the manifest")
            continue
        last = module is modules[-1]
        for source in module.get("sources", []):
            kind = source.get("type")
            if kind == "dir":
                if not last:
                    fail(errors, f"{name}: {module['name']} builds from a local folder; pin a release instead")
            elif kind in ("archive", "file"):
                if not re.fullmatch(r"[0-9a-f]{64}", source.get("sha256", "")):
                    fail(errors, f"{name}: {module['name']}: {source.get('url')} has no sha256")
                if not source.get("url", "").startswith("https://"):
                    fail(errors, f"{name}: {module['name']}: sources come over https")
            elif kind == "git":
                if not re.fullmatch(r"[0-9a-f]{40}", source.get("commit", "")):
                    fail(errors, f"{name}: {module['name']}: a git source needs its commit")
            else:
                fail(errors, f"{name}: {module['name']}: source type {kind} is not pinned")
        for opt in module.get("config-opts", []) if last else []:
            m = re.fullmatch(r"-D([\w-]+)=(.*)", opt)
            if m:
                if m.group(1) not in options:
                    fail(errors, f"{name}: meson has no option {m.group(1)}")
                elif options[m.group(1)] is not None and m.group(2) not in options[m.group(1)]:
                    fail(errors, f"{name}: {m.group(2)} is not a choice of {m.group(1)}")
            elif not opt.startswith("--buildtype="):
                fail(errors, f"{name}: unexpected meson argument {opt}")
        if last:
            opts = module.get("config-opts", [])
            want = f"-Dprofile={profile}"
            if profile == "development" and want not in opts:
                fail(errors, f"{name}: the development manifest must pass {want}")
            if profile == "default" and any(o.startswith("-Dprofile=") and o != want for o in opts):
                fail(errors, f"{name}: the release manifest must build the default profile")

    builder = shutil.which("flatpak-builder")
    if builder is None:
        if os.environ.get("CI") == "true":
            fail(errors, "flatpak-builder is missing, and CI must run this check")
        else:
            print(f"SKIP {name}: flatpak-builder is not installed")
        return
    env = dict(os.environ, G_DEBUG="fatal-warnings")
    shown = subprocess.run([builder, "--show-manifest", path], capture_output=True, text=True, env=env)
    if shown.returncode != 0:
        fail(errors, f"{name}: flatpak-builder refused it: {shown.stderr.strip()}")
        return
    if json.loads(shown.stdout).get("id") != app_id:
        fail(errors, f"{name}: flatpak-builder reads another id")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = argv[1]
    readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    errors = []
    check_manifest(src, os.path.join(src, "flatpak", "ru.scim.Sales.json"), "ru.scim.Sales", "default", readme,
                   errors)
    check_manifest(src, os.path.join(src, "flatpak", "ru.scim.Sales.Devel.json"), "ru.scim.Sales.Devel",
                   "development", readme, errors)
    for e in errors:
        print(e)
    if errors:
        return 1
    print("ok: both manifests are narrow, pinned and read by flatpak-builder")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
