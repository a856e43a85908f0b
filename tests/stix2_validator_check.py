#!/usr/bin/env python3
"""Check compiled bundles with the official OASIS STIX 2.1 validator (stix2-validator).

Usage: python3 tests/stix2_validator_check.py DOC FILE_OR_DIR...

Every bundle file (a directory stands for its *.json files) is validated with the
validator's default options (all best-practice checks on). A bundle passes when the validator
reports no error and every warning it gives belongs to a category that DOC (docs/stix.md)
lists as deliberate: a table row whose first cell is the check's code in braces, such as
"| `{103}` |". A warning of an unlisted category fails the run, so a new kind of warning is
either fixed or documented.

Prints one line per file, the warning categories with their counts, and exits 1 on any
failure, 2 when stix2validator cannot be imported.

Install: pip install -r tests/requirements-stix2-validator.txt
"""

import re
import sys
from collections import Counter
from pathlib import Path


def documented_categories(doc):
    """The warning codes DOC lists as deliberate."""
    text = Path(doc).read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*`\{(\d+)\}`", text, flags=re.MULTILINE))


def expand(args):
    files = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            files.extend(sorted(p for p in path.glob("*.json") if p.is_file()))
        else:
            files.append(path)
    return files


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        from stix2validator import ValidationOptions, validate_file
    except ImportError as exc:
        print("stix2_validator_check: cannot import stix2validator ({})".format(exc), file=sys.stderr)
        return 2
    allowed = documented_categories(argv[1])
    files = expand(argv[2:])
    if not files:
        print("stix2_validator_check: no bundle files given", file=sys.stderr)
        return 1
    categories = Counter()
    failed = 0
    for path in files:
        results = validate_file(str(path), ValidationOptions())
        errors, unlisted = [], []
        for obj in results.object_results:
            errors.extend("{}: {}".format(obj.object_id, e) for e in obj.errors)
            for warning in obj.warnings:
                found = re.search(r"\{(\d+)\}", warning)
                code = found.group(1) if found else "?"
                categories[code] += 1
                if code not in allowed:
                    unlisted.append(warning)
        fatal = getattr(results, "fatal", None)
        if fatal:
            errors.append(str(fatal))
        if errors or unlisted or not results.is_valid:
            failed += 1
            print("FAIL {}".format(path))
            for e in errors:
                print("  error: {}".format(e))
            for w in unlisted:
                print("  warning not documented as deliberate in {}: {}".format(argv[1], w))
            if not errors and not results.is_valid:
                print("  the validator reports the bundle as invalid")
        else:
            print("ok {}".format(path))
    summary = ", ".join("{{{}}} x{}".format(c, n) for c, n in sorted(categories.items()))
    print("stix2_validator_check: warnings by category: {}".format(summary or "none"))
    print("stix2_validator_check: {} passed, {} failed".format(len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
