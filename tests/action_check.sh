#!/usr/bin/env bash
# Runs the GitHub Action's scripts (action/install.sh with version `installed`, action/run.sh)
# the way action.yml does, in a scratch git repository with a base commit and a change, and
# checks the step outputs, the SARIF logs, the annotations and the job summary (counts, a
# Mermaid picture of each changed flow).
#
#   tests/action_check.sh AFC_BINARY [DIST_DIR]
#
# With DIST_DIR (release archives from .ci/release/archive.sh), install.sh is also run for a
# tagged and a `latest` action, with a stand-in for curl that serves GitHub's release URLs from
# DIST_DIR: the archive it picks, its checksum check and the afc it puts on PATH are real.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
afc="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PATH="$(dirname "$afc"):$PATH"
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_NOSYSTEM=1
git config --global user.name "afc test"
git config --global user.email "afc@example.invalid"
git config --global init.defaultBranch main

fail() {
  echo "action check: $*" >&2
  exit 1
}
command -v jq >/dev/null 2>&1 || fail "jq is needed (hosted runners have it; Debian: jq)"

repo="$work/repo"
mkdir -p "$repo/flows" "$repo/exports"
cd "$repo"
git init -q
cp "$root/examples/bec-invoice-fraud.af" flows/bec.af
cp "$root/examples/ics-water-treatment.af" flows/ics.af
afc compile flows/bec.af flows/ics.af >/dev/null 2>&1
git add flows
git commit -q -m base
base="$(git rev-parse HEAD)"

