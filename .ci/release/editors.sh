#!/usr/bin/env bash
# Packs the editor assets of a release:
#   editors.sh OUT_DIR
# OUT_DIR/afc-nvim-VERSION.tar.gz: the Neovim plugin (editors/nvim, without its tests), to
#   unpack into a directory on 'runtimepath' (see docs/editors.md);
# OUT_DIR/tree-sitter-attackflow-VERSION.tar.gz: the tree-sitter grammar (grammar.js, the
#   generated src/, queries/, tree-sitter.json), for editors that build grammars themselves.
# Each with its .sha256.
set -euo pipefail
out="$1"
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$("$root/.ci/release/version.sh")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

sum() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" >"$1.sha256"; else shasum -a 256 "$1" >"$1.sha256"; fi
}

nvim="afc-nvim-$version"
mkdir -p "$stage/$nvim"
(cd "$root/editors/nvim" && tar -cf - --exclude=./test .) | (cd "$stage/$nvim" && tar -xf -)
cp "$root/LICENSE" "$stage/$nvim/"
(cd "$stage" && tar -czf "$out/$nvim.tar.gz" "$nvim" && cd "$out" && sum "$nvim.tar.gz")

ts="tree-sitter-attackflow-$version"
mkdir -p "$stage/$ts"
(cd "$root/grammar/tree-sitter-attackflow" &&
  tar -cf - grammar.js tree-sitter.json README.md src queries) | (cd "$stage/$ts" && tar -xf -)
cp "$root/LICENSE" "$stage/$ts/"
(cd "$stage" && tar -czf "$out/$ts.tar.gz" "$ts" && cd "$out" && sum "$ts.tar.gz")

echo "$out/$nvim.tar.gz"
echo "$out/$ts.tar.gz"
