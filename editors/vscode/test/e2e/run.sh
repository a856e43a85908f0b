#!/usr/bin/env bash
# End to end in a real VS Code: code-server 4.139 (VS Code 1.139 in the browser) with the
# freshly built afc.vsix and default settings, driven by headless Chromium (puppeteer-core). It
# opens a flow with a mistake and waits for afc's diagnostic in the Problems panel, completes a
# technique id from the catalog, and opens the preview of a valid flow and checks that its SVG
# renders. Screenshots of each step go to $AFC_E2E_OUT (default: a new temporary directory),
# printed at the end; so is the extension's output when a step fails.
#
#   editors/vscode/build.sh                                   # builds editors/vscode/afc.vsix
#   AFC_BIN=target/release/afc editors/vscode/test/e2e/run.sh
#
# code-server, Chromium and puppeteer-core come from $AFC_SHARED/vscode/setup-code-server.sh
# (about 3 minutes the first time, then cached). Without it, or when it cannot install them,
# the test prints why and exits 0. The afc binary reaches VS Code the way a user's would with
# default settings: as `afc` in ~/.cargo/bin, on the PATH of the user's login shell (a home
# directory of the test's own).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ext="$(cd "$here/../.." && pwd)"
repo="$(cd "$ext/../.." && pwd)"
shared="${AFC_SHARED:-$repo/../shared}"
setup="$shared/vscode/setup-code-server.sh"

if [ ! -f "$setup" ]; then
  echo "skipped: no code-server installer at $setup (set AFC_SHARED to the shared/ folder)"
  exit 0
fi
vsix="$ext/afc.vsix"
if [ ! -f "$vsix" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "skipped: no $vsix and no npm to build it (editors/vscode/build.sh)"
    exit 0
  fi
  echo "no $vsix: run editors/vscode/build.sh first" >&2
  exit 1
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

if ! env_lines="$(bash "$setup")"; then
  echo "skipped: $setup could not install code-server, Chromium and puppeteer-core (see above)"
  exit 0
fi
eval "$env_lines"
for tool in node code-server; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skipped: $tool is missing after $setup"
    exit 0
  fi
done

tmp="$(mktemp -d)"
out="${AFC_E2E_OUT:-$(mktemp -d)}"
mkdir -p "$out"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# `afc` where `cargo install` puts it, on the PATH of a login shell: VS Code resolves the
# extension host's environment from the user's login shell, so this is what the extension
# finds with default settings. A home of its own keeps the test away from the real one.
home="$tmp/home"
mkdir -p "$home/.cargo/bin" "$tmp/data/User" "$tmp/ext" "$tmp/workspace"
ln -s "$afc" "$home/.cargo/bin/afc"
printf 'export PATH="$HOME/.cargo/bin:$PATH"\n' >"$home/.profile"
login_shell=/bin/sh
[ -x /bin/bash ] && login_shell=/bin/bash
cp "$here/broken.af" "$tmp/workspace/broken.af"
cp "$repo/examples/bec-invoice-fraud.af" "$tmp/workspace/flow.af"
# Editor noise off; nothing of the extension's own settings (afc.*) is set.
cat >"$tmp/data/User/settings.json" <<'JSON'
{
  "files.autoSave": "off",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none",
  "security.workspace.trust.enabled": false,
  "chat.disableAIFeatures": true,
  "editor.quickSuggestions": { "other": false, "comments": false, "strings": false }
}
JSON
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" >"$tmp/config.yaml"

code-server --install-extension "$vsix" --extensions-dir "$tmp/ext" --user-data-dir "$tmp/data" --force >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log" >&2
  exit 1
}
HOME="$home" SHELL="$login_shell" code-server --config "$tmp/config.yaml" --user-data-dir "$tmp/data" \
  --extensions-dir "$tmp/ext" --disable-workspace-trust --disable-telemetry --disable-update-check \
  "$tmp/workspace" >"$tmp/code-server.log" 2>&1 &
server_pid=$!

status=0
NODE_PATH="$PUPPETEER_DIR" AFC_E2E_URL="http://127.0.0.1:$port/?folder=$tmp/workspace" AFC_E2E_OUT="$out" \
  CHROMIUM="$CHROMIUM" node "$here/drive.js" || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- code-server log (last 40 lines)" >&2
  tail -n 40 "$tmp/code-server.log" >&2 || true
  find "$tmp/data/logs" -name '*Attack Flow*' -print0 2>/dev/null | while IFS= read -r -d '' log; do
    echo "--- $log" >&2
    tail -n 60 "$log" >&2
  done
  find "$tmp/data/logs" -name 'exthost*.log' -print0 2>/dev/null | while IFS= read -r -d '' log; do
    echo "--- $log (errors)" >&2
    grep -i 'error\|afc' "$log" | tail -n 30 >&2 || true
  done
fi
echo "VS Code end-to-end screenshots: $out"
exit "$status"