# The change: a new flow with its bundle, and the ICS flow edited (bundle recompiled).
cp "$root/examples/supply-chain-npm-package.af" "flows/supply chain.af"
sed 's/Lakeshire/Lakeside/' flows/ics.af >"$work/ics.af" && mv "$work/ics.af" flows/ics.af
afc compile flows/*.af >/dev/null 2>&1
cp flows/bec.json exports/bec.json
git add -A
git commit -q -m change

# run_action NAME: runs the action's steps with the INPUT_* variables set by the caller.
run_action() {
  local dir="$work/$1"
  mkdir -p "$dir"
  : >"$dir/output" && : >"$dir/summary" && : >"$dir/path"
  GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" GITHUB_PATH="$dir/path" \
    RUNNER_TEMP="$dir" AFC_BASE="$base" AFC_VERSION=installed \
    bash "$root/action/install.sh" >"$dir/install.log" 2>&1 || fail "install.sh: $(cat "$dir/install.log")"
  GITHUB_OUTPUT="$dir/output" GITHUB_STEP_SUMMARY="$dir/summary" \
    RUNNER_TEMP="$dir" AFC_BASE="$base" \
    bash "$root/action/run.sh" >"$dir/log" 2>&1 || fail "run.sh exited non-zero: $(cat "$dir/log")"
}
out() { sed -n "s/^$2=//p" "$work/$1/output"; }

# A clean run over everything: passes, draws the two changed flows, not the unchanged one.
INPUT_FLOWS="flows" INPUT_BUNDLES="exports/*.json
flows/bec.json" run_action clean
[ "$(out clean failed)" = false ] || fail "clean run failed: $(cat "$work/clean/log")"
[ "$(out clean errors)" = 0 ] || fail "clean run counted errors"
summary="$work/clean/summary"
grep -q '^| `afc check` | passed | 0 |' "$summary" || fail "no check row: $(cat "$summary")"
grep -q '^| `afc compile --check` | passed |' "$summary" || fail "no compile row"
grep -q '^| `afc validate` | passed | 0 |' "$summary" || fail "no validate row"
grep -q '^#### `flows/supply chain.af`' "$summary" || fail "the new flow is not drawn"
grep -q '^#### `flows/ics.af`' "$summary" || fail "the edited flow is not drawn"
if grep -q '^#### `flows/bec.af`' "$summary"; then fail "an unchanged flow is drawn"; fi
[ "$(grep -c '^```mermaid' "$summary")" = 2 ] || fail "expected two Mermaid pictures"
grep -q '^flowchart' "$summary" || fail "the pictures are not Mermaid flowcharts"
jq -e '.runs[0].tool.driver.name == "afc"' "$(out clean check-sarif)" >/dev/null || fail "no check SARIF log"
jq -e '.runs[0].results == []' "$(out clean validate-sarif)" >/dev/null || fail "the validate log has results"

# Problems: an error, a warning turned into a failure, a stale bundle.
printf '\naction broken T1566.001 { asset_refs: [nowhere] }\n' >>flows/bec.af
sed 's/Lakeside/Lakeview/' flows/ics.af >"$work/ics.af" && mv "$work/ics.af" flows/ics.af
sed 's/obfuscate T1027/obfuscate T1073/' "flows/supply chain.af" >"$work/s.af" && mv "$work/s.af" "flows/supply chain.af"
git commit -q -am problems
INPUT_FLOWS="flows/*.af" INPUT_DENY_WARNINGS=true run_action problems
[ "$(out problems failed)" = true ] || fail "a run with errors did not fail"
[ "$(out problems errors)" -ge 1 ] || fail "errors were not counted"
grep -q '^::error file=flows/bec.af,line=' "$work/problems/log" || fail "no annotation for the error: $(cat "$work/problems/log")"
grep -q '^| `afc check` | failed |' "$work/problems/summary" || fail "the check row does not say failed"
grep -q '^| `afc compile --check` | failed: 1 bundle(s) out of date' "$work/problems/summary" ||
  fail "the compile row does not count the stale bundle: $(cat "$work/problems/summary")"
grep -q 'flows/bec.af`' "$work/problems/summary" && grep -q '_Not drawn: the flow has errors' "$work/problems/summary" ||
  fail "a changed flow with errors is not reported as not drawn"
[ -z "$(out problems validate-sarif)" ] || fail "validate ran without bundles"

checked="clean and failing runs (outputs, annotations, SARIF, summary)"

if [ -n "${2:-}" ]; then
  dist="$(cd "$2" && pwd)"
  version="$("$root/.ci/release/version.sh")"
  mkdir -p "$work/fakebin"
  # curl -fsSLI -o /dev/null -w '%{url_effective}' .../releases/latest, or curl ... -o FILE URL
  cat >"$work/fakebin/curl" <<CURL
#!/usr/bin/env bash
out="" url="" effective=""
while [ \$# -gt 0 ]; do
  case "\$1" in
    -o) out="\$2"; shift ;;
    -w) effective=1; shift ;;
    --retry) shift ;;
    -*) ;;
    *) url="\$1" ;;
  esac
  shift
done
echo "\$url" >>"$work/curl.log"
case "\$url" in
  https://github.com/afc-test/fork/releases/latest) [ -n "\$effective" ] && printf '%s' "https://github.com/afc-test/fork/releases/tag/v$version"; exit 0 ;;
  https://github.com/afc-test/fork/releases/download/v$version/*) cp "$dist/\${url##*/}" "\$out" ;;
  *) echo "curl: (22) unexpected URL \$url" >&2; exit 22 ;;
esac
CURL
  chmod +x "$work/fakebin/curl"
  for ref in "v$version" main; do
    dir="$work/install-$ref"
    mkdir -p "$dir/_actions/afc-test/fork/$ref"
    : >"$dir/path"
    PATH="$work/fakebin:/usr/bin:/bin" GITHUB_ACTION_PATH="$dir/_actions/afc-test/fork/$ref" \
      GITHUB_PATH="$dir/path" RUNNER_TEMP="$dir" AFC_VERSION="" AFC_REPOSITORY="" \
      bash "$root/action/install.sh" >"$dir/log" 2>&1 || fail "install.sh ($ref): $(cat "$dir/log")"
    grep -q "OK" "$dir/log" || fail "install.sh ($ref) did not check the SHA-256 sum: $(cat "$dir/log")"
    installed="$(cat "$dir/path")/afc"
    "$installed" --version | grep -q "$version" || fail "install.sh ($ref) did not install afc $version"
  done
  grep -q "releases/latest" "$work/curl.log" || fail "an untagged action did not ask for the latest release"
  checked="$checked; install.sh from release archives"
fi

echo "GitHub Action scripts: $checked"
