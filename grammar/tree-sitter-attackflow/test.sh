#!/usr/bin/env bash
# Runs the grammar's corpus tests (test/corpus/*.txt) with the tree-sitter CLI, and checks
# that the committed src/ is what grammar.js generates. Prints a skip reason when the CLI is
# not installed (cargo install tree-sitter-cli --version 0.27.1). The Rust tests of the grammar
# (cargo test -p tree-sitter-attackflow) need no CLI.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v tree-sitter >/dev/null 2>&1; then
  echo "skipped: the tree-sitter CLI is not installed (cargo install tree-sitter-cli --version 0.27.1)"
  exit 0
fi

# Regenerate into a scratch copy and compare with the committed parser.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp -r grammar.js tree-sitter.json src "$scratch/"
(cd "$scratch" && tree-sitter generate --abi 14 >/dev/null)
stale=0
for f in parser.c grammar.json node-types.json; do
  if ! cmp -s "src/$f" "$scratch/src/$f"; then
    echo "src/$f is not what grammar.js generates: run 'tree-sitter generate --abi 14' in grammar/tree-sitter-attackflow"
    stale=1
  fi
done
[ "$stale" -eq 0 ] || exit 1

tree-sitter test
