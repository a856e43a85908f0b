#!/usr/bin/env bash
# Packs the VS Code extension for one platform with the afc binary inside:
#   vsix.sh VSCODE_TARGET AFC_BINARY OUT_DIR
# VSCODE_TARGET is linux-x64, linux-arm64, darwin-x64, darwin-arm64 or win32-x64: the
# extension looks for bin/<process.platform>-<process.arch>/afc[.exe] before afc on PATH
# (editors/vscode/src/server.ts), unless the afc.server.path setting is set.
# Writes OUT_DIR/afc-VSCODE_TARGET-VERSION.vsix and checks that the binary is in it, executable.
set -euo pipefail
target="$1"
binary="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
out="$3"
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$("$root/.ci/release/version.sh")"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
exe=afc
case "$target" in win32-*) exe=afc.exe ;; esac

cd "$root/editors/vscode"
rm -rf bin
mkdir -p "bin/$target"
trap 'rm -rf "$root/editors/vscode/bin"' EXIT
cp "$binary" "bin/$target/$exe"
chmod 755 "bin/$target/$exe"
[ -d node_modules ] || npm ci --no-audit --no-fund
vsix="$out/afc-$target-$version.vsix"
npx vsce package --no-dependencies --target "$target" -o "$vsix"

python3 - "$vsix" "extension/bin/$target/$exe" <<'PY'
import stat, sys, zipfile
vsix, entry = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(vsix) as z:
    names = z.namelist()
    if entry not in names:
        sys.exit(f"{vsix} does not hold {entry}")
    bins = [n for n in names if n.startswith("extension/bin/")]
    if bins != [entry]:
        sys.exit(f"{vsix} holds other binaries too: {bins}")
    mode = z.getinfo(entry).external_attr >> 16
    if not mode & stat.S_IXUSR:
        sys.exit(f"{entry} in {vsix} is not executable (mode {oct(mode)})")
    manifest = z.read("extension.vsixmanifest").decode()
    target = entry.split("/")[2]
    if f'TargetPlatform="{target}"' not in manifest:
        sys.exit(f"{vsix}: the manifest does not name the target platform {target}")
print(f"{vsix}: {entry} (mode {oct(mode & 0o777)}), target platform in the manifest")
PY
