#!/usr/bin/env python3
"""Checks that `cargo binstall afc` would find what the release workflow publishes: expands the
[package.metadata.binstall] templates of the afc crate (as cargo metadata reports them, with
the workspace repository and version) for a target and compares them with a release archive
made by .ci/release/archive.sh.

    binstall_check.py CRATE_MANIFEST TARGET DIST_DIR
"""

import json
import os
import stat
import subprocess
import sys
import tarfile


def expand(template, values):
    out = template
    for key, value in values.items():
        out = out.replace("{ " + key + " }", value).replace("{" + key + "}", value)
    if "{" in out:
        sys.exit(f"unexpanded variable in {template!r}: {out!r}")
    return out


def main():
    manifest, target, dist = sys.argv[1:4]
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--no-deps", "--format-version", "1", "--manifest-path", manifest],
            check=True,
            capture_output=True,
        ).stdout
    )
    pkg = next(p for p in meta["packages"] if p["name"] == "afc")
    binstall = pkg["metadata"]["binstall"]
    conf = dict(binstall)
    conf.update(binstall.get("overrides", {}).get(target, {}))
    windows = "windows" in target
    values = {
        "repo": pkg["repository"],
        "name": pkg["name"],
        "version": pkg["version"],
        "target": target,
        "bin": "afc",
        "binary-ext": ".exe" if windows else "",
    }
    url = expand(conf["pkg-url"], values)
    bin_dir = expand(conf["bin-dir"], values)
    prefix = f"{pkg['repository']}/releases/download/v{pkg['version']}/"
    if not url.startswith(prefix):
        sys.exit(f"binstall URL {url} is not a release asset of {pkg['repository']}")
    archive = os.path.join(dist, url[len(prefix):])
    if not os.path.isfile(archive):
        sys.exit(f"binstall would download {url}, but the release has no {os.path.basename(archive)}")
    if conf.get("pkg-fmt") != "tgz" or not archive.endswith(".tar.gz"):
        sys.exit(f"pkg-fmt {conf.get('pkg-fmt')} does not fit {archive}")
    with tarfile.open(archive) as tar:
        try:
            member = tar.getmember(bin_dir)
        except KeyError:
            sys.exit(f"{os.path.basename(archive)} has no {bin_dir} (binstall's bin-dir)")
        if not member.mode & stat.S_IXUSR:
            sys.exit(f"{bin_dir} in {os.path.basename(archive)} is not executable")
    print(f"binstall: {url} holds {bin_dir}")


if __name__ == "__main__":
    main()
