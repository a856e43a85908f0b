#!/usr/bin/env bash
# Writes what every release archive ships besides the binary, made by a runnable afc:
#   share.sh AFC_BINARY OUT_DIR
#   OUT_DIR/completions/{afc.bash,_afc,afc.fish,_afc.ps1,afc.elv}
#   OUT_DIR/man/man1/{afc.1,afc-COMMAND.1,…}
set -euo pipefail
afc="$1"
out="$2"
mkdir -p "$out/completions" "$out/man/man1"
"$afc" completions bash >"$out/completions/afc.bash"
"$afc" completions zsh >"$out/completions/_afc"
"$afc" completions fish >"$out/completions/afc.fish"
"$afc" completions powershell >"$out/completions/_afc.ps1"
"$afc" completions elvish >"$out/completions/afc.elv"
"$afc" man --out-dir "$out/man/man1"
echo "completions and man pages in $out"
