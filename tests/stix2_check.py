#!/usr/bin/env python3
"""Check that STIX 2.1 bundle files parse with the Python STIX library (stix2 3.0.2).

Usage: python3 tests/stix2_check.py FILE_OR_DIR...

Each argument is a bundle file or a directory whose *.json files are checked (not
recursively). Every file is parsed with ``stix2.parse(text, allow_custom=True)``:
Attack Flow objects (attack-flow, attack-action, ...) are not types stix2 knows, so
``allow_custom=True`` is needed to accept them. stix2 then leaves them as plain dicts and
checks nothing in them; the standard STIX objects of the bundle are still built and checked
(required properties, value types, identifiers, timestamps), though custom properties on
them are allowed. Use the JSON schema checks of af-testkit for the Attack Flow objects.

Prints "ok FILE (...)" or "FAIL FILE: reason" per file and a final "N passed, N failed"
line. Exits 1 when any file fails, 2 when stix2 cannot be imported, 0 otherwise (also when
no files are given, after saying so).

Install: pip install -r tests/requirements-stix2.txt
"""

import json
import sys
from pathlib import Path

EXPECTED_STIX2 = "3.0.2"
BUNDLE_LEVEL_KEYS = ("spec_version", "created", "modified")


def expand(args):
    """Return (files, problems): the files to check and the arguments that name none."""
    files, problems = [], []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            found = sorted(p for p in path.glob("*.json") if p.is_file())
            if found:
                files.extend(found)
            else:
                problems.append((path, "directory holds no *.json file"))
        elif path.is_file():
            files.append(path)
        else:
            problems.append((path, "no such file or directory"))
    return files, problems


def check(stix2, path):
    """Parse one file; return a short summary, or raise with the reason it fails."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)  # a JSON syntax error is reported as such, not by stix2
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise ValueError('top-level value is not a STIX bundle (no "type": "bundle")')
    parsed = stix2.parse(text, allow_custom=True)
    objects = parsed.get("objects", []) or []
    unchecked = sum(1 for obj in objects if isinstance(obj, dict))
    return "{} objects: {} built and checked by stix2, {} custom left unchecked".format(
        len(objects), len(objects) - unchecked, unchecked
    )


def reason(path, exc):
    """A one-line reason for a failure, with a hint for the known bundle-level quirk."""
    text = "{}: {}".format(type(exc).__name__, exc).replace("\n", " ")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return text
    if isinstance(data, dict):
        extra = [key for key in BUNDLE_LEVEL_KEYS if key in data]
        if extra:
            text += (
                " (hint: the bundle itself carries {}; a STIX 2.1 bundle has none of these, "
                "and stix2 reads a bundle with spec_version as STIX 2.0)".format(", ".join(extra))
            )
    return text


def main(argv):
    files, problems = expand(argv[1:])
    if not files and not problems:
        print("stix2_check: no files given, nothing checked")
        return 0
    try:
        import stix2
    except ImportError as exc:
        print(
            "stix2_check: cannot import stix2 ({}); "
            "run: pip install -r tests/requirements-stix2.txt".format(exc),
            file=sys.stderr,
        )
        return 2
    version = getattr(stix2, "__version__", "unknown")
    if version != EXPECTED_STIX2:
        print(
            "stix2_check: warning: stix2 {} is installed, the checks are pinned to {}".format(
                version, EXPECTED_STIX2
            ),
            file=sys.stderr,
        )

    passed = failed = 0
    for path, why in problems:
        print("FAIL {}: {}".format(path, why))
        failed += 1
    for path in files:
        try:
            summary = check(stix2, path)
        except Exception as exc:  # every failure is printed and counted, never swallowed
            print("FAIL {}: {}".format(path, reason(path, exc)))
            failed += 1
        else:
            print("ok {} ({})".format(path, summary))
            passed += 1
    print("stix2_check: {} passed, {} failed".format(passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
