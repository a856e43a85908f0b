#!/usr/bin/env bash
# The tree-sitter queries have one source: grammar/tree-sitter-attackflow/queries. The Neovim
# plugin ships copies in queries/attackflow. Without arguments this copies them over; with
# --check it only reports copies that differ and exits 1 (cargo test -p tree-sitter-attackflow
# checks the same).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src="$here/../../grammar/tree-sitter-attackflow/queries"
dst="$here/queries/attackflow"
check=0
[ "${1:-}" = "--check" ] && check=1
status=0
mkdir -p "$dst"
for f in "$src"/*.scm; do
  name="$(basename "$f")"
  if ! cmp -s "$f" "$dst/$name"; then
    if [ "$check" -eq 1 ]; then
      echo "queries/attackflow/$name differs from the grammar's"
      status=1
    else
      cp "$f" "$dst/$name"
      echo "updated queries/attackflow/$name"
    fi
  fi
done
for f in "$dst"/*.scm; do
  name="$(basename "$f")"
  if [ ! -e "$src/$name" ]; then
    if [ "$check" -eq 1 ]; then
      echo "queries/attackflow/$name has no counterpart in the grammar"
      status=1
    else
      rm "$f"
      echo "removed queries/attackflow/$name"
    fi
  fi
done
exit "$status"
