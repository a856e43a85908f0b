#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a version (notes.sh 0.1.0), for the release page; fails
# when there is none, so a release cannot go out without its changelog entry.
set -euo pipefail
version="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
notes="$(awk -v v="$version" '
  /^## \[/ { on = index($0, "## [" v "]") == 1; next }
  /^\[[^]]*\]: / { next }
  on { print }
' "$root/CHANGELOG.md")"
if [ -z "$(tr -d '[:space:]' <<<"$notes")" ]; then
  echo "CHANGELOG.md has no section '## [$version]'" >&2
  exit 1
fi
printf '%s\n' "$notes"
