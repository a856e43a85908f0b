#!/usr/bin/env bash
# Headless Emacs with Eglot against afc lsp, configured exactly as docs/editors.md says
# ("Emacs (eglot)": the snippet is extracted from the docs): afc's diagnostic reaches Flymake,
# completion offers technique ids, the server shows no error, and it exits 0 after shutdown.
# Twice: with the documented `eglot-workspace-configuration', and without one (Eglot then
# answers the server's `workspace/configuration' with [null]).
#
#   editors/emacs/test/run.sh            # builds afc with cargo (debug) and uses it
#   AFC_BIN=target/release/afc editors/emacs/test/run.sh
#
# Prints a skip reason and exits 0 when Emacs or Eglot is missing (Debian: emacs-nox, and
# elpa-eglot for Emacs 28).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"

if ! command -v emacs >/dev/null 2>&1; then
  echo "skipped: emacs is not installed (apt-get install emacs-nox elpa-eglot)"
  exit 0
fi
if ! emacs --batch -q --eval "(require 'eglot)" >/dev/null 2>&1; then
  echo "skipped: Eglot is not available to $(emacs --version | head -n 1) (apt-get install elpa-eglot)"
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
# The documented set-up, as a user would paste it.
awk '/^## Emacs \(eglot\)/ { section = 1 } section && /^```elisp/ { grab = 1; next } grab && /^```/ { exit } grab { print }' \
  "$repo/docs/editors.md" >"$tmp/config.el"
if ! grep -q 'eglot-server-programs' "$tmp/config.el"; then
  echo "could not find the Emacs set-up in docs/editors.md" >&2
  exit 1
fi
mkdir -p "$tmp/bin" "$tmp/project"
ln -s "$afc" "$tmp/bin/afc"
cp "$repo/editors/vscode/test/e2e/broken.af" "$tmp/project/flow.af"
# A project root for Eglot.
git -C "$tmp/project" init -q 2>/dev/null || touch "$tmp/project/.project"

for case in docs no-settings; do
  echo "-- Eglot with the set-up of docs/editors.md ($case)"
  status=0
  HOME="$tmp" PATH="$tmp/bin:$PATH" AFC_E2E_FILE="$tmp/project/flow.af" AFC_E2E_CASE="$case" \
    emacs --batch -q -l "$tmp/config.el" -l "$here/smoke.el" >"$tmp/emacs.log" 2>&1 || status=$?
  grep -v '^Loading \|^Wrote \|^\[jsonrpc\]' "$tmp/emacs.log" || true
  if [ "$status" -ne 0 ]; then
    echo "Eglot smoke test failed ($case, exit $status)" >&2
    exit 1
  fi
done
