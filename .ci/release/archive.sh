#!/usr/bin/env bash
# Packs one release archive and its SHA-256 sum:
#   archive.sh TARGET AFC_BINARY SHARE_DIR OUT_DIR
# writes OUT_DIR/afc-VERSION-TARGET.tar.gz (.zip for Windows targets) holding the directory
# afc-VERSION-TARGET/ with the binary, README.md, LICENSE, NOTICE, CHANGELOG.md, completions/
# and man/ (from share.sh), and OUT_DIR/afc-VERSION-TARGET.tar.gz.sha256 in sha256sum's format.
# The names are what [package.metadata.binstall] in crates/afc/Cargo.toml expects.
set -euo pipefail
target="$1"
binary="$2"
share="$3"
out="$4"
root="$(cd "$(dirname "$0")/../.." && pwd)"
version="$("$root/.ci/release/version.sh")"
name="afc-$version-$target"

exe=afc
case "$target" in *windows*) exe=afc.exe ;; esac

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp "$root/README.md" "$root/LICENSE" "$root/NOTICE" "$root/CHANGELOG.md" "$stage/$name/"
cp -R "$share/completions" "$share/man" "$stage/$name/"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
case "$target" in
  *windows*)
    archive="$name.zip"
    rm -f "$out/$archive"
    if command -v 7z >/dev/null 2>&1; then
      (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name")
    else
      (cd "$stage" && zip -qr "$out/$archive" "$name")
    fi
    ;;
  *)
    archive="$name.tar.gz"
    (cd "$stage" && tar -czf "$out/$archive" "$name")
    ;;
esac

if command -v sha256sum >/dev/null 2>&1; then
  (cd "$out" && sha256sum "$archive" >"$archive.sha256")
else
  (cd "$out" && shasum -a 256 "$archive" >"$archive.sha256")
fi
echo "$out/$archive"
