#!/usr/bin/env bash
# Renders each Mermaid file given with mermaid-cli (mmdc) in Debian's Chromium, to prove that
# `afc render --to mermaid` output parses and draws. Exit 1 when a file fails to render.
#
#   tests/mermaid_check.sh out/*.mmd
#
# Installs what it needs when it can: Debian's `chromium` (apt-get) and
# `@mermaid-js/mermaid-cli` from the npm registry into a cache folder (no browser download:
# PUPPETEER_SKIP_DOWNLOAD=1). When either cannot be installed it prints why it skipped and
# exits 0, so a machine without them still passes; set MERMAID_CHECK_REQUIRED=1 to fail instead.
set -uo pipefail

MMDC_VERSION="${MMDC_VERSION:-11.17.0}"
CACHE="${MERMAID_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/afc-mermaid-check}"

skip() {
  echo "skipped: mermaid check: $*"
  if [ "${MERMAID_CHECK_REQUIRED:-0}" = "1" ]; then exit 1; fi
  exit 0
}

if [ "$#" -eq 0 ]; then
  echo "usage: $0 FILE.mmd..." >&2
  exit 2
fi

# A browser: Debian's chromium.
CHROME="${PUPPETEER_EXECUTABLE_PATH:-}"
if [ -z "$CHROME" ]; then
  CHROME="$(command -v chromium || command -v chromium-browser || true)"
fi
if [ -z "$CHROME" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "installing chromium with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 ||
      skip "apt-get could not install chromium"
    CHROME="$(command -v chromium || true)"
  fi
fi
[ -n "$CHROME" ] || skip "no chromium (install Debian's chromium package, or set PUPPETEER_EXECUTABLE_PATH)"

# mermaid-cli, installed once into the cache folder.
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
MMDC="$CACHE/node_modules/.bin/mmdc"
if [ ! -x "$MMDC" ]; then
  echo "installing @mermaid-js/mermaid-cli@$MMDC_VERSION into $CACHE"
  mkdir -p "$CACHE" || skip "cannot create $CACHE"
  ( cd "$CACHE" && [ -f package.json ] || echo '{"private": true}' > package.json ) 2>/dev/null
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$CACHE" --no-audit --no-fund --loglevel=error \
    "@mermaid-js/mermaid-cli@$MMDC_VERSION" >"$CACHE/npm.log" 2>&1 ||
    skip "npm could not install @mermaid-js/mermaid-cli (see $CACHE/npm.log)"
fi
[ -x "$MMDC" ] || skip "mmdc not found after installing"

# Chromium as root in a container needs --no-sandbox.
PUPPETEER_CONFIG="$CACHE/puppeteer.json"
cat >"$PUPPETEER_CONFIG" <<EOF
{"executablePath": "$CHROME", "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}
EOF

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
passed=0
failed=0
for f in "$@"; do
  name="$(basename "$f")"
  if PUPPETEER_EXECUTABLE_PATH="$CHROME" timeout 120 "$MMDC" --quiet -p "$PUPPETEER_CONFIG" \
      -i "$f" -o "$out/${name%.*}.svg" >"$out/log" 2>&1 && [ -s "$out/${name%.*}.svg" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $f"
    sed 's/^/  /' "$out/log" | head -20
  fi
done
echo "mermaid: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
