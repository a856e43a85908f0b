#!/usr/bin/env bash
# Headless Neovim test of the plugin in editors/nvim: filetype detection, ftplugin settings,
# the language server attaching (afc lsp) and publishing diagnostics, :AfcCompile, and the
# tree-sitter queries running in Neovim's own query engine on the grammar's parser.
#
#   editors/nvim/test/run.sh            # builds afc with cargo (debug) and uses it
#   AFC_BIN=target/release/afc editors/nvim/test/run.sh
#
# Prints a skip reason and exits 0 when nvim is not installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plugin="$(cd "$here/.." && pwd)"
repo="$(cd "$plugin/../.." && pwd)"

if ! command -v nvim >/dev/null 2>&1; then
  echo "skipped: nvim is not installed (apt-get install neovim)"
  exit 0
fi

afc="${AFC_BIN:-}"
if [ -z "$afc" ]; then
  (cd "$repo" && cargo build -q -p afc)
  afc="${CARGO_TARGET_DIR:-$repo/target}/debug/afc"
fi
case "$afc" in /*) ;; *) afc="$repo/$afc" ;; esac
if [ ! -x "$afc" ]; then
  echo "no afc binary at $afc" >&2
  exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The grammar's parser as Neovim loads it: parser/attackflow.so on the runtimepath.
ts_dir=""
grammar_src="$repo/grammar/tree-sitter-attackflow/src"
if command -v cc >/dev/null 2>&1; then
  mkdir -p "$tmp/ts/parser"
  if cc -shared -fPIC -O1 -std=c11 -I "$grammar_src" "$grammar_src/parser.c" "$grammar_src/scanner.c" \
      -o "$tmp/ts/parser/attackflow.so"; then
    ts_dir="$tmp/ts"
  fi
fi

AFC_BIN="$afc" AFC_PLUGIN="$plugin" AFC_TS_DIR="$ts_dir" AFC_TMP="$tmp" AFC_REPO="$repo" \
  nvim --headless -u NONE -i NONE -n -c "luafile $here/plugin_test.lua"
