#!/usr/bin/env bash
# Builds the VS Code extension: install the locked dependencies, run the tests, bundle with
# esbuild and package afc.vsix, then check that the package holds what VS Code needs.
# With AFC_BIN set to an afc binary, the tests also run the compile and preview wiring against
# it (AFC_BIN=target/release/afc editors/vscode/build.sh).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v npm >/dev/null 2>&1; then
  echo "skipped: npm is not installed (the VS Code extension needs Node.js 18 or newer)"
  exit 0
fi

npm ci --no-audit --no-fund
npm test
npm run bundle
# The bundle loads (with a stand-in for the vscode module, which only VS Code provides) and
# exports the extension's entry points.
node -e '
const Module = require("module");
const stub = new Proxy(function () {}, { get: (t, k) => (k === "__esModule" ? false : stub), apply: () => stub, construct: () => stub });
const load = Module._load;
Module._load = function (request, ...rest) { return request === "vscode" ? stub : load.call(this, request, ...rest); };
const ext = require("./dist/extension.js");
for (const f of ["activate", "deactivate"]) {
  if (typeof ext[f] !== "function") { console.error("dist/extension.js does not export " + f); process.exit(1); }
}
console.log("dist/extension.js loads and exports activate and deactivate");
'
rm -f afc.vsix
npx vsce package --no-dependencies -o afc.vsix

# A .vsix is a zip file; list it without needing unzip.
listing="$(node -e '
const fs = require("fs");
const buf = fs.readFileSync(process.argv[1]);
// Walk the central directory: find its end record, then read every entry name.
let eocd = buf.length - 22;
while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
if (eocd < 0) { console.error("afc.vsix is not a zip file"); process.exit(1); }
const count = buf.readUInt16LE(eocd + 10);
let at = buf.readUInt32LE(eocd + 16);
for (let i = 0; i < count; i++) {
  if (buf.readUInt32LE(at) !== 0x02014b50) { console.error("afc.vsix: bad central directory"); process.exit(1); }
  const nameLen = buf.readUInt16LE(at + 28), extraLen = buf.readUInt16LE(at + 30), commentLen = buf.readUInt16LE(at + 32);
  console.log(buf.toString("utf8", at + 46, at + 46 + nameLen));
  at += 46 + nameLen + extraLen + commentLen;
}
' afc.vsix)"
echo "$listing"

missing=0
for f in extension/package.json extension/dist/extension.js extension/syntaxes/attackflow.tmLanguage.json \
         extension/language-configuration.json extension/snippets/attackflow.json extension/readme.md; do
  if ! grep -qix "$f" <<<"$listing"; then
    echo "afc.vsix is missing $f"
    missing=1
  fi
done
for pattern in '^extension/src/' '^extension/node_modules/' '^extension/test/' '^extension/out/'; do
  if grep -q "$pattern" <<<"$listing"; then
    echo "afc.vsix holds files it should not: $pattern"
    missing=1
  fi
done
if [ "$missing" -ne 0 ]; then
  exit 1
fi
echo "afc.vsix: $(wc -c <afc.vsix) bytes, contents checked"
