#!/usr/bin/env bash
# Builds the afc playground and the <attack-flow> viewer into web/dist/: a static site with no
# server code. One command, from anywhere:
#
#   web/build.sh            # release build (what CI and the Pages workflow publish)
#
# Needs cargo with the wasm32-unknown-unknown target and the wasm-bindgen CLI at the version
# af-wasm pins (both installed here when missing: `rustup target add`, `cargo install`), and
# node with npm (dependencies pinned by package-lock.json, installed with `npm ci`).
set -euo pipefail
web="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$web/.." && pwd)"
cd "$root"

bindgen_version="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' crates/af-wasm/Cargo.toml)"
if [ -z "$bindgen_version" ]; then
  echo "build.sh: cannot read the wasm-bindgen version from crates/af-wasm/Cargo.toml" >&2
  exit 2
fi

if command -v rustup >/dev/null 2>&1 && ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "== rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -qF " $bindgen_version"; then
  echo "== cargo install wasm-bindgen-cli --version $bindgen_version"
  cargo install -q wasm-bindgen-cli --version "$bindgen_version"
fi

echo "== cargo build -p af-wasm (wasm32-unknown-unknown, release)"
target_dir="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
cargo build -q --release --target wasm32-unknown-unknown -p af-wasm
rm -rf "$web/pkg"
wasm-bindgen --target web --out-dir "$web/pkg" --out-name afc \
  "$target_dir/wasm32-unknown-unknown/release/af_wasm.wasm"
if command -v wasm-opt >/dev/null 2>&1; then
  wasm-opt -O2 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    "$web/pkg/afc_bg.wasm" -o "$web/pkg/afc_bg.wasm"
fi

cd "$web"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi
echo "== bundle (esbuild)"
node build.mjs
